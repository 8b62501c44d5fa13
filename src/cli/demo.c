/* SPDX-License-Identifier: MIT */
/*
 * The demo: a newcomer sees every feature working within a minute. Each
 * capability adds its part here, through the domain modules only.
 *
 * - the MSP ("Demo MSP") manages its organization;
 * - case 1: a standalone customer account;
 * - case 2: a customer account that is a member of another organization;
 * - case 3: a customer account that manages its own organization with two
 *   members.
 * Cases 2 and 3's members joined by invitation (invite + accept), and the MSP
 * has sent each case an OPEN invitation (case 3's by e-mail).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/demo.h"
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
};

enum { MSP, CASE1, OLDPAYER, CASE2, CASE3, CASE3_DEV, CASE3_PROD, NDEMO };

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

/* The MSP's pending invitations, one per case. */
static struct {
	int		 to;
	const char	*type;
	const char	*notes;
	struct handshake h;
} invites[] = {
	{ .to = CASE1, .type = "ACCOUNT", .notes = "Demo MSP invites Case 1 Standalone to its "
	    "consolidated billing" },
	{ .to = CASE2, .type = "ACCOUNT", .notes = "Demo MSP invites Case 2 Member to its "
	    "consolidated billing" },
	{ .to = CASE3, .type = "EMAIL", .notes = "Demo MSP invites Case 3 Own Org to its "
	    "consolidated billing" },
};

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
	if (store_account_list(st, &ar, "", 1, &v, &n, &e) == -1 || n > 0) {
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
	if (who(MSP, &p) || org_create(st, &p, "ALL", &o, &e) == -1)
		return (cli_fail(&e));
	if (who(OLDPAYER, &p) || org_create(st, &p, "ALL", &o, &e) == -1)
		return (cli_fail(&e));
	if (who(CASE3, &p) || org_create(st, &p, "ALL", &o, &e) == -1)
		return (cli_fail(&e));
	if (join(st, OLDPAYER, CASE2, &e) == -1 ||
	    join(st, CASE3, CASE3_DEV, &e) == -1 ||
	    join(st, CASE3, CASE3_PROD, &e) == -1)
		return (cli_fail(&e));
	who(MSP, &p);
	for (i = 0; i < (int)(sizeof(invites) / sizeof(invites[0])); i++)
		if (handshake_invite(st, &p, invites[i].type,
		    strcmp(invites[i].type, "EMAIL") == 0 ?
		    demo[invites[i].to].a.email : demo[invites[i].to].a.id,
		    invites[i].notes, NULL, 0, &invites[i].h, &e) == -1)
			return (cli_fail(&e));

	fprintf(out, "Demo accounts (console password for all: %s)\n",
	    DEMO_PASSWORD);
	for (i = 0; i < NDEMO; i++)
		fprintf(out, "  %-28s %s  %-40s key %s secret %s\n",
		    demo[i].email, demo[i].a.id, demo[i].role, demo[i].k.id,
		    demo[i].k.secret);
	fprintf(out, "Pending invitations from %s\n", demo[MSP].name);
	for (i = 0; i < (int)(sizeof(invites) / sizeof(invites[0])); i++)
		fprintf(out, "  %s  to %-7s %-28s %s\n", invites[i].h.id,
		    invites[i].type, invites[i].h.target_id,
		    demo[invites[i].to].role);
	return (0);
}
