/* SPDX-License-Identifier: MIT */
/*
 * The organization port: which implementation an installation uses, and
 * the calls through it. The implementations live in their own files
 * (port_emulated.c). See port.h.
 */
#include <stddef.h>

#include "org/port.h"

/* Set once at start (orgport_choose), read by every request after. */
static struct orgport	(*chosen)(struct store *);

void
orgport_choose(struct orgport (*make)(struct store *))
{
	chosen = make;
}

struct orgport
orgport_default(struct store *st)
{
	return (chosen != NULL ? chosen(st) : orgport_emulated(st));
}

int
orgport_describe_organization(const struct orgport *p, const char *as,
    struct orgport_org *out, struct err *e)
{
	return (p->ops->describe_organization(p->ctx, as, out, e));
}

int
orgport_account_standing(const struct orgport *p, const char *account_id,
    struct orgport_standing *out, struct err *e)
{
	return (p->ops->account_standing(p->ctx, account_id, out, e));
}

int
orgport_invite(const struct orgport *p, const char *as,
    const char *target_type, const char *target_id, const char *notes,
    struct orgport_handshake *out, struct err *e)
{
	return (p->ops->invite(p->ctx, as, target_type, target_id, notes, out,
	    e));
}

int
orgport_cancel(const struct orgport *p, const char *as, const char *hid,
    struct orgport_handshake *out, struct err *e)
{
	return (p->ops->cancel(p->ctx, as, hid, out, e));
}

int
orgport_describe_handshake(const struct orgport *p, const char *hid,
    struct orgport_handshake *out, struct err *e)
{
	return (p->ops->describe_handshake(p->ctx, hid, out, e));
}

int
orgport_list_handshakes(const struct orgport *p, struct arena *a,
    const char *as, const char *after, size_t limit,
    struct orgport_handshake **out, size_t *n_out, int *more_out,
    struct err *e)
{
	return (p->ops->list_handshakes(p->ctx, a, as, after, limit, out,
	    n_out, more_out, e));
}

int
orgport_accounts(const struct orgport *p, struct arena *a,
    const char *org_id, size_t limit, struct orgport_account **out,
    size_t *n_out, int64_t *total_out, struct err *e)
{
	return (p->ops->accounts(p->ctx, a, org_id, limit, out, n_out,
	    total_out, e));
}

int
orgport_history(const struct orgport *p, struct arena *a,
    const char *account_id, struct orgport_membership **out, size_t *n_out,
    struct err *e)
{
	return (p->ops->history(p->ctx, a, account_id, out, n_out, e));
}

int
orgport_departures(const struct orgport *p, struct arena *a,
    const char *org_id, int64_t since, size_t limit,
    struct orgport_membership **out, size_t *n_out, struct err *e)
{
	return (p->ops->departures(p->ctx, a, org_id, since, limit, out, n_out,
	    e));
}

int
orgport_invite_transfer(const struct orgport *p, const char *as,
    const char *target_id, const char *name, const char *notes,
    int64_t start_at, struct orgport_handshake *h_out,
    struct orgport_transfer *out, struct err *e)
{
	if (p->ops->invite_transfer == NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL, "the %s "
		    "organization port does not offer billing transfer",
		    p->ops->name));
	return (p->ops->invite_transfer(p->ctx, as, target_id, name, notes,
	    start_at, h_out, out, e));
}

int
orgport_describe_transfer(const struct orgport *p, const char *as,
    const char *id, struct orgport_transfer *out, struct err *e)
{
	if (p->ops->describe_transfer == NULL)
		return (err_set(e, ERR_NOT_FOUND,
		    AWSERR(ResponsibilityTransferNotFoundException), NULL,
		    "transfer %.40s not found", id));
	return (p->ops->describe_transfer(p->ctx, as, id, out, e));
}

int
orgport_inbound_transfers(const struct orgport *p, struct arena *a,
    const char *as, size_t limit, struct orgport_transfer **out,
    size_t *n_out, struct err *e)
{
	/* A port without billing transfer has none. */
	if (p->ops->inbound_transfers == NULL) {
		*out = NULL;
		*n_out = 0;
		return (0);
	}
	return (p->ops->inbound_transfers(p->ctx, a, as, limit, out, n_out,
	    e));
}
