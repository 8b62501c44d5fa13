/* SPDX-License-Identifier: MIT */
/*
 * /customers (the MSP's customers: list and create) and /audit (the
 * latest audit entries), for the MSP's session (see onboard_pages.c).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/codec.h"
#include "onboard/onboard.h"
#include "org/live.h"
#include "web/onboard_internal.h"
#include "web/page.h"
#include "web/web.h"

#define AUDIT_SHOWN		200
#define AUDIT_SCAN_PAGES	2000	/* 200,000 entries at most */

/* ---- /customers ----------------------------------------------------- */

/* What a customer's invoices say of it and how it pays (?edit=ID). */
static void
billing_section(struct ctx *c)
{
	struct customer	 cu;
	struct msp	 m;
	struct buf	*b = c->b;
	struct err	 e;
	const char	*id = form_str(&c->query, "edit"), *v;
	char		 terms[32], dflt[32];

	err_clear(&e);
	if (*id == '\0')
		id = form_str(&c->form, "customer_id");
	if (!id_ok(id, CUSTOMER_ID_LEN) || customer_get(c->r->store, &c->who,
	    id, &cu, &e) == -1)
		return;
	if (msp_get(c->r->store, &m, &e) == -1)
		m.payment_terms_days = PAYMENT_TERMS_DEFAULT;
	payment_terms_text(m.payment_terms_days, dflt, sizeof(dflt));
	if (cu.payment_terms_days >= 0)
		snprintf(terms, sizeof(terms), "%lld",
		    (long long)cu.payment_terms_days);
	else
		terms[0] = '\0';
	buf_adds(b, "<section class=\"card\" id=\"billing\" aria-labelledby="
	    "\"bill-h\"><h2 id=\"bill-h\">Billing details of ");
	html_escape(b, cu.name);
	buf_adds(b, "</h2><p class=\"muted\">What its invoices say under Bill "
	    "to, and its own payment terms; empty terms and instructions "
	    "take yours.</p>");
	error_here(c, "billing");
	buf_adds(b, "<form method=\"post\" action=\"/customers/billing\" "
	    "class=\"stack\">");
	csrf_input(c);
	buf_adds(b, "<input type=\"hidden\" name=\"customer_id\" value=\"");
	html_escape(b, cu.id);
#define FIELD(k, dflt) ((v = form_get(&c->form, k)) != NULL ? v : (dflt))
	buf_adds(b, "\"><label for=\"address\">Address</label><textarea "
	    "id=\"address\" name=\"address\" rows=\"3\" maxlength=\"500\">");
	html_escape(b, FIELD("address", cu.address));
	buf_adds(b, "</textarea><label for=\"tax_id\">Tax ID</label><input "
	    "id=\"tax_id\" name=\"tax_id\" maxlength=\"40\" value=\"");
	html_escape(b, FIELD("tax_id", cu.tax_id));
	buf_adds(b, "\"><label for=\"payment_terms\">Payment terms (days)"
	    "</label><input id=\"payment_terms\" name=\"payment_terms\" "
	    "inputmode=\"numeric\" maxlength=\"3\" placeholder=\"");
	html_printf(b, "yours: %s", dflt);
	buf_adds(b, "\" value=\"");
	html_escape(b, FIELD("payment_terms", terms));
	buf_adds(b, "\"><label for=\"payment_instructions\">Payment "
	    "instructions</label><textarea id=\"payment_instructions\" "
	    "name=\"payment_instructions\" rows=\"2\" maxlength=\"500\" "
	    "placeholder=\"yours\">");
	html_escape(b, FIELD("payment_instructions", cu.payment_instructions));
#undef FIELD
	buf_adds(b, "</textarea><button type=\"submit\" class=\"primary\">"
	    "Save billing details</button></form></section>");
}

/* A textarea's lines end in CRLF: the invoice's in LF. */
static const char *
lf_lines(struct ctx *c, const char *s)
{
	char	*out = arena_strdup(c->r->arena, s), *w = out;

	for (; *s != '\0'; s++)
		if (*s != '\r')
			*w++ = *s;
	*w = '\0';
	return (out);
}

static void
billing_post(struct ctx *c)
{
	struct customer_input	 in;
	struct customer		 cu;
	struct err		 e;
	const char		*id = form_str(&c->form, "customer_id");

	err_clear(&e);
	memset(&in, 0, sizeof(in));
	in.address = lf_lines(c, form_trimmed(c, form_str(&c->form,
	    "address")));
	in.tax_id = form_trimmed(c, form_str(&c->form, "tax_id"));
	in.payment_terms = form_trimmed(c, form_str(&c->form,
	    "payment_terms"));
	in.payment_instructions = lf_lines(c, form_trimmed(c,
	    form_str(&c->form, "payment_instructions")));
	if (customer_update(c->r->store, &c->who, id, &in, &cu, &e) == -1) {
		error_at(c, "billing", &e);
		customers_get(c);
		return;
	}
	flash_set(c, "Saved the billing details of %s: its next drafts "
	    "carry them.", cu.name);
	page_redirect(c, arena_printf(c->r->arena, "/customers?edit=%s#billing",
	    cu.id));
}

