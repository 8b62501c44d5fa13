/* SPDX-License-Identifier: MIT */
/*
 * The portal's watch pages (see portal_pages.c for who sees what):
 * /portal/budgets (budgets, their alerts and where each went; a budget's
 * page to edit it, a question before deleting it) and /portal/anomalies
 * (the last 60 days' anomalies, acknowledged or dismissed from here).
 */
#include <stdio.h>
#include <string.h>

#include "billing/money.h"
#include "onboard/onboard.h"
#include "portal/portal.h"
#include "web/page.h"
#include "web/portal_internal.h"
#include "web/web.h"

/* The window of days the Anomalies page shows and its actions may mark. */
#define ANOMALY_DAYS	60

/* The form's value of field k: what was posted (the form again after a
 * refusal), else the budget's, else the default. */
static const char *
field(struct ctx *c, const char *k, const char *v)
{
	const char	*f = form_get(&c->form, k);

	return (f != NULL ? f : v);
}

/* A labelled input of the budget form: id "b" + name, its value the
 * posted one, else value. attrs: more attributes, each after a blank. */
static void
budget_input(struct ctx *c, const char *name, const char *label,
    const char *attrs, const char *value)
{
	buf_printf(c->b, "<label for=\"b%s\">%s</label><input id=\"b%s\" "
	    "name=\"%s\"%s value=\"", name, label, name, name, attrs);
	html_escape(c->b, field(c, name, value));
	buf_adds(c->b, "\">");
}

/* The create and edit form; b NULL: a new budget with the defaults (80 %
 * of actual, 100 % of forecast, as AWS Budgets' console proposes). */
static void
budget_form(struct ctx *c, const char *action, const struct budget *b)
{
	char	 amt[48] = "", ap[24], fp[24];

	if (b != NULL)
		money_format(b->amount, MONEY_DIGITS, amt, sizeof(amt));
	snprintf(ap, sizeof(ap), "%lld", b != NULL ? (long long)b->actual_pct :
	    (long long)BUDGET_DEFAULT_ACTUAL_PCT);
	snprintf(fp, sizeof(fp), "%lld", b != NULL ?
	    (long long)b->forecast_pct :
	    (long long)BUDGET_DEFAULT_FORECAST_PCT);
	buf_adds(c->b, "<form method=\"post\" action=\"");
	html_escape(c->b, action);
	buf_adds(c->b, "\" class=\"stack\">");
	csrf_input(c);
	budget_input(c, "name", "Name", " required maxlength=\"100\"",
	    b != NULL ? b->name : "");
	budget_input(c, "amount", "Monthly amount (USD)", " required "
	    "inputmode=\"decimal\"", amt);
	budget_input(c, "account", "Account (empty: all)", "", b != NULL ?
	    b->account_id : "");
	budget_input(c, "actual", "Alert at actual %", " inputmode="
	    "\"numeric\"", ap);
	budget_input(c, "forecast", "Alert at forecast %", " inputmode="
	    "\"numeric\"", fp);
	buf_adds(c->b, "<p class=\"muted\">0 turns a threshold off. An "
	    "alert is sent once a month per threshold.</p>");
	budget_input(c, "email", "E-mail alerts to (up to 10, separated by "
	    "commas)", " maxlength=\"320\"", b != NULL ? b->email_to : "");
	budget_input(c, "webhook", "Webhook URL", "", b != NULL ?
	    b->webhook_url : "");
	buf_printf(c->b, "<button type=\"submit\" class=\"primary\">%s"
	    "</button></form>", b != NULL ? "Save budget" : "Create budget");
}

/* "/portal/budgets/ID" + verb ("" or "/delete") + keep, escaped. */
static void
budget_href(struct ctx *c, const struct budget *b, const char *verb,
    const char *keep)
{
	buf_adds(c->b, "/portal/budgets/");
	html_escape(c->b, b->id);
	buf_adds(c->b, verb);
	html_escape(c->b, keep);
}

/* The budget that rest ("ID" or "ID/delete") names, if cust's (NULL:
 * the caller's scope), and *verb the rest after the id; else a 404 page
 * and -1. */
static int
budget_of(struct ctx *c, const char *cust, const char *rest,
    struct budget *b, const char **verb)
{
	struct err	 e;
	char		 id[BUDGET_ID_LEN + 1];
	size_t		 idl = strcspn(rest, "/");

