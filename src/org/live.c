/* SPDX-License-Identifier: MIT */
/*
 * Live mode's domain side: the mirror of the MSP's AWS organization and
 * the live organization port over it. See live.h.
 */
#include <stdio.h>
#include <string.h>

#include "org/live.h"

static const struct live_remote	*remote;

void
live_remote_set(const struct live_remote *r)
{
	remote = r;
}

static int
mirror_org(struct store *st, struct live_org *l, struct err *e)
{
	return (store_live_get(st, l, e));
}

/* ---- Applying a snapshot -------------------------------------------- */

static int
upsert_account(struct store *st, const struct live_account *la, struct err *e)
{
	struct account	 a;

	if (store_account_get(st, la->id, &a, NULL) == 0) {
		if (strcmp(a.email, la->email) == 0 &&
		    strcmp(a.name, la->name) == 0 &&
		    strcmp(a.status, la->status) == 0)
			return (0);
		snprintf(a.email, sizeof(a.email), "%s", la->email);
		snprintf(a.name, sizeof(a.name), "%s", la->name);
		snprintf(a.status, sizeof(a.status), "%s", la->status);
		return (store_account_update(st, &a, e));
	}
	memset(&a, 0, sizeof(a));
	snprintf(a.id, sizeof(a.id), "%s", la->id);
	snprintf(a.email, sizeof(a.email), "%s", la->email);
	snprintf(a.name, sizeof(a.name), "%s", la->name[0] ? la->name :
	    la->id);
	snprintf(a.status, sizeof(a.status), "%s", la->status[0] ?
	    la->status : "ACTIVE");
	a.created_at = la->joined_at;
	return (store_account_insert(st, &a, e));
}

static int
ensure_org(struct store *st, const struct live_snapshot *s, int64_t now,
    struct err *e)
{
	struct organization	 o;

	if (store_org_get(st, s->org.id, &o, NULL) == 0)
		return (0);
	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "%s", s->org.id);
	snprintf(o.root_id, sizeof(o.root_id), "%.*s", ORG_ID_MAX,
	    s->root_id);
	snprintf(o.management_id, sizeof(o.management_id), "%s",
	    s->org.management_id);
	snprintf(o.feature_set, sizeof(o.feature_set), "%s",
	    s->feature_set[0] ? s->feature_set : "ALL");
	o.created_at = now;
	return (store_org_insert(st, &o, e));
}

static int
apply_ous(struct store *st, const struct live_snapshot *s, int64_t now,
    struct err *e)
{
	struct org_unit	 u;
	size_t		 i;

	for (i = 0; i < s->nous; i++) {
		const struct live_ou *lo = &s->ous[i];

		if (store_ou_get(st, lo->id, &u, NULL) == 0) {
			if (strcmp(u.name, lo->name) != 0 &&
			    store_ou_rename(st, lo->id, lo->name, e) == -1)
				return (-1);
			continue;
		}
		memset(&u, 0, sizeof(u));
		snprintf(u.id, sizeof(u.id), "%s", lo->id);
		snprintf(u.org_id, sizeof(u.org_id), "%s", s->org.id);
		snprintf(u.parent_id, sizeof(u.parent_id), "%s", lo->parent_id);
		snprintf(u.name, sizeof(u.name), "%s", lo->name);
		u.depth = lo->depth > 0 ? lo->depth : 1;
		u.created_at = now;
		if (store_ou_insert(st, &u, e) == -1)
			return (-1);
	}
	return (0);
}

static void
add_id(struct arena *a, char (**v)[ACCOUNT_ID_LEN + 1], size_t *n,
    size_t cap, const char *id)
{
	if (*v == NULL)
		*v = arena_zalloc(a, (cap > 0 ? cap : 1) * sizeof(**v));
	snprintf((*v)[*n], sizeof((*v)[*n]), "%s", id);
	(*n)++;
}

