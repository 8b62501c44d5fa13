/* SPDX-License-Identifier: MIT */
/*
 * Reading onboardings: the state, timeline, billing gap and per-case plan
 * derived at read time from the handshakes, the membership history and
 * the departures, all as the organization port tells them, and from the
 * stored payerlink-only events; the MSP's list with counts per state.
 * See onboard.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "onboard/internal.h"

#define EVENTS_MAX	1000	/* stored events read per onboarding */
#define DEPARTURES_MAX	1000
#define MEMBERS_SHOWN	100	/* members listed as prerequisites */
#define LIST_BATCH	500

struct tl {
	struct onboard_event	*v;
	size_t			 n, cap;
	struct arena		*a;
};

static struct onboard_event *
tl_add(struct tl *t, int64_t at, const char *kind)
{
	struct onboard_event	*ev;

	if (t->n == t->cap) {
		struct onboard_event *nv;
		t->cap = t->cap ? t->cap * 2 : 16;
		nv = arena_zalloc(t->a, t->cap * sizeof(*nv));
		if (t->n > 0)
			memcpy(nv, t->v, t->n * sizeof(*nv));
		t->v = nv;
	}
	ev = &t->v[t->n++];
	memset(ev, 0, sizeof(*ev));
	ev->at = at;
	ev->kind = kind;
	return (ev);
}

/* Oldest first; equal times keep the order they were added in. */
static int
tl_cmp(const void *pa, const void *pb)
{
	const struct onboard_event *a = pa, *b = pb;

	if (a->at != b->at)
		return (a->at < b->at ? -1 : 1);
	return (a < b ? -1 : a > b);
}

static const char *
stored_kind(const char *k)
{
	static const char *const kinds[] = { "REQUESTED", "VIEWED",
	    "TIME_PROPOSED", "RESENT", "CANCELED" };
	size_t	 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(k, kinds[i]) == 0)
			return (kinds[i]);
	return ("REQUESTED");
}

static const char *
handshake_end_kind(const char *state)
{
	if (strcmp(state, "ACCEPTED") == 0)
		return ("ACCEPTED");
	if (strcmp(state, "DECLINED") == 0)
		return ("DECLINED");
	if (strcmp(state, "EXPIRED") == 0)
		return ("EXPIRED");
	if (strcmp(state, "CANCELED") == 0)
		return ("CANCELED");
	return (NULL);
}

