/* SPDX-License-Identifier: MIT */
/*
 * One column chunk of a Parquet file, read page by page: pages come from
 * the file through a window read with pread(2) (1 MiB, or one page when
 * larger), are checked (sizes, CRC), decompressed and decoded a batch at
 * a time (pq_col_fill) into the fields the CSV reader would hand out.
 * Typed values become text here (pq_value.c), a dictionary's once for
 * all its entries. A page's bytes are released only when the next page
 * is read, which the caller does once every field of the batch before
 * was used.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <isa-l/crc.h>

#include "billing/pq.h"
#include "core/xmalloc.h"

#define HEADER_MAX	(16u << 20)	/* a page header's bytes (stats) */

int
pq_col_fail(struct pq_col *c, struct err *e, const char *fmt, ...)
{
	char	 why[200];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return (err_set(e, ERR_INVALID, NULL, NULL, "%s: column %s, row "
	    "group %d: %s", c->name, c->lf->path, c->rg, why));
}

/* Grows *p to hold n bytes plus the padding. */
static void
grow(uint8_t **p, size_t *cap, size_t n)
{
	if (n + PQ_PAD <= *cap)
		return;
	*cap = n + PQ_PAD + n / 4;
	xfree(*p);
	*p = xmalloc(*cap);
	memset(*p + *cap - PQ_PAD, 0, PQ_PAD);
}

int
pq_col_check(const struct pq_meta *m, int leaf, int kind, char *msg,
    size_t msglen)
{
	const struct pq_el	*el = &m->el[m->leaf[leaf].el];
	int			 t = el->type, l = el->logical, ok;

	switch (kind) {
	case PARQUET_TEXT:
	case PARQUET_ID:
		ok = t == PQ_BYTE_ARRAY || ((t == PQ_INT32 || t == PQ_INT64) &&
		    (l == PQ_L_NONE || l == PQ_L_INTEGER));
		break;
	case PARQUET_NUMBER:
		ok = t == PQ_DOUBLE || t == PQ_FLOAT ||
		    ((t == PQ_INT32 || t == PQ_INT64) && (l == PQ_L_NONE ||
		    l == PQ_L_INTEGER || l == PQ_L_DECIMAL)) ||
		    (t == PQ_FIXED && l == PQ_L_DECIMAL) ||
		    (t == PQ_BYTE_ARRAY && l != PQ_L_OTHER);
		if (l == PQ_L_DECIMAL && (el->scale < 0 || el->scale > 38 ||
		    (t == PQ_FIXED && el->type_length > 16)))
			ok = 0;
		break;
	case PARQUET_TIME:
		ok = t == PQ_INT96 || t == PQ_BYTE_ARRAY ||
		    (t == PQ_INT64 && l == PQ_L_TIMESTAMP) ||
		    (t == PQ_INT32 && l == PQ_L_DATE);
		break;
	default:
		ok = 0;
	}
	if (ok && el->logical == PQ_L_INTEGER && !el->is_signed &&
	    t == PQ_INT64)
		ok = 0;	/* UINT64 beyond 2^63 would read negative */
	if (ok)
		return (0);
	snprintf(msg, msglen, "column %s is %s%s%s, not a %s", m->leaf[leaf].path,
	    pq_type_name(t), l == PQ_L_NONE ? "" : " with a logical type ",
	    l == PQ_L_NONE ? "" : l == PQ_L_DECIMAL ? "DECIMAL" :
	    l == PQ_L_TIMESTAMP ? "TIMESTAMP" : l == PQ_L_DATE ? "DATE" :
	    l == PQ_L_TIME ? "TIME" : l == PQ_L_STRING ? "STRING" :
	    l == PQ_L_INTEGER ? "INTEGER" : "other than payerlink reads",
	    kind == PARQUET_NUMBER ? "number payerlink reads (DOUBLE, FLOAT, "
	    "DECIMAL, INT32, INT64 or a string)" : kind == PARQUET_TIME ?
	    "time payerlink reads (TIMESTAMP, DATE, INT96 or a string)" :
	    "string payerlink reads (BYTE_ARRAY, INT32 or INT64)");
	return (-1);
}

