/* SPDX-License-Identifier: MIT */
/* The rollup hash table: see rollup.h. */
#include <string.h>

#include "billing/rollup.h"
#include "core/xmalloc.h"

void
rollup_init(struct rollup *r, size_t expect)
{
	size_t	 cap = 1024;

	memset(r, 0, sizeof(*r));
	while (cap < expect * 2)
		cap <<= 1;
	r->slots = xcalloc(cap, sizeof(*r->slots));
	r->mask = cap - 1;
	r->cap = cap / 2;
	r->e = xmalloc(r->cap * sizeof(*r->e));
	r->keys_cap = r->cap * 64;
	r->keys = xmalloc(r->keys_cap);
}

void
rollup_release(struct rollup *r)
{
	xfree(r->slots);
	xfree(r->e);
	xfree(r->keys);
	memset(r, 0, sizeof(*r));
}

uint64_t
rollup_hash(const void *key, size_t len)
{
	const unsigned char	*p = key;
	uint64_t		 h = 0x9e3779b97f4a7c15ULL ^ len, w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = rollup_mix(h, w);
	}
	if (len > 0) {
		w = 0;
		memcpy(&w, p, len);
		h = rollup_mix(h, w);
	}
	return (rollup_fin(h));
}

/* The slots doubled as often as it takes to hold n entries. */
static void
grow_to(struct rollup *r, size_t n)
{
	size_t	 ncap = (r->mask + 1) * 2, i, j;
	uint64_t *ns;

	while (ncap / 2 <= n)
		ncap *= 2;
	ns = xcalloc(ncap, sizeof(*ns));

	for (i = 0; i < r->n; i++) {
		j = r->e[i].hash & (ncap - 1);
		while (ns[j] != 0)
			j = (j + 1) & (ncap - 1);
		ns[j] = (r->e[i].hash & 0xffffffff00000000ULL) | (i + 1);
	}
	xfree(r->slots);
	r->slots = ns;
	r->mask = ncap - 1;
	r->cap = ncap / 2;
	r->e = xrealloc(r->e, r->cap * sizeof(*r->e));
}

static inline int
sums_add(struct rollup_sums *d, const struct rollup_sums *s)
{
	return (__builtin_add_overflow(d->unblended, s->unblended,
	    &d->unblended) |
	    __builtin_add_overflow(d->net, s->net, &d->net) |
	    __builtin_add_overflow(d->amortized, s->amortized, &d->amortized) |
	    __builtin_add_overflow(d->public_od, s->public_od, &d->public_od) |
	    __builtin_add_overflow(d->usage, s->usage, &d->usage) |
	    __builtin_add_overflow(d->lines, s->lines, &d->lines));
}

int
rollup_add(struct rollup *r, const void *key, size_t klen, uint64_t hash,
    const struct rollup_sums *s)
{
	const uint64_t	 tag = hash & 0xffffffff00000000ULL;
	size_t		 j = hash & r->mask;
	uint64_t	 v;
	struct rollup_entry *e;

	while ((v = r->slots[j]) != 0) {
		if ((v & 0xffffffff00000000ULL) == tag) {
			e = &r->e[(v & 0xffffffffULL) - 1];
			if (e->klen == klen &&
			    memcmp(r->keys + e->koff, key, klen) == 0)
				return (sums_add(&e->sums, s) ? -1 : 0);
		}
		j = (j + 1) & r->mask;
	}
	if (r->n >= ROLLUP_MAX_KEYS)
		return (-2);
	if (r->keys_len + klen > r->keys_cap) {
		while (r->keys_len + klen > r->keys_cap)
			r->keys_cap *= 2;
		r->keys = xrealloc(r->keys, r->keys_cap);
	}
	e = &r->e[r->n];
	memcpy(r->keys + r->keys_len, key, klen);
	e->koff = (uint32_t)r->keys_len;
	e->klen = (uint32_t)klen;
	e->hash = hash;
	e->sums = *s;
	r->keys_len += klen;
	r->slots[j] = tag | (r->n + 1);
	if (++r->n >= r->cap)
		grow_to(r, r->n);
	return (0);
}

int
rollup_merge(struct rollup *dst, const struct rollup *src)
{
	size_t	 i, need = dst->n + src->n;
	int	 rc;

	/* Room for all of src at once, rather than a rehash and a copy of
	 * the keys at each doubling; a hash's slot loaded 8 entries ahead
	 * (the slots of two threads' tables are a cache miss each). */
	if (need >= dst->cap && need <= ROLLUP_MAX_KEYS)
		grow_to(dst, need);
	if (dst->keys_len + src->keys_len > dst->keys_cap) {
		while (dst->keys_len + src->keys_len > dst->keys_cap)
			dst->keys_cap *= 2;
		dst->keys = xrealloc(dst->keys, dst->keys_cap);
	}
	for (i = 0; i < src->n; i++) {
		if (i + 8 < src->n)
			rollup_prefetch(dst, src->e[i + 8].hash);
		if ((rc = rollup_add(dst, src->keys + src->e[i].koff,
		    src->e[i].klen, src->e[i].hash, &src->e[i].sums)) != 0)
			return (rc);
	}
	return (0);
}
