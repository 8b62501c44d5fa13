/* SPDX-License-Identifier: MIT */
/*
 * Cost Explorer's reservation and Savings Plans reports
 * (GetReservationUtilization, GetReservationCoverage,
 * GetSavingsPlansUtilization, GetSavingsPlansCoverage) in the shapes of
 * the botocore model (ce/2017-10-25), over ce_commit_run() and the
 * figures src/ce derives from its sums (ce_ri_util_of() ...). Each
 * report's figures are named as the model names them in one function
 * (ri_figs(), cov_figs(), sp_figs(), spcov_figs()) that both the response
 * and SortBy read.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/ce_wire.h"
#include "aws/ops.h"
#include "billing/attrs.h"
#include "billing/money.h"
#include "ce/ce.h"
#include "org/account.h"

#define VALIDATION	AWSERR(ValidationException)

/* A figure of a report: its name in the model, value and scale. */
#define FIG(n, v, d)	((struct fig){ (n), (v), (d) })
struct fig {
	const char	*name;
	int64_t		 v;
	int		 digits;	/* QTY_DIGITS: hours, percent */
};
#define FIGS_MAX	16
/* Fills out with the figures of c; returns how many. */
typedef size_t	(*figs_fn)(const struct ce_commit *c, struct fig *out);

/* What one operation accepts besides the period. Its Filter's and
 * GroupBy's dimensions are AWS's lists of names.c. */
struct report {
	const char		*op;
	int			 group_use;	/* its GroupBy's (-1: none) */
	const char		*token;		/* its page token member */
	size_t			 page;		/* default MaxResults */
	figs_fn			 figs;		/* what SortBy can name */
	int			 keyed;		/* groups are commitments: the
						   lines of none are no group */
	enum ce_use		 use;		/* its Filter's */
};

/* SortBy {Key, SortOrder}: the figure to order by (-1: none, the time
 * and key order) and whether descending. */
struct sort {
	int	 fig;
	int	 desc;
};

static int
in_sort(struct aws_req *r, const struct report *rep, struct sort *so,
    struct err *e)
{
	json_t			*sb = json_object_get(r->in, "SortBy"), *k, *o;
	struct fig		 f[FIGS_MAX];
	static const struct ce_commit zero;
	size_t			 n, i;

	so->fig = -1;
	so->desc = 0;
	if (sb == NULL || json_is_null(sb))
		return (0);
	k = json_object_get(sb, "Key");
	o = json_object_get(sb, "SortOrder");
	n = rep->figs(&zero, f);
	for (i = 0; i < n && json_is_string(k); i++)
		if (strcmp(f[i].name, json_string_value(k)) == 0)
			break;
	if (!json_is_string(k) || i == n)
		return (err_set(e, ERR_INVALID, VALIDATION, NULL, "SortBy: "
		    "'%s' is not a key %s sorts by", json_is_string(k) ?
		    json_string_value(k) : "?", rep->op));
	if (o != NULL && !json_is_null(o) && (!json_is_string(o) ||
	    (strcmp(json_string_value(o), "ASCENDING") != 0 &&
	    strcmp(json_string_value(o), "DESCENDING") != 0)))
		return (err_set(e, ERR_INVALID, VALIDATION, NULL, "SortBy: "
		    "SortOrder must be ASCENDING or DESCENDING"));
	so->fig = (int)i;
	so->desc = json_is_string(o) &&
	    strcmp(json_string_value(o), "DESCENDING") == 0;
	return (0);
}

/* An item of a listing (a period, a group), its sort value and where it
 * was (ties keep that order). */
struct item {
	size_t		 bucket, key, at;
	int64_t		 v;
	int		 desc;
};

static int
item_cmp(const void *a, const void *b)
{
	const struct item	*x = a, *y = b;

	if (x->v != y->v)
		return ((x->v < y->v) != x->desc ? -1 : 1);
	return (x->at < y->at ? -1 : x->at > y->at);
}

/* Orders items[0..n) by so (nothing to do without SortBy). */
static void
sort_items(struct item *it, size_t n, const struct report *rep,
    const struct sort *so, const struct ce_commit_result *res)
{
	struct fig	 f[FIGS_MAX];
	size_t		 i;

	if (so->fig < 0)
		return;
	for (i = 0; i < n; i++) {
		const struct ce_commit *c = it[i].key == (size_t)-1 ?
		    &res->total[it[i].bucket] :
		    &res->cells[it[i].bucket * res->stride + it[i].key];

		rep->figs(c, f);
		it[i].v = f[so->fig].v;
		it[i].desc = so->desc;
	}
	qsort(it, n, sizeof(*it), item_cmp);
}