void
pq_col_init(struct pq_col *c, const struct parquet_source *src,
    const char *name,
    const struct pq_meta *m, int leaf, int kind, struct pq_codecs *codecs)
{
	memset(c, 0, sizeof(*c));
	c->src = src;
	c->name = name;
	c->m = m;
	c->lf = &m->leaf[leaf];
	c->el = &m->el[c->lf->el];
	c->kind = kind;
	c->codecs = codecs;
	c->last_time = INT64_MIN;
}

void
pq_col_release(struct pq_col *c)
{
	xfree(c->win);
	xfree(c->page);
	xfree(c->mat);
	xfree(c->matbuf);
	xfree(c->lens);
	xfree(c->dict);
	xfree(c->dict_page);
	xfree(c->dict_num);
	memset(c, 0, sizeof(*c));
}

int
pq_col_start(struct pq_col *c, int rg, struct err *e)
{
	c->rg = rg;
	c->ch = &c->m->rg[rg].chunks[c->lf - c->m->leaf];
	if (c->ch->external)
		return (pq_col_fail(c, e, "the column chunk is in another file"));
	if (c->ch->encrypted)
		return (pq_col_fail(c, e, "the column chunk is encrypted"));
	c->pos = (uint64_t)c->ch->start;
	c->end = c->pos + (uint64_t)c->ch->len;
	c->values_left = c->ch->num_values;
	c->win_len = 0;
	c->win_pos = c->pos;
	c->page_left = 0;
	c->have_dict = 0;
	c->ndict = 0;
	c->pages = 0;
	c->nf = c->fi = 0;
	return (0);
}

/* Makes file bytes [c->pos, c->pos + n) readable in the window; they
 * must lie in the chunk. */
static const uint8_t *
need(struct pq_col *c, size_t n, struct err *e)
{
	size_t		 keep, want;
	ssize_t		 r;
	uint64_t	 have_end = c->win_pos + c->win_len;

	if (n > c->end - c->pos) {
		pq_col_fail(c, e, "a page of %zu bytes at byte %llu runs past "
		    "its column chunk's end (byte %llu)", n,
		    (unsigned long long)c->pos, (unsigned long long)c->end);
		return (NULL);
	}
	if (c->pos >= c->win_pos && c->pos + n <= have_end)
		return (c->win + (c->pos - c->win_pos));
	/* Keep what is already read, and read on from its end. */
	keep = c->pos >= c->win_pos && c->pos < have_end ?
	    (size_t)(have_end - c->pos) : 0;
	want = n > PQ_WINDOW ? n : PQ_WINDOW;
	if (want > c->end - c->pos)
		want = (size_t)(c->end - c->pos);
	if (want + PQ_PAD > c->win_cap) {
		uint8_t	*w = NULL;
		size_t	 cap = 0;

		grow(&w, &cap, want);
		if (keep > 0)
			memcpy(w, c->win + (c->pos - c->win_pos), keep);
		xfree(c->win);
		c->win = w;
		c->win_cap = cap;
	} else if (keep > 0)
		memmove(c->win, c->win + (c->pos - c->win_pos), keep);
	c->win_pos = c->pos;
	c->win_len = keep;
	while (c->win_len < want) {
		r = c->src->read_at(c->src, c->win + c->win_len,
		    want - c->win_len, c->win_pos + c->win_len);
		if (r <= 0) {
			pq_col_fail(c, e, "%s at byte %llu", r < 0 ?
			    strerror(errno) : "the file ends",
			    (unsigned long long)(c->win_pos + c->win_len));
			return (NULL);
		}
		c->win_len += (size_t)r;
	}
	memset(c->win + c->win_len, 0, PQ_PAD);
	return (c->win);
}

