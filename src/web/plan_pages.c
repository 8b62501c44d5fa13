/* SPDX-License-Identifier: MIT */
/*
 * The public onboarding pages (see onboard_pages.c): /intake, a form the
 * MSP hands out that files a request as the MSP (with a per-IP and
 * per-e-mail sanity limit in this process's memory), and /plan/TOKEN, the
 * customer's plan, live, with the console's own labels.
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

#define PLAN_REFRESH_S		"60"
#define INTAKE_WINDOW_MS	(60LL * 60 * 1000)
#define INTAKE_PER_IP		20
#define INTAKE_PER_EMAIL	5
#define INTAKE_SLOTS		256

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

static int
step_done(const struct onboard_view *v, const char *key)
{
	size_t	 i;

	for (i = 0; i < v->nsteps; i++)
		if (strcmp(v->steps[i].key, key) == 0)
			return (strcmp(v->steps[i].status, "DONE") == 0);
	return (0);
}

/* " (o-...)" after "organization", or nothing when the organization is
 * not known (live mode: AWS shows nobody another organization). */
static void
prev_org(struct buf *b, const struct onboard_view *v)
{
	if (v->o.prev_org_id[0] == '\0')
		return;
	buf_adds(b, " (<code>");
	html_escape(b, v->o.prev_org_id);
	buf_adds(b, "</code>)");
}

/* Who pays AWS for the account: today, and once the steps are done. */
static void
plan_intro(struct buf *b, const struct onboard_view *v, const char *msp)
{
	buf_adds(b, "<p class=\"lead\" id=\"case-text\">");
	if (v->state == ONBOARD_LINKED && v->transfer_found) {
		buf_adds(b, "Your organization");
		prev_org(b, v);
		buf_adds(b, " keeps its accounts, and ");
		html_escape(b, msp);
		buf_adds(b, " pays its AWS bill from ");
		html_time(b, v->transfer.start_at);
		buf_adds(b, ".</p>");
		return;
	}
	if (v->state == ONBOARD_LINKED) {
		buf_adds(b, "Your account <code>");
		html_escape(b, v->o.account_id);
		buf_adds(b, "</code> is in the organization of ");
		html_escape(b, msp);
		buf_adds(b, " since ");
		html_time(b, v->joined_at);
		buf_adds(b, ": ");
		html_escape(b, msp);
		buf_adds(b, " pays AWS for it now.</p>");
		return;
	}
	if (step_done(v, "LEAVE_ORGANIZATION") ||
	    step_done(v, "DELETE_ORGANIZATION")) {
		buf_adds(b, "Your account <code>");
		html_escape(b, v->o.account_id);
		buf_adds(b, v->o.case_no == 2 ? "</code> has left its "
		    "organization and pays AWS itself now, until you accept "
		    "the invitation from " : "</code> stands alone now that "
		    "its organization is deleted, and pays AWS itself until "
		    "you accept the invitation from ");
		html_escape(b, msp);
		buf_adds(b, ".</p>");
		return;
	}
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
		buf_adds(b, "</code> is a member of another organization");
		prev_org(b, v);
		buf_adds(b, ", whose management account pays AWS for "
		    "it today. One step moves it: accept the invitation from ");
		html_escape(b, msp);
		buf_adds(b, ". The account leaves its organization in the same "
		    "instant; leaving first is optional.");
		break;
	default:
		buf_adds(b, "Your account <code>");
		html_escape(b, v->o.account_id);
		buf_adds(b, "</code> is the management account of its own "
		    "organization");
		prev_org(b, v);
		if (strcmp(v->route.route, "billing-transfer") == 0) {
			buf_adds(b, " and pays AWS for its members. "
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
		buf_adds(b, " and pays AWS for its members. Three "
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
	int		 live = live_status(c->r->store,
			    &(struct live_org){ 0 }, NULL) == 0;
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
	    "</h2>");
	/* Live: the account is at AWS, and so is the console to use. */
	if (live)
		buf_adds(b, "<p>Do them in the AWS Management Console, signed "
		    "in as the account's root user (a billing transfer: as "
		    "your organization's management account): <a href=\""
		    "https://console.aws.amazon.com/\" class=\"button primary "
		    "small\" id=\"aws-console\" target=\"_blank\" rel=\""
		    "noopener noreferrer\">Open the AWS console</a></p>");
	else
		buf_adds(b, "<p>Do them in the console, signed in as the "
		    "account's root user: <a href=\"/\" class=\"button primary "
		    "small\">Sign in to the console</a></p>");
	steps_list(b, v, 1, live);
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