/* The plan: steps with the console's own labels and what each changes. */
static void
plan_steps(struct arena *a, struct onboard_view *v, int left, int deleted,
    int64_t left_at, int64_t deleted_at, int64_t last_departure)
{
	struct onboard_step	*s;
	const char		*msp = v->msp_name[0] ? v->msp_name : "the MSP";
	const char		*hid = v->o.handshake_id;
	const char		*prev = v->o.prev_org_id;
	size_t			 i, n = (size_t)v->o.case_no;
	int			 seen_next = 0, known = prev[0] != '\0';

	/* A case given because the organization could not tell (org/port.h)
	 * comes without the old organization: say "your organization". */
	if (!known)
		prev = "your organization";

	s = arena_zalloc(a, n * sizeof(*s));
	i = 0;
	if (v->o.case_no == 3) {
		s[i].key = "REMOVE_MEMBERS";
		s[i].title = "Remove every member account from your "
		    "organization";
		snprintf(s[i].console, sizeof(s[i].console), "Sign in to "
		    "account %s (the management account of %s) > AWS "
		    "Organizations > AWS accounts > select each member account "
		    "> Actions > Remove from organization > Remove account. "
		    "Each member needs a payment method and a verified phone "
		    "to stand alone.", v->o.account_id, prev);
		snprintf(s[i].effect, sizeof(s[i].effect), "A removed member "
		    "account pays AWS itself from the moment it is removed; "
		    "your account still pays for the rest.");
		if (deleted || (known && v->members_left == 0)) {
			s[i].status = "DONE";
			s[i].done_at = deleted ? (last_departure ?
			    last_departure : deleted_at) : last_departure;
		}
		if (known)
			snprintf(s[i].detail, sizeof(s[i].detail), "%lld "
			    "member account(s) still in %s",
			    (long long)v->members_left, prev);
		i++;
		s[i].key = "DELETE_ORGANIZATION";
		s[i].title = "Delete your organization";
		snprintf(s[i].console, sizeof(s[i].console), "AWS "
		    "Organizations > Settings > Delete organization > type the "
		    "organization ID%s%s shown above the box > Delete "
		    "organization.", known ? " " : "", v->o.prev_org_id);
		snprintf(s[i].effect, sizeof(s[i].effect), "From this moment "
		    "account %s pays AWS itself with its own payment method, "
		    "until you accept the invitation: do the next step right "
		    "after this one.", v->o.account_id);
		if (deleted) {
			s[i].status = "DONE";
			s[i].done_at = deleted_at;
		}
		i++;
	}
	if (v->o.case_no == 2) {
		/* Since 11 December 2025 a member accepts directly: it leaves
		 * its organization and joins the MSP's in the same instant.
		 * Leaving first stays possible, and costs a gap. */
		s[i].key = "LEAVE_ORGANIZATION";
		s[i].title = "Leave your current organization first (optional)";
		snprintf(s[i].console, sizeof(s[i].console), "Not needed: "
		    "accepting is enough. To leave first anyway, sign in to "
		    "account %s as the root user > AWS Organizations > "
		    "Organization > Leave this organization > Leave "
		    "organization (or the management account of %s removes "
		    "it: AWS accounts > select %s > Actions > Remove from "
		    "organization).", v->o.account_id, prev, v->o.account_id);
		snprintf(s[i].effect, sizeof(s[i].effect), "When you accept, "
		    "the account leaves %s and joins %.100s in the same "
		    "instant: nobody's bill has a gap. If you leave first, the "
		    "account pays AWS itself with its own payment method until "
		    "you accept.", prev, msp);
		if (left) {
			s[i].status = "DONE";
			s[i].done_at = left_at;
			if (left_at == v->joined_at)
				snprintf(s[i].detail, sizeof(s[i].detail),
				    "left when it accepted (direct transfer)");
		} else
			s[i].status = "OPTIONAL";
		i++;
	}
	s[i].key = "ACCEPT_INVITATION";
	s[i].title = "Accept the invitation";
	snprintf(s[i].console, sizeof(s[i].console), "Sign in to account %s "
	    "as the root user > AWS Organizations > Invitations > invitation "
	    "%s from %.100s > Accept invitation > Confirm.", v->o.account_id,
	    hid, msp);
	snprintf(s[i].effect, sizeof(s[i].effect), "From the moment you "
	    "accept, %.100s (account %s) pays AWS for this account's usage "
	    "and invoices %.100s for it.", msp, v->o.msp_account_id,
	    v->customer.name[0] ? v->customer.name : "you");
	if (v->joined_at != 0) {
		s[i].status = "DONE";
		s[i].done_at = v->joined_at;
	} else if (v->state == ONBOARD_DECLINED ||
	    v->state == ONBOARD_EXPIRED || v->state == ONBOARD_CANCELED)
		snprintf(s[i].detail, sizeof(s[i].detail), "the invitation is "
		    "%s; ask %.100s to send a new one", v->hs_found ?
		    v->hs.state : "gone", msp);
	else
		snprintf(s[i].detail, sizeof(s[i].detail), "invitation %s "
		    "is open", hid);
	for (i = 0; i < n; i++) {
		s[i].n = (int)i + 1;
		if (s[i].status != NULL)
			continue;
		if (v->state == ONBOARD_CANCELED || (s[i].key[0] == 'A' &&
		    (v->state == ONBOARD_DECLINED ||
		    v->state == ONBOARD_EXPIRED)))
			s[i].status = "BLOCKED";
		else if (!seen_next) {
			s[i].status = "NEXT";
			seen_next = 1;
		} else
			s[i].status = "PENDING";
	}
	v->steps = s;
	v->nsteps = n;
}

static int
transfer_route(const struct onboard_view *v)
{
	return (strcmp(v->route.route, "billing-transfer") == 0);
}

/* The routes the desk offers for the case, best first, in the customer's
 * words: what each keeps, what each asks of them, who pays from when. */
