/* SPDX-License-Identifier: MIT */
/* JSON and CSV of rebilling's objects: see billing_json.h. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "rest/billing_json.h"

static json_t *
str_or_null(const char *s)
{
	return (s != NULL && s[0] != '\0' ? json_string(s) : json_null());
}

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
	    "CustomerId", str_or_null(r->customer_id),
	    "AccountId", str_or_null(r->account_id),
	    "Service", str_or_null(r->service),
	    "UsageType", str_or_null(r->usage_type),
	    "Percent", pct_json(r->percent),
	    "From", r->valid_from, "To", str_or_null(r->valid_to),
	    "PassesOn", str_or_null(r->passes)));
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
		json_object_set_new(o, "Of", str_or_null(c->of_service));
		json_object_set_new(o, "Minimum", usd_json(c->minimum));
	}
	json_object_set_new(o, "Currency", json_string(c->currency));
	json_object_set_new(o, "From", json_string(c->valid_from));
	json_object_set_new(o, "To", str_or_null(c->valid_to));
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

json_t *
commitment_json(const struct customer_billing *b)
{
	char	 buf[32];

	pricing_commitment_format(b, buf, sizeof(buf));
	return (json_pack("{s:s, s:s}", "CustomerId", b->customer_id,
	    "Commitment", buf));
}

json_t *
invoice_summary_json(const struct invoice *h, int flags)
{
	json_t	*o;
	char	 date[16];

	o = json_object();
	json_object_set_new(o, "InvoiceId", json_string(h->id));
	json_object_set_new(o, "Number", str_or_null(h->number));
	json_object_set_new(o, "Kind", json_string(h->kind));
	json_object_set_new(o, "State", json_string(h->state));
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
	if (flags & INVOICE_MSP)
		json_object_set_new(o, "AwsCost", usd_json(h->aws_cost));
	json_object_set_new(o, "Subtotal", minor_json(h->subtotal,
	    h->minor_digits));
	json_object_set_new(o, "Tax", minor_json(h->tax, h->minor_digits));
	json_object_set_new(o, "Total", minor_json(h->total, h->minor_digits));
	return (o);
}

json_t *
invoice_json(const struct invoice_doc *d, int flags)
{
	const struct invoice	*h = &d->h;
	json_t			*o, *lines, *adj, *x;
	char			 date[16], fx[40];
	size_t			 i;

	o = json_object();
	json_object_set_new(o, "InvoiceId", json_string(h->id));
	json_object_set_new(o, "Number", str_or_null(h->number));
	json_object_set_new(o, "Kind", json_string(h->kind));
	json_object_set_new(o, "State", json_string(h->state));
	json_object_set_new(o, "RefersTo", str_or_null(d->refers_number[0] ?
	    d->refers_number : h->refers_to));
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
	if (h->voided_at) {
		invoice_date(h->voided_at, date, sizeof(date));
		json_object_set_new(o, "VoidedAt", json_string(date));
	}
	nano_format(h->fx_rate, fx, sizeof(fx));
	json_object_set_new(o, "ExchangeRate", strcmp(h->currency, "USD") ?
	    json_pack("{s:s, s:s, s:s}", "Base", "USD", "Quote", h->currency,
	    "Rate", fx) : json_null());
	json_object_set_new(o, "TaxRate", pct_json(h->tax_rate));
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
	if (flags & INVOICE_MSP)
		json_object_set_new(o, "AwsCost", usd_json(h->aws_cost));
	json_object_set_new(o, "Subtotal", minor_json(h->subtotal,
	    h->minor_digits));
	json_object_set_new(o, "Tax", minor_json(h->tax, h->minor_digits));
	json_object_set_new(o, "Total", minor_json(h->total, h->minor_digits));
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
	return (json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o, s:b}",
	    "Period", r->period, "Currency", "USD",
	    "AwsTotal", usd_json(r->aws_total),
	    "CustomersAwsCost", usd_json(r->customers_aws),
	    "Unassigned", usd_json(r->unassigned),
	    "OutOfMembership", usd_json(r->out_of_membership),
	    "Difference", usd_json(r->difference),
	    "BilledCost", usd_json(r->billed_usd),
	    "Margin", usd_json(r->margin),
	    "Customers", a,
	    "Balanced", r->difference == 0));
}

static int
csv_field(struct buf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL)
		return (buf_adds(b, s));
	if (buf_addc(b, '"') == -1)
		return (-1);
	for (; *s != '\0'; s++)
		if ((*s == '"' && buf_addc(b, '"') == -1) ||
		    buf_addc(b, *s) == -1)
			return (-1);
	return (buf_addc(b, '"'));
}

static int
csv_row(struct buf *b, const char *const *f, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((i > 0 && buf_addc(b, ',') == -1) ||
		    csv_field(b, f[i]) == -1)
			return (-1);
	return (buf_adds(b, "\r\n"));
}

int
invoice_csv(const struct invoice_doc *d, int flags, struct buf *b)
{
	const struct invoice	*h = &d->h;
	const char		*f[8];
	char			 aws[40], amt[40];
	size_t			 i, nf = (flags & INVOICE_MSP) ? 8 : 7;
	const char		*num = h->number[0] ? h->number : h->id;

	f[0] = "Number"; f[1] = "Period"; f[2] = "Currency"; f[3] = "Row";
	f[4] = "AccountId"; f[5] = "Item"; f[6] = "Amount"; f[7] = "AwsCostUSD";
	if (csv_row(b, f, nf) == -1)
		return (-1);
	for (i = 0; i < d->n; i++) {
		const struct invoice_line *l = &d->lines[i];

		minor_format(l->amount, h->minor_digits, amt, sizeof(amt));
		nano_format(l->aws_cost, aws, sizeof(aws));
		f[0] = num; f[1] = h->period; f[2] = h->currency;
		f[3] = strcmp(l->kind, "LINE") == 0 ? "LINE" :
		    (l->billed_exact < 0 ? "CREDIT" : "FEE");
		f[4] = l->account_id;
		f[5] = strcmp(l->kind, "LINE") == 0 ? l->service :
		    l->description;
		f[6] = amt; f[7] = aws;
		if (csv_row(b, f, nf) == -1)
			return (-1);
	}
	{
		const char	*names[3] = { "SUBTOTAL", "TAX", "TOTAL" };
		int64_t		 v[3] = { h->subtotal, h->tax, h->total };

		for (i = 0; i < 3; i++) {
			minor_format(v[i], h->minor_digits, amt, sizeof(amt));
			nano_format(h->aws_cost, aws, sizeof(aws));
			f[0] = num; f[1] = h->period; f[2] = h->currency;
			f[3] = names[i]; f[4] = ""; f[5] = ""; f[6] = amt;
			f[7] = i == 0 ? aws : "";
			if (csv_row(b, f, nf) == -1)
				return (-1);
		}
	}
	return (0);
}
