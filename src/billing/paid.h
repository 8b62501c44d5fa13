/* SPDX-License-Identifier: MIT */
/*
 * Whose cost it is: the one rule every reader of cost lines follows
 * (invoices, the reconciliation, Cost Explorer, the portal, budgets,
 * anomalies, the FOCUS export) and the one check every import passes.
 *
 * A cost line is the MSP's to rebill only if the MSP paid AWS for it:
 *   - it comes from a "paid source": the current version of a billing
 *     period whose payer is the MSP's payer account (its management
 *     account, `payerlink msp set`), imported as a bill (role "billing");
 *   - and its usage hour lies in the usage account's membership of that
 *     payer's organization (the rollup's in_membership, fixed at import
 *     from the membership history).
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

/* What an import is to the MSP. */
enum paid_kind {
	PAID_KIND_BILL,		/* a paid source when current: billed */
	PAID_KIND_REFERENCE,	/* a customer's history, never billed */
	PAID_KIND_OTHER		/* another payer's bill, never billed (made
				   before the MSP was named, or the MSP's
				   payer changed since) */
};

/* The kind of import im, the MSP's payer being msp_payer ("" none). */
enum paid_kind	paid_import_kind(const char *msp_payer,
		    const struct billing_import *im);

/* The MSP's payer account into out; fails with ERR_NOT_FOUND
 * (DataUnavailableException) when no MSP is named yet. */
int	paid_payer(struct store *, char out[ACCOUNT_ID_LEN + 1] /* OUT */,
	    struct err *);

/* The paid sources of the months [from, to] (YYYY-MM), by month: the only
 * imports whose lines are the MSP's. Fails as paid_payer. */
int	paid_sources(struct store *, struct arena *, const char *from,
	    const char *to, struct billing_source **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);

/* The reference imports of [from, to] (every payer's): the history
 * shown to a customer as "before the MSP". */
int	paid_history(struct store *, struct arena *, const char *from,
	    const char *to, struct billing_source **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);

/*
 * Whether a delivery of payer p[0..len) may be imported as role, the MSP's
 * payer being msp_payer ("" when no MSP is named): with an MSP, a bill
 * ("billing") must be the MSP's payer's and a reference file another
 * payer's. Fails with ERR_INVALID and a message naming the payer and the
 * way to import the file otherwise. Without an MSP every file is accepted
 * as a bill: nothing is billed before the MSP is named.
 */
int	paid_import_allowed(const char *msp_payer, const char *p, size_t len,
	    const char *role, struct err *);

/*
 * Reads inside the caller's transaction, for the other domains and the
 * protocol layers (which have checked who asks): the rows as the store
 * keeps them, under this domain's name, so that nobody above opens this
 * domain's tables itself.
 */
/* Streams every rollup of an import, ordered by account and day; stops
 * early (returning that value) when fn returns non-zero. */
static inline int
paid_rollups(struct store *st, int64_t import_id, ce_row_fn fn, void *arg,
    struct err *e)
{
	return (store_ce_rollups(st, import_id, fn, arg, e));
}

#endif