/* Reads the next page's header; c->pos is then at its data. */
static int
header(struct pq_col *c, struct pq_page_header *h, struct err *e)
{
	const uint8_t	*p;
	size_t		 n = 256;
	int		 truncated;
	char		 msg[200];

	for (;;) {
		if (n > c->end - c->pos)
			n = (size_t)(c->end - c->pos);
		if (n == 0)
			return (pq_col_fail(c, e, "the column chunk ends before "
			    "its %lld values", (long long)c->values_left));
		if ((p = need(c, n, e)) == NULL)
			return (-1);
		if (pq_page_header(p, n, h, &truncated, msg, sizeof(msg)) == 0)
			break;
		if (!truncated || n == c->end - c->pos || n >= HEADER_MAX)
			return (pq_col_fail(c, e, "%s", msg));
		n *= 4;
	}
	c->pos += h->header_len;
	if ((uint32_t)h->size > PARQUET_PAGE_MAX ||
	    (uint32_t)h->plain_size > PARQUET_PAGE_MAX)
		return (pq_col_fail(c, e, "a page of %d bytes (%d decompressed): "
		    "more than the %u MiB limit", h->size, h->plain_size,
		    PARQUET_PAGE_MAX >> 20));
	return (0);
}

static int
bit_width(int max)
{
	return (max == 0 ? 0 : 32 - __builtin_clz((unsigned)max));
}

/* The page's bytes as decompressed: in buf, or in place when stored as
 * they are. */
static const uint8_t *
inflate_page(struct pq_col *c, const uint8_t *p, size_t n, size_t plain,
    int compressed, uint8_t **buf, size_t *cap, int copy, struct err *e)
{
	char	 msg[200];

	if (!compressed || c->ch->codec == PQ_UNCOMPRESSED) {
		if (n != plain) {
			pq_col_fail(c, e, "a page of %zu bytes says it holds "
			    "%zu", n, plain);
			return (NULL);
		}
		if (!copy)
			return (p);
	}
	grow(buf, cap, plain);
	if (pq_decompress(c->codecs, compressed ? c->ch->codec :
	    PQ_UNCOMPRESSED, p, n, *buf, plain, msg, sizeof(msg)) == -1) {
		pq_col_fail(c, e, "%s", msg);
		return (NULL);
	}
	memset(*buf + plain, 0, PQ_PAD);
	return (*buf);
}

/* The stored bytes of the page whose header was just read, checked
 * against its CRC; c->pos moves past them. */
static const uint8_t *
stored(struct pq_col *c, const struct pq_page_header *h, struct err *e)
{
	const uint8_t	*p;
	uint32_t	 crc;

	if ((p = need(c, (size_t)h->size, e)) == NULL)
		return (NULL);
	c->pos += (uint64_t)h->size;
	if (h->has_crc && (crc = crc32_gzip_refl(0, p, (uint64_t)h->size)) !=
	    h->crc) {
		pq_col_fail(c, e, "a page's CRC is %08x, its header says "
		    "%08x", crc, h->crc);
		return (NULL);
	}
	return (p);
}

#define DICT_TYPED_MAX	(1u << 19)	/* converted entries: 36 MiB */
#define DICT_MAX	(1u << 22)	/* entries: 64 MiB of fields */

