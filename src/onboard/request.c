/* SPDX-License-Identifier: MIT */
/*
 * Onboarding requests and follow-up: case detection, the invitation, the
 * customer's ownership, re-send, cancel, a new plan link; and what the
 * customer does on the plan page (viewed, propose a time). See onboard.h.
 *
 * The organization is reached through the port (org/port.h) only. Its
 * invite and cancel are atomic on their own (a store transaction, or an
 * AWS call), so a request is two steps: the invitation, then the
 * onboarding; when the second fails the invitation is cancelled again.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/codec.h"
#include "onboard/internal.h"

#define VIEW_THROTTLE_MS	(10LL * 60 * 1000)

static int
onboarding_id_valid(const char *s)
{
	return (s != NULL && strlen(s) == ONBOARDING_ID_LEN &&
	    strncmp(s, "onb-", 4) == 0 &&
	    strspn(s + 4, ALPHA_LOWER_DIGITS) == 10);
}

static int
not_found(struct err *e, const char *id)
{
	return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
	    "onboarding %.20s does not exist", id));
}

/* What the request found out before it invites. */
struct detected {
	struct msp		 msp;
	struct orgport_org	 msp_org;
	struct customer		 customer;
	int			 case_no;
	char			 prev_org_id[ORG_ID_MAX + 1];
	int64_t			 members;
	int			 owned;		/* by this customer already */
};

/*
 * Inside a transaction: checks the request and detects the case from the
 * account's standing now, as the organization tells it; when it cannot
 * tell, the case given (or 1).
 */
static int
detect(struct store *st, const struct orgport *org,
    const struct principal *who, const char *cid, const char *account_id,
    const char *email, int case_given, struct detected *d, struct err *e)
{
	struct orgport_standing	 s;
	struct orgport_account	*none;
	struct account		 a, b;
	struct customer_account	 ca;
	size_t			 n;
	int			 known, email_known;

	memset(d, 0, sizeof(*d));
	if (msp_require(st, who, &d->msp, e) == -1)
		return (-1);
	if (onb_msp_org(org, d->msp.account_id, &d->msp_org, e) == -1)
		return (err_set(e, ERR_CONFLICT, NULL, NULL, "the MSP's account "
		    "%s no longer manages an organization", d->msp.account_id));
	if (cid != NULL && store_customer_get(st, cid, &d->customer, e) == -1)
		return (-1);
	known = account_get(st, account_id, &a, NULL) == 0;
	email_known = account_by_email(st, email, &b, NULL) == 0;
	if (known && strcasecmp(a.email, email) != 0)
		return (err_set(e, ERR_INVALID, NULL, NULL, "account %s is "
		    "registered with another e-mail address than %s; check "
		    "the account id and the e-mail with the customer",
		    account_id, email));
	if (!known && email_known)
		return (err_set(e, ERR_INVALID, NULL, NULL, "the e-mail %s "
		    "belongs to account %s, not %s; check the account id and "
		    "the e-mail with the customer", email, b.id, account_id));
	if (store_customer_account_get(st, account_id, &ca, NULL) == 0) {
		if (cid == NULL || strcmp(ca.customer_id, cid) != 0) {
			struct customer	 other;

			if (store_customer_get(st, ca.customer_id, &other,
			    NULL) == -1)
				snprintf(other.name, sizeof(other.name), "%s",
				    ca.customer_id);
			return (err_set(e, ERR_CONFLICT, NULL, NULL, "account "
			    "%s belongs to customer %s (%s)", account_id,
			    other.name, ca.customer_id));
		}
		d->owned = 1;
	}
	if (orgport_account_standing(org, account_id, &s, e) == -1)
		return (-1);
	if (s.kind == ORGPORT_CASE_UNKNOWN) {
		d->case_no = case_given != 0 ? case_given : 1;
		return (0);
	}
	if (s.kind == ORGPORT_CASE_STANDALONE) {
		d->case_no = 1;
		return (0);
	}
	if (strcmp(s.org_id, d->msp_org.id) == 0)
		return (err_set(e, ERR_CONFLICT, NULL, NULL, "account %s is "
		    "already in the MSP's organization %s%s", account_id,
		    s.org_id, d->owned ? "" : "; give it to the customer with "
		    "payerlink customer add-account"));
	snprintf(d->prev_org_id, sizeof(d->prev_org_id), "%s", s.org_id);
	if (s.kind == ORGPORT_CASE_MANAGEMENT) {
		d->case_no = 3;
		if (orgport_accounts(org, NULL, s.org_id, 0, &none, &n,
		    &d->members, e) == -1)
			return (-1);
		d->members--;	/* the management account itself */
	} else
		d->case_no = 2;
	return (0);
}

