/* SPDX-License-Identifier: MIT */
/*
 * Cost Explorer operations (GetCostAndUsage and GetCostAndUsageWithResources,
 * GetCostForecast,
 * GetUsageForecast, GetDimensionValues, GetAnomalies, GetAnomalyMonitors,
 * GetAnomalySubscriptions): translate only. Decode the request in the shapes of
 * the botocore model (ce/2017-10-25), call ce/, encode the result. Amounts
 * are exact decimal strings; who sees what is ce.h's business.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/ce_wire.h"
#include "aws/ops.h"
#include "billing/money.h"
#include "ce/ce.h"
#include "core/codec.h"
#include "portal/portal.h"

#define VALIDATION	AWSERR(ValidationException)
#define CE_PAGE_DEFAULT	2000	/* groups per page */
/* AWS's answer to a Filter or GetDimensionValues dimension it does not
 * take there. */
#define NOT_ALLOWED	"Dimension %s is not allowed."
/* What AWS answers for hourly and resource-level data without the opt-in
 * and before its window (docs/billing.md). */
#define HOURLY_OFF	"Hourly and resource level data is not enabled: " \
	"turn it on in Cost Explorer preferences (payerlink msp set ACCOUNT " \
	"--hourly-resource-data on)"
#define HOURLY_OLD	"Start date is more than 14 days ago for hourly " \
	"granularity. Please adjust start date as we support only 14 days " \
	"of data at hourly granularity."

static int
bad(struct err *e, const char *fmt, const char *what)
{
	return (err_set(e, ERR_INVALID, VALIDATION, NULL, fmt, what));
}

/*
 * Cost Explorer has no InvalidInputException: its input errors are all
 * ValidationException. The shared input readers (aws/input.c) speak
 * Organizations' dialect; this turns their answer into Cost Explorer's.
 */
static int
ce_input(int rc, struct err *e)
{
	if (rc == -1 && e->aws_type != NULL &&
	    strcmp(e->aws_type, AWSERR(InvalidInputException)) == 0) {
		e->aws_type = VALIDATION;
		e->reason = NULL;
	}
	return (rc);
}

/*
 * A dimension name (a JSON string) where use says: the dimension, or -1
 * with AWS's answer where AWS refuses it (ce_dim_lookup()), or payerlink's
 * where AWS takes it and the rollups do not keep it.
 */
static int
in_dim(json_t *name, enum ce_use use, struct err *e)
{
	const char	*s = json_is_string(name) ? json_string_value(name) :
			    "";
	int		 d = ce_dim_lookup(s, use);

	if (d == CE_DIM_NOT_KEPT)
		return (bad(e, "Dimension %s is not kept in payerlink's "
		    "rollups", s));
	if (d >= 0)
		return (d);
	if (ce_use_group(use)) {
		struct arena	 a;

		arena_init(&a);
		err_set(e, ERR_INVALID, VALIDATION, NULL, "Group Definition "
		    "dimension is invalid. Valid values are %s",
		    ce_dim_valid(&a, use));
		arena_release(&a);
		return (-1);
	}
	return (bad(e, NOT_ALLOWED, s));
}

/* TimePeriod {Start, End}: YYYY-MM-DD, End exclusive. */
static int
in_period(struct aws_req *r, int64_t *start, int64_t *end, struct err *e)
{
	return (ce_wire_interval(r, "TimePeriod", start, end, e));
}

/* MatchOptions of a Tags or CostCategories leaf into CE_MATCH_*. */
static int
in_match(json_t *mo, const char *what, unsigned *out, struct err *e)
{
	static const struct { const char *name; unsigned bit; } opts[] = {
		{ "EQUALS", 0 }, { "CASE_SENSITIVE", 0 },
		{ "ABSENT", CE_MATCH_ABSENT },
		{ "STARTS_WITH", CE_MATCH_STARTS_WITH },
		{ "ENDS_WITH", CE_MATCH_ENDS_WITH },
		{ "CONTAINS", CE_MATCH_CONTAINS },
		{ "CASE_INSENSITIVE", CE_MATCH_CASE_INSENSITIVE },
	};
	size_t	 i, k;
	json_t	*m;

	*out = 0;
	if (mo == NULL || json_is_null(mo))
		return (0);
	if (!json_is_array(mo))
		return (bad(e, "Filter: %s MatchOptions must be a list", what));
	json_array_foreach(mo, i, m) {
		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
			if (json_is_string(m) && strcmp(json_string_value(m),
			    opts[k].name) == 0)
				break;
		if (k == sizeof(opts) / sizeof(opts[0]))
			return (err_set(e, ERR_INVALID, VALIDATION, NULL,
			    "Filter: MatchOptions '%s' is not valid for %s "
			    "(EQUALS, ABSENT, STARTS_WITH, ENDS_WITH, "
			    "CONTAINS, CASE_SENSITIVE, CASE_INSENSITIVE)",
			    json_is_string(m) ? json_string_value(m) : "?",
			    what));
		*out |= opts[k].bit;
	}
	if (((*out & CE_MATCH_STARTS_WITH) != 0) + ((*out &
	    CE_MATCH_ENDS_WITH) != 0) + ((*out & CE_MATCH_CONTAINS) != 0) > 1)
		return (bad(e, "Filter: %s MatchOptions take one of "
		    "STARTS_WITH, ENDS_WITH, CONTAINS", what));
	return (0);
}

/* A Tags or CostCategories leaf {Key, Values, MatchOptions}. */
static int
in_attr_leaf(struct aws_req *r, json_t *v, enum ce_dim kind,
    struct ce_expr *x, struct err *e)
{
	const char	*what = kind == CE_TAG ? "Tags" : "CostCategories";
	json_t		*key = json_object_get(v, "Key");
	json_t		*vals = json_object_get(v, "Values");
	const char	**sv;
	size_t		 i, n;

	if (!json_is_object(v) || !json_is_string(key) ||
	    *json_string_value(key) == '\0' ||
	    strlen(json_string_value(key)) > 1024)
		return (bad(e, "Filter: %s needs a Key", what));
	if (in_match(json_object_get(v, "MatchOptions"), what, &x->match,
	    e) == -1)
		return (-1);
	n = json_is_array(vals) ? json_array_size(vals) : 0;
	if ((vals != NULL && !json_is_null(vals) && !json_is_array(vals)) ||
	    n > CE_VALUES_MAX ||
	    (n == 0 && !(x->match & CE_MATCH_ABSENT)))
		return (bad(e, "Filter: %s needs 1 to 1000 Values, or "
		    "MatchOptions ABSENT", what));
	sv = arena_alloc(r->arena, (n + 1) * sizeof(*sv));
	for (i = 0; i < n; i++) {
		json_t *s = json_array_get(vals, i);

		if (!json_is_string(s))
			return (bad(e, "Filter: %s values are strings", what));
		sv[i] = json_string_value(s);
	}
	x->op = CE_DIMS;
	x->dim = kind;
	x->key = json_string_value(key);
	x->values = sv;
	x->nvalues = n;
	return (0);
}

