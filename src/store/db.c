/* SPDX-License-Identifier: MIT */
/*
 * The backend-neutral part of the store: picks the backend from the path
 * (a libpq connection string opens PostgreSQL, anything else a SQLite
 * file), dispatches the driver calls of db.h to it, applies the embedded
 * migrations (one numbered set, per-backend lines marked "--sqlite: " or
 * "--pg: ") and keeps the emulator's clock offset. Backends: sqlite.c, pg.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/embed.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "store/backend.h"
#include "store/db.h"
#include "store/store.h"

/* A libpq URI, or a key=value conninfo naming a host or a database. */
static int
is_pg(const char *path)
{
	return (strncmp(path, "postgresql://", 13) == 0 ||
	    strncmp(path, "postgres://", 11) == 0 ||
	    strstr(path, "host=") != NULL || strstr(path, "dbname=") != NULL);
}

struct stmt *
db_stmt(struct store *st, const char *sql, struct err *e)
{
	return (st->be->prepare(st, sql, DB_CACHED, e));
}

struct stmt *
db_bulk(struct store *st, const char *sql, struct err *e)
{
	return (st->be->prepare(st, sql, DB_CACHED | DB_BULK, e));
}

struct stmt *
db_prepare(struct store *st, const char *sql, int flags, struct err *e)
{
	return (st->be->prepare(st, sql, flags & ~DB_CACHED, e));
}

void
db_finalize(struct stmt *s)
{
	if (s != NULL)
		s->be->finalize(s);
}

void
stmt_bind_text(struct stmt *s, int idx, const char *v)
{
	s->be->bind_text(s, idx, v);
}

void
stmt_bind_int64(struct stmt *s, int idx, int64_t v)
{
	s->be->bind_int64(s, idx, v);
}

void
stmt_bind_null(struct stmt *s, int idx)
{
	s->be->bind_null(s, idx);
}

int
stmt_step(struct stmt *s, struct err *e)
{
	return (s->be->step(s, e));
}

const char *
stmt_text(struct stmt *s, int col)
{
	return (s->be->text(s, col));
}

int64_t
stmt_int64(struct stmt *s, int col)
{
	return (s->be->int64(s, col));
}

int
stmt_is_null(struct stmt *s, int col)
{
	return (s->be->kind(s, col) == DB_NULL);
}

enum db_kind
stmt_kind(struct stmt *s, int col)
{
	return (s->be->kind(s, col));
}

int
stmt_columns(struct stmt *s)
{
	return (s->be->columns(s));
}

const char *
stmt_column_name(struct stmt *s, int col)
{
	return (s->be->column_name(s, col));
}

void
stmt_copy(struct stmt *s, int col, char *dst, size_t size)
{
	const char	*p = stmt_text(s, col);
	size_t		 len = strlen(p);

	if (len >= size)
		len = size - 1;
	memcpy(dst, p, len);
	dst[len] = '\0';
}

void *
db_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t elem)
{
	void	*nv;

	if (n < *cap)
		return (v);
	*cap = *cap ? *cap * 2 : 16;
	nv = arena_zalloc(a, *cap * elem);
	if (n > 0)
		memcpy(nv, v, n * elem);
	return (nv);
}

int
stmt_exec(struct stmt *s, struct err *e)
{
	int	 rc;

	rc = stmt_step(s, e);
	stmt_done(s);
	return (rc == -1 ? -1 : 0);
}

void
stmt_done(struct stmt *s)
{
	s->be->done(s);
}

int64_t
db_changes(struct store *st)
{
	return (st->be->changes(st));
}

int
db_exec(struct store *st, const char *sql, struct err *e)
{
	return (st->be->exec(st, sql, e));
}

char *
db_dialect_sql(const struct store_backend *be, const char *sql)
{
	size_t		 dlen = strlen(be->dialect), len;
	const char	*p, *nl;
	char		*out, *o;

	o = out = xmalloc(strlen(sql) + 1);
	for (p = sql; *p != '\0'; p = nl) {
		nl = strchr(p, '\n');
		nl = nl != NULL ? nl + 1 : p + strlen(p);
		len = (size_t)(nl - p);
		if (strncmp(p, be->dialect, dlen) == 0) {
			p += dlen;
			len -= dlen;
			if (len > 0 && *p == ' ') {
				p++;
				len--;
			}
		} else if (p[0] == '-' && p[1] == '-' &&
		    strncmp(p, "--sqlite:", 9) != 0 &&
		    strncmp(p, "--pg:", 5) != 0) {
			/* An ordinary comment: keep it. */
		} else if (p[0] == '-' && p[1] == '-')
			continue;	/* another backend's line */
		memcpy(o, p, len);
		o += len;
	}
	*o = '\0';
	return (out);
}

/*
 * SQLite's "INTEGER PRIMARY KEY" is a rowid that numbers itself; on
 * PostgreSQL it is a plain column that would fail every insert without an
 * id. A migration must say what it means for each backend.
 */
static int
check_portable(const struct store_backend *be, const char *name,
    const char *sql, struct err *e)
{
	if (be != &store_pg || strstr(sql, "INTEGER PRIMARY KEY") == NULL)
		return (0);
	return (err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
	    "migration %s: INTEGER PRIMARY KEY is SQLite's rowid; give "
	    "'--sqlite: ' and '--pg: ' variants of the line", name));
}

/*
 * Applies, in name order, every embedded migration not yet recorded in
 * schema_migrations: one transaction for all (PostgreSQL's DDL is
 * transactional too), so a failed migration leaves the database as it
 * was. The write transaction's lock also keeps two servers starting at
 * once from both applying them. Recording each name (not a version
 * number) means a migration merged late with a lower number still applies.
 */
