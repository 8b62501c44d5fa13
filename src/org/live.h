/* SPDX-License-Identifier: MIT */
/*
 * Live mode's domain side (docs/live.md): the installation's mirror of the
 * MSP's real AWS organization and the organization port over it.
 *
 * The mirror is the organization tables themselves (accounts, the
 * organization, memberships, handshakes, OUs), written only by
 * live_apply() from a snapshot of what AWS answered (DescribeOrganization,
 * ListRoots, ListOrganizationalUnitsForParent, ListAccounts with
 * JoinedTimestamp, ListHandshakesForOrganization). Everything that reads
 * organizations (the desk through its port, billing's "whose cost it is",
 * Cost Explorer, the portal) reads the mirror as it would read payerlink's
 * own organizations.
 *
 * The live port answers the desk's reads from the mirror and sends its
 * writes (InviteAccountToOrganization, CancelHandshake) to AWS through a
 * struct live_remote, which the wiring layer builds on awsclient/ (the
 * domain speaks no JSON), then writes what AWS answered into the mirror.
 *
 * Pure domain: no JSON, no HTTP, no SQL.
 */
#ifndef ORG_LIVE_H
#define ORG_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "org/port.h"
#include "store/org.h"
#include "store/store.h"

/* An account as ListAccounts (and ListAccountsForParent) shows it. */
struct live_account {
	char	 id[ACCOUNT_ID_LEN + 1];
	char	 email[EMAIL_MAX + 1];
	char	 name[ACCOUNT_NAME_MAX * 4 + 1];
	char	 status[24];		/* ACTIVE | SUSPENDED | PENDING_CLOSURE */
	char	 joined_method[16];	/* INVITED | CREATED */
	int64_t	 joined_at;		/* JoinedTimestamp, ms */
	char	 parent_id[OU_ID_MAX + 1];	/* r-... or ou-...; "" unknown */
};

struct live_ou {
	char	 id[OU_ID_MAX + 1];
	char	 parent_id[OU_ID_MAX + 1];
	char	 name[OU_NAME_MAX * 4 + 1];
	int	 depth;			/* 1: under the root */
};

/* What one sync read from AWS. */
struct live_snapshot {
	struct orgport_org	 org;
	char			 feature_set[24];
	char			 root_id[OU_ID_MAX + 1];
	struct live_account	*accounts;
	size_t			 naccounts;
	struct live_ou		*ous;		/* parents before children */
	size_t			 nous;
	struct orgport_handshake *handshakes;
	size_t			 nhandshakes;
};

/* What a sync changed. Lists come from the caller's arena. */
struct live_sync_result {
	char		(*joined)[ACCOUNT_ID_LEN + 1];
	size_t		 njoined;
	char		(*departed)[ACCOUNT_ID_LEN + 1];
	size_t		 ndeparted;
	int64_t		 accounts;
	int64_t		 handshakes;
};

/*
 * Whether st may become live: it is live already (same organization) or
 * holds no organization at all; else ERR_CONFLICT saying why (a database
 * is live or emulated, never both).
 */
int	live_can_connect(struct store *, const char *org_id, struct err *);

/*
 * Makes st live for the snapshot's organization (the live_org row; profile
 * and region as given, may be "") and applies the snapshot, in one
 * transaction.
 */
int	live_connect(struct store *, struct arena *, const char *profile,
	    const char *region, const struct live_snapshot *,
	    struct live_sync_result *out /* OUT */, struct err *);

/*
 * Brings the mirror to the snapshot in one transaction: accounts added or
 * updated; an account in the snapshot without an open membership in the
 * MSP's organization joins it at its JoinedTimestamp (a stay elsewhere is
 * closed then); a member missing from the snapshot leaves at the time of
 * the sync (LEFT: AWS does not say whether it left or was removed); OUs
 * added or renamed and accounts moved; handshakes added, and their state
 * moved (an ACCEPTED one ends when its account joined). ERR_CONFLICT when
 * the snapshot is of another organization than the one connected.
 */
int	live_apply(struct store *, struct arena *, const struct live_snapshot *,
	    struct live_sync_result *out /* OUT */, struct err *);

/* Records a failed sync (the mirror stays as it was). */
int	live_failed(struct store *, const char *why, struct err *);

/* The live_org row; ERR_NOT_FOUND when the installation is emulated. */
int	live_status(struct store *, struct live_org *out /* OUT */,
	    struct err *);

/* AWS's side of the live port's writes, built by the wiring layer. */
struct live_remote {
	/* InviteAccountToOrganization. */
	int	(*invite)(void *arg, const char *target_type,
		    const char *target_id, const char *notes,
		    struct orgport_handshake *out /* OUT */, struct err *);
	/* CancelHandshake. */
	int	(*cancel)(void *arg, const char *hid,
		    struct orgport_handshake *out /* OUT */, struct err *);
	void	*arg;
};

/*
 * Sets the remote the live ports use (owned by the caller for the whole
 * process); called once at start, before any thread.
 */
void		live_remote_set(const struct live_remote *);
/* The live port over st's mirror and the remote set above. */
struct orgport	orgport_live(struct store *);

#endif
