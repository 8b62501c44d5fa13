/* SPDX-License-Identifier: MIT */
/*
 * The onboarding desk in the browser (issue 5), for the MSP's session:
 * /onboarding (the list with filters and counts per state, the "New
 * onboarding request" form) and /onboarding/ID (case, timeline, steps,
 * billing gap; New link, Resend, Cancel). Beside it: customer_pages.c
 * (/customers, /audit), plan_pages.c (the public /intake and /plan/TOKEN)
 * and onboard_common.c (what they share, web/onboard_internal.h).
 *
 * The domain (onboard/onboard.h) decides everything; these files render
 * and translate forms. A plan link is shown once, on the answer to the
 * POST that made it (as access keys are), since only its hash is stored.
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

#define DESK_PAGE		50	/* onboardings per list page */
#define EXPIRING_MS		(3LL * 24 * 3600 * 1000)

/* ---- /onboarding: the list, filters, counts, new request ------------ */

static void
new_request_section(struct ctx *c, const struct customer *cv, size_t ncv)
{
	struct buf	*b = c->b;

	buf_adds(b, "<section class=\"card\" id=\"new\" aria-labelledby="
	    "\"new-h\"><h2 id=\"new-h\">New onboarding request</h2><p "
	    "class=\"muted\">payerlink detects the case from the account's "
	    "state and sends the invitation from your organization.</p>");
	error_here(c, "new");
	buf_adds(b, "<form method=\"post\" action=\"/onboarding/request\" "
	    "class=\"stack\">");
	csrf_input(c);
	buf_adds(b, "<label for=\"customer_id\">Customer</label><select "
	    "id=\"customer_id\" name=\"customer_id\"><option value=\"\">"
	    "New customer (name below)</option>");
	customer_options(b, cv, ncv, form_str(&c->form, "customer_id"));
	buf_adds(b, "</select><label for=\"new_customer\">New customer name"
	    "</label><input id=\"new_customer\" name=\"new_customer\" "
	    "maxlength=\"200\" autocomplete=\"off\" value=\"");
	html_escape(b, form_str(&c->form, "new_customer"));
	buf_adds(b, "\"><label for=\"account_id\">AWS account ID</label>"
	    "<input id=\"account_id\" name=\"account_id\" required "
	    "inputmode=\"numeric\" maxlength=\"12\" autocomplete=\"off\" "
	    "value=\"");
	html_escape(b, form_str(&c->form, "account_id"));
	buf_adds(b, "\"><label for=\"email\">Root user e-mail</label><input "
	    "id=\"email\" name=\"email\" type=\"email\" required "
	    "maxlength=\"64\" autocomplete=\"off\" value=\"");
	html_escape(b, form_str(&c->form, "email"));
	buf_adds(b, "\">");
	case_select(c);
	buf_adds(b, "<label for=\"notes\">Notes (optional, sent with the "
	    "invitation)</label><textarea id=\"notes\" name=\"notes\" "
	    "maxlength=\"512\" rows=\"2\">");
	html_escape(b, form_str(&c->form, "notes"));
	buf_adds(b, "</textarea><fieldset><legend>Route</legend><label>"
	    "<input type=\"radio\" name=\"route\" value=\"invite\"");
	if (strcmp(form_str(&c->form, "route"), "billing-transfer") != 0)
		buf_adds(b, " checked");
	buf_adds(b, "> Invite the account into our organization (cases 1 and "
	    "2; case 3 after it deletes its organization)</label><label><input "
	    "type=\"radio\" name=\"route\" value=\"billing-transfer\"");
	if (strcmp(form_str(&c->form, "route"), "billing-transfer") == 0)
		buf_adds(b, " checked");
	buf_adds(b, "> Billing transfer (case 3: the customer keeps its "
	    "organization; we pay its bill from the first of a month)"
	    "</label><label for=\"start\">Transfer starts (month; default: "
	    "next month)</label><input id=\"start\" name=\"start\" "
	    "type=\"month\" value=\"");
	html_escape(b, form_str(&c->form, "start"));
	buf_adds(b, "\"></fieldset><button type=\"submit\" "
	    "class=\"primary\">File request and invite</button></form>"
	    "</section>");
}