static int
in_expr(struct aws_req *r, json_t *j, enum ce_use use, int depth,
    size_t *nodes, struct ce_expr **out, struct err *e)
{
	struct ce_expr	*x;
	json_t		*v, *dims;
	const char	*k;
	size_t		 n = 0, i;

	if (!json_is_object(j))
		return (bad(e, "%s: an expression must be an object", "Filter"));
	if (depth > CE_EXPR_DEPTH_MAX)
		return (bad(e, "Filter: expressions nest at most %s deep",
		    "8"));
	if (++*nodes > CE_EXPR_NODES_MAX)
		return (bad(e, "Filter: at most %s expressions", "200"));
	json_object_foreach(j, k, v)
		if (!json_is_null(v))
			n++;
	if (n != 1)
		return (bad(e, "%s: an expression must have exactly one of "
		    "And, Or, Not, Dimensions, Tags, CostCategories",
		    "Filter"));
	x = arena_zalloc(r->arena, sizeof(*x));
	if ((v = json_object_get(j, "Tags")) != NULL && !json_is_null(v)) {
		if (in_attr_leaf(r, v, CE_TAG, x, e) == -1)
			return (-1);
	} else if ((v = json_object_get(j, "CostCategories")) != NULL &&
	    !json_is_null(v)) {
		if (in_attr_leaf(r, v, CE_COST_CATEGORY, x, e) == -1)
			return (-1);
	} else if ((v = json_object_get(j, "Dimensions")) != NULL &&
	    !json_is_null(v)) {
		json_t	*key = json_object_get(v, "Key");
		json_t	*vals = json_object_get(v, "Values");
		json_t	*mo = json_object_get(v, "MatchOptions");
		int	 d;
		const char **sv;

		if ((d = in_dim(key, use, e)) < 0)
			return (-1);
		if (mo != NULL && json_is_array(mo))
			for (i = 0; i < json_array_size(mo); i++) {
				json_t *m = json_array_get(mo, i);
				/* AWS: Dimensions take EQUALS and
				 * CASE_SENSITIVE (the default) only. */
				if (!json_is_string(m) || (strcmp(
				    json_string_value(m), "EQUALS") != 0 &&
				    strcmp(json_string_value(m),
				    "CASE_SENSITIVE") != 0))
					return (bad(e, "Filter: MatchOptions "
					    "'%s' is not valid for Dimensions "
					    "(EQUALS, CASE_SENSITIVE)",
					    json_is_string(m) ?
					    json_string_value(m) : "?"));
			}
		if (!json_is_array(vals) || json_array_size(vals) == 0 ||
		    json_array_size(vals) > CE_VALUES_MAX)
			return (bad(e, "Filter: Dimensions %s needs 1 to 1000 "
			    "Values", json_string_value(key)));
		sv = arena_alloc(r->arena, json_array_size(vals) *
		    sizeof(*sv));
		for (i = 0; i < json_array_size(vals); i++) {
			json_t *s = json_array_get(vals, i);
			if (!json_is_string(s))
				return (bad(e, "Filter: %s values are "
				    "strings", json_string_value(key)));
			sv[i] = json_string_value(s);
		}
		x->op = CE_DIMS;
		x->dim = (enum ce_dim)d;
		x->values = sv;
		x->nvalues = json_array_size(vals);
	} else if ((v = json_object_get(j, "Not")) != NULL &&
	    !json_is_null(v)) {
		x->op = CE_NOT;
		x->nkids = 1;
		x->kids = arena_alloc(r->arena, sizeof(*x->kids));
		if (in_expr(r, v, use, depth + 1, nodes, &x->kids[0],
		    e) == -1)
			return (-1);
	} else if (((v = json_object_get(j, "And")) != NULL &&
	    !json_is_null(v)) || ((dims = json_object_get(j, "Or")) != NULL &&
	    !json_is_null(dims) && (v = dims) != NULL)) {
		x->op = json_object_get(j, "And") == v ? CE_AND : CE_OR;
		if (!json_is_array(v) || json_array_size(v) < 2)
			return (bad(e, "Filter: %s needs at least 2 "
			    "expressions", x->op == CE_AND ? "And" : "Or"));
		x->nkids = json_array_size(v);
		x->kids = arena_alloc(r->arena, x->nkids * sizeof(*x->kids));
		for (i = 0; i < x->nkids; i++)
			if (in_expr(r, json_array_get(v, i), use, depth + 1,
			    nodes, &x->kids[i], e) == -1)
				return (-1);
	} else {
		json_object_foreach(j, k, v)
			if (!json_is_null(v))
				break;
		return (bad(e, "Filter: '%s' expressions are not supported "
		    "(Dimensions, Tags, CostCategories, And, Or, Not)",
		    k != NULL ? k : "?"));
	}
	*out = x;
	return (0);
}

/* The Filter, its dimensions those AWS takes in use (CE_USE_FILTER,
 * _FILTER_RES, _FORECAST). */
static int
in_filter(struct aws_req *r, enum ce_use use, struct ce_expr **out,
    struct err *e)
{
	json_t	*f = json_object_get(r->in, "Filter");
	size_t	 nodes = 0;

	*out = NULL;
	if (f == NULL || json_is_null(f))
		return (0);
	return (in_expr(r, f, use, 1, &nodes, out, e));
}

/* A TimePeriod bound of hourly data: YYYY-MM-DD or AWS's
 * YYYY-MM-DDThh:mm:ssZ on the hour, into hours since the epoch. */
static int
hour_parse(const char *s, int64_t *out)
{
	char	 d[11];
	int64_t	 day;
	size_t	 n = strlen(s);

	if (n != 10 && (n != 20 || s[10] != 'T' || s[13] != ':' ||
	    strcmp(s + 16, ":00Z") != 0 || s[14] != '0' || s[15] != '0' ||
	    s[11] < '0' || s[11] > '2' || s[12] < '0' || s[12] > '9' ||
	    (s[11] - '0') * 10 + (s[12] - '0') > 23))
		return (-1);
	memcpy(d, s, 10);
	d[10] = '\0';
	if (ce_day_parse(d, &day) == -1)
		return (-1);
	*out = day * 24 + (n == 10 ? 0 : (s[11] - '0') * 10 + (s[12] - '0'));
	return (0);
}

/*
 * The TimePeriod of hourly and resource-level data, in hours: the opt-in
 * first, then AWS's window (the start no earlier than 14 days before
 * today, UTC, by the business clock).
 */
static int
in_hours(struct aws_req *r, int64_t *start, int64_t *end, struct err *e)
{
	json_t	*tp = json_object_get(r->in, "TimePeriod"), *s, *n;

	if (ce_hourly_check(r->store, HOURLY_OFF, e) == -1)
		return (-1);
	if (tp == NULL || !json_is_object(tp))
		return (bad(e, "%s is required", "TimePeriod"));
	s = json_object_get(tp, "Start");
	n = json_object_get(tp, "End");
	if (!json_is_string(s) || !json_is_string(n))
		return (bad(e, "%s needs Start and End", "TimePeriod"));
	if (hour_parse(json_string_value(s), start) == -1)
		return (bad(e, "Start date '%s' is not YYYY-MM-DD or "
		    "YYYY-MM-DDThh:00:00Z", json_string_value(s)));
	if (hour_parse(json_string_value(n), end) == -1)
		return (bad(e, "End date '%s' is not YYYY-MM-DD or "
		    "YYYY-MM-DDThh:00:00Z", json_string_value(n)));
	if (*start >= *end)
		return (bad(e, "%s: Start must be before End", "TimePeriod"));
	if (*start < (ce_today(r->store) - CE_HOURLY_DAYS) * 24)
		return (bad(e, "%s", HOURLY_OLD));
	return (0);
}

/* {"Start", "End"} of hours [s, n): AWS's 2026-12-01T00:00:00Z. */
static json_t *
hours_period(int64_t s, int64_t n)
{
	char	 a[11], b[11], x[24], y[24];

	ce_day_format(s / 24, a, sizeof(a));
	ce_day_format(n / 24, b, sizeof(b));
	snprintf(x, sizeof(x), "%sT%02d:00:00Z", a, (int)(s % 24));
	snprintf(y, sizeof(y), "%sT%02d:00:00Z", b, (int)(n % 24));
	return (json_pack("{s:s, s:s}", "Start", x, "End", y));
}

