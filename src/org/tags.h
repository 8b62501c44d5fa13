/* SPDX-License-Identifier: MIT */
/*
 * Tags on the organization's resources: accounts, the root, OUs, policies
 * and the resource policy (TagResource, UntagResource, ListTagsForResource).
 * At most TAGS_PER_RESOURCE per resource (ConstraintViolationException
 * MAX_TAG_LIMIT_EXCEEDED); an id the caller's organization does not have is
 * TargetNotFoundException.
 */
#ifndef ORG_TAGS_H
#define ORG_TAGS_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "org/account.h"
#include "store/org.h"
#include "store/store.h"

#define TAGS_PER_RESOURCE	50

/* Checks keys (1..128), values (0..256), patterns, duplicates, aws: prefix. */
int	tags_check(const struct handshake_tag *, size_t n, struct err *);
int	tags_check_key(const char *key, struct err *);
/* Inside the caller's transaction: adds or replaces tags of resource_id. */
int	tags_put_locked(struct store *, const char *org_id,
	    const char *resource_id, const struct handshake_tag *, size_t n,
	    struct err *);
int	tags_tag(struct store *, const struct principal *,
	    const char *resource_id, const struct handshake_tag *, size_t n,
	    struct err *);
int	tags_untag(struct store *, const struct principal *,
	    const char *resource_id, const char *const *keys, size_t n,
	    struct err *);
int	tags_list(struct store *, struct arena *, const struct principal *,
	    const char *resource_id, struct handshake_tag **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);

#endif
