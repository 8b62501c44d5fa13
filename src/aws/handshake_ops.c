/* SPDX-License-Identifier: MIT */
/*
 * AWS Organizations operations on handshakes (invitations) and on leaving
 * an organization: translate only. Each handler decodes its input, calls
 * org/, and encodes the result in the shapes of the botocore model
 * (Handshake as in ../shared/spec/aws-organizations.md §3.2).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/ops.h"
#include "core/clock.h"
#include "core/config.h"
#include "org/all_features.h"
#include "org/handshake.h"
#include "org/organization.h"

#define INVALID		AWSERR(InvalidInputException)
#define TAGS_MAX	50

static json_t *
resource(const char *type, const char *value)
{
	return (json_pack("{s:s, s:s}", "Type", type, "Value", value));
}

/*
 * The resources of a TRANSFER_RESPONSIBILITY handshake. AWS documents the
 * resource types (RESPONSIBILITY_TRANSFER, TRANSFER_START_TIMESTAMP,
 * TRANSFER_TYPE, MANAGEMENT_ACCOUNT, MANAGEMENT_EMAIL, MANAGEMENT_NAME)
 * but no example of their layout; this one nests them as an INVITE nests
 * the organization's: the transfer with its type and start (ISO 8601, as
 * every resource value is a string), the sender organization with its
 * management account.
 */
static json_t *
transfer_resources(const struct handshake *h)
{
	char	 start[32];

	clock_iso8601(h->transfer_start, start, sizeof(start));
	return (json_pack("[{s:s, s:s, s:[o, o]}, {s:s, s:s, s:[o, o, o]}, o]",
	    "Type", "RESPONSIBILITY_TRANSFER", "Value", h->transfer_id,
	    "Resources", resource("TRANSFER_TYPE", "BILLING"),
	    resource("TRANSFER_START_TIMESTAMP", start),
	    "Type", "ORGANIZATION", "Value", h->org_id, "Resources",
	    resource("MANAGEMENT_ACCOUNT", h->mgmt_id),
	    resource("MANAGEMENT_EMAIL", h->mgmt_email),
	    resource("MANAGEMENT_NAME", h->mgmt_name),
	    resource(h->target_type, h->target_id)));
}

/* The Handshake shape: parties, the organization's resources, notes. */
json_t *
aws_handshake_json(const struct handshake *h)
{
	char	 arn[256];
	json_t	*res, *parties;
	int	 self = strcmp(h->target_type, "ORGANIZATION") == 0 &&
		    strcmp(h->target_id, h->org_id) == 0;

	handshake_arn(h, arn, sizeof(arn));
	if (strcmp(h->action, "TRANSFER_RESPONSIBILITY") == 0)
		res = transfer_resources(h);
	else {
		res = json_pack("[{s:s, s:s, s:[o, o, o]}]",
		    "Type", "ORGANIZATION", "Value", h->org_id, "Resources",
		    resource("MASTER_EMAIL", h->mgmt_email),
		    resource("MASTER_NAME", h->mgmt_name),
		    resource("ORGANIZATION_FEATURE_SET", h->feature_set));
		if (!self)
			json_array_append_new(res, resource(h->target_type,
			    h->target_id));
	}
	parties = json_pack("[{s:s, s:s}]", "Id", h->org_id, "Type",
	    "ORGANIZATION");
	if (!self)
		json_array_append_new(parties, json_pack("{s:s, s:s}", "Id",
		    h->target_id, "Type", h->target_type));
	if (h->notes[0] != '\0')
		json_array_append_new(res, resource("NOTES", h->notes));
	if (h->parent_id[0] != '\0')
		json_array_append_new(res, resource("PARENT_HANDSHAKE",
		    h->parent_id));
	return (json_pack("{s:s, s:s, s:o, s:s, s:o, s:o, s:s, s:o}",
	    "Id", h->id, "Arn", arn, "Parties", parties,
	    "State", h->state,
	    "RequestedTimestamp", json_time(h->requested_at),
	    "ExpirationTimestamp", json_time(h->expires_at),
	    "Action", h->action, "Resources", res));
}

