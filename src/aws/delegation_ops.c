/* SPDX-License-Identifier: MIT */
/*
 * Delegated administrators, trusted service access and the resource
 * policy: translate only.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/ops.h"
#include "org/delegation.h"
#include "org/organization.h"
#include "org/tags.h"

static int
account_service(struct aws_req *r, const char **id, const char **svc,
    struct err *e)
{
	return (in_string(r, "AccountId", 1, 1, 12, id, e) == -1 ||
	    in_string(r, "ServicePrincipal", 1, 1, SERVICE_PRINCIPAL_MAX, svc,
	    e) == -1 ? -1 : 0);
}

int
aws_register_delegated_administrator(struct aws_req *r, struct err *e)
{
	const char	*id, *svc;

	if (account_service(r, &id, &svc, e) == -1)
		return (-1);
	return (deleg_register(r->store, &r->who, id, svc, e));
}

int
aws_deregister_delegated_administrator(struct aws_req *r, struct err *e)
{
	const char	*id, *svc;

	if (account_service(r, &id, &svc, e) == -1)
		return (-1);
	return (deleg_deregister(r->store, &r->who, id, svc, e));
}

int
aws_list_delegated_administrators(struct aws_req *r, struct err *e)
{
	struct organization	 o;
	struct deleg_admin_view	*v;
	const char		*svc;
	char			 after[ACCOUNT_ID_LEN + 1];
	size_t			 n, i, max;
	int			 more;
	json_t			*a, *x;

	if (in_string(r, "ServicePrincipal", 0, 1, SERVICE_PRINCIPAL_MAX, &svc,
	    e) == -1 || in_page(r, "delegated", after, sizeof(after), &max,
	    e) == -1)
		return (-1);
	if (deleg_list_admins(r->store, r->arena, &r->who, svc, after, max, &o,
	    &v, &n, &more, e) == -1)
		return (-1);
	a = json_array();
	for (i = 0; i < n; i++) {
		x = aws_account_json(&o, &v[i].member);
		json_object_set_new(x, "DelegationEnabledDate",
		    json_time(v[i].enabled_at));
		json_array_append_new(a, x);
	}
	json_object_set_new(r->out, "DelegatedAdministrators", a);
	if (more)
		out_page(r, "delegated", v[n - 1].member.account.id);
	return (0);
}

int
aws_list_delegated_services_for_account(struct aws_req *r, struct err *e)
{
	struct delegated_admin	*v;
	const char		*id;
	char			 after[SERVICE_PRINCIPAL_MAX + 1];
	size_t			 n, i, max;
	int			 more;
	json_t			*a;

	if (in_string(r, "AccountId", 1, 1, 12, &id, e) == -1 ||
	    in_page(r, "services", after, sizeof(after), &max, e) == -1)
		return (-1);
	if (deleg_list_services(r->store, r->arena, &r->who, id, after, max,
	    &v, &n, &more, e) == -1)
		return (-1);
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:o}",
		    "ServicePrincipal", v[i].service_principal,
		    "DelegationEnabledDate", json_time(v[i].enabled_at)));
	json_object_set_new(r->out, "DelegatedServices", a);
	if (more)
		out_page(r, "services", v[n - 1].service_principal);
	return (0);
}

static int
service_access(struct aws_req *r, int enable, struct err *e)
{
	const char	*svc;

	if (in_string(r, "ServicePrincipal", 1, 1, SERVICE_PRINCIPAL_MAX, &svc,
	    e) == -1)
		return (-1);
	return (deleg_service_access(r->store, &r->who, svc, enable, e));
}

int
aws_enable_aws_service_access(struct aws_req *r, struct err *e)
{
	return (service_access(r, 1, e));
}

int
aws_disable_aws_service_access(struct aws_req *r, struct err *e)
{
	return (service_access(r, 0, e));
}

int
aws_list_aws_service_access_for_organization(struct aws_req *r,
    struct err *e)
{
	struct delegated_admin	*v;
	char			 after[SERVICE_PRINCIPAL_MAX + 1];
	size_t			 n, i, max;
	int			 more;
	json_t			*a;

	if (in_page(r, "access", after, sizeof(after), &max, e) == -1)
		return (-1);
	if (deleg_list_service_access(r->store, r->arena, &r->who, after, max,
	    &v, &n, &more, e) == -1)
		return (-1);
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:o}",
		    "ServicePrincipal", v[i].service_principal, "DateEnabled",
		    json_time(v[i].enabled_at)));
	json_object_set_new(r->out, "EnabledServicePrincipals", a);
	if (more)
		out_page(r, "access", v[n - 1].service_principal);
	return (0);
}

static json_t *
resource_policy_json(const struct organization *o,
    const struct resource_policy *p)
{
	char	 arn[200];

	deleg_resource_policy_arn(o, p->id, arn, sizeof(arn));
	return (json_pack("{s:{s:s, s:s}, s:s}", "ResourcePolicySummary", "Id",
	    p->id, "Arn", arn, "Content", p->content));
}

int
aws_put_resource_policy(struct aws_req *r, struct err *e)
{
	struct organization	 o;
	struct resource_policy	 p;
	struct handshake_tag	*tags;
	const char		*content;
	size_t			 ntags;

	if (in_string(r, "Content", 1, 1, RESOURCE_POLICY_MAX, &content,
	    e) == -1 || in_tag_list(r, "Tags", TAGS_PER_RESOURCE, &tags, &ntags,
	    e) == -1)
		return (-1);
	if (deleg_resource_policy_put(r->store, r->arena, &r->who, content,
	    tags, ntags, &o, &p, e) == -1)
		return (-1);
	json_object_set_new(r->out, "ResourcePolicy",
	    resource_policy_json(&o, &p));
	return (0);
}

int
aws_describe_resource_policy(struct aws_req *r, struct err *e)
{
	struct organization	 o;
	struct resource_policy	 p;

	if (deleg_resource_policy_get(r->store, r->arena, &r->who, &o, &p,
	    e) == -1)
		return (-1);
	json_object_set_new(r->out, "ResourcePolicy",
	    resource_policy_json(&o, &p));
	return (0);
}

int
aws_delete_resource_policy(struct aws_req *r, struct err *e)
{
	return (deleg_resource_policy_delete(r->store, &r->who, e));
}
