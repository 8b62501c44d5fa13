/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the CSV reader (src/billing/csv.c): the input's first
 * byte picks the column count, the rest is split by the SIMD path and by
 * the byte-by-byte reference, whole and cut in two at a point taken from
 * the input; every row, field, line number and error must agree. The
 * parallel ingest's byte-range split is checked too: the quote parity at
 * the cut (csv_count) and csv_row_start() give a row start, and scanning
 * the two ranges apart must hand out the same rows as scanning whole.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "billing/csv.h"
#include "core/xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct trace {
	uint64_t	 h;
	uint64_t	 rows;
};

static int
on_row(void *arg, const struct csv_field *f, uint64_t line)
{
	struct trace	*t = arg;
	size_t		 i, k;

	t->rows++;
	t->h = t->h * 31 + line;
	for (i = 0; i < 8; i++)
		for (k = 0; k < f[i].len; k++)
			t->h = t->h * 131 + (unsigned char)f[i].p[k] + i;
	return (0);
}

static int
on_reject(void *arg, uint64_t line, int col, const char *why)
{
	struct trace	*t = arg;

	(void)why;
	t->h = t->h * 7 + line * 3 + col;
	return (0);
}

/* ref: 0 csv_scan(), 1 csv_scan_ref(), 2 csv_scan() with the portable
 * masks (not the AVX2 ones). */
static ssize_t
run(struct csv *c, struct trace *t, int ncols, const char *p, size_t n,
    size_t cut, int ref)
{
	char	*buf;
	ssize_t	 k;
	size_t	 used;
	int	 i;

	memset(t, 0, sizeof(*t));
	csv_init(c, ncols, 1);
	for (i = 0; i < ncols && i < 8; i++)
		csv_want(c, i, i);
	c->row = on_row;
	c->reject = on_reject;
	c->arg = t;
	if (ref == 2)
		c->avx2 = 0;
	if (ref || cut > n) {
		k = ref == 1 ? csv_scan_ref(c, p, n, 1) : csv_scan(c, p, n, 1);
		csv_release(c);
		return (k < 0 ? -1 : k);
	}
	buf = xmalloc(n + 1);
	memcpy(buf, p, cut);
	if ((k = csv_scan(c, buf, cut, 0)) >= 0) {
		used = (size_t)k;
		memmove(buf, buf + used, cut - used);
		memcpy(buf + cut - used, p + cut, n - cut);
		k = csv_scan(c, buf, n - used, 1);
		if (k >= 0)
			k = n;
	}
	xfree(buf);
	csv_release(c);
	return (k < 0 ? -1 : k);
}

/* Scans p[0..s) and p[s..n) apart, as the parallel ingest does. */
static ssize_t
run_split(struct csv *c, struct trace *t, int ncols, const char *p,
    size_t n, size_t cut)
{
	uint64_t	 q, nl, nl2;
	size_t		 s;
	ssize_t		 k;
	int		 i;

	memset(t, 0, sizeof(*t));
	csv_count(p, cut, &q, &nl);
	s = csv_row_start(p, n, cut, (int)(q & 1));
	csv_count(p, s, &q, &nl2);
	csv_init(c, ncols, 1);
	for (i = 0; i < ncols && i < 8; i++)
		csv_want(c, i, i);
	c->row = on_row;
	c->reject = on_reject;
	c->arg = t;
	k = csv_scan(c, p, s, 1);
	csv_release(c);
	if (k < 0)
		return (-1);
	csv_init(c, ncols, 1 + nl2);
	for (i = 0; i < ncols && i < 8; i++)
		csv_want(c, i, i);
	c->row = on_row;
	c->reject = on_reject;
	c->arg = t;
	k = csv_scan(c, p + s, n - s, 1);
	csv_release(c);
	return (k < 0 ? -1 : (ssize_t)n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct csv	 c;
	struct trace		 a, b, d, sp, pt;
	ssize_t			 ka, kb, kd, ks, kp;
	int			 ncols;
	size_t			 cut;

	if (size < 2)
		return (0);
	ncols = data[0] % 12 + 1;
	cut = data[1];
	data += 2;
	size -= 2;
	ka = run(&c, &a, ncols, (const char *)data, size, (size_t)-1, 0);
	kb = run(&c, &b, ncols, (const char *)data, size, 0, 1);
	if (ka != kb || a.h != b.h || a.rows != b.rows)
		abort();
	kp = run(&c, &pt, ncols, (const char *)data, size, (size_t)-1, 2);
	if (kp != kb || pt.h != b.h || pt.rows != b.rows)
		abort();
	kd = run(&c, &d, ncols, (const char *)data, size, cut % (size + 1), 0);
	/* A cut may turn a too-long field into an early error, never more. */
	if (kd >= 0 && (kd != ka || d.h != a.h || d.rows != a.rows))
		abort();
	/* The byte-range split: same rows, same lines, same failure. */
	ks = run_split(&c, &sp, ncols, (const char *)data, size,
	    cut % (size + 1));
	if ((ks < 0) != (ka < 0) || (ka >= 0 && (sp.h != a.h ||
	    sp.rows != a.rows)))
		abort();
	return (0);
}
