/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the organization port (src/org/port.h): the onboarding
 * desk driven through a fake port, and the emulated port over payerlink's
 * own organizations.
 *
 * The fake's store holds the desk's records and the MSP's account, and no
 * organization, membership or handshake at all: whatever the desk shows
 * about invitations, joins and departures it can only have from the port,
 * so these tests prove the desk depends on the port and nothing else.
 */
#include <stdio.h>
#include <string.h>

#include "test.h"

#include "onboard/onboard.h"
#include "org/account.h"
#include "org/handshake.h"
#include "org/organization.h"
#include "org/port.h"
#include "store/store.h"

#define FAKE_MAX	8
#define MIN_MS		60000LL
#define DAY_MS		(24LL * 3600 * 1000)
#define MSP_ORG		"o-mspmspmsp1"
#define OTHER_ORG	"o-otherorg12"
#define CUSTOMER_ACCT	"111111111111"

/* The organization as the fake tells it, and what the desk asked of it. */
struct fake {
	struct store			*st;	/* the business clock only */
	struct orgport_org		 org;
	struct orgport_standing		 standing;
	struct orgport_handshake	 hs[FAKE_MAX];
	size_t				 nhs;
	struct orgport_membership	 history[FAKE_MAX];
	size_t				 nhistory;
	struct orgport_membership	 departures[FAKE_MAX];
	size_t				 ndepartures;
	int64_t				 accounts;
	/* The last invitation and cancellation asked for. */
	char				 invite_as[ACCOUNT_ID_LEN + 1];
	char				 invite_type[16];
	char				 invite_target[EMAIL_MAX + 1];
	char				 invite_notes[HANDSHAKE_NOTES_MAX + 1];
	char				 cancel_hid[HANDSHAKE_ID_MAX + 1];
	int				 invites, cancels;
	/* Billing transfers it holds, and the last one asked for. */
	struct orgport_transfer		 tr[FAKE_MAX];
	size_t				 ntr;
	char				 transfer_name[TRANSFER_NAME_MAX + 1];
	int				 transfer_invites;
};

static struct orgport_handshake *
fake_hs(struct fake *f, const char *hid)
{
	size_t	 i;

	for (i = 0; i < f->nhs; i++)
		if (strcmp(f->hs[i].id, hid) == 0)
			return (&f->hs[i]);
	return (NULL);
}

static int
fake_describe_organization(void *ctx, const char *as, struct orgport_org *out,
    struct err *e)
{
	struct fake	*f = ctx;

	if (strcmp(as, f->org.management_id) != 0)
		return (err_set(e, ERR_NOT_FOUND,
		    AWSERR(AWSOrganizationsNotInUseException), NULL, "not in use"));
	*out = f->org;
	return (0);
}

static int
fake_account_standing(void *ctx, const char *account_id,
    struct orgport_standing *out, struct err *e)
{
	struct fake	*f = ctx;

	(void)account_id;
	(void)e;
	*out = f->standing;
	return (0);
}

static int
fake_invite(void *ctx, const char *as, const char *target_type,
    const char *target_id, const char *notes, struct orgport_handshake *out,
    struct err *e)
{
	struct fake			*f = ctx;
	struct orgport_handshake	*h;

	(void)e;
	CHECK(f->nhs < FAKE_MAX);
	snprintf(f->invite_as, sizeof(f->invite_as), "%s", as);
	snprintf(f->invite_type, sizeof(f->invite_type), "%s", target_type);
	snprintf(f->invite_target, sizeof(f->invite_target), "%s", target_id);
	snprintf(f->invite_notes, sizeof(f->invite_notes), "%s",
	    notes != NULL ? notes : "");
	f->invites++;
	h = &f->hs[f->nhs];
	memset(h, 0, sizeof(*h));
	snprintf(h->id, sizeof(h->id), "h-fake%08zu", f->nhs);
	f->nhs++;
	snprintf(h->state, sizeof(h->state), "OPEN");
	snprintf(h->org_id, sizeof(h->org_id), "%s", f->org.id);
	snprintf(h->target_type, sizeof(h->target_type), "%s", target_type);
	snprintf(h->target_id, sizeof(h->target_id), "%s", target_id);
	h->requested_at = store_now(f->st);
	h->expires_at = h->requested_at + 15 * DAY_MS;
	*out = *h;
	return (0);
}

