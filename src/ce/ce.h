/* SPDX-License-Identifier: MIT */
/*
 * Cost Explorer: queries over the daily rollups of the current imports
 * (time period, DAILY/MONTHLY, metrics, GroupBy up to two dimensions,
 * Filter expressions), dimension values, forecasts and anomalies. The
 * answer depends on who asks (struct ce_scope):
 *
 *  - the MSP (the payer): every line of the payer's files at AWS's
 *    figures; LINKED_ACCOUNT is the usage account whether or not a
 *    customer owns it; NetUnblendedCost is what customers are billed (the
 *    customer price of in-membership lines of accounts a customer owns,
 *    0 for other lines);
 *  - a customer: only its accounts' in-membership lines, and every cost
 *    metric (UnblendedCost, NetUnblendedCost, AmortizedCost, BlendedCost)
 *    at the customer's prices (ce_price_rows, see price.c).
 *
 * UsageQuantity is the usage amount in both. Money is int64 in 10^-9 of
 * the currency; usage in 10^-6. Rollups are read through a cache keyed by
 * import id: a current import's rows never change (a re-delivery is a new
 * import), so the cache never needs invalidating, only trimming.
 */
#ifndef CE_CE_H
#define CE_CE_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "billing/paid.h"
#include "store/store.h"

enum ce_metric {
	CE_UNBLENDED, CE_NET_UNBLENDED, CE_AMORTIZED, CE_BLENDED, CE_USAGE,
	CE_NMETRICS
};
/* The last three are derived from the rollup's others (cache.c):
 * INSTANCE_TYPE from the usage type ("BoxUsage:m5.large" -> "m5.large",
 * else "NoInstanceType"), PURCHASE_TYPE from line type, term and usage
 * type, BILLING_ENTITY from the product ("AWS Marketplace" or "AWS"). */
enum ce_dim {
	CE_SERVICE, CE_LINKED_ACCOUNT, CE_REGION, CE_USAGE_TYPE,
	CE_RECORD_TYPE, CE_OPERATION,
	CE_PAYER_ACCOUNT,	/* the bill's payer: the MSP's, or a billing
				   transfer's source organization's */
	CE_INSTANCE_TYPE, CE_PURCHASE_TYPE, CE_BILLING_ENTITY,
	/* From the rollup's attrs (billing/attrs.h), "NoAZ" ... when a line
	 * has none: the CUR's availability zone, legal entity, invoicing
	 * entity, savings plan offering type, operating system (as Cost
	 * Explorer names platforms: "Linux" is "Linux/UNIX"), tenancy and
	 * database engine. */
	CE_AZ, CE_LEGAL_ENTITY_NAME, CE_INVOICING_ENTITY,
	CE_SAVINGS_PLANS_TYPE, CE_PLATFORM, CE_TENANCY, CE_DATABASE_ENGINE,
	/* The commitment a line used or bills (attrs' ARNs): the
	 * reservation's id (its ARN's last part, "ri-0abc...") and the
	 * Savings Plan's ARN; "" when none. */
	CE_RESERVATION_ID, CE_SAVINGS_PLAN_ARN,
	/* The line's resource id: hourly rows only (hourly and
	 * resource-level data), "" in the daily rollups. */
	CE_RESOURCE_ID,
	CE_NDIMS,
	/* Not dimensions: a group or filter by a resource tag's or a cost
	 * category's value, the key naming which (ce_query.group_key,
	 * ce_expr.key). */
	CE_TAG = CE_NDIMS, CE_COST_CATEGORY,
	/* Not dimensions of a line either: a Savings Plan's own payment
	 * option and instance family (billing_commitments, attrs.h's
	 * CF_PAYMENT, CF_FAMILY), which the Savings Plans reports filter
	 * by; ce_commit_filter() turns them into SAVINGS_PLAN_ARN leaves
	 * before a scan. And the family of a line's instance type ("m5" of
	 * "m5.large"), GetSavingsPlansCoverage's INSTANCE_FAMILY:
	 * ce_commit_run() groups by it, ce_commit_filter() makes a leaf of
	 * it INSTANCE_TYPE's starting with "m5.". */
	CE_PAYMENT_OPTION, CE_INSTANCE_TYPE_FAMILY, CE_INSTANCE_FAMILY
};

