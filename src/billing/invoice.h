/* SPDX-License-Identifier: MIT */
/*
 * Invoices (docs/billing.md, "Invoices"): one per customer and month,
 * built from the daily rollups of the accounts the customer owns, for the
 * hours they were in the MSP's organization (the rollups' in_membership
 * flag), priced by billing/pricing.h. Lifecycle DRAFT -> ISSUED -> VOID:
 * a draft is recomputed on demand (returning what changed); issuing takes
 * the year's next gapless number (PL-YYYY-NNNNNN) and freezes the lines,
 * totals, parties, terms, brand and PDF logo in the store, never to
 * change (a draft shows the parties and brand of the day); a restatement
 * after issue becomes a credit note (less) or an adjustment invoice (more)
 * that refers to the original. Money: lines in 10^-9 of the invoice currency, rounded
 * once, half-even, at the invoice subtotal; line amounts are apportioned
 * (largest remainder) so they add up to it; tax = subtotal x rate,
 * half-even. Pure domain; `who` as in pricing.h. Documents are allocated
 * from the caller's arena.
 */
#ifndef BILLING_INVOICE_H
#define BILLING_INVOICE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "org/account.h"
#include "store/billing.h"
#include "store/store.h"

#define INVOICE_LIST_MAX	100000
#define INVOICE_USAGE_MAX	(4u * 1024 * 1024)	/* usage groups a month */

struct invoice_doc {
	struct invoice		 h;
	char			 refers_number[INVOICE_NUMBER_MAX + 1];
	struct invoice_line	*lines;		/* LINE rows, then ADJUSTMENT */
	size_t			 n;
	int			 linked;	/* computed: the customer had an
						   account in the MSP's
						   organization that month */
};

/* One changed row of a recomputed draft (amounts in minor units). */
struct invoice_change {
	char		 what[8];		/* added | removed | changed */
	const char	*account_id;
	const char	*label;			/* service or description */
	int64_t		 before;
	int64_t		 after;
};

struct invoice_diff {
	int			 created;	/* a new document */
	int64_t			 total_before;
	int64_t			 total_after;
	struct invoice_change	*v;
	size_t			 n;
};

/*
 * The customer's document for period: the live INVOICE (issued or draft;
 * a draft is recomputed first, *diff says what changed; diff may be NULL),
 * created as a draft when none exists.
 */
int	invoice_for(struct store *, struct arena *, const struct principal *who,
	    const char *customer_id, const char *period,
	    struct invoice_doc *out /* OUT */, struct invoice_diff *diff /* OUT */,
	    struct err *);
/* An invoice or note by id or number, as stored (issued: frozen). */
int	invoice_get(struct store *, struct arena *, const struct principal *who,
	    const char *key, struct invoice_doc *out /* OUT */, struct err *);
