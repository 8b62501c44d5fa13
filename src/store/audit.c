/* SPDX-License-Identifier: MIT */
/*
 * The audit log in the store: append-only, one row per change anyone made
 * (every domain writes it, the MSP's console and CLI read it). See
 * store.h.
 */
#include <string.h>

#include "store/db.h"
#include "store/row.h"
#include "store/store.h"

static const struct col audit_cols[] = {
	COL_I64(struct audit_entry, id, COL_RO),
	COL_I64(struct audit_entry, at, 0),
	COL_T(struct audit_entry, actor, 0),
	COL_T(struct audit_entry, action, 0),
	COL_T(struct audit_entry, object, 0),
	COL_T(struct audit_entry, detail, 0),
};
static const struct row audit_row = ROW(struct audit_entry, audit_cols);

/*
 * Arguments, not a record: bound as given, where an audit_entry's fields
 * would cut a long detail short.
 */
int
store_audit_append(struct store *st, const char *actor, const char *action,
    const char *object, const char *detail, struct err *e)
{
	static const char	*sql = "INSERT INTO audit_log (at, actor, action, "
	    "object, detail) VALUES (?, ?, ?, ?, ?)";

	if (row_run(st, row_binds(db_stmt(st, sql, e), BIND_INT(store_now(st)),
	    BIND_TEXT(actor), BIND_TEXT(action), BIND_TEXT(object),
	    BIND_TEXT(detail != NULL ? detail : "")), e) == -1)
		return (-1);
	return (0);
}

int
store_audit_list(struct store *st, struct arena *a, int64_t since,
    const char *object, int64_t after_id, size_t limit,
    struct audit_entry **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&audit_row,
	    "SELECT {cols} FROM audit_log WHERE at >= ? AND (? = '' OR "
	    "object = ?) AND id > ? ORDER BY id LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_INT(since),
	    BIND_TEXT(object), BIND_TEXT(object), BIND_INT(after_id),
	    BIND_INT(limit)), a, &audit_row, limit, out, n_out, e));
}
