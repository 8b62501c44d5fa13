/* SPDX-License-Identifier: MIT */
/*
 * Organizations: create, describe, delete, and what the management account
 * sees of its members. Every call takes the principal who asks and answers
 * as AWS Organizations does for that caller; errors carry AWS's exception
 * names and messages. Each write is one store transaction.
 */
#ifndef ORG_ORGANIZATION_H
#define ORG_ORGANIZATION_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "org/account.h"
#include "store/org.h"
#include "store/store.h"

#define ORG_PAGE_MAX	20	/* AWS's MaxResults ceiling */

/* The caller's organization, or AWSOrganizationsNotInUseException. */
int	org_of(struct store *, const struct principal *,
	    struct organization *out /* OUT */,
	    struct membership *m_out /* OUT, may be NULL */, struct err *);

/*
 * The caller becomes the management account of a new organization with
 * feature_set "ALL" (NULL) or "CONSOLIDATED_BILLING". Fails with
 * AlreadyInOrganizationException when the caller is in one.
 */
int	org_create(struct store *, const struct principal *,
	    const char *feature_set, struct organization *out /* OUT */,
	    struct err *);
int	org_describe(struct store *, const struct principal *,
	    struct organization *out /* OUT */, struct err *);
/*
 * Deletes the caller's organization. AccessDeniedException for a member,
 * OrganizationNotEmptyException while other accounts are in it. The
 * organization's OPEN invitations are CANCELED with it (spec §10.4);
 * invitations it received from others survive and can still be accepted.
 */
int	org_delete(struct store *, const struct principal *, struct err *);

/* Management account only (AccessDeniedException for members). */
int	org_describe_account(struct store *, const struct principal *,
	    const char *account_id, struct organization *org_out /* OUT */,
	    struct member *out /* OUT */, struct err *);
/*
 * One page of the organization's accounts in id order, starting after
 * `after` ("" for the first page); *more_out tells whether there is another.
 */
int	org_list_accounts(struct store *, struct arena *,
	    const struct principal *, const char *after, size_t limit,
	    struct organization *org_out /* OUT */,
	    struct member **out /* OUT */, size_t *n_out /* OUT */,
	    int *more_out /* OUT */, struct err *);
int	org_require_management(struct store *, const struct principal *,
	    struct organization *out /* OUT */, struct err *);

/*
 * A member leaves the caller's organization (LeaveOrganization) or the
 * management account removes one (RemoveAccountFromOrganization). The
 * account must be able to stand alone: a payment method and a phone on file,
 * else ConstraintViolationException MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED
 * or ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION. The management account
 * can do neither: MasterCannotLeaveOrganizationException. The membership row
 * is closed now (left_method LEFT or REMOVED).
 */
int	org_leave(struct store *, const struct principal *, struct err *);
int	org_remove_account(struct store *, const struct principal *,
	    const char *account_id, struct err *);

/*
 * Inside the caller's transaction, before membership m of o closes: the
 * rules every departure obeys (ConstraintViolationException
 * WAIT_PERIOD_ACTIVE for a CREATED account younger than four days,
 * CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG); and after it closed,
 * org_departed() drops the account's tags and policy attachments in o.
 */
int	org_departure_check(struct store *, const struct organization *,
	    const struct membership *m, struct err *);
int	org_departed(struct store *, const struct organization *,
	    const char *account_id, struct err *);

/* ARNs in AWS's formats, into buf. */
void	org_arn(const struct organization *, char *buf, size_t len);
void	org_account_arn(const struct organization *, const char *account_id,
	    char *buf, size_t len);
void	org_root_arn(const struct organization *, char *buf, size_t len);

#endif
