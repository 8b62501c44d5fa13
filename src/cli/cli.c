/* SPDX-License-Identifier: MIT */
/* Shared CLI plumbing: see cli.h. */
#include <stdio.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/live.h"
#include "core/log.h"

const char *
cli_db_path(const char *opt)
{
	const char	*env;

	if (opt != NULL)
		return (opt);
	if ((env = getenv("PAYERLINK_DB")) != NULL && *env != '\0')
		return (env);
	return ("payerlink.db");
}

struct store *
cli_open(const char *db_path, int flags)
{
	struct store	*st;
	struct err	 e;

	err_clear(&e);
	/* The CLI follows the business clock a server in emulator mode keeps
	 * in the store (it is real time elsewhere); only the demo moves it. */
	if (store_open(db_path, flags | STORE_EMULATOR, &st, &e) == -1) {
		log_cli_error("%s", e.msg);
		return (NULL);
	}
	/* A live database drives the MSP's organization at AWS. */
	if (live_wire(st, &e) == -1) {
		log_cli_error("%s", e.msg);
		store_close(st);
		return (NULL);
	}
	return (st);
}

int
cli_fail(const struct err *e)
{
	if (e->aws_type != NULL)
		log_cli_error("%s (%s)", e->msg, e->aws_type);
	else
		log_cli_error("%s", e->msg);
	return (e->code == ERR_INVALID ? EXIT_USAGE : 1);
}

void
cli_print_json(json_t *o)
{
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(13));
	putchar('\n');
	json_decref(o);
}

int
cli_usage(const char *text)
{
	fputs(text, stderr);
	return (EXIT_USAGE);
}

int
cli_subcommand(int *argc, char ***argv, const char *usage,
    const char **sub_out)
{
	if (*argc < 2)
		return (cli_usage(usage));
	*sub_out = (*argv)[1];
	if (strcmp(*sub_out, "--help") == 0 || strcmp(*sub_out, "-h") == 0) {
		fputs(usage, stdout);
		return (0);
	}
	(*argc)--;
	(*argv)++;
	optind = 1;
	return (-1);
}
