/* SPDX-License-Identifier: MIT */
/* Handshakes and their tags in the store: portable SQL. See store.h. */
#include <string.h>

#include "store/db.h"
#include "store/store.h"

/*
 * A handshake row with its recipient resolved and its sender's details.
 * An EMAIL target nobody has answered reaches the account that owns that
 * e-mail now (accounts.email is unique whatever its case).
 */
#define HS_COLS	"h.id, h.org_id, h.action, h.state, h.target_type, " \
		"h.target_id, COALESCE(h.recipient_id, r.id, ''), " \
		"COALESCE(h.notes, ''), COALESCE(h.parent_id, ''), " \
		"h.requested_at, h.expires_at, COALESCE(h.ended_at, 0), " \
		"o.management_id, a.email, a.name, o.feature_set"
#define HS_FROM	" FROM handshakes h " \
		"JOIN organizations o ON o.id = h.org_id " \
		"JOIN accounts a ON a.id = o.management_id " \
		"LEFT JOIN accounts r ON h.recipient_id IS NULL AND " \
		"h.target_type = 'EMAIL' AND lower(r.email) = lower(h.target_id)"

static void
hs_row(struct stmt *s, struct handshake *h)
{
	memset(h, 0, sizeof(*h));
	stmt_copy(s, 0, h->id, sizeof(h->id));
	stmt_copy(s, 1, h->org_id, sizeof(h->org_id));
	stmt_copy(s, 2, h->action, sizeof(h->action));
	stmt_copy(s, 3, h->state, sizeof(h->state));
	stmt_copy(s, 4, h->target_type, sizeof(h->target_type));
	stmt_copy(s, 5, h->target_id, sizeof(h->target_id));
	stmt_copy(s, 6, h->recipient_id, sizeof(h->recipient_id));
	stmt_copy(s, 7, h->notes, sizeof(h->notes));
	stmt_copy(s, 8, h->parent_id, sizeof(h->parent_id));
	h->requested_at = stmt_int64(s, 9);
	h->expires_at = stmt_int64(s, 10);
	h->ended_at = stmt_int64(s, 11);
	stmt_copy(s, 12, h->mgmt_id, sizeof(h->mgmt_id));
	stmt_copy(s, 13, h->mgmt_email, sizeof(h->mgmt_email));
	stmt_copy(s, 14, h->mgmt_name, sizeof(h->mgmt_name));
	stmt_copy(s, 15, h->feature_set, sizeof(h->feature_set));
}

static const char *
nullable(const char *s)
{
	return (s != NULL && s[0] != '\0' ? s : NULL);
}


int
store_handshake_insert(struct store *st, const struct handshake *h,
    struct err *e)
{
	static const char	*sql = "INSERT INTO handshakes (id, org_id, "
	    "action, state, target_type, target_id, recipient_id, notes, "
	    "parent_id, requested_at, expires_at, ended_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, h->id);
	stmt_bind_text(s, 2, h->org_id);
	stmt_bind_text(s, 3, h->action);
	stmt_bind_text(s, 4, h->state);
	stmt_bind_text(s, 5, h->target_type);
	stmt_bind_text(s, 6, h->target_id);
	stmt_bind_text(s, 7, nullable(h->recipient_id));
	stmt_bind_text(s, 8, nullable(h->notes));
	stmt_bind_text(s, 9, nullable(h->parent_id));
	stmt_bind_int64(s, 10, h->requested_at);
	stmt_bind_int64(s, 11, h->expires_at);
	if (h->ended_at != 0)
		stmt_bind_int64(s, 12, h->ended_at);
	else
		stmt_bind_null(s, 12);
	return (stmt_exec(s, e));
}

int
store_handshake_get(struct store *st, const char *id, struct handshake *out,
    struct err *e)
{
	static const char	*sql = "SELECT " HS_COLS HS_FROM
	    " WHERE h.id = ?";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, id);
	if ((rc = stmt_step(s, e)) == 1)
		hs_row(s, out);
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "handshake %s does not exist", id));
	return (rc == 1 ? 0 : -1);
}

int
store_handshake_set_state(struct store *st, const char *id, const char *from,
    const char *to, int64_t when, const char *recipient_id, struct err *e)
{
	static const char	*sql = "UPDATE handshakes SET state = ?, "
	    "ended_at = ?, recipient_id = COALESCE(?, recipient_id) "
	    "WHERE id = ? AND state = ?";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, to);
	stmt_bind_int64(s, 2, when);
	stmt_bind_text(s, 3, nullable(recipient_id));
	stmt_bind_text(s, 4, id);
	stmt_bind_text(s, 5, from);
	if (stmt_exec(s, e) == -1)
		return (-1);
	if (db_changes(st) != 1)
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
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, now);
	return (stmt_exec(s, e));
}

