/* SPDX-License-Identifier: MIT */
/* payerlink fx: the monthly exchange rate table (billing/pricing.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "billing/pricing.h"
#include "cli/cli.h"
#include "rest/billing_json.h"

static const char usage_text[] =
"usage: payerlink fx set YYYY-MM BASE QUOTE RATE\n"
"       payerlink fx list [--period YYYY-MM]\n"
"All take --db FILE and --json.\n"
"\n"
"One rate per month and currency pair: 1 BASE = RATE QUOTE, an exact\n"
"decimal with at most 9 decimals (payerlink fx set 2026-10 USD KRW\n"
"1387.25). Invoices in a currency other than USD convert the month's\n"
"amounts with that month's USD rate; set prints {\"Period\", \"Base\",\n"
"\"Quote\", \"Rate\"}, list {\"Rates\": [...]}.\n";

int
cmd_fx(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "period", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct fx_rate	 r, *v;
	struct store	*st;
	struct arena	 ar;
	struct err	 e;
	const char	*db = NULL, *sub, *period = NULL;
	char		 rate[40];
	json_t		*arr;
	size_t		 n, i;
	int		 ch, json = 0, rc = 0;

	if ((ch = cli_subcommand(&argc, &argv, usage_text, &sub)) != -1)
		return (ch);
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'p': period = optarg; break;
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
	if (strcmp(sub, "set") == 0 && argc == 4) {
		if (fx_set(st, NULL, argv[0], argv[1], argv[2], argv[3], &r,
		    &e) == -1)
			goto fail;
		if (json)
			cli_print_json(fx_rate_json(&r));
		else {
			nano_format(r.rate, rate, sizeof(rate));
			printf("%s  1 %s = %s %s\n", r.period, r.base, rate,
			    r.quote);
		}
	} else if (strcmp(sub, "list") == 0 && argc == 0) {
		if (fx_list(st, &ar, NULL, period, &v, &n, &e) == -1)
			goto fail;
		arr = json_array();
		for (i = 0; i < n; i++) {
			if (json) {
				json_array_append_new(arr, fx_rate_json(&v[i]));
				continue;
			}
			nano_format(v[i].rate, rate, sizeof(rate));
			printf("%s  1 %s = %s %s\n", v[i].period, v[i].base,
			    rate, v[i].quote);
		}
		if (json)
			cli_print_json(json_pack("{s:o}", "Rates", arr));
		else
			json_decref(arr);
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