/* {name: decimal, ...} of figures f[from..to). */
static json_t *
figs_json(const struct fig *f, size_t from, size_t to)
{
	json_t	*o = json_object();
	size_t	 i;

	for (i = from; i < to; i++)
		json_object_set_new(o, f[i].name, ce_wire_decimal(f[i].v,
		    f[i].digits));
	return (o);
}

/* Granularity, GroupBy (one dimension of rep->group_use), Filter. */
static int
in_report(struct aws_req *r, const struct report *rep, int64_t *start,
    int64_t *end, enum ce_gran *gran, int *group, struct ce_expr **filter,
    struct err *e)
{
	static const char *const grans[] = { "DAILY", "MONTHLY", "HOURLY",
	    NULL };
	json_t		*gb = json_object_get(r->in, "GroupBy"), *t, *k;
	const char	*g = NULL;
	int		 rc;

	*group = -1;
	if (ce_wire_interval(r, "TimePeriod", start, end, e) == -1)
		return (-1);
	rc = in_enum(r, "Granularity", 0, grans, &g, e);
	if (rc == -1)
		return (err_set(e, ERR_INVALID, VALIDATION, NULL, "Granularity "
		    "must be DAILY or MONTHLY"));
	if (g != NULL && strcmp(g, "HOURLY") == 0)
		return (err_set(e, ERR_INVALID, VALIDATION, NULL, "%s supports "
		    "only DAILY and MONTHLY granularities", rep->op));
	if (gb != NULL && !json_is_null(gb) && json_array_size(gb) > 0) {
		if (rep->group_use < 0)
			return (err_set(e, ERR_INVALID, VALIDATION, NULL,
			    "%s takes no GroupBy", rep->op));
		/* AWS's answer (GetReservationCoverage's, as users
		 * quote it). */
		if (g != NULL)
			return (err_set(e, ERR_INVALID, VALIDATION, NULL,
			    "Granularity is not supported when specifying "
			    "groupBy"));
		if (!json_is_array(gb) || json_array_size(gb) != 1)
			return (err_set(e, ERR_INVALID, VALIDATION, NULL,
			    "GroupBy: payerlink groups %s by one dimension",
			    rep->op));
		t = json_object_get(json_array_get(gb, 0), "Type");
		k = json_object_get(json_array_get(gb, 0), "Key");
		if (!json_is_string(t) ||
		    strcmp(json_string_value(t), "DIMENSION") != 0 ||
		    !json_is_string(k))
			return (err_set(e, ERR_INVALID, VALIDATION, NULL,
			    "GroupBy: Type must be DIMENSION with a Key"));
		if ((*group = ce_wire_dim(k, (enum ce_use)rep->group_use,
		    e)) < 0)
			return (-1);
		*gran = CE_WHOLE;
	} else
		*gran = g != NULL && strcmp(g, "MONTHLY") == 0 ? CE_MONTHLY :
		    CE_DAILY;
	return (ce_wire_filter_of(r, rep->use, filter, e));
}

/* MaxResults (1..) and the page token: the first item of this page. */
static int
in_paging(struct aws_req *r, const struct report *rep, uint64_t *hash,
    size_t *off, size_t *max, struct err *e)
{
	int64_t	 n = (int64_t)rep->page;

	if (in_int(r, "MaxResults", 1, 1000000, &n, e) == -1)
		return (err_set(e, ERR_INVALID, VALIDATION, NULL,
		    "MaxResults must be at least 1"));
	*max = (size_t)n;
	*hash = ce_wire_request_hash(r);
	return (ce_wire_token_in(r, rep->token, *hash, off, e));
}

/* The sums of the caller's view; a Filter on a plan's own attributes
 * becomes one on the ARNs of the plans that have them. */
static int
run(struct aws_req *r, int64_t start, int64_t end, enum ce_gran gran,
    int group, struct ce_expr *filter, struct ce_commit_result *res,
    struct err *e)
{
	struct ce_scope	 sc;

	if (ce_scope_account(r->store, r->arena, r->who.account_id, &sc,
	    e) == -1 || ce_commit_filter(r->store, r->arena, &sc, start, end,
	    filter, e) == -1)
		return (-1);
	return (ce_commit_run(r->store, r->arena, &sc, start, end, gran, group,
	    filter, res, e));
}

/*
 * Lists items (one per period, or per period and group with groups) of
 * res in SortBy's order, a page of them from the token on, each as
 * item_json() makes it; the token of the next page when there is one.
 * Groups whose sums are all 0 are left out.
 */
typedef json_t	*(*item_fn)(const struct ce_commit_result *, size_t bucket,
		    size_t key, void *arg);

