/* SPDX-License-Identifier: MIT */
/*
 * FOCUS 1.2 CSV export of a customer's rebilled month: one row per daily
 * rollup of its accounts' in-membership usage, with every column FOCUS 1.2
 * defines (specification/columns/ at tag v1.2, in its alphabetical order)
 * followed by payerlink's x_ columns. BilledCost and ContractedCost are
 * the customer's prices (ce_price_rows), ListCost the public on-demand
 * cost, EffectiveCost the customer's price of the amortized cost; the
 * rollups' attrs give AvailabilityZone, Tags (tags and cost categories)
 * and the CommitmentDiscount* columns (the reservation's or Savings Plan's
 * ARN). A column whose fact the daily rollups do not keep (resources,
 * SKUs) is present and null, as the spec allows for Conditional and
 * Recommended columns. See docs/billing.md, "FOCUS export".
 */
#include <stdio.h>
#include <string.h>

#include "billing/attrs.h"
#include "billing/money.h"
#include "billing/service.h"
#include "ce/ce.h"
#include "ce/internal.h"
#include "onboard/onboard.h"
#include "org/account.h"

/* FOCUS 1.2's 57 columns, then payerlink's. */
static const char *const focus_columns[] = {
	"AvailabilityZone", "BilledCost", "BillingAccountId",
	"BillingAccountName", "BillingAccountType", "BillingCurrency",
	"BillingPeriodEnd", "BillingPeriodStart", "CapacityReservationId",
	"CapacityReservationStatus", "ChargeCategory", "ChargeClass",
	"ChargeDescription", "ChargeFrequency", "ChargePeriodEnd",
	"ChargePeriodStart", "CommitmentDiscountCategory",
	"CommitmentDiscountId", "CommitmentDiscountName",
	"CommitmentDiscountQuantity", "CommitmentDiscountStatus",
	"CommitmentDiscountType", "CommitmentDiscountUnit", "ConsumedQuantity",
	"ConsumedUnit", "ContractedCost", "ContractedUnitPrice",
	"EffectiveCost", "InvoiceId", "InvoiceIssuerName", "ListCost",
	"ListUnitPrice", "PricingCategory", "PricingCurrency",
	"PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost",
	"PricingCurrencyListUnitPrice", "PricingQuantity", "PricingUnit",
	"ProviderName", "PublisherName", "RegionId", "RegionName",
	"ResourceId", "ResourceName", "ResourceType", "ServiceCategory",
	"ServiceName", "ServiceSubcategory", "SkuId", "SkuMeter",
	"SkuPriceDetails", "SkuPriceId", "SubAccountId", "SubAccountName",
	"SubAccountType", "Tags",
	"x_CustomerId", "x_ServiceCode", "x_UsageType", "x_Operation",
	"x_LineItemType", NULL
};

/* AWS's region names (the console's), for RegionName. */
static const char *const regions[][2] = {
	{ "af-south-1", "Africa (Cape Town)" },
	{ "ap-east-1", "Asia Pacific (Hong Kong)" },
	{ "ap-northeast-1", "Asia Pacific (Tokyo)" },
	{ "ap-northeast-2", "Asia Pacific (Seoul)" },
	{ "ap-northeast-3", "Asia Pacific (Osaka)" },
	{ "ap-south-1", "Asia Pacific (Mumbai)" },
	{ "ap-south-2", "Asia Pacific (Hyderabad)" },
	{ "ap-southeast-1", "Asia Pacific (Singapore)" },
	{ "ap-southeast-2", "Asia Pacific (Sydney)" },
	{ "ap-southeast-3", "Asia Pacific (Jakarta)" },
	{ "ap-southeast-4", "Asia Pacific (Melbourne)" },
	{ "ca-central-1", "Canada (Central)" },
	{ "ca-west-1", "Canada West (Calgary)" },
	{ "eu-central-1", "Europe (Frankfurt)" },
	{ "eu-central-2", "Europe (Zurich)" },
	{ "eu-north-1", "Europe (Stockholm)" },
	{ "eu-south-1", "Europe (Milan)" },
	{ "eu-south-2", "Europe (Spain)" },
	{ "eu-west-1", "Europe (Ireland)" },
	{ "eu-west-2", "Europe (London)" },
	{ "eu-west-3", "Europe (Paris)" },
	{ "il-central-1", "Israel (Tel Aviv)" },
	{ "me-central-1", "Middle East (UAE)" },
	{ "me-south-1", "Middle East (Bahrain)" },
	{ "sa-east-1", "South America (Sao Paulo)" },
	{ "us-east-1", "US East (N. Virginia)" },
	{ "us-east-2", "US East (Ohio)" },
	{ "us-gov-east-1", "AWS GovCloud (US-East)" },
	{ "us-gov-west-1", "AWS GovCloud (US-West)" },
	{ "us-west-1", "US West (N. California)" },
	{ "us-west-2", "US West (Oregon)" },
};

