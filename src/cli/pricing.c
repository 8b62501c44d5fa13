/* SPDX-License-Identifier: MIT */
/* payerlink pricing: rules, custom line items (billing/pricing.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "billing/pricing.h"
#include "cli/cli.h"
#include "rest/billing_json.h"

static const char usage_text[] =
"usage: payerlink pricing add [--customer C] [--account ID] [--service CODE]\n"
"                             [--usage-type T] --percent P [--from YYYY-MM]\n"
"                             [--to YYYY-MM] [--passes TYPE,...]\n"
"       payerlink pricing list [--customer C]\n"
"       payerlink pricing delete RULE_ID\n"
"       payerlink pricing item-add --customer C (--amount A | --percent P\n"
"                             [--of CODE] [--minimum M]) [--currency X]\n"
"                             [--description D] [--from YYYY-MM]\n"
"                             [--to YYYY-MM | --once]\n"
"       payerlink pricing items [--customer C]\n"
"       payerlink pricing item-delete ITEM_ID\n"
"All take --db FILE and --json.\n"
"\n"
"A rule is a signed percentage on what the customer is billed (-10 is a\n"
"10% discount, 5 a 5% markup) with a scope: global (no option), customer,\n"
"account, service (product code) or usage type; the most specific valid\n"
"rule prices a line (usage type > service > account > customer > global).\n"
"Rules of the same scope may not overlap in time. --passes passes\n"
"partner-only discounts (EdpDiscount, SppDiscount, PrivateRateDiscount,\n"
"Discount, BundledDiscount, RiVolumeDiscount, Credit) on to the customer.\n"
"An item is a fee (positive) or credit (negative) on a customer's\n"
"invoices: a flat amount, or a percentage of the charges (of one service\n"
"with --of) with a minimum; monthly, or one month with --once.\n"
"add prints {\"RuleId\", \"Scope\", ...}; item-add {\"ItemId\", ...}.\n";

int
cmd_pricing(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "customer", required_argument, NULL, 'c' },
		{ "account", required_argument, NULL, 'a' },
		{ "service", required_argument, NULL, 's' },
		{ "usage-type", required_argument, NULL, 'u' },
		{ "percent", required_argument, NULL, 'p' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "passes", required_argument, NULL, 'P' },
		{ "amount", required_argument, NULL, 'A' },
		{ "of", required_argument, NULL, 'o' },
		{ "minimum", required_argument, NULL, 'm' },
		{ "currency", required_argument, NULL, 'C' },
		{ "description", required_argument, NULL, 'D' },
		{ "once", no_argument, NULL, '1' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct pricing_rule_input ri;
	struct custom_item_input ci;
	struct pricing_rule	 r, *rv;
	struct custom_item	 it, *iv;
	struct store		*st;
	struct arena		 ar;
	struct err		 e;
	const char		*db = NULL, *sub;
	char			 pct[32];
	json_t			*arr;
	size_t			 n, i;
	int			 ch, json = 0, rc = 0;

	if ((ch = cli_subcommand(&argc, &argv, usage_text, &sub)) != -1)
		return (ch);
	memset(&ri, 0, sizeof(ri));
	memset(&ci, 0, sizeof(ci));
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'c': ri.customer_id = ci.customer_id = optarg; break;
		case 'a': ri.account_id = optarg; break;
		case 's': ri.service = optarg; break;
		case 'u': ri.usage_type = optarg; break;
		case 'p': ri.percent = ci.percent = optarg; break;
		case 'f': ri.from = ci.from = optarg; break;
		case 't': ri.to = ci.to = optarg; break;
		case 'P': ri.passes = optarg; break;
		case 'A': ci.amount = optarg; break;
		case 'o': ci.of_service = optarg; break;
		case 'm': ci.minimum = optarg; break;
		case 'C': ci.currency = optarg; break;
		case 'D': ci.description = optarg; break;
		case '1': ci.once = 1; break;
		case 'j': json = 1; break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	argc -= optind;
	argv += optind;
	if ((st = cli_open(cli_db_path(db), STORE_EMULATOR)) == NULL)
		return (1);
	err_clear(&e);
	arena_init(&ar);
	if (strcmp(sub, "add") == 0 && argc == 0) {
		if (pricing_rule_add(st, NULL, &ri, &r, &e) == -1)
			goto fail;
		if (json)
			cli_print_json(pricing_rule_json(&r));
		else {
			pct_format(r.percent, pct, sizeof(pct));
			printf("%s  %s %s%%\n", r.id,
			    pricing_scope_name(r.level), pct);
		}
	} else if (strcmp(sub, "list") == 0 && argc == 0) {
		if (pricing_rule_list(st, &ar, NULL, ri.customer_id, &rv, &n,
		    &e) == -1)
			goto fail;
		arr = json_array();
		for (i = 0; i < n; i++) {
			if (json) {
				json_array_append_new(arr,
				    pricing_rule_json(&rv[i]));
				continue;
			}
			pct_format(rv[i].percent, pct, sizeof(pct));
			printf("%s  %-10s %8s%%  customer %s account %s "
			    "service %s usage %s  %s..%s\n", rv[i].id,
			    pricing_scope_name(rv[i].level), pct,
			    rv[i].customer_id[0] ? rv[i].customer_id : "*",
			    rv[i].account_id[0] ? rv[i].account_id : "*",
			    rv[i].service[0] ? rv[i].service : "*",
			    rv[i].usage_type[0] ? rv[i].usage_type : "*",
			    rv[i].valid_from, rv[i].valid_to);
		}
		if (json)
			cli_print_json(json_pack("{s:o}", "Rules", arr));
		else
			json_decref(arr);
	} else if (strcmp(sub, "delete") == 0 && argc == 1) {
		if (pricing_rule_delete(st, NULL, argv[0], &e) == -1)
			goto fail;
		if (json)
			cli_print_json(json_pack("{s:s, s:b}", "RuleId",
			    argv[0], "Deleted", 1));
		else
			printf("deleted %s\n", argv[0]);
	} else if (strcmp(sub, "item-add") == 0 && argc == 0) {
		if (ci.once && ci.to != NULL) {
			rc = cli_usage("payerlink: --once and --to exclude "
			    "each other\n");
			goto out;
		}
		if (pricing_item_add(st, NULL, &ci, &it, &e) == -1)
			goto fail;
		if (json)
			cli_print_json(custom_item_json(&it));
		else
			printf("%s  %s\n", it.id, it.description);
	} else if (strcmp(sub, "items") == 0 && argc == 0) {
		if (pricing_item_list(st, &ar, NULL, ci.customer_id, &iv, &n,
		    &e) == -1)
			goto fail;
		arr = json_array();
		for (i = 0; i < n; i++) {
			if (json)
				json_array_append_new(arr,
				    custom_item_json(&iv[i]));
			else
				printf("%s  %s  %s  %s..%s\n", iv[i].id,
				    iv[i].customer_id, iv[i].description,
				    iv[i].valid_from, iv[i].valid_to);
		}
		if (json)
			cli_print_json(json_pack("{s:o}", "Items", arr));
		else
			json_decref(arr);
	} else if (strcmp(sub, "item-delete") == 0 && argc == 1) {
		if (pricing_item_delete(st, NULL, argv[0], &e) == -1)
			goto fail;
		if (json)
			cli_print_json(json_pack("{s:s, s:b}", "ItemId",
			    argv[0], "Deleted", 1));
		else
			printf("deleted %s\n", argv[0]);
	} else
		rc = cli_usage(usage_text);
	goto out;
fail:
	rc = cli_fail(&e);
out:
	arena_release(&ar);
	store_close(st);
	return (rc);
}
