/* SPDX-License-Identifier: MIT */
/*
 * Policy types of an organization: enabling and disabling them on the
 * root (SCPs bring FullAWSAccess to every target), the roots' types, and
 * effective policies. See policy.h.
 */
#include <stdio.h>
#include <string.h>

#include "org/delegation.h"
#include "org/ou.h"
#include "org/policy.h"
#include "org/policy_internal.h"

static int
attach_missing(struct store *st, const struct organization *o,
    const struct policy_target *t, struct err *e)
{
	int64_t	 n;

	if (store_policy_attach_count(st, o->id, POLICY_FULL_ACCESS_ID, t->id,
	    "", &n, e) == -1)
		return (-1);
	return (n > 0 ? 0 : store_policy_attach(st, o->id,
	    POLICY_FULL_ACCESS_ID, SCP, t, e));
}
int
policy_enable_scp_locked(struct store *st, const struct organization *o,
    struct err *e)
{
	struct policy_target	 t;
	struct org_unit		*u;
	struct member		*m;
	struct arena		 a;
	char			 after[ACCOUNT_ID_LEN + 1];
	size_t			 n, i;
	int			 on, marked;

	if (store_policy_type_enabled(st, o->id, SCP, &on, e) == -1 ||
	    store_policy_default_mark(st, o->id, o->root_id, &marked, e) == -1)
		return (-1);
	if (!on && store_policy_type_set(st, o->id, SCP, 1, e) == -1)
		return (-1);
	arena_init(&a);
	/* FullAWSAccess on every root, OU and account that lacks it. */
	memset(&t, 0, sizeof(t));
	snprintf(t.id, sizeof(t.id), "%s", o->root_id);
	snprintf(t.type, sizeof(t.type), "ROOT");
	if (attach_missing(st, o, &t, e) == -1 ||
	    store_ou_list(st, &a, o->id, "", "", 1000, &u, &n, e) == -1)
		goto fail;
	snprintf(t.type, sizeof(t.type), "ORGANIZATIONAL_UNIT");
	for (i = 0; i < n; i++) {
		snprintf(t.id, sizeof(t.id), "%s", u[i].id);
		if (attach_missing(st, o, &t, e) == -1)
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
			if (attach_missing(st, o, &t, e) == -1 ||
			    store_policy_default_mark(st, o->id, t.id, &marked,
			    e) == -1)
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
	struct organization	 o;
	struct arena		 a;
	int			 on;

	if (root_id == NULL || !root_id_valid(root_id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "RootId: must look like r-xxxx"));
	if (!policy_type_valid(type))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_ENUM_POLICY_TYPE",
		    "PolicyType: not a policy type"));
	arena_init(&a);
	if (policy_begin(st, who, &o, e) == -1)
		goto out;
	if (strcmp(root_id, o.root_id) != 0) {
		/* AWS: EnablePolicyType fails with RootNotFoundException */
		err_set(e, ERR_NOT_FOUND, AWSERR(RootNotFoundException), NULL,
		    "We can't find a root with the RootId that you specified.");
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
		    "The specified policy type isn't currently enabled in this "
		    "root.");
		goto fail;
	}
	if (store_policy_type_set(st, o.id, type, enable, e) == -1)
		goto fail;
	if (!enable && store_policy_detach_all(st, o.id, type, "", e) == -1)
		goto fail;
	if (enable && strcmp(type, SCP) == 0 &&
	    policy_enable_scp_locked(st, &o, e) == -1)
		goto fail;
	if (policy_root_locked(st, &o, out, e) == -1)
		goto fail;
	arena_release(&a);
	return (store_commit(st, e));
fail:
	store_rollback(st);
out:
	arena_release(&a);
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

	if (type == NULL || strcmp(type, SCP) == 0 || !policy_type_valid(type))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_ENUM",
		    "PolicyType: must be TAG_POLICY, BACKUP_POLICY or "
		    "AISERVICES_OPT_OUT_POLICY"));
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
		if (store_target_policies(st, a, o.id, level, type, "", 1, &ids,
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
