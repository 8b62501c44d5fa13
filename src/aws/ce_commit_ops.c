/* SPDX-License-Identifier: MIT */
/*
 * Cost Explorer's reservation and Savings Plans reports
 * (GetReservationUtilization, GetReservationCoverage,
 * GetSavingsPlansUtilization, GetSavingsPlansCoverage) in the shapes of
 * the botocore model (ce/2017-10-25), over ce_commit_run(). The figures
 * AWS derives from the sums (utilization, savings) are derived here, each
 * in one function: ri_aggregates(), sp_figures(), coverage().
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/ce_wire.h"
#include "aws/ops.h"
#include "billing/money.h"
#include "ce/ce.h"

#define VALIDATION	AWSERR(ValidationException)
#define HOURS(v)	ce_wire_decimal(v, QTY_DIGITS)
#define MONEY(v)	ce_wire_decimal(v, MONEY_DIGITS)
#define PCT(p, w)	ce_wire_decimal(ce_wire_percent(p, w), QTY_DIGITS)

/* What one operation accepts besides the period and the filter. */
struct report {
	const char		*op;
	const char *const	*groups;	/* AWS's GroupBy dimensions */
	const char		*token;		/* its page token member */
	size_t			 page;		/* default MaxResults */
};

/* Granularity, GroupBy (one dimension of r->groups), Filter. */
static int
in_report(struct aws_req *r, const struct report *rep, int64_t *start,
    int64_t *end, enum ce_gran *gran, int *group, struct ce_expr **filter,
    struct err *e)
{
	static const char *const grans[] = { "DAILY", "MONTHLY", "HOURLY",
	    NULL };
	json_t		*gb = json_object_get(r->in, "GroupBy"), *t, *k;
	const char	*g = NULL;
	size_t		 i;
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
		if (rep->groups == NULL)
			return (err_set(e, ERR_INVALID, VALIDATION, NULL,
			    "%s takes no GroupBy", rep->op));
		if (g != NULL)
			return (err_set(e, ERR_INVALID, VALIDATION, NULL,
			    "If GroupBy is set, Granularity can't be set"));
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
		for (i = 0; rep->groups[i] != NULL; i++)
			if (strcmp(rep->groups[i], json_string_value(k)) == 0)
				break;
		if (rep->groups[i] == NULL)
			return (err_set(e, ERR_INVALID, VALIDATION, NULL,
			    "GroupBy: %s is not a dimension of %s",
			    json_string_value(k), rep->op));
		if ((*group = ce_dim_parse(json_string_value(k))) < 0)
			return (err_set(e, ERR_INVALID, VALIDATION, NULL,
			    "GroupBy: %s is not kept in payerlink's rollups "
			    "yet", json_string_value(k)));
		*gran = CE_WHOLE;
	} else
		*gran = g != NULL && strcmp(g, "MONTHLY") == 0 ? CE_MONTHLY :
		    CE_DAILY;
	return (ce_wire_filter(r, filter, e));
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
	*hash = ce_wire_request_hash(r, rep->token);
	return (ce_wire_token_in(r, rep->token, *hash, off, e));
}

static int
run(struct aws_req *r, int64_t start, int64_t end, enum ce_gran gran,
    int group, const struct ce_expr *filter, struct ce_commit_result *res,
    struct err *e)
{
	struct ce_scope	 sc;

	if (ce_scope_account(r->store, r->arena, r->who.account_id, &sc,
	    e) == -1)
		return (-1);
	return (ce_commit_run(r->store, r->arena, &sc, start, end, gran, group,
	    filter, res, e));
}

/* ---- Reservations ----------------------------------------------------- */

/*
 * ReservationAggregates from the sums (hours and on-demand cost of the
 * reserved hours used; the amortized cost of the used and unused ones):
 * TotalAmortizedFee = used + unused cost, of which the recurring fee
 * (RIFee's cost) and the upfront fee (the rest); NetRISavings = on-demand
 * cost of the hours used - TotalAmortizedFee; RealizedSavings = on-demand
 * - the cost of the hours used; UnrealizedSavings = the unused hours at
 * the used hours' on-demand rate; TotalPotentialRISavings = NetRISavings
 * + UnrealizedSavings.
 */
