/* SPDX-License-Identifier: MIT */
/*
 * The command line: one function per subcommand, called by main.c. The CLI
 * calls the same domain modules on the same store as the server, never HTTP.
 * Exit codes: 0 success, 1 the operation failed, 2 bad usage.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <jansson.h>

#include "core/err.h"
#include "store/store.h"

#define EXIT_USAGE	2

int	cmd_serve(int, char **);
int	cmd_init(int, char **);
int	cmd_account(int, char **);
int	cmd_msp(int, char **);
int	cmd_customer(int, char **);
int	cmd_onboard(int, char **);
int	cmd_audit(int, char **);
int	cmd_ingest(int, char **);
int	cmd_db(int, char **);
int	cmd_user(int, char **);
int	cmd_budget(int, char **);
int	cmd_export(int, char **);
int	cmd_pricing(int, char **);
int	cmd_invoice(int, char **);
int	cmd_fx(int, char **);
int	cmd_routes(int, char **);
int	cmd_aws(int, char **);

/* The database path: --db, else $PAYERLINK_DB, else payerlink.db. */
const char	*cli_db_path(const char *opt);
/* Opens the store or prints why not; NULL on failure. */
struct store	*cli_open(const char *db_path, int flags);
/* Prints "payerlink: <msg>" and returns 1 (or 2 for bad input). */
int		 cli_fail(const struct err *);
/* Prints o as indented JSON on stdout and frees it. */
void		 cli_print_json(json_t *o);
/* Prints usage on stderr and returns EXIT_USAGE. */
int		 cli_usage(const char *text);
/*
 * For "payerlink CMD SUB [options]": *sub_out is SUB, and *argc / *argv
 * start at it, ready for getopt_long (optind reset). Returns -1 to go on,
 * else the exit status after printing the usage (no SUB) or the help.
 */
int		 cli_subcommand(int *argc, char ***argv, const char *usage,
		    const char **sub_out);

#endif
