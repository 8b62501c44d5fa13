/* SPDX-License-Identifier: MIT */
/*
 * CreateAccount, CreateGovCloudAccount, DescribeCreateAccountStatus,
 * ListCreateAccountStatus and CloseAccount: translate only.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/ops.h"
#include "core/config.h"
#include "org/created_account.h"
#include "org/organization.h"
#include "org/tags.h"

#define INVALID	AWSERR(InvalidInputException)

static json_t *
car_json(const struct create_account_req *c, int64_t now)
{
	const char	*state = created_account_state(c, now);
	json_t		*o;

	o = json_pack("{s:s, s:s, s:s, s:o}", "Id", c->id, "AccountName",
	    c->account_name, "State", state, "RequestedTimestamp",
	    json_time(c->requested_at));
	if (strcmp(state, "IN_PROGRESS") == 0)
		return (o);
	json_object_set_new(o, "CompletedTimestamp", json_time(c->completes_at));
	if (c->account_id[0] != '\0')
		json_object_set_new(o, "AccountId", json_string(c->account_id));
	if (c->failure_reason[0] != '\0')
		json_object_set_new(o, "FailureReason",
		    json_string(c->failure_reason));
	return (o);
}

/* The server's delays (serve sets them; AWS's when none is known). */
static int64_t
create_delay(const struct aws_req *r)
{
	if (r->http != NULL && r->http->cfg != NULL &&
	    r->http->cfg->create_account_delay_ms >= 0)
		return (r->http->cfg->create_account_delay_ms);
	return (CREATE_ACCOUNT_DELAY_MS);
}

static int64_t
close_delay(const struct aws_req *r)
{
	if (r->http != NULL && r->http->cfg != NULL &&
	    r->http->cfg->close_account_delay_ms >= 0)
		return (r->http->cfg->close_account_delay_ms);
	return (ACCOUNT_CLOSE_DELAY_MS);
}

static int
create_input(struct aws_req *r, const char **email, const char **name,
    struct handshake_tag **tags, size_t *ntags, struct err *e)
{
	static const char *const billing[] = { "ALLOW", "DENY", NULL };
	const char	*role, *iam;

	if (in_string(r, "Email", 1, 6, EMAIL_MAX, email, e) == -1 ||
	    in_string(r, "AccountName", 1, 1, ACCOUNT_NAME_MAX, name, e) == -1 ||
	    in_string(r, "RoleName", 0, 1, 64, &role, e) == -1 ||
	    in_enum(r, "IamUserAccessToBilling", 0, billing, &iam, e) == -1 ||
	    in_tag_list(r, "Tags", TAGS_PER_RESOURCE, tags, ntags, e) == -1)
		return (-1);
	if (role != NULL && strspn(role, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-") != strlen(role))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_ROLE_NAME",
		    "RoleName: only letters, digits and _+=,.@-"));
	return (0);
}

int
aws_create_account(struct aws_req *r, struct err *e)
{
	struct create_account_req	 c;
	struct handshake_tag		*tags;
	const char			*email, *name;
	size_t				 ntags;
	int64_t				 now;

	if (create_input(r, &email, &name, &tags, &ntags, e) == -1)
		return (-1);
	if (created_account_create(r->store, &r->who, email, name, tags, ntags,
	    create_delay(r), &c, &now, e) == -1)
		return (-1);
	json_object_set_new(r->out, "CreateAccountStatus", car_json(&c, now));
	return (0);
}

int
aws_create_gov_cloud_account(struct aws_req *r, struct err *e)
{
	struct organization	 o;
	struct handshake_tag	*tags;
	const char		*email, *name;
	size_t			 ntags;

	if (create_input(r, &email, &name, &tags, &ntags, e) == -1)
		return (-1);
	if (store_begin(r->store, STORE_READ, e) == -1)
		return (-1);
	if (org_require_management(r->store, &r->who, &o, e) == -1) {
		store_rollback(r->store);
		return (-1);
	}
	store_rollback(r->store);
	/* AWS: CreateGovCloudAccount fails with ConstraintViolationException MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED */
	return (err_set(e, ERR_CONFLICT, AWSERR(ConstraintViolationException),
	    "MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED", "The management account "
	    "isn't enabled for AWS GovCloud (US); payerlink emulates the "
	    "commercial partition only."));
}

int
aws_describe_create_account_status(struct aws_req *r, struct err *e)
{
	struct create_account_req	 c;
	const char			*id;
	int64_t				 now;

	if (in_string(r, "CreateAccountRequestId", 1, 1, 36, &id, e) == -1)
		return (-1);
	if (created_account_status(r->store, &r->who, id, &c, &now, e) == -1)
		return (-1);
	json_object_set_new(r->out, "CreateAccountStatus", car_json(&c, now));
	return (0);
}

int
aws_list_create_account_status(struct aws_req *r, struct err *e)
{
	static const char *const allowed[] = { "IN_PROGRESS", "SUCCEEDED",
	    "FAILED", NULL };
	struct create_account_req	*v;
	json_t				*in = json_object_get(r->in, "States");
	json_t				*s, *a;
	const char			*states[4], *const *filter = NULL;
	char				 after[CAR_ID_MAX + 1];
	size_t				 n, i, k, max;
	int64_t				 now;
	int				 more;

	if (in != NULL && !json_is_null(in)) {
		if (!json_is_array(in) || json_array_size(in) > 3)
			return (err_set(e, ERR_INVALID, INVALID, NULL,
			    "States: a list of at most 3 states"));
		json_array_foreach(in, i, s) {
			const char *v0 = json_string_value(s);
			for (k = 0; v0 != NULL && allowed[k] != NULL; k++)
				if (strcmp(allowed[k], v0) == 0)
					break;
			if (v0 == NULL || allowed[k] == NULL)
				return (err_set(e, ERR_INVALID, INVALID,
				    "INVALID_ENUM", "States: each is "
				    "IN_PROGRESS, SUCCEEDED or FAILED"));
			states[i] = allowed[k];
		}
		states[json_array_size(in)] = NULL;
		filter = states;
	}
	if (in_page(r, "car", after, sizeof(after), &max, e) == -1)
		return (-1);
	if (created_account_list(r->store, r->arena, &r->who, filter, after,
	    max, &v, &n, &more, &now, e) == -1)
		return (-1);
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, car_json(&v[i], now));
	json_object_set_new(r->out, "CreateAccountStatuses", a);
	if (more)
		out_page(r, "car", v[n - 1].id);
	return (0);
}

int
aws_close_account(struct aws_req *r, struct err *e)
{
	const char	*id;

	if (in_string(r, "AccountId", 1, 1, 12, &id, e) == -1)
		return (-1);
	return (created_account_close(r->store, &r->who, id, close_delay(r),
	    e));
}
