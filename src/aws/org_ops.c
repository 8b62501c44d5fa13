/* SPDX-License-Identifier: MIT */
/*
 * AWS Organizations operations on organizations and accounts: translate
 * only. Each handler decodes its input, calls org/, and encodes the result
 * in the shapes of the botocore model.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/ops.h"
#include "org/created_account.h"
#include "org/organization.h"
#include "org/policy.h"

json_t *
aws_org_json(const struct organization *o)
{
	char	 arn[160], macct[160];
	json_t	*types;

	org_arn(o, arn, sizeof(arn));
	org_account_arn(o, o->management_id, macct, sizeof(macct));
	types = json_array();
	if (strcmp(o->feature_set, "ALL") == 0)
		json_array_append_new(types, json_pack("{s:s, s:s}", "Type",
		    "SERVICE_CONTROL_POLICY", "Status", "ENABLED"));
	return (json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
	    "Id", o->id, "Arn", arn, "FeatureSet", o->feature_set,
	    "MasterAccountArn", macct, "MasterAccountId", o->management_id,
	    "MasterAccountEmail", o->management_email,
	    "AvailablePolicyTypes", types));
}

json_t *
aws_account_json(const struct organization *o, const struct member *m)
{
	char	 arn[160];

	org_account_arn(o, m->account.id, arn, sizeof(arn));
	/* State succeeds Status (retired September 2026); each Status value
	 * payerlink gives is also a State. */
	return (json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
	    "Id", m->account.id, "Arn", arn, "Email", m->account.email,
	    "Name", m->account.name, "Status", m->account.status,
	    "State", account_state(&m->account),
	    "JoinedMethod", m->membership.joined_method,
	    "JoinedTimestamp", json_time(m->membership.joined_at)));
}

int
aws_create_organization(struct aws_req *r, struct err *e)
{
	static const char *const sets[] = { "ALL", "CONSOLIDATED_BILLING",
	    NULL };
	struct organization	 o;
	const char		*fs;

	if (in_enum(r, "FeatureSet", 0, sets, &fs, e) == -1)
		return (-1);
	if (org_create_in(r->store, &r->who, fs, r->region, &o, e) == -1)
		return (-1);
	json_object_set_new(r->out, "Organization", aws_org_json(&o));
	return (0);
}

int
aws_describe_organization(struct aws_req *r, struct err *e)
{
	struct organization	 o;

	if (org_describe(r->store, &r->who, &o, e) == -1)
		return (-1);
	json_object_set_new(r->out, "Organization", aws_org_json(&o));
	return (0);
}

int
aws_delete_organization(struct aws_req *r, struct err *e)
{
	return (org_delete(r->store, &r->who, e));
}

int
aws_describe_account(struct aws_req *r, struct err *e)
{
	struct organization	 o;
	struct member		 m;
	const char		*id;

	if (in_string(r, "AccountId", 1, 0, 12, &id, e) == -1)
		return (-1);
	/* CloseAccount's PENDING_CLOSURE turns SUSPENDED lazily. */
	if (created_account_settle(r->store, e) == -1)
		return (-1);
	if (org_describe_account(r->store, &r->who, id, &o, &m, e) == -1)
		return (-1);
	json_object_set_new(r->out, "Account", aws_account_json(&o, &m));
	return (0);
}

int
aws_list_accounts(struct aws_req *r, struct err *e)
{
	struct organization	 o;
	struct member		*v;
	size_t			 n, i, max;
	char			 after[ACCOUNT_ID_LEN + 1];
	int			 more;
	json_t			*a;

	if (in_page(r, "accounts", after, sizeof(after), &max, e) == -1)
		return (-1);
	if (created_account_settle(r->store, e) == -1)
		return (-1);
	if (org_list_accounts(r->store, r->arena, &r->who, after, max, &o, &v,
	    &n, &more, e) == -1)
		return (-1);
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, aws_account_json(&o, &v[i]));
	json_object_set_new(r->out, "Accounts", a);
	if (more)
		out_page(r, "accounts", v[n - 1].account.id);
	return (0);
}

int
aws_list_roots(struct aws_req *r, struct err *e)
{
	struct root_view	 v;
	char			 after[8];
	size_t			 max;

	if (in_page(r, "roots", after, sizeof(after), &max, e) == -1)
		return (-1);
	/* The root shows the policy types enabled on it (org/policy.c). */
	if (policy_roots(r->store, &r->who, &v, e) == -1)
		return (-1);
	json_object_set_new(r->out, "Roots",
	    json_pack("[o]", aws_root_view_json(&v)));
	return (0);
}
