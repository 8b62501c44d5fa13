/* SPDX-License-Identifier: MIT */
/*
 * Invoices in the browser. The MSP console's /invoices (the MSP's account
 * only): the list with filters (customer, period, state) and counts, the
 * view with the AWS cost beside the billed cost and the margin, Issue and
 * Void, "Recompute drafts for period", PDF and CSV, and the reconciliation
 * report of a period. The billing portal's Invoices (portal_pages.c) uses
 * the same pages through struct inv_view: a customer user sees only its
 * customer's issued and void documents (billing/invoice.h's customer-scoped
 * reads), with no AWS figure anywhere in the HTML or CSV; MSP users see
 * every customer's, with the AWS cost. See page.h.
 */
#include <stdio.h>
#include <string.h>

#include "billing/invoice.h"
#include "billing/pdf.h"
#include "billing/pricing.h"
#include "billing/service.h"
#include "onboard/onboard.h"
#include "web/page.h"
#include "web/web.h"

#define KEY_MAX		(INVOICE_NUMBER_MAX + INVOICE_ID_LEN + 1)

static const char *
kind_label(const char *kind)
{
	if (strcmp(kind, "CREDIT_NOTE") == 0)
		return ("Credit note");
	if (strcmp(kind, "ADJUSTMENT") == 0)
		return ("Adjustment invoice");
	return ("Invoice");
}

static const char *
state_label(const char *state)
{
	if (strcmp(state, "DRAFT") == 0)
		return ("Draft");
	if (strcmp(state, "ISSUED") == 0)
		return ("Issued");
	if (strcmp(state, "VOID") == 0)
		return ("Void");
	return (state);
}

/* What a document is called in links: its number, or its id (draft). */
static const char *
doc_key(const struct invoice *h)
{
	return (h->number[0] ? h->number : h->id);
}

/* Ids and numbers: letters, digits and '-' only. */
static int
key_valid(const char *k, size_t len)
{
	size_t	 i;

	if (len == 0 || len > KEY_MAX)
		return (0);
	for (i = 0; i < len; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' &&
		    k[i] <= 'Z') || (k[i] >= '0' && k[i] <= '9') ||
		    k[i] == '-'))
			return (0);
	return (1);
}

/* Percent-encodes s for a query string (arena copy). */
static const char *
url_enc(struct ctx *c, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 len = strlen(s), n = 0;
	char			*d = arena_alloc(c->r->arena, len * 3 + 1);

	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '.') {
			d[n++] = (char)ch;
			continue;
		}
		d[n++] = '%';
		d[n++] = hex[ch >> 4];
		d[n++] = hex[ch & 15];
	}
	d[n] = '\0';
	return (d);
}

/* An amount in minor units; cur NULL in a column whose header names it. */
static void
amount_html(struct buf *b, int64_t minor, int digits, const char *cur)
{
	char	 t[MONEY_TEXT_MAX];

	minor_text(minor, digits, cur, t, sizeof(t));
	html_escape(b, t);
}

/* USD 10^-9 shown in cents (half-even), in a column headed "(USD)". */
static void
usd_html(struct buf *b, int64_t nano)
{
	amount_html(b, round_minor(nano, 2), 2, NULL);
}

/* margin / cost as "12.3 %" (one decimal, truncated), or "-". */
static void
pct_html(struct buf *b, int64_t margin, int64_t cost)
{
	__int128	 t;
	int64_t		 v;

	if (cost == 0) {
		buf_adds(b, "-");
		return;
	}
	t = (__int128)margin * 1000 / cost;
	v = (int64_t)t;
	buf_printf(b, "%s%lld.%lld %%", v < 0 ? "-" : "",
	    (long long)((v < 0 ? -v : v) / 10),
	    (long long)((v < 0 ? -v : v) % 10));
}

/* Text with newlines as lines (escaped). */
static void
lines_html(struct buf *b, const char *s)
{
	const char	*nl;

	while ((nl = strchr(s, '\n')) != NULL) {
		char	 t[512];

		snprintf(t, sizeof(t), "%.*s", (int)(nl - s), s);
		html_escape(b, t);
		buf_adds(b, "<br>");
		s = nl + 1;
	}
	html_escape(b, s);
}

static void
not_found(struct ctx *c)
{
	page_message(c, 404, "Not found", "There is no such invoice.");
}

static void
forbidden_read_only(struct ctx *c)
{
	page_message(c, 403, "Forbidden", "Your role can view invoices but "
	    "not issue, void or recompute them.");
}

