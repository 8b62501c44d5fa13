/* SPDX-License-Identifier: MIT */
/*
 * The PostgreSQL backend (see backend.h), with libpq: connections and
 * transactions here, statements in pg_stmt.c (pg_internal.h between them). The only file that
 * may hold PostgreSQL-specific SQL besides the "--pg: " lines of the
 * migrations.
 *
 * - Connections: one per thread (the pool: created on first use, reset
 *   when found broken outside a transaction), each with its own cache of
 *   prepared statements keyed by the address of their SQL text. '?' is
 *   translated to $n once; the statement is prepared on its first run,
 *   with the types of that run's integer parameters (int8) so that
 *   PostgreSQL never has to guess them.
 * - Transactions: a write transaction takes one advisory lock first
 *   (BEGIN; SELECT pg_advisory_xact_lock), so writers serialize across
 *   every server like SQLite's BEGIN IMMEDIATE, and READ COMMITTED lets
 *   each statement after the lock see every earlier commit: a rule
 *   checked inside holds until commit. Read transactions are REPEATABLE
 *   READ: one snapshot, as in SQLite. Deadlocks and serialization
 *   failures are retried where nothing is lost (taking the lock, a
 *   statement outside a transaction).
 * - SQLite keeps a transaction usable after a statement fails (a
 *   constraint), and the domain relies on it (retry with another id).
 *   PostgreSQL aborts the whole transaction, so each write inside a
 *   transaction runs between SAVEPOINT and RELEASE, sent in one pipeline
 *   (one round trip); on failure only that statement is rolled back.
 * - Bulk inserts (db_bulk) inside a transaction are buffered and sent with
 *   COPY before the next other statement or the commit.
 * - unique, check, foreign key and not-null violations (SQLSTATE class 23)
 *   are ERR_CONFLICT, as SQLITE_CONSTRAINT is in sqlite.c.
 */
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/xmalloc.h"
#include "store/pg_internal.h"

static void
notice_drop(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Fills *e from a failed result (or the connection's error). */
int
pg_error(struct pgconn *c, const PGresult *r, struct err *e)
{
	const char	*state = NULL, *msg;
	char		 m[200];
	size_t		 len;

	if (r != NULL) {
		state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		msg = PQresultErrorMessage(r);
	} else
		msg = PQerrorMessage(c->conn);
	if (msg == NULL || *msg == '\0')
		msg = PQerrorMessage(c->conn);
	snprintf(m, sizeof(m), "%s", msg);
	len = strlen(m);
	while (len > 0 && (m[len - 1] == '\n' || m[len - 1] == ' '))
		m[--len] = '\0';
	if (state != NULL && strncmp(state, "23", 2) == 0)
		return (err_set(e, ERR_CONFLICT, NULL, NULL, "%s", m));
	if (state != NULL && (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0))
		return (err_set(e, ERR_CONFLICT,
		    AWSERR(ConcurrentModificationException), NULL,
		    "The target of the operation is currently being modified "
		    "by a different request. Try again later."));
	if (state != NULL && strcmp(state, "53100") == 0)
		return (err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
		    "the database disk is full"));
	if (PQstatus(c->conn) == CONNECTION_BAD)
		return (err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
		    "database connection lost: %s", m));
	return (err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
	    "database error: %s", m));
}

int
pg_retryable(const PGresult *r)
{
	const char	*state;

	if (r == NULL || (state = PQresultErrorField(r, PG_DIAG_SQLSTATE)) ==
	    NULL)
		return (0);
	return (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0);
}

int
pg_result_ok(const PGresult *r)
{
	ExecStatusType	 t = PQresultStatus(r);

	return (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK ||
	    t == PGRES_SINGLE_TUPLE);
}

/* Runs simple-protocol SQL (one or more statements, no parameters). */
int
pg_conn_exec(struct pgconn *c, const char *sql, struct err *e)
{
	PGresult	*r = PQexec(c->conn, sql);
	int		 rc = 0;

	if (r == NULL || !pg_result_ok(r))
		rc = pg_error(c, r, e);
	PQclear(r);
	return (rc);
}

