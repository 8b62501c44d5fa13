/* SPDX-License-Identifier: MIT */
/*
 * The streamed CUR upload, POST /api/v1/imports: see import_api.h and
 * docs/billing.md. The body goes through a pipe to a thread running
 * ingest_add_fd() (the same path as `payerlink ingest` on a pipe), while
 * this side hashes it for SigV4. Owns the pipe, the thread and the ingest.
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "billing/ingest.h"
#include "billing/money.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/sigv4.h"
#include "core/xmalloc.h"
#include "onboard/onboard.h"
#include "rest/import_api.h"
#include "rest/rest_internal.h"
#include "store/store.h"


static uint64_t	 upload_max = IMPORT_UPLOAD_DEFAULT_MAX;

struct import_upload {
	struct store		*st;
	struct ingest		*ing;
	struct ingest_opts	 opts;
	char			 payer[BILLING_ID_MAX + 1];
	char			 period[8];
	char			 name[128];
	int			 pfd[2];	/* body -> ingest thread */
	pthread_t		 th;
	int			 running;	/* the thread was started */
	int			 rc;		/* the thread's ingest_add_fd */
	struct err		 e;		/* its failure */
	EVP_MD_CTX		*sha;		/* of the body, for SigV4 */
	uint64_t		 len;
	int			 too_large;
};

void
import_upload_limit(uint64_t max)
{
	if (max > 0)
		upload_max = max;
}

int
import_upload_wants(const char *method, const char *path)
{
	return (strcmp(method, "POST") == 0 &&
	    strcmp(path, "/api/v1/imports") == 0);
}

static void *
upload_main(void *arg)
{
	struct import_upload	*u = arg;
	char			 sink[65536];

	err_clear(&u->e);
	u->rc = ingest_new(u->st, &u->opts, &u->ing, &u->e);
	if (u->rc == 0)
		u->rc = ingest_add_fd(u->ing, u->pfd[0], u->name, &u->e);
	/* After a failure the rest of the body is read and dropped, so the
	 * server's writes never block. */
	while (read(u->pfd[0], sink, sizeof(sink)) > 0)
		;
	return (NULL);
}

struct import_upload *
import_upload_begin(struct store *st, const char *auth, const char *payer,
    const char *period, const char *name, const char *reference)
{
	struct import_upload	*u = xcalloc(1, sizeof(*u));
	struct sigv4_auth	 sig;
	struct access_key	 key;
	struct err		 e;

	u->st = st;
	u->pfd[0] = u->pfd[1] = -1;
	u->sha = EVP_MD_CTX_new();
	EVP_DigestInit_ex(u->sha, EVP_sha256(), NULL);
	snprintf(u->payer, sizeof(u->payer), "%s", payer ? payer : "");
	snprintf(u->period, sizeof(u->period), "%s", period ? period : "");
	snprintf(u->name, sizeof(u->name), "%s", name && *name ? name :
	    "upload");
	u->opts.payer = payer && *payer ? u->payer : NULL;
	u->opts.period = period && *period ? u->period : NULL;
	u->opts.reference = reference != NULL &&
	    (strcmp(reference, "true") == 0 || strcmp(reference, "1") == 0);
	/* Unsigned or an unknown key: drained, answered at the end. */
	err_clear(&e);
	if (auth == NULL || sigv4_parse_auth(auth, &sig, &e) == -1 ||
	    account_key_get(st, sig.access_key, &key, &e) == -1)
		return (u);
	if (pipe(u->pfd) == -1)
		return (u);
	if (pthread_create(&u->th, NULL, upload_main, u) != 0) {
		close(u->pfd[0]);
		close(u->pfd[1]);
		u->pfd[0] = u->pfd[1] = -1;
		return (u);
	}
	u->running = 1;
	return (u);
}

