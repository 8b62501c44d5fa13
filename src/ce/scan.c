/* SPDX-License-Identifier: MIT */
/*
 * The scan every view shares: for each paid source whose month meets the
 * period, its rows from the cache, the filter compiled against its string
 * table (a match flag per string and leaf), the rows in scope and period,
 * priced per customer through ce_price_rows().
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "billing/paid.h"
#include "billing/service.h"
#include "ce/internal.h"

/* ---- Compiled filters ------------------------------------------------- */

struct cx {
	enum ce_op	 op;
	enum ce_dim	 dim;
	int64_t		 kid;		/* CE_TAG, CE_COST_CATEGORY */
	uint8_t		*match;		/* per string of the set */
	uint8_t		 absent;	/* tags: whether no value matches */
	struct cx	*kids;
	size_t		 nkids;
};

/* Whether string s matches value v under the options (CE_MATCH_*). */
int
ce_match(const char *s, const char *v, unsigned opt)
{
	size_t	 n = strlen(s), m = strlen(v), i;
	int	 ci = (opt & CE_MATCH_CASE_INSENSITIVE) != 0;

	if (opt & CE_MATCH_STARTS_WITH)
		return (m <= n && (ci ? strncasecmp(s, v, m) :
		    strncmp(s, v, m)) == 0);
	if (opt & CE_MATCH_ENDS_WITH)
		return (m <= n && (ci ? strcasecmp(s + n - m, v) :
		    strcmp(s + n - m, v)) == 0);
	if (opt & CE_MATCH_CONTAINS) {
		for (i = 0; i + m <= n; i++)
			if ((ci ? strncasecmp(s + i, v, m) :
			    strncmp(s + i, v, m)) == 0)
				return (1);
		return (0);
	}
	return ((ci ? strcasecmp(s, v) : strcmp(s, v)) == 0);
}

int
ce_expr_names(const struct ce_expr *x, enum ce_dim d)
{
	size_t	 i;

	if (x == NULL)
		return (0);
	if (x->op == CE_DIMS)
		return (x->dim == d);
	for (i = 0; i < x->nkids; i++)
		if (ce_expr_names(x->kids[i], d))
			return (1);
	return (0);
}

static void
cx_compile(struct arena *a, const struct ce_set *s, const struct ce_expr *x,
    struct cx *out)
{
	size_t	 i, k;
	int64_t	 id;

	out->op = x->op;
	out->dim = x->dim;
	out->nkids = x->nkids;
	out->match = NULL;
	out->kids = NULL;
	out->absent = 0;
	out->kid = -1;
	if (x->op == CE_DIMS) {
		out->match = arena_zalloc(a, s->str.n + 1);
		if (x->dim == CE_TAG || x->dim == CE_COST_CATEGORY) {
			out->kid = ce_attr_kid(s, x->dim, x->key);
			out->absent = (x->match & CE_MATCH_ABSENT) != 0;
			for (i = 0; i < x->nvalues; i++)
				if (*x->values[i] == '\0')
					out->absent = 1;
			if (x->match & CE_MATCH_ABSENT)
				return;
		}
		if ((x->match & ~CE_MATCH_ABSENT) == 0) {
			for (i = 0; i < x->nvalues; i++)
				if ((id = strtab_find(&s->str,
				    x->values[i])) >= 0)
					out->match[id] = 1;
			return;
		}
		for (k = 0; k < s->str.n; k++)
			for (i = 0; i < x->nvalues && !out->match[k]; i++)
				out->match[k] = (uint8_t)ce_match(s->str.s[k],
				    x->values[i], x->match);
		return;
	}
	out->kids = arena_alloc(a, x->nkids * sizeof(*out->kids));
	for (i = 0; i < x->nkids; i++)
		cx_compile(a, s, x->kids[i], &out->kids[i]);
}

static int
cx_eval(const struct cx *x, const struct ce_set *s, const struct ce_row *r)
{
	size_t	 i;

	switch (x->op) {
	case CE_DIMS:
		if (x->dim >= CE_NDIMS) {
			uint32_t v = ce_row_attr(s, r, x->kid);

			return (v == CE_ABSENT ? x->absent : x->match[v]);
		}
		return (x->match[r->d[x->dim]]);
	case CE_AND:
		for (i = 0; i < x->nkids; i++)
			if (!cx_eval(&x->kids[i], s, r))
				return (0);
		return (1);
	case CE_OR:
		for (i = 0; i < x->nkids; i++)
			if (cx_eval(&x->kids[i], s, r))
				return (1);
		return (0);
	case CE_NOT:
		return (!cx_eval(&x->kids[0], s, r));
	}
	return (0);
}

/* ---- Scanning --------------------------------------------------------- */

/* Whether hourly row r is one that rows reads; ec2 is the string id of
 * SERVICE_EC2_COMPUTE in its set (-1: none). */
