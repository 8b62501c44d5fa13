/* SPDX-License-Identifier: MIT */
/* Delegated administrators, trusted access, resource policy: see delegation.h. */
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "org/delegation.h"
#include "org/organization.h"
#include "org/policy.h"
#include "org/tags.h"

#define INVALID		AWSERR(InvalidInputException)
#define MSG_DENIED	"You don't have permissions to access this resource."
#define MSG_ACCOUNT	"You specified an account that doesn't exist."
#define MSG_MASTER	"You cannot register master account/yourself as " \
			"delegated administrator for your organization."
#define MSG_UNKNOWN_SVC	"You specified an unrecognized service principal."
#define DELEG_MAX	1000	/* rows read to page in memory */

/*
 * The services that work with AWS Organizations, by service principal
 * ("AWS services that you can use with AWS Organizations", AWS
 * Organizations User Guide, and each service's page there): trusted access
 * for all of them, delegated administration where `admin` says so. Another
 * principal is InvalidInputException UNRECOGNIZED_SERVICE_PRINCIPAL, as
 * AWS answers.
 */
static const struct {
	const char	*principal;
	int		 admin;
} services[] = {
	{ "access-analyzer.amazonaws.com",			1 },
	{ "account.amazonaws.com",				1 },
	{ "auditmanager.amazonaws.com",				1 },
	{ "aws-artifact-account-sync.amazonaws.com",		0 },
	{ "backup.amazonaws.com",				1 },
	{ "cloudtrail.amazonaws.com",				1 },
	{ "compute-optimizer.amazonaws.com",			1 },
	{ "config-multiaccountsetup.amazonaws.com",		1 },
	{ "config.amazonaws.com",				1 },
	{ "controltower.amazonaws.com",				0 },
	{ "detective.amazonaws.com",				1 },
	{ "devops-guru.amazonaws.com",				1 },
	{ "ds.amazonaws.com",					0 },
	{ "fms.amazonaws.com",					1 },
	{ "guardduty.amazonaws.com",				1 },
	{ "health.amazonaws.com",				1 },
	{ "iam.amazonaws.com",					1 },
	{ "inspector2.amazonaws.com",				1 },
	{ "ipam.amazonaws.com",					1 },
	{ "license-management.marketplace.amazonaws.com",	0 },
	{ "license-manager-linux-subscriptions.amazonaws.com",	0 },
	{ "license-manager.amazonaws.com",			1 },
	{ "license-manager.member-account.amazonaws.com",	0 },
	{ "macie.amazonaws.com",				1 },
	{ "malware-protection.guardduty.amazonaws.com",		0 },
	{ "member.org.stacksets.cloudformation.amazonaws.com",	1 },
	{ "mgn.amazonaws.com",					0 },
	{ "networkmanager.amazonaws.com",			1 },
	{ "ram.amazonaws.com",					0 },
	{ "reachabilityanalyzer.networkinsights.amazonaws.com",	1 },
	{ "reporting.trustedadvisor.amazonaws.com",		1 },
	{ "securityhub.amazonaws.com",				1 },
	{ "securitylake.amazonaws.com",				1 },
	{ "servicecatalog.amazonaws.com",			1 },
	{ "servicequotas.amazonaws.com",			0 },
	{ "sso.amazonaws.com",					1 },
	{ "ssm.amazonaws.com",					1 },
	{ "stacksets.cloudformation.amazonaws.com",		0 },
	{ "storage-lens.s3.amazonaws.com",			1 },
	{ "tagpolicies.tag.amazonaws.com",			0 },
	{ "wellarchitected.amazonaws.com",			0 },
};

/* Whether AWS knows service as a service principal of Organizations (for
 * delegated administration when admin). */
static int
service_known(const char *service, int admin)
{
	size_t	 i;

	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (strcmp(services[i].principal, service) == 0)
			return (!admin || services[i].admin);
	return (0);
}