static json_t *
amount(int64_t v, int usage, const char *currency)
{
	char	 buf[48];

	money_format(v, usage ? QTY_DIGITS : MONEY_DIGITS, buf, sizeof(buf));
	return (json_pack("{s:s, s:s}", "Amount", buf, "Unit",
	    usage ? "N/A" : currency));
}

static int
in_token(struct aws_req *r, uint64_t hash, size_t *off, struct err *e)
{
	return (ce_wire_token_in(r, "NextPageToken", hash, off, e));
}

static void
out_token(struct aws_req *r, uint64_t hash, size_t off)
{
	ce_wire_token_out(r, "NextPageToken", hash, off);
}

static size_t
page_size(void)
{
	const char	*s = getenv("PAYERLINK_CE_PAGE_SIZE");
	long		 n;

	if (s != NULL && (n = strtol(s, NULL, 10)) > 0 && n < 100000)
		return ((size_t)n);
	return (CE_PAGE_DEFAULT);
}

/* LINKED_ACCOUNT's attributes, as AWS gives them with the groups: each
 * account's description (its name), once per account grouped by. */
static json_t *
value_attributes(struct aws_req *r, const struct ce_query *q,
    const struct ce_result *res)
{
	json_t		*arr = json_array();
	uint8_t		*seen;
	size_t		 k, c;
	struct account	 acct;

	for (k = 0; k < q->ngroup; k++)
		if (q->group[k] == CE_LINKED_ACCOUNT)
			break;
	if (k == q->ngroup || res->nkeys == 0)
		return (arr);
	seen = arena_zalloc(r->arena, res->nkeys);
	for (c = 0; c < res->ncells; c++) {
		uint32_t id = res->cells[c].g[k];

		if (seen[id])
			continue;
		seen[id] = 1;
		if (account_get(r->store, res->keys[id], &acct,
		    NULL) == 0)
			json_array_append_new(arr, json_pack("{s:s, s:{s:s}}",
			    "Value", res->keys[id], "Attributes", "description",
			    acct.name));
	}
	return (arr);
}

/* A bucket's TimePeriod: hours as AWS writes them, else days. */
static json_t *
result_period(const struct ce_query *q, int64_t s, int64_t n)
{
	if (q->by_hour)
		return (hours_period(s, n));
	if (q->hourly)
		return (ce_wire_period(s / 24, (n + 23) / 24));
	return (ce_wire_period(s, n));
}

/*
 * GetCostAndUsage and GetCostAndUsageWithResources (resources): one
 * query path. HOURLY, and every granularity of the resources' call, read
 * the hourly rows (hourly and resource-level data); their buckets are
 * hours, or days / months of them.
 */
static int
cost_and_usage(struct aws_req *r, int resources, struct err *e)
{
	static const char *const grans[] = { "DAILY", "MONTHLY", "HOURLY",
	    NULL };
	struct ce_scope	 sc;
	struct ce_query	 q;
	struct ce_result res;
	struct ce_expr	*filter;
	const char	*gran;
	json_t		*metrics, *v, *defs, *rbt;
	int		 want[CE_NMETRICS] = { 0 }, m;
	size_t		 i, off, psize = page_size(), end, c;
	uint64_t	 hash = ce_wire_request_hash(r);

	memset(&q, 0, sizeof(q));
	if (ce_input(in_enum(r, "Granularity", 1, grans, &gran, e), e) == -1)
		return (-1);
	q.by_hour = strcmp(gran, "HOURLY") == 0;
	q.hourly = resources || q.by_hour;
	q.resources = resources;
	q.monthly = strcmp(gran, "MONTHLY") == 0;
	if ((q.hourly ? in_hours(r, &q.start, &q.end, e) :
	    in_period(r, &q.start, &q.end, e)) == -1)
		return (-1);
	if (resources && (json_object_get(r->in, "Filter") == NULL ||
	    json_is_null(json_object_get(r->in, "Filter"))))
		return (bad(e, "%s is required", "Filter"));
	metrics = json_object_get(r->in, "Metrics");
	if (!json_is_array(metrics) || json_array_size(metrics) == 0)
		return (bad(e, "%s is required", "Metrics"));
	json_array_foreach(metrics, i, v) {
		if (!json_is_string(v) ||
		    (m = ce_metric_parse(json_string_value(v))) < 0)
			return (bad(e, "Metric '%s' is not supported "
			    "(UnblendedCost, NetUnblendedCost, AmortizedCost, "
			    "BlendedCost, UsageQuantity)",
			    json_is_string(v) ? json_string_value(v) : "?"));
		want[m] = 1;
	}
	if (ce_wire_group_by(r, resources ? CE_USE_GROUP_RES : CE_USE_GROUP,
	    q.group, q.group_key, &q.ngroup, e) == -1)
		return (-1);
	defs = json_array();
	json_object_set_new(r->out, "GroupDefinitions", defs);
	for (i = 0; i < q.ngroup; i++)
		json_array_append_new(defs, json_pack("{s:s, s:s}", "Type",
		    q.group[i] == CE_TAG ? "TAG" : q.group[i] ==
		    CE_COST_CATEGORY ? "COST_CATEGORY" : "DIMENSION", "Key",
		    q.group_key[i] != NULL ? q.group_key[i] :
		    ce_dim_name(q.group[i])));
	if (in_filter(r, resources ? CE_USE_FILTER_RES : CE_USE_FILTER,
	    &filter, e) == -1 || in_token(r, hash, &off, e) == -1)
		return (-1);
	q.filter = filter;
	if (ce_scope_account(r->store, r->arena, r->who.account_id, &sc,
	    e) == -1 || ce_query_run(r->store, r->arena, &sc, &q, &res,
	    e) == -1)
		return (-1);
	rbt = json_array();
	json_object_set_new(r->out, "ResultsByTime", rbt);
	json_object_set_new(r->out, "DimensionValueAttributes",
	    value_attributes(r, &q, &res));
	if (q.ngroup == 0) {
		for (i = 0; i < res.nbuckets; i++) {
			json_t *tot = json_object();

			for (m = 0; m < CE_NMETRICS; m++)
				if (want[m])
					json_object_set_new(tot,
					    ce_metric_name(m), amount(
					    res.total[i][m], m == CE_USAGE,
					    res.currency));
			json_array_append_new(rbt, json_pack("{s:o, s:o, s:[],"
			    " s:b}", "TimePeriod", result_period(&q, res.bstart[i],
			    res.bend[i]), "Total", tot, "Groups", "Estimated",
			    0));
		}
		return (0);
	}
	if (off > res.ncells)
		return (err_set(e, ERR_INVALID,
		    AWSERR(InvalidNextTokenException),
		    NULL, "The NextPageToken is not valid."));
	end = off + psize < res.ncells ? off + psize : res.ncells;
	{
		size_t	 bfirst = off == 0 || off >= res.ncells ? 0 :
			    res.cells[off].bucket;
		size_t	 blast = end == res.ncells ? res.nbuckets - 1 :
			    res.cells[end - 1].bucket;

		if (off > 0 && off == res.ncells)
			bfirst = res.nbuckets - 1;
		c = off;
		for (i = bfirst; i <= blast && i < res.nbuckets; i++) {
			json_t *groups = json_array();

			for (; c < end && res.cells[c].bucket == i; c++) {
				json_t *keys = json_array(), *mo = json_object();
				size_t	k;

				for (k = 0; k < q.ngroup; k++)
					json_array_append_new(keys, json_string(
					    res.keys[res.cells[c].g[k]]));
				for (m = 0; m < CE_NMETRICS; m++)
					if (want[m])
						json_object_set_new(mo,
						    ce_metric_name(m), amount(
						    res.cells[c].v[m],
						    m == CE_USAGE, res.currency));
				json_array_append_new(groups, json_pack(
				    "{s:o, s:o}", "Keys", keys, "Metrics", mo));
			}
			json_array_append_new(rbt, json_pack("{s:o, s:{}, s:o,"
			    " s:b}", "TimePeriod", result_period(&q, res.bstart[i],
			    res.bend[i]), "Total", "Groups", groups,
			    "Estimated", 0));
		}
	}
	if (end < res.ncells)
		out_token(r, hash, end);
	return (0);
}