static json_t *
ri_aggregates(const struct ce_commit *c)
{
	int64_t	 unused_h, fee, net, unreal = 0;

	unused_h = c->ri_purchased_hours > c->ri_used_hours ?
	    c->ri_purchased_hours - c->ri_used_hours : 0;
	fee = c->ri_used_cost + c->ri_unused_cost;
	net = c->ri_on_demand - fee;
	if (c->ri_used_hours > 0)
		unreal = (int64_t)((__int128)c->ri_on_demand * unused_h /
		    c->ri_used_hours);
	return (json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
	    " s:o, s:o, s:o}",
	    "UtilizationPercentage", PCT(c->ri_used_hours,
	    c->ri_purchased_hours),
	    "PurchasedHours", HOURS(c->ri_purchased_hours),
	    "TotalActualHours", HOURS(c->ri_used_hours),
	    "UnusedHours", HOURS(unused_h),
	    "OnDemandCostOfRIHoursUsed", MONEY(c->ri_on_demand),
	    "NetRISavings", MONEY(net),
	    "TotalPotentialRISavings", MONEY(net + unreal),
	    "AmortizedUpfrontFee", MONEY(fee - c->ri_recurring),
	    "AmortizedRecurringFee", MONEY(c->ri_recurring),
	    "TotalAmortizedFee", MONEY(fee),
	    "RICostForUnusedHours", MONEY(c->ri_unused_cost),
	    "RealizedSavings", MONEY(c->ri_on_demand - c->ri_used_cost),
	    "UnrealizedSavings", MONEY(unreal)));
}

int
aws_ce_get_reservation_utilization(struct aws_req *r, struct err *e)
{
	static const char *const groups[] = { "SUBSCRIPTION_ID", NULL };
	static const struct report rep = { "GetReservationUtilization", groups,
	    "NextPageToken", 1000 };
	struct ce_commit_result	 res;
	struct ce_expr		*filter;
	enum ce_gran		 gran;
	int64_t			 start, end;
	int			 group;
	uint64_t		 hash;
	size_t			 off, max, i;
	json_t			*arr;

	if (in_report(r, &rep, &start, &end, &gran, &group, &filter,
	    e) == -1 || in_paging(r, &rep, &hash, &off, &max, e) == -1 ||
	    run(r, start, end, gran, group, filter, &res, e) == -1)
		return (-1);
	arr = json_array();
	for (i = off; i < res.nbuckets && i < off + max; i++)
		json_array_append_new(arr, json_pack("{s:o, s:[], s:o}",
		    "TimePeriod", ce_wire_period(res.bstart[i], res.bend[i]),
		    "Groups", "Total", ri_aggregates(&res.total[i])));
	json_object_set_new(r->out, "UtilizationsByTime", arr);
	json_object_set_new(r->out, "Total",
	    ri_aggregates(&res.total[res.nbuckets]));
	if (off + max < res.nbuckets)
		ce_wire_token_out(r, rep.token, hash, off + max);
	return (0);
}

/* Which of Coverage's parts the request's Metrics ask for. */
#define COV_HOUR	1
#define COV_COST	2

/* Coverage: reserved hours (DiscountedUsage) against the instance hours
 * run on demand, and the on-demand hours' cost. */
static json_t *
coverage(const struct ce_commit *c, int want)
{
	json_t	*o = json_object();
	int64_t	 run = c->ri_used_hours + c->od_hours;

	if (want & COV_HOUR)
		json_object_set_new(o, "CoverageHours", json_pack("{s:o, s:o,"
		    " s:o, s:o}", "OnDemandHours", HOURS(c->od_hours),
		    "ReservedHours", HOURS(c->ri_used_hours),
		    "TotalRunningHours", HOURS(run),
		    "CoverageHoursPercentage", PCT(c->ri_used_hours, run)));
	if (want & COV_COST)
		json_object_set_new(o, "CoverageCost", json_pack("{s:o}",
		    "OnDemandCost", MONEY(c->od_cost)));
	return (o);
}

