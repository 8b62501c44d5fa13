/* SPDX-License-Identifier: MIT */
/* Unit tests of import leases (src/billing/lease.c) and of the flip's and
 * cleanup's rules in the store (store_billing_flip and friends). */
#include <sys/wait.h>
#include <unistd.h>

#include "billing/lease.h"
#include "core/err.h"
#include "store/store.h"
#include "test.h"

/* A running import of (999999999999, 2026-09) owned by `owner`. */
static int64_t
running_import(struct store *st, const char *owner, const char *digest,
    int64_t lease_until)
{
	struct billing_import	 imp;
	struct err		 e;

	memset(&imp, 0, sizeof(imp));
	snprintf(imp.payer_id, sizeof(imp.payer_id), "999999999999");
	snprintf(imp.period, sizeof(imp.period), "2026-09");
	snprintf(imp.status, sizeof(imp.status), "running");
	snprintf(imp.format, sizeof(imp.format), "CUR 2.0");
	snprintf(imp.file_name, sizeof(imp.file_name), "f.csv");
	snprintf(imp.digest, sizeof(imp.digest), "%s", digest);
	snprintf(imp.currency, sizeof(imp.currency), "USD");
	snprintf(imp.owner, sizeof(imp.owner), "%s", owner);
	imp.lease_until = lease_until;
	err_clear(&e);
	CHECK(store_billing_import_insert(st, &imp, &e) == 0);
	return (imp.id);
}

static void
add_rollups(struct store *st, int64_t id, int n)
{
	struct billing_rollup	 r;
	struct err		 e;
	char			 ut[32];
	int			 i;

	err_clear(&e);
	CHECK(store_begin(st, STORE_WRITE, &e) == 0);
	for (i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		snprintf(ut, sizeof(ut), "BoxUsage:%d", i);
		r.period = "2026-09";
		r.day = "2026-09-01";
		r.payer_id = "999999999999";
		r.account_id = "100000000000";
		r.product_code = "AmazonEC2";
		r.usage_type = ut;
		r.operation = "RunInstances";
		r.region = "us-east-1";
		r.line_item_type = "Usage";
		r.pricing_term = "OnDemand";
		r.unblended = 1000;
		r.line_count = 1;
		CHECK(store_billing_rollup_insert_many(st, id, &r, 1, &e) == 0);
	}
	CHECK(store_commit(st, &e) == 0);
}

static int
flip(struct store *st, int64_t id, const char *owner, int64_t rows,
    struct err *e)
{
	int64_t	 replaced;

