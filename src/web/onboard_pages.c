/* SPDX-License-Identifier: MIT */
/*
 * The onboarding desk in the browser (issue 5). For the MSP's session
 * only: /onboarding (the list with filters and counts per state, the "New
 * onboarding request" form), /onboarding/ID (case, timeline, steps, billing
 * gap; New link, Resend, Cancel), /customers (list and create) and /audit
 * (the latest entries). Public, without a session: /intake (a form the MSP
 * hands out; it files a request as the MSP) and /plan/TOKEN (the
 * customer's plan, live, with the console's own labels; cases 2 and 3 can
 * propose a time for the move).
 *
 * The domain (onboard/onboard.h) decides everything; this file renders and
 * translates forms. A plan link is shown once, on the answer to the POST
 * that made it (as access keys are), since only its hash is stored.
 * Public forms carry the pl_csrf double-submit token, like the sign-in
 * form; the intake form also has a per-IP and per-e-mail sanity limit, kept
 * in this process's memory (a few slots, real time): it stops a loop, not
 * a determined attacker behind many addresses.
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
#include "web/page.h"
#include "web/web.h"

#define DESK_PAGE		50	/* onboardings per list page */
#define CUSTOMERS_SHOWN		100	/* in the selects */
#define CUSTOMER_SCAN_PAGES	50	/* find by name: 5000 customers */
#define AUDIT_SHOWN		200
#define AUDIT_SCAN_PAGES	2000	/* 200,000 entries at most */
#define EXPIRING_MS		(3LL * 24 * 3600 * 1000)
#define PLAN_REFRESH_S		"60"

#define INTAKE_WINDOW_MS	(60LL * 60 * 1000)
#define INTAKE_PER_IP		20
#define INTAKE_PER_EMAIL	5
#define INTAKE_SLOTS		256

/* ---- Small helpers -------------------------------------------------- */

static void
kv_time(struct buf *b, const char *k, int64_t ms, const char *none)
{
	buf_adds(b, "<dt>");
	html_escape(b, k);
	buf_adds(b, "</dt><dd>");
	if (ms != 0)
		html_time(b, ms);
	else
		html_escape(b, none);
	buf_adds(b, "</dd>");
}

/*
 * Live mode: where the mirror comes from and how the last sync went. When
 * AWS cannot be reached the desk keeps serving from the mirror and says so.
 */
static void
live_banner(struct ctx *c)
{
	struct live_org	 l;
	struct buf	*b = c->b;

	if (live_status(c->r->store, &l, NULL) == -1)
		return;
	buf_adds(b, "<section class=\"card\" id=\"live-sync\"><p>Live: "
	    "organization <code>");
	html_escape(b, l.org_id);
	buf_adds(b, "</code> at AWS, synced every few minutes. Last sync: ");
	if (l.sync_tried_at == 0)
		buf_adds(b, "never");
	else
		html_time(b, l.sync_tried_at);
	if (l.sync_error[0] != '\0') {
		buf_adds(b, " <strong class=\"bad\" id=\"live-sync-error\">"
		    "failed: ");
		html_escape(b, l.sync_error);
		buf_adds(b, "</strong>. Showing the mirror as of ");
		if (l.sync_ok_at == 0)
			buf_adds(b, "connect");
		else
			html_time(b, l.sync_ok_at);
		buf_adds(b, "; payerlink keeps retrying.");
	} else
		html_printf(b, " (ok: %lld accounts, %lld invitations).",
		    (long long)l.accounts, (long long)l.handshakes);
	buf_adds(b, "</p></section>");
}

/* An id as this desk makes them: letters, digits and '-', 1..max. */
static int
id_ok(const char *s, size_t max)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= max || !(isalnum((unsigned char)s[i]) || s[i] == '-'))
			return (0);
	return (i > 0);
}

static const char *
case_short(int case_no)
{
	switch (case_no) {
	case 1:
		return ("standalone account: accept the invitation");
	case 2:
		return ("member of another organization: leave it, then "
		    "accept");
	case 3:
		return ("management account of its own organization: remove "
		    "the members, delete it, then accept");
	}
	return ("unknown");
}

static void
state_badge(struct buf *b, enum onboard_state s)
{
	const char	*name = onboard_state_name(s);

	buf_adds(b, "<span class=\"state state-");
	html_escape(b, name);
	buf_adds(b, "\">");
	html_escape(b, name);
	buf_adds(b, "</span>");
}

