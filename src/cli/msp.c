/* SPDX-License-Identifier: MIT */
/* payerlink msp: name the MSP's management (payer) account; show it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "onboard/onboard.h"
#include "rest/onboard_json.h"

static const char usage_text[] =
"usage: payerlink msp set ACCOUNT_ID [--name N] [--address A] [--url URL]\n"
"                         [--gap-threshold MINUTES] [--json]\n"
"       payerlink msp show [--json]\n"
"All take --db FILE.\n"
"\n"
"set names the MSP's management (payer) account, which must manage a live\n"
"organization: customers' accounts are invited into it. --url is the public\n"
"address of this server (plan links are URL/plan/TOKEN; default\n"
"http://127.0.0.1:8080). --gap-threshold flags billing gaps longer than\n"
"MINUTES (default 15). With --json both print {\"AccountId\", \"Name\",\n"
"\"Address\", \"PublicUrl\", \"GapThresholdMinutes\", \"UpdatedAt\"}.\n";

static void
print_msp(const struct msp *m, int json)
{
	if (json) {
		cli_print_json(msp_json(m));
		return;
	}
	printf("MSP:            %s\n", m->name);
	printf("Account:        %s\n", m->account_id);
	if (m->address[0] != '\0')
		printf("Address:        %s\n", m->address);
	printf("Public URL:     %s\n", m->public_url);
	printf("Gap threshold:  %lld minutes\n",
	    (long long)m->gap_threshold_min);
}

int
cmd_msp(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "address", required_argument, NULL, 'a' },
		{ "url", required_argument, NULL, 'u' },
		{ "gap-threshold", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct msp_input	 in;
	struct msp		 m;
	struct store		*st;
	struct orgport		 org;
	struct err		 e;
	const char		*db = NULL, *sub;
	char			*end;
	int			 ch, json = 0, rc = 0;

	if ((ch = cli_subcommand(&argc, &argv, usage_text, &sub)) != -1)
		return (ch);
	memset(&in, 0, sizeof(in));
	in.gap_threshold_min = -1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'n': in.name = optarg; break;
		case 'a': in.address = optarg; break;
		case 'u': in.public_url = optarg; break;
		case 'g':
			in.gap_threshold_min = strtoll(optarg, &end, 10);
			if (*end != '\0' || in.gap_threshold_min < 0)
				return (cli_usage("payerlink: --gap-threshold: "
				    "expected minutes\n"));
			break;
		case 'j': json = 1; break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	argc -= optind;
	argv += optind;
	if (!((strcmp(sub, "set") == 0 && argc == 1) ||
	    (strcmp(sub, "show") == 0 && argc == 0)))
		return (cli_usage(usage_text));
	/* The business clock: an emulator's offset, if any, is in the store. */
	if ((st = cli_open(cli_db_path(db), STORE_EMULATOR)) == NULL)
		return (1);
	err_clear(&e);
	if (strcmp(sub, "set") == 0) {
		in.account_id = argv[0];
		org = orgport_default(st);
		if (msp_set(st, &org, NULL, &in, &m, &e) == -1)
			rc = cli_fail(&e);
	} else if (msp_get(st, &m, &e) == -1)
		rc = cli_fail(&e);
	if (rc == 0)
		print_msp(&m, json);
	store_close(st);
	return (rc);
}
