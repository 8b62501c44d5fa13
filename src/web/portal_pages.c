/* SPDX-License-Identifier: MIT */
/*
 * The billing portal under /portal: Overview, Cost analysis (+ CSV),
 * Invoices and the FOCUS download here; Budgets and Anomalies in
 * portal_alert_pages.c (portal_internal.h between them). Who sees what: a
 * customer user only its customer (any ?customer= is ignored); MSP users
 * (admin, billing, read-only) and the MSP's account every customer, or
 * the whole payer with no ?customer=. Numbers come from ce/, the same
 * engine the Cost Explorer API answers from.
 */
#include <stdio.h>
#include <string.h>

#include "billing/money.h"
#include "onboard/onboard.h"
#include "portal/portal.h"
#include "web/page.h"
#include "web/portal_internal.h"
#include "web/svg.h"
#include "web/web.h"

#define TOP_N		8
#define RANGE_MAX_DAYS	397	/* 13 months */

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
portal_money(struct buf *b, int64_t v)
{
	char	 t[MONEY_TEXT_MAX];

	money_text(v, "USD", t, sizeof(t));
	html_escape(b, t);
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

static int64_t
sum_range(struct ctx *c, const struct ce_scope *sc, int64_t s, int64_t e_,
    struct err *e)
{
	struct ce_query	 q;
	struct ce_result res;

	memset(&q, 0, sizeof(q));
	q.start = s;
	q.end = e_;
	q.monthly = 1;
	if (s >= e_ || ce_query_run(c->r->store, c->r->arena, sc, &q, &res,
	    e) == -1)
		return (0);
	return (res.nbuckets ? res.total[0][CE_UNBLENDED] +
	    (res.nbuckets > 1 ? res.total[1][CE_UNBLENDED] : 0) : 0);
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
		portal_money(c->b, res.cells[ord[i]].v[CE_UNBLENDED]);
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
		portal_money(c->b, v[i]);
		buf_adds(c->b, "</td></tr>");
	}
	buf_adds(c->b, "</tbody></table></section>");
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
		html_escape(c->b, h[i].payer_id);
		buf_adds(c->b, "</td><td class=\"num\">");
		portal_money(c->b, h[i].unblended);
		buf_adds(c->b, "</td></tr>");
	}
	buf_adds(c->b, "</tbody></table></section>");
}

