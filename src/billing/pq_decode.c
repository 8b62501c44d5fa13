/* SPDX-License-Identifier: MIT */
/*
 * The values of a Parquet page, by encoding: PLAIN, the dictionary's
 * indexes (PLAIN_DICTIONARY, RLE_DICTIONARY), DELTA_BINARY_PACKED,
 * DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT; then,
 * by the column's type, the field a slot reads: strings as they are (a
 * pointer into the page), typed values as text (pq_value.c). Every read
 * is bounded by the page; an encoding payerlink does not read, or one
 * that does not fit the column's type, fails naming both.
 */
#include <stdio.h>
#include <string.h>

#include "billing/pq.h"
#include "core/xmalloc.h"

#define MAT_MAX		(64u << 20)	/* DELTA_BYTE_ARRAY, expanded */

static const char	*const tf_text[2] = { "false", "true" };

static int
width(const struct pq_col *c)
{
	switch (c->el->type) {
	case PQ_INT32: case PQ_FLOAT: return (4);
	case PQ_INT64: case PQ_DOUBLE: return (8);
	case PQ_INT96: return (12);
	case PQ_FIXED: return (c->el->type_length);
	default: return (0);
	}
}

static int
bad_encoding(struct pq_col *c, int enc, struct err *e)
{
	char	 num[16];

	snprintf(num, sizeof(num), "%d", enc);
	return (pq_col_fail(c, e, "encoding %s is not supported for %s "
	    "(payerlink reads PLAIN, PLAIN_DICTIONARY, RLE_DICTIONARY, "
	    "DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY "
	    "and BYTE_STREAM_SPLIT)", strcmp(pq_encoding_name(enc),
	    "unknown") == 0 ? num : pq_encoding_name(enc),
	    pq_type_name(c->el->type)));
}

/* All n lengths of a DELTA_LENGTH_BYTE_ARRAY into lens; *p moves to the
 * bytes after them. */
static int
delta_lengths(struct pq_col *c, const uint8_t **p, const uint8_t *end,
    uint32_t *lens, size_t n, struct err *e)
{
	struct pq_delta	 d;
	int64_t		 v[PQ_BATCH];
	size_t		 i, k, j;
	char		 msg[160];

	if (pq_delta_init(&d, *p, (size_t)(end - *p), 1, msg,
	    sizeof(msg)) == -1 || d.total != n)
		return (pq_col_fail(c, e, "%s", d.total != n ? "lengths that "
		    "do not match the values" : msg));
	for (i = 0; i < n; i += k) {
		k = n - i < PQ_BATCH ? n - i : PQ_BATCH;
		if (pq_delta_get(&d, v, k, msg, sizeof(msg)) == -1)
			return (pq_col_fail(c, e, "%s", msg));
		for (j = 0; j < k; j++) {
			if (v[j] < 0 || v[j] > (int64_t)(end - *p))
				return (pq_col_fail(c, e, "a length of %lld "
				    "in a page of %zu bytes", (long long)v[j],
				    (size_t)(end - *p)));
			lens[i + j] = (uint32_t)v[j];
		}
	}
	if ((*p = pq_delta_end(&d, msg, sizeof(msg))) == NULL)
		return (pq_col_fail(c, e, "%s", msg));
	return (0);
}

/* The count in a DELTA_BINARY_PACKED header, capped. */
static int
delta_count(struct pq_col *c, const uint8_t *p, const uint8_t *end,
    size_t *n, struct err *e)
{
	struct pq_delta	 d;
	char		 msg[160];

	if (pq_delta_init(&d, p, (size_t)(end - p), 1, msg,
	    sizeof(msg)) == -1)
		return (pq_col_fail(c, e, "%s", msg));
	if (d.total > PQ_DELTA_MAX)
		return (pq_col_fail(c, e, "a delta-coded page of %llu values "
		    "(more than %u)", (unsigned long long)d.total,
		    PQ_DELTA_MAX));
	*n = (size_t)d.total;
	return (0);
}

static void
lens_room(struct pq_col *c, size_t n)
{
	if (n <= c->lens_cap)
		return;
	xfree(c->lens);
	c->lens_cap = n + n / 4;
	c->lens = xmalloc(c->lens_cap * sizeof(*c->lens));
}

