/* SPDX-License-Identifier: MIT */
/* payerlink serve: start the server and run until SIGTERM or SIGINT. */
#include <arpa/inet.h>
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
#include "cli/ingest_s3.h"
#include "cli/live.h"
#include "core/config.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "http/server.h"
#include "org/account.h"
#include "org/created_account.h"
#include "rest/import_api.h"
#include "rest/webhook.h"

static const char usage_text[] =
"usage: payerlink serve [--db FILE] [--listen ADDR:PORT] [--emulator]\n"
"                       [--no-direct-transfer] [--create-account-delay SECONDS]\n"
"                       [--close-account-delay SECONDS] [--threads N] [--max-body BYTES]\n"
"                       [--max-connections N] [--timeout SECONDS]\n"
"                       [--max-upload BYTES] [--max-uploads N]\n"
"                       [--import-dir DIR]\n"
"                       [--cache-mb N] [--db-memory-mb N] [--reuse-port]\n"
"                       [--signin-per-address N] [--signin-global N]\n"
"                       [--trusted-proxy ADDR] [--public-url URL]\n"
"                       [--tls-cert FILE --tls-key FILE]\n"
"                       [--sync-interval SECONDS]\n"
"                       [--import-s3 s3://BUCKET/PREFIX]\n"
"                       [--import-interval SECONDS]\n"
"                       [--smtp smtp://HOST:PORT --smtp-from ADDR\n"
"                        [--smtp-user USER] [--smtp-password-file FILE]\n"
"                        [--smtp-require-tls]]\n"
"\n"
"Serves the AWS Organizations API (JSON 1.1, SigV4), the web console and\n"
"the REST API on one port. Stops cleanly on SIGTERM or SIGINT: in-flight\n"
"requests finish, then the database is closed. SIGUSR1 logs where its\n"
"memory is (resident, malloc, SQLite, the rollup cache).\n"
"\n"
"  --db FILE            the database (default $PAYERLINK_DB or payerlink.db)\n"
"  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080; port 0\n"
"                       picks a free one, printed on stdout); a port in use\n"
"                       is an error\n"
"  --reuse-port         share the port with other processes that ask for it\n"
"                       too (SO_REUSEPORT: the kernel splits the connections\n"
"                       between them; for a hand-over between two servers on\n"
"                       one database)\n"
"  --emulator           test mode: any well-formed credentials are accepted\n"
"                       (unknown keys act as account 123456789012), plus\n"
"                       POST /moto-api/reset and POST /api/v1/test/clock;\n"
"                       CreateAccount and CloseAccount complete before they\n"
"                       answer, as moto and LocalStack do\n"
"  --no-direct-transfer the rules before 11 December 2025, for rehearsing\n"
"                       them: a member of another organization must leave it\n"
"                       before it accepts (ALREADY_IN_AN_ORGANIZATION); by\n"
"                       default it accepts directly, as at AWS today\n"
"  --direct-transfer    deprecated, the default now: accepted and ignored\n"
"  --create-account-delay SECONDS\n"
"                       how long a CreateAccount request shows IN_PROGRESS\n"
"                       before SUCCEEDED or FAILED (business clock; default\n"
"                       5, with --emulator 0: answered SUCCEEDED with its\n"
"                       AccountId)\n"
"  --close-account-delay SECONDS\n"
"                       how long a closed account shows PENDING_CLOSURE\n"
"                       before SUSPENDED (default 60, with --emulator 0)\n"
"  --threads N          worker threads (default: 4 per core, at least 8)\n"
"  --max-body BYTES     largest request body (default 1048576)\n"
"  --max-connections N  concurrent connections (default 1024)\n"
"  --timeout SECONDS    idle connection timeout (default 30)\n"
"  --max-upload BYTES   largest POST /api/v1/imports file, streamed into the\n"
"                       ingest (default 4294967296, 4 GiB; 413 past it,\n"
"                       before the body is read when its size is declared)\n"
"  --max-uploads N      uploads at once (default 4; 503 SlowDown past it)\n"
"  --import-dir DIR     ingest *.csv / *.csv.gz / *.parquet dropped into DIR\n"
"                       once their size is stable; move them to DIR/imported/ or\n"
"                       DIR/failed/ with NAME.json (the report) next to them\n"
"  --signin-per-address N  sign-in attempts a minute from one client address\n"
"                       (default 20; a successful one is not counted)\n"
"  --signin-global N    sign-in attempts a minute from everyone (default\n"
"                       120); past either, 429 with Retry-After. Besides,\n"
"                       5 failures in a row lock an e-mail for 15 minutes\n"
"  --trusted-proxy ADDR the reverse proxy in front: its requests name the\n"
"                       client in the last X-Forwarded-For entry (for the\n"
"                       per-address limit and the log)\n"
"  --tls-cert FILE      serve HTTPS with this certificate (PEM; the chain\n"
"  --tls-key FILE       after it) and its private key (PEM, unencrypted)\n"
"  --public-url URL     where browsers reach it, e.g. https://billing.example\n"
"                       behind a TLS-terminating proxy. With HTTPS either\n"
"                       way, cookies are Secure and HSTS is sent\n"
"  --cache-mb N         memory for the rollups Cost Explorer and the portal\n"
"                       keep of the imports they read (default 64)\n"
"  --db-memory-mb N     memory SQLite keeps for all connections together\n"
"                       (page caches, statements; default 8, 0: no limit;\n"
"                       PostgreSQL: no effect)\n"
"  --sync-interval S    live mode (payerlink msp connect): read the MSP's\n"
"                       organization from AWS into the mirror every S\n"
"                       seconds (default 300); when AWS cannot be reached\n"
"                       it keeps serving from the mirror and says so on\n"
"                       the console\n"
"  --import-s3 URL      import the cost deliveries AWS puts under\n"
"                       s3://BUCKET/PREFIX (as payerlink ingest s3://...),\n"
"                       each new or changed one once (by ETag)\n"
"  --import-interval S  how often to look there (default 300)\n"
"  --smtp URL           the MSP's mail server for budget alert e-mails:\n"
"                       smtp://HOST:PORT (STARTTLS when the server offers\n"
"                       it) or smtps://HOST:PORT (TLS from the start).\n"
"                       Without it, e-mail alerts are recorded as failed\n"
"  --smtp-from ADDR     the sender address (required with --smtp)\n"
"  --smtp-user USER     log in as USER; the password is read from the file\n"
"  --smtp-password-file FILE  (first line) or else $PAYERLINK_SMTP_PASSWORD,\n"
"                       never from the command line, never logged\n"
"  --smtp-require-tls   refuse to send over smtp:// unless STARTTLS works\n";

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

