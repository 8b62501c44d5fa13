/* SPDX-License-Identifier: MIT */
/* Private to src/ce/: the import cache, string tables and the scan. */
#ifndef CE_INTERNAL_H
#define CE_INTERNAL_H

#include "ce/ce.h"

/* Interned strings: id <-> string, owned by the table. */
struct strtab {
	char		**s;
	size_t		 n, cap;
	uint32_t	*slots;		/* id + 1, 0 empty */
	size_t		 mask;
};
void	 strtab_init(struct strtab *);
void	 strtab_release(struct strtab *);
int64_t	 strtab_find(const struct strtab *, const char *);
uint32_t strtab_add(struct strtab *, const char *);

struct ce_row {
	int32_t		 day;			/* days since the epoch */
	int32_t		 hour;			/* of the day: hourly sets */
	uint32_t	 d[CE_NDIMS];		/* string ids */
	uint32_t	 term;			/* pricing term string id */
	uint32_t	 code;			/* product code string id */
	uint32_t	 tags;			/* its tag set (ce_set.ts) */
	int32_t		 in_membership;
	int64_t		 unblended, net, amortized, public_od, usage;
};

/* The rows of one import, shared by readers (refs) under the cache lock. */
struct ce_set {
	int64_t		 import_id;
	int		 hourly;	/* the import's hourly rows */
	int64_t		 started_at;
	char		 digest[65];
	char		 payer_id[BILLING_ID_MAX + 1];
	char		 period[8];
	char		 currency[4];
	struct strtab	 str;
	/* Tag sets: set i's pairs (key, value string ids; keys are the
	 * kind byte then the key, "tOwner", "cTeam") are pairs[ts[i] ..
	 * ts[i + 1]). Set 0 is empty. */
	uint32_t	*ts;
	size_t		 nts;
	uint32_t	(*pairs)[2];
	size_t		 npairs;
	struct strtab	 tsstr;		/* while loading: the sets' text */
	struct ce_row	*rows;
	size_t		 nrows, cap;
	size_t		 bytes;		/* held in memory, for the cache's cap */
	int64_t		 min_day, max_day;
	int		 refs;
	int		 dropped;	/* out of the cache: freed by the last put */
	struct ce_set	*next;
};

struct ce_set	*ce_set_get(struct store *, const struct billing_source *,
		    int hourly, struct err *);
void		 ce_set_put(struct ce_set *);

/* Rows idx[0..n) of s are in scope, period and filter; rowcust[i] is the
 * customer billed for row i (NULL: nobody), price[i] its customer price. */
typedef int (*ce_visit_fn)(void *arg, const struct ce_set *s,
    const uint32_t *idx, const char **rowcust, const struct ce_price *price,
    size_t n, struct err *);
int	ce_scan(struct store *, struct arena *, const struct ce_scope *,
	    int64_t start, int64_t end, const struct ce_expr *filter,
	    ce_visit_fn, void *arg, struct err *);
/* Which hourly rows a scan reads (store/billing.h BILLING_HOUR_DAY). */
enum ce_rows {
	CE_ROWS_HOURS,		/* by hour, every service: HOURLY */
	CE_ROWS_INSTANCE_HOURS,	/* by hour and resource, EC2 instances */
	CE_ROWS_RESOURCES	/* by resource: EC2 instances' hours, the
				   other services' days */
};
/* The same over the hourly rows, [start, end) in hours since the epoch. */
int	ce_scan_hours(struct store *, struct arena *, const struct ce_scope *,
	    enum ce_rows, int64_t start, int64_t end,
	    const struct ce_expr *filter, ce_visit_fn, void *arg,
	    struct err *);
/* A row's time in the unit of its set: days, or hours of hourly sets (a
 * day's row at its first hour). */
static inline int64_t
ce_row_time(const struct ce_set *s, const struct ce_row *r)
{
	return (s->hourly ? (int64_t)r->day * 24 + (r->hour ==
	    BILLING_HOUR_DAY ? 0 : r->hour) : r->day);
}
int	ce_price_set(struct store *, struct arena *, const struct ce_set *,
	    const uint32_t *idx, const char **rowcust, size_t n,
	    struct ce_price *price /* OUT */, struct err *);
#define CE_ABSENT	UINT32_MAX
/* Row r's value of the tag or cost category whose key string id is kid
 * (-1: none in the set), or CE_ABSENT. */
static inline uint32_t
ce_row_attr(const struct ce_set *s, const struct ce_row *r, int64_t kid)
{
	uint32_t	 i;

	if (kid < 0)
		return (CE_ABSENT);
	for (i = s->ts[r->tags]; i < s->ts[r->tags + 1]; i++)
		if (s->pairs[i][0] == (uint32_t)kid)
			return (s->pairs[i][1]);
	return (CE_ABSENT);
}
/* Whether s matches value v under CE_MATCH_* options (EQUALS: none). */
int	ce_match(const char *s, const char *v, unsigned opt);
/* The string id of kind's key in s ("tOwner"), or -1. */
int64_t	ce_attr_kid(const struct ce_set *, enum ce_dim kind, const char *key);

/* The metrics of one row as scope sees them. */
void	ce_row_values(const struct ce_scope *, const struct ce_row *,
	    const char *owner, const struct ce_price *, int64_t v[CE_NMETRICS]);

#endif