int
aws_ce_get_cost_and_usage(struct aws_req *r, struct err *e)
{
	return (cost_and_usage(r, 0, e));
}

int
aws_ce_get_cost_and_usage_with_resources(struct aws_req *r, struct err *e)
{
	return (cost_and_usage(r, 1, e));
}

/* Whether x names a usage type on every path that keeps a line: a
 * USAGE_TYPE leaf, or an And with one. */
static int
names_usage_type(const struct ce_expr *x)
{
	size_t	 i;

	if (x == NULL)
		return (0);
	if (x->op == CE_DIMS)
		return (x->dim == CE_USAGE_TYPE);
	if (x->op == CE_AND) {
		for (i = 0; i < x->nkids; i++)
			if (names_usage_type(x->kids[i]))
				return (1);
		return (0);
	}
	if (x->op == CE_OR) {
		for (i = 0; i < x->nkids; i++)
			if (!names_usage_type(x->kids[i]))
				return (0);
		return (1);
	}
	return (0);
}

static int
forecast(struct aws_req *r, int usage, struct err *e)
{
	static const char *const grans[] = { "DAILY", "MONTHLY", "HOURLY",
	    NULL };
	static const char *const cost_mets[] = { "BLENDED_COST",
	    "UNBLENDED_COST", "AMORTIZED_COST", "NET_UNBLENDED_COST",
	    "NET_AMORTIZED_COST", "USAGE_QUANTITY", "NORMALIZED_USAGE_AMOUNT",
	    NULL };
	static const char *const usage_mets[] = { "USAGE_QUANTITY",
	    "NORMALIZED_USAGE_AMOUNT", NULL };
	const char *const	*mets = usage ? usage_mets : cost_mets;
	struct ce_scope		 sc;
	struct ce_forecast	 f;
	struct ce_expr		*filter;
	const char		*gran, *met;
	int64_t			 start, end, level = 80;
	enum ce_metric		 m;
	json_t			*arr;
	size_t			 i;

	if (in_period(r, &start, &end, e) == -1 ||
	    ce_input(in_enum(r, "Metric", 1, mets, &met, e), e) == -1 ||
	    ce_input(in_enum(r, "Granularity", 1, grans, &gran, e), e) == -1 ||
	    ce_input(in_int(r, "PredictionIntervalLevel", 51, 99, &level, e),
	    e) == -1 || in_filter(r, CE_USE_FORECAST, &filter, e) == -1)
		return (-1);
	if (strcmp(gran, "HOURLY") == 0)
		return (bad(e, "Granularity %s is not available for "
		    "forecasts", gran));
	/* A usage forecast adds one unit only: AWS asks for usage types. */
	if (usage && !names_usage_type(filter))
		return (err_set(e, ERR_INVALID,
		    AWSERR(UnresolvableUsageUnitException),
		    NULL, "Cost Explorer was unable to identify the usage unit. "
		    "Provide a USAGE_TYPE filter whose usage types share a "
		    "unit, for example hours."));
	if (strcmp(met, "BLENDED_COST") == 0)
		m = CE_BLENDED;
	else if (strcmp(met, "UNBLENDED_COST") == 0)
		m = CE_UNBLENDED;
	else if (strcmp(met, "AMORTIZED_COST") == 0 ||
	    strcmp(met, "NET_AMORTIZED_COST") == 0)
		m = CE_AMORTIZED;
	else if (strcmp(met, "NET_UNBLENDED_COST") == 0)
		m = CE_NET_UNBLENDED;
	else
		m = CE_USAGE;
	if (ce_scope_account(r->store, r->arena, r->who.account_id, &sc,
	    e) == -1 || ce_forecast_run(r->store, r->arena, &sc, m, start,
	    end, strcmp(gran, "MONTHLY") == 0, filter, (int)level, &f,
	    e) == -1)
		return (-1);
	json_object_set_new(r->out, "Total", amount(f.total, m == CE_USAGE,
	    f.currency));
	arr = json_array();
	for (i = 0; i < f.nbuckets; i++) {
		char	 a[48], lo[48], hi[48];
		int	 dg = m == CE_USAGE ? QTY_DIGITS : MONEY_DIGITS;

		money_format(f.mean[i], dg, a, sizeof(a));
		money_format(f.lo[i], dg, lo, sizeof(lo));
		money_format(f.hi[i], dg, hi, sizeof(hi));
		json_array_append_new(arr, json_pack("{s:o, s:s, s:s, s:s}",
		    "TimePeriod", ce_wire_period(f.bstart[i], f.bend[i]),
		    "MeanValue", a, "PredictionIntervalLowerBound", lo,
		    "PredictionIntervalUpperBound", hi));
	}
	json_object_set_new(r->out, "ForecastResultsByTime", arr);
	return (0);
}

int
aws_ce_get_cost_forecast(struct aws_req *r, struct err *e)
{
	return (forecast(r, 0, e));
}

int
aws_ce_get_usage_forecast(struct aws_req *r, struct err *e)
{
	return (forecast(r, 1, e));
}

#define SORTED_MAX	1000	/* values listed with SortBy */

/* A page [off, stop) of n values out of the offset token; -1 past n. */
static int
page_of(size_t off, int64_t max, size_t n, size_t *stop, struct err *e)
{
	if (off > n)
		return (err_set(e, ERR_INVALID,
		    AWSERR(InvalidNextTokenException),
		    NULL, "The NextPageToken is not valid."));
	*stop = off + (size_t)max < n ? off + (size_t)max : n;
	return (0);
}

/*
 * SortBy of GetDimensionValues, GetTags and GetCostCategories: one
 * {Key: a metric, SortOrder} (*metric -1 without), and MaxResults, then
 * the number of values returned (1000 by default and at most). AWS:
 * "When you use SortBy, NextPageToken and SearchString aren't
 * supported" (ValidationException).
 */
