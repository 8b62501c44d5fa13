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
#include "cli/ingest_s3.h"
#include "core/log.h"
#include "rest/import_api.h"

static const char usage_text[] =
"usage: payerlink ingest FILE... [--payer ACCOUNT] [--period YYYY-MM]\n"
"                        [--reference] [--json] [--threads 1|2] [--db FILE]\n"
"       payerlink ingest MANIFEST.json [...]\n"
"       payerlink ingest s3://BUCKET[/PREFIX] [--profile P] [--json] [...]\n"
"\n"
"Reads cost and usage files (legacy CUR, CUR 2.0 or FOCUS 1.0-1.2 CSV,\n"
"plain or gzip, or CUR 2.0 / FOCUS Parquet) of one payer's billing period\n"
"as one delivery, rolls the line items up by day, account, service, usage\n"
"type, operation, region, line item type and pricing term, attributes\n"
"each line by the membership history, and makes it the current version\n"
"of that period. The same files again change nothing. --payer and\n"
"--period default to the first row's payer and billing period; rows of\n"
"another payer, period or currency are rejected and listed. --json prints\n"
"the report as one JSON object (docs/billing.md). Exit 0 on success, 1 if\n"
"the files are refused (nothing changes), 2 on bad usage.\n"
"\n"
"Only what the MSP paid is billed: once the MSP is named (payerlink msp\n"
"set), a file whose payer is not the MSP's payer account is refused.\n"
"--reference imports such a file as history for the customer that owns\n"
"its accounts: shown to that customer as \"before the MSP\", never billed.\n"
"Account ids are 12 digits; shorter all-digit ids are left-padded with\n"
"zeros, anything else is a rejected row, as are impossible dates and\n"
"usage outside the billing period.\n"
"\n"
"A CUR manifest (a *.json file with \"reportKeys\", or CUR 2.0's\n"
"\"dataFiles\") stands for the files it lists, found by their base names\n"
"beside the manifest as a download of the report's S3 prefix leaves them;\n"
"its billingPeriod.start gives the period when --period is not set.\n"
"\n"
"s3://BUCKET/PREFIX imports what AWS delivered there (docs/live.md): each\n"
"legacy CUR or Data Exports (CUR 2.0, FOCUS) manifest stands for the files\n"
"it lists, the latest manifest of each report and billing period only;\n"
"under a prefix without manifests, CSV, CSV.gz and Parquet objects are one\n"
"delivery per folder. Objects are streamed (parallel ranged reads), never stored on\n"
"disk. Each delivery is imported once per version (its manifest's ETag,\n"
"or its files' ETags): run it again and only what changed is read. AWS\n"
"credentials and endpoints as for payerlink aws (--profile, the SDKs'\n"
"chain, AWS_ENDPOINT_URL_S3). --json prints {\"Source\", \"Deliveries\":\n"
"[{\"Source\", \"Kind\", \"Period\", \"Files\", \"Status\", \"Report\" |\n"
"\"Error\"}], \"Imported\", \"AlreadyImported\", \"Failed\"}; exit 1 when\n"
"a delivery failed or the prefix cannot be listed.\n";

#define MANIFEST_FILES_MAX	1000	/* AWS splits a month into far fewer */

/*
 * Expands manifests among args into the files they list (in their order),
 * resolved beside the manifest. Returns the file list (NULL-terminated, in
 * a), or NULL after printing why. *period_out gets the manifest's period.
 */
static char **
expand_manifests(struct arena *a, char **args, int nargs, int *n_out,
    char *period_out, size_t period_len)
{
	char		**out;
	int		 i, n = 0;

	out = arena_zalloc(a, (MANIFEST_FILES_MAX + (size_t)nargs + 1) *
	    sizeof(*out));
	for (i = 0; i < nargs; i++) {
		const char	*arg = args[i], *slash, *start;
		size_t		 len = strlen(arg), k;
		json_error_t	 jerr;
		json_t		*m, *keys, *v;

		if (len < 5 || strcmp(arg + len - 5, ".json") != 0) {
			out[n++] = args[i];
			continue;
		}
		if ((m = json_load_file(arg, JSON_REJECT_DUPLICATES,
		    &jerr)) == NULL) {
			log_cli_error("%s:%d: not a CUR manifest: %s", arg,
			    jerr.line, jerr.text);
			return (NULL);
		}
		keys = json_object_get(m, "reportKeys");
		if (!json_is_array(keys))
			keys = json_object_get(m, "dataFiles");
		if (!json_is_array(keys) || json_array_size(keys) == 0 ||
		    json_array_size(keys) > MANIFEST_FILES_MAX) {
			log_cli_error("%s: a CUR manifest lists its files in "
			    "\"reportKeys\" or \"dataFiles\" (1 to %d)", arg,
			    MANIFEST_FILES_MAX);
			json_decref(m);
			return (NULL);
		}
		slash = strrchr(arg, '/');
		json_array_foreach(keys, k, v) {
			const char *key = json_string_value(v), *base;
			if (key == NULL || n == MANIFEST_FILES_MAX + nargs) {
				log_cli_error("%s: reportKeys[%zu] is not a "
				    "file name", arg, k);
				json_decref(m);
				return (NULL);
			}
			base = strrchr(key, '/');
			base = base != NULL ? base + 1 : key;
			out[n++] = arena_printf(a, "%.*s%s", slash != NULL ?
			    (int)(slash - arg + 1) : 0, arg, base);
		}
		/* "20261001T000000.000Z" -> "2026-10" */
		start = json_string_value(json_object_get(json_object_get(m,
		    "billingPeriod"), "start"));
		if (start != NULL && strlen(start) >= 6 && period_out[0] == '\0')
			snprintf(period_out, period_len, "%.4s-%.2s", start,
			    start + 4);
		json_decref(m);
	}
	*n_out = n;
	return (out);
}

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
		    "(xxh128 %s); nothing changed\n", r->payer_id, r->period,
		    (long long)r->import_id, r->digest);
		return;
	}
	printf("imported %s %s as import %lld (%s, %s%s)", r->payer_id,
	    r->period, (long long)r->import_id, r->format, r->currency,
	    strcmp(r->role, "reference") == 0 ? ", reference: never billed" :
	    "");
	if (r->transfer_id[0] != '\0')
		printf(", organization %s's bill, the MSP's by billing transfer "
		    "%s", r->transfer_org_id, r->transfer_id);
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
	if (r->no_customer > 0) {
		money_format(r->no_customer_unblended, MONEY_DIGITS, m,
		    sizeof(m));
		printf("%zu member accounts have no customer: %s billed to "
		    "nobody (payerlink customer add-account)\n",
		    r->no_customer, m);
	}
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
	printf("%-14s %-14s %10s %20s %20s\n", "account", "customer",
	    "lines", "unblended", "out of membership");
	for (i = 0; i < r->n_accounts; i++) {
		char o[40];

		money_format(r->accounts[i].unblended, MONEY_DIGITS, m,
		    sizeof(m));
		money_format(r->accounts[i].out_unblended, MONEY_DIGITS, o,
		    sizeof(o));
		printf("%-14s %-14s %10lld %20s %20s\n",
		    r->accounts[i].account_id, r->accounts[i].customer_id[0] ?
		    r->accounts[i].customer_id : "(none)",
		    (long long)r->accounts[i].lines, m, o);
	}
}

