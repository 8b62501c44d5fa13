/* SPDX-License-Identifier: MIT */
/*
 * The billing portal under /portal: Overview, Cost analysis (+ CSV),
 * Invoices and the FOCUS download here; Budgets and Anomalies in
 * portal_alert_pages.c (portal_internal.h between them). Who sees what: a
 * customer user only its customer (any ?customer= is ignored); MSP users
 * (admin, operator, billing, read-only) and the MSP's account every customer, or
 * the whole payer with no ?customer=. Numbers come from ce/, the same
 * engine the Cost Explorer API answers from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/money.h"
#include "onboard/onboard.h"
#include "portal/portal.h"
#include "web/page.h"
#include "web/portal_internal.h"
#include "web/svg.h"
#include "web/web.h"

#define TOP_N		8	/* groups in the chart, then "Others" */
#define PAGE_ROWS	20	/* groups on one page of the cost table */
#define RANGE_MAX_DAYS	397	/* 13 months */
#define CA_VALUES_MAX	20	/* values of one filter */
#define TREND_MONTHS	6	/* months before this one on the overview */
#define FORECAST_LEVEL	80	/* the forecast's prediction interval, % */
#define FORECAST_LEVEL_TEXT "80 %"
#define TOO_LARGE	"These costs add up to more than one sum can hold " \
	"(about 9.2 billion): choose a shorter range or a filter."

static void
money_format_csv(int64_t v, char *buf, size_t len)
{
	money_format(v, MONEY_DIGITS, buf, len);
}

