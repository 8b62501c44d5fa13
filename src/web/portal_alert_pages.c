/* SPDX-License-Identifier: MIT */
/*
 * The portal's watch pages (see portal_pages.c for who sees what):
 * /portal/budgets (budgets, their alerts) and /portal/anomalies (the last
 * 60 days' anomalies, acknowledged or dismissed from here).
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

void
portal_budgets(struct ctx *c)
{
	struct ce_scope		 sc;
	struct budget_status	*bs;
	struct budget_alert	*al;
	struct err		 e;
	const char		*cust;
	size_t			 nb = 0, na = 0, i;

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
	if (budget_check(c->r->store, c->r->arena, cust, &bs, &nb, &e) == -1)
		nb = 0;
	buf_adds(c->b, "<table id=\"budgets\"><thead><tr><th>Budget</th><th>"
	    "Account</th><th class=\"num\">Amount</th><th class=\"num\">"
	    "Actual</th><th class=\"num\">Forecast</th><th>Thresholds</th>"
	    "<th>Status</th></tr></thead><tbody>");
	for (i = 0; i < nb; i++) {
		buf_adds(c->b, "<tr><td>");
		html_escape(c->b, bs[i].b.name);
		buf_adds(c->b, "</td><td>");
		html_escape(c->b, bs[i].b.account_id[0] ? bs[i].b.account_id :
		    "all accounts");
		buf_adds(c->b, "</td><td class=\"num\">");
		portal_money(c->b, bs[i].b.amount);
		buf_adds(c->b, "</td><td class=\"num\">");
		portal_money(c->b, bs[i].actual);
		buf_adds(c->b, "</td><td class=\"num\">");
		portal_money(c->b, bs[i].forecast);
		buf_printf(c->b, "</td><td>actual %lld%%, forecast %lld%%</td>",
		    (long long)bs[i].b.actual_pct,
		    (long long)bs[i].b.forecast_pct);
		buf_adds(c->b, bs[i].actual_over ? "<td class=\"over\">Over" :
		    bs[i].forecast_over ? "<td class=\"over\">Forecast over" :
		    "<td>OK");
		buf_adds(c->b, "</td></tr>");
	}
	buf_adds(c->b, "</tbody></table>");
	if (portal_can_write(c)) {
		buf_adds(c->b, "<section class=\"card\"><h2>New budget</h2>"
		    "<form method=\"post\" action=\"/portal/budgets/create");
		html_escape(c->b, portal_keep(c, cust, "?"));
		buf_adds(c->b, "\" class=\"stack\">");
		csrf_input(c);
		buf_adds(c->b, "<label for=\"bname\">Name</label><input id="
		    "\"bname\" name=\"name\" required maxlength=\"100\">"
		    "<label for=\"bamount\">Monthly amount (USD)</label><input "
		    "id=\"bamount\" name=\"amount\" required><label for="
		    "\"baccount\">Account (empty: all)</label><input id="
		    "\"baccount\" name=\"account\"><label for=\"bactual\">Alert "
		    "at actual %</label><input id=\"bactual\" name=\"actual\" "
		    "value=\"100\"><label for=\"bforecast\">Alert at forecast "
		    "%</label><input id=\"bforecast\" name=\"forecast\" value="
		    "\"100\"><label for=\"bwebhook\">Webhook URL</label><input "
		    "id=\"bwebhook\" name=\"webhook\"><button type=\"submit\" "
		    "class=\"primary\">Create budget</button></form></section>");
	}
	err_clear(&e);
	if (budget_alert_list(c->r->store, c->r->arena, cust, "", 100, &al,
	    &na, &e) == -1)
		na = 0;
	buf_adds(c->b, "<h2>Alerts</h2><table id=\"alerts\"><thead><tr><th>"
	    "Month</th><th>Budget</th><th>Kind</th><th class=\"num\">Value"
	    "</th><th>Webhook</th></tr></thead><tbody>");
	for (i = 0; i < na; i++) {
		buf_adds(c->b, "<tr><td>");
		html_escape(c->b, al[i].period);
		buf_adds(c->b, "</td><td>");
		html_escape(c->b, al[i].budget_id);
		buf_adds(c->b, "</td><td>");
		html_escape(c->b, al[i].kind);
		buf_adds(c->b, "</td><td class=\"num\">");
		portal_money(c->b, al[i].value);
		buf_adds(c->b, "</td><td>");
		html_escape(c->b, al[i].delivery_status[0] ?
		    al[i].delivery_status : "none");
		buf_printf(c->b, " (%lld attempt(s)) ",
		    (long long)al[i].delivery_attempts);
		html_escape(c->b, al[i].delivery_result);
		buf_adds(c->b, "</td></tr>");
	}
	if (na == 0)
		buf_adds(c->b, "<tr><td colspan=\"5\" class=\"muted\">No alerts."
		    "</td></tr>");
	buf_adds(c->b, "</tbody></table>");
	page_end(c);
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
		portal_money(c->b, an[i].cost);
		buf_adds(c->b, "</td><td class=\"num\">");
		portal_money(c->b, an[i].expected);
		buf_adds(c->b, "</td><td class=\"num\">");
		portal_money(c->b, an[i].impact);
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
