/* SPDX-License-Identifier: MIT */
/*
 * Reservations and Savings Plans as Cost Explorer reports them
 * (GetReservationUtilization, GetReservationCoverage,
 * GetSavingsPlansUtilization, GetSavingsPlansCoverage): sums of the
 * commitment lines of the rollups (RIFee, DiscountedUsage,
 * SavingsPlanRecurringFee, SavingsPlanCoveredUsage) and of the instance
 * hours run on demand, per bucket and group, from the same scan as
 * GetCostAndUsage (scan.c), so who sees what and at which prices is the
 * same: the MSP AWS's figures, a customer its accounts at its prices.
 *
 * A fee line (RIFee, SavingsPlanRecurringFee) stands for the hours it
 * bills: AWS writes an RIFee once a month for the month's reserved hours,
 * so a fee row is spread evenly over ceil(hours / 24) days from its day,
 * never past its month's end (a daily row of hourly fees stays on its
 * day), its amounts split so that the days add up exactly. What each
 * figure is: ce.h (struct ce_commit).
 */
#include <stdlib.h>
#include <string.h>

#include "billing/attrs.h"
#include "billing/money.h"
#include "ce/internal.h"
#include "core/xmalloc.h"

#define DAY_USAGE	(24LL * 1000000)	/* 24 hours in 10^-6 */

enum line_kind {
	K_NONE, K_RI_FEE, K_RI_USED, K_SP_FEE, K_SP_USED, K_OD_HOURS
};

struct cagg {
	const struct ce_scope	*sc;
	struct arena		*a;
	int64_t			 start, end;	/* days, end exclusive */
	uint32_t		*bucket_of;	/* day - start -> bucket */
	int			 group;		/* a ce_dim, or -1 */
	struct strtab		 keys;
	struct ce_commit	**col;		/* per key: nbuckets cells */
	size_t			 nbuckets, ncol;
	struct ce_commit_attrs	*kattrs;	/* per key, in a */
	uint8_t			*kfee;		/* kattrs are a fee line's */
	int64_t			*kimport;	/* the import of that line */
	size_t			 nkattrs;
};

/* Which commitment figure a row feeds (or none). */
static enum line_kind
line_kind(const struct ce_set *s, const struct ce_row *r)
{
	const char	*t = s->str.s[r->d[CE_RECORD_TYPE]];

	if (strcmp(t, "RIFee") == 0)
		return (K_RI_FEE);
	if (strcmp(t, "DiscountedUsage") == 0)
		return (K_RI_USED);
	if (strcmp(t, "SavingsPlanRecurringFee") == 0)
		return (K_SP_FEE);
	if (strcmp(t, "SavingsPlanCoveredUsage") == 0)
		return (K_SP_USED);
	/* Instance hours run on demand: what a reservation or a plan
	 * could have covered (not Spot). */
	if (strcmp(t, "Usage") == 0 && strcmp(s->str.s[r->d[CE_INSTANCE_TYPE]],
	    "NoInstanceType") != 0 && strcmp(s->str.s[r->d[CE_PURCHASE_TYPE]],
	    "On Demand Instances") == 0)
		return (K_OD_HOURS);
	return (K_NONE);
}

/* The cell of (bucket b, key k). */
static struct ce_commit *
cell(struct cagg *g, size_t b, uint32_t k)
{
	size_t	 n;

	if (k >= g->ncol) {
		n = g->ncol ? g->ncol * 2 : 16;
		while (n <= k)
			n *= 2;
		g->col = xrealloc(g->col, n * sizeof(*g->col));
		memset(g->col + g->ncol, 0, (n - g->ncol) * sizeof(*g->col));
		g->ncol = n;
	}
	if (g->col[k] == NULL)
		g->col[k] = xcalloc(g->nbuckets, sizeof(**g->col));
	return (&g->col[k][b]);
}

/* A dimension's value, "" for the stand-in of none ("NoAZ", cache.c). */
static const char *
known(const char *v)
{
	return (v[0] == 'N' && v[1] == 'o' && v[2] >= 'A' && v[2] <= 'Z' ?
	    "" : v);
}

/* The family of instance type t ("m5" of "m5.large"; "" for none). */
static const char *
family_of(struct arena *a, const char *t)
{
	const char	*dot = strchr(known(t), '.');
	char		*f;

	if (dot == NULL)
		return ("");
	f = arena_alloc(a, (size_t)(dot - t) + 1);
	memcpy(f, t, (size_t)(dot - t));
	f[dot - t] = '\0';
	return (f);
}

