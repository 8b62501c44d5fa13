/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/onboard: case detection, the billing gap and the
 * derived state, on a temporary emulator store whose memberships are built
 * through org/ (invite, accept, leave, remove, delete).
 */
#include <stdio.h>
#include <string.h>

#include "test.h"

#include "onboard/onboard.h"
#include "org/account.h"
#include "org/handshake.h"
#include "org/organization.h"
#include "store/store.h"

static struct store *
onb_store(void)
{
	struct store	*st;
	struct err	 e;
	char		 path[512];

	snprintf(path, sizeof(path), "%s", test_db("onb"));
	CHECK_INT(store_open(path, STORE_EMULATOR, &st, &e), 0);
	return (st);
}

static void
acct(struct store *st, const char *email, struct account *a,
    struct principal *p)
{
	struct access_key	 k;
	struct err		 e;

	if (account_create(st, NULL, email, NULL, NULL, a, &k, &e) != 0 ||
	    account_set_billing_info(st, a->id, "Visa", "+1 555", &e) != 0) {
		fprintf(stderr, "account: %s\n", e.msg);
		CHECK(0);
	}
	snprintf(p->account_id, sizeof(p->account_id), "%s", a->id);
}

/* member joins owner's organization by invitation. */
static void
join(struct store *st, const struct principal *owner,
    const struct principal *member)
{
	struct handshake	 h;
	struct err		 e;

	CHECK_INT(handshake_invite(st, owner, "ACCOUNT", member->account_id,
	    NULL, NULL, 0, &h, &e), 0);
	CHECK_INT(handshake_accept(st, member, h.id, 0, &h, &e), 0);
}

struct world {
	struct store		*st;
	struct orgport		 org;
	struct account		 msp, a;
	struct principal	 pm;
	struct customer		 c;
};

static void
world(struct world *w)
{
	struct msp_input	 mi = { .gap_threshold_min = -1 };
	struct customer_input	 ci = { .name = "Acme", .contact_email =
	    "ap@acme.example" };
	struct organization	 o;
	struct msp		 m;
	struct err		 e;

	w->st = onb_store();
	w->org = orgport_default(w->st);
	acct(w->st, "msp@msp.example", &w->msp, &w->pm);
	CHECK_INT(org_create(w->st, &w->pm, "ALL", &o, &e), 0);
	mi.account_id = w->msp.id;
	CHECK_INT(msp_set(w->st, &w->org, NULL, &mi, &m, &e), 0);
	CHECK_INT(m.gap_threshold_min, 15);
	CHECK_INT(customer_create(w->st, NULL, &ci, &w->c, &e), 0);
}

/* A request for the world's customer through its port; no case given. */
static int
request(struct world *w, const struct principal *who, const char *account_id,
    const char *email, struct onboard_result *r, struct err *e)
{
	return (onboard_request(w->st, &w->org, who, w->c.id, account_id,
	    email, NULL, 0, r, e));
}

TEST(onboard_parsers)
{
	int64_t	 v;
	char	 buf[32];

	CHECK_INT(tax_rate_parse("10", &v), 0);
	CHECK_INT(v, 100000);
	CHECK_INT(tax_rate_parse("8.875", &v), 0);
	CHECK_INT(v, 88750);
	CHECK_INT(tax_rate_parse("100.0001", &v), -1);
	CHECK_INT(tax_rate_parse("1.23456", &v), -1);
	CHECK_INT(tax_rate_parse("-1", &v), -1);
	CHECK_INT(tax_rate_parse("", &v), -1);
	tax_rate_format(88750, buf, sizeof(buf));
	CHECK_STR(buf, "8.875");
	tax_rate_format(100000, buf, sizeof(buf));
	CHECK_STR(buf, "10");
	CHECK_INT(onboard_parse_duration("3d", &v), 0);
	CHECK_INT(v, 3LL * 86400000);
	CHECK_INT(onboard_parse_duration("30m", &v), 0);
	CHECK_INT(v, 30LL * 60000);
	CHECK_INT(onboard_parse_duration("3w", &v), -1);
	CHECK_INT(onboard_parse_time("1970-01-02", &v), 0);
	CHECK_INT(v, 86400000);
	CHECK_INT(onboard_parse_time("1970-01-01T00:01:05Z", &v), 0);
	CHECK_INT(v, 65000);
	CHECK_INT(onboard_parse_time("1970-01-01T00:01", &v), -1);
}

