/* SPDX-License-Identifier: MIT */
/*
 * The SQLite backend (see backend.h): connections (one per thread, WAL,
 * full sync so that an acknowledged write survives kill -9 and power
 * loss), the statement cache, transactions (BEGIN IMMEDIATE for writes)
 * and the wipe. The only file that may hold SQLite-specific SQL besides
 * the "--sqlite: " lines of the migrations.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "store/backend.h"
#include "store/db.h"
#include "store/store.h"

#define STMT_CACHE	1024	/* power of two; the program has ~200 statements */
#define BUSY_TIMEOUT_MS	10000

struct lite_stmt {
	struct stmt	 base;
	sqlite3_stmt	*s;
	struct conn	*c;
};

struct conn {
	sqlite3		*db;
	struct lite	*lt;
	struct conn	*next;
	int		 depth;		/* transactions open (0 or 1) */
	struct {
		const char	*sql;
		struct lite_stmt stmt;
	}		 cache[STMT_CACHE];
};

struct lite {
	struct store	*st;
	pthread_key_t	 key;
	pthread_mutex_t	 lock;		/* guards conns */
	struct conn	*conns;
};

#define LITE(st)	((struct lite *)(st)->impl)
#define LS(x)		((struct lite_stmt *)(void *)(x))

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
	struct lite	*lt = c->lt;

	pthread_mutex_lock(&lt->lock);
	for (pp = &lt->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	pthread_mutex_unlock(&lt->lock);
	conn_free(c);
}

static int
conn_exec(struct conn *c, const char *sql, struct err *e)
{
	char	*msg = NULL;

	if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
		    "database error: %s", msg ? msg : "unknown");
		sqlite3_free(msg);
		return (-1);
	}
	return (0);
}

static struct conn *
conn_get(struct store *st, struct err *e)
{
	struct lite	*lt = LITE(st);
	struct conn	*c;

	if ((c = pthread_getspecific(lt->key)) != NULL)
		return (c);
	c = xcalloc(1, sizeof(*c));
	c->lt = lt;
	if (sqlite3_open_v2(st->path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
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
	pthread_mutex_lock(&lt->lock);
	c->next = lt->conns;
	lt->conns = c;
	pthread_mutex_unlock(&lt->lock);
	pthread_setspecific(lt->key, c);
	return (c);
}

static int
db_error(struct conn *c, int rc, struct err *e)
{
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return (err_set(e, ERR_CONFLICT, NULL, NULL, "%s",
		    sqlite3_errmsg(c->db)));
	if ((rc & 0xff) == SQLITE_FULL)
		return (err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
		    "the database disk is full"));
	return (err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
	    "database error: %s", sqlite3_errmsg(c->db)));
}

static struct stmt *
lite_prepare(struct store *st, const char *sql, int flags, struct err *e)
{
	struct conn	*c;
	struct lite_stmt *ls;
	sqlite3_stmt	*s;
	size_t		 h, i;
	int		 rc;

	if ((c = conn_get(st, e)) == NULL)
		return (NULL);
	if (!(flags & DB_CACHED)) {
		if ((rc = sqlite3_prepare_v2(c->db, sql, -1, &s, NULL)) !=
		    SQLITE_OK) {
			db_error(c, rc, e);
			return (NULL);
		}
		ls = xcalloc(1, sizeof(*ls));
		ls->base.be = &store_sqlite;
		ls->s = s;
		ls->c = c;
		return (&ls->base);
	}
	h = ((uintptr_t)sql >> 3) * 0x9e3779b97f4a7c15ULL >> 54;
	for (i = 0; i < STMT_CACHE; i++) {
		size_t j = (h + i) & (STMT_CACHE - 1);
		if (c->cache[j].sql == sql)
			return (&c->cache[j].stmt.base);
		if (c->cache[j].sql == NULL) {
			rc = sqlite3_prepare_v3(c->db, sql, -1,
			    SQLITE_PREPARE_PERSISTENT, &s, NULL);
			if (rc != SQLITE_OK) {
				db_error(c, rc, e);
				return (NULL);
			}
			c->cache[j].sql = sql;
			c->cache[j].stmt.base.be = &store_sqlite;
			c->cache[j].stmt.s = s;
			c->cache[j].stmt.c = c;
			return (&c->cache[j].stmt.base);
		}
	}
	err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
	    "statement cache full");
	return (NULL);
}

