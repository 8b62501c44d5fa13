/* SPDX-License-Identifier: MIT */
/* Private to the policy files of src/org: what they share. */
#ifndef ORG_POLICY_INTERNAL_H
#define ORG_POLICY_INTERNAL_H

#include "org/organization.h"
#include "org/policy.h"

#define INVALID		AWSERR(InvalidInputException)
#define SCP		"SERVICE_CONTROL_POLICY"
#define JSON_DEPTH_MAX	32
#define POLICIES_MAX	1000	/* per type and organization */
#define MSG_POLICY	"We can't find a policy with the PolicyId that you " \
			"specified."
#define MSG_TARGET	"We can't find a root, OU, account, or policy with " \
			"the TargetId that you specified."

/* Adds what one SCP document says of action to *allow and *deny
 * (policy_doc.c). */
void	policy_doc_scp_eval(struct arena *, const char *doc,
	    const char *action, int *allow, int *deny);
/* Opens a write transaction for a management-account operation on its
 * organization (policy.c). */
int	policy_begin(struct store *, const struct principal *,
	    struct organization *out /* OUT */, struct err *);
/* The target id of o as a policy target, or TargetNotFoundException. */
int	policy_target_of(struct store *, const struct organization *,
	    const char *id, struct policy_target *out /* OUT */, struct err *);
/* A page size: 1..20, 20 when 0 (AWS's MaxResults). */
size_t	policy_page_limit(size_t);

#endif
