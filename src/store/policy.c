/* SPDX-License-Identifier: MIT */
/*
 * Policies in the store: the documents, their attachments to roots, OUs
 * and accounts, the policy types enabled per organization, and the marks
 * of accounts that carry the default FullAWSAccess. Portable SQL; see
 * store.h.
 */
#include <string.h>

#include "store/db.h"
#include "store/org.h"
#include "store/row.h"
#include "store/store.h"

#define POLICY_FIELDS \
	COL_T(struct policy, id, COL_KEY), \
	COL_T(struct policy, org_id, COL_KEY), \
	COL_T_AS(struct policy, type, "policy_type", COL_KEY), \
	COL_T(struct policy, name, 0), \
	COL_T(struct policy, description, 0)

static const struct col policy_cols[] = {
	POLICY_FIELDS,
	COL_S(struct policy, content, 0),
	COL_I64(struct policy, created_at, COL_KEY),
	COL_I64(struct policy, updated_at, 0),
};
static const struct row policy_row = ROW(struct policy, policy_cols);

/* Lists leave the documents out: each may be large. */
static const struct col policy_head_cols[] = {
	POLICY_FIELDS,
	COL_I64(struct policy, created_at, 0),
	COL_I64(struct policy, updated_at, 0),
};
static const struct row policy_head_row = ROW(struct policy,
    policy_head_cols);

static const struct col target_cols[] = {
	COL_T_EXPR(struct policy_target, id, "target_id"),
	COL_T_EXPR(struct policy_target, type, "target_type"),
};
static const struct row target_row = ROW(struct policy_target, target_cols);

/* A target's policies, read into the same record. */
static const struct col attached_cols[] = {
	COL_T_EXPR(struct policy_target, id, "policy_id"),
	COL_T_EXPR(struct policy_target, type, "policy_type"),
};
static const struct row attached_row = ROW(struct policy_target,
    attached_cols);

int
store_policy_insert(struct store *st, const struct policy *p, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&policy_row,
	    "INSERT INTO policies {insert}");

	return (row_insert(st, &q, p, e));
}

int
store_policy_get(struct store *st, struct arena *a, const char *id,
    struct policy *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&policy_row,
	    "SELECT {cols} FROM policies WHERE id = ?");

	return (row_get_in(row_binds(row_stmt(st, &q, e), BIND_TEXT(id)), a,
	    &policy_row, out, e, "policy %s does not exist", id));
}

int
store_policy_update(struct store *st, const struct policy *p, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&policy_row,
	    "UPDATE policies SET {set} WHERE id = ?");
	struct stmt		*s;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	stmt_bind_text(s, row_bind(s, 1, &policy_row, p, 0), p->id);
	return (row_exec_one(st, s, e, "policy %s does not exist", p->id));
}

int
store_policy_delete(struct store *st, const char *id, struct err *e)
{
	static const char	*sql = "DELETE FROM policies WHERE id = ?";

	return (row_exec_one(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(id)),
	    e, "policy %s does not exist", id));
}

int
store_policy_list(struct store *st, struct arena *a, const char *org_id,
    const char *type, const char *after, size_t limit, struct policy **out,
    size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&policy_head_row,
	    "SELECT {cols} FROM policies WHERE org_id = ? AND "
	    "(? = '' OR policy_type = ?) AND id > ? ORDER BY id LIMIT ?");
	struct policy		*v;
	size_t			 i;

	limit = STORE_PAGE_CAP(limit);
	if (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(org_id),
	    BIND_TEXT(type), BIND_TEXT(type), BIND_TEXT(after),
	    BIND_INT(limit)), a, &policy_head_row, limit, &v, n_out, e) == -1)
		return (-1);
	for (i = 0; i < *n_out; i++)
		v[i].content = "";
	*out = v;
	return (0);
}