/* Inside a write transaction: customer_id owns account_id from `since`,
 * unless some customer owns it already. */
static int
own(struct store *st, const char *customer_id, const char *account_id,
    int64_t since, struct err *e)
{
	struct customer_account	 ca;

	if (store_customer_account_get(st, account_id, &ca, NULL) == 0)
		return (0);
	memset(&ca, 0, sizeof(ca));
	snprintf(ca.account_id, sizeof(ca.account_id), "%s", account_id);
	snprintf(ca.customer_id, sizeof(ca.customer_id), "%s", customer_id);
	ca.since = since;
	return (store_customer_account_insert(st, &ca, e));
}

/*
 * Inside a write transaction: a billing transfer makes the MSP pay for
 * every account of the customer's organization, so the customer owns
 * them all (its members of this moment, the first OWN_MEMBERS_MAX; later
 * ones with `customer add-account`). Accounts another customer owns stay
 * that customer's.
 */
#define OWN_MEMBERS_MAX	1000

static int
own_members(struct store *st, const struct orgport *org,
    const struct onboarding *o, struct err *e)
{
	struct arena		 a;
	struct orgport_account	*m;
	size_t			 n, i;
	int64_t			 total;
	int			 rc = 0;

	arena_init(&a);
	if (orgport_accounts(org, &a, o->prev_org_id, OWN_MEMBERS_MAX, &m, &n,
	    &total, e) == -1)
		rc = -1;
	for (i = 0; i < n && rc == 0; i++)
		rc = own(st, o->customer_id, m[i].id, o->requested_at, e);
	arena_release(&a);
	return (rc);
}

/* Inside a write transaction: the onboarding row, ownership, route,
 * event, audit. */
static int
record(struct store *st, const struct orgport *org,
    const struct principal *who, const struct detected *d,
    struct onboarding *o, const struct onboarding_route *route, struct err *e)
{
	struct onboarding_event	 ev;
	char			 detail[256];

	if (!d->owned && own(st, o->customer_id, o->account_id,
	    o->requested_at, e) == -1)
		return (-1);
	if (store_onboarding_insert(st, o, e) == -1)
		return (-1);
	if (strcmp(route->route, "invite") != 0 &&
	    (store_onboarding_route_put(st, route, e) == -1 ||
	    own_members(st, org, o, e) == -1))
		return (-1);
	memset(&ev, 0, sizeof(ev));
	snprintf(ev.onboarding_id, sizeof(ev.onboarding_id), "%s", o->id);
	ev.at = o->requested_at;
	snprintf(ev.kind, sizeof(ev.kind), "REQUESTED");
	snprintf(ev.actor, sizeof(ev.actor), "%s", onb_actor(who));
	snprintf(ev.handshake_id, sizeof(ev.handshake_id), "%s",
	    o->handshake_id);
	snprintf(ev.detail, sizeof(ev.detail), "case %d, %s", o->case_no,
	    route->route);
	snprintf(detail, sizeof(detail), "customer %s account %s e-mail %s "
	    "case %d %s %s%s%s", o->customer_id, o->account_id, o->email,
	    o->case_no, route->transfer_id[0] ? "billing transfer" :
	    "invitation", o->handshake_id, route->transfer_id[0] ? " " : "",
	    route->transfer_id);
	if (store_onboarding_event_insert(st, &ev, e) == -1 ||
	    store_audit_append(st, onb_actor(who), "onboarding.request",
	    o->id, detail, e) == -1)
		return (-1);
	return (0);
}

/* Cancels an invitation this module just sent, after a failure. */
static void
uninvite(const struct orgport *org, const struct msp *m, const char *hid)
{
	struct orgport_handshake	 h;

	orgport_cancel(org, m->account_id, hid, &h, NULL);
}

/* The invitation of route: a handshake, and for a billing transfer the
 * transfer into route (its id and start). */
static int
invite(const struct orgport *org, const struct detected *d, const char *oid,
    const char *account_id, struct onboarding_route *route,
    struct orgport_handshake *h, struct err *e)
{
	struct orgport_transfer	 t;
	char			 notes[HANDSHAKE_NOTES_MAX];

