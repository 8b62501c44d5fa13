/* SPDX-License-Identifier: MIT */
/*
 * The only door to the database. Domain modules call these functions and
 * know no SQL; the SQL lives in the store/ sources (portable) and the backend driver
 * in store/sqlite.c. A struct store is shared by all threads: each thread
 * gets its own connection on first use.
 *
 * Transactions: store_begin(STORE_WRITE) takes the write lock at once, so a
 * domain rule checked inside holds until store_commit(). Every function
 * below runs inside the caller's transaction if one is open, or alone.
 * Lookups fail with ERR_NOT_FOUND (no aws_type: the domain names the AWS
 * error); unique or check constraint violations with ERR_CONFLICT.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/model.h"

struct store;

#define STORE_EMULATOR	(1 << 0)	/* the business clock may be moved */

enum store_txn { STORE_READ, STORE_WRITE };

int	 store_open(const char *path, int flags, struct store **out /* OUT */,
	    struct err *);
void	 store_close(struct store *);
int	 store_flags(const struct store *);
const char *store_path(const struct store *);

int	 store_begin(struct store *, enum store_txn, struct err *);
int	 store_commit(struct store *, struct err *);
void	 store_rollback(struct store *);

/* The business clock: real time plus the emulator's offset. */
int64_t	 store_now(struct store *);
int	 store_clock_advance(struct store *, int64_t ms, struct err *);
/* Deletes every row of every table but the migrations record (emulator
 * reset); call inside a write transaction. */
int	 store_wipe(struct store *, struct err *);

/* Accounts and their access keys. */
int	 store_account_insert(struct store *, const struct account *,
	    struct err *);
int	 store_account_get(struct store *, const char *id,
	    struct account *out /* OUT */, struct err *);
int	 store_account_by_email(struct store *, const char *email,
	    struct account *out /* OUT */, struct err *);
