/* SPDX-License-Identifier: MIT */
/*
 * Delegated administrators (a member account that administers an AWS
 * service for the organization, and may call the organization's read
 * operations), trusted service access, and the organization's resource
 * policy.
 */
#ifndef ORG_DELEGATION_H
#define ORG_DELEGATION_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "org/account.h"
#include "store/org.h"
#include "store/store.h"

#define RESOURCE_POLICY_MAX	40000

/* A delegated administrator as ListDelegatedAdministrators shows it. */
struct deleg_admin_view {
	struct member	 member;
	int64_t		 enabled_at;	/* its first registration */
};

/*
 * Inside the caller's open transaction: the caller's organization when the
 * caller is its management account or a delegated administrator; else
 * AWSOrganizationsNotInUseException or AccessDeniedException.
 */
int	deleg_require_reader(struct store *, const struct principal *,
	    struct organization *out /* OUT */, struct err *);
/* Whether account_id administers any service in org_id (inside a txn). */
int	deleg_is_admin(struct store *, const char *org_id,
	    const char *account_id, int *out /* OUT */, struct err *);
/* ServicePrincipal format: 1..128 of [\w+=,.@-], ending .amazonaws.com. */
int	deleg_check_service(const char *, struct err *);

/*
 * AccountNotFoundException (not a member), ConstraintViolationException
 * CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR,
 * AccountAlreadyRegisteredException / AccountNotRegisteredException.
 */
int	deleg_register(struct store *, const struct principal *,
	    const char *account_id, const char *service, struct err *);
int	deleg_deregister(struct store *, const struct principal *,
	    const char *account_id, const char *service, struct err *);
int	deleg_list_admins(struct store *, struct arena *,
	    const struct principal *, const char *service /* NULL: all */,
	    const char *after, size_t limit,
	    struct organization *org_out /* OUT */,
	    struct deleg_admin_view **out /* OUT */, size_t *n_out /* OUT */,
	    int *more_out /* OUT */, struct err *);
int	deleg_list_services(struct store *, struct arena *,
	    const struct principal *, const char *account_id,
	    const char *after, size_t limit,
	    struct delegated_admin **out /* OUT */, size_t *n_out /* OUT */,
	    int *more_out /* OUT */, struct err *);

/* Enable/DisableAWSServiceAccess; the list shows service_principal and
 * enabled_at of each. */
int	deleg_service_access(struct store *, const struct principal *,
	    const char *service, int enable, struct err *);
int	deleg_list_service_access(struct store *, struct arena *,
	    const struct principal *, const char *after, size_t limit,
	    struct delegated_admin **out /* OUT */, size_t *n_out /* OUT */,
	    int *more_out /* OUT */, struct err *);

/* The resource policy: Put (InvalidInputException INVALID_RESOURCE_POLICY_JSON),
 * Describe and Delete (ResourcePolicyNotFoundException). */
int	deleg_resource_policy_put(struct store *, struct arena *,
	    const struct principal *, const char *content,
	    const struct handshake_tag *tags, size_t ntags,
	    struct organization *org_out /* OUT */,
	    struct resource_policy *out /* OUT */, struct err *);
int	deleg_resource_policy_get(struct store *, struct arena *,
	    const struct principal *, struct organization *org_out /* OUT */,
	    struct resource_policy *out /* OUT */, struct err *);
int	deleg_resource_policy_delete(struct store *, const struct principal *,
	    struct err *);
void	deleg_resource_policy_arn(const struct organization *,
	    const char *id, char *buf, size_t len);

#endif
