/* SPDX-License-Identifier: MIT */
/*
 * Organization policies of the 13 types of the newest model: the two
 * authorization types (service control and resource control policies) and
 * the management ones (tag, backup, AI-services opt-out, declarative and
 * the other service policies, which have effective policies); the
 * AWS-managed p-FullAWSAccess SCP and p-RCPFullAWSAccess RCP, attached to
 * every root, OU and account while their type is enabled; attachments; the policy
 * types enabled on the root; effective policies; and the evaluation of SCPs
 * for the Organizations calls they govern (LeaveOrganization).
 * Policy documents are validated here (JSON, size per type) without a JSON
 * library: domain modules know no JSON library, so policy.c carries a small
 * strict parser for the documents it must read.
 */
#ifndef ORG_POLICY_H
#define ORG_POLICY_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "org/account.h"
#include "store/org.h"
#include "store/store.h"

#define POLICY_FULL_ACCESS_ID	"p-FullAWSAccess"
#define POLICY_FULL_ACCESS_ARN	"arn:aws:organizations::aws:policy/" \
				"service_control_policy/p-FullAWSAccess"
#define POLICY_RCP_FULL_ACCESS_ID	"p-RCPFullAWSAccess"
#define POLICY_RCP_FULL_ACCESS_ARN	"arn:aws:organizations::aws:policy/" \
				"resource_control_policy/p-RCPFullAWSAccess"
#define POLICY_TYPES_MAX	13

/*
 * The policy types (PolicyType of the newest model), in its order, NULL
 * ended: the first two are authorization policies (an AWS-managed full
 * access policy on every target while enabled, at most 5 and at least one
 * per target, 5,120 characters); the others are management policies (at
 * most 10 per target, effective policies: EffectivePolicyType).
 */
extern const char *const policy_types[POLICY_TYPES_MAX + 1];
extern const char *const policy_effective_types[POLICY_TYPES_MAX];
/* SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY. */
int	policy_type_authorization(const char *);
/* The AWS-managed full access policy of an authorization type, or NULL. */
const char *policy_full_access_id(const char *type);

/* A target with its name, as ListTargetsForPolicy shows it. */
struct policy_target_view {
	char	 id[OU_ID_MAX + 1];
	char	 type[40];
	char	 name[OU_NAME_MAX * 4 + 1];
};

/* The root as ListRoots / Enable/DisablePolicyType show it. */
struct root_view {
	struct organization	 org;
	size_t			 ntypes;
	char			 types[POLICY_TYPES_MAX][40];	/* ENABLED */
};

int	policy_json_valid(const char *);
int	policy_type_valid(const char *);
/* Content checks for `type`: MalformedPolicyDocumentException or
 * ConstraintViolationException POLICY_CONTENT_LIMIT_EXCEEDED. */
int	policy_check_content(const char *type, const char *content,
	    struct err *);
/* The content size limit of a policy type, in characters. */
size_t	policy_content_max(const char *type);
void	policy_arn(const struct organization *, const struct policy *,
	    char *buf, size_t len);

/* Inside the caller's transaction. */
int	policy_find_locked(struct store *, struct arena *,
	    const struct organization *, const char *id,
	    struct policy *out /* OUT */, struct err *);
/* Gives the organization its defaults on first use (SCPs enabled with
 * FullAWSAccess on the root for ALL) and FullAWSAccess to new members. */
int	policy_sync_locked(struct store *, const struct organization *,
	    struct err *);
/* A new OU or account gets FullAWSAccess while SCPs are enabled. */
int	policy_new_target_locked(struct store *, const struct organization *,
	    const char *target_id, const char *target_type, struct err *);
/* Enables SCPs with FullAWSAccess on every root, OU and account. */
int	policy_enable_scp_locked(struct store *, const struct organization *,
	    struct err *);
int	policy_root_locked(struct store *, const struct organization *,
	    struct root_view *out /* OUT */, struct err *);
/* Whether the SCPs over account_id deny `action` (organizations:Xxx). The
 * management account is never subject to SCPs. */
int	policy_scp_denies_locked(struct store *, const struct organization *,
	    const char *account_id, const char *action, int *denied /* OUT */,
	    struct err *);

int	policy_create(struct store *, struct arena *, const struct principal *,
	    const char *type, const char *name, const char *description,
	    const char *content, const struct handshake_tag *tags, size_t ntags,
	    struct organization *org_out /* OUT */, struct policy *out /* OUT */,
	    struct err *);
/* NULL members are left as they are. */
int	policy_update(struct store *, struct arena *, const struct principal *,
	    const char *id, const char *name, const char *description,
	    const char *content, struct organization *org_out /* OUT */,
	    struct policy *out /* OUT */, struct err *);
int	policy_delete(struct store *, const struct principal *, const char *id,
	    struct err *);
int	policy_describe(struct store *, struct arena *,
	    const struct principal *, const char *id,
	    struct organization *org_out /* OUT */, struct policy *out /* OUT */,
	    struct err *);
int	policy_list(struct store *, struct arena *, const struct principal *,
	    const char *type, const char *target_id /* NULL: all */,
	    const char *after, size_t limit,
	    struct organization *org_out /* OUT */, struct policy **out /* OUT */,
	    size_t *n_out /* OUT */, int *more_out /* OUT */, struct err *);
int	policy_attach(struct store *, const struct principal *,
	    const char *policy_id, const char *target_id, struct err *);
int	policy_detach(struct store *, const struct principal *,
	    const char *policy_id, const char *target_id, struct err *);
int	policy_targets(struct store *, struct arena *,
	    const struct principal *, const char *policy_id, const char *after,
	    size_t limit, struct organization *org_out /* OUT */,
	    struct policy_target_view **out /* OUT */, size_t *n_out /* OUT */,
	    int *more_out /* OUT */, struct err *);
int	policy_type_set(struct store *, const struct principal *,
	    const char *root_id, const char *type, int enable,
	    struct root_view *out /* OUT */, struct err *);
int	policy_roots(struct store *, const struct principal *,
	    struct root_view *out /* OUT */, struct err *);
/*
 * The effective policy of `type` for target_id (NULL: the caller's
 * account): the content of the policy attached nearest to the target
 * (account, then its OUs upwards, then the root).
 */
int	policy_effective(struct store *, struct arena *,
	    const struct principal *, const char *type, const char *target_id,
	    struct policy *out /* OUT: content, type, updated_at */,
	    char *target_out /* OUT */, size_t target_len, struct err *);

#endif