static int
nonzero(const struct ce_commit *c)
{
	static const struct ce_commit zero;

	return (memcmp(c, &zero, sizeof(zero)) != 0);
}

int
aws_ce_get_reservation_coverage(struct aws_req *r, struct err *e)
{
	static const char *const groups[] = { "AZ", "CACHE_ENGINE",
	    "DATABASE_ENGINE", "DEPLOYMENT_OPTION", "INSTANCE_TYPE",
	    "INVOICING_ENTITY", "LINKED_ACCOUNT", "OPERATING_SYSTEM",
	    "PLATFORM", "REGION", "TENANCY", NULL };
	static const struct report rep = { "GetReservationCoverage", groups,
	    "NextPageToken", 2000 };
	struct ce_commit_result	 res;
	struct ce_expr		*filter;
	enum ce_gran		 gran;
	int64_t			 start, end;
	int			 group, want = 0;
	uint64_t		 hash;
	size_t			 off, max, i, k, n = 0;
	json_t			*arr, *mets = json_object_get(r->in, "Metrics"),
				*v;

	if (in_report(r, &rep, &start, &end, &gran, &group, &filter,
	    e) == -1 || in_paging(r, &rep, &hash, &off, &max, e) == -1)
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
	if (run(r, start, end, gran, group, filter, &res, e) == -1)
		return (-1);
	/* Pages count groups: a time period is listed while one of its
	 * groups is on the page (every period when not grouped). */
	arr = json_array();
	for (i = 0; i < res.nbuckets; i++) {
		json_t	*gs = json_array(), *attr;
		int	 listed = group < 0;

		for (k = 0; k < res.nkeys; k++) {
			const struct ce_commit *c = &res.cells[i * res.stride +
			    k];
			size_t	 at;

			if (!nonzero(c))
				continue;
			at = n++;
			if (at < off || at >= off + max)
				continue;
			attr = json_object();
			json_object_set_new(attr, ce_dim_name(group),
			    json_string(res.keys[k]));
			json_array_append_new(gs, json_pack("{s:o, s:o}",
			    "Attributes", attr, "Coverage", coverage(c, want)));
			listed = 1;
		}
		if (!listed) {
			json_decref(gs);
			continue;
		}
		json_array_append_new(arr, json_pack("{s:o, s:o, s:o}",
		    "TimePeriod", ce_wire_period(res.bstart[i], res.bend[i]),
		    "Groups", gs, "Total", coverage(&res.total[i], want)));
	}
	json_object_set_new(r->out, "CoveragesByTime", arr);
	json_object_set_new(r->out, "Total",
	    coverage(&res.total[res.nbuckets], want));
	if (n > off + max)
		ce_wire_token_out(r, rep.token, hash, off + max);
	return (0);
}

/* ---- Savings Plans ---------------------------------------------------- */

/*
 * Utilization, Savings and AmortizedCommitment of a Savings Plans sum: the
 * commitment used is the covered usage's Savings Plan (effective) cost,
 * the unused one the recurring fee lines' amortized part; their sum is
 * the total amortized commitment, of which the recurring fee and the
 * amortized upfront payment (the rest); NetSavings = the covered usage's
 * on-demand cost - the total commitment.
 */
static void
sp_figures(const struct ce_commit *c, json_t *o)
{
	int64_t	 total = c->sp_used + c->sp_unused;

	json_object_set_new(o, "Utilization", json_pack("{s:o, s:o, s:o, s:o}",
	    "TotalCommitment", MONEY(total), "UsedCommitment",
	    MONEY(c->sp_used), "UnusedCommitment", MONEY(c->sp_unused),
	    "UtilizationPercentage", PCT(c->sp_used, total)));
	json_object_set_new(o, "Savings", json_pack("{s:o, s:o}",
	    "NetSavings", MONEY(c->sp_on_demand - total),
	    "OnDemandCostEquivalent", MONEY(c->sp_on_demand)));
	json_object_set_new(o, "AmortizedCommitment", json_pack("{s:o, s:o,"
	    " s:o}", "AmortizedRecurringCommitment", MONEY(c->sp_recurring),
	    "AmortizedUpfrontCommitment", MONEY(total - c->sp_recurring),
	    "TotalAmortizedCommitment", MONEY(total)));
}

