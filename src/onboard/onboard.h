/* SPDX-License-Identifier: MIT */
/*
 * The onboarding desk: the MSP, its customers, onboarding requests from
 * "here is my account id and e-mail" to "billed by the MSP", the plan each
 * customer follows, tracking, the billing gap, follow-up and the audit log.
 * Pure domain: no SQL (store.h), no JSON, no HTTP, no HTML.
 *
 * Who asks: functions that take `const struct principal *who` accept NULL
 * for the local operator (the CLI; audit actor "cli"); otherwise `who` must
 * be the MSP's management account, else ERR_DENIED "AccessDenied". The
 * customer's plan functions take the plan token instead (no login): a
 * token opens its own onboarding and nothing else.
 *
 * State and timeline are derived at read time from the real data: the
 * invitation (handshake) state and end, the account's membership history
 * (left its old organization, its own organization deleted), the old
 * organization's departures (members removed), plus the events only
 * payerlink sees (requested, viewed, move time proposed, re-sent, cancelled
 * by the MSP), which are stored. Every change written here appends an
 * audit row in the same transaction.
 *
 * The organization: everything the desk asks of the MSP's organization
 * (invitations, memberships, departures, the case) goes through the
 * organization port `org` (org/port.h), never its tables, so the same desk
 * runs over payerlink's own organizations or AWS's. Callers take it from
 * orgport_default(). The desk's own records (MSP, customers, onboardings,
 * audit) and the accounts stay in the store.
 *
 * Memory: views and lists are allocated from the caller's arena and live
 * as long as it does.
 */
#ifndef ONBOARD_ONBOARD_H
#define ONBOARD_ONBOARD_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "org/account.h"
#include "org/port.h"
#include "store/onboard.h"
#include "store/store.h"

#define ONBOARD_DEFAULT_URL	"http://127.0.0.1:8080"
#define ONBOARD_GAP_DEFAULT_MIN	15
#define ONBOARD_PAGE_MAX	100	/* page size ceiling for every list */
#define ONBOARD_TOKEN_LEN	43	/* base64url of 32 random bytes */
#define ONBOARD_URL_MAX		(MSP_URL_MAX + 64)
#define ONBOARD_SCAN_MAX	100000	/* onboardings a list derives at most */
#define ONBOARD_PROPOSE_MAX_MS	(180LL * 24 * 3600 * 1000)

enum onboard_state {
	ONBOARD_INVITED,	/* invitation open, no step done yet */
	ONBOARD_IN_PROGRESS,	/* invitation open, some step done */
	ONBOARD_LINKED,		/* the account joined the MSP's organization */
	ONBOARD_DECLINED,
	ONBOARD_EXPIRED,
	ONBOARD_CANCELED,
	ONBOARD_NSTATES
};

/*
 * How an account comes to be paid by the MSP (DESIGN.md §1):
 *   invite		InviteAccountToOrganization: the account joins the MSP's
 *			organization (case 1; case 2 directly, leaving first is
 *			optional; case 3 after removing its members and deleting
 *			its organization);
 *   billing-transfer	case 3 only: the customer keeps its organization and
 *			its management account accepts a billing transfer
 *			(org/transfer.h); the MSP pays that organization's
 *			bill from the first of a month.
 */
enum onboard_route {
	ONBOARD_ROUTE_INVITE,
	ONBOARD_ROUTE_BILLING_TRANSFER
};

const char	*onboard_route_name(enum onboard_route);
/* The route the desk recommends for a case: billing-transfer for 3. */
enum onboard_route onboard_route_best(int case_no);
/* "invite" or "billing-transfer"; -1 if unknown. */
int		 onboard_route_parse(const char *, enum onboard_route *out /* OUT */);

const char	*onboard_state_name(enum onboard_state);
/* Parses a state name (case-insensitive); -1 if unknown. */
int		 onboard_state_parse(const char *, enum onboard_state *out /* OUT */);

/* ---- The MSP ---------------------------------------------------------- */

/* msp_set(): NULL members (and gap_threshold_min -1) keep the current
 * value, or take the default on first set. */
struct msp_input {
	const char	*account_id;	/* required */
	const char	*name;		/* default: the account's name */
	const char	*address;
	const char	*public_url;	/* http(s)://host[:port][/path] */
	int64_t		 gap_threshold_min;
	/* What its invoices say. payment_terms: days (default 30). */
	const char	*legal_name;
	const char	*tax_id;
	const char	*payment_terms;
	const char	*payment_instructions;
	/* "on" or "off": Cost Explorer's hourly and resource-level data
	 * (default off; docs/billing.md). */
	const char	*hourly_resource_data;
};