static void
route_options(struct onboard_view *v)
{
	struct onboard_option	*bt, *inv;
	const char		*msp = v->msp_name[0] ? v->msp_name : "the MSP";

	memset(v->options, 0, sizeof(v->options));
	if (v->o.case_no == 3) {
		bt = &v->options[0];
		inv = &v->options[1];
		v->noptions = 2;
		bt->route = ONBOARD_ROUTE_BILLING_TRANSFER;
		bt->recommended = onboard_route_best(3) == bt->route;
		bt->title = "Billing transfer: keep your organization";
		snprintf(bt->summary, sizeof(bt->summary), "You keep your "
		    "organization %s as it is: its accounts, OUs and policies "
		    "stay, and nobody is removed. You accept one invitation as "
		    "the management account; from 00:00 UTC on the first of a "
		    "month %.100s pays your organization's AWS bill and sees "
		    "its costs. Until then you pay AWS as today, so there is "
		    "never a gap.", v->o.prev_org_id, msp);
		inv->route = ONBOARD_ROUTE_INVITE;
		inv->recommended = onboard_route_best(3) == inv->route;
		inv->title = "Join the MSP's organization";
		snprintf(inv->summary, sizeof(inv->summary), "Your "
		    "organization goes away: you remove every member account "
		    "(each then pays AWS itself), delete the organization by "
		    "typing its ID, and accept %.100s's invitation with the "
		    "management account, which %.100s pays for from that "
		    "moment. Your OUs and policies are gone; members must be "
		    "invited again one by one.", msp, msp);
		return;
	}
	inv = &v->options[0];
	v->noptions = 1;
	inv->route = ONBOARD_ROUTE_INVITE;
	inv->recommended = 1;
	inv->title = v->o.case_no == 2 ? "Move your account directly" :
	    "Join the MSP's organization";
	if (v->o.case_no == 2)
		snprintf(inv->summary, sizeof(inv->summary), "Accepting the "
		    "invitation is enough: the account leaves %s and joins "
		    "%.100s in the same instant, and %.100s pays for it from "
		    "then. Leaving first is optional and only leaves the "
		    "account paying AWS itself in between.", v->o.prev_org_id,
		    msp, msp);
	else
		snprintf(inv->summary, sizeof(inv->summary), "Accept the "
		    "invitation: %.100s pays AWS for the account from that "
		    "moment.", msp);
}

/* The plan of a billing transfer: accept, then the first of the month. */
static void
plan_transfer(struct arena *a, struct onboard_view *v, int64_t now)
{
	struct onboard_step	*s;
	const struct orgport_transfer *t = &v->transfer;
	const char		*msp = v->msp_name[0] ? v->msp_name : "the MSP";
	char			 iso[32], start[32], end[32];
	int			 accepted;

	accepted = v->transfer_found && (strcmp(t->status, "ACCEPTED") == 0 ||
	    strcmp(t->status, "WITHDRAWN") == 0);
	/* A transfer starts at midnight UTC on the first of a month and
	 * ends at the last instant of one: the day says it to a person. */
	clock_iso8601(v->transfer_found ? t->start_at : v->route.start_at,
	    iso, sizeof(iso));
	snprintf(start, sizeof(start), "%.10s 00:00 UTC", iso);
	s = arena_zalloc(a, 2 * sizeof(*s));
	s[0].n = 1;
	s[0].key = "ACCEPT_TRANSFER";
	s[0].title = "Accept the billing transfer";
	snprintf(s[0].console, sizeof(s[0].console), "Sign in to account %s "
	    "(the management account of %s) > Billing and Cost Management > "
	    "Preferences and settings > Billing transfers > invitation %s from "
	    "%.100s > Accept. Nothing to remove or delete: your organization "
	    "stays as it is.", v->o.account_id, v->o.prev_org_id,
	    v->o.handshake_id, msp);
	snprintf(s[0].effect, sizeof(s[0].effect), "From %s %.100s (account "
	    "%s) pays your organization's AWS bill, every account of it, and "
	    "invoices %.100s. Accept at least 24 hours before.", start, msp,
	    v->o.msp_account_id, v->customer.name[0] ? v->customer.name :
	    "you");
	s[1].n = 2;
	s[1].key = "TRANSFER_STARTS";
	s[1].title = "The transfer starts on the first of the month";
	snprintf(s[1].console, sizeof(s[1].console), "Nothing to do: on %s "
	    "the bill of %s moves to %.100s.", start, v->o.prev_org_id, msp);
	snprintf(s[1].effect, sizeof(s[1].effect), "Usage until then stays "
	    "on your own bill; usage from then is on %.100s's, until either "
	    "side ends the transfer at the end of a month.", msp);
	if (accepted) {
		s[0].status = "DONE";
		s[0].done_at = v->hs_found && v->hs.ended_at ? v->hs.ended_at :
		    t->updated_at;
		if (now >= t->start_at && (t->end_at == 0 ||
		    t->end_at >= t->start_at)) {
			s[1].status = "DONE";
			s[1].done_at = t->start_at;
		} else
			s[1].status = "PENDING";
		if (t->end_at != 0) {
			clock_iso8601(t->end_at, iso, sizeof(iso));
			snprintf(end, sizeof(end), "the end of %.10s (UTC)",
			    iso);
			snprintf(s[1].detail, sizeof(s[1].detail), "transfer %s "
			    "was ended: %.100s pays until %s", t->id, msp, end);
		} else
			snprintf(s[1].detail, sizeof(s[1].detail), "transfer %s "
			    "accepted", t->id);
	} else if (v->state == ONBOARD_INVITED) {
		s[0].status = "NEXT";
		s[1].status = "PENDING";
		snprintf(s[0].detail, sizeof(s[0].detail), "invitation %s is "
		    "open", v->o.handshake_id);
	} else {
		s[0].status = "BLOCKED";
		s[1].status = "BLOCKED";
		snprintf(s[0].detail, sizeof(s[0].detail), "the invitation is "
		    "%s; ask %.100s to send a new one",
		    onboard_state_name(v->state), msp);
	}
	v->steps = s;
	v->nsteps = 2;
}