static int
rows_want(enum ce_rows rows, const struct ce_row *r, int64_t ec2)
{
	int	 day = r->hour == BILLING_HOUR_DAY;
	int	 inst = (int64_t)r->d[CE_SERVICE] == ec2;

	switch (rows) {
	case CE_ROWS_HOURS:
		return (!day);
	case CE_ROWS_INSTANCE_HOURS:
		return (!day && inst);
	case CE_ROWS_RESOURCES:
		return (day || inst);
	}
	return (0);
}

/* [start, end) in days, or in hours over the hourly rows (hourly: which
 * ones, 1 + enum ce_rows). */
static int
scan(struct store *st, struct arena *a, const struct ce_scope *sc,
    int hourly, int64_t start, int64_t end, const struct ce_expr *filter,
    ce_visit_fn visit, void *arg, struct err *e)
{
	struct billing_source	*im;
	size_t			 nim, i, k, n;
	char			 from[8], to[8], d[11];
	int64_t			 per = hourly ? 24 : 1, t;
	int			 rc = -1;

	ce_day_format(start / per, d, sizeof(d));
	snprintf(from, sizeof(from), "%.7s", d);
	ce_day_format((end - 1) / per, d, sizeof(d));
	snprintf(to, sizeof(to), "%.7s", d);
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	/* Whose cost it is: only the paid sources' lines (billing/paid.h);
	 * a customer sees the billable ones of its accounts. */
	if (paid_sources(st, a, from, to, &im, &nim, e) == -1)
		goto out;
	for (i = 0; i < nim; i++) {
		struct ce_set		*s;
		struct cx		 fx;
		uint8_t			*allowed = NULL;
		const char		**cust = NULL;
		uint32_t		*idx;
		struct ce_price		*price = NULL;
		const char		**rowcust;
		int64_t			 ec2;

		if ((s = ce_set_get(st, &im[i], hourly != 0, e)) == NULL)
			goto out;
		if (s->nrows == 0 || (s->max_day + 1) * per <= start ||
		    s->min_day * per >= end) {
			ce_set_put(s);
			continue;
		}
		if (filter != NULL)
			cx_compile(a, s, filter, &fx);
		/* Who owns each account string of this set. */
		cust = arena_zalloc(a, (s->str.n + 1) * sizeof(*cust));
		allowed = arena_zalloc(a, s->str.n + 1);
		for (k = 0; k < sc->nowners; k++) {
			int64_t	 id = strtab_find(&s->str,
			    sc->owners[k].account_id);
			if (id >= 0) {
				cust[id] = sc->owners[k].customer_id;
				allowed[id] = 1;
			}
		}
		ec2 = hourly ? strtab_find(&s->str, SERVICE_EC2_COMPUTE) : -1;
		idx = arena_alloc(a, (s->nrows + 1) * sizeof(*idx));
		rowcust = arena_alloc(a, (s->nrows + 1) * sizeof(*rowcust));
		n = 0;
		for (k = 0; k < s->nrows; k++) {
			const struct ce_row *r = &s->rows[k];

			if ((t = ce_row_time(s, r)) < start || t >= end)
				continue;
			if (hourly && !rows_want(hourly - 1, r, ec2))
				continue;
			if (!sc->msp && (!paid_billable(r->in_membership) ||
			    !allowed[r->d[CE_LINKED_ACCOUNT]]))
				continue;
			if (filter != NULL && !cx_eval(&fx, s, r))
				continue;
			rowcust[n] = paid_billable(r->in_membership) ?
			    cust[r->d[CE_LINKED_ACCOUNT]] : NULL;
			idx[n++] = (uint32_t)k;
		}
		if (n > 0) {
			price = arena_zalloc(a, n * sizeof(*price));
			if (ce_price_set(st, a, s, idx, rowcust, n, price,
			    e) == -1) {
				ce_set_put(s);
				goto out;
			}
			if (visit(arg, s, idx, rowcust, price, n, e) == -1) {
				ce_set_put(s);
				goto out;
			}
		}
		ce_set_put(s);
	}
	rc = 0;
out:
	if (rc == 0) {
		if (store_commit(st, e) == -1)
			return (-1);
	} else
		store_rollback(st);
	return (rc);
}

int
ce_scan(struct store *st, struct arena *a, const struct ce_scope *sc,
    int64_t start, int64_t end, const struct ce_expr *filter,
    ce_visit_fn visit, void *arg, struct err *e)
{
	return (scan(st, a, sc, 0, start, end, filter, visit, arg, e));
}

int
ce_scan_hours(struct store *st, struct arena *a, const struct ce_scope *sc,
    enum ce_rows rows, int64_t start, int64_t end,
    const struct ce_expr *filter, ce_visit_fn visit, void *arg,
    struct err *e)
{
	return (scan(st, a, sc, 1 + (int)rows, start, end, filter, visit, arg,
	    e));
}

int
ce_price_set(struct store *st, struct arena *a, const struct ce_set *s,
    const uint32_t *idx, const char **rowcust, size_t n,
    struct ce_price *price, struct err *e)
{
	const char		*cust[64];
	size_t			 ncust = 0, *count, *at, i, k, c, m = 0;
	uint32_t		*ord;
	uint8_t			*ci;
	struct billing_rollup	*rows;
	struct ce_price		*out;
	char			*days;
	const char		*prev = NULL;
	size_t			 prevc = 0;

