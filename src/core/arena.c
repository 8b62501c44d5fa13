/* SPDX-License-Identifier: MIT */
/* The request arena: see arena.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "xmalloc.h"

#define ARENA_CHUNK	(16 * 1024)
#define ARENA_ALIGN	16

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 size;
	size_t			 off;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

void
arena_init(struct arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void
arena_release(struct arena *a)
{
	struct arena_chunk	*c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		xfree(c);
	}
	arena_init(a);
}

void
arena_reset(struct arena *a)
{
	struct arena_chunk	*c, *last = NULL;

	/* Keep the oldest chunk, which is at the tail of the list. */
	for (c = a->head; c != NULL; c = c->next)
		last = c;
	for (c = a->head; c != last; ) {
		struct arena_chunk *next = c->next;
		xfree(c);
		c = next;
	}
	if (last != NULL) {
		last->off = 0;
		last->next = NULL;
	}
	a->head = last;
	a->used = 0;
}

void *
arena_alloc(struct arena *a, size_t len)
{
	struct arena_chunk	*c = a->head;
	size_t			 off, size;

	if (c != NULL) {
		off = (c->off + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
		if (off + len <= c->size) {
			c->off = off + len;
			a->used += len;
			return (c->data + off);
		}
	}
	size = len > ARENA_CHUNK / 2 ? len : ARENA_CHUNK;
	c = xmalloc(sizeof(*c) + size);
	c->size = size;
	c->off = len;
	if (len > ARENA_CHUNK / 2 && a->head != NULL) {
		/* A big block goes behind the current chunk, which stays open. */
		c->next = a->head->next;
		a->head->next = c;
	} else {
		c->next = a->head;
		a->head = c;
	}
	a->used += len;
	return (c->data);
}

void *
arena_zalloc(struct arena *a, size_t len)
{
	void	*p = arena_alloc(a, len);

	memset(p, 0, len);
	return (p);
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char	*p = arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return (arena_strndup(a, s, strlen(s)));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;
	char	*p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return (p);
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return (p);
}
