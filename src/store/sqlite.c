/* SPDX-License-Identifier: MIT */
/*
 * The SQLite backend: connections (one per thread, WAL, full sync so that an
 * acknowledged write survives kill -9 and power loss), the statement cache,
 * migrations, transactions and the emulator's clock offset. The only file
 * that may hold SQLite-specific SQL.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/embed.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "store/db.h"
#include "store/store.h"

#define STMT_CACHE	256	/* power of two */
#define BUSY_TIMEOUT_MS	10000

struct stmt {
	sqlite3_stmt	*s;
	struct conn	*c;
};

struct conn {
	sqlite3		*db;
	struct store	*st;
	struct conn	*next;
	int		 depth;		/* transactions open (0 or 1) */
	struct {
		const char	*sql;
		struct stmt	 stmt;
	}		 cache[STMT_CACHE];
};

struct store {
	char		*path;
	int		 flags;
	pthread_key_t	 key;
	pthread_mutex_t	 lock;		/* guards conns */
	struct conn	*conns;
};

static void
conn_free(struct conn *c)
{
	size_t	 i;

	for (i = 0; i < STMT_CACHE; i++)
		if (c->cache[i].sql != NULL)
			sqlite3_finalize(c->cache[i].stmt.s);
	sqlite3_close(c->db);
	xfree(c);
}

/* Thread exit: close that thread's connection. */
static void
conn_destroy(void *arg)
{
	struct conn	*c = arg, **pp;
	struct store	*st = c->st;

	pthread_mutex_lock(&st->lock);
	for (pp = &st->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	pthread_mutex_unlock(&st->lock);
	conn_free(c);
}

static int
conn_exec(struct conn *c, const char *sql, struct err *e)
{
	char	*msg = NULL;

	if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, ERR_INTERNAL, "ServiceException", NULL,
		    "database error: %s", msg ? msg : "unknown");
		sqlite3_free(msg);
		return (-1);
	}
	return (0);
}

static struct conn *
conn_get(struct store *st, struct err *e)
{
	struct conn	*c;

	if ((c = pthread_getspecific(st->key)) != NULL)
		return (c);
	c = xcalloc(1, sizeof(*c));
	c->st = st;
	if (sqlite3_open_v2(st->path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err_set(e, ERR_INTERNAL, "ServiceException", NULL,
		    "cannot open database %s: %s", st->path,
		    sqlite3_errmsg(c->db));
		sqlite3_close(c->db);
		xfree(c);
		return (NULL);
	}
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(c->db, 1);
	if (conn_exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON;", e) == -1) {
		conn_free(c);
		return (NULL);
	}
	pthread_mutex_lock(&st->lock);
	c->next = st->conns;
	st->conns = c;
	pthread_mutex_unlock(&st->lock);
	pthread_setspecific(st->key, c);
	return (c);
}

static int
db_error(struct conn *c, int rc, struct err *e)
{
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return (err_set(e, ERR_CONFLICT, NULL, NULL, "%s",
		    sqlite3_errmsg(c->db)));
	if ((rc & 0xff) == SQLITE_FULL)
		return (err_set(e, ERR_INTERNAL, "ServiceException", NULL,
		    "the database disk is full"));
	return (err_set(e, ERR_INTERNAL, "ServiceException", NULL,
	    "database error: %s", sqlite3_errmsg(c->db)));
}

struct stmt *
db_stmt(struct store *st, const char *sql, struct err *e)
{
	struct conn	*c;
	size_t		 h, i;

	if ((c = conn_get(st, e)) == NULL)
		return (NULL);
	h = ((uintptr_t)sql >> 3) * 0x9e3779b97f4a7c15ULL >> 56;
	for (i = 0; i < STMT_CACHE; i++) {
		size_t j = (h + i) & (STMT_CACHE - 1);
		if (c->cache[j].sql == sql)
			return (&c->cache[j].stmt);
		if (c->cache[j].sql == NULL) {
			sqlite3_stmt *s;
			int rc = sqlite3_prepare_v3(c->db, sql, -1,
			    SQLITE_PREPARE_PERSISTENT, &s, NULL);
			if (rc != SQLITE_OK) {
				db_error(c, rc, e);
				return (NULL);
			}
			c->cache[j].sql = sql;
			c->cache[j].stmt.s = s;
			c->cache[j].stmt.c = c;
			return (&c->cache[j].stmt);
		}
	}
	err_set(e, ERR_INTERNAL, "ServiceException", NULL,
	    "statement cache full");
	return (NULL);
}

void
stmt_bind_text(struct stmt *s, int idx, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s->s, idx);
	else
		sqlite3_bind_text(s->s, idx, v, -1, SQLITE_TRANSIENT);
}

