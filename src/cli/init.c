/* SPDX-License-Identifier: MIT */
/*
 * payerlink init: create the database (migrations) and, with --demo, the
 * demo data a newcomer explores: the MSP and one customer account in each
 * of the three starting points.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/demo.h"
#include "cli/demo_billing.h"

static const char usage_text[] =
"usage: payerlink init [--db FILE] [--demo [--format csv|parquet]]\n"
"\n"
"Creates the database and applies its migrations. With --demo, also adds\n"
"the demo MSP and customers and prints their sign-in e-mails, passwords and\n"
"access keys. Refuses --demo on a database that already has accounts.\n"
"--format parquet writes the demo's cost and usage files as CUR 2.0\n"
"Parquet (snappy) instead of CSV before ingesting them; the totals are\n"
"the same.\n";

int
cmd_init(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "demo", no_argument, NULL, 'D' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*db = NULL;
	struct store	*st;
	int		 ch, demo = 0, rc = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'D':
			demo = 1;
			break;
		case 'f':
			if (strcmp(optarg, "csv") != 0 &&
			    strcmp(optarg, "parquet") != 0)
				return (cli_usage(usage_text));
			demo_billing_format(strcmp(optarg, "parquet") == 0);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return (0);
		default:
			return (cli_usage(usage_text));
		}
	}
	if (optind != argc)
		return (cli_usage(usage_text));
	if ((st = cli_open(cli_db_path(db), 0)) == NULL)
		return (1);
	if (demo)
		rc = demo_load(st, stdout);
	else
		printf("payerlink: database %s is ready\n", cli_db_path(db));
	store_close(st);
	return (rc);
}
