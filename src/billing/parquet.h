/* SPDX-License-Identifier: MIT */
/*
 * Parquet files of cost and usage data (AWS Data Exports' CUR 2.0 and
 * FOCUS): a reader that hands out rows as the CSV reader does (csv.h's
 * fields, by slot, as text), and a small writer for the demo. Debian has
 * no Parquet library for C, so both are written here on Debian's codecs
 * (libsnappy, libzstd, ISA-L for gzip). What is read and what is refused
 * is listed in docs/billing.md ("Parquet").
 *
 * Reading: parquet_open() reads and checks the footer; parquet_want()
 * names the top-level columns to decode, each as a slot of a kind (how a
 * typed value becomes text: numbers as exact decimals, times as
 * "YYYY-MM-DDTHH:MM:SSZ"); parquet_scan() decodes only those columns and
 * calls sink->row for every row, row groups in parallel on up to
 * `threads` threads, each thread holding one row group's pages. Nothing
 * reads the whole file into memory; every size the file declares is
 * checked against a cap before it is allocated.
 *
 * Owns: the footer's structures, the threads' buffers. The bytes come
 * from a parquet_source: a file's pread(2) (parquet_open(); a pipe is
 * first spooled to such a file by parquet_spool()), or anything that reads
 * a range, such as S3's ranged GETs (cli/ingest_s3.c).
 */
#ifndef BILLING_PARQUET_H
#define BILLING_PARQUET_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "billing/csv.h"
#include "core/err.h"

#define PARQUET_MAGIC		"PAR1"
#define PARQUET_FOOTER_MAX	(64u << 20)	/* bytes of thrift footer */
#define PARQUET_PAGE_MAX	(128u << 20)	/* bytes of one page */
#define PARQUET_SPOOL_MAX	(64ULL << 30)	/* a pipe spooled to disk */

/* How a column's values become the text a slot reads. */
enum parquet_kind {
	PARQUET_TEXT,		/* strings as they are; integers in decimal */
	PARQUET_ID,		/* the same; integers with 12 digits at least
				   (an account id typed as a number lost its
				   leading zeros) */
	PARQUET_NUMBER,		/* exact decimal text (see pq_value.c) */
	PARQUET_TIME,		/* "YYYY-MM-DDTHH:MM:SSZ"; strings as they are */
	PARQUET_MAP		/* a MAP of strings as the JSON object a CSV
				   holds ({"k": "v"}; a null map empty, null
				   values left out); a string column as TEXT */
};

struct parquet;

/*
 * A number slot's field from a typed column (DOUBLE, DECIMAL, INT32/64;
 * not a string) points at the text of one of these: its value at both of
 * the ingest's scales is already there, exactly what money_parse() of the
 * text would give, so the row path need not format and parse it again.
 * When ok is 0 (a double of 2^19 or more, NaN, a value too large) the
 * text is the one to parse. parquet_want() says which slots these are.
 */
#define PARQUET_TEXT_MAX	48	/* the longest text of a typed value */

struct parquet_num {
	int64_t		 v9;		/* units of 10^-9 */
	int64_t		 v6;		/* units of 10^-6 */
	int		 ok;
	char		 text[PARQUET_TEXT_MAX];
};

static inline const struct parquet_num *
parquet_num_of(const struct csv_field *f)
{
	return ((const struct parquet_num *)(const void *)(f->p -
	    offsetof(struct parquet_num, text)));
}

/* Where rows go. row() is called with the fields by slot (an absent or
 * null value is empty) and a line number: the row's 1-based index plus
 * one, the line it would have in a CSV of the same rows. A non-zero
 * return stops the scan; error() then says why. */
struct parquet_sink {
	csv_row_fn	 row;
	void		*arg;		/* the calling thread's */
	/* Other threads start once ready(arg) is true (checked after each
	 * batch of rows on the calling thread), each with its own
	 * helper_new(arg); after the scan helper_done(arg, h) takes each
	 * one's work back (in the order they were made) and helper_free()
	 * frees it. NULL ready: one thread. */
	int		(*ready)(void *arg);
	void		*(*helper_new)(void *arg);
	int		(*helper_done)(void *arg, void *h, struct err *);
	void		(*helper_free)(void *h);
	/* Why row() stopped on thread arg (arg or a helper's). */
	int		(*error)(void *arg, struct err *);
	/* Bytes of row groups done; from the calling thread. */
	void		(*progress)(void *arg, uint64_t done, uint64_t total);
	/* Side work for a thread that has no row group left (NULL: none):
	 * one short step of it, 1 while more is left, 0 then. Called from
	 * any thread, so it serializes itself; the calling thread stops
	 * taking steps once the helpers' rows are all read, to merge them. */
	int		(*idle)(void *idle_arg);
	void		*idle_arg;
};