static void
csv_field(struct buf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

int
portal_signin(struct ctx *c, const char *email, const char *password)
{
	struct portal_user	 u;
	struct msp		 m;
	struct err		 e;

	err_clear(&e);
	if (portal_user_authenticate(c->r->store, email, password, &u,
	    &e) == -1 || msp_get(c->r->store, &m, &e) == -1)
		return (-1);
	/* The session row names the MSP's account (web_sessions needs
	 * one); the portal session marks it as this user's. */
	if (session_start(c, m.account_id, &e) == -1 ||
	    portal_session_start(c->r->store, c->ws.token_hash, u.id,
	    &e) == -1)
		return (-1);
	return (0);
}

/* The scope of this request; 0, or -1 after writing an error page. */
int
portal_scope_of(struct ctx *c, struct ce_scope *sc, const char **cust)
{
	struct err	 e;
	const char	*q = form_str(&c->query, "customer");

	err_clear(&e);
	*cust = "";
	if (c->is_portal && strcmp(c->portal.role, "customer") == 0)
		*cust = c->portal.customer_id;
	else if (c->is_portal || c->is_msp)
		*cust = q;
	else {
		page_message(c, 403, "Forbidden", "The billing portal is for "
		    "the MSP and its customers' portal users.");
		return (-1);
	}
	if ((**cust != '\0' ? ce_scope_customer(c->r->store, c->r->arena,
	    *cust, sc, &e) : ce_scope_msp(c->r->store, c->r->arena, sc,
	    &e)) == -1) {
		page_message(c, e.code == ERR_NOT_FOUND ? 404 : 400,
		    "Not available", err_friendly(&e));
		return (-1);
	}
	return (0);
}

int
portal_can_write(struct ctx *c)
{
	return (c->is_msp || (c->is_portal &&
	    portal_user_can_write(&c->portal)));
}

/* "?customer=X" or "" for links that keep the MSP's choice. */
const char *
portal_keep(struct ctx *c, const char *cust, const char *sep)
{
	if (c->is_portal && strcmp(c->portal.role, "customer") == 0)
		return ("");
	if (*cust == '\0')
		return ("");
	return (arena_printf(c->r->arena, "%scustomer=%s", sep, cust));
}

void
portal_customer_picker(struct ctx *c, const char *cust, const char *action)
{
	struct customer	*v;
	size_t		 n, i;
	int		 more;
	struct err	 e;

	if (c->is_portal && strcmp(c->portal.role, "customer") == 0)
		return;
	err_clear(&e);
	if (customer_list(c->r->store, c->r->arena, NULL, "", 100, &v, &n,
	    &more, &e) == -1)
		return;
	buf_adds(c->b, "<form method=\"get\" class=\"inline\" action=\"");
	html_escape(c->b, action);
	buf_adds(c->b, "\"><label for=\"customer\">Customer</label> <select "
	    "id=\"customer\" name=\"customer\"><option value=\"\">All (AWS "
	    "figures)</option>");
	for (i = 0; i < n; i++) {
		buf_adds(c->b, "<option value=\"");
		html_escape(c->b, v[i].id);
		buf_adds(c->b, strcmp(v[i].id, cust) == 0 ? "\" selected>" :
		    "\">");
		html_escape(c->b, v[i].name);
		buf_adds(c->b, "</option>");
	}
	buf_adds(c->b, "</select> <button type=\"submit\">Show</button>"
	    "</form>");
}

/* The unblended cost of [s, e_) (days) in scope; 0 when there is none.
 * Sums as billing does (money_add): *overflow set when it overflows. */
static int64_t
sum_range(struct ctx *c, const struct ce_scope *sc, int64_t s, int64_t e_,
    int *overflow)
{
	struct ce_query	 q;
	struct ce_result res;
	struct err	 e;
	int64_t		 sum = 0;
	size_t		 i;

	memset(&q, 0, sizeof(q));
	q.start = s;
	q.end = e_;
	q.monthly = 1;
	err_clear(&e);
	if (s >= e_ || ce_query_run(c->r->store, c->r->arena, sc, &q, &res,
	    &e) == -1)
		return (0);
	for (i = 0; i < res.nbuckets; i++)
		if (money_add(&sum, res.total[i][CE_UNBLENDED]) == -1) {
			*overflow = 1;
			return (0);
		}
	return (sum);
}

/* Whether scope has any cost in the 13 months to today: the same
 * source as GetDimensionValues (ce_dimension_values). */
static int
has_cost_data(struct ctx *c, const struct ce_scope *sc, int64_t start,
    int64_t end)
{
	const char	**v;
	size_t		 n = 0;
	struct err	 e;

	err_clear(&e);
	if (ce_dimension_values(c->r->store, c->r->arena, sc,
	    CE_LINKED_ACCOUNT, start, end, NULL, &v, &n, &e) == -1)
		return (0);
	return (n > 0);
}

/* What a scope without cost data sees instead of an empty chart: that
 * there is none yet, and why. */
static void
no_data_note(struct ctx *c, const struct ce_scope *sc)
{
	struct customer	 cu;
	int		 own = c->is_portal &&
	    strcmp(c->portal.role, "customer") == 0;

	buf_adds(c->b, "<p class=\"card note\" id=\"no-data\">");
	if (sc->msp) {
		buf_adds(c->b, "There is no cost data yet: no Cost and Usage "
		    "Report of the payer has been imported. Costs appear here "
		    "after the first import (Imports, or <code>payerlink "
		    "ingest</code>).</p>");
		return;
	}
	if (own)
		buf_adds(c->b, "There is no cost data for your accounts yet: ");
	else {
		buf_adds(c->b, "There is no cost data for ");
		if (customer_find(c->r->store, sc->customer_id, &cu,
		    NULL) == 0)
			html_escape(c->b, cu.name);
		else
			html_escape(c->b, sc->customer_id);
		buf_adds(c->b, " yet: ");
	}
	if (sc->nowners == 0)
		buf_adds(c->b, own ? "no AWS account is linked to you yet." :
		    "no AWS account is linked to it yet.");
	else
		buf_printf(c->b, "no cost file covering the time %s accounts "
		    "have been in the MSP's organization has been imported "
		    "yet. Costs appear here after the next import.", own ?
		    "your" : "its");
	buf_adds(c->b, "</p>");
}

static void
top_table(struct ctx *c, const struct ce_scope *sc, enum ce_dim d,
    int64_t s, int64_t end)
{
	struct ce_query	 q;
	struct ce_result res;
	struct err	 e;
	size_t		 i, j, ord[TOP_N];
	size_t		 n = 0;

	err_clear(&e);
	memset(&q, 0, sizeof(q));
	q.start = s;
	q.end = end;
	q.monthly = 1;
	q.group[0] = d;
	q.ngroup = 1;
	buf_printf(c->b, "<section class=\"card\"><h2>Top %ss</h2>",
	    d == CE_SERVICE ? "service" : "account");
	if (ce_query_run(c->r->store, c->r->arena, sc, &q, &res, &e) == -1 ||
	    res.ncells == 0) {
		buf_adds(c->b, "<p class=\"muted\">No cost this month.</p>"
		    "</section>");
		return;
	}
	/* Top N cells by cost (one month bucket). */
	for (i = 0; i < res.ncells; i++) {
		for (j = n; j > 0 && res.cells[ord[j - 1]].v[CE_UNBLENDED] <
		    res.cells[i].v[CE_UNBLENDED]; j--)
			if (j < TOP_N)
				ord[j] = ord[j - 1];
		if (j < TOP_N) {
			ord[j] = i;
			if (n < TOP_N)
				n++;
		}
	}
	buf_printf(c->b, "<table><thead><tr><th>%s</th><th class=\"num\">"
	    "Cost</th></tr></thead><tbody>", ce_dim_label(d));
	for (i = 0; i < n; i++) {
		buf_adds(c->b, "<tr><td>");
		if (d == CE_LINKED_ACCOUNT)
			html_account(c, res.keys[res.cells[ord[i]].g[0]]);
		else
			html_escape(c->b, res.keys[res.cells[ord[i]].g[0]]);
		buf_adds(c->b, "</td><td class=\"num\">");
		money_html(c->b, res.cells[ord[i]].v[CE_UNBLENDED]);
		buf_adds(c->b, "</td></tr>");
	}
	buf_adds(c->b, "</tbody></table></section>");
}

/* The MSP's month to date by whose cost it is (billing/paid.h). */
static void
whose_card(struct ctx *c, const struct ce_scope *sc, int64_t s, int64_t end)
{
	static const char *const label[3] = {
	    "Billed to customers (their accounts' hours in the organization)",
	    "Unassigned (member accounts no customer owns)",
	    "Out of membership (hours outside the organization)" };
	static const char *const id[3] = { "billed", "unassigned", "outside" };
	int64_t		 v[3];
	struct err	 e;
	int		 i;

	err_clear(&e);
	if (ce_paid_split(c->r->store, c->r->arena, sc, s, end, v, &e) == -1)
		return;
	buf_adds(c->b, "<section class=\"card\" id=\"whose\"><h2>Whose cost "
	    "it is, month to date</h2><p class=\"muted\">The payer's own "
	    "bill only: another payer's files are never counted or billed."
	    "</p><table><tbody>");
	for (i = 0; i < 3; i++) {
		buf_printf(c->b, "<tr><th scope=\"row\">%s</th><td "
		    "class=\"num\" id=\"whose-%s\">", label[i], id[i]);
		money_html(c->b, v[i]);
		buf_adds(c->b, "</td></tr>");
	}
	buf_adds(c->b, "</tbody></table></section>");
}

/* An earlier payer is named when it is one of the customer's own
 * accounts (its organization's management account, before a billing
 * transfer); another organization's stays a bare id, as AWS shows a
 * member its management account. */
static void
html_payer(struct ctx *c, const struct ce_scope *sc, const char *payer_id)
{
	const char	*owner = ce_scope_owner(sc, payer_id);

	if (owner != NULL && strcmp(owner, sc->customer_id) == 0)
		html_account(c, payer_id);
	else
		html_escape(c->b, payer_id);
}

/* A customer's months before the MSP, from the cost files it handed
 * over (reference imports): shown, never billed. */
static void
history_card(struct ctx *c, const struct ce_scope *sc, int64_t today)
{
	struct ce_history	*h;
	struct msp		 m;
	struct err		 e;
	char			 from[11], to[11];
	size_t			 n, i;

	err_clear(&e);
	ce_day_format(today - 400, from, sizeof(from));
	ce_day_format(today, to, sizeof(to));
	from[7] = to[7] = '\0';
	if (ce_history(c->r->store, c->r->arena, sc, from, to, &h, &n,
	    &e) == -1 || n == 0)
		return;
	if (msp_get(c->r->store, &m, NULL) == -1)
		snprintf(m.name, sizeof(m.name), "the MSP");
	buf_adds(c->b, "<section class=\"card\" id=\"history\"><h2>Before ");
	html_escape(c->b, m.name);
	buf_adds(c->b, "</h2><p class=\"muted\">What AWS billed your earlier "
	    "payer for your accounts, from the cost files you handed over. "
	    "Shown for reference; never billed by ");
	html_escape(c->b, m.name);
	buf_adds(c->b, ".</p><table><thead><tr><th>Month</th><th>Paid by "
	    "</th><th class=\"num\">AWS cost</th></tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		buf_adds(c->b, "<tr><td>");
		html_escape(c->b, h[i].period);
		buf_adds(c->b, "</td><td>");
		html_payer(c, sc, h[i].payer_id);
		buf_adds(c->b, "</td><td class=\"num\">");
		money_html(c->b, h[i].unblended);
		buf_adds(c->b, "</td></tr>");
	}
	buf_adds(c->b, "</tbody></table></section>");
}

/*
 * The trend on the overview: the TREND_MONTHS months before this one and
 * this month to date, with the forecast of the rest of the month stacked
 * on it and the forecast's prediction interval (ce_forecast_run's, at
 * FORECAST_LEVEL %) as a whisker.
 */
static void
trend_chart(struct ctx *c, const struct ce_scope *sc, int64_t today,
    const struct ce_forecast *f, int64_t mtd)
{
	static const char *const series[2] = { "Cost",
	    "~Forecast to the month end" };
	struct ce_query		 q;
	struct ce_result	 res;
	struct svg_range	 rg, *rgp = NULL;
	struct err		 e;
	const char		**labels;
	int64_t			*v;
	size_t			 i, k, nb, first, ns = f != NULL ? 2 : 1;
	char			 d[11];

	err_clear(&e);
	memset(&q, 0, sizeof(q));
	q.start = ce_month_start(today);
	for (k = 0; k < TREND_MONTHS; k++)
		q.start = ce_month_start(q.start - 1);
	q.end = today + 1;
	q.monthly = 1;
	if (ce_query_run(c->r->store, c->r->arena, sc, &q, &res, &e) == -1 ||
	    res.nbuckets == 0) {
		error_box(c->b, &e);
		return;
	}
	/* From the first month with cost (a new customer's first). */
	for (first = 0; first + 1 < res.nbuckets &&
	    res.total[first][CE_UNBLENDED] == 0; first++)
		;
	nb = res.nbuckets - first;
	labels = arena_alloc(c->r->arena, nb * sizeof(*labels));
	v = arena_zalloc(c->r->arena, nb * ns * sizeof(*v));
	for (i = 0; i < nb; i++) {
		ce_day_format(res.bstart[first + i], d, sizeof(d));
		labels[i] = arena_strndup(c->r->arena, d, 7);
		v[i * ns] = res.total[first + i][CE_UNBLENDED];
	}
	if (f != NULL) {
		i = nb - 1;
		v[i * ns + 1] = f->total;
		rg.bucket = i;
		rg.label = FORECAST_LEVEL_TEXT " range of the month end";
		/* The month to date plus the rest's bounds, checked. */
		if (!__builtin_add_overflow(mtd, f->total_lo, &rg.lo) &&
		    !__builtin_add_overflow(mtd, f->total_hi, &rg.hi))
			rgp = &rg;
	}
	buf_adds(c->b, "<section class=\"card\" id=\"trend\"><h2>Cost by "
	    "month</h2>");
	svg_bars(c->b, "Cost by month, this month with its forecast",
	    nb, labels, ns, series, v, "USD", rgp);
	buf_adds(c->b, "</section>");
}

static void
overview(struct ctx *c)
{
	struct ce_scope		 sc;
	struct ce_forecast	 f, *fp = NULL;
	struct budget_status	*bs = NULL;
	struct anomaly		*an = NULL;
	struct err		 e;
	const char		*cust;
	int64_t			 today, ms, mtd, last, fc, lo, hi;
	size_t			 nb = 0, na = 0, i, open = 0;
	int			 data, over = 0;
	char			 d[11];

	if (portal_scope_of(c, &sc, &cust) == -1)
		return;
	err_clear(&e);
	today = ce_today(c->r->store);
	ms = ce_month_start(today);
	mtd = sum_range(c, &sc, ms, today + 1, &over);
	{
		int64_t pm = ce_month_start(ms - 1);
		int64_t pe = pm + (today - ms) + 1;

		if (pe > ms)
			pe = ms;
		last = sum_range(c, &sc, pm, pe, &over);
	}
	if (over) {
		page_message(c, 400, "Not available", TOO_LARGE);
		return;
	}
	fc = lo = hi = mtd;
	err_clear(&e);
	if (today + 1 < ce_month_next(today) && ce_forecast_run(c->r->store,
	    c->r->arena, &sc, CE_UNBLENDED, today + 1, ce_month_next(today), 0,
	    NULL, FORECAST_LEVEL, &f, &e) == 0 &&
	    !__builtin_add_overflow(mtd, f.total, &fc) &&
	    !__builtin_add_overflow(mtd, f.total_lo, &lo) &&
	    !__builtin_add_overflow(mtd, f.total_hi, &hi))
		fp = &f;
	else
		fc = lo = hi = mtd;
	data = has_cost_data(c, &sc, today + 1 - CE_DAYS_MAX, today + 1);
	page_begin(c, "Billing overview");
	buf_adds(c->b, "<h1>Billing overview</h1>");
	portal_customer_picker(c, cust, "/portal");
	ce_day_format(today, d, sizeof(d));
	buf_adds(c->b, "<p class=\"muted\">");
	buf_adds(c->b, sc.msp ? "AWS's figures for every line of the payer's "
	    "files." : "At your prices, for the hours your accounts were in "
	    "the MSP's organization.");
	buf_printf(c->b, " Today is %s.</p>", d);
	if (!data)
		no_data_note(c, &sc);
	else {
		buf_adds(c->b, "<section class=\"kpis\"><div class=\"card "
		    "kpi\" id=\"mtd\">Month to date<strong>");
		money_html(c->b, mtd);
		buf_adds(c->b, "</strong></div><div class=\"card kpi\" "
		    "id=\"forecast\">Forecast for the month end<strong>");
		money_html(c->b, fc);
		buf_adds(c->b, "</strong>");
		if (fp != NULL) {
			buf_adds(c->b, "<span class=\"muted\" id=\"forecast-"
			    "range\">" FORECAST_LEVEL_TEXT " likely between ");
			money_html(c->b, lo);
			buf_adds(c->b, " and ");
			money_html(c->b, hi);
			buf_adds(c->b, "</span>");
		}
		buf_adds(c->b, "</div><div class=\"card kpi\" id=\"lastmonth\">"
		    "Last month at the same day<strong>");
		money_html(c->b, last);
		buf_adds(c->b, "</strong></div></section>");
		trend_chart(c, &sc, today, fp, mtd);
	}
	if (sc.msp)
		whose_card(c, &sc, ms, today + 1);
	if (data) {
		top_table(c, &sc, CE_SERVICE, ms, today + 1);
		top_table(c, &sc, CE_LINKED_ACCOUNT, ms, today + 1);
	}
	if (!sc.msp)
		history_card(c, &sc, today);
	err_clear(&e);
	buf_adds(c->b, "<section class=\"card\"><h2>Budgets</h2>");
	if (*cust != '\0' && budget_check(c->r->store, c->r->arena, cust,
	    &bs, &nb, &e) == 0 && nb > 0) {
		buf_adds(c->b, "<table><thead><tr><th>Budget</th><th class="
		    "\"num\">Amount</th><th class=\"num\">Actual</th><th "
		    "class=\"num\">Forecast</th><th>Status</th></tr></thead>"
		    "<tbody>");
		for (i = 0; i < nb; i++) {
			buf_adds(c->b, "<tr><td>");
			html_escape(c->b, bs[i].b.name);
			buf_adds(c->b, "</td><td class=\"num\">");
			money_html(c->b, bs[i].b.amount);
			buf_adds(c->b, "</td><td class=\"num\">");
			money_html(c->b, bs[i].actual);
			buf_adds(c->b, "</td><td class=\"num\">");
			money_html(c->b, bs[i].forecast);
			buf_adds(c->b, bs[i].actual_over ? "</td><td class="
			    "\"over\">Over" : bs[i].forecast_over ? "</td><td "
			    "class=\"over\">Forecast over" : "</td><td>OK");
			buf_adds(c->b, "</td></tr>");
		}
		buf_adds(c->b, "</tbody></table>");
	} else
		buf_adds(c->b, "<p class=\"muted\">No budgets.</p>");
	buf_adds(c->b, "</section>");
	err_clear(&e);
	if (anomaly_detect(c->r->store, c->r->arena, &sc, today - 30,
	    today + 1, 3.0, &an, &na, &e) == 0)
		for (i = 0; i < na; i++)
			open += strcmp(an[i].status, "OPEN") == 0;
	buf_printf(c->b, "<section class=\"card\"><h2>Anomalies</h2><p id="
	    "\"open-anomalies\">%zu open anomal%s in the last 30 days. <a "
	    "href=\"/portal/anomalies%s\">Review</a></p></section>", open,
	    open == 1 ? "y" : "ies", portal_keep(c, cust, "?"));
	page_end(c);
}


/* A tag's or a cost category's filter value "Owner=alice" as it reads:
 * "Owner: alice", or "No Owner" for the lines without it ("Owner="). */
static const char *
pair_label(struct ctx *c, const char *v)
{
	const char	*eq = strchr(v, '=');

	if (eq == NULL)
		return (v);
	if (eq[1] == '\0')
		return (arena_printf(c->r->arena, "No %.*s", (int)(eq - v), v));
	return (arena_printf(c->r->arena, "%.*s: %s", (int)(eq - v), v,
	    eq + 1));
}

/*
 * The dimensions of the cost analysis, one line each: what it groups by
 * (every row, in this order), the query parameter of its filter's
 * pick-list (NULL: no filter), how a value reads (NULL: as Cost Explorer
 * names it, which is also the value) and, for tags and cost categories,
 * the prefix of the group parameter their key follows ("group=TAG:Owner").
 * Their filter values are "Key=Value" ("Owner=": the lines without the
 * tag); the values of one key match any of them, several keys all.
 */
static const struct ca_dim {
	enum ce_dim	 dim;
	const char	*param;
	const char	*(*label)(struct ctx *, const char *);
	const char	*prefix;	/* NULL: a dimension, grouped whole */
} ca_dims[] = {
	{ CE_SERVICE,		"service",	NULL,		NULL },
	{ CE_LINKED_ACCOUNT,	"account",	account_label,	NULL },
	{ CE_REGION,		"region",	NULL,		NULL },
	{ CE_USAGE_TYPE,	"usage_type",	NULL,		NULL },
	{ CE_RECORD_TYPE,	NULL,		NULL,		NULL },
	{ CE_TAG,		"tag",		pair_label,	"TAG:" },
	{ CE_COST_CATEGORY,	"category",	pair_label,	"COST_CATEGORY:" },
};
#define CA_NDIMS	(sizeof(ca_dims) / sizeof(ca_dims[0]))

/*
 * The ranges relative to today that Cost Explorer offers, one line each:
 * "period=LAST_3_MONTHS" is resolved each time the page is opened, so a
 * saved view of it moves with the calendar. days N: the last N days,
 * today included; months N: from the first of the month N - 1 months
 * before this one to today; prev: the month before this one, whole.
 */
static const struct ca_period {
	const char	*name;
	const char	*label;
	int		 days, months, prev;
} ca_periods[] = {
	{ "LAST_7_DAYS",	"Last 7 days",		7, 0, 0 },
	{ "LAST_30_DAYS",	"Last 30 days",		30, 0, 0 },
	{ "THIS_MONTH",		"This month",		0, 1, 0 },
	{ "LAST_MONTH",		"Last month",		0, 0, 1 },
	{ "LAST_3_MONTHS",	"Last 3 months",	0, 3, 0 },
	{ "LAST_6_MONTHS",	"Last 6 months",	0, 6, 0 },
	{ "LAST_12_MONTHS",	"Last 12 months",	0, 12, 0 },
};
#define CA_NPERIODS	(sizeof(ca_periods) / sizeof(ca_periods[0]))
#define CA_DEFAULT_PERIOD (&ca_periods[1])	/* the last 30 days */

/* The days [*start, *end) of period on today. */
static void
ca_period_range(const struct ca_period *pd, int64_t today, int64_t *start,
    int64_t *end)
{
	int	 i;

	*end = today + 1;
	if (pd->days > 0) {
		*start = today + 1 - pd->days;
		return;
	}
	*start = ce_month_start(today);
	if (pd->prev) {
		*end = *start;
		*start = ce_month_start(*start - 1);
		return;
	}
	for (i = 1; i < pd->months; i++)
		*start = ce_month_start(*start - 1);
}

static const struct ca_period *
ca_period_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < CA_NPERIODS; i++)
		if (strcmp(name, ca_periods[i].name) == 0)
			return (&ca_periods[i]);
	return (NULL);
}

