/* SPDX-License-Identifier: MIT */
/* Accounts and access keys in the store: portable SQL. See store.h. */
#include <string.h>

#include "store/db.h"
#include "store/store.h"

#define ACCOUNT_COLS	"id, email, name, COALESCE(password_hash, ''), " \
			"status, created_at, COALESCE(payment_method, ''), " \
			"COALESCE(phone, '')"

static void
account_row(struct stmt *s, struct account *a)
{
	stmt_copy(s, 0, a->id, sizeof(a->id));
	stmt_copy(s, 1, a->email, sizeof(a->email));
	stmt_copy(s, 2, a->name, sizeof(a->name));
	stmt_copy(s, 3, a->password_hash, sizeof(a->password_hash));
	stmt_copy(s, 4, a->status, sizeof(a->status));
	a->created_at = stmt_int64(s, 5);
	stmt_copy(s, 6, a->payment_method, sizeof(a->payment_method));
	stmt_copy(s, 7, a->phone, sizeof(a->phone));
}

static const char *
nullable(const char *s)
{
	return (s[0] != '\0' ? s : NULL);
}

int
store_account_insert(struct store *st, const struct account *a,
    struct err *e)
{
	static const char	*sql = "INSERT INTO accounts (id, email, name, "
	    "password_hash, status, created_at, payment_method, phone) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, a->id);
	stmt_bind_text(s, 2, a->email);
	stmt_bind_text(s, 3, a->name);
	stmt_bind_text(s, 4, nullable(a->password_hash));
	stmt_bind_text(s, 5, a->status);
	stmt_bind_int64(s, 6, a->created_at);
	stmt_bind_text(s, 7, nullable(a->payment_method));
	stmt_bind_text(s, 8, nullable(a->phone));
	return (stmt_exec(s, e));
}

int
store_account_update(struct store *st, const struct account *a,
    struct err *e)
{
	static const char	*sql = "UPDATE accounts SET email = ?, name = ?, "
	    "password_hash = ?, status = ?, payment_method = ?, phone = ? "
	    "WHERE id = ?";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, a->email);
	stmt_bind_text(s, 2, a->name);
	stmt_bind_text(s, 3, nullable(a->password_hash));
	stmt_bind_text(s, 4, a->status);
	stmt_bind_text(s, 5, nullable(a->payment_method));
	stmt_bind_text(s, 6, nullable(a->phone));
	stmt_bind_text(s, 7, a->id);
	rc = stmt_step(s, e);
	stmt_done(s);
	if (rc == -1)
		return (-1);
	if (db_changes(st) == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "account %s does not exist", a->id));
	return (0);
}

static int
account_one(struct store *st, const char *sql, const char *arg,
    struct account *out, struct err *e)
{
	struct stmt	*s;
	int		 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, arg);
	if ((rc = stmt_step(s, e)) == 1)
		account_row(s, out);
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "account %s does not exist", arg));
	return (rc == 1 ? 0 : -1);
}

int
store_account_get(struct store *st, const char *id, struct account *out,
    struct err *e)
{
	static const char	*sql = "SELECT " ACCOUNT_COLS
	    " FROM accounts WHERE id = ?";

	return (account_one(st, sql, id, out, e));
}

int
store_account_by_email(struct store *st, const char *email,
    struct account *out, struct err *e)
{
	static const char	*sql = "SELECT " ACCOUNT_COLS
	    " FROM accounts WHERE lower(email) = lower(?)";

	return (account_one(st, sql, email, out, e));
}

int
store_account_list(struct store *st, struct arena *a, const char *after,
    size_t limit, struct account **out, size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT " ACCOUNT_COLS
	    " FROM accounts WHERE id > ? ORDER BY id LIMIT ?";
	struct stmt		*s;
	struct account		*v;
	size_t			 n = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	v = arena_alloc(a, sizeof(*v) * (limit ? limit : 1));
	stmt_bind_text(s, 1, after);
	stmt_bind_int64(s, 2, (int64_t)limit);
	while (n < limit && (rc = stmt_step(s, e)) == 1)
		account_row(s, &v[n++]);
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_key_insert(struct store *st, const struct access_key *k,
    struct err *e)
{
	static const char	*sql = "INSERT INTO access_keys (id, account_id, "
	    "secret, created_at) VALUES (?, ?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, k->id);
	stmt_bind_text(s, 2, k->account_id);
	stmt_bind_text(s, 3, k->secret);
	stmt_bind_int64(s, 4, k->created_at);
	return (stmt_exec(s, e));
}

static void
key_row(struct stmt *s, struct access_key *k)
{
	stmt_copy(s, 0, k->id, sizeof(k->id));
	stmt_copy(s, 1, k->account_id, sizeof(k->account_id));
	stmt_copy(s, 2, k->secret, sizeof(k->secret));
	k->created_at = stmt_int64(s, 3);
}

int
store_key_get(struct store *st, const char *key_id, struct access_key *out,
    struct err *e)
{
	static const char	*sql = "SELECT id, account_id, secret, "
	    "created_at FROM access_keys WHERE id = ?";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, key_id);
	if ((rc = stmt_step(s, e)) == 1)
		key_row(s, out);
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "access key %s does not exist", key_id));
	return (rc == 1 ? 0 : -1);
}

int
store_key_delete(struct store *st, const char *account_id, const char *key_id,
    struct err *e)
{
	static const char	*sql = "DELETE FROM access_keys WHERE id = ? AND "
	    "account_id = ?";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, key_id);
	stmt_bind_text(s, 2, account_id);
	rc = stmt_step(s, e);
	stmt_done(s);
	if (rc == -1)
		return (-1);
	if (db_changes(st) == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "account %s has no access key %s", account_id, key_id));
	return (0);
}

int
store_key_list(struct store *st, struct arena *a, const char *account_id,
    struct access_key **out, size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT id, account_id, secret, "
	    "created_at FROM access_keys WHERE account_id = ? "
	    "ORDER BY created_at, id LIMIT 100";
	struct stmt		*s;
	struct access_key	*v;
	size_t			 n = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	v = arena_alloc(a, sizeof(*v) * 100);
	stmt_bind_text(s, 1, account_id);
	while ((rc = stmt_step(s, e)) == 1 && n < 100)
		key_row(s, &v[n++]);
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}