/*
 * Names the MSP's management account, which must manage a live
 * organization (else ERR_INVALID naming why).
 */
int	msp_set(struct store *, const struct orgport *org,
	    const struct principal *who,
	    const struct msp_input *, struct msp *out /* OUT */, struct err *);
/* ERR_NOT_FOUND when no MSP is set. */
int	msp_get(struct store *, struct msp *out /* OUT */, struct err *);
/* Checks who (see above) against the MSP; out may be NULL. */
int	msp_require(struct store *, const struct principal *who,
	    struct msp *out /* OUT */, struct err *);

/* ---- The MSP's brand ------------------------------------------------ */

/*
 * The brand shows on every page customers see (the portal, sign-in, plan
 * pages), in e-mails and on invoices. Its colour is the background of
 * white text (the top bar, buttons) and the colour of links on white, so
 * it must reach WCAG's 4.5:1 against white: msp_brand_set refuses one
 * that does not (ERR_INVALID naming the ratio and a darker shade of it
 * that passes), or with adapt takes that shade and says so in *note.
 * The logo: PNG or SVG (an <svg> element, no script), at most
 * BRAND_LOGO_MAX bytes; logo NULL keeps the current one, logo_len 0 with
 * a non-NULL logo removes it. pdf_logo likewise: a PNG for invoice PDFs
 * when the logo is an SVG (libharu draws PNGs only). A PNG is checked
 * whole when it is set (chunks and CRCs, at most BRAND_LOGO_PX pixels a
 * side, 8 bits a channel, not interlaced), never when a PDF is drawn.
 */
struct brand_input {
	const char		*name;		/* required on first set */
	const char		*color;		/* #RRGGBB */
	const char		*support_email;	/* required on first set */
	const char		*support_url;	/* "" removes */
	const unsigned char	*logo;
	size_t			 logo_len;
	const unsigned char	*pdf_logo;	/* PNG only */
	size_t			 pdf_logo_len;
	int			 adapt;		/* darken a colour that fails */
};

#define BRAND_NOTE_MAX	200

int	msp_brand_set(struct store *, const struct principal *who,
	    const struct brand_input *, struct msp_brand *out /* OUT */,
	    char note[BRAND_NOTE_MAX] /* OUT: "" or what was adapted */,
	    struct err *);
/*
 * The brand customers see; with no brand set, the MSP's name (or
 * "payerlink" before one is set), payerlink's colour and no support
 * contact: this never fails, so pages and e-mails (the budget alert's
 * body) call it without a fallback of their own.
 */
void	msp_brand_get(struct store *, struct msp_brand *out /* OUT */);
/* msp_brand_get inside the caller's open transaction. */
void	msp_brand_read(struct store *, struct msp_brand *out /* OUT */);
/* The logo's bytes and type into the arena; ERR_NOT_FOUND when none. */
int	msp_logo_get(struct store *, struct arena *,
	    const char **type_out /* OUT */, const unsigned char **data_out,
	    size_t *len_out /* OUT */, struct err *);
/* Which logo invoice PDFs show: "pdf-logo", "logo" (a PNG) or NULL. */
const char *brand_pdf_logo(const struct msp_brand *);
/* The PNG invoice PDFs show: the PDF logo, else the logo when it is a
 * PNG; ERR_NOT_FOUND when neither. */
int	msp_pdf_logo_get(struct store *, struct arena *,
	    const unsigned char **data_out /* OUT */,
	    size_t *len_out /* OUT */, struct err *);
/* msp_pdf_logo_get inside the caller's open transaction. */
int	msp_pdf_logo_read(struct store *, struct arena *,
	    const unsigned char **data_out /* OUT */,
	    size_t *len_out /* OUT */, struct err *);
/* WCAG 2 contrast ratio x 100 of two #rrggbb colours (450 is 4.5:1);
 * -1 when one is not #rrggbb. */
int	brand_contrast(const char *a, const char *b);

/* "Net 30", or "Due on receipt" for 0 days. */
void	payment_terms_text(int64_t days, char *buf, size_t len);
/* Days of payment terms: "30", "net30", "Net 30" (0 to 365); -1 if not. */
int64_t	payment_terms_parse(const char *);
#define PAYMENT_TERMS_DEFAULT	30

