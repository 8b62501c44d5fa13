/* SPDX-License-Identifier: MIT */
/*
 * The billing portal and Cost Explorer in the store: portal users and
 * their sessions, the current imports and their rollups as Cost Explorer
 * streams them, budgets, alerts, webhook deliveries and anomaly marks.
 * Portable SQL; see store.h and migrations/008_portal.sql.
 */
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"

#define USER_COLS "id, email, password_hash, customer_id, role, created_at"

static void
user_row(struct stmt *s, int c, struct portal_user *u)
{
	stmt_copy(s, c + 0, u->id, sizeof(u->id));
	stmt_copy(s, c + 1, u->email, sizeof(u->email));
	stmt_copy(s, c + 2, u->password_hash, sizeof(u->password_hash));
	stmt_copy(s, c + 3, u->customer_id, sizeof(u->customer_id));
	stmt_copy(s, c + 4, u->role, sizeof(u->role));
	u->created_at = stmt_int64(s, c + 5);
}

int
store_portal_user_insert(struct store *st, const struct portal_user *u,
    struct err *e)
{
	static const char	*sql = "INSERT INTO portal_users (" USER_COLS
	    ") VALUES (?, ?, ?, ?, ?, ?)";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, u->id);
	stmt_bind_text(s, 2, u->email);
	stmt_bind_text(s, 3, u->password_hash);
	stmt_bind_text(s, 4, u->customer_id);
	stmt_bind_text(s, 5, u->role);
	stmt_bind_int64(s, 6, u->created_at);
	rc = stmt_step(s, e);
	stmt_done(s);
	if (rc == -1 && e->code == ERR_CONFLICT)
		return (err_set(e, ERR_CONFLICT, NULL, NULL,
		    "a portal user with e-mail %s exists already", u->email));
	return (rc == -1 ? -1 : 0);
}

static int
user_one(struct store *st, const char *sql, const char *arg,
    struct portal_user *out, struct err *e)
{
	struct stmt	*s;
	int		 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, arg);
	if ((rc = stmt_step(s, e)) == 1)
		user_row(s, 0, out);
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "no portal user %s", arg));
	return (rc == 1 ? 0 : -1);
}

int
store_portal_user_get(struct store *st, const char *id,
    struct portal_user *out, struct err *e)
{
	static const char *sql = "SELECT " USER_COLS
	    " FROM portal_users WHERE id = ?";

	return (user_one(st, sql, id, out, e));
}

int
store_portal_user_by_email(struct store *st, const char *email,
    struct portal_user *out, struct err *e)
{
	static const char *sql = "SELECT " USER_COLS
	    " FROM portal_users WHERE email = ?";

	return (user_one(st, sql, email, out, e));
}

int
store_portal_user_list(struct store *st, struct arena *a,
    const char *customer_id, size_t limit, struct portal_user **out,
    size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT " USER_COLS " FROM portal_users "
	    "WHERE ? = '' OR customer_id = ? ORDER BY email LIMIT ?";
	struct stmt		*s;
	struct portal_user	*v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, customer_id);
	stmt_bind_text(s, 2, customer_id);
	stmt_bind_int64(s, 3, (int64_t)limit);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		user_row(s, 0, &v[n++]);
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_portal_session_put(struct store *st, const char *token_hash,
    const char *user_id, struct err *e)
{
	static const char	*purge = "DELETE FROM portal_sessions WHERE "
	    "token_hash NOT IN (SELECT token_hash FROM web_sessions)";
	static const char	*sql = "INSERT INTO portal_sessions (token_hash, "
	    "user_id) VALUES (?, ?)";
	struct stmt		*s;
	int			 rc;

	if (db_exec(st, purge, e) == -1 || (s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, token_hash);
	stmt_bind_text(s, 2, user_id);
	rc = stmt_step(s, e);
	stmt_done(s);
	return (rc == -1 ? -1 : 0);
}

int
store_portal_session_user(struct store *st, const char *token_hash,
    struct portal_user *out, struct err *e)
{
	static const char *sql = "SELECT u.id, u.email, u.password_hash, "
	    "u.customer_id, u.role, u.created_at FROM portal_sessions p "
	    "JOIN web_sessions w ON w.token_hash = p.token_hash "
	    "JOIN portal_users u ON u.id = p.user_id WHERE p.token_hash = ?";

	return (user_one(st, sql, token_hash, out, e));
}

int
store_ce_rollups(struct store *st, int64_t import_id, ce_row_fn fn,
    void *arg, struct err *e)
{
	static const char	*sql = "SELECT period, day, payer_id, account_id, "
	    "product_code, usage_type, operation, region, line_item_type, "
	    "pricing_term, in_membership, unblended, net_unblended, amortized, "
	    "public_on_demand, usage_amount, line_count FROM billing_rollups "
	    "WHERE import_id = ? ORDER BY account_id, day";
	struct billing_rollup	 r;
	struct stmt		*s;
	int			 rc, stop = 0;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, import_id);
	while (stop == 0 && (rc = stmt_step(s, e)) == 1) {
		r.period = stmt_text(s, 0);
		r.day = stmt_text(s, 1);
		r.payer_id = stmt_text(s, 2);
		r.account_id = stmt_text(s, 3);
		r.product_code = stmt_text(s, 4);
		r.usage_type = stmt_text(s, 5);
		r.operation = stmt_text(s, 6);
		r.region = stmt_text(s, 7);
		r.line_item_type = stmt_text(s, 8);
		r.pricing_term = stmt_text(s, 9);
		r.in_membership = (int)stmt_int64(s, 10);
		r.unblended = stmt_int64(s, 11);
		r.net_unblended = stmt_int64(s, 12);
		r.amortized = stmt_int64(s, 13);
		r.public_on_demand = stmt_int64(s, 14);
		r.usage_amount = stmt_int64(s, 15);
		r.line_count = stmt_int64(s, 16);
		stop = fn(arg, &r);
	}
	stmt_done(s);
	if (stop != 0)
		return (stop);
	return (rc == -1 ? -1 : 0);
}

