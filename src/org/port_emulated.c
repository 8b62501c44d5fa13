/* SPDX-License-Identifier: MIT */
/*
 * The emulated organization port: the desk's questions answered from
 * payerlink's own organizations, the same ones the AWS Organizations API
 * serves (see port.h). Its context is the store, borrowed.
 *
 * It goes through org/'s functions where one does the job; the reads the
 * desk makes inside its own transaction (a handshake, a history, an
 * organization's accounts and departures) have none that runs inside a
 * caller's transaction, so those read the org tables through store.h here,
 * the one place below the desk that does.
 */
#include <stdio.h>
#include <string.h>

#include "org/handshake.h"
#include "org/organization.h"
#include "org/port.h"
#include "org/transfer.h"

static void
as_principal(const char *as, struct principal *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->account_id, sizeof(p->account_id), "%s", as);
}

static void
hs_copy(const struct handshake *h, struct orgport_handshake *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", h->id);
	snprintf(out->state, sizeof(out->state), "%s", h->state);
	snprintf(out->org_id, sizeof(out->org_id), "%s", h->org_id);
	snprintf(out->target_type, sizeof(out->target_type), "%s",
	    h->target_type);
	snprintf(out->target_id, sizeof(out->target_id), "%s", h->target_id);
	out->requested_at = h->requested_at;
	out->expires_at = h->expires_at;
	out->ended_at = h->ended_at;
}

static void
ms_copy(const struct membership *m, struct orgport_membership *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->account_id, sizeof(out->account_id), "%s",
	    m->account_id);
	snprintf(out->org_id, sizeof(out->org_id), "%s", m->org_id);
	snprintf(out->payer_id, sizeof(out->payer_id), "%s", m->payer_id);
	out->joined_at = m->joined_at;
	out->left_at = m->left_at;
	snprintf(out->left_method, sizeof(out->left_method), "%s",
	    m->left_method);
}

static struct orgport_membership *
ms_copy_all(struct arena *a, const struct membership *v, size_t n)
{
	struct orgport_membership	*out;
	size_t				 i;

	out = arena_zalloc(a, (n > 0 ? n : 1) * sizeof(*out));
	for (i = 0; i < n; i++)
		ms_copy(&v[i], &out[i]);
	return (out);
}

static int
em_describe_organization(void *ctx, const char *as, struct orgport_org *out,
    struct err *e)
{
	struct principal	 p;
	struct organization	 o;

	as_principal(as, &p);
	if (org_describe(ctx, &p, &o, e) == -1)
		return (-1);
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", o.id);
	org_arn(&o, out->arn, sizeof(out->arn));
	snprintf(out->management_id, sizeof(out->management_id), "%s",
	    o.management_id);
	snprintf(out->management_email, sizeof(out->management_email), "%s",
	    o.management_email);
	return (0);
}

static int
em_account_standing(void *ctx, const char *account_id,
    struct orgport_standing *out, struct err *e)
{
	struct principal	 p;
	struct account		 a;
	struct organization	 o;
	struct err		 le;

	memset(out, 0, sizeof(*out));
	/* An account payerlink never saw may well exist elsewhere. */
	if (account_get(ctx, account_id, &a, &le) == -1) {
		if (le.code == ERR_NOT_FOUND || le.code == ERR_INVALID) {
			out->kind = ORGPORT_CASE_UNKNOWN;
			return (0);
		}
		if (e != NULL)
			*e = le;
		return (-1);
	}
	as_principal(a.id, &p);
	if (org_of(ctx, &p, &o, NULL, &le) == -1) {
		if (le.code == ERR_NOT_FOUND) {
			out->kind = ORGPORT_CASE_STANDALONE;
			return (0);
		}
		if (e != NULL)
			*e = le;
		return (-1);
	}
	out->kind = strcmp(o.management_id, a.id) == 0 ?
	    ORGPORT_CASE_MANAGEMENT : ORGPORT_CASE_MEMBER;
	snprintf(out->org_id, sizeof(out->org_id), "%s", o.id);
	return (0);
}

