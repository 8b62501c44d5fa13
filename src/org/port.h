/* SPDX-License-Identifier: MIT */
/*
 * The organization port: everything the onboarding desk (src/onboard/)
 * asks of "the MSP's organization", through one narrow interface
 * (DESIGN.md §4, "Two AWS sides, one desk"). The desk is the client; an
 * installation is emulated (payerlink's own organizations, port_emulated.c)
 * or live (the MSP's real organization at AWS, the next issue), and
 * nothing above this header knows which.
 *
 * Each operation is shaped after what AWS Organizations offers a
 * management account, so that a live implementation does it with one or
 * two calls; the AWS call and what the emulated side reads instead are
 * written at each one. What AWS cannot tell about a foreign account (its
 * standing, another organization's members and departures) the port may
 * answer as unknown or empty; the desk copes.
 *
 * Not the port's: the desk's own records (the MSP, customers,
 * onboardings, their events, the audit log) and payerlink's accounts (who
 * signs in, payment method and phone on file).
 *
 * Transactions. The reads (describe_organization, account_standing,
 * describe_handshake, accounts, history, departures, describe_transfer,
 * inbound_transfers) may be called inside the desk's open store
 * transaction, read or write, and never begin or end one on that store:
 * the emulated side reads inside it, so a derived view is one snapshot.
 * The writes (invite, cancel, invite_transfer) and list_handshakes are
 * called with no transaction open and are atomic on their own (one store
 * transaction, or one AWS call).
 *
 * `as` is the management account the desk acts for (the MSP's): the
 * emulated side acts as it; a live side signs with its own credentials,
 * which must be that account's.
 *
 * Errors: 0 or -1 with *e filled. AWS's exception names and reasons pass
 * through (DuplicateHandshakeException, ...), so the desk's callers see
 * what the organization said. ERR_NOT_FOUND is "there is no such thing",
 * never "could not ask".
 *
 * Memory: lists come from the caller's arena. A struct orgport is a value
 * (two pointers) to copy and drop: its context is borrowed (the store) or
 * owned by the implementation for the whole process, never by the caller.
 */
#ifndef ORG_PORT_H
#define ORG_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/org.h"
#include "store/store.h"

#define ORGPORT_ARN_MAX		128

/* An organization as DescribeOrganization shows it. */
struct orgport_org {
	char	 id[ORG_ID_MAX + 1];			/* Id, o-... */
	char	 arn[ORGPORT_ARN_MAX];			/* Arn */
	char	 management_id[ACCOUNT_ID_LEN + 1];	/* MasterAccountId */
	char	 management_email[EMAIL_MAX + 1];	/* MasterAccountEmail */
};

/*
 * A handshake as DescribeHandshake shows it: its parties (the sending
 * organization and the target), its state and its times.
 */
struct orgport_handshake {
	char	 id[HANDSHAKE_ID_MAX + 1];
	/* REQUESTED | OPEN | ACCEPTED | DECLINED | CANCELED | EXPIRED, as of
	 * now: an OPEN one past its expiry reads EXPIRED, as at AWS. */
	char	 state[16];
	char	 org_id[ORG_ID_MAX + 1];	/* Parties: ORGANIZATION */
	char	 target_type[16];		/* Parties: ACCOUNT | EMAIL */
	char	 target_id[EMAIL_MAX + 1];
	int64_t	 requested_at;			/* RequestedTimestamp */
	int64_t	 expires_at;			/* ExpirationTimestamp */
	/* When it left OPEN; 0 while open, or when not known: AWS's Handshake
	 * has no such field (a live side gives the time its sync saw it). */
	int64_t	 ended_at;
};

/* An account of an organization as ListAccounts shows it. */
struct orgport_account {
	char	 id[ACCOUNT_ID_LEN + 1];
	char	 email[EMAIL_MAX + 1];
	int64_t	 joined_at;			/* JoinedTimestamp */
};

/*
 * One stay of an account in an organization: who paid for it from when to
 * when. AWS has no call for a history; a live side gives what its mirror
 * of the MSP's organization saw (JoinedTimestamp, departures it noticed).
 */
struct orgport_membership {
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 org_id[ORG_ID_MAX + 1];
	char	 payer_id[ACCOUNT_ID_LEN + 1];	/* the management account */
	int64_t	 joined_at;
	int64_t	 left_at;			/* 0 while a member */
	char	 left_method[16];		/* LEFT | REMOVED | DELETED */
};

/*
 * A billing transfer as DescribeResponsibilityTransfer shows it, with the
 * source's organization (the handshake's resources name it) and when its
 * status last changed (AWS's shape has no such field: a live side gives
 * the time its sync saw it, 0 when not known).
 */
struct orgport_transfer {
	char	 id[TRANSFER_ID_MAX + 1];			/* Id, rt-... */
	char	 name[TRANSFER_NAME_MAX + 1];			/* Name */
	/* REQUESTED | DECLINED | CANCELED | EXPIRED | ACCEPTED | WITHDRAWN,
	 * as of now (Status) */
	char	 status[16];
	char	 source_mgmt_id[ACCOUNT_ID_LEN + 1];	/* Source */
	char	 source_org_id[ORG_ID_MAX + 1];		/* "" until accepted */
	char	 target_mgmt_id[ACCOUNT_ID_LEN + 1];	/* Target */
	char	 handshake_id[HANDSHAKE_ID_MAX + 1];	/* ActiveHandshakeId */
	int64_t	 start_at;				/* StartTimestamp */
	int64_t	 end_at;				/* EndTimestamp; 0 none */
	int64_t	 updated_at;
};

