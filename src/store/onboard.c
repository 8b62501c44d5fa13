/* SPDX-License-Identifier: MIT */
/*
 * The onboarding desk in the store: the MSP row, customers and the accounts
 * they own, onboardings and their events, the audit log. Portable SQL.
 * See store.h ("Onboarding").
 */
#include "store/db.h"
#include "store/onboard.h"
#include "store/row.h"
#include "store/rows.h"
#include "store/store.h"

static const struct col msp_cols[] = {
	COL_T(struct msp, account_id, 0),
	COL_T(struct msp, name, 0),
	COL_T(struct msp, address, 0),
	COL_T(struct msp, public_url, 0),
	COL_I64(struct msp, gap_threshold_min, 0),
	COL_I64(struct msp, updated_at, 0),
	COL_T(struct msp, legal_name, 0),
	COL_T(struct msp, tax_id, 0),
	COL_I64(struct msp, payment_terms_days, 0),
	COL_T(struct msp, payment_instructions, 0),
	COL_I64(struct msp, hourly_resource_data, 0),
};
static const struct row msp_row = ROW(struct msp, msp_cols);

static const struct col brand_cols[] = {
	COL_T(struct msp_brand, name, 0),
	COL_T(struct msp_brand, color, 0),
	COL_T(struct msp_brand, support_email, 0),
	COL_T(struct msp_brand, support_url, 0),
	COL_T(struct msp_brand, logo_type, 0),
	COL_T(struct msp_brand, pdf_logo_type, 0),
	COL_I64(struct msp_brand, updated_at, 0),
};
static const struct row brand_row = ROW(struct msp_brand, brand_cols);

/* Plain columns under alias c (the count refers to it). */
static const struct col customer_cols[] = {
	COL_T(struct customer, id, COL_KEY),
	COL_T(struct customer, name, 0),
	COL_T(struct customer, contact_email, 0),
	COL_T(struct customer, currency, 0),
	COL_I64(struct customer, tax_rate, 0),
	COL_I64(struct customer, created_at, COL_KEY),
	COL_I64(struct customer, updated_at, 0),
	COL_T(struct customer, address, 0),
	COL_T(struct customer, tax_id, 0),
	COL_I64(struct customer, payment_terms_days, 0),
	COL_T(struct customer, payment_instructions, 0),
	COL_I64_EXPR(struct customer, naccounts, "(SELECT count(*) FROM "
	    "customer_accounts x WHERE x.customer_id = c.id)"),
};
static const struct row customer_row = ROW(struct customer, customer_cols);

static const struct col customer_account_cols[] = {
	COL_T(struct customer_account, account_id, 0),
	COL_T(struct customer_account, customer_id, 0),
	COL_I64(struct customer_account, since, 0),
};
static const struct row customer_account_row = ROW(struct customer_account,
    customer_account_cols);

static const struct col onboarding_cols[] = {
	COL_T(struct onboarding, id, 0),
	COL_T(struct onboarding, customer_id, 0),
	COL_T(struct onboarding, account_id, 0),
	COL_T(struct onboarding, email, 0),
	COL_T(struct onboarding, notes, 0),
	COL_I(struct onboarding, case_no, 0),
	COL_T(struct onboarding, prev_org_id, 0),
	COL_I64(struct onboarding, prev_members, 0),
	COL_T(struct onboarding, msp_account_id, 0),
	COL_T(struct onboarding, msp_org_id, 0),
	COL_T(struct onboarding, handshake_id, 0),
	COL_T(struct onboarding, token_hash, 0),
	COL_I64(struct onboarding, requested_at, 0),
	COL_T(struct onboarding, requested_by, 0),
};
static const struct row onboarding_row = ROW(struct onboarding,
    onboarding_cols);

static const struct col event_cols[] = {
	COL_I64(struct onboarding_event, id, COL_RO),
	COL_T(struct onboarding_event, onboarding_id, 0),
	COL_I64(struct onboarding_event, at, 0),
	COL_T(struct onboarding_event, kind, 0),
	COL_T(struct onboarding_event, actor, 0),
	COL_T(struct onboarding_event, handshake_id, 0),
	COL_I64(struct onboarding_event, proposed_at, COL_NULL),
	COL_T(struct onboarding_event, detail, 0),
};
static const struct row event_row = ROW(struct onboarding_event,
    event_cols);


