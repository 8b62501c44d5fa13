/* SPDX-License-Identifier: MIT */
/*
 * The database: opening it, transactions, the business clock, migrations,
 * export and import. Each domain has its own door beside this one, with
 * its records: store/org.h, store/onboard.h, store/billing.h,
 * store/portal.h, store/web.h; a domain includes its own (and the domains
 * below it reach each other through their domain headers, never another
 * domain's store door: tools/check-includes.py). The SQL lives in the
 * store/ sources (portable) and the backend drivers in store/sqlite.c and
 * store/pg.c. store_open() opens PostgreSQL when the path is a libpq
 * connection string (postgresql://..., or key=value with host= or
 * dbname=), else a SQLite file. A struct store is shared by all threads:
 * each thread gets its own connection on first use.
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

/*
 * The audit log: who changed what, from every domain (the organizations'
 * invitations and departures, the desk, pricing, invoices).
 */
#define AUDIT_DETAIL_MAX	1024
#define AUDIT_ACTOR_MAX		72	/* an account id, "cli" or a person */
struct audit_entry {
	int64_t	 id;
	int64_t	 at;
	char	 actor[AUDIT_ACTOR_MAX + 1];
	char	 action[48];
	char	 object[72];
	char	 detail[AUDIT_DETAIL_MAX + 1];
};
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