static int
fake_cancel(void *ctx, const char *as, const char *hid,
    struct orgport_handshake *out, struct err *e)
{
	struct fake			*f = ctx;
	struct orgport_handshake	*h;

	(void)as;
	snprintf(f->cancel_hid, sizeof(f->cancel_hid), "%s", hid);
	f->cancels++;
	if ((h = fake_hs(f, hid)) == NULL)
		return (err_set(e, ERR_NOT_FOUND, AWSERR(HandshakeNotFoundException),
		    NULL, "no such handshake"));
	snprintf(h->state, sizeof(h->state), "CANCELED");
	h->ended_at = store_now(f->st);
	*out = *h;
	return (0);
}

static int
fake_describe_handshake(void *ctx, const char *hid,
    struct orgport_handshake *out, struct err *e)
{
	struct orgport_handshake	*h;

	if ((h = fake_hs(ctx, hid)) == NULL)
		return (err_set(e, ERR_NOT_FOUND, AWSERR(HandshakeNotFoundException),
		    NULL, "no such handshake"));
	*out = *h;
	return (0);
}

static int
fake_list_handshakes(void *ctx, struct arena *a, const char *as,
    const char *after, size_t limit, struct orgport_handshake **out,
    size_t *n_out, int *more_out, struct err *e)
{
	struct fake	*f = ctx;

	(void)as;
	(void)after;
	(void)limit;
	(void)e;
	*out = arena_zalloc(a, sizeof(f->hs));
	memcpy(*out, f->hs, sizeof(f->hs));
	*n_out = f->nhs;
	*more_out = 0;
	return (0);
}

static int
fake_accounts(void *ctx, struct arena *a, const char *org_id, size_t limit,
    struct orgport_account **out, size_t *n_out, int64_t *total_out,
    struct err *e)
{
	struct fake	*f = ctx;

	(void)a;
	(void)org_id;
	(void)limit;
	(void)e;
	*out = NULL;
	*n_out = 0;
	*total_out = f->accounts;
	return (0);
}

static struct orgport_membership *
fake_copy(struct arena *a, const struct orgport_membership *v, size_t n)
{
	struct orgport_membership	*out;

	out = arena_zalloc(a, FAKE_MAX * sizeof(*out));
	if (n > 0)
		memcpy(out, v, n * sizeof(*out));
	return (out);
}

static int
fake_history(void *ctx, struct arena *a, const char *account_id,
    struct orgport_membership **out, size_t *n_out, struct err *e)
{
	struct fake	*f = ctx;

	(void)account_id;
	(void)e;
	*out = fake_copy(a, f->history, f->nhistory);
	*n_out = f->nhistory;
	return (0);
}

static int
fake_departures(void *ctx, struct arena *a, const char *org_id,
    int64_t since, size_t limit, struct orgport_membership **out,
    size_t *n_out, struct err *e)
{
	struct fake	*f = ctx;

	(void)org_id;
	(void)since;
	(void)limit;
	(void)e;
	*out = fake_copy(a, f->departures, f->ndepartures);
	*n_out = f->ndepartures;
	return (0);
}

static int
fake_invite_transfer(void *ctx, const char *as, const char *target_id,
    const char *name, const char *notes, int64_t start_at,
    struct orgport_handshake *h_out, struct orgport_transfer *out,
    struct err *e)
{
	struct fake		*f = ctx;
	struct orgport_transfer	*t;

	CHECK(f->ntr < FAKE_MAX);
	if (fake_invite(ctx, as, "ACCOUNT", target_id, notes, h_out, e) == -1)
		return (-1);
	f->invites--;
	f->transfer_invites++;
	snprintf(f->transfer_name, sizeof(f->transfer_name), "%s", name);
	t = &f->tr[f->ntr];
	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "rt-fake%08zu", f->ntr);
	f->ntr++;
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->status, sizeof(t->status), "REQUESTED");
	snprintf(t->source_mgmt_id, sizeof(t->source_mgmt_id), "%s",
	    target_id);
	snprintf(t->target_mgmt_id, sizeof(t->target_mgmt_id), "%s", as);
	snprintf(t->handshake_id, sizeof(t->handshake_id), "%s", h_out->id);
	t->start_at = start_at;
	t->updated_at = store_now(f->st);
	*out = *t;
	return (0);
}

static int
fake_describe_transfer(void *ctx, const char *as, const char *id,
    struct orgport_transfer *out, struct err *e)
{
	struct fake	*f = ctx;
	size_t		 i;

