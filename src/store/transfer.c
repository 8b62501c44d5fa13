/* SPDX-License-Identifier: MIT */
/*
 * Billing transfers (responsibility transfers) and the desk's routes in
 * the store: portable SQL. See store.h.
 */
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/row.h"
#include "store/billing.h"
#include "store/onboard.h"
#include "store/org.h"
#include "store/store.h"

/*
 * A transfer with its source resolved: the account fixed at acceptance,
 * else the invited account, else the owner of the invited e-mail now.
 */
static const struct col transfer_cols[] = {
	COL_T(struct transfer, id, COL_KEY),
	COL_T(struct transfer, type, 0),
	COL_T(struct transfer, name, 0),
	COL_T(struct transfer, status, 0),
	COL_T(struct transfer, target_org_id, 0),
	COL_T(struct transfer, target_mgmt_id, 0),
	COL_T(struct transfer, invite_type, 0),
	COL_T(struct transfer, invite_id, 0),
	COL_T_SEL(struct transfer, source_mgmt_id,
	    "COALESCE(t.source_mgmt_id, r.id, '')", COL_NULL),
	COL_T(struct transfer, source_org_id, COL_NULL),
	COL_I64(struct transfer, start_at, 0),
	COL_I64(struct transfer, end_at, COL_NULL),
	COL_T(struct transfer, handshake_id, 0),
	COL_I64(struct transfer, expires_at, 0),
	COL_I64(struct transfer, created_at, 0),
	COL_I64(struct transfer, updated_at, 0),
	COL_T_EXPR(struct transfer, target_email, "ta.email"),
	COL_T_EXPR(struct transfer, source_email, "COALESCE(sa.email, r.email, "
	    "CASE WHEN t.invite_type = 'EMAIL' THEN t.invite_id ELSE '' END)"),
};
static const struct row transfer_row = ROW(struct transfer, transfer_cols);

#define T_FROM	" FROM responsibility_transfers t " \
		"JOIN accounts ta ON ta.id = t.target_mgmt_id " \
		"LEFT JOIN accounts sa ON sa.id = t.source_mgmt_id " \
		"LEFT JOIN accounts r ON t.source_mgmt_id IS NULL AND " \
		"t.invite_type = 'EMAIL' AND lower(r.email) = lower(t.invite_id)"
#define T_SOURCE	"COALESCE(t.source_mgmt_id, r.id)"
/* In force at ?: an invitation still open, an accepted transfer, or a
 * withdrawn one that has not reached its end. */
#define T_IN_FORCE	"((t.status = 'REQUESTED' AND t.expires_at > ?) OR " \
			"t.status = 'ACCEPTED' OR (t.status = 'WITHDRAWN' AND " \
			"t.end_at >= ?))"

int
store_transfer_insert(struct store *st, const struct transfer *t,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&transfer_row,
	    "INSERT INTO responsibility_transfers {insert}");
	struct stmt		*s;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	row_bind(s, 1, &transfer_row, t, 1);
	return (stmt_exec(s, e));
}

int
store_transfer_get(struct store *st, const char *id, struct transfer *out,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&transfer_row,
	    "SELECT {cols t}" T_FROM " WHERE t.id = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(id)),
	    &transfer_row, out, e, "transfer %s does not exist", id));
}

int
store_transfer_by_handshake(struct store *st, const char *handshake_id,
    struct transfer *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&transfer_row,
	    "SELECT {cols t}" T_FROM " WHERE t.handshake_id = ?");

	return (row_get(row_binds(row_stmt(st, &q, e),
	    BIND_TEXT(handshake_id)), &transfer_row, out, e,
	    "no transfer has handshake %s", handshake_id));
}

int
store_transfer_update(struct store *st, const struct transfer *t,
    const char *from_status, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&transfer_row,
	    "UPDATE responsibility_transfers SET {set} WHERE id = ? AND "
	    "status = ?");
	struct stmt		*s;
	int			 i;
	int64_t			 n;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	i = row_bind(s, 1, &transfer_row, t, 0);
	stmt_bind_text(s, i, t->id);
	stmt_bind_text(s, i + 1, from_status);
	if ((n = row_run(st, s, e)) == -1)
		return (-1);
	if (n != 1)
		return (err_set(e, ERR_CONFLICT, NULL, NULL,
		    "transfer %s is no longer %s", t->id, from_status));
	return (0);
}

int
store_transfer_expire(struct store *st, int64_t now, struct err *e)
{
	static const char	*sql = "UPDATE responsibility_transfers SET "
	    "status = 'EXPIRED', updated_at = expires_at WHERE "
	    "status = 'REQUESTED' AND expires_at <= ?";

	return (row_run(st, row_binds(db_stmt(st, sql, e), BIND_INT(now)), e) ==
	    -1 ? -1 : 0);
}

