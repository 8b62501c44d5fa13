/* SPDX-License-Identifier: MIT */
/*
 * POST /api/v1/imports?payer=&period=&name=: a cost and usage file uploaded
 * as the request body (plain or gzip CSV), streamed into the ingest as it
 * arrives, never held whole. The HTTP server (http/server.c) hands this
 * endpoint's body over piece by piece instead of buffering it:
 * import_upload_wants() on the first callback, import_upload_begin(), then
 * import_upload_feed() per piece, import_upload_finish() for the answer,
 * import_upload_free() when the request ends.
 *
 * Authenticated before its body is read: SigV4 (service "payerlink", the
 * MSP's account only) over the headers, x-amz-content-sha256 among them,
 * which declares the body as UNSIGNED-PAYLOAD, its SHA-256 (checked at
 * its end) or STREAMING-AWS4-HMAC-SHA256-PAYLOAD (aws-chunked, each chunk
 * signed). A request that fails any check is answered at once and its
 * body never read; a body that fails its declaration is never committed.
 */
#ifndef REST_IMPORT_API_H
#define REST_IMPORT_API_H

#include <stddef.h>
#include <stdint.h>

#include "core/message.h"

#define IMPORT_UPLOAD_DEFAULT_MAX	(4ULL << 30)	/* 4 GiB */
#define IMPORT_UPLOADS_DEFAULT_MAX	4	/* at once */

struct store;
struct import_upload;

/* Sets the upload size limit (serve --max-upload); 0 keeps the default. */
void	 import_upload_limit(uint64_t);
/* Sets how many uploads may run at once (serve --max-uploads); past it the
 * MSP's next one is answered 503 SlowDown with Retry-After. */
void	 import_upload_concurrency(unsigned);
/* Whether method + path (without the query) is the streamed upload. */
int	 import_upload_wants(const char *method, const char *path);
/*
 * Starts an upload from r's headers and query: payer, period, name and
 * reference ("true": another payer's file kept as history,
 * billing/paid.h); r has no body yet. Returns
 * NULL with the refusal in resp when the request may not upload: 413 for a
 * declared size over the limit, 403 unsigned or not the MSP,
 * InvalidRequest without (or with an unknown) x-amz-content-sha256, the
 * signature errors of SigV4. The caller answers then without reading the
 * body.
 */
struct import_upload *import_upload_begin(struct request *r,
	    struct response *resp);
/* Hands over a piece of the body (blocks while the ingest catches up); a
 * body over the limit or a bad chunk stops the ingest, answered at the end. */
void	 import_upload_feed(struct import_upload *, const char *, size_t);
/* The body is complete: check it against its declaration, commit, answer
 * (the import report). */
void	 import_upload_finish(struct import_upload *, struct request *,
	    struct response *);
void	 import_upload_free(struct import_upload *);

struct ingest_report;
/* The import report as `payerlink ingest --json` prints it (jansson json_t,
 * a new reference; the --import-dir watcher writes it too). */
struct json_t;
/* The import report as JSON (docs/billing.md): the CLI, the upload and
 * the watched directory all print this one shape. */
struct json_t *import_report_json(const struct ingest_report *);

#endif
