/* SPDX-License-Identifier: MIT */
/*
 * Billing transfer: Organizations' "responsibility transfer" (GA November
 * 2025). A management account (the target: it will pay) invites another
 * organization's management account (the source) with a
 * TRANSFER_RESPONSIBILITY handshake; once the source accepts, from the
 * transfer's start (00:00 UTC on the first of a month) until its end (the
 * last instant of the month a termination names) the target pays the
 * source organization's consolidated bill and receives its cost data. The
 * source keeps its organization, OUs, policies and members: no membership
 * changes.
 *
 *   REQUESTED --accept (source's management account)--> ACCEPTED
 *       |                                                   |
 *       +--decline (source)----> DECLINED                   +--terminate (either side)
 *       +--cancel (target)-----> CANCELED                   |     --> WITHDRAWN
 *       +--invitation expires--> EXPIRED (evaluated on every read)
 *
 * A WITHDRAWN transfer still runs until its end. An invitation must be
 * accepted 24 hours before the start: it expires then, or 15 days after it
 * was sent, whichever is first (AWS's Billing user guide).
 *
 * Rules: one transfer in force per source organization; no chains (an
 * organization that pays another's bill is not itself a source, and a
 * source pays nobody's); source and target differ. Who sees a transfer:
 * the two management accounts; anyone else gets
 * ResponsibilityTransferNotFoundException.
 *
 * Every public function is one store transaction; the *_locked hooks run
 * inside the caller's (handshake.c, organization.c).
 */
#ifndef ORG_TRANSFER_H
#define ORG_TRANSFER_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "org/account.h"
#include "store/org.h"
#include "store/store.h"

#define TRANSFER_TYPE_BILLING	"BILLING"
#define TRANSFER_ACCEPT_LEAD_MS	(24LL * 3600 * 1000)
#define TRANSFER_AHEAD_MONTHS	12	/* the furthest start, in months */

/* What InviteOrganizationToTransferResponsibility asks. */
struct transfer_invite {
	const char			*type;		/* BILLING */
	const char			*target_type;	/* ACCOUNT | EMAIL */
	const char			*target_id;
	const char			*notes;		/* NULL: none */
	const char			*name;		/* SourceName */
	int64_t				 start_at;	/* ms */
	const struct handshake_tag	*tags;
	size_t				 ntags;
};

/*
 * The caller (a management account: the target, who will pay) invites
 * another organization's management account. *hs_out is the handshake
 * (TRANSFER_RESPONSIBILITY, OPEN) and *out the transfer (REQUESTED); either
 * may be NULL. Fails with AccessDeniedException (a member),
 * AWSOrganizationsNotInUseException, InvalidInputException
 * (INVALID_PARTY_TYPE_TARGET, INVALID_PATTERN, INVALID_EMAIL_ADDRESS_TARGET,
 * MAX_LENGTH_EXCEEDED, INVALID_ENUM, START_DATE_NOT_BEGINNING_OF_MONTH,
 * START_DATE_NOT_BEGINNING_OF_DAY, START_DATE_TOO_EARLY,
 * START_DATE_TOO_LATE), DuplicateHandshakeException (an open invitation to
 * the same target), HandshakeConstraintViolationException
 * SOURCE_AND_TARGET_CANNOT_MATCH or RESPONSIBILITY_TRANSFER_ALREADY_EXISTS,
 * ConstraintViolationException RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION
 * (a chain) or MAX_TAG_LIMIT_EXCEEDED.
 */
int	transfer_invite(struct store *, const struct principal *,
	    const struct transfer_invite *, struct handshake *hs_out /* OUT */,
	    struct transfer *out /* OUT */, struct err *);

/* Transfer id as its party sees it now (status EXPIRED when due). */
int	transfer_describe(struct store *, const struct principal *,
	    const char *id, struct transfer *out /* OUT */, struct err *);

/*
 * One page (by id after `after`, "" first; limit capped at 20) of the
 * caller's inbound (it pays) or outbound (its bill is paid) transfers,
 * invitations included; id, when not NULL or "", keeps that one
 * (ResponsibilityTransferNotFoundException when the caller has no such
 * transfer). type must be BILLING.
 */
int	transfer_list(struct store *, struct arena *, const struct principal *,
	    int inbound, const char *type, const char *id, const char *after,
	    size_t limit, struct transfer **out /* OUT */,
	    size_t *n_out /* OUT */, int *more_out /* OUT */, struct err *);

/* Either party renames transfer id (1..128 printable ASCII characters). */
int	transfer_rename(struct store *, const struct principal *,
	    const char *id, const char *name, struct transfer *out /* OUT */,
	    struct err *);

/*
 * Either party ends an accepted transfer: at end_at (the last instant of a
 * month, 23:59:59 or 23:59:59.999 UTC) or, when end_at is 0, at the end of
 * the current month (of the month before its start when it has not
 * started). Fails with ResponsibilityTransferAlreadyInStatusException
 * (WITHDRAWN already), InvalidResponsibilityTransferTransitionException
 * (not ACCEPTED), InvalidInputException END_DATE_NOT_END_OF_MONTH or
 * END_DATE_TOO_EARLY.
 */
int	transfer_terminate(struct store *, const struct principal *,
	    const char *id, int64_t end_at, struct transfer *out /* OUT */,
	    struct err *);

/* t's status as of now: an invitation past its expiry is EXPIRED. */
void	transfer_effective(struct transfer *t, int64_t now);
/* Whether who is the target (inbound: 1) or else the source (0). */
int	transfer_inbound(const struct transfer *, const struct principal *);
/* The transfer's ARN as one side sees it, into buf. */
void	transfer_arn(const struct transfer *, int inbound, char *buf,
	    size_t len);
/* Whether id matches ^rt-[0-9a-z]{8,32}$. */
int	transfer_id_valid(const char *);
/* Whether t has started by now and not ended: the target pays now. */
int	transfer_running(const struct transfer *, int64_t now);

/* ---- Hooks inside the caller's write transaction --------------------- */

/*
 * The recipient accepts the TRANSFER_RESPONSIBILITY handshake h: checks the
 * recipient is the management account of an organization
 * (AWSOrganizationsNotInUseException, AccessDeniedException otherwise) and
 * the transfer rules at this moment, then marks the transfer ACCEPTED.
 */
int	transfer_accept_locked(struct store *, const struct handshake *h,
	    const char *recipient_id, int64_t now, struct err *);
/* The recipient may answer h (decline too): the management account of an
 * organization, else the errors above. */
int	transfer_answer_check_locked(struct store *, const char *recipient_id,
	    struct err *);
/* Handshake h ended otherwise (DECLINED or CANCELED): so does its
 * transfer. */
int	transfer_handshake_ended_locked(struct store *,
	    const struct handshake *h, const char *to, int64_t now,
	    struct err *);
/* Organization o may be deleted: no transfer in force on either side
 * (ConstraintViolationException ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS). */
int	transfer_org_free_locked(struct store *,
	    const struct organization *o, int64_t now, struct err *);
/* Whether resource_id is a transfer of o's (either side), for tags. */
int	transfer_of_org_locked(struct store *, const struct organization *o,
	    const char *id, struct err *);

#endif
