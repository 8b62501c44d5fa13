/* SPDX-License-Identifier: MIT */
/*
 * Plain regular files split by byte range over both cores (or mapped and
 * parsed in one pass with --threads 1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>


#include "billing/ingest.h"
#include "billing/ingest_internal.h"
#include "core/xmalloc.h"

/*
 * The byte-range split of a plain regular file over both cores. The file
 * is mapped; a hasher thread hashes it in order and counts the
 * '"' and '\n' of each range as it goes (csv_count), so the quote parity
 * and the line number at every range boundary are known when a parser
 * claims the range: a range's rows start at csv_row_start() from its
 * boundary, never at a bare "next newline". The calling thread parses the
 * first range alone (it fixes the delivery's payer, period and currency),
 * then it and one helper claim the other ranges in order; the helper rolls
 * up into its own table, merged at the end. Pages of a range are dropped
 * from the mapping once hashed and parsed, so RSS stays flat.
 */
#define SPLIT_AHEAD	2	/* ranges hashed ahead of the parsers */

struct split {
	struct ingest	*ing;
	const char	*map;
	size_t		 size;
	size_t		 data;		/* first data byte, after the header */
	size_t		 chunk;
	size_t		 n;		/* ranges */
	uint64_t	*qb, *nlb;	/* '"' and '\n' before range k */
	unsigned char	*users;		/* hasher + parser done with range k */
	size_t		 ready;		/* ranges counted by the hasher */
	size_t		 next;		/* next range to parse */
	uint64_t	 parsed;	/* bytes parsed, for progress */
	int		 stop;
	size_t		 err_k;		/* lowest failed range */
	/* A struct err's message. */
	char		 err[sizeof(((struct err *)0)->msg)];
	pthread_mutex_t	 lock;
	pthread_cond_t	 cv;
	XXH3_state_t	 hash;		/* of the whole file, by the hasher */
};

/* Drops the whole pages of map[lo, hi) from the mapping (the page cache
 * keeps them; a late reader faults them back in). */
static void
map_drop(const struct split *sp, size_t lo, size_t hi)
{
	size_t		 pg = (size_t)sysconf(_SC_PAGESIZE);

	lo = (lo + pg - 1) / pg * pg;
	hi = hi == sp->size ? hi : hi / pg * pg;
	if (hi > lo)
		(void)madvise((void *)(uintptr_t)(sp->map + lo), hi - lo,
		    MADV_DONTNEED);
}

/* Drops range k's pages when hasher and parser are done with it. */
static void
split_release(struct split *sp, size_t k)
{
	if (__atomic_add_fetch(&sp->users[k], 1, __ATOMIC_ACQ_REL) != 2)
		return;
	map_drop(sp, k * sp->chunk, k + 1 == sp->n ? sp->size :
	    (k + 1) * sp->chunk);
}

static void *
split_hash_main(void *arg)
{
	struct split	*sp = arg;
	uint64_t	 q, nl, tq, tnl;
	size_t		 k, lo, hi, step;
	int		 stop = 0;

	for (k = 0; k < sp->n && !stop; k++) {
		/* Bounded read-ahead: hashed pages stay mapped until parsed. */
		pthread_mutex_lock(&sp->lock);
		while (k >= sp->next + SPLIT_AHEAD && !sp->stop)
			pthread_cond_wait(&sp->cv, &sp->lock);
		stop = sp->stop;
		pthread_mutex_unlock(&sp->lock);
		if (stop)
			break;
		lo = k * sp->chunk;
		hi = k + 1 == sp->n ? sp->size : lo + sp->chunk;
		tq = tnl = 0;
		/* 1 MiB at a time: counted while still in cache. */
		for (; lo < hi; lo += step) {
			step = hi - lo < (1u << 20) ? hi - lo : (1u << 20);
			(void)XXH3_128bits_update(&sp->hash, sp->map + lo, step);
			csv_count(sp->map + lo, step, &q, &nl);
			tq += q;
			tnl += nl;
		}
		pthread_mutex_lock(&sp->lock);
		sp->qb[k + 1] = sp->qb[k] + tq;
		sp->nlb[k + 1] = sp->nlb[k] + tnl;
		sp->ready = k + 1;
		stop = sp->stop;
		pthread_cond_broadcast(&sp->cv);
		pthread_mutex_unlock(&sp->lock);
		split_release(sp, k);
	}
	return (NULL);
}

