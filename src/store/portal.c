/* SPDX-License-Identifier: MIT */
/*
 * The billing portal and Cost Explorer in the store: portal users and
 * their sessions, the current imports and their rollups as Cost Explorer
 * streams them, budgets, alerts, their deliveries (the outbox of webhooks
 * and e-mails) and anomaly marks. Portable SQL; see store.h and
 * migrations/008_portal.sql, 020_alert_deliveries.sql.
 */
#include "store/db.h"
#include "store/portal.h"
#include "store/row.h"
#include "store/store.h"

static const struct col user_cols[] = {
	COL_T(struct portal_user, id, 0),
	COL_T(struct portal_user, email, 0),
	COL_T(struct portal_user, password_hash, 0),
	COL_T(struct portal_user, customer_id, 0),
	COL_T(struct portal_user, role, 0),
	COL_I64(struct portal_user, created_at, 0),
};
static const struct row user_row = ROW(struct portal_user, user_cols);

static const struct col budget_cols[] = {
	COL_T(struct budget, id, 0),
	COL_T(struct budget, customer_id, 0),
	COL_T(struct budget, account_id, 0),
	COL_T(struct budget, name, 0),
	COL_I64(struct budget, amount, 0),
	COL_I64(struct budget, actual_pct, 0),
	COL_I64(struct budget, forecast_pct, 0),
	COL_T(struct budget, webhook_url, 0),
	COL_T(struct budget, webhook_secret, 0),
	COL_I64(struct budget, created_at, 0),
	COL_T(struct budget, email_to, 0),
};
static const struct row budget_row = ROW(struct budget, budget_cols);

static const struct col alert_cols[] = {
	COL_T(struct budget_alert, id, 0),
	COL_T(struct budget_alert, budget_id, 0),
	COL_T(struct budget_alert, period, 0),
	COL_T(struct budget_alert, kind, 0),
	COL_I64(struct budget_alert, threshold_pct, 0),
	COL_I64(struct budget_alert, value, 0),
	COL_I64(struct budget_alert, amount, 0),
	COL_I64(struct budget_alert, created_at, 0),
};
static const struct row alert_row = ROW(struct budget_alert, alert_cols);

/*
 * A delivery d: its alert a, the alert's budget b (what the message
 * names; the amount is the alert's).
 */
static const struct col delivery_cols[] = {
	COL_T_EXPR(struct alert_delivery, alert.id, "a.id"),
	COL_T_EXPR(struct alert_delivery, alert.budget_id, "a.budget_id"),
	COL_T_EXPR(struct alert_delivery, alert.period, "a.period"),
	COL_T_EXPR(struct alert_delivery, alert.kind, "a.kind"),
	COL_I64_EXPR(struct alert_delivery, alert.threshold_pct,
	    "a.threshold_pct"),
	COL_I64_EXPR(struct alert_delivery, alert.value, "a.value"),
	COL_I64_EXPR(struct alert_delivery, alert.amount, "a.amount"),
	COL_I64_EXPR(struct alert_delivery, alert.created_at,
	    "a.created_at"),
	COL_T_EXPR(struct alert_delivery, budget.id, "a.budget_id"),
	COL_T_EXPR(struct alert_delivery, budget.customer_id,
	    "b.customer_id"),
	COL_T_EXPR(struct alert_delivery, budget.account_id, "b.account_id"),
	COL_T_EXPR(struct alert_delivery, budget.name, "b.name"),
	COL_T_EXPR(struct alert_delivery, budget.webhook_secret,
	    "b.webhook_secret"),
	COL_I64_EXPR(struct alert_delivery, budget.amount, "a.amount"),
	COL_T_EXPR(struct alert_delivery, channel, "d.channel"),
	COL_T_EXPR(struct alert_delivery, target, "d.target"),
	COL_T_EXPR(struct alert_delivery, status, "d.status"),
	COL_I64_EXPR(struct alert_delivery, attempts, "d.attempts"),
	COL_I64_EXPR(struct alert_delivery, next_at, "d.next_at"),
	COL_I64_EXPR(struct alert_delivery, last_at, "d.last_at"),
	COL_T_EXPR(struct alert_delivery, last_result, "d.last_result"),
};
static const struct row delivery_row = ROW(struct alert_delivery,
    delivery_cols);

static const struct col attempt_cols[] = {
	COL_T(struct alert_attempt, alert_id, 0),
	COL_T(struct alert_attempt, channel, 0),
	COL_I64(struct alert_attempt, attempt, 0),
	COL_I64(struct alert_attempt, at, 0),
	COL_I64(struct alert_attempt, code, 0),
	COL_T(struct alert_attempt, result, 0),
};
static const struct row attempt_row = ROW(struct alert_attempt,
    attempt_cols);

