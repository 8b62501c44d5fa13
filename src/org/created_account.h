/* SPDX-License-Identifier: MIT */
/*
 * Accounts the management account creates (CreateAccount and its status)
 * and closes (CloseAccount).
 *
 * CreateAccount is asynchronous as in AWS: the request is answered with a
 * car-... status IN_PROGRESS, and reads report SUCCEEDED or FAILED once
 * CREATE_ACCOUNT_DELAY_MS of business clock has passed. The outcome is
 * decided when the request is made (EMAIL_ALREADY_EXISTS, INVALID_EMAIL):
 * a successful request creates the account at once - a real payerlink
 * account with one access key, a member with JoinedMethod CREATED under the
 * root - so nothing needs to run later. Created accounts cannot leave or be
 * removed for CREATED_WAIT_MS (ConstraintViolationException
 * WAIT_PERIOD_ACTIVE, enforced by org/organization.c).
 *
 * CloseAccount puts a member in PENDING_CLOSURE; it becomes SUSPENDED after
 * ACCOUNT_CLOSE_DELAY_MS (applied lazily by created_account_settle()).
 */
#ifndef ORG_CREATED_ACCOUNT_H
#define ORG_CREATED_ACCOUNT_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "org/account.h"
#include "store/org.h"
#include "store/store.h"

#define CREATE_ACCOUNT_DELAY_MS		5000LL
#define CREATE_ACCOUNT_CONCURRENT_MAX	5
#define CREATED_WAIT_MS			(4LL * 24 * 3600 * 1000)
#define ACCOUNT_CLOSE_DELAY_MS		(60LL * 1000)
#define CLOSE_WINDOW_MS			(30LL * 24 * 3600 * 1000)

/* The state a request shows at `now`: IN_PROGRESS, SUCCEEDED or FAILED. */
const char *created_account_state(const struct create_account_req *,
	    int64_t now);
/* The closures allowed per 30 days for an organization of n members. */
int64_t	created_account_close_quota(int64_t members);

int	created_account_create(struct store *, const struct principal *,
	    const char *email, const char *name,
	    const struct handshake_tag *tags, size_t ntags,
	    struct create_account_req *out /* OUT */, int64_t *now_out /* OUT */,
	    struct err *);
/* CreateAccountStatusNotFoundException for another organization's id. */
int	created_account_status(struct store *, const struct principal *,
	    const char *car_id, struct create_account_req *out /* OUT */,
	    int64_t *now_out /* OUT */, struct err *);
/* states: NULL-terminated filter (NULL: any). */
int	created_account_list(struct store *, struct arena *,
	    const struct principal *, const char *const *states,
	    const char *after, size_t limit,
	    struct create_account_req **out /* OUT */, size_t *n_out /* OUT */,
	    int *more_out /* OUT */, int64_t *now_out /* OUT */, struct err *);
/*
 * AccountNotFoundException, ConstraintViolationException
 * CANNOT_CLOSE_MANAGEMENT_ACCOUNT or CLOSE_ACCOUNT_QUOTA_EXCEEDED,
 * AccountAlreadyClosedException.
 */
int	created_account_close(struct store *, const struct principal *,
	    const char *account_id, struct err *);
/* Turns due PENDING_CLOSURE accounts SUSPENDED (its own transaction). */
int	created_account_settle(struct store *, struct err *);
/* Inside a transaction: WAIT_PERIOD_ACTIVE for a CREATED member younger
 * than CREATED_WAIT_MS. */
int	created_account_check_wait(struct store *, const struct membership *,
	    struct err *);

#endif
