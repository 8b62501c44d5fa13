/* SPDX-License-Identifier: MIT */
/*
 * The demo: a newcomer sees every feature working within a minute. Each
 * capability adds its part here, through the domain modules only.
 *
 * The story starts 100 days ago (the demo moves the business clock back,
 * then forward again, so every row is written by the same code as a real
 * one):
 * - the MSP ("Demo MSP") creates its organization; Umbrella's two accounts
 *   and Hooli's main account join it; Hooli's analytics account joins 45
 *   days ago, mid-month;
 * - "Other Payer" has case 2 as a member; case 3 manages its own
 *   organization with two members.
 * Today the MSP files an onboarding request (and so an OPEN invitation) for
 * each of the three cases: case 1 standalone, case 2 member of another
 * organization, case 3 management account of its own. Then three months of
 * usage are generated and ingested for every account in an organization,
 * priced with the MSP's rules, and invoiced (last month's issued); with a
 * cost spike on Umbrella's production account three days ago (the portal's
 * anomaly) and a portal user and a budget per customer.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/demo.h"
#include "cli/demo_billing.h"
#include "cli/demo_onboarding.h"
#include "cli/demo_portal.h"
#include "cli/demo_rebilling.h"
#include "onboard/onboard.h"
#include "org/account.h"
#include "org/handshake.h"
#include "org/organization.h"

#define DEMO_PASSWORD	"payerlink-demo"

struct demo_account {
	const char		*email;
	const char		*name;
	const char		*role;
	struct account		 a;
	struct access_key	 k;
};

static struct demo_account demo[] = {
	{ .email = "msp@payerlink.example", .name = "Demo MSP", .role = "MSP management (payer) account" },
	{ .email = "case1@customer.example", .name = "Case 1 Standalone", .role = "case 1: standalone" },
	{ .email = "oldpayer@other.example", .name = "Other Payer", .role = "manages the other organization" },
	{ .email = "case2@customer.example", .name = "Case 2 Member", .role = "case 2: member of another organization" },
	{ .email = "case3@customer.example", .name = "Case 3 Own Org", .role = "case 3: manages its own organization" },
	{ .email = "case3-dev@customer.example", .name = "Case 3 Dev", .role = "member of case 3's organization" },
	{ .email = "case3-prod@customer.example", .name = "Case 3 Prod", .role = "member of case 3's organization" },
	{ .email = "prod@umbrella.example", .name = "Umbrella Prod", .role = "customer Umbrella, linked 100 days ago" },
	{ .email = "dev@umbrella.example", .name = "Umbrella Dev", .role = "customer Umbrella, linked 100 days ago" },
	{ .email = "main@hooli.example", .name = "Hooli Main", .role = "customer Hooli, linked 100 days ago" },
	{ .email = "analytics@hooli.example", .name = "Hooli Analytics", .role = "customer Hooli, joined mid-month 45 days ago" },
};

enum { MSP, CASE1, OLDPAYER, CASE2, CASE3, CASE3_DEV, CASE3_PROD,
    UMBRELLA_PROD, UMBRELLA_DEV, HOOLI_MAIN, HOOLI_ANALYTICS, NDEMO };

#define DAY_MS	(86400LL * 1000)

static int
who(int i, struct principal *p)
{
	snprintf(p->account_id, sizeof(p->account_id), "%s", demo[i].a.id);
	return (0);
}

/* Account `member` joins `owner`'s organization by invitation. */
static int
join(struct store *st, int owner, int member, struct err *e)
{
	struct principal	 p;
	struct handshake	 h;

	who(owner, &p);
	if (handshake_invite(st, &p, "ACCOUNT", demo[member].a.id, NULL, NULL,
	    0, &h, e) == -1)
		return (-1);
	who(member, &p);
	return (handshake_accept(st, &p, h.id, 0, &h, e));
}

