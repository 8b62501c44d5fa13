/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of live mode's domain side (src/org/live.h): snapshots of the
 * MSP's AWS organization applied to the mirror, and the live port (reads
 * from the mirror, writes through a fake remote).
 */
#include <stdio.h>
#include <string.h>

#include "test.h"

#include "org/live.h"
#include "org/account.h"
#include "org/organization.h"
#include "org/port.h"
#include "store/store.h"

#define LIVE_ORG	"o-liveorg1234"
#define MGMT		"100000000001"
#define ACCT_A		"100000000002"
#define ACCT_B		"100000000003"
#define T0		1700000000000LL
#define HOUR		3600000LL

static void
acct(struct live_account *a, const char *id, int64_t joined)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "%s", id);
	snprintf(a->email, sizeof(a->email), "%s@live.example", id);
	snprintf(a->name, sizeof(a->name), "acct %s", id);
	snprintf(a->status, sizeof(a->status), "ACTIVE");
	snprintf(a->joined_method, sizeof(a->joined_method), "INVITED");
	a->joined_at = joined;
}

static void
snap(struct live_snapshot *s, struct live_account *v, size_t n)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->org.id, sizeof(s->org.id), LIVE_ORG);
	snprintf(s->org.management_id, sizeof(s->org.management_id), MGMT);
	snprintf(s->root_id, sizeof(s->root_id), "r-live");
	snprintf(s->feature_set, sizeof(s->feature_set), "ALL");
	s->accounts = v;
	s->naccounts = n;
}

TEST(live_apply_joins_rejoins_and_departures)
{
	struct live_account		 v[3];
	struct live_snapshot		 s;
	struct live_sync_result		 r;
	struct orgport			 port;
	struct orgport_membership	*mv;
	struct live_org			 l;
	struct store			*st;
	struct arena			 ar;
	struct err			 e;
	size_t				 n;
	char				 path[512];

	snprintf(path, sizeof(path), "%s", test_db("live"));
	CHECK_INT(store_open(path, 0, &st, &e), 0);
	arena_init(&ar);
	acct(&v[0], MGMT, T0);
	acct(&v[1], ACCT_A, T0 + HOUR);
	snap(&s, v, 2);
	CHECK_INT(live_connect(st, &ar, "prof", "eu-west-1", &s, &r, &e), 0);
	CHECK_INT(r.njoined, 2);
	CHECK_INT(live_status(st, &l, &e), 0);
	CHECK_STR(l.org_id, LIVE_ORG);
	CHECK_STR(l.profile, "prof");
	CHECK(l.sync_ok_at > 0 && l.sync_error[0] == '\0');

	/* Nothing changed: nothing joins or leaves. */
	CHECK_INT(live_apply(st, &ar, &s, &r, &e), 0);
	CHECK_INT(r.njoined + r.ndeparted, 0);

	/* A left and came back between two syncs; B joined. */
	v[1].joined_at = T0 + 5 * HOUR;
	acct(&v[2], ACCT_B, T0 + 6 * HOUR);
	snap(&s, v, 3);
	CHECK_INT(live_apply(st, &ar, &s, &r, &e), 0);
	CHECK_INT(r.njoined, 2);
	CHECK_INT(r.ndeparted, 0);
	port = orgport_live(st);
	CHECK_INT(orgport_history(&port, &ar, ACCT_A, &mv, &n, &e), 0);
	CHECK_INT(n, 2);
	CHECK_INT(mv[0].joined_at, T0 + HOUR);
	CHECK_INT(mv[0].left_at, T0 + 5 * HOUR);
	CHECK_INT(mv[1].joined_at, T0 + 5 * HOUR);
	CHECK_INT(mv[1].left_at, 0);
	CHECK_STR(mv[1].payer_id, MGMT);

	/* B is gone: it departs at the sync's time. */
	snap(&s, v, 2);
	CHECK_INT(live_apply(st, &ar, &s, &r, &e), 0);
	CHECK_INT(r.ndeparted, 1);
	CHECK_STR(r.departed[0], ACCT_B);
	CHECK_INT(orgport_history(&port, &ar, ACCT_B, &mv, &n, &e), 0);
	CHECK_INT(n, 1);
	CHECK(mv[0].left_at >= T0 + 6 * HOUR);

	/* Another organization's snapshot is refused, the mirror kept. */
	snprintf(s.org.id, sizeof(s.org.id), "o-someoneelse");
	CHECK_INT(live_apply(st, &ar, &s, &r, &e), -1);
	CHECK_INT(e.code, ERR_CONFLICT);
	CHECK_INT(live_failed(st, e.msg, &e), 0);
	CHECK_INT(live_status(st, &l, &e), 0);
	CHECK(strstr(l.sync_error, "o-someoneelse") != NULL);
	arena_release(&ar);
	store_close(st);
}