int
store_policy_attach(struct store *st, const char *org_id,
    const char *policy_id, const char *policy_type,
    const struct policy_target *t, struct err *e)
{
	static const char	*sql = "INSERT INTO policy_attachments (org_id, "
	    "policy_id, policy_type, target_id, target_type) VALUES "
	    "(?, ?, ?, ?, ?)";

	return (row_run(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_TEXT(policy_id), BIND_TEXT(policy_type), BIND_TEXT(t->id),
	    BIND_TEXT(t->type)), e) == -1 ? -1 : 0);
}

int
store_policy_detach(struct store *st, const char *org_id,
    const char *policy_id, const char *target_id, struct err *e)
{
	static const char	*sql = "DELETE FROM policy_attachments WHERE "
	    "org_id = ? AND policy_id = ? AND target_id = ?";

	return (row_exec_one(st, row_binds(db_stmt(st, sql, e),
	    BIND_TEXT(org_id), BIND_TEXT(policy_id), BIND_TEXT(target_id)), e,
	    "attachment of %s does not exist", policy_id));
}

int
store_policy_attach_count(struct store *st, const char *org_id,
    const char *policy_id, const char *target_id, const char *type,
    int64_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT count(*) FROM policy_attachments "
	    "WHERE org_id = ? AND (? = '' OR policy_id = ?) AND "
	    "(? = '' OR target_id = ?) AND (? = '' OR policy_type = ?)";

	return (row_count(row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_TEXT(policy_id), BIND_TEXT(policy_id), BIND_TEXT(target_id),
	    BIND_TEXT(target_id), BIND_TEXT(type), BIND_TEXT(type)), n_out, e));
}

int
store_policy_targets(struct store *st, struct arena *a, const char *org_id,
    const char *policy_id, const char *after, size_t limit,
    struct policy_target **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&target_row,
	    "SELECT {cols} FROM policy_attachments WHERE org_id = ? AND "
	    "policy_id = ? AND target_id > ? ORDER BY target_id LIMIT ?");

	limit = STORE_PAGE_CAP(limit);
	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(org_id),
	    BIND_TEXT(policy_id), BIND_TEXT(after), BIND_INT(limit)), a,
	    &target_row, limit, out, n_out, e));
}

int
store_target_policies(struct store *st, struct arena *a, const char *org_id,
    const char *target_id, const char *type, const char *after, size_t limit,
    struct policy_target **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&attached_row,
	    "SELECT {cols} FROM policy_attachments WHERE org_id = ? AND "
	    "target_id = ? AND (? = '' OR policy_type = ?) AND policy_id > ? "
	    "ORDER BY policy_id LIMIT ?");

	limit = STORE_PAGE_CAP(limit);
	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(org_id),
	    BIND_TEXT(target_id), BIND_TEXT(type), BIND_TEXT(type),
	    BIND_TEXT(after), BIND_INT(limit)), a, &attached_row, limit, out,
	    n_out, e));
}

int
store_policy_detach_all(struct store *st, const char *org_id,
    const char *type, const char *target_id, struct err *e)
{
	static const char	*sql = "DELETE FROM policy_attachments WHERE "
	    "org_id = ? AND (? = '' OR policy_type = ?) AND "
	    "(? = '' OR target_id = ?)";

	return (row_run(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_TEXT(type), BIND_TEXT(type), BIND_TEXT(target_id),
	    BIND_TEXT(target_id)), e) == -1 ? -1 : 0);
}

int
store_policy_type_set(struct store *st, const char *org_id, const char *type,
    int enabled, struct err *e)
{
	static const char	*on = "INSERT INTO policy_types (org_id, "
	    "policy_type) VALUES (?, ?)";
	static const char	*off = "DELETE FROM policy_types WHERE "
	    "org_id = ? AND policy_type = ?";

	return (row_run(st, row_binds(db_stmt(st, enabled ? on : off, e),
	    BIND_TEXT(org_id), BIND_TEXT(type)), e) == -1 ? -1 : 0);
}