static int
list_items(struct aws_req *r, const struct report *rep,
    const struct ce_commit_result *res, int grouped, item_fn item_json,
    void *arg, json_t **out, struct err *e)
{
	static const struct ce_commit zero;
	struct sort	 so;
	struct item	*it;
	uint64_t	 hash = 0;
	size_t		 off = 0, max = 0, n = 0, i, k;

	if (in_sort(r, rep, &so, e) == -1 ||
	    in_paging(r, rep, &hash, &off, &max, e) == -1)
		return (-1);
	it = arena_zalloc(r->arena, (res->nbuckets * (grouped ? res->stride :
	    1) + 1) * sizeof(*it));
	for (i = 0; i < res->nbuckets; i++)
		for (k = 0; k < (grouped ? res->nkeys : 1); k++) {
			if (grouped && (memcmp(&res->cells[i * res->stride +
			    k], &zero, sizeof(zero)) == 0 || (rep->keyed &&
			    res->keys[k][0] == '\0')))
				continue;
			it[n].bucket = i;
			it[n].key = grouped ? k : (size_t)-1;
			it[n].at = n;
			n++;
		}
	if (off > n)
		return (err_set(e, ERR_INVALID,
		    AWSERR(InvalidNextTokenException), NULL,
		    "The %s is not valid.", rep->token));
	sort_items(it, n, rep, &so, res);
	*out = json_array();
	for (i = off; i < n && i < off + max; i++)
		json_array_append_new(*out, item_json(res, it[i].bucket,
		    it[i].key, arg));
	if (off + max < n)
		ce_wire_token_out(r, rep->token, hash, off + max);
	return (0);
}

static const struct ce_commit *
item_sums(const struct ce_commit_result *res, size_t bucket, size_t key)
{
	return (key == (size_t)-1 ? &res->total[bucket] :
	    &res->cells[bucket * res->stride + key]);
}

/* A listing of groups by period being built (CoveragesByTime,
 * UtilizationsByTime). */
struct cov_arg {
	struct aws_req	*r;
	int	 want, group;
	json_t	*periods;
	size_t	 last;		/* the bucket of its last entry, + 1 */
};

/* ---- Reservations ----------------------------------------------------- */

/* AWS's reservation reports read EC2 instances unless the Filter names a
 * SERVICE: *filter AND SERVICE = "Amazon Elastic Compute Cloud -
 * Compute" then. */
static void
ec2_by_default(struct aws_req *r, struct ce_expr **filter)
{
	static const char *const ec2[] = {
	    "Amazon Elastic Compute Cloud - Compute" };
	struct ce_expr	*leaf, *and;

	if (ce_expr_names(*filter, CE_SERVICE))
		return;
	leaf = arena_zalloc(r->arena, sizeof(*leaf));
	leaf->op = CE_DIMS;
	leaf->dim = CE_SERVICE;
	leaf->values = ec2;
	leaf->nvalues = 1;
	if (*filter == NULL) {
		*filter = leaf;
		return;
	}
	and = arena_zalloc(r->arena, sizeof(*and));
	and->op = CE_AND;
	and->nkids = 2;
	and->kids = arena_alloc(r->arena, 2 * sizeof(*and->kids));
	and->kids[0] = *filter;
	and->kids[1] = leaf;
	*filter = and;
}

/* ReservationAggregates. */
static size_t
ri_figs(const struct ce_commit *c, struct fig *f)
{
	struct ce_ri_util	 u;

	ce_ri_util_of(c, &u);
	f[0] = FIG("UtilizationPercentage", u.utilization_pct, QTY_DIGITS);
	f[1] = FIG("PurchasedHours", u.purchased_hours, QTY_DIGITS);
	f[2] = FIG("TotalActualHours", u.actual_hours, QTY_DIGITS);
	f[3] = FIG("UnusedHours", u.unused_hours, QTY_DIGITS);
	f[4] = FIG("OnDemandCostOfRIHoursUsed", u.on_demand_cost_used,
	    MONEY_DIGITS);
	f[5] = FIG("NetRISavings", u.net_savings, MONEY_DIGITS);
	f[6] = FIG("TotalPotentialRISavings", u.potential_savings,
	    MONEY_DIGITS);
	f[7] = FIG("AmortizedUpfrontFee", u.amortized_upfront, MONEY_DIGITS);
	f[8] = FIG("AmortizedRecurringFee", u.amortized_recurring,
	    MONEY_DIGITS);
	f[9] = FIG("TotalAmortizedFee", u.amortized_total, MONEY_DIGITS);
	f[10] = FIG("RICostForUnusedHours", u.unused_cost, MONEY_DIGITS);
	f[11] = FIG("RealizedSavings", u.realized_savings, MONEY_DIGITS);
	f[12] = FIG("UnrealizedSavings", u.unrealized_savings, MONEY_DIGITS);
	return (13);
}