int
aws_ce_get_savings_plans_utilization(struct aws_req *r, struct err *e)
{
	static const struct report rep = { "GetSavingsPlansUtilization", NULL,
	    "NextToken", 0 };
	struct ce_commit_result	 res;
	struct ce_expr		*filter;
	enum ce_gran		 gran;
	int64_t			 start, end;
	int			 group;
	size_t			 i;
	json_t			*arr, *o;

	if (in_report(r, &rep, &start, &end, &gran, &group, &filter,
	    e) == -1 || run(r, start, end, gran, group, filter, &res, e) == -1)
		return (-1);
	arr = json_array();
	for (i = 0; i < res.nbuckets; i++) {
		o = json_pack("{s:o}", "TimePeriod",
		    ce_wire_period(res.bstart[i], res.bend[i]));
		sp_figures(&res.total[i], o);
		json_array_append_new(arr, o);
	}
	json_object_set_new(r->out, "SavingsPlansUtilizationsByTime", arr);
	o = json_object();
	sp_figures(&res.total[res.nbuckets], o);
	json_object_set_new(r->out, "Total", o);
	return (0);
}

/* SavingsPlansCoverageData: the spend a plan covered (its effective cost)
 * against the EC2 instance hours run on demand. */
static json_t *
sp_coverage(const struct ce_commit *c)
{
	int64_t	 total = c->sp_used + c->sp_eligible;

	return (json_pack("{s:o, s:o, s:o, s:o}", "SpendCoveredBySavingsPlans",
	    MONEY(c->sp_used), "OnDemandCost", MONEY(c->sp_eligible),
	    "TotalCost", MONEY(total), "CoveragePercentage",
	    PCT(c->sp_used, total)));
}

int
aws_ce_get_savings_plans_coverage(struct aws_req *r, struct err *e)
{
	static const char *const groups[] = { "INSTANCE_FAMILY", "REGION",
	    "SERVICE", NULL };
	static const struct report rep = { "GetSavingsPlansCoverage", groups,
	    "NextToken", 20 };
	struct ce_commit_result	 res;
	struct ce_expr		*filter;
	enum ce_gran		 gran;
	int64_t			 start, end;
	int			 group;
	uint64_t		 hash;
	size_t			 off, max, i, k, n = 0, nk;
	json_t			*arr, *mets = json_object_get(r->in, "Metrics"),
				*v;

	if (in_report(r, &rep, &start, &end, &gran, &group, &filter,
	    e) == -1 || in_paging(r, &rep, &hash, &off, &max, e) == -1)
		return (-1);
	json_array_foreach(mets, i, v)
		if (!json_is_string(v) || strcmp(json_string_value(v),
		    "SpendCoveredBySavingsPlans") != 0)
			return (err_set(e, ERR_INVALID, VALIDATION, NULL,
			    "Metrics: the only valid value is "
			    "SpendCoveredBySavingsPlans"));
	if (run(r, start, end, gran, group, filter, &res, e) == -1)
		return (-1);
	arr = json_array();
	nk = group >= 0 ? res.nkeys : 1;
	for (i = 0; i < res.nbuckets; i++)
		for (k = 0; k < nk; k++) {
			const struct ce_commit *c = group >= 0 ?
			    &res.cells[i * res.stride + k] : &res.total[i];
			json_t	*attr;
			size_t	 at;

			if (group >= 0 && c->sp_used == 0 &&
			    c->sp_eligible == 0)
				continue;
			at = n++;
			if (at < off || at >= off + max)
				continue;
			attr = json_object();
			if (group >= 0)
				json_object_set_new(attr, ce_dim_name(group),
				    json_string(res.keys[k]));
			json_array_append_new(arr, json_pack("{s:o, s:o, s:o}",
			    "Attributes", attr, "Coverage", sp_coverage(c),
			    "TimePeriod", ce_wire_period(res.bstart[i],
			    res.bend[i])));
		}
	json_object_set_new(r->out, "SavingsPlansCoverages", arr);
	if (n > off + max)
		ce_wire_token_out(r, rep.token, hash, off + max);
	return (0);
}