TEST(onboard_case_detection)
{
	struct world		 w;
	struct account		 s, x, m, own, d1, d2;
	struct principal	 ps, px, pmem, pown, pd1, pd2;
	struct organization	 o;
	struct onboard_result	 r;
	struct err		 e;

	world(&w);
	acct(w.st, "s@c.example", &s, &ps);
	acct(w.st, "x@c.example", &x, &px);
	acct(w.st, "m@c.example", &m, &pmem);
	acct(w.st, "own@c.example", &own, &pown);
	acct(w.st, "d1@c.example", &d1, &pd1);
	acct(w.st, "d2@c.example", &d2, &pd2);
	CHECK_INT(org_create(w.st, &px, "ALL", &o, &e), 0);
	join(w.st, &px, &pmem);
	CHECK_INT(org_create(w.st, &pown, "ALL", &o, &e), 0);
	join(w.st, &pown, &pd1);
	join(w.st, &pown, &pd2);

	CHECK_INT(request(&w, NULL, s.id, s.email, &r, &e), 0);
	CHECK_INT(r.case_no, 1);
	CHECK_INT(request(&w, NULL, m.id, m.email, &r, &e), 0);
	CHECK_INT(r.case_no, 2);
	CHECK_STR(r.prev_org_id, o.id[0] ? r.prev_org_id : "");
	CHECK_INT(request(&w, NULL, own.id, own.email, &r, &e), 0);
	CHECK_INT(r.case_no, 3);
	CHECK_INT(r.members, 2);
	CHECK_STR(r.prev_org_id, o.id);
	/* Unknown account: case 1. */
	CHECK_INT(request(&w, NULL, "999999999999", "new@c.example", &r, &e),
	    0);
	CHECK_INT(r.case_no, 1);
	/* E-mail of another account. */
	CHECK_INT(request(&w, NULL, d1.id, d2.email, &r, &e), -1);
	CHECK_INT(e.code, ERR_INVALID);
	/* Already in the MSP's organization: the MSP itself. */
	CHECK_INT(request(&w, NULL, w.msp.id, w.msp.email, &r, &e), -1);
	CHECK_INT(e.code, ERR_CONFLICT);
	/* Not the MSP. */
	CHECK_INT(request(&w, &ps, d1.id, d1.email, &r, &e), -1);
	CHECK_INT(e.code, ERR_DENIED);
	store_close(w.st);
}