/* DELTA_BYTE_ARRAY: every value of the page, expanded into c->mat. */
static int
delta_strings(struct pq_col *c, struct pq_vals *v, struct err *e)
{
	const uint8_t	*p = v->p;
	uint32_t	*pre, *suf;
	uint64_t	 total = 0;
	size_t		 n, n2, i, prev = 0, off = 0;

	if (delta_count(c, p, v->end, &n, e) == -1)
		return (-1);
	lens_room(c, 2 * n + 1);
	pre = c->lens;
	suf = c->lens + n;
	if (delta_lengths(c, &p, v->end, pre, n, e) == -1 ||
	    delta_count(c, p, v->end, &n2, e) == -1 || n2 != n ||
	    delta_lengths(c, &p, v->end, suf, n, e) == -1)
		return (e->code != ERR_NONE ? -1 : pq_col_fail(c, e,
		    "prefixes and suffixes of different counts"));
	for (i = 0; i < n; i++) {
		if (pre[i] > prev)
			return (pq_col_fail(c, e, "a prefix of %u bytes after "
			    "a value of %zu", pre[i], prev));
		prev = (size_t)pre[i] + suf[i];
		total += prev;
		if (total > MAT_MAX)
			return (pq_col_fail(c, e, "DELTA_BYTE_ARRAY values "
			    "over %u MiB in one page", MAT_MAX >> 20));
	}
	if (c->mat_cap < n + 1) {
		xfree(c->mat);
		c->mat_cap = n + 1;
		c->mat = xmalloc(c->mat_cap * sizeof(*c->mat));
	}
	if (c->matbuf_cap < total + PQ_PAD) {
		xfree(c->matbuf);
		c->matbuf_cap = (size_t)total + PQ_PAD;
		c->matbuf = xmalloc(c->matbuf_cap);
	}
	for (i = 0; i < n; i++) {
		if (suf[i] > (size_t)(v->end - p))
			return (pq_col_fail(c, e, "a suffix runs past the "
			    "page"));
		if (pre[i] > 0)
			memcpy(c->matbuf + off, c->mat[i - 1].p, pre[i]);
		memcpy(c->matbuf + off + pre[i], p, suf[i]);
		p += suf[i];
		c->mat[i].p = (const char *)c->matbuf + off;
		c->mat[i].len = (size_t)pre[i] + suf[i];
		off += c->mat[i].len;
	}
	v->n = n;
	return (0);
}

int
pq_vals_start(struct pq_col *c, struct pq_vals *v, int enc,
    const uint8_t *p, size_t n, struct err *e)
{
	int	 t = c->el->type, w = width(c);

	memset(v, 0, sizeof(*v));
	v->p = p;
	v->end = p + n;
	v->enc = enc;
	switch (enc) {
	case PQ_PLAIN:
		return (0);
	case PQ_PLAIN_DICTIONARY:
	case PQ_RLE_DICTIONARY:
		if (!c->have_dict)
			return (pq_col_fail(c, e, "a dictionary-encoded page "
			    "without a dictionary page"));
		if (n < 1 || p[0] > 32)
			return (pq_col_fail(c, e, "dictionary indexes of %d "
			    "bits", n < 1 ? -1 : p[0]));
		pq_rle_init(&v->idx, p + 1, n - 1, p[0]);
		return (0);
	case PQ_DELTA_BINARY_PACKED:
		if (t == PQ_INT32 || t == PQ_INT64) {
			char	 msg[160];

			if (pq_delta_init(&v->dl, p, n, t == PQ_INT32, msg,
			    sizeof(msg)) == -1)
				return (pq_col_fail(c, e, "%s", msg));
			return (0);
		}
		break;
	case PQ_DELTA_LENGTH_BYTE_ARRAY:
		if (t != PQ_BYTE_ARRAY)
			break;
		if (delta_count(c, p, v->end, &v->n, e) == -1)
			return (-1);
		lens_room(c, v->n + 1);
		return (delta_lengths(c, &v->p, v->end, c->lens, v->n, e));
	case PQ_DELTA_BYTE_ARRAY:
		if (t == PQ_BYTE_ARRAY || t == PQ_FIXED)
			return (delta_strings(c, v, e));
		break;
	case PQ_BYTE_STREAM_SPLIT:
		if (w == 0 || t == PQ_INT96 || t == PQ_FIXED)
			break;
		if (n % (size_t)w != 0)
			return (pq_col_fail(c, e, "BYTE_STREAM_SPLIT data of "
			    "%zu bytes for values of %d", n, w));
		v->n = n / (size_t)w;
		return (0);
	}
	return (bad_encoding(c, enc, e));
}

static int
short_page(struct pq_col *c, struct err *e)
{
	return (pq_col_fail(c, e, "a page holds fewer values than its "
	    "header says"));
}

/* Byte arrays and fixed-length values as slices of the page. */
static int
slices(struct pq_col *c, struct pq_vals *v, struct csv_field *f, size_t n,
    struct err *e)
{
	size_t		 i, w = (size_t)width(c);
	uint32_t	 len;