#define PEM_MAX	(1 << 20)

/* A PEM file's text (at most 1 MiB), or NULL after saying why. */
static char *
pem_read(const char *opt, const char *path)
{
	FILE	*f;
	char	*p;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL) {
		log_cli_error("%s: %s: %s", opt, path, strerror(errno));
		return (NULL);
	}
	p = xmalloc(PEM_MAX + 1);
	n = fread(p, 1, PEM_MAX + 1, f);
	fclose(f);
	p[n > PEM_MAX ? PEM_MAX : n] = '\0';
	if (n > PEM_MAX || strstr(p, "-----BEGIN ") == NULL) {
		log_cli_error("%s: %s: not a PEM file (or larger than 1 MiB)",
		    opt, path);
		xfree(p);
		return (NULL);
	}
	return (p);
}

/* The key's copy is wiped before it is freed. */
static void
pem_free(char *p)
{
	if (p == NULL)
		return;
	explicit_bzero(p, strlen(p));
	xfree(p);
}

/*
 * The SMTP password: the first line of `file`, else
 * $PAYERLINK_SMTP_PASSWORD (never an argument: the process list and the
 * shell's history would show it). *out is freed with pem_free().
 */
static int
smtp_password_read(const char *file, char **out)
{
	const char	*env = getenv("PAYERLINK_SMTP_PASSWORD");
	FILE		*f;
	char		*p;

	*out = NULL;
	if (file == NULL && env == NULL) {
		log_cli_error("--smtp-user needs a password: "
		    "--smtp-password-file FILE or $PAYERLINK_SMTP_PASSWORD");
		return (-1);
	}
	p = xmalloc(1024);
	if (file == NULL)
		snprintf(p, 1024, "%s", env);
	else {
		if ((f = fopen(file, "r")) == NULL) {
			log_cli_error("--smtp-password-file: %s: %s", file,
			    strerror(errno));
			xfree(p);
			return (-1);
		}
		if (fgets(p, 1024, f) == NULL)
			*p = '\0';
		fclose(f);
		p[strcspn(p, "\r\n")] = '\0';
	}
	*out = p;
	return (0);
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
		{ "create-account-delay", required_argument, NULL, 1001 },
		{ "close-account-delay", required_argument, NULL, 1002 },
		{ "no-direct-transfer", no_argument, NULL, 'N' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-body", required_argument, NULL, 'b' },
		{ "max-connections", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "max-upload", required_argument, NULL, 'U' },
		{ "max-uploads", required_argument, NULL, 'u' },
		{ "import-dir", required_argument, NULL, 'I' },
		{ "cache-mb", required_argument, NULL, 'M' },
		{ "db-memory-mb", required_argument, NULL, 'm' },
		{ "reuse-port", no_argument, NULL, 'R' },
		{ "signin-per-address", required_argument, NULL, 'A' },
		{ "signin-global", required_argument, NULL, 'G' },
		{ "trusted-proxy", required_argument, NULL, 'P' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "public-url", required_argument, NULL, 'W' },
		{ "sync-interval", required_argument, NULL, 'S' },
		{ "import-s3", required_argument, NULL, 'Z' },
		{ "import-interval", required_argument, NULL, 'z' },
		{ "smtp", required_argument, NULL, 1003 },
		{ "smtp-from", required_argument, NULL, 1004 },
		{ "smtp-user", required_argument, NULL, 1005 },
		{ "smtp-password-file", required_argument, NULL, 1006 },
		{ "smtp-require-tls", no_argument, NULL, 1007 },
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
	const char	*tls_cert = NULL, *tls_key = NULL;
	char		*cert_pem = NULL, *key_pem = NULL;
	struct import_dir *watch = NULL;
	struct in_addr	 in;
	struct live_org	 live;
	unsigned	 sync_interval = 300, import_interval = 300;
	const char	*import_s3 = NULL, *smtp_password_file = NULL;
	struct alert_mail mail;
	char		*smtp_password = NULL, portal_url[300];
	int		 ch, sig, is_live;

	config_defaults(&cfg);
	memset(&mail, 0, sizeof(mail));
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
		case 1001:
			if (parse_uint("--create-account-delay", optarg, 86400,
			    &v) == -1)
				return (EXIT_USAGE);
			cfg.create_account_delay_ms = (int64_t)v * 1000;
			break;
		case 1002:
			if (parse_uint("--close-account-delay", optarg, 86400,
			    &v) == -1)
				return (EXIT_USAGE);
			cfg.close_account_delay_ms = (int64_t)v * 1000;
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
		case 'u':
			if (parse_uint("--max-uploads", optarg, 1024, &v) == -1)
				return (EXIT_USAGE);
			import_upload_concurrency((unsigned)v);
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
		case 'R':
			cfg.reuse_port = 1;
			break;
		case 'A':
			if (parse_uint("--signin-per-address", optarg, 1000000,
			    &v) == -1 || v == 0)
				return (EXIT_USAGE);
			cfg.signin_per_address = (unsigned)v;
			break;
		case 'G':
			if (parse_uint("--signin-global", optarg, 1000000,
			    &v) == -1 || v == 0)
				return (EXIT_USAGE);
			cfg.signin_global = (unsigned)v;
			break;
		case 'P':
			if (inet_pton(AF_INET, optarg, &in) != 1) {
				log_cli_error("--trusted-proxy: '%s' is not an "
				    "IPv4 address", optarg);
				return (EXIT_USAGE);
			}
			cfg.trusted_proxy = optarg;
			break;
		case 'C':
			tls_cert = optarg;
			break;
		case 'K':
			tls_key = optarg;
			break;
		case 'W':
			if (strncmp(optarg, "https://", 8) != 0 &&
			    strncmp(optarg, "http://", 7) != 0) {
				log_cli_error("--public-url: '%s' must start with "
				    "https:// or http://", optarg);
				return (EXIT_USAGE);
			}
			cfg.public_url = optarg;
			break;
		case 'S':
			if (parse_uint("--sync-interval", optarg, 86400 * 7,
			    &v) == -1)
				return (EXIT_USAGE);
			if (v == 0) {
				log_cli_error("--sync-interval: at least 1 "
				    "second");
				return (EXIT_USAGE);
			}
			sync_interval = (unsigned)v;
			break;
		case 'Z':
			if (strncmp(optarg, "s3://", 5) != 0) {
				log_cli_error("--import-s3: expected "
				    "s3://BUCKET[/PREFIX]");
				return (EXIT_USAGE);
			}
			import_s3 = optarg;
			break;
		case 'z':
			if (parse_uint("--import-interval", optarg, 86400 * 7,
			    &v) == -1)
				return (EXIT_USAGE);
			if (v == 0) {
				log_cli_error("--import-interval: at least 1 "
				    "second");
				return (EXIT_USAGE);
			}
			import_interval = (unsigned)v;
			break;
		case 1003:
			if (strncmp(optarg, "smtp://", 7) != 0 &&
			    strncmp(optarg, "smtps://", 8) != 0) {
				log_cli_error("--smtp: expected smtp://HOST:PORT "
				    "or smtps://HOST:PORT");
				return (EXIT_USAGE);
			}
			mail.url = optarg;
			break;
		case 1004:
			if (strchr(optarg, '@') == NULL ||
			    strpbrk(optarg, "<>\r\n ") != NULL ||
			    strlen(optarg) > 254) {
				log_cli_error("--smtp-from: '%s' is not an "
				    "e-mail address", optarg);
				return (EXIT_USAGE);
			}
			mail.from = optarg;
			break;
		case 1005:
			mail.user = optarg;
			break;
		case 1006:
			smtp_password_file = optarg;
			break;
		case 1007:
			mail.require_tls = 1;
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
	if (mail.url != NULL && mail.from == NULL) {
		log_cli_error("--smtp needs --smtp-from");
		return (EXIT_USAGE);
	}
	if ((mail.from != NULL || mail.user != NULL ||
	    smtp_password_file != NULL || mail.require_tls) &&
	    mail.url == NULL) {
		log_cli_error("--smtp-from, --smtp-user, --smtp-password-file "
		    "and --smtp-require-tls go with --smtp");
		return (EXIT_USAGE);
	}
	if (mail.user != NULL && smtp_password_read(smtp_password_file,
	    &smtp_password) == -1)
		return (1);
	mail.password = smtp_password;
	if ((tls_cert == NULL) != (tls_key == NULL)) {
		log_cli_error("--tls-cert and --tls-key go together");
		return (EXIT_USAGE);
	}
	if (tls_cert != NULL) {
		if ((cert_pem = pem_read("--tls-cert", tls_cert)) == NULL ||
		    (key_pem = pem_read("--tls-key", tls_key)) == NULL) {
			xfree(cert_pem);
			return (1);
		}
		cfg.tls_cert_pem = cert_pem;
		cfg.tls_key_pem = key_pem;
	}
	cfg.https = tls_cert != NULL || (cfg.public_url != NULL &&
	    strncmp(cfg.public_url, "https://", 8) == 0);
	cfg.db_path = cli_db_path(db);
	/* Tests written for moto and LocalStack read the new account at once;
	 * a server answers as AWS does, IN_PROGRESS first. */
	if (cfg.create_account_delay_ms < 0)
		cfg.create_account_delay_ms = cfg.emulator ? 0 :
		    CREATE_ACCOUNT_DELAY_MS;
	if (cfg.close_account_delay_ms < 0)
		cfg.close_account_delay_ms = cfg.emulator ? 0 :
		    ACCOUNT_CLOSE_DELAY_MS;
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
	is_live = live_status(st, &live, NULL) == 0;
	if (cfg.emulator && is_live) {
		log_cli_error("%s is live: it mirrors the AWS organization %s "
		    "(payerlink msp connect), and --emulator would serve and "
		    "change payerlink's own organizations in it; a database is "
		    "live or emulated, never both: run the emulator on another "
		    "database", cfg.db_path, live.org_id);
		store_close(st);
		return (1);
	}
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
		printf("payerlink: listening on %s://%s:%u (database %s%s)\n",
		    cfg.tls_cert_pem != NULL ? "https" : "http", host, port,
		    cfg.db_path, cfg.emulator ? ", emulator" :
		    is_live ? ", live" : "");
		fflush(stdout);
	}
	/* Budgets and their alerts' webhooks and e-mails (rest/webhook.c);
	 * an e-mail links to the MSP's public URL, else to this server. */
	if (cfg.public_url != NULL)
		snprintf(portal_url, sizeof(portal_url), "%s", cfg.public_url);
	else {
		const char *colon = strrchr(cfg.listen, ':');
		snprintf(portal_url, sizeof(portal_url), "%s://%.*s:%u",
		    cfg.tls_cert_pem != NULL ? "https" : "http",
		    (int)(colon - cfg.listen), cfg.listen, port);
	}
	mail.portal_url = portal_url;
	if (webhook_worker_start(st, &mail, &e) == -1 ||
	    (import_s3 != NULL && ingest_s3_watch_start(st, import_s3,
	    import_interval, &e) == -1)) {
		webhook_worker_stop();
		import_dir_stop(watch);
		server_stop(srv);
		store_close(st);
		return (cli_fail(&e));
	}
	/* Live mode: the mirror of the MSP's AWS organization. */
	if (is_live)
		live_sync_start(st, sync_interval);
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
	live_sync_stop();
	ingest_s3_watch_stop();
	webhook_worker_stop();
	import_dir_stop(watch);
	server_stop(srv);
	store_close(st);
	pem_free(cert_pem);
	pem_free(key_pem);
	pem_free(smtp_password);
	log_info("stopped");
	return (0);
}