TEST(onboard_gap_and_state)
{
	struct world		 w;
	struct account		 x, m, own, d1;
	struct principal	 px, pmem, pown, pd1;
	struct organization	 o;
	struct onboard_result	 r2, r3;
	struct onboard_view	 v;
	struct handshake	 h;
	struct arena		 ar;
	struct err		 e;

	world(&w);
	arena_init(&ar);
	acct(w.st, "x@c.example", &x, &px);
	acct(w.st, "m@c.example", &m, &pmem);
	acct(w.st, "own@c.example", &own, &pown);
	acct(w.st, "d1@c.example", &d1, &pd1);
	CHECK_INT(org_create(w.st, &px, "ALL", &o, &e), 0);
	join(w.st, &px, &pmem);
	CHECK_INT(org_create(w.st, &pown, "ALL", &o, &e), 0);
	join(w.st, &pown, &pd1);
	CHECK_INT(request(&w, NULL, m.id, m.email, &r2, &e), 0);
	CHECK_INT(request(&w, NULL, own.id, own.email, &r3, &e), 0);

	/* Case 2: leave, 20 minutes, accept. */
	CHECK_INT(onboard_get(w.st, &w.org, &ar, NULL, r2.id, &v, &e), 0);
	CHECK_INT(v.state, ONBOARD_INVITED);
	CHECK_INT(v.gap_ms, -1);
	CHECK_INT(org_leave(w.st, &pmem, &e), 0);
	CHECK_INT(onboard_get(w.st, &w.org, &ar, NULL, r2.id, &v, &e), 0);
	CHECK_INT(v.state, ONBOARD_IN_PROGRESS);
	CHECK(v.left_prev_at != 0);
	CHECK_INT(v.joined_at, 0);
	CHECK_INT(store_clock_advance(w.st, 20LL * 60000, &e), 0);
	CHECK_INT(handshake_accept(w.st, &pmem, r2.handshake_id, 0, &h, &e),
	    0);
	CHECK_INT(onboard_get(w.st, &w.org, &ar, NULL, r2.id, &v, &e), 0);
	CHECK_INT(v.state, ONBOARD_LINKED);
	CHECK_INT(v.gap_ms / 60000, 20);
	CHECK_INT(v.gap_flagged, 1);
	CHECK_STR(v.steps[0].status, "DONE");
	CHECK_STR(v.steps[1].status, "DONE");

	/* Case 3: remove the member, delete, accept at once: no gap. */
	CHECK_INT(org_remove_account(w.st, &pown, d1.id, &e), 0);
	CHECK_INT(onboard_get(w.st, &w.org, &ar, NULL, r3.id, &v, &e), 0);
	CHECK_INT(v.state, ONBOARD_IN_PROGRESS);
	CHECK_INT(v.members_left, 0);
	CHECK_STR(v.steps[0].status, "DONE");
	CHECK_STR(v.steps[1].status, "NEXT");
	CHECK_INT(org_delete(w.st, &pown, &e), 0);
	CHECK_INT(handshake_accept(w.st, &pown, r3.handshake_id, 0, &h, &e),
	    0);
	CHECK_INT(onboard_get(w.st, &w.org, &ar, NULL, r3.id, &v, &e), 0);
	CHECK_INT(v.state, ONBOARD_LINKED);
	CHECK(v.gap_ms >= 0 && v.gap_ms < 60000);
	CHECK_INT(v.gap_flagged, 0);
	arena_release(&ar);
	store_close(w.st);
}

TEST(onboard_expire_decline_cancel_states)
{
	struct world		 w;
	struct account		 a, b, c;
	struct principal	 pa, pb, pc;
	struct onboard_result	 ra, rb, rc, rr;
	struct onboard_view	*v;
	struct onboard_filter	 f = { .state = -1 };
	struct handshake	 h;
	struct arena		 ar;
	struct err		 e;
	int64_t			 counts[ONBOARD_NSTATES];
	size_t			 n;
	int			 more;

	world(&w);
	arena_init(&ar);
	acct(w.st, "a@c.example", &a, &pa);
	acct(w.st, "b@c.example", &b, &pb);
	acct(w.st, "c@c.example", &c, &pc);
	CHECK_INT(request(&w, NULL, a.id, a.email, &ra, &e), 0);
	CHECK_INT(request(&w, NULL, b.id, b.email, &rb, &e), 0);
	CHECK_INT(request(&w, NULL, c.id, c.email, &rc, &e), 0);
	CHECK_INT(handshake_decline(w.st, &pb, rb.handshake_id, &h, &e), 0);
	CHECK_INT(onboard_cancel(w.st, &w.org, NULL, rc.id, &e), 0);
	CHECK_INT(onboard_cancel(w.st, &w.org, NULL, rc.id, &e), -1);
	CHECK_INT(store_clock_advance(w.st, 16LL * 86400000, &e), 0);
	CHECK_INT(onboard_list(w.st, &w.org, &ar, NULL, &f, &v, &n, &more,
	    counts, &e), 0);
	CHECK_INT(n, 3);
	CHECK_INT(counts[ONBOARD_EXPIRED], 1);
	CHECK_INT(counts[ONBOARD_DECLINED], 1);
	CHECK_INT(counts[ONBOARD_CANCELED], 1);
	CHECK_INT(onboard_resend(w.st, &w.org, NULL, rc.id, &rr, &e), -1);
	CHECK_INT(onboard_resend(w.st, &w.org, NULL, rb.id, &rr, &e), 0);
	CHECK(strcmp(rr.handshake_id, rb.handshake_id) != 0);
	CHECK_INT(rr.state, ONBOARD_INVITED);
	CHECK_INT(onboard_resend(w.st, &w.org, NULL, ra.id, &rr, &e), 0);
	CHECK_INT(handshake_accept(w.st, &pa, rr.handshake_id, 0, &h, &e), 0);
	f.state = ONBOARD_LINKED;
	CHECK_INT(onboard_list(w.st, &w.org, &ar, NULL, &f, &v, &n, &more,
	    counts, &e), 0);
	CHECK_INT(n, 1);
	CHECK_STR(v[0].o.id, ra.id);
	arena_release(&ar);
	store_close(w.st);
}