/* Key k's attributes from row r, if it has none yet or r is the first
 * fee line of its commitment. */
static void
key_attrs(struct cagg *g, const struct ce_set *s, const struct ce_row *r,
    enum line_kind kind, uint32_t k)
{
	struct ce_commit_attrs	*o;
	int			 fee = kind == K_RI_FEE || kind == K_SP_FEE;
	int64_t			 kid;
	uint32_t		 v;
	size_t			 n;

	if (k >= g->nkattrs) {
		n = g->nkattrs ? g->nkattrs * 2 : 16;
		while (n <= k)
			n *= 2;
		g->kattrs = xrealloc(g->kattrs, n * sizeof(*g->kattrs));
		g->kfee = xrealloc(g->kfee, n);
		g->kimport = xrealloc(g->kimport, n * sizeof(*g->kimport));
		memset(g->kattrs + g->nkattrs, 0, (n - g->nkattrs) *
		    sizeof(*g->kattrs));
		memset(g->kfee + g->nkattrs, 0, n - g->nkattrs);
		g->nkattrs = n;
	}
	o = &g->kattrs[k];
	if (o->account != NULL && (g->kfee[k] || !fee))
		return;
	g->kfee[k] = fee;
	g->kimport[k] = s->import_id;
#define DIM(x)	arena_strdup(g->a, known(s->str.s[r->d[x]]))
	o->account = DIM(CE_LINKED_ACCOUNT);
	o->region = DIM(CE_REGION);
	o->instance_type = DIM(CE_INSTANCE_TYPE);
	o->platform = DIM(CE_PLATFORM);
	o->tenancy = DIM(CE_TENANCY);
	o->az = DIM(CE_AZ);
	o->sp_type = DIM(CE_SAVINGS_PLANS_TYPE);
#undef DIM
	kid = strtab_find(&s->str, kind == K_SP_FEE || kind == K_SP_USED ?
	    "a" ATTRS_ARN_SP : "a" ATTRS_ARN_RI);
	v = ce_row_attr(s, r, kid);
	o->arn = arena_strdup(g->a, v != CE_ABSENT ? s->str.s[v] : "");
}

/* Adds day j's part of ndays of each amount of row r (values v) to c:
 * floor((j + 1) x / ndays) - floor(j x / ndays), so the days sum to x. */
static void
add(struct ce_commit *c, enum line_kind k, const struct ce_row *r,
    int ec2, const int64_t v[CE_NMETRICS], int64_t j, int64_t ndays)
{
#define PART(x)	((int64_t)((__int128)(x) * (j + 1) / ndays - \
	(__int128)(x) * j / ndays))
	switch (k) {
	case K_RI_FEE:
		c->ri_purchased_hours += PART(r->usage);
		c->ri_recurring += PART(v[CE_UNBLENDED]);
		c->ri_unused_cost += PART(v[CE_AMORTIZED]);
		break;
	case K_RI_USED:
		c->ri_used_hours += PART(r->usage);
		c->ri_used_cost += PART(v[CE_AMORTIZED]);
		c->ri_on_demand += PART(r->public_od);
		break;
	case K_SP_FEE:
		c->sp_recurring += PART(v[CE_UNBLENDED]);
		c->sp_unused += PART(v[CE_AMORTIZED]);
		break;
	case K_SP_USED:
		c->sp_used += PART(v[CE_AMORTIZED]);
		c->sp_on_demand += PART(r->public_od);
		break;
	case K_OD_HOURS:
		c->od_hours += PART(r->usage);
		c->od_cost += PART(v[CE_UNBLENDED]);
		if (ec2)
			c->sp_eligible += PART(v[CE_UNBLENDED]);
		break;
	case K_NONE:
		break;
	}
#undef PART
}

/* c += x, field by field. */
static void
sum_into(struct ce_commit *c, const struct ce_commit *x)
{
	const int64_t	*p = (const int64_t *)x;
	int64_t		*o = (int64_t *)c;
	size_t		 i;

	for (i = 0; i < sizeof(*c) / sizeof(int64_t); i++)
		o[i] += p[i];
}

static int
commit_visit(void *arg, const struct ce_set *s, const uint32_t *idx,
    const char **rowcust, const struct ce_price *price, size_t n,
    struct err *e)
{
	struct cagg	*g = arg;
	int64_t		*gmap = NULL, ec2;
	size_t		 i;