static int
em_invite(void *ctx, const char *as, const char *target_type,
    const char *target_id, const char *notes, struct orgport_handshake *out,
    struct err *e)
{
	struct principal	 p;
	struct handshake	 h;

	as_principal(as, &p);
	if (handshake_invite(ctx, &p, target_type, target_id, notes, NULL, 0,
	    &h, e) == -1)
		return (-1);
	hs_copy(&h, out);
	return (0);
}

static int
em_cancel(void *ctx, const char *as, const char *hid,
    struct orgport_handshake *out, struct err *e)
{
	struct principal	 p;
	struct handshake	 h;

	as_principal(as, &p);
	if (handshake_cancel(ctx, &p, hid, &h, e) == -1)
		return (-1);
	hs_copy(&h, out);
	return (0);
}

/*
 * handshake_describe() opens its own transaction and hides a handshake 30
 * days after it ended; the desk reads inside its transaction and has
 * always seen a handshake until the purge deletes it, so: the row, as of
 * now.
 */
static int
em_describe_handshake(void *ctx, const char *hid,
    struct orgport_handshake *out, struct err *e)
{
	struct handshake	 h;

	if (store_handshake_get(ctx, hid, &h, e) == -1)
		return (-1);
	handshake_effective(&h, store_now(ctx));
	hs_copy(&h, out);
	return (0);
}

static int
em_list_handshakes(void *ctx, struct arena *a, const char *as,
    const char *after, size_t limit, struct orgport_handshake **out,
    size_t *n_out, int *more_out, struct err *e)
{
	struct principal	 p;
	struct handshake	*v;
	size_t			 n, i;

	as_principal(as, &p);
	if (handshake_list_for_org(ctx, a, &p, NULL, after, limit, &v, &n,
	    more_out, e) == -1)
		return (-1);
	*out = arena_zalloc(a, (n > 0 ? n : 1) * sizeof(**out));
	for (i = 0; i < n; i++)
		hs_copy(&v[i], &(*out)[i]);
	*n_out = n;
	return (0);
}

static int
em_accounts(void *ctx, struct arena *a, const char *org_id, size_t limit,
    struct orgport_account **out, size_t *n_out, int64_t *total_out,
    struct err *e)
{
	struct member	*mv = NULL;
	size_t		 n = 0, i;

	if (limit > 0 && store_org_members(ctx, a, org_id, "", limit, &mv, &n,
	    e) == -1)
		return (-1);
	if (store_org_member_count(ctx, org_id, total_out, e) == -1)
		return (-1);
	/* Counting only: no arena needed (port.h). */
	*out = n > 0 ? arena_zalloc(a, n * sizeof(**out)) : NULL;
	for (i = 0; i < n; i++) {
		snprintf((*out)[i].id, sizeof((*out)[i].id), "%s",
		    mv[i].account.id);
		snprintf((*out)[i].email, sizeof((*out)[i].email), "%s",
		    mv[i].account.email);
		(*out)[i].joined_at = mv[i].membership.joined_at;
	}
	*n_out = n;
	return (0);
}

static int
em_history(void *ctx, struct arena *a, const char *account_id,
    struct orgport_membership **out, size_t *n_out, struct err *e)
{
	struct membership	*v;

	if (store_membership_history(ctx, a, account_id, &v, n_out, e) == -1)
		return (-1);
	*out = ms_copy_all(a, v, *n_out);
	return (0);
}

static int
em_departures(void *ctx, struct arena *a, const char *org_id, int64_t since,
    size_t limit, struct orgport_membership **out, size_t *n_out,
    struct err *e)
{
	struct membership	*v;

	if (store_org_departures(ctx, a, org_id, since, limit, &v, n_out,
	    e) == -1)
		return (-1);
	*out = ms_copy_all(a, v, *n_out);
	return (0);
}

