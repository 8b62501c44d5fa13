/* SPDX-License-Identifier: MIT */
/*
 * FOCUS 1.2 CSV export of a customer's rebilled month: one row per daily
 * rollup of its accounts' in-membership usage, BilledCost at the
 * customer's prices (ce_price_rows), ListCost the public on-demand cost,
 * EffectiveCost the customer's price of the amortized cost. See portal.h.
 */
#include <stdio.h>
#include <string.h>

#include "billing/money.h"
#include "billing/service.h"
#include "ce/ce.h"
#include "ce/internal.h"

struct fx {
	FILE		*f;
	const char	*payer;
	const char	*customer;
	const char	*pstart, *pend;
};

static const char *
category(const char *t)
{
	if (strcmp(t, "Tax") == 0)
		return ("Tax");
	if (strcmp(t, "Credit") == 0 || strcmp(t, "Refund") == 0)
		return ("Credit");
	if (strcmp(t, "RIFee") == 0 || strcmp(t, "Fee") == 0 ||
	    strncmp(t, "SavingsPlanRecurring", 20) == 0 ||
	    strncmp(t, "SavingsPlanUpfront", 18) == 0)
		return ("Purchase");
	if (strstr(t, "Usage") != NULL || *t == '\0')
		return ("Usage");
	return ("Adjustment");
}

/* CSV field: quoted when it holds a comma, quote or newline. */
static void
field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static int
focus_visit(void *arg, const struct ce_set *s, const uint32_t *idx,
    const char **rowcust, const struct ce_price *price, size_t n,
    struct err *e)
{
	struct fx	*x = arg;
	size_t		 i;
	char		 day[11], next[11], billed[48], list[48], eff[48],
			 qty[48];

	(void)rowcust;
	(void)e;
	for (i = 0; i < n; i++) {
		const struct ce_row *r = &s->rows[idx[i]];

		ce_day_format(r->day, day, sizeof(day));
		ce_day_format(r->day + 1, next, sizeof(next));
		money_format(price[i].unblended, MONEY_DIGITS, billed,
		    sizeof(billed));
		money_format(r->public_od != 0 ? r->public_od : r->unblended,
		    MONEY_DIGITS, list, sizeof(list));
		money_format(price[i].amortized, MONEY_DIGITS, eff,
		    sizeof(eff));
		money_format(r->usage, QTY_DIGITS, qty, sizeof(qty));
		fprintf(x->f, "%s,%s,%s,%sT00:00:00Z,%sT00:00:00Z,"
		    "%sT00:00:00Z,%sT00:00:00Z,%s,,%s,%s,%s,%s,%s,", x->payer,
		    x->customer, s->currency, x->pstart, x->pend, day, next,
		    category(s->str.s[r->d[CE_RECORD_TYPE]]), billed, eff,
		    list, billed, qty);
		field(x->f, service_name(s->str.s[r->code]));
		fprintf(x->f, ",%s,", s->str.s[r->d[CE_LINKED_ACCOUNT]]);
		field(x->f, s->str.s[r->d[CE_REGION]]);
		fputc(',', x->f);
		field(x->f, s->str.s[r->d[CE_USAGE_TYPE]]);
		fputc(',', x->f);
		field(x->f, strcmp(s->str.s[r->d[CE_OPERATION]],
		    "NoOperation") == 0 ? "" : s->str.s[r->d[CE_OPERATION]]);
		fputc(',', x->f);
		field(x->f, s->str.s[r->code]);
		fputc(',', x->f);
		field(x->f, s->str.s[r->d[CE_RECORD_TYPE]]);
		fputs(",AWS,AWS\n", x->f);
	}
	return (0);
}

int
focus_export(struct store *st, struct arena *a, const char *customer_id,
    const char *period, FILE *f, struct err *e)
{
	struct ce_scope	 sc;
	struct fx	 x;
	char		 d[16], pe[11];
	int64_t		 start;

	snprintf(d, sizeof(d), "%.7s-01", period);
	if (strlen(period) != 7 || ce_day_parse(d, &start) == -1)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "period: YYYY-MM"));
	if (ce_scope_customer(st, a, customer_id, &sc, e) == -1)
		return (-1);
	ce_day_format(ce_month_next(start), pe, sizeof(pe));
	memset(&x, 0, sizeof(x));
	x.f = f;
	x.payer = sc.payer_id;
	x.customer = sc.customer_id;
	x.pstart = arena_strdup(a, d);
	x.pend = arena_strdup(a, pe);
	fputs("BillingAccountId,x_CustomerId,BillingCurrency,"
	    "BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,"
	    "ChargePeriodEnd,ChargeCategory,ChargeClass,BilledCost,"
	    "EffectiveCost,ListCost,ContractedCost,ConsumedQuantity,"
	    "ServiceName,SubAccountId,RegionId,x_UsageType,x_Operation,"
	    "x_ServiceCode,x_LineItemType,ProviderName,PublisherName\n", f);
	return (ce_scan(st, a, &sc, start, ce_month_next(start), NULL,
	    focus_visit, &x, e));
}
