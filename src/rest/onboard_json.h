/* SPDX-License-Identifier: MIT */
/*
 * JSON for the onboarding desk's objects, shared by the REST API and the
 * CLI's --json output so both print the same shapes (docs/onboarding.md).
 * Each returns a new reference the caller owns.
 */
#ifndef REST_ONBOARD_JSON_H
#define REST_ONBOARD_JSON_H

#include <jansson.h>

#include "onboard/onboard.h"

json_t	*onboard_json_time(int64_t ms);		/* ISO 8601, null for 0 */
json_t	*msp_json(const struct msp *);
json_t	*customer_json(const struct customer *);
/* {"Name", "Color", "SupportEmail", "SupportUrl", "LogoType", "PdfLogo",
 * "Set"}. */
json_t	*brand_json(const struct msp_brand *);
json_t	*onboard_result_json(const struct onboard_result *);
/* ONBOARD_JSON_* flags */
#define ONBOARD_JSON_SUMMARY	(1 << 0)	/* no timeline, steps, prereqs */
#define ONBOARD_JSON_CUSTOMER	(1 << 1)	/* the plan: no MSP-internal fields */
json_t	*onboard_view_json(const struct onboard_view *, int flags);
json_t	*onboard_counts_json(const int64_t counts[ONBOARD_NSTATES]);
json_t	*audit_json(const struct audit_entry *);

#endif
