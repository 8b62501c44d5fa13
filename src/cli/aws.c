/* SPDX-License-Identifier: MIT */
/*
 * payerlink aws: the AWS client (awsclient/) end to end, for an operator
 * setting up live mode: who the credentials are, what a bucket holds, an
 * object streamed out, any Organizations (JSON 1.1) call. It never opens
 * the database and never prints a secret.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "awsclient/awsclient.h"
#include "cli/cli.h"
#include "core/json.h"
#include "core/log.h"
#include "core/xmalloc.h"

/* A listing printed as JSON is held in memory: this many keys at most. */
#define LS_JSON_MAX	100000
#define CALL_INPUT_MAX	(1024 * 1024)

static const char usage_text[] =
"usage: payerlink aws whoami [--json] [--count N] [--interval SECONDS]\n"
"       payerlink aws ls s3://BUCKET[/PREFIX] [--recursive] [--page-size N]\n"
"                 [--json]\n"
"       payerlink aws head s3://BUCKET/KEY [--json]\n"
"       payerlink aws get s3://BUCKET/KEY [FILE|-] [--parallel N]\n"
"                 [--part-size MIB] [--range FIRST-LAST]\n"
"       payerlink aws call SERVICE OPERATION [JSON|@FILE]\n"
"       payerlink aws config [--json]\n"
"Options for all: --profile NAME, --region REGION, --endpoint-url URL,\n"
"--max-attempts N, --connect-timeout SECONDS, -v (each attempt and retry\n"
"on stderr).\n"
"\n"
"Drives the real AWS (or any AWS-compatible endpoint) the way the AWS\n"
"SDKs do: credentials from the environment, the shared config and\n"
"credentials files (roles, web identity), the ECS container endpoint or\n"
"EC2 instance metadata; endpoints from AWS_ENDPOINT_URL_<SERVICE>,\n"
"AWS_ENDPOINT_URL or the profile; retries in the SDKs' standard mode.\n"
"\n"
"  whoami   STS GetCallerIdentity: Account, Arn, and where the\n"
"           credentials came from; --count N calls it N times,\n"
"           --interval apart (credentials refresh before expiry)\n"
"  ls       ListObjectsV2: keys under a prefix (one level, or all with\n"
"           --recursive)\n"
"  head     HeadObject: size, ETag, Last-Modified\n"
"  get      GetObject in parallel ranged reads (default 4 x 8 MiB), in\n"
"           order, to FILE or stdout; --range reads bytes FIRST-LAST\n"
"  call     a JSON 1.1 operation: SERVICE is organizations, ce, or\n"
"           name:TargetPrefix (payerlink aws call organizations\n"
"           ListAccounts '{\"MaxResults\": 20}')\n"
"  config   the profile, region, credential source and endpoints in use,\n"
"           without calling AWS\n"
"docs/live.md, \"The AWS client\", has the details.\n";

struct aws_cli {
	struct awsclient_opts	 o;
	int			 json;
	int			 recursive;
	int			 count;
	double			 interval;
	int			 page_size;
	unsigned		 parallel;
	size_t			 part_size;
	const char		*range;
};

/* "s3://bucket/rest" into bucket and key (key may be ""). */
static int
s3_url(const char *url, char *bucket, size_t blen, const char **key,
    struct err *e)
{
	const char	*p, *slash;

	if (strncmp(url, "s3://", 5) != 0)
		return (err_set(e, ERR_INVALID, NULL, NULL, "'%s' is not an "
		    "s3://BUCKET/KEY URL", url));
	p = url + 5;
	slash = strchr(p, '/');
	if ((slash != NULL ? (size_t)(slash - p) : strlen(p)) >= blen ||
	    p[0] == '/' || p[0] == '\0')
		return (err_set(e, ERR_INVALID, NULL, NULL, "'%s': no valid "
		    "bucket", url));
	snprintf(bucket, blen, "%.*s", slash != NULL ? (int)(slash - p) :
	    (int)strlen(p), p);
	*key = slash != NULL ? slash + 1 : "";
	return (0);
}

static void
time_text(int64_t ms, char *out, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M:%S", &tm);
}

/* key: the object's key (HeadObject's answer has none of its own). */
static json_t *
object_json(const struct s3_object *o, const char *key)
{
	char	 t[32];

	time_text(o->last_modified_ms, t, sizeof(t));
	return (json_pack("{s:s?,s:I,s:s,s:s}", "Key", key, "Size",
	    (json_int_t)o->size, "ETag", o->etag, "LastModified", t));
}

