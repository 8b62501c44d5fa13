/* SPDX-License-Identifier: MIT */
/* payerlink audit: the append-only log of onboarding changes. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "onboard/onboard.h"
#include "rest/onboard_json.h"

static const char usage_text[] =
"usage: payerlink audit [--since ISO-8601] [--object ID] [--json]\n"
"Takes --db FILE.\n"
"\n"
"Prints who did what and when, oldest first: the MSP, customers and\n"
"onboardings. --since 2026-11-26 or 2026-11-26T12:00:00Z keeps entries from\n"
"then on; --object keeps one object's (a customer or onboarding id).\n"
"With --json: {\"Entries\": [{\"Id\", \"At\", \"Actor\", \"Action\", \"Object\",\n"
"\"Detail\"}]}; Actor is an account id, \"cli\", or \"plan\" (the holder of a\n"
"plan link).\n";

int
cmd_audit(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "since", required_argument, NULL, 's' },
		{ "object", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct audit_entry	*v;
	struct store		*st;
	struct arena		 ar;
	struct err		 e;
	const char		*db = NULL, *object = NULL;
	json_t			*arr;
	int64_t			 since = 0, after = 0;
	size_t			 n, i;
	int			 ch, json = 0, more, rc = 0;
	char			 at[32];

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 's':
			if (onboard_parse_time(optarg, &since) == -1)
				return (cli_usage("payerlink: --since: expected "
				    "2026-11-26 or 2026-11-26T12:00:00Z\n"));
			break;
		case 'o': object = optarg; break;
		case 'j': json = 1; break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	if (optind != argc)
		return (cli_usage(usage_text));
	/* The business clock: an emulator's offset, if any, is in the store. */
	if ((st = cli_open(cli_db_path(db), STORE_EMULATOR)) == NULL)
		return (1);
	err_clear(&e);
	arena_init(&ar);
	arr = json_array();
	do {
		if (audit_list(st, &ar, NULL, since, object, after,
		    ONBOARD_PAGE_MAX, &v, &n, &more, &e) == -1) {
			rc = cli_fail(&e);
			break;
		}
		for (i = 0; i < n; i++) {
			if (json) {
				json_array_append_new(arr, audit_json(&v[i]));
				continue;
			}
			clock_iso8601(v[i].at, at, sizeof(at));
			printf("%s  %-14s %-24s %-16s %s\n", at, v[i].actor,
			    v[i].action, v[i].object, v[i].detail);
		}
		if (n > 0)
			after = v[n - 1].id;
		arena_reset(&ar);
	} while (more);
	if (rc == 0 && json)
		cli_print_json(json_pack("{s:O}", "Entries", arr));
	json_decref(arr);
	arena_release(&ar);
	store_close(st);
	return (rc);
}
