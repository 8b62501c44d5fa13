/* SPDX-License-Identifier: MIT */
/*
 * Parquet files into the same rows as the CSV (billing/parquet.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


#include "billing/ingest.h"
#include "billing/ingest_internal.h"
#include "billing/parquet.h"
#include "core/xmalloc.h"

/*
 * Parquet (billing/parquet.h): the file's top-level columns stand for the
 * header, and its rows go through ingest_on_row() as a CSV's do, with the same
 * slots, on as many threads as cores (--threads) and row groups allow.
 * Everything else here is bookkeeping, as in ingest_add_split().
 */
struct pq_helper {
	struct worker		 w;
	struct ingest_report	 rep;
	struct rollup		 roll;
};

/*
 * The file's digest (XXH3 of every byte, in order), in slices. A local
 * file's is side work for the scan's threads once their row groups are
 * read (parquet_sink.idle): it then takes none of their time while there
 * are rows, and fills the cores while the tables merge. A remote file's
 * runs on its own thread beside the scan, as its slices are GETs.
 */
struct pq_digest {
	const struct parquet_source *src;
	pthread_mutex_t	 lock;
	XXH3_state_t	 hash;
	uint64_t	 off;		/* hashed so far */
	char		*buf;
	size_t		 slice;
	int		 failed;
	int		 error;		/* its errno */
};

/* Slices: large for a GET, small enough locally that the thread which
 * merges is not kept long from it. */
#define PQ_DIGEST_GET	(8u << 20)
#define PQ_DIGEST_LOCAL	(1u << 20)

static enum parquet_kind
pq_kind(int s)
{
	if (s == S_PAYER || s == S_ACCOUNT)
		return (PARQUET_ID);
	if (s == S_START || s == S_PERIOD || s == S_RI_START ||
	    s == S_RI_END || s == S_SP_START || s == S_SP_END)
		return (PARQUET_TIME);
	if (s >= S_UNBLENDED && s <= S_RI_UNUSED_FEE)
		return (PARQUET_NUMBER);
	if (s == S_TAGS || s == S_COST_CATS || s == S_PRODUCT_MAP)
		return (PARQUET_MAP);
	return (PARQUET_TEXT);
}

/* The helpers may start once the first rows fixed the delivery. */
static int
pq_ready(void *arg)
{
	struct worker	*w = arg;
	struct ingest	*ing = w->ing;

	return (!w->fatal && ing->have_payer && ing->have_period &&
	    (ing->have_currency || w->col_of[S_CURRENCY] < 0) &&
	    ing->mi.slots != NULL);
}

static void *
pq_helper_new(void *arg)
{
	struct worker		*w = arg;
	struct pq_helper	*h = xcalloc(1, sizeof(*h));

	h->w = *w;	/* its csv is w's, only read (ncols for rejects) */
	memcpy(h->rep.payer_id, w->rep->payer_id, sizeof(h->rep.payer_id));
	memcpy(h->rep.period, w->rep->period, sizeof(h->rep.period));
	memcpy(h->rep.currency, w->rep->currency, sizeof(h->rep.currency));
	rollup_init(&h->roll, 1 << 16);
	h->w.rep = &h->rep;
	h->w.roll = &h->roll;
	h->w.last_acct = "";
	h->w.last_acct_len = 0;
	h->w.last_acct_idx = -1;
	h->w.currency_len = -1;
	memset(h->w.last_start, 0, sizeof(h->w.last_start));
	return (h);
}

static int
pq_helper_done(void *arg, void *h, struct err *e)
{
	return (ingest_split_merge(((struct worker *)arg)->ing,
	    &((struct pq_helper *)h)->w, e));
}

static void
pq_helper_free(void *arg)
{
	struct pq_helper	*h = arg;

	rollup_release(&h->roll);
	xfree(h);
}

static int
pq_error(void *arg, struct err *e)
{
	return (ingest_scan_error(arg, e));
}

static void
pq_progress(void *arg, uint64_t done, uint64_t total)
{
	struct ingest	*ing = ((struct worker *)arg)->ing;

	ing->opts.progress(ing->opts.progress_arg, done, total);
}

/* Hashes the next slice; 1 while more is left (parquet_sink.idle). */
static int
pq_digest_step(void *arg)
{
	struct pq_digest	*d = arg;
	uint64_t		 size = d->src->size;
	size_t			 n;
	int			 more;

	pthread_mutex_lock(&d->lock);
	if (d->failed || d->off >= size) {
		pthread_mutex_unlock(&d->lock);
		return (0);
	}
	n = size - d->off < d->slice ? (size_t)(size - d->off) : d->slice;
	if (parquet_read_full(d->src, d->buf, n, d->off) == -1) {
		d->failed = 1;
		d->error = errno;
	} else {
		(void)XXH3_128bits_update(&d->hash, d->buf, n);
		d->off += n;
	}
	more = !d->failed && d->off < size;
	pthread_mutex_unlock(&d->lock);
	return (more);
}