	err_clear(&e);
	*verb = rest + idl;
	snprintf(id, sizeof(id), "%.*s", (int)idl, rest);
	if (idl > BUDGET_ID_LEN || (**verb != '\0' && strcmp(*verb,
	    "/delete") != 0) || budget_get(c->r->store, cust, id, b,
	    &e) == -1) {
		page_message(c, 404, "Not found", "There is no such budget.");
		return (-1);
	}
	return (0);
}

/* The alerts (of one budget, or "" all the customer's) with where each
 * went: when the threshold fired, to whom, delivered or failed. */
static void
alert_history(struct ctx *c, const char *cust, const char *bid)
{
	struct budget_alert	*al;
	struct alert_delivery	*d;
	struct budget		*bv;
	struct err		 e;
	size_t			 na = 0, nd = 0, nb = 0, i, k;
	int			 any;
	const char		*name;

	err_clear(&e);
	if (budget_alert_list(c->r->store, c->r->arena, cust, bid, 100, &al,
	    &na, &e) == -1 || alert_delivery_list(c->r->store, c->r->arena,
	    cust, bid, 200, &d, &nd, &e) == -1 || budget_list(c->r->store,
	    c->r->arena, cust, 1000, &bv, &nb, &e) == -1)
		na = nd = nb = 0;
	buf_adds(c->b, "<h2>Alerts</h2><div class=\"table-wrap\"><table id="
	    "\"alerts\"><thead><tr><th>When</th><th>Budget</th><th>Month</th>"
	    "<th>Threshold</th><th class=\"num\">Value</th><th>Sent to</th>"
	    "</tr></thead><tbody>");
	for (i = 0; i < na; i++) {
		name = NULL;
		for (k = 0; k < nb; k++)
			if (strcmp(bv[k].id, al[i].budget_id) == 0)
				name = bv[k].name;
		buf_adds(c->b, "<tr><td>");
		html_time(c->b, al[i].created_at);
		buf_adds(c->b, "</td><td>");
		html_escape(c->b, name != NULL ? name : al[i].budget_id);
		buf_adds(c->b, " <small class=\"muted\">");
		html_escape(c->b, al[i].budget_id);
		buf_adds(c->b, "</small></td><td>");
		html_escape(c->b, al[i].period);
		buf_printf(c->b, "</td><td>%s %lld %%</td><td class=\"num\">",
		    strcmp(al[i].kind, "ACTUAL") == 0 ? "actual" : "forecast",
		    (long long)al[i].threshold_pct);
		money_html(c->b, al[i].value);
		buf_adds(c->b, "</td><td><ul class=\"plain\">");
		any = 0;
		for (k = 0; k < nd; k++) {
			if (strcmp(d[k].alert.id, al[i].id) != 0)
				continue;
			any = 1;
			buf_printf(c->b, "<li class=\"delivery-%s\">%s ",
			    d[k].status, strcmp(d[k].channel, ALERT_EMAIL) == 0 ?
			    "e-mail" : "webhook");
			html_escape(c->b, d[k].target);
			buf_printf(c->b, ": <strong>%s</strong>", d[k].status);
			buf_printf(c->b, " (%lld attempt%s", (long long)
			    d[k].attempts, d[k].attempts == 1 ? "" : "s");
			if (d[k].last_at > 0) {
				buf_adds(c->b, ", last ");
				html_time(c->b, d[k].last_at);
			}
			buf_adds(c->b, ") ");
			html_escape(c->b, d[k].last_result);
			buf_adds(c->b, "</li>");
		}
		if (!any)
			buf_adds(c->b, "<li class=\"muted\">shown here only "
			    "(no e-mail or webhook)</li>");
		buf_adds(c->b, "</ul></td></tr>");
	}
	if (na == 0)
		buf_adds(c->b, "<tr><td colspan=\"6\" class=\"muted\">No alerts."
		    "</td></tr>");
	buf_adds(c->b, "</tbody></table></div>");
}

/* Where a budget's alerts go, in a few words. */
static void
targets(struct ctx *c, const struct budget *b)
{
	if (b->email_to[0] == '\0' && b->webhook_url[0] == '\0') {
		buf_adds(c->b, "<span class=\"muted\">this page only</span>");
		return;
	}
	html_escape(c->b, b->email_to);
	if (b->email_to[0] != '\0' && b->webhook_url[0] != '\0')
		buf_adds(c->b, "<br>");
	if (b->webhook_url[0] != '\0')
		buf_adds(c->b, "webhook");
}