/*
 * Where a file's size bytes come from. read_at puts the n bytes at off into
 * p and returns n (fewer only where the file ends), or -1 with errno set;
 * it is called from several threads at once, each time for one page
 * window, the footer or a slice of the digest, never for the whole file.
 * parquet_source_fd() is a file descriptor's pread(2).
 */
struct parquet_source {
	ssize_t		(*read_at)(const struct parquet_source *, void *p,
			    size_t n, uint64_t off);
	void		*arg;
	int		 fd;
	uint64_t	 size;
};
void	 parquet_source_fd(struct parquet_source *out /* OUT */, int fd,
	    uint64_t size);
/* All n bytes at off, or -1 (errno set; 0 when the file ended first). */
int	 parquet_read_full(const struct parquet_source *, void *p, size_t n,
	    uint64_t off);

/* Reads the footer of the size bytes of fd; name is for messages. */
int	 parquet_open(int fd, uint64_t size, const char *name,
	    struct parquet **out /* OUT */, struct err *);
/* The same from any source (copied: it need not outlive the call, but
 * what its arg points at must outlive the struct parquet). */
int	 parquet_open_source(const struct parquet_source *, const char *name,
	    struct parquet **out /* OUT */, struct err *);
void	 parquet_free(struct parquet *);
/* The top-level columns' names and their count (owned by p: not to be
 * changed; not const only because the CSV header's names are not). */
char	**parquet_columns(const struct parquet *, int *n_out /* OUT */);
uint64_t parquet_rows(const struct parquet *);
/* Bytes of all column chunks once decompressed (as the footer says). */
uint64_t parquet_plain_bytes(const struct parquet *);
/* Decodes top-level column col as slot (< CSV_SLOTS_MAX). Fails if the
 * column is nested (but a MAP of strings as PARQUET_MAP) or of a type
 * that kind does not read. *nums_out is 1
 * when the slot's fields are struct parquet_num's text (see above). */
int	 parquet_want(struct parquet *, int col, int slot, enum parquet_kind,
	    int *nums_out /* OUT */, struct err *);
/* Reads the wanted columns of every row into sink; threads 1 or more. */
int	 parquet_scan(struct parquet *, int threads,
	    const struct parquet_sink *, struct err *);

/*
 * Copies fd (a pipe) to an unnamed temporary file: pre[0..npre) first,
 * then fd to its end, at most PARQUET_SPOOL_MAX bytes. *fd_out is the
 * temporary file's (the caller closes it), *size_out its size.
 */
int	 parquet_spool(int fd, const void *pre, size_t npre,
	    int *fd_out /* OUT */, uint64_t *size_out /* OUT */, struct err *);

/*
 * The writer (the demo's CUR 2.0 as Parquet; pq_write.c): one row group
 * per parquet_writer_flush(), PLAIN values, data page v1, optional
 * columns, snappy or uncompressed, a CRC on every page.
 */
enum parquet_wtype {
	PARQUET_W_STRING,	/* BYTE_ARRAY, STRING */
	PARQUET_W_DOUBLE,	/* DOUBLE */
	PARQUET_W_TIMESTAMP	/* INT64, TIMESTAMP(MILLIS, UTC) */
};

struct parquet_writer;

/* Starts a file on fd with these columns (names copied). */
struct parquet_writer *parquet_writer_new(int fd, int snappy,
	    const char *const *names, const enum parquet_wtype *types,
	    int ncols);
/* Adds one row: vals[i] is column i's value as text (a number, or
 * "YYYY-MM-DDTHH:MM:SSZ"), NULL for null. */
int	 parquet_writer_row(struct parquet_writer *, const char *const *vals,
	    struct err *);
/* Writes the buffered rows as a row group. */
int	 parquet_writer_flush(struct parquet_writer *, struct err *);
/* Flushes, writes the footer and frees w (also on failure). */
int	 parquet_writer_close(struct parquet_writer *, struct err *);

#endif