/* A billing transfer's state follows its transfer. */
static void
transfer_state(struct onboard_view *v, int canceled)
{
	const char	*st = v->transfer.status;

	if (canceled)
		v->state = ONBOARD_CANCELED;
	else if (!v->transfer_found)
		v->state = ONBOARD_EXPIRED;
	else if (strcmp(st, "ACCEPTED") == 0 || strcmp(st, "WITHDRAWN") == 0)
		v->state = ONBOARD_LINKED;
	else if (strcmp(st, "REQUESTED") == 0)
		v->state = ONBOARD_INVITED;
	else if (strcmp(st, "DECLINED") == 0)
		v->state = ONBOARD_DECLINED;
	else if (strcmp(st, "CANCELED") == 0)
		v->state = ONBOARD_CANCELED;
	else
		v->state = ONBOARD_EXPIRED;
	/* The account stays where it is: no departure, no join, no gap. */
	v->left_prev_at = 0;
	v->joined_at = 0;
	v->contact_first = 0;
}

/* The transfer's start and end in the timeline, once they happen or are
 * set. */
static void
transfer_timeline(struct tl *t, const struct onboard_view *v, int64_t now)
{
	const struct orgport_transfer *tr = &v->transfer;
	struct onboard_event	*ev;
	char			 iso[32];

	if (!v->transfer_found || (strcmp(tr->status, "ACCEPTED") != 0 &&
	    strcmp(tr->status, "WITHDRAWN") != 0))
		return;
	if (now >= tr->start_at && (tr->end_at == 0 ||
	    tr->end_at >= tr->start_at)) {
		ev = tl_add(t, tr->start_at, "TRANSFER_STARTED");
		snprintf(ev->org_id, sizeof(ev->org_id), "%s",
		    tr->source_org_id);
		snprintf(ev->detail, sizeof(ev->detail), "transfer %s: account "
		    "%s pays organization %s's bill from now", tr->id,
		    tr->target_mgmt_id, tr->source_org_id);
	}
	if (tr->end_at != 0) {
		clock_iso8601(tr->end_at, iso, sizeof(iso));
		ev = tl_add(t, now > tr->end_at ? tr->end_at : tr->updated_at,
		    now > tr->end_at ? "TRANSFER_ENDED" : "TRANSFER_ENDS");
		snprintf(ev->org_id, sizeof(ev->org_id), "%s",
		    tr->source_org_id);
		snprintf(ev->detail, sizeof(ev->detail), "transfer %s ends %s: "
		    "the organization pays its own bill after that", tr->id,
		    iso);
	}
}

static struct onboard_prereq *
pre_add(struct onboard_prereq *p, size_t *n, size_t cap, const char *key,
    const char *account_id)
{
	if (*n >= cap)
		return (NULL);
	p = &p[(*n)++];
	memset(p, 0, sizeof(*p));
	p->key = key;
	snprintf(p->account_id, sizeof(p->account_id), "%s", account_id);
	return (p);
}

static int
prerequisites(struct store *st, const struct orgport *org, struct arena *a,
    struct onboard_view *v, int left, int deleted, struct err *e)
{
	struct onboard_prereq	*p, *q;
	struct orgport_account	*mv;
	struct account		 acct;
	size_t			 n = 0, cap = 3 * MEMBERS_SHOWN + 8, nm, i;
	int64_t			 total;
	const char		*msp = v->msp_name[0] ? v->msp_name : "the MSP";