	for (i = 0; i < f->ntr; i++)
		if (strcmp(f->tr[i].id, id) == 0 &&
		    strcmp(f->tr[i].target_mgmt_id, as) == 0) {
			*out = f->tr[i];
			return (0);
		}
	return (err_set(e, ERR_NOT_FOUND,
	    AWSERR(ResponsibilityTransferNotFoundException), NULL, "not found"));
}

static int
fake_inbound_transfers(void *ctx, struct arena *a, const char *as,
    size_t limit, struct orgport_transfer **out, size_t *n_out,
    struct err *e)
{
	struct fake	*f = ctx;
	size_t		 i;

	(void)e;
	*out = arena_zalloc(a, sizeof(f->tr));
	*n_out = 0;
	for (i = 0; i < f->ntr && *n_out < limit; i++)
		if (strcmp(f->tr[i].target_mgmt_id, as) == 0)
			(*out)[(*n_out)++] = f->tr[i];
	return (0);
}

static const struct orgport_ops fake_ops = {
	.name = "fake",
	.describe_organization = fake_describe_organization,
	.account_standing = fake_account_standing,
	.invite = fake_invite,
	.cancel = fake_cancel,
	.describe_handshake = fake_describe_handshake,
	.list_handshakes = fake_list_handshakes,
	.accounts = fake_accounts,
	.history = fake_history,
	.departures = fake_departures,
	.invite_transfer = fake_invite_transfer,
	.describe_transfer = fake_describe_transfer,
	.inbound_transfers = fake_inbound_transfers,
};

/* The desk over the fake: the MSP set, one customer, no organization. */
struct desk {
	struct store		*st;
	struct fake		 f;
	struct orgport		 org;
	struct account		 msp;
	struct customer		 c;
};

static void
desk(struct desk *d)
{
	struct msp_input	 mi = { .gap_threshold_min = -1 };
	struct customer_input	 ci = { .name = "Acme", .contact_email =
	    "ap@acme.example" };
	struct access_key	 k;
	struct msp		 m;
	struct err		 e;
	char			 path[512];

	memset(d, 0, sizeof(*d));
	snprintf(path, sizeof(path), "%s", test_db("port"));
	CHECK_INT(store_open(path, STORE_EMULATOR, &d->st, &e), 0);
	CHECK_INT(account_create(d->st, NULL, "msp@msp.example", NULL, NULL,
	    &d->msp, &k, &e), 0);
	d->f.st = d->st;
	snprintf(d->f.org.id, sizeof(d->f.org.id), MSP_ORG);
	snprintf(d->f.org.management_id, sizeof(d->f.org.management_id), "%s",
	    d->msp.id);
	d->org.ops = &fake_ops;
	d->org.ctx = &d->f;
	mi.account_id = d->msp.id;
	CHECK_INT(msp_set(d->st, &d->org, NULL, &mi, &m, &e), 0);
	CHECK_INT(customer_create(d->st, NULL, &ci, &d->c, &e), 0);
}

static void
standing(struct desk *d, enum orgport_case kind, const char *org_id)
{
	d->f.standing.kind = kind;
	snprintf(d->f.standing.org_id, sizeof(d->f.standing.org_id), "%s",
	    org_id);
}

static const struct onboard_event *
event(const struct onboard_view *v, const char *kind)
{
	size_t	 i;

	for (i = 0; i < v->nevents; i++)
		if (strcmp(v->events[i].kind, kind) == 0)
			return (&v->events[i]);
	return (NULL);
}

