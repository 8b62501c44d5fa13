/* SPDX-License-Identifier: MIT */
/* Validation of effective policies: see effective.h. */
#include <stdio.h>
#include <string.h>

#include "org/delegation.h"
#include "org/effective.h"
#include "org/ou.h"
#include "org/policy.h"

int
effective_invalid_accounts(struct store *st, const struct principal *who,
    const char *type, size_t *n_out, struct err *e)
{
	struct organization	 o;
	int			 rc;

	*n_out = 0;
	if (type == NULL || !policy_type_valid(type))
		return (err_set(e, ERR_INVALID, AWSERR(InvalidInputException),
		    "INVALID_ENUM", "PolicyType: '%s' is not a policy type "
		    "with effective policies", type != NULL ? type : ""));
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	/* AWS: ListAccountsWithInvalidEffectivePolicy fails with AccessDeniedException */
	rc = deleg_require_reader(st, who, &o, e);
	store_rollback(st);
	return (rc);
}

/* "o-.../r-.../ou-.../<account>/": the account's place, root first. */
static int
account_path(struct store *st, const struct organization *o,
    const struct membership *m, char *buf, size_t len, struct err *e)
{
	char		 ids[OU_DEPTH_MAX + 1][OU_ID_MAX + 1];
	struct org_unit	 u;
	size_t		 n = 0, off;
	int		 w;

	snprintf(ids[n++], sizeof(ids[0]), "%s", m->parent_id);
	while (ids[n - 1][0] != 'r' && n < OU_DEPTH_MAX + 1) {
		if (store_ou_get(st, ids[n - 1], &u, e) == -1)
			return (-1);
		snprintf(ids[n++], sizeof(ids[0]), "%s", u.parent_id);
	}
	w = snprintf(buf, len, "%s/", o->id);
	off = w > 0 ? (size_t)w : 0;
	while (n-- > 0 && off < len) {
		w = snprintf(buf + off, len - off, "%s/", ids[n]);
		off += w > 0 ? (size_t)w : 0;
	}
	if (off < len)
		snprintf(buf + off, len - off, "%s/", m->account_id);
	return (0);
}

int
effective_validation_errors(struct store *st, struct arena *a,
    const struct principal *who, const char *account_id, const char *type,
    struct effective_check *out, struct err *e)
{
	struct organization	 o;
	struct membership	 m;
	struct policy		 p;
	char			 tid[OU_ID_MAX + 1];
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	if (account_id == NULL || !account_id_valid(account_id))
		return (err_set(e, ERR_INVALID, AWSERR(InvalidInputException),
		    "INVALID_PATTERN", "AccountId: must be 12 digits"));
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	/* AWS: ListEffectivePolicyValidationErrors fails with AccessDeniedException */
	if (deleg_require_reader(st, who, &o, e) == -1)
		goto out;
	if (store_membership_current(st, account_id, &m, NULL) == -1 ||
	    strcmp(m.org_id, o.id) != 0) {
		/* AWS: ListEffectivePolicyValidationErrors fails with AccountNotFoundException */
		err_set(e, ERR_NOT_FOUND, AWSERR(AccountNotFoundException),
		    NULL,
		    "You specified an account that doesn't exist.");
		goto out;
	}
	if (account_path(st, &o, &m, out->path, sizeof(out->path), e) == -1)
		goto out;
	rc = 0;
out:
	store_rollback(st);
	if (rc == -1)
		return (-1);
	/* AWS: ListEffectivePolicyValidationErrors fails with EffectivePolicyNotFoundException */
	if (policy_effective(st, a, who, type, account_id, &p, tid,
	    sizeof(tid), e) == -1)
		return (-1);
	snprintf(out->account_id, sizeof(out->account_id), "%s", account_id);
	out->evaluated_at = p.updated_at;
	return (0);
}
