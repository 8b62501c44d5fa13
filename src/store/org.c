/* SPDX-License-Identifier: MIT */
/* Organizations and membership history in the store: portable SQL. */
#include <string.h>

#include "store/db.h"
#include "store/org.h"
#include "store/row.h"
#include "store/rows.h"
#include "store/store.h"

static const struct col org_cols[] = {
	COL_T(struct organization, id, 0),
	COL_T(struct organization, root_id, 0),
	COL_T(struct organization, management_id, 0),
	COL_T_EXPR(struct organization, management_email, "a.email"),
	COL_T_EXPR(struct organization, management_name, "a.name"),
	COL_T(struct organization, feature_set, 0),
	COL_I64(struct organization, created_at, 0),
};
static const struct row org_row = ROW(struct organization, org_cols);

/* A membership's columns, in struct membership or under prefix m. */
#define MEMBERSHIP_FIELDS(T, m) \
	COL_I64_AS(T, m id, "id", COL_RO), \
	COL_T_AS(T, m account_id, "account_id", 0), \
	COL_T_AS(T, m org_id, "org_id", 0), \
	COL_T_AS(T, m payer_id, "payer_id", 0), \
	COL_I64_AS(T, m joined_at, "joined_at", 0), \
	COL_T_AS(T, m joined_method, "joined_method", 0), \
	COL_I64_AS(T, m left_at, "left_at", COL_NULL), \
	COL_T_AS(T, m left_method, "left_method", COL_NULL), \
	COL_T_AS(T, m parent_id, "parent_id", 0)

static const struct col membership_cols[] = {
	MEMBERSHIP_FIELDS(struct membership, )
};
const struct row store_membership_row = ROW(struct membership,
    membership_cols);

/* An organization's member: the account and its open membership. */
static const struct col member_cols[] = {
	COL_T_EXPR(struct member, account.id, "a.id"),
	COL_T_EXPR(struct member, account.email, "a.email"),
	COL_T_EXPR(struct member, account.name, "a.name"),
	COL_T_EXPR(struct member, account.status, "a.status"),
	COL_I64_EXPR(struct member, account.created_at, "a.created_at"),
	MEMBERSHIP_FIELDS(struct member, membership.)
};
const struct row store_member_row = ROW(struct member, member_cols);

int
store_org_insert(struct store *st, const struct organization *o,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&org_row,
	    "INSERT INTO organizations {insert}");

	return (row_insert(st, &q, o, e));
}

int
store_org_get(struct store *st, const char *org_id, struct organization *out,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&org_row,
	    "SELECT {cols o} FROM organizations o JOIN accounts a ON "
	    "a.id = o.management_id WHERE o.id = ? AND o.deleted_at IS NULL");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(org_id)),
	    &org_row, out, e, "organization %s does not exist", org_id));
}

int
store_org_delete(struct store *st, const char *org_id, int64_t when,
    struct err *e)
{
	static const char	*sql = "UPDATE organizations SET deleted_at = ? "
	    "WHERE id = ? AND deleted_at IS NULL";

	return (row_exec_one(st, row_binds(db_stmt(st, sql, e), BIND_INT(when),
	    BIND_TEXT(org_id)), e, "organization %s does not exist", org_id));
}

int
store_membership_open(struct store *st, const struct membership *m,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&store_membership_row,
	    "INSERT INTO memberships {insert}");

	return (row_insert(st, &q, m, e));
}

int
store_membership_current(struct store *st, const char *account_id,
    struct membership *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&store_membership_row,
	    "SELECT {cols m} FROM memberships m WHERE m.account_id = ? AND "
	    "m.left_at IS NULL");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(account_id)),
	    &store_membership_row, out, e,
	    "account %s is not a member of an organization", account_id));
}

int
store_membership_close(struct store *st, const char *account_id, int64_t when,
    const char *method, struct err *e)
{
	static const char	*sql = "UPDATE memberships SET left_at = ?, "
	    "left_method = ? WHERE account_id = ? AND left_at IS NULL";

	return (row_exec_one(st, row_binds(db_stmt(st, sql, e), BIND_INT(when),
	    BIND_TEXT(method), BIND_TEXT(account_id)), e,
	    "account %s is not a member of an organization", account_id));
}

int
store_membership_history(struct store *st, struct arena *a,
    const char *account_id, struct membership **out, size_t *n_out,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&store_membership_row,
	    "SELECT {cols m} FROM memberships m WHERE m.account_id = ? "
	    "ORDER BY m.joined_at, m.id");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(account_id)),
	    a, &store_membership_row, 10000000, out, n_out, e));
}

int
store_org_members(struct store *st, struct arena *a, const char *org_id,
    const char *after, size_t limit, struct member **out, size_t *n_out,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&store_member_row,
	    "SELECT {cols m} FROM memberships m JOIN accounts a ON "
	    "a.id = m.account_id WHERE m.org_id = ? AND m.left_at IS NULL AND "
	    "m.account_id > ? ORDER BY m.account_id LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(org_id),
	    BIND_TEXT(after), BIND_INT(limit)), a, &store_member_row, limit,
	    out, n_out, e));
}

int
store_org_member_count(struct store *st, const char *org_id, int64_t *n_out,
    struct err *e)
{
	static const char	*sql = "SELECT count(*) FROM memberships "
	    "WHERE org_id = ? AND left_at IS NULL";

	return (row_count(row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id)),
	    n_out, e));
}

int
store_org_set_feature_set(struct store *st, const char *org_id,
    const char *feature_set, struct err *e)
{
	static const char	*sql = "UPDATE organizations SET feature_set = ? "
	    "WHERE id = ? AND deleted_at IS NULL";

	return (row_exec_one(st, row_binds(db_stmt(st, sql, e),
	    BIND_TEXT(feature_set), BIND_TEXT(org_id)), e,
	    "organization %s does not exist", org_id));
}

int
store_org_departures(struct store *st, struct arena *a, const char *org_id,
    int64_t since, size_t limit, struct membership **out, size_t *n_out,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&store_membership_row,
	    "SELECT {cols m} FROM memberships m WHERE m.org_id = ? AND "
	    "m.left_at >= ? ORDER BY m.left_at, m.id LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(org_id),
	    BIND_INT(since), BIND_INT(limit)), a, &store_membership_row, limit,
	    out, n_out, e));
}