/* A customer of the MSP that has been linked for a while. */
static int
linked_customer(struct store *st, const char *name, const char *currency,
    const char *tax_rate, const int *accts, size_t n, struct err *e)
{
	struct customer_input	 ci;
	struct customer		 c;
	struct orgport		 org = orgport_default(st);
	size_t			 i;

	memset(&ci, 0, sizeof(ci));
	ci.name = name;
	ci.contact_email = demo[accts[0]].email;
	ci.currency = currency;
	ci.tax_rate = tax_rate;
	/* What makes its invoices payable: where to send them, its tax id;
	 * Hooli pays in 15 days, by card, instead of the MSP's Net 30. */
	ci.address = strcmp(name, "Hooli") == 0 ?
	    "1401 N Shoreline Blvd\nMountain View, CA 94043" :
	    "Umbrella Tower, 1 Raccoon Street\nRaccoon City, MO 65201";
	ci.tax_id = strcmp(name, "Hooli") == 0 ? "US 94-1234567" :
	    "US 12-3456789";
	if (strcmp(name, "Hooli") == 0) {
		ci.payment_terms = "15";
		ci.payment_instructions = "Card on file: charged on the due "
		    "date. Questions: billing@demo-msp.example";
	}
	if (customer_create(st, NULL, &ci, &c, e) == -1)
		return (-1);
	for (i = 0; i < n; i++)
		if (customer_add_account(st, &org, NULL, c.id,
		    demo[accts[i]].a.id, e) == -1)
			return (-1);
	return (0);
}

int
demo_load(struct store *st, FILE *out)
{
	struct organization	 o;
	struct principal	 p;
	struct account		*v;
	struct arena		 ar;
	struct err		 e;
	size_t			 n;
	int			 i;

	err_clear(&e);
	arena_init(&ar);
	if (account_page(st, &ar, "", 1, &v, &n, &e) == -1 || n > 0) {
		arena_release(&ar);
		if (n > 0)
			fprintf(stderr, "payerlink: the database already has "
			    "accounts; the demo goes into a new one\n");
		return (n > 0 ? 1 : cli_fail(&e));
	}
	arena_release(&ar);
	for (i = 0; i < NDEMO; i++)
		if (account_create(st, NULL, demo[i].email, demo[i].name,
		    DEMO_PASSWORD, &demo[i].a, &demo[i].k, &e) == -1 ||
		    account_set_billing_info(st, demo[i].a.id, "Visa ending 4242",
		    "+1 206 555 0100", &e) == -1)
			return (cli_fail(&e));
	/* 100 days ago: the organizations and the long-standing members. */
	if (store_clock_advance(st, -100 * DAY_MS, &e) == -1)
		return (cli_fail(&e));
	if (who(MSP, &p) || org_create(st, &p, "ALL", &o, &e) == -1)
		return (cli_fail(&e));
	if (who(OLDPAYER, &p) || org_create(st, &p, "ALL", &o, &e) == -1)
		return (cli_fail(&e));
	if (who(CASE3, &p) || org_create(st, &p, "ALL", &o, &e) == -1)
		return (cli_fail(&e));
	if (join(st, OLDPAYER, CASE2, &e) == -1 ||
	    join(st, CASE3, CASE3_DEV, &e) == -1 ||
	    join(st, CASE3, CASE3_PROD, &e) == -1 ||
	    join(st, MSP, UMBRELLA_PROD, &e) == -1 ||
	    join(st, MSP, UMBRELLA_DEV, &e) == -1 ||
	    join(st, MSP, HOOLI_MAIN, &e) == -1)
		return (cli_fail(&e));
	/* 45 days ago: a mid-month join. */
	if (store_clock_advance(st, 55 * DAY_MS, &e) == -1 ||
	    join(st, MSP, HOOLI_ANALYTICS, &e) == -1)
		return (cli_fail(&e));
	if (store_clock_advance(st, 45 * DAY_MS, &e) == -1)
		return (cli_fail(&e));

	fprintf(out, "Demo accounts (console password for all: %s)\n",
	    DEMO_PASSWORD);
	for (i = 0; i < NDEMO; i++)
		fprintf(out, "  %-28s %s  %-40s key %s secret %s\n",
		    demo[i].email, demo[i].a.id, demo[i].role, demo[i].k.id,
		    demo[i].k.secret);

	/* Today: the MSP and its customers, and one onboarding per case. */
	if (demo_onboarding(st, out) != 0)
		return (1);
	{
		static const int umbrella[] = { UMBRELLA_PROD, UMBRELLA_DEV };
		static const int hooli[] = { HOOLI_MAIN, HOOLI_ANALYTICS };
		if (linked_customer(st, "Umbrella Corp", "USD", "0", umbrella,
		    2, &e) == -1 || linked_customer(st, "Hooli", "USD", "8.5",
		    hooli, 2, &e) == -1)
			return (cli_fail(&e));
	}
	if (demo_billing(st, demo[UMBRELLA_PROD].a.id, out) != 0 ||
	    demo_rebilling(st, out) != 0 || demo_portal(st, out) != 0)
		return (1);
	return (0);
}