void
portal_budgets(struct ctx *c)
{
	struct ce_scope		 sc;
	struct budget_status	*bs;
	struct err		 e;
	const char		*cust, *keep;
	size_t			 nb = 0, i;

	if (portal_scope_of(c, &sc, &cust) == -1)
		return;
	err_clear(&e);
	page_begin(c, "Budgets");
	buf_adds(c->b, "<h1>Budgets</h1>");
	portal_customer_picker(c, cust, "/portal/budgets");
	error_here(c, "budget");
	if (*cust == '\0') {
		buf_adds(c->b, "<p>Choose a customer to see its budgets.</p>");
		page_end(c);
		return;
	}
	keep = portal_keep(c, cust, "?");
	if (budget_check(c->r->store, c->r->arena, cust, &bs, &nb, &e) == -1)
		nb = 0;
	buf_printf(c->b, "<p class=\"muted\">Forecast: the month to date plus "
	    "the forecast of the rest of the month, with its %d %% range. "
	    "\"Forecast over\" is claimed from day %d of the month, when even "
	    "the low end of the range crosses the threshold.</p>",
	    BUDGET_FORECAST_LEVEL, BUDGET_FORECAST_MIN_DAYS);
	buf_adds(c->b, "<div class=\"table-wrap\"><table id=\"budgets\"><thead>"
	    "<tr><th>Budget</th><th>Account</th><th class=\"num\">Amount</th>"
	    "<th class=\"num\">Actual</th><th class=\"num\">Forecast</th>"
	    "<th>Thresholds</th><th>Alerts to</th><th>Status</th><th></th>"
	    "</tr></thead><tbody>");
	for (i = 0; i < nb; i++) {
		const struct budget *b = &bs[i].b;

		buf_adds(c->b, "<tr><td><a href=\"");
		budget_href(c, b, "", keep);
		buf_adds(c->b, "\">");
		html_escape(c->b, b->name);
		buf_adds(c->b, "</a></td><td>");
		if (b->account_id[0] != '\0')
			html_account(c, b->account_id);
		else
			buf_adds(c->b, "all accounts");
		buf_adds(c->b, "</td><td class=\"num\">");
		money_html(c->b, b->amount);
		buf_adds(c->b, "</td><td class=\"num\">");
		money_html(c->b, bs[i].actual);
		buf_adds(c->b, "</td><td class=\"num\">");
		money_html(c->b, bs[i].forecast);
		if (bs[i].forecast_lo != bs[i].forecast_hi) {
			buf_adds(c->b, "<br><small class=\"muted\">");
			money_html(c->b, bs[i].forecast_lo);
			buf_adds(c->b, " to ");
			money_html(c->b, bs[i].forecast_hi);
			buf_adds(c->b, "</small>");
		}
		buf_printf(c->b, "</td><td>actual %lld %%, forecast "
		    "%lld %%</td><td>", (long long)b->actual_pct,
		    (long long)b->forecast_pct);
		targets(c, b);
		buf_adds(c->b, bs[i].actual_over ? "</td><td class=\"over\">"
		    "Over" : bs[i].forecast_over ? "</td><td class=\"over\">"
		    "Forecast over" : "</td><td>OK");
		buf_adds(c->b, "</td><td>");
		if (portal_can_write(c)) {
			buf_adds(c->b, "<a href=\"");
			budget_href(c, b, "", keep);
			buf_adds(c->b, "\">Edit</a> <a href=\"");
			budget_href(c, b, "/delete", keep);
			buf_adds(c->b, "\">Delete</a>");
		}
		buf_adds(c->b, "</td></tr>");
	}
	if (nb == 0)
		buf_adds(c->b, "<tr><td colspan=\"9\" class=\"muted\">No budgets."
		    "</td></tr>");
	buf_adds(c->b, "</tbody></table></div>");
	if (portal_can_write(c)) {
		buf_adds(c->b, "<section class=\"card\"><h2>New budget</h2>");
		budget_form(c, arena_printf(c->r->arena,
		    "/portal/budgets/create%s", keep), NULL);
		buf_adds(c->b, "</section>");
	}
	alert_history(c, cust, "");
	page_end(c);
}

