/* SPDX-License-Identifier: MIT */
/*
 * TagResource, UntagResource, ListTagsForResource, and in_tag_list(): the Tags
 * input shared by every operation that takes tags. Translate only.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/ops.h"
#include "org/tags.h"

#define INVALID	AWSERR(InvalidInputException)

static int
tag_member(json_t *t, const char *name, size_t max, char *dst, size_t size,
    struct err *e)
{
	json_t		*v = json_object_get(t, name);
	const char	*s;

	if (v == NULL || !json_is_string(v))
		return (err_set(e, ERR_INVALID, INVALID, "INPUT_REQUIRED",
		    "Tags: each tag needs a string %s", name));
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v) || strlen(s) >= size ||
	    strlen(s) > max * 4)
		return (err_set(e, ERR_INVALID, INVALID, "MAX_LENGTH_EXCEEDED",
		    "Tags: a %s is at most %zu characters", name, max));
	snprintf(dst, size, "%s", s);
	return (0);
}

int
in_tag_list(struct aws_req *r, const char *member, size_t max,
    struct handshake_tag **out, size_t *n_out, struct err *e)
{
	json_t			*v = json_object_get(r->in, member), *t;
	struct handshake_tag	*tags;
	size_t			 i;

	*out = NULL;
	*n_out = 0;
	if (v == NULL || json_is_null(v))
		return (0);
	if (!json_is_array(v))
		return (err_set(e, ERR_INVALID, INVALID, NULL,
		    "%s: expected a list", member));
	if (json_array_size(v) > max)
		return (err_set(e, ERR_LIMIT,
		    AWSERR(ConstraintViolationException),
		    "MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the maximum "
		    "number of tags (%zu) allowed on this resource.", max));
	tags = arena_zalloc(r->arena, sizeof(*tags) * (json_array_size(v) + 1));
	json_array_foreach(v, i, t) {
		if (!json_is_object(t))
			return (err_set(e, ERR_INVALID, INVALID,
			    "INVALID_LIST_MEMBER", "%s: each tag is an object",
			    member));
		if (tag_member(t, "Key", 128, tags[i].key, sizeof(tags[i].key),
		    e) == -1 || tag_member(t, "Value", 256, tags[i].value,
		    sizeof(tags[i].value), e) == -1)
			return (-1);
	}
	*out = tags;
	*n_out = json_array_size(v);
	return (0);
}

int
aws_tag_resource(struct aws_req *r, struct err *e)
{
	struct handshake_tag	*tags;
	const char		*id;
	size_t			 n;

	if (in_string(r, "ResourceId", 1, 1, 130, &id, e) == -1)
		return (-1);
	if (json_object_get(r->in, "Tags") == NULL)
		return (err_set(e, ERR_INVALID, INVALID, "INPUT_REQUIRED",
		    "You must specify a value for Tags."));
	if (in_tag_list(r, "Tags", TAGS_PER_RESOURCE, &tags, &n, e) == -1)
		return (-1);
	return (tags_tag(r->store, &r->who, id, tags, n, e));
}

int
aws_untag_resource(struct aws_req *r, struct err *e)
{
	json_t		*v, *k;
	const char	*id, **keys;
	size_t		 i;

	if (in_string(r, "ResourceId", 1, 1, 130, &id, e) == -1)
		return (-1);
	v = json_object_get(r->in, "TagKeys");
	if (v == NULL || !json_is_array(v))
		return (err_set(e, ERR_INVALID, INVALID, "INPUT_REQUIRED",
		    "You must specify a value for TagKeys."));
	if (json_array_size(v) > TAGS_PER_RESOURCE)
		return (err_set(e, ERR_INVALID, INVALID, "MAX_LIMIT_EXCEEDED",
		    "TagKeys: at most %d keys", TAGS_PER_RESOURCE));
	keys = arena_zalloc(r->arena, sizeof(*keys) * (json_array_size(v) + 1));
	json_array_foreach(v, i, k) {
		if (!json_is_string(k))
			return (err_set(e, ERR_INVALID, INVALID,
			    "INVALID_LIST_MEMBER", "TagKeys: strings only"));
		keys[i] = json_string_value(k);
	}
	return (tags_untag(r->store, &r->who, id, keys, json_array_size(v), e));
}

int
aws_list_tags_for_resource(struct aws_req *r, struct err *e)
{
	struct handshake_tag	*tags;
	const char		*id, *tok;
	size_t			 n, i;
	json_t			*a;

	if (in_string(r, "ResourceId", 1, 1, 130, &id, e) == -1 ||
	    in_string(r, "NextToken", 0, 0, 100000, &tok, e) == -1)
		return (-1);
	/* At most 50 tags: one page, so any NextToken given is stale. */
	if (tok != NULL)
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_NEXT_TOKEN",
		    "The specified NextToken is not valid."));
	if (tags_list(r->store, r->arena, &r->who, id, &tags, &n, e) == -1)
		return (-1);
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "Key",
		    tags[i].key, "Value", tags[i].value));
	json_object_set_new(r->out, "Tags", a);
	return (0);
}