void
customers_get(struct ctx *c)
{
	struct customer	*v;
	struct buf	*b = c->b;
	struct err	 e;
	const char	*after = form_str(&c->query, "after");
	size_t		 n = 0, i;
	int		 more = 0, ok;
	char		 rate[32];

	err_clear(&e);
	if (!id_ok(after, CUSTOMER_ID_LEN))
		after = "";
	ok = customer_list(c->r->store, c->r->arena, &c->who, after,
	    ONBOARD_PAGE_MAX, &v, &n, &more, &e) == 0;
	page_begin(c, "Customers");
	buf_adds(b, "<h1>Customers</h1><section class=\"card\" "
	    "id=\"customers\" aria-labelledby=\"cus-h\"><h2 id=\"cus-h\">"
	    "Customers</h2>");
	if (!ok)
		error_box(b, &e);
	else if (n == 0)
		buf_adds(b, "<p class=\"muted\">No customers yet.</p>");
	else {
		buf_adds(b, "<div class=\"table-wrap\"><table><thead><tr>"
		    "<th scope=\"col\">Name</th><th scope=\"col\">ID</th>"
		    "<th scope=\"col\">Billing contact</th><th scope=\"col\">"
		    "Currency</th><th scope=\"col\">Tax rate</th><th "
		    "scope=\"col\">Accounts</th><th scope=\"col\">Created</th>"
		    "<th scope=\"col\">Invoices</th></tr></thead><tbody>");
		for (i = 0; i < n; i++) {
			buf_adds(b, "<tr data-customer=\"");
			html_escape(b, v[i].id);
			buf_adds(b, "\"><td><a href=\"/onboarding?customer=");
			html_escape(b, v[i].id);
			buf_adds(b, "\">");
			html_escape(b, v[i].name);
			buf_adds(b, "</a></td><td><code>");
			html_escape(b, v[i].id);
			buf_adds(b, "</code></td><td>");
			html_escape(b, v[i].contact_email);
			buf_adds(b, "</td><td>");
			html_escape(b, v[i].currency);
			buf_adds(b, "</td><td>");
			tax_rate_format(v[i].tax_rate, rate, sizeof(rate));
			html_printf(b, "%s%%", rate);
			buf_adds(b, "</td><td>");
			html_printf(b, "%lld", (long long)v[i].naccounts);
			buf_adds(b, "</td><td>");
			html_time(b, v[i].created_at);
			buf_adds(b, "</td><td><a href=\"/customers?edit=");
			html_escape(b, v[i].id);
			buf_adds(b, "#billing\">Billing details<span class=\"sr\"> "
			    "of ");
			html_escape(b, v[i].name);
			buf_adds(b, "</span></a></td></tr>");
		}
		buf_adds(b, "</tbody></table></div>");
		if (more) {
			buf_adds(b, "<p><a href=\"/customers?after=");
			html_escape(b, v[n - 1].id);
			buf_adds(b, "\">Next customers</a></p>");
		}
	}
	buf_adds(b, "</section>");
	billing_section(c);
	buf_adds(b, "<section class=\"card\" id=\"create\" "
	    "aria-labelledby=\"cc-h\"><h2 id=\"cc-h\">New customer</h2>");
	error_here(c, "create");
	buf_adds(b, "<form method=\"post\" action=\"/customers/create\" "
	    "class=\"stack\">");
	csrf_input(c);
	buf_adds(b, "<label for=\"name\">Name</label><input id=\"name\" "
	    "name=\"name\" required maxlength=\"200\" value=\"");
	html_escape(b, form_str(&c->form, "name"));
	buf_adds(b, "\"><label for=\"contact_email\">Billing contact e-mail"
	    "</label><input id=\"contact_email\" name=\"contact_email\" "
	    "type=\"email\" required maxlength=\"64\" value=\"");
	html_escape(b, form_str(&c->form, "contact_email"));
	buf_adds(b, "\"><label for=\"currency\">Currency (ISO 4217)</label>"
	    "<input id=\"currency\" name=\"currency\" maxlength=\"3\" "
	    "placeholder=\"USD\" value=\"");
	html_escape(b, form_str(&c->form, "currency"));
	buf_adds(b, "\"><label for=\"tax_rate\">Tax rate (percent)</label>"
	    "<input id=\"tax_rate\" name=\"tax_rate\" inputmode=\"decimal\" "
	    "maxlength=\"12\" placeholder=\"0\" value=\"");
	html_escape(b, form_str(&c->form, "tax_rate"));
	buf_adds(b, "\"><button type=\"submit\" class=\"primary\">Create "
	    "customer</button></form></section>");
	page_end(c);
}

