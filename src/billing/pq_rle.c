/* SPDX-License-Identifier: MIT */
/*
 * Parquet's integer encodings: the RLE / bit-packed hybrid (levels and
 * dictionary indexes) and DELTA_BINARY_PACKED (integers, and the lengths
 * of the delta byte-array encodings). Input buffers have PQ_PAD readable
 * bytes past their end, so values are unpacked with one 8-byte load; the
 * bounds every read is checked against are the data's own.
 */
#include <stdio.h>
#include <string.h>

#include "billing/pq.h"

static inline uint64_t
load64(const uint8_t *p)
{
	uint64_t	 x;

	memcpy(&x, p, 8);
	return (x);
}

/* width (0..64) bits at bit offset `bit` of p (LSB first). */
static inline uint64_t
bits_at(const uint8_t *p, uint64_t bit, int width)
{
	uint64_t	 x;
	int		 s = (int)(bit & 7);

	if (width == 0)
		return (0);
	p += bit >> 3;
	x = load64(p) >> s;
	if (width + s > 64)
		x |= (uint64_t)p[8] << (64 - s);
	return (width == 64 ? x : x & ((1ULL << width) - 1));
}

static int
varint(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
	const uint8_t	*p = *pp;
	uint64_t	 x = 0;
	int		 s;

	for (s = 0; s < 64; s += 7) {
		if (p >= end)
			return (-1);
		x |= (uint64_t)(*p & 0x7f) << s;
		if ((*p++ & 0x80) == 0) {
			*v = x;
			*pp = p;
			return (0);
		}
	}
	return (-1);
}

void
pq_rle_init(struct pq_rle *r, const uint8_t *p, size_t n, int bw)
{
	memset(r, 0, sizeof(*r));
	r->p = p;
	r->end = p + n;
	r->bw = bw;
}

static int
rle_run(struct pq_rle *r)
{
	uint64_t	 h, bytes, avail;
	int		 nb, i;

	if (varint(&r->p, r->end, &h) == -1)
		return (-1);
	if (h & 1) {
		if ((h >> 1) > UINT32_MAX / 8)
			return (-1);
		/* A last run cut short holds what its bytes hold. */
		bytes = (h >> 1) * (uint64_t)r->bw;
		avail = (uint64_t)(r->end - r->p);
		if (bytes > avail)
			bytes = avail;
		r->packed = 1;
		r->run = (uint32_t)(bytes * 8 / (uint64_t)r->bw);
		if (r->run > (h >> 1) * 8)
			r->run = (uint32_t)((h >> 1) * 8);
		r->bits = r->p;
		r->bit = 0;
		r->p += bytes;
		return (0);
	}
	if ((h >> 1) > UINT32_MAX)
		return (-1);
	nb = (r->bw + 7) / 8;
	if (r->end - r->p < nb)
		return (-1);
	r->value = 0;
	for (i = 0; i < nb; i++)
		r->value |= (uint32_t)r->p[i] << (8 * i);
	r->p += nb;
	r->packed = 0;
	r->run = (uint32_t)(h >> 1);
	return (0);
}

/*
 * Whole groups of 8 values of a bit-packed run (bw <= 16), while the run
 * is at a group's start: the group's bw bytes as two 8-byte loads of 4
 * values each (4 x bw <= 64 bits; the second starts on a byte, or 4 bits
 * into one when bw is odd). Returns the values given (a multiple of 8).
 */
static size_t
unpack8(struct pq_rle *r, uint32_t *out, size_t k, uint32_t mask)
{
	const uint8_t	*g;
	uint64_t	 a, b;
	size_t		 i = 0;
	int		 bw = r->bw, j, half = 4 * bw;

	if (r->bit % (8u * (unsigned)bw) != 0)
		return (0);
	for (; i + 8 <= k; i += 8, r->bit += 8u * (unsigned)bw) {
		g = r->bits + (r->bit >> 3);
		a = load64(g);
		b = load64(g + half / 8) >> (half & 7);
		for (j = 0; j < 4; j++) {
			out[i + j] = (uint32_t)(a >> (j * bw)) & mask;
			out[i + 4 + j] = (uint32_t)(b >> (j * bw)) & mask;
		}
	}
	return (i);
}

