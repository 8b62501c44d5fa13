/* SPDX-License-Identifier: MIT */
/* Unit tests of src/store (SQLite) and src/org (accounts, organizations). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "test.h"

#include "org/account.h"
#include "org/organization.h"
#include "store/db.h"
#include "store/store.h"

static struct store *
fresh_store(int flags)
{
	struct store	*st;
	struct err	 e;
	char		 path[512];

	snprintf(path, sizeof(path), "%s", test_db("t"));
	CHECK_INT(store_open(path, flags, &st, &e), 0);
	return (st);
}

static void
make_account(struct store *st, const char *email, struct account *a,
    struct access_key *k)
{
	struct err	 e;

	if (account_create(st, NULL, email, NULL, NULL, a, k, &e) != 0) {
		fprintf(stderr, "account_create: %s\n", e.msg);
		CHECK(0);
	}
}

static void
as(struct principal *p, const struct account *a)
{
	snprintf(p->account_id, sizeof(p->account_id), "%s", a->id);
}

TEST(store_migrations_apply_once)
{
	struct store	*st = fresh_store(0);
	struct err	 e;
	char		 path[512];

	store_close(st);
	/* Opening again applies nothing and keeps the data. */
	snprintf(path, sizeof(path), "%s", test_db("t"));
	CHECK_INT(store_open(path, 0, &st, &e), 0);
	store_close(st);
}

/* A reader with its own connection (one per thread), parked after its
 * scan so that its page cache is still there when memory is measured. */
struct scanner {
	struct store		*st;
	pthread_barrier_t	*scanned, *done;
	int64_t			 bytes;
};

static void *
scan_blobs(void *arg)
{
	struct scanner	*s = arg;
	struct stmt	*q;
	struct err	 e;

	err_clear(&e);
	if ((q = db_stmt(s->st, "SELECT SUM(LENGTH(b)) FROM memtest",
	    &e)) != NULL) {
		if (stmt_step(q, &e) == 1)
			s->bytes = stmt_int64(q, 0);
		stmt_done(q);
	}
	pthread_barrier_wait(s->scanned);
	pthread_barrier_wait(s->done);
	return (NULL);
}

/* SQLite memory used while 4 connections have each scanned 6 MB. */
static int64_t
scanned_memory(struct store *st)
{
	struct scanner		 s[4];
	pthread_t		 t[4];
	pthread_barrier_t	 scanned, done;
	int64_t			 used, highest;
	int			 i;

	pthread_barrier_init(&scanned, NULL, 5);
	pthread_barrier_init(&done, NULL, 5);
	for (i = 0; i < 4; i++) {
		s[i] = (struct scanner){ st, &scanned, &done, 0 };
		CHECK_INT(pthread_create(&t[i], NULL, scan_blobs, &s[i]), 0);
	}
	pthread_barrier_wait(&scanned);
	store_memory_used(&used, &highest);
	pthread_barrier_wait(&done);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_INT(s[i].bytes, 3000 * 2000);
	}
	pthread_barrier_destroy(&scanned);
	pthread_barrier_destroy(&done);
	return (used);
}

/* serve --db-memory-mb: past the limit the connections' page caches
 * recycle pages instead of growing (each would keep up to 2 MiB). */
TEST(store_memory_limit_bounds_sqlite)
{
	struct store	*st = fresh_store(0);
	struct err	 e;
	int64_t		 unlimited, limited;

	if (strcmp(store_backend_name(st), "sqlite") != 0) {
		fprintf(stderr, "  skip: PostgreSQL keeps its cache in the "
		    "server\n");
		store_close(st);
		return;
	}
	err_clear(&e);
	CHECK_INT(db_exec(st, "CREATE TABLE memtest (b BLOB); INSERT INTO "
	    "memtest WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
	    "FROM c WHERE x < 3000) SELECT randomblob(2000) FROM c", &e), 0);
	unlimited = scanned_memory(st);
	store_memory_limit(2 << 20);
	limited = scanned_memory(st);
	store_memory_limit(0);
	fprintf(stderr, "  SQLite memory with 4 readers: %lld bytes, %lld "
	    "with a 2 MiB limit\n", (long long)unlimited, (long long)limited);
	CHECK(unlimited > 6 << 20);
	CHECK(limited < 4 << 20);
	store_close(st);
}