static int
dictionary(struct pq_col *c, const struct pq_page_header *h, struct err *e)
{
	const uint8_t	*s, *p;
	struct pq_vals	 v;
	size_t		 n = (size_t)h->num_values, i, k, min_width;
	int		 t = c->el->type, typed;
	struct parquet_num *num = NULL;

	if (c->have_dict || c->pages > 0)
		return (pq_col_fail(c, e, "a dictionary page after %s",
		    c->have_dict ? "another" : "data pages"));
	if (h->encoding != PQ_PLAIN && h->encoding != PQ_PLAIN_DICTIONARY)
		return (pq_col_fail(c, e, "a dictionary page in encoding %s",
		    pq_encoding_name(h->encoding)));
	if ((s = stored(c, h, e)) == NULL || (p = inflate_page(c, s,
	    (size_t)h->size, (size_t)h->plain_size, 1, &c->dict_page,
	    &c->dict_page_cap, 1, e)) == NULL)
		return (-1);
	/* Each entry takes this many bytes at least: a larger count lies. */
	min_width = t == PQ_INT32 || t == PQ_FLOAT || t == PQ_BYTE_ARRAY ? 4 :
	    t == PQ_INT64 || t == PQ_DOUBLE ? 8 : t == PQ_INT96 ? 12 :
	    t == PQ_FIXED ? (size_t)c->el->type_length : 1;
	typed = (t != PQ_BYTE_ARRAY && t != PQ_FIXED) ||
	    c->el->logical == PQ_L_DECIMAL;
	if (n > (size_t)h->plain_size / min_width || n > DICT_MAX ||
	    (typed && n > DICT_TYPED_MAX))
		return (pq_col_fail(c, e, "a dictionary of %zu values in %d "
		    "bytes", n, h->plain_size));
	xfree(c->dict);
	c->dict = xcalloc(n + 1, sizeof(*c->dict));
	xfree(c->dict_num);
	c->dict_num = NULL;
	if (typed && n > 0)
		c->dict_num = num = xmalloc(n * sizeof(*num));
	if (pq_vals_start(c, &v, PQ_PLAIN, p, (size_t)h->plain_size,
	    e) == -1)
		return (-1);
	for (i = 0; i < n; i += k) {
		k = n - i < PQ_BATCH ? n - i : PQ_BATCH;
		if (pq_vals_get(c, &v, c->dict + i, num != NULL ? num + i :
		    c->num, k, e) == -1)
			return (-1);
	}
	c->ndict = n;
	c->have_dict = 1;
	return (0);
}

/* A v1 page's levels: RLE with a 4-byte length before them. */
static int
levels_v1(struct pq_col *c, struct pq_rle *r, int enc, int max,
    const uint8_t **p, const uint8_t *end, struct err *e)
{
	uint32_t	 len;

	if (enc != PQ_RLE)
		return (pq_col_fail(c, e, "level encoding %s is not supported "
		    "(payerlink reads RLE)", pq_encoding_name(enc)));
	if (end - *p < 4)
		return (pq_col_fail(c, e, "a page ends inside its levels"));
	memcpy(&len, *p, 4);
	if (len > (size_t)(end - *p - 4))
		return (pq_col_fail(c, e, "levels of %u bytes in a page of "
		    "%zu", len, (size_t)(end - *p)));
	pq_rle_init(r, *p + 4, len, bit_width(max));
	*p += 4 + len;
	return (0);
}

static int
data_v1(struct pq_col *c, const struct pq_page_header *h, struct err *e)
{
	const uint8_t	*s, *p, *end;

	if ((s = stored(c, h, e)) == NULL || (p = inflate_page(c, s,
	    (size_t)h->size, (size_t)h->plain_size, 1, &c->page,
	    &c->page_cap, 0, e)) == NULL)
		return (-1);
	end = p + h->plain_size;
	if (c->lf->max_rep > 0 && levels_v1(c, &c->rep, h->rep_encoding,
	    c->lf->max_rep, &p, end, e) == -1)
		return (-1);
	if (c->lf->max_def > 0 && levels_v1(c, &c->def, h->def_encoding,
	    c->lf->max_def, &p, end, e) == -1)
		return (-1);
	return (pq_vals_start(c, &c->v, h->encoding, p, (size_t)(end - p), e));
}

