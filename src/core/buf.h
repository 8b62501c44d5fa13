/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer, as git's strbuf and curl's dynbuf.
 * Invariants: b->ptr is NUL-terminated whenever b->len > 0 or after any
 * append; b->len < b->cap. A buffer with a cap (buf_init(b, max)) refuses to
 * grow past max bytes: appends then return -1 and leave it unchanged.
 */
#ifndef CORE_BUF_H
#define CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*ptr;
	size_t	 len;
	size_t	 cap;
	size_t	 max;	/* 0: no limit */
};

void	 buf_init(struct buf *, size_t max);
void	 buf_release(struct buf *);
void	 buf_reset(struct buf *);
int	 buf_add(struct buf *, const void *, size_t);
/* Inserts len bytes at off (<= b->len), moving the rest up. */
int	 buf_insert(struct buf *, size_t off, const void *, size_t len);
int	 buf_adds(struct buf *, const char *);
int	 buf_addc(struct buf *, char);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/* Takes the bytes; the buffer is empty afterwards. Caller frees with xfree. */
char	*buf_detach(struct buf *, size_t *len_out /* OUT, may be NULL */);
/* Returns the content as a C string ("" when empty). */
const char *buf_str(const struct buf *);

#endif
