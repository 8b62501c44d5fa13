/* SPDX-License-Identifier: MIT */
/*
 * The onboarding desk in the store: the MSP row, customers and the accounts
 * they own, onboardings and their events, the audit log. Portable SQL.
 * See store.h ("Onboarding").
 */
#include <string.h>

#include "store/db.h"
#include "store/store.h"



int
store_msp_put(struct store *st, const struct msp *m, struct err *e)
{
	static const char	*del = "DELETE FROM msp";
	static const char	*sql = "INSERT INTO msp (id, account_id, name, "
	    "address, public_url, gap_threshold_min, updated_at) "
	    "VALUES (1, ?, ?, ?, ?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, del, e)) == NULL || stmt_exec(s, e) == -1)
		return (-1);
	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, m->account_id);
	stmt_bind_text(s, 2, m->name);
	stmt_bind_text(s, 3, m->address);
	stmt_bind_text(s, 4, m->public_url);
	stmt_bind_int64(s, 5, m->gap_threshold_min);
	stmt_bind_int64(s, 6, m->updated_at);
	return (stmt_exec(s, e));
}

int
store_msp_get(struct store *st, struct msp *out, struct err *e)
{
	static const char	*sql = "SELECT account_id, name, address, "
	    "public_url, gap_threshold_min, updated_at FROM msp WHERE id = 1";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	if ((rc = stmt_step(s, e)) == 1) {
		stmt_copy(s, 0, out->account_id, sizeof(out->account_id));
		stmt_copy(s, 1, out->name, sizeof(out->name));
		stmt_copy(s, 2, out->address, sizeof(out->address));
		stmt_copy(s, 3, out->public_url, sizeof(out->public_url));
		out->gap_threshold_min = stmt_int64(s, 4);
		out->updated_at = stmt_int64(s, 5);
	}
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "no MSP is set (payerlink msp set ACCOUNT_ID)"));
	return (rc == 1 ? 0 : -1);
}

#define CUSTOMER_COLS	"c.id, c.name, c.contact_email, c.currency, " \
			"c.tax_rate, c.created_at, c.updated_at, " \
			"(SELECT count(*) FROM customer_accounts x " \
			"WHERE x.customer_id = c.id)"

static void
customer_row(struct stmt *s, struct customer *c)
{
	stmt_copy(s, 0, c->id, sizeof(c->id));
	stmt_copy(s, 1, c->name, sizeof(c->name));
	stmt_copy(s, 2, c->contact_email, sizeof(c->contact_email));
	stmt_copy(s, 3, c->currency, sizeof(c->currency));
	c->tax_rate = stmt_int64(s, 4);
	c->created_at = stmt_int64(s, 5);
	c->updated_at = stmt_int64(s, 6);
	c->naccounts = stmt_int64(s, 7);
}

int
store_customer_insert(struct store *st, const struct customer *c,
    struct err *e)
{
	static const char	*sql = "INSERT INTO customers (id, name, "
	    "contact_email, currency, tax_rate, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, c->id);
	stmt_bind_text(s, 2, c->name);
	stmt_bind_text(s, 3, c->contact_email);
	stmt_bind_text(s, 4, c->currency);
	stmt_bind_int64(s, 5, c->tax_rate);
	stmt_bind_int64(s, 6, c->created_at);
	stmt_bind_int64(s, 7, c->updated_at);
	return (stmt_exec(s, e));
}

int
store_customer_update(struct store *st, const struct customer *c,
    struct err *e)
{
	static const char	*sql = "UPDATE customers SET name = ?, "
	    "contact_email = ?, currency = ?, tax_rate = ?, updated_at = ? "
	    "WHERE id = ?";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, c->name);
	stmt_bind_text(s, 2, c->contact_email);
	stmt_bind_text(s, 3, c->currency);
	stmt_bind_int64(s, 4, c->tax_rate);
	stmt_bind_int64(s, 5, c->updated_at);
	stmt_bind_text(s, 6, c->id);
	if (stmt_exec(s, e) == -1)
		return (-1);
	if (db_changes(st) == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "customer %s does not exist", c->id));
	return (0);
}

