/* SPDX-License-Identifier: MIT */
/*
 * Cost Explorer's month-to-month comparisons (GetCostAndUsageComparisons,
 * GetCostComparisonDrivers) in the shapes of the botocore model
 * (ce/2017-10-25), over ce_compare_run().
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/ce_wire.h"
#include "aws/ops.h"
#include "billing/money.h"
#include "ce/ce.h"

#define VALIDATION	AWSERR(ValidationException)

/* What both operations read. */
struct cmp_req {
	int64_t		 b0, b1, c0, c1;
	const char	*metric_name;
	enum ce_metric	 metric;
	enum ce_dim	 group[CE_GROUP_MAX];
	const char	*group_key[CE_GROUP_MAX];	/* TAG, COST_CATEGORY */
	size_t		 ngroup;
	struct ce_expr	*filter;
	uint64_t	 hash;
	size_t		 off, max;
};

/* A period of exactly one calendar month. */
static int
in_month(struct aws_req *r, const char *member, int64_t *s, int64_t *n,
    struct err *e)
{
	if (ce_wire_interval(r, member, s, n, e) == -1)
		return (-1);
	if (*s != ce_month_start(*s) || *n != ce_month_next(*s))
		return (err_set(e, ERR_INVALID, VALIDATION, NULL, "%s must start "
		    "and end on the first day of a month, with a duration of "
		    "exactly one month", member));
	return (0);
}

static int
in_cmp(struct aws_req *r, int64_t max_results, struct cmp_req *q,
    struct err *e)
{
	static const struct {
		const char	*name;
		enum ce_metric	 m;
	} mets[] = {
		{ "AmortizedCost", CE_AMORTIZED },
		{ "BlendedCost", CE_BLENDED },
		{ "NetAmortizedCost", CE_AMORTIZED },
		{ "NetUnblendedCost", CE_NET_UNBLENDED },
		{ "NormalizedUsageAmount", CE_USAGE },
		{ "UnblendedCost", CE_UNBLENDED },
		{ "UsageQuantity", CE_USAGE },
	};
	json_t		*m = json_object_get(r->in, "MetricForComparison");
	int64_t		 n = max_results;
	size_t		 i;

	memset(q, 0, sizeof(*q));
	if (json_object_get(r->in, "BillingViewArn") != NULL &&
	    !json_is_null(json_object_get(r->in, "BillingViewArn")))
		return (err_set(e, ERR_NOT_FOUND,
		    AWSERR(ResourceNotFoundException), NULL, "billing views "
		    "do not exist in payerlink: leave BillingViewArn out"));
	if (in_month(r, "BaselineTimePeriod", &q->b0, &q->b1, e) == -1 ||
	    in_month(r, "ComparisonTimePeriod", &q->c0, &q->c1, e) == -1)
		return (-1);
	for (i = 0; i < sizeof(mets) / sizeof(mets[0]); i++)
		if (json_is_string(m) && strcmp(json_string_value(m),
		    mets[i].name) == 0)
			break;
	if (i == sizeof(mets) / sizeof(mets[0]))
		return (err_set(e, ERR_INVALID, VALIDATION, NULL,
		    "MetricForComparison must be one of AmortizedCost, "
		    "BlendedCost, NetAmortizedCost, NetUnblendedCost, "
		    "NormalizedUsageAmount, UnblendedCost, UsageQuantity"));
	q->metric_name = mets[i].name;
	q->metric = mets[i].m;
	/* AWS: "any Cost Explorer dimension", tags and cost categories:
	 * what GetCostAndUsage groups by. */
	if (ce_wire_group_by(r, CE_USE_GROUP, q->group, q->group_key,
	    &q->ngroup, e) == -1)
		return (-1);
	if (in_int(r, "MaxResults", 1, max_results, &n, e) == -1)
		return (err_set(e, ERR_INVALID, VALIDATION, NULL,
		    "MaxResults must be 1 to %lld", (long long)max_results));
	q->max = (size_t)n;
	q->hash = ce_wire_request_hash(r);
	if (ce_wire_filter(r, &q->filter, e) == -1 ||
	    ce_wire_token_in(r, "NextPageToken", q->hash, &q->off, e) == -1)
		return (-1);
	return (0);
}

static int
run(struct aws_req *r, const struct cmp_req *q, const enum ce_dim *dims,
    const char *const *keys, size_t ndims, struct ce_cmp_result *res,
    struct err *e)
{
	struct ce_scope	 sc;