/* payerlink ingest s3://...: the deliveries under a prefix. */
static int
ingest_from_s3(const char *db, const char *url, const char *profile,
    const struct ingest_opts *opts, int json)
{
	struct awsclient_opts	 o;
	struct awsclient	*c = NULL;
	struct store		*st;
	struct err		 e;
	json_t			*res, *v;
	size_t			 i;
	int			 rc = 0;

	memset(&o, 0, sizeof(o));
	o.profile = profile;
	err_clear(&e);
	if (awsclient_new(&o, &c, &e) == -1)
		return (cli_fail(&e));
	if ((st = cli_open(cli_db_path(db), 0)) == NULL) {
		awsclient_free(c);
		return (1);
	}
	if (ingest_s3(st, c, url, opts, &res, &e) == -1)
		rc = cli_fail(&e);
	else {
		if (json_integer_value(json_object_get(res, "Failed")) > 0)
			rc = 1;
		json_array_foreach(json_object_get(res, "Deliveries"), i, v) {
			const char *err = json_string_value(json_object_get(v,
			    "Error"));

			if (err != NULL)
				log_cli_error("%s: %s", json_string_value(
				    json_object_get(v, "Source")), err);
			else if (!json)
				printf("%-16s %s\n", json_string_value(
				    json_object_get(v, "Status")),
				    json_string_value(json_object_get(v,
				    "Source")));
		}
		if (json)
			cli_print_json(res);
		else
			json_decref(res);
	}
	store_close(st);
	awsclient_free(c);
	return (rc);
}

int
cmd_ingest(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "payer", required_argument, NULL, 'p' },
		{ "period", required_argument, NULL, 'P' },
		{ "reference", no_argument, NULL, 'r' },
		{ "threads", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "profile", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ingest_opts	 opts;
	const char		*profile = NULL;
	struct ingest		*ing = NULL;
	struct store		*st;
	struct err		 e;
	struct bar		 bar;
	struct arena		 ar;
	const char		*db = NULL;
	char			**files, period[8] = "";
	int			 ch, json = 0, rc = 0, nfiles;

	memset(&opts, 0, sizeof(opts));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'p': opts.payer = optarg; break;
		case 'P': opts.period = optarg; break;
		case 'r': opts.reference = 1; break;
		case 't': opts.threads = strcmp(optarg, "1") == 0 ? 1 : 2;
			break;
		case 'j': json = 1; break;
		case 'A': profile = optarg; break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	if (optind >= argc)
		return (cli_usage(usage_text));
	if (strncmp(argv[optind], "s3://", 5) == 0) {
		if (optind + 1 != argc)
			return (cli_usage("payerlink: ingest s3://... takes one "
			    "prefix and no other file\n"));
		return (ingest_from_s3(db, argv[optind], profile, &opts, json));
	}
	if (profile != NULL)
		return (cli_usage("payerlink: --profile is for s3:// only\n"));
	arena_init(&ar);
	if ((files = expand_manifests(&ar, argv + optind, argc - optind,
	    &nfiles, period, sizeof(period))) == NULL) {
		arena_release(&ar);
		return (EXIT_USAGE);
	}
	if (opts.period == NULL && period[0] != '\0')
		opts.period = period;
	if ((st = cli_open(cli_db_path(db), 0)) == NULL) {
		arena_release(&ar);
		return (1);
	}
	memset(&bar, 0, sizeof(bar));
	if (isatty(STDERR_FILENO)) {
		clock_gettime(CLOCK_MONOTONIC, &bar.t0);
		opts.progress = progress;
		opts.progress_arg = &bar;
	}
	err_clear(&e);
	rc = ingest_files(st, &opts, files, nfiles, &ing, &e);
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
	arena_release(&ar);
	return (rc);
}
