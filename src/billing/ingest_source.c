/* SPDX-License-Identifier: MIT */
/* Deliveries read from S3, imported once per version. See ingest.h. */
#include "billing/ingest.h"

int
ingest_source_seen(struct store *st, const char *source, const char *version,
    int *out, struct err *e)
{
	return (store_import_source_seen(st, source, version, out, e));
}

int
ingest_source_mark(struct store *st, const char *source, const char *version,
    int64_t import_id, struct err *e)
{
	int	 rc;

	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	rc = store_import_source_mark(st, source, version, import_id,
	    store_now(st), e);
	if (rc == -1) {
		store_rollback(st);
		return (-1);
	}
	return (store_commit(st, e));
}
