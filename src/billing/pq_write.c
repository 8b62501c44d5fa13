/* SPDX-License-Identifier: MIT */
/*
 * A small Parquet writer (parquet.h), for the demo's CUR 2.0 as AWS Data
 * Exports writes it (`payerlink init --demo --format parquet`) and for
 * tests that need a file with page CRCs: optional columns of strings,
 * doubles and TIMESTAMP(MILLIS, UTC); one row group per flush with one
 * data page (v1, PLAIN values, RLE definition levels) per column; snappy
 * or uncompressed; a CRC on every page. It writes what the reader reads
 * and nothing more (no dictionary, no statistics).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <isa-l/crc.h>
#include <snappy-c.h>

#include "billing/pq.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/xmalloc.h"

struct wcol {
	char		*name;
	int		 type;		/* enum parquet_wtype */
	struct buf	 vals;		/* PLAIN values */
	struct buf	 defs;		/* one byte per row: 0 null, 1 set */
	/* The chunks written, for the footer. */
	struct wchunk {
		int64_t	 offset, plain, stored, values;
	}		*chunks;
	size_t		 nchunks, capchunks;
};

struct parquet_writer {
	int		 fd;
	int		 snappy;
	struct wcol	*c;
	int		 ncols;
	int64_t		 rows;		/* in the row group being built */
	int64_t		 total;
	int64_t		*rg_rows;
	size_t		 nrg;
	uint64_t	 off;		/* bytes written */
	int		 failed;
};

/* The thrift compact protocol, writing. */
struct tw {
	struct buf	*b;
	int16_t		 last[PQ_DEPTH_MAX];
	int		 depth;
};

static void
tw_varint(struct tw *t, uint64_t v)
{
	while (v >= 0x80) {
		buf_addc(t->b, (char)(v | 0x80));
		v >>= 7;
	}
	buf_addc(t->b, (char)v);
}

static void
tw_field(struct tw *t, int16_t id, int type)
{
	int16_t	 d = (int16_t)(id - t->last[t->depth]);

	if (d > 0 && d <= 15)
		buf_addc(t->b, (char)(d << 4 | type));
	else {
		buf_addc(t->b, (char)type);
		tw_varint(t, (uint64_t)((id << 1) ^ (id >> 15)));
	}
	t->last[t->depth] = id;
}

