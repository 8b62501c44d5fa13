/* SPDX-License-Identifier: MIT */
/* Handshakes and their tags in the store: portable SQL. See store.h. */
#include <string.h>

#include "store/db.h"
#include "store/org.h"
#include "store/row.h"
#include "store/store.h"

/*
 * A handshake row with its recipient resolved and its sender's details.
 * An EMAIL target nobody has answered reaches the account that owns that
 * e-mail now (accounts.email is unique whatever its case).
 */
static const struct col hs_cols[] = {
	COL_T(struct handshake, id, 0),
	COL_T(struct handshake, org_id, 0),
	COL_T(struct handshake, action, 0),
	COL_T(struct handshake, state, 0),
	COL_T(struct handshake, target_type, 0),
	COL_T(struct handshake, target_id, 0),
	COL_T_SEL(struct handshake, recipient_id,
	    "COALESCE(h.recipient_id, r.id, '')", COL_NULL),
	COL_T(struct handshake, notes, COL_NULL),
	COL_T(struct handshake, parent_id, COL_NULL),
	COL_I64(struct handshake, requested_at, 0),
	COL_I64(struct handshake, expires_at, 0),
	COL_I64(struct handshake, ended_at, COL_NULL),
	COL_T_EXPR(struct handshake, mgmt_id, "o.management_id"),
	COL_T_EXPR(struct handshake, mgmt_email, "a.email"),
	COL_T_EXPR(struct handshake, mgmt_name, "a.name"),
	COL_T_EXPR(struct handshake, feature_set, "o.feature_set"),
	COL_T_EXPR(struct handshake, partition, "o.arn_partition"),
	COL_T_EXPR(struct handshake, transfer_id, "COALESCE(tr.id, '')"),
	COL_I64_EXPR(struct handshake, transfer_start,
	    "COALESCE(tr.start_at, 0)"),
};
static const struct row hs_row = ROW(struct handshake, hs_cols);

static const struct col tag_cols[] = {
	COL_T_AS(struct handshake_tag, key, "tag_key", 0),
	COL_T_AS(struct handshake_tag, value, "tag_value", 0),
};
static const struct row tag_row = ROW(struct handshake_tag, tag_cols);

#define HS_FROM	" FROM handshakes h " \
		"JOIN organizations o ON o.id = h.org_id " \
		"JOIN accounts a ON a.id = o.management_id " \
		"LEFT JOIN accounts r ON h.recipient_id IS NULL AND " \
		"h.target_type = 'EMAIL' AND lower(r.email) = lower(h.target_id) " \
		"LEFT JOIN responsibility_transfers tr ON tr.handshake_id = h.id"

int
store_handshake_insert(struct store *st, const struct handshake *h,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&hs_row,
	    "INSERT INTO handshakes {insert}");

	return (row_insert(st, &q, h, e));
}

int
store_handshake_get(struct store *st, const char *id, struct handshake *out,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&hs_row,
	    "SELECT {cols h}" HS_FROM " WHERE h.id = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(id)), &hs_row,
	    out, e, "handshake %s does not exist", id));
}

int
store_handshake_set_state(struct store *st, const char *id, const char *from,
    const char *to, int64_t when, const char *recipient_id, struct err *e)
{
	static const char	*sql = "UPDATE handshakes SET state = ?, "
	    "ended_at = ?, recipient_id = COALESCE(?, recipient_id) "
	    "WHERE id = ? AND state = ?";
	int64_t			 n;

	if ((n = row_run(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(to),
	    BIND_INT(when), BIND_OPT(recipient_id), BIND_TEXT(id),
	    BIND_TEXT(from)), e)) == -1)
		return (-1);
	if (n != 1)
		return (err_set(e, ERR_CONFLICT, NULL, NULL,
		    "handshake %s is no longer %s", id, from));
	return (0);
}

int
store_handshake_expire(struct store *st, int64_t now, struct err *e)
{
	static const char	*sql = "UPDATE handshakes SET state = 'EXPIRED', "
	    "ended_at = expires_at WHERE state IN ('OPEN', 'REQUESTED') AND "
	    "expires_at <= ?";

	return (row_run(st, row_binds(db_stmt(st, sql, e), BIND_INT(now)), e) ==
	    -1 ? -1 : 0);
}

int
store_handshake_purge(struct store *st, int64_t before, struct err *e)
{
	static const char	*tags = "DELETE FROM handshake_tags WHERE "
	    "handshake_id IN (SELECT id FROM handshakes WHERE "
	    "COALESCE(ended_at, expires_at) <= ?)";
	static const char	*rows = "DELETE FROM handshakes WHERE "
	    "COALESCE(ended_at, expires_at) <= ?";

	if (row_run(st, row_binds(db_stmt(st, tags, e), BIND_INT(before)), e) ==
	    -1)
		return (-1);
	return (row_run(st, row_binds(db_stmt(st, rows, e), BIND_INT(before)),
	    e) == -1 ? -1 : 0);
}

