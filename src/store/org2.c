/* SPDX-License-Identifier: MIT */
/*
 * Organizations beyond invitations in the store: OUs, CreateAccount
 * requests, closures, policies and attachments, tags, delegated
 * administrators, trusted access, the resource policy. Portable SQL.
 * See the matching section of store.h.
 */
#include <stdarg.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"

/* Binds fmt ('s' text, 'i' int64_t) from ap to sql's placeholders. */
static struct stmt *
bindv(struct store *st, const char *sql, const char *fmt, va_list ap,
    struct err *e)
{
	struct stmt	*s;
	int		 i;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (NULL);
	for (i = 0; fmt[i] != '\0'; i++) {
		if (fmt[i] == 's')
			stmt_bind_text(s, i + 1, va_arg(ap, const char *));
		else
			stmt_bind_int64(s, i + 1, va_arg(ap, int64_t));
	}
	return (s);
}

static struct stmt *
query(struct store *st, struct err *e, const char *sql, const char *fmt, ...)
{
	struct stmt	*s;
	va_list		 ap;

	va_start(ap, fmt);
	s = bindv(st, sql, fmt, ap, e);
	va_end(ap);
	return (s);
}

/* Runs a statement without results: rows changed, or -1. */
static int64_t
run(struct store *st, struct err *e, const char *sql, const char *fmt, ...)
{
	struct stmt	*s;
	va_list		 ap;
	int		 rc;

	va_start(ap, fmt);
	s = bindv(st, sql, fmt, ap, e);
	va_end(ap);
	if (s == NULL)
		return (-1);
	rc = stmt_step(s, e);
	stmt_done(s);
	return (rc == -1 ? -1 : db_changes(st));
}

static int
count(struct store *st, struct err *e, int64_t *n, const char *sql,
    const char *fmt, ...)
{
	struct stmt	*s;
	va_list		 ap;
	int		 rc;

	va_start(ap, fmt);
	s = bindv(st, sql, fmt, ap, e);
	va_end(ap);
	if (s == NULL)
		return (-1);
	*n = 0;
	if ((rc = stmt_step(s, e)) == 1)
		*n = stmt_int64(s, 0);
	stmt_done(s);
	return (rc == -1 ? -1 : 0);
}

static int
not_found(struct err *e, const char *what, const char *id)
{
	return (err_set(e, ERR_NOT_FOUND, NULL, NULL, "%s %s does not exist",
	    what, id));
}

#define CAP(limit)	((limit) == 0 ? 1 : (limit) > 1000 ? 1000 : (limit))

/* OUs. */

#define OU_COLS	"id, org_id, parent_id, name, depth, created_at"

static void
ou_row(struct stmt *s, struct org_unit *u)
{
	stmt_copy(s, 0, u->id, sizeof(u->id));
	stmt_copy(s, 1, u->org_id, sizeof(u->org_id));
	stmt_copy(s, 2, u->parent_id, sizeof(u->parent_id));
	stmt_copy(s, 3, u->name, sizeof(u->name));
	u->depth = (int)stmt_int64(s, 4);
	u->created_at = stmt_int64(s, 5);
}

int
store_ou_insert(struct store *st, const struct org_unit *u, struct err *e)
{
	return (run(st, e, "INSERT INTO org_units (" OU_COLS ") VALUES "
	    "(?, ?, ?, ?, ?, ?)", "ssssii", u->id, u->org_id, u->parent_id,
	    u->name, (int64_t)u->depth, u->created_at) == -1 ? -1 : 0);
}

int
store_ou_get(struct store *st, const char *id, struct org_unit *out,
    struct err *e)
{
	struct stmt	*s;
	int		 rc;

	if ((s = query(st, e, "SELECT " OU_COLS " FROM org_units WHERE id = ?",
	    "s", id)) == NULL)
		return (-1);
	if ((rc = stmt_step(s, e)) == 1)
		ou_row(s, out);
	stmt_done(s);
	if (rc == 0)
		return (not_found(e, "organizational unit", id));
	return (rc == 1 ? 0 : -1);
}

