/* SPDX-License-Identifier: MIT */
/*
 * The web console's sessions and sign-in limits in the store: portable
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
store_web_failures_clear(struct store *st, const char *email, struct err *e)
{
	static const char	*sql = "DELETE FROM web_signin_failures "
	    "WHERE email = lower(?)";

	return (exec_one(st, sql, email, NULL, 0, 0, e));
}

/*
 * One rate-limit row ('addr:...' or '*') in the current write
 * transaction: *n_out the attempts in its window, *start_out the window's
 * start (a window older than rules->window_ms starts anew at now).
 */
static int
limit_get(struct store *st, const char *key, int64_t now,
    const struct signin_rules *rules, int64_t *n_out, int64_t *start_out,
    struct err *e)
{
	static const char	*sql = "SELECT window_start, attempts FROM "
	    "signin_limits WHERE key = ?";
	struct stmt		*s;
	int			 rc;

	*n_out = 0;
	*start_out = now;
	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, key);
	if ((rc = stmt_step(s, e)) == 1 &&
	    now - stmt_int64(s, 0) < rules->window_ms) {
		*start_out = stmt_int64(s, 0);
		*n_out = stmt_int64(s, 1);
	}
	stmt_done(s);
	return (rc == -1 ? -1 : 0);
}

static int
limit_put(struct store *st, const char *key, int64_t start, int64_t n,
    struct err *e)
{
	static const char	*sql = "INSERT INTO signin_limits (key, "
	    "window_start, attempts) VALUES (?, ?, ?) ON CONFLICT (key) DO "
	    "UPDATE SET window_start = excluded.window_start, "
	    "attempts = excluded.attempts";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, key);
	stmt_bind_int64(s, 2, start);
	stmt_bind_int64(s, 3, n);
	return (stmt_exec(s, e));
}

int
store_signin_admit(struct store *st, const char *email, const char *addr,
    int64_t now, const struct signin_rules *rules,
    struct signin_admission *out, struct err *e)
{
	static const char	*purge_limits = "DELETE FROM signin_limits "
	    "WHERE window_start < ?";
	static const char	*purge_failures = "DELETE FROM "
	    "web_signin_failures WHERE last_failure_at < ? AND "
	    "locked_until < ?";
	static const char	*put_failures = "INSERT INTO "
	    "web_signin_failures (email, failures, last_failure_at, "
	    "locked_until) VALUES (lower(?), ?, ?, ?) ON CONFLICT (email) DO "
	    "UPDATE SET failures = excluded.failures, "
	    "last_failure_at = excluded.last_failure_at, "
	    "locked_until = excluded.locked_until";
	struct web_signin_failures	 f;
	struct stmt			*s;
	struct err			 nf;
	char				 akey[80];
	int64_t				 gn, gstart, an, astart;
	int				 known;

	memset(out, 0, sizeof(*out));
	snprintf(akey, sizeof(akey), "addr:%s", addr);
	/*
	 * One write transaction: writers are serialized on both backends
	 * (BEGIN IMMEDIATE; PostgreSQL's writers' lock), so the counts read
	 * here are the latest and no parallel attempt passes on the same.
	 */
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	/* Old windows and forgotten failures go: the tables stay small. */
	if ((s = db_stmt(st, purge_limits, e)) == NULL)
		goto fail;
	stmt_bind_int64(s, 1, now - rules->window_ms);
	if (stmt_exec(s, e) == -1 || (s = db_stmt(st, purge_failures,
	    e)) == NULL)
		goto fail;
	stmt_bind_int64(s, 1, now - rules->lock_ms);
	stmt_bind_int64(s, 2, now);
	if (stmt_exec(s, e) == -1)
		goto fail;

	memset(&f, 0, sizeof(f));
	err_clear(&nf);
	known = email != NULL && store_web_failures_get(st, email, &f,
	    &nf) == 0;
	if (!known && nf.code != ERR_NONE && nf.code != ERR_NOT_FOUND) {
		*e = nf;
		goto fail;
	}
	if (known && f.locked_until > now) {
		out->refused = SIGNIN_LOCKED;
		out->until = f.locked_until;
		return (store_commit(st, e));
	}
	if (limit_get(st, "*", now, rules, &gn, &gstart, e) == -1 ||
	    limit_get(st, akey, now, rules, &an, &astart, e) == -1)
		goto fail;
	if (an >= rules->per_address) {
		out->refused = SIGNIN_ADDRESS;
		out->until = astart + rules->window_ms;
		return (store_commit(st, e));
	}
	if (gn >= rules->global) {
		out->refused = SIGNIN_GLOBAL;
		out->until = gstart + rules->window_ms;
		return (store_commit(st, e));
	}
	/* Admitted: counted now, as if it fails; success takes it back. */
	if (limit_put(st, "*", gstart, gn + 1, e) == -1 ||
	    limit_put(st, akey, astart, an + 1, e) == -1)
		goto fail;
	if (email != NULL) {
		if (!known || now - f.last_failure_at > rules->lock_ms)
			f.failures = 0;
		f.failures++;
		f.locked_until = 0;
		/* The last failure allowed: if it fails, the e-mail is locked. */
		if (f.failures >= rules->lock_failures) {
			f.failures = 0;
			f.locked_until = now + rules->lock_ms;
			out->locks = 1;
			out->until = f.locked_until;
		}
		if ((s = db_stmt(st, put_failures, e)) == NULL)
			goto fail;
		stmt_bind_text(s, 1, email);
		stmt_bind_int64(s, 2, f.failures);
		stmt_bind_int64(s, 3, now);
		stmt_bind_int64(s, 4, f.locked_until);
		if (stmt_exec(s, e) == -1)
			goto fail;
	}
	out->refused = SIGNIN_ADMITTED;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
store_signin_succeeded(struct store *st, const char *email, const char *addr,
    struct err *e)
{
	static const char	*refund = "UPDATE signin_limits SET attempts = "
	    "attempts - 1 WHERE (key = ? OR key = '*') AND attempts > 0";
	struct stmt		*s;
	char			 akey[80];

	snprintf(akey, sizeof(akey), "addr:%s", addr);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (store_web_failures_clear(st, email, e) == -1 ||
	    (s = db_stmt(st, refund, e)) == NULL)
		goto fail;
	stmt_bind_text(s, 1, akey);
	if (stmt_exec(s, e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}