int
store_handshake_cancel_open(struct store *st, const char *org_id,
    int64_t when, struct err *e)
{
	static const char	*sql = "UPDATE handshakes SET state = "
	    "'CANCELED', ended_at = ? WHERE org_id = ? AND "
	    "state IN ('OPEN', 'REQUESTED') AND expires_at > ?";

	return (row_run(st, row_binds(db_stmt(st, sql, e), BIND_INT(when),
	    BIND_TEXT(org_id), BIND_INT(when)), e) == -1 ? -1 : 0);
}

int
store_handshake_count_sent(struct store *st, const char *org_id,
    int64_t since, int64_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT count(*) FROM handshakes WHERE "
	    "org_id = ? AND requested_at > ? AND action = 'INVITE' AND "
	    "state <> 'ACCEPTED'";

	return (row_count(row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_INT(since)), n_out, e));
}

int
store_handshake_open_exists(struct store *st, const char *org_id,
    const char *target_type, const char *target_id, const char *recipient_id,
    int64_t now, int *out, struct err *e)
{
	static const char	*sql = "SELECT count(*)" HS_FROM
	    " WHERE h.org_id = ? AND h.action = 'INVITE' AND "
	    "h.state = 'OPEN' AND h.expires_at > ? AND "
	    "((h.target_type = ? AND lower(h.target_id) = lower(?)) OR "
	    "(CAST(? AS TEXT) <> '' AND "
	    "COALESCE(h.recipient_id, r.id) = ?))";
	int64_t			 n;

	if (row_count(row_binds(db_stmt(st, sql, e), BIND_TEXT(org_id),
	    BIND_INT(now), BIND_TEXT(target_type), BIND_TEXT(target_id),
	    BIND_TEXT(recipient_id), BIND_TEXT(recipient_id)), &n, e) == -1)
		return (-1);
	*out = n > 0;
	return (0);
}

int
store_handshake_list_org(struct store *st, struct arena *a,
    const char *org_id, const char *action, const char *parent_id,
    int64_t visible_after, const char *after, size_t limit,
    struct handshake **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&hs_row,
	    "SELECT {cols h}" HS_FROM " WHERE h.org_id = ? AND "
	    "COALESCE(h.ended_at, h.expires_at) > ? AND "
	    "(CAST(? AS TEXT) = '' OR h.action = ?) AND "
	    "(CAST(? AS TEXT) = '' OR h.parent_id = ?) AND h.id > ? "
	    "ORDER BY h.id LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(org_id),
	    BIND_INT(visible_after), BIND_TEXT(action), BIND_TEXT(action),
	    BIND_TEXT(parent_id), BIND_TEXT(parent_id), BIND_TEXT(after),
	    BIND_INT(limit)), a, &hs_row, limit, out, n_out, e));
}

int
store_handshake_list_account(struct store *st, struct arena *a,
    const char *account_id, const char *email, const char *action,
    const char *parent_id, int64_t visible_after, const char *after,
    size_t limit, struct handshake **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&hs_row,
	    "SELECT {cols h}" HS_FROM " WHERE (h.recipient_id = ? OR "
	    "(h.recipient_id IS NULL AND h.target_type = 'EMAIL' AND "
	    "lower(h.target_id) = lower(?))) AND "
	    "COALESCE(h.ended_at, h.expires_at) > ? AND "
	    "(CAST(? AS TEXT) = '' OR h.action = ?) AND "
	    "(CAST(? AS TEXT) = '' OR h.parent_id = ?) AND h.id > ? "
	    "ORDER BY h.id LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(account_id),
	    BIND_TEXT(email), BIND_INT(visible_after), BIND_TEXT(action),
	    BIND_TEXT(action), BIND_TEXT(parent_id), BIND_TEXT(parent_id),
	    BIND_TEXT(after), BIND_INT(limit)), a, &hs_row, limit, out, n_out,
	    e));
}

int
store_handshake_tag_insert(struct store *st, const char *handshake_id,
    const struct handshake_tag *t, struct err *e)
{
	static const char	*sql = "INSERT INTO handshake_tags "
	    "(handshake_id, tag_key, tag_value) VALUES (?, ?, ?)";

	return (row_run(st, row_binds(db_stmt(st, sql, e),
	    BIND_TEXT(handshake_id), BIND_TEXT(t->key), BIND_TEXT(t->value)), e)
	    == -1 ? -1 : 0);
}

int
store_handshake_tags(struct store *st, struct arena *a,
    const char *handshake_id, struct handshake_tag **out, size_t *n_out,
    struct err *e)
{
	/* 50: AWS's ceiling on tags per resource. */
	static struct row_sql	 q = ROW_SQL(&tag_row,
	    "SELECT {cols} FROM handshake_tags WHERE handshake_id = ? "
	    "ORDER BY tag_key LIMIT 50");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(handshake_id)),
	    a, &tag_row, 50, out, n_out, e));
}
