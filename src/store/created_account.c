/* SPDX-License-Identifier: MIT */
/*
 * CreateAccount requests and account closures in the store. Portable
 * SQL; see store.h.
 */
#include <string.h>

#include "store/db.h"
#include "store/org.h"
#include "store/row.h"
#include "store/store.h"

static const struct col car_cols[] = {
	COL_T(struct create_account_req, id, 0),
	COL_T(struct create_account_req, org_id, 0),
	COL_T(struct create_account_req, account_name, 0),
	COL_T(struct create_account_req, email, 0),
	COL_T(struct create_account_req, outcome, 0),
	COL_T(struct create_account_req, account_id, COL_NULL),
	COL_T(struct create_account_req, failure_reason, COL_NULL),
	COL_I64(struct create_account_req, requested_at, 0),
	COL_I64(struct create_account_req, completes_at, 0),
};
static const struct row car_row = ROW(struct create_account_req, car_cols);

int
store_car_insert(struct store *st, const struct create_account_req *c,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&car_row,
	    "INSERT INTO create_account_requests {insert}");

	return (row_insert(st, &q, c, e));
}

int
store_car_get(struct store *st, const char *id,
    struct create_account_req *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&car_row,
	    "SELECT {cols} FROM create_account_requests WHERE id = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(id)), &car_row,
	    out, e, "create account request %s does not exist", id));
}

int
store_car_by_account(struct store *st, const char *account_id,
    struct create_account_req *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&car_row,
	    "SELECT {cols} FROM create_account_requests WHERE account_id = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(account_id)),
	    &car_row, out, e, "create account request %s does not exist",
	    account_id));
}

int
store_car_list(struct store *st, struct arena *a, const char *org_id,
    const char *after, size_t limit, struct create_account_req **out,
    size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&car_row,
	    "SELECT {cols} FROM create_account_requests WHERE org_id = ? AND "
	    "id > ? ORDER BY id LIMIT ?");

	limit = STORE_PAGE_CAP(limit);
	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(org_id),
	    BIND_TEXT(after), BIND_INT(limit)), a, &car_row, limit, out, n_out,
	    e));
}

int
store_closure_insert(struct store *st, const char *account_id,
    const char *org_id, int64_t requested_at, int64_t suspends_at,
    struct err *e)
{
	static const char	*sql = "INSERT INTO account_closures "
	    "(account_id, org_id, requested_at, suspends_at) VALUES "
	    "(?, ?, ?, ?)";

	return (row_run(st, row_binds(db_stmt(st, sql, e),
	    BIND_TEXT(account_id), BIND_TEXT(org_id), BIND_INT(requested_at),
	    BIND_INT(suspends_at)), e) == -1 ? -1 : 0);
}

int
store_closure_count(struct store *st, const char *org_id, int64_t since,
    int64_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT count(*) FROM account_closures "
	    "WHERE org_id = ? AND requested_at >= ?";

	return (row_count(row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_INT(since)), n_out, e));
}

int
store_closure_due(struct store *st, int64_t now, int64_t *n_out,
    struct err *e)
{
	static const char	*sql = "SELECT COUNT(*) FROM accounts WHERE "
	    "status = 'PENDING_CLOSURE' AND id IN (SELECT account_id FROM "
	    "account_closures WHERE suspends_at <= ?)";

	return (row_count(row_binds(db_stmt(st, sql, e), BIND_INT(now)), n_out,
	    e));
}

int
store_closure_settle(struct store *st, int64_t now, struct err *e)
{
	static const char	*sql = "UPDATE accounts SET status = 'SUSPENDED' "
	    "WHERE status = 'PENDING_CLOSURE' AND id IN (SELECT account_id "
	    "FROM account_closures WHERE suspends_at <= ?)";

	return (row_run(st, row_binds(db_stmt(st, sql, e), BIND_INT(now)), e) ==
	    -1 ? -1 : 0);
}