int
store_msp_put(struct store *st, const struct msp *m, struct err *e)
{
	static const char	*del = "DELETE FROM msp";
	/* The one row is id 1 (a CHECK). */
	static struct row_sql	 q = ROW_SQL(&msp_row,
	    "INSERT INTO msp {insert id}");
	struct stmt		*s;

	if ((s = db_stmt(st, del, e)) == NULL || stmt_exec(s, e) == -1)
		return (-1);
	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, 1);
	row_bind(s, 2, &msp_row, m, 1);
	return (stmt_exec(s, e));
}

int
store_msp_get(struct store *st, struct msp *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&msp_row,
	    "SELECT {cols} FROM msp WHERE id = 1");

	return (row_get(row_stmt(st, &q, e), &msp_row, out, e,
	    "no MSP is set (payerlink msp set ACCOUNT_ID)"));
}

int
store_msp_brand_put(struct store *st, const struct msp_brand *b,
    const char *logo_b64, const char *pdf_logo_b64, struct err *e)
{
	/* The one row is id 1 (a CHECK). */
	static struct row_sql	 ins = ROW_SQL(&brand_row,
	    "INSERT INTO msp_brand {insert id}");
	static struct row_sql	 upd = ROW_SQL(&brand_row,
	    "UPDATE msp_brand SET {set} WHERE id = 1");
	static const char	*logo = "UPDATE msp_brand SET logo = ? "
	    "WHERE id = 1";
	static const char	*pdf_logo = "UPDATE msp_brand SET pdf_logo = ? "
	    "WHERE id = 1";
	struct msp_brand	 cur;
	struct stmt		*s;
	int			 have;

	have = store_msp_brand_get(st, &cur, NULL) == 0;
	if ((s = row_stmt(st, have ? &upd : &ins, e)) == NULL)
		return (-1);
	if (have)
		row_bind(s, 1, &brand_row, b, 0);
	else {
		stmt_bind_int64(s, 1, 1);
		row_bind(s, 2, &brand_row, b, 1);
	}
	if (stmt_exec(s, e) == -1)
		return (-1);
	if (logo_b64 != NULL) {
		if ((s = db_stmt(st, logo, e)) == NULL)
			return (-1);
		stmt_bind_text(s, 1, logo_b64);
		if (stmt_exec(s, e) == -1)
			return (-1);
	}
	if (pdf_logo_b64 == NULL)
		return (0);
	if ((s = db_stmt(st, pdf_logo, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, pdf_logo_b64);
	return (stmt_exec(s, e));
}

int
store_msp_brand_get(struct store *st, struct msp_brand *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&brand_row,
	    "SELECT {cols} FROM msp_brand WHERE id = 1");

	return (row_get(row_stmt(st, &q, e), &brand_row, out, e,
	    "no brand is set (payerlink msp brand)"));
}

int
store_msp_logo_get(struct store *st, struct arena *a, int pdf,
    const char **type_out, const char **b64_out, struct err *e)
{
	static const char	*q = "SELECT logo_type, logo FROM msp_brand "
	    "WHERE id = 1 AND logo_type <> ''";
	static const char	*qpdf = "SELECT pdf_logo_type, pdf_logo FROM "
	    "msp_brand WHERE id = 1 AND pdf_logo_type <> ''";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, pdf ? qpdf : q, e)) == NULL)
		return (-1);
	if ((rc = stmt_step(s, e)) == 1) {
		*type_out = arena_strdup(a, stmt_text(s, 0));
		*b64_out = arena_strdup(a, stmt_text(s, 1));
	}
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL, "no logo is set"));
	return (rc == 1 ? 0 : -1);
}

int
store_customer_insert(struct store *st, const struct customer *c,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&customer_row,
	    "INSERT INTO customers {insert}");

	return (row_insert(st, &q, c, e));
}

int
store_customer_update(struct store *st, const struct customer *c,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&customer_row,
	    "UPDATE customers SET {set} WHERE id = ?");
	struct stmt		*s;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	stmt_bind_text(s, row_bind(s, 1, &customer_row, c, 0), c->id);
	return (row_exec_one(st, s, e, "customer %s does not exist", c->id));
}