struct fx {
	FILE		*f;
	const char	*payer, *payer_name;
	const char	*customer;
	const char	*issuer;
	const char	*pstart, *pend;
	const struct ce_scope *sc;
	const char	**acct_name;	/* parallel to sc->owners */
};

static const char *
region_name(const char *id)
{
	size_t	 i;

	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		if (strcmp(regions[i][0], id) == 0)
			return (regions[i][1]);
	return (id);
}

/* ChargeCategory of a line item type (FOCUS: Usage, Purchase, Tax,
 * Credit, Adjustment). */
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

/* ChargeFrequency: One-Time, Recurring, Usage-Based. */
static const char *
frequency(const char *t)
{
	if (strcmp(t, "Fee") == 0 || strncmp(t, "SavingsPlanUpfront", 18) == 0)
		return ("One-Time");
	if (strcmp(t, "RIFee") == 0 ||
	    strncmp(t, "SavingsPlanRecurring", 20) == 0)
		return ("Recurring");
	return ("Usage-Based");
}

/* PricingCategory from the CUR's pricing term and line type: Standard,
 * Dynamic, Committed; "" (null) where no price applies. */
static const char *
pricing_category(const char *term, const char *t)
{
	if (strcmp(t, "DiscountedUsage") == 0 ||
	    strcmp(t, "SavingsPlanCoveredUsage") == 0 ||
	    strcmp(term, "Reserved") == 0)
		return ("Committed");
	if (strcmp(term, "Spot") == 0)
		return ("Dynamic");
	if (strcmp(category(t), "Usage") == 0)
		return ("Standard");
	return ("");
}

/*
 * The unit of a usage type, by its AWS naming convention (the rollups keep
 * no pricing unit): instance and node hours "Hours", byte-hours of storage
 * "GB-Mo", bytes moved "GB", requests "Requests", else "Units".
 */
static const char *
usage_unit(const char *ut)
{
	if (strstr(ut, "ByteHrs") != NULL || strstr(ut, "VolumeUsage") != NULL
	    || strstr(ut, "SnapshotUsage") != NULL)
		return ("GB-Mo");
	if (strstr(ut, "Bytes") != NULL || strstr(ut, "DataTransfer") != NULL)
		return ("GB");
	if (strstr(ut, "Request") != NULL)
		return ("Requests");
	if (strstr(ut, "Usage") != NULL || strstr(ut, "Hours") != NULL ||
	    strstr(ut, "Hrs") != NULL || strstr(ut, "Node") != NULL)
		return ("Hours");
	return ("Units");
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

/* Fields in column order, the last without a comma. */
static void
row(FILE *f, const char *const *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		field(f, v[i]);
		fputc(i + 1 < n ? ',' : '\n', f);
	}
}

/* cost / qty as a unit price, or "" when there is no quantity. */
static void
unit_price(int64_t cost, int64_t qty, char *buf, size_t len)
{
	__int128	 p;

	if (qty == 0) {
		buf[0] = '\0';
		return;
	}
	/* cost in 10^-9, qty in 10^-6: price in 10^-9 per unit. */
	p = (__int128)cost * 1000000 / qty;
	money_format((int64_t)p, MONEY_DIGITS, buf, len);
}