/* The billing gap: minutes between the old payer and the MSP, flagged. */
static void
gap_text(struct buf *b, const struct onboard_view *v)
{
	if (v->gap_ms >= 0) {
		buf_adds(b, v->gap_flagged ? "<span class=\"gap flagged\" "
		    "data-gap>" : "<span class=\"gap\" data-gap>");
		html_printf(b, "%lld min", (long long)(v->gap_ms / 60000));
		if (v->gap_flagged)
			html_printf(b, " (over %lld)",
			    (long long)v->gap_threshold_min);
		buf_adds(b, "</span>");
	} else if (v->left_prev_at != 0 && v->state != ONBOARD_CANCELED) {
		buf_adds(b, v->gap_flagged ? "<span class=\"gap flagged\">" :
		    "<span class=\"gap\">");
		buf_adds(b, "running since ");
		html_time(b, v->left_prev_at);
		buf_adds(b, "</span>");
	} else if (v->o.case_no == 1)
		buf_adds(b, "<span class=\"muted\">none (no previous payer)"
		    "</span>");
	else
		buf_adds(b, "<span class=\"muted\">not yet</span>");
}


/* The MSP's customers, first page (the selects). */
static void
customers_first(struct ctx *c, struct customer **v, size_t *n)
{
	struct err	 e;
	int		 more;

	err_clear(&e);
	*n = 0;
	if (customer_list(c->r->store, c->r->arena, &c->who, "",
	    CUSTOMERS_SHOWN, v, n, &more, &e) == -1)
		*n = 0;
}

static void
customer_options(struct buf *b, const struct customer *v, size_t n,
    const char *selected)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		buf_adds(b, "<option value=\"");
		html_escape(b, v[i].id);
		buf_adds(b, strcmp(v[i].id, selected) == 0 ? "\" selected>" :
		    "\">");
		html_escape(b, v[i].name);
		buf_adds(b, "</option>");
	}
}

/*
 * The customer named `name` (any case), made with contact when new;
 * id_out holds CUSTOMER_ID_LEN + 1. who is the MSP.
 */
static int
customer_find_or_create(struct ctx *c, const struct principal *who,
    const char *name, const char *contact, char *id_out, struct err *e)
{
	struct customer_input	 in;
	struct customer		*v, cu;
	const char		*after = "";
	size_t			 n, i, pages;
	int			 more = 1;

	for (pages = 0; more && pages < CUSTOMER_SCAN_PAGES; pages++) {
		if (customer_list(c->r->store, c->r->arena, who, after,
		    ONBOARD_PAGE_MAX, &v, &n, &more, e) == -1)
			return (-1);
		for (i = 0; i < n; i++)
			if (strcasecmp(v[i].name, name) == 0) {
				snprintf(id_out, CUSTOMER_ID_LEN + 1, "%s",
				    v[i].id);
				return (0);
			}
		if (n == 0)
			break;
		after = v[n - 1].id;
	}
	memset(&in, 0, sizeof(in));
	in.name = name;
	in.contact_email = *contact != '\0' ? contact : NULL;
	if (customer_create(c->r->store, who, &in, &cu, e) == -1)
		return (-1);
	snprintf(id_out, CUSTOMER_ID_LEN + 1, "%s", cu.id);
	return (0);
}

/* The plan link, shown once, with a copy button. */
static void
plan_url_box(struct buf *b, const char *url, const char *what)
{
	buf_adds(b, "<div class=\"secret\" role=\"status\" id=\"plan-link\">"
	    "<p><strong>");
	html_escape(b, what);
	buf_adds(b, "</strong> Copy the plan link now: it is shown only "
	    "this once.</p><p><a id=\"plan-url\" href=\"");
	html_escape(b, url);
	buf_adds(b, "\">");
	html_escape(b, url);
	buf_adds(b, "</a> <button type=\"button\" class=\"secondary small\" "
	    "data-copy=\"plan-url\">Copy</button></p></div>");
}

/*
 * Live mode: AWS shows nobody a foreign account's organization, so the MSP
 * or the customer says where the account is, in the words of the AWS
 * Organizations console as that account sees it. Nothing in emulated
 * mode, where payerlink sees it itself.
 */
static void
case_select(struct ctx *c)
{
	struct buf	*b = c->b;
	const char	*cur = form_str(&c->form, "case");

	if (live_status(c->r->store, &(struct live_org){ 0 }, NULL) == -1)
		return;
	buf_adds(b, "<label for=\"case\">What does the AWS Organizations "
	    "console show for the account today?</label><select id=\"case\" "
	    "name=\"case\">");
	html_printf(b, "<option value=\"1\"%s>Not in an organization "
	    "(standalone account)</option>", strcmp(cur, "2") != 0 &&
	    strcmp(cur, "3") != 0 ? " selected" : "");
	html_printf(b, "<option value=\"2\"%s>Member account of another "
	    "organization</option>", strcmp(cur, "2") == 0 ? " selected" : "");
	html_printf(b, "<option value=\"3\"%s>Management account of its "
	    "own organization</option></select>", strcmp(cur, "3") == 0 ?
	    " selected" : "");
}