TEST(orgport_fake_request_invites_the_account)
{
	struct desk		 d;
	struct onboard_result	 r;
	struct onboard_view	 v;
	struct arena		 ar;
	struct err		 e;

	desk(&d);
	arena_init(&ar);
	standing(&d, ORGPORT_CASE_MEMBER, OTHER_ORG);
	CHECK_INT(onboard_request(d.st, &d.org, NULL, d.c.id, CUSTOMER_ACCT,
	    "it@customer.example", NULL, 0, &r, &e), 0);
	/* The MSP invited the customer's account by its id. */
	CHECK_INT(d.f.invites, 1);
	CHECK_STR(d.f.invite_as, d.msp.id);
	CHECK_STR(d.f.invite_type, "ACCOUNT");
	CHECK_STR(d.f.invite_target, CUSTOMER_ACCT);
	CHECK(strstr(d.f.invite_notes, r.id) != NULL);
	CHECK_STR(r.handshake_id, d.f.hs[0].id);
	CHECK_INT(r.case_no, 2);
	CHECK_STR(r.prev_org_id, OTHER_ORG);
	CHECK_INT(r.state, ONBOARD_INVITED);
	/* The invitation the page shows is the port's. */
	CHECK_INT(onboard_get(d.st, &d.org, &ar, NULL, r.id, &v, &e), 0);
	CHECK_INT(v.hs_found, 1);
	CHECK_STR(v.hs.state, "OPEN");
	CHECK_INT(v.hs.expires_at, d.f.hs[0].expires_at);
	CHECK_STR(v.o.msp_org_id, MSP_ORG);
	CHECK(event(&v, "INVITED") != NULL);
	/* Already in the MSP's organization: refused, nothing sent. */
	standing(&d, ORGPORT_CASE_MEMBER, MSP_ORG);
	CHECK_INT(onboard_request(d.st, &d.org, NULL, d.c.id, "222222222222",
	    "two@customer.example", NULL, 0, &r, &e), -1);
	CHECK_INT(e.code, ERR_CONFLICT);
	CHECK_INT(d.f.invites, 1);
	/* ...and the customer may take it instead. */
	CHECK_INT(customer_add_account(d.st, &d.org, NULL, d.c.id,
	    "222222222222", &e), 0);
	standing(&d, ORGPORT_CASE_MEMBER, OTHER_ORG);
	CHECK_INT(customer_add_account(d.st, &d.org, NULL, d.c.id,
	    "333333333333", &e), -1);
	CHECK_INT(e.code, ERR_CONFLICT);
	arena_release(&ar);
	store_close(d.st);
}

TEST(orgport_fake_handshake_state_through_describe)
{
	struct desk		 d;
	struct onboard_result	 r, rr;
	struct onboard_view	 v;
	const struct onboard_event *ev;
	struct arena		 ar;
	struct err		 e;
	int64_t			 declined_at;

	desk(&d);
	arena_init(&ar);
	standing(&d, ORGPORT_CASE_STANDALONE, "");
	CHECK_INT(onboard_request(d.st, &d.org, NULL, d.c.id, CUSTOMER_ACCT,
	    "it@customer.example", NULL, 0, &r, &e), 0);
	CHECK_INT(r.case_no, 1);
	/* The customer declines at AWS: the desk sees it on the next read. */
	CHECK_INT(store_clock_advance(d.st, 5 * MIN_MS, &e), 0);
	declined_at = store_now(d.st);
	snprintf(d.f.hs[0].state, sizeof(d.f.hs[0].state), "DECLINED");
	d.f.hs[0].ended_at = declined_at;
	CHECK_INT(onboard_get(d.st, &d.org, &ar, NULL, r.id, &v, &e), 0);
	CHECK_INT(v.state, ONBOARD_DECLINED);
	CHECK_STR(v.steps[0].status, "BLOCKED");
	CHECK((ev = event(&v, "DECLINED")) != NULL);
	CHECK_INT(ev->at, declined_at);
	CHECK_STR(ev->handshake_id, r.handshake_id);
	/* Re-sent: a second invitation to the same account, then cancelled
	 * at the organization by the desk. */
	CHECK_INT(onboard_resend(d.st, &d.org, NULL, r.id, &rr, &e), 0);
	CHECK_INT(d.f.invites, 2);
	CHECK_STR(d.f.invite_target, CUSTOMER_ACCT);
	CHECK_STR(rr.handshake_id, d.f.hs[1].id);
	CHECK_INT(rr.state, ONBOARD_INVITED);
	/* An invitation the organization no longer knows (AWS forgets an
	 * ended one after 30 days) reads EXPIRED. */
	d.f.nhs = 0;
	CHECK_INT(onboard_get(d.st, &d.org, &ar, NULL, r.id, &v, &e), 0);
	CHECK_INT(v.hs_found, 0);
	CHECK_INT(v.state, ONBOARD_EXPIRED);
	d.f.nhs = 2;
	/* Cancelled by the MSP: the desk cancels it at the organization. */
	CHECK_INT(onboard_cancel(d.st, &d.org, NULL, r.id, &e), 0);
	CHECK_INT(d.f.cancels, 1);
	CHECK_STR(d.f.cancel_hid, rr.handshake_id);
	CHECK_STR(d.f.hs[1].state, "CANCELED");
	CHECK_INT(onboard_get(d.st, &d.org, &ar, NULL, r.id, &v, &e), 0);
	CHECK_INT(v.state, ONBOARD_CANCELED);
	arena_release(&ar);
	store_close(d.st);
}