	if (ce_scope_account(r->store, r->arena, r->who.account_id, &sc,
	    e) == -1)
		return (-1);
	return (ce_compare_run(r->store, r->arena, &sc, q->metric, q->b0,
	    q->b1, q->c0, q->c1, dims, keys, ndims, q->filter, res, e));
}

/* ComparisonMetrics: {metric: {Baseline..., Comparison..., Difference,
 * Unit}}. */
static json_t *
metrics(const struct cmp_req *q, int64_t base, int64_t comp)
{
	int	 usage = q->metric == CE_USAGE;
	int	 dg = usage ? QTY_DIGITS : MONEY_DIGITS;

	return (json_pack("{s:{s:o, s:o, s:o, s:s}}", q->metric_name,
	    "BaselineTimePeriodAmount", ce_wire_decimal(base, dg),
	    "ComparisonTimePeriodAmount", ce_wire_decimal(comp, dg),
	    "Difference", ce_wire_decimal(comp - base, dg),
	    "Unit", usage ? "N/A" : "USD"));
}

/* The Expression selecting values[0..n) of dims (of tag or category
 * names[i]): a Dimensions, Tags or CostCategories leaf, or an And of
 * them. */
static json_t *
selector(const enum ce_dim *dims, const char *const *names,
    const char *const *values, size_t n)
{
	json_t	*and;
	size_t	 k;

	if (n == 1)
		return (json_pack("{s:{s:s, s:[s]}}", dims[0] == CE_TAG ?
		    "Tags" : dims[0] == CE_COST_CATEGORY ? "CostCategories" :
		    "Dimensions", "Key", dims[0] >= CE_NDIMS ? names[0] :
		    ce_dim_name(dims[0]), "Values", values[0]));
	and = json_array();
	for (k = 0; k < n; k++)
		json_array_append_new(and, selector(dims + k, names + k,
		    values + k, 1));
	return (json_pack("{s:o}", "And", and));
}

int
aws_ce_get_cost_and_usage_comparisons(struct aws_req *r, struct err *e)
{
	struct cmp_req		 q;
	struct ce_cmp_result	 res;
	json_t			*arr;
	size_t			 i, end;

	if (in_cmp(r, 2000, &q, e) == -1 ||
	    run(r, &q, q.group, q.group_key, q.ngroup, &res, e) == -1)
		return (-1);
	arr = json_array();
	end = q.ngroup == 0 ? 0 : res.n;
	if (q.off > end)
		return (err_set(e, ERR_INVALID,
		    AWSERR(InvalidNextTokenException), NULL,
		    "The NextPageToken is not valid."));
	for (i = q.off; i < end && i < q.off + q.max; i++)
		json_array_append_new(arr, json_pack("{s:o, s:o}",
		    "CostAndUsageSelector", selector(q.group, q.group_key,
		    res.rows[i].key, q.ngroup), "Metrics", metrics(&q,
		    res.rows[i].base, res.rows[i].comp)));
	json_object_set_new(r->out, "CostAndUsageComparisons", arr);
	json_object_set_new(r->out, "TotalCostAndUsage",
	    metrics(&q, res.base, res.comp));
	if (q.off + q.max < end)
		ce_wire_token_out(r, "NextPageToken", q.hash, q.off + q.max);
	return (0);
}

/* ---- Drivers ---------------------------------------------------------- */

struct driver {
	size_t		 first, n;	/* rows of the selector */
	int64_t		 base, comp;
};

static int64_t
mag(int64_t base, int64_t comp)
{
	return (comp > base ? comp - base : base - comp);
}

static int
driver_cmp(const void *a, const void *b)
{
	const struct driver	*x = a, *y = b;
	int64_t			 dx = mag(x->base, x->comp);
	int64_t			 dy = mag(y->base, y->comp);

	if (dx != dy)
		return (dx > dy ? -1 : 1);
	return (x->first < y->first ? -1 : x->first > y->first);
}

/* One cost driver: a usage type (or, without one, a line item type) of
 * one driver type, with its rows' sums. */
struct cause {
	const char	*type, *name;
	int64_t		 base, comp;
};

static int
cause_cmp(const void *a, const void *b)
{
	const struct cause	*x = a, *y = b;
	int64_t			 dx = mag(x->base, x->comp);
	int64_t			 dy = mag(y->base, y->comp);

	if (dx != dy)
		return (dx > dy ? -1 : 1);
	return (strcmp(x->name, y->name));
}

