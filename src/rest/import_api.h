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
 * SigV4 (service "payerlink", the MSP's account only) covers the body's
 * SHA-256, known only at its end: the signature is checked then, and the
 * delivery is committed only after it passes. An upload without an
 * Authorization header or with an unknown key is drained, not parsed.
 */
#ifndef REST_IMPORT_API_H
#define REST_IMPORT_API_H

#include <stddef.h>
#include <stdint.h>

#include "core/message.h"

#define IMPORT_UPLOAD_DEFAULT_MAX	(20ULL << 30)	/* 20 GiB */

struct store;
struct import_upload;

/* Sets the upload size limit (serve --max-upload); 0 keeps the default. */
void	 import_upload_limit(uint64_t);
/* Whether method + path (without the query) is the streamed upload. */
int	 import_upload_wants(const char *method, const char *path);
/* Starts an upload; the query values may be NULL (reference "true":
 * another payer's file kept as history, billing/paid.h). Never fails:
 * errors are answered by import_upload_finish(). */
struct import_upload *import_upload_begin(struct store *, const char *auth,
	    const char *payer, const char *period, const char *name,
	    const char *reference);
/* Hands over a piece of the body (blocks while the ingest catches up). */
void	 import_upload_feed(struct import_upload *, const char *, size_t);
/* The body is complete: authenticate, commit, answer (import report). */
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