	err_clear(e);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (store_billing_flip(st, id, owner, rows, 1, &replaced, e) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (store_commit(st, e));
}

TEST(lease_flip_only_a_running_complete_import_of_its_owner)
{
	struct store		*st;
	struct billing_import	 cur;
	struct err		 e;
	int64_t			 id, n;

	err_clear(&e);
	CHECK(store_open(test_db("flip"), 0, &st, &e) == 0);
	id = running_import(st, "owner-a", "d1", 0);
	add_rollups(st, id, 5);

	/* Another owner's, an incomplete one: refused, nothing current. */
	CHECK(flip(st, id, "owner-b", 5, &e) == -1);
	CHECK_INT(e.code, ERR_CONFLICT);
	CHECK(strstr(e.msg, "no longer running") != NULL);
	CHECK(flip(st, id, "owner-a", 6, &e) == -1);
	CHECK(strstr(e.msg, "5 of 6 rollup rows") != NULL);
	CHECK(store_billing_current(st, "999999999999", "2026-09", &cur,
	    &e) == -1);

	/* Not failed while rows are left; then bounded deletes, failed. */
	CHECK_INT(store_billing_import_fail(st, id, "owner-a", 1, &e), 0);
	CHECK(store_billing_rollups_delete(st, id, 3, &n, &e) == 0);
	CHECK_INT(n, 3);
	CHECK(store_billing_rollups_delete(st, id, 3, &n, &e) == 0);
	CHECK_INT(n, 2);
	CHECK_INT(store_billing_import_fail(st, id, "owner-b", 1, &e), 0);
	CHECK_INT(store_billing_import_fail(st, id, "owner-a", 1, &e), 1);
	CHECK(flip(st, id, "owner-a", 0, &e) == -1);
	CHECK(strstr(e.msg, "no longer running (failed)") != NULL);

	/* The owner's running complete import: current. */
	id = running_import(st, "owner-a", "d2", 0);
	add_rollups(st, id, 4);
	CHECK(flip(st, id, "owner-a", 4, &e) == 0);
	CHECK(store_billing_current(st, "999999999999", "2026-09", &cur,
	    &e) == 0);
	CHECK_INT(cur.id, id);
	CHECK_STR(cur.status, "current");
	store_close(st);
}

TEST(lease_renew_and_take_are_compare_and_set)
{
	struct store		*st;
	struct billing_import	 was, to;
	struct err		 e;
	int64_t			 id;

	err_clear(&e);
	CHECK(store_open(test_db("take"), 0, &st, &e) == 0);
	id = running_import(st, "owner-a", "d1", 1000);
	CHECK(store_billing_import_get(st, id, &was, &e) == 0);
	CHECK_STR(was.owner, "owner-a");
	CHECK_INT(was.lease_until, 1000);

	/* The owner renews: a take by what was read before fails. */
	CHECK_INT(store_billing_lease_renew(st, id, "owner-a", 2000, &e), 1);
	CHECK_INT(store_billing_lease_renew(st, id, "owner-b", 3000, &e), 0);
	to = was;
	snprintf(to.owner, sizeof(to.owner), "owner-b");
	to.lease_until = 9000;
	CHECK_INT(store_billing_lease_take(st, &was, &to, &e), 0);
	CHECK(store_billing_import_get(st, id, &was, &e) == 0);
	CHECK_INT(store_billing_lease_take(st, &was, &to, &e), 1);
	/* Now the former owner's renewals fail: it finds out it lost. */
	CHECK_INT(store_billing_lease_renew(st, id, "owner-a", 4000, &e), 0);
	CHECK(store_billing_import_get(st, id, &was, &e) == 0);
	CHECK_STR(was.owner, "owner-b");
	CHECK_INT(was.lease_until, 9000);
	store_close(st);
}

TEST(lease_orphan_judges_owner_not_pid)
{
	struct store		*st;
	struct billing_import	 x;
	struct lease		*l;
	struct err		 e;
	pid_t			 pid;
	int			 status;

	err_clear(&e);
	CHECK(store_open(test_db("orphan"), 0, &st, &e) == 0);
	memset(&x, 0, sizeof(x));
	x.id = 42;

	/* This process's import: an orphan unless one of its ingests
	 * holds it (a failed ingest that could not clean up). */
	lease_stamp(&x, 1000);
	CHECK_STR(x.owner, lease_owner());
	CHECK_INT(lease_orphan(&x, 0), 1);
	CHECK(lease_start(st, &l, &e) == 0);
	lease_hold(l, 42);
	CHECK_INT(lease_orphan(&x, 999999), 0);
	lease_release(l, 42);
	CHECK_INT(lease_orphan(&x, 0), 1);
	lease_stop(l);

	/* Another owner elsewhere: its lease decides, never its pid. */
	snprintf(x.owner, sizeof(x.owner), "0123456789abcdef0123456789abcdef");
	snprintf(x.owner_proc, sizeof(x.owner_proc), "other-host-boot:"
	    "pid:[1]:1:1");
	x.pid = 999999;
	CHECK_INT(lease_orphan(&x, 999), 0);
	CHECK_INT(lease_orphan(&x, 1001), 1);

	/* A process of this PID namespace that is gone (kill -9 on this
	 * host): an orphan at once, lease or not; a live one with a
	 * different start time (its pid reused) too. Only where /proc shows
	 * this process's own namespace, so that owner_proc is set. */
	lease_stamp(&x, 1000);
	if (x.owner_proc[0] != '\0') {
		char	 ns[96], *p;

		snprintf(x.owner, sizeof(x.owner), "another process");
		snprintf(ns, sizeof(ns), "%s", x.owner_proc);
		CHECK((p = strrchr(ns, ':')) != NULL);
		*p = '\0';
		CHECK((p = strrchr(ns, ':')) != NULL);
		*p = '\0';
		CHECK_INT(lease_orphan(&x, 999), 0);	/* this one: alive */
		snprintf(x.owner_proc, sizeof(x.owner_proc), "%.70s:%d:1", ns,
		    (int)getpid());
		CHECK_INT(lease_orphan(&x, 999), 1);	/* reused pid */
		if ((pid = fork()) == 0)
			_exit(0);
		CHECK(pid > 0);
		CHECK(waitpid(pid, &status, 0) == pid);
		snprintf(x.owner_proc, sizeof(x.owner_proc), "%.70s:%d:1", ns,
		    (int)pid);
		CHECK_INT(lease_orphan(&x, 999), 1);	/* gone */
	}
	store_close(st);
}