static int
in_sort_by(struct aws_req *r, const char *search, int *metric, int *desc,
    int64_t *max, struct err *e)
{
	json_t		*sb = json_object_get(r->in, "SortBy"), *k, *o;
	const char	*key;

	*metric = -1;
	*desc = 0;
	if (sb == NULL || json_is_null(sb) || (json_is_array(sb) &&
	    json_array_size(sb) == 0))
		return (0);
	if (!json_is_array(sb) || json_array_size(sb) != 1)
		return (bad(e, "%s: payerlink sorts by one key", "SortBy"));
	k = json_object_get(json_array_get(sb, 0), "Key");
	o = json_object_get(json_array_get(sb, 0), "SortOrder");
	key = json_is_string(k) ? json_string_value(k) : "";
	if (strcmp(key, "NetAmortizedCost") == 0 ||
	    strcmp(key, "NormalizedUsageAmount") == 0)
		return (bad(e, "SortBy: %s is not kept in payerlink's rollups",
		    key));
	if ((*metric = ce_metric_parse(key)) < 0)
		return (bad(e, "SortBy: '%s' is not one of BlendedCost, "
		    "UnblendedCost, AmortizedCost, NetUnblendedCost, "
		    "UsageQuantity", key));
	if (o != NULL && !json_is_null(o) && (!json_is_string(o) ||
	    (strcmp(json_string_value(o), "ASCENDING") != 0 &&
	    strcmp(json_string_value(o), "DESCENDING") != 0)))
		return (bad(e, "%s: SortOrder must be ASCENDING or DESCENDING",
		    "SortBy"));
	*desc = json_is_string(o) &&
	    strcmp(json_string_value(o), "DESCENDING") == 0;
	if (search != NULL)
		return (bad(e, "%s and SearchString can't be used together",
		    "SortBy"));
	if (json_object_get(r->in, "NextPageToken") != NULL)
		return (bad(e, "%s and NextPageToken can't be used together",
		    "SortBy"));
	if (json_object_get(r->in, "MaxResults") == NULL)
		*max = SORTED_MAX;
	else if (*max > SORTED_MAX)
		return (bad(e, "MaxResults: at most 1000 with %s", "SortBy"));
	return (0);
}

/*
 * The values of kind (a dimension; CE_TAG or CE_COST_CATEGORY with their
 * key, or NULL: the keys) of the caller's lines in [start, end) that
 * filter keeps: those containing search, sorted by name and paged by the
 * token (hash, *off), or with SortBy (metric >= 0, in_sort_by()) the
 * first max by the metric's sum; the values to list are [*off, *stop).
 * Sets ReturnSize, TotalSize and the next page's token.
 */
static int
list_values(struct aws_req *r, enum ce_dim kind, const char *key,
    int64_t start, int64_t end, const struct ce_expr *filter,
    const char *search, int metric, int desc, int64_t max, uint64_t hash,
    const char ***vals, size_t *off, size_t *stop, struct err *e)
{
	struct ce_scope	 sc;
	size_t		 n;

	if (ce_scope_account(r->store, r->arena, r->who.account_id, &sc,
	    e) == -1)
		return (-1);
	/* A Savings Plan's own attributes: by name (no line has them,
	 * so no metric sorts them). */
	if (kind == CE_PAYMENT_OPTION || kind == CE_INSTANCE_TYPE_FAMILY) {
		if (ce_plan_values(r->store, r->arena, &sc, kind, start, end,
		    filter, search, vals, &n, e) == -1 ||
		    page_of(*off, max, n, stop, e) == -1)
			return (-1);
		metric = -1;
	} else if (metric >= 0) {
		*off = 0;
		if (ce_attr_values_by(r->store, r->arena, &sc, kind, key,
		    start, end, filter, (enum ce_metric)metric, desc, vals,
		    NULL, &n, e) == -1 || page_of(0, max, n, stop, e) == -1)
			return (-1);
	} else if (ce_attr_values(r->store, r->arena, &sc, kind, key, start,
	    end, filter, search, vals, &n, e) == -1 ||
	    page_of(*off, max, n, stop, e) == -1)
		return (-1);
	json_object_set_new(r->out, "ReturnSize", json_integer(
	    (json_int_t)(*stop - *off)));
	json_object_set_new(r->out, "TotalSize", json_integer((json_int_t)n));
	if (*stop < n && metric < 0)
		out_token(r, hash, *stop);
	return (0);
}

/* filter (NULL: all) and "the line has a commitment of kind": its
 * RESERVATION_ID or SAVINGS_PLAN_ARN is not "". */
static struct ce_expr *
commitment_lines(struct aws_req *r, enum ce_dim kind, struct ce_expr *filter)
{
	static const char *const none[] = { "" };
	struct ce_expr	*leaf, *not, *and;

	leaf = arena_zalloc(r->arena, sizeof(*leaf));
	leaf->op = CE_DIMS;
	leaf->dim = kind;
	leaf->values = none;
	leaf->nvalues = 1;
	not = arena_zalloc(r->arena, sizeof(*not));
	not->op = CE_NOT;
	not->kids = arena_alloc(r->arena, sizeof(*not->kids));
	not->kids[0] = leaf;
	not->nkids = 1;
	if (filter == NULL)
		return (not);
	and = arena_zalloc(r->arena, sizeof(*and));
	and->op = CE_AND;
	and->kids = arena_alloc(r->arena, 2 * sizeof(*and->kids));
	and->kids[0] = filter;
	and->kids[1] = not;
	and->nkids = 2;
	return (and);
}

int
aws_ce_get_dimension_values(struct aws_req *r, struct err *e)
{
	static const char *const contexts[] = { "COST_AND_USAGE",
	    "RESERVATIONS", "SAVINGS_PLANS", NULL };
	struct ce_expr	*filter;
	const char	*dimname, *search, **vals, *ctx = NULL;
	int64_t		 start, end, max = 1000;
	size_t		 off, i, stop;
	uint64_t	 hash = ce_wire_request_hash(r);
	json_t		*arr;
	int		 d, metric, desc;

	if (in_period(r, &start, &end, e) == -1 ||
	    ce_input(in_string(r, "Dimension", 1, 1, 64, &dimname, e),
	    e) == -1 ||
	    ce_input(in_string(r, "SearchString", 0, 0, 1024, &search, e),
	    e) == -1 ||
	    ce_input(in_int(r, "MaxResults", 1, 10000, &max, e), e) == -1 ||
	    in_filter(r, CE_USE_FILTER, &filter, e) == -1 ||
	    in_sort_by(r, search, &metric, &desc, &max, e) == -1 ||
	    in_token(r, hash, &off, e) == -1)
		return (-1);
	if (ce_input(in_enum(r, "Context", 0, contexts, &ctx, e), e) == -1 ||
	    (d = in_dim(json_object_get(r->in, "Dimension"), ctx == NULL ||
	    strcmp(ctx, "COST_AND_USAGE") == 0 ? CE_USE_FILTER_RES :
	    strcmp(ctx, "RESERVATIONS") == 0 ? CE_USE_RESERVATIONS :
	    CE_USE_SAVINGS_PLANS, e)) < 0)
		return (-1);
	/* The values of a commitment's lines (each carries its ARN),
	 * which GetReservationUtilization / the Savings Plans reports
	 * take. */
	if (ctx != NULL && strcmp(ctx, "COST_AND_USAGE") != 0)
		filter = commitment_lines(r, strcmp(ctx, "RESERVATIONS") == 0 ?
		    CE_RESERVATION_ID : CE_SAVINGS_PLAN_ARN, filter);
	/* AWS: RESOURCE_ID is opt-in, for the last 14 days. */
	if (d == CE_RESOURCE_ID && (ce_hourly_check(r->store, HOURLY_OFF,
	    e) == -1 || (start < ce_today(r->store) - CE_HOURLY_DAYS &&
	    bad(e, "%s", HOURLY_OLD) == -1)))
		return (-1);
	if (list_values(r, (enum ce_dim)d, NULL, start, end, filter, search,
	    metric, desc, max, hash, &vals, &off, &stop, e) == -1)
		return (-1);
	arr = json_array();
	for (i = off; i < stop; i++) {
		json_t	*attr = json_object();

		if (d == CE_LINKED_ACCOUNT) {
			struct account	 acct;

			if (account_get(r->store, vals[i], &acct,
			    NULL) == 0)
				json_object_set_new(attr, "description",
				    json_string(acct.name));
		}
		json_array_append_new(arr, json_pack("{s:s, s:o}", "Value",
		    vals[i], "Attributes", attr));
	}
	json_object_set_new(r->out, "DimensionValues", arr);
	return (0);
}