/* Accounts by id after `after` ("" for the first page), at most limit. */
int	 store_account_list(struct store *, struct arena *, const char *after,
	    size_t limit, struct account **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_account_update(struct store *, const struct account *,
	    struct err *);
int	 store_key_insert(struct store *, const struct access_key *,
	    struct err *);
int	 store_key_get(struct store *, const char *key_id,
	    struct access_key *out /* OUT */, struct err *);
int	 store_key_delete(struct store *, const char *account_id,
	    const char *key_id, struct err *);
int	 store_key_list(struct store *, struct arena *, const char *account_id,
	    struct access_key **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

/* Organizations. */
int	 store_org_insert(struct store *, const struct organization *,
	    struct err *);
/* A live (not deleted) organization with its management account's details. */
int	 store_org_get(struct store *, const char *org_id,
	    struct organization *out /* OUT */, struct err *);
int	 store_org_delete(struct store *, const char *org_id, int64_t when,
	    struct err *);

/* Membership history. */
int	 store_membership_open(struct store *, const struct membership *,
	    struct err *);
/* The account's open membership; ERR_NOT_FOUND when it is standalone. */
int	 store_membership_current(struct store *, const char *account_id,
	    struct membership *out /* OUT */, struct err *);
int	 store_membership_close(struct store *, const char *account_id,
	    int64_t when, const char *method, struct err *);
int	 store_membership_history(struct store *, struct arena *,
	    const char *account_id, struct membership **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Current members of an organization by account id after `after`. */
int	 store_org_members(struct store *, struct arena *, const char *org_id,
	    const char *after, size_t limit, struct member **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	 store_org_member_count(struct store *, const char *org_id,
	    int64_t *n_out /* OUT */, struct err *);

/*
 * Web sessions. Times are real (clock_real_ms), not the business clock.
 * store_web_session_get fails with ERR_NOT_FOUND for an unknown token hash;
 * expiry is the caller's to judge. take_flash returns the session's flash
 * message into out (cleared in the store) or "" when none.
 */
int	 store_web_session_insert(struct store *, const struct web_session *,
	    struct err *);
int	 store_web_session_get(struct store *, const char *token_hash,
	    struct web_session *out /* OUT */, struct err *);
int	 store_web_session_touch(struct store *, const char *token_hash,
	    int64_t last_seen, struct err *);
int	 store_web_session_set_flash(struct store *, const char *token_hash,
	    const char *flash, struct err *);
int	 store_web_session_take_flash(struct store *, const char *token_hash,
	    char *out /* OUT */, size_t size, struct err *);
int	 store_web_session_delete(struct store *, const char *token_hash,
	    struct err *);
/* Deletes every session that ended before `now`. */
int	 store_web_session_purge(struct store *, int64_t now, struct err *);
/* Sign-in failures per e-mail; get fails with ERR_NOT_FOUND when none. */
int	 store_web_failures_get(struct store *, const char *email,
	    struct web_signin_failures *out /* OUT */, struct err *);
int	 store_web_failures_put(struct store *,
	    const struct web_signin_failures *, struct err *);
int	 store_web_failures_clear(struct store *, const char *email,
	    struct err *);

/*
 * Handshakes. Rows come back with the recipient resolved (for an EMAIL
 * target nobody has answered yet: the account that owns that e-mail now,
 * "" if none) and the sender organization's management details, state as
 * stored (the domain turns an OPEN row past expires_at into EXPIRED).
 */
int	 store_handshake_insert(struct store *, const struct handshake *,
	    struct err *);
int	 store_handshake_get(struct store *, const char *id,
	    struct handshake *out /* OUT */, struct err *);
/*
 * Moves handshake id from state `from` to `to` at `when`, recording the
 * recipient when not NULL. ERR_CONFLICT when the row is no longer in `from`.
 */
int	 store_handshake_set_state(struct store *, const char *id,
	    const char *from, const char *to, int64_t when,
	    const char *recipient_id, struct err *);
/* OPEN rows past their expiry become EXPIRED (ended at expires_at). */
int	 store_handshake_expire(struct store *, int64_t now, struct err *);
/* Deletes handshakes (and their tags) that ended before `before`. */
int	 store_handshake_purge(struct store *, int64_t before, struct err *);
/* OPEN handshakes of an organization become CANCELED at `when`. */
int	 store_handshake_cancel_open(struct store *, const char *org_id,
	    int64_t when, struct err *);
/* Invitations the organization sent since `since`, accepted ones aside. */
int	 store_handshake_count_sent(struct store *, const char *org_id,
	    int64_t since, int64_t *n_out /* OUT */, struct err *);
/*
 * Whether the organization has an OPEN invitation, not expired at `now`,
 * to this target or to the account recipient_id ("" to skip).
 */
int	 store_handshake_open_exists(struct store *, const char *org_id,
	    const char *target_type, const char *target_id,
	    const char *recipient_id, int64_t now, int *out /* OUT */,
	    struct err *);
/*
 * One page, by id after `after` ("" first), of the handshakes an
 * organization sent / an account received (by id or by its e-mail) that
 * are visible: not ended before `visible_after`. action and parent_id ""
 * match any.
 */
int	 store_handshake_list_org(struct store *, struct arena *,
	    const char *org_id, const char *action, const char *parent_id,
	    int64_t visible_after, const char *after, size_t limit,
	    struct handshake **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_handshake_list_account(struct store *, struct arena *,
	    const char *account_id, const char *email, const char *action,
	    const char *parent_id, int64_t visible_after, const char *after,
	    size_t limit, struct handshake **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	 store_handshake_tag_insert(struct store *, const char *handshake_id,
	    const struct handshake_tag *, struct err *);
int	 store_handshake_tags(struct store *, struct arena *,
	    const char *handshake_id, struct handshake_tag **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);

/*
 * Billing. Imports are versions of a (payer, period): written with status
 * 'running', made current by store_billing_flip(). Readers join rollups
 * through billing_periods, so they see one version whole.
 */
/* Inserts *io (status, times...) and sets io->id. */
int	 store_billing_import_insert(struct store *, struct billing_import *io,
	    struct err *);
int	 store_billing_import_get(struct store *, int64_t id,
	    struct billing_import *out /* OUT */, struct err *);
/* The current import of (payer, period); ERR_NOT_FOUND when none. */
int	 store_billing_current(struct store *, const char *payer_id,
	    const char *period, struct billing_import *out /* OUT */,
	    struct err *);
/* Every import still 'running' (live or orphaned by a crash). */
int	 store_billing_running(struct store *, struct arena *,
	    struct billing_import **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* Marks a running import failed and deletes its rollups. */
int	 store_billing_import_fail(struct store *, int64_t id, int64_t when,
	    struct err *);
int	 store_billing_rollup_insert(struct store *, int64_t import_id,
	    const struct billing_rollup *, struct err *);
/* Makes import_id its period's current version, marks the previous one
 * replaced and deletes its rollups; *replaced_out is its id or 0. */
int	 store_billing_flip(struct store *, int64_t import_id, int64_t when,
	    int64_t *replaced_out /* OUT */, struct err *);
/* Every membership ever (attribution). */
int	 store_billing_memberships(struct store *, struct arena *,
	    struct billing_membership **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* Per usage account totals of the current version of (payer, period). */
int	 store_billing_account_totals(struct store *, struct arena *,
	    const char *payer_id, const char *period,
	    struct billing_account_total **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);


/*
 * Onboarding. The MSP is one row (get fails with ERR_NOT_FOUND until
 * set). Customers by id, unique name (ERR_CONFLICT); an account belongs to
 * at most one customer (ERR_CONFLICT). Onboardings and their events; the
 * audit log is append-only (store_audit_append stamps store_now()).
 */
int	 store_msp_put(struct store *, const struct msp *, struct err *);
int	 store_msp_get(struct store *, struct msp *out /* OUT */, struct err *);
int	 store_customer_insert(struct store *, const struct customer *,
	    struct err *);
int	 store_customer_update(struct store *, const struct customer *,
	    struct err *);
int	 store_customer_get(struct store *, const char *id,
	    struct customer *out /* OUT */, struct err *);
/* One page of customers by id after `after` ("" first). */
int	 store_customer_list(struct store *, struct arena *, const char *after,
	    size_t limit, struct customer **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	 store_customer_account_insert(struct store *,
	    const struct customer_account *, struct err *);
/* The owner of account_id; ERR_NOT_FOUND when nobody owns it. */
int	 store_customer_account_get(struct store *, const char *account_id,
	    struct customer_account *out /* OUT */, struct err *);
/* The accounts a customer owns, by account id (at most limit). */
int	 store_customer_accounts(struct store *, struct arena *,
	    const char *customer_id, size_t limit,
	    struct customer_account **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_onboarding_insert(struct store *, const struct onboarding *,
	    struct err *);
int	 store_onboarding_get(struct store *, const char *id,
	    struct onboarding *out /* OUT */, struct err *);
int	 store_onboarding_by_token(struct store *, const char *token_hash,
	    struct onboarding *out /* OUT */, struct err *);
/* Points the onboarding at a new invitation and/or plan token ("" keeps). */
int	 store_onboarding_set(struct store *, const char *id,
	    const char *handshake_id, const char *token_hash, struct err *);
/* One page by id after `after`, of one customer ("" for all). */
int	 store_onboarding_list(struct store *, struct arena *,
	    const char *customer_id, const char *after, size_t limit,
	    struct onboarding **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_onboarding_event_insert(struct store *,
	    const struct onboarding_event *, struct err *);
/* An onboarding's events, oldest first (at most limit). */
int	 store_onboarding_events(struct store *, struct arena *,
	    const char *onboarding_id, size_t limit,
	    struct onboarding_event **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* Memberships of org_id that ended at or after `since`, oldest first. */
int	 store_org_departures(struct store *, struct arena *,
	    const char *org_id, int64_t since, size_t limit,
	    struct membership **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_audit_append(struct store *, const char *actor,
	    const char *action, const char *object, const char *detail,
	    struct err *);
/* One page by id after after_id, at or after `since` (0: all), of one
 * object ("" for all). */
int	 store_audit_list(struct store *, struct arena *, int64_t since,
	    const char *object, int64_t after_id, size_t limit,
	    struct audit_entry **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

#endif
