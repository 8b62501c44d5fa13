/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/org/handshake.c and the leave/remove rules of
 * src/org/organization.c, on a temporary SQLite store in emulator mode
 * (so that store_clock_advance() moves expiry).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "test.h"

#include "org/account.h"
#include "org/handshake.h"
#include "org/organization.h"
#include "store/store.h"

#define DAY_MS	(24LL * 3600 * 1000)

static struct store *
hs_store(void)
{
	struct store	*st;
	struct err	 e;
	char		 path[512];

	snprintf(path, sizeof(path), "%s", test_db("hs"));
	CHECK_INT(store_open(path, STORE_EMULATOR, &st, &e), 0);
	return (st);
}

static struct principal
hs_account(struct store *st, const char *email, int billing)
{
	struct account		 a;
	struct access_key	 k;
	struct principal	 p;
	struct err		 e;

	if (account_create(st, NULL, email, NULL, NULL, &a, &k, &e) != 0) {
		fprintf(stderr, "account_create: %s\n", e.msg);
		CHECK(0);
	}
	if (billing)
		CHECK_INT(account_set_billing_info(st, a.id, "Visa 4242",
		    "+1 206 555 0100", &e), 0);
	snprintf(p.account_id, sizeof(p.account_id), "%s", a.id);
	return (p);
}

/* A management account with a new organization. */
static struct principal
hs_mgmt(struct store *st, const char *email, struct organization *o)
{
	struct principal	 p = hs_account(st, email, 1);
	struct organization	 tmp;
	struct err		 e;

	CHECK_INT(org_create(st, &p, "ALL", o != NULL ? o : &tmp, &e), 0);
	return (p);
}

static void
hs_invite(struct store *st, const struct principal *from, const char *type,
    const char *target, struct handshake *h)
{
	struct err	 e;

	if (handshake_invite(st, from, type, target, NULL, NULL, 0, h,
	    &e) != 0) {
		fprintf(stderr, "handshake_invite: %s\n", e.msg);
		CHECK(0);
	}
}

static void
check_err(int rc, const struct err *e, const char *type, const char *reason)
{
	CHECK_INT(rc, -1);
	CHECK_STR(e->aws_type, type);
	if (reason == NULL)
		CHECK(e->reason == NULL);
	else
		CHECK_STR(e->reason, reason);
}

static size_t
history_len(struct store *st, const struct principal *p)
{
	struct arena		 a;
	struct membership	*v;
	struct err		 e;
	size_t			 n, i;

	arena_init(&a);
	CHECK_INT(store_membership_history(st, &a, p->account_id, &v, &n, &e),
	    0);
	/* Never two memberships at once: each ends before the next starts. */
	for (i = 0; i + 1 < n; i++) {
		CHECK(v[i].left_at != 0);
		CHECK(v[i].left_at <= v[i + 1].joined_at);
	}
	for (i = 0; i + 1 < n; i++)
		CHECK(v[i].left_at != 0);
	arena_release(&a);
	return (n);
}

TEST(handshake_accept_decline_cancel_transitions)
{
	struct store		*st = hs_store();
	struct organization	 o, got;
	struct principal	 msp = hs_mgmt(st, "msp@t.example", &o);
	struct principal	 s = hs_account(st, "s@t.example", 0);
	struct principal	 x = hs_account(st, "x@t.example", 0);
	struct handshake	 h, out;
	struct err		 e;

	hs_invite(st, &msp, "ACCOUNT", s.account_id, &h);
	CHECK_STR(h.state, "OPEN");
	CHECK_INT(h.expires_at - h.requested_at, HANDSHAKE_TTL_MS);
	CHECK_INT(strlen(h.id), 34);
	/* Wrong parties. */
	check_err(handshake_accept(st, &msp, h.id, 0, &out, &e), &e,
	    "AccessDeniedException", NULL);
	check_err(handshake_cancel(st, &s, h.id, &out, &e), &e,
	    "AccessDeniedException", NULL);
	check_err(handshake_describe(st, &x, h.id, &out, &e), &e,
	    "HandshakeNotFoundException", NULL);
	check_err(handshake_describe(st, &s, "BAD", &out, &e), &e,
	    "InvalidInputException", "INVALID_PATTERN");
	/* Decline, then nothing else. */
	CHECK_INT(handshake_decline(st, &s, h.id, &out, &e), 0);
	CHECK_STR(out.state, "DECLINED");
	check_err(handshake_decline(st, &s, h.id, &out, &e), &e,
	    "HandshakeAlreadyInStateException", NULL);
	check_err(handshake_accept(st, &s, h.id, 0, &out, &e), &e,
	    "InvalidHandshakeTransitionException", NULL);
	check_err(handshake_cancel(st, &msp, h.id, &out, &e), &e,
	    "InvalidHandshakeTransitionException", NULL);
	/* Cancel. */
	hs_invite(st, &msp, "ACCOUNT", s.account_id, &h);
	CHECK_INT(handshake_cancel(st, &msp, h.id, &out, &e), 0);
	CHECK_STR(out.state, "CANCELED");
	check_err(handshake_cancel(st, &msp, h.id, &out, &e), &e,
	    "HandshakeAlreadyInStateException", NULL);
	check_err(handshake_decline(st, &s, h.id, &out, &e), &e,
	    "InvalidHandshakeTransitionException", NULL);
	/* Accept: a member from now, payer = the management account. */
	hs_invite(st, &msp, "ACCOUNT", s.account_id, &h);
	CHECK_INT(handshake_accept(st, &s, h.id, 0, &out, &e), 0);
	CHECK_STR(out.state, "ACCEPTED");
	check_err(handshake_accept(st, &s, h.id, 0, &out, &e), &e,
	    "HandshakeAlreadyInStateException", NULL);
	check_err(handshake_cancel(st, &msp, h.id, &out, &e), &e,
	    "InvalidHandshakeTransitionException", NULL);
	CHECK_INT(org_describe(st, &s, &got, &e), 0);
	CHECK_STR(got.id, o.id);
	CHECK_INT(history_len(st, &s), 1);
	store_close(st);
}

