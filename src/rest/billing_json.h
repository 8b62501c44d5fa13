/* SPDX-License-Identifier: MIT */
/*
 * JSON and CSV for rebilling's objects (pricing rules, custom items,
 * exchange rates, invoices, diffs, reconciliation), shared by the REST API
 * and the CLI's --json so both print the same shapes (docs/billing.md).
 * Amounts are decimal strings: invoice amounts in the invoice currency
 * with exactly its minor digits, AWS costs in USD. Each json function
 * returns a new reference the caller owns.
 */
#ifndef REST_BILLING_JSON_H
#define REST_BILLING_JSON_H

#include <jansson.h>

#include "billing/invoice.h"
#include "billing/pricing.h"
#include "core/buf.h"

/* invoice_json flags */
#define INVOICE_MSP	(1 << 0)	/* AWS cost and MSP-only fields */

json_t	*pricing_rule_json(const struct pricing_rule *);
json_t	*custom_item_json(const struct custom_item *);
json_t	*fx_rate_json(const struct fx_rate *);
json_t	*invoice_json(const struct invoice_doc *, int flags);
/* A list row (no lines). */
json_t	*invoice_summary_json(const struct invoice *, int flags);
json_t	*invoice_diff_json(const struct invoice_diff *, const char *currency);
json_t	*invoice_batch_json(const struct invoice_batch *);
json_t	*recon_json(const struct recon *);

#endif
