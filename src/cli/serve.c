/* SPDX-License-Identifier: MIT */
/* payerlink serve: start the server and run until SIGTERM or SIGINT. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ce/ce.h"
#include "cli/cli.h"
#include "cli/import_dir.h"
#include "core/config.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "http/server.h"
#include "org/account.h"
#include "rest/import_api.h"
#include "rest/webhook.h"

static const char usage_text[] =
"usage: payerlink serve [--db FILE] [--listen ADDR:PORT] [--emulator]\n"
"                       [--no-direct-transfer] [--threads N] [--max-body BYTES]\n"
"                       [--max-connections N] [--timeout SECONDS]\n"
"                       [--max-upload BYTES] [--import-dir DIR]\n"
"                       [--cache-mb N] [--db-memory-mb N]\n"
"\n"
"Serves the AWS Organizations API (JSON 1.1, SigV4), the web console and\n"
"the REST API on one port. Stops cleanly on SIGTERM or SIGINT: in-flight\n"
"requests finish, then the database is closed. SIGUSR1 logs where its\n"
"memory is (resident, malloc, SQLite, the rollup cache).\n"
"\n"
"  --db FILE            the database (default $PAYERLINK_DB or payerlink.db)\n"
"  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080; port 0\n"
"                       picks a free one, printed on stdout)\n"
"  --emulator           test mode: any well-formed credentials are accepted\n"
"                       (unknown keys act as account 123456789012), plus\n"
"                       POST /moto-api/reset and POST /api/v1/test/clock\n"
"  --no-direct-transfer the rules before 11 December 2025, for rehearsing\n"
"                       them: a member of another organization must leave it\n"
"                       before it accepts (ALREADY_IN_AN_ORGANIZATION); by\n"
"                       default it accepts directly, as at AWS today\n"
"  --direct-transfer    deprecated, the default now: accepted and ignored\n"
"  --threads N          worker threads (default: 4 per core, at least 8)\n"
"  --max-body BYTES     largest request body (default 1048576)\n"
"  --max-connections N  concurrent connections (default 1024)\n"
"  --timeout SECONDS    idle connection timeout (default 30)\n"
"  --max-upload BYTES   largest POST /api/v1/imports body, streamed into the\n"
"                       ingest (default 21474836480, 20 GiB)\n"
"  --import-dir DIR     ingest *.csv / *.csv.gz / *.parquet dropped into DIR\n"
"                       once their size is stable; move them to DIR/imported/ or\n"
"                       DIR/failed/ with NAME.json (the report) next to them\n"
"  --cache-mb N         memory for the rollups Cost Explorer and the portal\n"
"                       keep of the imports they read (default 64)\n"
"  --db-memory-mb N     memory SQLite keeps for all connections together\n"
"                       (page caches, statements; default 8, 0: no limit;\n"
"                       PostgreSQL: no effect)\n";

#define MIB(x)	((double)(x) / (1 << 20))

/* SIGUSR1: one log line of where the resident memory goes. */
static void
log_memory(void)
{
	FILE		*f;
	long		 pages = 0;
	size_t		 in_use, held_free;
	int64_t		 lite, lite_high;

	if ((f = fopen("/proc/self/statm", "r")) != NULL) {
		if (fscanf(f, "%*s %ld", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	xmalloc_usage(&in_use, &held_free);
	store_memory_used(&lite, &lite_high);
	log_info("memory: resident %.1f MiB; malloc in use %.1f MiB (SQLite "
	    "%.1f, highest %.1f; rollup cache %.1f), held free %.1f MiB",
	    MIB(pages * sysconf(_SC_PAGESIZE)), MIB(in_use), MIB(lite),
	    MIB(lite_high), MIB(ce_cache_bytes()), MIB(held_free));
}

static int
parse_uint(const char *opt, const char *s, unsigned long max,
    unsigned long *out)
{
	char		*end;
	unsigned long	 v;

	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v > max || s[0] == '-') {
		log_cli_error("%s: '%s' is not a number from 0 to %lu", opt, s,
		    max);
		return (-1);
	}
	*out = v;
	return (0);
}

int
cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "emulator", no_argument, NULL, 'E' },
		{ "direct-transfer", no_argument, NULL, 'D' },
		{ "no-direct-transfer", no_argument, NULL, 'N' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-body", required_argument, NULL, 'b' },
		{ "max-connections", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "max-upload", required_argument, NULL, 'U' },
		{ "import-dir", required_argument, NULL, 'I' },
		{ "cache-mb", required_argument, NULL, 'M' },
		{ "db-memory-mb", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct config	 cfg;
	struct store	*st;
	struct server	*srv;
	struct err	 e;
	sigset_t	 set;
	const struct timespec minute = { 60, 0 };
	unsigned long	 v;
	unsigned	 port;
	int64_t		 db_memory_mb = 8;
	const char	*db = NULL, *import_dir = NULL;
	struct import_dir *watch = NULL;
	int		 ch, sig;

	config_defaults(&cfg);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'l':
			cfg.listen = optarg;
			break;
		case 'E':
			cfg.emulator = 1;
			break;
		case 'D':
			/* The default since direct transfer is AWS's rule. */
			break;
		case 'N':
			cfg.no_direct_transfer = 1;
			break;
		case 't':
			if (parse_uint("--threads", optarg, 256, &v) == -1)
				return (EXIT_USAGE);
			cfg.threads = (unsigned)v;
			break;
		case 'b':
			if (parse_uint("--max-body", optarg, 1UL << 30, &v) == -1)
				return (EXIT_USAGE);
			cfg.max_body = v;
			break;
		case 'c':
			if (parse_uint("--max-connections", optarg, 100000,
			    &v) == -1)
				return (EXIT_USAGE);
			cfg.max_connections = (unsigned)v;
			break;
		case 'T':
			if (parse_uint("--timeout", optarg, 3600, &v) == -1)
				return (EXIT_USAGE);
			cfg.conn_timeout = (unsigned)v;
			break;
		case 'U':
			if (parse_uint("--max-upload", optarg, ~0UL, &v) == -1)
				return (EXIT_USAGE);
			import_upload_limit(v);
			break;
		case 'I':
			import_dir = optarg;
			break;
		case 'M':
			if (parse_uint("--cache-mb", optarg, 1UL << 20, &v) == -1)
				return (EXIT_USAGE);
			ce_cache_limit((size_t)v << 20);
			break;
		case 'm':
			if (parse_uint("--db-memory-mb", optarg, 1UL << 20,
			    &v) == -1)
				return (EXIT_USAGE);
			db_memory_mb = (int64_t)v;
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
	cfg.db_path = cli_db_path(db);
	log_init(0);
	store_memory_limit(db_memory_mb << 20);

	/* Workers inherit this mask; only the main thread takes the signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((st = cli_open(cfg.db_path, cfg.emulator ? STORE_EMULATOR :
	    0)) == NULL)
		return (1);
	err_clear(&e);
	if (cfg.emulator && account_ensure_default(st, &e) == -1) {
		store_close(st);
		return (cli_fail(&e));
	}
	if (server_start(&cfg, st, &srv, &port, &e) == -1) {
		store_close(st);
		return (cli_fail(&e));
	}
	if (import_dir != NULL && import_dir_start(st, import_dir, &watch,
	    &e) == -1) {
		server_stop(srv);
		store_close(st);
		return (cli_fail(&e));
	}
	{
		char host[64];
		const char *colon = strrchr(cfg.listen, ':');
		snprintf(host, sizeof(host), "%.*s", (int)(colon - cfg.listen),
		    cfg.listen);
		printf("payerlink: listening on http://%s:%u (database %s%s)\n",
		    host, port, cfg.db_path, cfg.emulator ? ", emulator" : "");
		fflush(stdout);
	}
	/* Budgets and their webhooks (src/rest/webhook.c). */
	webhook_worker_start(st);
	/* Idle meanwhile: once a minute, freed memory goes back (flat RSS). */
	for (;;) {
		sig = sigtimedwait(&set, NULL, &minute);
		if (sig == SIGUSR1)
			log_memory();
		else if (sig == -1 && (errno == EAGAIN || errno == EINTR))
			xmalloc_trim();
		else
			break;
	}
	if (sig > 0)
		log_info("received %s: finishing in-flight requests",
		    sig == SIGINT ? "SIGINT" : "SIGTERM");
	webhook_worker_stop();
	import_dir_stop(watch);
	server_stop(srv);
	store_close(st);
	log_info("stopped");
	return (0);
}
