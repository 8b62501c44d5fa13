/* SPDX-License-Identifier: MIT */
/*
 * The MSP's cost and usage imports: /imports lists the deliveries, newest
 * first; /imports/ID shows one with its totals per usage account, the
 * cost out of membership and the accounts no customer owns. (Rejected
 * rows with file:line:column are in the report `payerlink ingest` and
 * POST /api/v1/imports return; they are not stored.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/ingest.h"
#include "billing/money.h"
#include "billing/paid.h"
#include "web/page.h"
#include "web/web.h"

#define IMPORTS_SHOWN	200

/* Money as people read it ("2,040.79 USD"); the exact figures are in
 * the CLI's import report. */
static void
import_link(struct buf *b, int64_t id)
{
	buf_printf(b, "<a href=\"/imports/%lld\">%lld</a>", (long long)id,
	    (long long)id);
}

/* What an import is to the MSP, in words (billing/paid.h). */
static void
kind_html(struct buf *b, const struct paid_rule *rule,
    const struct billing_import *im)
{
	const struct paid_payer	*w;

	switch (paid_import_kind(rule, im)) {
	case PAID_KIND_BILL:
		buf_adds(b, "<span class=\"tag\">MSP's bill</span>");
		break;
	case PAID_KIND_TRANSFER:
		w = paid_transfer_of(rule, im->payer_id, im->period);
		buf_adds(b, "<span class=\"tag\">transferred organization ");
		html_escape(b, w->org_id);
		buf_adds(b, "'s bill, the MSP's (billing transfer ");
		html_escape(b, w->transfer_id);
		buf_adds(b, ")</span>");
		break;
	case PAID_KIND_REFERENCE:
		buf_adds(b, "<span class=\"tag\">reference: a customer's "
		    "history, never billed</span>");
		break;
	case PAID_KIND_OTHER:
		buf_adds(b, "<span class=\"tag over\">another payer's: never "
		    "billed</span>");
		break;
	}
}

/* Whose bills are the MSP's; an empty rule before it is named. */
static void
paid_rule(struct ctx *c, struct paid_rule *out)
{
	if (paid_rule_load(c->r->store, c->r->arena, out, NULL) == -1)
		memset(out, 0, sizeof(*out));
}

static void
imports_list(struct ctx *c)
{
	struct paid_rule	 rule;
	struct billing_import	*v;
	struct buf		*b = c->b;
	struct err		 e;
	size_t			 n, i;

	err_clear(&e);
	paid_rule(c, &rule);
	page_begin(c, "Imports");
	buf_adds(b, "<h1>Cost and usage imports</h1><section class=\"card\" "
	    "id=\"imports\"><p class=\"muted\">Each delivery of a payer's "
	    "month, newest first. A newer delivery of the same month replaces "
	    "the current one whole. Import with <code>payerlink ingest</code>, "
	    "<code>POST /api/v1/imports</code> or a watched directory "
	    "(<code>payerlink serve --import-dir</code>). Only the MSP's "
	    "own bills are billed to customers; another payer's file is "
	    "refused unless imported with <code>--reference</code> as a "
	    "customer's history.</p>");
	if (import_list(c->r->store, c->r->arena, "", IMPORTS_SHOWN,
	    &v, &n, &e) == -1)
		error_box(b, &e);
	else if (n == 0)
		buf_adds(b, "<p class=\"muted\">No imports yet.</p>");
	else {
		buf_adds(b, "<div class=\"table-wrap\"><table id=\"import-list\">"
		    "<thead><tr><th scope=\"col\">Import</th><th scope=\"col\">"
		    "Payer</th><th scope=\"col\">Whose</th>"
		    "<th scope=\"col\">Month</th><th scope=\"col\">"
		    "Status</th><th scope=\"col\">Format</th><th scope=\"col\">"
		    "File</th><th scope=\"col\" class=\"num\">Rows</th>"
		    "<th scope=\"col\" class=\"num\">Rejected</th>"
		    "<th scope=\"col\">Started</th></tr></thead><tbody>");
		for (i = 0; i < n; i++) {
			buf_adds(b, "<tr><td>");
			import_link(b, v[i].id);
			buf_adds(b, "</td><td>");
			html_escape(b, v[i].payer_id);
			buf_adds(b, "</td><td>");
			kind_html(b, &rule, &v[i]);
			buf_adds(b, "</td><td>");
			html_escape(b, v[i].period);
			buf_adds(b, "</td><td><span class=\"tag\">");
			html_escape(b, v[i].status);
			buf_adds(b, "</span></td><td>");
			html_escape(b, v[i].format);
			buf_adds(b, "</td><td><small>");
			html_escape(b, v[i].file_name);
			buf_printf(b, "</small></td><td class=\"num\">%lld</td>"
			    "<td class=\"num\">%lld</td><td>",
			    (long long)v[i].rows, (long long)v[i].rejected);
			html_time(b, v[i].started_at);
			buf_adds(b, "</td></tr>");
		}
		buf_adds(b, "</tbody></table></div>");
	}
	buf_adds(b, "</section>");
	page_end(c);
}

