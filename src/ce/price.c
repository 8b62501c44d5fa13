/* SPDX-License-Identifier: MIT */
/*
 * The customer-price seam between Cost Explorer and rebilling. Cost
 * queries compute AWS's figures from the rollups and hand the rows of one
 * (customer, period) to ce_price_rows() to get what the customer pays.
 * This is the only place Cost Explorer calls rebilling: it rates each row
 * with pricing_rate() (src/billing/pricing.h: the customer's commitment
 * policy, then the most specific pricing rule; AWS tax and partner-only
 * discounts are billed 0), before tax and currency conversion, which the
 * invoice applies. Every cost metric a customer sees is that billed
 * amount: the customer has one price per line.
 */
#include <string.h>

#include "billing/pricing.h"
#include "ce/ce.h"

int
ce_price_rows(struct store *st, const char *customer_id, const char *period,
    const struct billing_rollup *rows, size_t n, struct ce_price *out,
    struct err *e)
{
	struct arena		 a;
	struct pricing_ctx	 ctx;
	struct pricing_rule	*rules;
	struct customer_billing	 cb;
	struct invoice_usage	 u;
	size_t			 nrules, i;
	int64_t			 aws, billed;
	int			 rc = -1;

	arena_init(&a);
	if (pricing_rules_of(st, &a, customer_id, &rules, &nrules,
	    e) == -1 || pricing_commitment_get(st, customer_id, &cb, e) == -1)
		goto out;
	memset(&ctx, 0, sizeof(ctx));
	ctx.rules = rules;
	ctx.nrules = nrules;
	ctx.customer_id = customer_id;
	ctx.period = period;
	ctx.policy = strcmp(cb.commitment, "keep") == 0 ? COMMIT_KEEP :
	    strcmp(cb.commitment, "share") == 0 ? COMMIT_SHARE :
	    COMMIT_PASS_THROUGH;
	ctx.share = cb.share_percent;
	for (i = 0; i < n; i++) {
		memset(&u, 0, sizeof(u));
		u.customer_id = customer_id;
		u.account_id = rows[i].account_id;
		u.product_code = rows[i].product_code;
		u.usage_type = rows[i].usage_type;
		u.line_item_type = rows[i].line_item_type;
		u.pricing_term = rows[i].pricing_term;
		u.unblended = rows[i].unblended;
		u.amortized = rows[i].amortized;
		u.public_on_demand = rows[i].public_on_demand;
		pricing_rate(&ctx, &u, &aws, &billed);
		out[i].unblended = out[i].net = out[i].amortized =
		    out[i].blended = billed;
	}
	rc = 0;
out:
	arena_release(&a);
	return (rc);
}
