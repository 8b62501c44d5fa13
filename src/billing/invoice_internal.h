/* SPDX-License-Identifier: MIT */
/* Private to the invoice files of src/billing: a month's inputs and the
 * computation every invoice, draft, note and reconciliation shares. */
#ifndef BILLING_INVOICE_INTERNAL_H
#define BILLING_INVOICE_INTERNAL_H

#include "billing/invoice.h"
#include "billing/pricing.h"
#include "onboard/onboard.h"

/* A customer's slice [lo, hi) of an array sorted by customer id. */
struct range {
	const char	*id;
	size_t		 lo, hi;
};

/* Everything a month's invoices are built from. */
struct month {
	char			 period[8];
	int64_t			 start, end;		/* ms, [start, end) */
	struct msp		 msp;
	struct msp_brand	 brand;
	struct pricing_rule	*rules;
	size_t			 nrules;
	struct custom_item	*items;
	size_t			 nitems;
	struct invoice_usage	*usage;
	size_t			 nusage;
	struct range		*uranges;
	size_t			 nuranges;
	struct invoice_member	*members;
	size_t			 nmembers;
	char			 source[64];
};

/* What a recomputation must keep from an issued original. */
struct frozen {
	const char	*currency;
	int64_t		 fx_rate;
	int64_t		 tax_rate;
};

/* Fails with -1 unless who (NULL: the CLI) is the MSP. */
int	invoice_require(struct store *, const struct principal *who,
	    struct err *);
/* Loads period's inputs for one customer ("" all): the paid sources'
 * usage (billing/paid.h), rules, items and memberships. */
int	invoice_month_load(struct store *, struct arena *, const char *period,
	    const char *customer_id, struct month *out /* OUT */, struct err *);
/* Sets h's parties (its customer's name, bill_from, bill_to), terms and
 * brand as the MSP and the customer have them now, inside the caller's
 * transaction: what a draft shows and an issued document keeps. */
int	invoice_parties_now(struct store *, struct invoice *h, struct err *);
/* Computes customer c's document for the month (nothing written); fz:
 * what a restatement keeps of the issued original, or NULL. */
int	invoice_compute(struct store *, struct arena *, const struct month *,
	    const struct customer *c, const struct frozen *fz,
	    struct invoice_doc *out /* OUT */, struct err *);

/* Sets the shown amounts of l[0..n) (minor units of `digits`) so they
 * add up to target exactly: each line's floor, plus one unit to the
 * largest remainders (ties to the earlier line). */
void	invoice_apportion(struct invoice_line *l, size_t n, int digits,
	    int64_t target);
/* qsort/bsearch order of struct range by id. */
int	invoice_range_cmp(const void *, const void *);

#endif
