/* SPDX-License-Identifier: MIT */
/*
 * AWS Organizations operations on the root/OU tree and account placement:
 * translate only (decode, call org/ou.c, encode).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/ops.h"
#include "org/created_account.h"
#include "org/organization.h"
#include "org/ou.h"
#include "org/tags.h"

static json_t *
ou_json(const struct organization *o, const struct org_unit *u)
{
	char	 arn[200];

	ou_arn(o, u->id, arn, sizeof(arn));
	return (json_pack("{s:s, s:s, s:s}", "Id", u->id, "Arn", arn, "Name",
	    u->name));
}

int
aws_create_organizational_unit(struct aws_req *r, struct err *e)
{
	struct organization	 o;
	struct org_unit		 u;
	struct handshake_tag	*tags;
	const char		*parent, *name;
	size_t			 ntags;

	if (in_string(r, "ParentId", 1, 1, 100, &parent, e) == -1 ||
	    in_string(r, "Name", 1, 1, OU_NAME_MAX, &name, e) == -1 ||
	    in_tag_list(r, "Tags", TAGS_PER_RESOURCE, &tags, &ntags, e) == -1)
		return (-1);
	if (ou_create(r->store, &r->who, parent, name, tags, ntags, &o, &u,
	    e) == -1)
		return (-1);
	json_object_set_new(r->out, "OrganizationalUnit", ou_json(&o, &u));
	return (0);
}

int
aws_update_organizational_unit(struct aws_req *r, struct err *e)
{
	struct organization	 o;
	struct org_unit		 u;
	const char		*id, *name;

	if (in_string(r, "OrganizationalUnitId", 1, 1, 68, &id, e) == -1 ||
	    in_string(r, "Name", 0, 1, OU_NAME_MAX, &name, e) == -1)
		return (-1);
	if (ou_update(r->store, &r->who, id, name, &o, &u, e) == -1)
		return (-1);
	json_object_set_new(r->out, "OrganizationalUnit", ou_json(&o, &u));
	return (0);
}

int
aws_delete_organizational_unit(struct aws_req *r, struct err *e)
{
	const char	*id;

	if (in_string(r, "OrganizationalUnitId", 1, 1, 68, &id, e) == -1)
		return (-1);
	return (ou_delete(r->store, &r->who, id, e));
}

int
aws_describe_organizational_unit(struct aws_req *r, struct err *e)
{
	struct organization	 o;
	struct org_unit		 u;
	const char		*id;

	if (in_string(r, "OrganizationalUnitId", 1, 1, 68, &id, e) == -1)
		return (-1);
	if (ou_describe(r->store, &r->who, id, &o, &u, e) == -1)
		return (-1);
	json_object_set_new(r->out, "OrganizationalUnit", ou_json(&o, &u));
	return (0);
}

int
aws_list_organizational_units_for_parent(struct aws_req *r, struct err *e)
{
	struct organization	 o;
	struct org_unit		*v;
	const char		*parent;
	char			 after[OU_ID_MAX + 1];
	size_t			 n, i, max;
	int			 more;
	json_t			*a;

	if (in_string(r, "ParentId", 1, 1, 100, &parent, e) == -1 ||
	    in_page(r, "ous", after, sizeof(after), &max, e) == -1)
		return (-1);
	if (ou_list(r->store, r->arena, &r->who, parent, after, max, &o, &v,
	    &n, &more, e) == -1)
		return (-1);
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, ou_json(&o, &v[i]));
	json_object_set_new(r->out, "OrganizationalUnits", a);
	if (more)
		out_page(r, "ous", v[n - 1].id);
	return (0);
}

int
aws_list_accounts_for_parent(struct aws_req *r, struct err *e)
{
	struct organization	 o;
	struct member		*v;
	const char		*parent;
	char			 after[ACCOUNT_ID_LEN + 1];
	size_t			 n, i, max;
	int			 more;
	json_t			*a;

	if (in_string(r, "ParentId", 1, 1, 100, &parent, e) == -1 ||
	    in_page(r, "accounts", after, sizeof(after), &max, e) == -1)
		return (-1);
	if (created_account_settle(r->store, e) == -1 ||
	    ou_list_accounts(r->store, r->arena, &r->who, parent, after, max,
	    &o, &v, &n, &more, e) == -1)
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
aws_list_children(struct aws_req *r, struct err *e)
{
	static const char *const types[] = { "ACCOUNT", "ORGANIZATIONAL_UNIT",
	    NULL };
	struct ou_node		*v;
	const char		*parent, *type;
	char			 after[OU_ID_MAX + 1];
	size_t			 n, i, max;
	int			 more;
	json_t			*a;

	if (in_string(r, "ParentId", 1, 1, 100, &parent, e) == -1 ||
	    in_enum(r, "ChildType", 1, types, &type, e) == -1 ||
	    in_page(r, type[0] == 'A' ? "children-a" : "children-o", after,
	    sizeof(after), &max, e) == -1)
		return (-1);
	if (ou_children(r->store, r->arena, &r->who, parent, type, after, max,
	    &v, &n, &more, e) == -1)
		return (-1);
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "Id", v[i].id,
		    "Type", v[i].type));
	json_object_set_new(r->out, "Children", a);
	if (more)
		out_page(r, type[0] == 'A' ? "children-a" : "children-o",
		    v[n - 1].id);
	return (0);
}

int
aws_list_parents(struct aws_req *r, struct err *e)
{
	struct ou_node	 p;
	const char	*child;
	char		 after[8];
	size_t		 max;

	if (in_string(r, "ChildId", 1, 1, 100, &child, e) == -1 ||
	    in_page(r, "parents", after, sizeof(after), &max, e) == -1)
		return (-1);
	if (ou_parent(r->store, &r->who, child, &p, e) == -1)
		return (-1);
	/* Exactly one parent: a token can only come after the end. */
	if (after[0] != '\0')
		json_object_set_new(r->out, "Parents", json_array());
	else
		json_object_set_new(r->out, "Parents", json_pack("[{s:s, s:s}]",
		    "Id", p.id, "Type", p.type));
	return (0);
}

int
aws_move_account(struct aws_req *r, struct err *e)
{
	const char	*id, *src, *dst;

	if (in_string(r, "AccountId", 1, 1, 12, &id, e) == -1 ||
	    in_string(r, "SourceParentId", 1, 1, 100, &src, e) == -1 ||
	    in_string(r, "DestinationParentId", 1, 1, 100, &dst, e) == -1)
		return (-1);
	return (ou_move_account(r->store, &r->who, id, src, dst, e));
}
