/* SPDX-License-Identifier: MIT */
/*
 * The operations of the newest model (botocore 1.43): billing transfers
 * (InviteOrganizationToTransferResponsibility and the five
 * *ResponsibilityTransfer* operations) and the validation of effective
 * policies. Translate only: decode, call org/transfer.h or org/effective.h,
 * encode the shapes of service-2.json.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/ops.h"
#include "org/effective.h"
#include "org/policy.h"
#include "org/transfer.h"

#define INVALID		AWSERR(InvalidInputException)

static const char *const transfer_types[] = { "BILLING", NULL };
/* EffectivePolicyType of the newest model. */
static const char *const *const effective_types = policy_effective_type_names;

/* A TransferParticipant: a management account and its e-mail. */
static json_t *
participant(const char *id, const char *email)
{
	json_t	*o = json_object();

	if (id[0] != '\0')
		json_object_set_new(o, "ManagementAccountId", json_string(id));
	if (email[0] != '\0')
		json_object_set_new(o, "ManagementAccountEmail",
		    json_string(email));
	return (o);
}

/* The ResponsibilityTransfer shape, its ARN on the caller's side. */
static json_t *
transfer_json(const struct aws_req *r, const struct transfer *t)
{
	char	 arn[256];
	json_t	*o;

	transfer_arn(t, transfer_inbound(t, &r->who), arn, sizeof(arn));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s}",
	    "Arn", arn, "Name", t->name, "Id", t->id, "Type", t->type,
	    "Status", t->status,
	    "Source", participant(t->source_mgmt_id, t->source_email),
	    "Target", participant(t->target_mgmt_id, t->target_email),
	    "StartTimestamp", json_time(t->start_at),
	    "ActiveHandshakeId", t->handshake_id);
	if (t->end_at != 0)
		json_object_set_new(o, "EndTimestamp", json_time(t->end_at));
	return (o);
}

static int
reply(struct aws_req *r, const struct transfer *t)
{
	json_object_set_new(r->out, "ResponsibilityTransfer",
	    transfer_json(r, t));
	return (0);
}

static int
in_transfer_id(struct aws_req *r, int required, const char **id,
    struct err *e)
{
	if (in_string(r, "Id", required, 0, 64, id, e) == -1)
		return (-1);
	if (*id != NULL && !transfer_id_valid(*id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "Id: must match rt-[0-9a-z]{8,32}"));
	return (0);
}

int
aws_invite_organization_to_transfer_responsibility(struct aws_req *r,
    struct err *e)
{
	struct transfer_invite	 in;
	struct handshake	 h;
	struct handshake_tag	*tags;
	int			 present;

	memset(&in, 0, sizeof(in));
	if (in_enum(r, "Type", 1, transfer_types, &in.type, e) == -1 ||
	    aws_in_party(r, "Target", &in.target_type, &in.target_id,
	    e) == -1 ||
	    in_string(r, "Notes", 0, 0, HANDSHAKE_NOTES_MAX, &in.notes,
	    e) == -1 ||
	    in_time(r, "StartTimestamp", 1, &in.start_at, &present, e) == -1 ||
	    in_string(r, "SourceName", 1, 1, TRANSFER_NAME_MAX, &in.name,
	    e) == -1 ||
	    in_tag_list(r, "Tags", 50, &tags, &in.ntags, e) == -1)
		return (-1);
	in.tags = tags;
	if (transfer_invite(r->store, &r->who, &in, &h, NULL, e) == -1)
		return (-1);
	json_object_set_new(r->out, "Handshake", aws_handshake_json(&h));
	return (0);
}

int
aws_describe_responsibility_transfer(struct aws_req *r, struct err *e)
{
	struct transfer	 t;
	const char	*id;

	if (in_transfer_id(r, 1, &id, e) == -1 ||
	    transfer_describe(r->store, &r->who, id, &t, e) == -1)
		return (-1);
	return (reply(r, &t));
}