TEST(live_refuses_an_emulated_database)
{
	struct account		 a;
	struct access_key	 k;
	struct principal	 p;
	struct organization	 o;
	struct store		*st;
	struct err		 e;
	char			 path[512];

	snprintf(path, sizeof(path), "%s", test_db("emu"));
	CHECK_INT(store_open(path, 0, &st, &e), 0);
	CHECK_INT(live_can_connect(st, LIVE_ORG, &e), 0);
	CHECK_INT(account_create(st, NULL, "m@e.example", NULL, NULL, &a, &k,
	    &e), 0);
	memset(&p, 0, sizeof(p));
	snprintf(p.account_id, sizeof(p.account_id), "%s", a.id);
	CHECK_INT(org_create(st, &p, "ALL", &o, &e), 0);
	CHECK_INT(live_can_connect(st, LIVE_ORG, &e), -1);
	CHECK_INT(e.code, ERR_CONFLICT);
	CHECK(strstr(e.msg, "never both") != NULL);
	store_close(st);
}

/* The remote: AWS as far as the port's writes go. */
static int	invites, cancels;
/* A day ago: the invitation is still open now. */
static int64_t	base;

static int
fake_invite(void *arg, const char *type, const char *target,
    const char *notes, struct orgport_handshake *out, struct err *e)
{
	(void)arg; (void)notes; (void)e;
	invites++;
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "h-awsawsaws1");
	snprintf(out->state, sizeof(out->state), "OPEN");
	snprintf(out->org_id, sizeof(out->org_id), LIVE_ORG);
	snprintf(out->target_type, sizeof(out->target_type), "%s", type);
	snprintf(out->target_id, sizeof(out->target_id), "%s", target);
	out->requested_at = base + 10 * HOUR;
	out->expires_at = base + 10 * HOUR + 15 * 24 * HOUR;
	return (0);
}

static int
fake_cancel(void *arg, const char *hid, struct orgport_handshake *out,
    struct err *e)
{
	(void)arg; (void)hid; (void)out;
	cancels++;
	return (err_set(e, ERR_CONFLICT, "HandshakeAlreadyInStateException",
	    NULL, "already accepted"));
}

TEST(live_port_writes_through_the_remote_reads_the_mirror)
{
	static const struct live_remote remote = { fake_invite, fake_cancel,
	    NULL };
	struct live_account		 v[3];
	struct orgport_handshake	 h, hv[1];
	struct orgport_standing		 sd;
	struct live_snapshot		 s;
	struct live_sync_result		 r;
	struct orgport			 port;
	struct store			*st;
	struct arena			 ar;
	struct err			 e;
	char				 path[512];

	snprintf(path, sizeof(path), "%s", test_db("port"));
	CHECK_INT(store_open(path, 0, &st, &e), 0);
	arena_init(&ar);
	base = store_now(st) - 24 * HOUR;
	acct(&v[0], MGMT, base);
	acct(&v[1], ACCT_A, base + HOUR);
	snap(&s, v, 2);
	CHECK_INT(live_connect(st, &ar, "", "", &s, &r, &e), 0);
	live_remote_set(&remote);
	port = orgport_live(st);
	CHECK_STR(port.ops->name, "live");

	/* AWS shows the MSP's members, nobody else's standing. */
	CHECK_INT(orgport_account_standing(&port, ACCT_A, &sd, &e), 0);
	CHECK_INT(sd.kind, ORGPORT_CASE_MEMBER);
	CHECK_STR(sd.org_id, LIVE_ORG);
	CHECK_INT(orgport_account_standing(&port, ACCT_B, &sd, &e), 0);
	CHECK_INT(sd.kind, ORGPORT_CASE_UNKNOWN);

	/* Only the management account invites; the handshake is AWS's. */
	CHECK_INT(orgport_invite(&port, ACCT_A, "ACCOUNT", ACCT_B, NULL, &h,
	    &e), -1);
	CHECK_INT(invites, 0);
	CHECK_INT(orgport_invite(&port, MGMT, "ACCOUNT", ACCT_B, NULL, &h, &e),
	    0);
	CHECK_INT(invites, 1);
	CHECK_INT(orgport_describe_handshake(&port, "h-awsawsaws1", &h, &e), 0);
	CHECK_STR(h.state, "OPEN");

	/* AWS refuses the cancellation: its error passes, the mirror stays. */
	CHECK_INT(orgport_cancel(&port, MGMT, "h-awsawsaws1", &h, &e), -1);
	CHECK_STR(e.aws_type, "HandshakeAlreadyInStateException");
	CHECK_INT(orgport_describe_handshake(&port, "h-awsawsaws1", &h, &e), 0);
	CHECK_STR(h.state, "OPEN");

	/* The sync sees it accepted: it ended when B joined. */
	acct(&v[2], ACCT_B, base + 12 * HOUR);
	fake_invite(NULL, "ACCOUNT", ACCT_B, NULL, &hv[0], &e);
	snprintf(hv[0].state, sizeof(hv[0].state), "ACCEPTED");
	snap(&s, v, 3);
	s.handshakes = hv;
	s.nhandshakes = 1;
	CHECK_INT(live_apply(st, &ar, &s, &r, &e), 0);
	CHECK_INT(orgport_describe_handshake(&port, "h-awsawsaws1", &h, &e), 0);
	CHECK_STR(h.state, "ACCEPTED");
	CHECK_INT(h.ended_at, base + 12 * HOUR);
	live_remote_set(NULL);
	arena_release(&ar);
	store_close(st);
}