static void
tr_copy(const struct transfer *t, struct orgport_transfer *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", t->id);
	snprintf(out->name, sizeof(out->name), "%s", t->name);
	snprintf(out->status, sizeof(out->status), "%s", t->status);
	snprintf(out->source_mgmt_id, sizeof(out->source_mgmt_id), "%s",
	    t->source_mgmt_id);
	snprintf(out->source_org_id, sizeof(out->source_org_id), "%s",
	    t->source_org_id);
	snprintf(out->target_mgmt_id, sizeof(out->target_mgmt_id), "%s",
	    t->target_mgmt_id);
	snprintf(out->handshake_id, sizeof(out->handshake_id), "%s",
	    t->handshake_id);
	out->start_at = t->start_at;
	out->end_at = t->end_at;
	out->updated_at = t->updated_at;
}

static int
em_invite_transfer(void *ctx, const char *as, const char *target_id,
    const char *name, const char *notes, int64_t start_at,
    struct orgport_handshake *h_out, struct orgport_transfer *out,
    struct err *e)
{
	struct transfer_invite	 in;
	struct principal	 p;
	struct handshake	 h;
	struct transfer		 t;

	as_principal(as, &p);
	memset(&in, 0, sizeof(in));
	in.type = TRANSFER_TYPE_BILLING;
	in.target_type = "ACCOUNT";
	in.target_id = target_id;
	in.notes = notes;
	in.name = name;
	in.start_at = start_at;
	if (transfer_invite(ctx, &p, &in, &h, &t, e) == -1)
		return (-1);
	hs_copy(&h, h_out);
	tr_copy(&t, out);
	return (0);
}

/* transfer_describe() opens its own transaction; the desk reads inside
 * its own: the row, as of now, for its parties only. */
static int
em_describe_transfer(void *ctx, const char *as, const char *id,
    struct orgport_transfer *out, struct err *e)
{
	struct transfer	 t;

	if (store_transfer_get(ctx, id, &t, e) == -1)
		return (-1);
	if (strcmp(t.target_mgmt_id, as) != 0 &&
	    strcmp(t.source_mgmt_id, as) != 0)
		return (err_set(e, ERR_NOT_FOUND,
		    AWSERR(ResponsibilityTransferNotFoundException), NULL,
		    "transfer %s not found", id));
	transfer_effective(&t, store_now(ctx));
	tr_copy(&t, out);
	return (0);
}

static int
in_force(const struct orgport_transfer *t, int64_t now)
{
	return (strcmp(t->status, "REQUESTED") == 0 ||
	    strcmp(t->status, "ACCEPTED") == 0 ||
	    (strcmp(t->status, "WITHDRAWN") == 0 && t->end_at >= now));
}

static int
em_inbound_transfers(void *ctx, struct arena *a, const char *as,
    size_t limit, struct orgport_transfer **out, size_t *n_out,
    struct err *e)
{
	struct transfer	*v;
	char		 after[TRANSFER_ID_MAX + 1] = "";
	size_t		 n, i, k = 0;
	int64_t		 now = store_now(ctx);

	*out = arena_zalloc(a, (limit > 0 ? limit : 1) * sizeof(**out));
	do {
		if (store_transfer_list(ctx, a, 1, as, "", after, 100, &v, &n,
		    e) == -1)
			return (-1);
		for (i = 0; i < n && k < limit; i++) {
			transfer_effective(&v[i], now);
			tr_copy(&v[i], &(*out)[k]);
			if (in_force(&(*out)[k], now))
				k++;
		}
		if (n > 0)
			snprintf(after, sizeof(after), "%s", v[n - 1].id);
	} while (n == 100 && k < limit);
	*n_out = k;
	return (0);
}

static const struct orgport_ops emulated_ops = {
	.name = "emulated",
	.describe_organization = em_describe_organization,
	.account_standing = em_account_standing,
	.invite = em_invite,
	.cancel = em_cancel,
	.describe_handshake = em_describe_handshake,
	.list_handshakes = em_list_handshakes,
	.accounts = em_accounts,
	.history = em_history,
	.departures = em_departures,
	.invite_transfer = em_invite_transfer,
	.describe_transfer = em_describe_transfer,
	.inbound_transfers = em_inbound_transfers,
};

struct orgport
orgport_emulated(struct store *st)
{
	struct orgport	 p = { &emulated_ops, st };

	return (p);
}
