/* SPDX-License-Identifier: MIT */
/*
 * Saved views of the portal's cost analysis: a name and a query string
 * per person (store/portal.h, migrations/021_saved_views.sql).
 */
#include "store/db.h"
#include "store/portal.h"
#include "store/row.h"
#include "store/store.h"

static const struct col view_cols[] = {
	COL_T(struct saved_view, id, 0),
	COL_T(struct saved_view, owner, 0),
	COL_T(struct saved_view, name, 0),
	COL_T(struct saved_view, query, 0),
	COL_I64(struct saved_view, created_at, 0),
};
static const struct row view_row = ROW(struct saved_view, view_cols);

int
store_view_insert(struct store *st, const struct saved_view *v,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&view_row,
	    "INSERT INTO portal_views {insert}");
	struct stmt		*s;
	int			 rc;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	row_bind(s, 1, &view_row, v, 1);
	if ((rc = stmt_exec(s, e)) == -1 && e->code == ERR_CONFLICT)
		return (err_set(e, ERR_CONFLICT, NULL, NULL,
		    "you have a view named %s already", v->name));
	return (rc);
}

int
store_view_delete(struct store *st, const char *owner, const char *id,
    struct err *e)
{
	static const char	*sql = "DELETE FROM portal_views WHERE "
	    "owner = ? AND id = ?";

	return (row_exec_one(st, row_binds(db_stmt(st, sql, e),
	    BIND_TEXT(owner), BIND_TEXT(id)), e, "you have no view %s", id));
}

int
store_view_list(struct store *st, struct arena *a, const char *owner,
    size_t limit, struct saved_view **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&view_row,
	    "SELECT {cols} FROM portal_views WHERE owner = ? ORDER BY name "
	    "LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(owner),
	    BIND_INT(limit)), a, &view_row, limit, out, n_out, e));
}
