/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/org/transfer.c (billing transfer) and of the paid
 * sources it adds (src/billing/paid.c), on a temporary store in emulator
 * mode, so that store_clock_advance() moves the month.
 */
#include <stdio.h>
#include <string.h>

#include "test.h"

#include "billing/paid.h"
#include "core/clock.h"
#include "onboard/onboard.h"
#include "org/account.h"
#include "org/handshake.h"
#include "org/organization.h"
#include "org/transfer.h"
#include "store/store.h"

static struct principal
tr_mgmt(struct store *st, const char *email, struct organization *o)
{
	struct account		 a;
	struct access_key	 k;
	struct principal	 p;
	struct organization	 tmp;
	struct err		 e;

	CHECK_INT(account_create(st, NULL, email, NULL, NULL, &a, &k, &e), 0);
	snprintf(p.account_id, sizeof(p.account_id), "%s", a.id);
	CHECK_INT(org_create(st, &p, "ALL", o != NULL ? o : &tmp, &e), 0);
	return (p);
}

/* The first of the month k months after now, 00:00 UTC. */
static int64_t
month_ahead(struct store *st, int k)
{
	int		 y;
	unsigned	 m, d;
	int		 i;

	clock_civil_from_days(store_now(st) / MS_PER_DAY, &y, &m, &d);
	for (i = 0; i < k; i++)
		if (++m > 12) {
			m = 1;
			y++;
		}
	return (clock_days_from_civil(y, m, 1) * MS_PER_DAY);
}

static int
tr_invite(struct store *st, const struct principal *from, const char *target,
    int64_t start, struct handshake *h, struct transfer *t, struct err *e)
{
	struct transfer_invite	 in;

	memset(&in, 0, sizeof(in));
	in.type = TRANSFER_TYPE_BILLING;
	in.target_type = "ACCOUNT";
	in.target_id = target;
	in.name = "unit";
	in.start_at = start;
	return (transfer_invite(st, from, &in, h, t, e));
}

static void
want(int rc, const struct err *e, const char *type, const char *reason)
{
	CHECK_INT(rc, -1);
	CHECK_STR(e->aws_type, type);
	if (reason != NULL)
		CHECK_STR(e->reason, reason);
}

