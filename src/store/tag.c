/* SPDX-License-Identifier: MIT */
/* Tags of an organization's resources in the store. Portable SQL. */
#include <string.h>

#include "store/db.h"
#include "store/org.h"
#include "store/row.h"
#include "store/store.h"

static const struct col tag_cols[] = {
	COL_T_EXPR(struct handshake_tag, key, "tag_key"),
	COL_T_EXPR(struct handshake_tag, value, "tag_value"),
};
static const struct row tag_row = ROW(struct handshake_tag, tag_cols);

int
store_tag_put(struct store *st, const char *org_id, const char *resource_id,
    const char *key, const char *value, struct err *e)
{
	static const char	*sql = "INSERT INTO org_tags (org_id, "
	    "resource_id, tag_key, tag_value) VALUES (?, ?, ?, ?) ON CONFLICT "
	    "(org_id, resource_id, tag_key) DO UPDATE SET tag_value = "
	    "excluded.tag_value";

	return (row_run(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_TEXT(resource_id), BIND_TEXT(key), BIND_TEXT(value)), e) == -1
	    ? -1 : 0);
}

int
store_tag_delete(struct store *st, const char *org_id,
    const char *resource_id, const char *key, struct err *e)
{
	static const char	*sql = "DELETE FROM org_tags WHERE org_id = ? AND "
	    "resource_id = ? AND tag_key = ?";

	return (row_run(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_TEXT(resource_id), BIND_TEXT(key)), e) == -1 ? -1 : 0);
}

int
store_tag_delete_all(struct store *st, const char *org_id,
    const char *resource_id, struct err *e)
{
	static const char	*sql = "DELETE FROM org_tags WHERE org_id = ? AND "
	    "resource_id = ?";

	return (row_run(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_TEXT(resource_id)), e) == -1 ? -1 : 0);
}

int
store_tag_list(struct store *st, struct arena *a, const char *org_id,
    const char *resource_id, struct handshake_tag **out, size_t *n_out,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&tag_row,
	    "SELECT {cols} FROM org_tags WHERE org_id = ? AND resource_id = ? "
	    "ORDER BY tag_key LIMIT 100");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(org_id),
	    BIND_TEXT(resource_id)), a, &tag_row, 100, out, n_out, e));
}

int
store_tag_count(struct store *st, const char *org_id, const char *resource_id,
    int64_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT count(*) FROM org_tags WHERE "
	    "org_id = ? AND resource_id = ?";

	return (row_count(row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_TEXT(resource_id)), n_out, e));
}
