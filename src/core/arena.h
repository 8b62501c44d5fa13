/* SPDX-License-Identifier: MIT */
/*
 * A bump allocator: one per request (or per ingest batch). Everything taken
 * from it is freed at once by arena_release() or arena_reset(); a pointer
 * into an arena never outlives it.
 */
#ifndef CORE_ARENA_H
#define CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk	*head;
	size_t			 used;	/* bytes handed out, for limits */
};

void	 arena_init(struct arena *);
void	 arena_release(struct arena *);
/* Frees all but the first chunk, so a reused arena does not call malloc. */
void	 arena_reset(struct arena *);
void	*arena_alloc(struct arena *, size_t);
void	*arena_zalloc(struct arena *, size_t);
char	*arena_strdup(struct arena *, const char *);
char	*arena_strndup(struct arena *, const char *, size_t);
char	*arena_printf(struct arena *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
char	*arena_vprintf(struct arena *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

#endif
