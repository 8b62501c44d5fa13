/* SPDX-License-Identifier: MIT */
/* Private to the policy files of src/org: what they share. */
#ifndef ORG_POLICY_INTERNAL_H
#define ORG_POLICY_INTERNAL_H

#include "org/organization.h"
#include "org/policy.h"

#define INVALID		AWSERR(InvalidInputException)
#define SCP		"SERVICE_CONTROL_POLICY"
#define RCP		"RESOURCE_CONTROL_POLICY"
#define JSON_DEPTH_MAX	32
#define POLICIES_MAX	1000	/* per type and organization */
/* AWS's words: the changing operations say the first, the reading ones
 * (DescribePolicy, ListTargetsForPolicy) the second. */
#define MSG_POLICY	"We can't find a policy with the PolicyId that you " \
			"specified."
#define MSG_POLICY_READ	"You specified a policy that doesn't exist."
#define MSG_TARGET	"You specified a target that doesn't exist."
#define MSG_TYPE_OFF	"This operation can be performed only for enabled " \
			"policy types."

/* An AWS managed policy: not a row of the store (policy.c knows them). */
struct managed_policy {
	const char	*id;
	const char	*type;
	const char	*name;
	const char	*description;
	const char	*content;
};

/* The AWS managed policy with this id, or of this type (an authorization
 * type's default), or NULL. */
const struct managed_policy *policy_managed(const char *id);
const struct managed_policy *policy_managed_of_type(const char *type);

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
/* Attachments of one type a target may have (AWS's quotas). */
int	policy_attach_max(const char *type);

#endif