int
store_customer_get(struct store *st, const char *id, struct customer *out,
    struct err *e)
{
	static const char	*sql = "SELECT " CUSTOMER_COLS
	    " FROM customers c WHERE c.id = ?";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, id);
	if ((rc = stmt_step(s, e)) == 1)
		customer_row(s, out);
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "customer %s does not exist", id));
	return (rc == 1 ? 0 : -1);
}

int
store_customer_list(struct store *st, struct arena *a, const char *after,
    size_t limit, struct customer **out, size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT " CUSTOMER_COLS
	    " FROM customers c WHERE c.id > ? ORDER BY c.id LIMIT ?";
	struct stmt		*s;
	struct customer		*v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, after);
	stmt_bind_int64(s, 2, (int64_t)limit);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		customer_row(s, &v[n++]);
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_customer_account_insert(struct store *st,
    const struct customer_account *ca, struct err *e)
{
	static const char	*sql = "INSERT INTO customer_accounts "
	    "(account_id, customer_id, since) VALUES (?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, ca->account_id);
	stmt_bind_text(s, 2, ca->customer_id);
	stmt_bind_int64(s, 3, ca->since);
	return (stmt_exec(s, e));
}

int
store_customer_account_get(struct store *st, const char *account_id,
    struct customer_account *out, struct err *e)
{
	static const char	*sql = "SELECT account_id, customer_id, since "
	    "FROM customer_accounts WHERE account_id = ?";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, account_id);
	if ((rc = stmt_step(s, e)) == 1) {
		stmt_copy(s, 0, out->account_id, sizeof(out->account_id));
		stmt_copy(s, 1, out->customer_id, sizeof(out->customer_id));
		out->since = stmt_int64(s, 2);
	}
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "account %s belongs to no customer", account_id));
	return (rc == 1 ? 0 : -1);
}

int
store_customer_accounts(struct store *st, struct arena *a,
    const char *customer_id, size_t limit, struct customer_account **out,
    size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT account_id, customer_id, since "
	    "FROM customer_accounts WHERE (? = '' OR customer_id = ?) "
	    "ORDER BY account_id LIMIT ?";
	struct stmt		*s;
	struct customer_account	*v = NULL, *ca;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, customer_id);
	stmt_bind_text(s, 2, customer_id);
	stmt_bind_int64(s, 3, (int64_t)limit);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		ca = &v[n++];
		stmt_copy(s, 0, ca->account_id, sizeof(ca->account_id));
		stmt_copy(s, 1, ca->customer_id, sizeof(ca->customer_id));
		ca->since = stmt_int64(s, 2);
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

#define ONBOARDING_COLS	"id, customer_id, account_id, email, notes, " \
			"case_no, prev_org_id, prev_members, msp_account_id, " \
			"msp_org_id, handshake_id, token_hash, requested_at, " \
			"requested_by"

static void
onboarding_row(struct stmt *s, struct onboarding *o)
{
	stmt_copy(s, 0, o->id, sizeof(o->id));
	stmt_copy(s, 1, o->customer_id, sizeof(o->customer_id));
	stmt_copy(s, 2, o->account_id, sizeof(o->account_id));
	stmt_copy(s, 3, o->email, sizeof(o->email));
	stmt_copy(s, 4, o->notes, sizeof(o->notes));
	o->case_no = (int)stmt_int64(s, 5);
	stmt_copy(s, 6, o->prev_org_id, sizeof(o->prev_org_id));
	o->prev_members = stmt_int64(s, 7);
	stmt_copy(s, 8, o->msp_account_id, sizeof(o->msp_account_id));
	stmt_copy(s, 9, o->msp_org_id, sizeof(o->msp_org_id));
	stmt_copy(s, 10, o->handshake_id, sizeof(o->handshake_id));
	stmt_copy(s, 11, o->token_hash, sizeof(o->token_hash));
	o->requested_at = stmt_int64(s, 12);
	stmt_copy(s, 13, o->requested_by, sizeof(o->requested_by));
}

