/* SPDX-License-Identifier: MIT */
/*
 * Validation of effective policies (ListAccountsWithInvalidEffectivePolicy,
 * ListEffectivePolicyValidationErrors, newest model). At AWS an effective
 * policy is merged from every policy inherited and attached, and the merge
 * may fail validation (too many elements, conflicting operators), leaving
 * it partly unenforced. payerlink checks every policy document when it is
 * created or updated (MalformedPolicyDocumentException) and an effective
 * policy is the one attached nearest to the account, not a merge, so no
 * effective policy fails validation: the lists are empty once the caller,
 * the account and the policy are found. Callers: the management account or
 * a delegated administrator.
 */
#ifndef ORG_EFFECTIVE_H
#define ORG_EFFECTIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "org/account.h"
#include "store/store.h"

/* o-.../r-.../ou-.../account/: the longest path (5 OUs deep). */
#define EFFECTIVE_PATH_MAX	(ORG_ID_MAX + 1 + (OU_ID_MAX + 1) * 6 + \
				    ACCOUNT_ID_LEN + 2)

struct effective_check {
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 path[EFFECTIVE_PATH_MAX + 1];	/* AWS's Path */
	int64_t	 evaluated_at;			/* the policy's last change */
	size_t	 nerrors;			/* always 0, see above */
};

/*
 * The accounts of the caller's organization whose effective policy of
 * `type` is invalid: none. Fails with AWSOrganizationsNotInUseException or
 * AccessDeniedException (a member that administers nothing).
 */
int	effective_invalid_accounts(struct store *, const struct principal *,
	    const char *type, size_t *n_out /* OUT */, struct err *);

/*
 * The validation errors of account_id's effective policy of `type`: none,
 * with the account's path and when the policy last changed. Fails as
 * above, with AccountNotFoundException (not in the organization) or
 * EffectivePolicyNotFoundException (no policy of that type reaches it).
 */
int	effective_validation_errors(struct store *, struct arena *,
	    const struct principal *, const char *account_id,
	    const char *type, struct effective_check *out /* OUT */,
	    struct err *);

#endif