/* ---- Customers ------------------------------------------------------- */

/* NULL members: default (create) or unchanged (update). */
struct customer_input {
	const char	*name;		/* unique, 1..200 characters */
	const char	*contact_email;	/* billing contact */
	const char	*currency;	/* ISO 4217, default USD */
	const char	*tax_rate;	/* percent, "10" or "8.875" (4 decimals) */
	const char	*address;	/* on its invoices; "" removes */
	const char	*tax_id;
	const char	*payment_terms;	/* days, or "" / "default": the MSP's */
	const char	*payment_instructions;	/* "": the MSP's */
};

int	customer_create(struct store *, const struct principal *who,
	    const struct customer_input *, struct customer *out /* OUT */,
	    struct err *);
int	customer_update(struct store *, const struct principal *who,
	    const char *id, const struct customer_input *,
	    struct customer *out /* OUT */, struct err *);
int	customer_get(struct store *, const struct principal *who,
	    const char *id, struct customer *out /* OUT */, struct err *);
/* One page by id after `after` ("" first); limit capped at ONBOARD_PAGE_MAX. */
int	customer_list(struct store *, struct arena *,
	    const struct principal *who, const char *after, size_t limit,
	    struct customer **out /* OUT */, size_t *n_out /* OUT */,
	    int *more_out /* OUT */, struct err *);
/* The customer takes an account that is already in the MSP's organization. */
int	customer_add_account(struct store *, const struct orgport *org,
	    const struct principal *who,
	    const char *customer_id, const char *account_id, struct err *);