/* Cost analysis parameters from the query string. */
struct ca {
	const struct ca_period	*period;	/* NULL: fixed dates */
	int64_t			 start, end;
	int			 monthly;
	int			 hourly;	/* hourly and resource-level
						   data: the last 14 days */
	const struct ca_dim	*group;		/* NULL: none */
	const char		*group_key;	/* a tag's or category's */
	struct ce_expr		*filter;
	const char		**fval[CA_NDIMS];	/* chosen values */
	size_t			 nfval[CA_NDIMS];
	size_t			 page;		/* 1.. */
};

/*
 * The filter's leaves of dimension d's chosen values vals[0..n) into
 * kids: one any of whose values matches, as Cost Explorer's Values list;
 * for a tag or cost category one a key ("Key=Value"), as its Tags filter
 * has one Key.
 */
static int
ca_leaves(struct ctx *c, const struct ca_dim *d, const char **vals,
    size_t n, struct ce_expr **kids, size_t *nk, struct err *e)
{
	struct ce_expr	*x;
	const char	*eq = NULL, *key, **lv[CA_VALUES_MAX];	/* leaf's */
	size_t		 j, k, first = *nk;

	for (j = 0; j < n; j++) {
		key = NULL;
		if (d->prefix != NULL) {
			if ((eq = strchr(vals[j], '=')) == NULL ||
			    eq == vals[j])
				return (err_set(e, ERR_INVALID, NULL, NULL,
				    "%s: Key=Value (Key= for the lines "
				    "without it)", d->param));
			key = arena_strndup(c->r->arena, vals[j],
			    (size_t)(eq - vals[j]));
		}
		for (k = first; k < *nk; k++)
			if (key == NULL || strcmp(kids[k]->key, key) == 0)
				break;
		if (k == *nk) {
			x = kids[(*nk)++] = arena_zalloc(c->r->arena,
			    sizeof(*x));
			x->op = CE_DIMS;
			x->dim = d->dim;
			x->key = key;
			x->values = lv[k - first] = arena_zalloc(c->r->arena,
			    (CA_VALUES_MAX + 1) * sizeof(char *));
		}
		/* A tag's "" is the lines without it (ce.h). */
		lv[k - first][kids[k]->nvalues++] = key != NULL ? eq + 1 :
		    vals[j];
	}
	return (0);
}