/* ---- Tags and cost categories ----------------------------------------- */

/*
 * GetTags and GetCostCategories: the keys (no TagKey / CostCategoryName)
 * or one key's values of the caller's view's lines in TimePeriod that
 * Filter keeps, those containing SearchString (case-insensitive), sorted
 * (list_values()).
 */
static int
attr_values(struct aws_req *r, enum ce_dim kind, struct err *e)
{
	const char	*keyname = kind == CE_TAG ? "TagKey" : "CostCategoryName";
	struct ce_expr	*filter;
	const char	*key, *search, **vals;
	int64_t		 start, end, max = 1000;
	size_t		 off, i, stop = 0;
	uint64_t	 hash = ce_wire_request_hash(r);
	json_t		*arr;
	int		 metric, desc;

	if (in_period(r, &start, &end, e) == -1 ||
	    ce_input(in_string(r, keyname, 0, kind == CE_TAG ? 0 : 1,
	    kind == CE_TAG ? 1024 : 50, &key, e), e) == -1 ||
	    ce_input(in_string(r, "SearchString", 0, 0, 1024, &search, e),
	    e) == -1 ||
	    ce_input(in_int(r, "MaxResults", 1, 10000, &max, e), e) == -1 ||
	    in_filter(r, CE_USE_FILTER, &filter, e) == -1 ||
	    in_sort_by(r, search, &metric, &desc, &max, e) == -1 ||
	    in_token(r, hash, &off, e) == -1)
		return (-1);
	if (key != NULL && *key == '\0')
		key = NULL;
	if (list_values(r, kind, key, start, end, filter, search, metric, desc,
	    max, hash, &vals, &off, &stop, e) == -1)
		return (-1);
	arr = json_array();
	for (i = off; i < stop; i++)
		json_array_append_new(arr, json_string(vals[i]));
	json_object_set_new(r->out, kind == CE_TAG ? "Tags" : key == NULL ?
	    "CostCategoryNames" : "CostCategoryValues", arr);
	return (0);
}

int
aws_ce_get_tags(struct aws_req *r, struct err *e)
{
	return (attr_values(r, CE_TAG, e));
}

int
aws_ce_get_cost_categories(struct aws_req *r, struct err *e)
{
	return (attr_values(r, CE_COST_CATEGORY, e));
}

/* The days the listings below look at: the CUR carries a tag or a cost
 * category only while it is active, so those seen in the last 13 months
 * (Cost Explorer's history) are the active ones. */
static void
recent_days(struct aws_req *r, int64_t *start, int64_t *end)
{
	*end = ce_today(r->store) + 1;
	*start = ce_month_start(*end - 1 - 396);
	if (*end - *start > CE_DAYS_MAX)
		*start = *end - CE_DAYS_MAX;
}

static json_t *
day_time(int64_t day)
{
	char	 d[11], buf[24];

	ce_day_format(day, d, sizeof(d));
	snprintf(buf, sizeof(buf), "%sT00:00:00Z", d);
	return (json_string(buf));
}

/*
 * ListCostAllocationTags: the tag keys of the caller's view's lines, each
 * Active (a CUR holds activated tags only), AWSGenerated for "aws:" keys,
 * else UserDefined; Status, Type and TagKeys filter them.
 */
int
aws_ce_list_cost_allocation_tags(struct aws_req *r, struct err *e)
{
	static const char *const statuses[] = { "Active", "Inactive", NULL };
	static const char *const types[] = { "AWSGenerated", "UserDefined",
	    NULL };
	struct ce_scope		 sc;
	struct ce_attr_key	*k;
	const char		*status, *type, **keep;
	json_t			*want = json_object_get(r->in, "TagKeys"), *v;
	json_t			*arr;
	int64_t			 start, end, max = 100;
	size_t			 n, nk = 0, off, stop = 0, i, j;
	uint64_t		 hash = ce_wire_request_hash(r);

	if (ce_input(in_enum(r, "Status", 0, statuses, &status, e), e) == -1 ||
	    ce_input(in_enum(r, "Type", 0, types, &type, e), e) == -1 ||
	    ce_input(in_int(r, "MaxResults", 1, 1000, &max, e), e) == -1 ||
	    ce_wire_token_in(r, "NextToken", hash, &off, e) == -1)
		return (-1);
	if (want != NULL && !json_is_null(want) && (!json_is_array(want) ||
	    json_array_size(want) < 1 || json_array_size(want) > 100))
		return (bad(e, "%s: 1 to 100 tag keys", "TagKeys"));
	recent_days(r, &start, &end);
	if (ce_scope_account(r->store, r->arena, r->who.account_id, &sc,
	    e) == -1 || ce_attr_keys(r->store, r->arena, &sc, CE_TAG, start,
	    end, &k, &n, e) == -1)
		return (-1);
	keep = arena_alloc(r->arena, (n + 1) * sizeof(*keep));
	for (i = 0; i < n; i++) {
		int aws = strncmp(k[i].key, "aws:", 4) == 0;

		if ((status != NULL && strcmp(status, "Active") != 0) ||
		    (type != NULL && strcmp(type, aws ? "AWSGenerated" :
		    "UserDefined") != 0))
			continue;
		if (want != NULL && json_is_array(want)) {
			json_array_foreach(want, j, v)
				if (json_is_string(v) && strcmp(
				    json_string_value(v), k[i].key) == 0)
					break;
			if (j == json_array_size(want))
				continue;
		}
		k[nk] = k[i];
		keep[nk++] = k[i].key;
	}
	if (page_of(off, max, nk, &stop, e) == -1)
		return (-1);
	arr = json_array();
	for (i = off; i < stop; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:o}",
		    "TagKey", k[i].key, "Type", strncmp(k[i].key, "aws:", 4) ==
		    0 ? "AWSGenerated" : "UserDefined", "Status", "Active",
		    "LastUsedDate", day_time(k[i].last_day)));
	json_object_set_new(r->out, "CostAllocationTags", arr);
	if (stop < nk)
		ce_wire_token_out(r, "NextToken", hash, stop);
	return (0);
}

/*
 * ListCostCategoryDefinitions: the cost categories of the caller's view's
 * lines. payerlink has their values, not their rules: each shows its
 * values, one rule per value, effective from the first month it was seen,
 * APPLIED in Cost Explorer; its ARN is named by a hash of its name.
 */