static json_t *
ri_aggregates(const struct ce_commit *c)
{
	struct fig	 f[FIGS_MAX];

	return (figs_json(f, 0, ri_figs(c, f)));
}

static json_t *
ri_period(const struct ce_commit_result *res, size_t b, size_t k, void *arg)
{
	(void)arg;
	return (json_pack("{s:o, s:[], s:o}", "TimePeriod",
	    ce_wire_period(res->bstart[b], res->bend[b]), "Groups", "Total",
	    ri_aggregates(item_sums(res, b, k))));
}

/* Sets o[name] to v unless v is empty. */
static void
attr_set(json_t *o, const char *name, const char *v)
{
	if (v != NULL && *v != '\0')
		json_object_set_new(o, name, json_string(v));
}

/*
 * What the CUR says of a commitment (at->commitment, billing/attrs.h)
 * under AWS's names for it: names[i] is field i's, NULL for a field the
 * report does not give. An RI's status is Active until its end.
 */
static void
commitment_set(struct aws_req *r, json_t *o, const char *attrs,
    const char *const names[COMMIT_NFIELDS], const char *status)
{
	const char	*f[COMMIT_NFIELDS];
	size_t		 len[COMMIT_NFIELDS], i;
	char		 v[COMMIT_FIELD_MAX + 1];

	commit_attrs_split(attrs, f, len);
	for (i = 0; i < COMMIT_NFIELDS; i++) {
		if (names[i] == NULL || len[i] == 0)
			continue;
		snprintf(v, sizeof(v), "%.*s", (int)len[i], f[i]);
		json_object_set_new(o, names[i], json_string(v));
	}
	if (status != NULL && len[CF_END] >= 10) {
		int64_t	 day;

		snprintf(v, sizeof(v), "%.10s", f[CF_END]);
		if (ce_day_parse(v, &day) == 0)
			json_object_set_new(o, status, json_string(
			    day >= ce_today(r->store) ? "Active" : "Retired"));
	}
}

/*
 * A reservation's group, in its period's entry (as cov_group()): Key
 * SUBSCRIPTION_ID, its id as Value, and what its lines say of it under
 * the names AWS gives them.
 */
static json_t *
ri_group(const struct ce_commit_result *res, size_t b, size_t k, void *arg)
{
	static const char *const ri_names[COMMIT_NFIELDS] = {
		[CF_START] = "startDateTime", [CF_END] = "endDateTime",
		[CF_PAYMENT] = "subscriptionType",
		[CF_COUNT] = "numberOfInstances",
	};
	struct cov_arg		*ca = arg;
	const struct ce_commit_attrs *at = &res->kattrs[k];
	json_t			*attr, *p;

	if (ca->last != b + 1) {
		json_array_append_new(ca->periods, json_pack("{s:o, s:[],"
		    " s:o}", "TimePeriod", ce_wire_period(res->bstart[b],
		    res->bend[b]), "Groups", "Total",
		    ri_aggregates(&res->total[b])));
		ca->last = b + 1;
	}
	p = json_array_get(ca->periods, json_array_size(ca->periods) - 1);
	attr = json_object();
	attr_set(attr, "subscriptionId", res->keys[k]);
	attr_set(attr, "leaseId", res->keys[k]);
	attr_set(attr, "reservationARN", at->arn);
	attr_set(attr, "accountId", at->account);
	attr_set(attr, "region", at->region);
	attr_set(attr, "availabilityZone", at->az);
	attr_set(attr, "instanceType", at->instance_type);
	attr_set(attr, "platform", at->platform);
	attr_set(attr, "tenancy", at->tenancy);
	commitment_set(ca->r, attr, at->commitment, ri_names,
	    "subscriptionStatus");
	json_array_append_new(json_object_get(p, "Groups"), json_pack(
	    "{s:s, s:s, s:o, s:o}", "Key", "SUBSCRIPTION_ID", "Value",
	    res->keys[k], "Attributes", attr, "Utilization",
	    ri_aggregates(item_sums(res, b, k))));
	return (json_null());
}