static int
ca_parse(struct ctx *c, struct ca *p, struct err *e)
{
	const char	*s = form_str(&c->query, "from");
	const char	*t = form_str(&c->query, "to");
	const char	*g = form_str(&c->query, "group");
	const char	*pg = form_str(&c->query, "page");
	const char	*pd = form_str(&c->query, "period");
	int64_t		 today = ce_today(c->r->store);
	struct ce_expr	*kids[CA_NDIMS * CA_VALUES_MAX];
	size_t		 nk = 0, i;

	memset(p, 0, sizeof(*p));
	/* A period, unless the form's dates were changed from those it
	 * showed ("dates": from,to as drawn); neither: the last 30 days. */
	if (*pd != '\0' && strcmp(pd, "CUSTOM") != 0 &&
	    (p->period = ca_period_find(pd)) == NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL, "period: "
		    "LAST_7_DAYS, LAST_30_DAYS, THIS_MONTH, LAST_MONTH, "
		    "LAST_3_MONTHS, LAST_6_MONTHS, LAST_12_MONTHS or CUSTOM"));
	if (*pd == '\0' && *s == '\0' && *t == '\0')
		p->period = CA_DEFAULT_PERIOD;
	if (p->period != NULL && (*s != '\0' || *t != '\0') &&
	    strcmp(form_str(&c->query, "dates"), arena_printf(c->r->arena,
	    "%s,%s", s, t)) != 0)
		p->period = NULL;
	if (p->period != NULL) {
		ca_period_range(p->period, today, &p->start, &p->end);
		s = t = "";
	} else {
		p->end = today + 1;
		p->start = today - 29;
	}
	if (*s != '\0' && ce_day_parse(s, &p->start) == -1)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "from: a date YYYY-MM-DD"));
	if (*t != '\0') {
		if (ce_day_parse(t, &p->end) == -1)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "to: a date YYYY-MM-DD"));
		p->end++;
	}
	if (p->start >= p->end)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "the start date must not be after the end date"));
	if (p->end - p->start > RANGE_MAX_DAYS)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "the date range is at most 13 months"));
	p->monthly = strcmp(form_str(&c->query, "granularity"),
	    "MONTHLY") == 0;
	p->hourly = strcmp(form_str(&c->query, "granularity"), "HOURLY") == 0;
	if (p->hourly && (ce_hourly_check(c->r->store, "hourly data is not "
	    "kept: the MSP has not turned on hourly and resource-level data",
	    e) == -1))
		return (-1);
	/* Hourly keeps 14 days: a range relative to today is cut to them,
	 * a date given is refused before them. */
	if (p->hourly && p->start < today - CE_HOURLY_DAYS && *s == '\0')
		p->start = today - CE_HOURLY_DAYS;
	if (p->hourly && p->start < today - CE_HOURLY_DAYS)
		return (err_set(e, ERR_INVALID, NULL, NULL, "hourly: from is "
		    "at most %d days ago", CE_HOURLY_DAYS));
	p->group = &ca_dims[0];
	if (*g != '\0') {
		p->group = NULL;
		for (i = 0; i < CA_NDIMS; i++) {
			const char *pf = ca_dims[i].prefix;

			if (pf == NULL && strcmp(g, ce_dim_name(
			    ca_dims[i].dim)) == 0)
				p->group = &ca_dims[i];
			if (pf != NULL && strncmp(g, pf, strlen(pf)) == 0 &&
			    g[strlen(pf)] != '\0') {
				p->group = &ca_dims[i];
				p->group_key = g + strlen(pf);
			}
		}
		if (p->group == NULL && strcmp(g, "NONE") != 0)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "group: a dimension of the list, or NONE"));
	}
	p->page = 1;
	if (*pg != '\0') {
		char *end;
		unsigned long n = strtoul(pg, &end, 10);

		if (*end != '\0' || n < 1 || n > 100000)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "page: a number from 1"));
		p->page = n;
	}
	/* Each filter: every value given (service=A&service=B). */
	for (i = 0; i < CA_NDIMS; i++) {
		const char	**vals;
		size_t		  j, n = 0;

		p->fval[i] = vals = arena_zalloc(c->r->arena,
		    (CA_VALUES_MAX + 1) * sizeof(*vals));
		if (ca_dims[i].param == NULL)
			continue;
		for (j = 0; j < c->query.n; j++) {
			if (strcmp(c->query.v[j].name, ca_dims[i].param) != 0 ||
			    *c->query.v[j].value == '\0')
				continue;
			if (n == CA_VALUES_MAX)
				return (err_set(e, ERR_INVALID, NULL, NULL,
				    "%s: at most %d values", ca_dims[i].param,
				    CA_VALUES_MAX));
			vals[n++] = c->query.v[j].value;
		}
		p->nfval[i] = n;
		if (ca_leaves(c, &ca_dims[i], vals, n, kids, &nk, e) == -1)
			return (-1);
	}
	if (nk == 1)
		p->filter = kids[0];
	else if (nk > 1) {
		p->filter = arena_zalloc(c->r->arena, sizeof(*p->filter));
		p->filter->op = CE_AND;
		p->filter->kids = arena_alloc(c->r->arena, nk *
		    sizeof(*kids));
		memcpy(p->filter->kids, kids, nk * sizeof(*kids));
		p->filter->nkids = nk;
	}
	return (0);
}

/* s percent-encoded for a query string (RFC 3986's unreserved kept). */
static void
url_add(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-_.~", ch) != NULL)
			buf_addc(b, (char)ch);
		else
			buf_printf(b, "%%%02X", ch);
	}
}

/* The page's query string as it links to itself: range, granularity,
 * group, filters, page (past the first) and the MSP's customer. What a
 * saved view keeps (without the page). */