/* Stored with the customer's id, a leading column: the mark's scope. */
static const struct col mark_cols[] = {
	COL_T(struct anomaly_mark, anomaly_id, COL_KEY),
	COL_T(struct anomaly_mark, status, 0),
	COL_T(struct anomaly_mark, by_user, 0),
	COL_I64(struct anomaly_mark, at, 0),
};
static const struct row mark_row = ROW(struct anomaly_mark, mark_cols);

int
store_portal_user_insert(struct store *st, const struct portal_user *u,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&user_row,
	    "INSERT INTO portal_users {insert}");
	struct stmt		*s;
	int			 rc;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	row_bind(s, 1, &user_row, u, 1);
	if ((rc = stmt_exec(s, e)) == -1 && e->code == ERR_CONFLICT)
		return (err_set(e, ERR_CONFLICT, NULL, NULL,
		    "a portal user with e-mail %s exists already", u->email));
	return (rc);
}

int
store_portal_user_get(struct store *st, const char *id,
    struct portal_user *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&user_row,
	    "SELECT {cols} FROM portal_users WHERE id = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(id)),
	    &user_row, out, e, "no portal user %s", id));
}

int
store_portal_user_by_email(struct store *st, const char *email,
    struct portal_user *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&user_row,
	    "SELECT {cols} FROM portal_users WHERE email = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(email)),
	    &user_row, out, e, "no portal user %s", email));
}

int
store_portal_user_list(struct store *st, struct arena *a,
    const char *customer_id, size_t limit, struct portal_user **out,
    size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&user_row,
	    "SELECT {cols} FROM portal_users WHERE ? = '' OR customer_id = ? "
	    "ORDER BY email LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(customer_id),
	    BIND_TEXT(customer_id), BIND_INT(limit)), a, &user_row, limit, out,
	    n_out, e));
}

int
store_portal_session_put(struct store *st, const char *token_hash,
    const char *user_id, struct err *e)
{
	static const char	*purge = "DELETE FROM portal_sessions WHERE "
	    "token_hash NOT IN (SELECT token_hash FROM web_sessions)";
	static const char	*sql = "INSERT INTO portal_sessions (token_hash, "
	    "user_id) VALUES (?, ?)";

	if (db_exec(st, purge, e) == -1)
		return (-1);
	return (row_run(st, row_binds(db_stmt(st, sql, e),
	    BIND_TEXT(token_hash), BIND_TEXT(user_id)), e) == -1 ? -1 : 0);
}

int
store_portal_session_user(struct store *st, const char *token_hash,
    struct portal_user *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&user_row,
	    "SELECT {cols u} FROM portal_sessions p JOIN web_sessions w ON "
	    "w.token_hash = p.token_hash JOIN portal_users u ON "
	    "u.id = p.user_id WHERE p.token_hash = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(token_hash)),
	    &user_row, out, e, "no portal user %s", token_hash));
}

int
store_ce_rollups(struct store *st, int64_t import_id, int hourly,
    ce_row_fn fn, void *arg, struct err *e)
{
	static const char	*sql = "SELECT period, day, payer_id, account_id, "
	    "product_code, usage_type, operation, region, line_item_type, "
	    "pricing_term, in_membership, unblended, net_unblended, amortized, "
	    "public_on_demand, usage_amount, line_count, attrs, 0, '' FROM "
	    "billing_rollups WHERE import_id = ? ORDER BY account_id, day";
	static const char	*hsql = "SELECT period, day, payer_id, "
	    "account_id, product_code, usage_type, operation, region, "
	    "line_item_type, pricing_term, in_membership, unblended, "
	    "net_unblended, amortized, public_on_demand, usage_amount, "
	    "line_count, attrs, hour, resource_id FROM billing_hourly WHERE "
	    "import_id = ? ORDER BY account_id, day, hour";
	struct billing_rollup	 r;
	struct stmt		*s;
	int			 rc, stop = 0;

	if ((s = db_stmt(st, hourly ? hsql : sql, e)) == NULL)
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
		r.attrs = stmt_text(s, 17);
		r.hour = (int)stmt_int64(s, 18);
		r.resource_id = stmt_text(s, 19);
		stop = fn(arg, &r);
	}
	stmt_done(s);
	if (stop != 0)
		return (stop);
	return (rc == -1 ? -1 : 0);
}