static void
tw_i64(struct tw *t, int16_t id, int64_t v)
{
	tw_field(t, id, TC_I64);
	tw_varint(t, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void
tw_i32(struct tw *t, int16_t id, int32_t v)
{
	tw_field(t, id, TC_I32);
	tw_varint(t, ((uint32_t)v << 1) ^ (uint32_t)(v >> 31));
}

static void
tw_str(struct tw *t, int16_t id, const char *s)
{
	tw_field(t, id, TC_BINARY);
	tw_varint(t, strlen(s));
	buf_adds(t->b, s);
}

static void
tw_begin(struct tw *t, int16_t id)
{
	if (id > 0)
		tw_field(t, id, TC_STRUCT);
	t->last[++t->depth] = 0;
}

static void
tw_end(struct tw *t)
{
	buf_addc(t->b, 0);
	t->depth--;
}

/* A list header; its structs are then tw_begin(t, 0) ... tw_end(t). */
static void
tw_list(struct tw *t, int16_t id, int elem, size_t n)
{
	tw_field(t, id, TC_LIST);
	if (n < 15)
		buf_addc(t->b, (char)(n << 4 | elem));
	else {
		buf_addc(t->b, (char)(0xf0 | elem));
		tw_varint(t, n);
	}
}

static int
wfail(struct parquet_writer *w, struct err *e, const char *what)
{
	w->failed = 1;
	return (err_set(e, ERR_INTERNAL, NULL, NULL, "writing Parquet: %s: %s",
	    what, strerror(errno)));
}

static int
wwrite(struct parquet_writer *w, const void *p, size_t n, struct err *e)
{
	const char	*s = p;
	ssize_t		 r;

	while (n > 0) {
		if ((r = write(w->fd, s, n)) < 0) {
			if (errno == EINTR)
				continue;
			return (wfail(w, e, "write"));
		}
		s += r;
		n -= (size_t)r;
		w->off += (uint64_t)r;
	}
	return (0);
}

struct parquet_writer *
parquet_writer_new(int fd, int snappy, const char *const *names,
    const enum parquet_wtype *types, int ncols)
{
	struct parquet_writer	*w = xcalloc(1, sizeof(*w));
	struct err		 e;
	int			 i;

	w->fd = fd;
	w->snappy = snappy;
	w->ncols = ncols;
	w->c = xcalloc((size_t)ncols, sizeof(*w->c));
	for (i = 0; i < ncols; i++) {
		w->c[i].name = xstrdup(names[i]);
		w->c[i].type = types[i];
		buf_init(&w->c[i].vals, 0);
		buf_init(&w->c[i].defs, 0);
	}
	(void)wwrite(w, PARQUET_MAGIC, 4, &e);
	return (w);
}

/* "YYYY-MM-DDTHH:MM:SS..." to ms since the epoch. */
static int
parse_ms(const char *s, int64_t *out)
{
	int		 y, mo, d, h, mi, sec;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi,
	    &sec) != 6 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return (-1);
	*out = (clock_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + sec) * 1000LL;
	return (0);
}

int
parquet_writer_row(struct parquet_writer *w, const char *const *vals,
    struct err *e)
{
	struct wcol	*c;
	uint32_t	 len;
	int64_t		 ms;
	double		 d;
	char		*end;
	int		 i;

	for (i = 0; i < w->ncols; i++) {
		c = &w->c[i];
		buf_addc(&c->defs, vals[i] != NULL);
		if (vals[i] == NULL)
			continue;
		switch (c->type) {
		case PARQUET_W_STRING:
			len = (uint32_t)strlen(vals[i]);
			buf_add(&c->vals, &len, 4);
			buf_add(&c->vals, vals[i], len);
			break;
		case PARQUET_W_DOUBLE:
			d = strtod(vals[i], &end);
			if (*end != '\0')
				return (err_set(e, ERR_INVALID, NULL, NULL,
				    "writing Parquet: %s: not a number: %s",
				    c->name, vals[i]));
			buf_add(&c->vals, &d, 8);
			break;
		default:
			if (parse_ms(vals[i], &ms) == -1)
				return (err_set(e, ERR_INVALID, NULL, NULL,
				    "writing Parquet: %s: not a time: %s",
				    c->name, vals[i]));
			buf_add(&c->vals, &ms, 8);
		}
	}
	w->rows++;
	return (0);
}

/* The definition levels as RLE runs of 0s and 1s, after their length. */
static void
levels(const struct wcol *c, struct buf *out)
{
	struct tw	 t = { .b = out };
	size_t		 i = 0, j, at;
	uint32_t	 len;

	at = out->len;
	buf_add(out, "\0\0\0\0", 4);
	while (i < c->defs.len) {
		for (j = i; j < c->defs.len && c->defs.ptr[j] == c->defs.ptr[i];)
			j++;
		tw_varint(&t, (uint64_t)(j - i) << 1);
		buf_addc(out, c->defs.ptr[i]);
		i = j;
	}
	len = (uint32_t)(out->len - at - 4);
	memcpy(out->ptr + at, &len, 4);
}

static int
write_chunk(struct parquet_writer *w, struct wcol *c, struct err *e)
{
	struct buf	 page, hdr;
	struct tw	 t;
	struct wchunk	*k;
	char		*z = NULL;
	size_t		 zn;
	int		 rc = -1;

	buf_init(&page, 0);
	buf_init(&hdr, 0);
	levels(c, &page);
	buf_add(&page, c->vals.ptr, c->vals.len);
	zn = page.len;
	if (w->snappy) {
		zn = snappy_max_compressed_length(page.len);
		z = xmalloc(zn);
		if (snappy_compress(page.ptr, page.len, z, &zn) !=
		    SNAPPY_OK) {
			err_set(e, ERR_INTERNAL, NULL, NULL, "writing Parquet: "
			    "snappy failed");
			goto out;
		}
	}
	memset(&t, 0, sizeof(t));
	t.b = &hdr;
	tw_i32(&t, 1, PQ_DATA_PAGE);
	tw_i32(&t, 2, (int32_t)page.len);
	tw_i32(&t, 3, (int32_t)zn);
	tw_i32(&t, 4, (int32_t)crc32_gzip_refl(0, (const uint8_t *)(w->snappy ?
	    z : page.ptr), zn));
	tw_begin(&t, 5);
	tw_i32(&t, 1, (int32_t)c->defs.len);
	tw_i32(&t, 2, PQ_PLAIN);
	tw_i32(&t, 3, PQ_RLE);
	tw_i32(&t, 4, PQ_RLE);
	tw_end(&t);
	buf_addc(&hdr, 0);
	if (c->nchunks == c->capchunks) {
		c->capchunks = c->capchunks * 2 + 4;
		c->chunks = xrealloc(c->chunks, c->capchunks *
		    sizeof(*c->chunks));
	}
	k = &c->chunks[c->nchunks++];
	k->offset = (int64_t)w->off;
	k->plain = (int64_t)(hdr.len + page.len);
	k->stored = (int64_t)(hdr.len + zn);
	k->values = (int64_t)c->defs.len;
	if (wwrite(w, hdr.ptr, hdr.len, e) == -1 ||
	    wwrite(w, w->snappy ? z : page.ptr, zn, e) == -1)
		goto out;
	buf_reset(&c->vals);
	buf_reset(&c->defs);
	rc = 0;
out:
	buf_release(&page);
	buf_release(&hdr);
	xfree(z);
	return (rc);
}

int
parquet_writer_flush(struct parquet_writer *w, struct err *e)
{
	int	 i;

	if (w->failed)
		return (err_set(e, ERR_INTERNAL, NULL, NULL, "writing "
		    "Parquet: an earlier write failed"));
	if (w->rows == 0)
		return (0);
	for (i = 0; i < w->ncols; i++)
		if (write_chunk(w, &w->c[i], e) == -1)
			return (-1);
	w->rg_rows = xrealloc(w->rg_rows, (w->nrg + 1) * sizeof(*w->rg_rows));
	w->rg_rows[w->nrg++] = w->rows;
	w->total += w->rows;
	w->rows = 0;
	return (0);
}

static void
schema(struct parquet_writer *w, struct tw *t)
{
	int	 i;

	tw_list(t, 2, TC_STRUCT, (size_t)w->ncols + 1);
	tw_begin(t, 0);
	tw_str(t, 4, "schema");
	tw_i32(t, 5, w->ncols);
	tw_end(t);
	for (i = 0; i < w->ncols; i++) {
		tw_begin(t, 0);
		tw_i32(t, 1, w->c[i].type == PARQUET_W_STRING ? PQ_BYTE_ARRAY :
		    w->c[i].type == PARQUET_W_DOUBLE ? PQ_DOUBLE : PQ_INT64);
		tw_i32(t, 3, PQ_OPTIONAL);
		tw_str(t, 4, w->c[i].name);
		if (w->c[i].type == PARQUET_W_STRING) {
			tw_i32(t, 6, 0);		/* UTF8 */
			tw_begin(t, 10);
			tw_begin(t, 1);			/* STRING */
			tw_end(t);
			tw_end(t);
		} else if (w->c[i].type == PARQUET_W_TIMESTAMP) {
			tw_i32(t, 6, 9);		/* TIMESTAMP_MILLIS */
			tw_begin(t, 10);
			tw_begin(t, 8);			/* TIMESTAMP */
			tw_field(t, 1, TC_TRUE);	/* isAdjustedToUTC */
			tw_begin(t, 2);
			tw_begin(t, 1);			/* MILLIS */
			tw_end(t);
			tw_end(t);
			tw_end(t);
			tw_end(t);
		}
		tw_end(t);
	}
}

static void
row_groups(struct parquet_writer *w, struct tw *t)
{
	struct wchunk	*k;
	int64_t		 bytes;
	size_t		 g;
	int		 i;

	tw_list(t, 4, TC_STRUCT, w->nrg);
	for (g = 0; g < w->nrg; g++) {
		tw_begin(t, 0);
		tw_list(t, 1, TC_STRUCT, (size_t)w->ncols);
		for (i = 0, bytes = 0; i < w->ncols; i++) {
			k = &w->c[i].chunks[g];
			bytes += k->plain;
			tw_begin(t, 0);
			tw_i64(t, 2, k->offset);
			tw_begin(t, 3);
			tw_i32(t, 1, w->c[i].type == PARQUET_W_STRING ?
			    PQ_BYTE_ARRAY : w->c[i].type == PARQUET_W_DOUBLE ?
			    PQ_DOUBLE : PQ_INT64);
			tw_list(t, 2, TC_I32, 2);
			tw_varint(t, PQ_PLAIN << 1);
			tw_varint(t, PQ_RLE << 1);
			tw_list(t, 3, TC_BINARY, 1);
			tw_varint(t, strlen(w->c[i].name));
			buf_adds(t->b, w->c[i].name);
			tw_i32(t, 4, w->snappy ? PQ_SNAPPY : PQ_UNCOMPRESSED);
			tw_i64(t, 5, k->values);
			tw_i64(t, 6, k->plain);
			tw_i64(t, 7, k->stored);
			tw_i64(t, 9, k->offset);
			tw_end(t);
			tw_end(t);
		}
		tw_i64(t, 2, bytes);
		tw_i64(t, 3, w->rg_rows[g]);
		tw_end(t);
	}
}

int
parquet_writer_close(struct parquet_writer *w, struct err *e)
{
	struct buf	 foot;
	struct tw	 t;
	uint32_t	 len;
	int		 rc = -1, i;

	buf_init(&foot, 0);
	if (parquet_writer_flush(w, e) == -1)
		goto out;
	memset(&t, 0, sizeof(t));
	t.b = &foot;
	tw_i32(&t, 1, 1);
	schema(w, &t);
	tw_i64(&t, 3, w->total);
	row_groups(w, &t);
	tw_str(&t, 6, "payerlink");
	buf_addc(&foot, 0);
	len = (uint32_t)foot.len;
	if (wwrite(w, foot.ptr, foot.len, e) == -1 ||
	    wwrite(w, &len, 4, e) == -1 ||
	    wwrite(w, PARQUET_MAGIC, 4, e) == -1)
		goto out;
	rc = 0;
out:
	buf_release(&foot);
	for (i = 0; i < w->ncols; i++) {
		xfree(w->c[i].name);
		buf_release(&w->c[i].vals);
		buf_release(&w->c[i].defs);
		xfree(w->c[i].chunks);
	}
	xfree(w->c);
	xfree(w->rg_rows);
	xfree(w);
	return (rc);
}