static void
desk_list(struct ctx *c, const struct onboard_result *res)
{
	struct orgport		 org = orgport_default(c->r->store);
	struct onboard_filter	 f;
	struct onboard_view	*v;
	struct customer		*cv;
	struct buf		*b = c->b;
	struct err		 e;
	int64_t			 counts[ONBOARD_NSTATES], total = 0;
	const char		*st = form_str(&c->query, "state");
	const char		*cid = form_str(&c->query, "customer");
	const char		*after = form_str(&c->query, "after");
	int			 expiring, more = 0, i, ok;
	enum onboard_state	 sv;
	size_t			 n = 0, ncv, j;

	err_clear(&e);
	memset(&f, 0, sizeof(f));
	memset(counts, 0, sizeof(counts));
	f.state = *st != '\0' && onboard_state_parse(st, &sv) == 0 ?
	    (int)sv : -1;
	if (!id_ok(cid, CUSTOMER_ID_LEN))
		cid = "";
	if (!id_ok(after, ONBOARDING_ID_LEN))
		after = "";
	expiring = strcmp(form_str(&c->query, "expiring"), "1") == 0;
	f.customer_id = cid;
	f.expiring_within_ms = expiring ? EXPIRING_MS : 0;
	f.after = after;
	f.limit = DESK_PAGE;
	ok = onboard_list(c->r->store, &org, c->r->arena, &c->who, &f, &v, &n,
	    &more, counts, &e) == 0;
	if (!ok && e.code == ERR_DENIED) {
		page_forbidden(c);
		return;
	}
	customers_first(c, &cv, &ncv);

	page_begin(c, "Onboarding");
	buf_adds(b, "<h1>Onboarding</h1>");
	live_banner(c);
	if (res != NULL) {
		buf_adds(b, "<section class=\"card\" id=\"result\"><h2>Request "
		    "filed: <a href=\"/onboarding/");
		html_escape(b, res->id);
		buf_adds(b, "\">");
		html_escape(b, res->id);
		buf_adds(b, "</a></h2><p id=\"result-case\">Case ");
		html_printf(b, "%d: %s", res->case_no,
		    case_short(res->case_no));
		if (res->case_no == 3)
			html_printf(b, " (%lld other member account%s in %s)",
			    (long long)res->members, res->members == 1 ?
			    "" : "s", res->prev_org_id);
		else if (res->case_no == 2)
			html_printf(b, " (in %s)", res->prev_org_id);
		buf_adds(b, ". Invitation <code>");
		html_escape(b, res->handshake_id);
		buf_adds(b, "</code> sent.</p>");
		plan_url_box(b, res->plan_url, "Send this link to the "
		    "customer.");
		buf_adds(b, "</section>");
	}

	/* Counts per state, which are also filters. */
	buf_adds(b, "<nav class=\"counts\" aria-label=\"States\" "
	    "id=\"counts\"><a href=\"/onboarding");
	if (*cid != '\0') {
		buf_adds(b, "?customer=");
		html_escape(b, cid);
	}
	buf_adds(b, f.state == -1 ? "\" aria-current=\"page\">" : "\">");
	for (i = 0; i < ONBOARD_NSTATES; i++)
		total += counts[i];
	buf_adds(b, "All <strong>");
	html_printf(b, "%lld", (long long)total);
	buf_adds(b, "</strong></a>");
	for (i = 0; i < ONBOARD_NSTATES; i++) {
		buf_adds(b, "<a data-state=\"");
		html_escape(b, onboard_state_name((enum onboard_state)i));
		buf_adds(b, "\" href=\"/onboarding?state=");
		html_escape(b, onboard_state_name((enum onboard_state)i));
		if (*cid != '\0') {
			buf_adds(b, "&amp;customer=");
			html_escape(b, cid);
		}
		buf_adds(b, f.state == i ? "\" aria-current=\"page\">" :
		    "\">");
		html_escape(b, onboard_state_name((enum onboard_state)i));
		buf_adds(b, " <strong>");
		html_printf(b, "%lld", (long long)counts[i]);
		buf_adds(b, "</strong></a>");
	}
	buf_adds(b, "</nav>");

	/* Filters. */
	buf_adds(b, "<section class=\"card\" id=\"list\" aria-labelledby="
	    "\"list-h\"><h2 id=\"list-h\">Requests</h2><form method=\"get\" "
	    "action=\"/onboarding\" class=\"filters\"><div><label "
	    "for=\"f-state\">State</label><select id=\"f-state\" "
	    "name=\"state\"><option value=\"\">Any</option>");
	for (i = 0; i < ONBOARD_NSTATES; i++) {
		buf_adds(b, "<option");
		if (f.state == i)
			buf_adds(b, " selected");
		buf_adds(b, ">");
		html_escape(b, onboard_state_name((enum onboard_state)i));
		buf_adds(b, "</option>");
	}
	buf_adds(b, "</select></div><div><label for=\"f-customer\">Customer"
	    "</label><select id=\"f-customer\" name=\"customer\"><option "
	    "value=\"\">Any</option>");
	customer_options(b, cv, ncv, cid);
	buf_adds(b, "</select></div><div class=\"check\"><input "
	    "type=\"checkbox\" id=\"f-expiring\" name=\"expiring\" "
	    "value=\"1\"");
	if (expiring)
		buf_adds(b, " checked");
	buf_adds(b, "><label for=\"f-expiring\">Expiring within 3 days"
	    "</label></div><button type=\"submit\" class=\"secondary\">"
	    "Filter</button></form>");
	if (!ok)
		error_box(b, &e);
	else if (n == 0)
		buf_adds(b, "<p class=\"muted\" id=\"none\">No onboarding "
		    "requests match.</p>");
	else {
		buf_adds(b, "<div class=\"table-wrap\"><table id=\"onboardings\">"
		    "<thead><tr><th scope=\"col\">Request</th><th scope=\"col\">"
		    "Customer</th><th scope=\"col\">Account</th><th "
		    "scope=\"col\">Case</th><th scope=\"col\">State</th><th "
		    "scope=\"col\">Invited</th><th scope=\"col\">Expires</th>"
		    "<th scope=\"col\">Gap</th></tr></thead><tbody>");
		for (j = 0; j < n; j++) {
			buf_adds(b, "<tr data-onboarding=\"");
			html_escape(b, v[j].o.id);
			buf_adds(b, "\"><td><a href=\"/onboarding/");
			html_escape(b, v[j].o.id);
			buf_adds(b, "\">");
			html_escape(b, v[j].o.id);
			buf_adds(b, "</a></td><td>");
			html_escape(b, v[j].customer.name);
			buf_adds(b, "</td><td><code>");
			html_escape(b, v[j].o.account_id);
			buf_adds(b, "</code><br><small class=\"muted\">");
			html_escape(b, v[j].o.email);
			buf_adds(b, "</small></td><td>");
			html_printf(b, "%d", v[j].o.case_no);
			buf_adds(b, "</td><td>");
			state_badge(b, v[j].state);
			buf_adds(b, "</td><td>");
			html_time(b, v[j].hs_found ? v[j].hs.requested_at :
			    v[j].o.requested_at);
			buf_adds(b, "</td><td>");
			if (v[j].hs_found && (v[j].state == ONBOARD_INVITED ||
			    v[j].state == ONBOARD_IN_PROGRESS))
				html_time(b, v[j].hs.expires_at);
			buf_adds(b, "</td><td>");
			gap_text(b, &v[j]);
			buf_adds(b, "</td></tr>");
		}
		buf_adds(b, "</tbody></table></div>");
		if (more) {
			buf_adds(b, "<p><a href=\"/onboarding?after=");
			html_escape(b, v[n - 1].o.id);
			if (f.state != -1) {
				buf_adds(b, "&amp;state=");
				html_escape(b, onboard_state_name(
				    (enum onboard_state)f.state));
			}
			if (*cid != '\0') {
				buf_adds(b, "&amp;customer=");
				html_escape(b, cid);
			}
			if (expiring)
				buf_adds(b, "&amp;expiring=1");
			buf_adds(b, "\">Next requests</a></p>");
		}
	}
	buf_adds(b, "</section>");
	new_request_section(c, cv, ncv);
	page_end(c);
}