TEST(handshake_expires_after_15_days)
{
	struct store		*st = hs_store();
	struct principal	 msp = hs_mgmt(st, "msp@t.example", NULL);
	struct principal	 s = hs_account(st, "s@t.example", 0);
	struct handshake	 h, out, *v;
	struct arena		 a;
	struct err		 e;
	size_t			 n;
	int			 more;

	hs_invite(st, &msp, "ACCOUNT", s.account_id, &h);
	CHECK_INT(store_clock_advance(st, HANDSHAKE_TTL_MS - 1000, &e), 0);
	CHECK_INT(handshake_describe(st, &s, h.id, &out, &e), 0);
	CHECK_STR(out.state, "OPEN");
	CHECK_INT(store_clock_advance(st, 1000, &e), 0);
	CHECK_INT(handshake_describe(st, &s, h.id, &out, &e), 0);
	CHECK_STR(out.state, "EXPIRED");
	CHECK_INT(handshake_describe(st, &msp, h.id, &out, &e), 0);
	CHECK_STR(out.state, "EXPIRED");
	check_err(handshake_accept(st, &s, h.id, 0, &out, &e), &e,
	    "InvalidHandshakeTransitionException", NULL);
	arena_init(&a);
	CHECK_INT(handshake_list_for_org(st, &a, &msp, NULL, "", 20, &v, &n,
	    &more, &e), 0);
	CHECK_INT(n, 1);
	CHECK_STR(v[0].state, "EXPIRED");
	arena_release(&a);
	/* Expired does not block a new invitation. */
	hs_invite(st, &msp, "ACCOUNT", s.account_id, &out);
	CHECK_INT(history_len(st, &s), 0);
	store_close(st);
}

TEST(handshake_gone_30_days_after_end)
{
	struct store		*st = hs_store();
	struct principal	 msp = hs_mgmt(st, "msp@t.example", NULL);
	struct principal	 s = hs_account(st, "s@t.example", 0);
	struct handshake	 h, out, *v;
	struct arena		 a;
	struct err		 e;
	size_t			 n;
	int			 more;

	hs_invite(st, &msp, "ACCOUNT", s.account_id, &h);
	CHECK_INT(handshake_cancel(st, &msp, h.id, &out, &e), 0);
	CHECK_INT(store_clock_advance(st, HANDSHAKE_KEEP_MS - 1000, &e), 0);
	CHECK_INT(handshake_describe(st, &s, h.id, &out, &e), 0);
	CHECK_INT(store_clock_advance(st, 1000, &e), 0);
	check_err(handshake_describe(st, &s, h.id, &out, &e), &e,
	    "HandshakeNotFoundException", NULL);
	arena_init(&a);
	CHECK_INT(handshake_list_for_account(st, &a, &s, NULL, "", 20, &v, &n,
	    &more, &e), 0);
	CHECK_INT(n, 0);
	arena_release(&a);
	/* The next invitation purges the row for good. */
	hs_invite(st, &msp, "EMAIL", "other@t.example", &out);
	CHECK_INT(store_handshake_get(st, h.id, &out, &e), -1);
	CHECK_INT(e.code, ERR_NOT_FOUND);
	store_close(st);
}