static int
apply_accounts(struct store *st, struct arena *a, const struct live_snapshot *s,
    int64_t now, struct live_sync_result *r, struct err *e)
{
	struct membership	 m, cur;
	const char		*parent;
	size_t			 i;

	for (i = 0; i < s->naccounts; i++) {
		const struct live_account *la = &s->accounts[i];

		if (upsert_account(st, la, e) == -1)
			return (-1);
		parent = la->parent_id[0] ? la->parent_id : s->root_id;
		if (store_membership_current(st, la->id, &cur, NULL) == 0) {
			if (strcmp(cur.org_id, s->org.id) == 0 &&
			    cur.joined_at == la->joined_at) {
				if (strcmp(cur.parent_id, parent) != 0 &&
				    store_membership_set_parent(st, la->id,
				    parent, e) == -1)
					return (-1);
				continue;
			}
			/* It left and came back between two syncs, or the
			 * mirror knew it elsewhere: that stay ended when it
			 * joined. */
			if (store_membership_close(st, la->id,
			    la->joined_at > cur.joined_at ? la->joined_at :
			    cur.joined_at, "LEFT", e) == -1)
				return (-1);
		}
		memset(&m, 0, sizeof(m));
		snprintf(m.account_id, sizeof(m.account_id), "%s", la->id);
		snprintf(m.org_id, sizeof(m.org_id), "%s", s->org.id);
		snprintf(m.payer_id, sizeof(m.payer_id), "%s",
		    s->org.management_id);
		m.joined_at = la->joined_at > 0 ? la->joined_at : now;
		snprintf(m.joined_method, sizeof(m.joined_method), "%s",
		    la->joined_method[0] ? la->joined_method : "INVITED");
		snprintf(m.parent_id, sizeof(m.parent_id), "%s", parent);
		if (store_membership_open(st, &m, e) == -1)
			return (-1);
		add_id(a, &r->joined, &r->njoined, s->naccounts, la->id);
	}
	r->accounts = (int64_t)s->naccounts;
	return (0);
}

static int
in_snapshot(const struct live_snapshot *s, const char *id)
{
	size_t	 i;

	for (i = 0; i < s->naccounts; i++)
		if (strcmp(s->accounts[i].id, id) == 0)
			return (1);
	return (0);
}

/* Members of the mirror that AWS no longer lists have left. */
static int
apply_departures(struct store *st, struct arena *a,
    const struct live_snapshot *s, int64_t now, struct live_sync_result *r,
    struct err *e)
{
	struct member	*mv;
	size_t		 n, i, cap = 0;
	char		 after[ACCOUNT_ID_LEN + 1] = "";
	char		(*gone)[ACCOUNT_ID_LEN + 1] = NULL;
	size_t		 ngone = 0;

	for (;;) {
		if (store_org_members(st, a, s->org.id, after, 500, &mv, &n,
		    e) == -1)
			return (-1);
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			if (in_snapshot(s, mv[i].account.id))
				continue;
			if (ngone == cap) {
				char (*nv)[ACCOUNT_ID_LEN + 1];

				cap = cap ? cap * 2 : 16;
				nv = arena_zalloc(a, cap * sizeof(*nv));
				if (ngone > 0)
					memcpy(nv, gone, ngone * sizeof(*nv));
				gone = nv;
			}
			snprintf(gone[ngone], sizeof(gone[ngone]), "%s",
			    mv[i].account.id);
			ngone++;
		}
		snprintf(after, sizeof(after), "%s", mv[n - 1].account.id);
	}
	for (i = 0; i < ngone; i++) {
		if (store_membership_close(st, gone[i], now, "LEFT", e) == -1)
			return (-1);
		add_id(a, &r->departed, &r->ndeparted, ngone, gone[i]);
	}
	return (0);
}

static int
ended(const char *state)
{
	return (strcmp(state, "OPEN") != 0 && strcmp(state, "REQUESTED") != 0);
}