/* GET /portal/budgets/ID: the budget, its form and its alerts;
 * GET /portal/budgets/ID/delete: the question before deleting it. */
void
portal_budget_page(struct ctx *c, const char *rest)
{
	struct ce_scope	 sc;
	struct budget	 b;
	const char	*cust, *keep, *verb;

	if (portal_scope_of(c, &sc, &cust) == -1 ||
	    budget_of(c, cust, rest, &b, &verb) == -1)
		return;
	keep = portal_keep(c, b.customer_id, "?");
	if (*verb != '\0' && !portal_can_write(c)) {
		page_message(c, 200, "Delete budget", "Your role can only "
		    "read: it cannot delete budgets.");
		return;
	}
	if (*verb != '\0') {
		page_begin(c, "Delete budget");
		buf_adds(c->b, "<h1>Delete budget ");
		html_escape(c->b, b.name);
		buf_adds(c->b, "?</h1><p>The budget, its alerts and their "
		    "history are deleted; nothing more is sent for it. This "
		    "cannot be undone.</p><form method=\"post\" action=\"");
		budget_href(c, &b, "/delete", keep);
		buf_adds(c->b, "\" class=\"inline\">");
		csrf_input(c);
		buf_adds(c->b, "<button type=\"submit\" class=\"danger\">Delete "
		    "budget</button></form> <a href=\"/portal/budgets");
		html_escape(c->b, keep);
		buf_adds(c->b, "\">Cancel</a>");
		page_end(c);
		return;
	}
	page_begin(c, b.name);
	buf_adds(c->b, "<p><a href=\"/portal/budgets");
	html_escape(c->b, keep);
	buf_adds(c->b, "\">Budgets</a></p><h1>");
	html_escape(c->b, b.name);
	buf_adds(c->b, " <small class=\"muted\">");
	html_escape(c->b, b.id);
	buf_adds(c->b, "</small></h1>");
	error_here(c, "budget");
	if (portal_can_write(c)) {
		buf_adds(c->b, "<section class=\"card\"><h2>Edit</h2>");
		budget_form(c, arena_printf(c->r->arena, "/portal/budgets/%s%s",
		    b.id, keep), &b);
		buf_adds(c->b, "<p><a href=\"");
		budget_href(c, &b, "/delete", keep);
		buf_adds(c->b, "\">Delete this budget</a></p></section>");
	}
	alert_history(c, b.customer_id, b.id);
	page_end(c);
}

/* POST /portal/budgets/create, /portal/budgets/ID (save) and
 * /portal/budgets/ID/delete, for a caller portal_post() let write. */
void
portal_budget_post(struct ctx *c, const char *cust, const char *rest)
{
	struct budget_input	 in;
	struct budget		 b;
	struct err		 e;
	const char		*keep = portal_keep(c, cust, "?"), *verb;

	err_clear(&e);
	memset(&in, 0, sizeof(in));
	in.customer_id = cust;
	in.name = form_str(&c->form, "name");
	in.amount = form_str(&c->form, "amount");
	in.account_id = form_str(&c->form, "account");
	in.actual_pct = form_str(&c->form, "actual");
	in.forecast_pct = form_str(&c->form, "forecast");
	in.webhook_url = form_str(&c->form, "webhook");
	in.email_to = form_str(&c->form, "email");
	if (strcmp(rest, "create") == 0) {
		if (*cust == '\0') {
			page_message(c, 400, "Bad request",
			    "Choose a customer.");
			return;
		}
		if (budget_create(c->r->store, &in, NULL, &e) == -1) {
			error_at(c, "budget", &e);
			c->resp->status = 400;
			portal_budgets(c);
			return;
		}
		flash_set(c, "Budget %s created.", in.name);
		page_redirect(c, arena_printf(c->r->arena, "/portal/budgets%s",
		    keep));
		return;
	}
	if (budget_of(c, cust, rest, &b, &verb) == -1)
		return;
	if (*verb != '\0') {
		if (budget_delete(c->r->store, cust, b.id, &e) == -1) {
			page_message(c, 400, "Bad request", err_friendly(&e));
			return;
		}
		flash_set(c, "Budget %s deleted.", b.name);
	} else {
		in.customer_id = NULL;
		if (budget_update(c->r->store, cust, b.id, &in, NULL,
		    &e) == -1) {
			error_at(c, "budget", &e);
			c->resp->status = 400;
			portal_budget_page(c, b.id);
			return;
		}
		flash_set(c, "Budget %s saved.", in.name);
	}
	page_redirect(c, arena_printf(c->r->arena, "/portal/budgets%s",
	    portal_keep(c, b.customer_id, "?")));
}