static void
conn_free(struct pgconn *c)
{
	size_t	 i;

	for (i = 0; i < STMT_CACHE; i++)
		if (c->cache[i].sql != NULL)
			pg_stmt_free(c->cache[i].stmt);
	xfree(c->copy_buf);
	PQfinish(c->conn);
	xfree(c);
}

static void
conn_destroy(void *arg)
{
	struct pgconn	*c = arg, **pp;
	struct pg	*pg = c->pg;

	pthread_mutex_lock(&pg->lock);
	for (pp = &pg->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	pthread_mutex_unlock(&pg->lock);
	conn_free(c);
}

static int
conn_setup(struct pgconn *c, struct err *e)
{
	PQsetNoticeProcessor(c->conn, notice_drop, NULL);
	c->gen++;
	c->copy_cmd = NULL;
	c->copy_len = 0;
	c->copy_rows = 0;
	return (pg_conn_exec(c, "SET client_min_messages = warning", e));
}

/*
 * Reconnects a broken connection (the server restarted, or a network
 * failure). Its prepared statements are gone with it: the generation
 * bump makes each one be prepared again on its next run.
 */
static int
conn_revive(struct pgconn *c, struct err *e)
{
	log_warnx("store: database connection lost; reconnecting");
	PQreset(c->conn);
	if (PQstatus(c->conn) != CONNECTION_OK) {
		char	 m[200];
		size_t	 len;

		snprintf(m, sizeof(m), "%s", PQerrorMessage(c->conn));
		len = strlen(m);
		while (len > 0 && (m[len - 1] == '\n' || m[len - 1] == ' '))
			m[--len] = '\0';
		return (err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
		    "the database is unavailable: %s", m));
	}
	return (conn_setup(c, e));
}

/*
 * An idle connection has nothing to read unless the server went away
 * (its farewell and end of file are waiting): reading them now marks the
 * connection dead before a command is sent on it, so that a write outside
 * a transaction, which is never sent twice, finds it reconnected.
 */
static void
conn_read_farewell(struct pgconn *c)
{
	struct pollfd	 pfd;
	int		 i;

	if (PQisBusy(c->conn))
		return;		/* a result is still streaming */
	/* The farewell is one read, the end of file the next. */
	for (i = 0; i < 4 && PQstatus(c->conn) == CONNECTION_OK; i++) {
		pfd.fd = PQsocket(c->conn);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (pfd.fd < 0 || poll(&pfd, 1, 0) != 1 ||
		    !PQconsumeInput(c->conn))
			break;
		(void)PQisBusy(c->conn);	/* parses what was read */
	}
}

/*
 * A command failed on a connection that turned out to be dead (idle
 * while the server restarted), outside a transaction: 1 when it was
 * reconnected and the command, which changed nothing, may run again; -1
 * (*e says why) when the database cannot be reached; 0 when the failure
 * was something else, or a reconnect was tried already.
 */
int
pg_revived(struct pgconn *c, int *tried, struct err *e)
{
	if (*tried || c->depth != 0 || PQstatus(c->conn) != CONNECTION_BAD)
		return (0);
	*tried = 1;
	return (conn_revive(c, e) == 0 ? 1 : -1);
}

