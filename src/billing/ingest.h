/* SPDX-License-Identifier: MIT */
/*
 * Cost and usage ingestion: one delivery (one or more files of one payer's
 * billing period, legacy CUR / CUR 2.0 / FOCUS 1.0-1.2 CSV, plain or gzip)
 * streamed from file descriptors into daily rollups, attributed by
 * membership, and written as a new version of (payer, period) that
 * replaces the current one atomically. Memory is bounded whatever the file
 * size (read buffers, the rollup table up to ROLLUP_MAX_KEYS keys).
 *
 * Use: ingest_new(), ingest_add_fd() per file (a pipe or socket works: the
 * REST upload and the watched directory feed it the same way),
 * ingest_commit(), read ingest_report(), ingest_free(). Nothing is written
 * to the store before ingest_commit(); a failed add leaves the delivery
 * unusable (commit refuses it) and the store unchanged.
 */
#ifndef BILLING_INGEST_H
#define BILLING_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/billing.h"
#include "store/store.h"

#define INGEST_REJECTS_LISTED	20
#define INGEST_UNKNOWN_LISTED	50
#define INGEST_FILES_MAX	64
/* Hourly and resource-level data: the days kept before today (AWS: "the
 * start date cannot be earlier than 14 days ago"). */
#define INGEST_HOURLY_DAYS	14

struct ingest_opts {
	const char	*payer;		/* NULL: the file's payer column */
	/* Another payer's file kept as a customer's history, never billed
	 * (billing/paid.h); 0: a bill, which must be the MSP's payer's. */
	int		 reference;
	const char	*period;	/* "YYYY-MM"; NULL: the first row's */
	/* Called from the ingesting thread after each buffer. total is 0
	 * when the size is unknown (a pipe). */
	void		(*progress)(void *arg, uint64_t done, uint64_t total);
	void		*progress_arg;
	int		 threads;	/* 1: all on the calling thread; 0: default */
	/* Plain regular files of at least 2 ranges are split into ranges
	 * of this many bytes parsed on both cores; 0: 32 MiB. Tests set it
	 * small to exercise the quote-safe split. */
	size_t		 split_bytes;
};

struct ingest_reject {
	char		 file[128];
	uint64_t	 line;
	int		 column;		/* 1-based, 0 if none */
	char		 column_name[64];
	char		 why[128];
};

struct ingest_account {
	char		 account_id[BILLING_ID_MAX + 1];
	int64_t		 lines;
	int64_t		 unblended;		/* 10^-9 */
	int64_t		 out_lines;		/* out of membership */
	int64_t		 out_unblended;
	char		 customer_id[CUSTOMER_ID_LEN + 1];	/* "" none */
};

/* A delivery's digest: XXH3-128 in hex, as `xxh128sum` prints it. */
#define INGEST_DIGEST_HEX	32

struct ingest_file {
	char		 name[256];
	char		 format[16];
	char		 digest[INGEST_DIGEST_HEX + 1];
	int		 gzip;
	uint64_t	 bytes;			/* as read (compressed) */
	uint64_t	 csv_bytes;		/* after inflating */
	uint64_t	 rows;
};