int	invoice_list(struct store *, struct arena *, const struct principal *who,
	    const char *customer_id, const char *period,
	    struct invoice **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

struct invoice_batch {
	size_t	 customers;		/* looked at */
	size_t	 created;		/* new drafts */
	size_t	 changed;		/* drafts recomputed with changes */
	size_t	 unchanged;
	size_t	 notes;			/* credit notes / adjustments drafted */
	size_t	 issued_kept;		/* issued invoices left as they are */
	size_t	 usage_groups;
};

/*
 * Recomputes every customer's draft for period (customer_id NULL) or one
 * customer's, in one transaction; restatements of issued invoices become
 * draft notes. Customers with nothing to bill get no invoice.
 */
int	invoice_draft_all(struct store *, const struct principal *who,
	    const char *period, const char *customer_id,
	    struct invoice_batch *out /* OUT */, struct err *);
/* DRAFT -> ISSUED (an INVOICE draft is recomputed first). */
int	invoice_issue(struct store *, struct arena *, const struct principal *who,
	    const char *key, struct invoice_doc *out /* OUT */, struct err *);
/* ISSUED -> VOID (the number stays used). */
int	invoice_void(struct store *, struct arena *, const struct principal *who,
	    const char *key, struct invoice_doc *out /* OUT */, struct err *);
/* invoice_void with the reason (NULL or "": none) in the audit record. */
int	invoice_void_reason(struct store *, struct arena *,
	    const struct principal *who, const char *key, const char *reason,
	    struct invoice_doc *out /* OUT */, struct err *);

/*
 * Customer-scoped reads, for the billing portal's customer users, who have
 * no account principal. Contract: the CALLER has already established that
 * the reader belongs to customer_id (web/: a customer user's session is
 * bound to one customer); these functions check no principal. They return
 * only that customer's ISSUED and VOID documents (invoices, credit notes,
 * adjustment invoices), never a DRAFT. invoice_customer_get fails with the
 * same ERR_NOT_FOUND "no such invoice" for an unknown key, another
 * customer's document and a draft, so a reader cannot tell them apart.
 * The documents still carry the MSP-only fields (aws_cost, billed_usd,
 * commitment, source): the caller must render the customer's view, which
 * leaves them out. period "" or NULL: every month (else YYYY-MM).
 */
int	invoice_customer_list(struct store *, struct arena *,
	    const char *customer_id, const char *period,
	    struct invoice **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	invoice_customer_get(struct store *, struct arena *,
	    const char *customer_id, const char *key,
	    struct invoice_doc *out /* OUT */, struct err *);

/*
 * RFC 4180 CSV of one document into b (the same columns as the REST API's
 * ?format=csv): Number, Period, Currency, Row (LINE | FEE | CREDIT |
 * SUBTOTAL | TAX | TOTAL), AccountId, Item, Amount, and AwsCostUSD only
 * when with_aws_cost (the MSP's view). -1 when b's cap is reached.
 */
int	invoice_csv_write(const struct invoice_doc *, int with_aws_cost,
	    struct buf *b);

/* The MSP's reconciliation of a period. Amounts in USD 10^-9. */
struct recon_customer {
	char	 customer_id[CUSTOMER_ID_LEN + 1];
	char	 name[CUSTOMER_NAME_MAX + 1];
	int64_t	 aws_cost;		/* in-membership, owned accounts */
	int64_t	 billed_usd;		/* subtotal before tax and fx */
	int64_t	 margin;		/* billed_usd - aws_cost */
};

/*
 * The MSP's payer's whole bill for a period, from the paid sources only
 * (billing/paid.h), split by class on the SQL side, against the customers'
 * AWS cost as the invoice engine computes it:
 *   aws_total = customers_aws + unassigned + out_of_membership
 * (difference 0). billed is the SQL side's in-membership cost of owned
 * accounts, which must equal customers_aws.
 */
struct recon {
	char			 period[8];
	char			 payer_id[ACCOUNT_ID_LEN + 1];
	size_t			 sources;	/* paid imports read */
	int64_t			 aws_total;	/* every line of the sources */
	int64_t			 billed;	/* SQL: member hours, owned */
	int64_t			 customers_aws;	/* engine: sum over customers */
	int64_t			 unassigned;	/* member hours, no customer */
	int64_t			 out_of_membership;
	int64_t			 difference;	/* aws_total - the three */
	int64_t			 billed_usd;
	int64_t			 margin;
	struct recon_customer	*v;
	size_t			 n;
};

/* The reconciliation of period for the MSP's payer; fails with
 * DataUnavailableException before the MSP is named. */
int	invoice_reconcile(struct store *, struct arena *,
	    const struct principal *who, const char *period,
	    struct recon *out /* OUT */, struct err *);

/*
 * The PNG h's PDF shows, into the arena: an issued (or void) document's
 * logo frozen at issue, a draft's the MSP's of the day
 * (msp_pdf_logo_get). ERR_NOT_FOUND when it shows none. Reads outside
 * any transaction of the caller's.
 */
int	invoice_logo(struct store *, struct arena *, const struct invoice *h,
	    const unsigned char **png_out /* OUT */, size_t *len_out /* OUT */,
	    struct err *);

/* "YYYY-MM-DD" of ms. */
void	invoice_date(int64_t ms, char *buf, size_t len);
/* The due date "YYYY-MM-DD" (issue date + payment terms); a draft's
 * "Net 30 from issue". */
void	invoice_due_text(const struct invoice *, char *buf, size_t len);

#endif