static int
reply(struct aws_req *r, const struct handshake *h)
{
	json_object_set_new(r->out, "Handshake", aws_handshake_json(h));
	return (0);
}

static int
in_handshake_id(struct aws_req *r, const char **hid, struct err *e)
{
	return (in_string(r, "HandshakeId", 1, 0, HANDSHAKE_ID_MAX, hid, e));
}

/* A string member of a nested object; NULL when absent. */
static int
member_string(json_t *obj, const char *where, const char *member,
    int required, const char **out, struct err *e)
{
	json_t	*v = json_object_get(obj, member);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return (err_set(e, ERR_INVALID, INVALID,
			    "INPUT_REQUIRED", "You must specify a value for "
			    "%s.%s.", where, member));
		return (0);
	}
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return (err_set(e, ERR_INVALID, INVALID, NULL,
		    "%s.%s: expected a string", where, member));
	*out = json_string_value(v);
	return (0);
}

static int
in_tags(struct aws_req *r, struct handshake_tag **tags, size_t *ntags,
    struct err *e)
{
	json_t		*v = json_object_get(r->in, "Tags"), *t;
	const char	*k, *val;
	size_t		 i;

	*tags = NULL;
	*ntags = 0;
	if (v == NULL || json_is_null(v))
		return (0);
	if (!json_is_array(v))
		return (err_set(e, ERR_INVALID, INVALID, NULL,
		    "Tags: expected a list"));
	/* The cap comes before the allocation. */
	if (json_array_size(v) > TAGS_MAX)
		return (err_set(e, ERR_CONFLICT,
		    AWSERR(ConstraintViolationException),
		    "MAX_TAG_LIMIT_EXCEEDED", "Tags: at most %d tags",
		    TAGS_MAX));
	*tags = arena_zalloc(r->arena, sizeof(**tags) *
	    (json_array_size(v) ? json_array_size(v) : 1));
	json_array_foreach(v, i, t) {
		if (!json_is_object(t))
			return (err_set(e, ERR_INVALID, INVALID,
			    "INVALID_LIST_MEMBER", "Tags: each tag is "
			    "{Key, Value}"));
		if (member_string(t, "Tags", "Key", 1, &k, e) == -1 ||
		    member_string(t, "Tags", "Value", 1, &val, e) == -1)
			return (-1);
		if (strlen(k) >= sizeof((*tags)->key) ||
		    strlen(val) >= sizeof((*tags)->value))
			return (err_set(e, ERR_INVALID, INVALID,
			    "MAX_LENGTH_EXCEEDED", "Tags: a key is at most "
			    "128 characters, a value 256"));
		snprintf((*tags)[i].key, sizeof((*tags)->key), "%s", k);
		snprintf((*tags)[i].value, sizeof((*tags)->value), "%s", val);
	}
	*ntags = json_array_size(v);
	return (0);
}

int
aws_in_party(struct aws_req *r, const char *member, const char **type,
    const char **id, struct err *e)
{
	json_t	*target = json_object_get(r->in, member);

	if (target == NULL || json_is_null(target))
		return (err_set(e, ERR_INVALID, INVALID, "INPUT_REQUIRED",
		    "You must specify a value for %s.", member));
	if (!json_is_object(target))
		return (err_set(e, ERR_INVALID, INVALID, NULL,
		    "%s: expected {Id, Type}", member));
	if (member_string(target, member, "Type", 1, type, e) == -1 ||
	    member_string(target, member, "Id", 1, id, e) == -1)
		return (-1);
	return (0);
}

int
aws_invite_account_to_organization(struct aws_req *r, struct err *e)
{
	struct handshake	 h;
	struct handshake_tag	*tags;
	size_t			 ntags;
	const char		*type, *id, *notes;

	if (aws_in_party(r, "Target", &type, &id, e) == -1 ||
	    in_string(r, "Notes", 0, 0, HANDSHAKE_NOTES_MAX, &notes, e) == -1 ||
	    in_tags(r, &tags, &ntags, e) == -1)
		return (-1);
	if (handshake_invite(r->store, &r->who, type, id, notes, tags, ntags,
	    &h, e) == -1)
		return (-1);
	return (reply(r, &h));
}