TEST(orgport_fake_departure_and_join_give_the_gap)
{
	struct desk			 d;
	struct onboard_result		 r;
	struct onboard_view		 v;
	struct orgport_membership	*m;
	struct arena			 ar;
	struct err			 e;
	int64_t				 t0, left, joined;

	desk(&d);
	arena_init(&ar);
	standing(&d, ORGPORT_CASE_MEMBER, OTHER_ORG);
	t0 = store_now(d.st) - 30 * DAY_MS;
	m = &d.f.history[d.f.nhistory++];
	snprintf(m->account_id, sizeof(m->account_id), CUSTOMER_ACCT);
	snprintf(m->org_id, sizeof(m->org_id), OTHER_ORG);
	snprintf(m->payer_id, sizeof(m->payer_id), "444444444444");
	m->joined_at = t0;
	CHECK_INT(onboard_request(d.st, &d.org, NULL, d.c.id, CUSTOMER_ACCT,
	    "it@customer.example", NULL, 0, &r, &e), 0);

	/* It leaves its old organization: step 1 done, the gap is running. */
	CHECK_INT(store_clock_advance(d.st, 2 * MIN_MS, &e), 0);
	left = store_now(d.st);
	m->left_at = left;
	snprintf(m->left_method, sizeof(m->left_method), "LEFT");
	CHECK_INT(onboard_get(d.st, &d.org, &ar, NULL, r.id, &v, &e), 0);
	CHECK_INT(v.state, ONBOARD_IN_PROGRESS);
	CHECK_INT(v.left_prev_at, left);
	CHECK_INT(v.joined_at, 0);
	CHECK_INT(v.gap_ms, -1);
	CHECK_STR(v.steps[0].key, "LEAVE_ORGANIZATION");
	CHECK_STR(v.steps[0].status, "DONE");
	CHECK(event(&v, "LEFT_ORGANIZATION") != NULL);

	/* 20 minutes later it accepts: it joins the MSP's organization. */
	CHECK_INT(store_clock_advance(d.st, 20 * MIN_MS, &e), 0);
	joined = left + 20 * MIN_MS;
	snprintf(d.f.hs[0].state, sizeof(d.f.hs[0].state), "ACCEPTED");
	d.f.hs[0].ended_at = joined;
	m = &d.f.history[d.f.nhistory++];
	snprintf(m->account_id, sizeof(m->account_id), CUSTOMER_ACCT);
	snprintf(m->org_id, sizeof(m->org_id), MSP_ORG);
	snprintf(m->payer_id, sizeof(m->payer_id), "%s", d.msp.id);
	m->joined_at = joined;
	CHECK_INT(onboard_get(d.st, &d.org, &ar, NULL, r.id, &v, &e), 0);
	CHECK_INT(v.state, ONBOARD_LINKED);
	CHECK_INT(v.left_prev_at, left);
	CHECK_INT(v.joined_at, joined);
	CHECK_INT(v.gap_ms, 20 * MIN_MS);
	CHECK_INT(v.gap_flagged, 1);		/* over the 15 minutes */
	CHECK_STR(v.steps[1].status, "DONE");
	CHECK_INT(v.steps[1].done_at, joined);
	CHECK(event(&v, "JOINED") != NULL);
	arena_release(&ar);
	store_close(d.st);
}

