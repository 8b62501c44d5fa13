/* SPDX-License-Identifier: MIT */
/* Organizations: see organization.h. */
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "org/created_account.h"
#include "org/delegation.h"
#include "org/organization.h"
#include "org/transfer.h"
#include "org/policy.h"

#define MSG_NOT_IN_USE	"Your account is not a member of an organization."
#define MSG_DENIED	"You don't have permissions to access this resource."
#define MSG_MASTER	"You can't remove a management account from an " \
			"organization. If you want the management account to " \
			"become a member account in another organization, you " \
			"must first delete the current organization."

int
org_of(struct store *st, const struct principal *who, struct organization *out,
    struct membership *m_out, struct err *e)
{
	struct membership	 m;

	if (store_membership_current(st, who->account_id, &m, e) == -1 ||
	    store_org_get(st, m.org_id, out, e) == -1) {
		if (e->code == ERR_NOT_FOUND)
			err_set(e, ERR_NOT_FOUND,
			    AWSERR(AWSOrganizationsNotInUseException), NULL,
			    MSG_NOT_IN_USE);
		return (-1);
	}
	if (m_out != NULL)
		*m_out = m;
	return (0);
}

int
org_require_management(struct store *st, const struct principal *who,
    struct organization *out, struct err *e)
{
	if (org_of(st, who, out, NULL, e) == -1)
		return (-1);
	if (strcmp(out->management_id, who->account_id) != 0)
		return (err_set(e, ERR_DENIED, AWSERR(AccessDeniedException),
		    NULL,
		    MSG_DENIED));
	return (0);
}

const char *
org_partition_of(const char *region)
{
	static const struct {
		const char	*prefix;
		const char	*partition;
	} map[] = {
		/* Longest first: us-isob- before us-iso-. */
		{ "us-isob-", "aws-iso-b" },
		{ "us-isof-", "aws-iso-f" },
		{ "us-iso-", "aws-iso" },
		{ "eu-isoe-", "aws-iso-e" },
		{ "us-gov-", "aws-us-gov" },
		{ "eusc-", "aws-eusc" },
		{ "cn-", "aws-cn" },
	};
	size_t	 i;

	for (i = 0; region != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(region, map[i].prefix, strlen(map[i].prefix)) == 0)
			return (map[i].partition);
	return ("aws");
}

const char *
org_partition(const struct organization *o)
{
	return (o->partition[0] != '\0' ? o->partition : "aws");
}

int
org_create(struct store *st, const struct principal *who,
    const char *feature_set, struct organization *out, struct err *e)
{
	return (org_create_in(st, who, feature_set, NULL, out, e));
}

int
org_create_in(struct store *st, const struct principal *who,
    const char *feature_set, const char *region, struct organization *out,
    struct err *e)
{
	struct organization	 o;
	struct membership	 m;
	struct account		 a;