TEST(account_create_validates_and_is_unique)
{
	struct store		*st = fresh_store(0);
	struct account		 a, b;
	struct access_key	 k;
	struct err		 e;

	make_account(st, "Owner@Example.com", &a, &k);
	CHECK_INT(strlen(a.id), 12);
	CHECK_STR(a.name, "Owner@Example.com");
	CHECK_INT(strlen(k.secret), 40);
	/* E-mail addresses are unique whatever their case. */
	CHECK_INT(account_create(st, NULL, "owner@example.COM", "x", NULL, &b,
	    &k, &e), -1);
	CHECK_INT(e.code, ERR_CONFLICT);
	CHECK_INT(account_create(st, NULL, "not-an-email", "x", NULL, &b, &k,
	    &e), -1);
	CHECK_INT(e.code, ERR_INVALID);
	CHECK_INT(account_create(st, NULL, "short@example.com", "x", "short",
	    &b, &k, &e), -1);
	CHECK(strstr(e.msg, "password") != NULL);
	CHECK_INT(account_get(st, "12345", &b, &e), -1);
	CHECK_STR(e.aws_type, "InvalidInputException");
	CHECK_INT(account_get(st, "000000000000", &b, &e), -1);
	CHECK_STR(e.aws_type, "AccountNotFoundException");
	store_close(st);
}

TEST(account_password_authenticates)
{
	struct store		*st = fresh_store(0);
	struct account		 a, out;
	struct access_key	 k;
	struct err		 e;

	CHECK_INT(account_create(st, NULL, "pw@example.com", "pw",
	    "correct horse", &a, &k, &e), 0);
	CHECK(strncmp(a.password_hash, "$argon2id$", 10) == 0);
	CHECK_INT(account_authenticate(st, "pw@example.com", "correct horse",
	    &out, &e), 0);
	CHECK_STR(out.id, a.id);
	CHECK_INT(account_authenticate(st, "pw@example.com", "wrong horse",
	    &out, &e), -1);
	CHECK_INT(account_authenticate(st, "nobody@example.com", "x", &out,
	    &e), -1);
	CHECK_INT(account_set_password(st, a.id, "battery staple", &e), 0);
	CHECK_INT(account_authenticate(st, "PW@example.com", "battery staple",
	    &out, &e), 0);
	store_close(st);
}

TEST(account_keys_create_and_delete)
{
	struct store		*st = fresh_store(0);
	struct account		 a;
	struct access_key	 k1, k2, got;
	struct err		 e;

	make_account(st, "keys@example.com", &a, &k1);
	CHECK_INT(account_key_create(st, a.id, &k2, &e), 0);
	CHECK(strcmp(k1.id, k2.id) != 0);
	CHECK_INT(store_key_get(st, k2.id, &got, &e), 0);
	CHECK_STR(got.secret, k2.secret);
	CHECK_STR(got.account_id, a.id);
	CHECK_INT(account_key_delete(st, a.id, k2.id, &e), 0);
	CHECK_INT(store_key_get(st, k2.id, &got, &e), -1);
	CHECK_INT(e.code, ERR_NOT_FOUND);
	CHECK_INT(account_key_delete(st, "000000000000", k1.id, &e), -1);
	store_close(st);
}

TEST(store_one_open_membership_per_account)
{
	struct store		*st = fresh_store(0);
	struct account		 a, b;
	struct access_key	 k;
	struct organization	 o1, o2;
	struct principal	 p;
	struct membership	 m;
	struct err		 e;

	make_account(st, "m1@example.com", &a, &k);
	make_account(st, "m2@example.com", &b, &k);
	as(&p, &a);
	CHECK_INT(org_create(st, &p, NULL, &o1, &e), 0);
	as(&p, &b);
	CHECK_INT(org_create(st, &p, NULL, &o2, &e), 0);
	/* The store itself refuses a second open membership. */
	memset(&m, 0, sizeof(m));
	snprintf(m.account_id, sizeof(m.account_id), "%s", a.id);
	snprintf(m.org_id, sizeof(m.org_id), "%s", o2.id);
	snprintf(m.payer_id, sizeof(m.payer_id), "%s", b.id);
	snprintf(m.joined_method, sizeof(m.joined_method), "INVITED");
	snprintf(m.parent_id, sizeof(m.parent_id), "%s", o2.root_id);
	m.joined_at = store_now(st);
	CHECK_INT(store_membership_open(st, &m, &e), -1);
	CHECK_INT(e.code, ERR_CONFLICT);
	store_close(st);
}

