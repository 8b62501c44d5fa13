/* SPDX-License-Identifier: MIT */
/* JSON and CSV of rebilling's objects: see billing_json.h. */
#include <stdio.h>
#include <string.h>

#include "billing/service.h"
#include "core/clock.h"
#include "core/json.h"
#include "onboard/onboard.h"
#include "rest/billing_json.h"

static json_t *
pct_json(int64_t v)
{
	char	 buf[32];

	pct_format(v, buf, sizeof(buf));
	return (json_string(buf));
}

static json_t *
usd_json(int64_t v)
{
	char	 buf[40];

	nano_format(v, buf, sizeof(buf));
	return (json_string(buf));
}

static json_t *
minor_json(int64_t v, int digits)
{
	char	 buf[40];

	minor_format(v, digits, buf, sizeof(buf));
	return (json_string(buf));
}

json_t *
pricing_rule_json(const struct pricing_rule *r)
{
	return (json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o}",
	    "RuleId", r->id, "Scope", pricing_scope_name(r->level),
	    "CustomerId", json_string_or_null(r->customer_id),
	    "AccountId", json_string_or_null(r->account_id),
	    "Service", json_string_or_null(r->service),
	    "UsageType", json_string_or_null(r->usage_type),
	    "Percent", pct_json(r->percent),
	    "From", r->valid_from, "To", json_string_or_null(r->valid_to),
	    "PassesOn", json_string_or_null(r->passes)));
}

json_t *
custom_item_json(const struct custom_item *c)
{
	json_t	*o;

	o = json_pack("{s:s, s:s, s:s, s:s}", "ItemId", c->id, "CustomerId",
	    c->customer_id, "Description", c->description, "Kind", c->kind);
	if (strcmp(c->kind, "FLAT") == 0)
		json_object_set_new(o, "Amount", usd_json(c->amount));
	else {
		json_object_set_new(o, "Percent", pct_json(c->percent));
		json_object_set_new(o, "Of", json_string_or_null(c->of_service));
		json_object_set_new(o, "Minimum", usd_json(c->minimum));
	}
	json_object_set_new(o, "Currency", json_string(c->currency));
	json_object_set_new(o, "From", json_string(c->valid_from));
	json_object_set_new(o, "To", json_string_or_null(c->valid_to));
	return (o);
}

json_t *
fx_rate_json(const struct fx_rate *r)
{
	char	 buf[40];

	nano_format(r->rate, buf, sizeof(buf));
	return (json_pack("{s:s, s:s, s:s, s:s}", "Period", r->period,
	    "Base", r->base, "Quote", r->quote, "Rate", buf));
}

/* The fields a list row and a whole invoice share, in that order. */
static json_t *
invoice_head(const struct invoice *h, const char *refers_to)
{
	json_t	*o;
	char	 date[16];

	o = json_object();
	json_object_set_new(o, "InvoiceId", json_string(h->id));
	json_object_set_new(o, "Number", json_string_or_null(h->number));
	json_object_set_new(o, "Kind", json_string(h->kind));
	json_object_set_new(o, "State", json_string(h->state));
	if (refers_to != NULL)
		json_object_set_new(o, "RefersTo",
		    json_string_or_null(refers_to));
	json_object_set_new(o, "CustomerId", json_string(h->customer_id));
	json_object_set_new(o, "CustomerName", json_string(h->customer_name));
	json_object_set_new(o, "Period", json_string(h->period));
	json_object_set_new(o, "Currency", json_string(h->currency));
	json_object_set_new(o, "PeriodStart", json_string(h->period_start));
	json_object_set_new(o, "PeriodEnd", json_string(h->period_end));
	if (h->issued_at) {
		invoice_date(h->issued_at, date, sizeof(date));
		json_object_set_new(o, "IssuedAt", json_string(date));
	} else
		json_object_set_new(o, "IssuedAt", json_null());
	return (o);
}

/* AwsCost (the MSP's view), Subtotal, Tax and Total. */
static void
invoice_totals(json_t *o, const struct invoice *h, int flags)
{
	if (flags & INVOICE_MSP)
		json_object_set_new(o, "AwsCost", usd_json(h->aws_cost));
	json_object_set_new(o, "Subtotal", minor_json(h->subtotal,
	    h->minor_digits));
	json_object_set_new(o, "Tax", minor_json(h->tax, h->minor_digits));
	json_object_set_new(o, "Total", minor_json(h->total, h->minor_digits));
}

json_t *
invoice_summary_json(const struct invoice *h, int flags)
{
	json_t	*o = invoice_head(h, NULL);

	invoice_totals(o, h, flags);
	return (o);
}

