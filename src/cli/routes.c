/* SPDX-License-Identifier: MIT */
/*
 * payerlink routes: the server's route tables (web/web.c, rest/routes.def),
 * a developer aid. tests/api/test_authz_matrix.py reads them with --json
 * so that a route without an expected outcome per role fails the test.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "rest/rest.h"
#include "web/web.h"

static const char usage_text[] =
"usage: payerlink routes [--json]\n"
"\n"
"Prints what the server routes besides the AWS operations (src/aws/ops.def):\n"
"the console's and the portal's pages and forms, then the REST API, one\n"
"route a line: method, path, handler, who may call it. A path ending in '*'\n"
"takes what follows; {name} is one segment; method \"*\" is any other.\n"
"With --json: {\"web\": [{\"method\", \"path\", \"handler\", \"who\"}],\n"
"\"rest\": [...]}.\n";

static json_t *
table_json(int (*row)(size_t, struct route_info *))
{
	struct route_info	 ri;
	json_t			*arr = json_array();
	size_t			 i;

	for (i = 0; row(i, &ri) == 0; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}",
		    "method", ri.method, "path", ri.path, "handler",
		    ri.handler, "who", ri.who));
	return (arr);
}

static void
table_print(const char *title, int (*row)(size_t, struct route_info *))
{
	struct route_info	 ri;
	size_t			 i;

	printf("%s\n", title);
	for (i = 0; row(i, &ri) == 0; i++)
		printf("  %-7s %-38s %-26s %s\n", ri.method, ri.path,
		    ri.handler, ri.who);
}

int
cmd_routes(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch, json = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = 1; break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	if (optind != argc)
		return (cli_usage(usage_text));
	if (json) {
		cli_print_json(json_pack("{s:o, s:o}", "web",
		    table_json(web_route_info), "rest",
		    table_json(rest_route_info)));
		return (0);
	}
	table_print("web (who: anyone, public = not a portal user, signed-in = "
	    "an account or a portal user, account, msp)", web_route_info);
	table_print("rest (who: emulator, token, signed, msp)",
	    rest_route_info);
	return (0);
}