/* Where an account stands now: the onboarding case (DESIGN.md §1). */
enum orgport_case {
	ORGPORT_CASE_UNKNOWN = 0,	/* the port cannot tell */
	ORGPORT_CASE_STANDALONE = 1,
	ORGPORT_CASE_MEMBER = 2,	/* a member of org_id */
	ORGPORT_CASE_MANAGEMENT = 3	/* the management account of org_id */
};

struct orgport_standing {
	enum orgport_case	 kind;
	char			 org_id[ORG_ID_MAX + 1];	/* cases 2, 3 */
};

struct orgport_ops {
	const char	*name;		/* "emulated" | "live" */

	/*
	 * The organization `as` is in (DescribeOrganization). ERR_NOT_FOUND
	 * AWSOrganizationsNotInUseException when it is in none; whether it
	 * manages it is the caller's to check (management_id).
	 * Emulated: org_describe().
	 */
	int	(*describe_organization)(void *ctx, const char *as,
		    struct orgport_org *out /* OUT */, struct err *);

	/*
	 * Where account_id stands now (the case). A live side can tell only
	 * for accounts in the MSP's organization (DescribeAccount), so it
	 * answers ORGPORT_CASE_UNKNOWN for any other: AWS shows nobody a
	 * foreign account's organization. Emulated: org_of() on payerlink's
	 * organizations; UNKNOWN for an account payerlink has never seen.
	 */
	int	(*account_standing)(void *ctx, const char *account_id,
		    struct orgport_standing *out /* OUT */, struct err *);

	/*
	 * `as` invites target_type ACCOUNT (12-digit id) or EMAIL into its
	 * organization (InviteAccountToOrganization); notes may be NULL. *out
	 * is the new handshake (OPEN, with its expiry). Emulated:
	 * handshake_invite().
	 */
	int	(*invite)(void *ctx, const char *as, const char *target_type,
		    const char *target_id, const char *notes,
		    struct orgport_handshake *out /* OUT */, struct err *);

	/* `as` cancels handshake hid (CancelHandshake). Emulated:
	 * handshake_cancel(). */
	int	(*cancel)(void *ctx, const char *as, const char *hid,
		    struct orgport_handshake *out /* OUT */, struct err *);

	/*
	 * Handshake hid as of now (DescribeHandshake). ERR_NOT_FOUND once it
	 * is gone (AWS keeps an ended one 30 days). Emulated: the handshake
	 * row with handshake_effective(), until it is purged.
	 */
	int	(*describe_handshake)(void *ctx, const char *hid,
		    struct orgport_handshake *out /* OUT */, struct err *);

	/*
	 * One page of the handshakes `as`'s organization sent, by id after
	 * `after` ("" first), at most limit (capped at 20, AWS's MaxResults)
	 * (ListHandshakesForOrganization). What a sync reads; the desk
	 * itself asks for one handshake at a time. Emulated:
	 * handshake_list_for_org().
	 */
	int	(*list_handshakes)(void *ctx, struct arena *, const char *as,
		    const char *after, size_t limit,
		    struct orgport_handshake **out /* OUT */,
		    size_t *n_out /* OUT */, int *more_out /* OUT */,
		    struct err *);

	/*
	 * The first `limit` accounts (0: none) of org_id in id order, with the
	 * time each joined, and how many it has in all, its management
	 * account included (ListAccounts, JoinedTimestamp). For an
	 * organization it cannot see (a live side: any but the MSP's), or
	 * org_id "", none and a total of 0. The arena may be NULL when limit
	 * is 0 (counting only); *out is NULL when there are none. Emulated:
	 * the organization's open memberships.
	 */
	int	(*accounts)(void *ctx, struct arena *, const char *org_id,
		    size_t limit, struct orgport_account **out /* OUT */,
		    size_t *n_out /* OUT */, int64_t *total_out /* OUT */,
		    struct err *);

	/*
	 * Every stay of account_id in an organization, oldest first: its
	 * joins and departures with their times. The desk finds in it when
	 * the account joined the MSP and when it left its previous payer
	 * (LeftPreviousPayerAt). Live: what the mirror knows (ListAccounts'
	 * JoinedTimestamp, departures its sync saw). Emulated: payerlink's
	 * membership history.
	 */
	int	(*history)(void *ctx, struct arena *, const char *account_id,
		    struct orgport_membership **out /* OUT */,
		    size_t *n_out /* OUT */, struct err *);

	/*
	 * The stays in org_id that ended at or after `since`, oldest first, at
	 * most limit: who left or was removed (case 3: the customer's own
	 * organization emptying). None for an organization it cannot see, or
	 * org_id "". Emulated: payerlink's membership history.
	 */
	int	(*departures)(void *ctx, struct arena *, const char *org_id,
		    int64_t since, size_t limit,
		    struct orgport_membership **out /* OUT */,
		    size_t *n_out /* OUT */, struct err *);

