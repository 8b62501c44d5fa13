/* SPDX-License-Identifier: MIT */
/*
 * The PostgreSQL backend (see backend.h), with libpq. The only file that
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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/xmalloc.h"
#include "store/backend.h"
#include "store/db.h"
#include "store/store.h"

#define STMT_CACHE	1024		/* power of two; the program has ~200 statements */
#define WRITE_LOCK	"7061796c"	/* "payl": the one writers' lock */
#define RETRIES		5
#define COPY_FLUSH	(1 << 20)	/* bytes of COPY rows held back */
#define INT8OID		20

enum pkind { P_NULL, P_INT, P_TEXT };

struct param {
	enum pkind	 kind;
	char		 num[24];
	char		*str;
};

struct pg_stmt {
	struct stmt	 base;
	struct pgconn	*c;
	char		*text;		/* '?' translated to $n */
	char		*copy;		/* COPY ... FROM STDIN for a bulk insert */
	char		 name[16];
	unsigned	 gen;		/* connection generation it was prepared on */
	int		 nparams;
	struct param	*params;
	int		 flags;
	int		 write;		/* INSERT, UPDATE or DELETE */
	PGresult	*res;
	int		 row;		/* next row of res to return */
	int		 streaming;	/* single-row mode query in flight */
};

struct pgconn {
	PGconn		*conn;
	struct pg	*pg;
	struct pgconn	*next;
	int		 depth;		/* transactions open (0 or 1) */
	unsigned	 gen;		/* bumped at each (re)connect */
	unsigned	 names;		/* prepared statement names used */
	int64_t		 changes;
	/* Bulk rows waiting for COPY: the command and its rows. */
	const char	*copy_cmd;
	char		*copy_buf;
	size_t		 copy_len, copy_cap;
	int64_t		 copy_rows;
	/* A COPY that failed where nobody could be told (finalize). */
	int		 copy_failed;
	struct err	 copy_err;
	struct {
		const char	*sql;
		struct pg_stmt	*stmt;
	}		 cache[STMT_CACHE];
};

struct pg {
	struct store	*st;
	pthread_key_t	 key;
	pthread_mutex_t	 lock;		/* guards conns */
	struct pgconn	*conns;
};

#define PG(st)		((struct pg *)(st)->impl)
#define PS(x)		((struct pg_stmt *)(void *)(x))