static void
accounts_table(struct ctx *c, const struct billing_account_total *v,
    size_t n)
{
	struct buf	*b = c->b;
	size_t		 i, orphans = 0;
	int64_t		 orphan_cost = 0;

	for (i = 0; i < n; i++)
		if (v[i].customer_id[0] == '\0') {
			orphans++;
			(void)money_add(&orphan_cost, v[i].unblended -
			    v[i].out_unblended);
		}
	buf_adds(b, orphans ? "<p class=\"note\" id=\"no-customer\">" :
	    "<p id=\"no-customer\">");
	if (orphans == 0)
		buf_printf(b, "All %zu usage accounts belong to a customer.",
		    n);
	else {
		buf_printf(b, "<strong>%zu of %zu usage accounts have no "
		    "customer</strong>: their cost in membership, ", orphans, n);
		money_html(b, orphan_cost);
		buf_adds(b, ", is billed to nobody until they are assigned on "
		    "<a href=\"/customers\">Customers</a>.");
	}
	buf_adds(b, "</p><div class=\"table-wrap\"><table id=\"accounts\">"
	    "<thead><tr><th scope=\"col\">Usage account</th><th scope=\"col\">"
	    "Customer</th><th scope=\"col\" class=\"num\">Lines</th>"
	    "<th scope=\"col\" class=\"num\">Unblended cost</th>"
	    "<th scope=\"col\" class=\"num\">Out of membership: lines</th>"
	    "<th scope=\"col\" class=\"num\">Out of membership: cost</th>"
	    "</tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		buf_adds(b, "<tr><td>");
		html_escape(b, v[i].account_id);
		buf_adds(b, "</td><td>");
		if (v[i].customer_id[0] == '\0')
			buf_adds(b, "<span class=\"tag over\">no customer</span>");
		else
			html_escape(b, v[i].customer_name);
		buf_printf(b, "</td><td class=\"num\">%lld</td><td "
		    "class=\"num\">", (long long)v[i].lines);
		money_html(b, v[i].unblended);
		buf_printf(b, "</td><td class=\"num\">%lld</td><td "
		    "class=\"num\">", (long long)v[i].out_lines);
		money_html(b, v[i].out_unblended);
		buf_adds(b, "</td></tr>");
	}
	buf_adds(b, "</tbody></table></div>");
}

/* The rejected rows as the CLI lists them: file:line:column, and why. The
 * ingest keeps the first INGEST_REJECTS_LISTED; the count says how many
 * there were. */
static void
rejects_section(struct ctx *c, const struct billing_import *im)
{
	struct buf		*b = c->b;
	struct billing_reject	*v;
	struct err		 e;
	size_t			 n, i;

	err_clear(&e);
	buf_adds(b, "<section class=\"card\" id=\"rejects\" "
	    "aria-labelledby=\"rej-h\"><h2 id=\"rej-h\">Rejected rows</h2>");
	if (import_rejects(c->r->store, c->r->arena, im->id, &v, &n,
	    &e) == -1) {
		error_box(b, &e);
		buf_adds(b, "</section>");
		return;
	}
	if (n == 0) {
		buf_adds(b, "<p class=\"muted\">This import was made before "
		    "payerlink kept the rejected rows; import the file again "
		    "to list them.</p></section>");
		return;
	}
	if ((int64_t)n < im->rejected)
		buf_printf(b, "<p class=\"muted\">The first %zu of %lld.</p>",
		    n, (long long)im->rejected);
	buf_adds(b, "<div class=\"table-wrap\"><table><thead><tr><th "
	    "scope=\"col\">File</th><th scope=\"col\">Line</th><th "
	    "scope=\"col\">Column</th><th scope=\"col\">Why</th></tr>"
	    "</thead><tbody>");
	for (i = 0; i < n; i++) {
		buf_adds(b, "<tr><td>");
		html_escape(b, v[i].file);
		buf_printf(b, "</td><td class=\"num\">%lld</td><td>",
		    (long long)v[i].line);
		if (v[i].col > 0)
			buf_printf(b, "%lld ", (long long)v[i].col);
		html_escape(b, v[i].column_name);
		buf_adds(b, "</td><td>");
		html_escape(b, v[i].why);
		buf_adds(b, "</td></tr>");
	}
	buf_adds(b, "</tbody></table></div></section>");
}

