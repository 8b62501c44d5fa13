/* SPDX-License-Identifier: MIT */
/* Organizations and membership history in the store: portable SQL. */
#include <string.h>

#include "store/db.h"
#include "store/store.h"

int
store_org_insert(struct store *st, const struct organization *o,
    struct err *e)
{
	static const char	*sql = "INSERT INTO organizations (id, root_id, "
	    "management_id, feature_set, created_at) VALUES (?, ?, ?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, o->id);
	stmt_bind_text(s, 2, o->root_id);
	stmt_bind_text(s, 3, o->management_id);
	stmt_bind_text(s, 4, o->feature_set);
	stmt_bind_int64(s, 5, o->created_at);
	return (stmt_exec(s, e));
}

int
store_org_get(struct store *st, const char *org_id, struct organization *out,
    struct err *e)
{
	static const char	*sql = "SELECT o.id, o.root_id, o.management_id, "
	    "a.email, a.name, o.feature_set, o.created_at FROM organizations o "
	    "JOIN accounts a ON a.id = o.management_id "
	    "WHERE o.id = ? AND o.deleted_at IS NULL";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, org_id);
	if ((rc = stmt_step(s, e)) == 1) {
		stmt_copy(s, 0, out->id, sizeof(out->id));
		stmt_copy(s, 1, out->root_id, sizeof(out->root_id));
		stmt_copy(s, 2, out->management_id, sizeof(out->management_id));
		stmt_copy(s, 3, out->management_email,
		    sizeof(out->management_email));
		stmt_copy(s, 4, out->management_name,
		    sizeof(out->management_name));
		stmt_copy(s, 5, out->feature_set, sizeof(out->feature_set));
		out->created_at = stmt_int64(s, 6);
	}
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "organization %s does not exist", org_id));
	return (rc == 1 ? 0 : -1);
}

int
store_org_delete(struct store *st, const char *org_id, int64_t when,
    struct err *e)
{
	static const char	*sql = "UPDATE organizations SET deleted_at = ? "
	    "WHERE id = ? AND deleted_at IS NULL";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, when);
	stmt_bind_text(s, 2, org_id);
	rc = stmt_step(s, e);
	stmt_done(s);
	if (rc == -1)
		return (-1);
	if (db_changes(st) == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "organization %s does not exist", org_id));
	return (0);
}

#define MEMBERSHIP_COLS	"m.id, m.account_id, m.org_id, m.payer_id, " \
			"m.joined_at, m.joined_method, COALESCE(m.left_at, 0), " \
			"COALESCE(m.left_method, ''), m.parent_id"

static void
membership_row(struct stmt *s, int col, struct membership *m)
{
	m->id = stmt_int64(s, col);
	stmt_copy(s, col + 1, m->account_id, sizeof(m->account_id));
	stmt_copy(s, col + 2, m->org_id, sizeof(m->org_id));
	stmt_copy(s, col + 3, m->payer_id, sizeof(m->payer_id));
	m->joined_at = stmt_int64(s, col + 4);
	stmt_copy(s, col + 5, m->joined_method, sizeof(m->joined_method));
	m->left_at = stmt_int64(s, col + 6);
	stmt_copy(s, col + 7, m->left_method, sizeof(m->left_method));
	stmt_copy(s, col + 8, m->parent_id, sizeof(m->parent_id));
}

int
store_membership_open(struct store *st, const struct membership *m,
    struct err *e)
{
	static const char	*sql = "INSERT INTO memberships (account_id, "
	    "org_id, payer_id, joined_at, joined_method, parent_id) "
	    "VALUES (?, ?, ?, ?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, m->account_id);
	stmt_bind_text(s, 2, m->org_id);
	stmt_bind_text(s, 3, m->payer_id);
	stmt_bind_int64(s, 4, m->joined_at);
	stmt_bind_text(s, 5, m->joined_method);
	stmt_bind_text(s, 6, m->parent_id);
	return (stmt_exec(s, e));
}

int
store_membership_current(struct store *st, const char *account_id,
    struct membership *out, struct err *e)
{
	static const char	*sql = "SELECT " MEMBERSHIP_COLS
	    " FROM memberships m WHERE m.account_id = ? AND m.left_at IS NULL";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, account_id);
	if ((rc = stmt_step(s, e)) == 1)
		membership_row(s, 0, out);
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "account %s is not a member of an organization",
		    account_id));
	return (rc == 1 ? 0 : -1);
}

int
store_membership_close(struct store *st, const char *account_id, int64_t when,
    const char *method, struct err *e)
{
	static const char	*sql = "UPDATE memberships SET left_at = ?, "
	    "left_method = ? WHERE account_id = ? AND left_at IS NULL";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, when);
	stmt_bind_text(s, 2, method);
	stmt_bind_text(s, 3, account_id);
	rc = stmt_step(s, e);
	stmt_done(s);
	if (rc == -1)
		return (-1);
	if (db_changes(st) == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "account %s is not a member of an organization",
		    account_id));
	return (0);
}

int
store_membership_history(struct store *st, struct arena *a,
    const char *account_id, struct membership **out, size_t *n_out,
    struct err *e)
{
	static const char	*sql = "SELECT " MEMBERSHIP_COLS
	    " FROM memberships m WHERE m.account_id = ? "
	    "ORDER BY m.joined_at, m.id";
	struct stmt		*s;
	struct membership	*v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, account_id);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		membership_row(s, 0, &v[n++]);
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_org_members(struct store *st, struct arena *a, const char *org_id,
    const char *after, size_t limit, struct member **out, size_t *n_out,
    struct err *e)
{
	static const char	*sql = "SELECT a.id, a.email, a.name, a.status, "
	    "a.created_at, " MEMBERSHIP_COLS " FROM memberships m "
	    "JOIN accounts a ON a.id = m.account_id "
	    "WHERE m.org_id = ? AND m.left_at IS NULL AND m.account_id > ? "
	    "ORDER BY m.account_id LIMIT ?";
	struct stmt		*s;
	struct member		*v;
	size_t			 n = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	v = arena_zalloc(a, sizeof(*v) * (limit ? limit : 1));
	stmt_bind_text(s, 1, org_id);
	stmt_bind_text(s, 2, after);
	stmt_bind_int64(s, 3, (int64_t)limit);
	while (n < limit && (rc = stmt_step(s, e)) == 1) {
		struct account *acct = &v[n].account;
		stmt_copy(s, 0, acct->id, sizeof(acct->id));
		stmt_copy(s, 1, acct->email, sizeof(acct->email));
		stmt_copy(s, 2, acct->name, sizeof(acct->name));
		stmt_copy(s, 3, acct->status, sizeof(acct->status));
		acct->created_at = stmt_int64(s, 4);
		membership_row(s, 5, &v[n].membership);
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
store_org_member_count(struct store *st, const char *org_id, int64_t *n_out,
    struct err *e)
{
	static const char	*sql = "SELECT count(*) FROM memberships "
	    "WHERE org_id = ? AND left_at IS NULL";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, org_id);
	if ((rc = stmt_step(s, e)) == 1)
		*n_out = stmt_int64(s, 0);
	stmt_done(s);
	return (rc == 1 ? 0 : -1);
}