TEST(handshake_rate_limit_20_per_day)
{
	struct store		*st = hs_store();
	struct principal	 msp = hs_mgmt(st, "msp@t.example", NULL);
	struct handshake	 h;
	struct err		 e;
	char			 email[64];
	int			 i;

	for (i = 0; i < HANDSHAKE_DAILY_MAX; i++) {
		snprintf(email, sizeof(email), "r%d@t.example", i);
		hs_invite(st, &msp, "EMAIL", email, &h);
	}
	check_err(handshake_invite(st, &msp, "EMAIL", "r99@t.example", NULL,
	    NULL, 0, &h, &e), &e, "HandshakeConstraintViolationException",
	    "HANDSHAKE_RATE_LIMIT_EXCEEDED");
	CHECK_INT(store_clock_advance(st, DAY_MS, &e), 0);
	hs_invite(st, &msp, "EMAIL", "r99@t.example", &h);
	store_close(st);
}

TEST(handshake_email_target_reaches_later_signup)
{
	struct store		*st = hs_store();
	struct organization	 o, got;
	struct principal	 msp = hs_mgmt(st, "msp@t.example", &o);
	struct principal	 s;
	struct handshake	 h, out, *v;
	struct arena		 a;
	struct err		 e;
	size_t			 n;
	int			 more;

	hs_invite(st, &msp, "EMAIL", "New.Owner@T.example", &h);
	CHECK_STR(h.recipient_id, "");
	s = hs_account(st, "new.owner@t.example", 0);
	arena_init(&a);
	CHECK_INT(handshake_list_for_account(st, &a, &s, NULL, "", 20, &v, &n,
	    &more, &e), 0);
	CHECK_INT(n, 1);
	CHECK_STR(v[0].id, h.id);
	CHECK_STR(v[0].recipient_id, s.account_id);
	arena_release(&a);
	/* Same target again, and the same account by id: duplicates. */
	check_err(handshake_invite(st, &msp, "EMAIL", "new.owner@t.example",
	    NULL, NULL, 0, &out, &e), &e, "DuplicateHandshakeException", NULL);
	check_err(handshake_invite(st, &msp, "ACCOUNT", s.account_id, NULL,
	    NULL, 0, &out, &e), &e, "DuplicateHandshakeException", NULL);
	CHECK_INT(handshake_accept(st, &s, h.id, 0, &out, &e), 0);
	CHECK_INT(org_describe(st, &s, &got, &e), 0);
	CHECK_STR(got.id, o.id);
	store_close(st);
}

TEST(handshake_invite_bad_input_writes_nothing)
{
	struct store		*st = hs_store();
	struct principal	 msp = hs_mgmt(st, "msp@t.example", NULL);
	struct principal	 member = hs_account(st, "m@t.example", 0);
	struct handshake	 h, *v;
	struct handshake_tag	 tags[2];
	struct arena		 a;
	struct err		 e;
	char			 notes[1100];
	size_t			 n;
	int			 more;

	check_err(handshake_invite(st, &msp, "ACCOUNT", "12345", NULL, NULL, 0,
	    &h, &e), &e, "InvalidInputException", "INVALID_PATTERN");
	check_err(handshake_invite(st, &msp, "EMAIL", "nope", NULL, NULL, 0,
	    &h, &e), &e, "InvalidInputException",
	    "INVALID_EMAIL_ADDRESS_TARGET");
	check_err(handshake_invite(st, &msp, "ORGANIZATION", "o-abcdefghij",
	    NULL, NULL, 0, &h, &e), &e, "InvalidInputException",
	    "INVALID_PARTY_TYPE_TARGET");
	memset(notes, 'n', 1025);
	notes[1025] = '\0';
	check_err(handshake_invite(st, &msp, "ACCOUNT", member.account_id,
	    notes, NULL, 0, &h, &e), &e, "InvalidInputException",
	    "MAX_LENGTH_EXCEEDED");
	memset(tags, 0, sizeof(tags));
	snprintf(tags[0].key, sizeof(tags[0].key), "k");
	snprintf(tags[1].key, sizeof(tags[1].key), "k");
	check_err(handshake_invite(st, &msp, "ACCOUNT", member.account_id,
	    NULL, tags, 2, &h, &e), &e, "InvalidInputException",
	    "DUPLICATE_TAG_KEY");
	/* Self, i.e. already in this organization. */
	check_err(handshake_invite(st, &msp, "ACCOUNT", msp.account_id, NULL,
	    NULL, 0, &h, &e), &e, "HandshakeConstraintViolationException",
	    "ALREADY_IN_AN_ORGANIZATION");
	/* A standalone account has no organization to invite into. */
	check_err(handshake_invite(st, &member, "ACCOUNT", msp.account_id,
	    NULL, NULL, 0, &h, &e), &e, "AWSOrganizationsNotInUseException",
	    NULL);
	arena_init(&a);
	CHECK_INT(handshake_list_for_org(st, &a, &msp, NULL, "", 20, &v, &n,
	    &more, &e), 0);
	CHECK_INT(n, 0);
	arena_release(&a);
	store_close(st);
}

