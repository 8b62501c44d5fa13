/* SPDX-License-Identifier: MIT */
/* Live mode's own rows: the live_org row and the S3 deliveries imported. */
#include <string.h>

#include "store/billing.h"
#include "store/db.h"
#include "store/org.h"
#include "store/row.h"
#include "store/store.h"

static const struct col live_cols[] = {
	COL_T(struct live_org, org_id, 0),
	COL_T(struct live_org, management_id, 0),
	COL_T(struct live_org, profile, 0),
	COL_T(struct live_org, region, 0),
	COL_I64(struct live_org, connected_at, 0),
	COL_I64(struct live_org, sync_tried_at, 0),
	COL_I64(struct live_org, sync_ok_at, 0),
	COL_T(struct live_org, sync_error, 0),
	COL_I64(struct live_org, accounts, 0),
	COL_I64(struct live_org, handshakes, 0),
};
static const struct row live_row = ROW(struct live_org, live_cols);

int
store_live_get(struct store *st, struct live_org *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&live_row,
	    "SELECT {cols} FROM live_org WHERE id = 1");

	return (row_get(row_stmt(st, &q, e), &live_row, out, e,
	    "this installation is not live (payerlink msp connect)"));
}

int
store_live_put(struct store *st, const struct live_org *l, struct err *e)
{
	static const char	*del = "DELETE FROM live_org";
	static struct row_sql	 q = ROW_SQL(&live_row,
	    "INSERT INTO live_org {insert id}");
	struct stmt		*s;

	if ((s = db_stmt(st, del, e)) == NULL || stmt_exec(s, e) == -1)
		return (-1);
	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, 1);
	row_bind(s, 2, &live_row, l, 1);
	return (stmt_exec(s, e));
}

int
store_live_synced(struct store *st, int64_t when, const char *error,
    int64_t accounts, int64_t handshakes, struct err *e)
{
	static const char	*ok = "UPDATE live_org SET sync_tried_at = ?, "
	    "sync_ok_at = ?, sync_error = '', accounts = ?, handshakes = ? "
	    "WHERE id = 1";
	static const char	*bad = "UPDATE live_org SET sync_tried_at = ?, "
	    "sync_error = ? WHERE id = 1";

	if (error == NULL || error[0] == '\0')
		return (row_exec_one(st, row_binds(db_stmt(st, ok, e),
		    BIND_INT(when), BIND_INT(when), BIND_INT(accounts),
		    BIND_INT(handshakes)), e, "this installation is not live"));
	return (row_exec_one(st, row_binds(db_stmt(st, bad, e),
	    BIND_INT(when), BIND_TEXT(error)), e,
	    "this installation is not live"));
}

int
store_org_count_all(struct store *st, int64_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT count(*) FROM organizations";

	return (row_count(db_stmt(st, sql, e), n_out, e));
}

int
store_import_source_seen(struct store *st, const char *source,
    const char *version, int *out, struct err *e)
{
	static const char	*sql = "SELECT count(*) FROM import_sources "
	    "WHERE source = ? AND version = ?";
	int64_t			 n;

	if (row_count(row_binds(db_stmt(st, sql, e), BIND_TEXT(source),
	    BIND_TEXT(version)), &n, e) == -1)
		return (-1);
	*out = n > 0;
	return (0);
}

int
store_import_source_mark(struct store *st, const char *source,
    const char *version, int64_t import_id, int64_t when, struct err *e)
{
	static const char	*sql = "INSERT INTO import_sources (source, "
	    "version, import_id, imported_at) VALUES (?, ?, ?, ?) "
	    "ON CONFLICT (source, version) DO NOTHING";

	return (row_run(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(source),
	    BIND_TEXT(version), BIND_INT(import_id), BIND_INT(when)), e) == -1 ?
	    -1 : 0);
}