	p = arena_zalloc(a, cap * sizeof(*p));
	v->prereqs = p;
	if (v->state == ONBOARD_LINKED || v->state == ONBOARD_CANCELED)
		return (0);
	if (v->state == ONBOARD_DECLINED || v->state == ONBOARD_EXPIRED) {
		q = pre_add(p, &n, cap, "OPEN_INVITATION", v->o.account_id);
		snprintf(q->text, sizeof(q->text), "The invitation is %s: ask "
		    "%.100s to send a new one.", onboard_state_name(v->state), msp);
	}
	if (v->o.case_no == 2 && !left &&
	    account_get(st, v->o.account_id, &acct, NULL) == -1) {
		/* Live: the account is at AWS, which shows nobody its
		 * billing information. */
		q = pre_add(p, &n, cap, "PAYMENT_METHOD_UNSEEN",
		    v->o.account_id);
		snprintf(q->text, sizeof(q->text), "Only to leave first: "
		    "check that account %s has a payment method and a "
		    "verified contact phone number (AWS does not show them "
		    "to %.100s).", v->o.account_id, msp);
	} else if (v->o.case_no == 2 && !left) {
		if (acct.payment_method[0] == '\0') {
			q = pre_add(p, &n, cap, "PAYMENT_METHOD", acct.id);
			snprintf(q->text, sizeof(q->text), "Only to leave "
			    "first: add a payment method to account %s, which "
			    "pays AWS itself between leaving and accepting.",
			    acct.id);
		}
		if (acct.phone[0] == '\0') {
			q = pre_add(p, &n, cap, "CONTACT_PHONE", acct.id);
			snprintf(q->text, sizeof(q->text), "Only to leave "
			    "first: add and verify a contact phone number for "
			    "account %s.", acct.id);
		}
	}
	if (v->o.case_no == 3 && !deleted &&
	    strcmp(v->route.route, "invite") == 0) {
		if (orgport_accounts(org, a, v->o.prev_org_id,
		    MEMBERS_SHOWN + 1, &mv, &nm, &total, e) == -1)
			return (-1);
		for (i = 0; i < nm; i++) {
			if (strcmp(mv[i].id, v->o.account_id) == 0)
				continue;
			q = pre_add(p, &n, cap, "MEMBER_TO_REMOVE", mv[i].id);
			if (q == NULL)
				break;
			snprintf(q->text, sizeof(q->text), "Remove member "
			    "account %s (%s) from %s.", mv[i].id, mv[i].email,
			    v->o.prev_org_id);
			if (account_get(st, mv[i].id, &acct, NULL) == -1) {
				if ((q = pre_add(p, &n, cap,
				    "MEMBER_PAYMENT_METHOD_UNSEEN",
				    mv[i].id)) != NULL)
					snprintf(q->text, sizeof(q->text),
					    "Member account %s needs a payment "
					    "method and a verified contact phone "
					    "before it can be removed: check "
					    "them (AWS does not show them to "
					    "%.100s).", mv[i].id, msp);
				continue;
			}
			if (acct.payment_method[0] == '\0' && (q = pre_add(p,
			    &n, cap, "MEMBER_PAYMENT_METHOD", acct.id)) != NULL)
				snprintf(q->text, sizeof(q->text), "Member "
				    "account %s needs a payment method before "
				    "it can be removed.", acct.id);
			if (acct.phone[0] == '\0' && (q = pre_add(p, &n, cap,
			    "MEMBER_CONTACT_PHONE", acct.id)) != NULL)
				snprintf(q->text, sizeof(q->text), "Member "
				    "account %s needs a verified contact phone "
				    "before it can be removed.", acct.id);
		}
	}
	v->nprereqs = n;
	return (0);
}

int
onb_derive(struct store *st, const struct orgport *org, struct arena *a,
    const struct onboarding *o, int detail, struct onboard_view *v,
    struct err *e)
{
	struct msp		 m;
	struct onboarding_event	*sev;
	struct orgport_membership *mh, *dep = NULL;
	struct orgport_handshake h;
	struct orgport_account	*none;
	struct onboard_event	*ev;
	struct tl		 t;
	struct err		 le;
	size_t			 nsev, nmh, ndep = 0, n, i, j;
	int64_t			 now, left_at = 0, deleted_at = 0, last_dep = 0;
	int64_t			 count;
	int			 canceled = 0, left = 0, deleted = 0, done;
	char			 iso[32];

