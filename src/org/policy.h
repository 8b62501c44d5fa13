/* SPDX-License-Identifier: MIT */
/*
 * Organization policies of the 13 types of the current model: the
 * authorization policies (service control and resource control policies)
 * with their AWS managed p-FullAWSAccess and p-RCPFullAWSAccess, attached to
 * every root, OU and account while their type is enabled; the management
 * and declarative policies (tag, backup, AI-services opt-out, chat, EC2
 * declarative, Security Hub, Inspector, upgrade rollout, Bedrock, S3,
 * network security director) with effective policies; attachments; the
 * policy types enabled on the root (none on a new organization); and the
 * evaluation of SCPs for the Organizations calls they govern
 * (LeaveOrganization).
 * Policy documents are validated here (JSON, size per type) without a JSON
 * library: domain modules know no JSON library, so policy.c carries a small
 * strict parser for the documents it must read.
 */
#ifndef ORG_POLICY_H
#define ORG_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "org/account.h"
#include "store/org.h"
#include "store/store.h"

#define POLICY_FULL_ACCESS_ID	"p-FullAWSAccess"
#define POLICY_RCP_FULL_ACCESS_ID "p-RCPFullAWSAccess"
#define POLICY_TYPES_MAX	13

/* The model's PolicyType values in its order, and those DescribeEffective-
 * Policy takes (all but SCPs and RCPs); NULL-terminated. */
extern const char *const policy_type_names[POLICY_TYPES_MAX + 1];
extern const char *const policy_effective_type_names[POLICY_TYPES_MAX + 1];

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
/* SCPs and RCPs: an AWS managed policy on every target while enabled, at
 * least one attached to each, no effective policy. */
int	policy_type_authz(const char *);
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
/* Gives members that joined since the last call the AWS managed policies
 * of the enabled types (FullAWSAccess once: it may be detached later). */
int	policy_sync_locked(struct store *, const struct organization *,
	    struct err *);
/* A new OU or account gets the AWS managed policies of the enabled types. */
int	policy_new_target_locked(struct store *, const struct organization *,
	    const char *target_id, const char *target_type, struct err *);
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
/*
 * One page of the policies of `type` (of the organization, or attached to
 * target_id), AWS managed first, then in creation order: those after seq
 * after_seq (-1 for the first page; the page's last policy's seq is where
 * the next starts).
 */
int	policy_list(struct store *, struct arena *, const struct principal *,
	    const char *type, const char *target_id /* NULL: all */,
	    int64_t after_seq, size_t limit,
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
/*
 * Enables or disables a policy type on the root. Enabling SCPs or RCPs
 * attaches their AWS managed policy to the root, every OU and account;
 * disabling a type detaches every policy of it. RootNotFoundException,
 * PolicyTypeAlreadyEnabledException, PolicyTypeNotEnabledException,
 * PolicyTypeNotAvailableForOrganizationException.
 */
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
