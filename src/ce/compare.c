/* SPDX-License-Identifier: MIT */
/*
 * Two periods side by side (GetCostAndUsageComparisons,
 * GetCostComparisonDrivers): one metric summed per tuple of dimension
 * values over a baseline and a comparison period, from the same scan as
 * GetCostAndUsage (scan.c: the same scope and prices).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ce/internal.h"
#include "core/xmalloc.h"

struct cmp {
	const struct ce_scope	*sc;
	enum ce_metric		 metric;
	const enum ce_dim	*dims;
	const char *const	*keys;		/* CE_TAG, CE_COST_CATEGORY */
	size_t			 ndims;
	int64_t			 b0, b1, c0, c1;
	struct strtab		 tuples;	/* keys joined by 0x1f */
	int64_t			(*v)[2];	/* per tuple: base, comparison */
	size_t			 cap;
	int64_t			 total[2];
};

static int
cmp_visit(void *arg, const struct ce_set *s, const uint32_t *idx,
    const char **rowcust, const struct ce_price *price, size_t n,
    struct err *e)
{
	struct cmp	*g = arg;
	char		 key[CE_CMP_DIMS * 257];
	size_t		 i, k, len;
	uint32_t	 id, sid;
	int64_t		 kid[CE_CMP_DIMS];

	/* A tag's or cost category's key is a string of the set. */
	for (k = 0; k < g->ndims; k++)
		kid[k] = g->dims[k] >= CE_NDIMS ? ce_attr_kid(s, g->dims[k],
		    g->keys[k]) : -1;
	for (i = 0; i < n; i++) {
		const struct ce_row	*r = &s->rows[idx[i]];
		int64_t			 v[CE_NMETRICS];
		int			 in_b, in_c, p;

		in_b = r->day >= g->b0 && r->day < g->b1;
		in_c = r->day >= g->c0 && r->day < g->c1;
		if (!in_b && !in_c)
			continue;
		for (k = 0, len = 0; k < g->ndims; k++) {
			sid = g->dims[k] < CE_NDIMS ? r->d[g->dims[k]] :
			    ce_row_attr(s, r, kid[k]);
			/* Without the tag: "", as a Values [""] filter
			 * selects. */
			len += (size_t)snprintf(key + len, sizeof(key) - len,
			    "%s%.255s", k ? "\x1f" : "", sid == CE_ABSENT ?
			    "" : s->str.s[sid]);
		}
		if (g->tuples.n >= CE_CELLS_MAX && strtab_find(&g->tuples,
		    key) < 0)
			return (err_set(e, ERR_LIMIT,
			    AWSERR(LimitExceededException), NULL,
			    "the comparison has more than %u groups",
			    CE_CELLS_MAX));
		id = strtab_add(&g->tuples, key);
		if (id >= g->cap) {
			size_t nc = g->cap ? g->cap * 2 : 256;

			g->v = xrealloc(g->v, nc * sizeof(*g->v));
			memset(g->v + g->cap, 0, (nc - g->cap) * sizeof(*g->v));
			g->cap = nc;
		}
		ce_row_values(g->sc, r, rowcust[i], &price[i], v);
		for (p = 0; p < 2; p++)
			if ((p == 0 ? in_b : in_c) &&
			    (__builtin_add_overflow(g->v[id][p], v[g->metric],
			    &g->v[id][p]) || __builtin_add_overflow(
			    g->total[p], v[g->metric], &g->total[p])))
				return (err_set(e, ERR_LIMIT,
				    AWSERR(LimitExceededException), NULL,
				    "a sum overflows"));
	}
	return (0);
}

static int
tuple_cmp(const void *a, const void *b)
{
	const struct ce_cmp_row	*x = a, *y = b;

	return (strcmp(x->tuple, y->tuple));
}

int
ce_compare_run(struct store *st, struct arena *a, const struct ce_scope *sc,
    enum ce_metric metric, int64_t b0, int64_t b1, int64_t c0, int64_t c1,
    const enum ce_dim *dims, const char *const *keys, size_t ndims,
    const struct ce_expr *filter, struct ce_cmp_result *out, struct err *e)
{
	struct cmp	 g;
	size_t		 i, k;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if (ndims > CE_CMP_DIMS)
		return (err_set(e, ERR_INVALID, AWSERR(ValidationException),
		    NULL, "at most %d dimensions", CE_CMP_DIMS));
	memset(&g, 0, sizeof(g));
	g.sc = sc;
	g.metric = metric;
	g.dims = dims;
	g.keys = keys;
	g.ndims = ndims;
	g.b0 = b0;
	g.b1 = b1;
	g.c0 = c0;
	g.c1 = c1;
	strtab_init(&g.tuples);
	rc = ce_scan(st, a, sc, b0 < c0 ? b0 : c0, b1 > c1 ? b1 : c1, filter,
	    cmp_visit, &g, e);
	if (rc == 0) {
		out->rows = arena_alloc(a, (g.tuples.n + 1) *
		    sizeof(*out->rows));
		for (i = 0; i < g.tuples.n; i++) {
			struct ce_cmp_row	*o = &out->rows[i];
			char			*p;

			o->tuple = arena_strdup(a, g.tuples.s[i]);
			o->base = g.v[i][0];
			o->comp = g.v[i][1];
			/* Split the tuple's copy into its keys. */
			p = arena_strdup(a, g.tuples.s[i]);
			for (k = 0; k < ndims; k++) {
				o->key[k] = p;
				if ((p = strchr(p, '\x1f')) != NULL)
					*p++ = '\0';
				else
					p = (char *)"";
			}
		}
		out->n = g.tuples.n;
		qsort(out->rows, out->n, sizeof(*out->rows), tuple_cmp);
		out->base = g.total[0];
		out->comp = g.total[1];
		snprintf(out->currency, sizeof(out->currency), "USD");
	}
	xfree(g.v);
	strtab_release(&g.tuples);
	return (rc);
}

const char *
ce_driver_type(const char *record_type, const char *service)
{
	static const struct {
		const char	*record_type, *driver;
	} types[] = {
		{ "Usage", "USAGE_CHANGE" },
		{ "DiscountedUsage", "RESERVATION_USAGE" },
		{ "RIFee", "RECURRING_RESERVATION_FEE" },
		{ "SavingsPlanCoveredUsage", "SAVINGS_PLAN_USAGE" },
		{ "SavingsPlanNegation", "SAVINGS_PLAN_USAGE" },
		{ "SavingsPlanRecurringFee", "SAVINGS_PLAN_RECURRING_FEE" },
		{ "SavingsPlanUpfrontFee", "COMMITMENT" },
		{ "Tax", "TAX" },
		{ "Credit", "CREDIT" },
		{ "Refund", "REFUND" },
		{ "BundledDiscount", "BUNDLED_DISCOUNT" },
		{ "RiVolumeDiscount", "RI_VOLUME_DISCOUNT" },
	};
	size_t	 i;

	if (strncmp(service, "AWS Support", 11) == 0)
		return ("SUPPORT_FEE");
	if (strcmp(record_type, "Fee") == 0)
		return (strcmp(service, "Amazon Elastic Compute Cloud - Compute")
		    == 0 ? "UPFRONT_RESERVATION_FEE" : "OUT_OF_CYCLE_CHARGE");
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i].record_type, record_type) == 0)
			return (types[i].driver);
	return ("USAGE_CHANGE");
}
