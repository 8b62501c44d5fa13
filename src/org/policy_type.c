/* SPDX-License-Identifier: MIT */
/*
 * Policy types: the model's 13 and what AWS's quotas say of each, the AWS
 * managed policies of the authorization types, enabling and disabling a
 * type on the root (SCPs and RCPs bring their managed policy to every
 * target), the root's types, and effective policies. See policy.h.
 */
#include <stdio.h>
#include <string.h>

#include "org/delegation.h"
#include "org/ou.h"
#include "org/policy.h"
#include "org/policy_internal.h"

/*
 * The PolicyType enum of the current model, in its order, with AWS's
 * quotas ("Quotas for AWS Organizations": document size in characters;
 * policies of a type attached to one root, OU or account). authz: an
 * authorization policy (SCP, RCP), which AWS evaluates rather than merges
 * into an effective policy. Types the quotas page does not list yet take
 * the management policies' 10,000 characters and 10 attachments.
 */
static const struct {
	const char	*name;
	size_t		 content_max;
	int		 attach_max;
	int		 authz;
} types[POLICY_TYPES_MAX] = {
	{ SCP,					5120,	5,	1 },
	{ RCP,					5120,	5,	1 },
	{ "TAG_POLICY",				10000,	10,	0 },
	{ "BACKUP_POLICY",			10000,	10,	0 },
	{ "AISERVICES_OPT_OUT_POLICY",		2500,	10,	0 },
	{ "CHATBOT_POLICY",			10000,	10,	0 },
	{ "DECLARATIVE_POLICY_EC2",		10000,	10,	0 },
	{ "SECURITYHUB_POLICY",			10000,	10,	0 },
	{ "INSPECTOR_POLICY",			10000,	10,	0 },
	{ "UPGRADE_ROLLOUT_POLICY",		10000,	10,	0 },
	{ "BEDROCK_POLICY",			10000,	10,	0 },
	{ "S3_POLICY",				10000,	10,	0 },
	{ "NETWORK_SECURITY_DIRECTOR_POLICY",	10000,	10,	0 },
};

const char *const policy_type_names[POLICY_TYPES_MAX + 1] = {
	SCP, RCP, "TAG_POLICY", "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY",
	"CHATBOT_POLICY", "DECLARATIVE_POLICY_EC2", "SECURITYHUB_POLICY",
	"INSPECTOR_POLICY", "UPGRADE_ROLLOUT_POLICY", "BEDROCK_POLICY",
	"S3_POLICY", "NETWORK_SECURITY_DIRECTOR_POLICY", NULL
};

/* The model's EffectivePolicyType: the same less the authorization types. */
const char *const policy_effective_type_names[POLICY_TYPES_MAX + 1] = {
	"TAG_POLICY", "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY",
	"CHATBOT_POLICY", "DECLARATIVE_POLICY_EC2", "SECURITYHUB_POLICY",
	"INSPECTOR_POLICY", "UPGRADE_ROLLOUT_POLICY", "BEDROCK_POLICY",
	"S3_POLICY", "NETWORK_SECURITY_DIRECTOR_POLICY", NULL
};

/*
 * The AWS managed policies AWS attaches to the root, every OU and every
 * account when their type is enabled: FullAWSAccess, and RCPFullAWSAccess
 * ("It is automatically attached to the organization root, every OU, and
 * every account in your organization, when you enable resource control
 * policies (RCPs). You cannot detach this policy." - RCP evaluation, AWS
 * Organizations User Guide).
 */
static const struct managed_policy managed[] = {
	{ POLICY_FULL_ACCESS_ID, SCP, "FullAWSAccess",
	    "Allows access to every operation",
	    "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n"
	    "      \"Effect\": \"Allow\",\n      \"Action\": \"*\",\n"
	    "      \"Resource\": \"*\"\n    }\n  ]\n}" },
	{ POLICY_RCP_FULL_ACCESS_ID, RCP, "RCPFullAWSAccess",
	    "Allows access to every resource",
	    "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n"
	    "      \"Effect\": \"Allow\",\n      \"Principal\": \"*\",\n"
	    "      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n"
	    "  ]\n}" },
};

static int
type_index(const char *t)
{
	size_t	 i;

	for (i = 0; t != NULL && i < POLICY_TYPES_MAX; i++)
		if (strcmp(types[i].name, t) == 0)
			return ((int)i);
	return (-1);
}

int
policy_type_valid(const char *t)
{
	return (type_index(t) >= 0);
}

int
policy_type_authz(const char *t)
{
	int	 i = type_index(t);

	return (i >= 0 && types[i].authz);
}