struct pgconn *
pg_conn_get(struct store *st, struct err *e)
{
	struct pg	*pg = PG(st);
	struct pgconn	*c;

	if ((c = pthread_getspecific(pg->key)) != NULL) {
		/* Reconnect a broken connection, unless a transaction was
		 * open on it: that one is lost and its caller must know. */
		if (c->depth == 0)
			conn_read_farewell(c);
		if (PQstatus(c->conn) == CONNECTION_BAD && c->depth == 0 &&
		    conn_revive(c, e) == -1)
			return (NULL);
		return (c);
	}
	c = xcalloc(1, sizeof(*c));
	c->pg = pg;
	{
		/* Defaults a host that drops packets can't turn into a hang;
		 * the same keywords in the connection string win (later). */
		static const char *const keys[] = { "connect_timeout",
		    "keepalives_idle", "dbname", NULL };
		const char *const vals[] = { "5", "30", st->path, NULL };
		c->conn = PQconnectdbParams(keys, vals, 1);
	}
	if (PQstatus(c->conn) != CONNECTION_OK) {
		char	 m[200];
		size_t	 len;

		snprintf(m, sizeof(m), "%s", PQerrorMessage(c->conn));
		len = strlen(m);
		while (len > 0 && m[len - 1] == '\n')
			m[--len] = '\0';
		err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
		    "cannot connect to PostgreSQL: %s", m);
		PQfinish(c->conn);
		xfree(c);
		return (NULL);
	}
	if (conn_setup(c, e) == -1) {
		conn_free(c);
		return (NULL);
	}
	pthread_mutex_lock(&pg->lock);
	c->next = pg->conns;
	pg->conns = c;
	pthread_mutex_unlock(&pg->lock);
	pthread_setspecific(pg->key, c);
	return (c);
}

static int64_t
pg_changes(struct store *st)
{
	struct pgconn	*c = pthread_getspecific(PG(st)->key);

	return (c != NULL ? c->changes : 0);
}

static int
pg_exec(struct store *st, const char *sql, struct err *e)
{
	struct pgconn	*c;

	if ((c = pg_conn_get(st, e)) == NULL)
		return (-1);
	if (pg_copy_flush(c, e) == -1)
		return (-1);
	return (pg_conn_exec(c, sql, e));
}

static int
pg_open(struct store *st, struct err *e)
{
	struct pg	*pg;

	pg = xcalloc(1, sizeof(*pg));
	pg->st = st;
	pthread_mutex_init(&pg->lock, NULL);
	if (pthread_key_create(&pg->key, conn_destroy) != 0) {
		pthread_mutex_destroy(&pg->lock);
		xfree(pg);
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "cannot create thread key"));
	}
	st->impl = pg;
	/* Connect now, so a wrong conninfo fails at open. */
	if (pg_conn_get(st, e) == NULL) {
		pthread_key_delete(pg->key);
		pthread_mutex_destroy(&pg->lock);
		xfree(pg);
		st->impl = NULL;
		return (-1);
	}
	return (0);
}

static void
pg_close(struct store *st)
{
	struct pg	*pg = PG(st);
	struct pgconn	*c, *next;

	pthread_setspecific(pg->key, NULL);
	pthread_mutex_lock(&pg->lock);
	for (c = pg->conns; c != NULL; c = next) {
		next = c->next;
		conn_free(c);
	}
	pg->conns = NULL;
	pthread_mutex_unlock(&pg->lock);
	pthread_key_delete(pg->key);
	pthread_mutex_destroy(&pg->lock);
	xfree(pg);
	st->impl = NULL;
}

static int
pg_begin(struct store *st, enum store_txn kind, struct err *e)
{
	struct pgconn	*c;
	PGresult	*r;
	int		 tries, reset = 0, rv;

	if ((c = pg_conn_get(st, e)) == NULL)
		return (-1);
	if (c->depth != 0)
		return (err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
		    "nested transaction"));
	for (tries = 0; ; tries++) {
		r = PQexec(c->conn, kind != STORE_WRITE ?
		    "BEGIN ISOLATION LEVEL REPEATABLE READ" :
		    "BEGIN ISOLATION LEVEL READ COMMITTED; "
		    "SELECT pg_advisory_xact_lock(x'" WRITE_LOCK "'::int8)");
		if (r != NULL && pg_result_ok(r))
			break;
		/* A connection that died while idle (the server restarted):
		 * nothing was begun, so reconnect and begin again. */
		if ((rv = pg_revived(c, &reset, e)) != 0) {
			PQclear(r);
			if (rv == 1)
				continue;
			return (-1);
		}
		if (PQstatus(c->conn) != CONNECTION_BAD)
			PQclear(PQexec(c->conn, "ROLLBACK"));
		if (tries < RETRIES && pg_retryable(r)) {
			PQclear(r);
			continue;
		}
		pg_error(c, r, e);
		PQclear(r);
		return (-1);
	}
	PQclear(r);
	c->depth = 1;
	return (0);
}