/* s into out at *o as a JSON string's content (", \ escaped); -1 when
 * it does not fit. */
static int
json_put(char *out, size_t len, size_t *o, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*o + 3 > len)
			return (-1);
		if (*s == '"' || *s == '\\')
			out[(*o)++] = '\\';
		out[(*o)++] = *s;
	}
	return (0);
}

/*
 * Tags (KeyValueFormat): the line's tags and cost categories as a JSON
 * object, "" (null) when it has none. User tags by their key (AWS has one
 * user-defined scheme: no prefix), AWS-generated ones with their "aws:"
 * prefix, cost categories with "costCategory/" (AWS's prefix for them, as
 * CUR 2.0's tags column), all provider-defined prefixes FOCUS asks for.
 */
static const char *
tags_json(const struct ce_set *s, const struct ce_row *r, char *out,
    size_t len)
{
	size_t		 o = 1, done = 1, p;
	const char	*k;

	out[0] = '{';
	for (p = s->ts[r->tags]; p < s->ts[r->tags + 1]; p++) {
		k = s->str.s[s->pairs[p][0]];
		if (k[0] != ATTRS_TAG && k[0] != ATTRS_COST_CAT)
			continue;
		if (o + 4 > len)
			break;
		if (o > 1)
			out[o++] = ',';
		out[o++] = '"';
		if ((k[0] == ATTRS_COST_CAT && json_put(out, len, &o,
		    "costCategory/") == -1) || json_put(out, len, &o,
		    k + 1) == -1 || o + 4 > len)
			break;
		out[o++] = '"';
		out[o++] = ':';
		out[o++] = '"';
		if (json_put(out, len, &o, s->str.s[s->pairs[p][1]]) == -1 ||
		    o + 3 > len)
			break;
		out[o++] = '"';
		done = o;
	}
	if (done == 1)
		return ("");
	out[done++] = '}';	/* the whole tags before a cut one */
	out[done] = '\0';
	return (out);
}

static const char *
account_name(const struct fx *x, const char *id)
{
	size_t	 k;

	for (k = 0; k < x->sc->nowners; k++)
		if (strcmp(x->sc->owners[k].account_id, id) == 0)
			return (x->acct_name[k]);
	return (id);
}

static int
focus_visit(void *arg, const struct ce_set *s, const uint32_t *idx,
    const char **rowcust, const struct ce_price *price, size_t n,
    struct err *e)
{
	struct fx	*x = arg;
	const char	*v[64];
	size_t		 i, c;
	int64_t		 kri, ksp;
	char		 day[32], next[32], billed[48], list[48], eff[48],
			 qty[48], lup[48], cup[48], desc[300], cdq[48],
			 tags[2 * ATTRS_MAX + 64];