#define CE_GROUP_MAX		2
#define CE_EXPR_DEPTH_MAX	8	/* nesting of And/Or/Not */
#define CE_EXPR_NODES_MAX	200
#define CE_VALUES_MAX		1000	/* values in one Dimensions leaf */
#define CE_DAYS_MAX		(14 * 31)	/* about 13 months + a margin */
#define CE_CELLS_MAX		(1000 * 1000)
#define CE_FORECAST_HISTORY	90	/* days of history a forecast fits */
/* Hourly and resource-level data: the days before today that AWS and
 * the ingest keep (billing/ingest.h INGEST_HOURLY_DAYS). */
#define CE_HOURLY_DAYS		14

/* "UnblendedCost" <-> CE_UNBLENDED; -1 if unknown. */
int		 ce_metric_parse(const char *);
const char	*ce_metric_name(enum ce_metric);
/* "SERVICE" <-> CE_SERVICE; -1 if unknown. */
int		 ce_dim_parse(const char *);
const char	*ce_dim_name(enum ce_dim);
/*
 * Where a dimension name is used, as AWS takes it (names.c holds AWS's
 * lists): GroupBy of GetCostAndUsage and the comparisons (_RES:
 * ...WithResources), Filter of the cost operations (_RES:
 * ...WithResources), GetDimensionValues' Context RESERVATIONS and
 * SAVINGS_PLANS (COST_AND_USAGE: the filter's; SAVINGS_PLANS is also
 * GetSavingsPlansUtilization's Filter), Filter of the forecasts, then
 * the Filter and GroupBy of the commitment reports.
 */
enum ce_use {
	CE_USE_GROUP, CE_USE_GROUP_RES, CE_USE_FILTER, CE_USE_FILTER_RES,
	CE_USE_RESERVATIONS, CE_USE_SAVINGS_PLANS, CE_USE_FORECAST,
	CE_USE_SP_COVERAGE,	/* GetSavingsPlansCoverage's Filter */
	CE_USE_SP_COVERAGE_GROUP,	/* ... its GroupBy */
	CE_USE_SP_DETAILS,	/* GetSavingsPlansUtilizationDetails' Filter */
	CE_USE_RI_UTILIZATION,	/* GetReservationUtilization's Filter */
	CE_USE_RI_UTILIZATION_GROUP,	/* ... its GroupBy */
	CE_USE_RI_COVERAGE,	/* GetReservationCoverage's Filter */
	CE_USE_RI_COVERAGE_GROUP	/* ... its GroupBy */
};
#define CE_DIM_REFUSED	(-1)	/* AWS refuses the name there */
#define CE_DIM_NOT_KEPT	(-2)	/* AWS takes it; the rollups keep no such
				   values */
/* AWS's name in use -> the dimension, CE_DIM_REFUSED or CE_DIM_NOT_KEPT
 * ("SUBSCRIPTION_ID" is CE_RESERVATION_ID; "PAYMENT_OPTION",
 * "INSTANCE_TYPE_FAMILY" in CE_USE_SAVINGS_PLANS and CE_USE_SP_DETAILS
 * are CE_PAYMENT_OPTION, CE_INSTANCE_TYPE_FAMILY). */
int		 ce_dim_lookup(const char *, enum ce_use);
/* Whether use is a GroupBy's (else a Filter's or a Context's). */
int		 ce_use_group(enum ce_use);
/* The names use takes, ", "-separated in AWS's order (its messages). */
const char	*ce_dim_valid(struct arena *, enum ce_use);
/* "Service", "Account", ... for people. */
const char	*ce_dim_label(enum ce_dim);

/* "YYYY-MM-DD" -> days since the epoch; -1 when malformed. */
int		 ce_day_parse(const char *, int64_t *out /* OUT */);
/* Days since the epoch -> "YYYY-MM-DD" (buf >= 11). */
void		 ce_day_format(int64_t, char *buf, size_t len);
/* The first day of the month of `day`, and of the next month. */
int64_t		 ce_month_start(int64_t day);
int64_t		 ce_month_next(int64_t day);
/* Today by the business clock (store_now). */
int64_t		 ce_today(struct store *);

struct ce_owner {
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 customer_id[CUSTOMER_ID_LEN + 1];
};

struct ce_scope {
	int			 msp;		/* the payer's view */
	char			 payer_id[ACCOUNT_ID_LEN + 1];
	char			 customer_id[CUSTOMER_ID_LEN + 1];
	/* Accounts a customer owns, sorted by account (every customer's
	 * for the MSP, to know what is billed). */
	struct ce_owner		*owners;
	size_t			 nowners;
};

