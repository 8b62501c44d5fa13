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
/*
 * The organization the MSP's account manages, through the port; a member
 * account gets AccessDeniedException, as org_require_management() says.
 */
int		 onb_msp_org(const struct orgport *, const char *msp_account_id,
		    struct orgport_org *out, struct err *);
/* A new plan token (ONBOARD_TOKEN_LEN + 1) and its hex SHA-256 (65). */
void		 onb_new_token(char *token, char *hash);
void		 onb_token_hash(const char *token, char *hash);
void		 onb_plan_url(const struct msp *, const char *token, char *url,
		    size_t len);
/* Inside an open transaction: derives the view (detail: events, steps and
 * prerequisites too) of o at now. */
int		 onb_derive(struct store *, const struct orgport *,
		    struct arena *, const struct onboarding *, int detail,
		    struct onboard_view *out, struct err *);

/*
 * The desk's billing-transfer calls (onboard/transfer.c), through the
 * organization port's billing-transfer operations.
 */
/* The first of the next month at 00:00 UTC, or of the month after when
 * that is less than two days from now (the invitation must be accepted
 * 24 hours before the start). */
int64_t	 onb_transfer_default_start(int64_t now);
/* The MSP invites account_id's organization to transfer its billing to
 * it, for customer c and onboarding oid. No transaction open. */
int	 onb_transfer_invite(const struct orgport *, const struct msp *,
	    const struct customer *, const char *oid, const char *account_id,
	    int64_t start_at, struct orgport_handshake *h_out /* OUT */,
	    struct orgport_transfer *out /* OUT */, struct err *);
/* Whether organization org_id, managed by mgmt_id (either may be "" when
 * not known), is under a transfer in force (invited, accepted, or
 * withdrawn before its end) paid by the MSP's account msp_id: its
 * accepted source organization, or its invited management account. May
 * run inside the desk's transaction. */
int	 onb_transfer_paid_by(const struct orgport *, const char *msp_id,
	    const char *org_id, const char *mgmt_id, int *out /* OUT */,
	    struct err *);
/* An MSP's web address (its public URL, its support page):
 * http(s)://host[:port][/path], printable, no quotes or spaces. */
int	 onb_url_valid(const char *);

#endif
