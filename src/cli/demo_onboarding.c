/* SPDX-License-Identifier: MIT */
/* The demo's MSP, customers and onboarding requests: see demo_onboarding.h. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/demo_onboarding.h"
#include "onboard/onboard.h"

#define DEMO_MSP_EMAIL	"msp@payerlink.example"

static const struct {
	const char	*name;
	const char	*email;
	const char	*currency;
	const char	*tax_rate;
} demo_customers[] = {
	{ "Acme Standalone", "case1@customer.example", "USD", "0" },
	{ "Globex Member", "case2@customer.example", "EUR", "20" },
	{ "Initech Holdings", "case3@customer.example", "KRW", "10" },
};

/* The demo MSP's logo: a purple cloud with a tick. */
static const char demo_logo[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\" "
    "width=\"64\" height=\"64\"><rect width=\"64\" height=\"64\" "
    "rx=\"14\" fill=\"#6b2fa3\"/><path d=\"M18 42a9 9 0 0 1 1-18 "
    "12 12 0 0 1 23-2 10 10 0 0 1 4 20z\" fill=\"#fff\"/><path "
    "d=\"M25 33l5 5 10-11\" stroke=\"#6b2fa3\" stroke-width=\"4\" "
    "fill=\"none\"/></svg>\n";

int
demo_onboarding(struct store *st, FILE *out)
{
	/* Hourly and resource-level data on, so that HOURLY and
	 * GetCostAndUsageWithResources have the demo's last 14 days. */
	struct msp_input	 mi = { .gap_threshold_min = -1,
	    .hourly_resource_data = "on" };
	struct customer_input	 ci;
	struct customer		 c;
	struct onboard_result	 r;
	struct account		 a;
	struct msp		 m;
	struct orgport		 org = orgport_default(st);
	struct err		 e;
	struct brand_input	 bi;
	struct msp_brand	 b;
	char			 note[BRAND_NOTE_MAX];
	size_t			 i;

	err_clear(&e);
	memset(&ci, 0, sizeof(ci));
	if (account_by_email(st, DEMO_MSP_EMAIL, &a, &e) == -1)
		return (cli_fail(&e));
	mi.account_id = a.id;
	mi.address = "1 Demo Way\nSeattle, WA 98101";
	mi.legal_name = "Demo MSP Cloud Services LLC";
	mi.tax_id = "US 98-7654321";
	mi.payment_terms = "30";
	mi.payment_instructions = "Bank transfer to Demo MSP Cloud Services "
	    "LLC, First Demo Bank, account 000123456789, routing 021000021; "
	    "reference: the invoice number.";
	if (msp_set(st, &org, NULL, &mi, &m, &e) == -1)
		return (cli_fail(&e));
	/* The brand its customers see (payerlink msp brand). */
	memset(&bi, 0, sizeof(bi));
	bi.name = "Demo MSP";
	bi.color = "#6b2fa3";
	bi.support_email = "support@demo-msp.example";
	bi.support_url = "https://demo-msp.example/help";
	bi.logo = (const unsigned char *)demo_logo;
	bi.logo_len = sizeof(demo_logo) - 1;
	if (msp_brand_set(st, NULL, &bi, &b, note, &e) == -1)
		return (cli_fail(&e));
	fprintf(out, "brand: %s, colour %s, support %s\n", b.name, b.color,
	    b.support_email);
	fprintf(out, "MSP %s (account %s); onboarding requests:\n", m.name,
	    m.account_id);
	for (i = 0; i < sizeof(demo_customers) / sizeof(demo_customers[0]);
	    i++) {
		ci.name = demo_customers[i].name;
		ci.contact_email = demo_customers[i].email;
		ci.currency = demo_customers[i].currency;
		ci.tax_rate = demo_customers[i].tax_rate;
		if (account_by_email(st, demo_customers[i].email, &a,
		    &e) == -1 || customer_create(st, NULL, &ci, &c, &e) == -1 ||
		    onboard_request(st, &org, NULL, c.id, a.id, a.email,
		    "demo onboarding", 0, &r, &e) == -1)
			return (cli_fail(&e));
		fprintf(out, "  %s  %-17s case %d  invitation %s\n"
		    "      plan %s\n", r.id, c.name, r.case_no, r.handshake_id,
		    r.plan_url);
	}
	return (0);
}
