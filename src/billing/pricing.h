/* SPDX-License-Identifier: MIT */
/*
 * The MSP's prices (docs/billing.md, "Pricing"): pricing rules (a signed
 * percentage with a scope and a validity), each customer's commitment
 * policy (RI / Savings Plans), partner-only discounts, custom line items,
 * monthly exchange rates, and the exact arithmetic the invoices use:
 * money in int64 10^-9 units with __int128 products, half-even rounding to
 * a currency's minor unit, exchange rates as exact decimals. Pure domain:
 * no SQL, JSON or HTTP. Functions taking `who` accept NULL for the local
 * operator (CLI); else who must be the MSP (ERR_DENIED AccessDenied).
 */
#ifndef BILLING_PRICING_H
#define BILLING_PRICING_H

#include <stddef.h>
#include <stdint.h>

#include "billing/money.h"
#include "core/arena.h"
#include "core/err.h"
#include "org/account.h"
#include "store/billing.h"
#include "store/store.h"


/* Scope bits: a rule's level is the OR of the fields it sets, so that a
 * higher level is more specific (usage type > service > account >
 * customer > global = 0). */
#define SCOPE_CUSTOMER	(1 << 0)
#define SCOPE_ACCOUNT	(1 << 1)
#define SCOPE_SERVICE	(1 << 2)
#define SCOPE_USAGE	(1 << 3)

enum commitment { COMMIT_PASS_THROUGH, COMMIT_KEEP, COMMIT_SHARE };

/* ---- Rules ----------------------------------------------------------- */

struct pricing_rule_input {
	const char	*customer_id;	/* NULL or "": global */
	const char	*account_id;
	const char	*service;	/* product code */
	const char	*usage_type;
	const char	*percent;	/* "-10", "2.5" */
	const char	*from;		/* YYYY-MM; default: this month */
	const char	*to;		/* YYYY-MM or NULL: open */
	const char	*passes;	/* partner types passed on, or NULL */
};

/*
 * Adds a rule. Refused (ERR_CONFLICT, naming the rule) when a rule of the
 * same scope (same fields) is valid in an overlapping month range; with
 * ERR_INVALID for a malformed field, ERR_NOT_FOUND for an unknown customer.
 */
int	 pricing_rule_add(struct store *, const struct principal *who,
	    const struct pricing_rule_input *, struct pricing_rule *out /* OUT */,
	    struct err *);
int	 pricing_rule_delete(struct store *, const struct principal *who,
	    const char *id, struct err *);
/* The rules of customer_id and the global ones (customer_id NULL: all). */
int	 pricing_rule_list(struct store *, struct arena *,
	    const struct principal *who, const char *customer_id,
	    struct pricing_rule **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* "global", "customer", "account", "service", "usage-type". */
const char *pricing_scope_name(int level);
/*
 * The rule that prices a line of (customer, account, service, usage type)
 * in period: the most specific valid one, or NULL.
 */
const struct pricing_rule *pricing_match(const struct pricing_rule *, size_t n,
	    const char *customer_id, const char *account_id,
	    const char *service, const char *usage_type, const char *period);

/* ---- Commitment policy ----------------------------------------------- */

/* "pass-through" | "keep" | "share:N" (N percent of the saving goes to the
 * customer, 0..100). */
int	 pricing_commitment_set(struct store *, const struct principal *who,
	    const char *customer_id, const char *spec,
	    struct customer_billing *out /* OUT */, struct err *);
/* The customer's policy; pass_through when none was set. */
int	 pricing_commitment_get(struct store *, const char *customer_id,
	    struct customer_billing *out /* OUT */, struct err *);
/* "pass-through", "keep", "share:30". */
void	 pricing_commitment_format(const struct customer_billing *,
	    char *buf, size_t len);

/* ---- Rating ---------------------------------------------------------- */

/* Whether a line item type is a partner-only discount or credit (EDP,
 * SPP, private pricing, bundled discount, credits): hidden from the
 * customer unless a rule passes it on. */
int	 pricing_partner_only(const char *line_item_type);

struct pricing_ctx {
	const struct pricing_rule	*rules;
	size_t				 nrules;
	enum commitment			 policy;
	int64_t				 share;		/* 1/10000 % */
	const char			*customer_id;
	const char			*period;
};

/*
 * Rates one usage group: *aws_out is what the payer pays AWS for it
 * (unblended, USD 10^-9), *billed_out what the customer is billed before
 * tax and currency (USD 10^-9): commitment policy, then the matching
 * rule's percentage (never on Tax or zero-cost lines). AWS Tax lines and
 * partner-only discounts not passed on are billed 0.
 */
void	 pricing_rate(const struct pricing_ctx *, const struct invoice_usage *,
	    int64_t *aws_out /* OUT */, int64_t *billed_out /* OUT */);

/* ---- Custom line items ----------------------------------------------- */

struct custom_item_input {
	const char	*customer_id;
	const char	*description;
	const char	*amount;	/* flat: "500", "-100" (credit) */
	const char	*currency;	/* flat/minimum; default customer's */
	const char	*percent;	/* or: "3" of the charges */
	const char	*of_service;	/* percent of one service's charges */
	const char	*minimum;	/* percent: at least this */
	const char	*from;		/* YYYY-MM; default this month */
	const char	*to;		/* NULL: monthly, open */
	int		 once;		/* one-off: to = from */
};

int	 pricing_item_add(struct store *, const struct principal *who,
	    const struct custom_item_input *, struct custom_item *out /* OUT */,
	    struct err *);
int	 pricing_item_delete(struct store *, const struct principal *who,
	    const char *id, struct err *);
int	 pricing_item_list(struct store *, struct arena *,
	    const struct principal *who, const char *customer_id,
	    struct custom_item **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* Whether the item (or a rule's) validity covers period. */
int	 pricing_valid_in(const char *from, const char *to, const char *period);

/* ---- Exchange rates -------------------------------------------------- */

int	 fx_set(struct store *, const struct principal *who, const char *period,
	    const char *base, const char *quote, const char *rate,
	    struct fx_rate *out /* OUT */, struct err *);
int	 fx_list(struct store *, struct arena *, const struct principal *who,
	    const char *period, struct fx_rate **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* 1 base in quote for period (1e9 when base == quote); ERR_NOT_FOUND with
 * the command to set it when missing. */
int	 fx_get(struct store *, const char *period, const char *base,
	    const char *quote, int64_t *rate_out /* OUT */, struct err *);

/*
 * Reads inside the caller's transaction, for the other domains and the
 * protocol layers (which have checked who asks): the rows as the store
 * keeps them, under this domain's name, so that nobody above opens this
 * domain's tables itself.
 */
static inline int
pricing_rules_of(struct store *st, struct arena *a, const char *customer_id,
    struct pricing_rule **out, size_t *n_out, struct err *e)
{
	return (store_pricing_rules(st, a, customer_id, out, n_out, e));
}

#endif