/* The accounts a customer owns (at most ONBOARD_PAGE_MAX * 10). */
int	customer_accounts(struct store *, struct arena *,
	    const struct principal *who, const char *customer_id,
	    struct customer_account **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

/* "10" -> 100000 (1/10000 percent); 0..100 with up to 4 decimals. */
int	tax_rate_parse(const char *, int64_t *out /* OUT */);
/* 100000 -> "10", 88750 -> "8.875". */
void	tax_rate_format(int64_t, char *buf, size_t len);

/* ---- Onboarding requests -------------------------------------------- */

/* What a request (or a re-send) produced. plan_url is "" when no new
 * link was made: only the token's hash is kept, so a link is shown once. */
struct onboard_result {
	char			 id[ONBOARDING_ID_LEN + 1];
	int			 case_no;
	enum onboard_route	 route;
	char			 transfer_id[TRANSFER_ID_MAX + 1];	/* "" */
	int64_t			 transfer_start;	/* billing-transfer */
	char			 handshake_id[HANDSHAKE_ID_MAX + 1];
	char			 plan_url[ONBOARD_URL_MAX + 1];
	enum onboard_state	 state;
	int64_t			 members;	/* case 3: other members */
	char			 prev_org_id[ORG_ID_MAX + 1];
};

/*
 * Files a request: checks that account_id and email belong together when
 * either is known (ERR_INVALID otherwise), detects the case from the
 * account's current state (1 standalone, 2 member of another organization,
 * 3 management account of its own organization; already in the MSP's
 * organization: ERR_CONFLICT), invites the account from the MSP (the
 * handshake's own errors pass through: DuplicateHandshakeException...) and
 * records the onboarding and the customer's ownership of the account.
 * notes may be NULL. case_given is the case the MSP or the customer
 * states (1, 2 or 3; 0 for none): it is kept only when the organization
 * cannot tell (a live one cannot see a foreign account), and the case is
 * then 1 when none was given; what the organization reports wins.
 */
int	onboard_request(struct store *, const struct orgport *org,
	    const struct principal *who, const char *customer_id,
	    const char *account_id, const char *email, const char *notes,
	    int case_given, struct onboard_result *out /* OUT */,
	    struct err *);
/*
 * onboard_request() by a route: ONBOARD_ROUTE_BILLING_TRANSFER is for case 3
 * only (ERR_INVALID for another case) and sends a billing transfer starting
 * at start_at (00:00 UTC on the first of a month; 0: the first of the next
 * month, or of the one after when that is less than two days away)
 * instead of an invitation; the customer then owns the organization's
 * management account and its members of the moment. The transfer's own
 * errors pass through (InvalidInputException START_DATE_TOO_EARLY...).
 */
int	onboard_request_route(struct store *, const struct orgport *org,
	    const struct principal *who, const char *customer_id,
	    const char *account_id, const char *email, const char *notes,
	    int case_given, enum onboard_route route, int64_t start_at,
	    struct onboard_result *out /* OUT */, struct err *);
/* onboard_request()'s checks for a customer not yet made (one that would
 * own no accounts): nothing is written, so a request that would fail
 * leaves no new customer behind. */
int	onboard_request_check(struct store *, const struct orgport *org,
	    const struct principal *who, const char *account_id,
	    const char *email, const char *notes, int case_given,
	    struct err *);
/* A DECLINED or EXPIRED onboarding gets a new invitation (same plan link). */
int	onboard_resend(struct store *, const struct orgport *org,
	    const struct principal *who, const char *id,
	    struct onboard_result *out /* OUT */, struct err *);
/* Cancels the onboarding and its open invitation (not when LINKED). */
int	onboard_cancel(struct store *, const struct orgport *org,
	    const struct principal *who, const char *id, struct err *);
/* A new plan link; the old one stops working. url holds ONBOARD_URL_MAX+1. */
int	onboard_new_link(struct store *, const struct principal *who,
	    const char *id, char *url, size_t len, struct err *);

/* ---- Reading: the MSP's list and page, the customer's plan ---------- */

/* One timeline entry. kind: REQUESTED, INVITED, VIEWED, TIME_PROPOSED,
 * RESENT, MEMBER_LEFT, MEMBER_REMOVED, LEFT_ORGANIZATION,
 * REMOVED_FROM_ORGANIZATION, ORGANIZATION_DELETED, ACCEPTED, DECLINED,
 * EXPIRED, CANCELED, JOINED; billing transfer: TRANSFER_STARTED,
 * TRANSFER_ENDS (withdrawn, still running), TRANSFER_ENDED. */
struct onboard_event {
	int64_t		 at;
	const char	*kind;
	char		 actor[ACCOUNT_ID_LEN + 8];	/* "" when AWS-side */
	char		 handshake_id[HANDSHAKE_ID_MAX + 1];
	char		 account_id[ACCOUNT_ID_LEN + 1];
	char		 org_id[ORG_ID_MAX + 1];
	int64_t		 proposed_at;			/* TIME_PROPOSED */
	char		 detail[ONBOARD_NOTES_MAX + 1];
};

/* One step of the customer's plan, in the console's own words. */
struct onboard_step {
	int		 n;			/* 1.. */
	const char	*key;	/* REMOVE_MEMBERS, DELETE_ORGANIZATION,
				   LEAVE_ORGANIZATION, ACCEPT_INVITATION;
				   ACCEPT_TRANSFER, TRANSFER_STARTS */
	const char	*title;
	char		 console[512];		/* where to click */
	char		 effect[384];		/* who pays from when */
	/* DONE | NEXT | PENDING | BLOCKED | OPTIONAL (case 2's leaving
	 * first: direct transfer makes it unnecessary) */
	const char	*status;
	int64_t		 done_at;		/* 0 unless DONE */
	char		 detail[256];
};

/* A prerequisite still missing. key: PAYMENT_METHOD, CONTACT_PHONE,
 * MEMBER_TO_REMOVE, MEMBER_PAYMENT_METHOD, MEMBER_CONTACT_PHONE,
 * OPEN_INVITATION; in live mode, where AWS does not show an account's
 * billing information, PAYMENT_METHOD_UNSEEN and
 * MEMBER_PAYMENT_METHOD_UNSEEN (to check). */
struct onboard_prereq {
	const char	*key;
	char		 account_id[ACCOUNT_ID_LEN + 1];
	char		 text[256];
};

/* A route the desk offers for the case, in the customer's words. */
struct onboard_option {
	enum onboard_route	 route;
	int			 recommended;	/* the best for the case */
	const char		*title;
	char			 summary[512];
};

struct onboard_view {
	struct onboarding	 o;
	struct onboarding_route	 route;		/* as stored */
	struct orgport_transfer	 transfer;	/* billing-transfer: as now */
	int			 transfer_found;
	struct onboard_option	 options[2];	/* best first */
	size_t			 noptions;
	struct customer		 customer;
	char			 msp_name[MSP_NAME_MAX + 1];
	enum onboard_state	 state;
	struct orgport_handshake hs;		/* the current invitation */
	int			 hs_found;	/* 0: purged (30 days after end) */
	int			 contact_first;	/* cases 2, 3: the MSP calls first */
	int64_t			 left_prev_at;	/* 0: not (yet) */
	int64_t			 joined_at;	/* 0: not (yet) */
	int64_t			 gap_ms;	/* -1 until both are known */
	int			 gap_flagged;	/* over threshold, or running over */
	int64_t			 gap_threshold_min;
	int64_t			 members_left;	/* case 3: others still in */
	int64_t			 viewed_at;	/* last view, 0 never */
	int64_t			 proposed_at;	/* latest proposed move, 0 none */
	char			 proposed_note[ONBOARD_NOTES_MAX + 1];
	struct onboard_event	*events;	/* oldest first */
	size_t			 nevents;
	struct onboard_step	*steps;
	size_t			 nsteps;
	struct onboard_prereq	*prereqs;
	size_t			 nprereqs;
};

/* The MSP's page for one onboarding. */
int	onboard_get(struct store *, const struct orgport *org, struct arena *,
	    const struct principal *who, const char *id,
	    struct onboard_view *out /* OUT */, struct err *);
/* The customer's plan by its token; ERR_NOT_FOUND for any other token. */
int	onboard_plan(struct store *, const struct orgport *org, struct arena *,
	    const char *token, struct onboard_view *out /* OUT */,
	    struct err *);
/* Records that the plan page was opened (at most one per 10 minutes). */
int	onboard_plan_viewed(struct store *, const char *token, struct err *);
/* The customer proposes a time for the move (cases 2 and 3, while the
 * invitation is open): `when` in the future, within 180 days. */
int	onboard_propose_time(struct store *, const struct orgport *org,
	    const char *token, int64_t when, const char *note, struct err *);

struct onboard_filter {
	int		 state;		/* enum onboard_state, or -1 for any */
	const char	*customer_id;	/* NULL or "" for any */
	int64_t		 expiring_within_ms;	/* >0: open invitations that
						   expire within this */
	const char	*after;		/* onboarding id, "" first */
	size_t		 limit;		/* capped at ONBOARD_PAGE_MAX */
};

/*
 * One page of onboardings matching f, by id; views carry no events, steps
 * or prerequisites. counts_out[state] counts every onboarding of the
 * customer filter (not the state filter) per state.
 */
int	onboard_list(struct store *, const struct orgport *org, struct arena *,
	    const struct principal *who, const struct onboard_filter *f,
	    struct onboard_view **out /* OUT */, size_t *n_out /* OUT */,
	    int *more_out /* OUT */, int64_t counts_out[ONBOARD_NSTATES],
	    struct err *);

/* ---- Audit ----------------------------------------------------------- */

/* One page of the log (MSP only), by id after after_id, at or after
 * since (0: from the start), of one object (NULL: all). */
int	audit_list(struct store *, struct arena *, const struct principal *who,
	    int64_t since, const char *object, int64_t after_id, size_t limit,
	    struct audit_entry **out /* OUT */, size_t *n_out /* OUT */,
	    int *more_out /* OUT */, struct err *);

/* "2026-11-26", "2026-11-26T12:00Z", "2026-11-26T12:00:00Z" (UTC) -> ms;
 * -1 if malformed. */
int	onboard_parse_time(const char *, int64_t *ms_out /* OUT */);
/* "3d", "12h", "30m", "45s" -> ms; -1 if malformed. */
int	onboard_parse_duration(const char *, int64_t *ms_out /* OUT */);

/*
 * Reads inside the caller's transaction, for the other domains and the
 * protocol layers (which have checked who asks): the rows as the store
 * keeps them, under this domain's name, so that nobody above opens this
 * domain's tables itself.
 */
static inline int
customer_find(struct store *st, const char *id, struct customer *out,
    struct err *e)
{
	return (store_customer_get(st, id, out, e));
}
static inline int
customer_page(struct store *st, struct arena *a, const char *after,
    size_t limit, struct customer **out, size_t *n_out, struct err *e)
{
	return (store_customer_list(st, a, after, limit, out, n_out, e));
}
/* Who owns account_id: ERR_NOT_FOUND when no customer does. */
static inline int
account_owner(struct store *st, const char *account_id,
    struct customer_account *out, struct err *e)
{
	return (store_customer_account_get(st, account_id, out, e));
}
static inline int
customer_owned(struct store *st, struct arena *a, const char *customer_id,
    size_t limit, struct customer_account **out, size_t *n_out,
    struct err *e)
{
	return (store_customer_accounts(st, a, customer_id, limit, out, n_out,
	    e));
}

#endif