int
aws_ce_get_reservation_utilization(struct aws_req *r, struct err *e)
{
	static const struct report rep = { "GetReservationUtilization",
	    CE_USE_RI_UTILIZATION_GROUP, "NextPageToken", 1000, ri_figs, 1,
	    CE_USE_RI_UTILIZATION };
	struct ce_commit_result	 res;
	struct ce_expr		*filter;
	struct cov_arg		 ca;
	enum ce_gran		 gran;
	int64_t			 start, end;
	int			 group;
	json_t			*arr;

	if (in_report(r, &rep, &start, &end, &gran, &group, &filter, e) == -1)
		return (-1);
	ec2_by_default(r, &filter);
	if (run(r, start, end, gran, group, filter, &res, e) == -1)
		return (-1);
	if (group < 0) {
		if (list_items(r, &rep, &res, 0, ri_period, NULL, &arr,
		    e) == -1)
			return (-1);
	} else {
		/* Pages count reservations; each is listed in its
		 * period's entry. */
		memset(&ca, 0, sizeof(ca));
		ca.r = r;
		ca.periods = json_array();
		if (list_items(r, &rep, &res, 1, ri_group, &ca, &arr,
		    e) == -1) {
			json_decref(ca.periods);
			return (-1);
		}
		json_decref(arr);
		arr = ca.periods;
		/* One period (no Granularity with GroupBy): listed with
		 * its Total even when no reservation is. */
		if (json_array_size(arr) == 0)
			json_array_append_new(arr, json_pack("{s:o, s:[], s:o}",
			    "TimePeriod", ce_wire_period(res.bstart[0],
			    res.bend[0]), "Groups", "Total",
			    ri_aggregates(&res.total[0])));
	}
	json_object_set_new(r->out, "UtilizationsByTime", arr);
	json_object_set_new(r->out, "Total",
	    ri_aggregates(&res.total[res.nbuckets]));
	return (0);
}

/* Coverage's CoverageHours, then CoverageCost. */
static size_t
cov_figs(const struct ce_commit *c, struct fig *f)
{
	struct ce_ri_cov	 v;

	ce_ri_cov_of(c, &v);
	f[0] = FIG("OnDemandHours", v.on_demand_hours, QTY_DIGITS);
	f[1] = FIG("ReservedHours", v.reserved_hours, QTY_DIGITS);
	f[2] = FIG("TotalRunningHours", v.running_hours, QTY_DIGITS);
	f[3] = FIG("CoverageHoursPercentage", v.coverage_pct, QTY_DIGITS);
	f[4] = FIG("OnDemandCost", v.on_demand_cost, MONEY_DIGITS);
	return (5);
}

/* Which of Coverage's parts the request's Metrics ask for. */
#define COV_HOUR	1
#define COV_COST	2

static json_t *
coverage(const struct ce_commit *c, int want)
{
	struct fig	 f[FIGS_MAX];
	json_t		*o = json_object();

	cov_figs(c, f);
	if (want & COV_HOUR)
		json_object_set_new(o, "CoverageHours", figs_json(f, 0, 4));
	if (want & COV_COST)
		json_object_set_new(o, "CoverageCost", figs_json(f, 4, 5));
	return (o);
}

/* A group goes into its period's entry: the last one when it is of the
 * same period (sorted by time: always), else a new one. */
static json_t *
cov_group(const struct ce_commit_result *res, size_t b, size_t k, void *arg)
{
	struct cov_arg	*ca = arg;
	json_t		*attr, *p;

	if (ca->last != b + 1) {
		json_array_append_new(ca->periods, json_pack("{s:o, s:[],"
		    " s:o}", "TimePeriod", ce_wire_period(res->bstart[b],
		    res->bend[b]), "Groups", "Total",
		    coverage(&res->total[b], ca->want)));
		ca->last = b + 1;
	}
	p = json_array_get(ca->periods, json_array_size(ca->periods) - 1);
	if (k == (size_t)-1)
		return (json_null());
	attr = json_object();
	json_object_set_new(attr, ce_dim_name(ca->group),
	    json_string(res->keys[k]));
	json_array_append_new(json_object_get(p, "Groups"), json_pack(
	    "{s:o, s:o}", "Attributes", attr, "Coverage",
	    coverage(item_sums(res, b, k), ca->want)));
	return (json_null());
}

int
aws_ce_get_reservation_coverage(struct aws_req *r, struct err *e)
{
	static const struct report rep = { "GetReservationCoverage",
	    CE_USE_RI_COVERAGE_GROUP, "NextPageToken", 2000, cov_figs, 0,
	    CE_USE_RI_COVERAGE };
	struct ce_commit_result	 res;
	struct ce_expr		*filter;
	struct cov_arg		 ca;
	enum ce_gran		 gran;
	int64_t			 start, end;
	int			 group, want = 0;
	size_t			 i;
	json_t			*arr, *mets = json_object_get(r->in, "Metrics"),
				*v;

	if (in_report(r, &rep, &start, &end, &gran, &group, &filter, e) == -1)
		return (-1);
	json_array_foreach(mets, i, v) {
		if (json_is_string(v) && strcmp(json_string_value(v),
		    "Hour") == 0)
			want |= COV_HOUR;
		else if (json_is_string(v) && strcmp(json_string_value(v),
		    "Cost") == 0)
			want |= COV_COST;
		else
			return (err_set(e, ERR_INVALID, VALIDATION, NULL,
			    "Metrics: '%s' is not supported (Hour, Cost; Unit: "
			    "normalized units are not kept)",
			    json_is_string(v) ? json_string_value(v) : "?"));
	}
	if (want == 0)
		want = COV_HOUR | COV_COST;
	ec2_by_default(r, &filter);
	if (run(r, start, end, gran, group, filter, &res, e) == -1)
		return (-1);
	/* Pages count groups (periods when not grouped); a period is
	 * listed with those of its groups on the page. */
	ca.r = r;
	ca.want = want;
	ca.group = group;
	ca.periods = json_array();
	ca.last = 0;
	if (list_items(r, &rep, &res, group >= 0, cov_group, &ca, &arr,
	    e) == -1) {
		json_decref(ca.periods);
		return (-1);
	}
	json_decref(arr);
	json_object_set_new(r->out, "CoveragesByTime", ca.periods);
	json_object_set_new(r->out, "Total",
	    coverage(&res.total[res.nbuckets], want));
	return (0);
}