static int
migrate(struct store *st, struct err *e)
{
	static const char		*seen = "SELECT 1 FROM schema_migrations "
	    "WHERE name = ?";
	static const char		*add = "INSERT INTO schema_migrations "
	    "(name, applied_at) VALUES (?, ?)";
	const struct embed_file		*m;
	struct stmt			*s;
	char				*sql;
	const char			*first = NULL, *last = NULL;
	int				 rc;

	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (db_exec(st, "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY "
	    "KEY, value TEXT NOT NULL)", e) == -1 ||
	    db_exec(st, "CREATE TABLE IF NOT EXISTS schema_migrations (name "
	    "TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)", e) == -1)
		goto fail;
	for (m = embed_migrations; m->name != NULL; m++) {
		if ((s = db_stmt(st, seen, e)) == NULL)
			goto fail;
		stmt_bind_text(s, 1, m->name);
		rc = stmt_step(s, e);
		stmt_done(s);
		if (rc == -1)
			goto fail;
		if (rc == 1)
			continue;
		if (first == NULL)
			first = m->name;
		last = m->name;
		sql = db_dialect_sql(st->be, (const char *)m->data);
		rc = check_portable(st->be, m->name, sql, e);
		if (rc == 0)
			rc = db_exec(st, sql, e);
		xfree(sql);
		if (rc == -1) {
			log_warnx("store: migration %s failed: %s", m->name,
			    e != NULL ? e->msg : "");
			goto fail;
		}
		if ((s = db_stmt(st, add, e)) == NULL)
			goto fail;
		stmt_bind_text(s, 1, m->name);
		stmt_bind_int64(s, 2, clock_real_ms());
		rc = stmt_step(s, e);
		stmt_done(s);
		if (rc == -1)
			goto fail;
	}
	if (store_commit(st, e) == -1)
		return (-1);
	/* One line, not one per file: tests open many fresh databases. */
	if (first != NULL)
		log_info("store: applied migrations %.3s to %.3s (%s)", first,
		    last, st->be->name);
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
store_open(const char *path, int flags, struct store **out, struct err *e)
{
	struct store	*st;

	st = xcalloc(1, sizeof(*st));
	st->be = is_pg(path) ? &store_pg : &store_sqlite;
	st->path = xstrdup(path);
	st->flags = flags;
	if (st->be->open(st, e) == -1) {
		xfree(st->path);
		xfree(st);
		return (-1);
	}
	if (migrate(st, e) == -1) {
		store_close(st);
		return (-1);
	}
	*out = st;
	return (0);
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	st->be->close(st);
	xfree(st->path);
	xfree(st);
}

int
store_space_reserve(struct store *st, struct err *e)
{
	if (st->be->reserve == NULL)
		return (0);
	return (st->be->reserve(st, e));
}

int
store_db_clock(struct store *st, int64_t *ms_out, struct err *e)
{
	static const char	*lite = "SELECT CAST((julianday('now') - "
	    "2440587.5) * 86400000.0 AS INTEGER)";
	static const char	*pg = "SELECT CAST(EXTRACT(EPOCH FROM "
	    "clock_timestamp()) * 1000 AS BIGINT)";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, strcmp(st->be->name, "sqlite") == 0 ? lite : pg,
	    e)) == NULL)
		return (-1);
	if ((rc = stmt_step(s, e)) == 1)
		*ms_out = stmt_int64(s, 0);
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
		    "the database has no clock"));
	return (rc == 1 ? 0 : -1);
}

int
store_emulated(const struct store *st)
{
	return ((st->flags & STORE_EMULATOR) != 0);
}

const char *
store_backend_name(const struct store *st)
{
	return (st->be->name);
}

int
store_begin(struct store *st, enum store_txn kind, struct err *e)
{
	return (st->be->begin(st, kind, e));
}

int
store_commit(struct store *st, struct err *e)
{
	return (st->be->commit(st, e));
}

void
store_rollback(struct store *st)
{
	st->be->rollback(st);
}

int
store_wipe(struct store *st, struct err *e)
{
	if (st->be->wipe(st, e) == -1)
		return (-1);
	return (db_exec(st, "DELETE FROM meta WHERE key = 'clock_offset_ms'",
	    e));
}

int64_t
store_now(struct store *st)
{
	static const char	*sql =
	    "SELECT value FROM meta WHERE key = 'clock_offset_ms'";
	struct stmt		*s;
	int64_t			 off = 0;

	if (!(st->flags & STORE_EMULATOR))
		return (clock_real_ms());
	if ((s = db_stmt(st, sql, NULL)) != NULL) {
		if (stmt_step(s, NULL) == 1)
			off = strtoll(stmt_text(s, 0), NULL, 10);
		stmt_done(s);
	}
	return (clock_real_ms() + off);
}

int
store_clock_advance(struct store *st, int64_t ms, struct err *e)
{
	static const char	*sql =
	    "INSERT INTO meta (key, value) VALUES ('clock_offset_ms', ?) "
	    "ON CONFLICT (key) DO UPDATE SET value = "
	    "CAST(CAST(meta.value AS BIGINT) + CAST(excluded.value AS BIGINT) "
	    "AS TEXT)";
	struct stmt		*s;
	char			 v[32];
	int			 rc;

	if (!(st->flags & STORE_EMULATOR))
		return (err_set(e, ERR_DENIED, AWSERR(AccessDeniedException),
		    NULL,
		    "the test clock exists only in emulator mode"));
	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	snprintf(v, sizeof(v), "%lld", (long long)ms);
	stmt_bind_text(s, 1, v);
	rc = stmt_step(s, e);
	stmt_done(s);
	return (rc == -1 ? -1 : 0);
}
