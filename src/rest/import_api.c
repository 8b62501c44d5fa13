/* SPDX-License-Identifier: MIT */
/*
 * The streamed CUR upload, POST /api/v1/imports: see import_api.h and
 * docs/billing.md. The request is authenticated from its headers before
 * a byte of the body is read (x-amz-content-sha256 declares the body);
 * then the body goes through a pipe to a thread running ingest_add_fd()
 * (the same path as `payerlink ingest` on a pipe), while this side checks
 * it against the declaration. Owns the pipe, the thread and the ingest.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "billing/ingest.h"
#include "billing/money.h"
#include "core/buf.h"
#include "core/codec.h"
#include "core/json.h"
#include "core/sigv4.h"
#include "core/xmalloc.h"
#include "onboard/onboard.h"
#include "rest/import_api.h"
#include "rest/rest_internal.h"
#include "store/store.h"


static uint64_t	 upload_max = IMPORT_UPLOAD_DEFAULT_MAX;
static unsigned	 uploads_max = IMPORT_UPLOADS_DEFAULT_MAX;
/* Uploads admitted and not yet freed, each with an ingest thread. */
static atomic_uint	 uploads_running;

/* How the body is verified: x-amz-content-sha256 says. */
enum payload {
	PAYLOAD_UNSIGNED,	/* UNSIGNED-PAYLOAD: the headers are signed */
	PAYLOAD_SHA256,		/* the body's SHA-256, checked at its end */
	PAYLOAD_CHUNKED		/* aws-chunked, each chunk signed */
};

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
	enum payload		 payload;
	char			 declared[65];	/* PAYLOAD_SHA256: hex, lowercase */
	EVP_MD_CTX		*sha;		/* PAYLOAD_SHA256: of the body */
	struct sigv4_chunks	 chunks;	/* PAYLOAD_CHUNKED */
	uint64_t		 decoded_len;	/* PAYLOAD_CHUNKED: declared */
	uint64_t		 len;		/* bytes handed to the ingest */
	struct err		 fail;		/* the body was refused midway */
	int			 failed;
	int			 slot;		/* counted in uploads_running */
};

void
import_upload_limit(uint64_t max)
{
	if (max > 0)
		upload_max = max;
}