	if (&v->o != o)
		v->o = *o;
	o = &v->o;
	memset((char *)v + sizeof(v->o), 0, sizeof(*v) - sizeof(v->o));
	now = store_now(st);
	v->gap_ms = -1;
	v->gap_threshold_min = ONBOARD_GAP_DEFAULT_MIN;
	memset(&m, 0, sizeof(m));
	if (store_msp_get(st, &m, NULL) == 0) {
		snprintf(v->msp_name, sizeof(v->msp_name), "%s", m.name);
		v->gap_threshold_min = m.gap_threshold_min;
	}
	if (store_customer_get(st, o->customer_id, &v->customer, e) == -1)
		return (-1);
	v->contact_first = o->case_no != 1;
	if (store_onboarding_events(st, a, o->id, EVENTS_MAX, &sev, &nsev,
	    e) == -1)
		return (-1);
	/* The invitation as of now (an OPEN one past expiry reads EXPIRED). */
	if (orgport_describe_handshake(org, o->handshake_id, &v->hs,
	    &le) == 0)
		v->hs_found = 1;
	else if (le.code != ERR_NOT_FOUND) {
		if (e != NULL)
			*e = le;
		return (-1);
	}
	if (orgport_history(org, a, o->account_id, &mh, &nmh, e) == -1)
		return (-1);
	if (store_onboarding_route_get(st, o->id, &v->route, e) == -1)
		return (-1);
	/* The transfer as of now, as the MSP (its target) sees it. */
	if (v->route.transfer_id[0] != '\0') {
		if (orgport_describe_transfer(org, m.account_id,
		    v->route.transfer_id, &v->transfer, &le) == 0)
			v->transfer_found = 1;
		else if (le.code != ERR_NOT_FOUND) {
			if (e != NULL)
				*e = le;
			return (-1);
		}
	}
	route_options(v);

	/* Joined: the first membership in the MSP's organization since. */
	for (i = 0; i < nmh && v->joined_at == 0; i++)
		if (strcmp(mh[i].org_id, o->msp_org_id) == 0 &&
		    mh[i].joined_at >= o->requested_at)
			v->joined_at = mh[i].joined_at;
	/* Left the previous payer: the last membership that ended before. */
	for (i = 0; i < nmh; i++) {
		if (mh[i].left_at == 0 || mh[i].left_at < o->requested_at ||
		    strcmp(mh[i].org_id, o->msp_org_id) == 0 ||
		    (v->joined_at != 0 && mh[i].left_at > v->joined_at))
			continue;
		if (strcmp(mh[i].org_id, o->prev_org_id) == 0) {
			if (strcmp(mh[i].left_method, "DELETED") == 0) {
				deleted = 1;
				deleted_at = mh[i].left_at;
			} else {
				left = 1;
				left_at = mh[i].left_at;
			}
		}
		if (mh[i].left_at >= v->left_prev_at)
			v->left_prev_at = mh[i].left_at;
	}
	if (o->case_no == 1)
		v->left_prev_at = 0;
	if (o->case_no == 3) {
		if (orgport_departures(org, a, o->prev_org_id,
		    o->requested_at, DEPARTURES_MAX, &dep, &ndep, e) == -1)
			return (-1);
		for (i = 0; i < ndep; i++)
			if (strcmp(dep[i].account_id, o->account_id) != 0)
				last_dep = dep[i].left_at;
		if (!deleted) {
			if (orgport_accounts(org, NULL, o->prev_org_id, 0,
			    &none, &n, &count, e) == -1)
				return (-1);
			v->members_left = count > 0 ? count - 1 : 0;
		}
	}
	for (i = 0; i < nsev; i++) {
		if (strcmp(sev[i].kind, "CANCELED") == 0)
			canceled = 1;
		else if (strcmp(sev[i].kind, "VIEWED") == 0)
			v->viewed_at = sev[i].at;
		else if (strcmp(sev[i].kind, "TIME_PROPOSED") == 0) {
			v->proposed_at = sev[i].proposed_at;
			snprintf(v->proposed_note, sizeof(v->proposed_note),
			    "%s", sev[i].detail);
		}
	}

	/* The state. */
	done = (o->case_no == 2 && left) || (o->case_no == 3 &&
	    (deleted || last_dep != 0));
	if (v->joined_at != 0)
		v->state = ONBOARD_LINKED;
	else if (canceled)
		v->state = ONBOARD_CANCELED;
	else if (!v->hs_found)
		v->state = ONBOARD_EXPIRED;
	else if (strcmp(v->hs.state, "OPEN") == 0 ||
	    strcmp(v->hs.state, "REQUESTED") == 0)
		v->state = done ? ONBOARD_IN_PROGRESS : ONBOARD_INVITED;
	else if (strcmp(v->hs.state, "ACCEPTED") == 0)
		v->state = ONBOARD_LINKED;
	else if (strcmp(v->hs.state, "DECLINED") == 0)
		v->state = ONBOARD_DECLINED;
	else if (strcmp(v->hs.state, "CANCELED") == 0)
		v->state = ONBOARD_CANCELED;
	else
		v->state = ONBOARD_EXPIRED;
	if (transfer_route(v))
		transfer_state(v, canceled);