	(void)e;
	ec2 = strtab_find(&s->str, "Amazon Elastic Compute Cloud - Compute");
	if (g->group >= 0) {
		gmap = xcalloc(s->str.n + 1, sizeof(*gmap));
		for (i = 0; i <= s->str.n; i++)
			gmap[i] = -1;
	}
	for (i = 0; i < n; i++) {
		const struct ce_row	*r = &s->rows[idx[i]];
		enum line_kind		 k = line_kind(s, r);
		int64_t			 v[CE_NMETRICS], d0, d1, d, ndays;
		uint32_t		 key = 0;

		if (k == K_NONE)
			continue;
		if (gmap != NULL) {
			uint32_t sid = r->d[g->group == CE_INSTANCE_FAMILY ?
			    CE_INSTANCE_TYPE : g->group];

			if (gmap[sid] < 0)
				gmap[sid] = strtab_add(&g->keys,
				    g->group == CE_INSTANCE_FAMILY ?
				    family_of(g->a, s->str.s[sid]) :
				    s->str.s[sid]);
			key = (uint32_t)gmap[sid];
			key_attrs(g, s, r, k, key);
		}
		ce_row_values(g->sc, r, rowcust[i], &price[i], v);
		ndays = 1;
		if (k == K_RI_FEE || k == K_SP_FEE) {
			ndays = (r->usage + DAY_USAGE - 1) / DAY_USAGE;
			if (ndays > ce_month_next(r->day) - r->day)
				ndays = ce_month_next(r->day) - r->day;
			if (ndays < 1)
				ndays = 1;
		}
		d0 = r->day > g->start ? r->day : g->start;
		d1 = r->day + ndays < g->end ? r->day + ndays : g->end;
		for (d = d0; d < d1; d++)
			add(cell(g, g->bucket_of[d - g->start], key), k, r,
			    ec2 == r->d[CE_SERVICE], v, d - r->day, ndays);
	}
	xfree(gmap);
	return (0);
}

/*
 * Each keyed commitment's attrs (billing/attrs.h) as its import keeps
 * them, "" when it keeps none: read per import in one snapshot, after the
 * scan's (an import's commitments never change, like its rows).
 */
static int
commitment_attrs(struct store *st, struct arena *a, const struct cagg *g,
    struct ce_commit_result *out, struct err *e)
{
	struct billing_commitment	*cm = NULL;
	size_t				 ncm = 0, k, j;
	int64_t				 have = 0;

	for (k = 0; k < out->nkeys; k++)
		out->kattrs[k].commitment = "";
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	for (k = 0; k < out->nkeys && k < g->nkattrs; k++) {
		const char *arn = out->kattrs[k].arn;

		if (arn == NULL || *arn == '\0')
			continue;
		/* Keys of the same import come together mostly: read
		 * each import's again only when it changes. */
		if (g->kimport[k] != have) {
			if (paid_commitments(st, a, g->kimport[k], &cm, &ncm,
			    e) == -1) {
				store_rollback(st);
				return (-1);
			}
			have = g->kimport[k];
		}
		for (j = 0; j < ncm; j++)
			if (strcmp(cm[j].arn, arn) == 0)
				break;
		if (j < ncm)
			out->kattrs[k].commitment = cm[j].attrs;
	}
	store_rollback(st);
	return (0);
}