TEST(orgport_fake_unknown_case_kept_as_given)
{
	struct desk		 d;
	struct onboard_result	 r;
	struct onboard_view	 v;
	struct arena		 ar;
	struct err		 e;

	desk(&d);
	arena_init(&ar);
	/* The organization cannot tell (a live one, a foreign account). */
	standing(&d, ORGPORT_CASE_UNKNOWN, "");
	CHECK_INT(onboard_request(d.st, &d.org, NULL, d.c.id, CUSTOMER_ACCT,
	    "it@customer.example", NULL, 3, &r, &e), 0);
	CHECK_INT(r.case_no, 3);
	CHECK_STR(r.prev_org_id, "");
	CHECK_INT(onboard_get(d.st, &d.org, &ar, NULL, r.id, &v, &e), 0);
	CHECK_INT(v.o.case_no, 3);
	CHECK_INT(v.nsteps, 3);
	CHECK_STR(v.steps[0].key, "REMOVE_MEMBERS");
	/* Its organization is not known: nothing is taken for done. */
	CHECK_STR(v.steps[0].status, "NEXT");
	CHECK_STR(v.steps[1].status, "PENDING");
	CHECK(strstr(v.steps[0].console, "management account of your "
	    "organization") != NULL);
	/* Nothing given: case 1, as before. */
	CHECK_INT(onboard_request(d.st, &d.org, NULL, d.c.id, "555555555555",
	    "five@customer.example", NULL, 0, &r, &e), 0);
	CHECK_INT(r.case_no, 1);
	/* What the organization knows wins over what is given. */
	standing(&d, ORGPORT_CASE_STANDALONE, "");
	CHECK_INT(onboard_request(d.st, &d.org, NULL, d.c.id, "666666666666",
	    "six@customer.example", NULL, 2, &r, &e), 0);
	CHECK_INT(r.case_no, 1);
	CHECK_INT(onboard_request(d.st, &d.org, NULL, d.c.id, "777777777777",
	    "seven@customer.example", NULL, 4, &r, &e), -1);
	CHECK_INT(e.code, ERR_INVALID);
	CHECK_INT(d.f.invites, 3);
	arena_release(&ar);
	store_close(d.st);
}

/* Case 3 by billing transfer: the invitation, the transfer's state and
 * whose bill the MSP pays all come from the port. */
TEST(orgport_fake_billing_transfer_route)
{
	struct desk		 d;
	struct onboard_result	 r;
	struct onboard_view	 v;
	struct arena		 ar;
	struct err		 e;
	int64_t			 start;

	desk(&d);
	arena_init(&ar);
	standing(&d, ORGPORT_CASE_MANAGEMENT, OTHER_ORG);
	d.f.accounts = 3;
	CHECK_INT(onboard_request_route(d.st, &d.org, NULL, d.c.id,
	    CUSTOMER_ACCT, "it@customer.example", NULL, 0,
	    ONBOARD_ROUTE_BILLING_TRANSFER, 0, &r, &e), 0);
	/* No invitation to join: a billing transfer to the management
	 * account, named after the onboarding, from a first of a month. */
	CHECK_INT(d.f.invites, 0);
	CHECK_INT(d.f.transfer_invites, 1);
	CHECK_STR(d.f.invite_as, d.msp.id);
	CHECK_STR(d.f.invite_target, CUSTOMER_ACCT);
	CHECK(strstr(d.f.transfer_name, r.id) != NULL);
	CHECK_INT(r.case_no, 3);
	CHECK_INT(r.route, ONBOARD_ROUTE_BILLING_TRANSFER);
	CHECK_STR(r.transfer_id, d.f.tr[0].id);
	CHECK_STR(r.handshake_id, d.f.hs[0].id);
	start = d.f.tr[0].start_at;
	CHECK(start > store_now(d.st));
	CHECK_INT(start % DAY_MS, 0);
	CHECK_INT(onboard_get(d.st, &d.org, &ar, NULL, r.id, &v, &e), 0);
	CHECK_INT(v.transfer_found, 1);
	CHECK_STR(v.route.route, "billing-transfer");
	CHECK_INT(v.state, ONBOARD_INVITED);
	/* A member of that organization: until the transfer is accepted
	 * this port names only the invited management account, and cannot
	 * tell a foreign member's organization's, so it is refused. */
	standing(&d, ORGPORT_CASE_MEMBER, OTHER_ORG);
	CHECK_INT(customer_add_account(d.st, &d.org, NULL, d.c.id,
	    "888888888888", &e), -1);
	CHECK_INT(e.code, ERR_CONFLICT);

	/* Accepted at the organization: linked, and from its start the
	 * timeline says the MSP pays. */
	snprintf(d.f.tr[0].status, sizeof(d.f.tr[0].status), "ACCEPTED");
	snprintf(d.f.tr[0].source_org_id, sizeof(d.f.tr[0].source_org_id),
	    OTHER_ORG);
	snprintf(d.f.hs[0].state, sizeof(d.f.hs[0].state), "ACCEPTED");
	CHECK_INT(store_clock_advance(d.st, start - store_now(d.st) + MIN_MS,
	    &e), 0);
	CHECK_INT(onboard_get(d.st, &d.org, &ar, NULL, r.id, &v, &e), 0);
	CHECK_INT(v.state, ONBOARD_LINKED);
	CHECK_INT(v.joined_at, 0);		/* nobody moved */
	CHECK(event(&v, "TRANSFER_STARTED") != NULL);
	/* The accepted transfer names the source organization: its members
	 * are the MSP's to bill, and the customer may take one. */
	CHECK_INT(customer_add_account(d.st, &d.org, NULL, d.c.id,
	    "888888888888", &e), 0);
	/* The transfer gone from the organization: the desk says so. */
	d.f.ntr = 0;
	CHECK_INT(onboard_get(d.st, &d.org, &ar, NULL, r.id, &v, &e), 0);
	CHECK_INT(v.transfer_found, 0);
	arena_release(&ar);
	store_close(d.st);
}