size_t
policy_content_max(const char *t)
{
	int	 i = type_index(t);

	return (i >= 0 ? types[i].content_max : 10000);
}

int
policy_attach_max(const char *t)
{
	int	 i = type_index(t);

	return (i >= 0 ? types[i].attach_max : 10);
}

const struct managed_policy *
policy_managed(const char *id)
{
	size_t	 i;

	for (i = 0; id != NULL && i < sizeof(managed) / sizeof(managed[0]); i++)
		if (strcmp(managed[i].id, id) == 0)
			return (&managed[i]);
	return (NULL);
}

const struct managed_policy *
policy_managed_of_type(const char *type)
{
	size_t	 i;

	for (i = 0; i < sizeof(managed) / sizeof(managed[0]); i++)
		if (strcmp(managed[i].type, type) == 0)
			return (&managed[i]);
	return (NULL);
}

/* Attaches the managed policy mp to t unless t has it. */
static int
attach_missing(struct store *st, const struct organization *o,
    const struct managed_policy *mp, const struct policy_target *t,
    struct err *e)
{
	int64_t	 n;

	if (store_policy_attach_count(st, o->id, mp->id, t->id, "", &n,
	    e) == -1)
		return (-1);
	return (n > 0 ? 0 : store_policy_attach(st, o->id, mp->id, mp->type, t,
	    e));
}

/*
 * The managed policy of an authorization type on the root, every OU and
 * every account. FullAWSAccess marks what it was given to: a member that
 * joins later gets it once (policy_sync_locked), and keeps it detached if
 * it is detached afterwards.
 */
static int
enable_managed(struct store *st, const struct organization *o,
    const struct managed_policy *mp, struct err *e)
{
	struct policy_target	 t;
	struct org_unit		*u;
	struct member		*m;
	struct arena		 a;
	char			 after[ACCOUNT_ID_LEN + 1];
	size_t			 n, i;
	int			 marked, scp = strcmp(mp->type, SCP) == 0;

	arena_init(&a);
	memset(&t, 0, sizeof(t));
	snprintf(t.id, sizeof(t.id), "%s", o->root_id);
	snprintf(t.type, sizeof(t.type), "ROOT");
	if (attach_missing(st, o, mp, &t, e) == -1 || (scp &&
	    store_policy_default_mark(st, o->id, o->root_id, &marked,
	    e) == -1) || store_ou_list(st, &a, o->id, "", 0, OU_COUNT_MAX, &u,
	    &n, e) == -1)
		goto fail;
	snprintf(t.type, sizeof(t.type), "ORGANIZATIONAL_UNIT");
	for (i = 0; i < n; i++) {
		snprintf(t.id, sizeof(t.id), "%s", u[i].id);
		if (attach_missing(st, o, mp, &t, e) == -1)
			goto fail;
	}
	snprintf(t.type, sizeof(t.type), "ACCOUNT");
	after[0] = '\0';
	do {
		if (store_org_members(st, &a, o->id, after, 100, &m, &n,
		    e) == -1)
			goto fail;
		for (i = 0; i < n; i++) {
			snprintf(t.id, sizeof(t.id), "%s", m[i].account.id);
			if (attach_missing(st, o, mp, &t, e) == -1 || (scp &&
			    store_policy_default_mark(st, o->id, t.id, &marked,
			    e) == -1))
				goto fail;
			snprintf(after, sizeof(after), "%s", m[i].account.id);
		}
	} while (n == 100);
	arena_release(&a);
	return (0);
fail:
	arena_release(&a);
	return (-1);
}

int
policy_type_set(struct store *st, const struct principal *who,
    const char *root_id, const char *type, int enable, struct root_view *out,
    struct err *e)
{
	const struct managed_policy	*mp;
	struct organization		 o;
	int				 on;

