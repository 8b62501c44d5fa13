/* SPDX-License-Identifier: MIT */
/*
 * The allocator: the only place that calls malloc and free. Out of memory
 * aborts, as in a server it cannot be handled better; in exchange every
 * allocation driven by input has a ceiling elsewhere.
 */
#ifndef CORE_XMALLOC_H
#define CORE_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
void	 xfree(void *);
/* For the server: blocks freed go back to the system, one heap per core
 * (flat RSS). */
void	 xmalloc_long_running(void);
/* Gives the free pages of every heap back to the system. */
void	 xmalloc_trim(void);
/* Bytes the allocator has handed out and bytes it holds free (0 and 0
 * where the C library cannot tell). */
void	 xmalloc_usage(size_t *in_use, size_t *held_free);

#endif