static void
notice_drop(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Fills *e from a failed result (or the connection's error). */
static int
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

static int
retryable(const PGresult *r)
{
	const char	*state;

	if (r == NULL || (state = PQresultErrorField(r, PG_DIAG_SQLSTATE)) ==
	    NULL)
		return (0);
	return (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0);
}

static int
result_ok(const PGresult *r)
{
	ExecStatusType	 t = PQresultStatus(r);

	return (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK ||
	    t == PGRES_SINGLE_TUPLE);
}

/* Runs simple-protocol SQL (one or more statements, no parameters). */
static int
conn_exec(struct pgconn *c, const char *sql, struct err *e)
{
	PGresult	*r = PQexec(c->conn, sql);
	int		 rc = 0;

	if (r == NULL || !result_ok(r))
		rc = pg_error(c, r, e);
	PQclear(r);
	return (rc);
}

static void
param_clear(struct param *p)
{
	if (p->str != NULL)
		xfree(p->str);
	p->str = NULL;
	p->kind = P_NULL;
}

static void
stmt_free(struct pg_stmt *ps)
{
	int	 i;

	PQclear(ps->res);
	for (i = 0; i < ps->nparams; i++)
		param_clear(&ps->params[i]);
	xfree(ps->params);
	xfree(ps->text);
	xfree(ps->copy);
	xfree(ps);
}

static void
conn_free(struct pgconn *c)
{
	size_t	 i;

	for (i = 0; i < STMT_CACHE; i++)
		if (c->cache[i].sql != NULL)
			stmt_free(c->cache[i].stmt);
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
	return (conn_exec(c, "SET client_min_messages = warning", e));
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
 * A command failed on a connection that turned out to be dead (idle
 * while the server restarted), outside a transaction: 1 when it was
 * reconnected and the command, which changed nothing, may run again; -1
 * (*e says why) when the database cannot be reached; 0 when the failure
 * was something else, or a reconnect was tried already.
 */
static int
revived(struct pgconn *c, int *tried, struct err *e)
{
	if (*tried || c->depth != 0 || PQstatus(c->conn) != CONNECTION_BAD)
		return (0);
	*tried = 1;
	return (conn_revive(c, e) == 0 ? 1 : -1);
}

static struct pgconn *
conn_get(struct store *st, struct err *e)
{
	struct pg	*pg = PG(st);
	struct pgconn	*c;

	if ((c = pthread_getspecific(pg->key)) != NULL) {
		/* Reconnect a broken connection, unless a transaction was
		 * open on it: that one is lost and its caller must know. */
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

/* Sends the buffered bulk rows with COPY. */
static int
copy_flush(struct pgconn *c, struct err *e)
{
	PGresult	*r;
	int		 rc = 0;

	if (c->copy_cmd == NULL)
		return (0);
	r = PQexec(c->conn, c->copy_cmd);
	c->copy_cmd = NULL;
	if (r == NULL || PQresultStatus(r) != PGRES_COPY_IN) {
		rc = pg_error(c, r, e);
		PQclear(r);
		c->copy_len = 0;
		return (rc);
	}
	PQclear(r);
	if (PQputCopyData(c->conn, c->copy_buf, (int)c->copy_len) != 1 ||
	    PQputCopyEnd(c->conn, NULL) != 1)
		rc = pg_error(c, NULL, e);
	while ((r = PQgetResult(c->conn)) != NULL) {
		if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = pg_error(c, r, e);
		PQclear(r);
	}
	c->copy_len = 0;
	c->copy_rows = 0;
	return (rc);
}

static void
copy_add(struct pgconn *c, const char *p, size_t len)
{
	if (c->copy_len + len + 1 > c->copy_cap) {
		c->copy_cap = (c->copy_len + len + 1) * 2;
		c->copy_buf = xrealloc(c->copy_buf, c->copy_cap);
	}
	memcpy(c->copy_buf + c->copy_len, p, len);
	c->copy_len += len;
}

/* One COPY text-format row from the bound parameters. */
static void
copy_row(struct pg_stmt *ps)
{
	struct pgconn	*c = ps->c;
	const char	*p;
	int		 i;

	for (i = 0; i < ps->nparams; i++) {
		struct param *pa = &ps->params[i];

		if (i > 0)
			copy_add(c, "\t", 1);
		if (pa->kind == P_NULL)
			copy_add(c, "\\N", 2);
		else if (pa->kind == P_INT)
			copy_add(c, pa->num, strlen(pa->num));
		else
			for (p = pa->str; *p != '\0'; p++) {
				switch (*p) {
				case '\\':
					copy_add(c, "\\\\", 2);
					break;
				case '\t':
					copy_add(c, "\\t", 2);
					break;
				case '\n':
					copy_add(c, "\\n", 2);
					break;
				case '\r':
					copy_add(c, "\\r", 2);
					break;
				default:
					copy_add(c, p, 1);
				}
			}
	}
	copy_add(c, "\n", 1);
}

/*
 * '?' to $1, $2, ... outside quotes and comments. Also derives, for an
 * "INSERT INTO t (cols) VALUES", the "COPY t (cols) FROM STDIN".
 */
static struct pg_stmt *
stmt_new(struct pgconn *c, const char *sql, int flags)
{
	struct pg_stmt	*ps;
	size_t		 len = strlen(sql), o = 0;
	const char	*p, *v;
	char		 q = 0;
	int		 n = 0;

	ps = xcalloc(1, sizeof(*ps));
	ps->base.be = &store_pg;
	ps->c = c;
	ps->flags = flags;
	ps->text = xmalloc(len * 4 + 1);
	for (p = sql; *p != '\0'; p++) {
		if (q != 0) {
			if (q == '-' && *p == '\n')
				q = 0;
			else if (*p == q)
				q = 0;
		} else if (*p == '\'' || *p == '"')
			q = *p;
		else if (p[0] == '-' && p[1] == '-')
			q = '-';
		else if (*p == '?') {
			o += (size_t)snprintf(ps->text + o, 12, "$%d", ++n);
			continue;
		}
		ps->text[o++] = *p;
	}
	ps->text[o] = '\0';
	ps->nparams = n;
	ps->params = xcalloc((size_t)(n ? n : 1), sizeof(*ps->params));
	for (p = sql; *p == ' ' || *p == '\t' || *p == '\n'; p++)
		;
	ps->write = strncasecmp(p, "INSERT", 6) == 0 ||
	    strncasecmp(p, "UPDATE", 6) == 0 ||
	    strncasecmp(p, "DELETE", 6) == 0;
	if ((flags & DB_BULK) && strncmp(p, "INSERT INTO ", 12) == 0 &&
	    strstr(p, "RETURNING") == NULL &&
	    (v = strstr(p, ") VALUES")) != NULL) {
		size_t	 n2 = (size_t)(v + 1 - (p + 12));

		ps->copy = xmalloc(n2 + 32);
		snprintf(ps->copy, n2 + 32, "COPY %.*s FROM STDIN", (int)n2,
		    p + 12);
	}
	snprintf(ps->name, sizeof(ps->name), "pl%u", ++c->names);
	return (ps);
}

static struct stmt *
pg_prepare(struct store *st, const char *sql, int flags, struct err *e)
{
	struct pgconn	*c;
	size_t		 h, i, j;

	if ((c = conn_get(st, e)) == NULL)
		return (NULL);
	if (!(flags & DB_CACHED))
		return (&stmt_new(c, sql, flags)->base);
	h = ((uintptr_t)sql >> 3) * 0x9e3779b97f4a7c15ULL >> 54;
	for (i = 0; i < STMT_CACHE; i++) {
		j = (h + i) & (STMT_CACHE - 1);
		if (c->cache[j].sql == sql)
			return (&c->cache[j].stmt->base);
		if (c->cache[j].sql == NULL) {
			c->cache[j].sql = sql;
			c->cache[j].stmt = stmt_new(c, sql, flags);
			return (&c->cache[j].stmt->base);
		}
	}
	err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
	    "statement cache full");
	return (NULL);
}

static void
pg_bind_text(struct stmt *s, int idx, const char *v)
{
	struct pg_stmt	*ps = PS(s);
	struct param	*p;

	if (idx < 1 || idx > ps->nparams)
		return;
	p = &ps->params[idx - 1];
	param_clear(p);
	if (v == NULL)
		return;
	p->kind = P_TEXT;
	p->str = xstrdup(v);
}

static void
pg_bind_int64(struct stmt *s, int idx, int64_t v)
{
	struct pg_stmt	*ps = PS(s);
	struct param	*p;

	if (idx < 1 || idx > ps->nparams)
		return;
	p = &ps->params[idx - 1];
	param_clear(p);
	p->kind = P_INT;
	snprintf(p->num, sizeof(p->num), "%lld", (long long)v);
}

static void
pg_bind_null(struct stmt *s, int idx)
{
	struct pg_stmt	*ps = PS(s);

	if (idx >= 1 && idx <= ps->nparams)
		param_clear(&ps->params[idx - 1]);
}

static void
values_of(struct pg_stmt *ps, const char **vals)
{
	int	 i;

	for (i = 0; i < ps->nparams; i++)
		vals[i] = ps->params[i].kind == P_NULL ? NULL :
		    ps->params[i].kind == P_INT ? ps->params[i].num :
		    ps->params[i].str;
}

static int
prepare_now(struct pg_stmt *ps, struct err *e)
{
	struct pgconn	*c = ps->c;
	Oid		 types[ps->nparams ? ps->nparams : 1];
	PGresult	*r;
	int		 i, rc = 0;

	if (ps->gen == c->gen)
		return (0);
	for (i = 0; i < ps->nparams; i++)
		types[i] = ps->params[i].kind == P_INT ? INT8OID : 0;
	r = PQprepare(c->conn, ps->name, ps->text, ps->nparams, types);
	if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = pg_error(c, r, e);
	else
		ps->gen = c->gen;
	PQclear(r);
	return (rc);
}

/*
 * A write inside a transaction: SAVEPOINT, the statement, RELEASE in one
 * pipeline; returns the statement's result. On failure the statement
 * alone is rolled back and the transaction stays usable, as in SQLite.
 */
static PGresult *
run_protected(struct pg_stmt *ps, const char **vals)
{
	PGconn		*conn = ps->c->conn;
	PGresult	*r, *res = NULL;
	int		 q, failed;

	if (PQenterPipelineMode(conn) != 1)
		return (NULL);
	if (PQsendQueryParams(conn, "SAVEPOINT pl_stmt", 0, NULL, NULL, NULL,
	    NULL, 0) != 1 ||
	    PQsendQueryPrepared(conn, ps->name, ps->nparams, vals, NULL, NULL,
	    0) != 1 ||
	    PQsendQueryParams(conn, "RELEASE SAVEPOINT pl_stmt", 0, NULL,
	    NULL, NULL, NULL, 0) != 1 ||
	    PQpipelineSync(conn) != 1) {
		PQexitPipelineMode(conn);
		return (NULL);
	}
	for (q = 0; q < 3; q++) {
		while ((r = PQgetResult(conn)) != NULL) {
			if (q == 1 && res == NULL)
				res = r;
			else
				PQclear(r);
		}
		if (PQstatus(conn) == CONNECTION_BAD)
			break;
	}
	/* The sync point. */
	while ((r = PQgetResult(conn)) != NULL) {
		ExecStatusType t = PQresultStatus(r);
		PQclear(r);
		if (t == PGRES_PIPELINE_SYNC || PQstatus(conn) ==
		    CONNECTION_BAD)
			break;
	}
	PQexitPipelineMode(conn);
	failed = res == NULL || !result_ok(res);
	if (failed && PQstatus(conn) != CONNECTION_BAD) {
		r = PQexec(conn, "ROLLBACK TO SAVEPOINT pl_stmt; "
		    "RELEASE SAVEPOINT pl_stmt");
		PQclear(r);
	}
	return (res);
}

static int
pg_step(struct stmt *s, struct err *e)
{
	struct pg_stmt	*ps = PS(s);
	struct pgconn	*c = ps->c;
	const char	*vals[ps->nparams ? ps->nparams : 1];
	PGresult	*r;
	int		 tries, reset = 0, rv;

	if (ps->streaming) {
		if ((r = PQgetResult(c->conn)) == NULL) {
			ps->streaming = 0;
			return (0);
		}
		PQclear(ps->res);
		ps->res = r;
		if (PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
			ps->row = 0;
			return (1);
		}
		ps->res = NULL;
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			pg_error(c, r, e);
			PQclear(r);
			while ((r = PQgetResult(c->conn)) != NULL)
				PQclear(r);
			ps->streaming = 0;
			return (-1);
		}
		PQclear(r);
		while ((r = PQgetResult(c->conn)) != NULL)
			PQclear(r);
		ps->streaming = 0;
		return (0);
	}
	if (ps->res != NULL) {
		/* Rows of the run already made. */
		if (ps->row < PQntuples(ps->res)) {
			ps->row++;
			return (1);
		}
		return (0);
	}
	if (ps->copy != NULL && c->depth != 0) {
		if (c->copy_cmd != NULL && c->copy_cmd != ps->copy &&
		    copy_flush(c, e) == -1)
			return (-1);
		c->copy_cmd = ps->copy;
		copy_row(ps);
		c->copy_rows++;
		c->changes = 1;
		if (c->copy_len >= COPY_FLUSH && copy_flush(c, e) == -1)
			return (-1);
		return (0);
	}
	if (copy_flush(c, e) == -1)
		return (-1);
	values_of(ps, vals);
	if (ps->flags & DB_STREAM) {
		if (PQsendQueryParams(c->conn, ps->text, ps->nparams, NULL, vals,
		    NULL, NULL, 0) != 1 || PQsetSingleRowMode(c->conn) != 1)
			return (pg_error(c, NULL, e));
		ps->streaming = 1;
		return (pg_step(s, e));
	}
	for (tries = 0; ; tries++) {
		if (prepare_now(ps, e) == -1) {
			/* Preparing changes nothing: on a connection found
			 * dead, reconnect and try again. */
			if (revived(c, &reset, e) == 1)
				continue;
			return (-1);
		}
		if (c->depth != 0 && ps->write)
			r = run_protected(ps, vals);
		else
			r = PQexecPrepared(c->conn, ps->name, ps->nparams, vals,
			    NULL, NULL, 0);
		if (r != NULL && result_ok(r))
			break;
		/* Outside a transaction a failed statement changed nothing:
		 * a deadlock victim may simply run again. */
		if (c->depth == 0 && tries < RETRIES && retryable(r)) {
			PQclear(r);
			continue;
		}
		/* Nor a read on a connection found dead: reconnect (that
		 * prepares it again) and run it again. */
		if (!ps->write && (rv = revived(c, &reset, e)) != 0) {
			PQclear(r);
			if (rv == 1)
				continue;
			return (-1);
		}
		pg_error(c, r, e);
		PQclear(r);
		return (-1);
	}
	c->changes = strtoll(PQcmdTuples(r), NULL, 10);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) == 0) {
		PQclear(r);
		return (0);
	}
	ps->res = r;
	ps->row = 1;
	return (1);
}

/* The current row: row - 1 of the result (or 0 when streaming). */
static int
cur_row(struct pg_stmt *ps)
{
	return (ps->streaming ? 0 : ps->row - 1);
}

static const char *
pg_text(struct stmt *s, int col)
{
	struct pg_stmt	*ps = PS(s);

	if (ps->res == NULL || col >= PQnfields(ps->res))
		return ("");
	return (PQgetvalue(ps->res, cur_row(ps), col));
}

static int64_t
pgb_int64(struct stmt *s, int col)
{
	const char	*v = pg_text(s, col);

	if (strcmp(v, "t") == 0)	/* a boolean */
		return (1);
	return (strtoll(v, NULL, 10));
}

static enum db_kind
pg_kind(struct stmt *s, int col)
{
	struct pg_stmt	*ps = PS(s);

	if (ps->res == NULL || col >= PQnfields(ps->res) ||
	    PQgetisnull(ps->res, cur_row(ps), col))
		return (DB_NULL);
	switch (PQftype(ps->res, col)) {
	case 20: case 21: case 23: case 26:	/* int8, int2, int4, oid */
		return (DB_INT);
	default:
		return (DB_TEXT);
	}
}

static int
pg_columns(struct stmt *s)
{
	return (PS(s)->res != NULL ? PQnfields(PS(s)->res) : 0);
}

static const char *
pg_column_name(struct stmt *s, int col)
{
	return (PS(s)->res != NULL ? PQfname(PS(s)->res, col) : "");
}

static void
pg_done(struct stmt *s)
{
	struct pg_stmt	*ps = PS(s);
	PGresult	*r;
	int		 i;

	if (ps->streaming) {
		/* Stop reading: drain what is left of this query. */
		while ((r = PQgetResult(ps->c->conn)) != NULL)
			PQclear(r);
		ps->streaming = 0;
	}
	PQclear(ps->res);
	ps->res = NULL;
	ps->row = 0;
	for (i = 0; i < ps->nparams; i++)
		param_clear(&ps->params[i]);
}

static void
pg_finalize(struct stmt *s)
{
	struct pg_stmt	*ps = PS(s);
	char		 sql[64];

	pg_done(s);
	/* Its buffered rows point into it: send them now. */
	if (ps->c->copy_cmd == ps->copy && ps->copy != NULL &&
	    copy_flush(ps->c, &ps->c->copy_err) == -1)
		ps->c->copy_failed = 1;
	if (ps->gen == ps->c->gen && PQstatus(ps->c->conn) == CONNECTION_OK) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", ps->name);
		conn_exec(ps->c, sql, NULL);
	}
	stmt_free(ps);
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

	if ((c = conn_get(st, e)) == NULL)
		return (-1);
	if (copy_flush(c, e) == -1)
		return (-1);
	return (conn_exec(c, sql, e));
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
	if (conn_get(st, e) == NULL) {
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

	if ((c = conn_get(st, e)) == NULL)
		return (-1);
	if (c->depth != 0)
		return (err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
		    "nested transaction"));
	for (tries = 0; ; tries++) {
		r = PQexec(c->conn, kind != STORE_WRITE ?
		    "BEGIN ISOLATION LEVEL REPEATABLE READ" :
		    "BEGIN ISOLATION LEVEL READ COMMITTED; "
		    "SELECT pg_advisory_xact_lock(x'" WRITE_LOCK "'::int8)");
		if (r != NULL && result_ok(r))
			break;
		/* A connection that died while idle (the server restarted):
		 * nothing was begun, so reconnect and begin again. */
		if ((rv = revived(c, &reset, e)) != 0) {
			PQclear(r);
			if (rv == 1)
				continue;
			return (-1);
		}
		if (PQstatus(c->conn) != CONNECTION_BAD)
			PQclear(PQexec(c->conn, "ROLLBACK"));
		if (tries < RETRIES && retryable(r)) {
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
	if (copy_flush(c, e) == -1 || c->copy_failed) {
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