/* ---- The list ---------------------------------------------------------- */

static void
customer_select(struct ctx *c, const char *id, const char *name,
    const char *cust, int any)
{
	struct customer	*v;
	size_t		 n = 0, i;
	int		 more;
	struct err	 e;

	err_clear(&e);
	if (customer_list(c->r->store, c->r->arena, NULL, "", 0, &v, &n,
	    &more, &e) == -1)
		n = 0;
	buf_printf(c->b, "<select id=\"%s\" name=\"%s\">", id, name);
	if (any)
		buf_adds(c->b, "<option value=\"\">All customers</option>");
	for (i = 0; i < n; i++) {
		buf_adds(c->b, "<option value=\"");
		html_escape(c->b, v[i].id);
		buf_adds(c->b, strcmp(v[i].id, cust) == 0 ? "\" selected>" :
		    "\">");
		html_escape(c->b, v[i].name);
		buf_adds(c->b, "</option>");
	}
	buf_adds(c->b, "</select>");
}

static const char *
this_month(struct ctx *c)
{
	char	 d[16];

	invoice_date(store_now(c->r->store), d, sizeof(d));
	return (arena_printf(c->r->arena, "%.7s", d));
}

static void
recompute_form(struct ctx *c, const struct inv_view *v, const char *period)
{
	buf_adds(c->b, "<section class=\"card\" id=\"recompute\"><h2>"
	    "Recompute drafts for a period</h2><p class=\"muted\">Brings every "
	    "draft of the month up to date with the latest cost data and "
	    "prices (new drafts for customers with charges; a restatement of "
	    "an issued invoice becomes a draft credit note or adjustment). "
	    "Issued invoices never change.</p>");
	error_here(c, "recompute");
	buf_adds(c->b, "<form method=\"post\" class=\"filters\" action=\"");
	html_escape(c->b, v->base);
	buf_adds(c->b, "/recompute\">");
	csrf_input(c);
	buf_adds(c->b, "<div><label for=\"rperiod\">Month to recompute</label><input "
	    "id=\"rperiod\" name=\"period\" required pattern=\"[0-9]{4}-"
	    "[0-9]{2}\" placeholder=\"YYYY-MM\" value=\"");
	html_escape(c->b, *period ? period : this_month(c));
	buf_adds(c->b, "\"></div><div><label for=\"rcustomer\">Only for "
	    "customer</label>");
	customer_select(c, "rcustomer", "customer", "", 1);
	buf_adds(c->b, "</div><div><button type=\"submit\" class=\"primary\">"
	    "Recompute drafts</button></div></form></section>");
}