int
store_onboarding_insert(struct store *st, const struct onboarding *o,
    struct err *e)
{
	static const char	*sql = "INSERT INTO onboardings ("
	    ONBOARDING_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, o->id);
	stmt_bind_text(s, 2, o->customer_id);
	stmt_bind_text(s, 3, o->account_id);
	stmt_bind_text(s, 4, o->email);
	stmt_bind_text(s, 5, o->notes);
	stmt_bind_int64(s, 6, o->case_no);
	stmt_bind_text(s, 7, o->prev_org_id);
	stmt_bind_int64(s, 8, o->prev_members);
	stmt_bind_text(s, 9, o->msp_account_id);
	stmt_bind_text(s, 10, o->msp_org_id);
	stmt_bind_text(s, 11, o->handshake_id);
	stmt_bind_text(s, 12, o->token_hash);
	stmt_bind_int64(s, 13, o->requested_at);
	stmt_bind_text(s, 14, o->requested_by);
	return (stmt_exec(s, e));
}

static int
onboarding_one(struct store *st, const char *sql, const char *arg,
    struct onboarding *out, struct err *e)
{
	struct stmt	*s;
	int		 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, arg);
	if ((rc = stmt_step(s, e)) == 1)
		onboarding_row(s, out);
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "onboarding does not exist"));
	return (rc == 1 ? 0 : -1);
}

int
store_onboarding_get(struct store *st, const char *id,
    struct onboarding *out, struct err *e)
{
	static const char	*sql = "SELECT " ONBOARDING_COLS
	    " FROM onboardings WHERE id = ?";

	return (onboarding_one(st, sql, id, out, e));
}

int
store_onboarding_by_token(struct store *st, const char *token_hash,
    struct onboarding *out, struct err *e)
{
	static const char	*sql = "SELECT " ONBOARDING_COLS
	    " FROM onboardings WHERE token_hash = ?";

	return (onboarding_one(st, sql, token_hash, out, e));
}

int
store_onboarding_set(struct store *st, const char *id,
    const char *handshake_id, const char *token_hash, struct err *e)
{
	static const char	*sql = "UPDATE onboardings SET "
	    "handshake_id = CASE WHEN ? = '' THEN handshake_id ELSE ? END, "
	    "token_hash = CASE WHEN ? = '' THEN token_hash ELSE ? END "
	    "WHERE id = ?";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, handshake_id);
	stmt_bind_text(s, 2, handshake_id);
	stmt_bind_text(s, 3, token_hash);
	stmt_bind_text(s, 4, token_hash);
	stmt_bind_text(s, 5, id);
	if (stmt_exec(s, e) == -1)
		return (-1);
	if (db_changes(st) == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "onboarding %s does not exist", id));
	return (0);
}

int
store_onboarding_list(struct store *st, struct arena *a,
    const char *customer_id, const char *after, size_t limit,
    struct onboarding **out, size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT " ONBOARDING_COLS
	    " FROM onboardings WHERE (? = '' OR customer_id = ?) AND id > ? "
	    "ORDER BY id LIMIT ?";
	struct stmt		*s;
	struct onboarding	*v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, customer_id);
	stmt_bind_text(s, 2, customer_id);
	stmt_bind_text(s, 3, after);
	stmt_bind_int64(s, 4, (int64_t)limit);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		onboarding_row(s, &v[n++]);
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_onboarding_event_insert(struct store *st,
    const struct onboarding_event *ev, struct err *e)
{
	static const char	*sql = "INSERT INTO onboarding_events "
	    "(onboarding_id, at, kind, actor, handshake_id, proposed_at, "
	    "detail) VALUES (?, ?, ?, ?, ?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, ev->onboarding_id);
	stmt_bind_int64(s, 2, ev->at);
	stmt_bind_text(s, 3, ev->kind);
	stmt_bind_text(s, 4, ev->actor);
	stmt_bind_text(s, 5, ev->handshake_id);
	if (ev->proposed_at != 0)
		stmt_bind_int64(s, 6, ev->proposed_at);
	else
		stmt_bind_null(s, 6);
	stmt_bind_text(s, 7, ev->detail);
	return (stmt_exec(s, e));
}

