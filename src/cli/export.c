/* SPDX-License-Identifier: MIT */
/* payerlink export focus: FOCUS 1.2 CSV of a customer's rebilled month. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ce/ce.h"
#include "cli/cli.h"

static const char usage_text[] =
"usage: payerlink export focus --customer C --period YYYY-MM [--out FILE]\n"
"                              [--db FILE]\n"
"\n"
"Writes the customer's in-membership usage of the month as FOCUS 1.2 CSV\n"
"to stdout or FILE: all 57 columns of FOCUS 1.2 in the specification's\n"
"order (BilledCost at the customer's prices, ListCost, EffectiveCost,\n"
"BillingAccountId the MSP's payer, SubAccountId the usage account,\n"
"ServiceName as AWS names the product, ...; null where the daily rollups\n"
"keep no such fact), then x_CustomerId, x_ServiceCode, x_UsageType,\n"
"x_Operation, x_LineItemType. See docs/billing.md, \"FOCUS export\".\n";

int
cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "customer", required_argument, NULL, 'c' },
		{ "period", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*db = NULL, *cust = NULL, *period = NULL, *outp = NULL;
	struct store	*st;
	struct arena	 a;
	struct err	 e;
	FILE		*f = stdout;
	int		 ch, rc = 0;

	if (argc < 2 || strcmp(argv[1], "focus") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)) {
			fputs(usage_text, stdout);
			return (0);
		}
		return (cli_usage(usage_text));
	}
	argc--;
	argv++;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'c': cust = optarg; break;
		case 'p': period = optarg; break;
		case 'o': outp = optarg; break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	if (optind != argc || cust == NULL || period == NULL)
		return (cli_usage(usage_text));
	if ((st = cli_open(cli_db_path(db), 0)) == NULL)
		return (1);
	if (outp != NULL && (f = fopen(outp, "w")) == NULL) {
		perror(outp);
		store_close(st);
		return (1);
	}
	err_clear(&e);
	arena_init(&a);
	if (focus_export(st, &a, cust, period, f, &e) == -1)
		rc = cli_fail(&e);
	if (f != stdout)
		fclose(f);
	arena_release(&a);
	store_close(st);
	return (rc);
}
