/* SPDX-License-Identifier: MIT */
/* payerlink: the command line entry. Dispatches to subcommands only. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*help;
} commands[] = {
	{ "serve",	cmd_serve,	"run the server (AWS API, console, REST)" },
	{ "init",	cmd_init,	"create the database, optionally with demo data" },
	{ "account",	cmd_account,	"create, list and show accounts; keys; billing info" },
	{ "msp",	cmd_msp,	"name the MSP's management (payer) account" },
	{ "customer",	cmd_customer,	"the MSP's customers and the accounts they own" },
	{ "onboard",	cmd_onboard,	"onboarding requests: invite, track, follow up" },
	{ "audit",	cmd_audit,	"the audit log of onboarding changes" },
	{ "ingest",	cmd_ingest,	"import cost and usage files (CUR, CUR 2.0, FOCUS)" },
	{ "pricing",	cmd_pricing,	"pricing rules and custom line items (fees, credits)" },
	{ "invoice",	cmd_invoice,	"invoices: drafts, issue, void, PDF, CSV, reconcile" },
	{ "fx",		cmd_fx,		"monthly exchange rates for invoice currencies" },
	{ "user",	cmd_user,	"billing portal users (customer users, MSP roles)" },
	{ "budget",	cmd_budget,	"budgets: create, check, send webhooks" },
	{ "export",	cmd_export,	"FOCUS 1.2 CSV of a customer's rebilled month" },
	{ "aws",	cmd_aws,	"the AWS client: whoami, S3 ls/head/get, JSON calls" },
	{ "db",		cmd_db,		"migrate, status, export, import (SQLite <-> PostgreSQL)" },
	{ "routes",	cmd_routes,	"the server's web and REST route tables (a developer aid)" },
};

static int
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: payerlink COMMAND [OPTIONS]\n\n"
	    "payerlink links customer AWS accounts to an MSP's organization,\n"
	    "rebills their usage and shows it in a billing portal.\n\n"
	    "Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nRun 'payerlink COMMAND --help' for a command's options.\n"
	    "The database is --db FILE, or $PAYERLINK_DB, or ./payerlink.db.\n");
	return (f == stdout ? 0 : EXIT_USAGE);
}

int
main(int argc, char **argv)
{
	size_t	 i;

	if (argc < 2)
		return (usage(stderr));
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return (usage(stdout));
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return (commands[i].fn(argc - 1, argv + 1));
	fprintf(stderr, "payerlink: unknown command '%s'\n\n", argv[1]);
	return (usage(stderr));
}