	/*
	 * Rows come ordered by account, so the owner changes rarely: find
	 * each row's customer index comparing pointers first, then bucket
	 * the rows by customer (counting sort) and price each customer's
	 * rows in one call. More than 64 customers in one import: priced in
	 * rounds of 64.
	 */
	ci = arena_alloc(a, n + 1);
	for (i = 0; i < n; i++) {
		if (rowcust[i] == NULL) {
			ci[i] = 0xff;
			continue;
		}
		if (rowcust[i] != prev) {
			for (k = 0; k < ncust; k++)
				if (strcmp(cust[k], rowcust[i]) == 0)
					break;
			if (k == ncust) {
				if (ncust == 64) {
					ci[i] = 0xfe;	/* next round */
					continue;
				}
				cust[ncust++] = rowcust[i];
			}
			prev = rowcust[i];
			prevc = k;
		}
		ci[i] = (uint8_t)prevc;
	}
	if (ncust == 0)
		return (0);
	count = arena_zalloc(a, (ncust + 1) * sizeof(*count));
	at = arena_zalloc(a, (ncust + 1) * sizeof(*at));
	for (i = 0; i < n; i++)
		if (ci[i] < ncust) {
			count[ci[i]]++;
			m++;
		}
	for (c = 1; c <= ncust; c++)
		at[c] = at[c - 1] + count[c - 1];
	ord = arena_alloc(a, (m + 1) * sizeof(*ord));
	for (i = 0; i < n; i++)
		if (ci[i] < ncust)
			ord[at[ci[i]]++] = (uint32_t)i;
	rows = arena_alloc(a, (m + 1) * sizeof(*rows));
	out = arena_alloc(a, (m + 1) * sizeof(*out));
	/* Day strings of this set's days (a month, at most 31 of them). */
	days = arena_alloc(a, (size_t)(s->max_day - s->min_day + 1) * 11);
	for (k = 0; k <= (size_t)(s->max_day - s->min_day); k++)
		ce_day_format(s->min_day + (int64_t)k, days + k * 11, 11);
	for (i = 0; i < m; i++) {
		const struct ce_row *r = &s->rows[idx[ord[i]]];
		struct billing_rollup *w = &rows[i];

		w->period = s->period;
		w->day = days + (size_t)(r->day - s->min_day) * 11;
		w->payer_id = "";
		w->account_id = s->str.s[r->d[CE_LINKED_ACCOUNT]];
		w->product_code = s->str.s[r->code];
		w->usage_type = s->str.s[r->d[CE_USAGE_TYPE]];
		w->operation = s->str.s[r->d[CE_OPERATION]];
		if (strcmp(w->operation, "NoOperation") == 0)
			w->operation = "";
		w->region = s->str.s[r->d[CE_REGION]];
		if (strcmp(w->region, "NoRegion") == 0)
			w->region = "";
		w->line_item_type = s->str.s[r->d[CE_RECORD_TYPE]];
		w->pricing_term = s->str.s[r->term];
		w->attrs = "";
		w->in_membership = r->in_membership;
		w->unblended = r->unblended;
		w->net_unblended = r->net;
		w->amortized = r->amortized;
		w->public_on_demand = r->public_od;
		w->usage_amount = r->usage;
		w->line_count = 0;
	}
	for (c = 0, i = 0; c < ncust; i += count[c], c++)
		if (count[c] > 0 && ce_price_rows(st, cust[c], s->period,
		    rows + i, count[c], out + i, e) == -1)
			return (-1);
	for (i = 0; i < m; i++)
		price[ord[i]] = out[i];
	/* Rows of customers beyond the first 64: another round. */
	for (i = 0; i < n; i++)
		if (ci[i] == 0xfe)
			break;
	if (i < n) {
		const char	**rest = arena_zalloc(a, n * sizeof(*rest));
		struct ce_price	*p2 = arena_zalloc(a, n * sizeof(*p2));

		for (k = 0; k < n; k++)
			if (ci[k] == 0xfe)
				rest[k] = rowcust[k];
		if (ce_price_set(st, a, s, idx, rest, n, p2, e) == -1)
			return (-1);
		for (k = 0; k < n; k++)
			if (ci[k] == 0xfe)
				price[k] = p2[k];
	}
	return (0);
}

void
ce_row_values(const struct ce_scope *sc, const struct ce_row *r,
    const char *owner, const struct ce_price *p, int64_t v[CE_NMETRICS])
{
	if (sc->msp) {
		v[CE_UNBLENDED] = r->unblended;
		v[CE_NET_UNBLENDED] = owner != NULL ? p->net : 0;
		v[CE_AMORTIZED] = r->amortized;
		v[CE_BLENDED] = r->unblended;
	} else {
		v[CE_UNBLENDED] = p->unblended;
		v[CE_NET_UNBLENDED] = p->net;
		v[CE_AMORTIZED] = p->amortized;
		v[CE_BLENDED] = p->blended;
	}
	v[CE_USAGE] = r->usage;
}
