/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the organization port (src/org/port.h): the emulated port
 * over payerlink's own organizations.
 */
#include <stdio.h>
#include <string.h>

#include "test.h"

#include "org/account.h"
#include "org/handshake.h"
#include "org/organization.h"
#include "org/port.h"
#include "store/store.h"

#define DAY_MS		(24LL * 3600 * 1000)

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