static int
unknown_service(struct err *e)
{
	return (err_set(e, ERR_INVALID, INVALID,
	    "UNRECOGNIZED_SERVICE_PRINCIPAL", MSG_UNKNOWN_SVC));
}

int
deleg_is_admin(struct store *st, const char *org_id, const char *account_id,
    int *out, struct err *e)
{
	int64_t	 n;

	if (store_deleg_count(st, org_id, account_id, "", &n, e) == -1)
		return (-1);
	*out = n > 0;
	return (0);
}

int
deleg_require_reader(struct store *st, const struct principal *who,
    struct organization *out, struct err *e)
{
	int	 admin;

	if (org_of(st, who, out, NULL, e) == -1)
		return (-1);
	if (strcmp(out->management_id, who->account_id) == 0)
		return (0);
	if (deleg_is_admin(st, out->id, who->account_id, &admin, e) == -1)
		return (-1);
	if (!admin)
		return (err_set(e, ERR_DENIED, AWSERR(AccessDeniedException),
		    NULL,
		    MSG_DENIED));
	return (0);
}

int
deleg_check_service(const char *s, struct err *e)
{
	size_t	 n = s != NULL ? strlen(s) : 0;
	size_t	 i;

	if (n < 1 || n > SERVICE_PRINCIPAL_MAX)
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "ServicePrincipal: must be 1 to %d characters",
		    SERVICE_PRINCIPAL_MAX));
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr("_+=,.@-", s[i]) != NULL))
			return (err_set(e, ERR_INVALID, INVALID,
			    "INVALID_PATTERN", "ServicePrincipal: only "
			    "letters, digits and _+=,.@- are allowed"));
	if (n <= 14 || strcmp(s + n - 14, ".amazonaws.com") != 0)
		return (unknown_service(e));
	return (0);
}

/* Management only, ALL features, and the member account_id of o. */
static int
member_of(struct store *st, const struct principal *who, const char *account_id,
    struct organization *o, struct member *m, struct err *e)
{
	if (org_require_management(st, who, o, e) == -1)
		return (-1);
	if (store_membership_current(st, account_id, &m->membership,
	    NULL) == -1 || strcmp(m->membership.org_id, o->id) != 0 ||
	    store_account_get(st, account_id, &m->account, NULL) == -1)
		/* AWS: RegisterDelegatedAdministrator fails with AccountNotFoundException */
		return (err_set(e, ERR_NOT_FOUND,
		    AWSERR(AccountNotFoundException),
		    NULL, MSG_ACCOUNT));
	return (0);
}

