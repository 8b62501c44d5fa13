/* SPDX-License-Identifier: MIT */
/*
 * Cost deliveries from S3 (docs/live.md, "Cost files from S3"): what
 * `payerlink ingest s3://BUCKET/PREFIX` and `serve --import-s3` import.
 * Under the prefix, each CUR manifest (legacy CUR's REPORT-Manifest.json,
 * Data Exports' (CUR 2.0, FOCUS) Manifest.json) stands for the files it
 * lists, and only the latest manifest of each report and billing period
 * counts; under a prefix without any manifest, CSV, CSV.gz and Parquet
 * objects are one delivery per folder. A delivery is imported once per version (the
 * manifest's ETag, or a digest of the folder's files' ETags): unchanged,
 * it is not even read. Objects are streamed into the ingest (parallel
 * ranged reads pinned to the ETag); nothing is written to disk.
 */
#ifndef CLI_INGEST_S3_H
#define CLI_INGEST_S3_H

#include <jansson.h>

#include "awsclient/awsclient.h"
#include "billing/ingest.h"
#include "core/err.h"
#include "store/store.h"

/*
 * Imports what is new or changed under url (s3://BUCKET[/PREFIX]). *out
 * (the caller's) is {"Source", "Deliveries": [{"Source", "Kind", "Status",
 * "Period", "Files", "Error"?, "Report"?}], "Imported", "AlreadyImported",
 * "Failed"}. Returns -1 only when the prefix cannot be listed; a delivery
 * that fails is listed with its error and the others go on.
 */
int	ingest_s3(struct store *, struct awsclient *, const char *url,
	    const struct ingest_opts *, json_t **out /* OUT */, struct err *);

/* serve --import-s3: a thread importing url every interval_s seconds. */
int	ingest_s3_watch_start(struct store *, const char *url,
	    unsigned interval_s, struct err *);
void	ingest_s3_watch_stop(void);

#endif