/*
 * Each selector (SERVICE and the GroupBy dimensions) whose metric changed
 * is a CostComparisonDriver, biggest change first; its CostDrivers are the
 * usage types that changed within it, typed by their line items
 * (ce_driver_type()), biggest change first.
 */
int
aws_ce_get_cost_comparison_drivers(struct aws_req *r, struct err *e)
{
	struct cmp_req		 q;
	struct ce_cmp_result	 res;
	enum ce_dim		 dims[CE_CMP_DIMS];
	const char		*keys[CE_CMP_DIMS] = { NULL };
	struct driver		*dr;
	struct cause		*cs;
	size_t			 nd = 0, nsel, i, j, k, ndr = 0, ncs;
	json_t			*arr, *causes;

	if (in_cmp(r, 10, &q, e) == -1)
		return (-1);
	dims[nd++] = CE_SERVICE;
	for (i = 0; i < q.ngroup; i++)
		if (q.group[i] != CE_SERVICE && q.group[i] != CE_USAGE_TYPE) {
			keys[nd] = q.group_key[i];
			dims[nd++] = q.group[i];
		}
	nsel = nd;
	dims[nd++] = CE_USAGE_TYPE;
	dims[nd++] = CE_RECORD_TYPE;
	if (run(r, &q, dims, keys, nd, &res, e) == -1)
		return (-1);
	/* Rows are sorted by tuple: a selector's rows are consecutive. */
	dr = arena_zalloc(r->arena, (res.n + 1) * sizeof(*dr));
	for (i = 0; i < res.n; i = j) {
		struct driver *d = &dr[ndr];

		d->first = i;
		d->base = d->comp = 0;
		for (j = i; j < res.n; j++) {
			for (k = 0; k < nsel; k++)
				if (strcmp(res.rows[j].key[k],
				    res.rows[i].key[k]) != 0)
					break;
			if (k < nsel)
				break;
			d->base += res.rows[j].base;
			d->comp += res.rows[j].comp;
		}
		d->n = j - i;
		if (d->base != d->comp)
			ndr++;
	}
	qsort(dr, ndr, sizeof(*dr), driver_cmp);
	if (q.off > ndr)
		return (err_set(e, ERR_INVALID,
		    AWSERR(InvalidNextTokenException), NULL,
		    "The NextPageToken is not valid."));
	arr = json_array();
	cs = arena_zalloc(r->arena, (res.n + 1) * sizeof(*cs));
	for (i = q.off; i < ndr && i < q.off + q.max; i++) {
		const struct driver *d = &dr[i];

		for (j = d->first, ncs = 0; j < d->first + d->n; j++) {
			const struct ce_cmp_row *w = &res.rows[j];
			const char *type = ce_driver_type(w->key[nd - 1],
			    w->key[0]);
			const char *name = *w->key[nd - 2] != '\0' ?
			    w->key[nd - 2] : w->key[nd - 1];

			/* Line item types of one driver type and usage type
			 * (covered usage and its negation) are one cause. */
			for (k = 0; k < ncs; k++)
				if (strcmp(cs[k].type, type) == 0 &&
				    strcmp(cs[k].name, name) == 0)
					break;
			if (k == ncs) {
				cs[ncs].type = type;
				cs[ncs].name = name;
				cs[ncs].base = cs[ncs].comp = 0;
				ncs++;
			}
			cs[k].base += w->base;
			cs[k].comp += w->comp;
		}
		qsort(cs, ncs, sizeof(*cs), cause_cmp);
		causes = json_array();
		for (k = 0; k < ncs && cs[k].base != cs[k].comp; k++)
			json_array_append_new(causes, json_pack("{s:s, s:s, s:o}",
			    "Type", cs[k].type, "Name", cs[k].name, "Metrics",
			    metrics(&q, cs[k].base, cs[k].comp)));
		json_array_append_new(arr, json_pack("{s:o, s:o, s:o}",
		    "CostSelector", selector(dims, keys,
		    res.rows[d->first].key, nsel), "Metrics", metrics(&q,
		    d->base, d->comp), "CostDrivers", causes));
	}
	json_object_set_new(r->out, "CostComparisonDrivers", arr);
	if (q.off + q.max < ndr)
		ce_wire_token_out(r, "NextPageToken", q.hash, q.off + q.max);
	return (0);
}
