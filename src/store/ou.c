/* SPDX-License-Identifier: MIT */
/*
 * Organizational units in the store, and where member accounts sit in the
 * tree (their membership's parent). Portable SQL; see store.h.
 */
#include <string.h>

#include "store/db.h"
#include "store/org.h"
#include "store/row.h"
#include "store/rows.h"
#include "store/store.h"

static const struct col ou_cols[] = {
	COL_T(struct org_unit, id, 0),
	COL_T(struct org_unit, org_id, 0),
	COL_T(struct org_unit, parent_id, 0),
	COL_T(struct org_unit, name, 0),
	COL_I(struct org_unit, depth, 0),
	COL_I64(struct org_unit, created_at, 0),
};
static const struct row ou_row = ROW(struct org_unit, ou_cols);

int
store_ou_insert(struct store *st, const struct org_unit *u, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&ou_row,
	    "INSERT INTO org_units {insert}");

	return (row_insert(st, &q, u, e));
}

int
store_ou_get(struct store *st, const char *id, struct org_unit *out,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&ou_row,
	    "SELECT {cols} FROM org_units WHERE id = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(id)), &ou_row,
	    out, e, "organizational unit %s does not exist", id));
}

int
store_ou_rename(struct store *st, const char *id, const char *name,
    struct err *e)
{
	static const char	*sql = "UPDATE org_units SET name = ? WHERE "
	    "id = ?";

	return (row_exec_one(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(name),
	    BIND_TEXT(id)), e, "organizational unit %s does not exist", id));
}

int
store_ou_delete(struct store *st, const char *id, struct err *e)
{
	static const char	*sql = "DELETE FROM org_units WHERE id = ?";

	return (row_exec_one(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(id)),
	    e, "organizational unit %s does not exist", id));
}

int
store_ou_list(struct store *st, struct arena *a, const char *org_id,
    const char *parent_id, const char *after, size_t limit,
    struct org_unit **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&ou_row,
	    "SELECT {cols} FROM org_units WHERE org_id = ? AND "
	    "(? = '' OR parent_id = ?) AND id > ? ORDER BY id LIMIT ?");

	limit = STORE_PAGE_CAP(limit);
	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(org_id),
	    BIND_TEXT(parent_id), BIND_TEXT(parent_id), BIND_TEXT(after),
	    BIND_INT(limit)), a, &ou_row, limit, out, n_out, e));
}

int
store_ou_count(struct store *st, const char *org_id, const char *parent_id,
    int64_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT count(*) FROM org_units WHERE "
	    "org_id = ? AND (? = '' OR parent_id = ?)";

	return (row_count(row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_TEXT(parent_id), BIND_TEXT(parent_id)), n_out, e));
}

int
store_parent_accounts(struct store *st, struct arena *a, const char *org_id,
    const char *parent_id, const char *after, size_t limit,
    struct member **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&store_member_row,
	    "SELECT {cols m} FROM memberships m JOIN accounts a ON "
	    "a.id = m.account_id WHERE m.org_id = ? AND m.left_at IS NULL AND "
	    "m.parent_id = ? AND m.account_id > ? ORDER BY m.account_id "
	    "LIMIT ?");

	limit = STORE_PAGE_CAP(limit);
	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(org_id),
	    BIND_TEXT(parent_id), BIND_TEXT(after), BIND_INT(limit)), a,
	    &store_member_row, limit, out, n_out, e));
}

int
store_parent_account_count(struct store *st, const char *org_id,
    const char *parent_id, int64_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT count(*) FROM memberships WHERE "
	    "org_id = ? AND left_at IS NULL AND parent_id = ?";

	return (row_count(row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_TEXT(parent_id)), n_out, e));
}

int
store_membership_set_parent(struct store *st, const char *account_id,
    const char *parent_id, struct err *e)
{
	static const char	*sql = "UPDATE memberships SET parent_id = ? "
	    "WHERE account_id = ? AND left_at IS NULL";

	return (row_exec_one(st, row_binds(db_stmt(st, sql, e),
	    BIND_TEXT(parent_id), BIND_TEXT(account_id)), e,
	    "membership of %s does not exist", account_id));
}
