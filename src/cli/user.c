/* SPDX-License-Identifier: MIT */
/* payerlink user: portal users (customer users and MSP users with roles). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "portal/portal.h"

static const char usage_text[] =
"usage: payerlink user create --customer C --email E --password P [--json]\n"
"       payerlink user create --role admin|operator|billing|read-only\n"
"                             --email E --password P [--json]\n"
"       payerlink user list [--customer C] [--json]\n"
"All take --db FILE.\n"
"\n"
"A customer user signs in to the billing portal and sees only its\n"
"customer's accounts. MSP users see every customer; in live mode they are\n"
"also the MSP's staff on the MSP's pages. Every role reads everything;\n"
"admin changes everything, operator (the onboarding operator) the desk and\n"
"the customers, billing invoices, pricing, imports and the portal's\n"
"budgets and anomalies, read-only nothing (docs/live.md).\n";

static json_t *
user_json(const struct portal_user *u)
{
	return (json_pack("{s:s, s:s, s:s, s:s}", "UserId", u->id, "Email",
	    u->email, "CustomerId", u->customer_id, "Role", u->role));
}

int
cmd_user(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "customer", required_argument, NULL, 'c' },
		{ "role", required_argument, NULL, 'r' },
		{ "email", required_argument, NULL, 'e' },
		{ "password", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*db = NULL, *cust = "", *role = NULL,
				*email = NULL, *pw = NULL, *sub;
	struct portal_user	 u, *v;
	struct store		*st;
	struct arena		 a;
	struct err		 e;
	size_t			 n, i;
	int			 ch, json = 0, rc = 0;
	json_t			*arr;

	if ((ch = cli_subcommand(&argc, &argv, usage_text, &sub)) != -1)
		return (ch);
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'c': cust = optarg; break;
		case 'r': role = optarg; break;
		case 'e': email = optarg; break;
		case 'p': pw = optarg; break;
		case 'j': json = 1; break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	if (optind != argc || (strcmp(sub, "create") != 0 &&
	    strcmp(sub, "list") != 0))
		return (cli_usage(usage_text));
	if ((st = cli_open(cli_db_path(db), 0)) == NULL)
		return (1);
	err_clear(&e);
	arena_init(&a);
	if (strcmp(sub, "create") == 0) {
		if (email == NULL || pw == NULL) {
			rc = cli_usage(usage_text);
			goto out;
		}
		if (portal_user_create(st, cust, role, email, pw, &u,
		    &e) == -1) {
			rc = cli_fail(&e);
			goto out;
		}
		if (json)
			cli_print_json(user_json(&u));
		else
			printf("%s  %s  %s%s%s\n", u.id, u.email, u.role,
			    *u.customer_id ? "  " : "", u.customer_id);
	} else {
		if (portal_user_list(st, &a, cust, 10000, &v, &n,
		    &e) == -1) {
			rc = cli_fail(&e);
			goto out;
		}
		arr = json_array();
		for (i = 0; i < n; i++) {
			if (json)
				json_array_append_new(arr, user_json(&v[i]));
			else
				printf("%s  %-40s %-10s %s\n", v[i].id,
				    v[i].email, v[i].role, v[i].customer_id);
		}
		if (json)
			cli_print_json(json_pack("{s:o}", "Users", arr));
		else
			json_decref(arr);
	}
out:
	arena_release(&a);
	store_close(st);
	return (rc);
}