	if (v->enc == PQ_DELTA_BYTE_ARRAY) {
		if (n > v->n - v->i)
			return (short_page(c, e));
		for (i = 0; i < n; i++) {
			f[i] = c->mat[v->i++];
			if (w > 0 && f[i].len != w)
				return (pq_col_fail(c, e, "a value of %zu "
				    "bytes in a column of %zu", f[i].len, w));
		}
		return (0);
	}
	if (v->enc == PQ_DELTA_LENGTH_BYTE_ARRAY) {
		if (n > v->n - v->i)
			return (short_page(c, e));
		for (i = 0; i < n; i++) {
			len = c->lens[v->i++];
			if (len > (size_t)(v->end - v->p))
				return (short_page(c, e));
			f[i].p = (const char *)v->p;
			f[i].len = len;
			v->p += len;
		}
		return (0);
	}
	if (v->enc != PQ_PLAIN)
		return (bad_encoding(c, v->enc, e));
	if (w > 0) {
		if (n > (size_t)(v->end - v->p) / w)
			return (short_page(c, e));
		for (i = 0; i < n; i++, v->p += w) {
			f[i].p = (const char *)v->p;
			f[i].len = w;
		}
		return (0);
	}
	for (i = 0; i < n; i++) {
		if (v->end - v->p < 4)
			return (short_page(c, e));
		memcpy(&len, v->p, 4);
		if (len > (size_t)(v->end - v->p - 4))
			return (short_page(c, e));
		f[i].p = (const char *)v->p + 4;
		f[i].len = len;
		v->p += 4 + len;
	}
	return (0);
}

/* The next n fixed-width values as 8-byte words (INT32 sign-extended,
 * FLOAT as its 4 bytes). */
static int
words(struct pq_col *c, struct pq_vals *v, uint64_t *out, size_t n,
    struct err *e)
{
	size_t		 i, b, w = (size_t)width(c);
	int32_t		 x32;
	uint8_t		 tmp[8];
	char		 msg[160];

	if (v->enc == PQ_DELTA_BINARY_PACKED) {
		if (pq_delta_get(&v->dl, (int64_t *)out, n, msg,
		    sizeof(msg)) == -1)
			return (pq_col_fail(c, e, "%s", msg));
		return (0);
	}
	if (v->enc == PQ_BYTE_STREAM_SPLIT) {
		if (n > v->n - v->i)
			return (short_page(c, e));
		for (i = 0; i < n; i++, v->i++) {
			for (b = 0; b < w; b++)
				tmp[b] = v->p[b * v->n + v->i];
			out[i] = 0;
			memcpy(&out[i], tmp, w);
			if (c->el->type == PQ_INT32) {
				memcpy(&x32, tmp, 4);
				out[i] = (uint64_t)(int64_t)x32;
			}
		}
		return (0);
	}
	if (v->enc != PQ_PLAIN)
		return (bad_encoding(c, v->enc, e));
	if (n > (size_t)(v->end - v->p) / w)
		return (short_page(c, e));
	if (w == 8)
		memcpy(out, v->p, n * 8);
	else
		for (i = 0; i < n; i++) {
			memcpy(&x32, v->p + 4 * i, 4);
			out[i] = c->el->type == PQ_INT32 ?
			    (uint64_t)(int64_t)x32 : (uint32_t)x32;
		}
	v->p += n * w;
	return (0);
}

static size_t
time_text(struct pq_col *c, int64_t t, int unit, char *out)
{
	if (t != c->last_time) {
		c->last_len = pq_time_text(t, unit, c->last_text);
		c->last_time = t;
	}
	memcpy(out, c->last_text, PQ_TEXT_MAX);
	return (c->last_len);
}

static size_t
int_text(struct pq_col *c, int64_t v, char *out)
{
	const struct pq_el	*el = c->el;

	switch (el->logical) {
	case PQ_L_DECIMAL:
		return (pq_decimal_text(v, el->scale, out));
	case PQ_L_DATE:
		return (time_text(c, v, 3, out));
	case PQ_L_TIMESTAMP:
		return (time_text(c, v, el->unit, out));
	case PQ_L_INTEGER:
		if (!el->is_signed && el->type == PQ_INT32)
			v = (uint32_t)v;
		break;
	}
	return (pq_int_text(v, c->kind == PARQUET_ID ? 12 : 1, out));
}