/* Where range k's rows start; the hasher has counted ranges 0..k-1. */
static size_t
split_start(const struct split *sp, size_t k)
{
	size_t	 s;

	if (k == 0)
		return (sp->data);
	if (k >= sp->n)
		return (sp->size);
	s = csv_row_start(sp->map, sp->size, k * sp->chunk,
	    (int)(sp->qb[k] & 1));
	return (s < sp->data ? sp->data : s);
}

/* Parses range k with w; 0, or -1 with sp->err set (lowest range wins). */
static int
split_range(struct split *sp, struct worker *w, size_t k)
{
	size_t		 s, end, need = k + 2 < sp->n ? k + 2 : sp->n;
	uint64_t	 q, nl;
	ssize_t		 used;
	struct err	 e;

	pthread_mutex_lock(&sp->lock);
	while (sp->ready < need)
		pthread_cond_wait(&sp->cv, &sp->lock);
	pthread_mutex_unlock(&sp->lock);
	s = split_start(sp, k);
	end = split_start(sp, k + 1);
	if (k > 0) {
		csv_count(sp->map + k * sp->chunk, s - k * sp->chunk, &q, &nl);
		w->c.line = 1 + sp->nlb[k] + nl;
	}
	used = end > s ? csv_scan(&w->c, sp->map + s, end - s, 1) : 0;
	split_release(sp, k);
	__atomic_add_fetch(&sp->parsed, end - s, __ATOMIC_RELAXED);
	if (!w->fatal && used >= 0)
		return (0);
	err_clear(&e);
	(void)ingest_scan_error(w, &e);
	pthread_mutex_lock(&sp->lock);
	sp->stop = 1;
	pthread_cond_broadcast(&sp->cv);
	if (k < sp->err_k) {
		sp->err_k = k;
		snprintf(sp->err, sizeof(sp->err), "%s", e.msg);
	}
	pthread_mutex_unlock(&sp->lock);
	return (-1);
}

/*
 * --threads 1: the mapped file in one pass on this thread. Each MiB is
 * hashed, then parsed while still in cache; rows run on from one step to
 * the next (csv_scan() leaves an incomplete last row for the next call),
 * so no counting pass is needed. Parsed pages are dropped as in the split.
 */
#define MAP_STEP	(1u << 20)

static int
map_scan(struct split *sp, struct worker *w, struct err *e)
{
	struct ingest	*ing = sp->ing;
	size_t		 pos = sp->data, hashed = 0, dropped = 0, hi;
	size_t		 step = sp->chunk < MAP_STEP ? sp->chunk : MAP_STEP;
	ssize_t		 used;

	while (hashed < sp->size) {
		hi = sp->size - hashed <= step ? sp->size : hashed + step;
		(void)XXH3_128bits_update(&sp->hash, sp->map + hashed,
		    hi - hashed);
		hashed = hi;
		if (hi < pos)
			continue;	/* the header is longer than a step */
		used = csv_scan(&w->c, sp->map + pos, hi - pos,
		    hi == sp->size);
		if (w->fatal || used < 0)
			return (ingest_scan_error(w, e));
		pos += used;
		if (hi - pos > RESERVE)
			return (ingest_long_row_error(w->name, w->c.line, e));
		if (pos - dropped >= sp->chunk) {
			map_drop(sp, dropped, pos);
			dropped = pos;
			if (ing->opts.progress != NULL)
				ing->opts.progress(ing->opts.progress_arg,
				    pos, sp->size);
		}
	}
	return (0);
}

/* Claims ranges in order until none is left or one failed. */
static void
split_loop(struct split *sp, struct worker *w, int progress)
{
	struct ingest	*ing = sp->ing;
	size_t		 k;

	for (;;) {
		pthread_mutex_lock(&sp->lock);
		if (sp->stop || sp->next >= sp->n) {
			pthread_mutex_unlock(&sp->lock);
			return;
		}
		k = sp->next++;
		pthread_cond_broadcast(&sp->cv);
		pthread_mutex_unlock(&sp->lock);
		if (split_range(sp, w, k) == -1)
			return;
		if (progress && ing->opts.progress != NULL)
			ing->opts.progress(ing->opts.progress_arg,
			    __atomic_load_n(&sp->parsed, __ATOMIC_RELAXED),
			    sp->size);
	}
}

