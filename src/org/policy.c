/* SPDX-License-Identifier: MIT */
/*
 * Organization policies: the AWS managed ones as policies, policies
 * created, updated and deleted, attached and detached, and where an SCP
 * denies an action. Documents: policy_doc.c; policy types and the AWS
 * managed policies' definitions: policy_type.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "org/delegation.h"
#include "org/ou.h"
#include "org/policy.h"
#include "org/policy_internal.h"
#include "org/tags.h"


void
policy_arn(const struct organization *o, const struct policy *p, char *buf,
    size_t len)
{
	char	 type[40];
	size_t	 i;

	for (i = 0; p->type[i] != '\0' && i < sizeof(type) - 1; i++)
		type[i] = (char)tolower((unsigned char)p->type[i]);
	type[i] = '\0';
	/* AWS managed policies belong to no organization: account "aws". */
	if (p->aws_managed)
		snprintf(buf, len, "arn:%s:organizations::aws:policy/%s/%s",
		    org_partition(o), type, p->id);
	else
		snprintf(buf, len, "arn:%s:organizations::%s:policy/%s/%s/%s",
		    org_partition(o), o->management_id, o->id, type, p->id);
}

static void
managed_policy(const struct managed_policy *mp, const char *org_id,
    struct policy *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", mp->id);
	snprintf(p->org_id, sizeof(p->org_id), "%s", org_id);
	snprintf(p->type, sizeof(p->type), "%s", mp->type);
	snprintf(p->name, sizeof(p->name), "%s", mp->name);
	snprintf(p->description, sizeof(p->description), "%s",
	    mp->description);
	p->content = mp->content;
	p->aws_managed = 1;
}

