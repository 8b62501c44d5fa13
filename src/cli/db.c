/* SPDX-License-Identifier: MIT */
/*
 * payerlink db migrate | status | export | import: the database itself.
 * Moving an installation between SQLite and PostgreSQL is an export from
 * one and an import into an empty other.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/arena.h"

static const char usage_text[] =
"usage: payerlink db migrate [--db DB]\n"
"       payerlink db status [--db DB]\n"
"       payerlink db export [--db DB] [FILE]\n"
"       payerlink db import [--db DB] FILE\n"
"\n"
"DB is a SQLite file or a PostgreSQL connection string\n"
"(postgresql://user@host:5432/name, or 'host=... dbname=...'); default\n"
"$PAYERLINK_DB or payerlink.db.\n"
"  migrate  applies the migrations this payerlink has (opening does too)\n"
"  status   prints the backend and the migrations applied\n"
"  export   writes every table as JSON lines to FILE (default stdout)\n"
"  import   loads an export (from either backend) into an empty database,\n"
"           all or nothing; FILE - reads stdin\n";

static int
status(struct store *st, int migrated)
{
	struct arena		 a;
	struct store_migration	*m;
	struct err		 e;
	size_t			 n, i;

	arena_init(&a);
	if (store_migrations(st, &a, &m, &n, &e) == -1) {
		arena_release(&a);
		return (cli_fail(&e));
	}
	printf("backend: %s\n", store_backend_name(st));
	printf("migrations%s: %zu\n", migrated ? " (up to date)" : "", n);
	for (i = 0; i < n; i++)
		printf("  %s\n", m[i].name);
	arena_release(&a);
	return (0);
}

int
cmd_db(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*db = NULL, *sub, *file = NULL;
	struct store	*st;
	struct err	 e;
	FILE		*f;
	int64_t		 rows = 0;
	int		 ch, rc = 0;

	if (argc < 2)
		return (cli_usage(usage_text));
	sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fputs(usage_text, stdout);
		return (0);
	}
	optind = 1;
	while ((ch = getopt_long(argc - 1, argv + 1, "h", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return (0);
		default:
			return (cli_usage(usage_text));
		}
	}
	if (optind < argc - 1)
		file = argv[1 + optind++];
	if (optind != argc - 1)
		return (cli_usage(usage_text));
	err_clear(&e);
	if (strcmp(sub, "migrate") == 0 || strcmp(sub, "status") == 0) {
		if (file != NULL)
			return (cli_usage(usage_text));
		if ((st = cli_open(cli_db_path(db), 0)) == NULL)
			return (1);
		rc = status(st, strcmp(sub, "migrate") == 0);
	} else if (strcmp(sub, "export") == 0) {
		if ((st = cli_open(cli_db_path(db), 0)) == NULL)
			return (1);
		f = stdout;
		if (file != NULL && strcmp(file, "-") != 0 &&
		    (f = fopen(file, "w")) == NULL) {
			perror(file);
			store_close(st);
			return (1);
		}
		if (store_export(st, f, &e) == -1)
			rc = cli_fail(&e);
		if (f != stdout && fclose(f) != 0 && rc == 0) {
			perror(file);
			rc = 1;
		}
	} else if (strcmp(sub, "import") == 0) {
		if (file == NULL)
			return (cli_usage(usage_text));
		f = stdin;
		if (strcmp(file, "-") != 0 && (f = fopen(file, "r")) == NULL) {
			perror(file);
			return (1);
		}
		if ((st = cli_open(cli_db_path(db), 0)) == NULL) {
			if (f != stdin)
				fclose(f);
			return (1);
		}
		if (store_import(st, f, &rows, &e) == -1)
			rc = cli_fail(&e);
		else
			printf("payerlink: imported %lld rows into %s\n",
			    (long long)rows, store_backend_name(st));
		if (f != stdin)
			fclose(f);
	} else
		return (cli_usage(usage_text));
	store_close(st);
	return (rc);
}