	(void)rowcust;
	(void)e;
	kri = strtab_find(&s->str, "a" ATTRS_ARN_RI);
	ksp = strtab_find(&s->str, "a" ATTRS_ARN_SP);
	for (i = 0; i < n; i++) {
		const struct ce_row *r = &s->rows[idx[i]];
		const char *lit = s->str.s[r->d[CE_RECORD_TYPE]];
		const char *code = s->str.s[r->code];
		const char *ut = s->str.s[r->d[CE_USAGE_TYPE]];
		const char *op = s->str.s[r->d[CE_OPERATION]];
		const char *region = s->str.s[r->d[CE_REGION]];
		const char *az = s->str.s[r->d[CE_AZ]];
		const char *cat = category(lit);
		int usage = strcmp(cat, "Usage") == 0;
		int priced = usage || strcmp(cat, "Purchase") == 0;
		int64_t list_cost = r->public_od != 0 ? r->public_od :
		    r->unblended;
		uint32_t sp = ce_row_attr(s, r, ksp), ri = ce_row_attr(s, r,
		    kri);
		const char *cid = sp != CE_ABSENT ? s->str.s[sp] :
		    ri != CE_ABSENT ? s->str.s[ri] : "";
		const char *cunit = "";

		if (strcmp(region, "NoRegion") == 0)
			region = "";
		if (strcmp(az, "NoAZ") == 0)
			az = "";
		/* CommitmentDiscountQuantity: a reservation's hours (used,
		 * or bought by its fee line); a Savings Plan's commitment in
		 * USD (used: the covered usage's Savings Plan cost; bought:
		 * the fee line's), AWS's figures whatever the customer's
		 * prices, as they measure the commitment. */
		cdq[0] = '\0';
		if (*cid != '\0' && (usage || strcmp(cat, "Purchase") == 0)) {
			if (sp == CE_ABSENT) {
				money_format(r->usage, QTY_DIGITS, cdq,
				    sizeof(cdq));
				cunit = "Hours";
			} else {
				money_format(usage ? r->amortized :
				    r->unblended, MONEY_DIGITS, cdq,
				    sizeof(cdq));
				cunit = "USD";
			}
		}

		if (strcmp(op, "NoOperation") == 0)
			op = "";
		ce_day_format(r->day, day, 11);
		ce_day_format(r->day + 1, next, 11);
		snprintf(day + 10, sizeof(day) - 10, "T00:00:00Z");
		snprintf(next + 10, sizeof(next) - 10, "T00:00:00Z");
		money_format(price[i].unblended, MONEY_DIGITS, billed,
		    sizeof(billed));
		money_format(list_cost, MONEY_DIGITS, list, sizeof(list));
		money_format(price[i].amortized, MONEY_DIGITS, eff,
		    sizeof(eff));
		money_format(r->usage, QTY_DIGITS, qty, sizeof(qty));
		unit_price(list_cost, r->usage, lup, sizeof(lup));
		unit_price(price[i].unblended, r->usage, cup, sizeof(cup));
		snprintf(desc, sizeof(desc), "%s%s%s%s%s", service_name(code),
		    *ut ? ": " : "", ut, *op ? ", " : "", op);
		if (*ut == '\0' && strcmp(cat, "Tax") == 0)
			snprintf(desc, sizeof(desc), "Tax on %s",
			    service_name(code));
		c = 0;
		v[c++] = az;				/* AvailabilityZone */
		v[c++] = billed;			/* BilledCost */
		v[c++] = x->payer;			/* BillingAccountId */
		v[c++] = x->payer_name;			/* BillingAccountName */
		v[c++] = "";				/* BillingAccountType */
		v[c++] = s->currency;			/* BillingCurrency */
		v[c++] = x->pend;			/* BillingPeriodEnd */
		v[c++] = x->pstart;			/* BillingPeriodStart */
		v[c++] = "";				/* CapacityReservationId */
		v[c++] = "";			/* CapacityReservationStatus */
		v[c++] = cat;				/* ChargeCategory */
		v[c++] = "";				/* ChargeClass */
		v[c++] = desc;				/* ChargeDescription */
		v[c++] = frequency(lit);		/* ChargeFrequency */
		v[c++] = next;				/* ChargePeriodEnd */
		v[c++] = day;				/* ChargePeriodStart */
		/* CommitmentDiscount*: null without an id (the spec). */
		v[c++] = *cid == '\0' ? "" : sp != CE_ABSENT ? "Spend" :
		    "Usage";				/* ...Category */
		v[c++] = cid;				/* ...Id */
		v[c++] = "";				/* ...Name */
		v[c++] = cdq;				/* ...Quantity */
		v[c++] = *cid != '\0' && usage ? "Used" : "";	/* ...Status */
		v[c++] = *cid == '\0' ? "" : sp != CE_ABSENT ?
		    "Savings Plan" : "Reserved Instance";	/* ...Type */
		v[c++] = cunit;				/* ...Unit */
		v[c++] = usage ? qty : "";		/* ConsumedQuantity */
		v[c++] = usage ? usage_unit(ut) : "";	/* ConsumedUnit */
		v[c++] = billed;			/* ContractedCost */
		v[c++] = priced ? cup : "";		/* ContractedUnitPrice */
		v[c++] = eff;				/* EffectiveCost */
		v[c++] = "";				/* InvoiceId */
		v[c++] = x->issuer;			/* InvoiceIssuerName */
		v[c++] = list;				/* ListCost */
		v[c++] = priced ? lup : "";		/* ListUnitPrice */
		v[c++] = pricing_category(s->str.s[r->term], lit);
		v[c++] = priced ? s->currency : "";	/* PricingCurrency */
		v[c++] = priced ? cup : "";
		v[c++] = priced ? eff : "";
		v[c++] = priced ? lup : "";
		v[c++] = priced ? qty : "";		/* PricingQuantity */
		v[c++] = priced ? usage_unit(ut) : "";	/* PricingUnit */
		v[c++] = "AWS";				/* ProviderName */
		v[c++] = "AWS";				/* PublisherName */
		v[c++] = region;			/* RegionId */
		v[c++] = *region ? region_name(region) : "";
		v[c++] = ""; v[c++] = ""; v[c++] = "";	/* Resource* */
		v[c++] = service_category(code);	/* ServiceCategory */
		v[c++] = service_name(code);		/* ServiceName */
		v[c++] = "";				/* ServiceSubcategory */
		v[c++] = ""; v[c++] = ""; v[c++] = ""; v[c++] = ""; /* Sku* */
		v[c++] = s->str.s[r->d[CE_LINKED_ACCOUNT]];	/* SubAccountId */
		v[c++] = account_name(x, s->str.s[r->d[CE_LINKED_ACCOUNT]]);
		v[c++] = "";				/* SubAccountType */
		v[c++] = tags_json(s, r, tags, sizeof(tags));	/* Tags */
		v[c++] = x->customer;
		v[c++] = code;
		v[c++] = ut;
		v[c++] = op;
		v[c++] = lit;
		row(x->f, v, c);
	}
	return (0);
}