int
store_budget_insert(struct store *st, const struct budget *b, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&budget_row,
	    "INSERT INTO budgets {insert}");
	struct stmt		*s;
	int			 rc;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	row_bind(s, 1, &budget_row, b, 1);
	if ((rc = stmt_exec(s, e)) == -1 && e->code == ERR_CONFLICT)
		return (err_set(e, ERR_CONFLICT, NULL, NULL,
		    "the customer has a budget named %s already", b->name));
	return (rc);
}

int
store_budget_get(struct store *st, const char *id, struct budget *out,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&budget_row,
	    "SELECT {cols} FROM budgets WHERE id = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(id)),
	    &budget_row, out, e, "budget %s does not exist", id));
}

int
store_budget_update(struct store *st, const struct budget *b, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&budget_row,
	    "UPDATE budgets SET {set} WHERE id = ?");
	struct stmt		*s;
	int			 k, rc;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	k = row_bind(s, 1, &budget_row, b, 0);
	stmt_bind_text(s, k, b->id);
	if ((rc = row_exec_one(st, s, e, "budget %s does not exist",
	    b->id)) == -1 && e->code == ERR_CONFLICT)
		return (err_set(e, ERR_CONFLICT, NULL, NULL,
		    "the customer has a budget named %s already", b->name));
	return (rc);
}

int
store_budget_delete(struct store *st, const char *id, struct err *e)
{
	static const char	*del[] = {
	    "DELETE FROM alert_attempts WHERE alert_id IN (SELECT id FROM "
	    "budget_alerts WHERE budget_id = ?)",
	    "DELETE FROM alert_deliveries WHERE alert_id IN (SELECT id FROM "
	    "budget_alerts WHERE budget_id = ?)",
	    "DELETE FROM budget_alerts WHERE budget_id = ?",
	};
	static const char	*d = "DELETE FROM budgets WHERE id = ?";
	size_t			 i;

	for (i = 0; i < sizeof(del) / sizeof(del[0]); i++)
		if (row_run(st, row_binds(db_stmt(st, del[i], e),
		    BIND_TEXT(id)), e) == -1)
			return (-1);
	return (row_exec_one(st, row_binds(db_stmt(st, d, e), BIND_TEXT(id)),
	    e, "budget %s does not exist", id));
}

int
store_budget_list(struct store *st, struct arena *a, const char *customer_id,
    size_t limit, struct budget **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&budget_row,
	    "SELECT {cols} FROM budgets WHERE ? = '' OR customer_id = ? "
	    "ORDER BY customer_id, name LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(customer_id),
	    BIND_TEXT(customer_id), BIND_INT(limit)), a, &budget_row, limit,
	    out, n_out, e));
}

int
store_budget_alert_add(struct store *st, const struct budget_alert *al,
    const char *webhook_url, const char *email_to, int *created_out,
    struct err *e)
{
	static struct row_sql	 ins = ROW_SQL(&alert_row,
	    "INSERT INTO budget_alerts {insert} ON CONFLICT "
	    "(budget_id, period, kind) DO NOTHING");
	static const char	*out = "INSERT INTO alert_deliveries (alert_id, "
	    "channel, target, status, attempts, next_at, last_at, last_result) "
	    "VALUES (?, ?, ?, 'pending', 0, 0, 0, '')";
	const char		*ch[2] = { ALERT_WEBHOOK, ALERT_EMAIL };
	const char		*to[2] = { webhook_url, email_to };
	struct stmt		*s;
	int64_t			 n;
	int			 i;

	*created_out = 0;
	if ((s = row_stmt(st, &ins, e)) == NULL)
		return (-1);
	row_bind(s, 1, &alert_row, al, 1);
	/* None inserted: this budget's alert of the month and kind exists. */
	if ((n = row_run(st, s, e)) <= 0)
		return ((int)n);
	*created_out = 1;
	for (i = 0; i < 2; i++)
		if (to[i] != NULL && *to[i] != '\0' && row_run(st,
		    row_binds(db_stmt(st, out, e), BIND_TEXT(al->id),
		    BIND_TEXT(ch[i]), BIND_TEXT(to[i])), e) == -1)
			return (-1);
	return (0);
}

int
store_budget_alerts(struct store *st, struct arena *a,
    const char *customer_id, const char *budget_id, size_t limit,
    struct budget_alert **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&alert_row,
	    "SELECT {cols a} FROM budget_alerts a JOIN budgets b ON "
	    "b.id = a.budget_id WHERE (? = '' OR b.customer_id = ?) AND "
	    "(? = '' OR a.budget_id = ?) ORDER BY a.created_at DESC, a.id "
	    "LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(customer_id),
	    BIND_TEXT(customer_id), BIND_TEXT(budget_id), BIND_TEXT(budget_id),
	    BIND_INT(limit)), a, &alert_row, limit, out, n_out, e));
}