static const char *
ca_query(struct ctx *c, const struct ca *p, const char *cust, size_t page)
{
	struct buf	 b;
	const char	*out;
	char		 f[11], t[11];
	size_t		 i, j;

	/* Room for every filter's longest value, percent-encoded. */
	buf_init(&b, 256 + (CA_NDIMS * CA_VALUES_MAX + 1) * 3 *
	    FORM_MAX_VALUE);
	ce_day_format(p->start, f, sizeof(f));
	ce_day_format(p->end - 1, t, sizeof(t));
	if (p->period != NULL)
		buf_printf(&b, "period=%s", p->period->name);
	else
		buf_printf(&b, "from=%s&to=%s", f, t);
	buf_printf(&b, "&granularity=%s&group=%s",
	    p->monthly ? "MONTHLY" : p->hourly ? "HOURLY" : "DAILY",
	    p->group != NULL ?
	    ce_dim_name(p->group->dim) : "NONE");
	if (p->group_key != NULL) {
		buf_adds(&b, "%3A");
		url_add(&b, p->group_key);
	}
	for (i = 0; i < CA_NDIMS; i++)
		for (j = 0; j < p->nfval[i]; j++) {
			buf_printf(&b, "&%s=", ca_dims[i].param);
			url_add(&b, p->fval[i][j]);
		}
	if (page > 1)
		buf_printf(&b, "&page=%zu", page);
	buf_adds(&b, portal_keep(c, cust, "&"));
	out = arena_strdup(c->r->arena, buf_str(&b));
	buf_release(&b);
	return (out);
}

static void
bucket_label(const struct ce_result *r, size_t i, const struct ca *p,
    char *buf, size_t len)
{
	char	 d[11];

	if (p->hourly) {
		ce_day_format(r->bstart[i] / 24, d, sizeof(d));
		snprintf(buf, len, "%s %02d:00", d, (int)(r->bstart[i] % 24));
		return;
	}
	ce_day_format(r->bstart[i], d, sizeof(d));
	snprintf(buf, len, "%.*s", p->monthly ? 7 : 10, d);
}

/* A group and its total, to rank them. */
struct ca_rank {
	int64_t		 tot;
	const char	*key;
	size_t		 k;
};

static int
rank_cmp(const void *a, const void *b)
{
	const struct ca_rank *x = a, *y = b;

	if (x->tot != y->tot)
		return (x->tot > y->tot ? -1 : 1);
	return (strcmp(x->key, y->key));
}

/* A tag's or a cost category's group key ("Owner$alice") as the page
 * shows it: the value, or "No Owner" for the lines without. */
static const char *
attr_label(struct ctx *c, const char *key, const char *gk)
{
	size_t	 n = strlen(key);
	char	*s;

	if (strncmp(gk, key, n) == 0 && gk[n] == '$') {
		if (gk[n + 1] != '\0')
			return (gk + n + 1);
		s = arena_alloc(c->r->arena, n + 4);
		snprintf(s, n + 4, "No %s", key);
		return (s);
	}
	return (gk);
}

/* The group-by options of the scope's tag keys and cost categories. */
static void
ca_attr_options(struct ctx *c, const struct ce_scope *sc, const struct ca *p)
{
	struct ce_attr_key	*k;
	struct err		 e;
	size_t			 n, i, j;

	for (j = 0; j < CA_NDIMS; j++) {
		if (ca_dims[j].prefix == NULL)
			continue;
		err_clear(&e);
		if (ce_attr_keys(c->r->store, c->r->arena, sc,
		    ca_dims[j].dim, p->start, p->end, &k, &n, &e) == -1)
			continue;	/* the page still works without them */
		for (i = 0; i < n; i++) {
			int sel = p->group == &ca_dims[j] &&
			    strcmp(p->group_key, k[i].key) == 0;

			buf_printf(c->b, "<option value=\"%s",
			    ca_dims[j].prefix);
			html_escape(c->b, k[i].key);
			buf_printf(c->b, "\"%s>%s: ", sel ? " selected" : "",
			    ce_dim_label(ca_dims[j].dim));
			html_escape(c->b, k[i].key);
			buf_adds(c->b, "</option>");
		}
	}
}

/*
 * The values dimension d's pick-list offers, those of the viewer's scope
 * in the range (GetDimensionValues' source); for a tag or a cost
 * category each key's values as "Key=Value" and "Key=" (GetTags,
 * GetCostCategories). None when they cannot be read: the page still
 * works.
 */
static void
ca_values(struct ctx *c, const struct ce_scope *sc, const struct ca *p,
    const struct ca_dim *d, const char ***out, size_t *n_out)
{
	struct ce_attr_key	*k;
	const char		**v, **kv;
	struct err		 e;
	size_t			 nk, n = 0, nv, i, j, cap;

	err_clear(&e);
	*n_out = 0;
	if (d->prefix == NULL) {
		if (ce_dimension_values(c->r->store, c->r->arena, sc, d->dim,
		    p->start, p->end, NULL, out, n_out, &e) == -1)
			*n_out = 0;
		return;
	}
	if (ce_attr_keys(c->r->store, c->r->arena, sc, d->dim, p->start,
	    p->end, &k, &nk, &e) == -1)
		return;
	for (i = cap = 0; i < nk; i++)
		cap += k[i].nvalues + 1;
	v = arena_alloc(c->r->arena, (cap + 1) * sizeof(*v));
	for (i = 0; i < nk; i++) {
		err_clear(&e);
		if (ce_attr_values(c->r->store, c->r->arena, sc, d->dim,
		    k[i].key, p->start, p->end, NULL, NULL, &kv, &nv,
		    &e) == -1)
			nv = 0;
		for (j = 0; j < nv && n < cap; j++)
			v[n++] = arena_printf(c->r->arena, "%s=%s", k[i].key,
			    kv[j]);
		if (n < cap)
			v[n++] = arena_printf(c->r->arena, "%s=", k[i].key);
	}
	*out = v;
	*n_out = n;
}

/* Whether v is one of the n values of vals. */
static int
ca_chosen(const char *const *vals, size_t n, const char *v)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(vals[i], v) == 0)
			return (1);
	return (0);
}

/* How value v of d reads: by its label only when the viewer's range has
 * it (one of vals), never for a value that comes from the URL alone (an
 * account id of another customer must not give its name away). */
static const char *
ca_value_text(struct ctx *c, const struct ca_dim *d, const char *v,
    const char **vals, size_t n)
{
	return (d->label != NULL && ca_chosen(vals, n, v) ? d->label(c, v) :
	    v);
}

static void
ca_pick_option(struct ctx *c, const struct ca_dim *d, const char *v,
    const char *text, int checked, const char *note)
{
	buf_printf(c->b, "<label><input type=\"checkbox\" name=\"%s\" "
	    "value=\"", d->param);
	html_escape(c->b, v);
	buf_adds(c->b, checked ? "\" checked> " : "\"> ");
	html_escape(c->b, text);
	buf_adds(c->b, note);
	buf_adds(c->b, "</label>");
}

/*
 * One filter's pick-list: a disclosure whose summary says what is chosen
 * ("All", the one value, or "3 chosen") over a checkbox per value of the
 * range (the same source as GetDimensionValues), several at once as in
 * Cost Explorer. A chosen value that the range does not have (an old
 * link, a saved view) stays ticked, so the page says what it filters.
 */
static void
ca_pick(struct ctx *c, const struct ca_dim *d, const char *const *chosen,
    size_t nchosen, const char **vals, size_t n)
{
	size_t	 j;

	buf_printf(c->b, " <details class=\"pick\" id=\"pick-%s\"><summary>"
	    "%s: <span class=\"chosen\">", d->param, ce_dim_label(d->dim));
	if (nchosen == 0)
		buf_adds(c->b, "All");
	else if (nchosen == 1)
		html_escape(c->b, ca_value_text(c, d, chosen[0], vals, n));
	else
		buf_printf(c->b, "%zu chosen", nchosen);
	buf_printf(c->b, "</span></summary><fieldset><legend>%s (none "
	    "ticked: all)</legend>", ce_dim_label(d->dim));
	for (j = 0; j < n; j++)
		if (*vals[j] != '\0')	/* a Tax line's region */
			ca_pick_option(c, d, vals[j], d->label != NULL ?
			    d->label(c, vals[j]) : vals[j], ca_chosen(chosen,
			    nchosen, vals[j]), "");
	for (j = 0; j < nchosen; j++)
		if (!ca_chosen(vals, n, chosen[j]))
			ca_pick_option(c, d, chosen[j], chosen[j], 1,
			    " (none in this range)");
	buf_adds(c->b, "</fieldset></details>");
}

/* The filters as pick-lists of the values of the range, and the
 * group-by list: both from ca_dims. */