static void
lite_finalize(struct stmt *s)
{
	sqlite3_finalize(LS(s)->s);
	xfree(LS(s));
}

/* SQLITE_STATIC: no copy. Every store function binds and steps in one
 * call, so the strings outlive the step (a rollup batch's store phase is
 * 20 % faster without the copies). */
static void
lite_bind_text(struct stmt *s, int idx, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(LS(s)->s, idx);
	else
		sqlite3_bind_text(LS(s)->s, idx, v, -1, SQLITE_STATIC);
}

static void
lite_bind_int64(struct stmt *s, int idx, int64_t v)
{
	sqlite3_bind_int64(LS(s)->s, idx, v);
}

static void
lite_bind_null(struct stmt *s, int idx)
{
	sqlite3_bind_null(LS(s)->s, idx);
}

static int
lite_step(struct stmt *s, struct err *e)
{
	int	 rc = sqlite3_step(LS(s)->s);

	if (rc == SQLITE_ROW)
		return (1);
	if (rc == SQLITE_DONE)
		return (0);
	db_error(LS(s)->c, rc, e);
	sqlite3_reset(LS(s)->s);
	return (-1);
}

static const char *
lite_text(struct stmt *s, int col)
{
	const unsigned char	*p = sqlite3_column_text(LS(s)->s, col);

	return (p != NULL ? (const char *)p : "");
}

static int64_t
lite_int64(struct stmt *s, int col)
{
	return (sqlite3_column_int64(LS(s)->s, col));
}

static enum db_kind
lite_kind(struct stmt *s, int col)
{
	switch (sqlite3_column_type(LS(s)->s, col)) {
	case SQLITE_NULL:
		return (DB_NULL);
	case SQLITE_INTEGER:
		return (DB_INT);
	default:
		return (DB_TEXT);
	}
}

static int
lite_columns(struct stmt *s)
{
	return (sqlite3_column_count(LS(s)->s));
}

static const char *
lite_column_name(struct stmt *s, int col)
{
	return (sqlite3_column_name(LS(s)->s, col));
}

static void
lite_done(struct stmt *s)
{
	sqlite3_reset(LS(s)->s);
	sqlite3_clear_bindings(LS(s)->s);
}

static int64_t
lite_changes(struct store *st)
{
	struct conn	*c = pthread_getspecific(LITE(st)->key);

	return (c != NULL ? sqlite3_changes(c->db) : 0);
}

static int
lite_exec(struct store *st, const char *sql, struct err *e)
{
	struct conn	*c;

	if ((c = conn_get(st, e)) == NULL)
		return (-1);
	return (conn_exec(c, sql, e));
}

static int
lite_open(struct store *st, struct err *e)
{
	struct lite	*lt;

	lt = xcalloc(1, sizeof(*lt));
	lt->st = st;
	pthread_mutex_init(&lt->lock, NULL);
	if (pthread_key_create(&lt->key, conn_destroy) != 0) {
		pthread_mutex_destroy(&lt->lock);
		xfree(lt);
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "cannot create thread key"));
	}
	st->impl = lt;
	return (0);
}

static void
lite_close(struct store *st)
{
	struct lite	*lt = LITE(st);
	struct conn	*c, *next;

	pthread_setspecific(lt->key, NULL);
	pthread_mutex_lock(&lt->lock);
	for (c = lt->conns; c != NULL; c = next) {
		next = c->next;
		conn_free(c);
	}
	lt->conns = NULL;
	pthread_mutex_unlock(&lt->lock);
	pthread_key_delete(lt->key);
	pthread_mutex_destroy(&lt->lock);
	xfree(lt);
	st->impl = NULL;
}

