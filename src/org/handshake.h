/* SPDX-License-Identifier: MIT */
/*
 * Handshakes: the invitations that bring an account into an organization,
 * and the three ways in (standalone, member of another organization,
 * management account of its own). States and errors follow AWS
 * Organizations (../shared/spec/aws-organizations.md §3, §5):
 *
 *   OPEN --accept (recipient)--> ACCEPTED   (the account joins: a membership
 *     |                                      row is opened, payer = sender)
 *     +--decline (recipient)--> DECLINED
 *     +--cancel (sender)------> CANCELED
 *     +--15 days pass---------> EXPIRED     (evaluated on every read)
 *
 * Ended handshakes stay visible for 30 days, then answer
 * HandshakeNotFoundException. A caller that is not a party gets
 * HandshakeNotFoundException; the other party gets AccessDeniedException.
 * Every function is one store transaction; nothing is written on failure.
 */
#ifndef ORG_HANDSHAKE_H
#define ORG_HANDSHAKE_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "org/account.h"
#include "store/org.h"
#include "store/store.h"

#define HANDSHAKE_TTL_MS	(15LL * 24 * 3600 * 1000)
#define HANDSHAKE_KEEP_MS	(30LL * 24 * 3600 * 1000)
#define HANDSHAKE_DAILY_MAX	20

/* handshake_accept() flags. Direct transfer (a member of another
 * organization accepts without leaving first) is AWS's rule since 11
 * December 2025 and the default; this flag gives the rules before it. */
#define HANDSHAKE_NO_DIRECT_TRANSFER	(1 << 0)	/* --no-direct-transfer */

/* struct handshake_tag is in store/org.h (the store returns it). */

/*
 * The caller (management account) invites target_type ACCOUNT (12-digit id)
 * or EMAIL. notes may be NULL. Fails with AccessDeniedException (a member),
 * AWSOrganizationsNotInUseException, DuplicateHandshakeException (an OPEN
 * invitation to the same target), HandshakeConstraintViolationException
 * ALREADY_IN_AN_ORGANIZATION (target already in this organization) or
 * HANDSHAKE_RATE_LIMIT_EXCEEDED (over 20 in 24 hours), InvalidInputException
 * (INVALID_PARTY_TYPE_TARGET, INVALID_EMAIL_ADDRESS_TARGET, INVALID_PATTERN
 * for an ACCOUNT id that is not 12 digits, MAX_LENGTH_EXCEEDED for notes
 * over 1024 characters). A well-formed account id that names no account is
 * accepted (AWS does not tell whether an account exists) and no account
 * record is made: the invitation waits for that id and expires as any
 * other. An EMAIL target reaches whichever account owns that e-mail when
 * the handshake is read, now or after a later sign-up.
 */
int	handshake_invite(struct store *, const struct principal *,
	    const char *target_type, const char *target_id, const char *notes,
	    const struct handshake_tag *tags, size_t ntags,
	    struct handshake *out /* OUT */, struct err *);
int	handshake_describe(struct store *, const struct principal *,
	    const char *hid, struct handshake *out /* OUT */, struct err *);
/*
 * The recipient accepts. INVITE: it joins the inviting organization from
 * now; a member of another organization leaves it at the same instant
 * (direct transfer: both rows of the membership history carry one time),
 * and the departure rules still hold. Fails with
 * HandshakeConstraintViolationException ALREADY_IN_AN_ORGANIZATION (a
 * member elsewhere, with HANDSHAKE_NO_DIRECT_TRANSFER), or
 * MasterCannotLeaveOrganizationException (it manages an organization), and
 * the transition errors. TRANSFER_RESPONSIBILITY: see
 * transfer_accept_locked() (org/transfer.h); no membership changes.
 */
int	handshake_accept(struct store *, const struct principal *,
	    const char *hid, int flags, struct handshake *out /* OUT */,
	    struct err *);
int	handshake_decline(struct store *, const struct principal *,
	    const char *hid, struct handshake *out /* OUT */, struct err *);
int	handshake_cancel(struct store *, const struct principal *,
	    const char *hid, struct handshake *out /* OUT */, struct err *);

/* Filter for the lists: action "" for any; parent "" for any. */
struct handshake_filter {
	const char	*action;
	const char	*parent_id;
};

/* Handshakes received by the caller (by account id or its e-mail). */
int	handshake_list_for_account(struct store *, struct arena *,
	    const struct principal *, const struct handshake_filter *,
	    const char *after, size_t limit, struct handshake **out /* OUT */,
	    size_t *n_out /* OUT */, int *more_out /* OUT */, struct err *);
/* Handshakes sent by the caller's organization (management account). */
int	handshake_list_for_org(struct store *, struct arena *,
	    const struct principal *, const struct handshake_filter *,
	    const char *after, size_t limit, struct handshake **out /* OUT */,
	    size_t *n_out /* OUT */, int *more_out /* OUT */, struct err *);
/* Tags given at invitation time. */
int	handshake_tags(struct store *, struct arena *, const char *hid,
	    struct handshake_tag **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

/*
 * The state handshake h has at `now`: an OPEN one past its expiry is
 * EXPIRED (ended at its expiry), whatever the row says. Every reader of a
 * handshake row applies it, since expiry is evaluated on read.
 */
void	handshake_effective(struct handshake *h, int64_t now);

/* The handshake's ARN in AWS's format. */
void	handshake_arn(const struct handshake *, char *buf, size_t len);

#endif
