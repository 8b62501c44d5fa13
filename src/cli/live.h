/* SPDX-License-Identifier: MIT */
/*
 * Live mode's wiring (docs/live.md): the AWS client under the live
 * organization port, the sync that reads the MSP's organization from AWS
 * into the mirror, and serve's sync thread. The domain side is org/live.h.
 */
#ifndef CLI_LIVE_H
#define CLI_LIVE_H

#include "core/arena.h"
#include "core/err.h"
#include "org/live.h"
#include "store/store.h"

/*
 * When st is live, makes the live port the installation's (orgport_choose)
 * with an AWS client built on first use from the profile and region saved
 * at connect (the credentials come from the chain each time). Returns 1
 * when live, 0 when emulated, -1 on a store error.
 */
int	live_wire(struct store *, struct err *);

/*
 * msp connect: DescribeOrganization with the credentials of profile
 * (NULL: the chain's default) in region (NULL: the chain's), then a first
 * sync; st becomes live.
 */
int	live_connect_aws(struct store *, struct arena *, const char *profile,
	    const char *region, struct live_sync_result *out /* OUT */,
	    struct err *);

/*
 * One sync: reads the organization from AWS and applies it to the mirror.
 * A failure to read is recorded (the console shows it) and returned; the
 * mirror stays as it was.
 */
int	live_sync(struct store *, struct arena *,
	    struct live_sync_result *out /* OUT */, struct err *);

/* serve: a thread that syncs every interval_s seconds (the first at once). */
void	live_sync_start(struct store *, unsigned interval_s);
void	live_sync_stop(void);

#endif
