/* SPDX-License-Identifier: MIT */
/* payerlink budget: monthly budgets, their status and alerts. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "billing/money.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "portal/portal.h"
#include "rest/webhook.h"

static const char usage_text[] =
"usage: payerlink budget create --customer C --name N --amount A\n"
"                               [--account ID] [--actual PCT] [--forecast PCT]\n"
"                               [--webhook URL] [--secret S] [--email TO]\n"
"                               [--json]\n"
"       payerlink budget update ID [--customer C] [--name N] [--amount A]\n"
"                               [--account ID] [--actual PCT] [--forecast PCT]\n"
"                               [--webhook URL] [--secret S] [--email TO]\n"
"                               [--json]\n"
"       payerlink budget delete ID [--customer C] [--json]\n"
"       payerlink budget check [--customer C] [--json]\n"
"       payerlink budget alerts [--customer C] [--budget ID] [--json]\n"
"       payerlink budget webhooks\n"
"All take --db FILE.\n"
"\n"
"A budget is a monthly amount at the customer's prices for a customer or\n"
"one of its accounts, with alert thresholds on the actual cost (default\n"
"80%) and the forecast month end (default 100%; 0 turns either off).\n"
"An alert goes to the webhook and to the e-mail recipients (TO: up to 10\n"
"addresses separated by commas) through the server's --smtp. update\n"
"changes only what it is given (\"\" clears the account, webhook or\n"
"recipients); --customer there and in delete makes sure the budget is\n"
"that customer's. check evaluates this month's actual and forecast cost\n"
"against the thresholds, records new alerts and queues their deliveries;\n"
"alerts lists them with each delivery (channel, to whom, delivered or\n"
"failed, attempts); webhooks sends the webhooks due now (the server sends\n"
"webhooks and e-mails every second on its own).\n";

static void
print_alerts(struct store *st, struct arena *a, const char *cust,
    const char *bid, int json, struct err *e, int *rc)
{
	struct budget_alert	*al;
	struct alert_delivery	*d;
	struct budget		*bv;
	size_t			 na, nd, nb, i, k;
	const char		*name;
	char			 v[48], when[32], last[32];
	json_t			*arr, *o, *dl;

	if (budget_alert_list(st, a, cust, bid, 1000, &al, &na, e) == -1 ||
	    alert_delivery_list(st, a, cust, bid, 2000, &d, &nd, e) == -1 ||
	    budget_list(st, a, cust, 1000, &bv, &nb, e) == -1) {
		*rc = cli_fail(e);
		return;
	}
	arr = json_array();
	for (i = 0; i < na; i++) {
		name = al[i].budget_id;
		for (k = 0; k < nb; k++)
			if (strcmp(bv[k].id, al[i].budget_id) == 0)
				name = bv[k].name;
		money_format(al[i].value, MONEY_DIGITS, v, sizeof(v));
		clock_iso8601(al[i].created_at, when, sizeof(when));
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s}",
		    "AlertId", al[i].id, "BudgetId", al[i].budget_id,
		    "Budget", name, "Period", al[i].period, "Kind",
		    al[i].kind, "ThresholdPercent",
		    (json_int_t)al[i].threshold_pct, "Value", v, "At", when);
		dl = json_array();
		if (!json)
			printf("%s  %-24s %s %-10s %3lld%%  %s  %s\n", when, name,
			    al[i].period, al[i].kind,
			    (long long)al[i].threshold_pct, v, al[i].id);
		for (k = 0; k < nd; k++) {
			if (strcmp(d[k].alert.id, al[i].id) != 0)
				continue;
			last[0] = '\0';
			if (d[k].last_at > 0)
				clock_iso8601(d[k].last_at, last, sizeof(last));
			json_array_append_new(dl, json_pack("{s:s, s:s, "
			    "s:s, s:I, s:s, s:s}", "Channel", d[k].channel,
			    "To", d[k].target, "Status", d[k].status,
			    "Attempts", (json_int_t)d[k].attempts, "LastAt",
			    last, "LastResult", d[k].last_result));
			if (!json)
				printf("    %-7s %-9s %lld attempt(s)  %s  %s\n",
				    d[k].channel, d[k].status,
				    (long long)d[k].attempts, d[k].target,
				    d[k].last_result);
		}
		json_object_set_new(o, "Deliveries", dl);
		json_array_append_new(arr, o);
	}
	if (json)
		cli_print_json(json_pack("{s:o}", "Alerts", arr));
	else
		json_decref(arr);
}

static json_t *
budget_json(const struct budget *b)
{
	char	 amt[48];

	money_format(b->amount, MONEY_DIGITS, amt, sizeof(amt));
	return (json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, "
	    "s:s}", "BudgetId", b->id, "CustomerId", b->customer_id,
	    "AccountId", b->account_id, "Name", b->name, "Amount", amt,
	    "ActualPercent", (json_int_t)b->actual_pct, "ForecastPercent",
	    (json_int_t)b->forecast_pct, "Webhook", b->webhook_url,
	    "WebhookSecret", b->webhook_secret, "Email", b->email_to));
}

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
		{ "email", required_argument, NULL, 'e' },
		{ "budget", required_argument, NULL, 'b' },
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
	const char		*db = NULL, *sub, *cust = "", *bid = "";
	size_t			 n, i;
	int			 ch, json = 0, rc = 0;
	char			 x[48], y[48], z[48], lo[48], hi[48];
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
		case 'e': in.email_to = optarg; break;
		case 'b': bid = optarg; break;
		case 'j': json = 1; break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	/* update and delete name their budget. */
	if (strcmp(sub, "update") == 0 || strcmp(sub, "delete") == 0) {
		if (optind + 1 != argc)
			return (cli_usage(usage_text));
		bid = argv[optind++];
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
			cli_print_json(budget_json(&b));
		else
			printf("%s  %s\n", b.id, b.name);
	} else if (strcmp(sub, "update") == 0) {
		if (budget_update(st, cust, bid, &in, &b, &e) == -1)
			rc = cli_fail(&e);
		else if (json)
			cli_print_json(budget_json(&b));
		else
			printf("%s  %s\n", b.id, b.name);
	} else if (strcmp(sub, "delete") == 0) {
		if (budget_delete(st, cust, bid, &e) == -1)
			rc = cli_fail(&e);
		else if (json)
			cli_print_json(json_pack("{s:s}", "Deleted", bid));
		else
			printf("deleted %s\n", bid);
	} else if (strcmp(sub, "alerts") == 0) {
		print_alerts(st, &ar, cust, bid, json, &e, &rc);
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
				money_format(bs[i].forecast_lo, MONEY_DIGITS,
				    lo, sizeof(lo));
				money_format(bs[i].forecast_hi, MONEY_DIGITS,
				    hi, sizeof(hi));
				if (json)
					json_array_append_new(arr, json_pack(
					    "{s:s, s:s, s:s, s:s, s:s, s:s, "
					    "s:s, s:b, s:b, s:b}", "BudgetId",
					    bs[i].b.id, "Name", bs[i].b.name,
					    "Amount", x, "Actual", y,
					    "Forecast", z, "ForecastLow", lo,
					    "ForecastHigh", hi,
					    "ForecastSettled",
					    bs[i].forecast_settled,
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
		int k = webhook_run(st, ALERT_WEBHOOK, NULL, &e);
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