TEST(org_create_describe_delete)
{
	struct store		*st = fresh_store(0);
	struct account		 a;
	struct access_key	 k;
	struct organization	 o, d;
	struct principal	 p;
	struct membership	*h;
	struct arena		 ar;
	struct err		 e;
	size_t			 n;
	char			 arn[160];

	make_account(st, "org@example.com", &a, &k);
	as(&p, &a);
	CHECK_INT(org_describe(st, &p, &d, &e), -1);
	CHECK_STR(e.aws_type, "AWSOrganizationsNotInUseException");
	CHECK_INT(org_create(st, &p, "FULL", &o, &e), -1);
	CHECK_STR(e.reason, "INVALID_ENUM");
	CHECK_INT(org_create(st, &p, "CONSOLIDATED_BILLING", &o, &e), 0);
	CHECK_INT(strlen(o.id), 12);
	CHECK(strncmp(o.root_id, "r-", 2) == 0);
	CHECK_INT(org_create(st, &p, NULL, &d, &e), -1);
	CHECK_STR(e.aws_type, "AlreadyInOrganizationException");
	CHECK_INT(org_describe(st, &p, &d, &e), 0);
	CHECK_STR(d.id, o.id);
	CHECK_STR(d.management_email, "org@example.com");
	org_arn(&d, arn, sizeof(arn));
	CHECK(strstr(arn, "arn:aws:organizations::") == arn);
	CHECK_INT(org_delete(st, &p, &e), 0);
	CHECK_INT(org_describe(st, &p, &d, &e), -1);
	/* The history keeps the management account's time in the org. */
	arena_init(&ar);
	CHECK_INT(store_membership_history(st, &ar, a.id, &h, &n, &e), 0);
	CHECK_INT(n, 1);
	CHECK_STR(h[0].org_id, o.id);
	CHECK(h[0].left_at >= h[0].joined_at);
	CHECK_STR(h[0].left_method, "DELETED");
	arena_release(&ar);
	store_close(st);
}

TEST(org_list_accounts_pages)
{
	struct store		*st = fresh_store(0);
	struct account		 owner, a;
	struct access_key	 k;
	struct organization	 o;
	struct principal	 p;
	struct membership	 m;
	struct member		*v;
	struct arena		 ar;
	struct err		 e;
	size_t			 n, total = 0;
	char			 after[13] = "", email[64];
	int			 i, more;

	make_account(st, "own@example.com", &owner, &k);
	as(&p, &owner);
	CHECK_INT(org_create(st, &p, NULL, &o, &e), 0);
	for (i = 0; i < 44; i++) {
		snprintf(email, sizeof(email), "mem%d@example.com", i);
		make_account(st, email, &a, &k);
		memset(&m, 0, sizeof(m));
		snprintf(m.account_id, sizeof(m.account_id), "%s", a.id);
		snprintf(m.org_id, sizeof(m.org_id), "%s", o.id);
		snprintf(m.payer_id, sizeof(m.payer_id), "%s", owner.id);
		snprintf(m.joined_method, sizeof(m.joined_method), "INVITED");
		snprintf(m.parent_id, sizeof(m.parent_id), "%s", o.root_id);
		m.joined_at = store_now(st);
		CHECK_INT(store_membership_open(st, &m, &e), 0);
	}
	arena_init(&ar);
	do {
		CHECK_INT(org_list_accounts(st, &ar, &p, after, 20, &o, &v, &n,
		    &more, &e), 0);
		CHECK(n <= 20);
		if (total > 0 && n > 0)
			CHECK(strcmp(v[0].account.id, after) > 0);
		total += n;
		if (n > 0)
			snprintf(after, sizeof(after), "%s", v[n - 1].account.id);
	} while (more);
	CHECK_INT(total, 45);
	arena_release(&ar);
	store_close(st);
}

TEST(store_clock_moves_only_in_emulator)
{
	struct store	*st = fresh_store(STORE_EMULATOR);
	struct err	 e;
	int64_t		 before = store_now(st);

	CHECK_INT(store_clock_advance(st, 86400000, &e), 0);
	CHECK(store_now(st) - before >= 86400000);
	store_close(st);
	st = fresh_store(0);
	CHECK_INT(store_clock_advance(st, 1000, &e), -1);
	store_close(st);
}
