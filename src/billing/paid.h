/* SPDX-License-Identifier: MIT */
/*
 * Whose cost it is: the one rule every reader of cost lines follows
 * (invoices, the reconciliation, Cost Explorer, the portal, budgets,
 * anomalies, the FOCUS export) and the one check every import passes.
 *
 * A cost line is the MSP's to rebill only if the MSP paid AWS for it:
 *   - it comes from a "paid source": the current version of a billing
 *     period, imported as a bill (role "billing"), whose payer is
 *       - the MSP's payer account (its management account, `payerlink msp
 *         set`), any month; or
 *       - the management account of a source organization of a billing
 *         transfer the MSP's payer accepted (org/transfer.h), in the months
 *         of the transfer: from its start month to the month it ends;
 *   - and its usage hour lies in the usage account's membership of that
 *     payer's organization (the rollup's in_membership, fixed at import
 *     from the membership history): for a transfer, of the source
 *     organization, which the customer keeps.
 * The MSP's own view is its payer's whole AWS bill: every line of the
 * paid sources, each in one of three classes (enum paid_class). No other
 * payer's line is ever read as the MSP's or billed to a customer.
 *
 * Another payer's file is refused at import once the MSP is named, unless
 * it is imported as reference (role "reference"): history a customer
 * handed over, shown to that customer as "before the MSP", never billed.
 */
#ifndef BILLING_PAID_H
#define BILLING_PAID_H

#include "core/arena.h"
#include "core/err.h"
#include "store/billing.h"
#include "store/store.h"

#define PAID_ROLE_BILLING	"billing"
#define PAID_ROLE_REFERENCE	"reference"

/* The MSP's view of one line of a paid source. */
enum paid_class {
	PAID_BILLED,		/* in membership, the account has a customer */
	PAID_UNASSIGNED,	/* in membership, no customer owns the account */
	PAID_OUTSIDE		/* not in the payer's organization that hour */
};

/* The class of a paid source's line (has_owner: a customer owns its
 * usage account). Only PAID_BILLED lines reach a customer. */
static inline enum paid_class
paid_class(int in_membership, int has_owner)
{
	if (!in_membership)
		return (PAID_OUTSIDE);
	return (has_owner ? PAID_BILLED : PAID_UNASSIGNED);
}

/* Whether a paid source's line may reach a customer's invoice or view. */
static inline int
paid_billable(int in_membership)
{
	return (in_membership != 0);
}

/*
 * A payer whose bills the MSP pays, and for which months: the MSP's own
 * payer (from and to "": every month), and the source of each accepted
 * billing transfer (its start month to its end month, to "" while it has
 * no end).
 */
struct paid_payer {
	char	 payer_id[ACCOUNT_ID_LEN + 1];
	char	 from[8];			/* YYYY-MM, "" since ever */
	char	 to[8];				/* YYYY-MM, "" open */
	char	 transfer_id[TRANSFER_ID_MAX + 1];	/* "" the MSP's own */
	char	 org_id[ORG_ID_MAX + 1];	/* the transfer's source */
};

/* Whose bills may be imported as bills, read once per delivery. */
struct paid_rule {
	char			 msp_payer[ACCOUNT_ID_LEN + 1];	/* "" none */
	struct paid_payer	*transfers;	/* the sources' windows */
	size_t			 ntransfers;
	int			 hourly;	/* paid_hourly() */
};

/* The MSP's rule into *out (transfers in a): an empty rule when no MSP is
 * named. */
int	paid_rule_load(struct store *, struct arena *,
	    struct paid_rule *out /* OUT */, struct err *);

/* The payers the MSP pays in some month of [from, to] (YYYY-MM), the
 * MSP's own first. Fails as paid_payer. */
int	paid_payers(struct store *, struct arena *, const char *from,
	    const char *to, struct paid_payer **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);

/* The transfer of rule that makes payer p's bill of period the MSP's, or
 * NULL. */
const struct paid_payer *paid_transfer_of(const struct paid_rule *,
	    const char *p, const char *period);

/* What an import is to the MSP. */
enum paid_kind {
	PAID_KIND_BILL,		/* a paid source when current: billed */
	PAID_KIND_TRANSFER,	/* a billing transfer's source's bill, in
				   its months: billed as the MSP's */
	PAID_KIND_REFERENCE,	/* a customer's history, never billed */
	PAID_KIND_OTHER		/* another payer's bill, never billed (made
				   before the MSP was named, or the MSP's
				   payer changed since) */
};

/* The kind of import im under rule. */
enum paid_kind	paid_import_kind(const struct paid_rule *,
		    const struct billing_import *im);

/* The MSP's payer account into out; fails with ERR_NOT_FOUND
 * (DataUnavailableException) when no MSP is named yet. */
int	paid_payer(struct store *, char out[ACCOUNT_ID_LEN + 1] /* OUT */,
	    struct err *);

/* Whether the MSP keeps hourly and resource-level data (payerlink msp
 * set --hourly-resource-data; docs/billing.md): 1 on, 0 off or no MSP. */
int	paid_hourly(struct store *, struct err *);

/* The paid sources of the months [from, to] (YYYY-MM), by month then
 * payer: the only imports whose lines are the MSP's. Fails as paid_payer. */
int	paid_sources(struct store *, struct arena *, const char *from,
	    const char *to, struct billing_source **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);

/* The reference imports of [from, to] (every payer's): the history
 * shown to a customer as "before the MSP". */
int	paid_history(struct store *, struct arena *, const char *from,
	    const char *to, struct billing_source **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);

/*
 * Whether a delivery of payer p[0..len) for period (YYYY-MM; "" while it
 * is not known yet) may be imported as role under rule: with an MSP, a
 * bill ("billing") must be the MSP's payer's, or a billing transfer's
 * source's for a month of the transfer; a reference file another payer's.
 * Fails with ERR_INVALID and a message naming the payer and the way to
 * import the file otherwise. Without an MSP every file is accepted as a
 * bill: nothing is billed before the MSP is named. A source's bill with no
 * period yet passes; call again once the period is known.
 */
int	paid_import_allowed(const struct paid_rule *, const char *p,
	    size_t len, const char *period, const char *role, struct err *);

/*
 * The memberships of the accounts customer_id ("" all) owns that the MSP
 * pays for in period [start, end): in the MSP's organization, and in each
 * source organization under a transfer in that month. What an invoice
 * covers; see store_invoice_members().
 */
int	paid_members(struct store *, struct arena *, const char *customer_id,
	    const char *period, int64_t start, int64_t end,
	    struct invoice_member **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

/*
 * Reads inside the caller's transaction, for the other domains and the
 * protocol layers (which have checked who asks): the rows as the store
 * keeps them, under this domain's name, so that nobody above opens this
 * domain's tables itself.
 */
/* Streams every rollup of an import, ordered by account and day; stops
 * early (returning that value) when fn returns non-zero. hourly: its
 * hourly rows instead (hour and resource_id set). */
static inline int
paid_rollups(struct store *st, int64_t import_id, int hourly, ce_row_fn fn,
    void *arg, struct err *e)
{
	return (store_ce_rollups(st, import_id, hourly, fn, arg, e));
}

/* The reservations and Savings Plans an import's lines name, with what
 * they say of each (billing/attrs.h, enum commit_field). */
static inline int
paid_commitments(struct store *st, struct arena *a, int64_t import_id,
    struct billing_commitment **out, size_t *n_out, struct err *e)
{
	return (store_billing_commitments(st, a, import_id, out, n_out, e));
}

#endif