static void *
split_helper_main(void *arg)
{
	struct worker	*w = arg;

	split_loop(w->ing->split, w, 0);
	return (NULL);
}

static int
reject_cmp(const void *a, const void *b)
{
	const struct ingest_reject *x = a, *y = b;

	return (x->line < y->line ? -1 : x->line > y->line);
}

/* Adds the helper's report and rollups to the delivery's. */
int
ingest_split_merge(struct ingest *ing, struct worker *h, struct err *e)
{
	struct ingest_report	*r = &ing->rep, *o = h->rep;
	struct ingest_reject	 all[2 * INGEST_REJECTS_LISTED];
	size_t			 n = 0, i;
	int			 rc;

	if ((rc = rollup_merge(&ing->roll, h->roll)) == -1)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: a sum "
		    "overflows 64 bits (more than 9.2 billion in currency "
		    "units)", h->name));
	if (rc == -2)
		return (err_set(e, ERR_LIMIT, NULL, NULL, "more than %u "
		    "distinct rollup keys", ROLLUP_MAX_KEYS));
	if (__builtin_add_overflow(r->out_unblended, o->out_unblended,
	    &r->out_unblended))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "out-of-membership sum overflows"));
	r->out_lines += o->out_lines;
	r->rejected += o->rejected;
	r->tags_dropped += o->tags_dropped;
	/* Each list is in line order: the first 20 of both are listed. */
	for (i = 0; i < r->n_rejects; i++)
		all[n++] = r->rejects[i];
	for (i = 0; i < o->n_rejects; i++)
		all[n++] = o->rejects[i];
	qsort(all, n, sizeof(all[0]), reject_cmp);
	r->n_rejects = n < INGEST_REJECTS_LISTED ? n : INGEST_REJECTS_LISTED;
	memcpy(r->rejects, all, r->n_rejects * sizeof(all[0]));
	return (0);
}