int
aws_ce_list_cost_category_definitions(struct aws_req *r, struct err *e)
{
	struct ce_scope		 sc;
	struct ce_attr_key	*k;
	const char		*on, **vals;
	json_t			*arr, *refs;
	int64_t			 start, end, max = 100, onday = -1;
	size_t			 n, nv, off, stop = 0, i, j;
	uint64_t		 hash = ce_wire_request_hash(r);

	if (ce_input(in_string(r, "EffectiveOn", 0, 20, 25, &on, e),
	    e) == -1 ||
	    ce_input(in_int(r, "MaxResults", 1, 100, &max, e), e) == -1 ||
	    ce_wire_token_in(r, "NextToken", hash, &off, e) == -1)
		return (-1);
	if (on != NULL && ce_day_parse(on, &onday) == -1)
		return (bad(e, "EffectiveOn '%s' is not a date and time", on));
	recent_days(r, &start, &end);
	if (ce_scope_account(r->store, r->arena, r->who.account_id, &sc,
	    e) == -1 || ce_attr_keys(r->store, r->arena, &sc,
	    CE_COST_CATEGORY, start, end, &k, &n, e) == -1)
		return (-1);
	if (onday >= 0) {
		for (i = j = 0; i < n; i++)
			if (ce_month_start(k[i].first_day) <= onday)
				k[j++] = k[i];
		n = j;
	}
	if (page_of(off, max, n, &stop, e) == -1)
		return (-1);
	refs = json_array();
	for (i = off; i < stop; i++) {
		char		 arn[160];
		uint64_t	 h = 1469598103934665603ULL;
		const char	*p;

		if (ce_attr_values(r->store, r->arena, &sc, CE_COST_CATEGORY,
		    k[i].key, start, end, NULL, NULL, &vals, &nv, e) == -1) {
			json_decref(refs);
			return (-1);
		}
		for (p = k[i].key; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		snprintf(arn, sizeof(arn), "arn:aws:ce::%s:costcategory/"
		    "%016llx", sc.payer_id[0] != '\0' ? sc.payer_id :
		    r->who.account_id, (unsigned long long)h);
		arr = json_array();
		for (j = 0; j < nv; j++)
			json_array_append_new(arr, json_string(vals[j]));
		json_array_append_new(refs, json_pack("{s:s, s:s, s:o, s:i, "
		    "s:[{s:s, s:s}], s:o}", "CostCategoryArn", arn, "Name",
		    k[i].key, "EffectiveStart", day_time(ce_month_start(
		    k[i].first_day)), "NumberOfRules", (int)nv,
		    "ProcessingStatus", "Component", "COST_EXPLORER", "Status",
		    "APPLIED", "Values", arr));
	}
	json_object_set_new(r->out, "CostCategoryReferences", refs);
	if (stop < n)
		ce_wire_token_out(r, "NextToken", hash, stop);
	return (0);
}

/* ---- Anomaly detection: the portal's, as Cost Explorer's API shows it -- */

/*
 * Every caller has one monitor: payerlink's detection over the daily cost
 * of each (account, service) of its view (portal/portal.h), a DIMENSIONAL
 * SERVICE monitor named by the caller's account. Subscriptions (e-mail or
 * SNS delivery of anomalies) do not exist: the portal shows anomalies and
 * budgets send webhooks.
 */
#define ANOMALY_HISTORY_DAYS	90	/* what AWS keeps, and what we scan */

static void
monitor_arn(struct aws_req *r, char *buf, size_t len)
{
	snprintf(buf, len, "arn:aws:ce::%s:anomalymonitor/payerlink-services",
	    r->who.account_id);
}

int
aws_ce_get_anomaly_monitors(struct aws_req *r, struct err *e)
{
	json_t		*list = json_object_get(r->in, "MonitorArnList"), *v;
	json_t		*arr = json_array();
	char		 arn[128], day[11];
	struct ce_scope	 sc;
	int64_t		 max = 100;
	size_t		 i, off;
	uint64_t	 hash = ce_wire_request_hash(r);

	json_object_set_new(r->out, "AnomalyMonitors", arr);
	if (ce_input(in_int(r, "MaxResults", 1, 1000, &max, e), e) == -1 ||
	    in_token(r, hash, &off, e) == -1 ||
	    ce_scope_account(r->store, r->arena, r->who.account_id, &sc,
	    e) == -1)
		return (-1);
	monitor_arn(r, arn, sizeof(arn));
	if (list != NULL && !json_is_null(list)) {
		if (!json_is_array(list))
			return (bad(e, "%s must be a list", "MonitorArnList"));
		json_array_foreach(list, i, v)
			if (!json_is_string(v) ||
			    strcmp(json_string_value(v), arn) != 0)
				return (err_set(e, ERR_NOT_FOUND,
				    AWSERR(UnknownMonitorException), NULL,
				    "Cost anomaly monitor %s does not exist.",
				    json_is_string(v) ? json_string_value(v) :
				    "?"));
	}
	if (off > 1)
		return (err_set(e, ERR_INVALID,
		    AWSERR(InvalidNextTokenException),
		    NULL, "The NextPageToken is not valid."));
	if (off == 1)
		return (0);
	ce_day_format(ce_today(r->store), day, sizeof(day));
	json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}",
	    "MonitorArn", arn, "MonitorName", sc.msp ? "Services of the "
	    "payer's bill" : "Services of the customer's accounts",
	    "MonitorType", "DIMENSIONAL", "MonitorDimension", "SERVICE",
	    "LastEvaluatedDate", day));
	return (0);
}

int
aws_ce_get_anomaly_subscriptions(struct aws_req *r, struct err *e)
{
	json_t		*list = json_object_get(r->in, "SubscriptionArnList");
	json_t		*mon = json_object_get(r->in, "MonitorArn");
	struct ce_scope	 sc;
	int64_t		 max = 100;
	size_t		 off;
	char		 arn[128];

	json_object_set_new(r->out, "AnomalySubscriptions", json_array());
	if (ce_input(in_int(r, "MaxResults", 1, 1000, &max, e), e) == -1 ||
	    in_token(r, ce_wire_request_hash(r), &off, e) == -1 ||
	    ce_scope_account(r->store, r->arena, r->who.account_id, &sc,
	    e) == -1)
		return (-1);
	monitor_arn(r, arn, sizeof(arn));
	if (mon != NULL && !json_is_null(mon) && (!json_is_string(mon) ||
	    strcmp(json_string_value(mon), arn) != 0))
		return (err_set(e, ERR_NOT_FOUND,
		    AWSERR(UnknownMonitorException),
		    NULL, "Cost anomaly monitor %s does not exist.",
		    json_is_string(mon) ? json_string_value(mon) : "?"));
	if (list != NULL && json_is_array(list) && json_array_size(list) > 0)
		return (err_set(e, ERR_NOT_FOUND,
		    AWSERR(UnknownSubscriptionException), NULL,
		    "Cost anomaly subscription %s does not exist.",
		    json_is_string(json_array_get(list, 0)) ?
		    json_string_value(json_array_get(list, 0)) : "?"));
	return (0);
}

/* TotalImpact {NumericOperator, StartValue, EndValue} on x (units). */
static int
impact_ok(json_t *ti, double x)
{
	const char	*op;
	double		 a, b;

	if (ti == NULL || json_is_null(ti))
		return (1);
	op = json_string_value(json_object_get(ti, "NumericOperator"));
	a = json_number_value(json_object_get(ti, "StartValue"));
	b = json_number_value(json_object_get(ti, "EndValue"));
	if (op == NULL)
		return (1);
	if (strcmp(op, "EQUAL") == 0)
		return (x == a);
	if (strcmp(op, "GREATER_THAN_OR_EQUAL") == 0)
		return (x >= a);
	if (strcmp(op, "LESS_THAN_OR_EQUAL") == 0)
		return (x <= a);
	if (strcmp(op, "GREATER_THAN") == 0)
		return (x > a);
	if (strcmp(op, "LESS_THAN") == 0)
		return (x < a);
	return (x >= a && x <= b);		/* BETWEEN */
}