int
pq_rle_get(struct pq_rle *r, uint32_t *out, size_t n)
{
	size_t		 k, i;
	uint32_t	 mask;

	if (r->bw == 0) {
		/* One possible value: nothing is stored for it. */
		memset(out, 0, n * sizeof(*out));
		return (0);
	}
	mask = r->bw == 32 ? UINT32_MAX : (1u << r->bw) - 1;
	while (n > 0) {
		if (r->run == 0) {
			if (rle_run(r) == -1)
				return (-1);
			continue;
		}
		k = n < r->run ? n : r->run;
		if (!r->packed)
			for (i = 0; i < k; i++)
				out[i] = r->value;
		else {
			i = r->bw <= 16 ? unpack8(r, out, k, mask) : 0;
			for (; i < k; i++, r->bit += r->bw)
				out[i] = (uint32_t)bits_at(r->bits, r->bit,
				    r->bw) & mask;
		}
		r->run -= (uint32_t)k;
		out += k;
		n -= k;
	}
	return (0);
}

static int64_t
zigzag(uint64_t v)
{
	return ((int64_t)(v >> 1) ^ -(int64_t)(v & 1));
}

static int
delta_fail(char *msg, size_t msglen, const char *why)
{
	snprintf(msg, msglen, "DELTA_BINARY_PACKED: %s", why);
	return (-1);
}

int
pq_delta_init(struct pq_delta *d, const uint8_t *p, size_t n, int is32,
    char *msg, size_t msglen)
{
	uint64_t	 first;

	memset(d, 0, sizeof(*d));
	d->p = p;
	d->end = p + n;
	d->is32 = is32;
	if (varint(&d->p, d->end, &d->block) == -1 ||
	    varint(&d->p, d->end, &d->mini) == -1 ||
	    varint(&d->p, d->end, &d->total) == -1 ||
	    varint(&d->p, d->end, &first) == -1)
		return (delta_fail(msg, msglen, "a truncated header"));
	if (d->block == 0 || d->block % 128 != 0 || d->block > (1u << 20) ||
	    d->mini == 0 || d->block % d->mini != 0 ||
	    (d->block / d->mini) % 32 != 0)
		return (delta_fail(msg, msglen, "a block size that is not a "
		    "multiple of 128 in miniblocks of 32"));
	d->last = zigzag(first);
	d->left = d->total;
	d->first = 1;
	d->mb = (uint32_t)d->mini;	/* a block header comes first */
	return (0);
}

/* Starts the next miniblock (and block). */
static int
delta_mini(struct pq_delta *d, char *msg, size_t msglen)
{
	uint64_t	 v, per = d->block / d->mini, bytes;
	int		 w;

	if (++d->mb >= d->mini) {
		if (varint(&d->p, d->end, &v) == -1)
			return (delta_fail(msg, msglen, "a truncated block"));
		d->min_delta = zigzag(v);
		if ((uint64_t)(d->end - d->p) < d->mini)
			return (delta_fail(msg, msglen, "a truncated block"));
		d->widths = d->p;
		d->p += d->mini;
		d->mb = 0;
	}
	w = d->widths[d->mb];
	if (w > 64)
		return (delta_fail(msg, msglen, "a bit width over 64"));
	bytes = per * (uint64_t)w / 8;
	if (bytes > (uint64_t)(d->end - d->p))
		return (delta_fail(msg, msglen, "a truncated miniblock"));
	d->mb_p = d->p;
	d->mb_bit = 0;
	d->mb_left = (uint32_t)per;
	d->p += bytes;
	return (0);
}

int
pq_delta_get(struct pq_delta *d, int64_t *out, size_t n, char *msg,
    size_t msglen)
{
	uint64_t	 v;
	size_t		 i;
	int		 w;

	for (i = 0; i < n; i++) {
		if (d->left == 0)
			return (delta_fail(msg, msglen, "fewer values than "
			    "the page holds"));
		d->left--;
		if (d->first) {
			d->first = 0;
			out[i] = d->last;
			continue;
		}
		if (d->mb_left == 0 && delta_mini(d, msg, msglen) == -1)
			return (-1);
		w = d->widths[d->mb];
		v = bits_at(d->mb_p, d->mb_bit, w);
		d->mb_bit += (uint64_t)w;
		d->mb_left--;
		v += (uint64_t)d->last + (uint64_t)d->min_delta;
		d->last = d->is32 ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
		out[i] = d->last;
	}
	return (0);
}

const uint8_t *
pq_delta_end(struct pq_delta *d, char *msg, size_t msglen)
{
	int64_t	 v;

	while (d->left > 0)
		if (pq_delta_get(d, &v, 1, msg, msglen) == -1)
			return (NULL);
	return (d->p);
}