static void
overview(struct ctx *c)
{
	struct ce_scope		 sc;
	struct ce_forecast	 f;
	struct budget_status	*bs = NULL;
	struct anomaly		*an = NULL;
	struct err		 e;
	const char		*cust;
	int64_t			 today, ms, mtd, last, fc;
	size_t			 nb = 0, na = 0, i, open = 0;
	char			 d[11];

	if (portal_scope_of(c, &sc, &cust) == -1)
		return;
	err_clear(&e);
	today = ce_today(c->r->store);
	ms = ce_month_start(today);
	mtd = sum_range(c, &sc, ms, today + 1, &e);
	{
		int64_t pm = ce_month_start(ms - 1);
		int64_t pe = pm + (today - ms) + 1;

		if (pe > ms)
			pe = ms;
		last = sum_range(c, &sc, pm, pe, &e);
	}
	fc = mtd;
	err_clear(&e);
	if (today + 1 < ce_month_next(today) && ce_forecast_run(c->r->store,
	    c->r->arena, &sc, CE_UNBLENDED, today + 1, ce_month_next(today), 0,
	    NULL, 80, &f, &e) == 0)
		fc += f.total;
	page_begin(c, "Billing overview");
	buf_adds(c->b, "<h1>Billing overview</h1>");
	portal_customer_picker(c, cust, "/portal");
	ce_day_format(today, d, sizeof(d));
	buf_adds(c->b, "<p class=\"muted\">");
	buf_adds(c->b, sc.msp ? "AWS's figures for every line of the payer's "
	    "files." : "At your prices, for the hours your accounts were in "
	    "the MSP's organization.");
	buf_printf(c->b, " Today is %s.</p><section class=\"kpis\">", d);
	buf_adds(c->b, "<div class=\"card kpi\" id=\"mtd\">Month to date"
	    "<strong>");
	portal_money(c->b, mtd);
	buf_adds(c->b, "</strong></div><div class=\"card kpi\" id=\"forecast\">"
	    "Forecast for the month end<strong>");
	portal_money(c->b, fc);
	buf_adds(c->b, "</strong></div><div class=\"card kpi\" id=\"lastmonth\">"
	    "Last month at the same day<strong>");
	portal_money(c->b, last);
	buf_adds(c->b, "</strong></div></section>");
	if (sc.msp)
		whose_card(c, &sc, ms, today + 1);
	top_table(c, &sc, CE_SERVICE, ms, today + 1);
	top_table(c, &sc, CE_LINKED_ACCOUNT, ms, today + 1);
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
			portal_money(c->b, bs[i].b.amount);
			buf_adds(c->b, "</td><td class=\"num\">");
			portal_money(c->b, bs[i].actual);
			buf_adds(c->b, "</td><td class=\"num\">");
			portal_money(c->b, bs[i].forecast);
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

/* Cost analysis parameters from the query string. */
struct ca {
	int64_t		 start, end;
	int		 monthly;
	int		 group;		/* -1: none */
	const char	*group_key;	/* CE_TAG, CE_COST_CATEGORY: which */
	struct ce_expr	*filter;
	const char	*fval[3];
	const char	*aval[2];	/* tag, category: "Key=Value" */
};

/* The tag and cost category filters: "Owner=alice" ("Owner=": the lines
 * without the tag). */
static const enum ce_dim akinds[2] = { CE_TAG, CE_COST_CATEGORY };
static const char *const anames[2] = { "tag", "category" };

static const enum ce_dim fdims[3] = { CE_SERVICE, CE_LINKED_ACCOUNT,
    CE_REGION };
static const char *const fnames[3] = { "service", "account", "region" };

static int
ca_parse(struct ctx *c, struct ca *p, struct err *e)
{
	const char	*s = form_str(&c->query, "from");
	const char	*t = form_str(&c->query, "to");
	const char	*g = form_str(&c->query, "group");
	int64_t		 today = ce_today(c->r->store);
	struct ce_expr	*kids[5];
	size_t		 nk = 0, i;

	memset(p, 0, sizeof(*p));
	p->end = today + 1;
	p->start = today - 29;
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
	p->group = *g == '\0' ? CE_SERVICE : strcmp(g, "NONE") == 0 ? -1 :
	    ce_dim_parse(g);
	if (strncmp(g, "TAG:", 4) == 0 && g[4] != '\0') {
		p->group = CE_TAG;
		p->group_key = g + 4;
	} else if (strncmp(g, "COST_CATEGORY:", 14) == 0 && g[14] != '\0') {
		p->group = CE_COST_CATEGORY;
		p->group_key = g + 14;
	} else if (*g != '\0' && strcmp(g, "NONE") != 0 && (p->group < 0 ||
	    p->group >= CE_OPERATION))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "group: SERVICE, LINKED_ACCOUNT, REGION, USAGE_TYPE, "
		    "RECORD_TYPE, TAG:key or COST_CATEGORY:name"));
	for (i = 0; i < 3; i++) {
		const char *v = form_str(&c->query, fnames[i]);

		p->fval[i] = v;
		if (*v == '\0')
			continue;
		kids[nk] = arena_zalloc(c->r->arena, sizeof(struct ce_expr));
		kids[nk]->op = CE_DIMS;
		kids[nk]->dim = fdims[i];
		{
			const char **vals = arena_alloc(c->r->arena,
			    sizeof(*vals));

			vals[0] = v;
			kids[nk]->values = vals;
		}
		kids[nk]->nvalues = 1;
		nk++;
	}
	for (i = 0; i < 2; i++) {
		const char	*v = form_str(&c->query, anames[i]), *eq;
		const char	**vals;

		p->aval[i] = v;
		if (*v == '\0')
			continue;
		if ((eq = strchr(v, '=')) == NULL || eq == v)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "%s: Key=Value (Key= for the lines without it)",
			    anames[i]));
		kids[nk] = arena_zalloc(c->r->arena, sizeof(struct ce_expr));
		kids[nk]->op = CE_DIMS;
		kids[nk]->dim = akinds[i];
		kids[nk]->key = arena_strndup(c->r->arena, v,
		    (size_t)(eq - v));
		vals = arena_alloc(c->r->arena, sizeof(*vals));
		vals[0] = eq + 1;	/* "": absent (ce.h) */
		kids[nk]->values = vals;
		kids[nk]->nvalues = 1;
		nk++;
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
attr_options(struct ctx *c, const struct ce_scope *sc, const struct ca *p)
{
	struct ce_attr_key	*k;
	struct err		 e;
	size_t			 n, i, j;

	for (j = 0; j < 2; j++) {
		err_clear(&e);
		if (ce_attr_keys(c->r->store, c->r->arena, sc, akinds[j],
		    p->start, p->end, &k, &n, &e) == -1)
			continue;	/* the page still works without them */
		for (i = 0; i < n; i++) {
			int sel = p->group == (int)akinds[j] &&
			    strcmp(p->group_key, k[i].key) == 0;

			buf_printf(c->b, "<option value=\"%s:",
			    ce_dim_name(akinds[j]));
			html_escape(c->b, k[i].key);
			buf_printf(c->b, "\"%s>%s: ", sel ? " selected" : "",
			    ce_dim_label(akinds[j]));
			html_escape(c->b, k[i].key);
			buf_adds(c->b, "</option>");
		}
	}
}