int
store_onboarding_events(struct store *st, struct arena *a,
    const char *onboarding_id, size_t limit, struct onboarding_event **out,
    size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT id, onboarding_id, at, kind, "
	    "actor, handshake_id, COALESCE(proposed_at, 0), detail "
	    "FROM onboarding_events WHERE onboarding_id = ? "
	    "ORDER BY at, id LIMIT ?";
	struct stmt		*s;
	struct onboarding_event	*v = NULL, *ev;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, onboarding_id);
	stmt_bind_int64(s, 2, (int64_t)limit);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		ev = &v[n++];
		ev->id = stmt_int64(s, 0);
		stmt_copy(s, 1, ev->onboarding_id, sizeof(ev->onboarding_id));
		ev->at = stmt_int64(s, 2);
		stmt_copy(s, 3, ev->kind, sizeof(ev->kind));
		stmt_copy(s, 4, ev->actor, sizeof(ev->actor));
		stmt_copy(s, 5, ev->handshake_id, sizeof(ev->handshake_id));
		ev->proposed_at = stmt_int64(s, 6);
		stmt_copy(s, 7, ev->detail, sizeof(ev->detail));
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_org_departures(struct store *st, struct arena *a, const char *org_id,
    int64_t since, size_t limit, struct membership **out, size_t *n_out,
    struct err *e)
{
	static const char	*sql = "SELECT id, account_id, org_id, payer_id, "
	    "joined_at, joined_method, left_at, COALESCE(left_method, ''), "
	    "parent_id FROM memberships WHERE org_id = ? AND left_at >= ? "
	    "ORDER BY left_at, id LIMIT ?";
	struct stmt		*s;
	struct membership	*v = NULL, *m;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, org_id);
	stmt_bind_int64(s, 2, since);
	stmt_bind_int64(s, 3, (int64_t)limit);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		m = &v[n++];
		m->id = stmt_int64(s, 0);
		stmt_copy(s, 1, m->account_id, sizeof(m->account_id));
		stmt_copy(s, 2, m->org_id, sizeof(m->org_id));
		stmt_copy(s, 3, m->payer_id, sizeof(m->payer_id));
		m->joined_at = stmt_int64(s, 4);
		stmt_copy(s, 5, m->joined_method, sizeof(m->joined_method));
		m->left_at = stmt_int64(s, 6);
		stmt_copy(s, 7, m->left_method, sizeof(m->left_method));
		stmt_copy(s, 8, m->parent_id, sizeof(m->parent_id));
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_audit_append(struct store *st, const char *actor, const char *action,
    const char *object, const char *detail, struct err *e)
{
	static const char	*sql = "INSERT INTO audit_log (at, actor, action, "
	    "object, detail) VALUES (?, ?, ?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, store_now(st));
	stmt_bind_text(s, 2, actor);
	stmt_bind_text(s, 3, action);
	stmt_bind_text(s, 4, object);
	stmt_bind_text(s, 5, detail != NULL ? detail : "");
	return (stmt_exec(s, e));
}

int
store_audit_list(struct store *st, struct arena *a, int64_t since,
    const char *object, int64_t after_id, size_t limit,
    struct audit_entry **out, size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT id, at, actor, action, object, "
	    "detail FROM audit_log WHERE at >= ? AND (? = '' OR object = ?) "
	    "AND id > ? ORDER BY id LIMIT ?";
	struct stmt		*s;
	struct audit_entry	*v = NULL, *ae;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, since);
	stmt_bind_text(s, 2, object);
	stmt_bind_text(s, 3, object);
	stmt_bind_int64(s, 4, after_id);
	stmt_bind_int64(s, 5, (int64_t)limit);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		ae = &v[n++];
		ae->id = stmt_int64(s, 0);
		ae->at = stmt_int64(s, 1);
		stmt_copy(s, 2, ae->actor, sizeof(ae->actor));
		stmt_copy(s, 3, ae->action, sizeof(ae->action));
		stmt_copy(s, 4, ae->object, sizeof(ae->object));
		stmt_copy(s, 5, ae->detail, sizeof(ae->detail));
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}
