/* SPDX-License-Identifier: MIT */
/*
 * The rollup table: an open-addressing hash from a rollup key (bytes, see
 * ingest.c) to its sums, pre-sized and grown by doubling up to a cap on
 * distinct keys. Sums are overflow-checked. Owns its slots, entries and
 * key bytes; one table per parsing thread, merged at the end.
 */
#ifndef BILLING_ROLLUP_H
#define BILLING_ROLLUP_H

#include <stddef.h>
#include <stdint.h>

#define ROLLUP_MAX_KEYS	(2u * 1024 * 1024)

struct rollup_sums {
	int64_t	 unblended;
	int64_t	 net;
	int64_t	 amortized;
	int64_t	 public_od;
	int64_t	 usage;
	int64_t	 lines;
};

struct rollup_entry {
	struct rollup_sums	 sums;
	uint32_t		 koff;
	uint32_t		 klen;
	uint64_t		 hash;
};

struct rollup {
	uint64_t		*slots;		/* hash hi 32 | entry idx + 1 */
	size_t			 mask;
	struct rollup_entry	*e;
	size_t			 n, cap;
	char			*keys;
	size_t			 keys_len, keys_cap;
};

/* The hash steps: rollup_mix() per 8 bytes, rollup_fin() at the end
 * (slots take the low bits, tags the high 32). */
static inline uint64_t
rollup_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
	return (h ^ (h >> 31));
}

static inline uint64_t
rollup_fin(uint64_t h)
{
	h ^= h >> 29;
	h *= 0x94d049bb133111ebULL;
	return (h ^ (h >> 32));
}

void	 rollup_init(struct rollup *, size_t expect);
void	 rollup_release(struct rollup *);
uint64_t rollup_hash(const void *, size_t);
/* Adds s to key's sums. hash is any hash of the key bytes, the same one
 * for every key of the table (rollup_hash(), or one made while building
 * the key). Returns 0; -1 on overflow, -2 when the table holds
 * ROLLUP_MAX_KEYS keys already. */
int	 rollup_add(struct rollup *, const void *key, size_t klen,
	    uint64_t hash, const struct rollup_sums *s);
/* Starts loading hash's slot, to be added to a little later. */
static inline void
rollup_prefetch(const struct rollup *r, uint64_t hash)
{
	__builtin_prefetch(&r->slots[hash & r->mask]);
}
/* Adds every entry of src into dst (same return values). */
int	 rollup_merge(struct rollup *dst, const struct rollup *src);
static inline const char *
rollup_key(const struct rollup *r, const struct rollup_entry *e)
{
	return (r->keys + e->koff);
}

#endif