static int
do_whoami(struct awsclient *c, const struct aws_cli *a, struct err *e)
{
	struct aws_identity	 id;
	struct awsclient_info	 info;
	struct timespec		 ts;
	json_t			*o;
	int			 i;

	for (i = 0; i < a->count; i++) {
		if (i > 0 && a->interval > 0) {
			ts.tv_sec = (time_t)a->interval;
			ts.tv_nsec = (long)((a->interval - (double)ts.tv_sec) *
			    1e9);
			while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
				;
		}
		if (awsclient_whoami(c, &id, e) == -1 ||
		    awsclient_info(c, 1, &info, e) == -1)
			return (-1);
		if (!a->json) {
			printf("Account  %s\nArn      %s\nUserId   %s\n"
			    "Source   %s\nKey      %s\n", id.account, id.arn,
			    id.user_id, info.source, info.access_key);
			continue;
		}
		o = json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:I,s:I}}", "Account",
		    id.account, "Arn", id.arn, "UserId", id.user_id,
		    "Credentials", "Source", info.source, "AccessKeyId",
		    info.access_key, "Expiration",
		    (json_int_t)(info.expires_ms / 1000), "Fetches",
		    (json_int_t)info.refreshes);
		if (a->count == 1)
			cli_print_json(o);
		else {
			json_dumpf(o, stdout, JSON_COMPACT |
			    JSON_PRESERVE_ORDER);
			putchar('\n');
			fflush(stdout);
			json_decref(o);
		}
	}
	return (0);
}

static int
do_ls(struct awsclient *c, const struct aws_cli *a, const char *url,
    struct err *e)
{
	struct s3_list_page	 pg;
	char			 bucket[256], t[32], *token = NULL;
	const char		*prefix;
	json_t			*objs = NULL, *pres = NULL;
	size_t			 i, total = 0;
	int			 rc = -1;

	if (s3_url(url, bucket, sizeof(bucket), &prefix, e) == -1)
		return (-1);
	if (a->json) {
		objs = json_array();
		pres = json_array();
	}
	do {
		if (awsclient_s3_list(c, bucket, *prefix != '\0' ? prefix :
		    NULL, a->recursive ? NULL : "/", token, a->page_size, &pg,
		    e) == -1)
			goto out;
		xfree(token);
		token = NULL;
		total += pg.n + pg.nprefixes;
		if (a->json && total > LS_JSON_MAX) {
			s3_list_page_release(&pg);
			err_set(e, ERR_LIMIT, NULL, NULL, "more than %d keys: "
			    "list without --json, which streams", LS_JSON_MAX);
			goto out;
		}
		for (i = 0; i < pg.nprefixes; i++) {
			if (a->json)
				json_array_append_new(pres,
				    json_string(pg.prefixes[i]));
			else
				printf("%30s PRE %s\n", "", pg.prefixes[i]);
		}
		for (i = 0; i < pg.n; i++) {
			if (a->json) {
				json_array_append_new(objs,
				    object_json(&pg.objects[i],
				    pg.objects[i].key));
				continue;
			}
			time_text(pg.objects[i].last_modified_ms, t, sizeof(t));
			printf("%s %10llu %s\n", t,
			    (unsigned long long)pg.objects[i].size,
			    pg.objects[i].key);
		}
		token = pg.next_token;
		pg.next_token = NULL;
		s3_list_page_release(&pg);
	} while (token != NULL);
	if (a->json) {
		cli_print_json(json_pack("{s:o,s:o}", "Objects", objs,
		    "Prefixes", pres));
		objs = pres = NULL;
	}
	rc = 0;
out:
	xfree(token);
	json_decref(objs);
	json_decref(pres);
	return (rc);
}

static int
do_head(struct awsclient *c, const struct aws_cli *a, const char *url,
    struct err *e)
{
	struct s3_object	 o;
	char			 bucket[256], t[32];
	const char		*key;

	if (s3_url(url, bucket, sizeof(bucket), &key, e) == -1 ||
	    awsclient_s3_head(c, bucket, key, &o, e) == -1)
		return (-1);
	if (a->json) {
		cli_print_json(object_json(&o, key));
		return (0);
	}
	time_text(o.last_modified_ms, t, sizeof(t));
	printf("%s %10llu %s %s\n", t, (unsigned long long)o.size, o.etag,
	    key);
	return (0);
}

