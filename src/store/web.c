/* SPDX-License-Identifier: MIT */
/*
 * The web console's sessions and sign-in lockouts in the store: portable
 * SQL. See the "Web sessions." part of store.h. Only hashes of session
 * tokens are stored; the tokens themselves live in cookies.
 */
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/web.h"

static int
exec_one(struct store *st, const char *sql, const char *a, const char *b,
    int64_t n, int with_n, struct err *e)
{
	struct stmt	*s;
	int		 i = 1;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	if (with_n)
		stmt_bind_int64(s, i++, n);
	if (a != NULL)
		stmt_bind_text(s, i++, a);
	if (b != NULL)
		stmt_bind_text(s, i++, b);
	return (stmt_exec(s, e));
}

int
store_web_session_insert(struct store *st, const struct web_session *ws,
    struct err *e)
{
	static const char	*sql = "INSERT INTO web_sessions (token_hash, "
	    "account_id, csrf, created_at, expires_at, last_seen, flash) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, ws->token_hash);
	stmt_bind_text(s, 2, ws->account_id);
	stmt_bind_text(s, 3, ws->csrf);
	stmt_bind_int64(s, 4, ws->created_at);
	stmt_bind_int64(s, 5, ws->expires_at);
	stmt_bind_int64(s, 6, ws->last_seen);
	if (ws->flash[0] != '\0')
		stmt_bind_text(s, 7, ws->flash);
	else
		stmt_bind_null(s, 7);
	return (stmt_exec(s, e));
}

int
store_web_session_get(struct store *st, const char *token_hash,
    struct web_session *out, struct err *e)
{
	static const char	*sql = "SELECT token_hash, account_id, csrf, "
	    "created_at, expires_at, last_seen, COALESCE(flash, '') "
	    "FROM web_sessions WHERE token_hash = ?";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, token_hash);
	if ((rc = stmt_step(s, e)) == 1) {
		stmt_copy(s, 0, out->token_hash, sizeof(out->token_hash));
		stmt_copy(s, 1, out->account_id, sizeof(out->account_id));
		stmt_copy(s, 2, out->csrf, sizeof(out->csrf));
		out->created_at = stmt_int64(s, 3);
		out->expires_at = stmt_int64(s, 4);
		out->last_seen = stmt_int64(s, 5);
		stmt_copy(s, 6, out->flash, sizeof(out->flash));
	}
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "no such session"));
	return (rc == 1 ? 0 : -1);
}

int
store_web_session_touch(struct store *st, const char *token_hash,
    int64_t last_seen, struct err *e)
{
	static const char	*sql = "UPDATE web_sessions SET last_seen = ? "
	    "WHERE token_hash = ?";

	return (exec_one(st, sql, token_hash, NULL, last_seen, 1, e));
}

int
store_web_session_set_flash(struct store *st, const char *token_hash,
    const char *flash, struct err *e)
{
	static const char	*sql = "UPDATE web_sessions SET flash = ? "
	    "WHERE token_hash = ?";

	return (exec_one(st, sql, flash, token_hash, 0, 0, e));
}

int
store_web_session_take_flash(struct store *st, const char *token_hash,
    char *out, size_t size, struct err *e)
{
	static const char	*get = "SELECT COALESCE(flash, '') FROM "
	    "web_sessions WHERE token_hash = ?";
	static const char	*clear = "UPDATE web_sessions SET flash = NULL "
	    "WHERE token_hash = ?";
	struct stmt		*s;
	int			 rc;

	out[0] = '\0';
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if ((s = db_stmt(st, get, e)) == NULL)
		goto fail;
	stmt_bind_text(s, 1, token_hash);
	if ((rc = stmt_step(s, e)) == 1)
		stmt_copy(s, 0, out, size);
	stmt_done(s);
	if (rc == -1)
		goto fail;
	if (out[0] != '\0' &&
	    exec_one(st, clear, token_hash, NULL, 0, 0, e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
store_web_session_delete(struct store *st, const char *token_hash,
    struct err *e)
{
	static const char	*sql = "DELETE FROM web_sessions "
	    "WHERE token_hash = ?";

	return (exec_one(st, sql, token_hash, NULL, 0, 0, e));
}

int
store_web_session_purge(struct store *st, int64_t now, struct err *e)
{
	static const char	*sql = "DELETE FROM web_sessions "
	    "WHERE expires_at < ?";

	return (exec_one(st, sql, NULL, NULL, now, 1, e));
}

int
store_web_failures_get(struct store *st, const char *email,
    struct web_signin_failures *out, struct err *e)
{
	static const char	*sql = "SELECT email, failures, "
	    "last_failure_at, locked_until FROM web_signin_failures "
	    "WHERE email = lower(?)";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, email);
	if ((rc = stmt_step(s, e)) == 1) {
		stmt_copy(s, 0, out->email, sizeof(out->email));
		out->failures = stmt_int64(s, 1);
		out->last_failure_at = stmt_int64(s, 2);
		out->locked_until = stmt_int64(s, 3);
	}
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "no sign-in failures for %s", email));
	return (rc == 1 ? 0 : -1);
}

int
store_web_failures_put(struct store *st, const struct web_signin_failures *f,
    struct err *e)
{
	static const char	*sql = "INSERT INTO web_signin_failures (email, "
	    "failures, last_failure_at, locked_until) VALUES (lower(?), ?, ?, ?) "
	    "ON CONFLICT (email) DO UPDATE SET failures = excluded.failures, "
	    "last_failure_at = excluded.last_failure_at, "
	    "locked_until = excluded.locked_until";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, f->email);
	stmt_bind_int64(s, 2, f->failures);
	stmt_bind_int64(s, 3, f->last_failure_at);
	stmt_bind_int64(s, 4, f->locked_until);
	return (stmt_exec(s, e));
}

int
store_web_failures_clear(struct store *st, const char *email, struct err *e)
{
	static const char	*sql = "DELETE FROM web_signin_failures "
	    "WHERE email = lower(?)";

	return (exec_one(st, sql, email, NULL, 0, 0, e));
}