int
focus_export(struct store *st, struct arena *a, const char *customer_id,
    const char *period, FILE *f, struct err *e)
{
	struct ce_scope	 sc;
	struct fx	 x;
	struct msp	 m;
	struct account	 acct;
	struct err	 quiet;		/* a missing name is no failure */
	char		 d[16], pe[11], ts[32];
	int64_t		 start;
	size_t		 k, n;

	snprintf(d, sizeof(d), "%.7s-01", period);
	if (strlen(period) != 7 || ce_day_parse(d, &start) == -1)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "period: YYYY-MM"));
	if (ce_scope_customer(st, a, customer_id, &sc, e) == -1)
		return (-1);
	ce_day_format(ce_month_next(start), pe, sizeof(pe));
	memset(&x, 0, sizeof(x));
	x.f = f;
	x.sc = &sc;
	x.payer = sc.payer_id;
	x.customer = sc.customer_id;
	/* The MSP issues the customer's invoices; its payer is the billing
	 * account. Names before the scan (which holds a read transaction). */
	x.issuer = x.payer_name = sc.payer_id;
	if (msp_get(st, &m, &quiet) == 0 && m.name[0] != '\0')
		x.issuer = arena_strdup(a, m.name);
	if (account_get(st, sc.payer_id, &acct, &quiet) == 0 &&
	    acct.name[0] != '\0')
		x.payer_name = arena_strdup(a, acct.name);
	x.acct_name = arena_zalloc(a, (sc.nowners + 1) * sizeof(char *));
	for (k = 0; k < sc.nowners; k++)
		x.acct_name[k] = account_get(st, sc.owners[k].account_id,
		    &acct, &quiet) == 0 && acct.name[0] != '\0' ?
		    arena_strdup(a, acct.name) : sc.owners[k].account_id;
	snprintf(ts, sizeof(ts), "%sT00:00:00Z", d);
	x.pstart = arena_strdup(a, ts);
	snprintf(ts, sizeof(ts), "%sT00:00:00Z", pe);
	x.pend = arena_strdup(a, ts);
	for (n = 0; focus_columns[n] != NULL; n++)
		;
	row(f, focus_columns, n);
	return (ce_scan(st, a, &sc, start, ce_month_next(start), NULL,
	    focus_visit, &x, e));
}