	if (feature_set == NULL)
		feature_set = "ALL";
	if (strcmp(feature_set, "ALL") != 0 &&
	    strcmp(feature_set, "CONSOLIDATED_BILLING") != 0)
		return (err_set(e, ERR_INVALID, AWSERR(InvalidInputException),
		    "INVALID_ENUM", "FeatureSet: must be ALL or "
		    "CONSOLIDATED_BILLING"));
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (store_membership_current(st, who->account_id, &m, NULL) == 0) {
		err_set(e, ERR_CONFLICT, AWSERR(AlreadyInOrganizationException),
		    NULL,
		    "The provided account is already a member of an "
		    "organization.");
		goto fail;
	}
	if (store_account_get(st, who->account_id, &a, e) == -1)
		goto fail;
	memset(&o, 0, sizeof(o));
	memcpy(o.id, "o-", 2);
	random_chars(o.id + 2, 10, ALPHA_LOWER_DIGITS);
	memcpy(o.root_id, "r-", 2);
	random_chars(o.root_id + 2, 4, ALPHA_LOWER_DIGITS);
	snprintf(o.management_id, sizeof(o.management_id), "%s", a.id);
	snprintf(o.management_email, sizeof(o.management_email), "%s",
	    a.email);
	snprintf(o.management_name, sizeof(o.management_name), "%s", a.name);
	snprintf(o.feature_set, sizeof(o.feature_set), "%s", feature_set);
	snprintf(o.partition, sizeof(o.partition), "%s",
	    org_partition_of(region));
	o.created_at = store_now(st);
	if (store_org_insert(st, &o, e) == -1)
		goto fail;
	memset(&m, 0, sizeof(m));
	snprintf(m.account_id, sizeof(m.account_id), "%s", a.id);
	snprintf(m.org_id, sizeof(m.org_id), "%s", o.id);
	snprintf(m.payer_id, sizeof(m.payer_id), "%s", a.id);
	snprintf(m.joined_method, sizeof(m.joined_method), "INVITED");
	snprintf(m.parent_id, sizeof(m.parent_id), "%s", o.root_id);
	m.joined_at = o.created_at;
	if (store_membership_open(st, &m, e) == -1 ||
	    store_audit_append(st, who->account_id, "organization.create",
	    o.id, o.feature_set, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	*out = o;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
org_describe(struct store *st, const struct principal *who,
    struct organization *out, struct err *e)
{
	return (org_of(st, who, out, NULL, e));
}

int
org_delete(struct store *st, const struct principal *who, struct err *e)
{
	struct organization	 o;
	int64_t			 n, now;

	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (org_require_management(st, who, &o, e) == -1)
		goto fail;
	if (store_org_member_count(st, o.id, &n, e) == -1)
		goto fail;
	if (n > 1) {
		/* AWS: DeleteOrganization fails with OrganizationNotEmptyException */
		err_set(e, ERR_CONFLICT, AWSERR(OrganizationNotEmptyException),
		    NULL,
		    "To delete an organization you must first remove all "
		    "member accounts (except the master).");
		goto fail;
	}
	now = store_now(st);
	if (transfer_org_free_locked(st, &o, now, e) == -1)
		goto fail;
	/* The org's open invitations go with it (spec §10.4: history lost). */
	if (store_handshake_cancel_open(st, o.id, now, e) == -1 ||
	    store_membership_close(st, o.management_id, now, "DELETED",
	    e) == -1 || store_org_delete(st, o.id, now, e) == -1 ||
	    store_audit_append(st, who->account_id, "organization.delete",
	    o.id, "", e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
org_describe_account(struct store *st, const struct principal *who,
    const char *account_id, struct organization *org_out, struct member *out,
    struct err *e)
{
	int	 rc = -1;

	if (!account_id_valid(account_id))
		return (err_set(e, ERR_INVALID, AWSERR(InvalidInputException),
		    "INVALID_PATTERN", "AccountId: must be 12 digits"));
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	/* AWS: DescribeAccount fails with AccountNotFoundException "or the
	 * account whose credentials you used to make this request isn't a
	 * member of an organization" (the exception's reference). */
	if (deleg_require_reader(st, who, org_out, e) == -1) {
		if (e->aws_type != NULL && strcmp(e->aws_type,
		    AWSERR(AWSOrganizationsNotInUseException)) == 0)
			err_set(e, ERR_NOT_FOUND,
			    AWSERR(AccountNotFoundException),
			    NULL, "You specified an account that doesn't "
			    "exist.");
		goto out;
	}
	if (store_membership_current(st, account_id, &out->membership,
	    NULL) == -1 || strcmp(out->membership.org_id, org_out->id) != 0 ||
	    store_account_get(st, account_id, &out->account, NULL) == -1) {
		err_set(e, ERR_NOT_FOUND, AWSERR(AccountNotFoundException),
		    NULL,
		    "You specified an account that doesn't exist.");
		goto out;
	}
	rc = 0;
out:
	store_rollback(st);
	return (rc);
}

int
org_list_accounts(struct store *st, struct arena *a,
    const struct principal *who, const char *after, size_t limit,
    struct organization *org_out, struct member **out, size_t *n_out,
    int *more_out, struct err *e)
{
	int	 rc = -1;

	if (limit == 0 || limit > ORG_PAGE_MAX)
		limit = ORG_PAGE_MAX;
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	/* AWS: ListAccounts is the management account's or a delegated
	 * administrator's. */
	if (deleg_require_reader(st, who, org_out, e) == -1)
		goto out;
	/* One more than asked tells whether another page exists. */
	if (store_org_members(st, a, org_out->id, after, limit + 1, out,
	    n_out, e) == -1)
		goto out;
	*more_out = *n_out > limit;
	if (*more_out)
		*n_out = limit;
	rc = 0;
out:
	store_rollback(st);
	return (rc);
}

/*
 * What an account needs to stand alone once out of an organization: a
 * payment method, then a verified phone (spec §6).
 */
static int
can_stand_alone(struct store *st, const char *account_id, struct err *e)
{
	struct account	 a;

	if (store_account_get(st, account_id, &a, e) == -1)
		return (-1);
	if (a.payment_method[0] == '\0')
		/* AWS: LeaveOrganization fails with ConstraintViolationException MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED */
		return (err_set(e, ERR_CONFLICT,
		    AWSERR(ConstraintViolationException),
		    "MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED",
		    "The member account must be configured with a valid "
		    "payment method, such as a credit card."));
	if (a.phone[0] == '\0')
		/* AWS: LeaveOrganization fails with ConstraintViolationException ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION */
		return (err_set(e, ERR_CONFLICT,
		    AWSERR(ConstraintViolationException),
		    "ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION",
		    "The member account must have a verified phone number "
		    "before it can leave the organization."));
	return (0);
}

int
org_departure_check(struct store *st, const struct organization *o,
    const struct membership *m, struct err *e)
{
	int	 admin;

	/* AWS: RemoveAccountFromOrganization fails with ConstraintViolationException WAIT_PERIOD_ACTIVE */
	if (created_account_check_wait(st, m, e) == -1)
		return (-1);
	if (deleg_is_admin(st, o->id, m->account_id, &admin, e) == -1)
		return (-1);
	if (admin)
		/* AWS: LeaveOrganization fails with ConstraintViolationException CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG */
		return (err_set(e, ERR_CONFLICT,
		    AWSERR(ConstraintViolationException),
		    "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG", "The "
		    "account is a delegated administrator for a service; "
		    "deregister it before it leaves the organization."));
	return (0);
}

int
org_departed(struct store *st, const struct organization *o,
    const char *account_id, struct err *e)
{
	/* Tags and policy attachments of the account go with its membership. */
	if (store_tag_delete_all(st, o->id, account_id, e) == -1 ||
	    store_policy_detach_all(st, o->id, "", account_id, e) == -1)
		return (-1);
	return (store_policy_default_unmark(st, o->id, account_id, e));
}

int
org_leave(struct store *st, const struct principal *who, struct err *e)
{
	struct organization	 o;
	struct membership	 m;
	int			 denied;

	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	/* AWS: LeaveOrganization fails with AWSOrganizationsNotInUseException */
	if (org_of(st, who, &o, &m, e) == -1)
		goto fail;
	if (strcmp(o.management_id, who->account_id) == 0) {
		/* AWS: LeaveOrganization fails with MasterCannotLeaveOrganizationException */
		err_set(e, ERR_CONFLICT,
		    AWSERR(MasterCannotLeaveOrganizationException),
		    NULL, MSG_MASTER);
		goto fail;
	}
	if (policy_scp_denies_locked(st, &o, who->account_id,
	    "organizations:LeaveOrganization", &denied, e) == -1)
		goto fail;
	if (denied) {
		/* AWS: LeaveOrganization fails with AccessDeniedException (SCP) */
		err_set(e, ERR_DENIED, AWSERR(AccessDeniedException), NULL,
		    "You don't have permissions to access this resource: a "
		    "service control policy denies "
		    "organizations:LeaveOrganization.");
		goto fail;
	}
	if (org_departure_check(st, &o, &m, e) == -1 ||
	    can_stand_alone(st, who->account_id, e) == -1 ||
	    store_membership_close(st, who->account_id, store_now(st), "LEFT",
	    e) == -1 || org_departed(st, &o, who->account_id, e) == -1 ||
	    store_audit_append(st, who->account_id, "organization.leave",
	    o.id, who->account_id, e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
org_remove_account(struct store *st, const struct principal *who,
    const char *account_id, struct err *e)
{
	struct organization	 o;
	struct membership	 m;

	if (account_id == NULL || !account_id_valid(account_id))
		/* AWS: RemoveAccountFromOrganization fails with InvalidInputException INVALID_PATTERN */
		return (err_set(e, ERR_INVALID, AWSERR(InvalidInputException),
		    "INVALID_PATTERN", "AccountId: must be 12 digits"));
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	/* AWS: RemoveAccountFromOrganization fails with AccessDeniedException */
	if (org_require_management(st, who, &o, e) == -1)
		goto fail;
	if (strcmp(account_id, o.management_id) == 0) {
		/* AWS: RemoveAccountFromOrganization fails with MasterCannotLeaveOrganizationException */
		err_set(e, ERR_CONFLICT,
		    AWSERR(MasterCannotLeaveOrganizationException),
		    NULL, MSG_MASTER);
		goto fail;
	}
	if (store_membership_current(st, account_id, &m, NULL) == -1 ||
	    strcmp(m.org_id, o.id) != 0) {
		/* AWS: RemoveAccountFromOrganization fails with AccountNotFoundException */
		err_set(e, ERR_NOT_FOUND, AWSERR(AccountNotFoundException),
		    NULL,
		    "You specified an account that doesn't exist.");
		goto fail;
	}
	/* AWS: RemoveAccountFromOrganization fails with ConstraintViolationException MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED */
	if (org_departure_check(st, &o, &m, e) == -1 ||
	    can_stand_alone(st, account_id, e) == -1 ||
	    store_membership_close(st, account_id, store_now(st), "REMOVED",
	    e) == -1 || org_departed(st, &o, account_id, e) == -1 ||
	    store_audit_append(st, who->account_id, "organization.remove",
	    o.id, account_id, e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

void
org_arn(const struct organization *o, char *buf, size_t len)
{
	snprintf(buf, len, "arn:%s:organizations::%s:organization/%s",
	    org_partition(o), o->management_id, o->id);
}

void
org_account_arn(const struct organization *o, const char *account_id,
    char *buf, size_t len)
{
	snprintf(buf, len, "arn:%s:organizations::%s:account/%s/%s",
	    org_partition(o), o->management_id, o->id, account_id);
}

void
org_root_arn(const struct organization *o, char *buf, size_t len)
{
	snprintf(buf, len, "arn:%s:organizations::%s:root/%s/%s",
	    org_partition(o), o->management_id, o->id, o->root_id);
}
