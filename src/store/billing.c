/* SPDX-License-Identifier: MIT */
/*
 * Billing in the store: imports, the current version of each (payer,
 * period), daily rollups, and the membership history as attribution reads
 * it. Portable SQL; see store.h and migrations/003_billing.sql.
 */
#include <string.h>

#include "core/xmalloc.h"
#include "store/db.h"
#include "store/store.h"

#define IMPORT_COLS "id, payer_id, period, status, format, file_name, " \
	"digest, currency, bytes, rows, rejected, COALESCE(replaces, 0), pid, " \
	"started_at, COALESCE(finished_at, 0), owner, owner_host, " \
	"owner_proc, lease_until"

static void
import_row(struct stmt *s, struct billing_import *o)
{
	o->id = stmt_int64(s, 0);
	stmt_copy(s, 1, o->payer_id, sizeof(o->payer_id));
	stmt_copy(s, 2, o->period, sizeof(o->period));
	stmt_copy(s, 3, o->status, sizeof(o->status));
	stmt_copy(s, 4, o->format, sizeof(o->format));
	stmt_copy(s, 5, o->file_name, sizeof(o->file_name));
	stmt_copy(s, 6, o->digest, sizeof(o->digest));
	stmt_copy(s, 7, o->currency, sizeof(o->currency));
	o->bytes = stmt_int64(s, 8);
	o->rows = stmt_int64(s, 9);
	o->rejected = stmt_int64(s, 10);
	o->replaces = stmt_int64(s, 11);
	o->pid = stmt_int64(s, 12);
	o->started_at = stmt_int64(s, 13);
	o->finished_at = stmt_int64(s, 14);
	stmt_copy(s, 15, o->owner, sizeof(o->owner));
	stmt_copy(s, 16, o->owner_host, sizeof(o->owner_host));
	stmt_copy(s, 17, o->owner_proc, sizeof(o->owner_proc));
	o->lease_until = stmt_int64(s, 18);
}

int
store_billing_import_insert(struct store *st, struct billing_import *io,
    struct err *e)
{
	static const char	*sql = "INSERT INTO billing_imports (payer_id, "
	    "period, status, format, file_name, digest, bytes, rows, rejected, "
	    "currency, pid, started_at, owner, owner_host, owner_proc, "
	    "lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?) RETURNING id";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, io->payer_id);
	stmt_bind_text(s, 2, io->period);
	stmt_bind_text(s, 3, io->status);
	stmt_bind_text(s, 4, io->format);
	stmt_bind_text(s, 5, io->file_name);
	stmt_bind_text(s, 6, io->digest);
	stmt_bind_int64(s, 7, io->bytes);
	stmt_bind_int64(s, 8, io->rows);
	stmt_bind_int64(s, 9, io->rejected);
	stmt_bind_text(s, 10, io->currency);
	stmt_bind_int64(s, 11, io->pid);
	stmt_bind_int64(s, 12, io->started_at);
	stmt_bind_text(s, 13, io->owner);
	stmt_bind_text(s, 14, io->owner_host);
	stmt_bind_text(s, 15, io->owner_proc);
	stmt_bind_int64(s, 16, io->lease_until);
	if ((rc = stmt_step(s, e)) == 1)
		io->id = stmt_int64(s, 0);
	stmt_done(s);
	return (rc == 1 ? 0 : -1);
}

int
store_billing_import_get(struct store *st, int64_t id,
    struct billing_import *out, struct err *e)
{
	static const char	*sql = "SELECT " IMPORT_COLS
	    " FROM billing_imports WHERE id = ?";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, id);
	if ((rc = stmt_step(s, e)) == 1)
		import_row(s, out);
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "import %lld does not exist", (long long)id));
	return (rc == 1 ? 0 : -1);
}

int
store_billing_current(struct store *st, const char *payer,
    const char *period, struct billing_import *out, struct err *e)
{
	static const char	*sql = "SELECT " IMPORT_COLS
	    " FROM billing_imports WHERE id = (SELECT import_id FROM "
	    "billing_periods WHERE payer_id = ? AND period = ?)";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, payer);
	stmt_bind_text(s, 2, period);
	if ((rc = stmt_step(s, e)) == 1)
		import_row(s, out);
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "no import of %s for %s", period, payer));
	return (rc == 1 ? 0 : -1);
}