static int
pg_commit(struct store *st, struct err *e)
{
	struct pgconn	*c = pthread_getspecific(PG(st)->key);
	PGresult	*r;
	int		 rc = 0;

	if (c == NULL || c->depth == 0)
		return (0);
	if (pg_copy_flush(c, e) == -1 || c->copy_failed) {
		if (c->copy_failed && e != NULL)
			*e = c->copy_err;
		c->copy_failed = 0;
		PQclear(PQexec(c->conn, "ROLLBACK"));
		c->depth = 0;
		return (-1);
	}
	r = PQexec(c->conn, "COMMIT");
	if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = pg_error(c, r, e);
	else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0)
		/* A statement failed earlier: PostgreSQL rolled it all back. */
		rc = err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
		    "database error: the transaction was rolled back");
	PQclear(r);
	if (rc == -1 && PQstatus(c->conn) != CONNECTION_BAD)
		PQclear(PQexec(c->conn, "ROLLBACK"));
	c->depth = 0;
	return (rc);
}

static void
pg_rollback(struct store *st)
{
	struct pgconn	*c = pthread_getspecific(PG(st)->key);

	if (c == NULL || c->depth == 0)
		return;
	c->copy_cmd = NULL;
	c->copy_len = 0;
	c->copy_rows = 0;
	c->copy_failed = 0;
	PQclear(PQexec(c->conn, "ROLLBACK"));
	c->depth = 0;
}

static int
pg_wipe(struct store *st, struct err *e)
{
	struct stmt	*s;
	char		*sql = NULL;
	size_t		 len = 0;
	int		 rc, n = 0;

	if ((s = db_prepare(st, store_pg.tables_sql, 0, e)) == NULL)
		return (-1);
	sql = xstrdup("TRUNCATE ");
	len = strlen(sql);
	while ((rc = stmt_step(s, e)) == 1) {
		const char	*t = stmt_text(s, 0);
		size_t		 tl = strlen(t);

		sql = xrealloc(sql, len + tl + 5);
		len += (size_t)snprintf(sql + len, tl + 5, "%s\"%s\"",
		    n++ ? ", " : "", t);
	}
	db_finalize(s);
	if (rc == -1 || n == 0) {
		xfree(sql);
		return (rc == -1 ? -1 : 0);
	}
	sql = xrealloc(sql, len + 32);
	snprintf(sql + len, 32, " RESTART IDENTITY CASCADE");
	rc = db_exec(st, sql, e);
	xfree(sql);
	return (rc);
}

static int
pg_after_import(struct store *st, struct err *e)
{
	return (db_exec(st, "DO $$ DECLARE r record; BEGIN FOR r IN "
	    "SELECT table_name AS t, column_name AS c FROM "
	    "information_schema.columns WHERE table_schema = current_schema() "
	    "AND is_identity = 'YES' LOOP EXECUTE format('SELECT setval("
	    "pg_get_serial_sequence(%L, %L), COALESCE((SELECT max(%I) FROM "
	    "%I), 0) + 1, false)', r.t, r.c, r.c, r.t); END LOOP; END $$", e));
}

const struct store_backend store_pg = {
	.name = "postgresql",
	.dialect = "--pg:",
	.tables_sql = "SELECT c.relname FROM pg_class c JOIN pg_namespace n "
	    "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND "
	    "c.relkind = 'r' AND c.relname NOT IN ('meta', "
	    "'schema_migrations') ORDER BY c.oid",
	.open = pg_open,
	.close = pg_close,
	.prepare = pg_prepare,
	.bind_text = pg_bind_text,
	.bind_int64 = pg_bind_int64,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.text = pg_text,
	.int64 = pgb_int64,
	.kind = pg_kind,
	.columns = pg_columns,
	.column_name = pg_column_name,
	.done = pg_done,
	.finalize = pg_finalize,
	.changes = pg_changes,
	.exec = pg_exec,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.wipe = pg_wipe,
	.after_import = pg_after_import,
};