/* The case a form stated: 1..3, or 0 for none. */
static int
case_given(struct ctx *c)
{
	const char	*cs = form_str(&c->form, "case");

	return (strlen(cs) == 1 && cs[0] >= '1' && cs[0] <= '3' ?
	    cs[0] - '0' : 0);
}

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

static const char *
event_text(const char *kind)
{
	static const struct {
		const char	*kind;
		const char	*text;
	} t[] = {
		{ "REQUESTED", "Request filed" },
		{ "INVITED", "Invitation sent" },
		{ "VIEWED", "Plan page opened" },
		{ "TIME_PROPOSED", "Customer proposed a time for the move" },
		{ "RESENT", "Invitation re-sent" },
		{ "MEMBER_LEFT", "A member account left the old organization" },
		{ "MEMBER_REMOVED", "A member account was removed" },
		{ "LEFT_ORGANIZATION", "Left its organization" },
		{ "REMOVED_FROM_ORGANIZATION", "Removed from its organization" },
		{ "ORGANIZATION_DELETED", "Its own organization was deleted" },
		{ "ACCEPTED", "Invitation accepted" },
		{ "DECLINED", "Invitation declined" },
		{ "EXPIRED", "Invitation expired" },
		{ "CANCELED", "Cancelled" },
		{ "JOINED", "Joined the MSP's organization" },
		{ "TRANSFER_STARTED", "Billing transfer started: the MSP pays "
		    "the organization's bill" },
		{ "TRANSFER_ENDS", "Billing transfer ended by one side; it "
		    "runs until its end" },
		{ "TRANSFER_ENDED", "Billing transfer ended" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].kind, kind) == 0)
			return (t[i].text);
	return (kind);
}

static void
timeline_table(struct buf *b, const struct onboard_view *v)
{
	const struct onboard_event	*ev;
	size_t				 i;

	buf_adds(b, "<div class=\"table-wrap\"><table id=\"timeline\"><thead>"
	    "<tr><th scope=\"col\">When</th><th scope=\"col\">Event</th><th "
	    "scope=\"col\">Details</th></tr></thead><tbody>");
	for (i = 0; i < v->nevents; i++) {
		ev = &v->events[i];
		buf_adds(b, "<tr data-event=\"");
		html_escape(b, ev->kind);
		buf_adds(b, "\"><td>");
		html_time(b, ev->at);
		buf_adds(b, "</td><td>");
		html_escape(b, event_text(ev->kind));
		buf_adds(b, "</td><td><small>");
		if (ev->handshake_id[0] != '\0')
			html_printf(b, "invitation %s ", ev->handshake_id);
		if (ev->org_id[0] != '\0')
			html_printf(b, "organization %s ", ev->org_id);
		if (ev->account_id[0] != '\0' &&
		    strcmp(ev->account_id, v->o.account_id) != 0)
			html_printf(b, "account %s ", ev->account_id);
		if (ev->proposed_at != 0) {
			buf_adds(b, "for ");
			html_time(b, ev->proposed_at);
			buf_adds(b, " ");
		}
		if (ev->actor[0] != '\0')
			html_printf(b, "by %s ", ev->actor);
		if (ev->detail[0] != '\0') {
			buf_adds(b, "<q>");
			html_escape(b, ev->detail);
			buf_adds(b, "</q>");
		}
		buf_adds(b, "</small></td></tr>");
	}
	buf_adds(b, "</tbody></table></div>");
}

/* Where to click in this console, in its own labels. */
static const char *const *
step_path(const char *key)
{
	static const char *const accept[] = { "Sign in", "Organization",
	    "Invitations", "Accept", "Accept invitation", NULL };
	static const char *const leave[] = { "Sign in", "Organization",
	    "Leave this organization", "OK", NULL };
	static const char *const remove[] = { "Sign in", "Organization",
	    "Accounts: select the member accounts", "Actions",
	    "Remove from organization", NULL };
	static const char *const del[] = { "Organization", "Settings",
	    "Copy the Organization ID", "Delete organization: paste the ID",
	    "Delete organization", NULL };
	static const char *const transfer[] = { "Sign in as the management "
	    "account", "Organization", "Invitations: the billing transfer",
	    "Accept", "Accept billing transfer", NULL };
	static const char *const starts[] = { "Nothing to do: it starts "
	    "by itself", NULL };

	if (strcmp(key, "ACCEPT_TRANSFER") == 0)
		return (transfer);
	if (strcmp(key, "TRANSFER_STARTS") == 0)
		return (starts);
	if (strcmp(key, "LEAVE_ORGANIZATION") == 0)
		return (leave);
	if (strcmp(key, "REMOVE_MEMBERS") == 0)
		return (remove);
	if (strcmp(key, "DELETE_ORGANIZATION") == 0)
		return (del);
	return (accept);
}