/* When an ended handshake ended, as far as the mirror can tell. */
static int64_t
end_time(const struct live_snapshot *s, const struct orgport_handshake *h,
    int64_t now)
{
	size_t	 i;

	if (strcmp(h->state, "EXPIRED") == 0 && h->expires_at > 0 &&
	    h->expires_at <= now)
		return (h->expires_at);
	if (strcmp(h->state, "ACCEPTED") == 0 &&
	    strcmp(h->target_type, "ACCOUNT") == 0)
		for (i = 0; i < s->naccounts; i++)
			if (strcmp(s->accounts[i].id, h->target_id) == 0 &&
			    s->accounts[i].joined_at >= h->requested_at)
				return (s->accounts[i].joined_at);
	if (h->ended_at > 0)
		return (h->ended_at);
	return (now > h->requested_at ? now : h->requested_at + 1);
}

static int
mirror_handshake(struct store *st, const struct live_snapshot *s,
    const struct orgport_handshake *h, int64_t now, struct err *e)
{
	struct handshake	 m;
	const char		*recipient;

	recipient = strcmp(h->target_type, "ACCOUNT") == 0 ? h->target_id :
	    NULL;
	if (store_handshake_get(st, h->id, &m, NULL) == 0) {
		if (strcmp(m.state, h->state) == 0 || ended(m.state))
			return (0);
		if (!ended(h->state))
			return (0);
		return (store_handshake_set_state(st, h->id, m.state,
		    h->state, end_time(s, h, now), recipient, e));
	}
	memset(&m, 0, sizeof(m));
	snprintf(m.id, sizeof(m.id), "%s", h->id);
	snprintf(m.org_id, sizeof(m.org_id), "%s", s->org.id);
	snprintf(m.action, sizeof(m.action), "INVITE");
	snprintf(m.state, sizeof(m.state), "%s", h->state[0] ? h->state :
	    "OPEN");
	snprintf(m.target_type, sizeof(m.target_type), "%s", h->target_type);
	snprintf(m.target_id, sizeof(m.target_id), "%s", h->target_id);
	if (recipient != NULL)
		snprintf(m.recipient_id, sizeof(m.recipient_id), "%.*s",
		    ACCOUNT_ID_LEN, recipient);
	m.requested_at = h->requested_at;
	m.expires_at = h->expires_at > h->requested_at ? h->expires_at :
	    h->requested_at + 15LL * 24 * 3600 * 1000;
	m.ended_at = ended(m.state) ? end_time(s, h, now) : 0;
	return (store_handshake_insert(st, &m, e));
}

static int
apply_locked(struct store *st, struct arena *a, const struct live_snapshot *s,
    int64_t now, struct live_sync_result *r, struct err *e)
{
	size_t	 i;

	/* The management account first: the organization names it. */
	for (i = 0; i < s->naccounts; i++)
		if (strcmp(s->accounts[i].id, s->org.management_id) == 0 &&
		    upsert_account(st, &s->accounts[i], e) == -1)
			return (-1);
	if (ensure_org(st, s, now, e) == -1 || apply_ous(st, s, now, e) == -1 ||
	    apply_accounts(st, a, s, now, r, e) == -1 ||
	    apply_departures(st, a, s, now, r, e) == -1)
		return (-1);
	for (i = 0; i < s->nhandshakes; i++)
		if (mirror_handshake(st, s, &s->handshakes[i], now, e) == -1)
			return (-1);
	r->handshakes = (int64_t)s->nhandshakes;
	return (store_live_synced(st, now, "", r->accounts, r->handshakes, e));
}