TEST(onboard_plan_token_isolation)
{
	struct world		 w;
	struct account		 a, b;
	struct principal	 pa, pb;
	struct onboard_result	 ra, rb;
	struct onboard_view	 v;
	struct audit_entry	*ae;
	struct arena		 ar;
	struct err		 e;
	const char		*ta, *tb;
	size_t			 n, i, viewed = 0;
	int			 more;

	world(&w);
	arena_init(&ar);
	acct(w.st, "a@c.example", &a, &pa);
	acct(w.st, "b@c.example", &b, &pb);
	CHECK_INT(request(&w, NULL, a.id, a.email, &ra, &e), 0);
	CHECK_INT(request(&w, NULL, b.id, b.email, &rb, &e), 0);
	ta = strrchr(ra.plan_url, '/') + 1;
	tb = strrchr(rb.plan_url, '/') + 1;
	CHECK_INT(strlen(ta), ONBOARD_TOKEN_LEN);
	CHECK_INT(onboard_plan(w.st, &w.org, &ar, ta, &v, &e), 0);
	CHECK_STR(v.o.id, ra.id);
	CHECK_INT(onboard_plan(w.st, &w.org, &ar, tb, &v, &e), 0);
	CHECK_STR(v.o.id, rb.id);
	CHECK_INT(onboard_plan(w.st, &w.org, &ar,
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &v, &e), -1);
	CHECK_INT(e.code, ERR_NOT_FOUND);
	CHECK_INT(onboard_plan(w.st, &w.org, &ar, ra.id, &v, &e), -1);
	/* A view is recorded once per 10 minutes. */
	CHECK_INT(onboard_plan_viewed(w.st, ta, &e), 0);
	CHECK_INT(onboard_plan_viewed(w.st, ta, &e), 0);
	CHECK_INT(onboard_get(w.st, &w.org, &ar, NULL, ra.id, &v, &e), 0);
	CHECK(v.viewed_at != 0);
	CHECK_INT(audit_list(w.st, &ar, NULL, 0, ra.id, 0, 100, &ae, &n,
	    &more, &e), 0);
	for (i = 0; i < n; i++)
		if (strcmp(ae[i].action, "onboarding.viewed") == 0)
			viewed++;
	CHECK_INT(viewed, 1);
	/* Case 1 proposes no time; a non-MSP principal reads nothing. */
	CHECK_INT(onboard_propose_time(w.st, &w.org, ta,
	    store_now(w.st) + 3600000, NULL, &e), -1);
	CHECK_INT(onboard_get(w.st, &w.org, &ar, &pa, ra.id, &v, &e), -1);
	CHECK_INT(e.code, ERR_DENIED);
	arena_release(&ar);
	store_close(w.st);
}