TEST(handshake_leave_remove_rules)
{
	struct store		*st = hs_store();
	struct principal	 own = hs_mgmt(st, "own@t.example", NULL);
	struct principal	 msp = hs_mgmt(st, "msp@t.example", NULL);
	struct principal	 m = hs_account(st, "m@t.example", 0);
	struct principal	 m2 = hs_account(st, "m2@t.example", 0);
	struct handshake	 h, hm, out;
	struct err		 e;

	hs_invite(st, &own, "ACCOUNT", m.account_id, &h);
	CHECK_INT(handshake_accept(st, &m, h.id, 0, &out, &e), 0);
	hs_invite(st, &own, "ACCOUNT", m2.account_id, &h);
	CHECK_INT(handshake_accept(st, &m2, h.id, 0, &out, &e), 0);
	hs_invite(st, &msp, "ACCOUNT", m.account_id, &hm);
	check_err(handshake_accept(st, &m, hm.id, HANDSHAKE_NO_DIRECT_TRANSFER,
	    &out, &e), &e, "HandshakeConstraintViolationException",
	    "ALREADY_IN_AN_ORGANIZATION");
	check_err(org_leave(st, &own, &e), &e,
	    "MasterCannotLeaveOrganizationException", NULL);
	check_err(org_leave(st, &m, &e), &e, "ConstraintViolationException",
	    "MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED");
	CHECK_INT(account_set_billing_info(st, m.account_id, "Visa", NULL,
	    &e), 0);
	check_err(org_leave(st, &m, &e), &e, "ConstraintViolationException",
	    "ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION");
	CHECK_INT(account_set_billing_info(st, m.account_id, NULL, "+1 555",
	    &e), 0);
	check_err(org_remove_account(st, &m2, m.account_id, &e), &e,
	    "AccessDeniedException", NULL);
	check_err(org_remove_account(st, &own, own.account_id, &e), &e,
	    "MasterCannotLeaveOrganizationException", NULL);
	check_err(org_remove_account(st, &own, msp.account_id, &e), &e,
	    "AccountNotFoundException", NULL);
	CHECK_INT(org_leave(st, &m, &e), 0);
	check_err(org_leave(st, &m, &e), &e,
	    "AWSOrganizationsNotInUseException", NULL);
	check_err(org_delete(st, &own, &e), &e,
	    "OrganizationNotEmptyException", NULL);
	check_err(org_remove_account(st, &own, m2.account_id, &e), &e,
	    "ConstraintViolationException",
	    "MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED");
	CHECK_INT(account_set_billing_info(st, m2.account_id, "Visa", "+1 555",
	    &e), 0);
	CHECK_INT(org_remove_account(st, &own, m2.account_id, &e), 0);
	/* own's open invitation goes with its organization. */
	hs_invite(st, &own, "EMAIL", "later@t.example", &h);
	CHECK_INT(org_delete(st, &own, &e), 0);
	CHECK_INT(handshake_describe(st, &own, h.id, &out, &e), 0);
	CHECK_STR(out.state, "CANCELED");
	/* Standalone again, m accepts the MSP's invitation. */
	CHECK_INT(handshake_accept(st, &m, hm.id, 0, &out, &e), 0);
	CHECK_INT(history_len(st, &m), 2);
	CHECK_INT(history_len(st, &m2), 1);
	store_close(st);
}

TEST(handshake_accept_after_leave_and_delete)
{
	struct store		*st = hs_store();
	struct principal	 msp = hs_mgmt(st, "msp@t.example", NULL);
	struct principal	 own = hs_mgmt(st, "own@t.example", NULL);
	struct handshake	 h, out;
	struct err		 e;

	hs_invite(st, &msp, "ACCOUNT", own.account_id, &h);
	check_err(handshake_accept(st, &own, h.id, 0, &out, &e), &e,
	    "MasterCannotLeaveOrganizationException", NULL);
	check_err(handshake_accept(st, &own, h.id, HANDSHAKE_NO_DIRECT_TRANSFER,
	    &out, &e), &e, "MasterCannotLeaveOrganizationException", NULL);
	CHECK_INT(org_delete(st, &own, &e), 0);
	CHECK_INT(handshake_accept(st, &own, h.id, 0, &out, &e), 0);
	CHECK_INT(history_len(st, &own), 2);
	store_close(st);
}