/* ---- /onboarding/ID ------------------------------------------------- */

static void
desk_detail(struct ctx *c, const char *id, const char *new_url)
{
	struct orgport		 org = orgport_default(c->r->store);
	struct onboard_view	 v;
	struct buf		*b = c->b;
	struct err		 e;
	char			 base[64];

	err_clear(&e);
	if (onboard_get(c->r->store, &org, c->r->arena, &c->who, id, &v,
	    &e) == -1) {
		if (e.code == ERR_DENIED)
			page_forbidden(c);
		else
			page_message(c, e.code == ERR_NOT_FOUND ? 404 : 400,
			    "Onboarding", e.code == ERR_NOT_FOUND ? "There is "
			    "no such onboarding request." : err_friendly(&e));
		return;
	}
	snprintf(base, sizeof(base), "/onboarding/%s", v.o.id);
	page_begin(c, v.o.id);
	buf_adds(b, "<p><a href=\"/onboarding\">&larr; Onboarding</a></p>"
	    "<h1>Onboarding <code>");
	html_escape(b, v.o.id);
	buf_adds(b, "</code> ");
	state_badge(b, v.state);
	buf_adds(b, "</h1>");

	buf_adds(b, "<section class=\"card\" id=\"summary\"><dl class=\"kv\">"
	    "<dt>Case</dt><dd id=\"case\">");
	html_printf(b, "%d: %s", v.o.case_no, case_short(v.o.case_no));
	if (v.o.case_no != 1)
		html_printf(b, " (organization %s)", v.o.prev_org_id);
	buf_adds(b, "</dd>");
	html_kv(b, "Customer", v.customer.name);
	html_kv(b, "Account", v.o.account_id);
	html_kv(b, "E-mail", v.o.email);
	buf_adds(b, "<dt>Route</dt><dd id=\"route\">");
	html_escape(b, v.route.route);
	buf_adds(b, "</dd>");
	transfer_kv(b, &v);
	buf_adds(b, "<dt>State</dt><dd id=\"state\">");
	state_badge(b, v.state);
	buf_adds(b, "</dd>");
	kv_time(b, "Invited at", v.hs_found ? v.hs.requested_at :
	    v.o.requested_at, "");
	buf_adds(b, "<dt>Invitation</dt><dd><code id=\"handshake\">");
	html_escape(b, v.o.handshake_id);
	buf_adds(b, "</code> ");
	html_escape(b, v.hs_found ? v.hs.state : "(purged)");
	if (v.hs_found && (v.state == ONBOARD_INVITED ||
	    v.state == ONBOARD_IN_PROGRESS)) {
		buf_adds(b, ", expires ");
		html_time(b, v.hs.expires_at);
	}
	buf_adds(b, "</dd>");
	html_kv(b, "Requested by", v.o.requested_by);
	if (v.o.case_no == 3) {
		buf_adds(b, "<dt>Members left</dt><dd>");
		html_printf(b, "%lld", (long long)v.members_left);
		buf_adds(b, "</dd>");
	}
	kv_time(b, "Plan viewed", v.viewed_at, "not yet");
	if (v.proposed_at != 0) {
		buf_adds(b, "<dt>Proposed move</dt><dd id=\"proposed\">");
		html_time(b, v.proposed_at);
		if (v.proposed_note[0] != '\0') {
			buf_adds(b, " <q>");
			html_escape(b, v.proposed_note);
			buf_adds(b, "</q>");
		}
		buf_adds(b, "</dd>");
	}
	if (v.o.notes[0] != '\0')
		html_kv(b, "Notes", v.o.notes);
	buf_adds(b, "</dl></section>");

	buf_adds(b, "<section class=\"card\" id=\"gap\" aria-labelledby="
	    "\"gap-h\"><h2 id=\"gap-h\">Billing gap</h2>");
	if (v.route.transfer_id[0] != '\0') {
		buf_adds(b, "<p id=\"gap-value\">None: a billing transfer "
		    "moves the organization's bill on the first of a month, "
		    "and no account leaves or joins.</p></section>");
		goto actions;
	}
	buf_adds(b, "<dl class=\"kv\">");
	kv_time(b, "Left previous payer", v.left_prev_at, v.o.case_no == 1 ?
	    "no previous payer" : "not yet");
	kv_time(b, "Joined the MSP's organization", v.joined_at, "not yet");
	buf_adds(b, "<dt>Gap</dt><dd id=\"gap-value\">");
	gap_text(b, &v);
	buf_adds(b, " <small class=\"muted\">");
	html_printf(b, "(flagged over %lld minutes)",
	    (long long)v.gap_threshold_min);
	buf_adds(b, "</small></dd></dl></section>");
actions:
	buf_adds(b, "<section class=\"card\" id=\"actions\" aria-labelledby="
	    "\"act-h\"><h2 id=\"act-h\">Plan link and follow-up</h2>");
	error_here(c, "actions");
	if (new_url != NULL)
		plan_url_box(b, new_url, "New plan link made; the old one no "
		    "longer works.");
	buf_adds(b, "<div class=\"actions\">");
	button_form(c, arena_printf(c->r->arena, "%s/link", base), NULL,
	    NULL, "New link", "secondary", "Make a new plan link? The customer's current link "
	    "stops working.");
	if (v.state == ONBOARD_DECLINED || v.state == ONBOARD_EXPIRED)
		button_form(c, arena_printf(c->r->arena, "%s/resend", base),
		    NULL, NULL, "Resend", "primary", NULL);
	if (v.state != ONBOARD_LINKED && v.state != ONBOARD_CANCELED)
		button_form(c, arena_printf(c->r->arena, "%s/cancel", base),
		    NULL, NULL, "Cancel onboarding", "danger", "Cancel this onboarding? "
		    "Its open invitation is cancelled too.");
	buf_adds(b, "</div></section>");

	buf_adds(b, "<section class=\"card\" id=\"plan\" aria-labelledby="
	    "\"plan-h\"><h2 id=\"plan-h\">The customer's steps</h2>");
	steps_list(b, &v, 0, 0);
	buf_adds(b, "<h3>Missing prerequisites</h3>");
	prereq_list(b, &v);
	buf_adds(b, "<h3>Routes for this case</h3>");
	route_options(b, &v);
	buf_adds(b, "</section><section class=\"card\" id=\"events\" "
	    "aria-labelledby=\"tl-h\"><h2 id=\"tl-h\">Timeline</h2>");
	timeline_table(b, &v);
	buf_adds(b, "</section>");
	page_end(c);
}