/* ---- Savings Plans ---------------------------------------------------- */

/* Utilization (0..4), Savings (4..6), AmortizedCommitment (6..9). */
static size_t
sp_figs(const struct ce_commit *c, struct fig *f)
{
	struct ce_sp_util	 u;

	ce_sp_util_of(c, &u);
	f[0] = FIG("TotalCommitment", u.total, MONEY_DIGITS);
	f[1] = FIG("UsedCommitment", u.used, MONEY_DIGITS);
	f[2] = FIG("UnusedCommitment", u.unused, MONEY_DIGITS);
	f[3] = FIG("UtilizationPercentage", u.utilization_pct, QTY_DIGITS);
	f[4] = FIG("NetSavings", u.net_savings, MONEY_DIGITS);
	f[5] = FIG("OnDemandCostEquivalent", u.on_demand_equiv, MONEY_DIGITS);
	f[6] = FIG("AmortizedRecurringCommitment", u.amortized_recurring,
	    MONEY_DIGITS);
	f[7] = FIG("AmortizedUpfrontCommitment", u.amortized_upfront,
	    MONEY_DIGITS);
	f[8] = FIG("TotalAmortizedCommitment", u.amortized_total,
	    MONEY_DIGITS);
	return (9);
}

/* Utilization, Savings, AmortizedCommitment into o. */
static json_t *
sp_json(const struct ce_commit *c, json_t *o)
{
	struct fig	 f[FIGS_MAX];

	sp_figs(c, f);
	json_object_set_new(o, "Utilization", figs_json(f, 0, 4));
	json_object_set_new(o, "Savings", figs_json(f, 4, 6));
	json_object_set_new(o, "AmortizedCommitment", figs_json(f, 6, 9));
	return (o);
}

static json_t *
sp_period(const struct ce_commit_result *res, size_t b, size_t k, void *arg)
{
	(void)arg;
	return (sp_json(item_sums(res, b, k), json_pack("{s:o}", "TimePeriod",
	    ce_wire_period(res->bstart[b], res->bend[b]))));
}

int
aws_ce_get_savings_plans_utilization(struct aws_req *r, struct err *e)
{
	/* Sorts by the figures AWS lists, of each period. */
	static const struct report rep = { "GetSavingsPlansUtilization", -1,
	    "NextToken", 1000000, sp_figs, 0, CE_USE_SAVINGS_PLANS };
	struct ce_commit_result	 res;
	struct ce_expr		*filter;
	enum ce_gran		 gran;
	int64_t			 start, end;
	int			 group;
	json_t			*arr;

	if (in_report(r, &rep, &start, &end, &gran, &group, &filter,
	    e) == -1 || run(r, start, end, gran, group, filter, &res, e) == -1 ||
	    list_items(r, &rep, &res, 0, sp_period, NULL, &arr, e) == -1)
		return (-1);
	json_object_set_new(r->out, "SavingsPlansUtilizationsByTime", arr);
	json_object_set_new(r->out, "Total",
	    sp_json(&res.total[res.nbuckets], json_object()));
	return (0);
}

/* What DataType asks for of each plan (none: all). */
#define SPD_ATTRIBUTES	1
#define SPD_UTILIZATION	2
#define SPD_AMORTIZED	4
#define SPD_SAVINGS	8

struct spd_arg {
	struct aws_req	*r;
	int		 want;
};

/* Utilization, Savings, AmortizedCommitment of c into o, as want says. */
static json_t *
spd_json(const struct ce_commit *c, int want, json_t *o)
{
	struct fig	 f[FIGS_MAX];

	sp_figs(c, f);
	if (want & SPD_UTILIZATION)
		json_object_set_new(o, "Utilization", figs_json(f, 0, 4));
	if (want & SPD_SAVINGS)
		json_object_set_new(o, "Savings", figs_json(f, 4, 6));
	if (want & SPD_AMORTIZED)
		json_object_set_new(o, "AmortizedCommitment",
		    figs_json(f, 6, 9));
	return (o);
}