TEST(transfer_rules_and_months)
{
	struct store		*st;
	struct organization	 om, os;
	struct principal	 msp, src, other, third;
	struct handshake	 h, h2, out;
	struct transfer		 t, got;
	struct paid_rule	 rule;
	struct billing_source	*bs;
	struct arena		 a;
	struct err		 e;
	int64_t			 start, start2;
	struct msp_input	 mi;
	struct orgport		 org;
	struct msp		 m;
	size_t			 n;
	char			 m1[8], m2[8], iso[32];

	CHECK_INT(store_open(test_db("transfer"), STORE_EMULATOR, &st, &e), 0);
	msp = tr_mgmt(st, "msp@t.example", &om);
	src = tr_mgmt(st, "src@t.example", &os);
	other = tr_mgmt(st, "other@t.example", NULL);
	third = tr_mgmt(st, "third@t.example", NULL);
	start = month_ahead(st, 2);	/* two days ahead whatever today is */
	start2 = month_ahead(st, 3);

	/* The start: the first of a month at midnight, far enough ahead. */
	want(tr_invite(st, &msp, src.account_id, start + MS_PER_DAY, &h, &t,
	    &e), &e, AWSERR(InvalidInputException),
	    "START_DATE_NOT_BEGINNING_OF_MONTH");
	want(tr_invite(st, &msp, src.account_id, start + 3600000, &h, &t, &e),
	    &e, AWSERR(InvalidInputException), "START_DATE_NOT_BEGINNING_OF_DAY");
	want(tr_invite(st, &msp, src.account_id, month_ahead(st, 0), &h, &t,
	    &e), &e, AWSERR(InvalidInputException), "START_DATE_TOO_EARLY");
	want(tr_invite(st, &msp, src.account_id, month_ahead(st, 14), &h, &t,
	    &e), &e, AWSERR(InvalidInputException), "START_DATE_TOO_LATE");
	want(tr_invite(st, &msp, msp.account_id, start, &h, &t, &e), &e,
	    AWSERR(HandshakeConstraintViolationException),
	    "SOURCE_AND_TARGET_CANNOT_MATCH");

	CHECK_INT(tr_invite(st, &msp, src.account_id, start, &h, &t, &e), 0);
	CHECK_STR(h.action, "TRANSFER_RESPONSIBILITY");
	CHECK_STR(h.transfer_id, t.id);
	CHECK(h.expires_at <= start - TRANSFER_ACCEPT_LEAD_MS);
	CHECK_STR(t.status, "REQUESTED");
	CHECK_STR(t.source_mgmt_id, src.account_id);
	want(tr_invite(st, &msp, src.account_id, start, &h2, NULL, &e), &e,
	    AWSERR(DuplicateHandshakeException), NULL);
	want(tr_invite(st, &other, src.account_id, start, &h2, NULL, &e), &e,
	    AWSERR(HandshakeConstraintViolationException),
	    "RESPONSIBILITY_TRANSFER_ALREADY_EXISTS");
	want(transfer_terminate(st, &msp, t.id, 0, &got, &e), &e,
	    AWSERR(InvalidResponsibilityTransferTransitionException), NULL);

	/* Accepted: no membership changes, the organization stays. */
	CHECK_INT(handshake_accept(st, &src, h.id, 0, &out, &e), 0);
	CHECK_INT(org_describe(st, &src, &os, &e), 0);
	CHECK_INT(transfer_describe(st, &src, t.id, &got, &e), 0);
	CHECK_STR(got.status, "ACCEPTED");
	CHECK_STR(got.source_org_id, os.id);
	CHECK_INT(transfer_inbound(&got, &src), 0);
	want(transfer_describe(st, &third, t.id, &got, &e), &e,
	    AWSERR(ResponsibilityTransferNotFoundException), NULL);
	/* No chains, either way. */
	want(tr_invite(st, &src, third.account_id, start, &h2, NULL, &e), &e,
	    AWSERR(ConstraintViolationException),
	    "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION");
	want(tr_invite(st, &third, msp.account_id, start, &h2, NULL, &e), &e,
	    AWSERR(ConstraintViolationException),
	    "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION");
	want(org_delete(st, &src, &e), &e, AWSERR(ConstraintViolationException),
	    "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS");

	/* The paid sources: the source's months from its start, open. */
	arena_init(&a);
	memset(&mi, 0, sizeof(mi));
	mi.account_id = msp.account_id;
	mi.gap_threshold_min = -1;
	org = orgport_emulated(st);
	CHECK_INT(msp_set(st, &org, NULL, &mi, &m, &e), 0);
	CHECK_INT(paid_rule_load(st, &a, &rule, &e), 0);
	CHECK_INT(rule.ntransfers, 1);
	clock_iso8601(start, iso, sizeof(iso));
	snprintf(m1, sizeof(m1), "%.7s", iso);
	clock_iso8601(start2, iso, sizeof(iso));
	snprintf(m2, sizeof(m2), "%.7s", iso);
	CHECK_STR(rule.transfers[0].from, m1);
	CHECK_STR(rule.transfers[0].to, "");
	CHECK(paid_transfer_of(&rule, src.account_id, m2) != NULL);

	/* Ended in the month it starts: it runs that month only. */
	CHECK_INT(store_clock_advance(st, start - store_now(st) + 3 *
	    MS_PER_DAY, &e), 0);
	CHECK_INT(transfer_terminate(st, &msp, t.id, 0, &got, &e), 0);
	CHECK_STR(got.status, "WITHDRAWN");
	CHECK_INT(got.end_at, start2 - 1);
	want(transfer_terminate(st, &src, t.id, 0, &got, &e), &e,
	    AWSERR(ResponsibilityTransferAlreadyInStatusException), NULL);
	arena_reset(&a);
	CHECK_INT(paid_rule_load(st, &a, &rule, &e), 0);
	CHECK_STR(rule.transfers[0].to, m1);
	CHECK(paid_transfer_of(&rule, src.account_id, m1) != NULL);
	CHECK(paid_transfer_of(&rule, src.account_id, m2) == NULL);
	CHECK_INT(paid_sources(st, &a, m1, m2, &bs, &n, &e), 0);
	CHECK_INT(n, 0);	/* nothing imported yet */
	/* After its end the organization is free. */
	CHECK_INT(store_clock_advance(st, start2 - store_now(st) + MS_PER_DAY,
	    &e), 0);
	CHECK_INT(org_delete(st, &src, &e), 0);
	arena_release(&a);
	store_close(st);
}