	if (strcmp(route->route, "billing-transfer") == 0) {
		if (onb_transfer_invite(org, &d->msp, &d->customer, oid,
		    account_id, route->start_at, h, &t, e) == -1)
			return (-1);
		snprintf(route->transfer_id, sizeof(route->transfer_id), "%s",
		    t.id);
		return (0);
	}
	snprintf(notes, sizeof(notes), "%s invites %s (account %s) to its "
	    "consolidated billing. Onboarding %s.", d->msp.name,
	    d->customer.name, account_id, oid);
	return (orgport_invite(org, d->msp.account_id, "ACCOUNT", account_id,
	    notes, h, e));
}

const char *
onboard_route_name(enum onboard_route r)
{
	return (r == ONBOARD_ROUTE_BILLING_TRANSFER ? "billing-transfer" :
	    "invite");
}

enum onboard_route
onboard_route_best(int case_no)
{
	/* Case 3 keeps its organization and has no gap by billing transfer;
	 * cases 1 and 2 join directly. */
	return (case_no == 3 ? ONBOARD_ROUTE_BILLING_TRANSFER :
	    ONBOARD_ROUTE_INVITE);
}

int
onboard_route_parse(const char *s, enum onboard_route *out)
{
	if (s != NULL && strcmp(s, "invite") == 0)
		*out = ONBOARD_ROUTE_INVITE;
	else if (s != NULL && strcmp(s, "billing-transfer") == 0)
		*out = ONBOARD_ROUTE_BILLING_TRANSFER;
	else
		return (-1);
	return (0);
}

/* The request's own fields, before anything is looked up. */
static int
request_args(const char *account_id, const char *email, const char *notes,
    int case_given, struct err *e)
{
	if (account_id == NULL || email == NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL, "an onboarding "
		    "request needs a customer, an account id and an e-mail"));
	if (!account_id_valid(account_id))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "account id: expected 12 digits"));
	if (!email_valid(email))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "e-mail: not a valid e-mail address"));
	if (notes != NULL && (!utf8_valid(notes, strlen(notes)) ||
	    strlen(notes) > ONBOARD_NOTES_MAX))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "notes: at most %d bytes of UTF-8", ONBOARD_NOTES_MAX));
	if (case_given < 0 || case_given > 3)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "case: expected 1, 2 or 3"));
	return (0);
}

int
onboard_request_check(struct store *st, const struct orgport *org,
    const struct principal *who, const char *account_id, const char *email,
    const char *notes, int case_given, struct err *e)
{
	struct detected	 d;
	int		 rc;

	if (request_args(account_id, email, notes, case_given, e) == -1)
		return (-1);
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	rc = detect(st, org, who, NULL, account_id, email, case_given, &d, e);
	store_rollback(st);
	return (rc);
}

int
onboard_request(struct store *st, const struct orgport *org,
    const struct principal *who, const char *customer_id,
    const char *account_id, const char *email, const char *notes,
    int case_given, struct onboard_result *out, struct err *e)
{
	return (onboard_request_route(st, org, who, customer_id, account_id,
	    email, notes, case_given, ONBOARD_ROUTE_INVITE, 0, out, e));
}

int
onboard_request_route(struct store *st, const struct orgport *org,
    const struct principal *who, const char *customer_id,
    const char *account_id, const char *email, const char *notes,
    int case_given, enum onboard_route route, int64_t start_at,
    struct onboard_result *out, struct err *e)
{
	struct detected		 d;
	struct orgport_handshake h;
	struct onboarding	 o;
	struct onboarding_route	 r;
	char			 token[ONBOARD_TOKEN_LEN + 1];
	int			 rc;