static void
step_status(struct buf *b, const struct onboard_step *s)
{
	buf_adds(b, "<span class=\"step-status st-");
	html_escape(b, s->status);
	buf_adds(b, "\">");
	if (strcmp(s->status, "DONE") == 0) {
		buf_adds(b, "Done ");
		html_time(b, s->done_at);
	} else if (strcmp(s->status, "NEXT") == 0)
		buf_adds(b, "Next");
	else if (strcmp(s->status, "PENDING") == 0)
		buf_adds(b, "Pending");
	else if (strcmp(s->status, "OPTIONAL") == 0)
		buf_adds(b, "Optional");
	else
		buf_adds(b, "Blocked");
	buf_adds(b, "</span>");
}

/* The steps in order; full: with the click path and the AWS wording. */
static void
steps_list(struct buf *b, const struct onboard_view *v, int full)
{
	const char *const	*path;
	size_t			 i, k;

	buf_adds(b, "<ol class=\"steps\" id=\"steps\">");
	for (i = 0; i < v->nsteps; i++) {
		const struct onboard_step *s = &v->steps[i];

		buf_adds(b, "<li class=\"step st-");
		html_escape(b, s->status);
		buf_adds(b, "\" data-step=\"");
		html_escape(b, s->key);
		buf_adds(b, "\" data-status=\"");
		html_escape(b, s->status);
		buf_adds(b, "\"><div class=\"step-head\"><strong>");
		html_printf(b, "%d. %s", s->n, s->title);
		buf_adds(b, "</strong>");
		step_status(b, s);
		buf_adds(b, "</div>");
		if (full) {
			buf_adds(b, "<p class=\"muted\">In this console:</p>"
			    "<ol class=\"path\">");
			path = step_path(s->key);
			for (k = 0; path[k] != NULL; k++) {
				buf_adds(b, "<li>");
				html_escape(b, path[k]);
				buf_adds(b, "</li>");
			}
			buf_adds(b, "</ol><p class=\"effect\"><strong>What "
			    "changes:</strong> ");
			html_escape(b, s->effect);
			buf_adds(b, "</p><details><summary>In the AWS console"
			    "</summary><p>");
			html_escape(b, s->console);
			buf_adds(b, "</p></details>");
		}
		if (s->detail[0] != '\0') {
			buf_adds(b, "<p class=\"muted\"><small>");
			html_escape(b, s->detail);
			buf_adds(b, "</small></p>");
		}
		buf_adds(b, "</li>");
	}
	buf_adds(b, "</ol>");
}

/* The routes for the case, best first, and which one this plan takes. */
static void
route_options(struct buf *b, const struct onboard_view *v)
{
	const struct onboard_option	*o;
	size_t				 i;

	buf_adds(b, "<ul class=\"routes\" id=\"routes\">");
	for (i = 0; i < v->noptions; i++) {
		o = &v->options[i];
		buf_adds(b, "<li data-route=\"");
		html_escape(b, onboard_route_name(o->route));
		buf_adds(b, "\"><strong>");
		html_escape(b, o->title);
		buf_adds(b, "</strong>");
		if (o->recommended)
			buf_adds(b, " <span class=\"tag\">recommended</span>");
		if (strcmp(onboard_route_name(o->route), v->route.route) == 0)
			buf_adds(b, " <span class=\"tag\">this plan</span>");
		buf_adds(b, "<br>");
		html_escape(b, o->summary);
		buf_adds(b, "</li>");
	}
	buf_adds(b, "</ul>");
}

/* A billing transfer's facts, for the MSP's page. */
static void
transfer_kv(struct buf *b, const struct onboard_view *v)
{
	if (v->route.transfer_id[0] == '\0')
		return;
	buf_adds(b, "<dt>Billing transfer</dt><dd id=\"transfer\"><code>");
	html_escape(b, v->route.transfer_id);
	buf_adds(b, "</code> ");
	html_escape(b, v->transfer_found ? v->transfer.status : "(gone)");
	buf_adds(b, ", from ");
	html_time(b, v->transfer_found ? v->transfer.start_at :
	    v->route.start_at);
	if (v->transfer_found && v->transfer.end_at != 0) {
		buf_adds(b, " until ");
		html_time(b, v->transfer.end_at);
	}
	buf_adds(b, "</dd>");
}