static void
ca_form(struct ctx *c, const struct ce_scope *sc, const struct ca *p,
    const char *cust)
{
	const char	**vals;
	size_t		 i, n;
	char		 f[11], t[11];
	struct err	 e;

	ce_day_format(p->start, f, sizeof(f));
	ce_day_format(p->end - 1, t, sizeof(t));
	buf_adds(c->b, "<form method=\"get\" action=\"/portal/costs\" class="
	    "\"filters\" id=\"ca-form\">");
	if (*portal_keep(c, cust, "") != '\0') {
		buf_adds(c->b, "<input type=\"hidden\" name=\"customer\" "
		    "value=\"");
		html_escape(c->b, cust);
		buf_adds(c->b, "\">");
	}
	/* The range: a period relative to today, or the dates (changing
	 * them makes the range those dates: "dates" says what was shown). */
	buf_adds(c->b, "<span><label for=\"ca-period\">Range</label> <select "
	    "id=\"ca-period\" name=\"period\">");
	for (i = 0; i < CA_NPERIODS; i++)
		buf_printf(c->b, "<option value=\"%s\"%s>%s</option>",
		    ca_periods[i].name, p->period == &ca_periods[i] ?
		    " selected" : "", ca_periods[i].label);
	buf_printf(c->b, "<option value=\"CUSTOM\"%s>Dates below</option>"
	    "</select></span> <input type=\"hidden\" name=\"dates\" "
	    "value=\"%s,%s\">", p->period == NULL ? " selected" : "", f, t);
	buf_printf(c->b, "<label>From <input type=\"date\" name=\"from\" "
	    "value=\"%s\"></label> <label>To <input type=\"date\" name=\"to\" "
	    "value=\"%s\"></label> <span><label for=\"ca-granularity\">"
	    "Granularity</label> <select id=\"ca-granularity\" name="
	    "\"granularity\"><option value=\"DAILY\">Daily</option><option "
	    "value=\"MONTHLY\"%s>Monthly</option>", f, t, p->monthly ?
	    " selected" : "");
	/* Hourly, for the last 14 days, where the MSP keeps hourly data. */
	err_clear(&e);
	if (ce_hourly_check(c->r->store, "", &e) == 0)
		buf_printf(c->b, "<option value=\"HOURLY\"%s>Hourly (last %d "
		    "days)</option>", p->hourly ? " selected" : "",
		    CE_HOURLY_DAYS);
	buf_adds(c->b, "</select></span> <span>"
	    "<label for=\"ca-group\">Group by</label> <select id=\"ca-group\" "
	    "name=\"group\">");
	for (i = 0; i < CA_NDIMS; i++)
		if (ca_dims[i].prefix == NULL)
			buf_printf(c->b, "<option value=\"%s\"%s>%s</option>",
			    ce_dim_name(ca_dims[i].dim), p->group ==
			    &ca_dims[i] ? " selected" : "",
			    ce_dim_label(ca_dims[i].dim));
	ca_attr_options(c, sc, p);
	buf_printf(c->b, "<option value=\"NONE\"%s>Nothing</option></select>"
	    "</span>", p->group == NULL ? " selected" : "");
	for (i = 0; i < CA_NDIMS; i++) {
		if (ca_dims[i].param == NULL)
			continue;
		ca_values(c, sc, p, &ca_dims[i], &vals, &n);
		ca_pick(c, &ca_dims[i], p->fval[i], p->nfval[i], vals, n);
	}
	buf_adds(c->b, " <button type=\"submit\">Apply</button></form>");
}

/* Page links under the table: previous, the first, a window around
 * this one, the last, next. */
static void
ca_pager(struct ctx *c, const struct ca *p, const char *cust, size_t ng,
    size_t npages)
{
	size_t	 i, from = (p->page - 1) * PAGE_ROWS + 1;
	size_t	 to = from + PAGE_ROWS - 1 > ng ? ng : from + PAGE_ROWS - 1;
	int	 gap = 0;

	buf_printf(c->b, "<nav class=\"pager\" aria-label=\"Pages of the "
	    "table\"><span id=\"rows-shown\">Rows %zu–%zu of %zu</span>", from,
	    to, ng);
	if (p->page > 1)
		buf_printf(c->b, " <a rel=\"prev\" href=\"/portal/costs?%s\">"
		    "Previous</a>", ca_query(c, p, cust, p->page - 1));
	for (i = 1; i <= npages; i++) {
		if (i != 1 && i != npages && (i + 2 < p->page ||
		    i > p->page + 2)) {
			if (!gap)
				buf_adds(c->b, " <span>…</span>");
			gap = 1;
			continue;
		}
		gap = 0;
		if (i == p->page)
			buf_printf(c->b, " <span aria-current=\"page\">%zu"
			    "</span>", i);
		else
			buf_printf(c->b, " <a href=\"/portal/costs?%s\">%zu</a>",
			    ca_query(c, p, cust, i), i);
	}
	if (p->page < npages)
		buf_printf(c->b, " <a rel=\"next\" href=\"/portal/costs?%s\">"
		    "Next</a>", ca_query(c, p, cust, p->page + 1));
	buf_adds(c->b, "</nav>");
}

/* The person whose saved views these are: a portal user, or the MSP's
 * account in the console. */
static const char *
view_owner(struct ctx *c)
{
	return (c->is_portal ? c->portal.id : c->acct.id);
}

static void
views_card(struct ctx *c, const struct ca *p, const char *cust)
{
	struct saved_view	*v;
	size_t			 n = 0, i;
	struct err		 e;

	err_clear(&e);
	buf_adds(c->b, "<section class=\"card\" id=\"views\"><h2>Saved views"
	    "</h2>");
	error_here(c, "views");
	if (view_list(c->r->store, c->r->arena, view_owner(c), &v, &n,
	    &e) == -1)
		error_box(c->b, &e);
	if (n > 0) {
		buf_adds(c->b, "<ul class=\"views\">");
		for (i = 0; i < n; i++) {
			const char		*pq = strstr(v[i].query,
			    "period=");
			const struct ca_period	*pd = NULL;

			if (pq != NULL && (pq == v[i].query || pq[-1] == '&'))
				pd = ca_period_find(arena_strndup(c->r->arena,
				    pq + 7, strcspn(pq + 7, "&")));
			buf_adds(c->b, "<li><a href=\"/portal/costs?");
			html_escape(c->b, v[i].query);
			buf_adds(c->b, "\">");
			html_escape(c->b, v[i].name);
			buf_adds(c->b, "</a> ");
			/* A view of a period moves with the calendar. */
			if (pd != NULL)
				buf_printf(c->b, "<span class=\"muted\">%s"
				    "</span> ", pd->label);
			button_form(c, arena_printf(c->r->arena,
			    "/portal/views/%s/delete", v[i].id), NULL, NULL,
			    "Delete", "secondary small", arena_printf(c->r->arena,
			    "Delete the view %s?", v[i].name));
			buf_adds(c->b, "</li>");
		}
		buf_adds(c->b, "</ul>");
	} else
		buf_adds(c->b, "<p class=\"muted\">None yet. Save this page's "
		    "range, grouping and filters under a name to come back to "
		    "them.</p>");
	buf_adds(c->b, "<form method=\"post\" action=\"/portal/views/create\" "
	    "class=\"filters\">");
	csrf_input(c);
	buf_adds(c->b, "<input type=\"hidden\" name=\"query\" value=\"");
	html_escape(c->b, ca_query(c, p, cust, 1));
	buf_printf(c->b, "\"><label>View name <input name=\"name\" "
	    "maxlength=\"%d\" required></label> <button type=\"submit\">Save "
	    "this view</button></form></section>", VIEW_NAME_MAX);
}