	if (customer_id == NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL, "an onboarding "
		    "request needs a customer, an account id and an e-mail"));
	if (request_args(account_id, email, notes, case_given, e) == -1)
		return (-1);
	if (strlen(customer_id) >= sizeof(o.customer_id))
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "customer %.20s does not exist", customer_id));
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	rc = detect(st, org, who, customer_id, account_id, email, case_given,
	    &d, e);
	if (rc == 0 && start_at == 0)
		start_at = onb_transfer_default_start(store_now(st));
	store_rollback(st);
	if (rc == -1)
		return (-1);
	if (route == ONBOARD_ROUTE_BILLING_TRANSFER && d.case_no != 3)
		return (err_set(e, ERR_INVALID, NULL, NULL, "a billing transfer "
		    "moves the bill of an organization: account %s is %s, not "
		    "the management account of one (case %d); use --route "
		    "invite", account_id, d.case_no == 1 ? "standalone" :
		    "a member of another organization", d.case_no));

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	onb_new_id("onb-", o.id, sizeof(o.id));
	snprintf(r.onboarding_id, sizeof(r.onboarding_id), "%s", o.id);
	snprintf(r.route, sizeof(r.route), "%s", onboard_route_name(route));
	if (route == ONBOARD_ROUTE_BILLING_TRANSFER)
		r.start_at = start_at;
	if (invite(org, &d, o.id, account_id, &r, &h, e) == -1)
		return (-1);
	snprintf(o.customer_id, sizeof(o.customer_id), "%s", customer_id);
	snprintf(o.account_id, sizeof(o.account_id), "%s", account_id);
	snprintf(o.email, sizeof(o.email), "%s", email);
	snprintf(o.notes, sizeof(o.notes), "%s", notes != NULL ? notes : "");
	o.case_no = d.case_no;
	snprintf(o.prev_org_id, sizeof(o.prev_org_id), "%s", d.prev_org_id);
	o.prev_members = d.members;
	snprintf(o.msp_account_id, sizeof(o.msp_account_id), "%s",
	    d.msp.account_id);
	snprintf(o.msp_org_id, sizeof(o.msp_org_id), "%s", d.msp_org.id);
	snprintf(o.handshake_id, sizeof(o.handshake_id), "%s", h.id);
	onb_new_token(token, o.token_hash);
	snprintf(o.requested_by, sizeof(o.requested_by), "%s", onb_actor(who));
	if (store_begin(st, STORE_WRITE, e) == -1)
		goto uninvite;
	o.requested_at = h.requested_at;
	if (record(st, org, who, &d, &o, &r, e) == -1) {
		store_rollback(st);
		goto uninvite;
	}
	if (store_commit(st, e) == -1)
		goto uninvite;
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", o.id);
	out->case_no = o.case_no;
	out->route = route;
	snprintf(out->transfer_id, sizeof(out->transfer_id), "%s",
	    r.transfer_id);
	out->transfer_start = r.start_at;
	snprintf(out->handshake_id, sizeof(out->handshake_id), "%s", h.id);
	onb_plan_url(&d.msp, token, out->plan_url, sizeof(out->plan_url));
	out->state = ONBOARD_INVITED;
	out->members = o.prev_members;
	snprintf(out->prev_org_id, sizeof(out->prev_org_id), "%s",
	    o.prev_org_id);
	return (0);
uninvite:
	uninvite(org, &d.msp, h.id);
	return (-1);
}

/* Loads onboarding id and its derived state, checking who. */
static int
load(struct store *st, const struct orgport *org, struct arena *a,
    const struct principal *who, const char *id, struct msp *m,
    struct onboard_view *v, struct err *e)
{
	int	 rc;

	if (!onboarding_id_valid(id))
		return (not_found(e, id));
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	rc = msp_require(st, who, m, e);
	if (rc == 0 && (rc = store_onboarding_get(st, id, &v->o, e)) == -1 &&
	    e->code == ERR_NOT_FOUND)
		not_found(e, id);
	if (rc == 0)
		rc = onb_derive(st, org, a, &v->o, 0, v, e);
	store_rollback(st);
	return (rc);
}

static int
event_and_audit(struct store *st, const char *actor, const char *oid,
    const char *kind, const char *hid, int64_t proposed_at, const char *detail,
    const char *action, struct err *e)
{
	struct onboarding_event	 ev;

	memset(&ev, 0, sizeof(ev));
	snprintf(ev.onboarding_id, sizeof(ev.onboarding_id), "%s", oid);
	ev.at = store_now(st);
	snprintf(ev.kind, sizeof(ev.kind), "%s", kind);
	snprintf(ev.actor, sizeof(ev.actor), "%s", actor);
	snprintf(ev.handshake_id, sizeof(ev.handshake_id), "%s",
	    hid != NULL ? hid : "");
	ev.proposed_at = proposed_at;
	snprintf(ev.detail, sizeof(ev.detail), "%s", detail != NULL ? detail :
	    "");
	if (store_onboarding_event_insert(st, &ev, e) == -1)
		return (-1);
	return (store_audit_append(st, actor, action, oid, detail, e));
}

int
onboard_resend(struct store *st, const struct orgport *org,
    const struct principal *who, const char *id, struct onboard_result *out,
    struct err *e)
{
	struct arena		 a;
	struct onboard_view	 v;
	struct detected		 d;
	struct orgport_handshake h;
	struct onboarding_route	 r;
	struct msp		 m;
	char			 detail[128];
	int64_t			 earliest;