int
store_transfer_list(struct store *st, struct arena *a, int inbound,
    const char *mgmt_id, const char *id, const char *after, size_t limit,
    struct transfer **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 in = ROW_SQL(&transfer_row,
	    "SELECT {cols t}" T_FROM " WHERE t.target_mgmt_id = ? AND "
	    "(CAST(? AS TEXT) = '' OR t.id = ?) AND t.id > ? "
	    "ORDER BY t.id LIMIT ?");
	static struct row_sql	 outq = ROW_SQL(&transfer_row,
	    "SELECT {cols t}" T_FROM " WHERE " T_SOURCE " = ? AND "
	    "(CAST(? AS TEXT) = '' OR t.id = ?) AND t.id > ? "
	    "ORDER BY t.id LIMIT ?");

	limit = STORE_PAGE_CAP(limit);
	return (row_all(row_binds(row_stmt(st, inbound ? &in : &outq, e),
	    BIND_TEXT(mgmt_id), BIND_TEXT(id), BIND_TEXT(id), BIND_TEXT(after),
	    BIND_INT((int64_t)limit)), a, &transfer_row, limit, out, n_out,
	    e));
}

int
store_transfer_in_force(struct store *st, int as_source, const char *mgmt_id,
    int64_t now, int accepted_only, const char *exclude_id,
    struct transfer *out, int *found, struct err *e)
{
	static struct row_sql	 src = ROW_SQL(&transfer_row,
	    "SELECT {cols t}" T_FROM " WHERE " T_SOURCE " = ? AND "
	    T_IN_FORCE " AND (CAST(? AS BIGINT) = 0 OR t.status <> "
	    "'REQUESTED') AND t.id <> ? ORDER BY t.start_at, t.id LIMIT 1");
	static struct row_sql	 tgt = ROW_SQL(&transfer_row,
	    "SELECT {cols t}" T_FROM " WHERE t.target_mgmt_id = ? AND "
	    T_IN_FORCE " AND (CAST(? AS BIGINT) = 0 OR t.status <> "
	    "'REQUESTED') AND t.id <> ? ORDER BY t.start_at, t.id LIMIT 1");
	int			 rc;

	rc = row_one(row_binds(row_stmt(st, as_source ? &src : &tgt, e),
	    BIND_TEXT(mgmt_id), BIND_INT(now), BIND_INT(now),
	    BIND_INT(accepted_only), BIND_TEXT(exclude_id != NULL ?
	    exclude_id : "")), &transfer_row, out, e);
	if (rc == -1)
		return (-1);
	*found = rc;
	return (0);
}

int
store_transfer_paid(struct store *st, struct arena *a,
    const char *target_mgmt_id, struct transfer **out, size_t *n_out,
    struct err *e)
{
	/* 1000: more sources than an MSP has customers; an accepted
	 * transfer's source is fixed, so no e-mail is resolved here. */
	static struct row_sql	 q = ROW_SQL(&transfer_row,
	    "SELECT {cols t}" T_FROM " WHERE t.target_mgmt_id = ? AND "
	    "t.status IN ('ACCEPTED', 'WITHDRAWN') AND "
	    "(t.end_at IS NULL OR t.end_at >= t.start_at) "
	    "ORDER BY t.source_mgmt_id, t.start_at LIMIT 1000");

	return (row_all(row_binds(row_stmt(st, &q, e),
	    BIND_TEXT(target_mgmt_id)), a, &transfer_row, 1000, out, n_out,
	    e));
}

/* ---- The desk's routes ----------------------------------------------- */

static const struct col route_cols[] = {
	COL_T(struct onboarding_route, onboarding_id, COL_KEY),
	COL_T(struct onboarding_route, route, 0),
	COL_T(struct onboarding_route, transfer_id, 0),
	COL_I64(struct onboarding_route, start_at, 0),
};
static const struct row route_row = ROW(struct onboarding_route,
    route_cols);

int
store_onboarding_route_put(struct store *st,
    const struct onboarding_route *r, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&route_row,
	    "INSERT INTO onboarding_routes {insert} ON CONFLICT "
	    "(onboarding_id) DO UPDATE SET route = excluded.route, "
	    "transfer_id = excluded.transfer_id, "
	    "start_at = excluded.start_at");
	struct stmt		*s;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	row_bind(s, 1, &route_row, r, 1);
	return (stmt_exec(s, e));
}

int
store_onboarding_route_get(struct store *st, const char *onboarding_id,
    struct onboarding_route *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&route_row,
	    "SELECT {cols} FROM onboarding_routes WHERE onboarding_id = ?");
	int			 rc;

	rc = row_one(row_binds(row_stmt(st, &q, e), BIND_TEXT(onboarding_id)),
	    &route_row, out, e);
	if (rc == -1)
		return (-1);
	if (rc == 0) {
		memset(out, 0, sizeof(*out));
		snprintf(out->onboarding_id, sizeof(out->onboarding_id), "%s",
		    onboarding_id);
		snprintf(out->route, sizeof(out->route), "invite");
	}
	return (0);
}