static struct fake	 chosen_fake;

static struct orgport
make_fake(struct store *st)
{
	struct orgport	 p = { &fake_ops, &chosen_fake };

	chosen_fake.st = st;
	return (p);
}

/* What the wiring layer chooses is what every caller of the desk gets. */
TEST(orgport_default_is_what_was_chosen)
{
	struct desk		 d;
	struct onboard_result	 r;
	struct err		 e;

	desk(&d);
	chosen_fake = d.f;
	CHECK_STR(orgport_default(d.st).ops->name, "emulated");
	orgport_choose(make_fake);
	d.org = orgport_default(d.st);
	CHECK_STR(d.org.ops->name, "fake");
	standing(&d, ORGPORT_CASE_STANDALONE, "");
	chosen_fake.standing = d.f.standing;
	CHECK_INT(onboard_request(d.st, &d.org, NULL, d.c.id, CUSTOMER_ACCT,
	    "it@customer.example", NULL, 0, &r, &e), 0);
	CHECK_INT(chosen_fake.invites, 1);
	CHECK_STR(chosen_fake.invite_target, CUSTOMER_ACCT);
	orgport_choose(NULL);
	CHECK_STR(orgport_default(d.st).ops->name, "emulated");
	store_close(d.st);
}

/* payerlink's own organizations, read through the emulated port. */
TEST(orgport_emulated_reads_the_organizations)
{
	struct store			*st;
	struct orgport			 org;
	struct orgport_org		 o;
	struct orgport_standing		 s;
	struct orgport_handshake	 h, *hv;
	struct orgport_account		*av;
	struct orgport_membership	*mv;
	struct organization		 mo, co;
	struct account			 msp, own, mem, alone;
	struct access_key		 k;
	struct principal		 pm, po, pmem;
	struct arena			 ar;
	struct err			 e;
	size_t				 n;
	int64_t				 total;
	int				 more;
	char				 path[512];

	snprintf(path, sizeof(path), "%s", test_db("emu"));
	CHECK_INT(store_open(path, STORE_EMULATOR, &st, &e), 0);
	arena_init(&ar);
	org = orgport_default(st);
	CHECK_STR(org.ops->name, "emulated");
	CHECK_INT(account_create(st, NULL, "msp@e.example", NULL, NULL, &msp,
	    &k, &e), 0);
	CHECK_INT(account_create(st, NULL, "own@e.example", NULL, NULL, &own,
	    &k, &e), 0);
	CHECK_INT(account_create(st, NULL, "mem@e.example", NULL, NULL, &mem,
	    &k, &e), 0);
	CHECK_INT(account_set_billing_info(st, mem.id, "Visa", "+1 555", &e),
	    0);
	CHECK_INT(account_create(st, NULL, "alone@e.example", NULL, NULL,
	    &alone, &k, &e), 0);
	snprintf(pm.account_id, sizeof(pm.account_id), "%s", msp.id);
	snprintf(po.account_id, sizeof(po.account_id), "%s", own.id);
	snprintf(pmem.account_id, sizeof(pmem.account_id), "%s", mem.id);
	CHECK_INT(org_create(st, &pm, "ALL", &mo, &e), 0);
	CHECK_INT(org_create(st, &po, "ALL", &co, &e), 0);

	CHECK_INT(orgport_describe_organization(&org, msp.id, &o, &e), 0);
	CHECK_STR(o.id, mo.id);
	CHECK_STR(o.management_id, msp.id);
	CHECK(strstr(o.arn, mo.id) != NULL);
	CHECK_INT(orgport_describe_organization(&org, alone.id, &o, &e), -1);
	CHECK_INT(e.code, ERR_NOT_FOUND);

	/* The customer's organization gets a member, by invitation. */
	CHECK_INT(orgport_invite(&org, own.id, "ACCOUNT", mem.id, NULL, &h,
	    &e), 0);
	CHECK_STR(h.state, "OPEN");
	CHECK_STR(h.target_id, mem.id);
	CHECK_INT(h.expires_at - h.requested_at, 15 * DAY_MS);
	{
		struct handshake	 raw;

		CHECK_INT(handshake_accept(st, &pmem, h.id, 0, &raw, &e), 0);
	}
	CHECK_INT(orgport_describe_handshake(&org, h.id, &h, &e), 0);
	CHECK_STR(h.state, "ACCEPTED");
	CHECK(h.ended_at != 0);

	/* The cases. */
	CHECK_INT(orgport_account_standing(&org, alone.id, &s, &e), 0);
	CHECK_INT(s.kind, ORGPORT_CASE_STANDALONE);
	CHECK_INT(orgport_account_standing(&org, mem.id, &s, &e), 0);
	CHECK_INT(s.kind, ORGPORT_CASE_MEMBER);
	CHECK_STR(s.org_id, co.id);
	CHECK_INT(orgport_account_standing(&org, own.id, &s, &e), 0);
	CHECK_INT(s.kind, ORGPORT_CASE_MANAGEMENT);
	CHECK_STR(s.org_id, co.id);
	CHECK_INT(orgport_account_standing(&org, "999999999999", &s, &e), 0);
	CHECK_INT(s.kind, ORGPORT_CASE_UNKNOWN);

	/* The MSP invites the standalone account, lists and cancels it. */
	CHECK_INT(orgport_invite(&org, msp.id, "ACCOUNT", alone.id, "hello",
	    &h, &e), 0);
	CHECK_INT(orgport_list_handshakes(&org, &ar, msp.id, "", 20, &hv, &n,
	    &more, &e), 0);
	CHECK_INT(n, 1);
	CHECK_STR(hv[0].id, h.id);
	CHECK_STR(hv[0].target_id, alone.id);
	CHECK_INT(orgport_cancel(&org, msp.id, h.id, &h, &e), 0);
	CHECK_STR(h.state, "CANCELED");
	/* An open invitation past its expiry reads EXPIRED. */
	CHECK_INT(orgport_invite(&org, msp.id, "ACCOUNT", alone.id, NULL, &h,
	    &e), 0);
	CHECK_INT(store_clock_advance(st, 16 * DAY_MS, &e), 0);
	CHECK_INT(orgport_describe_handshake(&org, h.id, &h, &e), 0);
	CHECK_STR(h.state, "EXPIRED");
	CHECK_INT(h.ended_at, h.expires_at);
	CHECK_INT(orgport_describe_handshake(&org, "h-nosuchhandshake", &h,
	    &e), -1);
	CHECK_INT(e.code, ERR_NOT_FOUND);

	/* Accounts, history and departures of the customer's organization. */
	CHECK_INT(orgport_accounts(&org, &ar, co.id, 10, &av, &n, &total, &e),
	    0);
	CHECK_INT(n, 2);
	CHECK_INT(total, 2);
	CHECK(av[0].joined_at != 0 && av[1].joined_at != 0);
	CHECK_INT(orgport_accounts(&org, NULL, co.id, 0, &av, &n, &total, &e),
	    0);
	CHECK_INT(n, 0);
	CHECK_INT(total, 2);
	CHECK_INT(org_leave(st, &pmem, &e), 0);
	CHECK_INT(orgport_history(&org, &ar, mem.id, &mv, &n, &e), 0);
	CHECK_INT(n, 1);
	CHECK_STR(mv[0].org_id, co.id);
	CHECK_STR(mv[0].payer_id, own.id);
	CHECK_STR(mv[0].left_method, "LEFT");
	CHECK(mv[0].left_at >= mv[0].joined_at && mv[0].left_at != 0);
	CHECK_INT(orgport_departures(&org, &ar, co.id, 0, 10, &mv, &n, &e), 0);
	CHECK_INT(n, 1);
	CHECK_STR(mv[0].account_id, mem.id);
	arena_release(&ar);
	store_close(st);
}