static int
lite_begin(struct store *st, enum store_txn kind, struct err *e)
{
	struct conn	*c;

	if ((c = conn_get(st, e)) == NULL)
		return (-1);
	if (c->depth != 0)
		return (err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
		    "nested transaction"));
	if (conn_exec(c, kind == STORE_WRITE ? "BEGIN IMMEDIATE" : "BEGIN",
	    e) == -1)
		return (-1);
	c->depth = 1;
	return (0);
}

static int
lite_commit(struct store *st, struct err *e)
{
	struct conn	*c = pthread_getspecific(LITE(st)->key);

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

static void
lite_rollback(struct store *st)
{
	struct conn	*c = pthread_getspecific(LITE(st)->key);

	if (c == NULL || c->depth == 0)
		return;
	conn_exec(c, "ROLLBACK", NULL);
	c->depth = 0;
}

static int
lite_wipe(struct store *st, struct err *e)
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
	return (i == n ? 0 : -1);
}

void
store_memory_limit(int64_t bytes)
{
	(void)sqlite3_soft_heap_limit64(bytes);
}

void
store_memory_used(int64_t *now, int64_t *highest)
{
	*now = sqlite3_memory_used();
	*highest = sqlite3_memory_highwater(0);
}

static int
lite_after_import(struct store *st, struct err *e)
{
	(void)st;
	(void)e;
	return (0);	/* a rowid continues after the largest one */
}

/*
 * store_space_reserve(): the file as large as page_count pages (inside the
 * write transaction, its new pages counted), allocated now with
 * fallocate(2) through SQLite's size hint, which acts only with a chunk
 * size set. A complete checkpoint truncates the file back to the pages in
 * use, so what was not needed is given back.
 */
static int
lite_reserve(struct store *st, struct err *e)
{
	static const char	*sql = "SELECT p.page_count * s.page_size FROM "
	    "pragma_page_count() p, pragma_page_size() s";
	struct conn		*c;
	sqlite3_stmt		*s;
	sqlite3_int64		 size = 0;
	int			 chunk = 1 << 16, rc;

	if ((c = conn_get(st, e)) == NULL)
		return (-1);
	if ((rc = sqlite3_prepare_v2(c->db, sql, -1, &s, NULL)) != SQLITE_OK)
		return (db_error(c, rc, e));
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		size = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return (db_error(c, rc, e));
	(void)sqlite3_file_control(c->db, "main", SQLITE_FCNTL_CHUNK_SIZE,
	    &chunk);
	/* posix_fallocate()'s error does not reach sqlite3_system_errno():
	 * ENOSPC is all it fails with but for an I/O error. */
	if (sqlite3_file_control(c->db, "main", SQLITE_FCNTL_SIZE_HINT,
	    &size) != SQLITE_OK)
		return (err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
		    "the database disk is full: cannot grow the database file "
		    "to %lld bytes", (long long)size));
	return (0);
}

const struct store_backend store_sqlite = {
	.name = "sqlite",
	.dialect = "--sqlite:",
	.tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table' "
	    "AND name NOT LIKE 'sqlite_%' AND name NOT IN ('meta', "
	    "'schema_migrations') ORDER BY rowid",
	.open = lite_open,
	.close = lite_close,
	.prepare = lite_prepare,
	.bind_text = lite_bind_text,
	.bind_int64 = lite_bind_int64,
	.bind_null = lite_bind_null,
	.step = lite_step,
	.text = lite_text,
	.int64 = lite_int64,
	.kind = lite_kind,
	.columns = lite_columns,
	.column_name = lite_column_name,
	.done = lite_done,
	.finalize = lite_finalize,
	.changes = lite_changes,
	.exec = lite_exec,
	.begin = lite_begin,
	.commit = lite_commit,
	.rollback = lite_rollback,
	.wipe = lite_wipe,
	.after_import = lite_after_import,
	.reserve = lite_reserve,
};