int
deleg_register(struct store *st, const struct principal *who,
    const char *account_id, const char *service, struct err *e)
{
	struct organization	 o;
	struct member		 m;
	struct delegated_admin	 d;

	if (account_id == NULL || !account_id_valid(account_id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "AccountId: must be 12 digits"));
	if (deleg_check_service(service, e) == -1)
		return (-1);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (member_of(st, who, account_id, &o, &m, e) == -1)
		goto fail;
	if (strcmp(o.feature_set, "ALL") != 0) {
		err_set(e, ERR_CONFLICT, AWSERR(ConstraintViolationException),
		    "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE", "You can "
		    "delegate administration only in an organization with all "
		    "features enabled.");
		goto fail;
	}
	if (strcmp(account_id, o.management_id) == 0) {
		/* AWS: RegisterDelegatedAdministrator fails with ConstraintViolationException CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR */
		err_set(e, ERR_CONFLICT, AWSERR(ConstraintViolationException),
		    "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
		    MSG_MASTER);
		goto fail;
	}
	if (strcmp(m.account.status, "ACTIVE") != 0) {
		err_set(e, ERR_CONFLICT, AWSERR(ConstraintViolationException),
		    "CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR",
		    "You cannot register a suspended account as a delegated "
		    "administrator.");
		goto fail;
	}
	if (!service_known(service, 1)) {
		/* AWS: RegisterDelegatedAdministrator fails with InvalidInputException UNRECOGNIZED_SERVICE_PRINCIPAL */
		unknown_service(e);
		goto fail;
	}
	memset(&d, 0, sizeof(d));
	snprintf(d.account_id, sizeof(d.account_id), "%s", account_id);
	snprintf(d.service_principal, sizeof(d.service_principal), "%s",
	    service);
	d.enabled_at = store_now(st);
	if (store_deleg_insert(st, o.id, &d, e) == -1) {
		if (e->code == ERR_CONFLICT)
			/* AWS: RegisterDelegatedAdministrator fails with AccountAlreadyRegisteredException */
			err_set(e, ERR_CONFLICT,
			    AWSERR(AccountAlreadyRegisteredException), NULL,
			    "The provided account is already a delegated "
			    "administrator for your organization.");
		goto fail;
	}
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
deleg_deregister(struct store *st, const struct principal *who,
    const char *account_id, const char *service, struct err *e)
{
	struct organization	 o;
	struct member		 m;
	int			 admin;

	if (account_id == NULL || !account_id_valid(account_id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "AccountId: must be 12 digits"));
	if (deleg_check_service(service, e) == -1)
		return (-1);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	/* AWS: DeregisterDelegatedAdministrator fails with AccountNotFoundException */
	if (member_of(st, who, account_id, &o, &m, e) == -1)
		goto fail;
	if (strcmp(account_id, o.management_id) == 0) {
		/* AWS: DeregisterDelegatedAdministrator fails with ConstraintViolationException CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR */
		err_set(e, ERR_CONFLICT, AWSERR(ConstraintViolationException),
		    "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
		    MSG_MASTER);
		goto fail;
	}
	if (deleg_is_admin(st, o.id, account_id, &admin, e) == -1)
		goto fail;
	if (!admin) {
		/* AWS: DeregisterDelegatedAdministrator fails with AccountNotRegisteredException */
		err_set(e, ERR_NOT_FOUND, AWSERR(AccountNotRegisteredException),
		    NULL, "The provided account is not a registered delegated "
		    "administrator for your organization.");
		goto fail;
	}
	if (store_deleg_delete(st, o.id, account_id, service, e) == -1) {
		/* An administrator, not of this service: the service is the
		 * wrong one (moto answers so too). */
		if (e->code == ERR_NOT_FOUND)
			unknown_service(e);
		goto fail;
	}
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

static size_t
page_limit(size_t limit)
{
	return (limit == 0 || limit > ORG_PAGE_MAX ? ORG_PAGE_MAX : limit);
}

int
deleg_list_admins(struct store *st, struct arena *a,
    const struct principal *who, const char *service, const char *after,
    size_t limit, struct organization *org_out,
    struct deleg_admin_view **out, size_t *n_out, int *more_out,
    struct err *e)
{
	struct delegated_admin	*v;
	struct deleg_admin_view	*w;
	size_t			 n, i, k = 0;

	limit = page_limit(limit);
	if (service != NULL && deleg_check_service(service, e) == -1)
		return (-1);
	if (service != NULL && !service_known(service, 1))
		/* AWS: ListDelegatedAdministrators fails with InvalidInputException UNRECOGNIZED_SERVICE_PRINCIPAL */
		return (unknown_service(e));
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	if (deleg_require_reader(st, who, org_out, e) == -1 ||
	    store_deleg_list(st, a, org_out->id, "", service ? service : "",
	    DELEG_MAX, &v, &n, e) == -1)
		goto fail;
	w = arena_zalloc(a, sizeof(*w) * (limit + 1));
	*more_out = 0;
	/* Rows come by account then service: one entry per account. */
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].account_id, after) <= 0)
			continue;
		if (k > 0 && strcmp(w[k - 1].member.account.id,
		    v[i].account_id) == 0) {
			if (v[i].enabled_at < w[k - 1].enabled_at)
				w[k - 1].enabled_at = v[i].enabled_at;
			continue;
		}
		if (k == limit) {
			*more_out = 1;
			break;
		}
		if (store_account_get(st, v[i].account_id, &w[k].member.account,
		    e) == -1 || store_membership_current(st, v[i].account_id,
		    &w[k].member.membership, e) == -1)
			goto fail;
		w[k].enabled_at = v[i].enabled_at;
		k++;
	}
	store_rollback(st);
	*out = w;
	*n_out = k;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