json_t *
invoice_json(const struct invoice_doc *d, int flags)
{
	const struct invoice	*h = &d->h;
	json_t			*o, *lines, *adj, *x;
	char			 date[16], fx[40];
	size_t			 i;

	o = invoice_head(h, d->refers_number[0] ? d->refers_number :
	    h->refers_to);
	if (h->voided_at) {
		invoice_date(h->voided_at, date, sizeof(date));
		json_object_set_new(o, "VoidedAt", json_string(date));
	}
	nano_format(h->fx_rate, fx, sizeof(fx));
	json_object_set_new(o, "ExchangeRate", strcmp(h->currency, "USD") ?
	    json_pack("{s:s, s:s, s:s}", "Base", "USD", "Quote", h->currency,
	    "Rate", fx) : json_null());
	json_object_set_new(o, "TaxRate", pct_json(h->tax_rate));
	/* What the customer needs to pay it (frozen like the parties). */
	json_object_set_new(o, "BillFrom", json_string(h->bill_from));
	json_object_set_new(o, "BillTo", json_string(h->bill_to));
	payment_terms_text(h->payment_terms_days, date, sizeof(date));
	json_object_set_new(o, "PaymentTerms", json_string(date));
	if (h->issued_at) {
		invoice_due_text(h, date, sizeof(date));
		json_object_set_new(o, "DueDate", json_string(date));
	} else
		json_object_set_new(o, "DueDate", json_null());
	json_object_set_new(o, "PaymentInstructions",
	    json_string(h->payment_instructions));
	if (flags & INVOICE_MSP) {
		json_object_set_new(o, "Commitment", json_string(h->commitment));
		json_object_set_new(o, "Sources", json_string(h->source));
	}
	lines = json_array();
	adj = json_array();
	for (i = 0; i < d->n; i++) {
		const struct invoice_line *l = &d->lines[i];

		if (strcmp(l->kind, "LINE") == 0) {
			x = json_object();
			json_object_set_new(x, "AccountId",
			    json_string(l->account_id));
			json_object_set_new(x, "Service", json_string(l->service));
			json_object_set_new(x, "ServiceName",
			    json_string(service_name(l->service)));
			if (flags & INVOICE_MSP)
				json_object_set_new(x, "AwsCost",
				    usd_json(l->aws_cost));
			json_object_set_new(x, "BilledCost", minor_json(l->amount,
			    h->minor_digits));
			json_array_append_new(lines, x);
		} else
			json_array_append_new(adj, json_pack("{s:s, s:s, s:o}",
			    "Description", l->description, "Kind",
			    l->billed_exact < 0 ? "CREDIT" : "FEE", "Amount",
			    minor_json(l->amount, h->minor_digits)));
	}
	json_object_set_new(o, "Lines", lines);
	json_object_set_new(o, "Adjustments", adj);
	invoice_totals(o, h, flags);
	return (o);
}

json_t *
invoice_diff_json(const struct invoice_diff *df, const char *currency)
{
	json_t	*a;
	size_t	 i;
	int	 dg = currency_digits(currency);

	a = json_array();
	for (i = 0; i < df->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o, s:o}",
		    "Change", df->v[i].what, "AccountId", df->v[i].account_id,
		    "Item", df->v[i].label, "Before",
		    minor_json(df->v[i].before, dg), "After",
		    minor_json(df->v[i].after, dg)));
	return (json_pack("{s:b, s:o, s:o, s:o}", "Created", df->created,
	    "TotalBefore", minor_json(df->total_before, dg), "TotalAfter",
	    minor_json(df->total_after, dg), "Changes", a));
}

json_t *
invoice_batch_json(const struct invoice_batch *b)
{
	return (json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "Customers", (json_int_t)b->customers,
	    "Created", (json_int_t)b->created,
	    "Changed", (json_int_t)b->changed,
	    "Unchanged", (json_int_t)b->unchanged,
	    "NotesDrafted", (json_int_t)b->notes,
	    "IssuedKept", (json_int_t)b->issued_kept,
	    "UsageGroups", (json_int_t)b->usage_groups));
}

json_t *
recon_json(const struct recon *r)
{
	json_t	*a;
	size_t	 i;

	a = json_array();
	for (i = 0; i < r->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:o, s:o}",
		    "CustomerId", r->v[i].customer_id, "Name", r->v[i].name,
		    "AwsCost", usd_json(r->v[i].aws_cost), "BilledCost",
		    usd_json(r->v[i].billed_usd), "Margin",
		    usd_json(r->v[i].margin)));
	return (json_pack("{s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o, "
	    "s:o, s:o, s:o, s:o, s:b}",
	    "Period", r->period, "PayerAccountId", r->payer_id,
	    "Currency", "USD", "Sources", (json_int_t)r->sources,
	    "AwsTotal", usd_json(r->aws_total),
	    "BilledAwsCost", usd_json(r->billed),
	    "CustomersAwsCost", usd_json(r->customers_aws),
	    "Unassigned", usd_json(r->unassigned),
	    "OutOfMembership", usd_json(r->out_of_membership),
	    "Difference", usd_json(r->difference),
	    "BilledCost", usd_json(r->billed_usd),
	    "Margin", usd_json(r->margin),
	    "Customers", a,
	    "Balanced", r->difference == 0));
}