int
ce_commit_run(struct store *st, struct arena *a, const struct ce_scope *sc,
    int64_t start, int64_t end, enum ce_gran gran, int group,
    const struct ce_expr *filter, struct ce_commit_result *out, struct err *e)
{
	struct cagg	 g;
	int64_t		 d, b;
	size_t		 i, k;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if (start >= end || end - start > CE_DAYS_MAX)
		return (err_set(e, ERR_INVALID, AWSERR(ValidationException),
		    NULL, "TimePeriod: at most %d days, Start before End",
		    CE_DAYS_MAX));
	memset(&g, 0, sizeof(g));
	g.sc = sc;
	g.a = a;
	g.start = start;
	g.end = end;
	g.group = group;
	strtab_init(&g.keys);
	g.bucket_of = arena_alloc(a, (size_t)(end - start) *
	    sizeof(*g.bucket_of));
	out->bstart = arena_alloc(a, (size_t)(end - start) * sizeof(int64_t));
	out->bend = arena_alloc(a, (size_t)(end - start) * sizeof(int64_t));
	for (d = start, b = -1; d < end; d++) {
		if (b < 0 || gran == CE_DAILY || (gran == CE_MONTHLY &&
		    d == ce_month_start(d))) {
			b++;
			out->bstart[b] = d;
		}
		out->bend[b] = gran == CE_MONTHLY ? (ce_month_next(d) < end ?
		    ce_month_next(d) : end) : gran == CE_WHOLE ? end : d + 1;
		g.bucket_of[d - start] = (uint32_t)b;
	}
	g.nbuckets = out->nbuckets = (size_t)b + 1;
	/* From the first month's start: its fee rows reach into the
	 * period. */
	rc = ce_scan(st, a, sc, ce_month_start(start), end, filter,
	    commit_visit, &g, e);
	if (rc == 0) {
		size_t	 nk = g.group >= 0 ? g.keys.n : 1;

		out->nkeys = g.group >= 0 ? g.keys.n : 0;
		out->keys = arena_alloc(a, (nk + 1) * sizeof(*out->keys));
		out->kattrs = arena_zalloc(a, (nk + 1) *
		    sizeof(*out->kattrs));
		for (k = 0; k < out->nkeys; k++) {
			out->keys[k] = arena_strdup(a, g.keys.s[k]);
			if (k < g.nkattrs)
				out->kattrs[k] = g.kattrs[k];
		}
		rc = commitment_attrs(st, a, &g, out, e);
		out->cells = arena_zalloc(a, out->nbuckets * nk *
		    sizeof(*out->cells));
		out->total = arena_zalloc(a, (out->nbuckets + 1) *
		    sizeof(*out->total));
		for (k = 0; k < nk && k < g.ncol; k++)
			for (i = 0; g.col[k] != NULL && i < out->nbuckets;
			    i++) {
				out->cells[i * nk + k] = g.col[k][i];
				sum_into(&out->total[i], &g.col[k][i]);
				sum_into(&out->total[out->nbuckets],
				    &g.col[k][i]);
			}
		out->stride = nk;
		snprintf(out->currency, sizeof(out->currency), "USD");
	}
	for (k = 0; k < g.ncol; k++)
		xfree(g.col[k]);
	xfree(g.col);
	xfree(g.kattrs);
	xfree(g.kfee);
	xfree(g.kimport);
	strtab_release(&g.keys);
	return (rc);
}

/* ---- The figures Cost Explorer derives -------------------------------- */

/* Percent part / whole in 10^-6 ("87.5"), 0 when whole is 0. */
static int64_t
percent(int64_t part, int64_t whole)
{
	if (whole == 0)
		return (0);
	return ((int64_t)((__int128)part * 100 * 1000000 / whole));
}

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
void
ce_ri_util_of(const struct ce_commit *c, struct ce_ri_util *o)
{
	memset(o, 0, sizeof(*o));
	o->purchased_hours = c->ri_purchased_hours;
	o->actual_hours = c->ri_used_hours;
	o->unused_hours = c->ri_purchased_hours > c->ri_used_hours ?
	    c->ri_purchased_hours - c->ri_used_hours : 0;
	o->utilization_pct = percent(c->ri_used_hours, c->ri_purchased_hours);
	o->on_demand_cost_used = c->ri_on_demand;
	o->amortized_total = c->ri_used_cost + c->ri_unused_cost;
	o->amortized_recurring = c->ri_recurring;
	o->amortized_upfront = o->amortized_total - c->ri_recurring;
	o->unused_cost = c->ri_unused_cost;
	o->net_savings = c->ri_on_demand - o->amortized_total;
	o->realized_savings = c->ri_on_demand - c->ri_used_cost;
	if (c->ri_used_hours > 0)
		o->unrealized_savings = (int64_t)((__int128)c->ri_on_demand *
		    o->unused_hours / c->ri_used_hours);
	o->potential_savings = o->net_savings + o->unrealized_savings;
}

/* Coverage: reserved hours (DiscountedUsage) against the instance hours
 * run on demand, and the on-demand hours' cost. */
void
ce_ri_cov_of(const struct ce_commit *c, struct ce_ri_cov *o)
{
	o->on_demand_hours = c->od_hours;
	o->reserved_hours = c->ri_used_hours;
	o->running_hours = c->ri_used_hours + c->od_hours;
	o->coverage_pct = percent(c->ri_used_hours, o->running_hours);
	o->on_demand_cost = c->od_cost;
}