int
store_customer_get(struct store *st, const char *id, struct customer *out,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&customer_row,
	    "SELECT {cols c} FROM customers c WHERE c.id = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(id)),
	    &customer_row, out, e, "customer %s does not exist", id));
}

int
store_customer_list(struct store *st, struct arena *a, const char *after,
    size_t limit, struct customer **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&customer_row,
	    "SELECT {cols c} FROM customers c WHERE c.id > ? ORDER BY c.id "
	    "LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(after),
	    BIND_INT(limit)), a, &customer_row, limit, out, n_out, e));
}

int
store_customer_account_insert(struct store *st,
    const struct customer_account *ca, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&customer_account_row,
	    "INSERT INTO customer_accounts {insert}");

	return (row_insert(st, &q, ca, e));
}

int
store_customer_account_get(struct store *st, const char *account_id,
    struct customer_account *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&customer_account_row,
	    "SELECT {cols} FROM customer_accounts WHERE account_id = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(account_id)),
	    &customer_account_row, out, e, "account %s belongs to no customer",
	    account_id));
}

int
store_customer_accounts(struct store *st, struct arena *a,
    const char *customer_id, size_t limit, struct customer_account **out,
    size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&customer_account_row,
	    "SELECT {cols} FROM customer_accounts WHERE (? = '' OR "
	    "customer_id = ?) ORDER BY account_id LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(customer_id),
	    BIND_TEXT(customer_id), BIND_INT(limit)), a, &customer_account_row,
	    limit, out, n_out, e));
}

int
store_onboarding_insert(struct store *st, const struct onboarding *o,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&onboarding_row,
	    "INSERT INTO onboardings {insert}");

	return (row_insert(st, &q, o, e));
}

int
store_onboarding_get(struct store *st, const char *id,
    struct onboarding *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&onboarding_row,
	    "SELECT {cols} FROM onboardings WHERE id = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(id)),
	    &onboarding_row, out, e, "onboarding does not exist"));
}

int
store_onboarding_by_token(struct store *st, const char *token_hash,
    struct onboarding *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&onboarding_row,
	    "SELECT {cols} FROM onboardings WHERE token_hash = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(token_hash)),
	    &onboarding_row, out, e, "onboarding does not exist"));
}

int
store_onboarding_set(struct store *st, const char *id,
    const char *handshake_id, const char *token_hash, struct err *e)
{
	static const char	*sql = "UPDATE onboardings SET "
	    "handshake_id = CASE WHEN ? = '' THEN handshake_id ELSE ? END, "
	    "token_hash = CASE WHEN ? = '' THEN token_hash ELSE ? END "
	    "WHERE id = ?";

	return (row_exec_one(st, row_binds(db_stmt(st, sql, e),
	    BIND_TEXT(handshake_id), BIND_TEXT(handshake_id),
	    BIND_TEXT(token_hash), BIND_TEXT(token_hash), BIND_TEXT(id)), e,
	    "onboarding %s does not exist", id));
}

int
store_onboarding_list(struct store *st, struct arena *a,
    const char *customer_id, const char *after, size_t limit,
    struct onboarding **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&onboarding_row,
	    "SELECT {cols} FROM onboardings WHERE (? = '' OR customer_id = ?) "
	    "AND id > ? ORDER BY id LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(customer_id),
	    BIND_TEXT(customer_id), BIND_TEXT(after), BIND_INT(limit)), a,
	    &onboarding_row, limit, out, n_out, e));
}

int
store_onboarding_event_insert(struct store *st,
    const struct onboarding_event *ev, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&event_row,
	    "INSERT INTO onboarding_events {insert}");

	return (row_insert(st, &q, ev, e));
}

int
store_onboarding_events(struct store *st, struct arena *a,
    const char *onboarding_id, size_t limit, struct onboarding_event **out,
    size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&event_row,
	    "SELECT {cols} FROM onboarding_events WHERE onboarding_id = ? "
	    "ORDER BY at, id LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(onboarding_id),
	    BIND_INT(limit)), a, &event_row, limit, out, n_out, e));
}