	/* The billing gap: paying itself between the old payer and the MSP. */
	if (v->left_prev_at != 0 && v->joined_at != 0) {
		v->gap_ms = v->joined_at - v->left_prev_at;
		v->gap_flagged = v->gap_ms > v->gap_threshold_min * 60000;
	} else if (v->left_prev_at != 0 && v->state != ONBOARD_CANCELED)
		/* Still paying itself: flag a running gap too. */
		v->gap_flagged = now - v->left_prev_at >
		    v->gap_threshold_min * 60000;
	if (!detail)
		return (0);

	/* The timeline. */
	memset(&t, 0, sizeof(t));
	t.a = a;
	for (i = 0; i < nsev; i++) {
		ev = tl_add(&t, sev[i].at, stored_kind(sev[i].kind));
		snprintf(ev->actor, sizeof(ev->actor), "%s", sev[i].actor);
		snprintf(ev->handshake_id, sizeof(ev->handshake_id), "%s",
		    sev[i].handshake_id);
		snprintf(ev->account_id, sizeof(ev->account_id), "%s",
		    o->account_id);
		ev->proposed_at = sev[i].proposed_at;
		snprintf(ev->detail, sizeof(ev->detail), "%s", sev[i].detail);
	}
	/* Each invitation this onboarding sent, as AWS recorded it. */
	for (i = 0; i < nsev; i++) {
		const char *end;
		int dup = 0, self_canceled = 0;

		if (sev[i].handshake_id[0] == '\0' ||
		    (strcmp(sev[i].kind, "REQUESTED") != 0 &&
		    strcmp(sev[i].kind, "RESENT") != 0))
			continue;
		for (j = 0; j < i; j++)
			if (strcmp(sev[j].handshake_id,
			    sev[i].handshake_id) == 0 &&
			    (strcmp(sev[j].kind, "REQUESTED") == 0 ||
			    strcmp(sev[j].kind, "RESENT") == 0))
				dup = 1;
		if (dup || orgport_describe_handshake(org,
		    sev[i].handshake_id, &h, NULL) == -1)
			continue;
		ev = tl_add(&t, h.requested_at, "INVITED");
		snprintf(ev->handshake_id, sizeof(ev->handshake_id), "%s",
		    h.id);
		snprintf(ev->account_id, sizeof(ev->account_id), "%s",
		    o->account_id);
		clock_iso8601(h.expires_at, iso, sizeof(iso));
		snprintf(ev->detail, sizeof(ev->detail), "invitation from "
		    "organization %s, expires %s", h.org_id, iso);
		if ((end = handshake_end_kind(h.state)) == NULL)
			continue;
		for (j = 0; j < nsev; j++)
			if (strcmp(sev[j].kind, "CANCELED") == 0 &&
			    strcmp(sev[j].handshake_id, h.id) == 0)
				self_canceled = 1;
		if (strcmp(end, "CANCELED") == 0 && self_canceled)
			continue;	/* the stored CANCELED says who */
		/* Ended, but the organization does not say when: no date. */
		if (h.ended_at == 0)
			continue;
		ev = tl_add(&t, h.ended_at, end);
		snprintf(ev->handshake_id, sizeof(ev->handshake_id), "%s",
		    h.id);
		snprintf(ev->account_id, sizeof(ev->account_id), "%s",
		    o->account_id);
	}
	/* The account's own membership changes since the request. */
	for (i = 0; i < nmh; i++) {
		if (strcmp(mh[i].org_id, o->msp_org_id) == 0 &&
		    mh[i].joined_at == v->joined_at && v->joined_at != 0) {
			ev = tl_add(&t, mh[i].joined_at, "JOINED");
			snprintf(ev->account_id, sizeof(ev->account_id), "%s",
			    o->account_id);
			snprintf(ev->org_id, sizeof(ev->org_id), "%s",
			    mh[i].org_id);
			snprintf(ev->detail, sizeof(ev->detail), "joined the "
			    "MSP's organization: account %s pays from now",
			    mh[i].payer_id);
			continue;
		}
		if (mh[i].left_at == 0 || mh[i].left_at < o->requested_at ||
		    strcmp(mh[i].org_id, o->msp_org_id) == 0)
			continue;
		ev = tl_add(&t, mh[i].left_at,
		    strcmp(mh[i].left_method, "DELETED") == 0 ?
		    "ORGANIZATION_DELETED" :
		    strcmp(mh[i].left_method, "REMOVED") == 0 ?
		    "REMOVED_FROM_ORGANIZATION" : "LEFT_ORGANIZATION");
		snprintf(ev->account_id, sizeof(ev->account_id), "%s",
		    o->account_id);
		snprintf(ev->org_id, sizeof(ev->org_id), "%s", mh[i].org_id);
		snprintf(ev->detail, sizeof(ev->detail), "account %s stopped "
		    "paying for it: the account pays AWS itself from now",
		    mh[i].payer_id);
	}
	/* Case 3: the members that left the customer's own organization. */
	for (i = 0; i < ndep; i++) {
		if (strcmp(dep[i].account_id, o->account_id) == 0)
			continue;
		ev = tl_add(&t, dep[i].left_at,
		    strcmp(dep[i].left_method, "REMOVED") == 0 ?
		    "MEMBER_REMOVED" : "MEMBER_LEFT");
		snprintf(ev->account_id, sizeof(ev->account_id), "%s",
		    dep[i].account_id);
		snprintf(ev->org_id, sizeof(ev->org_id), "%s", dep[i].org_id);
	}
	if (transfer_route(v))
		transfer_timeline(&t, v, now);
	if (t.n > 1)
		qsort(t.v, t.n, sizeof(*t.v), tl_cmp);
	v->events = t.v;
	v->nevents = t.n;