/*
 * Utilization, Savings and AmortizedCommitment of a Savings Plans sum: the
 * commitment used is the covered usage's Savings Plan (effective) cost,
 * the unused one the recurring fee lines' amortized part; their sum is
 * the total amortized commitment, of which the recurring fee and the
 * amortized upfront payment (the rest); NetSavings = the covered usage's
 * on-demand cost - the total commitment.
 */
void
ce_sp_util_of(const struct ce_commit *c, struct ce_sp_util *o)
{
	o->total = c->sp_used + c->sp_unused;
	o->used = c->sp_used;
	o->unused = c->sp_unused;
	o->utilization_pct = percent(c->sp_used, o->total);
	o->net_savings = c->sp_on_demand - o->total;
	o->on_demand_equiv = c->sp_on_demand;
	o->amortized_recurring = c->sp_recurring;
	o->amortized_upfront = o->total - c->sp_recurring;
	o->amortized_total = o->total;
}

/* SavingsPlansCoverageData: the spend a plan covered (its effective cost)
 * against the EC2 instance hours run on demand. */
void
ce_sp_cov_of(const struct ce_commit *c, struct ce_sp_cov *o)
{
	o->covered = c->sp_used;
	o->on_demand_cost = c->sp_eligible;
	o->total = c->sp_used + c->sp_eligible;
	o->coverage_pct = percent(c->sp_used, o->total);
}

/* ---- A Savings Plan's own attributes ---------------------------------- */

/* The field of attrs (attrs.h) a plan attribute dimension reads. */
static int
plan_field(enum ce_dim d)
{
	return (d == CE_PAYMENT_OPTION ? CF_PAYMENT :
	    d == CE_INSTANCE_TYPE_FAMILY ? CF_FAMILY : -1);
}

/* Whether field fi of a plan's attrs is one of values. */
static int
plan_has(const char *attrs, int fi, const char *const *values, size_t n)
{
	const char	*f[COMMIT_NFIELDS];
	size_t		 len[COMMIT_NFIELDS], i;

	commit_attrs_split(attrs, f, len);
	for (i = 0; i < n; i++)
		if (len[fi] > 0 && strlen(values[i]) == len[fi] &&
		    memcmp(values[i], f[fi], len[fi]) == 0)
			return (1);
	return (0);
}

/* Rewrites the plan attribute leaves of x over the plans of res (NULL:
 * x has none), and the instance family ones. */
static void
plan_rewrite(struct arena *a, const struct ce_commit_result *res,
    struct ce_expr *x)
{
	const char	**arns;
	size_t		 i, n = 0;
	int		 fi;

	if (x->op != CE_DIMS) {
		for (i = 0; i < x->nkids; i++)
			plan_rewrite(a, res, x->kids[i]);
		return;
	}
	if (x->dim == CE_INSTANCE_FAMILY) {
		char	**v = arena_alloc(a, (x->nvalues + 1) * sizeof(*v));

		for (i = 0; i < x->nvalues; i++) {
			n = strlen(x->values[i]);
			v[i] = arena_alloc(a, n + 2);
			memcpy(v[i], x->values[i], n);
			memcpy(v[i] + n, ".", 2);
		}
		x->dim = CE_INSTANCE_TYPE;
		x->match = CE_MATCH_STARTS_WITH;
		x->values = (const char *const *)v;
		return;
	}
	if ((fi = plan_field(x->dim)) < 0 || res == NULL)
		return;
	arns = arena_alloc(a, (res->nkeys + 1) * sizeof(*arns));
	for (i = 0; i < res->nkeys; i++)
		if (res->keys[i][0] != '\0' && plan_has(
		    res->kattrs[i].commitment, fi, x->values, x->nvalues))
			arns[n++] = res->keys[i];
	x->dim = CE_SAVINGS_PLAN_ARN;
	x->match = 0;
	x->values = arns;
	x->nvalues = n;		/* none: matches no line */
}