deleg_list_services(struct store *st, struct arena *a,
    const struct principal *who, const char *account_id, const char *after,
    size_t limit, struct delegated_admin **out, size_t *n_out, int *more_out,
    struct err *e)
{
	struct organization	 o;
	struct membership	 m;
	struct delegated_admin	*v;
	size_t			 n, i, k = 0;

	limit = page_limit(limit);
	if (account_id == NULL || !account_id_valid(account_id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "AccountId: must be 12 digits"));
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	if (deleg_require_reader(st, who, &o, e) == -1)
		goto fail;
	if (store_membership_current(st, account_id, &m, NULL) == -1 ||
	    strcmp(m.org_id, o.id) != 0) {
		/* AWS: ListDelegatedServicesForAccount fails with AccountNotFoundException */
		err_set(e, ERR_NOT_FOUND, AWSERR(AccountNotFoundException),
		    NULL,
		    MSG_ACCOUNT);
		goto fail;
	}
	if (store_deleg_list(st, a, o.id, account_id, "", DELEG_MAX, &v, &n,
	    e) == -1)
		goto fail;
	if (n == 0) {
		/* AWS: ListDelegatedServicesForAccount fails with AccountNotRegisteredException */
		err_set(e, ERR_NOT_FOUND, AWSERR(AccountNotRegisteredException),
		    NULL,
		    "The provided account is not a registered delegated "
		    "administrator for your organization.");
		goto fail;
	}
	store_rollback(st);
	*more_out = 0;
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].service_principal, after) <= 0)
			continue;
		if (k == limit) {
			*more_out = 1;
			break;
		}
		v[k++] = v[i];
	}
	*out = v;
	*n_out = k;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
deleg_service_access(struct store *st, const struct principal *who,
    const char *service, int enable, struct err *e)
{
	struct organization	 o;

	if (deleg_check_service(service, e) == -1)
		return (-1);
	if (!service_known(service, 0))
		/* AWS: EnableAWSServiceAccess fails with InvalidInputException UNRECOGNIZED_SERVICE_PRINCIPAL */
		return (unknown_service(e));
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (org_require_management(st, who, &o, e) == -1)
		goto fail;
	if (strcmp(o.feature_set, "ALL") != 0) {
		/* AWS: EnableAWSServiceAccess fails with ConstraintViolationException ORGANIZATION_NOT_IN_ALL_FEATURES_MODE */
		err_set(e, ERR_CONFLICT, AWSERR(ConstraintViolationException),
		    "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE", "Trusted access "
		    "needs an organization with all features enabled.");
		goto fail;
	}
	if (store_service_access_set(st, o.id, service, store_now(st), enable,
	    e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
deleg_list_service_access(struct store *st, struct arena *a,
    const struct principal *who, const char *after, size_t limit,
    struct delegated_admin **out, size_t *n_out, int *more_out,
    struct err *e)
{
	struct organization	 o;
	struct delegated_admin	*v;
	size_t			 n, i, k = 0;
	int			 rc;

	limit = page_limit(limit);
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	rc = deleg_require_reader(st, who, &o, e) == -1 ||
	    store_service_access_list(st, a, o.id, DELEG_MAX, &v, &n, e) == -1;
	store_rollback(st);
	if (rc)
		return (-1);
	*more_out = 0;
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].service_principal, after) <= 0)
			continue;
		if (k == limit) {
			*more_out = 1;
			break;
		}
		v[k++] = v[i];
	}
	*out = v;
	*n_out = k;
	return (0);
}