void
customers_post(struct ctx *c, const char *action)
{
	struct customer_input	 in;
	struct customer		 cu;
	struct err		 e;
	const char		*s;

	err_clear(&e);
	if (strcmp(action, "billing") == 0) {
		billing_post(c);
		return;
	}
	if (strcmp(action, "create") != 0) {
		page_message(c, 404, "Not found", "There is no such action.");
		return;
	}
	memset(&in, 0, sizeof(in));
	in.name = form_trimmed(c, form_str(&c->form, "name"));
	s = form_trimmed(c, form_str(&c->form, "contact_email"));
	in.contact_email = *s != '\0' ? s : NULL;
	s = form_trimmed(c, form_str(&c->form, "currency"));
	in.currency = *s != '\0' ? s : NULL;
	s = form_trimmed(c, form_str(&c->form, "tax_rate"));
	in.tax_rate = *s != '\0' ? s : NULL;
	if (*in.name == '\0') {
		error_text_at(c, "create", "Enter the customer's name.");
		customers_get(c);
		return;
	}
	if (customer_create(c->r->store, &c->who, &in, &cu, &e) == -1) {
		if (e.code == ERR_CONFLICT)
			error_text_at(c, "create", "A customer with this name "
			    "already exists.");
		else
			error_at(c, "create", &e);
		customers_get(c);
		return;
	}
	flash_set(c, "Created customer %s (%s).", cu.name, cu.id);
	page_redirect(c, "/customers");
}

/* ---- /audit --------------------------------------------------------- */

void
audit_get(struct ctx *c)
{
	struct audit_entry	*ring, *v;
	struct buf		*b = c->b;
	struct err		 e;
	const char		*object = form_trimmed(c, form_str(&c->query,
				    "object"));
	size_t			 n, i, total = 0, pages, shown;
	int64_t			 after = 0;
	int			 more = 1, ok = 1;

	err_clear(&e);
	if (strlen(object) > 71)
		object = "";
	/* The log pages oldest first: keep the newest AUDIT_SHOWN. */
	ring = arena_zalloc(c->r->arena, AUDIT_SHOWN * sizeof(*ring));
	for (pages = 0; more && pages < AUDIT_SCAN_PAGES; pages++) {
		if (audit_list(c->r->store, c->r->arena, &c->who, 0,
		    *object != '\0' ? object : NULL, after, ONBOARD_PAGE_MAX,
		    &v, &n, &more, &e) == -1) {
			ok = 0;
			break;
		}
		for (i = 0; i < n; i++)
			ring[total++ % AUDIT_SHOWN] = v[i];
		if (n == 0)
			break;
		after = v[n - 1].id;
	}
	if (!ok && e.code == ERR_DENIED) {
		page_forbidden(c);
		return;
	}
	page_begin(c, "Audit log");
	buf_adds(b, "<h1>Audit log</h1><section class=\"card\" id=\"audit\">"
	    "<form method=\"get\" action=\"/audit\" class=\"filters\"><div>"
	    "<label for=\"object\">Object ID</label><input id=\"object\" "
	    "name=\"object\" maxlength=\"71\" placeholder=\"onb-... or "
	    "cus-...\" value=\"");
	html_escape(b, object);
	buf_adds(b, "\"></div><button type=\"submit\" class=\"secondary\">"
	    "Filter</button></form>");
	if (!ok)
		error_box(b, &e);
	else if (total == 0)
		buf_adds(b, "<p class=\"muted\">No entries.</p>");
	else {
		shown = total < AUDIT_SHOWN ? total : AUDIT_SHOWN;
		buf_adds(b, "<p class=\"muted\">");
		html_printf(b, "The latest %zu entr%s, newest first.", shown,
		    shown == 1 ? "y" : "ies");
		buf_adds(b, "</p>");
		buf_adds(b, "<div class=\"table-wrap\"><table id=\"entries\">"
		    "<thead><tr><th scope=\"col\">When</th><th scope=\"col\">"
		    "Actor</th><th scope=\"col\">Action</th><th scope=\"col\">"
		    "Object</th><th scope=\"col\">Detail</th></tr></thead>"
		    "<tbody>");
		for (i = 0; i < shown; i++) {
			const struct audit_entry *a =
			    &ring[(total - 1 - i) % AUDIT_SHOWN];

			buf_adds(b, "<tr><td>");
			html_time(b, a->at);
			buf_adds(b, "</td><td>");
			html_escape(b, a->actor);
			buf_adds(b, "</td><td><code>");
			html_escape(b, a->action);
			buf_adds(b, "</code></td><td><a href=\"/audit?object=");
			html_escape(b, a->object);
			buf_adds(b, "\">");
			html_escape(b, a->object);
			buf_adds(b, "</a></td><td><small>");
			html_escape(b, a->detail);
			buf_adds(b, "</small></td></tr>");
		}
		buf_adds(b, "</tbody></table></div>");
	}
	buf_adds(b, "</section>");
	page_end(c);
}
