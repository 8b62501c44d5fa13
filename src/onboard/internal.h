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

#endif
