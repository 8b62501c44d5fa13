/* SPDX-License-Identifier: MIT */
/*
 * The leases of running imports (docs/billing.md "Versions"). An import is
 * written under a lease: its row names the writing process (a random id
 * made once per process, its host name and, where /proc can tell,
 * "boot id:pid namespace:pid:start time") and lease_until on the
 * database's clock. A heartbeat thread renews the leases an ingest holds
 * every lease_ms() / 6 while it runs, whatever the ingest waits for.
 *
 * Another import takes a running import over (to delete its rows and mark
 * it failed) only when lease_orphan() says its owner is gone: the owner is
 * this process and no ingest of it holds the import, or the owner ran in
 * this very PID namespace and its process is gone (kill -9: no need to wait
 * for the lease), or the lease ran out. A pid is never enough on its own:
 * another host or PID namespace has the same pids.
 */
#ifndef BILLING_LEASE_H
#define BILLING_LEASE_H

#include <stdint.h>

#include "core/err.h"
#include "store/billing.h"
#include "store/store.h"

#define LEASE_MS	30000	/* a lease not renewed for this long ran out */

struct lease;

/* How long a lease lasts: LEASE_MS, or on an emulator store
 * PAYERLINK_TEST_LEASE_MS (500 or more) so tests need not wait. */
int64_t	 lease_ms(struct store *);
/* This process's owner id (32 hex digits). */
const char *lease_owner(void);
/* Fills imp's owner fields with this process and lease_until with until. */
void	 lease_stamp(struct billing_import *imp, int64_t until);
/* Is the running import x abandoned, at database time now? */
int	 lease_orphan(const struct billing_import *x, int64_t now);

/* One ingest's leases and their heartbeat thread. lease_hold() the
 * import inside the transaction that inserts or takes it, so no other
 * ingest of the process sees it unheld; lease_release() once it is
 * current or failed; lease_stop() joins the heartbeat and frees. */
int	 lease_start(struct store *, struct lease **out /* OUT */,
	    struct err *);
void	 lease_hold(struct lease *, int64_t import_id);
void	 lease_release(struct lease *, int64_t import_id);
void	 lease_stop(struct lease *);

#endif
