/* SPDX-License-Identifier: MIT */
/*
 * Billing in the store: imports, the current version of each (payer,
 * period), daily rollups, and the membership history as attribution reads
 * it. Portable SQL; see store.h and migrations/003_billing.sql.
 */
#include <string.h>

#include "core/xmalloc.h"
#include "store/billing.h"
#include "store/db.h"
#include "store/row.h"
#include "store/store.h"

static const struct col import_cols[] = {
	COL_I64(struct billing_import, id, COL_RO),
	COL_T(struct billing_import, payer_id, 0),
	COL_T(struct billing_import, period, 0),
	COL_T(struct billing_import, status, 0),
	COL_T(struct billing_import, format, 0),
	COL_T(struct billing_import, role, 0),
	COL_T(struct billing_import, file_name, 0),
	COL_T(struct billing_import, digest, 0),
	COL_T(struct billing_import, currency, 0),
	COL_I64(struct billing_import, bytes, 0),
	COL_I64(struct billing_import, rows, 0),
	COL_I64(struct billing_import, rejected, 0),
	COL_I64(struct billing_import, replaces, COL_NULL),
	COL_I64(struct billing_import, pid, 0),
	COL_I64(struct billing_import, started_at, 0),
	COL_I64(struct billing_import, finished_at, COL_NULL),
	COL_T(struct billing_import, owner, 0),
	COL_T(struct billing_import, owner_host, 0),
	COL_T(struct billing_import, owner_proc, 0),
	COL_I64(struct billing_import, lease_until, 0),
};
static const struct row import_row = ROW(struct billing_import, import_cols);

int
store_billing_import_insert(struct store *st, struct billing_import *io,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&import_row,
	    "INSERT INTO billing_imports {insert} RETURNING id");
	struct stmt		*s;
	int			 rc;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	if (io->role[0] == '\0')
		snprintf(io->role, sizeof(io->role), "billing");
	row_bind(s, 1, &import_row, io, 1);
	if ((rc = stmt_step(s, e)) == 1)
		io->id = stmt_int64(s, 0);
	stmt_done(s);
	return (rc == 1 ? 0 : -1);
}

int
store_billing_import_get(struct store *st, int64_t id,
    struct billing_import *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&import_row,
	    "SELECT {cols} FROM billing_imports WHERE id = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_INT(id)),
	    &import_row, out, e, "import %lld does not exist", (long long)id));
}

static const struct col reject_cols[] = {
	COL_I64(struct billing_reject, import_id, 0),
	COL_I64(struct billing_reject, seq, 0),
	COL_T(struct billing_reject, file, 0),
	COL_I64(struct billing_reject, line, 0),
	COL_I64(struct billing_reject, col, 0),
	COL_T(struct billing_reject, column_name, 0),
	COL_T(struct billing_reject, why, 0),
};
static const struct row reject_row = ROW(struct billing_reject, reject_cols);

int
store_billing_rejects_insert(struct store *st, const struct billing_reject *v,
    size_t n, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&reject_row,
	    "INSERT INTO billing_import_rejects {insert}");
	size_t			 i;

	for (i = 0; i < n; i++)
		if (row_insert(st, &q, &v[i], e) == -1)
			return (-1);
	return (0);
}

int
store_billing_rejects(struct store *st, struct arena *a, int64_t import_id,
    size_t max, struct billing_reject **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&reject_row,
	    "SELECT {cols} FROM billing_import_rejects WHERE import_id = ? "
	    "ORDER BY seq LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_INT(import_id),
	    BIND_INT((int64_t)max)), a, &reject_row, max, out, n_out, e));
}

int
store_billing_current(struct store *st, const char *payer,
    const char *period, struct billing_import *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&import_row,
	    "SELECT {cols} FROM billing_imports WHERE id = (SELECT import_id "
	    "FROM billing_periods WHERE payer_id = ? AND period = ?)");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(payer),
	    BIND_TEXT(period)), &import_row, out, e, "no import of %s for %s",
	    period, payer));
}

static const struct col source_cols[] = {
	COL_I64(struct billing_source, id, 0),
	COL_T(struct billing_source, payer_id, 0),
	COL_T(struct billing_source, period, 0),
	COL_T(struct billing_source, currency, 0),
	COL_I64(struct billing_source, started_at, 0),
	COL_T(struct billing_source, digest, 0),
	COL_T(struct billing_source, role, 0),
};
static const struct row source_row = ROW(struct billing_source, source_cols);

int
store_billing_sources(struct store *st, struct arena *a, const char *payer_id,
    const char *role, const char *from, const char *to,
    struct billing_source **out, size_t *n_out, struct err *e)
{
	/* Two statements: "(? = '' OR payer_id = ?)" would keep the
	 * primary key's (payer_id, period) order out. */
	static struct row_sql	 one = ROW_SQL(&source_row,
	    "SELECT {cols i} FROM billing_periods p JOIN billing_imports i ON "
	    "i.id = p.import_id WHERE p.payer_id = ? AND p.period >= ? AND "
	    "p.period <= ? AND i.role = ? ORDER BY p.period, p.payer_id "
	    "LIMIT 1000");
	static struct row_sql	 any = ROW_SQL(&source_row,
	    "SELECT {cols i} FROM billing_periods p JOIN billing_imports i ON "
	    "i.id = p.import_id WHERE p.period >= ? AND p.period <= ? AND "
	    "i.role = ? ORDER BY p.period, p.payer_id LIMIT 1000");
	struct stmt		*s;