	if (transfer_route(v))
		plan_transfer(a, v, now);
	else
		plan_steps(a, v, left, deleted, left_at, deleted_at, last_dep);
	return (prerequisites(st, org, a, v, left, deleted, e));
}

int
onboard_get(struct store *st, const struct orgport *org, struct arena *a,
    const struct principal *who, const char *id, struct onboard_view *out,
    struct err *e)
{
	int	 rc;

	if (id == NULL || strlen(id) != ONBOARDING_ID_LEN)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "onboarding %.20s does not exist", id ? id : ""));
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	rc = msp_require(st, who, NULL, e);
	if (rc == 0 && (rc = store_onboarding_get(st, id, &out->o, e)) == -1 &&
	    e->code == ERR_NOT_FOUND)
		err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "onboarding %s does not exist", id);
	if (rc == 0)
		rc = onb_derive(st, org, a, &out->o, 1, out, e);
	store_rollback(st);
	return (rc);
}

int
onboard_list(struct store *st, const struct orgport *org, struct arena *a,
    const struct principal *who, const struct onboard_filter *f,
    struct onboard_view **out, size_t *n_out, int *more_out,
    int64_t counts[ONBOARD_NSTATES], struct err *e)
{
	struct arena		 scratch;
	struct onboarding	*rows;
	struct onboard_view	 v, *res;
	char			 after[ONBOARDING_ID_LEN + 1] = "";
	const char		*cid, *from;
	size_t			 limit, n = 0, nrows, i, scanned = 0;
	int64_t			 now;
	int			 rc = -1;

	limit = f->limit == 0 || f->limit > ONBOARD_PAGE_MAX ?
	    ONBOARD_PAGE_MAX : f->limit;
	cid = f->customer_id != NULL ? f->customer_id : "";
	from = f->after != NULL ? f->after : "";
	memset(counts, 0, sizeof(int64_t) * ONBOARD_NSTATES);
	*more_out = 0;
	res = arena_zalloc(a, limit * sizeof(*res));
	arena_init(&scratch);
	if (store_begin(st, STORE_READ, e) == -1)
		goto out;
	if (msp_require(st, who, NULL, e) == -1)
		goto done;
	now = store_now(st);
	do {
		if (store_onboarding_list(st, &scratch, cid, after,
		    LIST_BATCH, &rows, &nrows, e) == -1)
			goto done;
		for (i = 0; i < nrows; i++) {
			if (onb_derive(st, org, &scratch, &rows[i], 0, &v,
			    e) == -1)
				goto done;
			counts[v.state]++;
			if (strcmp(rows[i].id, from) <= 0)
				continue;
			if (f->state >= 0 && (int)v.state != f->state)
				continue;
			if (f->expiring_within_ms > 0 && (!v.hs_found ||
			    strcmp(v.hs.state, "OPEN") != 0 ||
			    v.hs.expires_at - now > f->expiring_within_ms))
				continue;
			if (n < limit)
				res[n++] = v;
			else
				*more_out = 1;
		}
		if (nrows > 0)
			snprintf(after, sizeof(after), "%s",
			    rows[nrows - 1].id);
		scanned += nrows;
		arena_reset(&scratch);
	} while (nrows == LIST_BATCH && scanned < ONBOARD_SCAN_MAX);
	*out = res;
	*n_out = n;
	rc = 0;
done:
	store_rollback(st);
out:
	arena_release(&scratch);
	return (rc);
}