int
store_policy_type_enabled(struct store *st, const char *org_id,
    const char *type, int *out, struct err *e)
{
	static const char	*sql = "SELECT count(*) FROM policy_types WHERE "
	    "org_id = ? AND policy_type = ?";
	int64_t			 n;

	if (row_count(row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_TEXT(type)), &n, e) == -1)
		return (-1);
	*out = n > 0;
	return (0);
}

int
store_policy_default_mark(struct store *st, const char *org_id,
    const char *target_id, int *was_marked, struct err *e)
{
	static const char	*has = "SELECT count(*) FROM policy_defaults "
	    "WHERE org_id = ? AND target_id = ?";
	static const char	*put = "INSERT INTO policy_defaults (org_id, "
	    "target_id) VALUES (?, ?)";
	int64_t			 n;

	if (row_count(row_binds(db_stmt(st, has, e), BIND_TEXT(org_id),
	    BIND_TEXT(target_id)), &n, e) == -1)
		return (-1);
	*was_marked = n > 0;
	if (n > 0)
		return (0);
	return (row_run(st, row_binds(db_stmt(st, put, e), BIND_TEXT(org_id),
	    BIND_TEXT(target_id)), e) == -1 ? -1 : 0);
}

int
store_policy_default_unmark(struct store *st, const char *org_id,
    const char *target_id, struct err *e)
{
	static const char	*sql = "DELETE FROM policy_defaults WHERE "
	    "org_id = ? AND target_id = ?";

	return (row_run(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_TEXT(target_id)), e) == -1 ? -1 : 0);
}

int
store_policy_fill_members(struct store *st, const char *org_id,
    const char *policy_id, const char *type, struct err *e)
{
	static const char	*sql = "INSERT INTO policy_attachments (org_id, "
	    "policy_id, policy_type, target_id, target_type) SELECT ?, ?, ?, "
	    "m.account_id, 'ACCOUNT' FROM memberships m WHERE m.org_id = ? AND "
	    "m.left_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
	    "policy_attachments p WHERE p.org_id = ? AND p.policy_type = ? AND "
	    "p.target_id = m.account_id)";

	return (row_run(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_TEXT(policy_id), BIND_TEXT(type), BIND_TEXT(org_id),
	    BIND_TEXT(org_id), BIND_TEXT(type)), e) == -1 ? -1 : 0);
}

int
store_policy_default_members(struct store *st, const char *org_id,
    const char *policy_id, int attach, struct err *e)
{
	static const char	*att = "INSERT INTO policy_attachments (org_id, "
	    "policy_id, policy_type, target_id, target_type) SELECT ?, ?, "
	    "'SERVICE_CONTROL_POLICY', m.account_id, 'ACCOUNT' FROM memberships m "
	    "WHERE m.org_id = ? AND m.left_at IS NULL AND NOT EXISTS (SELECT 1 "
	    "FROM policy_defaults d WHERE d.org_id = ? AND d.target_id = "
	    "m.account_id) AND NOT EXISTS (SELECT 1 FROM policy_attachments p "
	    "WHERE p.org_id = ? AND p.policy_id = ? AND p.target_id = "
	    "m.account_id)";
	static const char	*mark = "INSERT INTO policy_defaults (org_id, "
	    "target_id) SELECT ?, m.account_id FROM memberships m WHERE "
	    "m.org_id = ? AND m.left_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
	    "policy_defaults d WHERE d.org_id = ? AND d.target_id = "
	    "m.account_id)";

	if (attach && row_run(st, row_binds(db_stmt(st, att, e),
	    BIND_TEXT(org_id), BIND_TEXT(policy_id), BIND_TEXT(org_id),
	    BIND_TEXT(org_id), BIND_TEXT(org_id), BIND_TEXT(policy_id)), e) ==
	    -1)
		return (-1);
	return (row_run(st, row_binds(db_stmt(st, mark, e), BIND_TEXT(org_id),
	    BIND_TEXT(org_id), BIND_TEXT(org_id)), e) == -1 ? -1 : 0);
}