static void
costs(struct ctx *c, int csv)
{
	struct ce_scope	 sc;
	struct ce_query	 q;
	struct ce_result res;
	struct ca	 p;
	struct ca_rank	*rk;
	struct err	 e;
	const char	*cust, **labels, **series, **names, *query;
	int64_t		*v, *m, *rowt, *colt, grand = 0;
	size_t		 i, k, ns, ng, *rank, npages, first, nrows;
	int		 over = 0;
	char		 lab[24], amt[48];

	if (portal_scope_of(c, &sc, &cust) == -1)
		return;
	err_clear(&e);
	if (ca_parse(c, &p, &e) == -1) {
		page_message(c, 400, "Bad request", err_friendly(&e));
		return;
	}
	memset(&q, 0, sizeof(q));
	q.start = p.start;
	q.end = p.end;
	q.monthly = p.monthly;
	if (p.hourly) {
		q.hourly = q.by_hour = 1;
		q.start = p.start * 24;
		q.end = p.end * 24;
	}
	q.filter = p.filter;
	if (p.group != NULL) {
		q.group[0] = p.group->dim;
		q.group_key[0] = p.group_key;
		q.ngroup = 1;
	}
	if (ce_query_run(c->r->store, c->r->arena, &sc, &q, &res, &e) == -1) {
		page_message(c, 400, "Bad request", err_friendly(&e));
		return;
	}
	/* Groups ranked by their total over the range, largest first. */
	ng = p.group != NULL ? res.nkeys : 1;
	rk = arena_zalloc(c->r->arena, (ng + 1) * sizeof(*rk));
	for (i = 0; i < ng; i++) {
		rk[i].k = i;
		rk[i].key = p.group != NULL ? res.keys[i] : "Total";
	}
	for (i = 0; i < res.ncells; i++)
		over |= money_add(&rk[p.group != NULL ? res.cells[i].g[0] :
		    0].tot, res.cells[i].v[CE_UNBLENDED]);
	qsort(rk, ng, sizeof(*rk), rank_cmp);
	rank = arena_alloc(c->r->arena, (ng + 1) * sizeof(*rank));
	names = arena_alloc(c->r->arena, (ng + 1) * sizeof(*names));
	for (i = 0; i < ng; i++) {
		rank[rk[i].k] = i;
		names[i] = csv || p.group == NULL ? rk[i].key :
		    p.group_key != NULL ? attr_label(c, p.group_key,
		    rk[i].key) : p.group->label != NULL ?
		    p.group->label(c, rk[i].key) : rk[i].key;
	}
	labels = arena_alloc(c->r->arena, (res.nbuckets + 1) *
	    sizeof(*labels));
	for (i = 0; i < res.nbuckets; i++) {
		bucket_label(&res, i, &p, lab, sizeof(lab));
		labels[i] = arena_strdup(c->r->arena, lab);
	}
	if (csv) {
		/* Every group of every period, exact decimals, unrounded:
		 * the whole table, not one page of it. */
		m = arena_zalloc(c->r->arena, (res.nbuckets * ng + 1) *
		    sizeof(*m));
		for (i = 0; i < res.ncells; i++)
			over |= money_add(&m[res.cells[i].bucket * ng +
			    rank[p.group != NULL ? res.cells[i].g[0] : 0]],
			    res.cells[i].v[CE_UNBLENDED]);
		if (over) {
			page_message(c, 400, "Bad request", TOO_LARGE);
			return;
		}
		c->resp->status = 200;
		c->resp->content_type = "text/csv; charset=utf-8";
		response_header(c->resp, "Content-Disposition",
		    "attachment; filename=\"costs.csv\"");
		buf_printf(c->b, "period_start,%s%s%s,cost_exact_decimal,"
		    "currency\r\n", p.group != NULL ?
		    ce_dim_name(p.group->dim) : "total",
		    p.group_key != NULL ? ":" : "",
		    p.group_key != NULL ? p.group_key : "");
		for (i = 0; i < res.nbuckets; i++)
			for (k = 0; k < ng; k++) {
				if (m[i * ng + k] == 0)
					continue;
				money_format_csv(m[i * ng + k], amt,
				    sizeof(amt));
				buf_printf(c->b, "%s,", labels[i]);
				csv_field(c->b, names[k]);
				buf_printf(c->b, ",%s,USD\r\n", amt);
			}
		return;
	}
	/* The chart: the TOP_N groups and the rest as "Others". */
	ns = ng > TOP_N ? TOP_N + 1 : ng;
	series = arena_alloc(c->r->arena, (ns + 1) * sizeof(*series));
	for (i = 0; i < ns; i++)
		series[i] = i < TOP_N ? names[i] : "Others";
	v = arena_zalloc(c->r->arena, (res.nbuckets * ns + 1) * sizeof(*v));
	/* The table: this page's PAGE_ROWS groups x the periods, with each
	 * row's total and each period's (over every group, not only the
	 * page's: the engine's bucket totals). */
	npages = ng == 0 ? 1 : (ng + PAGE_ROWS - 1) / PAGE_ROWS;
	if (p.page > npages)
		p.page = npages;
	first = (p.page - 1) * PAGE_ROWS;
	nrows = ng - first < PAGE_ROWS ? ng - first : PAGE_ROWS;
	m = arena_zalloc(c->r->arena, (res.nbuckets * nrows + 1) *
	    sizeof(*m));
	rowt = arena_zalloc(c->r->arena, (nrows + 1) * sizeof(*rowt));
	colt = arena_zalloc(c->r->arena, (res.nbuckets + 1) * sizeof(*colt));
	for (i = 0; i < res.ncells; i++) {
		size_t	 r = rank[p.group != NULL ? res.cells[i].g[0] : 0];
		size_t	 bk = res.cells[i].bucket;
		int64_t	 val = res.cells[i].v[CE_UNBLENDED];

		over |= money_add(&v[bk * ns + (r < TOP_N ? r : TOP_N)], val);
		if (r >= first && r < first + nrows) {
			over |= money_add(&m[(r - first) * res.nbuckets + bk],
			    val);
			over |= money_add(&rowt[r - first], val);
		}
	}
	for (i = 0; i < res.nbuckets; i++) {
		colt[i] = res.total[i][CE_UNBLENDED];
		over |= money_add(&grand, colt[i]);
	}
	if (over) {
		page_message(c, 400, "Bad request", TOO_LARGE);
		return;
	}
	query = ca_query(c, &p, cust, 1);
	page_begin(c, "Cost analysis");
	buf_adds(c->b, "<h1>Cost analysis</h1>");
	portal_customer_picker(c, cust, "/portal/costs");
	if (!has_cost_data(c, &sc, ce_today(c->r->store) + 1 - CE_DAYS_MAX,
	    ce_today(c->r->store) + 1)) {
		no_data_note(c, &sc);
		page_end(c);
		return;
	}
	ca_form(c, &sc, &p, cust);
	if (res.ncells == 0) {
		buf_adds(c->b, "<p class=\"card note\" id=\"no-cost\">No cost "
		    "in this range with these filters. Choose a longer range "
		    "or fewer filters.</p>");
		views_card(c, &p, cust);
		page_end(c);
		return;
	}
	buf_adds(c->b, "<section class=\"card\" id=\"analysis\">");
	svg_bars(c->b, "Cost by period", res.nbuckets, labels, ns, series, v,
	    "USD", NULL);
	buf_printf(c->b, "<p><a id=\"csv\" href=\"/portal/costs.csv?%s\">"
	    "Download CSV</a> (every %s of every period, exact decimals)</p>",
	    query, p.group != NULL ? "group" : "period");
	buf_printf(c->b, "<div class=\"table-wrap\"><table id=\"costs\">"
	    "<caption class=\"muted\">Amounts in USD, largest %s first"
	    "</caption><thead><tr><th scope=\"col\">%s",
	    p.group != NULL ? "group" : "row", p.group != NULL ?
	    ce_dim_label(p.group->dim) : "");
	if (p.group_key != NULL) {	/* "Tag Owner" */
		buf_adds(c->b, " ");
		html_escape(c->b, p.group_key);
	}
	buf_adds(c->b, "</th>");
	for (i = 0; i < res.nbuckets; i++)
		buf_printf(c->b, "<th scope=\"col\" class=\"num\">%s</th>",
		    labels[i]);
	buf_adds(c->b, "<th scope=\"col\" class=\"num\">Total</th></tr>"
	    "</thead><tbody>");
	for (k = 0; k < nrows; k++) {
		buf_adds(c->b, "<tr><th scope=\"row\">");
		html_escape(c->b, names[first + k]);
		buf_adds(c->b, "</th>");
		for (i = 0; i < res.nbuckets; i++) {
			buf_adds(c->b, "<td class=\"num\">");
			money_html(c->b, m[k * res.nbuckets + i]);
			buf_adds(c->b, "</td>");
		}
		buf_adds(c->b, "<td class=\"num rowtotal\">");
		money_html(c->b, rowt[k]);
		buf_adds(c->b, "</td></tr>");
	}
	buf_adds(c->b, "</tbody><tfoot><tr><th scope=\"row\">Total</th>");
	for (i = 0; i < res.nbuckets; i++) {
		buf_adds(c->b, "<td class=\"num\">");
		money_html(c->b, colt[i]);
		buf_adds(c->b, "</td>");
	}
	buf_adds(c->b, "<td class=\"num\" id=\"grand-total\">");
	money_html(c->b, grand);
	buf_adds(c->b, "</td></tr></tfoot></table></div>");
	if (npages > 1)
		ca_pager(c, &p, cust, ng, npages);
	buf_adds(c->b, "</section>");
	views_card(c, &p, cust);
	page_end(c);
}

/*
 * Who is looking at invoices: a customer user sees its customer's issued
 * and void documents only, without the AWS cost (billing/invoice.h's
 * customer-scoped reads; scope_of bound cust to the user's customer);
 * MSP users and the MSP's account see every customer's with it, and
 * admin / billing users may issue and void (as the MSP).
 */