void
invoice_list_body(struct ctx *c, const struct inv_view *v, const char *cust)
{
	struct invoice	*inv = NULL;
	struct err	 e;
	const char	*period = form_trimmed(c, form_str(&c->query, "period"));
	const char	*state = form_str(&c->query, "state");
	const char	*q, *states[3] = { "DRAFT", "ISSUED", "VOID" };
	size_t		 n = 0, i, k, shown = 0, cnt[3] = { 0, 0, 0 };
	int		 ok;

	err_clear(&e);
	if (!v->msp)
		cust = v->customer;
	if (v->msp)
		ok = invoice_list(c->r->store, c->r->arena, v->who, cust,
		    period, &inv, &n, &e) == 0;
	else
		ok = invoice_customer_list(c->r->store, c->r->arena, cust,
		    period, &inv, &n, &e) == 0;
	buf_adds(c->b, "<h1>Invoices</h1>");
	if (v->msp && v->can_act && strcmp(v->base, "/invoices") == 0) {
		buf_adds(c->b, "<p class=\"actions\"><a class=\"button "
		    "secondary\" id=\"recon-link\" href=\"/invoices/"
		    "reconciliation");
		if (*period && ok)
			html_printf(c->b, "?period=%s", url_enc(c, period));
		buf_adds(c->b, "\">Reconciliation report</a></p>");
	}
	/* Filters. */
	buf_adds(c->b, "<form method=\"get\" class=\"filters\" action=\"");
	html_escape(c->b, v->base);
	buf_adds(c->b, "\">");
	if (v->msp) {
		buf_adds(c->b, "<div><label for=\"customer\">Customer</label>");
		customer_select(c, "customer", "customer", cust, 1);
		buf_adds(c->b, "</div>");
	}
	buf_adds(c->b, "<div><label for=\"period\">Period</label><input "
	    "id=\"period\" name=\"period\" placeholder=\"YYYY-MM\" size=\"8\" "
	    "value=\"");
	html_escape(c->b, period);
	buf_adds(c->b, "\"></div><div><label for=\"state\">State</label>"
	    "<select id=\"state\" name=\"state\"><option value=\"\">Any"
	    "</option>");
	for (k = v->msp ? 0 : 1; k < 3; k++)
		buf_printf(c->b, "<option value=\"%s\"%s>%s</option>",
		    states[k], strcmp(state, states[k]) == 0 ? " selected" : "",
		    state_label(states[k]));
	buf_adds(c->b, "</select></div><div><button type=\"submit\">Show"
	    "</button></div></form>");
	if (!ok) {
		buf_adds(c->b, "<p class=\"flash error\" role=\"alert\">");
		html_escape(c->b, err_friendly(&e));
		buf_adds(c->b, "</p>");
		n = 0;
	}
	/* Counts by state, each a link to that state. */
	for (i = 0; i < n; i++)
		for (k = 0; k < 3; k++)
			if (strcmp(inv[i].state, states[k]) == 0)
				cnt[k]++;
	q = arena_printf(c->r->arena, "%s%s%s%s", v->msp && *cust ?
	    "&customer=" : "", v->msp && *cust ? url_enc(c, cust) : "",
	    *period ? "&period=" : "", *period ? url_enc(c, period) : "");
	buf_adds(c->b, "<p class=\"counts\" id=\"counts\"><a href=\"");
	html_escape(c->b, v->base);
	buf_adds(c->b, "?");
	html_escape(c->b, *q ? q + 1 : "");
	buf_printf(c->b, "\"%s>All: %zu</a>", *state ? "" :
	    " aria-current=\"true\"", n);
	for (k = v->msp ? 0 : 1; k < 3; k++) {
		buf_adds(c->b, "<a href=\"");
		html_escape(c->b, v->base);
		html_printf(c->b, "?state=%s%s", states[k], q);
		buf_printf(c->b, "\"%s>%s: %zu</a>", strcmp(state,
		    states[k]) == 0 ? " aria-current=\"true\"" : "",
		    state_label(states[k]), cnt[k]);
	}
	buf_adds(c->b, "</p>");
	for (i = 0; i < n; i++)
		if (*state == '\0' || strcmp(inv[i].state, state) == 0)
			shown++;
	if (shown == 0)
		buf_adds(c->b, "<p id=\"no-invoices\">No invoices yet.</p>");
	else {
		buf_adds(c->b, "<div class=\"table-wrap\"><table id=\"invoices\">"
		    "<thead><tr><th>Number</th><th>Kind</th>");
		if (v->msp)
			buf_adds(c->b, "<th>Customer</th>");
		buf_adds(c->b, "<th>Period</th><th>State</th>");
		if (v->msp)
			buf_adds(c->b, "<th class=\"num\">AWS cost (USD)</th>");
		buf_adds(c->b, "<th class=\"num\">Total</th><th>Currency</th>"
		    "</tr></thead><tbody>");
		for (i = 0; i < n; i++) {
			const struct invoice *h = &inv[i];

			if (*state != '\0' && strcmp(h->state, state) != 0)
				continue;
			buf_adds(c->b, "<tr><td><a href=\"");
			html_escape(c->b, v->base);
			buf_adds(c->b, "/");
			html_escape(c->b, doc_key(h));
			buf_adds(c->b, "\">");
			/* A draft has no number yet: whose and which month
			 * tell the drafts apart. */
			if (h->number[0])
				html_escape(c->b, h->number);
			else
				html_printf(c->b, "Draft: %s, %s",
				    h->customer_name, h->period);
			buf_adds(c->b, "</a></td><td>");
			html_escape(c->b, kind_label(h->kind));
			if (v->msp) {
				buf_adds(c->b, "</td><td>");
				html_escape(c->b, h->customer_name);
			}
			buf_adds(c->b, "</td><td>");
			html_escape(c->b, h->period);
			buf_printf(c->b, "</td><td class=\"state state-%s\">%s",
			    h->state, state_label(h->state));
			if (v->msp) {
				buf_adds(c->b, "</td><td class=\"num\">");
				usd_html(c->b, h->aws_cost);
			}
			buf_adds(c->b, "</td><td class=\"num\">");
			amount_html(c->b, h->total, h->minor_digits, NULL);
			buf_adds(c->b, "</td><td>");
			html_escape(c->b, h->currency);
			buf_adds(c->b, "</td></tr>");
		}
		buf_adds(c->b, "</tbody></table></div>");
	}
	if (v->msp && v->can_act)
		recompute_form(c, v, ok ? period : "");
}

