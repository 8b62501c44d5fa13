/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the Parquet reader (src/billing/pq_*.c). The first
 * byte picks what the rest is: 0 a whole file (footer, then every leaf
 * column of every row group decoded, nested MAP columns included, and a
 * scan of the flat top-level columns through parquet_scan()); 1 a footer
 * alone (pq_meta_parse); 2 a page header alone; 3 an RLE / bit-packed run
 * and a DELTA_BINARY_PACKED stream. Nothing may crash, leak, read out of
 * bounds or allocate past its caps; errors are expected.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "billing/parquet.h"
#include "billing/pq.h"
#include "core/xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint64_t	 sink_hash;

static int
on_row(void *arg, const struct csv_field *f, uint64_t line)
{
	size_t	 i, k;

	(void)arg;
	sink_hash = sink_hash * 31 + line;
	for (i = 0; i < 8; i++)
		for (k = 0; k < f[i].len; k++)
			sink_hash = sink_hash * 131 + (unsigned char)f[i].p[k];
	return (0);
}

/* Every leaf of every row group, a bounded number of batches each. */
static void
leaves(struct parquet *pq, int fd, const uint8_t *p, size_t n)
{
	struct pq_meta		 m;
	struct pq_codecs	 codecs;
	struct pq_col		*c;
	struct parquet_source	 src;
	struct err		 e;
	char			 msg[300];
	int			 leaf, g, kind, batches;
	uint32_t		 len;

	if (n < 12)
		return;
	memcpy(&len, p + n - 8, 4);
	if (len > n - 12 || pq_meta_parse(&m, p + n - 8 - len, len,
	    n - 8 - len, msg, sizeof(msg)) == -1)
		return;
	(void)pq;
	memset(&codecs, 0, sizeof(codecs));
	parquet_source_fd(&src, fd, n);
	c = xcalloc(1, sizeof(*c));
	for (leaf = 0; leaf < m.nleaf && leaf < 64; leaf++) {
		for (kind = PARQUET_NUMBER; kind >= PARQUET_TEXT; kind--)
			if (pq_col_check(&m, leaf, kind, msg,
			    sizeof(msg)) == 0)
				break;
		pq_col_init(c, &src, "fuzz", &m, leaf, kind < 0 ? PARQUET_TEXT :
		    kind, &codecs);
		for (g = 0; g < m.nrg && g < 16; g++) {
			err_clear(&e);
			if (pq_col_start(c, g, &e) == -1)
				continue;
			for (batches = 0; batches < 64; batches++)
				if (pq_col_fill(c, PQ_BATCH, &e) == -1 ||
				    c->nf == 0)
					break;
		}
		pq_col_release(c);
	}
	xfree(c);
	pq_codecs_release(&codecs);
	pq_meta_release(&m);
}

static void
whole_file(const uint8_t *p, size_t n)
{
	static const int	 kinds[3] = { PARQUET_TEXT, PARQUET_NUMBER,
				    PARQUET_TIME };
	struct parquet_sink	 sink;
	struct parquet		*pq = NULL;
	struct err		 e;
	char			**names;
	int			 fd, ncols, i, slot = 0, nums;

	if ((fd = memfd_create("parquet-fuzz", 0)) == -1)
		return;
	if (write(fd, p, n) != (ssize_t)n)
		goto out;
	err_clear(&e);
	if (parquet_open(fd, n, "fuzz", &pq, &e) == -1)
		goto out;
	names = parquet_columns(pq, &ncols);
	for (i = 0; i < ncols && slot < 16; i++)
		if (names[i] != NULL && parquet_want(pq, i, slot,
		    kinds[i % 3], &nums, &e) == 0)
			slot++;
	memset(&sink, 0, sizeof(sink));
	sink.row = on_row;
	(void)parquet_scan(pq, 1, &sink, &e);
	leaves(pq, fd, p, n);
out:
	parquet_free(pq);
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pq_page_header	 h;
	struct pq_meta		 m;
	struct pq_rle		 r;
	struct pq_delta		 d;
	uint32_t		 out[64];
	int64_t			 v[64];
	uint8_t			*buf;
	char			 msg[300];
	int			 trunc;

	if (size < 1)
		return (0);
	/* Decoders get PQ_PAD readable bytes past the data, as the reader
	 * gives them. */
	buf = xcalloc(1, size + PQ_PAD);
	memcpy(buf, data + 1, size - 1);
	switch (data[0] % 4) {
	case 0:
		whole_file(buf, size - 1);
		break;
	case 1:
		if (pq_meta_parse(&m, buf, size - 1, 1 << 30, msg,
		    sizeof(msg)) == 0)
			pq_meta_release(&m);
		break;
	case 2:
		(void)pq_page_header(buf, size - 1, &h, &trunc, msg,
		    sizeof(msg));
		break;
	default:
		if (size < 2)
			break;
		pq_rle_init(&r, buf + 1, size - 2, buf[0] % 33);
		(void)pq_rle_get(&r, out, 64);
		if (pq_delta_init(&d, buf + 1, size - 2, buf[0] & 1, msg,
		    sizeof(msg)) == 0 && pq_delta_get(&d, v, 64, msg,
		    sizeof(msg)) == 0)
			(void)pq_delta_end(&d, msg, sizeof(msg));
	}
	xfree(buf);
	return (0);
}