/*
 * A plan's fees under AWS's names (HourlyCommitment, RecurringHourlyFee,
 * UpfrontFee: the Attributes of a SavingsPlansUtilizationDetail as AWS's
 * answers show them, docs/billing.md "AWS's names"), from its attrs.
 */
static void
plan_fees_set(json_t *o, const char *attrs)
{
	int64_t		 hourly, recurring, upfront;
	unsigned	 have = ce_plan_fees(attrs, &hourly, &recurring,
			    &upfront);
	char		 v[48];

	if (have & CE_FEE_HOURLY) {
		money_format(hourly, MONEY_DIGITS, v, sizeof(v));
		json_object_set_new(o, "HourlyCommitment", json_string(v));
	}
	if (have & CE_FEE_RECURRING) {
		money_format(recurring, MONEY_DIGITS, v, sizeof(v));
		json_object_set_new(o, "RecurringHourlyFee", json_string(v));
	}
	if (have & CE_FEE_UPFRONT) {
		money_format(upfront, MONEY_DIGITS, v, sizeof(v));
		json_object_set_new(o, "UpfrontFee", json_string(v));
	}
}

/* A SavingsPlansUtilizationDetail: the plan's ARN, what its lines say of
 * it (its fee line's account, the account's name, region, type, its
 * fees) and its figures. */
static json_t *
spd_item(const struct ce_commit_result *res, size_t b, size_t k, void *arg)
{
	static const char *const sp_names[COMMIT_NFIELDS] = {
		[CF_START] = "StartDateTime", [CF_END] = "EndDateTime",
		[CF_TERM] = "PurchaseTerm", [CF_PAYMENT] = "PaymentOption",
		[CF_FAMILY] = "InstanceFamily",
	};
	struct spd_arg			*sa = arg;
	const struct ce_commit_attrs	*at = &res->kattrs[k];
	struct account			 acct;
	json_t				*attr, *o;

	o = json_pack("{s:s}", "SavingsPlanArn", res->keys[k]);
	if (sa->want & SPD_ATTRIBUTES) {
		attr = json_object();
		attr_set(attr, "AccountId", at->account);
		if (*at->account != '\0' && account_get(sa->r->store,
		    at->account, &acct, NULL) == 0)
			attr_set(attr, "AccountName", acct.name);
		attr_set(attr, "Region", at->region);
		attr_set(attr, "SavingsPlansType", at->sp_type);
		commitment_set(sa->r, attr, at->commitment, sp_names, NULL);
		plan_fees_set(attr, at->commitment);
		json_object_set_new(o, "Attributes", attr);
	}
	return (spd_json(item_sums(res, b, k), sa->want, o));
}

int
aws_ce_get_savings_plans_utilization_details(struct aws_req *r, struct err *e)
{
	static const struct report rep = {
	    "GetSavingsPlansUtilizationDetails", -1, "NextToken", 20,
	    sp_figs, 1, CE_USE_SP_DETAILS };
	static const char *const types[] = { "ATTRIBUTES", "UTILIZATION",
	    "AMORTIZED_COMMITMENT", "SAVINGS", NULL };
	struct ce_commit_result	 res;
	struct ce_commit	 total;
	struct ce_expr		*filter;
	struct spd_arg		 sa;
	enum ce_gran		 gran;
	int64_t			 start, end;
	int			 group;
	size_t			 i, j, k;
	json_t			*arr, *dt = json_object_get(r->in, "DataType"),
				*v;

	if (in_report(r, &rep, &start, &end, &gran, &group, &filter, e) == -1)
		return (-1);
	sa.r = r;
	sa.want = 0;
	json_array_foreach(dt, i, v) {
		for (j = 0; types[j] != NULL && json_is_string(v); j++)
			if (strcmp(types[j], json_string_value(v)) == 0)
				break;
		if (!json_is_string(v) || types[j] == NULL)
			return (err_set(e, ERR_INVALID, VALIDATION, NULL,
			    "DataType: '%s' is not one of ATTRIBUTES, "
			    "UTILIZATION, AMORTIZED_COMMITMENT, SAVINGS",
			    json_is_string(v) ? json_string_value(v) : "?"));
		sa.want |= 1 << j;
	}
	if (sa.want == 0)
		sa.want = SPD_ATTRIBUTES | SPD_UTILIZATION | SPD_AMORTIZED |
		    SPD_SAVINGS;
	/* AWS: "internally groups data by SavingsPlansArn", over the whole
	 * period. */
	if (run(r, start, end, CE_WHOLE, CE_SAVINGS_PLAN_ARN, filter, &res,
	    e) == -1 ||
	    list_items(r, &rep, &res, 1, spd_item, &sa, &arr, e) == -1)
		return (-1);
	/* The total of the plans listed on every page: lines of no plan
	 * are none of them. */
	memset(&total, 0, sizeof(total));
	for (k = 0; k < res.nkeys; k++) {
		const int64_t	*c = (const int64_t *)&res.cells[k];

		if (res.keys[k][0] == '\0')
			continue;
		for (i = 0; i < sizeof(total) / sizeof(int64_t); i++)
			((int64_t *)&total)[i] += c[i];
	}
	json_object_set_new(r->out, "SavingsPlansUtilizationDetails", arr);
	json_object_set_new(r->out, "Total", spd_json(&total, SPD_UTILIZATION |
	    SPD_AMORTIZED | SPD_SAVINGS, json_object()));
	json_object_set_new(r->out, "TimePeriod", ce_wire_period(start, end));
	return (0);
}

