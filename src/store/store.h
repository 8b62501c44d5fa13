/* SPDX-License-Identifier: MIT */
/*
 * The only door to the database. Domain modules call these functions and
 * know no SQL; the SQL lives in the store/ sources (portable) and the backend
 * drivers in store/sqlite.c and store/pg.c. store_open() opens PostgreSQL
 * when the path is a libpq connection string (postgresql://..., or
 * key=value with host= or dbname=), else a SQLite file. A struct store is shared by all threads: each thread
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
#include <stdio.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/model.h"

struct store;

#define STORE_EMULATOR	(1 << 0)	/* the business clock may be moved */

enum store_txn { STORE_READ, STORE_WRITE };

int	 store_open(const char *path, int flags, struct store **out /* OUT */,
	    struct err *);
void	 store_close(struct store *);
/* "sqlite" or "postgresql". */
const char *store_backend_name(const struct store *);
/* Opened with STORE_EMULATOR (serve --emulator, and the CLI): test hooks
 * may be honoured. */
int	 store_emulated(const struct store *);
/* The database's own clock, ms since the epoch: PostgreSQL's, the same for
 * every server on it (SQLite: this host's). Leases are judged by it, never
 * by the business clock, which the emulator moves. */
int	 store_db_clock(struct store *, int64_t *ms_out /* OUT */,
	    struct err *);
/*
 * Call inside a write transaction, before its commit. SQLite: grows the
 * database file to the size the transaction's pages need, so that after
 * the commit the checkpoint that copies them from the WAL into the file
 * never has to grow it. Otherwise a disk that fills between the two leaves
 * committed frames that no checkpoint can move, the WAL can never start
 * over, and every later write fails (also after a restart). Fails with
 * "the database disk is full" when the space is not there; roll back then.
 * PostgreSQL: nothing to do.
 */
int	 store_space_reserve(struct store *, struct err *);
/* SQLite: what all connections of the process keep in memory together;
 * past it their page caches recycle pages instead of growing (a server
 * has one connection per worker, each would keep up to 2 MiB). 0: no
 * limit. PostgreSQL keeps its cache in the server: no effect. */
void	 store_memory_limit(int64_t bytes);
/* SQLite's memory now and at its highest, all connections together. */
void	 store_memory_used(int64_t *now, int64_t *highest);

int	 store_begin(struct store *, enum store_txn, struct err *);
int	 store_commit(struct store *, struct err *);
void	 store_rollback(struct store *);