static int
do_get(struct awsclient *c, const struct aws_cli *a, const char *url,
    const char *file, struct err *e)
{
	struct s3_read_opts	 ro;
	struct s3_sink		 sink;
	char			 bucket[256], *end;
	const char		*key;
	unsigned long long	 first = 0, last = 0;
	int			 fd = STDOUT_FILENO, rc;

	if (s3_url(url, bucket, sizeof(bucket), &key, e) == -1)
		return (-1);
	if (a->range != NULL) {
		first = strtoull(a->range, &end, 10);
		if (*end != '-' || (last = strtoull(end + 1, &end, 10),
		    *end != '\0') || last < first)
			return (err_set(e, ERR_INVALID, NULL, NULL, "--range: "
			    "FIRST-LAST, bytes counted from 0"));
	}
	if (file != NULL && strcmp(file, "-") != 0 && (fd = open(file,
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) == -1)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: %s", file,
		    strerror(errno)));
	sink.fn = s3_sink_fd;
	sink.arg = &fd;
	if (a->range != NULL)
		rc = awsclient_s3_get(c, bucket, key, NULL, first,
		    last - first + 1, &sink, e);
	else {
		ro.parallel = a->parallel;
		ro.part_size = a->part_size;
		rc = awsclient_s3_read(c, bucket, key, &ro, &sink, NULL, e);
	}
	if (fd != STDOUT_FILENO && close(fd) == -1 && rc == 0)
		rc = err_set(e, ERR_INTERNAL, NULL, NULL, "%s: %s", file,
		    strerror(errno));
	return (rc);
}

/* The call's input: inline JSON, @FILE, or none. */
static int
call_input(const char *arg, json_t **out, struct err *e)
{
	struct buf	 b;
	char		 chunk[8192];
	size_t		 n;
	FILE		*f;
	int		 rc;

	*out = NULL;
	if (arg == NULL)
		return (0);
	if (arg[0] != '@')
		return (json_decode_object(arg, strlen(arg), 32, out, e));
	if ((f = fopen(arg + 1, "r")) == NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: %s", arg + 1,
		    strerror(errno)));
	buf_init(&b, CALL_INPUT_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) == -1) {
			fclose(f);
			buf_release(&b);
			return (err_set(e, ERR_LIMIT, NULL, NULL, "%s: larger "
			    "than %d bytes", arg + 1, CALL_INPUT_MAX));
		}
	fclose(f);
	rc = json_decode_object(buf_str(&b), b.len, 32, out, e);
	buf_release(&b);
	return (rc);
}

static int
do_call(struct awsclient *c, const char *service, const char *op,
    const char *input, struct err *e)
{
	json_t	*in = NULL, *out = NULL;

	if (call_input(input, &in, e) == -1)
		return (-1);
	if (awsclient_json_call(c, service, op, in, &out, e) == -1) {
		json_decref(in);
		return (-1);
	}
	json_decref(in);
	cli_print_json(out);
	return (0);
}

static int
do_config(struct awsclient *c, const struct aws_cli *a, struct err *e)
{
	static const char *const svcs[] = { "organizations", "sts", "s3",
	    "ce" };
	struct awsclient_info	 info;
	char			 url[512];
	json_t			*eps;
	size_t			 i;

	if (awsclient_info(c, 0, &info, e) == -1)
		return (-1);
	eps = json_object();
	for (i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++)
		if (awsclient_endpoint(c, svcs[i], url, sizeof(url)) == 0)
			json_object_set_new(eps, svcs[i], json_string(url));
	if (a->json) {
		cli_print_json(json_pack("{s:s,s:s,s:s,s:i,s:o}", "Profile",
		    info.profile, "Region", info.region, "CredentialSource",
		    info.source, "MaxAttempts", info.max_attempts,
		    "Endpoints", eps));
		return (0);
	}
	printf("profile       %s\nregion        %s\ncredentials   %s\n"
	    "max attempts  %d\n", info.profile, info.region, info.source,
	    info.max_attempts);
	for (i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++) {
		json_t	*u = json_object_get(eps, svcs[i]);

		printf("%-13s %s\n", svcs[i], json_is_string(u) ?
		    json_string_value(u) : "(invalid)");
	}
	json_decref(eps);
	return (0);
}