/* ---- One document ------------------------------------------------------ */

static int
doc_load(struct ctx *c, const struct inv_view *v, const char *key,
    struct invoice_doc *d, struct err *e)
{
	if (!key_valid(key, strlen(key)))
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "no such invoice"));
	if (v->msp)
		return (invoice_get(c->r->store, c->r->arena, v->who, key, d,
		    e));
	return (invoice_customer_get(c->r->store, c->r->arena, v->customer,
	    key, d, e));
}

static void
doc_title(const struct invoice_doc *d, char *buf, size_t len)
{
	const struct invoice	*h = &d->h;

	if (h->number[0])
		snprintf(buf, len, "%s %s", kind_label(h->kind), h->number);
	else
		snprintf(buf, len, "Draft %s for %s",
		    strcmp(h->kind, "INVOICE") == 0 ? "invoice" :
		    strcmp(h->kind, "CREDIT_NOTE") == 0 ? "credit note" :
		    "adjustment invoice", h->period);
}

static void
doc_actions(struct ctx *c, const struct inv_view *v,
    const struct invoice_doc *d)
{
	const struct invoice	*h = &d->h;
	const char		*url;

	buf_adds(c->b, "<section class=\"card actions\" id=\"actions\">");
	url = arena_printf(c->r->arena, "%s/%s", v->base, doc_key(h));
	buf_adds(c->b, "<a class=\"button secondary\" id=\"pdf\" href=\"");
	html_escape(c->b, url);
	buf_adds(c->b, "/pdf\">Download PDF</a><a class=\"button secondary\" "
	    "id=\"csv\" href=\"");
	html_escape(c->b, url);
	buf_adds(c->b, "/csv\">Download CSV</a>");
	if (v->msp && v->can_act && strcmp(h->state, "DRAFT") == 0)
		button_form(c, arena_printf(c->r->arena, "%s/issue", url),
		    NULL, NULL, "Issue", "primary", arena_printf(c->r->arena,
		    "Issue this %s for %s, %s? It takes the next number and "
		    "never changes again.", strcmp(h->kind, "INVOICE") == 0 ?
		    "invoice" : "note", h->customer_name, h->period));
	buf_adds(c->b, "</section>");
	error_here(c, "actions");
	if (v->msp && v->can_act && strcmp(h->state, "ISSUED") == 0) {
		buf_adds(c->b, "<details class=\"card\" id=\"void\"><summary>"
		    "Void this document</summary><form method=\"post\" "
		    "class=\"stack\" action=\"");
		html_escape(c->b, url);
		buf_adds(c->b, "/void\" data-confirm=\"");
		html_printf(c->b, "Void %s? The number stays used and the "
		    "customer sees it as void.", h->number);
		buf_adds(c->b, "\">");
		csrf_input(c);
		buf_adds(c->b, "<label for=\"reason\">Reason</label><input "
		    "id=\"reason\" name=\"reason\" required maxlength=\"500\">"
		    "<button type=\"submit\" class=\"danger\">Void</button>"
		    "</form></details>");
	}
}

