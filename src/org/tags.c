/* SPDX-License-Identifier: MIT */
/* Tags on organization resources: see tags.h. */
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "org/delegation.h"
#include "org/organization.h"
#include "org/ou.h"
#include "org/policy.h"
#include "org/tags.h"
#include "org/transfer.h"

#define INVALID		AWSERR(InvalidInputException)

/* AWS's pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]*: ASCII is checked, other
 * (UTF-8) letters pass. */
static int
tag_chars_ok(const char *s)
{
	const unsigned char	*p;

	if (!utf8_valid(s, strlen(s)))
		return (0);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x80 && !((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr(" _.:/=+-@", *p) != NULL))
			return (0);
	return (1);
}

int
tags_check_key(const char *key, struct err *e)
{
	size_t	 n = utf8_chars(key);

	if (n < 1 || n > 128 || !tag_chars_ok(key))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "Tags: a key is 1 to 128 letters, digits, spaces or "
		    "_.:/=+-@"));
	if (strncmp(key, "aws:", 4) == 0)
		return (err_set(e, ERR_INVALID, INVALID,
		    "INVALID_SYSTEM_TAGS_PARAMETER", "Tags: keys starting "
		    "with aws: are reserved for AWS"));
	return (0);
}

int
tags_check(const struct handshake_tag *t, size_t n, struct err *e)
{
	size_t	 i, j;

	if (n > TAGS_PER_RESOURCE)
		/* AWS: TagResource fails with ConstraintViolationException MAX_TAG_LIMIT_EXCEEDED */
		return (err_set(e, ERR_LIMIT,
		    AWSERR(ConstraintViolationException),
		    "MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the maximum "
		    "number of tags (%d) allowed on this resource.",
		    TAGS_PER_RESOURCE));
	for (i = 0; i < n; i++) {
		if (tags_check_key(t[i].key, e) == -1)
			return (-1);
		if (utf8_chars(t[i].value) > 256 || !tag_chars_ok(t[i].value))
			return (err_set(e, ERR_INVALID, INVALID,
			    "INVALID_PATTERN", "Tags: a value is 0 to 256 "
			    "letters, digits, spaces or _.:/=+-@"));
		for (j = 0; j < i; j++)
			if (strcmp(t[i].key, t[j].key) == 0)
				return (err_set(e, ERR_INVALID, INVALID,
				    "DUPLICATE_TAG_KEY", "Tags: key %s is "
				    "given twice", t[i].key));
	}
	return (0);
}

int
tags_put_locked(struct store *st, const char *org_id, const char *resource_id,
    const struct handshake_tag *t, size_t n, struct err *e)
{
	int64_t	 count;
	size_t	 i;

	for (i = 0; i < n; i++)
		if (store_tag_put(st, org_id, resource_id, t[i].key, t[i].value,
		    e) == -1)
			return (-1);
	if (store_tag_count(st, org_id, resource_id, &count, e) == -1)
		return (-1);
	if (count > TAGS_PER_RESOURCE)
		return (err_set(e, ERR_LIMIT,
		    AWSERR(ConstraintViolationException),
		    "MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the maximum "
		    "number of tags (%d) allowed on this resource.",
		    TAGS_PER_RESOURCE));
	return (0);
}

/* Whether resource_id is a taggable resource of o. */
static int
resource_of(struct store *st, struct arena *a, const struct organization *o,
    const char *resource_id, struct err *e)
{
	struct ou_node		 node;
	struct policy		 p;
	struct resource_policy	 rp;

	if (resource_id == NULL || strlen(resource_id) > 130)
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "ResourceId: not a taggable resource id"));
	if (strncmp(resource_id, "p-", 2) == 0) {
		if (policy_find_locked(st, a, o, resource_id, &p, NULL) == 0 &&
		    !p.aws_managed)
			return (0);
	} else if (strncmp(resource_id, "rp-", 3) == 0) {
		if (store_resource_policy_get(st, a, o->id, &rp, NULL) == 0 &&
		    strcmp(rp.id, resource_id) == 0)
			return (0);
	} else if (strncmp(resource_id, "rt-", 3) == 0) {
		/* A billing transfer: either side tags its own view. */
		if (transfer_of_org_locked(st, o, resource_id, NULL) == 0)
			return (0);
	} else if (account_id_valid(resource_id) || parent_id_valid(resource_id)) {
		if (ou_target_type(st, o, resource_id, &node, NULL) == 0)
			return (0);
	} else
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "ResourceId: not a taggable resource id"));
	/* AWS: TagResource fails with TargetNotFoundException */
	return (err_set(e, ERR_NOT_FOUND, AWSERR(TargetNotFoundException), NULL,
	    "You specified a target that doesn't exist."));
}

int
tags_tag(struct store *st, const struct principal *who,
    const char *resource_id, const struct handshake_tag *t, size_t n,
    struct err *e)
{
	struct organization	 o;
	struct arena		 a;

	if (tags_check(t, n, e) == -1)
		return (-1);
	arena_init(&a);
	if (store_begin(st, STORE_WRITE, e) == -1)
		goto out;
	if (deleg_require_reader(st, who, &o, e) == -1 ||
	    resource_of(st, &a, &o, resource_id, e) == -1 ||
	    tags_put_locked(st, o.id, resource_id, t, n, e) == -1) {
		store_rollback(st);
		goto out;
	}
	arena_release(&a);
	return (store_commit(st, e));
out:
	arena_release(&a);
	return (-1);
}

int
tags_untag(struct store *st, const struct principal *who,
    const char *resource_id, const char *const *keys, size_t n,
    struct err *e)
{
	struct organization	 o;
	struct arena		 a;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (tags_check_key(keys[i], e) == -1)
			return (-1);
	arena_init(&a);
	if (store_begin(st, STORE_WRITE, e) == -1)
		goto out;
	if (deleg_require_reader(st, who, &o, e) == -1 ||
	    resource_of(st, &a, &o, resource_id, e) == -1)
		goto fail;
	for (i = 0; i < n; i++)
		if (store_tag_delete(st, o.id, resource_id, keys[i], e) == -1)
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
tags_list(struct store *st, struct arena *a, const struct principal *who,
    const char *resource_id, struct handshake_tag **out, size_t *n_out,
    struct err *e)
{
	struct organization	 o;
	int			 rc = -1;

	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	if (deleg_require_reader(st, who, &o, e) == 0 &&
	    resource_of(st, a, &o, resource_id, e) == 0 &&
	    store_tag_list(st, a, o.id, resource_id, out, n_out, e) == 0)
		rc = 0;
	store_rollback(st);
	return (rc);
}