	arena_init(&a);
	if (load(st, org, &a, who, id, &m, &v, e) == -1)
		goto fail;
	if (v.state != ONBOARD_DECLINED && v.state != ONBOARD_EXPIRED) {
		err_set(e, ERR_CONFLICT, NULL, NULL, "onboarding %s is %s: "
		    "only a DECLINED or EXPIRED invitation can be re-sent",
		    id, onboard_state_name(v.state));
		goto fail;
	}
	memset(&d, 0, sizeof(d));
	d.msp = m;
	d.customer = v.customer;
	/* A billing transfer starts anew, as late as it must. */
	r = v.route;
	if (strcmp(r.route, "billing-transfer") == 0) {
		earliest = onb_transfer_default_start(store_now(st));
		if (r.start_at < earliest)
			r.start_at = earliest;
	}
	if (invite(org, &d, id, v.o.account_id, &r, &h, e) == -1)
		goto fail;
	snprintf(detail, sizeof(detail), "new invitation %s (was %s, %s)",
	    h.id, v.o.handshake_id, onboard_state_name(v.state));
	if (store_begin(st, STORE_WRITE, e) == -1)
		goto uninvite;
	if (store_onboarding_set(st, id, h.id, "", e) == -1 ||
	    (strcmp(r.route, "invite") != 0 &&
	    store_onboarding_route_put(st, &r, e) == -1) ||
	    event_and_audit(st, onb_actor(who), id, "RESENT", h.id, 0, detail,
	    "onboarding.resend", e) == -1) {
		store_rollback(st);
		goto uninvite;
	}
	if (store_commit(st, e) == -1)
		goto uninvite;
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", id);
	out->case_no = v.o.case_no;
	(void)onboard_route_parse(r.route, &out->route);
	snprintf(out->transfer_id, sizeof(out->transfer_id), "%s",
	    r.transfer_id);
	out->transfer_start = r.start_at;
	snprintf(out->handshake_id, sizeof(out->handshake_id), "%s", h.id);
	out->state = ONBOARD_INVITED;
	out->members = v.members_left;
	snprintf(out->prev_org_id, sizeof(out->prev_org_id), "%s",
	    v.o.prev_org_id);
	arena_reset(&a);
	/* The steps already done still count. */
	if (onboard_get(st, org, &a, who, id, &v, NULL) == 0)
		out->state = v.state;
	arena_release(&a);
	return (0);
uninvite:
	uninvite(org, &m, h.id);
fail:
	arena_release(&a);
	return (-1);
}

int
onboard_cancel(struct store *st, const struct orgport *org,
    const struct principal *who, const char *id, struct err *e)
{
	struct arena		 a;
	struct onboard_view	 v;
	struct orgport_handshake h;
	struct msp		 m;
	char			 detail[128];

	arena_init(&a);
	if (load(st, org, &a, who, id, &m, &v, e) == -1)
		goto fail;
	if (v.state == ONBOARD_LINKED || v.state == ONBOARD_CANCELED) {
		err_set(e, ERR_CONFLICT, NULL, NULL, "onboarding %s is %s and "
		    "cannot be cancelled", id, onboard_state_name(v.state));
		goto fail;
	}
	if (v.hs_found && strcmp(v.hs.state, "OPEN") == 0) {
		if (orgport_cancel(org, m.account_id, v.hs.id, &h, e) == -1)
			goto fail;
		snprintf(detail, sizeof(detail), "invitation %s cancelled",
		    v.hs.id);
	} else
		snprintf(detail, sizeof(detail), "invitation %s was %s",
		    v.o.handshake_id, v.hs_found ? v.hs.state : "gone");
	if (store_begin(st, STORE_WRITE, e) == -1)
		goto fail;
	if (event_and_audit(st, onb_actor(who), id, "CANCELED",
	    v.o.handshake_id, 0, detail, "onboarding.cancel", e) == -1) {
		store_rollback(st);
		goto fail;
	}
	if (store_commit(st, e) == -1)
		goto fail;
	arena_release(&a);
	return (0);
fail:
	arena_release(&a);
	return (-1);
}

