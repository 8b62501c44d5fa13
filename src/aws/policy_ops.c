/* SPDX-License-Identifier: MIT */
/*
 * Policy operations (Create/Update/Delete/Describe/List, attachments,
 * policy types on the root, effective policies): translate only.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/ops.h"
#include "org/organization.h"
#include "org/ou.h"
#include "org/policy.h"
#include "org/tags.h"

static const char *const *const types = policy_types;

static json_t *
summary_json(const struct organization *o, const struct policy *p)
{
	char	 arn[300];

	policy_arn(o, p, arn, sizeof(arn));
	return (json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "Id", p->id,
	    "Arn", arn, "Name", p->name, "Description", p->description,
	    "Type", p->type, "AwsManaged", p->aws_managed));
}

static json_t *
policy_json(const struct organization *o, const struct policy *p)
{
	return (json_pack("{s:o, s:s}", "PolicySummary", summary_json(o, p),
	    "Content", p->content));
}

json_t *
aws_root_view_json(const struct root_view *v)
{
	char	 arn[160];
	json_t	*t = json_array();
	size_t	 i;

	org_root_arn(&v->org, arn, sizeof(arn));
	for (i = 0; i < v->ntypes; i++)
		json_array_append_new(t, json_pack("{s:s, s:s}", "Type",
		    v->types[i], "Status", "ENABLED"));
	return (json_pack("{s:s, s:s, s:s, s:o}", "Id", v->org.root_id, "Arn",
	    arn, "Name", "Root", "PolicyTypes", t));
}

int
aws_create_policy(struct aws_req *r, struct err *e)
{
	struct organization	 o;
	struct policy		 p;
	struct handshake_tag	*tags;
	const char		*content, *desc, *name, *type;
	size_t			 ntags;

	if (in_string(r, "Content", 1, 1, 1000000, &content, e) == -1 ||
	    in_string(r, "Description", 1, 0, POLICY_DESC_MAX, &desc, e) == -1 ||
	    in_string(r, "Name", 1, 1, POLICY_NAME_MAX, &name, e) == -1 ||
	    in_enum(r, "Type", 1, types, &type, e) == -1 ||
	    in_tag_list(r, "Tags", TAGS_PER_RESOURCE, &tags, &ntags, e) == -1)
		return (-1);
	if (policy_create(r->store, r->arena, &r->who, type, name, desc,
	    content, tags, ntags, &o, &p, e) == -1)
		return (-1);
	json_object_set_new(r->out, "Policy", policy_json(&o, &p));
	return (0);
}

int
aws_update_policy(struct aws_req *r, struct err *e)
{
	struct organization	 o;
	struct policy		 p;
	const char		*id, *content, *desc, *name;

	if (in_string(r, "PolicyId", 1, 1, 130, &id, e) == -1 ||
	    in_string(r, "Content", 0, 1, 1000000, &content, e) == -1 ||
	    in_string(r, "Description", 0, 0, POLICY_DESC_MAX, &desc, e) == -1 ||
	    in_string(r, "Name", 0, 1, POLICY_NAME_MAX, &name, e) == -1)
		return (-1);
	if (policy_update(r->store, r->arena, &r->who, id, name, desc, content,
	    &o, &p, e) == -1)
		return (-1);
	json_object_set_new(r->out, "Policy", policy_json(&o, &p));
	return (0);
}

int
aws_delete_policy(struct aws_req *r, struct err *e)
{
	const char	*id;

	if (in_string(r, "PolicyId", 1, 1, 130, &id, e) == -1)
		return (-1);
	return (policy_delete(r->store, &r->who, id, e));
}

int
aws_describe_policy(struct aws_req *r, struct err *e)
{
	struct organization	 o;
	struct policy		 p;
	const char		*id;

	if (in_string(r, "PolicyId", 1, 1, 130, &id, e) == -1)
		return (-1);
	if (policy_describe(r->store, r->arena, &r->who, id, &o, &p, e) == -1)
		return (-1);
	json_object_set_new(r->out, "Policy", policy_json(&o, &p));
	return (0);
}

static int
list_policies(struct aws_req *r, const char *target, struct err *e)
{
	struct organization	 o;
	struct policy		*v;
	const char		*type;
	char			 after[POLICY_ID_MAX + 1];
	size_t			 n, i, max;
	int			 more;
	json_t			*a;

	if (in_enum(r, "Filter", 1, types, &type, e) == -1 ||
	    in_page(r, "policies", after, sizeof(after), &max, e) == -1)
		return (-1);
	if (policy_list(r->store, r->arena, &r->who, type, target, after, max,
	    &o, &v, &n, &more, e) == -1)
		return (-1);
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, summary_json(&o, &v[i]));
	json_object_set_new(r->out, "Policies", a);
	if (more)
		out_page(r, "policies", v[n - 1].id);
	return (0);
}

int
aws_list_policies(struct aws_req *r, struct err *e)
{
	return (list_policies(r, NULL, e));
}

int
aws_list_policies_for_target(struct aws_req *r, struct err *e)
{
	const char	*target;

	if (in_string(r, "TargetId", 1, 1, 100, &target, e) == -1)
		return (-1);
	return (list_policies(r, target, e));
}

int
aws_attach_policy(struct aws_req *r, struct err *e)
{
	const char	*id, *target;

	if (in_string(r, "PolicyId", 1, 1, 130, &id, e) == -1 ||
	    in_string(r, "TargetId", 1, 1, 100, &target, e) == -1)
		return (-1);
	return (policy_attach(r->store, &r->who, id, target, e));
}

int
aws_detach_policy(struct aws_req *r, struct err *e)
{
	const char	*id, *target;

	if (in_string(r, "PolicyId", 1, 1, 130, &id, e) == -1 ||
	    in_string(r, "TargetId", 1, 1, 100, &target, e) == -1)
		return (-1);
	return (policy_detach(r->store, &r->who, id, target, e));
}

int
aws_list_targets_for_policy(struct aws_req *r, struct err *e)
{
	struct organization		 o;
	struct policy_target_view	*v;
	const char			*id;
	char				 after[OU_ID_MAX + 1], arn[200];
	size_t				 n, i, max;
	int				 more;
	json_t				*a;

	if (in_string(r, "PolicyId", 1, 1, 130, &id, e) == -1 ||
	    in_page(r, "targets", after, sizeof(after), &max, e) == -1)
		return (-1);
	if (policy_targets(r->store, r->arena, &r->who, id, after, max, &o, &v,
	    &n, &more, e) == -1)
		return (-1);
	a = json_array();
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].type, "ROOT") == 0)
			org_root_arn(&o, arn, sizeof(arn));
		else if (strcmp(v[i].type, "ACCOUNT") == 0)
			org_account_arn(&o, v[i].id, arn, sizeof(arn));
		else
			ou_arn(&o, v[i].id, arn, sizeof(arn));
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}",
		    "TargetId", v[i].id, "Arn", arn, "Name", v[i].name, "Type",
		    v[i].type));
	}
	json_object_set_new(r->out, "Targets", a);
	if (more)
		out_page(r, "targets", v[n - 1].id);
	return (0);
}

static int
policy_type(struct aws_req *r, int enable, struct err *e)
{
	struct root_view	 v;
	const char		*root, *type;

	if (in_string(r, "RootId", 1, 1, 34, &root, e) == -1 ||
	    in_enum(r, "PolicyType", 1, types, &type, e) == -1)
		return (-1);
	if (policy_type_set(r->store, &r->who, root, type, enable, &v,
	    e) == -1)
		return (-1);
	json_object_set_new(r->out, "Root", aws_root_view_json(&v));
	return (0);
}

int
aws_enable_policy_type(struct aws_req *r, struct err *e)
{
	return (policy_type(r, 1, e));
}

int
aws_disable_policy_type(struct aws_req *r, struct err *e)
{
	return (policy_type(r, 0, e));
}

int
aws_describe_effective_policy(struct aws_req *r, struct err *e)
{
	const char *const	*eff = policy_effective_types;
	struct policy	 p;
	const char	*type, *target;
	char		 tid[OU_ID_MAX + 1];

	if (in_enum(r, "PolicyType", 1, eff, &type, e) == -1 ||
	    in_string(r, "TargetId", 0, 1, 100, &target, e) == -1)
		return (-1);
	if (policy_effective(r->store, r->arena, &r->who, type, target, &p, tid,
	    sizeof(tid), e) == -1)
		return (-1);
	json_object_set_new(r->out, "EffectivePolicy", json_pack("{s:s, s:o, "
	    "s:s, s:s}", "PolicyContent", p.content, "LastUpdatedTimestamp",
	    json_time(p.updated_at), "TargetId", tid, "PolicyType", type));
	return (0);
}