static void
bucket_label(const struct ce_result *r, size_t i, int monthly, char *buf,
    size_t len)
{
	char	 d[11];

	ce_day_format(r->bstart[i], d, sizeof(d));
	snprintf(buf, len, "%.*s", monthly ? 7 : 10, d);
}

static void
costs(struct ctx *c, int csv)
{
	struct ce_scope	 sc;
	struct ce_query	 q;
	struct ce_result res;
	struct ca	 p;
	struct err	 e;
	const char	*cust, **labels, **series;
	int64_t		*v, *tot;
	size_t		 i, k, ns, *rank, ng;
	char		 lab[16], f[11], t[11], amt[48];
	static const char *const groups[] = { "SERVICE", "LINKED_ACCOUNT",
	    "REGION", "USAGE_TYPE", "RECORD_TYPE" };

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
	q.filter = p.filter;
	if (p.group >= 0) {
		q.group[0] = (enum ce_dim)p.group;
		q.group_key[0] = p.group_key;
		q.ngroup = 1;
	}
	if (ce_query_run(c->r->store, c->r->arena, &sc, &q, &res, &e) == -1) {
		page_message(c, 400, "Bad request", err_friendly(&e));
		return;
	}
	/* Series: the TOP_N groups by total, the rest as "Other". */
	ng = p.group >= 0 ? res.nkeys : 1;
	tot = arena_zalloc(c->r->arena, (ng + 1) * sizeof(*tot));
	for (i = 0; i < res.ncells; i++)
		tot[p.group >= 0 ? res.cells[i].g[0] : 0] +=
		    res.cells[i].v[CE_UNBLENDED];
	rank = arena_alloc(c->r->arena, (ng + 1) * sizeof(*rank));
	for (i = 0; i < ng; i++) {
		size_t r = 0;
		for (k = 0; k < ng; k++)
			if (tot[k] > tot[i] || (tot[k] == tot[i] && k < i))
				r++;
		rank[i] = r;
	}
	ns = ng > TOP_N ? TOP_N + 1 : ng;
	series = arena_alloc(c->r->arena, (ns + 1) * sizeof(*series));
	for (i = 0; i < ng; i++)
		if (rank[i] < TOP_N)
			series[rank[i]] = p.group < 0 ? "Total" :
			    p.group == CE_LINKED_ACCOUNT && !csv ?
			    account_label(c, res.keys[i]) :
			    p.group_key != NULL && !csv ?
			    attr_label(c, p.group_key, res.keys[i]) :
			    res.keys[i];
	if (ng > TOP_N)
		series[TOP_N] = "Other";
	labels = arena_alloc(c->r->arena, (res.nbuckets + 1) *
	    sizeof(*labels));
	v = arena_zalloc(c->r->arena, (res.nbuckets * ns + 1) * sizeof(*v));
	for (i = 0; i < res.nbuckets; i++) {
		bucket_label(&res, i, p.monthly, lab, sizeof(lab));
		labels[i] = arena_strdup(c->r->arena, lab);
	}
	for (i = 0; i < res.ncells; i++) {
		size_t s = rank[p.group >= 0 ? res.cells[i].g[0] : 0];
		if (s > TOP_N)
			s = TOP_N;
		v[res.cells[i].bucket * ns + s] += res.cells[i].v[CE_UNBLENDED];
	}
	if (csv) {
		c->resp->status = 200;
		c->resp->content_type = "text/csv; charset=utf-8";
		response_header(c->resp, "Content-Disposition",
		    "attachment; filename=\"costs.csv\"");
		/* Exact decimals, unrounded, as the header says. */
		buf_printf(c->b, "period_start,%s%s%s,cost_exact_decimal,"
		    "currency\r\n",
		    p.group >= 0 ? ce_dim_name((enum ce_dim)p.group) : "total",
		    p.group_key != NULL ? ":" : "",
		    p.group_key != NULL ? p.group_key : "");
		for (i = 0; i < res.nbuckets; i++)
			for (k = 0; k < ns; k++) {
				if (v[i * ns + k] == 0)
					continue;
				money_format_csv(v[i * ns + k], amt,
				    sizeof(amt));
				buf_printf(c->b, "%s,", labels[i]);
				csv_field(c->b, series[k]);
				buf_printf(c->b, ",%s,USD\r\n", amt);
			}
		return;
	}
	page_begin(c, "Cost analysis");
	buf_adds(c->b, "<h1>Cost analysis</h1>");
	portal_customer_picker(c, cust, "/portal/costs");
	ce_day_format(p.start, f, sizeof(f));
	ce_day_format(p.end - 1, t, sizeof(t));
	buf_adds(c->b, "<form method=\"get\" action=\"/portal/costs\" class="
	    "\"inline filters\">");
	if (*portal_keep(c, cust, "") != '\0') {
		buf_adds(c->b, "<input type=\"hidden\" name=\"customer\" "
		    "value=\"");
		html_escape(c->b, cust);
		buf_adds(c->b, "\">");
	}
	buf_printf(c->b, "<label>From <input type=\"date\" name=\"from\" "
	    "value=\"%s\"></label> <label>To <input type=\"date\" name=\"to\" "
	    "value=\"%s\"></label> <label>Granularity <select name="
	    "\"granularity\"><option value=\"DAILY\">Daily</option><option "
	    "value=\"MONTHLY\"%s>Monthly</option></select></label> <label>"
	    "Group by <select name=\"group\">", f, t, p.monthly ?
	    " selected" : "");
	for (i = 0; i < 5; i++)
		buf_printf(c->b, "<option value=\"%s\"%s>%s</option>",
		    groups[i], (int)i == p.group ? " selected" : "",
		    ce_dim_label((enum ce_dim)i));
	attr_options(c, &sc, &p);
	buf_printf(c->b, "<option value=\"NONE\"%s>Nothing</option></select>"
	    "</label>", p.group < 0 ? " selected" : "");
	for (i = 0; i < 3; i++) {
		buf_printf(c->b, " <label>%s <input name=\"%s\" size=\"14\" "
		    "value=\"", ce_dim_label(fdims[i]), fnames[i]);
		html_escape(c->b, p.fval[i]);
		buf_adds(c->b, "\"></label>");
	}
	for (i = 0; i < 2; i++) {
		buf_printf(c->b, " <label>%s <input name=\"%s\" size=\"14\" "
		    "placeholder=\"Key=Value\" value=\"",
		    ce_dim_label(akinds[i]), anames[i]);
		html_escape(c->b, p.aval[i]);
		buf_adds(c->b, "\"></label>");
	}
	buf_adds(c->b, " <button type=\"submit\">Apply</button></form>");
	svg_bars(c->b, "Cost by period", res.nbuckets, labels, ns, series, v,
	    "USD");
	buf_adds(c->b, "<p><a id=\"csv\" href=\"/portal/costs.csv?");
	html_escape(c->b, c->r->query);
	buf_adds(c->b, "\">Download CSV</a> (exactly the table below: the top 8 and Other, as charted)</p>");
	buf_printf(c->b, "<table id=\"costs\"><thead><tr><th>Period</th>"
	    "<th>%s", p.group >= 0 ? ce_dim_label((enum ce_dim)p.group) : "");
	if (p.group_key != NULL) {	/* "Tag Owner" */
		buf_adds(c->b, " ");
		html_escape(c->b, p.group_key);
	}
	buf_adds(c->b, "</th><th class=\"num\">Cost</th></tr></thead><tbody>");
	for (i = 0; i < res.nbuckets; i++)
		for (k = 0; k < ns; k++) {
			if (v[i * ns + k] == 0)
				continue;
			buf_printf(c->b, "<tr><td>%s</td><td>", labels[i]);
			html_escape(c->b, series[k]);
			buf_adds(c->b, "</td><td class=\"num\">");
			portal_money(c->b, v[i * ns + k]);
			buf_adds(c->b, "</td></tr>");
		}
	buf_adds(c->b, "</tbody></table>");
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
		char	 d[11];

		ce_day_format(ce_month_start(ce_today(c->r->store)) - 1, d,
		    sizeof(d));
		buf_printf(c->b, "<p>Cost data for your FinOps tools: <a id="
		    "\"focus\" href=\"/portal/focus.csv?period=%.7s%s\">FOCUS "
		    "1.2 CSV of %.7s</a></p>", d, portal_keep(c, cust, "&"), d);
	}
	page_end(c);
}

