/* SPDX-License-Identifier: MIT */
/*
 * The MSP's prices in the console (/pricing, the MSP's account only): the
 * pricing rules (scope, signed percentage, validity, partner discounts
 * passed on) with a form to add one (the domain's overlap refusal shown
 * next to the form) and delete with a confirmation; custom line items per
 * customer (list, add, delete); the exchange rate table of a month (list,
 * set); each customer's commitment policy. Every change is a POST with the
 * session's CSRF token, then a redirect with a flash (or the page again
 * with the error next to the form). Translate only: src/billing/pricing.h
 * does the work. See page.h.
 */
#include <stdio.h>
#include <string.h>

#include "billing/invoice.h"
#include "billing/pricing.h"
#include "core/clock.h"
#include "onboard/onboard.h"
#include "web/page.h"
#include "web/web.h"

struct pview {
	struct customer	*cust;		/* the MSP's customers (first page) */
	size_t		 ncust;
	const char	*customer;	/* ?customer= for items ("" all) */
	const char	*period;	/* ?period= for exchange rates */
};


static const char *
this_month(struct ctx *c)
{
	char	 d[16];

	invoice_date(store_now(c->r->store), d, sizeof(d));
	return (arena_printf(c->r->arena, "%.7s", d));
}

/* Letters, digits and '-' only, 1 to max characters. */
static int
id_ok(const char *s, size_t max)
{
	size_t	 n = strlen(s), i;

	if (n == 0 || n > max)
		return (0);
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-'))
			return (0);
	return (1);
}

static const char *
customer_name(const struct pview *pv, const char *id)
{
	size_t	 i;

	for (i = 0; i < pv->ncust; i++)
		if (strcmp(pv->cust[i].id, id) == 0)
			return (pv->cust[i].name);
	return (id);
}

/* A form field: the trimmed value, or NULL when empty. */
static const char *
field(struct ctx *c, const char *name)
{
	const char	*s = form_trimmed(c, form_str(&c->form, name));

	return (*s != '\0' ? s : NULL);
}

static void
customer_select(struct ctx *c, const struct pview *pv, const char *id,
    const char *name, const char *sel, const char *any)
{
	size_t	 i;

	buf_printf(c->b, "<select id=\"%s\" name=\"%s\">", id, name);
	if (any != NULL) {
		buf_adds(c->b, "<option value=\"\">");
		html_escape(c->b, any);
		buf_adds(c->b, "</option>");
	}
	for (i = 0; i < pv->ncust; i++) {
		buf_adds(c->b, "<option value=\"");
		html_escape(c->b, pv->cust[i].id);
		buf_adds(c->b, strcmp(pv->cust[i].id, sel) == 0 ?
		    "\" selected>" : "\">");
		html_escape(c->b, pv->cust[i].name);
		buf_adds(c->b, "</option>");
	}
	buf_adds(c->b, "</select>");
}

/* <label for=id>label</label><input id=id name=id value=(posted)>. */
static void
input(struct ctx *c, const char *id, const char *label, const char *attrs,
    const char *dflt)
{
	const char	*v = form_get(&c->form, id);

	buf_printf(c->b, "<div><label for=\"%s\">", id);
	html_escape(c->b, label);
	buf_printf(c->b, "</label><input id=\"%s\" name=\"%s\" %s value=\"",
	    id, id, attrs);
	html_escape(c->b, v != NULL ? v : dflt);
	buf_adds(c->b, "\"></div>");
}

static void
td(struct buf *b, const char *s)
{
	buf_adds(b, "<td>");
	html_escape(b, *s ? s : "-");
	buf_adds(b, "</td>");
}

/* ---- Rules ------------------------------------------------------------- */