struct ingest_report {
	char		 status[24];		/* imported | already imported */
	int64_t		 import_id;
	int64_t		 replaced_id;		/* 0 when none */
	char		 payer_id[BILLING_ID_MAX + 1];
	char		 period[8];
	char		 currency[8];
	char		 format[16];
	char		 role[12];		/* billing | reference */
	/* A billing transfer's source's bill: the transfer and the source
	 * organization ("" for the MSP's own bill and others). */
	char		 transfer_id[TRANSFER_ID_MAX + 1];
	char		 transfer_org_id[ORG_ID_MAX + 1];
	char		 digest[INGEST_DIGEST_HEX + 1];
	uint64_t	 bytes;
	uint64_t	 csv_bytes;
	uint64_t	 rows;			/* data rows read */
	uint64_t	 rejected;
	uint64_t	 tags_dropped;		/* tags past ATTRS_MAX (attrs.h) */
	uint64_t	 groups;		/* rollup rows written */
	double		 seconds;
	double		 parse_seconds;		/* reading and rolling up */
	double		 store_seconds;		/* writing the version */
	struct ingest_reject rejects[INGEST_REJECTS_LISTED];
	size_t		 n_rejects;		/* listed */
	char		 unknown[INGEST_UNKNOWN_LISTED][64];
	size_t		 n_unknown;		/* listed */
	size_t		 unknown_total;
	int64_t		 out_lines;		/* out of membership */
	int64_t		 out_unblended;
	int64_t		 total_unblended;
	size_t		 no_customer;		/* accounts no customer owns */
	int64_t		 no_customer_unblended;	/* their cost in membership */
	struct ingest_file files[INGEST_FILES_MAX];
	size_t		 n_files;
	struct ingest_account *accounts;	/* by account id; owned */
	size_t		 n_accounts;
};

struct ingest;

int	 ingest_new(struct store *, const struct ingest_opts *,
	    struct ingest **out /* OUT */, struct err *);
/* Reads fd to its end (does not close it); name is for messages. */
int	 ingest_add_fd(struct ingest *, int fd, const char *name, struct err *);
/* A Parquet file read by ranges from src (billing/parquet.h): the footer,
 * then only the wanted columns' chunks, and every byte once for the
 * digest; nothing is spooled to disk. */
struct parquet_source;
int	 ingest_add_source(struct ingest *, const struct parquet_source *,
	    const char *name, struct err *);
/* Writes the delivery as the new version (or finds it already current). */
int	 ingest_commit(struct ingest *, struct err *);
const struct ingest_report *ingest_report(const struct ingest *);
void	 ingest_free(struct ingest *);
/* new + add_fd for each path + commit; *out to read the report (also
 * after a failure, for what was read), freed with ingest_free. */
int	 ingest_files(struct store *, const struct ingest_opts *,
	    char *const *paths, int n, struct ingest **out /* OUT */,
	    struct err *);

/*
 * Reads inside the caller's transaction, for the other domains and the
 * protocol layers (which have checked who asks): the rows as the store
 * keeps them, under this domain's name, so that nobody above opens this
 * domain's tables itself.
 */
/* The latest imports, newest first; status "" any. */
static inline int
import_list(struct store *st, struct arena *a, const char *status,
    size_t limit, struct billing_import **out, size_t *n_out, struct err *e)
{
	return (store_billing_imports(st, a, status, limit, out, n_out, e));
}
static inline int
import_get(struct store *st, int64_t id, struct billing_import *out,
    struct err *e)
{
	return (store_billing_import_get(st, id, out, e));
}
/* An import's totals per usage account. */
static inline int
import_accounts(struct store *st, struct arena *a, int64_t import_id,
    struct billing_account_total **out, size_t *n_out, struct err *e)
{
	return (store_billing_import_accounts(st, a, import_id, out, n_out,
	    e));
}
/* The rejected rows an import listed (at most INGEST_REJECTS_LISTED), with
 * their file, line and why, as `payerlink ingest` prints them. */
static inline int
import_rejects(struct store *st, struct arena *a, int64_t import_id,
    struct billing_reject **out, size_t *n_out, struct err *e)
{
	return (store_billing_rejects(st, a, import_id, INGEST_REJECTS_LISTED,
	    out, n_out, e));
}

/*
 * Deliveries read from elsewhere than a local file (S3): whether `source`
 * (s3://bucket/key) was imported at `version` (an ETag, or a digest of its
 * files' ETags), and recording that it was, as import import_id. A
 * delivery seen at its version is not read again; a changed one is.
 */
int	 ingest_source_seen(struct store *, const char *source,
	    const char *version, int *out /* OUT */, struct err *);
int	 ingest_source_mark(struct store *, const char *source,
	    const char *version, int64_t import_id, struct err *);

#endif