	if (payer_id[0] != '\0')
		s = row_binds(row_stmt(st, &one, e), BIND_TEXT(payer_id),
		    BIND_TEXT(from), BIND_TEXT(to), BIND_TEXT(role));
	else
		s = row_binds(row_stmt(st, &any, e), BIND_TEXT(from),
		    BIND_TEXT(to), BIND_TEXT(role));
	return (row_all(s, a, &source_row, 1000, out, n_out, e));
}

int
store_billing_imports(struct store *st, struct arena *a, const char *status,
    size_t limit, struct billing_import **out, size_t *n_out, struct err *e)
{
	/* Two statements: "(? = '' OR status = ?)" would keep the status
	 * index out, and "running" is looked for among every import. */
	static struct row_sql	 all = ROW_SQL(&import_row,
	    "SELECT {cols} FROM billing_imports ORDER BY id DESC LIMIT ?");
	static struct row_sql	 one = ROW_SQL(&import_row,
	    "SELECT {cols} FROM billing_imports WHERE status = ? "
	    "ORDER BY id DESC LIMIT ?");
	struct stmt		*s;

	if (status[0] != '\0')
		s = row_binds(row_stmt(st, &one, e), BIND_TEXT(status),
		    BIND_INT((int64_t)limit));
	else
		s = row_binds(row_stmt(st, &all, e), BIND_INT((int64_t)limit));
	return (row_all(s, a, &import_row, limit, out, n_out, e));
}

int
store_billing_import_fail(struct store *st, int64_t id, const char *owner,
    int64_t when, struct err *e)
{
	static const char	*upd = "UPDATE billing_imports SET status = "
	    "'failed', finished_at = ? WHERE id = ? AND status = 'running' "
	    "AND owner = ? AND NOT EXISTS (SELECT 1 FROM billing_rollups "
	    "WHERE import_id = ?) AND NOT EXISTS (SELECT 1 FROM "
	    "billing_hourly WHERE import_id = ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, upd, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, when);
	stmt_bind_int64(s, 2, id);
	stmt_bind_text(s, 3, owner);
	stmt_bind_int64(s, 4, id);
	stmt_bind_int64(s, 5, id);
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
	 * a key). The import's hourly rows first, then its rollups. */
	static const char	*lite[2] = { "DELETE FROM billing_hourly WHERE "
	    "rowid IN (SELECT rowid FROM billing_hourly WHERE import_id = ? "
	    "LIMIT ?)", "DELETE FROM billing_rollups WHERE "
	    "rowid IN (SELECT rowid FROM billing_rollups WHERE import_id = ? "
	    "LIMIT ?)" };
	static const char	*pg[2] = { "DELETE FROM billing_hourly WHERE "
	    "ctid = ANY (ARRAY (SELECT ctid FROM billing_hourly WHERE "
	    "import_id = ? LIMIT ?))", "DELETE FROM billing_rollups WHERE "
	    "ctid = ANY (ARRAY (SELECT ctid FROM billing_rollups WHERE "
	    "import_id = ? LIMIT ?))" };
	static const char	*cm = "DELETE FROM billing_commitments WHERE "
	    "import_id = ?";
	struct stmt		*s;
	int64_t			 n = 0;
	int			 i;

	/* Its commitments: few, at once. */
	if ((s = db_stmt(st, cm, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, import_id);
	if (stmt_exec(s, e) == -1)
		return (-1);
	for (i = 0; i < 2 && (size_t)n < limit; i++) {
		if ((s = db_stmt(st, strcmp(store_backend_name(st),
		    "sqlite") == 0 ? lite[i] : pg[i], e)) == NULL)
			return (-1);
		stmt_bind_int64(s, 1, import_id);
		stmt_bind_int64(s, 2, (int64_t)limit - n);
		if (stmt_exec(s, e) == -1)
			return (-1);
		n += db_changes(st);
	}
	*deleted_out = n;
	return (0);
}

/* A rollup's 19 columns, bound from b + 1 on, in the order of ROLLUP_COLS;
 * an hourly row's two more after them. */
#define ROLLUP_NCOLS	19
#define HOURLY_NCOLS	21
static void
rollup_bind(struct stmt *s, int b, int ncols, int64_t import_id,
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
	stmt_bind_text(s, b + 19, r->attrs != NULL ? r->attrs : "");
	if (ncols == ROLLUP_NCOLS)
		return;
	stmt_bind_int64(s, b + 20, r->hour);
	stmt_bind_text(s, b + 21, r->resource_id != NULL ?
	    r->resource_id : "");
}

static const struct col commitment_cols[] = {
	COL_I64(struct billing_commitment, import_id, 0),
	COL_S(struct billing_commitment, kind, 0),
	COL_S(struct billing_commitment, arn, 0),
	COL_S(struct billing_commitment, attrs, 0),
};
static const struct row commitment_row = ROW(struct billing_commitment,
    commitment_cols);

int
store_billing_commitment_insert(struct store *st,
    const struct billing_commitment *c, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&commitment_row,
	    "INSERT INTO billing_commitments {insert}");

	return (row_insert(st, &q, c, e));
}