int
cmd_aws(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'P' },
		{ "region", required_argument, NULL, 'r' },
		{ "endpoint-url", required_argument, NULL, 'E' },
		{ "max-attempts", required_argument, NULL, 'm' },
		{ "connect-timeout", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "recursive", no_argument, NULL, 'R' },
		{ "page-size", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'n' },
		{ "interval", required_argument, NULL, 'i' },
		{ "parallel", required_argument, NULL, 'J' },
		{ "part-size", required_argument, NULL, 'S' },
		{ "range", required_argument, NULL, 'g' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct aws_cli		 a;
	struct awsclient	*c = NULL;
	struct err		 e;
	const char		*sub;
	char			*end;
	double			 d;
	long			 n;
	int			 ch, rc = 0;

	if ((ch = cli_subcommand(&argc, &argv, usage_text, &sub)) != -1)
		return (ch);
	memset(&a, 0, sizeof(a));
	a.count = 1;
	while ((ch = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		n = 0;
		d = 0;
		if (optarg != NULL) {
			n = strtol(optarg, &end, 10);
			if (*end != '\0')
				n = -1;
			d = strtod(optarg, &end);
			if (*end != '\0')
				d = -1;
		}
		switch (ch) {
		case 'P': a.o.profile = optarg; break;
		case 'r': a.o.region = optarg; break;
		case 'E': a.o.endpoint_url = optarg; break;
		case 'm':
			if (n < 1 || n > AWSCLIENT_MAX_ATTEMPTS)
				return (cli_usage(usage_text));
			a.o.max_attempts = (int)n;
			break;
		case 'T':
			if (d <= 0 || d > 600)
				return (cli_usage(usage_text));
			a.o.connect_timeout_ms = (long)(d * 1000);
			break;
		case 'j': a.json = 1; break;
		case 'R': a.recursive = 1; break;
		case 'p':
			if (n < 1 || n > S3_MAX_KEYS)
				return (cli_usage(usage_text));
			a.page_size = (int)n;
			break;
		case 'n':
			if (n < 1 || n > 10000)
				return (cli_usage(usage_text));
			a.count = (int)n;
			break;
		case 'i':
			if (d < 0 || d > 3600)
				return (cli_usage(usage_text));
			a.interval = d;
			break;
		case 'J':
			if (n < 1 || n > S3_MAX_PARALLEL)
				return (cli_usage(usage_text));
			a.parallel = (unsigned)n;
			break;
		case 'S':
			if (d <= 0 || d * 1024 * 1024 < S3_MIN_PART ||
			    d * 1024 * 1024 > S3_MAX_PART)
				return (cli_usage(usage_text));
			a.part_size = (size_t)(d * 1024 * 1024);
			break;
		case 'g': a.range = optarg; break;
		case 'v': log_init(1); break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	argc -= optind;
	argv += optind;
	if (!((strcmp(sub, "whoami") == 0 && argc == 0) ||
	    (strcmp(sub, "config") == 0 && argc == 0) ||
	    ((strcmp(sub, "ls") == 0 || strcmp(sub, "head") == 0) &&
	    argc == 1) ||
	    (strcmp(sub, "get") == 0 && (argc == 1 || argc == 2)) ||
	    (strcmp(sub, "call") == 0 && (argc == 2 || argc == 3))))
		return (cli_usage(usage_text));
	err_clear(&e);
	if (awsclient_new(&a.o, &c, &e) == -1)
		return (cli_fail(&e));
	if (strcmp(sub, "whoami") == 0)
		rc = do_whoami(c, &a, &e);
	else if (strcmp(sub, "config") == 0)
		rc = do_config(c, &a, &e);
	else if (strcmp(sub, "ls") == 0)
		rc = do_ls(c, &a, argv[0], &e);
	else if (strcmp(sub, "head") == 0)
		rc = do_head(c, &a, argv[0], &e);
	else if (strcmp(sub, "get") == 0)
		rc = do_get(c, &a, argv[0], argc == 2 ? argv[1] : NULL, &e);
	else
		rc = do_call(c, argv[0], argv[1], argc == 3 ? argv[2] : NULL,
		    &e);
	awsclient_free(c);
	return (rc == -1 ? cli_fail(&e) : 0);
}
