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
/* Deletes every row of every table but the schema version (emulator
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

#endif
