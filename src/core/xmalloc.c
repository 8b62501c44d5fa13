/* SPDX-License-Identifier: MIT */
/* The allocator: see xmalloc.h. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"

#if defined(__SANITIZE_ADDRESS__)
/* libasan's (sanitizer/allocator_interface.h, not shipped by GCC 12). */
size_t	__sanitizer_get_current_allocated_bytes(void);
size_t	__sanitizer_get_free_bytes(void);
#endif

static void
oom(size_t len)
{
	fprintf(stderr, "payerlink: out of memory (%zu bytes)\n", len);
	abort();
}

void *
xmalloc(size_t len)
{
	void	*p;

	if ((p = malloc(len ? len : 1)) == NULL)
		oom(len);
	return (p);
}

void *
xcalloc(size_t n, size_t len)
{
	void	*p;

	if ((p = calloc(n ? n : 1, len ? len : 1)) == NULL)
		oom(n * len);
	return (p);
}

void *
xrealloc(void *old, size_t len)
{
	void	*p;

	if ((p = realloc(old, len ? len : 1)) == NULL)
		oom(len);
	return (p);
}

char *
xstrdup(const char *s)
{
	return (xstrndup(s, strlen(s)));
}

char *
xstrndup(const char *s, size_t len)
{
	char	*p;

	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

void
xfree(void *p)
{
	free(p);
}

void
xmalloc_long_running(void)
{
#ifdef M_MMAP_THRESHOLD
	/*
	 * glibc raises its mmap threshold to the largest block freed (up to
	 * 32 MiB); past that, an import's read buffers and hash tables come
	 * from the per-thread heaps and stay resident once freed, so the
	 * server's RSS crept up through a soak of small CUR uploads
	 * (docs/reliability.md). A fixed threshold gives big blocks back.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
#ifdef M_ARENA_MAX
	/*
	 * glibc gives threads up to 8 heaps per core; each keeps its own
	 * free fragments. One per core holds the soak's RSS 3 to 5 MiB lower
	 * at the same latency (docs/reliability.md).
	 */
	{
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		mallopt(M_ARENA_MAX, n > 0 ? (int)n : 2);
	}
#endif
}

void
xmalloc_trim(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

void
xmalloc_usage(size_t *in_use, size_t *held_free)
{
#if defined(__SANITIZE_ADDRESS__)
	/* The sanitizer's allocator replaces glibc's (mallinfo2 says 0). */
	*in_use = __sanitizer_get_current_allocated_bytes();
	*held_free = __sanitizer_get_free_bytes();
#elif defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	struct mallinfo2	 mi = mallinfo2();

	*in_use = mi.uordblks + mi.hblkhd;
	*held_free = mi.fordblks;
#else
	*in_use = *held_free = 0;
#endif
}