void
onboard_desk_get(struct ctx *c, const char *rest)
{
	if (*rest == '\0')
		desk_list(c, NULL);
	else if (strchr(rest, '/') == NULL)
		desk_detail(c, rest, NULL);
	else
		page_message(c, 404, "Not found", "There is no page here.");
}

static void
desk_request(struct ctx *c)
{
	struct orgport		 org = orgport_default(c->r->store);
	struct onboard_result	 res;
	struct err		 e;
	const char		*cid = form_str(&c->form, "customer_id");
	const char		*newname = form_trimmed(c,
				    form_str(&c->form, "new_customer"));
	const char		*acct = form_trimmed(c,
				    form_str(&c->form, "account_id"));
	const char		*email = form_trimmed(c, form_str(&c->form, "email"));
	const char		*notes = form_trimmed(c, form_str(&c->form, "notes"));
	const char		*rs = form_str(&c->form, "route");
	const char		*start = form_trimmed(c, form_str(&c->form,
				    "start"));
	enum onboard_route	 route = ONBOARD_ROUTE_INVITE;
	int64_t			 start_at = 0, end;
	char			 id[CUSTOMER_ID_LEN + 1];

	err_clear(&e);
	if (*rs != '\0' && onboard_route_parse(rs, &route) == -1) {
		error_text_at(c, "new", "Choose a route.");
		goto fail;
	}
	if (route == ONBOARD_ROUTE_BILLING_TRANSFER && *start != '\0' &&
	    month_bounds(start, &start_at, &end) == -1) {
		error_text_at(c, "new", "Enter the month the transfer starts, "
		    "like 2027-01.");
		goto fail;
	}
	if (*newname == '\0' && *cid == '\0') {
		error_text_at(c, "new", "Choose a customer or enter a new "
		    "customer's name.");
		goto fail;
	}
	if (*acct == '\0' || *email == '\0') {
		error_text_at(c, "new", "Enter the account ID and its root "
		    "user e-mail address.");
		goto fail;
	}
	/* A request that will be refused makes no new customer. */
	if (*newname != '\0' && onboard_request_check(c->r->store, &org,
	    &c->who, acct, email, *notes != '\0' ? notes : NULL, 0, &e) == -1) {
		error_at(c, "new", &e);
		goto fail;
	}
	if (*newname != '\0') {
		if (customer_find_or_create(c, &c->who, newname,
		    email_valid(email) ? email : "", id, &e) == -1) {
			error_at(c, "new", &e);
			goto fail;
		}
		cid = id;
	}
	if (onboard_request_route(c->r->store, &org, &c->who, cid, acct,
	    email, *notes != '\0' ? notes : NULL, case_given(c), route, start_at, &res,
	    &e) == -1) {
		error_at(c, "new", &e);
		goto fail;
	}
	/* The plan link exists only in this answer. */
	c->form.n = 0;
	desk_list(c, &res);
	return;
fail:
	desk_list(c, NULL);
}