/* 1 when id is one of the anomalies the scope sees (so a user marks only
 * what its page lists, never an id of another scope). */
int
portal_anomaly_in_scope(struct ctx *c, const struct ce_scope *sc, const char *id)
{
	struct anomaly	*an;
	struct err	 e;
	size_t		 n = 0, i;
	int64_t		 today = ce_today(c->r->store);

	err_clear(&e);
	if (anomaly_detect(c->r->store, c->r->arena, sc, today -
	    ANOMALY_DAYS, today + 1, 3.0, &an, &n, &e) == -1)
		return (0);
	for (i = 0; i < n; i++)
		if (strcmp(an[i].id, id) == 0)
			return (1);
	return (0);
}

void
portal_anomalies(struct ctx *c)
{
	struct ce_scope	 sc;
	struct anomaly	*an;
	struct err	 e;
	const char	*cust;
	size_t		 n = 0, i;
	int64_t		 today;
	char		 d[11];

	if (portal_scope_of(c, &sc, &cust) == -1)
		return;
	err_clear(&e);
	today = ce_today(c->r->store);
	if (anomaly_detect(c->r->store, c->r->arena, &sc, today -
	    ANOMALY_DAYS, today + 1, 3.0, &an, &n, &e) == -1)
		n = 0;
	page_begin(c, "Anomalies");
	buf_adds(c->b, "<h1>Anomalies</h1>");
	portal_customer_picker(c, cust, "/portal/anomalies");
	buf_adds(c->b, "<p class=\"muted\">Daily cost of each account and "
	    "service against its mean over the 14 days before: a day above "
	    "mean + 3 standard deviations (and at least 1.00 USD above the mean) "
	    "is an anomaly. Last 60 days, newest first.</p><div class=\"table-wrap\"><table id=\"anomalies\"><thead>"
	    "<tr><th>Day</th><th>Account</th><th>Service</th><th>Root cause"
	    "</th><th class=\"num\">Cost</th><th class=\"num\">Expected</th>"
	    "<th class=\"num\">Impact</th><th>Status</th><th></th></tr>"
	    "</thead><tbody>");
	for (i = 0; i < n; i++) {
		ce_day_format(an[i].day, d, sizeof(d));
		buf_printf(c->b, "<tr><td>%s</td><td>", d);
		html_account(c, an[i].account_id);
		buf_adds(c->b, "</td><td>");
		html_escape(c->b, an[i].service);
		buf_adds(c->b, "</td><td>");
		html_escape(c->b, an[i].usage_type);
		buf_adds(c->b, "</td><td class=\"num\">");
		money_html(c->b, an[i].cost);
		buf_adds(c->b, "</td><td class=\"num\">");
		money_html(c->b, an[i].expected);
		buf_adds(c->b, "</td><td class=\"num\">");
		money_html(c->b, an[i].impact);
		buf_adds(c->b, "</td><td>");
		html_escape(c->b, an[i].status);
		buf_adds(c->b, "</td><td>");
		if (portal_can_write(c) && strcmp(an[i].status, "OPEN") == 0) {
			const char *acts[2] = { "acknowledge", "dismiss" };

			for (int k = 0; k < 2; k++) {
				buf_printf(c->b, "<form method=\"post\" class="
				    "\"inline\" action=\"/portal/anomalies/%s/"
				    "%s", an[i].id, acts[k]);
				html_escape(c->b, portal_keep(c, cust, "?"));
				buf_adds(c->b, "\">");
				csrf_input(c);
				buf_printf(c->b, "<button type=\"submit\">%s"
				    "</button></form>", k == 0 ?
				    "Acknowledge" : "Dismiss");
			}
		}
		buf_adds(c->b, "</td></tr>");
	}
	if (n == 0)
		buf_adds(c->b, "<tr><td colspan=\"9\" class=\"muted\">No "
		    "anomalies in the last 60 days: every day's cost was in "
		    "its usual range.</td></tr>");
	buf_adds(c->b, "</tbody></table></div>");
	page_end(c);
}