#define BUDGET_COLS "id, customer_id, account_id, name, amount, actual_pct, " \
	"forecast_pct, webhook_url, webhook_secret, created_at"

static void
budget_row(struct stmt *s, struct budget *b)
{
	stmt_copy(s, 0, b->id, sizeof(b->id));
	stmt_copy(s, 1, b->customer_id, sizeof(b->customer_id));
	stmt_copy(s, 2, b->account_id, sizeof(b->account_id));
	stmt_copy(s, 3, b->name, sizeof(b->name));
	b->amount = stmt_int64(s, 4);
	b->actual_pct = stmt_int64(s, 5);
	b->forecast_pct = stmt_int64(s, 6);
	stmt_copy(s, 7, b->webhook_url, sizeof(b->webhook_url));
	stmt_copy(s, 8, b->webhook_secret, sizeof(b->webhook_secret));
	b->created_at = stmt_int64(s, 9);
}

int
store_budget_insert(struct store *st, const struct budget *b, struct err *e)
{
	static const char	*sql = "INSERT INTO budgets (" BUDGET_COLS
	    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, b->id);
	stmt_bind_text(s, 2, b->customer_id);
	stmt_bind_text(s, 3, b->account_id);
	stmt_bind_text(s, 4, b->name);
	stmt_bind_int64(s, 5, b->amount);
	stmt_bind_int64(s, 6, b->actual_pct);
	stmt_bind_int64(s, 7, b->forecast_pct);
	stmt_bind_text(s, 8, b->webhook_url);
	stmt_bind_text(s, 9, b->webhook_secret);
	stmt_bind_int64(s, 10, b->created_at);
	rc = stmt_step(s, e);
	stmt_done(s);
	if (rc == -1 && e->code == ERR_CONFLICT)
		return (err_set(e, ERR_CONFLICT, NULL, NULL,
		    "the customer has a budget named %s already", b->name));
	return (rc == -1 ? -1 : 0);
}

int
store_budget_get(struct store *st, const char *id, struct budget *out,
    struct err *e)
{
	static const char	*sql = "SELECT " BUDGET_COLS
	    " FROM budgets WHERE id = ?";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, id);
	if ((rc = stmt_step(s, e)) == 1)
		budget_row(s, out);
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "budget %s does not exist", id));
	return (rc == 1 ? 0 : -1);
}

int
store_budget_delete(struct store *st, const char *id, struct err *e)
{
	static const char	*d1 = "DELETE FROM webhook_deliveries WHERE "
	    "alert_id IN (SELECT id FROM budget_alerts WHERE budget_id = ?)";
	static const char	*d2 = "DELETE FROM budget_alerts WHERE "
	    "budget_id = ?";
	static const char	*d3 = "DELETE FROM budgets WHERE id = ?";
	const char		*sqls[3] = { d1, d2, d3 };
	struct stmt		*s;
	int			 i, rc;

	for (i = 0; i < 3; i++) {
		if ((s = db_stmt(st, sqls[i], e)) == NULL)
			return (-1);
		stmt_bind_text(s, 1, id);
		rc = stmt_step(s, e);
		stmt_done(s);
		if (rc == -1)
			return (-1);
	}
	if (db_changes(st) == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "budget %s does not exist", id));
	return (0);
}