void
onboard_desk_post(struct ctx *c, const char *rest)
{
	struct orgport		 org = orgport_default(c->r->store);
	struct onboard_result	 res;
	struct err		 e;
	const char		*slash = strchr(rest, '/');
	char			*id, url[ONBOARD_URL_MAX + 1];
	const char		*action;

	err_clear(&e);
	if (strcmp(rest, "request") == 0) {
		desk_request(c);
		return;
	}
	if (slash == NULL || !id_ok((id = arena_strndup(c->r->arena, rest,
	    (size_t)(slash - rest))), ONBOARDING_ID_LEN)) {
		page_message(c, 404, "Not found", "There is no such action.");
		return;
	}
	action = slash + 1;
	if (strcmp(action, "link") == 0) {
		if (onboard_new_link(c->r->store, &c->who, id, url,
		    sizeof(url), &e) == -1)
			goto fail;
		desk_detail(c, id, url);
		return;
	} else if (strcmp(action, "resend") == 0) {
		if (onboard_resend(c->r->store, &org, &c->who, id, &res,
		    &e) == -1)
			goto fail;
		flash_set(c, "Sent a new invitation %s; the plan link stays "
		    "the same.", res.handshake_id);
	} else if (strcmp(action, "cancel") == 0) {
		if (onboard_cancel(c->r->store, &org, &c->who, id, &e) == -1)
			goto fail;
		flash_set(c, "Cancelled onboarding %s and its invitation.", id);
	} else {
		page_message(c, 404, "Not found", "There is no such action.");
		return;
	}
	page_redirect(c, arena_printf(c->r->arena, "/onboarding/%s", id));
	return;
fail:
	if (e.code == ERR_NOT_FOUND) {
		page_message(c, 404, "Onboarding", "There is no such "
		    "onboarding request.");
		return;
	}
	error_at(c, "actions", &e);
	desk_detail(c, id, NULL);
}