void
stmt_bind_int64(struct stmt *s, int idx, int64_t v)
{
	sqlite3_bind_int64(s->s, idx, v);
}

void
stmt_bind_null(struct stmt *s, int idx)
{
	sqlite3_bind_null(s->s, idx);
}

int
stmt_step(struct stmt *s, struct err *e)
{
	int	 rc = sqlite3_step(s->s);

	if (rc == SQLITE_ROW)
		return (1);
	if (rc == SQLITE_DONE)
		return (0);
	db_error(s->c, rc, e);
	sqlite3_reset(s->s);
	return (-1);
}

const char *
stmt_text(struct stmt *s, int col)
{
	const unsigned char	*p = sqlite3_column_text(s->s, col);

	return (p != NULL ? (const char *)p : "");
}

int64_t
stmt_int64(struct stmt *s, int col)
{
	return (sqlite3_column_int64(s->s, col));
}

int
stmt_is_null(struct stmt *s, int col)
{
	return (sqlite3_column_type(s->s, col) == SQLITE_NULL);
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

void
stmt_done(struct stmt *s)
{
	sqlite3_reset(s->s);
	sqlite3_clear_bindings(s->s);
}

int64_t
db_changes(struct store *st)
{
	struct conn	*c = pthread_getspecific(st->key);

	return (c != NULL ? sqlite3_changes(c->db) : 0);
}

int
db_exec(struct store *st, const char *sql, struct err *e)
{
	struct conn	*c;

	if ((c = conn_get(st, e)) == NULL)
		return (-1);
	return (conn_exec(c, sql, e));
}

/*
 * Applies, in name order, every embedded migration not yet recorded in
 * schema_migrations: one transaction for all, so a failed migration leaves
 * the database as it was. Recording each name (not a version number) means
 * a migration merged late with a lower number is still applied.
 */
static int
migrate(struct store *st, struct err *e)
{
	struct conn			*c;
	const struct embed_file		*m;
	sqlite3_stmt			*s;
	int				 done;

	if ((c = conn_get(st, e)) == NULL)
		return (-1);
	if (conn_exec(c, "BEGIN IMMEDIATE", e) == -1)
		return (-1);
	if (conn_exec(c, "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY "
	    "KEY, value TEXT NOT NULL); CREATE TABLE IF NOT EXISTS "
	    "schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT "
	    "NULL)", e) == -1)
		goto fail;
	for (m = embed_migrations; m->name != NULL; m++) {
		if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM schema_migrations "
		    "WHERE name = ?", -1, &s, NULL) != SQLITE_OK)
			goto dberr;
		sqlite3_bind_text(s, 1, m->name, -1, SQLITE_STATIC);
		done = sqlite3_step(s) == SQLITE_ROW;
		sqlite3_finalize(s);
		if (done)
			continue;
		log_info("store: applying migration %s", m->name);
		if (conn_exec(c, (const char *)m->data, e) == -1)
			goto fail;
		if (sqlite3_prepare_v2(c->db, "INSERT INTO schema_migrations "
		    "(name, applied_at) VALUES (?, ?)", -1, &s, NULL) !=
		    SQLITE_OK)
			goto dberr;
		sqlite3_bind_text(s, 1, m->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, clock_real_ms());
		done = sqlite3_step(s);
		sqlite3_finalize(s);
		if (done != SQLITE_DONE)
			goto dberr;
	}
	return (conn_exec(c, "COMMIT", e));
dberr:
	err_set(e, ERR_INTERNAL, "ServiceException", NULL,
	    "migration failed: %s", sqlite3_errmsg(c->db));