int
ce_commit_filter(struct store *st, struct arena *a, const struct ce_scope *sc,
    int64_t start, int64_t end, struct ce_expr *x, struct err *e)
{
	struct ce_commit_result	 res;

	if (!ce_expr_names(x, CE_PAYMENT_OPTION) &&
	    !ce_expr_names(x, CE_INSTANCE_TYPE_FAMILY)) {
		if (ce_expr_names(x, CE_INSTANCE_FAMILY))
			plan_rewrite(a, NULL, x);
		return (0);
	}
	/* The plans of the period in scope, whatever else x says. */
	if (ce_commit_run(st, a, sc, start, end, CE_WHOLE, CE_SAVINGS_PLAN_ARN,
	    NULL, &res, e) == -1)
		return (-1);
	plan_rewrite(a, &res, x);
	return (0);
}

static int
str_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

int
ce_plan_values(struct store *st, struct arena *a, const struct ce_scope *sc,
    enum ce_dim d, int64_t start, int64_t end, const struct ce_expr *filter,
    const char *search, const char ***out, size_t *n_out, struct err *e)
{
	struct ce_commit_result	 res;
	const char		*f[COMMIT_NFIELDS], **v;
	size_t			 len[COMMIT_NFIELDS], i, n = 0, k = 0;
	int			 fi = plan_field(d);

	*out = NULL;
	*n_out = 0;
	if (fi < 0 || ce_commit_run(st, a, sc, start, end, CE_WHOLE,
	    CE_SAVINGS_PLAN_ARN, filter, &res, e) == -1)
		return (fi < 0 ? 0 : -1);
	v = arena_alloc(a, (res.nkeys + 1) * sizeof(*v));
	for (i = 0; i < res.nkeys; i++) {
		char	*s;

		if (res.keys[i][0] == '\0')
			continue;
		commit_attrs_split(res.kattrs[i].commitment, f, len);
		if (len[fi] == 0)
			continue;
		s = arena_alloc(a, len[fi] + 1);
		memcpy(s, f[fi], len[fi]);
		s[len[fi]] = '\0';
		if (search == NULL || strcasestr(s, search) != NULL)
			v[n++] = s;
	}
	qsort(v, n, sizeof(*v), str_cmp);
	for (i = 0; i < n; i++)
		if (k == 0 || strcmp(v[k - 1], v[i]) != 0)
			v[k++] = v[i];
	*out = v;
	*n_out = k;
	return (0);
}

/* Field fi of attrs as a decimal at 10^-9; -1 when empty or malformed. */
static int
plan_num(const char *f[COMMIT_NFIELDS], const size_t len[COMMIT_NFIELDS],
    int fi, int64_t *v)
{
	return (len[fi] > 0 && money_parse_ref(f[fi], len[fi], MONEY_DIGITS,
	    v) == MONEY_OK ? 0 : -1);
}

/* x * mul / div, rounded half away from zero. */
static int64_t
muldiv(int64_t x, int64_t mul, int64_t div)
{
	__int128	 p = (__int128)x * mul;

	return ((int64_t)((p < 0 ? p - div / 2 : p + div / 2) / div));
}

unsigned
ce_plan_fees(const char *attrs, int64_t *hourly, int64_t *recurring,
    int64_t *upfront)
{
	const char	*f[COMMIT_NFIELDS];
	size_t		 len[COMMIT_NFIELDS];
	int64_t		 commit, fee, hours, years = 0;
	unsigned	 have = 0;

	*hourly = *recurring = *upfront = 0;
	commit_attrs_split(attrs, f, len);
	if (plan_num(f, len, CF_SP_HOURS, &hours) == -1 || hours <= 0)
		return (0);
	if (plan_num(f, len, CF_SP_COMMIT, &commit) == 0) {
		*hourly = muldiv(commit, NANO, hours);
		have |= CE_FEE_HOURLY;
	}
	if (plan_num(f, len, CF_SP_FEE, &fee) == 0) {
		*recurring = muldiv(fee, NANO, hours);
		have |= CE_FEE_RECURRING;
	}
	/* savingsPlan/PurchaseTerm: "1yr", "3yr". */
	if (len[CF_TERM] >= 3 && f[CF_TERM][0] >= '1' && f[CF_TERM][0] <= '9' &&
	    memcmp(f[CF_TERM] + 1, "yr", 2) == 0)
		years = f[CF_TERM][0] - '0';
	if ((have & (CE_FEE_HOURLY | CE_FEE_RECURRING)) ==
	    (CE_FEE_HOURLY | CE_FEE_RECURRING) && years > 0) {
		*upfront = muldiv(commit - fee, years * 8760 * NANO, hours);
		have |= CE_FEE_UPFRONT;
	}
	return (have);
}