int
store_budget_list(struct store *st, struct arena *a, const char *customer_id,
    size_t limit, struct budget **out, size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT " BUDGET_COLS " FROM budgets "
	    "WHERE ? = '' OR customer_id = ? ORDER BY customer_id, name "
	    "LIMIT ?";
	struct stmt		*s;
	struct budget		*v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, customer_id);
	stmt_bind_text(s, 2, customer_id);
	stmt_bind_int64(s, 3, (int64_t)limit);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		budget_row(s, &v[n++]);
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_budget_alert_add(struct store *st, const struct budget_alert *al,
    const char *webhook_url, int *created_out, struct err *e)
{
	static const char	*ins = "INSERT INTO budget_alerts (id, budget_id, "
	    "period, kind, threshold_pct, value, amount, created_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (budget_id, period, kind) "
	    "DO NOTHING";
	static const char	*wh = "INSERT INTO webhook_deliveries (alert_id, "
	    "url, status, attempts, next_at, last_result) VALUES "
	    "(?, ?, 'pending', 0, 0, '')";
	struct stmt		*s;
	int			 rc;

	*created_out = 0;
	if ((s = db_stmt(st, ins, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, al->id);
	stmt_bind_text(s, 2, al->budget_id);
	stmt_bind_text(s, 3, al->period);
	stmt_bind_text(s, 4, al->kind);
	stmt_bind_int64(s, 5, al->threshold_pct);
	stmt_bind_int64(s, 6, al->value);
	stmt_bind_int64(s, 7, al->amount);
	stmt_bind_int64(s, 8, al->created_at);
	rc = stmt_step(s, e);
	stmt_done(s);
	if (rc == -1)
		return (-1);
	if (db_changes(st) == 0)
		return (0);
	*created_out = 1;
	if (webhook_url == NULL || *webhook_url == '\0')
		return (0);
	if ((s = db_stmt(st, wh, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, al->id);
	stmt_bind_text(s, 2, webhook_url);
	rc = stmt_step(s, e);
	stmt_done(s);
	return (rc == -1 ? -1 : 0);
}

/* Columns 0..7: a.id, a.budget_id, a.period, a.kind, a.threshold_pct,
 * a.value, a.amount, a.created_at. */
static void
alert_row(struct stmt *s, struct budget_alert *al)
{
	stmt_copy(s, 0, al->id, sizeof(al->id));
	stmt_copy(s, 1, al->budget_id, sizeof(al->budget_id));
	stmt_copy(s, 2, al->period, sizeof(al->period));
	stmt_copy(s, 3, al->kind, sizeof(al->kind));
	al->threshold_pct = stmt_int64(s, 4);
	al->value = stmt_int64(s, 5);
	al->amount = stmt_int64(s, 6);
	al->created_at = stmt_int64(s, 7);
}

int
store_budget_alerts(struct store *st, struct arena *a,
    const char *customer_id, const char *budget_id, size_t limit,
    struct budget_alert **out, size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT a.id, a.budget_id, a.period, "
	    "a.kind, a.threshold_pct, a.value, a.amount, a.created_at, "
	    "COALESCE(d.status, ''), COALESCE(d.attempts, 0), "
	    "COALESCE(d.last_result, '') FROM budget_alerts a JOIN budgets b "
	    "ON b.id = a.budget_id LEFT JOIN webhook_deliveries d ON "
	    "d.alert_id = a.id WHERE (? = '' OR b.customer_id = ?) AND "
	    "(? = '' OR a.budget_id = ?) ORDER BY a.created_at DESC, a.id "
	    "LIMIT ?";
	struct stmt		*s;
	struct budget_alert	*v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, customer_id);
	stmt_bind_text(s, 2, customer_id);
	stmt_bind_text(s, 3, budget_id);
	stmt_bind_text(s, 4, budget_id);
	stmt_bind_int64(s, 5, (int64_t)limit);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		alert_row(s, &v[n]);
		stmt_copy(s, 8, v[n].delivery_status,
		    sizeof(v[n].delivery_status));
		v[n].delivery_attempts = stmt_int64(s, 9);
		stmt_copy(s, 10, v[n].delivery_result,
		    sizeof(v[n].delivery_result));
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
store_webhook_due(struct store *st, struct arena *a, int64_t now,
    size_t limit, struct webhook_delivery **out, size_t *n_out,
    struct err *e)
{
	static const char	*sql = "SELECT a.id, a.budget_id, a.period, "
	    "a.kind, a.threshold_pct, a.value, a.amount, a.created_at, "
	    "b.customer_id, b.account_id, b.name, b.webhook_secret, d.url, "
	    "d.status, d.attempts, d.next_at FROM "
	    "webhook_deliveries d JOIN budget_alerts a ON a.id = d.alert_id "
	    "JOIN budgets b ON b.id = a.budget_id WHERE d.status = 'pending' "
	    "AND d.next_at <= ? ORDER BY d.next_at LIMIT ?";
	struct stmt		*s;
	struct webhook_delivery	*v = NULL;
	struct budget_alert	*al;
	struct budget		*b;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, now);
	stmt_bind_int64(s, 2, (int64_t)limit);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		memset(&v[n], 0, sizeof(v[n]));
		al = &v[n].alert;
		b = &v[n].budget;
		alert_row(s, al);
		snprintf(b->id, sizeof(b->id), "%s", al->budget_id);
		stmt_copy(s, 8, b->customer_id, sizeof(b->customer_id));
		stmt_copy(s, 9, b->account_id, sizeof(b->account_id));
		stmt_copy(s, 10, b->name, sizeof(b->name));
		stmt_copy(s, 11, b->webhook_secret, sizeof(b->webhook_secret));
		b->amount = al->amount;
		stmt_copy(s, 12, v[n].url, sizeof(v[n].url));
		stmt_copy(s, 13, v[n].status, sizeof(v[n].status));
		v[n].attempts = stmt_int64(s, 14);
		v[n].next_at = stmt_int64(s, 15);
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
store_webhook_record(struct store *st, const struct webhook_attempt *at,
    const char *status, int64_t next_at, struct err *e)
{
	static const char	*ins = "INSERT INTO webhook_attempts (alert_id, "
	    "attempt, at, http_status, result) VALUES (?, ?, ?, ?, ?)";
	static const char	*upd = "UPDATE webhook_deliveries SET status = ?, "
	    "attempts = ?, next_at = ?, last_result = ? WHERE alert_id = ?";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, ins, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, at->alert_id);
	stmt_bind_int64(s, 2, at->attempt);
	stmt_bind_int64(s, 3, at->at);
	stmt_bind_int64(s, 4, at->http_status);
	stmt_bind_text(s, 5, at->result);
	rc = stmt_step(s, e);
	stmt_done(s);
	if (rc == -1 || (s = db_stmt(st, upd, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, status);
	stmt_bind_int64(s, 2, at->attempt);
	stmt_bind_int64(s, 3, next_at);
	stmt_bind_text(s, 4, at->result);
	stmt_bind_text(s, 5, at->alert_id);
	rc = stmt_step(s, e);
	stmt_done(s);
	return (rc == -1 ? -1 : 0);
}

int
store_webhook_attempts(struct store *st, struct arena *a,
    const char *alert_id, struct webhook_attempt **out, size_t *n_out,
    struct err *e)
{
	static const char	*sql = "SELECT alert_id, attempt, at, "
	    "http_status, result FROM webhook_attempts WHERE alert_id = ? "
	    "ORDER BY attempt LIMIT 100";
	struct stmt		*s;
	struct webhook_attempt	*v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, alert_id);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		stmt_copy(s, 0, v[n].alert_id, sizeof(v[n].alert_id));
		v[n].attempt = stmt_int64(s, 1);
		v[n].at = stmt_int64(s, 2);
		v[n].http_status = stmt_int64(s, 3);
		stmt_copy(s, 4, v[n].result, sizeof(v[n].result));
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
store_anomaly_mark(struct store *st, const char *customer_id,
    const struct anomaly_mark *m, struct err *e)
{
	static const char	*sql = "INSERT INTO anomaly_status (anomaly_id, "
	    "customer_id, status, by_user, at) VALUES (?, ?, ?, ?, ?) ON "
	    "CONFLICT (anomaly_id) DO UPDATE SET status = excluded.status, "
	    "by_user = excluded.by_user, at = excluded.at WHERE "
	    "anomaly_status.customer_id = excluded.customer_id";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, m->anomaly_id);
	stmt_bind_text(s, 2, customer_id);
	stmt_bind_text(s, 3, m->status);
	stmt_bind_text(s, 4, m->by_user);
	stmt_bind_int64(s, 5, m->at);
	rc = stmt_step(s, e);
	stmt_done(s);
	if (rc == -1)
		return (-1);
	/* Another scope's mark is never overwritten. */
	if (db_changes(st) == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "anomaly %s is not this customer's", m->anomaly_id));
	return (0);
}

int
store_anomaly_marks(struct store *st, struct arena *a,
    const char *customer_id, size_t limit, struct anomaly_mark **out,
    size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT anomaly_id, status, by_user, at "
	    "FROM anomaly_status WHERE customer_id = ? LIMIT ?";
	struct stmt		*s;
	struct anomaly_mark	*v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, customer_id);
	stmt_bind_int64(s, 2, (int64_t)limit);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		stmt_copy(s, 0, v[n].anomaly_id, sizeof(v[n].anomaly_id));
		stmt_copy(s, 1, v[n].status, sizeof(v[n].status));
		stmt_copy(s, 2, v[n].by_user, sizeof(v[n].by_user));
		v[n].at = stmt_int64(s, 3);
		n++;
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}
