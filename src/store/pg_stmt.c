/* SPDX-License-Identifier: MIT */
/*
 * PostgreSQL statements (see pg.c for the backend's rules): '?' becomes
 * $n once, a statement is prepared on its first run on a connection with
 * that run's integer parameters typed int8, a write inside a transaction
 * runs between SAVEPOINT and RELEASE in one pipeline, a query outside one
 * streams in single-row mode, and bulk rows wait for one COPY.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/xmalloc.h"
#include "store/pg_internal.h"

static void
param_clear(struct param *p)
{
	if (p->str != NULL)
		xfree(p->str);
	p->str = NULL;
	p->kind = P_NULL;
}

void
pg_stmt_free(struct pg_stmt *ps)
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

/* Sends the buffered bulk rows with COPY. */
int
pg_copy_flush(struct pgconn *c, struct err *e)
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

struct stmt *
pg_prepare(struct store *st, const char *sql, int flags, struct err *e)
{
	struct pgconn	*c;
	size_t		 h, i, j;

	if ((c = pg_conn_get(st, e)) == NULL)
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

void
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

void
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

void
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
	failed = res == NULL || !pg_result_ok(res);
	if (failed && PQstatus(conn) != CONNECTION_BAD) {
		r = PQexec(conn, "ROLLBACK TO SAVEPOINT pl_stmt; "
		    "RELEASE SAVEPOINT pl_stmt");
		PQclear(r);
	}
	return (res);
}

int
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
		    pg_copy_flush(c, e) == -1)
			return (-1);
		c->copy_cmd = ps->copy;
		copy_row(ps);
		c->copy_rows++;
		c->changes = 1;
		if (c->copy_len >= COPY_FLUSH && pg_copy_flush(c, e) == -1)
			return (-1);
		return (0);
	}
	if (pg_copy_flush(c, e) == -1)
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
			if (pg_revived(c, &reset, e) == 1)
				continue;
			return (-1);
		}
		if (c->depth != 0 && ps->write)
			r = run_protected(ps, vals);
		else
			r = PQexecPrepared(c->conn, ps->name, ps->nparams, vals,
			    NULL, NULL, 0);
		if (r != NULL && pg_result_ok(r))
			break;
		/* Outside a transaction a failed statement changed nothing:
		 * a deadlock victim may simply run again. */
		if (c->depth == 0 && tries < RETRIES && pg_retryable(r)) {
			PQclear(r);
			continue;
		}
		/* Nor a read on a connection found dead: reconnect (that
		 * prepares it again) and run it again. */
		if (!ps->write && (rv = pg_revived(c, &reset, e)) != 0) {
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

const char *
pg_text(struct stmt *s, int col)
{
	struct pg_stmt	*ps = PS(s);

	if (ps->res == NULL || col >= PQnfields(ps->res))
		return ("");
	return (PQgetvalue(ps->res, cur_row(ps), col));
}

int64_t
pgb_int64(struct stmt *s, int col)
{
	const char	*v = pg_text(s, col);

	if (strcmp(v, "t") == 0)	/* a boolean */
		return (1);
	return (strtoll(v, NULL, 10));
}

enum db_kind
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

int
pg_columns(struct stmt *s)
{
	return (PS(s)->res != NULL ? PQnfields(PS(s)->res) : 0);
}

const char *
pg_column_name(struct stmt *s, int col)
{
	return (PS(s)->res != NULL ? PQfname(PS(s)->res, col) : "");
}

void
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

void
pg_finalize(struct stmt *s)
{
	struct pg_stmt	*ps = PS(s);
	char		 sql[64];

	pg_done(s);
	/* Its buffered rows point into it: send them now. */
	if (ps->c->copy_cmd == ps->copy && ps->copy != NULL &&
	    pg_copy_flush(ps->c, &ps->c->copy_err) == -1)
		ps->c->copy_failed = 1;
	if (ps->gen == ps->c->gen && PQstatus(ps->c->conn) == CONNECTION_OK) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", ps->name);
		pg_conn_exec(ps->c, sql, NULL);
	}
	pg_stmt_free(ps);
}