/* SavingsPlansCoverageData. */
static size_t
spcov_figs(const struct ce_commit *c, struct fig *f)
{
	struct ce_sp_cov	 v;

	ce_sp_cov_of(c, &v);
	f[0] = FIG("SpendCoveredBySavingsPlans", v.covered, MONEY_DIGITS);
	f[1] = FIG("OnDemandCost", v.on_demand_cost, MONEY_DIGITS);
	f[2] = FIG("TotalCost", v.total, MONEY_DIGITS);
	f[3] = FIG("CoveragePercentage", v.coverage_pct, QTY_DIGITS);
	return (4);
}

/* SortBy's names for them (AWS says SpendCoveredBySavingsPlan there). */
static size_t
spcov_sort_figs(const struct ce_commit *c, struct fig *f)
{
	size_t	 n = spcov_figs(c, f);

	f[0].name = "SpendCoveredBySavingsPlan";
	return (n);
}

struct spcov_arg {
	int	 group;
};

static json_t *
sp_cov_item(const struct ce_commit_result *res, size_t b, size_t k,
    void *arg)
{
	struct spcov_arg	*sa = arg;
	struct fig		 f[FIGS_MAX];
	json_t			*attr = json_object();

	if (k != (size_t)-1)
		json_object_set_new(attr, ce_dim_name(sa->group),
		    json_string(res->keys[k]));
	return (json_pack("{s:o, s:o, s:o}", "Attributes", attr, "Coverage",
	    figs_json(f, 0, spcov_figs(item_sums(res, b, k), f)),
	    "TimePeriod", ce_wire_period(res->bstart[b], res->bend[b])));
}

int
aws_ce_get_savings_plans_coverage(struct aws_req *r, struct err *e)
{
	static const struct report rep = { "GetSavingsPlansCoverage",
	    CE_USE_SP_COVERAGE_GROUP, "NextToken", 20, spcov_sort_figs, 0,
	    CE_USE_SP_COVERAGE };
	struct ce_commit_result	 res;
	struct ce_expr		*filter;
	struct spcov_arg	 sa;
	enum ce_gran		 gran;
	int64_t			 start, end;
	int			 group;
	size_t			 i, k;
	json_t			*arr, *mets = json_object_get(r->in, "Metrics"),
				*v;

	if (in_report(r, &rep, &start, &end, &gran, &group, &filter, e) == -1)
		return (-1);
	json_array_foreach(mets, i, v)
		if (!json_is_string(v) || strcmp(json_string_value(v),
		    "SpendCoveredBySavingsPlans") != 0)
			return (err_set(e, ERR_INVALID, VALIDATION, NULL,
			    "Metrics: the only valid value is "
			    "SpendCoveredBySavingsPlans"));
	if (run(r, start, end, gran, group, filter, &res, e) == -1)
		return (-1);
	/* A group is for spend a plan covered or could have covered: not
	 * RDS's instance hours, nor the lines of no instance family. */
	for (k = 0; group >= 0 && k < res.nkeys; k++)
		for (i = 0; i < res.nbuckets; i++) {
			struct ce_commit	*c = &res.cells[i * res.stride +
						    k];
			struct ce_sp_cov	 cv;

			ce_sp_cov_of(c, &cv);
			if ((cv.covered == 0 && cv.on_demand_cost == 0) ||
			    (group == CE_INSTANCE_FAMILY &&
			    res.keys[k][0] == '\0'))
				memset(c, 0, sizeof(*c));
		}
	sa.group = group;
	if (list_items(r, &rep, &res, group >= 0, sp_cov_item, &sa, &arr,
	    e) == -1)
		return (-1);
	json_object_set_new(r->out, "SavingsPlansCoverages", arr);
	return (0);
}
