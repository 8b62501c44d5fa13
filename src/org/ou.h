/* SPDX-License-Identifier: MIT */
/*
 * The organization's tree: the root, organizational units (nested at most
 * OU_DEPTH_MAX deep) and where each account sits in it (the membership's
 * parent). Writes are the management account's; reads also a delegated
 * administrator's. Errors carry AWS's names (spec §1, §2).
 */
#ifndef ORG_OU_H
#define ORG_OU_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "org/account.h"
#include "store/org.h"
#include "store/store.h"

#define OU_DEPTH_MAX	5
#define OU_COUNT_MAX	1000

/* An entry of ListChildren / ListParents: id and ROOT|ORGANIZATIONAL_UNIT|ACCOUNT. */
struct ou_node {
	char	 id[OU_ID_MAX + 1];
	char	 type[24];
};

/* Id format checks (the model's patterns). */
int	ou_id_valid(const char *);
int	root_id_valid(const char *);
int	parent_id_valid(const char *);

/*
 * Creates OU `name` under parent_id (a root or OU of the caller's
 * organization), tagged with tags. Fails with ParentNotFoundException,
 * DuplicateOrganizationalUnitException, ConstraintViolationException
 * OU_DEPTH_LIMIT_EXCEEDED or OU_NUMBER_LIMIT_EXCEEDED.
 */
int	ou_create(struct store *, const struct principal *,
	    const char *parent_id, const char *name,
	    const struct handshake_tag *tags, size_t ntags,
	    struct organization *org_out /* OUT */,
	    struct org_unit *out /* OUT */, struct err *);
/* Renames (name NULL: no change); DuplicateOrganizationalUnitException. */
int	ou_update(struct store *, const struct principal *, const char *ou_id,
	    const char *name, struct organization *org_out /* OUT */,
	    struct org_unit *out /* OUT */, struct err *);
/* OrganizationalUnitNotEmptyException while it holds OUs or accounts. */
int	ou_delete(struct store *, const struct principal *, const char *ou_id,
	    struct err *);
int	ou_describe(struct store *, const struct principal *,
	    const char *ou_id, struct organization *org_out /* OUT */,
	    struct org_unit *out /* OUT */, struct err *);
int	ou_list(struct store *, struct arena *, const struct principal *,
	    const char *parent_id, const char *after, size_t limit,
	    struct organization *org_out /* OUT */,
	    struct org_unit **out /* OUT */, size_t *n_out /* OUT */,
	    int *more_out /* OUT */, struct err *);
int	ou_list_accounts(struct store *, struct arena *,
	    const struct principal *, const char *parent_id, const char *after,
	    size_t limit, struct organization *org_out /* OUT */,
	    struct member **out /* OUT */, size_t *n_out /* OUT */,
	    int *more_out /* OUT */, struct err *);
/* child_type ACCOUNT or ORGANIZATIONAL_UNIT. */
int	ou_children(struct store *, struct arena *, const struct principal *,
	    const char *parent_id, const char *child_type, const char *after,
	    size_t limit, struct ou_node **out /* OUT */,
	    size_t *n_out /* OUT */, int *more_out /* OUT */, struct err *);
/* ChildNotFoundException for an id not in the caller's organization. */
int	ou_parent(struct store *, const struct principal *,
	    const char *child_id, struct ou_node *out /* OUT */, struct err *);
/*
 * Moves an account between parents. SourceParentNotFoundException,
 * DestinationParentNotFoundException, AccountNotFoundException (not in the
 * organization or not under the source), DuplicateAccountException (already
 * under the destination).
 */
int	ou_move_account(struct store *, const struct principal *,
	    const char *account_id, const char *source_id,
	    const char *dest_id, struct err *);

/*
 * Inside the caller's transaction: whether parent_id is the root or an OU
 * of o (ERR_NOT_FOUND without an AWS name otherwise); *depth_out is 0 for
 * the root. NULL depth_out is allowed.
 */
int	ou_find_parent(struct store *, const struct organization *,
	    const char *parent_id, int *depth_out /* OUT */, struct err *);
/* The target kind of an id in o: ROOT, ORGANIZATIONAL_UNIT or ACCOUNT;
 * ERR_NOT_FOUND when o has no such root, OU or member account. */
int	ou_target_type(struct store *, const struct organization *,
	    const char *id, struct ou_node *out /* OUT */, struct err *);
void	ou_arn(const struct organization *, const char *ou_id, char *buf,
	    size_t len);

#endif