void
import_upload_concurrency(unsigned n)
{
	if (n > 0)
		uploads_max = n;
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

/* A decimal header value that must fit 64 bits; -1 when malformed. */
static int
header_u64(const char *v, uint64_t *out)
{
	char			*end;
	unsigned long long	 n;

	if (v == NULL || *v < '0' || *v > '9')
		return (-1);
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return (-1);
	*out = n;
	return (0);
}

static int
is_lower_hex64(const char *v)
{
	size_t	 i;

	for (i = 0; i < 64; i++)
		if (v[i] < '0' || (v[i] > '9' && v[i] < 'a') || v[i] > 'f')
			return (0);
	return (v[64] == '\0');
}

/*
 * What x-amz-content-sha256 declares. It stands in the canonical request
 * for the body's hash, so the signature covers the headers and this
 * declaration, and can be checked before a byte of the body is read.
 */
static int
payload_parse(struct import_upload *u, const struct request *r,
    struct err *e)
{
	const char	*v = request_header(r, "x-amz-content-sha256");
	const char	*enc;

	if (v == NULL)
		return (err_set(e, ERR_INVALID, "InvalidRequest", NULL,
		    "Missing required header for this request: "
		    "x-amz-content-sha256 (an upload is authenticated before "
		    "its body is read: send UNSIGNED-PAYLOAD, the body's "
		    "SHA-256 in hex, or %s, and sign the header)",
		    SIGV4_STREAMING_PAYLOAD));
	if (request_header_count(r, "x-amz-content-sha256") != 1)
		return (err_set(e, ERR_INVALID, "InvalidRequest", NULL,
		    "x-amz-content-sha256: more than one"));
	if (strcmp(v, SIGV4_UNSIGNED_PAYLOAD) == 0)
		u->payload = PAYLOAD_UNSIGNED;
	else if (is_lower_hex64(v)) {
		u->payload = PAYLOAD_SHA256;
		memcpy(u->declared, v, sizeof(u->declared));
	} else if (strcmp(v, SIGV4_STREAMING_PAYLOAD) == 0) {
		u->payload = PAYLOAD_CHUNKED;
		enc = request_header(r, "Content-Encoding");
		if (enc == NULL || strstr(enc, "aws-chunked") == NULL)
			return (err_set(e, ERR_INVALID, "InvalidRequest", NULL,
			    "%s needs Content-Encoding: aws-chunked",
			    SIGV4_STREAMING_PAYLOAD));
		if (header_u64(request_header(r,
		    "x-amz-decoded-content-length"), &u->decoded_len) == -1)
			return (err_set(e, ERR_INVALID, "InvalidRequest", NULL,
			    "%s needs x-amz-decoded-content-length: the size "
			    "of the file in bytes", SIGV4_STREAMING_PAYLOAD));
	} else
		return (err_set(e, ERR_INVALID, "InvalidRequest", NULL,
		    "x-amz-content-sha256: '%.80s' is not supported (%s, 64 "
		    "lowercase hex digits or %s)", v, SIGV4_UNSIGNED_PAYLOAD,
		    SIGV4_STREAMING_PAYLOAD));
	return (0);
}

static int
too_large(struct err *e)
{
	return (err_set(e, ERR_LIMIT, "RequestEntityTooLarge", NULL,
	    "the upload is larger than %llu bytes (serve --max-upload)",
	    (unsigned long long)upload_max));
}

/*
 * Everything that can be known from the headers, in the order a forger
 * meets it: the declared size, the signature over the headers and the
 * declared payload hash (key known, date fresh, every meaningful header
 * signed), the signer being the MSP. Only then is a thread started.
 */
static int
upload_admit(struct import_upload *u, struct request *r, struct err *e)
{
	struct principal	 who;
	struct sigv4_auth	 sig;
	struct access_key	 key;
	struct msp		 m;
	const char		*payer, *period, *name, *reference;
	const char		*date;
	uint64_t		 cl;

	if (request_header(r, "Authorization") == NULL)
		return (rest_authenticate(r, &who, e));
	if (payload_parse(u, r, e) == -1)
		return (-1);
	if (u->payload == PAYLOAD_CHUNKED && u->decoded_len > upload_max)
		return (too_large(e));
	if (u->payload != PAYLOAD_CHUNKED && header_u64(request_header(r,
	    "Content-Length"), &cl) == 0 && cl > upload_max)
		return (too_large(e));
	r->body_sha256 = request_header(r, "x-amz-content-sha256");
	if (rest_authenticate(r, &who, e) == -1)
		return (-1);
	/* The MSP's account only: it is the payer whose bills come in. */
	if (msp_get(r->store, &m, NULL) == -1 ||
	    strcmp(m.account_id, who.account_id) != 0)
		return (err_set(e, ERR_DENIED, AWSERR(AccessDenied), NULL,
		    "only the "
		    "MSP's account may upload cost and usage files"));
	if (u->payload == PAYLOAD_CHUNKED) {
		/* The seed of the chunk chain is the verified signature. */
		if (sigv4_parse_auth(request_header(r, "Authorization"), &sig,
		    e) == -1 || account_key_get(r->store, sig.access_key, &key,
		    e) == -1)
			return (-1);
		for (date = request_header(r, "X-Amz-Date"); *date == ' ';
		    date++)
			;
		sigv4_chunks_init(&u->chunks, &sig, key.secret, date);
		OPENSSL_cleanse(key.secret, sizeof(key.secret));
	}
	/*
	 * Each upload holds an ingest (tens of MiB at most, whatever the
	 * file's size) and a thread: a few at a time, counted only once the
	 * MSP is known, so nobody else can take the slots.
	 */
	if (atomic_fetch_add(&uploads_running, 1) >= uploads_max) {
		atomic_fetch_sub(&uploads_running, 1);
		return (err_set(e, ERR_LIMIT, "SlowDown", NULL, "%u uploads are "
		    "running (serve --max-uploads): retry later", uploads_max));
	}
	u->slot = 1;
	if (rest_query(r, "payer", &payer, e) == -1 ||
	    rest_query(r, "period", &period, e) == -1 ||
	    rest_query(r, "name", &name, e) == -1 ||
	    rest_query(r, "reference", &reference, e) == -1)
		return (-1);
	snprintf(u->payer, sizeof(u->payer), "%s", payer ? payer : "");
	snprintf(u->period, sizeof(u->period), "%s", period ? period : "");
	snprintf(u->name, sizeof(u->name), "%s", name && *name ? name :
	    "upload");
	u->opts.payer = payer && *payer ? u->payer : NULL;
	u->opts.period = period && *period ? u->period : NULL;
	/* "true": another payer's file kept as history (billing/paid.h). */
	u->opts.reference = reference != NULL &&
	    (strcmp(reference, "true") == 0 || strcmp(reference, "1") == 0);
	return (0);
}

struct import_upload *
import_upload_begin(struct request *r, struct response *resp)
{
	struct import_upload	*u = xcalloc(1, sizeof(*u));
	struct err		 e;

	u->st = r->store;
	u->pfd[0] = u->pfd[1] = -1;
	err_clear(&e);
	err_clear(&u->fail);
	if (upload_admit(u, r, &e) == -1)
		goto fail;
	if (u->payload == PAYLOAD_SHA256) {
		u->sha = EVP_MD_CTX_new();
		EVP_DigestInit_ex(u->sha, EVP_sha256(), NULL);
	}
	if (pipe2(u->pfd, O_CLOEXEC) == -1) {
		err_set(&e, ERR_INTERNAL, NULL, NULL, "pipe: %s",
		    strerror(errno));
		goto fail;
	}
	if (pthread_create(&u->th, NULL, upload_main, u) != 0) {
		err_set(&e, ERR_INTERNAL, NULL, NULL,
		    "the upload could not be started");
		goto fail;
	}
	u->running = 1;
	return (u);
fail:
	response_header(resp, "x-amzn-RequestId", r->request_id);
	if (e.aws_type != NULL && strcmp(e.aws_type, "SlowDown") == 0) {
		e.http_status = 503;
		response_header(resp, "Retry-After", "5");
	}
	reply_error(resp, &e);
	import_upload_free(u);
	return (NULL);
}

/* Stops feeding the ingest: the rest of the body is read and dropped. */
static void
upload_refuse(struct import_upload *u, const struct err *e)
{
	if (!u->failed) {
		u->fail = *e;
		u->failed = 1;
	}
	if (u->pfd[1] != -1) {
		close(u->pfd[1]);
		u->pfd[1] = -1;
	}
}

/* Decoded body bytes to the ingest (blocks while it catches up). */
static void
upload_write(void *arg, const char *p, size_t n)
{
	struct import_upload	*u = arg;
	struct err		 e;
	ssize_t			 w;

	if (u->failed)
		return;
	if (u->len + n > upload_max) {
		upload_refuse(u, (too_large(&e), &e));
		return;
	}
	u->len += n;
	if (u->sha != NULL)
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

void
import_upload_feed(struct import_upload *u, const char *p, size_t n)
{
	struct err	 e;

	if (u->failed)
		return;
	if (u->payload != PAYLOAD_CHUNKED) {
		upload_write(u, p, n);
		return;
	}
	err_clear(&e);
	if (sigv4_chunks_feed(&u->chunks, p, n, upload_write, u, &e) == -1)
		upload_refuse(u, &e);
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
	/* A billing transfer's source's bill: the MSP's in the transfer's
	 * months, shown as the transferred organization's. */
	json_object_set_new(o, "transfer", r->transfer_id[0] != '\0' ?
	    json_pack("{s:s, s:s}", "id", r->transfer_id, "organization_id",
	    r->transfer_org_id) : json_null());
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
	json_object_set_new(o, "tags_dropped", json_integer(
	    (json_int_t)r->tags_dropped));
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
	}
	if (u->pfd[0] != -1) {
		close(u->pfd[0]);
		u->pfd[0] = -1;
	}
}

/* The body is whole: is it the one the signature promised? */
static int
upload_verified(struct import_upload *u, struct err *e)
{
	unsigned char	 d[32];
	unsigned int	 dlen = 32;
	char		 hash[65];

	if (u->failed) {
		*e = u->fail;
		return (-1);
	}
	if (u->payload == PAYLOAD_SHA256) {
		EVP_DigestFinal_ex(u->sha, d, &dlen);
		hex_encode(d, sizeof(d), hash);
		if (strcmp(hash, u->declared) != 0)
			return (err_set(e, ERR_INVALID,
			    "XAmzContentSHA256Mismatch", NULL, "The provided "
			    "'x-amz-content-sha256' header does not match what "
			    "was computed (%s); nothing was imported", hash));
	}
	if (u->payload == PAYLOAD_CHUNKED) {
		if (sigv4_chunks_end(&u->chunks, e) == -1)
			return (-1);
		if (u->len != u->decoded_len)
			return (err_set(e, ERR_INVALID, "IncompleteBody", NULL,
			    "x-amz-decoded-content-length is %llu, the chunks "
			    "held %llu bytes", (unsigned long long)u->decoded_len,
			    (unsigned long long)u->len));
	}
	return (0);
}

void
import_upload_finish(struct import_upload *u, struct request *r,
    struct response *resp)
{
	struct err	 e;

	err_clear(&e);
	response_header(resp, "x-amzn-RequestId", r->request_id);
	upload_stop(u);
	/* The delivery is committed only once the body proved authentic. */
	if (upload_verified(u, &e) == -1)
		goto fail;
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
	if (u->slot)
		atomic_fetch_sub(&uploads_running, 1);
	EVP_MD_CTX_free(u->sha);
	if (u->payload == PAYLOAD_CHUNKED)
		sigv4_chunks_release(&u->chunks);
	xfree(u);
}