int
store_handshake_purge(struct store *st, int64_t before, struct err *e)
{
	static const char	*tags = "DELETE FROM handshake_tags WHERE "
	    "handshake_id IN (SELECT id FROM handshakes WHERE "
	    "COALESCE(ended_at, expires_at) <= ?)";
	static const char	*rows = "DELETE FROM handshakes WHERE "
	    "COALESCE(ended_at, expires_at) <= ?";
	struct stmt		*s;

	if ((s = db_stmt(st, tags, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, before);
	if (stmt_exec(s, e) == -1)
		return (-1);
	if ((s = db_stmt(st, rows, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, before);
	return (stmt_exec(s, e));
}

int
store_handshake_cancel_open(struct store *st, const char *org_id,
    int64_t when, struct err *e)
{
	static const char	*sql = "UPDATE handshakes SET state = "
	    "'CANCELED', ended_at = ? WHERE org_id = ? AND "
	    "state IN ('OPEN', 'REQUESTED') AND expires_at > ?";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, when);
	stmt_bind_text(s, 2, org_id);
	stmt_bind_int64(s, 3, when);
	return (stmt_exec(s, e));
}

int
store_handshake_count_sent(struct store *st, const char *org_id,
    int64_t since, int64_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT count(*) FROM handshakes WHERE "
	    "org_id = ? AND requested_at > ? AND action = 'INVITE' AND "
	    "state <> 'ACCEPTED'";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, org_id);
	stmt_bind_int64(s, 2, since);
	if ((rc = stmt_step(s, e)) == 1)
		*n_out = stmt_int64(s, 0);
	stmt_done(s);
	return (rc == 1 ? 0 : -1);
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
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, org_id);
	stmt_bind_int64(s, 2, now);
	stmt_bind_text(s, 3, target_type);
	stmt_bind_text(s, 4, target_id);
	stmt_bind_text(s, 5, recipient_id);
	stmt_bind_text(s, 6, recipient_id);
	if ((rc = stmt_step(s, e)) == 1)
		*out = stmt_int64(s, 0) > 0;
	stmt_done(s);
	return (rc == 1 ? 0 : -1);
}

/* Collects up to limit rows of a bound statement into the arena. */
static int
hs_rows(struct stmt *s, struct arena *a, size_t limit, struct handshake **out,
    size_t *n_out, struct err *e)
{
	struct handshake	*v;
	size_t			 n = 0;
	int			 rc = 0;

	v = arena_alloc(a, sizeof(*v) * (limit ? limit : 1));
	while (n < limit && (rc = stmt_step(s, e)) == 1)
		hs_row(s, &v[n++]);
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_handshake_list_org(struct store *st, struct arena *a,
    const char *org_id, const char *action, const char *parent_id,
    int64_t visible_after, const char *after, size_t limit,
    struct handshake **out, size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT " HS_COLS HS_FROM
	    " WHERE h.org_id = ? AND COALESCE(h.ended_at, h.expires_at) > ? "
	    "AND (CAST(? AS TEXT) = '' OR h.action = ?) AND "
	    "(CAST(? AS TEXT) = '' OR h.parent_id = ?) AND h.id > ? "
	    "ORDER BY h.id LIMIT ?";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, org_id);
	stmt_bind_int64(s, 2, visible_after);
	stmt_bind_text(s, 3, action);
	stmt_bind_text(s, 4, action);
	stmt_bind_text(s, 5, parent_id);
	stmt_bind_text(s, 6, parent_id);
	stmt_bind_text(s, 7, after);
	stmt_bind_int64(s, 8, (int64_t)limit);
	return (hs_rows(s, a, limit, out, n_out, e));
}

int
store_handshake_list_account(struct store *st, struct arena *a,
    const char *account_id, const char *email, const char *action,
    const char *parent_id, int64_t visible_after, const char *after,
    size_t limit, struct handshake **out, size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT " HS_COLS HS_FROM
	    " WHERE (h.recipient_id = ? OR (h.recipient_id IS NULL AND "
	    "h.target_type = 'EMAIL' AND lower(h.target_id) = lower(?))) "
	    "AND COALESCE(h.ended_at, h.expires_at) > ? "
	    "AND (CAST(? AS TEXT) = '' OR h.action = ?) AND "
	    "(CAST(? AS TEXT) = '' OR h.parent_id = ?) AND h.id > ? "
	    "ORDER BY h.id LIMIT ?";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, account_id);
	stmt_bind_text(s, 2, email);
	stmt_bind_int64(s, 3, visible_after);
	stmt_bind_text(s, 4, action);
	stmt_bind_text(s, 5, action);
	stmt_bind_text(s, 6, parent_id);
	stmt_bind_text(s, 7, parent_id);
	stmt_bind_text(s, 8, after);
	stmt_bind_int64(s, 9, (int64_t)limit);
	return (hs_rows(s, a, limit, out, n_out, e));
}

int
store_handshake_tag_insert(struct store *st, const char *handshake_id,
    const struct handshake_tag *t, struct err *e)
{
	static const char	*sql = "INSERT INTO handshake_tags "
	    "(handshake_id, tag_key, tag_value) VALUES (?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, handshake_id);
	stmt_bind_text(s, 2, t->key);
	stmt_bind_text(s, 3, t->value);
	return (stmt_exec(s, e));
}

#define TAGS_MAX	50	/* AWS's ceiling on tags per resource */

int
store_handshake_tags(struct store *st, struct arena *a,
    const char *handshake_id, struct handshake_tag **out, size_t *n_out,
    struct err *e)
{
	static const char	*sql = "SELECT tag_key, tag_value FROM "
	    "handshake_tags WHERE handshake_id = ? ORDER BY tag_key LIMIT 50";
	struct stmt		*s;
	struct handshake_tag	*v;
	size_t			 n = 0;
	int			 rc = 0;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	v = arena_alloc(a, sizeof(*v) * TAGS_MAX);
	stmt_bind_text(s, 1, handshake_id);
	while (n < TAGS_MAX && (rc = stmt_step(s, e)) == 1) {
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