static void
focus(struct ctx *c)
{
	struct ce_scope	 sc;
	const char	*cust;
	struct err	 e;
	char		 chunk[8192];
	size_t		 len;
	FILE		*f;

	if (portal_scope_of(c, &sc, &cust) == -1)
		return;
	if (*cust == '\0') {
		page_message(c, 400, "Bad request", "Choose a customer.");
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
	else if (strcmp(rest, "anomalies") == 0)
		portal_anomalies(c);
	else
		page_message(c, 404, "Not found", "There is no page here.");
}

void
portal_post(struct ctx *c, const char *rest)
{
	struct ce_scope		 sc;
	struct budget_input	 in;
	struct err		 e;
	const char		*cust, *slash;
	char			 id[40];

	if (portal_scope_of(c, &sc, &cust) == -1)
		return;
	err_clear(&e);
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
	if (strcmp(rest, "budgets/create") == 0) {
		if (*cust == '\0') {
			page_message(c, 400, "Bad request",
			    "Choose a customer.");
			return;
		}
		memset(&in, 0, sizeof(in));
		in.customer_id = cust;
		in.name = form_str(&c->form, "name");
		in.amount = form_str(&c->form, "amount");
		in.account_id = form_str(&c->form, "account");
		in.actual_pct = form_str(&c->form, "actual");
		in.forecast_pct = form_str(&c->form, "forecast");
		in.webhook_url = form_str(&c->form, "webhook");
		if (budget_create(c->r->store, &in, NULL, &e) == -1) {
			error_at(c, "budget", &e);
			c->resp->status = 400;
			portal_budgets(c);
			return;
		}
		flash_set(c, "Budget %s created.", in.name);
		page_redirect(c, arena_printf(c->r->arena, "/portal/budgets%s",
		    portal_keep(c, cust, "?")));
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
