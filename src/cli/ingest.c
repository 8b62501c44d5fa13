/* SPDX-License-Identifier: MIT */
/* payerlink ingest: cost and usage files into rollups (billing/ingest.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "billing/ingest.h"
#include "billing/money.h"
#include "cli/cli.h"
#include "rest/import_api.h"

static const char usage_text[] =
"usage: payerlink ingest FILE... [--payer ACCOUNT] [--period YYYY-MM]\n"
"                        [--json] [--threads 1|2] [--db FILE]\n"
"\n"
"Reads cost and usage files (legacy CUR, CUR 2.0 or FOCUS 1.0-1.2 CSV,\n"
"plain or gzip) of one payer's billing period as one delivery, rolls the\n"
"line items up by day, account, service, usage type, operation, region,\n"
"line item type and pricing term, attributes each line by the membership\n"
"history, and makes it the current version of that period. The same\n"
"files again change nothing. --payer and --period default to the first\n"
"row's payer and billing period; rows of another payer, period or\n"
"currency are rejected and listed. --json prints the report as one JSON\n"
"object (docs/billing.md). Exit 0 on success, 1 if the files are refused\n"
"(nothing changes), 2 on bad usage.\n";

struct bar {
	struct timespec	 t0;
	int		 shown;
};

static void
progress(void *arg, uint64_t done, uint64_t total)
{
	struct bar	*b = arg;
	struct timespec	 t;
	double		 s, rate;
	int		 i, w = 30, fill;

	clock_gettime(CLOCK_MONOTONIC, &t);
	s = (t.tv_sec - b->t0.tv_sec) + (t.tv_nsec - b->t0.tv_nsec) / 1e9;
	rate = s > 0 ? done / s / 1e6 : 0;
	fill = total > 0 ? (int)((double)done / total * w) : 0;
	fputs("\r[", stderr);
	for (i = 0; i < w; i++)
		fputc(i < fill ? '#' : ' ', stderr);
	if (total > 0 && rate > 0)
		fprintf(stderr, "] %.0f/%.0f MB  %.0f MB/s  ETA %.0fs ",
		    done / 1e6, total / 1e6, rate,
		    (total - done) / 1e6 / rate);
	else
		fprintf(stderr, "] %.0f MB  %.0f MB/s ", done / 1e6, rate);
	b->shown = 1;
}

static void
report_text(const struct ingest_report *r)
{
	char	 m[40];
	size_t	 i;

	if (strcmp(r->status, "already imported") == 0) {
		printf("already imported: %s %s is current as import %lld "
		    "(sha256 %s); nothing changed\n", r->payer_id, r->period,
		    (long long)r->import_id, r->digest);
		return;
	}
	printf("imported %s %s as import %lld (%s, %s)", r->payer_id,
	    r->period, (long long)r->import_id, r->format, r->currency);
	if (r->replaced_id)
		printf(", replacing import %lld", (long long)r->replaced_id);
	printf("\n%llu rows, %.1f MB (%.1f MB as CSV) in %.2f s: %.0f rows/s, "
	    "%.0f MB/s\n", (unsigned long long)r->rows, r->bytes / 1e6,
	    r->csv_bytes / 1e6, r->seconds, r->seconds > 0 ? r->rows /
	    r->seconds : 0, r->seconds > 0 ? r->csv_bytes / 1e6 / r->seconds :
	    0);
	printf("(%.2f s reading and rolling up, %.2f s writing)\n",
	    r->parse_seconds, r->store_seconds);
	money_format(r->total_unblended, MONEY_DIGITS, m, sizeof(m));
	printf("%llu rollup rows; unblended cost %s\n",
	    (unsigned long long)r->groups, m);
	money_format(r->out_unblended, MONEY_DIGITS, m, sizeof(m));
	printf("out of membership (not billable): %lld lines, %s\n",
	    (long long)r->out_lines, m);
	if (r->rejected > 0) {
		printf("%llu rejected rows%s:\n", (unsigned long long)
		    r->rejected, r->rejected > r->n_rejects ? " (first listed)"
		    : "");
		for (i = 0; i < r->n_rejects; i++)
			printf("  %s:%llu:%d: %s%s%s\n", r->rejects[i].file,
			    (unsigned long long)r->rejects[i].line,
			    r->rejects[i].column, r->rejects[i].column_name,
			    r->rejects[i].column_name[0] ? ": " : "",
			    r->rejects[i].why);
	}
	if (r->unknown_total > 0) {
		printf("%zu unknown columns:", r->unknown_total);
		for (i = 0; i < r->n_unknown; i++)
			printf(" %s", r->unknown[i]);
		printf("\n");
	}
	printf("%-14s %10s %20s %20s\n", "account", "lines", "unblended",
	    "out of membership");
	for (i = 0; i < r->n_accounts; i++) {
		char o[40];

		money_format(r->accounts[i].unblended, MONEY_DIGITS, m,
		    sizeof(m));
		money_format(r->accounts[i].out_unblended, MONEY_DIGITS, o,
		    sizeof(o));
		printf("%-14s %10lld %20s %20s\n", r->accounts[i].account_id,
		    (long long)r->accounts[i].lines, m, o);
	}
}

int
cmd_ingest(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "payer", required_argument, NULL, 'p' },
		{ "period", required_argument, NULL, 'P' },
		{ "threads", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ingest_opts	 opts;
	struct ingest		*ing = NULL;
	struct store		*st;
	struct err		 e;
	struct bar		 bar;
	const char		*db = NULL;
	int			 ch, json = 0, rc = 0;

	memset(&opts, 0, sizeof(opts));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'p': opts.payer = optarg; break;
		case 'P': opts.period = optarg; break;
		case 't': opts.threads = strcmp(optarg, "1") == 0 ? 1 : 2;
			break;
		case 'j': json = 1; break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	if (optind >= argc)
		return (cli_usage(usage_text));
	if ((st = cli_open(cli_db_path(db), 0)) == NULL)
		return (1);
	memset(&bar, 0, sizeof(bar));
	if (isatty(STDERR_FILENO)) {
		clock_gettime(CLOCK_MONOTONIC, &bar.t0);
		opts.progress = progress;
		opts.progress_arg = &bar;
	}
	err_clear(&e);
	rc = ingest_files(st, &opts, argv + optind, argc - optind, &ing, &e);
	if (bar.shown)
		fputs("\n", stderr);
	if (rc == -1)
		rc = cli_fail(&e) == EXIT_USAGE && e.code == ERR_INVALID &&
		    ing == NULL ? EXIT_USAGE : 1;
	else if (json)
		cli_print_json(import_report_json(ingest_report(ing)));
	else
		report_text(ingest_report(ing));
	ingest_free(ing);
	store_close(st);
	return (rc);
}