int
onboard_new_link(struct store *st, const struct principal *who,
    const char *id, char *url, size_t len, struct err *e)
{
	struct onboarding	 o;
	struct msp		 m;
	char			 token[ONBOARD_TOKEN_LEN + 1], hash[65];

	if (!onboarding_id_valid(id))
		return (not_found(e, id));
	onb_new_token(token, hash);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (msp_require(st, who, &m, e) == -1)
		goto fail;
	if (store_onboarding_get(st, id, &o, e) == -1) {
		if (e->code == ERR_NOT_FOUND)
			not_found(e, id);
		goto fail;
	}
	if (store_onboarding_set(st, id, "", hash, e) == -1 ||
	    store_audit_append(st, onb_actor(who), "onboarding.link", id,
	    "new plan link; the previous one no longer works", e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	onb_plan_url(&m, token, url, len);
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

/* Inside a transaction: the onboarding a token opens. */
static int
by_token(struct store *st, const char *token, struct onboarding *o,
    struct err *e)
{
	char	 hash[65];

	if (token == NULL || strlen(token) != ONBOARD_TOKEN_LEN ||
	    strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") != ONBOARD_TOKEN_LEN)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "this plan link is not valid"));
	onb_token_hash(token, hash);
	if (store_onboarding_by_token(st, hash, o, e) == -1) {
		if (e->code == ERR_NOT_FOUND)
			err_set(e, ERR_NOT_FOUND, NULL, NULL,
			    "this plan link is not valid");
		return (-1);
	}
	return (0);
}

int
onboard_plan(struct store *st, const struct orgport *org, struct arena *a,
    const char *token, struct onboard_view *out, struct err *e)
{
	int	 rc;

	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	rc = by_token(st, token, &out->o, e);
	if (rc == 0)
		rc = onb_derive(st, org, a, &out->o, 1, out, e);
	store_rollback(st);
	return (rc);
}

int
onboard_plan_viewed(struct store *st, const char *token, struct err *e)
{
	struct onboarding	 o;
	struct onboarding_event	*ev;
	struct arena		 a;
	size_t			 n, i;
	int64_t			 now, last = 0;

	arena_init(&a);
	if (store_begin(st, STORE_WRITE, e) == -1)
		goto out;
	if (by_token(st, token, &o, e) == -1 ||
	    store_onboarding_events(st, &a, o.id, 10000, &ev, &n, e) == -1)
		goto fail;
	for (i = 0; i < n; i++)
		if (strcmp(ev[i].kind, "VIEWED") == 0)
			last = ev[i].at;
	now = store_now(st);
	if (last != 0 && now - last < VIEW_THROTTLE_MS) {
		store_rollback(st);
		arena_release(&a);
		return (0);
	}
	if (event_and_audit(st, ACTOR_PLAN, o.id, "VIEWED", NULL, 0, NULL,
	    "onboarding.viewed", e) == -1)
		goto fail;
	arena_release(&a);
	return (store_commit(st, e));
fail:
	store_rollback(st);
out:
	arena_release(&a);
	return (-1);
}

int
onboard_propose_time(struct store *st, const struct orgport *org,
    const char *token, int64_t when, const char *note, struct err *e)
{
	struct arena		 a;
	struct onboard_view	 v;
	char			 detail[ONBOARD_NOTES_MAX + 1];
	int64_t			 now;

	if (note != NULL && (!utf8_valid(note, strlen(note)) ||
	    strlen(note) > 400))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "note: at most 400 bytes of UTF-8"));
	arena_init(&a);
	if (store_begin(st, STORE_WRITE, e) == -1)
		goto out;
	if (by_token(st, token, &v.o, e) == -1 ||
	    onb_derive(st, org, &a, &v.o, 0, &v, e) == -1)
		goto fail;
	now = store_now(st);
	if (v.o.case_no == 1) {
		err_set(e, ERR_CONFLICT, NULL, NULL, "a standalone account "
		    "needs no planned move: accept the invitation");
		goto fail;
	}
	if (v.state != ONBOARD_INVITED && v.state != ONBOARD_IN_PROGRESS) {
		err_set(e, ERR_CONFLICT, NULL, NULL, "this onboarding is %s",
		    onboard_state_name(v.state));
		goto fail;
	}
	if (when <= now || when > now + ONBOARD_PROPOSE_MAX_MS) {
		err_set(e, ERR_INVALID, NULL, NULL, "time: expected a time in "
		    "the future, within 180 days");
		goto fail;
	}
	snprintf(detail, sizeof(detail), "%s", note != NULL ? note : "");
	if (event_and_audit(st, ACTOR_PLAN, v.o.id, "TIME_PROPOSED", NULL,
	    when, detail, "onboarding.propose_time", e) == -1)
		goto fail;
	arena_release(&a);
	return (store_commit(st, e));
fail:
	store_rollback(st);
out:
	arena_release(&a);
	return (-1);
}