static void
import_one(struct ctx *c, const char *rest)
{
	struct billing_import		 im;
	struct billing_account_total	*v;
	struct buf			*b = c->b;
	struct err			 e;
	char				*end, t[32];
	struct paid_rule		 rule;
	long long			 id;
	size_t				 n, i;
	int64_t				 total = 0, out = 0, lines = 0;

	err_clear(&e);
	id = strtoll(rest, &end, 10);
	if (*rest == '\0' || *end != '\0' || id <= 0 ||
	    import_get(c->r->store, id, &im, &e) == -1) {
		page_message(c, e.code == ERR_NOT_FOUND || e.code == ERR_NONE ?
		    404 : 500, "Not found", "There is no such import.");
		return;
	}
	if (import_accounts(c->r->store, c->r->arena, im.id,
	    &v, &n, &e) == -1) {
		page_message(c, 500, "Error", err_friendly(&e));
		return;
	}
	for (i = 0; i < n; i++)
		if (money_add(&total, v[i].unblended) == -1 ||
		    money_add(&out, v[i].out_unblended) == -1 ||
		    money_add(&lines, v[i].lines) == -1) {
			page_message(c, 500, "Error", "a total overflows");
			return;
		}
	paid_rule(c, &rule);
	snprintf(t, sizeof(t), "Import %lld", id);
	page_begin(c, t);
	buf_printf(b, "<p><a href=\"/imports\">Imports</a></p><h1>Import "
	    "%lld</h1><section class=\"card\" id=\"import\">"
	    "<dl class=\"kv\">", id);
	html_kv(b, "Status", im.status);
	html_kv(b, "Payer", im.payer_id);
	buf_adds(b, "<dt>Whose</dt><dd id=\"whose\">");
	kind_html(b, &rule, &im);
	buf_adds(b, "</dd>");
	html_kv(b, "Billing month", im.period);
	html_kv(b, "Format", im.format);
	html_kv(b, "Currency", im.currency);
	html_kv(b, "File", im.file_name);
	/* Imports before XXH3-128 kept SHA-256: the length tells which. */
	html_kv(b, strlen(im.digest) == 64 ? "SHA-256" : "XXH3-128", im.digest);
	snprintf(t, sizeof(t), "%lld", (long long)im.bytes);
	html_kv(b, "Bytes", t);
	snprintf(t, sizeof(t), "%lld", (long long)im.rows);
	html_kv(b, "Rows", t);
	snprintf(t, sizeof(t), "%lld", (long long)im.rejected);
	html_kv(b, "Rejected rows", t);
	buf_adds(b, "<dt>Started</dt><dd>");
	html_time(b, im.started_at);
	buf_adds(b, "</dd><dt>Finished</dt><dd>");
	if (im.finished_at != 0)
		html_time(b, im.finished_at);
	else
		buf_adds(b, "not yet");
	buf_adds(b, "</dd>");
	if (im.replaces != 0) {
		buf_adds(b, "<dt>Replaced</dt><dd>");
		import_link(b, im.replaces);
		buf_adds(b, "</dd>");
	}
	buf_adds(b, "</dl></section>");
	if (im.rejected > 0)
		rejects_section(c, &im);
	buf_adds(b, "<section class=\"card\" id=\"totals\">"
	    "<h2>Usage accounts</h2>");
	if (strcmp(im.status, "current") != 0)
		buf_printf(b, "<p class=\"muted\">A %s import keeps no rollups: "
		    "its totals are gone with it.</p>", strcmp(im.status,
		    "running") == 0 ? "running" : "replaced or failed");
	else {
		buf_printf(b, "<p>%lld lines, unblended cost ",
		    (long long)lines);
		money_html(b, total);
		buf_adds(b, "; out of membership (hours the account was not in "
		    "the payer's organization, not billed to the customer) ");
		money_html(b, out);
		buf_adds(b, ".</p>");
		accounts_table(c, v, n);
	}
	buf_adds(b, "</section>");
	page_end(c);
}

void
imports_get(struct ctx *c, const char *rest)
{
	if (*rest == '\0')
		imports_list(c);
	else
		import_one(c, rest);
}