static int
policy_id_valid(const char *s)
{
	size_t	 i, n = s != NULL ? strlen(s) : 0;

	if (n < 10 || n > 130 || strncmp(s, "p-", 2) != 0)
		return (0);
	for (i = 2; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return (0);
	return (1);
}

static int
check_policy_id(const char *id, struct err *e)
{
	if (!policy_id_valid(id))
		return (err_set(e, ERR_INVALID, INVALID,
		    "INVALID_SYNTAX_POLICY_ID", "PolicyId: must look like "
		    "p-xxxxxxxx"));
	return (0);
}

int
policy_find_locked(struct store *st, struct arena *a,
    const struct organization *o, const char *id, struct policy *out,
    struct err *e)
{
	const struct managed_policy	*mp;

	if ((mp = policy_managed(id)) != NULL) {
		managed_policy(mp, o->id, out);
		return (0);
	}
	if (store_policy_get(st, a, id, out, NULL) == -1 ||
	    strcmp(out->org_id, o->id) != 0)
		/* AWS: DescribePolicy fails with PolicyNotFoundException */
		return (err_set(e, ERR_NOT_FOUND,
		    AWSERR(PolicyNotFoundException),
		    NULL, MSG_POLICY));
	return (0);
}

int
policy_sync_locked(struct store *st, const struct organization *o,
    struct err *e)
{
	int	 scp, rcp;

	if (store_policy_type_enabled(st, o->id, SCP, &scp, e) == -1 ||
	    store_policy_type_enabled(st, o->id, RCP, &rcp, e) == -1)
		return (-1);
	/* Members are marked even while SCPs are off: enabling them gives
	 * FullAWSAccess to every member anyway. */
	if (store_policy_default_members(st, o->id, POLICY_FULL_ACCESS_ID,
	    scp, e) == -1)
		return (-1);
	return (rcp ? store_policy_attach_members(st, o->id,
	    POLICY_RCP_FULL_ACCESS_ID, RCP, e) : 0);
}

int
policy_new_target_locked(struct store *st, const struct organization *o,
    const char *target_id, const char *target_type, struct err *e)
{
	struct policy_target	 t;
	int			 scp, rcp, marked;

	if (policy_sync_locked(st, o, e) == -1 ||
	    store_policy_type_enabled(st, o->id, SCP, &scp, e) == -1 ||
	    store_policy_type_enabled(st, o->id, RCP, &rcp, e) == -1 ||
	    store_policy_default_mark(st, o->id, target_id, &marked, e) == -1)
		return (-1);
	memset(&t, 0, sizeof(t));
	snprintf(t.id, sizeof(t.id), "%s", target_id);
	snprintf(t.type, sizeof(t.type), "%s", target_type);
	/* A new account was given FullAWSAccess by the sync above. */
	if (scp && !marked && strcmp(target_type, "ACCOUNT") != 0 &&
	    store_policy_attach(st, o->id, POLICY_FULL_ACCESS_ID, SCP, &t,
	    e) == -1)
		return (-1);
	if (rcp && strcmp(target_type, "ACCOUNT") != 0 &&
	    store_policy_attach(st, o->id, POLICY_RCP_FULL_ACCESS_ID, RCP, &t,
	    e) == -1)
		return (-1);
	return (0);
}

int
policy_root_locked(struct store *st, const struct organization *o,
    struct root_view *out, struct err *e)
{
	size_t	 i;
	int	 on;

	memset(out, 0, sizeof(*out));
	out->org = *o;
	for (i = 0; policy_type_names[i] != NULL; i++) {
		if (store_policy_type_enabled(st, o->id, policy_type_names[i],
		    &on, e) == -1)
			return (-1);
		if (on)
			snprintf(out->types[out->ntypes++],
			    sizeof(out->types[0]), "%s", policy_type_names[i]);
	}
	return (0);
}

int
policy_scp_denies_locked(struct store *st, const struct organization *o,
    const char *account_id, const char *action, int *denied, struct err *e)
{
	struct arena		 a;
	struct membership	 m;
	struct org_unit		 u;
	struct policy_target	*ids;
	struct policy		 p;
	char			 level[OU_ID_MAX + 1];
	size_t			 n, i;
	int			 scp, allow, deny = 0, all_allow = 1, hops;

	*denied = 0;
	if (strcmp(account_id, o->management_id) == 0)
		return (0);
	if (policy_sync_locked(st, o, e) == -1 ||
	    store_policy_type_enabled(st, o->id, SCP, &scp, e) == -1)
		return (-1);
	if (!scp || store_membership_current(st, account_id, &m, e) == -1)
		return (scp ? -1 : 0);
	arena_init(&a);
	snprintf(level, sizeof(level), "%s", account_id);
	/* The account, its OUs upwards, the root: each must allow. */
	for (hops = 0; hops <= OU_DEPTH_MAX + 1; hops++) {
		if (store_target_policies(st, &a, o->id, level, SCP, -1, 1000,
		    &ids, &n, e) == -1)
			goto fail;
		allow = 0;
		for (i = 0; i < n; i++)
			if (policy_find_locked(st, &a, o, ids[i].id, &p,
			    NULL) == 0)
				policy_doc_scp_eval(&a, p.content, action, &allow, &deny);
		if (!allow)
			all_allow = 0;
		if (level[0] == 'r')
			break;
		if (hops == 0)
			snprintf(level, sizeof(level), "%s", m.parent_id);
		else if (store_ou_get(st, level, &u, e) == -1)
			goto fail;
		else
			snprintf(level, sizeof(level), "%s", u.parent_id);
	}
	*denied = deny || !all_allow;
	arena_release(&a);
	return (0);
fail:
	arena_release(&a);
	return (-1);
}

int
policy_begin(struct store *st, const struct principal *who,
    struct organization *o, struct err *e)
{
	/* A write even to read: the organization's defaults may be due. */
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (deleg_require_reader(st, who, o, e) == -1 ||
	    policy_sync_locked(st, o, e) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (0);
}

static int
check_name_desc(const char *name, const char *desc, struct err *e)
{
	if (name != NULL && (*name == '\0' || utf8_chars(name) >
	    POLICY_NAME_MAX))
		return (err_set(e, ERR_INVALID, INVALID, "MAX_LENGTH_EXCEEDED",
		    "Name: must be 1 to %d characters", POLICY_NAME_MAX));
	if (desc != NULL && utf8_chars(desc) > POLICY_DESC_MAX)
		return (err_set(e, ERR_INVALID, INVALID, "MAX_LENGTH_EXCEEDED",
		    "Description: at most %d characters", POLICY_DESC_MAX));
	return (0);
}

int
policy_create(struct store *st, struct arena *a, const struct principal *who,
    const char *type, const char *name, const char *description,
    const char *content, const struct handshake_tag *tags, size_t ntags,
    struct organization *org_out, struct policy *out, struct err *e)
{
	struct policy	 p;
	struct policy	*v;
	size_t		 n;

	if (!policy_type_valid(type))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_ENUM",
		    "Type: not a policy type"));
	if (check_name_desc(name, description, e) == -1 ||
	    policy_check_content(type, content, e) == -1 ||
	    tags_check(tags, ntags, e) == -1)
		return (-1);
	if (policy_begin(st, who, org_out, e) == -1)
		return (-1);
	if (strcmp(org_out->feature_set, "ALL") != 0) {
		/* AWS: CreatePolicy fails with PolicyTypeNotAvailableForOrganizationException */
		err_set(e, ERR_CONFLICT,
		    AWSERR(PolicyTypeNotAvailableForOrganizationException),
		    NULL,
		    "You can't use the specified policy type with the feature "
		    "set currently enabled for this organization.");
		goto fail;
	}
	if (store_policy_list(st, a, org_out->id, type, 0, POLICIES_MAX, &v,
	    &n, e) == -1)
		goto fail;
	if (n >= POLICIES_MAX) {
		err_set(e, ERR_LIMIT, AWSERR(ConstraintViolationException),
		    "POLICY_NUMBER_LIMIT_EXCEEDED", "You have reached the limit "
		    "of %d policies of type %s.", POLICIES_MAX, type);
		goto fail;
	}
	memset(&p, 0, sizeof(p));
	memcpy(p.id, "p-", 2);
	random_chars(p.id + 2, 8, ALPHA_LOWER_DIGITS);
	snprintf(p.org_id, sizeof(p.org_id), "%s", org_out->id);
	snprintf(p.type, sizeof(p.type), "%s", type);
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.description, sizeof(p.description), "%s", description);
	p.content = content;
	p.created_at = p.updated_at = store_now(st);
	if (store_policy_insert(st, &p, e) == -1) {
		if (e->code == ERR_CONFLICT)
			/* AWS: CreatePolicy fails with DuplicatePolicyException */
			err_set(e, ERR_CONFLICT,
			    AWSERR(DuplicatePolicyException),
			    NULL, "A policy with the same name already "
			    "exists.");
		goto fail;
	}
	if (tags_put_locked(st, org_out->id, p.id, tags, ntags, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	*out = p;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

static int
mutable_policy(const char *id, struct err *e)
{
	if (policy_managed(id) != NULL)
		return (err_set(e, ERR_INVALID, INVALID, "IMMUTABLE_POLICY",
		    "You can't change or delete an AWS managed policy."));
	return (0);
}

int
policy_update(struct store *st, struct arena *a, const struct principal *who,
    const char *id, const char *name, const char *description,
    const char *content, struct organization *org_out, struct policy *out,
    struct err *e)
{
	if (check_policy_id(id, e) == -1 || check_name_desc(name, description,
	    e) == -1)
		return (-1);
	if (policy_begin(st, who, org_out, e) == -1)
		return (-1);
	if (policy_find_locked(st, a, org_out, id, out, e) == -1 ||
	    mutable_policy(id, e) == -1)
		goto fail;
	if (content != NULL && policy_check_content(out->type, content,
	    e) == -1)
		goto fail;
	if (name != NULL)
		snprintf(out->name, sizeof(out->name), "%s", name);
	if (description != NULL)
		snprintf(out->description, sizeof(out->description), "%s",
		    description);
	if (content != NULL)
		out->content = content;
	out->updated_at = store_now(st);
	if (store_policy_update(st, out, e) == -1) {
		if (e->code == ERR_CONFLICT)
			/* AWS: UpdatePolicy fails with DuplicatePolicyException */
			err_set(e, ERR_CONFLICT,
			    AWSERR(DuplicatePolicyException),
			    NULL, "A policy with the same name already "
			    "exists.");
		goto fail;
	}
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
policy_delete(struct store *st, const struct principal *who, const char *id,
    struct err *e)
{
	struct organization	 o;
	struct policy		 p;
	struct arena		 a;
	int64_t			 n;

	if (check_policy_id(id, e) == -1)
		return (-1);
	arena_init(&a);
	if (policy_begin(st, who, &o, e) == -1)
		goto out;
	if (policy_find_locked(st, &a, &o, id, &p, e) == -1 ||
	    mutable_policy(id, e) == -1 ||
	    store_policy_attach_count(st, o.id, id, "", "", &n, e) == -1)
		goto fail;
	if (n > 0) {
		/* AWS: DeletePolicy fails with PolicyInUseException */
		err_set(e, ERR_CONFLICT, AWSERR(PolicyInUseException), NULL,
		    "The policy is attached to one or more entities. You must "
		    "detach it from all roots, OUs, and accounts before "
		    "performing this operation.");
		goto fail;
	}
	if (store_tag_delete_all(st, o.id, id, e) == -1 ||
	    store_policy_delete(st, id, e) == -1)
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
policy_describe(struct store *st, struct arena *a,
    const struct principal *who, const char *id, struct organization *org_out,
    struct policy *out, struct err *e)
{
	if (check_policy_id(id, e) == -1)
		return (-1);
	if (policy_begin(st, who, org_out, e) == -1)
		return (-1);
	if (policy_find_locked(st, a, org_out, id, out, e) == -1) {
		/* AWS: DescribePolicy fails with PolicyNotFoundException */
		if (e->code == ERR_NOT_FOUND)
			snprintf(e->msg, sizeof(e->msg), "%s", MSG_POLICY_READ);
		store_rollback(st);
		return (-1);
	}
	return (store_commit(st, e));
}

size_t
policy_page_limit(size_t limit)
{
	return (limit == 0 || limit > ORG_PAGE_MAX ? ORG_PAGE_MAX : limit);
}

/* The target target_id of o, or TargetNotFoundException. */
int
policy_target_of(struct store *st, const struct organization *o, const char *id,
    struct policy_target *t, struct err *e)
{
	struct ou_node	 node;

	if (id == NULL || (!account_id_valid(id) && !parent_id_valid(id)))
		return (err_set(e, ERR_INVALID, INVALID,
		    "INVALID_PATTERN_TARGET_ID", "TargetId: must be a root, "
		    "OU or account id"));
	if (ou_target_type(st, o, id, &node, NULL) == -1)
		/* AWS: AttachPolicy fails with TargetNotFoundException */
		return (err_set(e, ERR_NOT_FOUND,
		    AWSERR(TargetNotFoundException),
		    NULL, MSG_TARGET));
	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "%s", node.id);
	snprintf(t->type, sizeof(t->type), "%s", node.type);
	return (0);
}

int
policy_list(struct store *st, struct arena *a, const struct principal *who,
    const char *type, const char *target_id, int64_t after_seq, size_t limit,
    struct organization *org_out, struct policy **out, size_t *n_out,
    int *more_out, struct err *e)
{
	const struct managed_policy	*mp;
	struct policy_target		 t, *ids;
	struct policy			*v, *w;
	size_t				 n, i, k = 0;

	limit = policy_page_limit(limit);
	if (!policy_type_valid(type))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_ENUM",
		    "Filter: not a policy type"));
	if (policy_begin(st, who, org_out, e) == -1)
		return (-1);
	w = arena_zalloc(a, sizeof(*w) * (limit + 1));
	if (target_id != NULL) {
		if (policy_target_of(st, org_out, target_id, &t, e) == -1 ||
		    store_target_policies(st, a, org_out->id, target_id, type,
		    after_seq, limit + 1, &ids, &n, e) == -1)
			goto fail;
		for (i = 0; i < n; i++)
			if (policy_find_locked(st, a, org_out, ids[i].id,
			    &w[k], NULL) == 0) {
				w[k].seq = ids[i].seq;
				k++;
			}
		*more_out = n > limit;
	} else {
		/* The type's AWS managed policy (seq 0) on the first page. */
		if (after_seq < 0 && (mp = policy_managed_of_type(type)) !=
		    NULL && strcmp(org_out->feature_set, "ALL") == 0)
			managed_policy(mp, org_out->id, &w[k++]);
		if (store_policy_list(st, a, org_out->id, type,
		    after_seq < 0 ? 0 : after_seq, limit + 1 - k, &v, &n,
		    e) == -1)
			goto fail;
		for (i = 0; i < n; i++)
			w[k++] = v[i];
		*more_out = k > limit;
	}
	if (store_commit(st, e) == -1)
		return (-1);
	*out = w;
	*n_out = k > limit ? limit : k;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
policy_attach(struct store *st, const struct principal *who,
    const char *policy_id, const char *target_id, struct err *e)
{
	struct organization	 o;
	struct policy		 p;
	struct policy_target	 t;
	struct arena		 a;
	int64_t			 n;
	int			 on;

	if (check_policy_id(policy_id, e) == -1)
		return (-1);
	arena_init(&a);
	if (policy_begin(st, who, &o, e) == -1)
		goto out;
	/* AWS: AttachPolicy fails with PolicyNotFoundException */
	if (policy_find_locked(st, &a, &o, policy_id, &p, e) == -1 ||
	    policy_target_of(st, &o, target_id, &t, e) == -1 ||
	    store_policy_type_enabled(st, o.id, p.type, &on, e) == -1)
		goto fail;
	if (!on) {
		/* AWS: AttachPolicy fails with PolicyTypeNotEnabledException */
		err_set(e, ERR_CONFLICT, AWSERR(PolicyTypeNotEnabledException),
		    NULL,
		    MSG_TYPE_OFF);
		goto fail;
	}
	if (store_policy_attach_count(st, o.id, "", t.id, p.type, &n,
	    e) == -1)
		goto fail;
	if (store_policy_attach(st, o.id, p.id, p.type, &t, e) == -1) {
		if (e->code == ERR_CONFLICT)
			/* AWS: AttachPolicy fails with DuplicatePolicyAttachmentException */
			err_set(e, ERR_CONFLICT,
			    AWSERR(DuplicatePolicyAttachmentException), NULL,
			    "The selected policy is already attached to the "
			    "specified target.");
		goto fail;
	}
	if (n + 1 > policy_attach_max(p.type)) {
		/* AWS: AttachPolicy fails with ConstraintViolationException MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED */
		err_set(e, ERR_LIMIT, AWSERR(ConstraintViolationException),
		    "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "You attempted "
		    "to exceed the number of policies of a certain type (%d) "
		    "that can be attached to an entity.",
		    policy_attach_max(p.type));
		goto fail;
	}
	arena_release(&a);
	return (store_commit(st, e));
fail:
	store_rollback(st);
out:
	arena_release(&a);
	return (-1);
}

int
policy_detach(struct store *st, const struct principal *who,
    const char *policy_id, const char *target_id, struct err *e)
{
	struct organization	 o;
	struct policy		 p;
	struct policy_target	 t;
	struct arena		 a;
	int64_t			 n;

	if (check_policy_id(policy_id, e) == -1)
		return (-1);
	arena_init(&a);
	if (policy_begin(st, who, &o, e) == -1)
		goto out;
	/* AWS: DetachPolicy fails with PolicyNotFoundException */
	if (policy_find_locked(st, &a, &o, policy_id, &p, e) == -1 ||
	    /* AWS: DetachPolicy fails with TargetNotFoundException */
	    policy_target_of(st, &o, target_id, &t, e) == -1)
		goto fail;
	if (strcmp(p.id, POLICY_RCP_FULL_ACCESS_ID) == 0) {
		/* AWS: DetachPolicy fails with InvalidInputException NON_DETACHABLE_POLICY */
		err_set(e, ERR_INVALID, INVALID, "NON_DETACHABLE_POLICY",
		    "You can't detach this AWS Managed Policy.");
		goto fail;
	}
	if (store_policy_detach(st, o.id, p.id, t.id, e) == -1) {
		if (e->code == ERR_NOT_FOUND)
			/* AWS: DetachPolicy fails with PolicyNotAttachedException */
			err_set(e, ERR_NOT_FOUND,
			    AWSERR(PolicyNotAttachedException),
			    NULL, "The policy isn't attached to the specified "
			    "target in the specified root.");
		goto fail;
	}
	if (strcmp(p.type, SCP) == 0) {
		if (store_policy_attach_count(st, o.id, "", t.id, SCP, &n,
		    e) == -1)
			goto fail;
		if (n == 0) {
			/* AWS: DetachPolicy fails with ConstraintViolationException MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED */
			err_set(e, ERR_CONFLICT,
			    AWSERR(ConstraintViolationException),
			    "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "You "
			    "attempted to detach a policy from an entity that "
			    "would leave it without any service control "
			    "policy.");
			goto fail;
		}
	}
	arena_release(&a);
	return (store_commit(st, e));
fail:
	store_rollback(st);
out:
	arena_release(&a);
	return (-1);
}

int
policy_targets(struct store *st, struct arena *a, const struct principal *who,
    const char *policy_id, const char *after, size_t limit,
    struct organization *org_out, struct policy_target_view **out,
    size_t *n_out, int *more_out, struct err *e)
{
	struct policy		 p;
	struct policy_target	*t;
	struct policy_target_view *v;
	struct account		 acct;
	struct org_unit		 u;
	size_t			 n, i;

	limit = policy_page_limit(limit);
	if (check_policy_id(policy_id, e) == -1)
		return (-1);
	if (policy_begin(st, who, org_out, e) == -1)
		return (-1);
	if (policy_find_locked(st, a, org_out, policy_id, &p, e) == -1) {
		/* AWS: ListTargetsForPolicy fails with PolicyNotFoundException */
		if (e->code == ERR_NOT_FOUND)
			snprintf(e->msg, sizeof(e->msg), "%s", MSG_POLICY_READ);
		goto fail;
	}
	if (store_policy_targets(st, a, org_out->id, policy_id, after,
	    limit + 1, &t, &n, e) == -1)
		goto fail;
	v = arena_zalloc(a, sizeof(*v) * (n ? n : 1));
	for (i = 0; i < n; i++) {
		snprintf(v[i].id, sizeof(v[i].id), "%s", t[i].id);
		snprintf(v[i].type, sizeof(v[i].type), "%s", t[i].type);
		if (strcmp(t[i].type, "ROOT") == 0)
			snprintf(v[i].name, sizeof(v[i].name), "Root");
		else if (strcmp(t[i].type, "ACCOUNT") == 0 &&
		    store_account_get(st, t[i].id, &acct, NULL) == 0)
			snprintf(v[i].name, sizeof(v[i].name), "%s", acct.name);
		else if (store_ou_get(st, t[i].id, &u, NULL) == 0)
			snprintf(v[i].name, sizeof(v[i].name), "%s", u.name);
	}
	if (store_commit(st, e) == -1)
		return (-1);
	*more_out = n > limit;
	*out = v;
	*n_out = *more_out ? limit : n;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}