void
deleg_resource_policy_arn(const struct organization *o, const char *id,
    char *buf, size_t len)
{
	snprintf(buf, len, "arn:%s:organizations::%s:resourcepolicy/%s/%s",
	    org_partition(o), o->management_id, o->id, id);
}

int
deleg_resource_policy_put(struct store *st, struct arena *a,
    const struct principal *who, const char *content,
    const struct handshake_tag *tags, size_t ntags,
    struct organization *org_out, struct resource_policy *out, struct err *e)
{
	struct resource_policy	 rp;

	if (content == NULL || *content == '\0' ||
	    strlen(content) > RESOURCE_POLICY_MAX)
		return (err_set(e, ERR_INVALID, INVALID, "MAX_LENGTH_EXCEEDED",
		    "Content: must be 1 to %d characters", RESOURCE_POLICY_MAX));
	if (!policy_json_valid(content))
		/* AWS: PutResourcePolicy fails with InvalidInputException INVALID_RESOURCE_POLICY_JSON */
		return (err_set(e, ERR_INVALID, INVALID,
		    "INVALID_RESOURCE_POLICY_JSON", "Content: the resource "
		    "policy is not valid JSON"));
	if (tags_check(tags, ntags, e) == -1)
		return (-1);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (org_require_management(st, who, org_out, e) == -1)
		goto fail;
	memset(&rp, 0, sizeof(rp));
	if (store_resource_policy_get(st, a, org_out->id, &rp, NULL) == -1) {
		memcpy(rp.id, "rp-", 3);
		random_chars(rp.id + 3, 8, ALPHA_LOWER_DIGITS);
	} else if (ntags > 0) {
		err_set(e, ERR_INVALID, INVALID, NULL, "Tags: tags can be "
		    "given only when the resource policy is created");
		goto fail;
	}
	snprintf(rp.org_id, sizeof(rp.org_id), "%s", org_out->id);
	rp.content = content;
	rp.updated_at = store_now(st);
	if (store_resource_policy_put(st, &rp, e) == -1 ||
	    tags_put_locked(st, org_out->id, rp.id, tags, ntags, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	rp.content = arena_strdup(a, content);
	*out = rp;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
deleg_resource_policy_get(struct store *st, struct arena *a,
    const struct principal *who, struct organization *org_out,
    struct resource_policy *out, struct err *e)
{
	int	 rc = -1;

	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	if (deleg_require_reader(st, who, org_out, e) == -1)
		goto out;
	if (store_resource_policy_get(st, a, org_out->id, out, NULL) == -1) {
		/* AWS: DescribeResourcePolicy fails with ResourcePolicyNotFoundException */
		err_set(e, ERR_NOT_FOUND,
		    AWSERR(ResourcePolicyNotFoundException),
		    NULL, "We can't find a resource policy request with the "
		    "parameter that you specified.");
		goto out;
	}
	rc = 0;
out:
	store_rollback(st);
	return (rc);
}

int
deleg_resource_policy_delete(struct store *st, const struct principal *who,
    struct err *e)
{
	struct organization	 o;
	struct arena		 a;
	struct resource_policy	 rp;

	arena_init(&a);
	if (store_begin(st, STORE_WRITE, e) == -1)
		goto out;
	if (org_require_management(st, who, &o, e) == -1)
		goto fail;
	if (store_resource_policy_get(st, &a, o.id, &rp, NULL) == -1) {
		/* AWS: DeleteResourcePolicy fails with ResourcePolicyNotFoundException */
		err_set(e, ERR_NOT_FOUND,
		    AWSERR(ResourcePolicyNotFoundException),
		    NULL, "We can't find a resource policy request with the "
		    "parameter that you specified.");
		goto fail;
	}
	if (store_tag_delete_all(st, o.id, rp.id, e) == -1 ||
	    store_resource_policy_delete(st, o.id, e) == -1)
		goto fail;
	arena_release(&a);
	return (store_commit(st, e));
fail:
	store_rollback(st);
out:
	arena_release(&a);
	return (-1);
}