static void
doc_page(struct ctx *c, const struct inv_view *v, const struct invoice_doc *d)
{
	const struct invoice	*h = &d->h;
	struct buf		*b = c->b;
	char			 title[128], t[64];
	size_t			 i, nadj = 0;
	int			 cols;

	doc_title(d, title, sizeof(title));
	page_begin(c, title);
	buf_adds(b, "<p><a href=\"");
	html_escape(b, v->base);
	buf_adds(b, "\">All invoices</a></p><h1>");
	html_escape(b, title);
	buf_printf(b, " <span class=\"state state-%s\" id=\"doc-state\">%s"
	    "</span></h1>", h->state, state_label(h->state));
	doc_actions(c, v, d);

	buf_adds(b, "<section class=\"kpis parties\"><div class=\"card\" "
	    "id=\"bill-from\"><h2>From</h2><p>");
	lines_html(b, h->bill_from[0] ? h->bill_from : "");
	buf_adds(b, "</p></div><div class=\"card\" id=\"bill-to\"><h2>Bill to"
	    "</h2><p>");
	lines_html(b, h->bill_to);
	buf_adds(b, "</p></div></section>");

	buf_adds(b, "<section class=\"card\"><dl class=\"kv\" id=\"facts\">");
	html_kv(b, "Number", h->number[0] ? h->number : "(draft: numbered "
	    "when issued)");
	html_kv(b, "Customer", h->customer_name);
	html_kv(b, "Month", h->period);
	snprintf(t, sizeof(t), "%s to %s", h->period_start, h->period_end);
	html_kv(b, "Service dates", t);
	if (h->issued_at) {
		invoice_date(h->issued_at, t, sizeof(t));
		html_kv(b, "Issued", t);
	}
	if (strcmp(h->kind, "CREDIT_NOTE") != 0) {
		invoice_due_text(h, t, sizeof(t));
		html_kv(b, "Due date", t);
		payment_terms_text(h->payment_terms_days, t, sizeof(t));
		html_kv(b, "Payment terms", t);
		if (h->payment_instructions[0] != '\0')
			html_kv(b, "How to pay", h->payment_instructions);
	}
	if (h->voided_at) {
		invoice_date(h->voided_at, t, sizeof(t));
		html_kv(b, "Voided", t);
	}
	if (d->refers_number[0] || h->refers_to[0])
		html_kv(b, "Refers to", d->refers_number[0] ?
		    d->refers_number : h->refers_to);
	html_kv(b, "Currency", h->currency);
	if (strcmp(h->currency, "USD") != 0) {
		char	 r[40];

		nano_format(h->fx_rate, r, sizeof(r));
		snprintf(t, sizeof(t), "1 USD = %s %s", r, h->currency);
		html_kv(b, "Exchange rate", t);
	}
	pct_format(h->tax_rate, t, sizeof(t));
	html_kv(b, "Tax rate", arena_printf(c->r->arena, "%s %%", t));
	if (v->msp) {
		html_kv(b, "Commitment policy", h->commitment);
		html_kv(b, "Cost data (imports)", h->source[0] ? h->source :
		    "none");
	}
	buf_adds(b, "</dl></section>");

	/* Lines by account and service. */
	cols = v->msp ? 4 : 3;
	buf_adds(b, "<section class=\"card\"><h2>Charges by account and "
	    "service</h2><div class=\"table-wrap\"><table id=\"lines\"><thead>"
	    "<tr><th>Account</th><th>Service</th>");
	if (v->msp)
		buf_adds(b, "<th class=\"num\">AWS cost (USD)</th>");
	buf_adds(b, "<th class=\"num\">Amount (");
	html_escape(b, h->currency);
	buf_adds(b, ")</th></tr></thead><tbody>");
	for (i = 0; i < d->n; i++) {
		const struct invoice_line *l = &d->lines[i];

		if (strcmp(l->kind, "LINE") != 0) {
			nadj++;
			continue;
		}
		buf_adds(b, "<tr><td>");
		html_account(c, l->account_id);
		buf_adds(b, "</td><td>");
		html_escape(b, service_name(l->service));
		if (v->msp) {
			buf_adds(b, "</td><td class=\"num\">");
			usd_html(b, l->aws_cost);
		}
		buf_adds(b, "</td><td class=\"num\">");
		amount_html(b, l->amount, h->minor_digits, NULL);
		buf_adds(b, "</td></tr>");
	}
	if (d->n == nadj)
		buf_printf(b, "<tr><td colspan=\"%d\" class=\"muted\">No "
		    "charges.</td></tr>", cols);
	buf_adds(b, "</tbody></table></div>");

	if (nadj > 0) {
		buf_adds(b, "<h3>Adjustments</h3><div class=\"table-wrap\">"
		    "<table id=\"adjustments\"><thead><tr><th>Description</th>"
		    "<th>Kind</th><th class=\"num\">Amount (");
		html_escape(b, h->currency);
		buf_adds(b, ")</th></tr></thead><tbody>");
		for (i = 0; i < d->n; i++) {
			const struct invoice_line *l = &d->lines[i];

			if (strcmp(l->kind, "LINE") == 0)
				continue;
			buf_adds(b, "<tr><td>");
			html_escape(b, l->description);
			buf_adds(b, l->billed_exact < 0 ? "</td><td>Credit" :
			    "</td><td>Fee");
			buf_adds(b, "</td><td class=\"num\">");
			amount_html(b, l->amount, h->minor_digits, NULL);
			buf_adds(b, "</td></tr>");
		}
		buf_adds(b, "</tbody></table></div>");
	}

	buf_adds(b, "<h3>Totals</h3><table id=\"totals\"><tbody><tr><th "
	    "scope=\"row\">Subtotal</th><td class=\"num\">");
	amount_html(b, h->subtotal, h->minor_digits, h->currency);
	buf_adds(b, "</td></tr><tr><th scope=\"row\">Tax (");
	pct_format(h->tax_rate, t, sizeof(t));
	html_escape(b, t);
	buf_adds(b, " %)</th><td class=\"num\">");
	amount_html(b, h->tax, h->minor_digits, h->currency);
	buf_adds(b, "</td></tr><tr><th scope=\"row\"><strong>Total</strong>"
	    "</th><td class=\"num\" id=\"total\"><strong>");
	amount_html(b, h->total, h->minor_digits, h->currency);
	buf_adds(b, "</strong></td></tr></tbody></table></section>");

	if (v->msp) {
		buf_adds(b, "<section class=\"card\" id=\"margin\"><h2>Margin "
		    "(MSP only)</h2><p class=\"muted\">In USD, before tax: what "
		    "the MSP pays AWS for these lines against what it bills."
		    "</p><dl class=\"kv\"><dt>AWS cost (USD)</dt><dd>");
		usd_html(b, h->aws_cost);
		buf_adds(b, "</dd><dt>Billed before tax (USD)</dt><dd>");
		usd_html(b, h->billed_usd);
		buf_adds(b, "</dd><dt>Margin (USD)</dt><dd id=\"margin-value\">");
		usd_html(b, h->billed_usd - h->aws_cost);
		buf_adds(b, " (");
		pct_html(b, h->billed_usd - h->aws_cost, h->aws_cost);
		buf_adds(b, " of the AWS cost)</dd></dl></section>");
	}
	page_end(c);
}