int
store_ou_rename(struct store *st, const char *id, const char *name,
    struct err *e)
{
	int64_t	 n;

	if ((n = run(st, e, "UPDATE org_units SET name = ? WHERE id = ?", "ss",
	    name, id)) == -1)
		return (-1);
	return (n == 0 ? not_found(e, "organizational unit", id) : 0);
}

int
store_ou_delete(struct store *st, const char *id, struct err *e)
{
	int64_t	 n;

	if ((n = run(st, e, "DELETE FROM org_units WHERE id = ?", "s",
	    id)) == -1)
		return (-1);
	return (n == 0 ? not_found(e, "organizational unit", id) : 0);
}

int
store_ou_list(struct store *st, struct arena *a, const char *org_id,
    const char *parent_id, const char *after, size_t limit,
    struct org_unit **out, size_t *n_out, struct err *e)
{
	struct stmt	*s;
	struct org_unit	*v;
	size_t		 n = 0;
	int		 rc = 0;

	limit = CAP(limit);
	if ((s = query(st, e, "SELECT " OU_COLS " FROM org_units WHERE "
	    "org_id = ? AND (? = '' OR parent_id = ?) AND id > ? ORDER BY id "
	    "LIMIT ?", "ssssi", org_id, parent_id, parent_id, after,
	    (int64_t)limit)) == NULL)
		return (-1);
	v = arena_zalloc(a, sizeof(*v) * limit);
	while (n < limit && (rc = stmt_step(s, e)) == 1)
		ou_row(s, &v[n++]);
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_ou_count(struct store *st, const char *org_id, const char *parent_id,
    int64_t *n_out, struct err *e)
{
	return (count(st, e, n_out, "SELECT count(*) FROM org_units WHERE "
	    "org_id = ? AND (? = '' OR parent_id = ?)", "sss", org_id,
	    parent_id, parent_id));
}

int
store_parent_accounts(struct store *st, struct arena *a, const char *org_id,
    const char *parent_id, const char *after, size_t limit,
    struct member **out, size_t *n_out, struct err *e)
{
	struct stmt	*s;
	struct member	*v;
	size_t		 n = 0;
	int		 rc = 0;