TEST(handshake_direct_transfer)
{
	struct store		*st = hs_store();
	struct organization	 o, got;
	struct principal	 msp = hs_mgmt(st, "msp@t.example", &o);
	struct principal	 old = hs_mgmt(st, "old@t.example", NULL);
	struct principal	 s = hs_account(st, "s@t.example", 0);
	struct membership	*v;
	struct handshake	 h, out;
	struct arena		 a;
	struct err		 e;
	size_t			 n;

	hs_invite(st, &old, "ACCOUNT", s.account_id, &h);
	CHECK_INT(handshake_accept(st, &s, h.id, 0, &out, &e), 0);
	hs_invite(st, &msp, "ACCOUNT", s.account_id, &h);
	/* The pre-December-2025 rules refuse it; today's accept it. */
	check_err(handshake_accept(st, &s, h.id, HANDSHAKE_NO_DIRECT_TRANSFER,
	    &out, &e), &e, "HandshakeConstraintViolationException",
	    "ALREADY_IN_AN_ORGANIZATION");
	CHECK_INT(handshake_accept(st, &s, h.id, 0, &out, &e), 0);
	CHECK_INT(org_describe(st, &s, &got, &e), 0);
	CHECK_STR(got.id, o.id);
	arena_init(&a);
	CHECK_INT(store_membership_history(st, &a, s.account_id, &v, &n, &e),
	    0);
	CHECK_INT(n, 2);
	CHECK_STR(v[0].left_method, "LEFT");
	CHECK_INT(v[0].left_at, v[1].joined_at);
	CHECK_STR(v[1].payer_id, msp.account_id);
	CHECK_INT(v[1].left_at, 0);
	arena_release(&a);
	store_close(st);
}

#define RACERS	12

struct racer {
	struct store		*st;
	struct principal	 who;
	const char		*hid;
	pthread_barrier_t	*go;
	int			 rc;
	struct err		 e;
};

static void *
race(void *arg)
{
	struct racer		*r = arg;
	struct handshake	 out;

	pthread_barrier_wait(r->go);
	r->rc = handshake_accept(r->st, &r->who, r->hid,
	    HANDSHAKE_NO_DIRECT_TRANSFER, &out, &r->e);
	return (NULL);
}

TEST(handshake_concurrent_accepts_one_wins)
{
	struct store		*st = hs_store();
	struct principal	 a = hs_mgmt(st, "a@t.example", NULL);
	struct principal	 b = hs_mgmt(st, "b@t.example", NULL);
	struct principal	 s;
	struct handshake	 ha, hb;
	struct racer		 r[RACERS];
	pthread_t		 t[RACERS];
	pthread_barrier_t	 go;
	char			 email[64];
	int			 round, i, wins;

	for (round = 0; round < 4; round++) {
		snprintf(email, sizeof(email), "s%d@t.example", round);
		s = hs_account(st, email, 0);
		hs_invite(st, &a, "ACCOUNT", s.account_id, &ha);
		hs_invite(st, &b, "EMAIL", email, &hb);
		pthread_barrier_init(&go, NULL, RACERS);
		for (i = 0; i < RACERS; i++) {
			memset(&r[i], 0, sizeof(r[i]));
			r[i].st = st;
			r[i].who = s;
			r[i].hid = i % 2 ? hb.id : ha.id;
			r[i].go = &go;
			CHECK_INT(pthread_create(&t[i], NULL, race, &r[i]), 0);
		}
		for (i = 0, wins = 0; i < RACERS; i++) {
			pthread_join(t[i], NULL);
			if (r[i].rc == 0)
				wins++;
			else if (strcmp(r[i].e.aws_type,
			    "HandshakeAlreadyInStateException") != 0) {
				CHECK_STR(r[i].e.aws_type,
				    "HandshakeConstraintViolationException");
				CHECK_STR(r[i].e.reason,
				    "ALREADY_IN_AN_ORGANIZATION");
			}
		}
		pthread_barrier_destroy(&go);
		CHECK_INT(wins, 1);
		CHECK_INT(history_len(st, &s), 1);
	}
	store_close(st);
}