static void
prereq_list(struct buf *b, const struct onboard_view *v)
{
	size_t	 i;

	if (v->nprereqs == 0) {
		buf_adds(b, "<p class=\"muted\" id=\"prereqs\">Nothing is "
		    "missing.</p>");
		return;
	}
	buf_adds(b, "<ul class=\"checks\" id=\"prereqs\">");
	for (i = 0; i < v->nprereqs; i++) {
		buf_adds(b, "<li class=\"missing\" data-prereq=\"");
		html_escape(b, v->prereqs[i].key);
		buf_adds(b, "\">");
		html_escape(b, v->prereqs[i].text);
		buf_adds(b, "</li>");
	}
	buf_adds(b, "</ul>");
}

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
	steps_list(b, &v, 0);
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

/* ---- /customers ----------------------------------------------------- */

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
		    "</tr></thead><tbody>");
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
			buf_adds(b, "</td></tr>");
		}
		buf_adds(b, "</tbody></table></div>");
		if (more) {
			buf_adds(b, "<p><a href=\"/customers?after=");
			html_escape(b, v[n - 1].id);
			buf_adds(b, "\">Next customers</a></p>");
		}
	}
	buf_adds(b, "</section><section class=\"card\" id=\"create\" "
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

/* ---- /intake: the public form --------------------------------------- */

static struct {
	char	 key[EMAIL_MAX + 72];
	int64_t	 since;
	int	 n;
} intake_slots[INTAKE_SLOTS];
static pthread_mutex_t intake_mu = PTHREAD_MUTEX_INITIALIZER;

/* Counts one attempt for key; 1 while it stays within max per window. */
static int
intake_allow(const char *key, int max, int64_t now)
{
	size_t	 i, pick = 0;
	int	 ok;

	pthread_mutex_lock(&intake_mu);
	for (i = 0; i < INTAKE_SLOTS; i++) {
		if (strcmp(intake_slots[i].key, key) == 0) {
			pick = i;
			break;
		}
		if (intake_slots[i].since < intake_slots[pick].since)
			pick = i;
	}
	if (i == INTAKE_SLOTS || now - intake_slots[pick].since >
	    INTAKE_WINDOW_MS) {
		snprintf(intake_slots[pick].key, sizeof(intake_slots[pick].key),
		    "%s", key);
		intake_slots[pick].since = now;
		intake_slots[pick].n = 0;
	}
	ok = ++intake_slots[pick].n <= max;
	pthread_mutex_unlock(&intake_mu);
	return (ok);
}

static void
intake_form(struct ctx *c, const struct msp *m)
{
	struct buf	*b = c->b;

	buf_adds(b, "<section class=\"card narrow\" id=\"intake\"><h1>Move "
	    "your AWS account to ");
	html_escape(b, m->name);
	buf_adds(b, "</h1><p class=\"muted\">Tell us which account to "
	    "bring over. We check where it is today, send it an invitation "
	    "and give you a plan with the exact steps.</p>");
	error_here(c, "intake");
	buf_adds(b, "<form method=\"post\" action=\"/intake\" "
	    "class=\"stack\">");
	csrf_input(c);
	buf_adds(b, "<label for=\"customer\">Company name</label><input "
	    "id=\"customer\" name=\"customer\" required maxlength=\"200\" "
	    "autocomplete=\"organization\" value=\"");
	html_escape(b, form_str(&c->form, "customer"));
	buf_adds(b, "\"><label for=\"account_id\">AWS account ID (12 digits)"
	    "</label><input id=\"account_id\" name=\"account_id\" required "
	    "inputmode=\"numeric\" maxlength=\"12\" autocomplete=\"off\" "
	    "value=\"");
	html_escape(b, form_str(&c->form, "account_id"));
	buf_adds(b, "\"><label for=\"email\">The account's root user e-mail"
	    "</label><input id=\"email\" name=\"email\" type=\"email\" "
	    "required maxlength=\"64\" value=\"");
	html_escape(b, form_str(&c->form, "email"));
	buf_adds(b, "\"><label for=\"contact\">Billing contact e-mail "
	    "(optional)</label><input id=\"contact\" name=\"contact\" "
	    "type=\"email\" maxlength=\"64\" autocomplete=\"email\" "
	    "value=\"");
	html_escape(b, form_str(&c->form, "contact"));
	buf_adds(b, "\">");
	case_select(c);
	buf_adds(b, "<button type=\"submit\" class=\"primary\">Send "
	    "request</button></form></section>");
}

void
intake_get(struct ctx *c)
{
	struct msp	 m;

	if (msp_get(c->r->store, &m, NULL) == -1) {
		page_message(c, 404, "Not found", "There is no page here.");
		return;
	}
	if (!c->signed_in)
		pre_csrf(c);
	page_begin(c, "Move your AWS account");
	intake_form(c, &m);
	page_end(c);
}

void
intake_post(struct ctx *c)
{
	struct orgport		 org = orgport_default(c->r->store);
	struct onboard_result	 res;
	struct principal	 as;
	struct msp		 m;
	struct err		 e;
	struct buf		*b = c->b;
	const char		*name = form_trimmed(c, form_str(&c->form,
				    "customer"));
	const char		*acct = form_trimmed(c, form_str(&c->form,
				    "account_id"));
	const char		*email = form_trimmed(c, form_str(&c->form, "email"));
	const char		*contact = form_trimmed(c, form_str(&c->form,
				    "contact"));
	const char		*ip = c->r->remote_addr != NULL ?
				    c->r->remote_addr : "";
	char			 key[EMAIL_MAX + 72], cid[CUSTOMER_ID_LEN + 1];
	int64_t			 now = clock_real_ms();
	size_t			 i;

	err_clear(&e);
	if (msp_get(c->r->store, &m, NULL) == -1) {
		page_message(c, 404, "Not found", "There is no page here.");
		return;
	}
	if (!c->signed_in)
		pre_csrf(c);
	if (*name == '\0' || *acct == '\0' || *email == '\0') {
		error_text_at(c, "intake", "Enter the company name, the "
		    "account ID and its root user e-mail address.");
		goto fail;
	}
	if (strlen(acct) != ACCOUNT_ID_LEN || !str_is_digits(acct)) {
		error_text_at(c, "intake", "The account ID is the 12 digits "
		    "shown under the account name in the console.");
		goto fail;
	}
	if (!email_valid(email) || (*contact != '\0' &&
	    !email_valid(contact))) {
		error_text_at(c, "intake", "That is not a valid e-mail "
		    "address.");
		goto fail;
	}
	snprintf(key, sizeof(key), "ip:%s", ip);
	if (!intake_allow(key, INTAKE_PER_IP, now))
		goto limited;
	snprintf(key, sizeof(key), "mail:%s", email);
	for (i = 5; key[i] != '\0'; i++)
		key[i] = (char)tolower((unsigned char)key[i]);
	if (!intake_allow(key, INTAKE_PER_EMAIL, now))
		goto limited;

	/* Filed as the MSP: the public form is the MSP's own desk. */
	memset(&as, 0, sizeof(as));
	snprintf(as.account_id, sizeof(as.account_id), "%s", m.account_id);
	if (onboard_request_check(c->r->store, &org, &as, acct, email,
	    NULL, 0, &e) == -1 ||
	    customer_find_or_create(c, &as, name, *contact != '\0' ?
	    contact : email, cid, &e) == -1 ||
	    onboard_request(c->r->store, &org, &as, cid, acct, email,
	    "Filed through the intake form.", case_given(c), &res,
	    &e) == -1) {
		if (e.code == ERR_CONFLICT && e.aws_type == NULL)
			error_text_at(c, "intake", "This account is already "
			    "with us, or a request for it is open: contact "
			    "us.");
		else
			error_at(c, "intake", &e);
		goto fail;
	}
	page_begin(c, "Request received");
	buf_adds(b, "<section class=\"card narrow\" id=\"intake-done\"><h1>"
	    "Request received</h1><p>");
	html_escape(b, m.name);
	buf_adds(b, " has sent an invitation to account <code>");
	html_escape(b, acct);
	buf_adds(b, "</code>.</p>");
	plan_url_box(b, res.plan_url, "Your plan: the exact steps, with "
	    "their live status.");
	buf_adds(b, "</section>");
	page_end(c);
	return;
limited:
	error_text_at(c, "intake", "Too many requests from here. Try again "
	    "in an hour, or contact us.");
	c->resp->status = 429;
fail:
	page_begin(c, "Move your AWS account");
	intake_form(c, &m);
	page_end(c);
}

/* ---- /plan/TOKEN: the customer's plan -------------------------------- */

static void
plan_intro(struct buf *b, const struct onboard_view *v, const char *msp)
{
	buf_adds(b, "<p class=\"lead\" id=\"case-text\">");
	switch (v->o.case_no) {
	case 1:
		buf_adds(b, "Your account <code>");
		html_escape(b, v->o.account_id);
		buf_adds(b, "</code> is standalone: it pays AWS itself today. "
		    "One step moves it: accept the invitation from ");
		html_escape(b, msp);
		buf_adds(b, ".");
		break;
	case 2:
		buf_adds(b, "Your account <code>");
		html_escape(b, v->o.account_id);
		buf_adds(b, "</code> is a member of another organization "
		    "(<code>");
		html_escape(b, v->o.prev_org_id);
		buf_adds(b, "</code>), whose management account pays AWS for "
		    "it today. One step moves it: accept the invitation from ");
		html_escape(b, msp);
		buf_adds(b, ". The account leaves its organization in the same "
		    "instant; leaving first is optional.");
		break;
	default:
		buf_adds(b, "Your account <code>");
		html_escape(b, v->o.account_id);
		buf_adds(b, "</code> is the management account of its own "
		    "organization (<code>");
		html_escape(b, v->o.prev_org_id);
		if (strcmp(v->route.route, "billing-transfer") == 0) {
			buf_adds(b, "</code>) and pays AWS for its members. "
			    "You keep that organization: accept the billing "
			    "transfer from ");
			html_escape(b, msp);
			buf_adds(b, ", and from ");
			html_time(b, v->transfer_found ?
			    v->transfer.start_at : v->route.start_at);
			buf_adds(b, " ");
			html_escape(b, msp);
			buf_adds(b, " pays its AWS bill.");
			break;
		}
		buf_adds(b, "</code>) and pays AWS for its members. Three "
		    "steps move it: remove every member account, delete the "
		    "organization, then accept the invitation from ");
		html_escape(b, msp);
		buf_adds(b, ".");
	}
	buf_adds(b, "</p>");
}

static void
plan_page(struct ctx *c, const char *token, const struct onboard_view *v)
{
	struct buf	*b = c->b;
	const char	*msp = v->msp_name[0] != '\0' ? v->msp_name : "your MSP";
	int		 open = v->state == ONBOARD_INVITED ||
			    v->state == ONBOARD_IN_PROGRESS;
	size_t		 i;

	page_begin(c, "Your plan");
	buf_adds(b, "<div id=\"plan-page\" data-refresh=\"" PLAN_REFRESH_S
	    "\"><h1>Moving account <code>");
	html_escape(b, v->o.account_id);
	buf_adds(b, "</code> to ");
	html_escape(b, msp);
	buf_adds(b, "</h1><p class=\"muted\">For ");
	html_escape(b, v->customer.name);
	buf_adds(b, ". Status: ");
	state_badge(b, v->state);
	buf_adds(b, " · this page shows the live status of each step.</p>");
	plan_intro(b, v, msp);
	if (v->state == ONBOARD_LINKED && v->transfer_found) {
		buf_adds(b, "<p class=\"flash ok\" id=\"linked\">Done: ");
		html_escape(b, msp);
		buf_adds(b, " pays your organization's AWS bill from ");
		html_time(b, v->transfer.start_at);
		if (v->transfer.end_at != 0) {
			buf_adds(b, " until ");
			html_time(b, v->transfer.end_at);
		}
		buf_adds(b, ".</p>");
	} else if (v->state == ONBOARD_LINKED) {
		buf_adds(b, "<p class=\"flash ok\" id=\"linked\">Done: ");
		html_escape(b, msp);
		buf_adds(b, " pays AWS for this account since ");
		html_time(b, v->joined_at);
		buf_adds(b, ".</p>");
	} else if (v->state == ONBOARD_CANCELED)
		buf_adds(b, "<p class=\"flash error\">This move was "
		    "cancelled. Nothing more to do here.</p>");

	buf_adds(b, "<section class=\"card\" id=\"plan-steps\" "
	    "aria-labelledby=\"steps-h\"><h2 id=\"steps-h\">Steps, in order"
	    "</h2><p>Do them in the console, signed in as the account's root "
	    "user: <a href=\"/\" class=\"button primary small\">Sign in to "
	    "the console</a></p>");
	steps_list(b, v, 1);
	buf_adds(b, "</section>");
	/* Case 3 has two ways: say what each keeps and costs. */
	if (v->noptions > 1) {
		buf_adds(b, "<section class=\"card\" id=\"two-ways\" "
		    "aria-labelledby=\"ways-h\"><h2 id=\"ways-h\">Two ways to "
		    "move, and the difference</h2>");
		route_options(b, v);
		buf_adds(b, "<p class=\"muted\">Ask ");
		html_escape(b, msp);
		buf_adds(b, " if you prefer the other way: it sends a new "
		    "invitation.</p></section>");
	}
	if (v->state != ONBOARD_LINKED && v->state != ONBOARD_CANCELED) {
		buf_adds(b, "<section class=\"card\" id=\"missing\" "
		    "aria-labelledby=\"pre-h\"><h2 id=\"pre-h\">Still missing"
		    "</h2>");
		prereq_list(b, v);
		for (i = 0; i < v->nprereqs; i++)
			if (strstr(v->prereqs[i].key, "PAYMENT") != NULL ||
			    strstr(v->prereqs[i].key, "PHONE") != NULL)
				break;
		if (i < v->nprereqs)
			buf_adds(b, "<p>Add a payment method and a phone "
			    "number in the console: Account settings, Billing "
			    "information.</p>");
		buf_adds(b, "</section>");
	}
	if (v->contact_first && v->state != ONBOARD_LINKED &&
	    v->state != ONBOARD_CANCELED) {
		buf_adds(b, "<section class=\"card\" id=\"propose\" "
		    "aria-labelledby=\"prop-h\"><h2 id=\"prop-h\">Plan the "
		    "move with us</h2><p class=\"note\">");
		html_escape(b, msp);
		buf_adds(b, " will contact you before the move, so that "
		    "nothing breaks: between leaving your current payer and "
		    "accepting, the account pays AWS itself, and that should "
		    "be minutes.</p>");
		if (v->proposed_at != 0) {
			buf_adds(b, "<p id=\"proposed\">You proposed ");
			html_time(b, v->proposed_at);
			if (v->proposed_note[0] != '\0') {
				buf_adds(b, ": <q>");
				html_escape(b, v->proposed_note);
				buf_adds(b, "</q>");
			}
			buf_adds(b, ".</p>");
		}
		error_here(c, "propose");
		if (open) {
			buf_adds(b, "<form method=\"post\" action=\"/plan/");
			html_escape(b, token);
			buf_adds(b, "/propose\" class=\"stack\">");
			csrf_input(c);
			buf_adds(b, "<label for=\"when\">A time for the move "
			    "(UTC)</label><input id=\"when\" name=\"when\" "
			    "type=\"datetime-local\" required value=\"");
			html_escape(b, form_str(&c->form, "when"));
			buf_adds(b, "\"><label for=\"note\">Note (optional)"
			    "</label><textarea id=\"note\" name=\"note\" "
			    "maxlength=\"512\" rows=\"2\">");
			html_escape(b, form_str(&c->form, "note"));
			buf_adds(b, "</textarea><button type=\"submit\" "
			    "class=\"primary\">Propose this time</button>"
			    "</form>");
		}
		buf_adds(b, "</section>");
	}
	buf_adds(b, "</div>");
	page_end(c);
}

static void
plan_not_found(struct ctx *c)
{
	page_message(c, 404, "Not found", "There is no page here.");
}

void
plan_get(struct ctx *c, const char *token)
{
	struct orgport		 org = orgport_default(c->r->store);
	struct onboard_view	 v;
	struct err		 e;

	err_clear(&e);
	if (onboard_plan(c->r->store, &org, c->r->arena, token, &v,
	    &e) == -1) {
		if (e.code == ERR_NOT_FOUND || e.code == ERR_INVALID)
			plan_not_found(c);
		else
			page_message(c, 500, "Your plan", err_friendly(&e));
		return;
	}
	/* Opening the page is an event the MSP sees. */
	onboard_plan_viewed(c->r->store, token, NULL);
	if (!c->signed_in)
		pre_csrf(c);
	if (strcmp(form_str(&c->query, "proposed"), "1") == 0)
		snprintf(c->flash, sizeof(c->flash), "Thank you: your "
		    "proposed time is recorded. We will confirm it.");
	plan_page(c, token, &v);
}

void
plan_post(struct ctx *c, const char *token, const char *action)
{
	struct orgport		 org = orgport_default(c->r->store);
	struct onboard_view	 v;
	struct err		 e;
	const char		*w = form_trimmed(c, form_str(&c->form, "when"));
	const char		*note = form_trimmed(c, form_str(&c->form, "note"));
	char			 iso[40];
	int64_t			 ms;

	err_clear(&e);
	if (onboard_plan(c->r->store, &org, c->r->arena, token, &v,
	    &e) == -1 || strcmp(action, "propose") != 0) {
		plan_not_found(c);
		return;
	}
	if (!c->signed_in)
		pre_csrf(c);
	/* datetime-local sends 2026-11-26T12:00, taken as UTC. */
	snprintf(iso, sizeof(iso), "%s%s", w, strlen(w) == 16 ? "Z" : "");
	if (onboard_parse_time(iso, &ms) == -1) {
		error_text_at(c, "propose", "Enter a date and time, like "
		    "2026-11-26 14:00.");
		plan_page(c, token, &v);
		return;
	}
	if (onboard_propose_time(c->r->store, &org, token, ms,
	    *note != '\0' ? note : NULL, &e) == -1) {
		error_at(c, "propose", &e);
		plan_page(c, token, &v);
		return;
	}
	page_redirect(c, arena_printf(c->r->arena, "/plan/%s?proposed=1",
	    token));
}