static int
data_v2(struct pq_col *c, const struct pq_page_header *h, struct err *e)
{
	const uint8_t	*s, *p;
	size_t		 lv = (size_t)h->rep_len + (size_t)h->def_len;

	if ((s = stored(c, h, e)) == NULL)
		return (-1);
	if (lv > (size_t)h->size || lv > (size_t)h->plain_size)
		return (pq_col_fail(c, e, "levels of %zu bytes in a page of "
		    "%d", lv, h->size));
	pq_rle_init(&c->rep, s, (size_t)h->rep_len, bit_width(c->lf->max_rep));
	pq_rle_init(&c->def, s + h->rep_len, (size_t)h->def_len,
	    bit_width(c->lf->max_def));
	if ((p = inflate_page(c, s + lv, (size_t)h->size - lv,
	    (size_t)h->plain_size - lv, h->compressed, &c->page, &c->page_cap,
	    0, e)) == NULL)
		return (-1);
	return (pq_vals_start(c, &c->v, h->encoding, p,
	    (size_t)h->plain_size - lv, e));
}

/* Reads pages up to the next data page. */
static int
next_page(struct pq_col *c, struct err *e)
{
	struct pq_page_header	 h;
	int			 rc;

	for (;;) {
		if (header(c, &h, e) == -1)
			return (-1);
		if (h.type == PQ_DICTIONARY_PAGE) {
			if (dictionary(c, &h, e) == -1)
				return (-1);
			continue;
		}
		if (h.type == PQ_INDEX_PAGE) {
			c->pos += (uint64_t)h.size;
			continue;
		}
		if (h.type != PQ_DATA_PAGE && h.type != PQ_DATA_PAGE_V2)
			return (pq_col_fail(c, e, "page type %d is not one "
			    "payerlink reads", h.type));
		if (h.num_values > c->values_left)
			return (pq_col_fail(c, e, "its pages hold more than "
			    "the chunk's %lld values",
			    (long long)c->ch->num_values));
		rc = h.type == PQ_DATA_PAGE ? data_v1(c, &h, e) :
		    data_v2(c, &h, e);
		if (rc == -1)
			return (-1);
		c->values_left -= h.num_values;
		c->page_left = (uint32_t)h.num_values;
		c->plain += (uint64_t)h.plain_size;
		c->pages++;
		return (0);
	}
}

int
pq_col_fill(struct pq_col *c, size_t n, struct err *e)
{
	static const char	 empty[1] = "";
	const int		 max = c->lf->max_def;
	size_t			 k, nn, i, j;

	c->nf = 0;
	while (c->page_left == 0) {
		if (c->values_left == 0)
			return (0);
		if (next_page(c, e) == -1)
			return (-1);
	}
	k = n < c->page_left ? n : c->page_left;
	if (k > PQ_BATCH)
		k = PQ_BATCH;
	if (c->lf->max_rep > 0 && pq_rle_get(&c->rep, c->rl, k) == -1)
		return (pq_col_fail(c, e, "its repetition levels end early"));
	nn = k;
	if (max > 0 && !c->def.packed && c->def.run >= k &&
	    c->def.value == (uint32_t)max && c->lf->max_rep == 0) {
		/* No nulls in a run that covers the batch: the common
		 * case of an optional column, without a level each. */
		c->def.run -= (uint32_t)k;
	} else if (max > 0) {
		if (pq_rle_get(&c->def, c->dl, k) == -1)
			return (pq_col_fail(c, e, "its definition levels end "
			    "early"));
		for (i = 0, nn = 0; i < k; i++)
			nn += c->dl[i] == (uint32_t)max;
	}
	if (pq_vals_get(c, &c->v, c->f, c->num, nn, e) == -1)
		return (-1);
	if (nn < k)
		for (i = k, j = nn; i-- > 0;) {
			if (c->dl[i] == (uint32_t)max)
				c->f[i] = c->f[--j];
			else {
				c->f[i].p = empty;
				c->f[i].len = 0;
			}
		}
	c->page_left -= (uint32_t)k;
	c->nf = k;
	return (0);
}