int
store_billing_imports(struct store *st, struct arena *a, const char *status,
    size_t limit, struct billing_import **out, size_t *n_out, struct err *e)
{
	/* Two statements: "(? = '' OR status = ?)" would keep the status
	 * index out, and "running" is looked for among every import. */
	static const char	*all = "SELECT " IMPORT_COLS
	    " FROM billing_imports ORDER BY id DESC LIMIT ?";
	static const char	*one = "SELECT " IMPORT_COLS
	    " FROM billing_imports WHERE status = ? ORDER BY id DESC LIMIT ?";
	struct stmt		*s;
	struct billing_import	*v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc, i = 1;

	if ((s = db_stmt(st, status[0] != '\0' ? one : all, e)) == NULL)
		return (-1);
	if (status[0] != '\0')
		stmt_bind_text(s, i++, status);
	stmt_bind_int64(s, i, (int64_t)limit);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		import_row(s, &v[n++]);
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_billing_import_fail(struct store *st, int64_t id, const char *owner,
    int64_t when, struct err *e)
{
	static const char	*upd = "UPDATE billing_imports SET status = "
	    "'failed', finished_at = ? WHERE id = ? AND status = 'running' "
	    "AND owner = ? AND NOT EXISTS (SELECT 1 FROM billing_rollups "
	    "WHERE import_id = ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, upd, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, when);
	stmt_bind_int64(s, 2, id);
	stmt_bind_text(s, 3, owner);
	stmt_bind_int64(s, 4, id);
	if (stmt_exec(s, e) == -1)
		return (-1);
	return (db_changes(st) == 1 ? 1 : 0);
}

int
store_billing_rollups_delete(struct store *st, int64_t import_id,
    size_t limit, int64_t *deleted_out, struct err *e)
{
	/* A bounded batch: the row ids of SQLite, the tuple ids of
	 * PostgreSQL (no portable way to delete N rows of a table without
	 * a key). */
	static const char	*lite = "DELETE FROM billing_rollups WHERE "
	    "rowid IN (SELECT rowid FROM billing_rollups WHERE import_id = ? "
	    "LIMIT ?)";
	static const char	*pg = "DELETE FROM billing_rollups WHERE "
	    "ctid = ANY (ARRAY (SELECT ctid FROM billing_rollups WHERE "
	    "import_id = ? LIMIT ?))";
	struct stmt		*s;

	if ((s = db_stmt(st, strcmp(store_backend_name(st), "sqlite") == 0 ?
	    lite : pg, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, import_id);
	stmt_bind_int64(s, 2, (int64_t)limit);
	if (stmt_exec(s, e) == -1)
		return (-1);
	*deleted_out = db_changes(st);
	return (0);
}

int
store_billing_lease_renew(struct store *st, int64_t id, const char *owner,
    int64_t until, struct err *e)
{
	static const char	*sql = "UPDATE billing_imports SET lease_until "
	    "= ? WHERE id = ? AND owner = ? AND status = 'running'";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, until);
	stmt_bind_int64(s, 2, id);
	stmt_bind_text(s, 3, owner);
	if (stmt_exec(s, e) == -1)
		return (-1);
	return (db_changes(st) == 1 ? 1 : 0);
}

int
store_billing_lease_take(struct store *st, const struct billing_import *was,
    const struct billing_import *to, struct err *e)
{
	static const char	*sql = "UPDATE billing_imports SET owner = ?, "
	    "owner_host = ?, owner_proc = ?, pid = ?, lease_until = ? WHERE "
	    "id = ? AND status = 'running' AND owner = ? AND lease_until = ?";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, to->owner);
	stmt_bind_text(s, 2, to->owner_host);
	stmt_bind_text(s, 3, to->owner_proc);
	stmt_bind_int64(s, 4, to->pid);
	stmt_bind_int64(s, 5, to->lease_until);
	stmt_bind_int64(s, 6, was->id);
	stmt_bind_text(s, 7, was->owner);
	stmt_bind_int64(s, 8, was->lease_until);
	if (stmt_exec(s, e) == -1)
		return (-1);
	return (db_changes(st) == 1 ? 1 : 0);
}

int
store_billing_ballast(struct store *st, int on, struct err *e)
{
	/*
	 * A temporary table lives in the database's default tablespace, as
	 * the rollups do, and dropping it frees its file at once; PLAIN
	 * storage keeps the rows uncompressed (256 pages of 7,000 bytes).
	 */
	if (strcmp(store_backend_name(st), "sqlite") == 0)
		return (0);
	if (!on)
		return (db_exec(st, "DROP TABLE IF EXISTS ingest_ballast", e));
	return (db_exec(st, "DROP TABLE IF EXISTS ingest_ballast; "
	    "CREATE TEMPORARY TABLE ingest_ballast (pad TEXT NOT NULL); "
	    "ALTER TABLE ingest_ballast ALTER COLUMN pad SET STORAGE PLAIN; "
	    "INSERT INTO ingest_ballast SELECT repeat('x', 7000) FROM "
	    "generate_series(1, 256)", e));
}

int
store_billing_reclaim(struct store *st, int how, struct err *e)
{
	/*
	 * SQLite: the WAL's frames copied into the database file, so that
	 * the next write starts the WAL over; truncated too from
	 * STORE_RECLAIM_WAL on (a failed batch's frames stay in it otherwise,
	 * and the file keeps its size). PostgreSQL, STORE_RECLAIM_ALL: the
	 * pages of deleted and aborted rows made free again and the empty
	 * ones at the end given back (what a failed import added is at the
	 * end); nothing before.
	 */
	if (strcmp(store_backend_name(st), "sqlite") == 0)
		return (db_exec(st, how >= STORE_RECLAIM_WAL ?
		    "PRAGMA wal_checkpoint(TRUNCATE)" :
		    "PRAGMA wal_checkpoint(PASSIVE)", e));
	return (how == STORE_RECLAIM_ALL ? db_exec(st,
	    "VACUUM billing_rollups", e) : 0);
}

int
store_billing_rollup_insert(struct store *st, int64_t import_id,
    const struct billing_rollup *r, struct err *e)
{
	static const char	*sql = "INSERT INTO billing_rollups (import_id, "
	    "period, day, payer_id, account_id, product_code, usage_type, "
	    "operation, region, line_item_type, pricing_term, in_membership, "
	    "unblended, net_unblended, amortized, public_on_demand, "
	    "usage_amount, line_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?)";
	struct stmt		*s;

	/* Batched: PostgreSQL sends the rows with COPY (db.h). */
	if ((s = db_bulk(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, import_id);
	stmt_bind_text(s, 2, r->period);
	stmt_bind_text(s, 3, r->day);
	stmt_bind_text(s, 4, r->payer_id);
	stmt_bind_text(s, 5, r->account_id);
	stmt_bind_text(s, 6, r->product_code);
	stmt_bind_text(s, 7, r->usage_type);
	stmt_bind_text(s, 8, r->operation);
	stmt_bind_text(s, 9, r->region);
	stmt_bind_text(s, 10, r->line_item_type);
	stmt_bind_text(s, 11, r->pricing_term);
	stmt_bind_int64(s, 12, r->in_membership);
	stmt_bind_int64(s, 13, r->unblended);
	stmt_bind_int64(s, 14, r->net_unblended);
	stmt_bind_int64(s, 15, r->amortized);
	stmt_bind_int64(s, 16, r->public_on_demand);
	stmt_bind_int64(s, 17, r->usage_amount);
	stmt_bind_int64(s, 18, r->line_count);
	return (stmt_exec(s, e));
}

#define V18	"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define V18x2	V18 ", " V18
#define V18x4	V18x2 ", " V18x2
#define V18x8	V18x4 ", " V18x4
#define V18x16	V18x8 ", " V18x8
#define V18x32	V18x16 ", " V18x16

static void
rollup_bind(struct stmt *s, int b, int64_t import_id,
    const struct billing_rollup *r)
{
	stmt_bind_int64(s, b + 1, import_id);
	stmt_bind_text(s, b + 2, r->period);
	stmt_bind_text(s, b + 3, r->day);
	stmt_bind_text(s, b + 4, r->payer_id);
	stmt_bind_text(s, b + 5, r->account_id);
	stmt_bind_text(s, b + 6, r->product_code);
	stmt_bind_text(s, b + 7, r->usage_type);
	stmt_bind_text(s, b + 8, r->operation);
	stmt_bind_text(s, b + 9, r->region);
	stmt_bind_text(s, b + 10, r->line_item_type);
	stmt_bind_text(s, b + 11, r->pricing_term);
	stmt_bind_int64(s, b + 12, r->in_membership);
	stmt_bind_int64(s, b + 13, r->unblended);
	stmt_bind_int64(s, b + 14, r->net_unblended);
	stmt_bind_int64(s, b + 15, r->amortized);
	stmt_bind_int64(s, b + 16, r->public_on_demand);
	stmt_bind_int64(s, b + 17, r->usage_amount);
	stmt_bind_int64(s, b + 18, r->line_count);
}

int
store_billing_rollup_insert_many(struct store *st, int64_t import_id,
    const struct billing_rollup *r, size_t n, struct err *e)
{
	static const char	*sql = "INSERT INTO billing_rollups (import_id, "
	    "period, day, payer_id, account_id, product_code, usage_type, "
	    "operation, region, line_item_type, pricing_term, in_membership, "
	    "unblended, net_unblended, amortized, public_on_demand, "
	    "usage_amount, line_count) VALUES " V18x32;
	struct stmt		*s;
	size_t			 i = 0, j;
	int			 rc;

	/* PostgreSQL batches single rows with COPY already (db_bulk). */
	if (strcmp(store_backend_name(st), "sqlite") == 0) {
		for (; i + STORE_ROLLUP_MULTI <= n; i += STORE_ROLLUP_MULTI) {
			if ((s = db_stmt(st, sql, e)) == NULL)
				return (-1);
			for (j = 0; j < STORE_ROLLUP_MULTI; j++)
				rollup_bind(s, 18 * (int)j, import_id,
				    &r[i + j]);
			rc = stmt_step(s, e);
			stmt_done(s);
			if (rc == -1)
				return (-1);
		}
	}
	for (; i < n; i++)
		if (store_billing_rollup_insert(st, import_id, &r[i], e) == -1)
			return (-1);
	return (0);
}

int
store_billing_ingest_tune(struct store *st, int bulk, struct err *e)
{
	if (strcmp(store_backend_name(st), "sqlite") != 0)
		return (0);
	/*
	 * Bulk: a 64 MiB page cache, and commits not synced one by one. The
	 * rollups' batches need no durability of their own: the import is
	 * "running" until the flip, whose commit comes after tune(0) and
	 * syncs the whole WAL (a crash before it leaves an orphan, cleaned
	 * by the next import). -2000 is SQLite's default cache; setting it
	 * frees the pages above it.
	 */
	return (db_exec(st, bulk ? "PRAGMA cache_size = -65536; "
	    "PRAGMA synchronous = NORMAL" : "PRAGMA cache_size = -2000; "
	    "PRAGMA synchronous = FULL", e));
}

int
store_billing_flip(struct store *st, int64_t import_id, const char *owner,
    int64_t rows, int64_t when, int64_t *replaced_out, struct err *e)
{
	static const char	*mine = "SELECT status, owner FROM "
	    "billing_imports WHERE id = ?";
	static const char	*count = "SELECT COUNT(*) FROM billing_rollups "
	    "WHERE import_id = ?";
	static const char	*cur = "SELECT p.import_id FROM billing_periods p "
	    "JOIN billing_imports i ON i.payer_id = p.payer_id AND "
	    "i.period = p.period WHERE i.id = ?";
	static const char	*put = "INSERT INTO billing_periods (payer_id, "
	    "period, import_id) SELECT payer_id, period, id FROM "
	    "billing_imports WHERE id = ? ON CONFLICT (payer_id, period) DO "
	    "UPDATE SET import_id = excluded.import_id";
	static const char	*mark = "UPDATE billing_imports SET status = "
	    "'current', replaces = ?, finished_at = ? WHERE id = ?";
	static const char	*old = "UPDATE billing_imports SET status = "
	    "'replaced' WHERE id = ?";
	static const char	*del = "DELETE FROM billing_rollups "
	    "WHERE import_id = ?";
	struct stmt		*s;
	int64_t			 prev = 0, n = 0;
	char			 status[12] = "", who[33] = "";
	int			 rc;

	/* Inside the caller's write transaction: what is checked holds
	 * until its commit. */
	if ((s = db_stmt(st, mine, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, import_id);
	if ((rc = stmt_step(s, e)) == 1) {
		stmt_copy(s, 0, status, sizeof(status));
		stmt_copy(s, 1, who, sizeof(who));
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	if (strcmp(status, "running") != 0 || strcmp(who, owner) != 0)
		return (err_set(e, ERR_CONFLICT, NULL, NULL, "import %lld is no "
		    "longer running (%s): another process took it for "
		    "abandoned; nothing imported", (long long)import_id,
		    status[0] != '\0' ? status : "gone"));
	if ((s = db_stmt(st, count, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, import_id);
	if ((rc = stmt_step(s, e)) == 1)
		n = stmt_int64(s, 0);
	stmt_done(s);
	if (rc == -1)
		return (-1);
	if (n != rows)
		return (err_set(e, ERR_CONFLICT, NULL, NULL, "import %lld is "
		    "incomplete: %lld of %lld rollup rows stored; nothing "
		    "imported", (long long)import_id, (long long)n,
		    (long long)rows));
	if ((s = db_stmt(st, cur, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, import_id);
	if ((rc = stmt_step(s, e)) == 1)
		prev = stmt_int64(s, 0);
	stmt_done(s);
	if (rc == -1 || (s = db_stmt(st, put, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, import_id);
	rc = stmt_step(s, e);
	stmt_done(s);
	if (rc == -1 || (s = db_stmt(st, mark, e)) == NULL)
		return (-1);
	if (prev != 0)
		stmt_bind_int64(s, 1, prev);
	else
		stmt_bind_null(s, 1);
	stmt_bind_int64(s, 2, when);
	stmt_bind_int64(s, 3, import_id);
	rc = stmt_step(s, e);
	stmt_done(s);
	if (rc == -1)
		return (-1);
	if (prev != 0 && prev != import_id) {
		if ((s = db_stmt(st, old, e)) == NULL)
			return (-1);
		stmt_bind_int64(s, 1, prev);
		rc = stmt_step(s, e);
		stmt_done(s);
		if (rc == -1 || (s = db_stmt(st, del, e)) == NULL)
			return (-1);
		stmt_bind_int64(s, 1, prev);
		rc = stmt_step(s, e);
		stmt_done(s);
		if (rc == -1)
			return (-1);
	}
	*replaced_out = prev;
	return (0);
}

int
store_billing_memberships(struct store *st, struct arena *a, const char *payer,
    int64_t from, int64_t to, struct billing_membership **out, size_t *n_out,
    struct err *e)
{
	static const char	*sql = "SELECT account_id, payer_id, joined_at, "
	    "COALESCE(left_at, 0) FROM memberships WHERE payer_id = ? AND "
	    "joined_at < ? AND (left_at IS NULL OR left_at > ?) ORDER BY "
	    "account_id, joined_at";
	struct stmt		*s;
	struct billing_membership *v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, payer);
	stmt_bind_int64(s, 2, to);
	stmt_bind_int64(s, 3, from);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		stmt_copy(s, 0, v[n].account_id, sizeof(v[n].account_id));
		stmt_copy(s, 1, v[n].payer_id, sizeof(v[n].payer_id));
		v[n].joined_at = stmt_int64(s, 2);
		v[n].left_at = stmt_int64(s, 3);
		n++;
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_billing_import_accounts(struct store *st, struct arena *a,
    int64_t import_id, struct billing_account_total **out, size_t *n_out,
    struct err *e)
{
	static const char	*sql = "SELECT t.account_id, t.lines, "
	    "t.unblended, t.out_lines, t.out_unblended, "
	    "COALESCE(c.id, ''), COALESCE(c.name, '') FROM (SELECT "
	    "account_id, SUM(line_count) AS lines, SUM(unblended) AS "
	    "unblended, SUM(CASE WHEN in_membership = 1 THEN 0 ELSE "
	    "line_count END) AS out_lines, SUM(CASE WHEN in_membership = 1 "
	    "THEN 0 ELSE unblended END) AS out_unblended FROM "
	    "billing_rollups WHERE import_id = ? GROUP BY account_id) t "
	    "LEFT JOIN customer_accounts ca ON ca.account_id = t.account_id "
	    "LEFT JOIN customers c ON c.id = ca.customer_id ORDER BY "
	    "t.account_id LIMIT 100000";
	struct stmt		*s;
	struct billing_account_total *v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, import_id);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		stmt_copy(s, 0, v[n].account_id, sizeof(v[n].account_id));
		v[n].lines = stmt_int64(s, 1);
		v[n].unblended = stmt_int64(s, 2);
		v[n].out_lines = stmt_int64(s, 3);
		v[n].out_unblended = stmt_int64(s, 4);
		stmt_copy(s, 5, v[n].customer_id, sizeof(v[n].customer_id));
		stmt_copy(s, 6, v[n].customer_name, sizeof(v[n].customer_name));
		n++;
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}
