/* SPDX-License-Identifier: MIT */
/* Accounts and access keys in the store: portable SQL. See store.h. */
#include <string.h>

#include "store/db.h"
#include "store/org.h"
#include "store/row.h"
#include "store/store.h"

static const struct col account_cols[] = {
	COL_T(struct account, id, COL_KEY),
	COL_T(struct account, email, 0),
	COL_T(struct account, name, 0),
	COL_T(struct account, password_hash, COL_NULL),
	COL_T(struct account, status, 0),
	COL_I64(struct account, created_at, COL_KEY),
	COL_T(struct account, payment_method, COL_NULL),
	COL_T(struct account, phone, COL_NULL),
};
static const struct row account_row = ROW(struct account, account_cols);

static const struct col key_cols[] = {
	COL_T(struct access_key, id, 0),
	COL_T(struct access_key, account_id, 0),
	COL_T(struct access_key, secret, 0),
	COL_I64(struct access_key, created_at, 0),
};
static const struct row key_row = ROW(struct access_key, key_cols);

int
store_account_insert(struct store *st, const struct account *a,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&account_row,
	    "INSERT INTO accounts {insert}");

	return (row_insert(st, &q, a, e));
}

int
store_account_update(struct store *st, const struct account *a,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&account_row,
	    "UPDATE accounts SET {set} WHERE id = ?");
	struct stmt		*s;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	stmt_bind_text(s, row_bind(s, 1, &account_row, a, 0), a->id);
	return (row_exec_one(st, s, e, "account %s does not exist", a->id));
}

int
store_account_get(struct store *st, const char *id, struct account *out,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&account_row,
	    "SELECT {cols} FROM accounts WHERE id = ?");
	struct stmt		*s;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, id);
	return (row_get(s, &account_row, out, e, "account %s does not exist",
	    id));
}

int
store_account_by_email(struct store *st, const char *email,
    struct account *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&account_row,
	    "SELECT {cols} FROM accounts WHERE lower(email) = lower(?)");
	struct stmt		*s;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, email);
	return (row_get(s, &account_row, out, e, "account %s does not exist",
	    email));
}

int
store_account_list(struct store *st, struct arena *a, const char *after,
    size_t limit, struct account **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&account_row,
	    "SELECT {cols} FROM accounts WHERE id > ? ORDER BY id LIMIT ?");
	struct stmt		*s;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, after);
	stmt_bind_int64(s, 2, (int64_t)limit);
	return (row_all(s, a, &account_row, limit, out, n_out, e));
}

int
store_key_insert(struct store *st, const struct access_key *k,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&key_row,
	    "INSERT INTO access_keys {insert}");

	return (row_insert(st, &q, k, e));
}

int
store_key_get(struct store *st, const char *key_id, struct access_key *out,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&key_row,
	    "SELECT {cols} FROM access_keys WHERE id = ?");
	struct stmt		*s;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, key_id);
	return (row_get(s, &key_row, out, e, "access key %s does not exist",
	    key_id));
}

int
store_key_delete(struct store *st, const char *account_id, const char *key_id,
    struct err *e)
{
	static const char	*sql = "DELETE FROM access_keys WHERE id = ? AND "
	    "account_id = ?";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, key_id);
	stmt_bind_text(s, 2, account_id);
	return (row_exec_one(st, s, e, "account %s has no access key %s",
	    account_id, key_id));
}

int
store_key_list(struct store *st, struct arena *a, const char *account_id,
    struct access_key **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&key_row,
	    "SELECT {cols} FROM access_keys WHERE account_id = ? "
	    "ORDER BY created_at, id LIMIT 100");
	struct stmt		*s;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, account_id);
	return (row_all(s, a, &key_row, 100, out, n_out, e));
}