static void *
pq_digest_main(void *arg)
{
	while (pq_digest_step(arg))
		;
	return (NULL);
}

static int	add_source(struct ingest *, const struct parquet_source *,
		    int local, struct ingest_file *, struct err *);

int
ingest_add_parquet(struct ingest *ing, int fd, struct ingest_file *file,
    uint64_t size, const unsigned char *pre, struct err *e)
{
	struct parquet_source	 src;
	int			 sfd = -1, rc;

	if (size == 0) {
		/* A pipe (an upload): the footer is at the end. */
		if (parquet_spool(fd, pre, 4, &sfd, &size, e) == -1)
			return (-1);
		fd = sfd;
	}
	parquet_source_fd(&src, fd, size);
	rc = add_source(ing, &src, 1, file, e);
	if (sfd != -1)
		close(sfd);
	return (rc);
}

int
ingest_add_source(struct ingest *ing, const struct parquet_source *src,
    const char *name, struct err *e)
{
	struct ingest_file	*file;

	if ((file = ingest_file_next(ing, name, e)) == NULL)
		return (-1);
	if (add_source(ing, src, 0, file, e) == -1) {
		ing->broken = 1;
		return (-1);
	}
	return (0);
}

static int
add_source(struct ingest *ing, const struct parquet_source *src, int local,
    struct ingest_file *file, struct err *e)
{
	struct ingest_report	*r = &ing->rep;
	struct parquet_sink	 sink;
	struct parquet		*pq = NULL;
	struct worker		*w = NULL;
	struct pq_digest	 d;
	pthread_t		 th;
	char			**names;
	long			 cores = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t		 size = src->size;
	int			 s, ncols, rc = -1, hashing = 0, nums;
	int			 threads = ing->opts.threads > 0 ? ing->opts.threads :
				    cores > 0 ? (int)cores : 1;

	memset(&d, 0, sizeof(d));
	d.src = src;
	d.slice = local ? PQ_DIGEST_LOCAL : PQ_DIGEST_GET;
	pthread_mutex_init(&d.lock, NULL);
	ingest_digest_init(&d.hash);
	if (parquet_open_source(src, file->name, &pq, e) == -1)
		goto out;
	names = parquet_columns(pq, &ncols);
	w = xcalloc(1, sizeof(*w));
	w->ing = ing;
	w->rep = r;
	w->roll = &ing->roll;
	w->name = file->name;
	w->last_acct = "";
	w->last_acct_idx = -1;
	w->currency_len = -1;
	if (ingest_worker_setup(w, names, ncols, 1, e) == -1)
		goto out;
	for (s = 0; s < CSV_SLOTS_MAX; s++) {
		if (w->col_of[s] < 0)
			continue;
		if (parquet_want(pq, w->col_of[s], s, pq_kind(s), &nums,
		    e) == -1)
			goto out;
		if (nums)
			w->nums |= (uint32_t)1 << s;
	}
	d.buf = xmalloc(d.slice);
	if (!local && threads > 1 &&
	    pthread_create(&th, NULL, pq_digest_main, &d) == 0)
		hashing = 1;
	memset(&sink, 0, sizeof(sink));
	sink.row = w->c.row;
	sink.arg = w;
	sink.ready = pq_ready;
	sink.helper_new = pq_helper_new;
	sink.helper_done = pq_helper_done;
	sink.helper_free = pq_helper_free;
	sink.error = pq_error;
	sink.progress = ing->opts.progress != NULL ? pq_progress : NULL;
	if (local && threads > 1) {
		sink.idle = pq_digest_step;
		sink.idle_arg = &d;
	}
	rc = parquet_scan(pq, threads, &sink, e);
	if (hashing)
		pthread_join(th, NULL);
	if (rc == -1)
		goto out;
	pq_digest_main(&d);	/* what is left of it (all, on one thread) */
	rc = -1;
	if (d.failed) {
		err_set(e, ERR_INVALID, NULL, NULL, "%s: read: %s", file->name,
		    d.error != 0 ? strerror(d.error) : "the file ends early");
		goto out;
	}
	file->bytes = size;
	file->csv_bytes = parquet_plain_bytes(pq);
	file->rows = parquet_rows(pq);
	snprintf(file->format, sizeof(file->format), "%s",
	    cur_format_name(w->fmt));
	ingest_digest_hex(&d.hash, file->digest);
	r->bytes += file->bytes;
	r->csv_bytes += file->csv_bytes;
	r->rows += file->rows;
	if (r->format[0] == '\0')
		snprintf(r->format, sizeof(r->format), "%s", file->format);
	r->n_files++;
	rc = 0;
out:
	if (w != NULL)
		csv_release(&w->c);
	xfree(w);
	xfree(d.buf);
	pthread_mutex_destroy(&d.lock);
	parquet_free(pq);
	return (rc);
}
