/* SPDX-License-Identifier: MIT */
/* The demo's MSP, customers and onboarding requests: see demo_onboarding.h. */
#include <stdio.h>

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

int
demo_onboarding(struct store *st, FILE *out)
{
	struct msp_input	 mi = { .gap_threshold_min = -1 };
	struct customer_input	 ci;
	struct customer		 c;
	struct onboard_result	 r;
	struct account		 a;
	struct msp		 m;
	struct orgport		 org = orgport_default(st);
	struct err		 e;
	size_t			 i;

	err_clear(&e);
	if (account_by_email(st, DEMO_MSP_EMAIL, &a, &e) == -1)
		return (cli_fail(&e));
	mi.account_id = a.id;
	mi.address = "1 Demo Way, Seattle WA";
	if (msp_set(st, &org, NULL, &mi, &m, &e) == -1)
		return (cli_fail(&e));
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