	limit = CAP(limit);
	if ((s = query(st, e, "SELECT a.id, a.email, a.name, a.status, "
	    "a.created_at, m.id, m.account_id, m.org_id, m.payer_id, "
	    "m.joined_at, m.joined_method, m.parent_id FROM memberships m "
	    "JOIN accounts a ON a.id = m.account_id WHERE m.org_id = ? AND "
	    "m.left_at IS NULL AND m.parent_id = ? AND m.account_id > ? "
	    "ORDER BY m.account_id LIMIT ?", "sssi", org_id, parent_id, after,
	    (int64_t)limit)) == NULL)
		return (-1);
	v = arena_zalloc(a, sizeof(*v) * limit);
	while (n < limit && (rc = stmt_step(s, e)) == 1) {
		struct account		*ac = &v[n].account;
		struct membership	*m = &v[n].membership;

		stmt_copy(s, 0, ac->id, sizeof(ac->id));
		stmt_copy(s, 1, ac->email, sizeof(ac->email));
		stmt_copy(s, 2, ac->name, sizeof(ac->name));
		stmt_copy(s, 3, ac->status, sizeof(ac->status));
		ac->created_at = stmt_int64(s, 4);
		m->id = stmt_int64(s, 5);
		stmt_copy(s, 6, m->account_id, sizeof(m->account_id));
		stmt_copy(s, 7, m->org_id, sizeof(m->org_id));
		stmt_copy(s, 8, m->payer_id, sizeof(m->payer_id));
		m->joined_at = stmt_int64(s, 9);
		stmt_copy(s, 10, m->joined_method, sizeof(m->joined_method));
		stmt_copy(s, 11, m->parent_id, sizeof(m->parent_id));
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
store_parent_account_count(struct store *st, const char *org_id,
    const char *parent_id, int64_t *n_out, struct err *e)
{
	return (count(st, e, n_out, "SELECT count(*) FROM memberships WHERE "
	    "org_id = ? AND left_at IS NULL AND parent_id = ?", "ss", org_id,
	    parent_id));
}

int
store_membership_set_parent(struct store *st, const char *account_id,
    const char *parent_id, struct err *e)
{
	int64_t	 n;

	if ((n = run(st, e, "UPDATE memberships SET parent_id = ? WHERE "
	    "account_id = ? AND left_at IS NULL", "ss", parent_id,
	    account_id)) == -1)
		return (-1);
	return (n == 0 ? not_found(e, "membership of", account_id) : 0);
}

int
store_org_set_feature_set(struct store *st, const char *org_id,
    const char *feature_set, struct err *e)
{
	int64_t	 n;

	if ((n = run(st, e, "UPDATE organizations SET feature_set = ? WHERE "
	    "id = ? AND deleted_at IS NULL", "ss", feature_set, org_id)) == -1)
		return (-1);
	return (n == 0 ? not_found(e, "organization", org_id) : 0);
}

/* CreateAccount requests and closures. */

#define CAR_COLS "id, org_id, account_name, email, outcome, " \
	"COALESCE(account_id, ''), COALESCE(failure_reason, ''), " \
	"requested_at, completes_at"

static void
car_row(struct stmt *s, struct create_account_req *c)
{
	stmt_copy(s, 0, c->id, sizeof(c->id));
	stmt_copy(s, 1, c->org_id, sizeof(c->org_id));
	stmt_copy(s, 2, c->account_name, sizeof(c->account_name));
	stmt_copy(s, 3, c->email, sizeof(c->email));
	stmt_copy(s, 4, c->outcome, sizeof(c->outcome));
	stmt_copy(s, 5, c->account_id, sizeof(c->account_id));
	stmt_copy(s, 6, c->failure_reason, sizeof(c->failure_reason));
	c->requested_at = stmt_int64(s, 7);
	c->completes_at = stmt_int64(s, 8);
}

int
store_car_insert(struct store *st, const struct create_account_req *c,
    struct err *e)
{
	return (run(st, e, "INSERT INTO create_account_requests (id, org_id, "
	    "account_name, email, outcome, account_id, failure_reason, "
	    "requested_at, completes_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "sssssssii", c->id, c->org_id, c->account_name, c->email,
	    c->outcome, c->account_id[0] ? c->account_id : NULL,
	    c->failure_reason[0] ? c->failure_reason : NULL, c->requested_at,
	    c->completes_at) == -1 ? -1 : 0);
}

static int
car_one(struct store *st, const char *sql, const char *arg,
    struct create_account_req *out, struct err *e)
{
	struct stmt	*s;
	int		 rc;

	if ((s = query(st, e, sql, "s", arg)) == NULL)
		return (-1);
	if ((rc = stmt_step(s, e)) == 1)
		car_row(s, out);
	stmt_done(s);
	if (rc == 0)
		return (not_found(e, "create account request", arg));
	return (rc == 1 ? 0 : -1);
}

int
store_car_get(struct store *st, const char *id,
    struct create_account_req *out, struct err *e)
{
	return (car_one(st, "SELECT " CAR_COLS " FROM create_account_requests "
	    "WHERE id = ?", id, out, e));
}

int
store_car_by_account(struct store *st, const char *account_id,
    struct create_account_req *out, struct err *e)
{
	return (car_one(st, "SELECT " CAR_COLS " FROM create_account_requests "
	    "WHERE account_id = ?", account_id, out, e));
}

int
store_car_list(struct store *st, struct arena *a, const char *org_id,
    const char *after, size_t limit, struct create_account_req **out,
    size_t *n_out, struct err *e)
{
	struct stmt			*s;
	struct create_account_req	*v;
	size_t				 n = 0;
	int				 rc = 0;

	limit = CAP(limit);
	if ((s = query(st, e, "SELECT " CAR_COLS " FROM create_account_requests "
	    "WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?", "ssi", org_id,
	    after, (int64_t)limit)) == NULL)
		return (-1);
	v = arena_zalloc(a, sizeof(*v) * limit);
	while (n < limit && (rc = stmt_step(s, e)) == 1)
		car_row(s, &v[n++]);
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_closure_insert(struct store *st, const char *account_id,
    const char *org_id, int64_t requested_at, int64_t suspends_at,
    struct err *e)
{
	return (run(st, e, "INSERT INTO account_closures (account_id, org_id, "
	    "requested_at, suspends_at) VALUES (?, ?, ?, ?)", "ssii",
	    account_id, org_id, requested_at, suspends_at) == -1 ? -1 : 0);
}

int
store_closure_count(struct store *st, const char *org_id, int64_t since,
    int64_t *n_out, struct err *e)
{
	return (count(st, e, n_out, "SELECT count(*) FROM account_closures "
	    "WHERE org_id = ? AND requested_at >= ?", "si", org_id, since));
}

int
store_closure_due(struct store *st, int64_t now, int64_t *n_out,
    struct err *e)
{
	return (count(st, e, n_out, "SELECT COUNT(*) FROM accounts WHERE "
	    "status = 'PENDING_CLOSURE' AND id IN (SELECT account_id FROM "
	    "account_closures WHERE suspends_at <= ?)", "i", now));
}

int
store_closure_settle(struct store *st, int64_t now, struct err *e)
{
	return (run(st, e, "UPDATE accounts SET status = 'SUSPENDED' WHERE "
	    "status = 'PENDING_CLOSURE' AND id IN (SELECT account_id FROM "
	    "account_closures WHERE suspends_at <= ?)", "i", now) == -1 ?
	    -1 : 0);
}

/* Policies. */

#define POLICY_COLS "id, org_id, policy_type, name, description, content, " \
	"created_at, updated_at"

static void
policy_row(struct stmt *s, struct arena *a, struct policy *p)
{
	memset(p, 0, sizeof(*p));
	stmt_copy(s, 0, p->id, sizeof(p->id));
	stmt_copy(s, 1, p->org_id, sizeof(p->org_id));
	stmt_copy(s, 2, p->type, sizeof(p->type));
	stmt_copy(s, 3, p->name, sizeof(p->name));
	stmt_copy(s, 4, p->description, sizeof(p->description));
	p->content = a != NULL ? arena_strdup(a, stmt_text(s, 5)) : "";
	p->created_at = stmt_int64(s, 6);
	p->updated_at = stmt_int64(s, 7);
}

int
store_policy_insert(struct store *st, const struct policy *p, struct err *e)
{
	return (run(st, e, "INSERT INTO policies (" POLICY_COLS ") VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?)", "ssssssii", p->id, p->org_id, p->type,
	    p->name, p->description, p->content, p->created_at,
	    p->updated_at) == -1 ? -1 : 0);
}

int
store_policy_get(struct store *st, struct arena *a, const char *id,
    struct policy *out, struct err *e)
{
	struct stmt	*s;
	int		 rc;

	if ((s = query(st, e, "SELECT " POLICY_COLS " FROM policies WHERE "
	    "id = ?", "s", id)) == NULL)
		return (-1);
	if ((rc = stmt_step(s, e)) == 1)
		policy_row(s, a, out);
	stmt_done(s);
	if (rc == 0)
		return (not_found(e, "policy", id));
	return (rc == 1 ? 0 : -1);
}

int
store_policy_update(struct store *st, const struct policy *p, struct err *e)
{
	int64_t	 n;

	if ((n = run(st, e, "UPDATE policies SET name = ?, description = ?, "
	    "content = ?, updated_at = ? WHERE id = ?", "sssis", p->name,
	    p->description, p->content, p->updated_at, p->id)) == -1)
		return (-1);
	return (n == 0 ? not_found(e, "policy", p->id) : 0);
}

int
store_policy_delete(struct store *st, const char *id, struct err *e)
{
	int64_t	 n;

	if ((n = run(st, e, "DELETE FROM policies WHERE id = ?", "s",
	    id)) == -1)
		return (-1);
	return (n == 0 ? not_found(e, "policy", id) : 0);
}

int
store_policy_list(struct store *st, struct arena *a, const char *org_id,
    const char *type, const char *after, size_t limit, struct policy **out,
    size_t *n_out, struct err *e)
{
	struct stmt	*s;
	struct policy	*v;
	size_t		 n = 0;
	int		 rc = 0;

	limit = CAP(limit);
	if ((s = query(st, e, "SELECT " POLICY_COLS " FROM policies WHERE "
	    "org_id = ? AND (? = '' OR policy_type = ?) AND id > ? ORDER BY id "
	    "LIMIT ?", "ssssi", org_id, type, type, after,
	    (int64_t)limit)) == NULL)
		return (-1);
	v = arena_zalloc(a, sizeof(*v) * limit);
	while (n < limit && (rc = stmt_step(s, e)) == 1)
		policy_row(s, NULL, &v[n++]);
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_policy_attach(struct store *st, const char *org_id,
    const char *policy_id, const char *policy_type,
    const struct policy_target *t, struct err *e)
{
	return (run(st, e, "INSERT INTO policy_attachments (org_id, policy_id, "
	    "policy_type, target_id, target_type) VALUES (?, ?, ?, ?, ?)",
	    "sssss", org_id, policy_id, policy_type, t->id, t->type) == -1 ?
	    -1 : 0);
}

int
store_policy_detach(struct store *st, const char *org_id,
    const char *policy_id, const char *target_id, struct err *e)
{
	int64_t	 n;

	if ((n = run(st, e, "DELETE FROM policy_attachments WHERE org_id = ? "
	    "AND policy_id = ? AND target_id = ?", "sss", org_id, policy_id,
	    target_id)) == -1)
		return (-1);
	return (n == 0 ? not_found(e, "attachment of", policy_id) : 0);
}

int
store_policy_attach_count(struct store *st, const char *org_id,
    const char *policy_id, const char *target_id, const char *type,
    int64_t *n_out, struct err *e)
{
	return (count(st, e, n_out, "SELECT count(*) FROM policy_attachments "
	    "WHERE org_id = ? AND (? = '' OR policy_id = ?) AND "
	    "(? = '' OR target_id = ?) AND (? = '' OR policy_type = ?)",
	    "sssssss", org_id, policy_id, policy_id, target_id, target_id,
	    type, type));
}

static int
target_rows(struct stmt *s, struct arena *a, size_t limit,
    struct policy_target **out, size_t *n_out, struct err *e)
{
	struct policy_target	*v;
	size_t			 n = 0;
	int			 rc = 0;

	v = arena_zalloc(a, sizeof(*v) * limit);
	while (n < limit && (rc = stmt_step(s, e)) == 1) {
		stmt_copy(s, 0, v[n].id, sizeof(v[n].id));
		stmt_copy(s, 1, v[n].type, sizeof(v[n].type));
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
store_policy_targets(struct store *st, struct arena *a, const char *org_id,
    const char *policy_id, const char *after, size_t limit,
    struct policy_target **out, size_t *n_out, struct err *e)
{
	struct stmt	*s;

	limit = CAP(limit);
	if ((s = query(st, e, "SELECT target_id, target_type FROM "
	    "policy_attachments WHERE org_id = ? AND policy_id = ? AND "
	    "target_id > ? ORDER BY target_id LIMIT ?", "sssi", org_id,
	    policy_id, after, (int64_t)limit)) == NULL)
		return (-1);
	return (target_rows(s, a, limit, out, n_out, e));
}

int
store_target_policies(struct store *st, struct arena *a, const char *org_id,
    const char *target_id, const char *type, const char *after, size_t limit,
    struct policy_target **out, size_t *n_out, struct err *e)
{
	struct stmt	*s;

	limit = CAP(limit);
	if ((s = query(st, e, "SELECT policy_id, policy_type FROM "
	    "policy_attachments WHERE org_id = ? AND target_id = ? AND "
	    "(? = '' OR policy_type = ?) AND policy_id > ? ORDER BY policy_id "
	    "LIMIT ?", "sssssi", org_id, target_id, type, type, after,
	    (int64_t)limit)) == NULL)
		return (-1);
	return (target_rows(s, a, limit, out, n_out, e));
}

int
store_policy_detach_all(struct store *st, const char *org_id,
    const char *type, const char *target_id, struct err *e)
{
	return (run(st, e, "DELETE FROM policy_attachments WHERE org_id = ? "
	    "AND (? = '' OR policy_type = ?) AND (? = '' OR target_id = ?)",
	    "sssss", org_id, type, type, target_id, target_id) == -1 ? -1 : 0);
}

int
store_policy_type_set(struct store *st, const char *org_id, const char *type,
    int enabled, struct err *e)
{
	if (enabled)
		return (run(st, e, "INSERT INTO policy_types (org_id, "
		    "policy_type) VALUES (?, ?)", "ss", org_id, type) == -1 ?
		    -1 : 0);
	return (run(st, e, "DELETE FROM policy_types WHERE org_id = ? AND "
	    "policy_type = ?", "ss", org_id, type) == -1 ? -1 : 0);
}

int
store_policy_type_enabled(struct store *st, const char *org_id,
    const char *type, int *out, struct err *e)
{
	int64_t	 n;

	if (count(st, e, &n, "SELECT count(*) FROM policy_types WHERE "
	    "org_id = ? AND policy_type = ?", "ss", org_id, type) == -1)
		return (-1);
	*out = n > 0;
	return (0);
}

int
store_policy_default_mark(struct store *st, const char *org_id,
    const char *target_id, int *was_marked, struct err *e)
{
	int64_t	 n;

	if (count(st, e, &n, "SELECT count(*) FROM policy_defaults WHERE "
	    "org_id = ? AND target_id = ?", "ss", org_id, target_id) == -1)
		return (-1);
	*was_marked = n > 0;
	if (n > 0)
		return (0);
	return (run(st, e, "INSERT INTO policy_defaults (org_id, target_id) "
	    "VALUES (?, ?)", "ss", org_id, target_id) == -1 ? -1 : 0);
}

int
store_policy_default_unmark(struct store *st, const char *org_id,
    const char *target_id, struct err *e)
{
	return (run(st, e, "DELETE FROM policy_defaults WHERE org_id = ? AND "
	    "target_id = ?", "ss", org_id, target_id) == -1 ? -1 : 0);
}

int
store_policy_default_members(struct store *st, const char *org_id,
    const char *policy_id, int attach, struct err *e)
{
	if (attach && run(st, e, "INSERT INTO policy_attachments (org_id, "
	    "policy_id, policy_type, target_id, target_type) SELECT ?, ?, "
	    "'SERVICE_CONTROL_POLICY', m.account_id, 'ACCOUNT' FROM memberships m "
	    "WHERE m.org_id = ? AND m.left_at IS NULL AND NOT EXISTS (SELECT 1 "
	    "FROM policy_defaults d WHERE d.org_id = ? AND d.target_id = "
	    "m.account_id) AND NOT EXISTS (SELECT 1 FROM policy_attachments p "
	    "WHERE p.org_id = ? AND p.policy_id = ? AND p.target_id = "
	    "m.account_id)", "ssssss", org_id, policy_id, org_id, org_id, org_id,
	    policy_id) == -1)
		return (-1);
	return (run(st, e, "INSERT INTO policy_defaults (org_id, target_id) "
	    "SELECT ?, m.account_id FROM memberships m WHERE m.org_id = ? AND "
	    "m.left_at IS NULL AND NOT EXISTS (SELECT 1 FROM policy_defaults d "
	    "WHERE d.org_id = ? AND d.target_id = m.account_id)", "sss", org_id,
	    org_id, org_id) == -1 ? -1 : 0);
}

/* Tags. */

int
store_tag_put(struct store *st, const char *org_id, const char *resource_id,
    const char *key, const char *value, struct err *e)
{
	return (run(st, e, "INSERT INTO org_tags (org_id, resource_id, "
	    "tag_key, tag_value) VALUES (?, ?, ?, ?) ON CONFLICT (org_id, "
	    "resource_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
	    "ssss", org_id, resource_id, key, value) == -1 ? -1 : 0);
}

int
store_tag_delete(struct store *st, const char *org_id,
    const char *resource_id, const char *key, struct err *e)
{
	return (run(st, e, "DELETE FROM org_tags WHERE org_id = ? AND "
	    "resource_id = ? AND tag_key = ?", "sss", org_id, resource_id,
	    key) == -1 ? -1 : 0);
}

int
store_tag_delete_all(struct store *st, const char *org_id,
    const char *resource_id, struct err *e)
{
	return (run(st, e, "DELETE FROM org_tags WHERE org_id = ? AND "
	    "resource_id = ?", "ss", org_id, resource_id) == -1 ? -1 : 0);
}

int
store_tag_list(struct store *st, struct arena *a, const char *org_id,
    const char *resource_id, struct handshake_tag **out, size_t *n_out,
    struct err *e)
{
	struct stmt		*s;
	struct handshake_tag	*v;
	size_t			 n = 0, limit = 100;
	int			 rc = 0;

	if ((s = query(st, e, "SELECT tag_key, tag_value FROM org_tags WHERE "
	    "org_id = ? AND resource_id = ? ORDER BY tag_key LIMIT 100", "ss",
	    org_id, resource_id)) == NULL)
		return (-1);
	v = arena_zalloc(a, sizeof(*v) * limit);
	while (n < limit && (rc = stmt_step(s, e)) == 1) {
		stmt_copy(s, 0, v[n].key, sizeof(v[n].key));
		stmt_copy(s, 1, v[n].value, sizeof(v[n].value));
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
store_tag_count(struct store *st, const char *org_id, const char *resource_id,
    int64_t *n_out, struct err *e)
{
	return (count(st, e, n_out, "SELECT count(*) FROM org_tags WHERE "
	    "org_id = ? AND resource_id = ?", "ss", org_id, resource_id));
}

/* Delegation, trusted access, resource policy. */

int
store_deleg_insert(struct store *st, const char *org_id,
    const struct delegated_admin *d, struct err *e)
{
	return (run(st, e, "INSERT INTO delegated_admins (org_id, account_id, "
	    "service_principal, enabled_at) VALUES (?, ?, ?, ?)", "sssi",
	    org_id, d->account_id, d->service_principal, d->enabled_at) == -1 ?
	    -1 : 0);
}

int
store_deleg_delete(struct store *st, const char *org_id,
    const char *account_id, const char *service, struct err *e)
{
	int64_t	 n;

	if ((n = run(st, e, "DELETE FROM delegated_admins WHERE org_id = ? AND "
	    "account_id = ? AND service_principal = ?", "sss", org_id,
	    account_id, service)) == -1)
		return (-1);
	return (n == 0 ? not_found(e, "delegated administrator", account_id) :
	    0);
}

int
store_deleg_count(struct store *st, const char *org_id,
    const char *account_id, const char *service, int64_t *n_out,
    struct err *e)
{
	return (count(st, e, n_out, "SELECT count(*) FROM delegated_admins "
	    "WHERE org_id = ? AND (? = '' OR account_id = ?) AND "
	    "(? = '' OR service_principal = ?)", "sssss", org_id, account_id,
	    account_id, service, service));
}

static int
deleg_rows(struct stmt *s, struct arena *a, size_t limit,
    struct delegated_admin **out, size_t *n_out, struct err *e)
{
	struct delegated_admin	*v;
	size_t			 n = 0;
	int			 rc = 0;

	v = arena_zalloc(a, sizeof(*v) * limit);
	while (n < limit && (rc = stmt_step(s, e)) == 1) {
		stmt_copy(s, 0, v[n].account_id, sizeof(v[n].account_id));
		stmt_copy(s, 1, v[n].service_principal,
		    sizeof(v[n].service_principal));
		v[n].enabled_at = stmt_int64(s, 2);
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
store_deleg_list(struct store *st, struct arena *a, const char *org_id,
    const char *account_id, const char *service, size_t limit,
    struct delegated_admin **out, size_t *n_out, struct err *e)
{
	struct stmt	*s;

	limit = CAP(limit);
	if ((s = query(st, e, "SELECT account_id, service_principal, "
	    "enabled_at FROM delegated_admins WHERE org_id = ? AND "
	    "(? = '' OR account_id = ?) AND (? = '' OR service_principal = ?) "
	    "ORDER BY account_id, service_principal LIMIT ?", "sssssi", org_id,
	    account_id, account_id, service, service, (int64_t)limit)) == NULL)
		return (-1);
	return (deleg_rows(s, a, limit, out, n_out, e));
}

int
store_service_access_set(struct store *st, const char *org_id,
    const char *service, int64_t when, int enabled, struct err *e)
{
	if (enabled)
		return (run(st, e, "INSERT INTO service_access (org_id, "
		    "service_principal, enabled_at) VALUES (?, ?, ?) ON CONFLICT "
		    "(org_id, service_principal) DO NOTHING", "ssi", org_id,
		    service, when) == -1 ? -1 : 0);
	return (run(st, e, "DELETE FROM service_access WHERE org_id = ? AND "
	    "service_principal = ?", "ss", org_id, service) == -1 ? -1 : 0);
}

int
store_service_access_list(struct store *st, struct arena *a,
    const char *org_id, size_t limit, struct delegated_admin **out,
    size_t *n_out, struct err *e)
{
	struct stmt	*s;

	limit = CAP(limit);
	if ((s = query(st, e, "SELECT '', service_principal, enabled_at FROM "
	    "service_access WHERE org_id = ? ORDER BY service_principal "
	    "LIMIT ?", "si", org_id, (int64_t)limit)) == NULL)
		return (-1);
	return (deleg_rows(s, a, limit, out, n_out, e));
}

int
store_resource_policy_put(struct store *st, const struct resource_policy *p,
    struct err *e)
{
	return (run(st, e, "INSERT INTO resource_policies (org_id, id, content, "
	    "updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET "
	    "content = excluded.content, updated_at = excluded.updated_at",
	    "sssi", p->org_id, p->id, p->content, p->updated_at) == -1 ? -1 : 0);
}

int
store_resource_policy_get(struct store *st, struct arena *a,
    const char *org_id, struct resource_policy *out, struct err *e)
{
	struct stmt	*s;
	int		 rc;

	if ((s = query(st, e, "SELECT id, org_id, content, updated_at FROM "
	    "resource_policies WHERE org_id = ?", "s", org_id)) == NULL)
		return (-1);
	if ((rc = stmt_step(s, e)) == 1) {
		stmt_copy(s, 0, out->id, sizeof(out->id));
		stmt_copy(s, 1, out->org_id, sizeof(out->org_id));
		out->content = arena_strdup(a, stmt_text(s, 2));
		out->updated_at = stmt_int64(s, 3);
	}
	stmt_done(s);
	if (rc == 0)
		return (not_found(e, "resource policy of", org_id));
	return (rc == 1 ? 0 : -1);
}

int
store_resource_policy_delete(struct store *st, const char *org_id,
    struct err *e)
{
	int64_t	 n;

	if ((n = run(st, e, "DELETE FROM resource_policies WHERE org_id = ?",
	    "s", org_id)) == -1)
		return (-1);
	return (n == 0 ? not_found(e, "resource policy of", org_id) : 0);
}