/* Migrations applied to this database, by name. */
struct store_migration {
	char	 name[128];
	int64_t	 applied_at;	/* real ms */
};
int	 store_migrations(struct store *, struct arena *,
	    struct store_migration **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/*
 * Writes every table (a consistent snapshot) to f as JSON lines, in
 * constant memory; see store/dump.c for the format. store_import loads
 * such a file into an empty database of either backend, in one
 * transaction: all or nothing. ERR_CONFLICT when the database has rows
 * or lacks a migration of the export; ERR_INVALID for a bad file.
 */
int	 store_export(struct store *, FILE *, struct err *);
int	 store_import(struct store *, FILE *, int64_t *rows_out /* OUT */,
	    struct err *);

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
 * Billing transfers (store/transfer.c). Rows come back with the source
 * resolved (source_mgmt_id: fixed at acceptance, else the invited account,
 * else the owner of the invited e-mail now, "" if none) and both parties'
 * e-mails; status as stored (the domain turns a REQUESTED row past
 * expires_at into EXPIRED).
 */
int	 store_transfer_insert(struct store *, const struct transfer *,
	    struct err *);
int	 store_transfer_get(struct store *, const char *id,
	    struct transfer *out /* OUT */, struct err *);
int	 store_transfer_by_handshake(struct store *, const char *handshake_id,
	    struct transfer *out /* OUT */, struct err *);
/* Writes t over its row, which must still be in from_status (else
 * ERR_CONFLICT). */
int	 store_transfer_update(struct store *, const struct transfer *t,
	    const char *from_status, struct err *);
/* REQUESTED rows past their expiry become EXPIRED. */
int	 store_transfer_expire(struct store *, int64_t now, struct err *);
/* One page by id after `after`: inbound (mgmt_id is the target, who
 * pays) or outbound (mgmt_id is the resolved source); id "" any. */
int	 store_transfer_list(struct store *, struct arena *, int inbound,
	    const char *mgmt_id, const char *id, const char *after,
	    size_t limit, struct transfer **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/*
 * The earliest transfer in force at now (an open invitation unless
 * accepted_only, an accepted transfer, a withdrawn one before its end)
 * whose source (as_source) or target is mgmt_id, other than exclude_id
 * (NULL: none); *found 0 when none.
 */
int	 store_transfer_in_force(struct store *, int as_source,
	    const char *mgmt_id, int64_t now, int accepted_only,
	    const char *exclude_id, struct transfer *out /* OUT */,
	    int *found /* OUT */, struct err *);
/* The accepted transfers (ACCEPTED, or WITHDRAWN with an end after their
 * start) whose target is target_mgmt_id: what it pays for. */
int	 store_transfer_paid(struct store *, struct arena *,
	    const char *target_mgmt_id, struct transfer **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* The desk's route of an onboarding (put: insert or replace); no row
 * reads as "invite". */
int	 store_onboarding_route_put(struct store *,
	    const struct onboarding_route *, struct err *);
int	 store_onboarding_route_get(struct store *, const char *onboarding_id,
	    struct onboarding_route *out /* OUT */, struct err *);

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
/* Marks a running import of owner failed once it has no rollups left
 * (delete them first with store_billing_rollups_delete): 1 done, 0 not
 * (rows left, another owner, not running). */
int	 store_billing_import_fail(struct store *, int64_t id,
	    const char *owner, int64_t when, struct err *);
/* Deletes at most limit rollups of an import: bounded transactions, so
 * that cleaning up after a failure never needs much more space. */
int	 store_billing_rollups_delete(struct store *, int64_t import_id,
	    size_t limit, int64_t *deleted_out /* OUT */, struct err *);
/* Leases (billing/lease.h). renew: sets lease_until if owner still holds
 * the running import; take: makes `to`'s owner fields and lease_until the
 * import's if it is still as `was` was read (owner and lease_until).
 * Both return 1 when done, 0 when not, -1 on error. */
int	 store_billing_lease_renew(struct store *, int64_t id,
	    const char *owner, int64_t until, struct err *);
int	 store_billing_lease_take(struct store *,
	    const struct billing_import *was, const struct billing_import *to,
	    struct err *);
/* Gives the space of deleted and failed rollups back, outside a
 * transaction. CHECKPOINT: SQLite copies the WAL into the database file;
 * WAL: and truncates the WAL; ALL: and PostgreSQL vacuums the rollups. */
/* PostgreSQL: 2 MiB set aside on this connection (a temporary table in
 * the database's tablespace) while a large import runs, given back by
 * on 0 when it ends. After a full disk, giving it back is what lets
 * VACUUM, which needs a few pages for its maps, free the failed import's
 * space. SQLite: nothing to do (a truncated WAL leaves the room). */
int	 store_billing_ballast(struct store *, int on, struct err *);
#define STORE_RECLAIM_CHECKPOINT	0
#define STORE_RECLAIM_WAL		1
#define STORE_RECLAIM_ALL		2
int	 store_billing_reclaim(struct store *, int how, struct err *);
int	 store_billing_rollup_insert(struct store *, int64_t import_id,
	    const struct billing_rollup *, struct err *);
/* The same for n rows (SQLite: multi-row INSERTs of STORE_ROLLUP_MULTI). */
#define STORE_ROLLUP_MULTI	32
int	 store_billing_rollup_insert_many(struct store *, int64_t import_id,
	    const struct billing_rollup *, size_t n, struct err *);
/* Tunes this thread's connection for a bulk ingest (SQLite: a 64 MiB page
 * cache instead of the default 2 MB) and back (bulk 0: a server's worker
 * thread commits uploads, and its connection lives on); a no-op elsewhere. */
int	 store_billing_ingest_tune(struct store *, int bulk, struct err *);
/* Makes import_id its period's current version, marks the previous one
 * replaced and deletes its rollups; *replaced_out is its id or 0. Only an
 * import still running under owner's lease with exactly `rows` rollups
 * stored: else ERR_CONFLICT and nothing changes. */
int	 store_billing_flip(struct store *, int64_t import_id,
	    const char *owner, int64_t rows, int64_t when,
	    int64_t *replaced_out /* OUT */, struct err *);
/* The memberships paid by payer that overlap [from, to) (attribution),
 * by account then join time. */
int	 store_billing_memberships(struct store *, struct arena *,
	    const char *payer, int64_t from, int64_t to,
	    struct billing_membership **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* Imports newest first, of one status ("" any), at most limit. */
/* The current imports of role ("billing" | "reference") whose period is in
 * [from, to] (YYYY-MM), of payer_id ("" any payer); by period then payer,
 * at most 1000. */
int	 store_billing_sources(struct store *, struct arena *,
	    const char *payer_id, const char *role, const char *from,
	    const char *to, struct billing_source **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	 store_billing_imports(struct store *, struct arena *,
	    const char *status, size_t limit,
	    struct billing_import **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* Per usage account totals of an import's rollups (none once replaced or
 * failed) and each account's customer, by account. */
int	 store_billing_import_accounts(struct store *, struct arena *,
	    int64_t import_id, struct billing_account_total **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);


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
/* The accounts a customer ("" every customer) owns, by account id (at
 * most limit). */
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

/*
 * Organizations beyond invitations (store/org2.c). OUs: insert fails with
 * ERR_CONFLICT for a name taken under the same parent. A parent_id "" in a
 * list or count means any parent. Lists page by id after `after` ("" first).
 */
int	 store_ou_insert(struct store *, const struct org_unit *, struct err *);
int	 store_ou_get(struct store *, const char *id,
	    struct org_unit *out /* OUT */, struct err *);
int	 store_ou_rename(struct store *, const char *id, const char *name,
	    struct err *);
int	 store_ou_delete(struct store *, const char *id, struct err *);
int	 store_ou_list(struct store *, struct arena *, const char *org_id,
	    const char *parent_id, const char *after, size_t limit,
	    struct org_unit **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_ou_count(struct store *, const char *org_id,
	    const char *parent_id, int64_t *n_out /* OUT */, struct err *);
/* Current members of org_id directly under parent_id. */
int	 store_parent_accounts(struct store *, struct arena *,
	    const char *org_id, const char *parent_id, const char *after,
	    size_t limit, struct member **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_parent_account_count(struct store *, const char *org_id,
	    const char *parent_id, int64_t *n_out /* OUT */, struct err *);
int	 store_membership_set_parent(struct store *, const char *account_id,
	    const char *parent_id, struct err *);

/* EnableAllFeatures: the organization's feature set. */
int	 store_org_set_feature_set(struct store *, const char *org_id,
	    const char *feature_set, struct err *);

/* CreateAccount requests and account closures. */
int	 store_car_insert(struct store *, const struct create_account_req *,
	    struct err *);
int	 store_car_get(struct store *, const char *id,
	    struct create_account_req *out /* OUT */, struct err *);
int	 store_car_list(struct store *, struct arena *, const char *org_id,
	    const char *after, size_t limit,
	    struct create_account_req **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* The request that created account_id; ERR_NOT_FOUND for other accounts. */
int	 store_car_by_account(struct store *, const char *account_id,
	    struct create_account_req *out /* OUT */, struct err *);
int	 store_closure_insert(struct store *, const char *account_id,
	    const char *org_id, int64_t requested_at, int64_t suspends_at,
	    struct err *);
int	 store_closure_count(struct store *, const char *org_id, int64_t since,
	    int64_t *n_out /* OUT */, struct err *);
/* Accounts PENDING_CLOSURE whose suspends_at is past become SUSPENDED. */
int	 store_closure_settle(struct store *, int64_t now, struct err *);
/* How many closures are due to settle (a read: no write lock). */
int	 store_closure_due(struct store *, int64_t now, int64_t *n_out /* OUT */,
	    struct err *);

/*
 * Policies (customer managed; org/policy.c knows the AWS-managed ones) and
 * their attachments. Attach fails with ERR_CONFLICT when attached already,
 * detach with ERR_NOT_FOUND when not attached. A type or target "" in a
 * count or list means any.
 */
int	 store_policy_insert(struct store *, const struct policy *,
	    struct err *);
int	 store_policy_get(struct store *, struct arena *, const char *id,
	    struct policy *out /* OUT */, struct err *);
int	 store_policy_update(struct store *, const struct policy *,
	    struct err *);
int	 store_policy_delete(struct store *, const char *id, struct err *);
int	 store_policy_list(struct store *, struct arena *, const char *org_id,
	    const char *type, const char *after, size_t limit,
	    struct policy **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_policy_attach(struct store *, const char *org_id,
	    const char *policy_id, const char *policy_type,
	    const struct policy_target *, struct err *);
int	 store_policy_detach(struct store *, const char *org_id,
	    const char *policy_id, const char *target_id, struct err *);
int	 store_policy_attach_count(struct store *, const char *org_id,
	    const char *policy_id, const char *target_id, const char *type,
	    int64_t *n_out /* OUT */, struct err *);
int	 store_policy_targets(struct store *, struct arena *,
	    const char *org_id, const char *policy_id, const char *after,
	    size_t limit, struct policy_target **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Ids (in out[i].id) of the policies of `type` attached to target_id. */
int	 store_target_policies(struct store *, struct arena *,
	    const char *org_id, const char *target_id, const char *type,
	    const char *after, size_t limit, struct policy_target **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Detaches everything of `type` ("" any) or from target_id ("" any). */
int	 store_policy_detach_all(struct store *, const char *org_id,
	    const char *type, const char *target_id, struct err *);
int	 store_policy_type_set(struct store *, const char *org_id,
	    const char *type, int enabled, struct err *);
int	 store_policy_type_enabled(struct store *, const char *org_id,
	    const char *type, int *out /* OUT */, struct err *);
/* Whether target_id has had its default policy; marks it when not. */
int	 store_policy_default_mark(struct store *, const char *org_id,
	    const char *target_id, int *was_marked /* OUT */, struct err *);
int	 store_policy_default_unmark(struct store *, const char *org_id,
	    const char *target_id, struct err *);
/* Current members of org_id not yet marked: attach policy_id to them when
 * attach is true, and mark them. */
int	 store_policy_default_members(struct store *, const char *org_id,
	    const char *policy_id, int attach, struct err *);

/* Tags on organization resources (upsert by key). */
int	 store_tag_put(struct store *, const char *org_id,
	    const char *resource_id, const char *key, const char *value,
	    struct err *);
int	 store_tag_delete(struct store *, const char *org_id,
	    const char *resource_id, const char *key, struct err *);
int	 store_tag_delete_all(struct store *, const char *org_id,
	    const char *resource_id, struct err *);
int	 store_tag_list(struct store *, struct arena *, const char *org_id,
	    const char *resource_id, struct handshake_tag **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	 store_tag_count(struct store *, const char *org_id,
	    const char *resource_id, int64_t *n_out /* OUT */, struct err *);

/*
 * Delegated administrators (ERR_CONFLICT when registered already,
 * ERR_NOT_FOUND when not) and trusted service access (account_id "").
 * account_id or service "" in a list or count means any.
 */
int	 store_deleg_insert(struct store *, const char *org_id,
	    const struct delegated_admin *, struct err *);
int	 store_deleg_delete(struct store *, const char *org_id,
	    const char *account_id, const char *service, struct err *);
int	 store_deleg_count(struct store *, const char *org_id,
	    const char *account_id, const char *service,
	    int64_t *n_out /* OUT */, struct err *);
int	 store_deleg_list(struct store *, struct arena *, const char *org_id,
	    const char *account_id, const char *service, size_t limit,
	    struct delegated_admin **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_service_access_set(struct store *, const char *org_id,
	    const char *service, int64_t when, int enabled, struct err *);
int	 store_service_access_list(struct store *, struct arena *,
	    const char *org_id, size_t limit,
	    struct delegated_admin **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_resource_policy_put(struct store *,
	    const struct resource_policy *, struct err *);
int	 store_resource_policy_get(struct store *, struct arena *,
	    const char *org_id, struct resource_policy *out /* OUT */,
	    struct err *);
int	 store_resource_policy_delete(struct store *, const char *org_id,
	    struct err *);


/*
 * Billing portal and Cost Explorer (store/portal.c). Portal users: insert
 * fails with ERR_CONFLICT for a taken e-mail; get/by_email with
 * ERR_NOT_FOUND. A portal session names the web session's token hash.
 */
int	 store_portal_user_insert(struct store *, const struct portal_user *,
	    struct err *);
int	 store_portal_user_get(struct store *, const char *id,
	    struct portal_user *out /* OUT */, struct err *);
int	 store_portal_user_by_email(struct store *, const char *email,
	    struct portal_user *out /* OUT */, struct err *);
int	 store_portal_user_list(struct store *, struct arena *,
	    const char *customer_id /* "" all */, size_t limit,
	    struct portal_user **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_portal_session_put(struct store *, const char *token_hash,
	    const char *user_id, struct err *);
/* The user of a live web session; ERR_NOT_FOUND when it is not a portal
 * user's. */
int	 store_portal_session_user(struct store *, const char *token_hash,
	    struct portal_user *out /* OUT */, struct err *);
/* Streams every rollup of an import, ordered by account and day; stops
 * early (returning that value) when fn returns non-zero. */
int	 store_ce_rollups(struct store *, int64_t import_id, ce_row_fn fn,
	    void *arg, struct err *);
int	 store_budget_insert(struct store *, const struct budget *,
	    struct err *);
int	 store_budget_get(struct store *, const char *id,
	    struct budget *out /* OUT */, struct err *);
int	 store_budget_delete(struct store *, const char *id, struct err *);
/* Budgets of a customer ("" all), by name; at most limit. */
int	 store_budget_list(struct store *, struct arena *,
	    const char *customer_id, size_t limit, struct budget **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Inserts an alert unless (budget, period, kind) has one: *created_out
 * says which. With a webhook URL (not "") queues its delivery in the same
 * call, due now. */
int	 store_budget_alert_add(struct store *, const struct budget_alert *,
	    const char *webhook_url, int *created_out /* OUT */, struct err *);
/* Alerts of a budget ("" any) of a customer ("" any), newest first. */
int	 store_budget_alerts(struct store *, struct arena *,
	    const char *customer_id, const char *budget_id, size_t limit,
	    struct budget_alert **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* Pending deliveries due at `now` (real ms), at most limit, with their
 * alert and budget. */
int	 store_webhook_due(struct store *, struct arena *, int64_t now,
	    size_t limit, struct webhook_delivery **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Records an attempt and the delivery's new state. */
int	 store_webhook_record(struct store *, const struct webhook_attempt *,
	    const char *status, int64_t next_at, struct err *);
int	 store_webhook_attempts(struct store *, struct arena *,
	    const char *alert_id, struct webhook_attempt **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	 store_anomaly_mark(struct store *, const char *customer_id,
	    const struct anomaly_mark *, struct err *);
/* Marks of a customer, at most limit. */
int	 store_anomaly_marks(struct store *, struct arena *,
	    const char *customer_id, size_t limit,
	    struct anomaly_mark **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

/*
 * Rebilling: pricing (store/pricing.c). Rule and item lists of one
 * customer include the global ones (customer_id ""); customer_id NULL
 * lists all. store_customer_billing_get fails with ERR_NOT_FOUND when the
 * customer has no policy row (the domain's default applies).
 */
int	 store_pricing_rule_insert(struct store *, const struct pricing_rule *,
	    struct err *);
int	 store_pricing_rule_delete(struct store *, const char *id,
	    struct err *);
int	 store_pricing_rules(struct store *, struct arena *,
	    const char *customer_id, struct pricing_rule **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	 store_customer_billing_get(struct store *, const char *customer_id,
	    struct customer_billing *out /* OUT */, struct err *);
int	 store_customer_billing_put(struct store *,
	    const struct customer_billing *, struct err *);
int	 store_custom_item_insert(struct store *, const struct custom_item *,
	    struct err *);
int	 store_custom_item_delete(struct store *, const char *id,
	    struct err *);
int	 store_custom_items(struct store *, struct arena *,
	    const char *customer_id, struct custom_item **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Upsert by (period, base, quote). */
int	 store_fx_put(struct store *, const struct fx_rate *, struct err *);
int	 store_fx_get(struct store *, const char *period, const char *base,
	    const char *quote, struct fx_rate *out /* OUT */, struct err *);
/* Rates of one period ("" all), by period, base, quote. */
int	 store_fx_list(struct store *, struct arena *, const char *period,
	    struct fx_rate **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

/*
 * Invoices (store/invoice.c). Only DRAFT rows are updated or have their
 * lines replaced (ERR_CONFLICT otherwise: an issued document never
 * changes). store_invoice_issue takes the year's next number in the
 * caller's transaction (gapless: a rollback returns it) and fails with
 * ERR_CONFLICT unless the invoice is a DRAFT. get takes an id or a number.
 */
int	 store_invoice_insert(struct store *, const struct invoice *,
	    struct err *);
int	 store_invoice_update_draft(struct store *, const struct invoice *,
	    struct err *);
int	 store_invoice_delete_draft(struct store *, const char *id,
	    struct err *);
int	 store_invoice_lines_put(struct store *, const char *invoice_id,
	    const struct invoice_line *, size_t n, struct err *);
int	 store_invoice_get(struct store *, const char *id_or_number,
	    struct invoice *out /* OUT */, struct err *);
int	 store_invoice_lines(struct store *, struct arena *,
	    const char *invoice_id, struct invoice_line **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Invoices of customer_id / period ("" any) by period, customer, then
 * creation; kind "" any. At most limit. */
int	 store_invoice_list(struct store *, struct arena *,
	    const char *customer_id, const char *period, const char *kind,
	    size_t limit, struct invoice **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_invoice_issue(struct store *, const char *id, const char *year,
	    int64_t when, char *number_out /* OUT, INVOICE_NUMBER_MAX + 1 */,
	    struct err *);
int	 store_invoice_void(struct store *, const char *id, int64_t when,
	    struct err *);
/* In-membership usage of the accounts customers own ("" all customers)
 * in the sources' imports (billing/paid.h chooses them); by customer,
 * account. At most max rows (ERR_LIMIT beyond). */
int	 store_invoice_usage(struct store *, struct arena *,
	    const struct billing_source *src, size_t nsrc,
	    const char *customer_id, size_t max,
	    struct invoice_usage **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* Memberships of owned accounts ("" all customers) overlapping
 * [start, end) in organizations paid by payer_id ("" any). */
int	 store_invoice_members(struct store *, struct arena *,
	    const char *customer_id, const char *payer_id, int64_t start,
	    int64_t end, struct invoice_member **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Per usage account totals of each source's import, by source then
 * account (an account in two sources has two rows). */
int	 store_recon_accounts(struct store *, struct arena *,
	    const struct billing_source *src, size_t nsrc,
	    struct recon_account **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

#endif