/* One typed value as the text (and, for a number slot, the value) of x. */
static size_t
conv(struct pq_col *c, uint64_t w, struct parquet_num *x)
{
	const struct pq_el	*el = c->el;
	double			 d;
	float			 fl;

	switch (el->type) {
	case PQ_DOUBLE:
		memcpy(&d, &w, 8);
		if (c->kind == PARQUET_NUMBER)
			return (pq_double_num(d, 0, x));
		return (pq_double_text(d, x->text));
	case PQ_FLOAT:
		memcpy(&fl, &w, 4);
		x->ok = 0;
		return (pq_float_text(fl, x->text));
	}
	if (c->kind == PARQUET_NUMBER && (el->logical == PQ_L_DECIMAL ||
	    el->logical == PQ_L_NONE || el->logical == PQ_L_INTEGER)) {
		if (el->logical == PQ_L_INTEGER && !el->is_signed &&
		    el->type == PQ_INT32)
			w = (uint32_t)w;
		return (pq_decimal_num((int64_t)w, el->logical == PQ_L_DECIMAL ?
		    el->scale : 0, 0, x));
	}
	return (int_text(c, (int64_t)w, x->text));
}

/* Typed values (not byte arrays) into text. */
static int
typed(struct pq_col *c, struct pq_vals *v, struct csv_field *f,
    struct parquet_num *num, size_t n, struct err *e)
{
	uint64_t	 w[PQ_BATCH];
	size_t		 i;

	if (c->el->type == PQ_BOOLEAN) {
		if (v->enc != PQ_PLAIN)
			return (bad_encoding(c, v->enc, e));
		for (i = 0; i < n; i++, v->bit++) {
			if ((size_t)(v->bit >> 3) >= (size_t)(v->end - v->p))
				return (short_page(c, e));
			f[i].p = tf_text[v->p[v->bit >> 3] >> (v->bit & 7) & 1];
			f[i].len = strlen(f[i].p);
		}
		return (0);
	}
	if (words(c, v, w, n, e) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		f[i].p = num[i].text;
		f[i].len = conv(c, w[i], &num[i]);
	}
	return (0);
}

/* A DECIMAL stored as bytes, big-endian. */
static int
decimal_bytes(struct pq_col *c, struct csv_field *f, struct parquet_num *x,
    struct err *e)
{
	unsigned __int128	 u;
	size_t			 i;

	if (f->len == 0 || f->len > 16)
		return (pq_col_fail(c, e, "a DECIMAL of %zu bytes (1 to 16 "
		    "are read)", f->len));
	u = (unsigned char)f->p[0] & 0x80 ? ~(unsigned __int128)0 : 0;
	for (i = 0; i < f->len; i++)
		u = u << 8 | (unsigned char)f->p[i];
	if (c->kind == PARQUET_NUMBER)
		f->len = pq_decimal_num((__int128)u, c->el->scale, 0, x);
	else
		f->len = pq_decimal_text((__int128)u, c->el->scale, x->text);
	f->p = x->text;
	return (0);
}

int
pq_vals_get(struct pq_col *c, struct pq_vals *v, struct csv_field *f,
    struct parquet_num *num, size_t n, struct err *e)
{
	uint32_t	 idx[PQ_BATCH];
	size_t		 i, k;
	int		 t = c->el->type;

	if (v->enc == PQ_PLAIN_DICTIONARY || v->enc == PQ_RLE_DICTIONARY) {
		for (; n > 0; n -= k, f += k) {
			k = n < PQ_BATCH ? n : PQ_BATCH;
			if (pq_rle_get(&v->idx, idx, k) == -1)
				return (short_page(c, e));
			for (i = 0; i < k; i++) {
				if (idx[i] >= c->ndict)
					return (pq_col_fail(c, e, "index %u in "
					    "a dictionary of %zu", idx[i],
					    c->ndict));
				f[i] = c->dict[idx[i]];
			}
		}
		return (0);
	}
	if (t != PQ_BYTE_ARRAY && t != PQ_FIXED && t != PQ_INT96) {
		for (; n > 0; n -= k, f += k, num += k) {
			k = n < PQ_BATCH ? n : PQ_BATCH;
			if (typed(c, v, f, num, k, e) == -1)
				return (-1);
		}
		return (0);
	}
	if (slices(c, v, f, n, e) == -1)
		return (-1);
	if (t == PQ_INT96)
		for (i = 0; i < n; i++) {
			f[i].len = pq_int96_text((const uint8_t *)f[i].p,
			    num[i].text);
			f[i].p = num[i].text;
		}
	else if (c->el->logical == PQ_L_DECIMAL)
		for (i = 0; i < n; i++)
			if (decimal_bytes(c, &f[i], &num[i], e) == -1)
				return (-1);
	return (0);
}