int
aws_accept_handshake(struct aws_req *r, struct err *e)
{
	struct handshake	 h;
	const char		*hid;
	int			 flags = 0;

	if (in_handshake_id(r, &hid, e) == -1)
		return (-1);
	if (r->http != NULL && r->http->cfg != NULL &&
	    r->http->cfg->no_direct_transfer)
		flags |= HANDSHAKE_NO_DIRECT_TRANSFER;
	if (handshake_accept(r->store, &r->who, hid, flags, &h, e) == -1)
		return (-1);
	return (reply(r, &h));
}

int
aws_decline_handshake(struct aws_req *r, struct err *e)
{
	struct handshake	 h;
	const char		*hid;

	if (in_handshake_id(r, &hid, e) == -1 ||
	    handshake_decline(r->store, &r->who, hid, &h, e) == -1)
		return (-1);
	return (reply(r, &h));
}

int
aws_cancel_handshake(struct aws_req *r, struct err *e)
{
	struct handshake	 h;
	const char		*hid;

	if (in_handshake_id(r, &hid, e) == -1 ||
	    handshake_cancel(r->store, &r->who, hid, &h, e) == -1)
		return (-1);
	return (reply(r, &h));
}

int
aws_enable_all_features(struct aws_req *r, struct err *e)
{
	struct handshake	 h;

	if (all_features_enable(r->store, &r->who, &h, e) == -1)
		return (-1);
	return (reply(r, &h));
}

int
aws_describe_handshake(struct aws_req *r, struct err *e)
{
	struct handshake	 h;
	const char		*hid;

	if (in_handshake_id(r, &hid, e) == -1 ||
	    handshake_describe(r->store, &r->who, hid, &h, e) == -1)
		return (-1);
	return (reply(r, &h));
}

static int
in_filter(struct aws_req *r, struct handshake_filter *f, struct err *e)
{
	json_t	*v = json_object_get(r->in, "Filter");

	f->action = NULL;
	f->parent_id = NULL;
	if (v == NULL || json_is_null(v))
		return (0);
	if (!json_is_object(v))
		return (err_set(e, ERR_INVALID, INVALID, NULL,
		    "Filter: expected {ActionType | ParentHandshakeId}"));
	if (member_string(v, "Filter", "ActionType", 0, &f->action, e) == -1 ||
	    member_string(v, "Filter", "ParentHandshakeId", 0, &f->parent_id,
	    e) == -1)
		return (-1);
	return (0);
}

typedef int	(*list_fn)(struct store *, struct arena *,
		    const struct principal *, const struct handshake_filter *,
		    const char *, size_t, struct handshake **, size_t *, int *,
		    struct err *);

static int
list(struct aws_req *r, const char *kind, list_fn fn, struct err *e)
{
	struct handshake_filter	 f;
	struct handshake	*v;
	char			 after[HANDSHAKE_ID_MAX + 1];
	size_t			 max, n, i;
	int			 more;
	json_t			*a;

	if (in_filter(r, &f, e) == -1 ||
	    in_page(r, kind, after, sizeof(after), &max, e) == -1)
		return (-1);
	if (fn(r->store, r->arena, &r->who, &f, after, max, &v, &n, &more,
	    e) == -1)
		return (-1);
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, aws_handshake_json(&v[i]));
	json_object_set_new(r->out, "Handshakes", a);
	if (more)
		out_page(r, kind, v[n - 1].id);
	return (0);
}

int
aws_list_handshakes_for_account(struct aws_req *r, struct err *e)
{
	return (list(r, "hs-account", handshake_list_for_account, e));
}

int
aws_list_handshakes_for_organization(struct aws_req *r, struct err *e)
{
	return (list(r, "hs-org", handshake_list_for_org, e));
}

int
aws_leave_organization(struct aws_req *r, struct err *e)
{
	return (org_leave(r->store, &r->who, e));
}

int
aws_remove_account_from_organization(struct aws_req *r, struct err *e)
{
	const char	*id;

	if (in_string(r, "AccountId", 1, 0, 12, &id, e) == -1)
		return (-1);
	return (org_remove_account(r->store, &r->who, id, e));
}