static int
apply(struct store *st, struct arena *a, const struct live_org *connect,
    const struct live_snapshot *s, struct live_sync_result *r, struct err *e)
{
	struct live_org	 l;
	int64_t		 now;

	memset(r, 0, sizeof(*r));
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	now = store_now(st);
	if (connect != NULL) {
		l = *connect;
		l.connected_at = now;
		if (store_live_put(st, &l, e) == -1)
			goto fail;
	} else if (mirror_org(st, &l, e) == -1)
		goto fail;
	if (strcmp(l.org_id, s->org.id) != 0) {
		err_set(e, ERR_CONFLICT, NULL, NULL, "AWS answered for "
		    "organization %s, but this installation is connected to %s; "
		    "check the credentials (payerlink aws whoami)", s->org.id,
		    l.org_id);
		goto fail;
	}
	if (apply_locked(st, a, s, now, r, e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
live_can_connect(struct store *st, const char *org_id, struct err *e)
{
	struct live_org	 l;
	int64_t		 n;

	if (store_live_get(st, &l, NULL) == 0) {
		if (org_id == NULL || strcmp(l.org_id, org_id) == 0)
			return (0);
		return (err_set(e, ERR_CONFLICT, NULL, NULL, "this database "
		    "is live for organization %s, not %s; use another database",
		    l.org_id, org_id));
	}
	if (store_org_count_all(st, &n, e) == -1)
		return (-1);
	if (n > 0)
		return (err_set(e, ERR_CONFLICT, NULL, NULL, "this database "
		    "holds payerlink's own (emulated) organizations; a database "
		    "is live or emulated, never both: connect a new database "
		    "(--db)"));
	return (0);
}

int
live_connect(struct store *st, struct arena *a, const char *profile,
    const char *region, const struct live_snapshot *s,
    struct live_sync_result *out, struct err *e)
{
	struct live_org	 l;

	if (live_can_connect(st, s->org.id, e) == -1)
		return (-1);
	memset(&l, 0, sizeof(l));
	snprintf(l.org_id, sizeof(l.org_id), "%s", s->org.id);
	snprintf(l.management_id, sizeof(l.management_id), "%s",
	    s->org.management_id);
	snprintf(l.profile, sizeof(l.profile), "%s", profile ? profile : "");
	snprintf(l.region, sizeof(l.region), "%s", region ? region : "");
	return (apply(st, a, &l, s, out, e));
}

int
live_apply(struct store *st, struct arena *a, const struct live_snapshot *s,
    struct live_sync_result *out, struct err *e)
{
	return (apply(st, a, NULL, s, out, e));
}

int
live_failed(struct store *st, const char *why, struct err *e)
{
	int	 rc;

	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	rc = store_live_synced(st, store_now(st), why[0] ? why : "failed", 0,
	    0, e);
	if (rc == -1) {
		store_rollback(st);
		return (-1);
	}
	return (store_commit(st, e));
}

int
live_status(struct store *st, struct live_org *out, struct err *e)
{
	return (store_live_get(st, out, e));
}

/* ---- The live port ---------------------------------------------------- */

static struct orgport
mirror(void *ctx)
{
	return (orgport_emulated(ctx));
}

static int
lv_describe_organization(void *ctx, const char *as, struct orgport_org *out,
    struct err *e)
{
	struct orgport	 m = mirror(ctx);

	return (m.ops->describe_organization(ctx, as, out, e));
}

/* AWS shows only the MSP's own organization: any other account is unknown. */
static int
lv_account_standing(void *ctx, const char *account_id,
    struct orgport_standing *out, struct err *e)
{
	struct orgport	 m = mirror(ctx);
	struct live_org	 l;

	if (m.ops->account_standing(ctx, account_id, out, e) == -1)
		return (-1);
	if (mirror_org(ctx, &l, NULL) == -1 ||
	    (out->kind != ORGPORT_CASE_UNKNOWN &&
	    strcmp(out->org_id, l.org_id) != 0) ||
	    out->kind == ORGPORT_CASE_STANDALONE) {
		memset(out, 0, sizeof(*out));
		out->kind = ORGPORT_CASE_UNKNOWN;
	}
	return (0);
}

static int
no_remote(struct err *e)
{
	return (err_set(e, ERR_INTERNAL, NULL, NULL, "live mode: no AWS "
	    "client is set up in this process"));
}

static int
lv_invite(void *ctx, const char *as, const char *target_type,
    const char *target_id, const char *notes, struct orgport_handshake *out,
    struct err *e)
{
	struct live_snapshot	 s;
	struct live_org		 l;

	if (remote == NULL)
		return (no_remote(e));
	if (mirror_org(ctx, &l, e) == -1)
		return (-1);
	if (strcmp(as, l.management_id) != 0)
		return (err_set(e, ERR_DENIED, AWSERR(AccessDeniedException),
		    NULL,
		    "live mode acts as the management account %s only",
		    l.management_id));
	if (remote->invite(remote->arg, target_type, target_id, notes, out,
	    e) == -1)
		return (-1);
	/* Into the mirror at once, so the desk sees it before a sync. */
	memset(&s, 0, sizeof(s));
	snprintf(s.org.id, sizeof(s.org.id), "%s", l.org_id);
	if (store_begin(ctx, STORE_WRITE, e) == -1)
		return (-1);
	if (mirror_handshake(ctx, &s, out, store_now(ctx), e) == -1) {
		store_rollback(ctx);
		return (-1);
	}
	return (store_commit(ctx, e));
}

static int
lv_cancel(void *ctx, const char *as, const char *hid,
    struct orgport_handshake *out, struct err *e)
{
	struct live_snapshot	 s;
	struct live_org		 l;

	if (remote == NULL)
		return (no_remote(e));
	if (mirror_org(ctx, &l, e) == -1)
		return (-1);
	(void)as;
	if (remote->cancel(remote->arg, hid, out, e) == -1)
		return (-1);
	memset(&s, 0, sizeof(s));
	snprintf(s.org.id, sizeof(s.org.id), "%s", l.org_id);
	if (store_begin(ctx, STORE_WRITE, e) == -1)
		return (-1);
	if (mirror_handshake(ctx, &s, out, store_now(ctx), e) == -1) {
		store_rollback(ctx);
		return (-1);
	}
	return (store_commit(ctx, e));
}

static int
lv_describe_handshake(void *ctx, const char *hid,
    struct orgport_handshake *out, struct err *e)
{
	struct orgport	 m = mirror(ctx);

	return (m.ops->describe_handshake(ctx, hid, out, e));
}

static int
lv_list_handshakes(void *ctx, struct arena *a, const char *as,
    const char *after, size_t limit, struct orgport_handshake **out,
    size_t *n_out, int *more_out, struct err *e)
{
	struct orgport	 m = mirror(ctx);

	return (m.ops->list_handshakes(ctx, a, as, after, limit, out, n_out,
	    more_out, e));
}

static int
lv_accounts(void *ctx, struct arena *a, const char *org_id, size_t limit,
    struct orgport_account **out, size_t *n_out, int64_t *total_out,
    struct err *e)
{
	struct orgport	 m = mirror(ctx);

	return (m.ops->accounts(ctx, a, org_id, limit, out, n_out, total_out,
	    e));
}

static int
lv_history(void *ctx, struct arena *a, const char *account_id,
    struct orgport_membership **out, size_t *n_out, struct err *e)
{
	struct orgport	 m = mirror(ctx);

	return (m.ops->history(ctx, a, account_id, out, n_out, e));
}

static int
lv_departures(void *ctx, struct arena *a, const char *org_id, int64_t since,
    size_t limit, struct orgport_membership **out, size_t *n_out,
    struct err *e)
{
	struct orgport	 m = mirror(ctx);

	return (m.ops->departures(ctx, a, org_id, since, limit, out, n_out, e));
}

static const struct orgport_ops live_ops = {
	.name = "live",
	.describe_organization = lv_describe_organization,
	.account_standing = lv_account_standing,
	.invite = lv_invite,
	.cancel = lv_cancel,
	.describe_handshake = lv_describe_handshake,
	.list_handshakes = lv_list_handshakes,
	.accounts = lv_accounts,
	.history = lv_history,
	.departures = lv_departures,
};

struct orgport
orgport_live(struct store *st)
{
	struct orgport	 p = { &live_ops, st };

	return (p);
}