int
store_alert_deliveries(struct store *st, struct arena *a,
    const char *customer_id, const char *budget_id, size_t limit,
    struct alert_delivery **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&delivery_row,
	    "SELECT {cols} FROM alert_deliveries d JOIN budget_alerts a ON "
	    "a.id = d.alert_id JOIN budgets b ON b.id = a.budget_id WHERE "
	    "(? = '' OR b.customer_id = ?) AND (? = '' OR a.budget_id = ?) "
	    "ORDER BY a.created_at DESC, a.id, d.channel LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(customer_id),
	    BIND_TEXT(customer_id), BIND_TEXT(budget_id), BIND_TEXT(budget_id),
	    BIND_INT(limit)), a, &delivery_row, limit, out, n_out, e));
}

int
store_delivery_due(struct store *st, struct arena *a, int64_t now,
    const char *channel, size_t limit, struct alert_delivery **out,
    size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&delivery_row,
	    "SELECT {cols} FROM alert_deliveries d JOIN budget_alerts a ON "
	    "a.id = d.alert_id JOIN budgets b ON b.id = a.budget_id WHERE "
	    "d.status = 'pending' AND d.next_at <= ? AND (? = '' OR "
	    "d.channel = ?) ORDER BY d.next_at LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_INT(now),
	    BIND_TEXT(channel), BIND_TEXT(channel), BIND_INT(limit)), a,
	    &delivery_row, limit, out, n_out, e));
}

int
store_delivery_claim(struct store *st, const struct alert_delivery *d,
    int64_t until, struct err *e)
{
	static const char	*sql = "UPDATE alert_deliveries SET next_at = ? "
	    "WHERE alert_id = ? AND channel = ? AND status = 'pending' AND "
	    "next_at = ?";
	int64_t			 n;

	if ((n = row_run(st, row_binds(db_stmt(st, sql, e), BIND_INT(until),
	    BIND_TEXT(d->alert.id), BIND_TEXT(d->channel),
	    BIND_INT(d->next_at)), e)) == -1)
		return (-1);
	return (n == 1);
}

int
store_delivery_record(struct store *st, const struct alert_attempt *at,
    const char *status, int64_t next_at, struct err *e)
{
	static struct row_sql	 ins = ROW_SQL(&attempt_row,
	    "INSERT INTO alert_attempts {insert}");
	static const char	*upd = "UPDATE alert_deliveries SET status = ?, "
	    "attempts = ?, next_at = ?, last_at = ?, last_result = ? WHERE "
	    "alert_id = ? AND channel = ?";
	struct stmt		*s;

	if ((s = row_stmt(st, &ins, e)) == NULL)
		return (-1);
	row_bind(s, 1, &attempt_row, at, 1);
	if (stmt_exec(s, e) == -1)
		return (-1);
	return (row_run(st, row_binds(db_stmt(st, upd, e), BIND_TEXT(status),
	    BIND_INT(at->attempt), BIND_INT(next_at), BIND_INT(at->at),
	    BIND_TEXT(at->result), BIND_TEXT(at->alert_id),
	    BIND_TEXT(at->channel)), e) == -1 ? -1 : 0);
}

int
store_alert_attempts(struct store *st, struct arena *a, const char *alert_id,
    struct alert_attempt **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&attempt_row,
	    "SELECT {cols} FROM alert_attempts WHERE alert_id = ? "
	    "ORDER BY at, channel, attempt LIMIT 100");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(alert_id)), a,
	    &attempt_row, 100, out, n_out, e));
}

int
store_anomaly_mark(struct store *st, const char *customer_id,
    const struct anomaly_mark *m, struct err *e)
{
	/* Another scope's mark is never overwritten. */
	static struct row_sql	 q = ROW_SQL(&mark_row,
	    "INSERT INTO anomaly_status {insert customer_id} ON CONFLICT "
	    "(anomaly_id) DO UPDATE SET {set excluded} WHERE "
	    "anomaly_status.customer_id = excluded.customer_id");
	struct stmt		*s;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, customer_id);
	row_bind(s, 2, &mark_row, m, 1);
	return (row_exec_one(st, s, e, "anomaly %s is not this customer's",
	    m->anomaly_id));
}

int
store_anomaly_marks(struct store *st, struct arena *a,
    const char *customer_id, size_t limit, struct anomaly_mark **out,
    size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&mark_row,
	    "SELECT {cols} FROM anomaly_status WHERE customer_id = ? LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(customer_id),
	    BIND_INT(limit)), a, &mark_row, limit, out, n_out, e));
}