	if (root_id == NULL || !root_id_valid(root_id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "RootId: must look like r-xxxx"));
	if (!policy_type_valid(type))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_ENUM",
		    "PolicyType: not a policy type"));
	if (policy_begin(st, who, &o, e) == -1)
		return (-1);
	if (strcmp(root_id, o.root_id) != 0) {
		/* AWS: EnablePolicyType fails with RootNotFoundException */
		err_set(e, ERR_NOT_FOUND, AWSERR(RootNotFoundException), NULL,
		    "You specified a root that doesn't exist.");
		goto fail;
	}
	if (strcmp(o.feature_set, "ALL") != 0) {
		/* AWS: EnablePolicyType fails with PolicyTypeNotAvailableForOrganizationException */
		err_set(e, ERR_CONFLICT,
		    AWSERR(PolicyTypeNotAvailableForOrganizationException),
		    NULL,
		    "You can't use the specified policy type with the feature "
		    "set currently enabled for this organization.");
		goto fail;
	}
	if (store_policy_type_enabled(st, o.id, type, &on, e) == -1)
		goto fail;
	if (enable && on) {
		/* AWS: EnablePolicyType fails with PolicyTypeAlreadyEnabledException */
		err_set(e, ERR_CONFLICT,
		    AWSERR(PolicyTypeAlreadyEnabledException),
		    NULL, "The specified policy type is already enabled.");
		goto fail;
	}
	if (!enable && !on) {
		/* AWS: DisablePolicyType fails with PolicyTypeNotEnabledException */
		err_set(e, ERR_CONFLICT, AWSERR(PolicyTypeNotEnabledException),
		    NULL,
		    MSG_TYPE_OFF);
		goto fail;
	}
	if (store_policy_type_set(st, o.id, type, enable, e) == -1)
		goto fail;
	/* Disabling detaches every policy of the type; enabling SCPs again
	 * starts from FullAWSAccess alone (AWS's user guide). */
	if (!enable && store_policy_detach_all(st, o.id, type, "", e) == -1)
		goto fail;
	if (enable && (mp = policy_managed_of_type(type)) != NULL &&
	    enable_managed(st, &o, mp, e) == -1)
		goto fail;
	if (policy_root_locked(st, &o, out, e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
policy_roots(struct store *st, const struct principal *who,
    struct root_view *out, struct err *e)
{
	struct organization	 o;

	if (policy_begin(st, who, &o, e) == -1)
		return (-1);
	if (policy_root_locked(st, &o, out, e) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (store_commit(st, e));
}

int
policy_effective(struct store *st, struct arena *a,
    const struct principal *who, const char *type, const char *target_id,
    struct policy *out, char *target_out, size_t target_len, struct err *e)
{
	struct organization	 o;
	struct membership	 m;
	struct org_unit		 u;
	struct policy_target	*ids, t;
	char			 level[OU_ID_MAX + 1];
	size_t			 n;
	int			 hops;

	if (type == NULL || !policy_type_valid(type) || policy_type_authz(type))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_ENUM",
		    "PolicyType: must be a management or declarative policy "
		    "type, not SERVICE_CONTROL_POLICY or "
		    "RESOURCE_CONTROL_POLICY"));
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (org_of(st, who, &o, NULL, e) == -1 ||
	    policy_sync_locked(st, &o, e) == -1)
		goto fail;
	if (target_id == NULL)
		target_id = who->account_id;
	else if (strcmp(target_id, who->account_id) != 0 &&
	    deleg_require_reader(st, who, &o, e) == -1)
		goto fail;
	/* AWS: DescribeEffectivePolicy fails with TargetNotFoundException */
	if (policy_target_of(st, &o, target_id, &t, e) == -1)
		goto fail;
	if (strcmp(t.type, "ACCOUNT") != 0) {
		/* AWS: DescribeEffectivePolicy fails with InvalidInputException TARGET_NOT_SUPPORTED */
		err_set(e, ERR_INVALID, INVALID, "TARGET_NOT_SUPPORTED",
		    "TargetId: effective policies are computed for accounts");
		goto fail;
	}
	snprintf(target_out, target_len, "%s", t.id);
	snprintf(level, sizeof(level), "%s", t.id);
	for (hops = 0; hops <= OU_DEPTH_MAX + 1; hops++) {
		if (store_target_policies(st, a, o.id, level, type, -1, 1, &ids,
		    &n, e) == -1)
			goto fail;
		if (n > 0) {
			if (policy_find_locked(st, a, &o, ids[0].id, out,
			    e) == -1)
				goto fail;
			return (store_commit(st, e));
		}
		if (level[0] == 'r')
			break;
		if (hops == 0) {
			if (store_membership_current(st, level, &m, e) == -1)
				goto fail;
			snprintf(level, sizeof(level), "%s", m.parent_id);
		} else {
			if (store_ou_get(st, level, &u, e) == -1)
				goto fail;
			snprintf(level, sizeof(level), "%s", u.parent_id);
		}
	}
	/* AWS: DescribeEffectivePolicy fails with EffectivePolicyNotFoundException */
	err_set(e, ERR_NOT_FOUND, AWSERR(EffectivePolicyNotFoundException),
	    NULL,
	    "We can't find an effective policy of type %s for the target.",
	    type);
fail:
	store_rollback(st);
	return (-1);
}