int
store_billing_commitments(struct store *st, struct arena *a,
    int64_t import_id, struct billing_commitment **out, size_t *n_out,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&commitment_row,
	    "SELECT {cols} FROM billing_commitments WHERE import_id = ? "
	    "ORDER BY kind, arn");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_INT(import_id)),
	    a, &commitment_row, BILLING_COMMITMENTS_MAX, out, n_out, e));
}

int
store_billing_hourly_prune(struct store *st, const char *before_day,
    struct err *e)
{
	static const char	*sql = "DELETE FROM billing_hourly WHERE day < ?";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, before_day);
	return (stmt_exec(s, e));
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

#define ROLLUP_COLS	"import_id, period, day, payer_id, account_id, " \
	"product_code, usage_type, operation, region, line_item_type, " \
	"pricing_term, in_membership, unblended, net_unblended, amortized, " \
	"public_on_demand, usage_amount, line_count, attrs"
#define Q19	"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
#define V19	"(" Q19 ")"
#define V21	"(" Q19 ", ?, ?)"
#define X2(v)	v ", " v
#define X128(v)	X2(X2(X2(X2(X2(X2(X2(v)))))))
_Static_assert(STORE_ROLLUP_MULTI == 128, "X128 writes 128 rows");

/* A table of an import's rows: one row's INSERT (PostgreSQL sends the
 * rows with COPY, db_bulk) and STORE_ROLLUP_MULTI rows' (SQLite). */
struct rows_sql {
	const char	*one;
	const char	*multi;
	int		 ncols;
};

static int
rows_insert(struct store *st, const struct rows_sql *q, int64_t import_id,
    const struct billing_rollup *r, size_t n, struct err *e)
{
	struct stmt	*s;
	size_t		 i = 0, j;
	int		 rc;

	if (strcmp(store_backend_name(st), "sqlite") == 0) {
		for (; i + STORE_ROLLUP_MULTI <= n; i += STORE_ROLLUP_MULTI) {
			if ((s = db_stmt(st, q->multi, e)) == NULL)
				return (-1);
			for (j = 0; j < STORE_ROLLUP_MULTI; j++)
				rollup_bind(s, q->ncols * (int)j, q->ncols,
				    import_id, &r[i + j]);
			rc = stmt_step(s, e);
			stmt_done(s);
			if (rc == -1)
				return (-1);
		}
	}
	for (; i < n; i++) {
		if ((s = db_bulk(st, q->one, e)) == NULL)
			return (-1);
		rollup_bind(s, 0, q->ncols, import_id, &r[i]);
		if (stmt_exec(s, e) == -1)
			return (-1);
	}
	return (0);
}

int
store_billing_rollup_insert_many(struct store *st, int64_t import_id,
    const struct billing_rollup *r, size_t n, struct err *e)
{
	static const struct rows_sql	 q = {
		"INSERT INTO billing_rollups (" ROLLUP_COLS ") VALUES " V19,
		"INSERT INTO billing_rollups (" ROLLUP_COLS ") VALUES "
		    X128(V19),
		ROLLUP_NCOLS
	};

	return (rows_insert(st, &q, import_id, r, n, e));
}

int
store_billing_hourly_insert_many(struct store *st, int64_t import_id,
    const struct billing_rollup *r, size_t n, struct err *e)
{
	static const struct rows_sql	 q = {
		"INSERT INTO billing_hourly (" ROLLUP_COLS ", hour, "
		    "resource_id) VALUES " V21,
		"INSERT INTO billing_hourly (" ROLLUP_COLS ", hour, "
		    "resource_id) VALUES " X128(V21),
		HOURLY_NCOLS
	};

	return (rows_insert(st, &q, import_id, r, n, e));
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
	    "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0" :
	    "PRAGMA cache_size = -2000; PRAGMA synchronous = FULL; "
	    "PRAGMA wal_autocheckpoint = 1000", e));
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
	static const char	*delh = "DELETE FROM billing_hourly "
	    "WHERE import_id = ?";
	static const char	*delc = "DELETE FROM billing_commitments "
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
		if (rc == -1 || (s = db_stmt(st, delh, e)) == NULL)
			return (-1);
		stmt_bind_int64(s, 1, prev);
		rc = stmt_step(s, e);
		stmt_done(s);
		if (rc == -1 || (s = db_stmt(st, delc, e)) == NULL)
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
