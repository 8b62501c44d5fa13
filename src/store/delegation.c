/* SPDX-License-Identifier: MIT */
/*
 * Delegated administrators, trusted service access and the organization's
 * resource policy in the store. Portable SQL; see store.h.
 */
#include <string.h>

#include "store/db.h"
#include "store/org.h"
#include "store/row.h"
#include "store/store.h"

static const struct col deleg_cols[] = {
	COL_T(struct delegated_admin, account_id, 0),
	COL_T(struct delegated_admin, service_principal, 0),
	COL_I64(struct delegated_admin, enabled_at, 0),
};
static const struct row deleg_row = ROW(struct delegated_admin, deleg_cols);

/* Trusted access: a service with no account, in the same record. */
static const struct col access_cols[] = {
	COL_T_EXPR(struct delegated_admin, account_id, "''"),
	COL_T(struct delegated_admin, service_principal, 0),
	COL_I64(struct delegated_admin, enabled_at, 0),
};
static const struct row access_row = ROW(struct delegated_admin, access_cols);

static const struct col rpol_cols[] = {
	COL_T(struct resource_policy, org_id, COL_KEY),
	COL_T(struct resource_policy, id, 0),
	COL_S(struct resource_policy, content, 0),
	COL_I64(struct resource_policy, updated_at, 0),
};
static const struct row rpol_row = ROW(struct resource_policy, rpol_cols);

int
store_deleg_insert(struct store *st, const char *org_id,
    const struct delegated_admin *d, struct err *e)
{
	static const char	*sql = "INSERT INTO delegated_admins (org_id, "
	    "account_id, service_principal, enabled_at) VALUES (?, ?, ?, ?)";

	return (row_run(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_TEXT(d->account_id), BIND_TEXT(d->service_principal),
	    BIND_INT(d->enabled_at)), e) == -1 ? -1 : 0);
}

int
store_deleg_delete(struct store *st, const char *org_id,
    const char *account_id, const char *service, struct err *e)
{
	static const char	*sql = "DELETE FROM delegated_admins WHERE "
	    "org_id = ? AND account_id = ? AND service_principal = ?";

	return (row_exec_one(st, row_binds(db_stmt(st, sql, e),
	    BIND_TEXT(org_id), BIND_TEXT(account_id), BIND_TEXT(service)), e,
	    "delegated administrator %s does not exist", account_id));
}

int
store_deleg_count(struct store *st, const char *org_id,
    const char *account_id, const char *service, int64_t *n_out,
    struct err *e)
{
	static const char	*sql = "SELECT count(*) FROM delegated_admins "
	    "WHERE org_id = ? AND (? = '' OR account_id = ?) AND "
	    "(? = '' OR service_principal = ?)";

	return (row_count(row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_TEXT(account_id), BIND_TEXT(account_id), BIND_TEXT(service),
	    BIND_TEXT(service)), n_out, e));
}

int
store_deleg_list(struct store *st, struct arena *a, const char *org_id,
    const char *account_id, const char *service, size_t limit,
    struct delegated_admin **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&deleg_row,
	    "SELECT {cols} FROM delegated_admins WHERE org_id = ? AND "
	    "(? = '' OR account_id = ?) AND (? = '' OR service_principal = ?) "
	    "ORDER BY account_id, service_principal LIMIT ?");

	limit = STORE_PAGE_CAP(limit);
	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(org_id),
	    BIND_TEXT(account_id), BIND_TEXT(account_id), BIND_TEXT(service),
	    BIND_TEXT(service), BIND_INT(limit)), a, &deleg_row, limit, out,
	    n_out, e));
}

int
store_service_access_set(struct store *st, const char *org_id,
    const char *service, int64_t when, int enabled, struct err *e)
{
	static const char	*on = "INSERT INTO service_access (org_id, "
	    "service_principal, enabled_at) VALUES (?, ?, ?) ON CONFLICT "
	    "(org_id, service_principal) DO NOTHING";
	static const char	*off = "DELETE FROM service_access WHERE "
	    "org_id = ? AND service_principal = ?";

	if (enabled)
		return (row_run(st, row_binds(db_stmt(st, on, e),
		    BIND_TEXT(org_id), BIND_TEXT(service), BIND_INT(when)), e)
		    == -1 ? -1 : 0);
	return (row_run(st, row_binds(db_stmt(st, off, e), BIND_TEXT(org_id),
	    BIND_TEXT(service)), e) == -1 ? -1 : 0);
}

int
store_service_access_list(struct store *st, struct arena *a,
    const char *org_id, size_t limit, struct delegated_admin **out,
    size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&access_row,
	    "SELECT {cols} FROM service_access WHERE org_id = ? "
	    "ORDER BY service_principal LIMIT ?");

	limit = STORE_PAGE_CAP(limit);
	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(org_id),
	    BIND_INT(limit)), a, &access_row, limit, out, n_out, e));
}

int
store_resource_policy_put(struct store *st, const struct resource_policy *p,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&rpol_row,
	    "INSERT INTO resource_policies {insert} ON CONFLICT (org_id) DO "
	    "UPDATE SET content = excluded.content, updated_at = "
	    "excluded.updated_at");

	return (row_insert(st, &q, p, e));
}

int
store_resource_policy_get(struct store *st, struct arena *a,
    const char *org_id, struct resource_policy *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&rpol_row,
	    "SELECT {cols} FROM resource_policies WHERE org_id = ?");

	return (row_get_in(row_binds(row_stmt(st, &q, e), BIND_TEXT(org_id)), a,
	    &rpol_row, out, e, "resource policy of %s does not exist", org_id));
}

int
store_resource_policy_delete(struct store *st, const char *org_id,
    struct err *e)
{
	static const char	*sql = "DELETE FROM resource_policies WHERE "
	    "org_id = ?";

	return (row_exec_one(st, row_binds(db_stmt(st, sql, e),
	    BIND_TEXT(org_id)), e, "resource policy of %s does not exist",
	    org_id));
}