static void
doc_download(struct ctx *c, const struct inv_view *v,
    const struct invoice_doc *d, int pdf)
{
	struct err	 e;

	err_clear(&e);
	if (pdf) {
		if (invoice_pdf(c->r->store, c->r->arena, d, c->b, NULL,
		    &e) == -1) {
			buf_reset(c->b);
			page_message(c, 500, "Error", err_friendly(&e));
			return;
		}
	} else if (invoice_csv_write(d, v->msp, c->b) == -1) {
		buf_reset(c->b);
		page_message(c, 500, "Error", "The invoice is too large.");
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = pdf ? "application/pdf" :
	    "text/csv; charset=utf-8";
	response_header(c->resp, "Cache-Control", "no-store");
	response_header(c->resp, "Content-Disposition", arena_printf(
	    c->r->arena, "attachment; filename=\"%s.%s\"", doc_key(&d->h),
	    pdf ? "pdf" : "csv"));
}

/* Splits "KEY[/what]" into key and what ("" when none); 0 when malformed. */
static int
split_key(struct ctx *c, const char *rest, const char **key,
    const char **what)
{
	const char	*slash = strchr(rest, '/');
	size_t		 len = slash ? (size_t)(slash - rest) : strlen(rest);

	if (!key_valid(rest, len))
		return (0);
	*key = arena_strndup(c->r->arena, rest, len);
	*what = slash ? slash + 1 : "";
	return (1);
}

void
invoice_key_page(struct ctx *c, const struct inv_view *v, const char *rest)
{
	struct invoice_doc	 d;
	struct err		 e;
	const char		*key, *what;

	err_clear(&e);
	if (!split_key(c, rest, &key, &what) || (strcmp(what, "") != 0 &&
	    strcmp(what, "pdf") != 0 && strcmp(what, "csv") != 0)) {
		not_found(c);
		return;
	}
	if (doc_load(c, v, key, &d, &e) == -1) {
		if (e.code == ERR_NOT_FOUND)
			not_found(c);
		else
			page_message(c, e.code == ERR_DENIED ? 403 : 500,
			    "Not available", err_friendly(&e));
		return;
	}
	if (*what == '\0')
		doc_page(c, v, &d);
	else
		doc_download(c, v, &d, strcmp(what, "pdf") == 0);
}

/* ---- Actions ----------------------------------------------------------- */

static void
recompute(struct ctx *c, const struct inv_view *v)
{
	struct invoice_batch	 bt;
	struct err		 e;
	const char		*period = form_trimmed(c, form_str(&c->form,
				    "period"));
	const char		*cust = form_str(&c->form, "customer");

	err_clear(&e);
	if (invoice_draft_all(c->r->store, v->who, period, *cust ? cust : NULL,
	    &bt, &e) == -1) {
		error_at(c, "recompute", &e);
		c->query.n = 0;
		page_begin(c, "Invoices");
		invoice_list_body(c, v, "");
		page_end(c);
		return;
	}
	flash_set(c, "Drafts for %s recomputed: %zu new, %zu changed, %zu "
	    "unchanged, %zu credit notes or adjustments drafted, %zu issued "
	    "invoices kept as they are.", period, bt.created, bt.changed,
	    bt.unchanged, bt.notes, bt.issued_kept);
	page_redirect(c, arena_printf(c->r->arena, "%s?period=%s", v->base,
	    url_enc(c, period)));
}

void
invoice_pages_post(struct ctx *c, const struct inv_view *v, const char *rest)
{
	struct invoice_doc	 d, cur;
	struct err		 e, e2;
	const char		*key, *what, *reason;
	int			 rc;

	err_clear(&e);
	if (!v->msp || !v->can_act) {
		forbidden_read_only(c);
		return;
	}
	if (strcmp(rest, "recompute") == 0) {
		recompute(c, v);
		return;
	}
	if (!split_key(c, rest, &key, &what) || (strcmp(what, "issue") != 0 &&
	    strcmp(what, "void") != 0)) {
		not_found(c);
		return;
	}
	if (strcmp(what, "issue") == 0)
		rc = invoice_issue(c->r->store, c->r->arena, v->who, key, &d,
		    &e);
	else {
		reason = form_trimmed(c, form_str(&c->form, "reason"));
		if (*reason == '\0')
			rc = err_set(&e, ERR_INVALID, NULL, NULL,
			    "Give a reason for voiding.");
		else
			rc = invoice_void_reason(c->r->store, c->r->arena,
			    v->who, key, reason, &d, &e);
	}
	if (rc == 0) {
		flash_set(c, "%s %s %s.", kind_label(d.h.kind), d.h.number,
		    strcmp(what, "issue") == 0 ? "issued" : "voided");
		page_redirect(c, arena_printf(c->r->arena, "%s/%s", v->base,
		    doc_key(&d.h)));
		return;
	}
	if (e.code == ERR_NOT_FOUND) {
		not_found(c);
		return;
	}
	/* Show the document again with what went wrong. */
	err_clear(&e2);
	if (doc_load(c, v, key, &cur, &e2) == -1) {
		page_message(c, 400, "Not done", err_friendly(&e));
		return;
	}
	error_at(c, "actions", &e);
	c->resp->status = e.code == ERR_CONFLICT ? 409 :
	    e.code == ERR_DENIED ? 403 : 400;
	doc_page(c, v, &cur);
}

/* ---- The MSP console: /invoices ---------------------------------------- */

static void
console_view(struct ctx *c, struct inv_view *v)
{
	memset(v, 0, sizeof(*v));
	v->msp = 1;
	v->can_act = 1;
	v->base = "/invoices";
	v->customer = "";
	v->who = &c->who;
}

static void
reconciliation(struct ctx *c)
{
	struct recon	 r;
	struct err	 e;
	struct buf	*b = c->b;
	const char	*period = form_trimmed(c, form_str(&c->query, "period"));
	size_t		 i;
	int		 ok;

	err_clear(&e);
	if (*period == '\0')
		period = this_month(c);
	ok = invoice_reconcile(c->r->store, c->r->arena, &c->who, period,
	    &r, &e) == 0;
	page_begin(c, "Reconciliation");
	buf_adds(b, "<p><a href=\"/invoices\">All invoices</a></p><h1>"
	    "Reconciliation</h1><form method=\"get\" class=\"filters\" "
	    "action=\"/invoices/reconciliation\"><div><label for=\"period\">"
	    "Period</label><input id=\"period\" name=\"period\" "
	    "placeholder=\"YYYY-MM\" size=\"8\" value=\"");
	html_escape(b, period);
	buf_adds(b, "\"></div><div><button type=\"submit\">Show</button></div>"
	    "</form>");
	if (!ok) {
		buf_adds(b, "<p class=\"flash error\" role=\"alert\">");
		html_escape(b, err_friendly(&e));
		buf_adds(b, "</p>");
		page_end(c);
		return;
	}
	buf_adds(b, "<section class=\"card\"><h2>The payer's AWS total"
	    "</h2><p class=\"muted\">Every line of the MSP's own bill for "
	    "the period (payer account <span id=\"payer\">");
	html_escape(b, r.payer_id);
	buf_adds(b, "</span>; other payers' files are never counted), in "
	    "USD: what the customers' accounts cost while they were in "
	    "the organization, plus member hours of accounts no customer "
	    "owns, plus hours outside the organization.</p><div class=\""
	    "table-wrap\"><table id=\"identity\"><tbody><tr><th scope=\"row\">"
	    "AWS total for the payer</th><td class=\"num\" id=\"aws-total\">");
	usd_html(b, r.aws_total);
	buf_adds(b, "</td></tr><tr><th scope=\"row\">Customers' AWS cost"
	    "</th><td class=\"num\">");
	usd_html(b, r.customers_aws);
	buf_adds(b, "</td></tr><tr><th scope=\"row\">Unassigned (member "
	    "accounts without a customer)</th><td class=\"num\">");
	usd_html(b, r.unassigned);
	buf_adds(b, "</td></tr><tr><th scope=\"row\">Out of membership</th>"
	    "<td class=\"num\">");
	usd_html(b, r.out_of_membership);
	buf_adds(b, "</td></tr><tr><th scope=\"row\">Difference</th><td "
	    "class=\"num\" id=\"difference\">");
	usd_html(b, r.difference);
	buf_adds(b, "</td></tr></tbody></table></div>");
	buf_adds(b, r.difference == 0 ? "<p class=\"flash ok\" id=\"balanced\">"
	    "Balanced: AWS total = customers + unassigned + out of "
	    "membership.</p>" : "<p class=\"flash error\" id=\"balanced\">"
	    "Not balanced: the difference above is unexplained.</p>");
	buf_adds(b, "</section><section class=\"card\"><h2>Margin by customer"
	    "</h2><p class=\"muted\">USD, before tax; billed at the customers' "
	    "prices (fees and credits included).</p><div class=\"table-wrap\">"
	    "<table id=\"margins\"><thead><tr><th>Customer</th><th class=\"num\">"
	    "AWS cost</th><th class=\"num\">Billed</th><th class=\"num\">Margin"
	    "</th><th class=\"num\">Margin %</th></tr></thead><tbody>");
	for (i = 0; i < r.n; i++) {
		buf_adds(b, "<tr><td><a href=\"/invoices?customer=");
		html_escape(b, url_enc(c, r.v[i].customer_id));
		buf_adds(b, "&amp;period=");
		html_escape(b, url_enc(c, r.period));
		buf_adds(b, "\">");
		html_escape(b, r.v[i].name);
		buf_adds(b, "</a></td><td class=\"num\">");
		usd_html(b, r.v[i].aws_cost);
		buf_adds(b, "</td><td class=\"num\">");
		usd_html(b, r.v[i].billed_usd);
		buf_adds(b, "</td><td class=\"num\">");
		usd_html(b, r.v[i].margin);
		buf_adds(b, "</td><td class=\"num\">");
		pct_html(b, r.v[i].margin, r.v[i].aws_cost);
		buf_adds(b, "</td></tr>");
	}
	if (r.n == 0)
		buf_adds(b, "<tr><td colspan=\"5\" class=\"muted\">No customer "
		    "has charges this period.</td></tr>");
	buf_adds(b, "</tbody><tfoot><tr><th scope=\"row\">Total</th><td "
	    "class=\"num\">");
	usd_html(b, r.customers_aws);
	buf_adds(b, "</td><td class=\"num\">");
	usd_html(b, r.billed_usd);
	buf_adds(b, "</td><td class=\"num\" id=\"margin-total\">");
	usd_html(b, r.margin);
	buf_adds(b, "</td><td class=\"num\">");
	pct_html(b, r.margin, r.customers_aws);
	buf_adds(b, "</td></tr></tfoot></table></div></section>");
	page_end(c);
}

void
invoices_get(struct ctx *c, const char *rest)
{
	struct inv_view	 v;

	console_view(c, &v);
	if (*rest == '\0') {
		page_begin(c, "Invoices");
		invoice_list_body(c, &v, form_str(&c->query, "customer"));
		page_end(c);
	} else if (strcmp(rest, "reconciliation") == 0)
		reconciliation(c);
	else
		invoice_key_page(c, &v, rest);
}

void
invoices_post(struct ctx *c, const char *rest)
{
	struct inv_view	 v;

	console_view(c, &v);
	invoice_pages_post(c, &v, rest);
}