static void
invoice_view_of(struct ctx *c, struct inv_view *v, struct principal *msp)
{
	struct msp	 m;

	memset(v, 0, sizeof(*v));
	v->base = "/portal/invoices";
	v->customer = "";
	if (c->is_portal && strcmp(c->portal.role, "customer") == 0) {
		v->customer = c->portal.customer_id;
		return;
	}
	v->msp = 1;
	v->can_act = portal_can_write(c);
	if (c->is_msp)
		v->who = &c->who;
	else if (msp_get(c->r->store, &m, NULL) == 0) {
		memset(msp, 0, sizeof(*msp));
		snprintf(msp->account_id, sizeof(msp->account_id), "%s",
		    m.account_id);
		v->who = msp;
	} else
		v->can_act = 0;
}

static void
invoices(struct ctx *c, const char *rest)
{
	struct ce_scope	 sc;
	struct inv_view	 v;
	struct principal msp;
	const char	*cust;

	if (portal_scope_of(c, &sc, &cust) == -1)
		return;
	invoice_view_of(c, &v, &msp);
	if (*rest != '\0') {
		invoice_key_page(c, &v, rest);
		return;
	}
	page_begin(c, "Invoices");
	invoice_list_body(c, &v, cust);
	if (*cust != '\0') {
		int64_t	 ms = ce_month_start(ce_today(c->r->store));
		int64_t	 pm = ce_month_start(ms - 1);
		char	 d[11];

		/* Last month's file, when last month has cost data. */
		ce_day_format(pm, d, sizeof(d));
		if (has_cost_data(c, &sc, pm, ms))
			buf_printf(c->b, "<p>Cost data for your FinOps tools: "
			    "<a id=\"focus\" href=\"/portal/focus.csv?period="
			    "%.7s%s\">FOCUS 1.2 CSV of %.7s</a></p>", d,
			    portal_keep(c, cust, "&"), d);
		else
			buf_printf(c->b, "<p class=\"muted\" id=\"no-focus\">"
			    "No cost data for %.7s, so no FOCUS file for your "
			    "FinOps tools yet.</p>", d);
	}
	page_end(c);
}

static void
focus(struct ctx *c)
{
	struct ce_scope	 sc;
	const char	*cust, *period = form_str(&c->query, "period");
	struct err	 e;
	char		 chunk[8192], d[16];
	int64_t		 start;
	size_t		 len;
	FILE		*f;

	if (portal_scope_of(c, &sc, &cust) == -1)
		return;
	if (*cust == '\0') {
		page_message(c, 400, "Bad request", "Choose a customer.");
		return;
	}
	/* A month without cost data has no file (as Invoices says), not a
	 * header alone. */
	snprintf(d, sizeof(d), "%.7s-01", period);
	if (strlen(period) == 7 && ce_day_parse(d, &start) == 0 &&
	    !has_cost_data(c, &sc, start, ce_month_next(start))) {
		page_message(c, 404, "Not found", arena_printf(c->r->arena,
		    "There is no cost data for %s, so there is no FOCUS "
		    "file of it.", period));
		return;
	}
	err_clear(&e);
	/* The export writes a FILE: a temporary one, copied into the
	 * response (capped by the response buffer). */
	if ((f = tmpfile()) == NULL) {
		page_message(c, 500, "Error", "no temporary file");
		return;
	}
	if (focus_export(c->r->store, c->r->arena, cust,
	    form_str(&c->query, "period"), f, &e) == -1) {
		fclose(f);
		page_message(c, 400, "Bad request", err_friendly(&e));
		return;
	}
	rewind(f);
	c->resp->status = 200;
	c->resp->content_type = "text/csv; charset=utf-8";
	response_header(c->resp, "Content-Disposition",
	    "attachment; filename=\"focus.csv\"");
	while ((len = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(c->b, chunk, len) == -1)
			break;
	fclose(f);
}

void
portal_get(struct ctx *c, const char *rest)
{
	if (*rest == '\0')
		overview(c);
	else if (strcmp(rest, "costs") == 0)
		costs(c, 0);
	else if (strcmp(rest, "costs.csv") == 0)
		costs(c, 1);
	else if (strcmp(rest, "invoices") == 0)
		invoices(c, "");
	else if (strncmp(rest, "invoices/", 9) == 0)
		invoices(c, rest + 9);
	else if (strcmp(rest, "focus.csv") == 0)
		focus(c);
	else if (strcmp(rest, "budgets") == 0)
		portal_budgets(c);
	else if (strncmp(rest, "budgets/", 8) == 0)
		portal_budget_page(c, rest + 8);
	else if (strcmp(rest, "anomalies") == 0)
		portal_anomalies(c);
	else
		page_message(c, 404, "Not found", "There is no page here.");
}

/* rest "create" (name, query) or "ID/delete": the caller's own views. */
static void
views_post(struct ctx *c, const char *cust, const char *rest)
{
	struct saved_view	 v;
	struct err		 e;
	const char		*slash = strchr(rest, '/');
	char			 id[VIEW_ID_LEN + 1];

	err_clear(&e);
	if (strcmp(rest, "create") == 0) {
		if (view_save(c->r->store, c->r->arena, view_owner(c),
		    form_trimmed(c, form_str(&c->form, "name")),
		    form_str(&c->form, "query"), &v, &e) == -1) {
			page_message(c, 400, "Bad request", err_friendly(&e));
			return;
		}
		flash_set(c, "View %s saved.", v.name);
		page_redirect(c, arena_printf(c->r->arena, "/portal/costs?%s",
		    v.query));
		return;
	}
	if (slash == NULL || strcmp(slash, "/delete") != 0 ||
	    (size_t)(slash - rest) >= sizeof(id)) {
		page_message(c, 404, "Not found", "There is no page here.");
		return;
	}
	snprintf(id, sizeof(id), "%.*s", (int)(slash - rest), rest);
	if (view_delete(c->r->store, view_owner(c), id, &e) == -1) {
		page_message(c, e.code == ERR_NOT_FOUND ? 404 : 400,
		    "Not found", err_friendly(&e));
		return;
	}
	flash_set(c, "View deleted.");
	page_redirect(c, arena_printf(c->r->arena, "/portal/costs%s",
	    portal_keep(c, cust, "?")));
}

void
portal_post(struct ctx *c, const char *rest)
{
	struct ce_scope		 sc;
	struct err		 e;
	const char		*cust, *slash;
	char			 id[40];

	if (portal_scope_of(c, &sc, &cust) == -1)
		return;
	err_clear(&e);
	/* Saved views are the person's own: read-only roles keep theirs. */
	if (strncmp(rest, "views/", 6) == 0) {
		views_post(c, cust, rest + 6);
		return;
	}
	if (!portal_can_write(c)) {
		page_message(c, 403, "Forbidden", "Your role can only read.");
		return;
	}
	if (strncmp(rest, "invoices/", 9) == 0) {
		struct inv_view	 v;
		struct principal msp;

		invoice_view_of(c, &v, &msp);
		invoice_pages_post(c, &v, rest + 9);
		return;
	}
	if (strncmp(rest, "budgets/", 8) == 0) {
		portal_budget_post(c, cust, rest + 8);
		return;
	}
	if (strncmp(rest, "anomalies/", 10) == 0 &&
	    (slash = strchr(rest + 10, '/')) != NULL &&
	    (size_t)(slash - rest - 10) < sizeof(id) &&
	    (strcmp(slash + 1, "dismiss") == 0 ||
	    strcmp(slash + 1, "acknowledge") == 0)) {
		snprintf(id, sizeof(id), "%.*s", (int)(slash - rest - 10),
		    rest + 10);
		if (!portal_anomaly_in_scope(c, &sc, id)) {
			page_message(c, 404, "Not found",
			    "There is no such anomaly.");
			return;
		}
		if (anomaly_set_status(c->r->store, sc.msp ? "msp" :
		    sc.customer_id, id, strcmp(slash + 1, "dismiss") == 0 ?
		    "DISMISSED" : "ACKNOWLEDGED", c->is_portal ?
		    c->portal.email : c->acct.email, &e) == -1) {
			page_message(c, 400, "Bad request", err_friendly(&e));
			return;
		}
		flash_set(c, "Anomaly %s. It stays in the list with its new "
		    "status.", strcmp(slash + 1, "dismiss") == 0 ?
		    "dismissed" : "acknowledged");
		page_redirect(c, arena_printf(c->r->arena,
		    "/portal/anomalies%s", portal_keep(c, cust, "?")));
		return;
	}
	page_message(c, 404, "Not found", "There is no page here.");
}