static void
rules_section(struct ctx *c, const struct pview *pv)
{
	struct pricing_rule	*v = NULL;
	struct buf		*b = c->b;
	struct err		 e;
	size_t			 n = 0, i;
	char			 pct[32];

	err_clear(&e);
	buf_adds(b, "<section class=\"card\" id=\"rules\" aria-labelledby=\""
	    "rules-h\"><h2 id=\"rules-h\">Pricing rules</h2><p class=\"muted\">"
	    "A signed percentage on the AWS cost (-10 is a discount, 5 a "
	    "markup). The most specific valid rule prices a line: usage type, "
	    "then service, then account, then customer, then global. Tax and "
	    "free tier are never marked up.</p>");
	if (pricing_rule_list(c->r->store, c->r->arena, &c->who, NULL, &v, &n,
	    &e) == -1)
		error_box(b, &e);
	else if (n == 0)
		buf_adds(b, "<p class=\"muted\" id=\"no-rules\">No pricing rules "
		    "yet: customers are billed the AWS cost.</p>");
	else {
		buf_adds(b, "<div class=\"table-wrap\"><table id=\"rule-list\">"
		    "<thead><tr><th scope=\"col\">Scope</th><th scope=\"col\">"
		    "Customer</th><th scope=\"col\">Account</th><th scope=\""
		    "col\">Service</th><th scope=\"col\">Usage type</th><th "
		    "scope=\"col\" class=\"num\">Percent</th><th scope=\"col\">"
		    "From</th><th scope=\"col\">To</th><th scope=\"col\">Passes "
		    "on</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
		for (i = 0; i < n; i++) {
			buf_adds(b, "<tr data-rule=\"");
			html_escape(b, v[i].id);
			buf_adds(b, "\">");
			td(b, pricing_scope_name(v[i].level));
			td(b, v[i].customer_id[0] ? customer_name(pv,
			    v[i].customer_id) : "Any");
			td(b, v[i].account_id);
			td(b, v[i].service);
			td(b, v[i].usage_type);
			pct_format(v[i].percent, pct, sizeof(pct));
			buf_adds(b, "<td class=\"num\">");
			html_printf(b, "%s%s %%", v[i].percent > 0 ? "+" : "",
			    pct);
			buf_adds(b, "</td>");
			td(b, v[i].valid_from);
			td(b, v[i].valid_to[0] ? v[i].valid_to : "open");
			td(b, v[i].passes);
			buf_adds(b, "<td>");
			button_form(c, "/pricing/rules/delete", "id", v[i].id,
			    "Delete", "danger", "Delete this pricing rule? "
			    "Drafts change when they are next recomputed.");
			buf_adds(b, "</td></tr>");
		}
		buf_adds(b, "</tbody></table></div>");
	}
	buf_adds(b, "<h3 id=\"add-rule-h\">Add a rule</h3>");
	error_here(c, "add-rule");
	buf_adds(b, "<form method=\"post\" action=\"/pricing/rules/add\" "
	    "class=\"filters\" id=\"add-rule\" aria-labelledby=\"add-rule-h\">");
	csrf_input(c);
	buf_adds(b, "<div><label for=\"rule-customer\">Customer</label>");
	customer_select(c, pv, "rule-customer", "customer",
	    form_str(&c->form, "customer"), "Any customer (global)");
	buf_adds(b, "</div>");
	input(c, "account", "Account (optional)", "inputmode=\"numeric\" "
	    "maxlength=\"12\" pattern=\"[0-9]{12}\" size=\"14\"", "");
	input(c, "service", "Service (optional)", "maxlength=\"128\" "
	    "placeholder=\"AmazonEC2\" size=\"14\"", "");
	input(c, "usage_type", "Usage type (optional)", "maxlength=\"128\" "
	    "placeholder=\"BoxUsage:m5.large\" size=\"16\"", "");
	input(c, "percent", "Percent", "required inputmode=\"decimal\" "
	    "maxlength=\"12\" placeholder=\"-10\" size=\"8\"", "");
	input(c, "from", "From month", "required pattern=\"[0-9]{4}-[0-9]{2}\" "
	    "placeholder=\"YYYY-MM\" size=\"8\"", this_month(c));
	input(c, "to", "To month (optional)", "pattern=\"[0-9]{4}-[0-9]{2}\" "
	    "placeholder=\"YYYY-MM\" size=\"8\"", "");
	input(c, "passes", "Passes on (optional)", "maxlength=\"255\" "
	    "placeholder=\"EdpDiscount\" size=\"14\"", "");
	buf_adds(b, "<div><button type=\"submit\" class=\"primary\">Add rule"
	    "</button></div></form></section>");
}

/* ---- Custom line items ------------------------------------------------- */

static void
items_section(struct ctx *c, const struct pview *pv)
{
	struct custom_item	*v = NULL;
	struct buf		*b = c->b;
	struct err		 e;
	size_t			 n = 0, i;
	char			 t[48];

	err_clear(&e);
	buf_adds(b, "<section class=\"card\" id=\"items\" aria-labelledby=\""
	    "items-h\"><h2 id=\"items-h\">Custom line items</h2><p class=\""
	    "muted\">Fees (positive) and credits (negative) on a customer's "
	    "invoices: a flat amount, or a percentage of the charges (of one "
	    "service, or all) with a minimum; one month or every month.</p>"
	    "<form method=\"get\" action=\"/pricing\" class=\"filters\"><div>"
	    "<label for=\"items-customer\">Customer</label>");
	customer_select(c, pv, "items-customer", "customer", pv->customer,
	    "All customers");
	buf_adds(b, "</div><input type=\"hidden\" name=\"period\" value=\"");
	html_escape(b, pv->period);
	buf_adds(b, "\"><div><button type=\"submit\">Show</button></div>"
	    "</form>");
	if (pricing_item_list(c->r->store, c->r->arena, &c->who,
	    *pv->customer ? pv->customer : NULL, &v, &n, &e) == -1)
		error_box(b, &e);
	else if (n == 0)
		buf_adds(b, "<p class=\"muted\" id=\"no-items\">No custom line "
		    "items.</p>");
	else {
		buf_adds(b, "<div class=\"table-wrap\"><table id=\"item-list\">"
		    "<thead><tr><th scope=\"col\">Customer</th><th scope=\"col\">"
		    "Description</th><th scope=\"col\" class=\"num\">Amount or "
		    "percent</th><th scope=\"col\">Of</th><th scope=\"col\" "
		    "class=\"num\">Minimum</th><th scope=\"col\">Currency</th>"
		    "<th scope=\"col\">From</th><th scope=\"col\">To</th><th "
		    "scope=\"col\">Actions</th>"
		    "</tr></thead><tbody>");
		for (i = 0; i < n; i++) {
			buf_adds(b, "<tr data-item=\"");
			html_escape(b, v[i].id);
			buf_adds(b, "\">");
			td(b, customer_name(pv, v[i].customer_id));
			td(b, v[i].description);
			buf_adds(b, "<td class=\"num\">");
			if (strcmp(v[i].kind, "FLAT") == 0) {
				money_text(v[i].amount, NULL, t, sizeof(t));
				html_escape(b, t);
				buf_adds(b, "</td><td>-</td><td class=\"num\">-"
				    "</td>");
			} else {
				pct_format(v[i].percent, t, sizeof(t));
				html_printf(b, "%s %%", t);
				buf_adds(b, "</td>");
				td(b, v[i].of_service[0] ? v[i].of_service :
				    "all charges");
				money_text(v[i].minimum, NULL, t, sizeof(t));
				buf_adds(b, "<td class=\"num\">");
				html_escape(b, t);
				buf_adds(b, "</td>");
			}
			td(b, v[i].currency);
			td(b, v[i].valid_from);
			td(b, v[i].valid_to[0] ? v[i].valid_to : "monthly");
			buf_adds(b, "<td>");
			button_form(c, "/pricing/items/delete", "id", v[i].id,
			    "Delete", "danger", "Delete this line item?");
			buf_adds(b, "</td></tr>");
		}
		buf_adds(b, "</tbody></table></div>");
	}
	buf_adds(b, "<h3 id=\"add-item-h\">Add a line item</h3>");
	error_here(c, "add-item");
	buf_adds(b, "<form method=\"post\" action=\"/pricing/items/add\" "
	    "class=\"filters\" id=\"add-item\" aria-labelledby=\"add-item-h\">");
	csrf_input(c);
	buf_adds(b, "<div><label for=\"item-customer\">Customer</label>");
	customer_select(c, pv, "item-customer", "customer",
	    form_get(&c->form, "customer") != NULL ?
	    form_str(&c->form, "customer") : pv->customer, NULL);
	buf_adds(b, "</div>");
	input(c, "description", "Description", "maxlength=\"200\" "
	    "placeholder=\"Support\" size=\"16\"", "");
	input(c, "amount", "Flat amount", "inputmode=\"decimal\" "
	    "maxlength=\"20\" placeholder=\"500 or -100\" size=\"10\"", "");
	input(c, "item_percent", "or Percent", "inputmode=\"decimal\" "
	    "maxlength=\"12\" placeholder=\"3\" size=\"6\"", "");
	input(c, "of", "of service (optional)", "maxlength=\"128\" "
	    "placeholder=\"all charges\" size=\"12\"", "");
	input(c, "minimum", "Minimum (optional)", "inputmode=\"decimal\" "
	    "maxlength=\"20\" size=\"8\"", "");
	input(c, "currency", "Currency (optional)", "maxlength=\"3\" "
	    "placeholder=\"customer's\" size=\"5\"", "");
	input(c, "item_from", "From month", "required pattern=\"[0-9]{4}-"
	    "[0-9]{2}\" placeholder=\"YYYY-MM\" size=\"8\"", this_month(c));
	buf_adds(b, "<div><label for=\"repeat\">Repeats</label><select id=\""
	    "repeat\" name=\"repeat\"><option value=\"monthly\">Every month"
	    "</option><option value=\"once\"");
	if (strcmp(form_str(&c->form, "repeat"), "once") == 0)
		buf_adds(b, " selected");
	buf_adds(b, ">Once</option></select></div><div><button type=\"submit\" "
	    "class=\"primary\">Add line item</button></div></form></section>");
}

/* ---- Exchange rates ---------------------------------------------------- */

static void
fx_section(struct ctx *c, const struct pview *pv)
{
	struct fx_rate	*v = NULL;
	struct buf	*b = c->b;
	struct err	 e;
	size_t		 n = 0, i;
	char		 t[48];

	err_clear(&e);
	buf_adds(b, "<section class=\"card\" id=\"fx\" aria-labelledby=\"fx-h\">"
	    "<h2 id=\"fx-h\">Exchange rates</h2><p class=\"muted\">One rate "
	    "per month and currency pair: invoices in another currency than "
	    "USD convert at the rate of their month, then round once to the "
	    "currency's minor unit (half-even).</p><form method=\"get\" "
	    "action=\"/pricing\" class=\"filters\"><input type=\"hidden\" "
	    "name=\"customer\" value=\"");
	html_escape(b, pv->customer);
	buf_adds(b, "\"><div><label for=\"fx-period\">Month</label><input "
	    "id=\"fx-period\" name=\"period\" pattern=\"[0-9]{4}-[0-9]{2}\" "
	    "placeholder=\"YYYY-MM\" size=\"8\" value=\"");
	html_escape(b, pv->period);
	buf_adds(b, "\"></div><div><button type=\"submit\">Show</button></div>"
	    "</form>");
	if (fx_list(c->r->store, c->r->arena, &c->who, pv->period, &v, &n,
	    &e) == -1)
		error_box(b, &e);
	else if (n == 0) {
		buf_adds(b, "<p class=\"muted\" id=\"no-rates\">No exchange "
		    "rates for ");
		html_escape(b, pv->period);
		buf_adds(b, ".</p>");
	} else {
		buf_adds(b, "<div class=\"table-wrap\"><table id=\"fx-list\">"
		    "<thead><tr><th scope=\"col\">Month</th><th scope=\"col\">"
		    "From</th><th scope=\"col\">To</th><th scope=\"col\" "
		    "class=\"num\">Rate</th><th scope=\"col\">Updated</th></tr>"
		    "</thead><tbody>");
		for (i = 0; i < n; i++) {
			buf_adds(b, "<tr>");
			td(b, v[i].period);
			td(b, v[i].base);
			td(b, v[i].quote);
			nano_format(v[i].rate, t, sizeof(t));
			buf_adds(b, "<td class=\"num\">");
			html_escape(b, t);
			buf_adds(b, "</td><td>");
			html_time(b, v[i].updated_at);
			buf_adds(b, "</td></tr>");
		}
		buf_adds(b, "</tbody></table></div>");
	}
	buf_adds(b, "<h3 id=\"set-fx-h\">Set a rate</h3>");
	error_here(c, "set-fx");
	buf_adds(b, "<form method=\"post\" action=\"/pricing/fx/set\" "
	    "class=\"filters\" id=\"set-fx\" aria-labelledby=\"set-fx-h\">");
	csrf_input(c);
	input(c, "fx_period", "For month", "required pattern=\"[0-9]{4}-"
	    "[0-9]{2}\" placeholder=\"YYYY-MM\" size=\"8\"", pv->period);
	input(c, "base", "1 unit of", "required maxlength=\"3\" size=\"5\"",
	    "USD");
	input(c, "quote", "in currency", "required maxlength=\"3\" "
	    "placeholder=\"KRW\" size=\"5\"", "");
	input(c, "rate", "Rate", "required inputmode=\"decimal\" "
	    "maxlength=\"24\" placeholder=\"1387.25\" size=\"12\"", "");
	buf_adds(b, "<div><button type=\"submit\" class=\"primary\">Set rate"
	    "</button></div></form></section>");
}

/* ---- Commitment policies ----------------------------------------------- */

static void
commitment_section(struct ctx *c, const struct pview *pv)
{
	struct customer_billing	 cb;
	struct buf		*b = c->b;
	struct err		 e;
	size_t			 i;
	char			 spec[32], pct[32];
	const char		*pol;

	buf_adds(b, "<section class=\"card\" id=\"commitments\" "
	    "aria-labelledby=\"com-h\"><h2 id=\"com-h\">Commitment policy"
	    "</h2><p class=\"muted\">What a customer pays for usage covered "
	    "by the payer's Reserved Instances and Savings Plans: pass through "
	    "(the discounted rate), keep (public on-demand; the MSP keeps the "
	    "saving) or share a percentage of the saving with the customer."
	    "</p>");
	error_here(c, "commitment");
	if (pv->ncust == 0) {
		buf_adds(b, "<p class=\"muted\">No customers yet.</p>"
		    "</section>");
		return;
	}
	buf_adds(b, "<div class=\"table-wrap\"><table id=\"commitment-list\">"
	    "<thead><tr><th scope=\"col\">Customer</th><th scope=\"col\">"
	    "Policy</th><th scope=\"col\">Change</th></tr></thead><tbody>");
	for (i = 0; i < pv->ncust; i++) {
		err_clear(&e);
		if (pricing_commitment_get(c->r->store, pv->cust[i].id, &cb,
		    &e) == -1)
			snprintf(spec, sizeof(spec), "?");
		else
			pricing_commitment_format(&cb, spec, sizeof(spec));
		pol = strncmp(spec, "share:", 6) == 0 ? "share" : spec;
		snprintf(pct, sizeof(pct), "%s", strncmp(spec, "share:",
		    6) == 0 ? spec + 6 : "");
		buf_adds(b, "<tr data-customer=\"");
		html_escape(b, pv->cust[i].id);
		buf_adds(b, "\"><th scope=\"row\">");
		html_escape(b, pv->cust[i].name);
		buf_adds(b, "</th><td class=\"policy\">");
		html_escape(b, spec);
		buf_adds(b, "</td><td><form method=\"post\" action=\"/pricing/"
		    "commitment\" class=\"filters\">");
		csrf_input(c);
		buf_adds(b, "<input type=\"hidden\" name=\"customer\" value=\"");
		html_escape(b, pv->cust[i].id);
		buf_adds(b, "\"><select name=\"policy\" aria-label=\"Policy for ");
		html_escape(b, pv->cust[i].name);
		buf_adds(b, "\">");
		buf_printf(b, "<option value=\"pass-through\"%s>Pass through"
		    "</option><option value=\"keep\"%s>Keep</option><option "
		    "value=\"share\"%s>Share</option></select>",
		    strcmp(pol, "pass-through") == 0 ? " selected" : "",
		    strcmp(pol, "keep") == 0 ? " selected" : "",
		    strcmp(pol, "share") == 0 ? " selected" : "");
		buf_adds(b, "<input name=\"share\" aria-label=\"Share of the "
		    "saving for ");
		html_escape(b, pv->cust[i].name);
		buf_adds(b, " (percent)\" inputmode=\"decimal\" maxlength=\"8\" "
		    "size=\"5\" placeholder=\"%\" value=\"");
		html_escape(b, pct);
		buf_adds(b, "\"><button type=\"submit\">Save</button></form>"
		    "</td></tr>");
	}
	buf_adds(b, "</tbody></table></div></section>");
}

/* ---- The page ---------------------------------------------------------- */

static void
page(struct ctx *c)
{
	struct pview	 pv;
	struct err	 e;
	int		 more;
	const char	*s;

	err_clear(&e);
	memset(&pv, 0, sizeof(pv));
	if (customer_list(c->r->store, c->r->arena, &c->who, "", 0, &pv.cust,
	    &pv.ncust, &more, &e) == -1)
		pv.ncust = 0;
	s = form_str(&c->query, "customer");
	pv.customer = id_ok(s, CUSTOMER_ID_LEN) ? s : "";
	s = form_trimmed(c, form_str(&c->query, "period"));
	pv.period = month_valid(s) ? s : this_month(c);
	page_begin(c, "Pricing");
	buf_adds(c->b, "<h1>Pricing</h1><p class=\"muted\">Changes apply to "
	    "drafts when they are next recomputed (<a href=\"/invoices\">"
	    "Invoices</a>, Recompute drafts); issued invoices never change."
	    "</p>");
	rules_section(c, &pv);
	items_section(c, &pv);
	fx_section(c, &pv);
	commitment_section(c, &pv);
	page_end(c);
}

void
pricing_get(struct ctx *c)
{
	page(c);
}

/* Shows the page again with e next to the form `where`. */
static void
again(struct ctx *c, const char *where, const struct err *e)
{
	error_at(c, where, e);
	c->resp->status = e->code == ERR_CONFLICT ? 409 :
	    e->code == ERR_DENIED ? 403 : e->code == ERR_NOT_FOUND ? 404 : 400;
	page(c);
}

static void
rule_add(struct ctx *c)
{
	struct pricing_rule_input	 in;
	struct pricing_rule		 r;
	struct err			 e;
	char				 pct[32];

	err_clear(&e);
	memset(&in, 0, sizeof(in));
	in.customer_id = field(c, "customer");
	in.account_id = field(c, "account");
	in.service = field(c, "service");
	in.usage_type = field(c, "usage_type");
	in.percent = field(c, "percent");
	in.from = field(c, "from");
	in.to = field(c, "to");
	in.passes = field(c, "passes");
	if (in.percent == NULL) {
		error_text_at(c, "add-rule", "Enter a percentage: -10 is a "
		    "10 % discount, 5 a 5 % markup.");
		page(c);
		return;
	}
	if (pricing_rule_add(c->r->store, &c->who, &in, &r, &e) == -1) {
		again(c, "add-rule", &e);
		return;
	}
	pct_format(r.percent, pct, sizeof(pct));
	flash_set(c, "Added pricing rule %s (%s scope, %s %%, from %s). "
	    "Recompute drafts on Invoices to apply it.", r.id,
	    pricing_scope_name(r.level), pct, r.valid_from);
	page_redirect(c, "/pricing");
}

static void
item_add(struct ctx *c)
{
	struct custom_item_input	 in;
	struct custom_item		 it;
	struct err			 e;

	err_clear(&e);
	memset(&in, 0, sizeof(in));
	in.customer_id = field(c, "customer");
	in.description = field(c, "description");
	in.amount = field(c, "amount");
	in.percent = field(c, "item_percent");
	in.of_service = field(c, "of");
	in.minimum = field(c, "minimum");
	in.currency = field(c, "currency");
	in.from = field(c, "item_from");
	in.once = strcmp(form_str(&c->form, "repeat"), "once") == 0;
	if (in.customer_id == NULL) {
		error_text_at(c, "add-item", "Choose a customer.");
		page(c);
		return;
	}
	if (pricing_item_add(c->r->store, &c->who, &in, &it, &e) == -1) {
		again(c, "add-item", &e);
		return;
	}
	flash_set(c, "Added line item %s (%s) for %s.", it.id, it.description,
	    it.customer_id);
	page_redirect(c, arena_printf(c->r->arena, "/pricing?customer=%s",
	    it.customer_id));
}

static void
fx_post(struct ctx *c)
{
	struct fx_rate	 r;
	struct err	 e;
	const char	*period = field(c, "fx_period");
	const char	*base = field(c, "base"), *quote = field(c, "quote");
	const char	*rate = field(c, "rate");
	char		 t[48];

	err_clear(&e);
	if (period == NULL || base == NULL || quote == NULL || rate == NULL) {
		error_text_at(c, "set-fx", "Enter the month, both currencies "
		    "and the rate.");
		page(c);
		return;
	}
	if (fx_set(c->r->store, &c->who, period, base, quote, rate, &r,
	    &e) == -1) {
		again(c, "set-fx", &e);
		return;
	}
	nano_format(r.rate, t, sizeof(t));
	flash_set(c, "Exchange rate for %s set: 1 %s = %s %s.", r.period,
	    r.base, t, r.quote);
	page_redirect(c, arena_printf(c->r->arena, "/pricing?period=%s#fx",
	    r.period));
}

static void
commitment_post(struct ctx *c)
{
	struct customer_billing	 cb;
	struct err		 e;
	const char		*cust = field(c, "customer");
	const char		*pol = form_str(&c->form, "policy");
	const char		*share = field(c, "share");
	char			 spec[32];

	err_clear(&e);
	if (cust == NULL) {
		error_text_at(c, "commitment", "Choose a customer.");
		page(c);
		return;
	}
	if (strcmp(pol, "share") == 0)
		pol = arena_printf(c->r->arena, "share:%s",
		    share != NULL ? share : "");
	if (pricing_commitment_set(c->r->store, &c->who, cust, pol, &cb,
	    &e) == -1) {
		again(c, "commitment", &e);
		return;
	}
	pricing_commitment_format(&cb, spec, sizeof(spec));
	flash_set(c, "Commitment policy of %s set to %s.", cust, spec);
	page_redirect(c, "/pricing#commitments");
}

static void
delete_post(struct ctx *c, int rule)
{
	struct err	 e;
	const char	*id = form_str(&c->form, "id");

	err_clear(&e);
	if (!id_ok(id, PRICING_ID_LEN + 1)) {
		page_message(c, 404, "Not found", "There is no such item.");
		return;
	}
	if ((rule ? pricing_rule_delete(c->r->store, &c->who, id, &e) :
	    pricing_item_delete(c->r->store, &c->who, id, &e)) == -1) {
		again(c, rule ? "add-rule" : "add-item", &e);
		return;
	}
	flash_set(c, "Deleted %s %s.", rule ? "pricing rule" : "line item", id);
	page_redirect(c, "/pricing");
}

void
pricing_post(struct ctx *c, const char *action)
{
	if (strcmp(action, "rules/add") == 0)
		rule_add(c);
	else if (strcmp(action, "rules/delete") == 0)
		delete_post(c, 1);
	else if (strcmp(action, "items/add") == 0)
		item_add(c);
	else if (strcmp(action, "items/delete") == 0)
		delete_post(c, 0);
	else if (strcmp(action, "fx/set") == 0)
		fx_post(c);
	else if (strcmp(action, "commitment") == 0)
		commitment_post(c);
	else
		page_message(c, 404, "Not found", "There is no such action.");
}