/*
 * Who asks through the API: the MSP's payer account gets the MSP view (its
 * payer's whole bill); an account a customer owns gets its customer's view
 * (the billable lines of its accounts, at its prices). Others:
 * AccessDeniedException; before the MSP is named, DataUnavailableException.
 * Every view reads the paid sources only (billing/paid.h).
 */
int	ce_scope_account(struct store *, struct arena *, const char *account_id,
	    struct ce_scope *out /* OUT */, struct err *);
int	ce_scope_customer(struct store *, struct arena *,
	    const char *customer_id, struct ce_scope *out /* OUT */,
	    struct err *);
/* The MSP's view; ERR_NOT_FOUND (DataUnavailableException) without MSP. */
int	ce_scope_msp(struct store *, struct arena *,
	    struct ce_scope *out /* OUT */, struct err *);

/* A Filter expression. A leaf (CE_DIMS) names a dimension, or CE_TAG or
 * CE_COST_CATEGORY and a key; its values match as its MatchOptions say
 * (0: EQUALS, CASE_SENSITIVE). */
enum ce_op { CE_DIMS, CE_AND, CE_OR, CE_NOT };
#define CE_MATCH_ABSENT		0x01	/* no such tag or cost category */
#define CE_MATCH_STARTS_WITH	0x02
#define CE_MATCH_ENDS_WITH	0x04
#define CE_MATCH_CONTAINS	0x08
#define CE_MATCH_CASE_INSENSITIVE 0x10
struct ce_expr {
	enum ce_op		 op;
	enum ce_dim		 dim;		/* CE_DIMS */
	const char		*key;		/* CE_TAG, CE_COST_CATEGORY */
	unsigned		 match;		/* CE_MATCH_* */
	const char *const	*values;	/* CE_DIMS */
	size_t			 nvalues;
	struct ce_expr		**kids;		/* AND, OR: >= 2; NOT: 1 */
	size_t			 nkids;
};
/* Whether x (NULL: none) has a leaf of dimension d anywhere. */
int	ce_expr_names(const struct ce_expr *x, enum ce_dim d);

struct ce_query {
	int64_t			 start, end;	/* days, end exclusive; hourly:
						   hours since the epoch */
	int			 monthly;
	/* From the hourly rows (hourly and resource-level data): buckets
	 * of an hour, or of a day / month (monthly) when !by_hour. With
	 * resources (GetCostAndUsageWithResources) the rows by resource:
	 * hours of EC2 instances only; days of every service when
	 * !by_hour. */
	int			 hourly, by_hour, resources;
	enum ce_dim		 group[CE_GROUP_MAX];
	const char		*group_key[CE_GROUP_MAX];	/* CE_TAG,
						   CE_COST_CATEGORY: which */
	size_t			 ngroup;
	const struct ce_expr	*filter;	/* NULL: everything */
};

struct ce_cell {
	uint32_t	 bucket;
	uint32_t	 g[CE_GROUP_MAX];	/* ids into result keys */
	int64_t		 v[CE_NMETRICS];
};

/* The answer, in the arena: buckets in time order, cells sorted by
 * bucket then group keys, and the totals of each bucket. */
struct ce_result {
	size_t		 nbuckets;
	int64_t		*bstart, *bend;		/* days (hourly: hours); end
						   exclusive */
	int64_t		(*total)[CE_NMETRICS];
	const char	**keys;			/* group key strings by id */
	size_t		 nkeys;
	struct ce_cell	*cells;
	size_t		 ncells;
	char		 currency[4];
	size_t		 rows_scanned;
};

/*
 * Runs q for scope. Fails with ValidationException for a bad period
 * (start >= end, more than CE_DAYS_MAX days) and LimitExceededException
 * beyond CE_CELLS_MAX groups.
 */
int	ce_query_run(struct store *, struct arena *, const struct ce_scope *,
	    const struct ce_query *, struct ce_result *out /* OUT */,
	    struct err *);

/* 0 when the MSP keeps hourly and resource-level data (paid_hourly()),
 * else ValidationException with msg, as AWS answers without the opt-in. */
int	ce_hourly_check(struct store *, const char *msg, struct err *);

/* Distinct values of dim in [start, end) for scope, sorted, those that
 * contain `search` (case-insensitive; NULL: all). dim CE_TAG or
 * CE_COST_CATEGORY: the values of key (NULL: the keys themselves), of
 * the lines that filter keeps (NULL: all). */
