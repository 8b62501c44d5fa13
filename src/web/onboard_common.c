/* SPDX-License-Identifier: MIT */
/*
 * The onboarding pages' shared renderers (web/onboard_internal.h): small
 * helpers, the timeline, the steps and the routes of a case, shown on the
 * desk's detail page and on the customer's plan.
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

#define CUSTOMERS_SHOWN		100	/* in the selects */
#define CUSTOMER_SCAN_PAGES	50	/* find by name: 5000 customers */

/* ---- Small helpers -------------------------------------------------- */

void
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
void
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
int
id_ok(const char *s, size_t max)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= max || !(isalnum((unsigned char)s[i]) || s[i] == '-'))
			return (0);
	return (i > 0);
}

const char *
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

void
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
void
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
void
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

void
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
int
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
void
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
void
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
int
case_given(struct ctx *c)
{
	const char	*cs = form_str(&c->form, "case");

	return (strlen(cs) == 1 && cs[0] >= '1' && cs[0] <= '3' ?
	    cs[0] - '0' : 0);
}

/* ---- Timelines, steps and routes (the desk and the plan) ---------- */


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

/* Who did it, in words: the onboarding's actors are an account id, a
 * staff user "e-mail (role)", "cli", or "plan" (whoever holds the link). */
static const char *
actor_text(const char *actor)
{
	if (strcmp(actor, "plan") == 0)
		return ("the customer, on the plan page");
	if (strcmp(actor, "cli") == 0)
		return ("the MSP, with the CLI");
	return (actor);
}

void
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
			html_printf(b, "by %s ", actor_text(ev->actor));
		/* Older rows repeat the event ("plan page opened"). */
		if (ev->detail[0] != '\0' &&
		    strcasecmp(ev->detail, event_text(ev->kind)) != 0) {
			buf_adds(b, "<q>");
			html_escape(b, ev->detail);
			buf_adds(b, "</q>");
		}
		buf_adds(b, "</small></td></tr>");
	}
	buf_adds(b, "</tbody></table></div>");
}

/* One click on the way to a step: the console's label, and (live) the
 * AWS console's page that has it. */
struct click {
	const char	*label;
	const char	*href;
};

#define AWS_CONSOLE	"https://console.aws.amazon.com/"
#define AWS_ORGS	AWS_CONSOLE "organizations/v2/home"

/*
 * Where to click, in the labels of the console the customer uses:
 * payerlink's own when it is the AWS (emulated), AWS's console in live
 * mode (AWS Organizations user guide: "Accepting or declining an
 * invitation", "Leaving an organization as a member account", "Removing a
 * member account", "Deleting an organization"; Billing and Cost Management
 * user guide: "Billing transfer").
 */
static const struct click *
step_path(const char *key, int live)
{
	static const struct click accept[] = { { "Sign in", NULL },
	    { "Organization", NULL }, { "Invitations", NULL },
	    { "Accept", NULL }, { "Accept invitation", NULL }, { NULL, NULL } };
	static const struct click leave[] = { { "Sign in", NULL },
	    { "Organization", NULL }, { "Leave this organization", NULL },
	    { "OK", NULL }, { NULL, NULL } };
	static const struct click remove[] = { { "Sign in", NULL },
	    { "Organization", NULL },
	    { "Accounts: select the member accounts", NULL },
	    { "Actions", NULL }, { "Remove from organization", NULL },
	    { NULL, NULL } };
	static const struct click del[] = { { "Organization", NULL },
	    { "Settings", NULL }, { "Copy the Organization ID", NULL },
	    { "Delete organization: paste the ID", NULL },
	    { "Delete organization", NULL }, { NULL, NULL } };
	static const struct click transfer[] = {
	    { "Sign in as the management account", NULL },
	    { "Organization", NULL },
	    { "Invitations: the billing transfer", NULL },
	    { "Accept", NULL }, { "Accept billing transfer", NULL },
	    { NULL, NULL } };
	static const struct click aws_accept[] = {
	    { "Sign in to the AWS Management Console as the account's root "
	    "user", AWS_CONSOLE },
	    { "AWS Organizations: Invitations", AWS_ORGS "/invitations" },
	    { "The invitation from your MSP: Accept", NULL },
	    { "Accept invitation", NULL }, { NULL, NULL } };
	static const struct click aws_leave[] = {
	    { "Sign in to the AWS Management Console as the account's root "
	    "user", AWS_CONSOLE },
	    { "AWS Organizations", AWS_ORGS },
	    { "Leave organization", NULL },
	    { "Leave organization (to confirm)", NULL }, { NULL, NULL } };
	static const struct click aws_remove[] = {
	    { "Sign in to the AWS Management Console as the management "
	    "account", AWS_CONSOLE },
	    { "AWS Organizations: AWS accounts", AWS_ORGS "/accounts" },
	    { "Select the member accounts", NULL }, { "Actions", NULL },
	    { "Remove from organization", NULL }, { "Remove account", NULL },
	    { NULL, NULL } };
	static const struct click aws_del[] = {
	    { "AWS Organizations: Settings", AWS_ORGS "/settings" },
	    { "Delete organization", NULL },
	    { "Enter the organization ID", NULL },
	    { "Delete organization", NULL }, { NULL, NULL } };
	static const struct click aws_transfer[] = {
	    { "Sign in to the AWS Management Console as the management "
	    "account", AWS_CONSOLE },
	    { "Billing and Cost Management", AWS_CONSOLE "costmanagement/" },
	    { "Preferences and settings: Billing transfers", NULL },
	    { "Outbound billing: the invitation from your MSP", NULL },
	    { "Accept", NULL }, { NULL, NULL } };
	static const struct click starts[] = { { "Nothing to do: it starts "
	    "by itself", NULL }, { NULL, NULL } };

	if (strcmp(key, "ACCEPT_TRANSFER") == 0)
		return (live ? aws_transfer : transfer);
	if (strcmp(key, "TRANSFER_STARTS") == 0)
		return (starts);
	if (strcmp(key, "LEAVE_ORGANIZATION") == 0)
		return (live ? aws_leave : leave);
	if (strcmp(key, "REMOVE_MEMBERS") == 0)
		return (live ? aws_remove : remove);
	if (strcmp(key, "DELETE_ORGANIZATION") == 0)
		return (live ? aws_del : del);
	return (live ? aws_accept : accept);
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
void
steps_list(struct buf *b, const struct onboard_view *v, int full, int live)
{
	const struct click	*path;
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
			buf_adds(b, live ? "<p class=\"muted\">In the AWS "
			    "console:</p><ol class=\"path aws\">" :
			    "<p class=\"muted\">In this console:</p>"
			    "<ol class=\"path\">");
			path = step_path(s->key, live);
			for (k = 0; path[k].label != NULL; k++) {
				buf_adds(b, "<li>");
				if (path[k].href != NULL) {
					buf_adds(b, "<a href=\"");
					html_escape(b, path[k].href);
					buf_adds(b, "\" target=\"_blank\" "
					    "rel=\"noopener noreferrer\">");
				}
				html_escape(b, path[k].label);
				if (path[k].href != NULL)
					buf_adds(b, "</a>");
				buf_adds(b, "</li>");
			}
			buf_adds(b, "</ol><p class=\"effect\"><strong>What "
			    "changes:</strong> ");
			html_escape(b, s->effect);
			buf_adds(b, "</p>");
			/* Emulated: where the same is in AWS's own console. */
			if (!live) {
				buf_adds(b, "<details><summary>In the AWS "
				    "console</summary><p>");
				html_escape(b, s->console);
				buf_adds(b, "</p></details>");
			}
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
void
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
void
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

void
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