int
ingest_add_split(struct ingest *ing, int fd, struct ingest_file *file,
    uint64_t size, struct err *e)
{
	struct ingest_report	*r = &ing->rep;
	struct split		 sp;
	struct worker		*w = NULL, *h = NULL;
	struct ingest_report	*hrep = NULL;
	struct rollup		 hroll;
	pthread_t		 hasher, helper;
	char			**names, msg[160];
	void			*map;
	ssize_t			 used;
	uint64_t		 line = 1;
	int			 i, ncols, rc = -1, have_hasher = 0;
	int			 have_helper = 0;

	memset(&hroll, 0, sizeof(hroll));
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return (err_set(e, ERR_INTERNAL, NULL, NULL, "%s: mmap: %s",
		    file->name, strerror(errno)));
	memset(&sp, 0, sizeof(sp));
	sp.ing = ing;
	sp.map = map;
	sp.size = size;
	sp.chunk = ing->opts.split_bytes > 0 ? ing->opts.split_bytes :
	    SPLIT_BYTES;
	sp.n = (size + sp.chunk - 1) / sp.chunk;
	sp.qb = xcalloc(sp.n + 1, sizeof(*sp.qb));
	sp.nlb = xcalloc(sp.n + 1, sizeof(*sp.nlb));
	sp.users = xcalloc(sp.n, 1);
	sp.err_k = (size_t)-1;
	ingest_digest_init(&sp.hash);
	pthread_mutex_init(&sp.lock, NULL);
	pthread_cond_init(&sp.cv, NULL);
	ing->split = &sp;

	used = csv_header(sp.map, size, 1, &ing->ar, &names, &ncols, msg,
	    sizeof(msg));
	if (used < 0) {
		err_set(e, ERR_INVALID, NULL, NULL, "%s:1: %s", file->name,
		    msg);
		goto out;
	}
	for (i = 0; i < (int)used; i++)
		line += sp.map[i] == '\n';
	sp.data = used;
	w = xcalloc(1, sizeof(*w));
	w->ing = ing;
	w->rep = r;
	w->roll = &ing->roll;
	w->name = file->name;
	w->last_acct = "";
	w->last_acct_idx = -1;
	w->currency_len = -1;
	if (ingest_worker_setup(w, names, ncols, line, e) == -1)
		goto out;
	if (ing->opts.threads == 1) {
		if (map_scan(&sp, w, e) == -1)
			goto out;
		goto parsed;
	}
	if (pthread_create(&hasher, NULL, split_hash_main, &sp) != 0) {
		err_set(e, ERR_INTERNAL, NULL, NULL, "pthread_create failed");
		goto out;
	}
	have_hasher = 1;

	/* The first range alone: it fixes payer, period and currency. */
	sp.next = 1;
	if (split_range(&sp, w, 0) == 0 && ing->have_payer &&
	    ing->have_period && (ing->have_currency ||
	    w->col_of[S_CURRENCY] < 0)) {
		h = xcalloc(1, sizeof(*h));
		hrep = xcalloc(1, sizeof(*hrep));
		memcpy(hrep->payer_id, r->payer_id, sizeof(r->payer_id));
		memcpy(hrep->period, r->period, sizeof(r->period));
		memcpy(hrep->currency, r->currency, sizeof(r->currency));
		rollup_init(&hroll, 1 << 16);
		*h = *w;
		csv_init(&h->c, ncols, line);
		memcpy(h->c.slot, w->c.slot, sizeof(h->c.slot));
		h->c.nslots = w->c.nslots;
		h->c.row = w->c.row;
		h->c.reject = w->c.reject;
		h->c.arg = h;
		h->rep = hrep;
		h->roll = &hroll;
		h->last_acct = "";
		h->last_acct_len = 0;
		h->last_acct_idx = -1;
		h->currency_len = -1;
		memset(h->last_start, 0, sizeof(h->last_start));
		if (pthread_create(&helper, NULL, split_helper_main, h) == 0)
			have_helper = 1;
	}
	/* Without a helper (or if the first range left the delivery's
	 * payer, period or currency open) this thread parses them all. */
	split_loop(&sp, w, 1);
	if (have_helper) {
		pthread_join(helper, NULL);
		have_helper = 0;
	}
	if (sp.err_k != (size_t)-1) {
		pthread_mutex_lock(&sp.lock);
		sp.stop = 1;
		pthread_cond_broadcast(&sp.cv);
		pthread_mutex_unlock(&sp.lock);
	}
	/* On success every range was counted: the hasher has finished. */
	pthread_join(hasher, NULL);
	have_hasher = 0;
	if (sp.err_k != (size_t)-1) {
		err_set(e, ERR_INVALID, NULL, NULL, "%s", sp.err);
		goto out;
	}
	if (h != NULL && ingest_split_merge(ing, h, e) == -1)
		goto out;
parsed:
	file->bytes = size;
	file->csv_bytes = size;
	file->rows = w->c.rows + (h != NULL ? h->c.rows : 0);
	snprintf(file->format, sizeof(file->format), "%s",
	    cur_format_name(w->fmt));
	ingest_digest_hex(&sp.hash, file->digest);
	r->bytes += size;
	r->csv_bytes += size;
	r->rows += file->rows;
	if (r->format[0] == '\0')
		snprintf(r->format, sizeof(r->format), "%s", file->format);
	r->n_files++;
	if (ing->opts.progress != NULL)
		ing->opts.progress(ing->opts.progress_arg, size, size);
	rc = 0;
out:
	if (have_hasher) {
		pthread_mutex_lock(&sp.lock);
		sp.stop = 1;
		pthread_cond_broadcast(&sp.cv);
		pthread_mutex_unlock(&sp.lock);
		pthread_join(hasher, NULL);
	}
	if (h != NULL)
		csv_release(&h->c);
	if (w != NULL)
		csv_release(&w->c);
	xfree(h);
	xfree(hrep);
	xfree(w);
	if (hroll.slots != NULL)
		rollup_release(&hroll);
	xfree(sp.qb);
	xfree(sp.nlb);
	xfree(sp.users);
	pthread_mutex_destroy(&sp.lock);
	pthread_cond_destroy(&sp.cv);
	ing->split = NULL;
	munmap(map, size);
	return (rc);
}