	/*
	 * Billing transfer (DESIGN.md §1, org/transfer.h). A port may leave
	 * these three NULL: then the desk's billing-transfer route is refused
	 * (ERR_INVALID), no transfer is found and there are none inbound.
	 *
	 * `as` (the target, who will pay) invites the management account
	 * target_id (ACCOUNT) of another organization to transfer its bill
	 * from start_at, 00:00 UTC on the first of a month
	 * (InviteOrganizationToTransferResponsibility, Type BILLING,
	 * SourceName name; notes may be NULL). *h_out is the
	 * TRANSFER_RESPONSIBILITY handshake: its state then comes through
	 * describe_handshake and it is withdrawn with cancel. *out is the
	 * transfer (REQUESTED). Emulated: transfer_invite().
	 */
	int	(*invite_transfer)(void *ctx, const char *as,
		    const char *target_id, const char *name, const char *notes,
		    int64_t start_at, struct orgport_handshake *h_out /* OUT */,
		    struct orgport_transfer *out /* OUT */, struct err *);

	/*
	 * Transfer id as of now, as its party `as` sees it
	 * (DescribeResponsibilityTransfer): an invitation past its expiry
	 * reads EXPIRED. ERR_NOT_FOUND ResponsibilityTransferNotFoundException
	 * when there is none that `as` is a party of. Emulated: the row with
	 * transfer_effective().
	 */
	int	(*describe_transfer)(void *ctx, const char *as, const char *id,
		    struct orgport_transfer *out /* OUT */, struct err *);

	/*
	 * The inbound transfers of `as` (it pays, or has invited) in force
	 * now: open invitations, accepted ones, and withdrawn ones before
	 * their end; at most limit (ListInboundResponsibilityTransfers, every
	 * page). Emulated: the transfer rows whose target is `as`.
	 */
	int	(*inbound_transfers)(void *ctx, struct arena *, const char *as,
		    size_t limit, struct orgport_transfer **out /* OUT */,
		    size_t *n_out /* OUT */, struct err *);
};

struct orgport {
	const struct orgport_ops	*ops;
	void				*ctx;
};

/*
 * The installation's organization port over st: the emulated one, unless
 * the wiring layer chose another with orgport_choose(). Every caller that
 * builds the desk's context (the CLI, the REST API, the web pages) takes
 * its port here, so that a live one chosen by configuration changes
 * nothing in them.
 */
struct orgport	orgport_default(struct store *);
/*
 * From now on orgport_default() builds its ports with make (NULL: the
 * emulated one again). A live port is built on awsclient/, which no
 * domain module may include, so the layer that reads the configuration
 * names it here at start, before any request or thread.
 */
void		orgport_choose(struct orgport (*make)(struct store *));
/* payerlink's own organizations, in st (port_emulated.c). */
struct orgport	orgport_emulated(struct store *);

/* The operations, called through the port (see struct orgport_ops). */
int	orgport_describe_organization(const struct orgport *, const char *as,
	    struct orgport_org *out /* OUT */, struct err *);
int	orgport_account_standing(const struct orgport *,
	    const char *account_id, struct orgport_standing *out /* OUT */,
	    struct err *);
int	orgport_invite(const struct orgport *, const char *as,
	    const char *target_type, const char *target_id, const char *notes,
	    struct orgport_handshake *out /* OUT */, struct err *);
int	orgport_cancel(const struct orgport *, const char *as,
	    const char *hid, struct orgport_handshake *out /* OUT */,
	    struct err *);
int	orgport_describe_handshake(const struct orgport *, const char *hid,
	    struct orgport_handshake *out /* OUT */, struct err *);
int	orgport_list_handshakes(const struct orgport *, struct arena *,
	    const char *as, const char *after, size_t limit,
	    struct orgport_handshake **out /* OUT */, size_t *n_out /* OUT */,
	    int *more_out /* OUT */, struct err *);
int	orgport_accounts(const struct orgport *, struct arena *,
	    const char *org_id, size_t limit,
	    struct orgport_account **out /* OUT */, size_t *n_out /* OUT */,
	    int64_t *total_out /* OUT */, struct err *);
int	orgport_history(const struct orgport *, struct arena *,
	    const char *account_id, struct orgport_membership **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	orgport_departures(const struct orgport *, struct arena *,
	    const char *org_id, int64_t since, size_t limit,
	    struct orgport_membership **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	orgport_invite_transfer(const struct orgport *, const char *as,
	    const char *target_id, const char *name, const char *notes,
	    int64_t start_at, struct orgport_handshake *h_out /* OUT */,
	    struct orgport_transfer *out /* OUT */, struct err *);
int	orgport_describe_transfer(const struct orgport *, const char *as,
	    const char *id, struct orgport_transfer *out /* OUT */,
	    struct err *);
int	orgport_inbound_transfers(const struct orgport *, struct arena *,
	    const char *as, size_t limit,
	    struct orgport_transfer **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

#endif