static int
list(struct aws_req *r, int inbound, struct err *e)
{
	struct transfer	*v;
	const char	*type, *id = NULL;
	const char	*kind = inbound ? "rt-in" : "rt-out";
	char		 after[TRANSFER_ID_MAX + 1];
	size_t		 max, n, i;
	int		 more;
	json_t		*a;

	if (in_enum(r, "Type", 1, transfer_types, &type, e) == -1 ||
	    (inbound && in_transfer_id(r, 0, &id, e) == -1) ||
	    in_page(r, kind, after, sizeof(after), &max, e) == -1)
		return (-1);
	if (transfer_list(r->store, r->arena, &r->who, inbound, type, id,
	    after, max, &v, &n, &more, e) == -1)
		return (-1);
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, transfer_json(r, &v[i]));
	json_object_set_new(r->out, "ResponsibilityTransfers", a);
	if (more)
		out_page(r, kind, v[n - 1].id);
	return (0);
}

int
aws_list_inbound_responsibility_transfers(struct aws_req *r, struct err *e)
{
	return (list(r, 1, e));
}

int
aws_list_outbound_responsibility_transfers(struct aws_req *r, struct err *e)
{
	return (list(r, 0, e));
}

int
aws_update_responsibility_transfer(struct aws_req *r, struct err *e)
{
	struct transfer	 t;
	const char	*id, *name;

	if (in_transfer_id(r, 1, &id, e) == -1 ||
	    in_string(r, "Name", 1, 1, TRANSFER_NAME_MAX, &name, e) == -1 ||
	    transfer_rename(r->store, &r->who, id, name, &t, e) == -1)
		return (-1);
	return (reply(r, &t));
}

int
aws_terminate_responsibility_transfer(struct aws_req *r, struct err *e)
{
	struct transfer	 t;
	const char	*id;
	int64_t		 end;
	int		 present;

	if (in_transfer_id(r, 1, &id, e) == -1 ||
	    in_time(r, "EndTimestamp", 0, &end, &present, e) == -1 ||
	    transfer_terminate(r->store, &r->who, id, present ? end : 0, &t,
	    e) == -1)
		return (-1);
	return (reply(r, &t));
}

int
aws_list_accounts_with_invalid_effective_policy(struct aws_req *r,
    struct err *e)
{
	const char	*type;
	char		 after[ACCOUNT_ID_LEN + 1];
	size_t		 max, n;

	if (in_enum(r, "PolicyType", 1, effective_types, &type, e) == -1 ||
	    in_page(r, "invalid-eff", after, sizeof(after), &max, e) == -1 ||
	    effective_invalid_accounts(r->store, &r->who, type, &n, e) == -1)
		return (-1);
	json_object_set_new(r->out, "Accounts", json_array());
	json_object_set_new(r->out, "PolicyType", json_string(type));
	return (0);
}

int
aws_list_effective_policy_validation_errors(struct aws_req *r, struct err *e)
{
	struct effective_check	 c;
	const char		*type, *id;
	char			 after[16];
	size_t			 max;

	if (in_string(r, "AccountId", 1, 0, 12, &id, e) == -1 ||
	    in_enum(r, "PolicyType", 1, effective_types, &type, e) == -1 ||
	    in_page(r, "eff-errors", after, sizeof(after), &max, e) == -1 ||
	    effective_validation_errors(r->store, r->arena, &r->who, id, type,
	    &c, e) == -1)
		return (-1);
	json_object_set_new(r->out, "AccountId", json_string(c.account_id));
	json_object_set_new(r->out, "PolicyType", json_string(type));
	json_object_set_new(r->out, "Path", json_string(c.path));
	json_object_set_new(r->out, "EvaluationTimestamp",
	    json_time(c.evaluated_at));
	json_object_set_new(r->out, "EffectivePolicyValidationErrors",
	    json_array());
	return (0);
}
