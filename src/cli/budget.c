/* SPDX-License-Identifier: MIT */
/* payerlink budget: monthly budgets, their status and alerts. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "billing/money.h"
#include "cli/cli.h"
#include "portal/portal.h"
#include "rest/webhook.h"

static const char usage_text[] =
"usage: payerlink budget create --customer C --name N --amount A\n"
"                               [--account ID] [--actual PCT] [--forecast PCT]\n"
"                               [--webhook URL] [--secret S] [--json]\n"
"       payerlink budget check [--customer C] [--json]\n"
"       payerlink budget webhooks\n"
"All take --db FILE.\n"
"\n"
"A budget is a monthly amount at the customer's prices for a customer or\n"
"one of its accounts. check evaluates this month's actual and forecast\n"
"cost against the thresholds (default 100%), records new alerts and\n"
"queues their webhooks; webhooks sends those due now (the server does\n"
"both every few seconds on its own).\n";

int
cmd_budget(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "customer", required_argument, NULL, 'c' },
		{ "account", required_argument, NULL, 'a' },
		{ "name", required_argument, NULL, 'n' },
		{ "amount", required_argument, NULL, 'm' },
		{ "actual", required_argument, NULL, 'A' },
		{ "forecast", required_argument, NULL, 'F' },
		{ "webhook", required_argument, NULL, 'w' },
		{ "secret", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct budget_input	 in;
	struct budget		 b;
	struct budget_status	*bs;
	struct store		*st;
	struct arena		 ar;
	struct err		 e;
	const char		*db = NULL, *sub, *cust = "";
	size_t			 n, i;
	int			 ch, json = 0, rc = 0;
	char			 x[48], y[48], z[48];
	json_t			*arr;

	if ((ch = cli_subcommand(&argc, &argv, usage_text, &sub)) != -1)
		return (ch);
	memset(&in, 0, sizeof(in));
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'c': in.customer_id = cust = optarg; break;
		case 'a': in.account_id = optarg; break;
		case 'n': in.name = optarg; break;
		case 'm': in.amount = optarg; break;
		case 'A': in.actual_pct = optarg; break;
		case 'F': in.forecast_pct = optarg; break;
		case 'w': in.webhook_url = optarg; break;
		case 's': in.webhook_secret = optarg; break;
		case 'j': json = 1; break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	if (optind != argc)
		return (cli_usage(usage_text));
	if ((st = cli_open(cli_db_path(db), 0)) == NULL)
		return (1);
	err_clear(&e);
	arena_init(&ar);
	if (strcmp(sub, "create") == 0) {
		if (budget_create(st, &in, &b, &e) == -1)
			rc = cli_fail(&e);
		else if (json)
			cli_print_json(json_pack("{s:s, s:s, s:s, s:s}",
			    "BudgetId", b.id, "CustomerId", b.customer_id,
			    "Name", b.name, "WebhookSecret", b.webhook_secret));
		else
			printf("%s  %s\n", b.id, b.name);
	} else if (strcmp(sub, "check") == 0) {
		if (budget_check(st, &ar, cust, &bs, &n, &e) == -1)
			rc = cli_fail(&e);
		else {
			arr = json_array();
			for (i = 0; i < n; i++) {
				money_format(bs[i].b.amount, MONEY_DIGITS, x,
				    sizeof(x));
				money_format(bs[i].actual, MONEY_DIGITS, y,
				    sizeof(y));
				money_format(bs[i].forecast, MONEY_DIGITS, z,
				    sizeof(z));
				if (json)
					json_array_append_new(arr, json_pack(
					    "{s:s, s:s, s:s, s:s, s:s, s:b, "
					    "s:b}", "BudgetId", bs[i].b.id,
					    "Name", bs[i].b.name, "Amount", x,
					    "Actual", y, "Forecast", z,
					    "ActualOver", bs[i].actual_over,
					    "ForecastOver",
					    bs[i].forecast_over));
				else
					printf("%s  %-24s amount %s  actual %s"
					    "  forecast %s%s%s\n", bs[i].b.id,
					    bs[i].b.name, x, y, z,
					    bs[i].actual_over ? "  OVER" : "",
					    bs[i].forecast_over ?
					    "  FORECAST OVER" : "");
			}
			if (json)
				cli_print_json(json_pack("{s:o}", "Budgets",
				    arr));
			else
				json_decref(arr);
		}
	} else if (strcmp(sub, "webhooks") == 0) {
		int k = webhook_run(st, &e);
		if (k == -1)
			rc = cli_fail(&e);
		else
			printf("%d delivery attempt(s)\n", k);
	} else
		rc = cli_usage(usage_text);
	arena_release(&ar);
	store_close(st);
	return (rc);
}