void
import_upload_feed(struct import_upload *u, const char *p, size_t n)
{
	ssize_t	 w;

	if (u->too_large)
		return;
	if (u->len + n > upload_max) {
		u->too_large = 1;
		if (u->pfd[1] != -1) {
			close(u->pfd[1]);
			u->pfd[1] = -1;
		}
		return;
	}
	u->len += n;
	EVP_DigestUpdate(u->sha, p, n);
	while (n > 0 && u->pfd[1] != -1) {
		if ((w = write(u->pfd[1], p, n)) < 0) {
			if (errno == EINTR)
				continue;
			close(u->pfd[1]);
			u->pfd[1] = -1;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
}

static json_t *
money_json(int64_t v)
{
	char	 buf[40];

	money_format(v, MONEY_DIGITS, buf, sizeof(buf));
	return (json_string(buf));
}

json_t *
import_report_json(const struct ingest_report *r)
{
	json_t	*o, *a;
	size_t	 i;

	o = json_object();
	json_object_set_new(o, "status", json_string(r->status));
	json_object_set_new(o, "import_id", json_integer(r->import_id));
	json_object_set_new(o, "replaced_import_id", r->replaced_id ?
	    json_integer(r->replaced_id) : json_null());
	json_object_set_new(o, "payer_account_id", json_string(r->payer_id));
	json_object_set_new(o, "role", json_string(r->role));
	json_object_set_new(o, "billing_period", json_string(r->period));
	json_object_set_new(o, "currency", json_string(r->currency));
	json_object_set_new(o, "format", json_string(r->format));
	json_object_set_new(o, "xxh128", json_string(r->digest));
	a = json_array();
	for (i = 0; i < r->n_files; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:I, s:I, "
		    "s:I, s:s}", "name", r->files[i].name, "format",
		    r->files[i].format, "gzip", r->files[i].gzip, "bytes",
		    (json_int_t)r->files[i].bytes, "csv_bytes",
		    (json_int_t)r->files[i].csv_bytes, "rows",
		    (json_int_t)r->files[i].rows, "xxh128",
		    r->files[i].digest));
	json_object_set_new(o, "files", a);
	json_object_set_new(o, "rows", json_integer(r->rows));
	json_object_set_new(o, "bytes", json_integer(r->bytes));
	json_object_set_new(o, "csv_bytes", json_integer(r->csv_bytes));
	json_object_set_new(o, "seconds", json_real(r->seconds));
	json_object_set_new(o, "parse_seconds", json_real(r->parse_seconds));
	json_object_set_new(o, "store_seconds", json_real(r->store_seconds));
	json_object_set_new(o, "rows_per_second", json_integer(r->seconds >
	    0 ? (json_int_t)(r->rows / r->seconds) : 0));
	json_object_set_new(o, "rollup_rows", json_integer(r->groups));
	json_object_set_new(o, "rejected_rows", json_integer(r->rejected));
	a = json_array();
	for (i = 0; i < r->n_rejects; i++)
		json_array_append_new(a, json_pack("{s:s, s:I, s:i, s:s, s:s}",
		    "file", r->rejects[i].file, "line",
		    (json_int_t)r->rejects[i].line, "column",
		    r->rejects[i].column, "column_name",
		    r->rejects[i].column_name, "reason", r->rejects[i].why));
	json_object_set_new(o, "rejected", a);
	a = json_array();
	for (i = 0; i < r->n_unknown; i++)
		json_array_append_new(a, json_string(r->unknown[i]));
	json_object_set_new(o, "unknown_columns", a);
	json_object_set_new(o, "unknown_columns_total",
	    json_integer(r->unknown_total));
	json_object_set_new(o, "unblended_cost", money_json(r->total_unblended));
	json_object_set_new(o, "out_of_membership", json_pack("{s:I, s:o}",
	    "lines", (json_int_t)r->out_lines, "unblended_cost",
	    money_json(r->out_unblended)));
	json_object_set_new(o, "accounts_without_customer", json_pack(
	    "{s:I, s:o}", "count", (json_int_t)r->no_customer,
	    "unblended_cost", money_json(r->no_customer_unblended)));
	a = json_array();
	for (i = 0; i < r->n_accounts; i++)
		json_array_append_new(a, json_pack("{s:s, s:o, s:I, s:o, s:I, "
		    "s:o}", "account_id", r->accounts[i].account_id,
		    "customer_id", json_string_or_null(
		    r->accounts[i].customer_id), "lines",
		    (json_int_t)r->accounts[i].lines, "unblended_cost",
		    money_json(r->accounts[i].unblended),
		    "out_of_membership_lines",
		    (json_int_t)r->accounts[i].out_lines,
		    "out_of_membership_cost",
		    money_json(r->accounts[i].out_unblended)));
	json_object_set_new(o, "accounts", a);
	return (o);
}

/* Stops the ingest thread (the body is complete or abandoned). */
static void
upload_stop(struct import_upload *u)
{
	if (u->pfd[1] != -1) {
		close(u->pfd[1]);
		u->pfd[1] = -1;
	}
	if (u->running) {
		pthread_join(u->th, NULL);
		u->running = 0;
		close(u->pfd[0]);
		u->pfd[0] = -1;
	}
}

void
import_upload_finish(struct import_upload *u, struct request *r,
    struct response *resp)
{
	struct principal	 who;
	struct msp		 m;
	struct err		 e;
	unsigned char		 d[32];
	unsigned int		 dlen;
	char			 hash[65];
	int			 i;

	err_clear(&e);
	response_header(resp, "x-amzn-RequestId", r->request_id);
	upload_stop(u);
	EVP_DigestFinal_ex(u->sha, d, &dlen);
	for (i = 0; i < 32; i++)
		snprintf(hash + 2 * i, 3, "%02x", d[i]);
	if (u->too_large) {
		err_set(&e, ERR_LIMIT, "RequestEntityTooLarge", NULL,
		    "the upload is larger than %llu bytes (serve --max-upload)",
		    (unsigned long long)upload_max);
		goto fail;
	}
	/* The body went to the importer, not into r->body. */
	r->body_sha256 = hash;
	if (rest_authenticate(r, &who, &e) == -1)
		goto fail;
	/* The MSP's account only: it is the payer whose bills come in. */
	if (msp_get(r->store, &m, NULL) == -1 ||
	    strcmp(m.account_id, who.account_id) != 0) {
		err_set(&e, ERR_DENIED, AWSERR(AccessDenied), NULL,
		    "only the MSP's "
		    "account may upload cost and usage files");
		goto fail;
	}
	if (u->ing == NULL || u->rc == -1) {
		if (u->rc == -1)
			e = u->e;
		else
			err_set(&e, ERR_INTERNAL, NULL, NULL,
			    "the upload could not be started");
		goto fail;
	}
	if (ingest_commit(u->ing, &e) == -1)
		goto fail;
	reply_json(resp, strcmp(ingest_report(u->ing)->status,
	    "imported") == 0 ? 201 : 200, import_report_json(ingest_report(u->ing)));
	return;
fail:
	reply_error(resp, &e);
}

void
import_upload_free(struct import_upload *u)
{
	if (u == NULL)
		return;
	upload_stop(u);
	ingest_free(u->ing);
	EVP_MD_CTX_free(u->sha);
	xfree(u);
}
