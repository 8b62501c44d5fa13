/* SPDX-License-Identifier: MIT */
/* Private to src/onboard/: helpers shared by its files. */
#ifndef ONBOARD_INTERNAL_H
#define ONBOARD_INTERNAL_H

#include "onboard/onboard.h"

#define ACTOR_CLI	"cli"
#define ACTOR_PLAN	"plan"	/* the holder of a plan link */

/* The audit actor for who: its account id, or "cli". */
const char	*onb_actor(const struct principal *who);
/* Fills prefix + 10 random lowercase letters and digits into out. */
void		 onb_new_id(const char *prefix, char *out, size_t len);
/* The MSP's principal. */
void		 onb_msp_principal(const struct msp *, struct principal *);
/* A new plan token (ONBOARD_TOKEN_LEN + 1) and its hex SHA-256 (65). */
void		 onb_new_token(char *token, char *hash);
void		 onb_token_hash(const char *token, char *hash);
void		 onb_plan_url(const struct msp *, const char *token, char *url,
		    size_t len);
/* Inside an open transaction: derives the view (detail: events, steps and
 * prerequisites too) of o at now. */
int		 onb_derive(struct store *, struct arena *,
		    const struct onboarding *, int detail,
		    struct onboard_view *out, struct err *);

/*
 * The desk's billing-transfer calls, in one place (onboard/transfer.c): the
 * organization port (org/port.h) has a slot for them, and moving them
 * behind it changes that file only.
 */
/* The first of the next month at 00:00 UTC, or of the month after when
 * that is less than two days from now (the invitation must be accepted
 * 24 hours before the start). */
int64_t	 onb_transfer_default_start(int64_t now);
/* The MSP invites account_id's organization to transfer its billing to
 * it, for customer c and onboarding oid. */
int	 onb_transfer_invite(struct store *, const struct msp *,
	    const struct customer *, const char *oid, const char *account_id,
	    int64_t start_at, struct handshake *h_out /* OUT */,
	    struct transfer *out /* OUT */, struct err *);
/* Inside a transaction: transfer id as of now. */
int	 onb_transfer_get(struct store *, const char *id, int64_t now,
	    struct transfer *out /* OUT */, struct err *);
/* Inside a transaction: whether the organization managed by mgmt_id is
 * under a transfer in force paid by the MSP's account msp_id. */
int	 onb_transfer_paid_by(struct store *, const char *msp_id,
	    const char *mgmt_id, int64_t now, int *out /* OUT */,
	    struct err *);

#endif
