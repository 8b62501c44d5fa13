/* SPDX-License-Identifier: MIT */
/* Growable buffers: see buf.h. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

void
buf_init(struct buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void
buf_release(struct buf *b)
{
	xfree(b->ptr);
	buf_init(b, b->max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->ptr != NULL)
		b->ptr[0] = '\0';
}

static int
buf_grow(struct buf *b, size_t extra)
{
	size_t	 need, cap;

	if (extra > (size_t)-1 / 2 - b->len)
		return (-1);
	need = b->len + extra + 1;
	if (b->max != 0 && need > b->max + 1)
		return (-1);
	if (need <= b->cap)
		return (0);
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if (b->max != 0 && cap > b->max + 1)
		cap = b->max + 1;
	b->ptr = xrealloc(b->ptr, cap);
	b->cap = cap;
	return (0);
}

int
buf_add(struct buf *b, const void *p, size_t len)
{
	if (buf_grow(b, len) == -1)
		return (-1);
	if (len > 0)
		memcpy(b->ptr + b->len, p, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return (0);
}

int
buf_insert(struct buf *b, size_t off, const void *p, size_t len)
{
	if (off > b->len || buf_grow(b, len) == -1)
		return (-1);
	memmove(b->ptr + off + len, b->ptr + off, b->len - off);
	memcpy(b->ptr + off, p, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return (0);
}

int
buf_adds(struct buf *b, const char *s)
{
	return (buf_add(b, s, strlen(s)));
}

int
buf_addc(struct buf *b, char c)
{
	return (buf_add(b, &c, 1));
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || buf_grow(b, (size_t)n) == -1)
		return (-1);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return (0);
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return (rc);
}

char *
buf_detach(struct buf *b, size_t *len_out)
{
	char	*p;

	if (b->ptr == NULL)
		buf_grow(b, 0);
	p = b->ptr;
	if (len_out != NULL)
		*len_out = b->len;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return (p);
}

const char *
buf_str(const struct buf *b)
{
	return (b->ptr != NULL ? b->ptr : "");
}