fail:
	conn_exec(c, "ROLLBACK", NULL);
	return (-1);
}

int
store_open(const char *path, int flags, struct store **out, struct err *e)
{
	struct store	*st;

	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	st->flags = flags;
	pthread_mutex_init(&st->lock, NULL);
	if (pthread_key_create(&st->key, conn_destroy) != 0) {
		xfree(st->path);
		xfree(st);
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "cannot create thread key"));
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
	struct conn	*c, *next;

	if (st == NULL)
		return;
	pthread_setspecific(st->key, NULL);
	pthread_mutex_lock(&st->lock);
	for (c = st->conns; c != NULL; c = next) {
		next = c->next;
		conn_free(c);
	}
	st->conns = NULL;
	pthread_mutex_unlock(&st->lock);
	pthread_key_delete(st->key);
	pthread_mutex_destroy(&st->lock);
	xfree(st->path);
	xfree(st);
}

int
store_flags(const struct store *st)
{
	return (st->flags);
}

const char *
store_path(const struct store *st)
{
	return (st->path);
}

int
store_begin(struct store *st, enum store_txn kind, struct err *e)
{
	struct conn	*c;

	if ((c = conn_get(st, e)) == NULL)
		return (-1);
	if (c->depth != 0)
		return (err_set(e, ERR_INTERNAL, "ServiceException", NULL,
		    "nested transaction"));
	if (conn_exec(c, kind == STORE_WRITE ? "BEGIN IMMEDIATE" : "BEGIN",
	    e) == -1)
		return (-1);
	c->depth = 1;
	return (0);
}

int
store_commit(struct store *st, struct err *e)
{
	struct conn	*c = pthread_getspecific(st->key);

	if (c == NULL || c->depth == 0)
		return (0);
	if (conn_exec(c, "COMMIT", e) == -1) {
		conn_exec(c, "ROLLBACK", NULL);
		c->depth = 0;
		return (-1);
	}
	c->depth = 0;
	return (0);
}

void
store_rollback(struct store *st)
{
	struct conn	*c = pthread_getspecific(st->key);

	if (c == NULL || c->depth == 0)
		return;
	conn_exec(c, "ROLLBACK", NULL);
	c->depth = 0;
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
	    "CAST(CAST(meta.value AS INTEGER) + CAST(excluded.value AS INTEGER) "
	    "AS TEXT)";
	struct stmt		*s;
	char			 v[32];
	int			 rc;

	if (!(st->flags & STORE_EMULATOR))
		return (err_set(e, ERR_DENIED, "AccessDeniedException", NULL,
		    "the test clock exists only in emulator mode"));
	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	snprintf(v, sizeof(v), "%lld", (long long)ms);
	stmt_bind_text(s, 1, v);
	rc = stmt_step(s, e);
	stmt_done(s);
	return (rc == -1 ? -1 : 0);
}

int
store_wipe(struct store *st, struct err *e)
{
	struct conn	*c;
	sqlite3_stmt	*s;
	struct {
		char	 name[64];
	}		 tables[64];
	int		 n = 0, i;
	char		 sql[128];

	if ((c = conn_get(st, e)) == NULL)
		return (-1);
	if (sqlite3_prepare_v2(c->db, "SELECT name FROM sqlite_master WHERE "
	    "type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN "
	    "('meta', 'schema_migrations')",
	    -1, &s, NULL) != SQLITE_OK)
		return (db_error(c, SQLITE_ERROR, e));
	while (sqlite3_step(s) == SQLITE_ROW && n < 64)
		snprintf(tables[n++].name, sizeof(tables[0].name), "%s",
		    (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	/* Inside the caller's transaction: check references at commit only. */
	if (conn_exec(c, "PRAGMA defer_foreign_keys=ON", e) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		snprintf(sql, sizeof(sql), "DELETE FROM \"%.60s\"", tables[i].name);
		if (conn_exec(c, sql, e) == -1)
			break;
	}
	conn_exec(c, "DELETE FROM meta WHERE key = 'clock_offset_ms'", NULL);
	return (i == n ? 0 : -1);
}
