/* SPDX-License-Identifier: MIT */
/*
 * The demo's rebilling: prices for the demo customers and their invoices,
 * through the same domain calls the CLI makes (billing/pricing.h,
 * billing/invoice.h). See demo_rebilling.h.
 */
#include <stdio.h>
#include <string.h>

#include "billing/invoice.h"
#include "billing/pricing.h"
#include "cli/demo_rebilling.h"
#include "core/clock.h"
#include "onboard/onboard.h"

static void
month_of(int64_t ms, int back, char *buf, size_t len)
{
	int		 y;
	unsigned	 m, d;

	clock_civil_from_days(ms / 86400000, &y, &m, &d);
	while (back-- > 0) {
		if (m == 1) {
			m = 12;
			y--;
		} else
			m--;
	}
	snprintf(buf, len, "%04d-%02u", y, m);
}

static struct customer *
by_name(struct customer *v, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return (&v[i]);
	return (NULL);
}

int
demo_rebilling(struct store *st, FILE *out)
{
	struct pricing_rule_input ri;
	struct custom_item_input ci;
	struct pricing_rule	 r;
	struct custom_item	 it;
	struct customer		*cv, c, *umbrella, *hooli;
	struct invoice_batch	 b;
	struct invoice		*iv;
	struct invoice_doc	 d;
	struct arena		 a;
	struct err		 e;
	char			 first[8], prev[8], months[3][8];
	size_t			 nc, ni, i;
	int			 k;

	err_clear(&e);
	arena_init(&a);
	if (customer_page(st, &a, "", 100, &cv, &nc, &e) == -1)
		goto fail;
	if (nc == 0) {
		fprintf(out, "rebilling: no customers, nothing to price\n");
		arena_release(&a);
		return (0);
	}
	for (k = 0; k < 3; k++)
		month_of(store_now(st), 2 - k, months[k], sizeof(months[k]));
	snprintf(first, sizeof(first), "%s", months[0]);
	snprintf(prev, sizeof(prev), "%s", months[1]);
	/*
	 * The prices of the two customers the MSP bills (the onboarding
	 * cases are not linked yet: nothing of theirs is billed): Umbrella
	 * gets 5 % off and pays 12 % more on EC2 (the service rule beats the
	 * customer's); Hooli pays a support fee and is billed in KRW with
	 * 10 % tax.
	 */
	if ((umbrella = by_name(cv, nc, "Umbrella Corp")) == NULL ||
	    (hooli = by_name(cv, nc, "Hooli")) == NULL) {
		fprintf(out, "rebilling: no Umbrella or Hooli, nothing "
		    "priced\n");
		arena_release(&a);
		return (0);
	}
	memset(&ri, 0, sizeof(ri));
	ri.customer_id = umbrella->id;
	ri.percent = "-5";
	ri.from = first;
	if (pricing_rule_add(st, NULL, &ri, &r, &e) == -1)
		goto fail;
	fprintf(out, "rebilling: %s -5%% for %s\n", r.id, umbrella->name);
	memset(&ri, 0, sizeof(ri));
	ri.customer_id = umbrella->id;
	ri.service = "AmazonEC2";
	ri.percent = "12";
	ri.from = first;
	if (pricing_rule_add(st, NULL, &ri, &r, &e) == -1)
		goto fail;
	fprintf(out, "rebilling: %s +12%% on AmazonEC2 for %s\n", r.id,
	    umbrella->name);
	/* Support: 3 % of usage, at least 100 USD a month. */
	memset(&ci, 0, sizeof(ci));
	ci.customer_id = hooli->id;
	ci.percent = "3";
	ci.minimum = "100";
	ci.currency = "USD";
	ci.description = "Support (3% of usage, minimum 100 USD)";
	ci.from = first;
	if (pricing_item_add(st, NULL, &ci, &it, &e) == -1)
		goto fail;
	fprintf(out, "rebilling: %s support fee for %s\n", it.id, hooli->name);
	{
		struct customer_input	 in;

		memset(&in, 0, sizeof(in));
		in.currency = "KRW";
		in.tax_rate = "10";
		if (customer_update(st, NULL, hooli->id, &in, &c, &e) == -1)
			goto fail;
		*hooli = c;
		fprintf(out, "rebilling: %s billed in KRW (10%% tax), rates "
		    "for %s..%s\n", c.name, months[0], months[2]);
	}
	/* A rate a month for every invoice currency but USD. */
	for (i = 0; i < nc; i++) {
		static const struct {
			const char	*code, *rate[3];
		} fx[] = {
			{ "KRW", { "1381.50", "1387.25", "1392.10" } },
			{ "EUR", { "0.9188", "0.9215", "0.9240" } },
			{ "GBP", { "0.7871", "0.7893", "0.7902" } },
			{ "JPY", { "150.85", "151.20", "152.02" } },
		};
		size_t	 j;

		if (strcmp(cv[i].currency, "USD") == 0)
			continue;
		for (j = 0; j < sizeof(fx) / sizeof(fx[0]); j++)
			if (strcmp(fx[j].code, cv[i].currency) == 0)
				break;
		for (k = 0; k < 3; k++)
			if (fx_set(st, NULL, months[k], "USD", cv[i].currency,
			    j < sizeof(fx) / sizeof(fx[0]) ? fx[j].rate[k] :
			    "1", NULL, &e) == -1)
				goto fail;
	}
	for (k = 0; k < 3; k++) {
		if (invoice_draft_all(st, NULL, months[k], NULL, &b, &e) == -1)
			goto fail;
		fprintf(out, "rebilling: %s: %zu draft invoices\n", months[k],
		    b.created + b.changed + b.unchanged);
	}
	/* The previous month is closed: its invoices issued. */
	if (invoice_list(st, &a, NULL, "", prev, &iv, &ni, &e) == -1)
		goto fail;
	for (i = 0; i < ni; i++) {
		if (strcmp(iv[i].kind, "INVOICE") != 0 ||
		    strcmp(iv[i].state, "DRAFT") != 0)
			continue;
		if (invoice_issue(st, &a, NULL, iv[i].id, &d, &e) == -1)
			goto fail;
		fprintf(out, "rebilling: issued %s (%s, %s)\n", d.h.number,
		    d.h.customer_name, prev);
	}
	arena_release(&a);
	return (0);
fail:
	fprintf(out, "demo rebilling: %s\n", e.msg);
	arena_release(&a);
	return (1);
}