int
aws_ce_get_anomalies(struct aws_req *r, struct err *e)
{
	static const char *const feedbacks[] = { "YES", "NO",
	    "PLANNED_ACTIVITY", NULL };
	static const char *const ops[] = { "EQUAL", "GREATER_THAN_OR_EQUAL",
	    "LESS_THAN_OR_EQUAL", "GREATER_THAN", "LESS_THAN", "BETWEEN",
	    NULL };
	json_t		*di = json_object_get(r->in, "DateInterval");
	json_t		*ti = json_object_get(r->in, "TotalImpact");
	json_t		*mon = json_object_get(r->in, "MonitorArn");
	json_t		*arr, *s, *n;
	struct ce_scope	 sc;
	struct anomaly	*an;
	const char	*fb = NULL;
	char		 arn[128], day[11];
	int64_t		 start, end, today, max = 100;
	size_t		 na, i, off, c = 0, stop;
	uint64_t	 hash = ce_wire_request_hash(r);

	if (di == NULL || !json_is_object(di))
		return (bad(e, "%s is required", "DateInterval"));
	s = json_object_get(di, "StartDate");
	n = json_object_get(di, "EndDate");
	today = ce_today(r->store);
	if (!json_is_string(s) || strlen(json_string_value(s)) != 10 ||
	    ce_day_parse(json_string_value(s), &start) == -1)
		return (bad(e, "DateInterval: StartDate '%s' is not "
		    "YYYY-MM-DD", json_is_string(s) ? json_string_value(s) :
		    "(none)"));
	end = today;
	if (n != NULL && !json_is_null(n) && (!json_is_string(n) ||
	    strlen(json_string_value(n)) != 10 ||
	    ce_day_parse(json_string_value(n), &end) == -1))
		return (bad(e, "DateInterval: EndDate '%s' is not YYYY-MM-DD",
		    json_is_string(n) ? json_string_value(n) : "?"));
	if (end < start)
		return (bad(e, "%s: StartDate is after EndDate",
		    "DateInterval"));
	if (ti != NULL && !json_is_null(ti)) {
		const char *op = json_string_value(json_object_get(ti,
		    "NumericOperator"));
		size_t k;

		for (k = 0; op != NULL && ops[k] != NULL; k++)
			if (strcmp(ops[k], op) == 0)
				break;
		if (op == NULL || ops[k] == NULL ||
		    !json_is_number(json_object_get(ti, "StartValue")) ||
		    (strcmp(op, "BETWEEN") == 0 &&
		    !json_is_number(json_object_get(ti, "EndValue"))))
			return (bad(e, "%s needs a NumericOperator and "
			    "StartValue (EndValue for BETWEEN)",
			    "TotalImpact"));
	}
	if (ce_input(in_enum(r, "Feedback", 0, feedbacks, &fb, e), e) == -1 ||
	    ce_input(in_int(r, "MaxResults", 1, 1000, &max, e), e) == -1 ||
	    in_token(r, hash, &off, e) == -1 ||
	    ce_scope_account(r->store, r->arena, r->who.account_id, &sc,
	    e) == -1)
		return (-1);
	monitor_arn(r, arn, sizeof(arn));
	arr = json_array();
	json_object_set_new(r->out, "Anomalies", arr);
	if (mon != NULL && !json_is_null(mon) && (!json_is_string(mon) ||
	    strcmp(json_string_value(mon), arn) != 0))
		return (0);		/* another monitor: none of ours */
	/* Detection keeps ANOMALY_HISTORY_DAYS days, as AWS does. */
	if (start < today - ANOMALY_HISTORY_DAYS)
		start = today - ANOMALY_HISTORY_DAYS;
	if (end > today)
		end = today;
	if (start > end)
		return (0);
	if (anomaly_detect(r->store, r->arena, &sc, start, end + 1, 3.0, &an,
	    &na, e) == -1)
		return (-1);
	stop = off + (size_t)max;
	for (i = 0; i < na; i++) {
		const struct anomaly *x = &an[i];
		const char *feedback = strcmp(x->status, "ACKNOWLEDGED") == 0 ?
		    "YES" : strcmp(x->status, "DISMISSED") == 0 ? "NO" : NULL;
		double impact = (double)x->impact / 1e9;
		double cost = (double)x->cost / 1e9;
		double expect = (double)x->expected / 1e9;
		double score = cost > 0 ? impact / cost : 0;
		struct account acct;
		json_t *o, *rc;

		if (fb != NULL && (feedback == NULL ||
		    strcmp(feedback, fb) != 0))
			continue;
		if (!impact_ok(ti, impact))
			continue;
		if (c++ < off)
			continue;
		if (c > stop) {
			out_token(r, hash, stop);
			break;
		}
		ce_day_format(x->day, day, sizeof(day));
		rc = json_pack("{s:s, s:s, s:s}", "Service", x->service,
		    "LinkedAccount", x->account_id, "UsageType",
		    x->usage_type);
		if (account_get(r->store, x->account_id, &acct,
		    NULL) == 0)
			json_object_set_new(rc, "LinkedAccountName",
			    json_string(acct.name));
		o = json_pack("{s:s, s:s, s:s, s:s, s:[o], s:{s:f, s:f},"
		    " s:{s:f, s:f, s:f, s:f, s:f}, s:s}",
		    "AnomalyId", x->id, "AnomalyStartDate", day,
		    "AnomalyEndDate", day, "DimensionValue", x->service,
		    "RootCauses", rc, "AnomalyScore", "MaxScore", score,
		    "CurrentScore", score, "Impact", "MaxImpact", impact,
		    "TotalImpact", impact, "TotalActualSpend", cost,
		    "TotalExpectedSpend", expect, "TotalImpactPercentage",
		    expect > 0 ? 100.0 * impact / expect : 0.0,
		    "MonitorArn", arn);
		if (feedback != NULL)
			json_object_set_new(o, "Feedback", json_string(feedback));
		json_array_append_new(arr, o);
	}
	return (0);
}

/* The GroupBy reader of GetCostAndUsage and the comparisons
 * (aws/ce_wire.h). */
int
ce_wire_group_by(struct aws_req *r, enum ce_use use, enum ce_dim *dims,
    const char **keys, size_t *n, struct err *e)
{
	json_t	*groupby = json_object_get(r->in, "GroupBy"), *v;
	size_t	 i;

	*n = 0;
	if (groupby == NULL || json_is_null(groupby))
		return (0);
	if (!json_is_array(groupby) || json_array_size(groupby) > CE_GROUP_MAX)
		return (bad(e, "%s: at most 2 groups", "GroupBy"));
	json_array_foreach(groupby, i, v) {
		json_t		*t = json_object_get(v, "Type");
		json_t		*k = json_object_get(v, "Key");
		const char	*type = json_is_string(t) ?
				    json_string_value(t) : "?";
		int		 d;

		keys[*n] = NULL;
		if (strcmp(type, "TAG") == 0 ||
		    strcmp(type, "COST_CATEGORY") == 0) {
			if (!json_is_string(k) ||
			    *json_string_value(k) == '\0' ||
			    strlen(json_string_value(k)) > 1024)
				return (bad(e, "GroupBy: %s needs a Key",
				    type));
			d = strcmp(type, "TAG") == 0 ? CE_TAG :
			    CE_COST_CATEGORY;
			keys[*n] = json_string_value(k);
		} else if (strcmp(type, "DIMENSION") != 0)
			return (bad(e, "GroupBy: Type '%s' is not supported "
			    "(DIMENSION, TAG, COST_CATEGORY)", type));
		else if ((d = in_dim(k, use, e)) < 0)
			return (-1);
		dims[(*n)++] = (enum ce_dim)d;
	}
	return (0);
}

/* The Filter reader, for the other Cost Explorer operation files
 * (aws/ce_wire.h). */
int
ce_wire_filter(struct aws_req *r, struct ce_expr **out, struct err *e)
{
	return (in_filter(r, CE_USE_FILTER, out, e));
}

int
ce_wire_filter_of(struct aws_req *r, enum ce_use use, struct ce_expr **out,
    struct err *e)
{
	return (in_filter(r, use, out, e));
}

int
ce_wire_dim(json_t *name, enum ce_use use, struct err *e)
{
	return (in_dim(name, use, e));
}