int	ce_dimension_values(struct store *, struct arena *,
	    const struct ce_scope *, enum ce_dim, int64_t start, int64_t end,
	    const char *search, const char ***out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	ce_attr_values(struct store *, struct arena *, const struct ce_scope *,
	    enum ce_dim, const char *key, int64_t start, int64_t end,
	    const struct ce_expr *filter, const char *search,
	    const char ***out /* OUT */, size_t *n_out /* OUT */, struct err *);
/* The same ordered by each value's sum of metric over the lines (desc:
 * largest first; ties by name), (*sums_out)[i] that of out[i] (sums_out
 * NULL: not wanted): SortBy of
 * GetDimensionValues, GetTags, GetCostCategories. */
int	ce_attr_values_by(struct store *, struct arena *,
	    const struct ce_scope *, enum ce_dim, const char *key,
	    int64_t start, int64_t end, const struct ce_expr *filter,
	    enum ce_metric, int desc, const char ***out /* OUT */,
	    int64_t **sums_out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* A group key as Cost Explorer writes it: "Owner$alice" for a tag or a
 * cost category ("Owner$" for lines without), the value for a dim. */
const char *ce_group_key(struct arena *, enum ce_dim, const char *key,
	    const char *value);

/* The tag keys (kind CE_TAG) or cost category names (CE_COST_CATEGORY)
 * of scope's lines in [start, end), sorted, with the first and last day
 * each was seen on. */
struct ce_attr_key {
	const char	*key;
	int64_t		 first_day, last_day;
	size_t		 nvalues;
};
int	ce_attr_keys(struct store *, struct arena *, const struct ce_scope *,
	    enum ce_dim kind, int64_t start, int64_t end,
	    struct ce_attr_key **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

/*
 * Forecast of `metric` over [start, end) (start >= today, end - start at
 * most 3 months DAILY, 12 months MONTHLY): ordinary least squares of the
 * daily series of the CE_FORECAST_HISTORY days before today (days with no
 * cost count as 0, from the first day with data), projected per day; the
 * prediction interval at `level` percent (51..99) sums the per-day
 * prediction variances s^2 (1 + 1/n + (t - tbar)^2 / Sxx). Negative
 * projections are 0. DataUnavailableException with fewer than 3 days of
 * history. Per bucket (day or month) values in mean/lo/hi.
 */
struct ce_forecast {
	size_t	 nbuckets;
	int64_t	*bstart, *bend;
	int64_t	*mean, *lo, *hi;
	int64_t	 total, total_lo, total_hi;
	char	 currency[4];
};
int	ce_forecast_run(struct store *, struct arena *, const struct ce_scope *,
	    enum ce_metric, int64_t start, int64_t end, int monthly,
	    const struct ce_expr *filter, int level,
	    struct ce_forecast *out /* OUT */, struct err *);
/* The fit behind ce_forecast_run, on a plain series (unit tests). */
void	ce_linear_fit(const double *y, size_t n, double *a_out /* OUT */,
	    double *b_out /* OUT */, double *s_out /* OUT */);

/*
 * Reservations and Savings Plans (commitment.c): sums per bucket (day or
 * month) and group of the commitment lines in scope, at the prices scope
 * sees (AWS's for the MSP, the customer's for a customer; on-demand
 * equivalents are the public on-demand cost). Hours in 10^-6, money in
 * 10^-9. Every member is an int64_t (they are summed as an array).
 */
struct ce_commit {
	int64_t	 ri_purchased_hours;	/* RIFee usage */
	int64_t	 ri_recurring;		/* RIFee cost: the recurring fee */
	int64_t	 ri_unused_cost;	/* RIFee amortized: the unused part */
	int64_t	 ri_used_hours;		/* DiscountedUsage usage */
	int64_t	 ri_used_cost;		/* DiscountedUsage amortized */
	int64_t	 ri_on_demand;		/* DiscountedUsage on-demand cost */
	int64_t	 sp_recurring;		/* SavingsPlanRecurringFee cost */
	int64_t	 sp_unused;		/* its amortized: the unused part */
	int64_t	 sp_used;		/* SavingsPlanCoveredUsage amortized */
	int64_t	 sp_on_demand;		/* its on-demand cost */
	int64_t	 od_hours;		/* instance hours on demand (Usage) */
	int64_t	 od_cost;		/* their cost */
	int64_t	 sp_eligible;		/* the cost of those of EC2 (what a
					   Compute Savings Plan covers) */
};
/* What a group's lines say of it: its commitment's fee line (RIFee,
 * SavingsPlanRecurringFee) when the period has one, else its first line.
 * For a group by RESERVATION_ID or SAVINGS_PLAN_ARN: the commitment's
 * account, region, ... and its ARN. */
struct ce_commit_attrs {
	const char	*account, *region, *instance_type, *platform,
			*tenancy, *az, *sp_type, *arn;
	/* What the CUR says of the commitment (billing/attrs.h, enum
	 * commit_field): its start, end, term, ...; "" when nothing. */
	const char	*commitment;
};
struct ce_commit_result {
	size_t			 nbuckets;
	int64_t			*bstart, *bend;	/* days, end exclusive */
	const char		**keys;		/* group keys (none: 0) */
	struct ce_commit_attrs	*kattrs;	/* per key */
	size_t			 nkeys, stride;
	struct ce_commit	*cells;		/* [bucket * stride + key] */
	struct ce_commit	*total;		/* per bucket, then the whole */
	char			 currency[4];
};
/* Sums over [start, end) (days) by day, month or the whole period (one
 * bucket), grouped by dimension `group` (-1: not grouped; or
 * CE_INSTANCE_FAMILY: "" for a line of no instance type), rows matching
 * filter. ValidationException for more than CE_DAYS_MAX days. */
enum ce_gran { CE_DAILY, CE_MONTHLY, CE_WHOLE };
int	ce_commit_run(struct store *, struct arena *, const struct ce_scope *,
	    int64_t start, int64_t end, enum ce_gran, int group,
	    const struct ce_expr *filter, struct ce_commit_result *out /* OUT */,
	    struct err *);
/*
 * A Savings Plan's own attributes (CE_PAYMENT_OPTION,
 * CE_INSTANCE_TYPE_FAMILY) are known per ARN, not per line: the plans
 * considered are those with lines in [start, end) in scope.
 * ce_commit_filter rewrites each leaf of x naming one into a
 * SAVINGS_PLAN_ARN leaf of the plans whose attribute is one of its values
 * (none: a leaf matching nothing), and each CE_INSTANCE_FAMILY leaf into
 * an INSTANCE_TYPE leaf of the types of those families; x NULL or without
 * such leaves is left as it is. ce_plan_values gives the distinct values of dim of the plans whose
 * lines filter keeps, sorted, those containing search (case-insensitive;
 * NULL: all).
 */
int	ce_commit_filter(struct store *, struct arena *,
	    const struct ce_scope *, int64_t start, int64_t end,
	    struct ce_expr *x, struct err *);
int	ce_plan_values(struct store *, struct arena *, const struct ce_scope *,
	    enum ce_dim, int64_t start, int64_t end,
	    const struct ce_expr *filter, const char *search,
	    const char ***out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/*
 * A Savings Plan's hourly commitment, recurring hourly fee and upfront fee
 * in 10^-9 from its attrs (billing/attrs.h: its fee line's
 * TotalCommitmentToDate, cost and hours; the upfront fee is the hourly
 * commitment not billed hourly over the term's hours, 8,760 a year).
 * Returns which are known: CE_FEE_HOURLY | CE_FEE_RECURRING | CE_FEE_UPFRONT.
 */
#define CE_FEE_HOURLY		1
#define CE_FEE_RECURRING	2
#define CE_FEE_UPFRONT		4
unsigned ce_plan_fees(const char *attrs, int64_t *hourly /* OUT */,
	    int64_t *recurring /* OUT */, int64_t *upfront /* OUT */);

/*
 * What Cost Explorer derives from a ce_commit, each report's figures in
 * one struct (commitment.c says how each is made). Every member is an
 * int64_t: hours and percentages in 10^-6, money in 10^-9.
 */
struct ce_ri_util {		/* GetReservationUtilization */
	int64_t	 utilization_pct, purchased_hours, actual_hours, unused_hours,
		 on_demand_cost_used, net_savings, potential_savings,
		 amortized_upfront, amortized_recurring, amortized_total,
		 unused_cost, realized_savings, unrealized_savings;
};
struct ce_ri_cov {		/* GetReservationCoverage */
	int64_t	 on_demand_hours, reserved_hours, running_hours,
		 coverage_pct, on_demand_cost;
};
struct ce_sp_util {		/* GetSavingsPlansUtilization */
	int64_t	 total, used, unused, utilization_pct, net_savings,
		 on_demand_equiv, amortized_recurring, amortized_upfront,
		 amortized_total;
};
struct ce_sp_cov {		/* GetSavingsPlansCoverage */
	int64_t	 covered, on_demand_cost, total, coverage_pct;
};
void	ce_ri_util_of(const struct ce_commit *, struct ce_ri_util *out /* OUT */);
void	ce_ri_cov_of(const struct ce_commit *, struct ce_ri_cov *out /* OUT */);
void	ce_sp_util_of(const struct ce_commit *, struct ce_sp_util *out /* OUT */);
void	ce_sp_cov_of(const struct ce_commit *, struct ce_sp_cov *out /* OUT */);

/*
 * Two periods compared (compare.c): `metric` summed per tuple of the
 * values of dims (at most CE_CMP_DIMS; CE_TAG and CE_COST_CATEGORY the
 * values of keys[i], "" for lines without) over the baseline [b0, b1)
 * and the comparison [c0, c1) (days), rows matching filter, at the prices
 * scope sees. Rows sorted by tuple; LimitExceededException beyond
 * CE_CELLS_MAX tuples.
 */
#define CE_CMP_DIMS	5
struct ce_cmp_row {
	const char	*tuple;			/* the keys joined, to sort */
	const char	*key[CE_CMP_DIMS];
	int64_t		 base, comp;
};
struct ce_cmp_result {
	struct ce_cmp_row	*rows;
	size_t			 n;
	int64_t			 base, comp;	/* the totals */
	char			 currency[4];
};
int	ce_compare_run(struct store *, struct arena *, const struct ce_scope *,
	    enum ce_metric, int64_t b0, int64_t b1, int64_t c0, int64_t c1,
	    const enum ce_dim *dims, const char *const *keys, size_t ndims,
	    const struct ce_expr *filter, struct ce_cmp_result *out /* OUT */,
	    struct err *);
/* The cost driver type of Cost Explorer (USAGE_CHANGE, TAX, CREDIT,
 * RECURRING_RESERVATION_FEE, ...) of a line item type and SERVICE. */
const char *ce_driver_type(const char *record_type, const char *service);

/*
 * The customer-price seam: turns a set of rollup rows of one customer and
 * billing period into customer-price amounts, one per row (out[i] for
 *  rows[i]): what the customer is billed before tax and currency (the
 * rebilling: pricing_rate() of src/billing/pricing.h; see price.c).
 */
struct ce_price {
	int64_t	 unblended, net, amortized, blended;
};
int	ce_price_rows(struct store *, const char *customer_id,
	    const char *period, const struct billing_rollup *rows, size_t n,
	    struct ce_price *out /* OUT */, struct err *);

/*
 * The MSP's bill of [start, end) (days) split by whose cost it is:
 * out[PAID_BILLED], out[PAID_UNASSIGNED], out[PAID_OUTSIDE] (unblended,
 * 10^-9 USD; billing/paid.h). Their sum is the payer's AWS total, the same
 * as UnblendedCost for the MSP. The MSP's scope only.
 */
int	ce_paid_split(struct store *, struct arena *, const struct ce_scope *,
	    int64_t start, int64_t end, int64_t out[3] /* OUT */,
	    struct err *);

/* A month of a customer's history from another payer's reference file:
 * what AWS billed that payer for the customer's accounts, never billed by
 * the MSP ("before the MSP"). */
struct ce_history {
	char	 period[8];
	char	 payer_id[BILLING_ID_MAX + 1];
	char	 currency[4];
	int64_t	 unblended;
};
/* The history of a customer's scope in the months [from, to], by month
 * then payer; none for the MSP's scope. */
int	ce_history(struct store *, struct arena *, const struct ce_scope *,
	    const char *from, const char *to, struct ce_history **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);

/* The customer owning account_id in scope, or NULL. */
const char *ce_scope_owner(const struct ce_scope *, const char *account_id);

/* FOCUS 1.2 CSV of a customer's rebilled month (period YYYY-MM) to f. */
int	focus_export(struct store *, struct arena *, const char *customer_id,
	    const char *period, FILE *f, struct err *);

/* Drops every cached import (tests, bench). */
void	ce_cache_clear(void);
/* The cache of imports' rows holds at most this many bytes (default
 * CE_CACHE_DEFAULT); past it the least recently used import goes. */
#define CE_CACHE_DEFAULT	((size_t)64 * 1024 * 1024)
void	ce_cache_limit(size_t bytes);
/* Bytes the cache holds now. */
size_t	ce_cache_bytes(void);

#endif
