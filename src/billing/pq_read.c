/* SPDX-License-Identifier: MIT */
/*
 * The Parquet reader's interface (parquet.h): opening a file (magic,
 * footer), choosing the columns to decode, and scanning the row groups,
 * in parallel: each thread claims the next row group, reads its wanted
 * column chunks page by page and hands its rows to the sink. The calling
 * thread starts alone and lets the others start once the sink is ready
 * (the ingest fixes the delivery's payer, period and currency from the
 * first rows, as the CSV split does); a failure in the lowest row group
 * is the one reported, so the message does not depend on timing.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "billing/pq.h"
#include "core/xmalloc.h"

struct want {
	int		 leaf;
	int		 slot;
	int		 kind;
	int		 vleaf;		/* a MAP's value leaf (leaf: its keys);
					   -1 for other columns */
};

struct parquet {
	struct parquet_source src;
	uint64_t	 size;
	char		 name[256];
	struct pq_meta	 m;
	struct want	 w[CSV_SLOTS_MAX];
	int		 nw;
};

static ssize_t
fd_read_at(const struct parquet_source *src, void *p, size_t n, uint64_t off)
{
	ssize_t	 r;

	do
		r = pread(src->fd, p, n, (off_t)off);
	while (r < 0 && errno == EINTR);
	return (r);
}

void
parquet_source_fd(struct parquet_source *out, int fd, uint64_t size)
{
	memset(out, 0, sizeof(*out));
	out->read_at = fd_read_at;
	out->fd = fd;
	out->size = size;
}

int
parquet_read_full(const struct parquet_source *src, void *p, size_t n,
    uint64_t off)
{
	size_t	 got = 0;
	ssize_t	 r;

	while (got < n) {
		r = src->read_at(src, (char *)p + got, n - got, off + got);
		if (r < 0)
			return (-1);
		if (r == 0) {
			errno = 0;
			return (-1);
		}
		got += (size_t)r;
	}
	return (0);
}

/* The read error's text: errno's, or the end of the file. */
static const char *
read_error(void)
{
	return (errno != 0 ? strerror(errno) : "the file ends early");
}

int
parquet_open(int fd, uint64_t size, const char *name, struct parquet **out,
    struct err *e)
{
	struct parquet_source	 src;

	parquet_source_fd(&src, fd, size);
	return (parquet_open_source(&src, name, out, e));
}

int
parquet_open_source(const struct parquet_source *src, const char *name,
    struct parquet **out, struct err *e)
{
	struct parquet	*p;
	uint64_t	 size = src->size;
	uint8_t		 tail[8], head[4], *foot = NULL;
	uint32_t	 len;
	char		 msg[200];

	*out = NULL;
	if (size < 12)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: a Parquet "
		    "file of %llu bytes has no footer", name,
		    (unsigned long long)size));
	if (parquet_read_full(src, head, 4, 0) == -1 ||
	    parquet_read_full(src, tail, 8, size - 8) == -1)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: read: %s",
		    name, read_error()));
	if (memcmp(head, PARQUET_MAGIC, 4) != 0)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: not a Parquet "
		    "file (no PAR1 magic at its start)", name));
	if (memcmp(tail + 4, "PARE", 4) == 0)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: the Parquet "
		    "footer is encrypted; payerlink reads plain files", name));
	if (memcmp(tail + 4, PARQUET_MAGIC, 4) != 0)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: truncated "
		    "Parquet file: no PAR1 magic at its end", name));
	memcpy(&len, tail, 4);
	if ((uint64_t)len > size - 12)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: truncated "
		    "Parquet file: a footer of %u bytes in a file of %llu",
		    name, len, (unsigned long long)size));
	if (len > PARQUET_FOOTER_MAX)
		return (err_set(e, ERR_LIMIT, NULL, NULL, "%s: a Parquet "
		    "footer of %u bytes (the limit is %u MiB)", name, len,
		    PARQUET_FOOTER_MAX >> 20));
	foot = xmalloc(len + 1);
	if (parquet_read_full(src, foot, len, size - 8 - len) == -1) {
		xfree(foot);
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: read: %s",
		    name, read_error()));
	}
	p = xcalloc(1, sizeof(*p));
	p->src = *src;
	p->size = size;
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (pq_meta_parse(&p->m, foot, len, size - 8 - len, msg,
	    sizeof(msg)) == -1) {
		xfree(foot);
		xfree(p);
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: %s", name,
		    msg));
	}
	xfree(foot);
	*out = p;
	return (0);
}

void
parquet_free(struct parquet *p)
{
	if (p == NULL)
		return;
	pq_meta_release(&p->m);
	xfree(p);
}

char **
parquet_columns(const struct parquet *p, int *n)
{
	*n = p->m.ntop;
	return (p->m.top_name);
}

uint64_t
parquet_rows(const struct parquet *p)
{
	return ((uint64_t)p->m.num_rows);
}

uint64_t
parquet_plain_bytes(const struct parquet *p)
{
	return (p->m.plain_bytes);
}

int
parquet_want(struct parquet *p, int col, int slot, enum parquet_kind kind,
    int *nums, struct err *e)
{
	const struct pq_el	*el;
	int			 leaf;
	char			 msg[300];

	if (col < 0 || col >= p->m.ntop || slot < 0 ||
	    slot >= CSV_SLOTS_MAX || p->nw >= CSV_SLOTS_MAX)
		return (err_set(e, ERR_INTERNAL, NULL, NULL, "parquet_want: "
		    "column %d, slot %d", col, slot));
	el = &p->m.el[p->m.top[col]];
	leaf = p->m.top_leaf[col];
	p->w[p->nw].vleaf = -1;
	if (kind == PARQUET_MAP && el->group_kind == 1 &&
	    leaf + 1 < p->m.nleaf && p->m.leaf[leaf + 1].top == col &&
	    (leaf + 2 == p->m.nleaf || p->m.leaf[leaf + 2].top != col) &&
	    p->m.leaf[leaf].max_rep == 1) {
		/* MAP<key, value>: two leaves, keys then values. */
		if (pq_col_check(&p->m, leaf, PARQUET_TEXT, msg,
		    sizeof(msg)) == -1 || pq_col_check(&p->m, leaf + 1,
		    PARQUET_TEXT, msg, sizeof(msg)) == -1)
			return (err_set(e, ERR_INVALID, NULL, NULL, "%s: %s",
			    p->name, msg));
		*nums = 0;
		p->w[p->nw].leaf = leaf;
		p->w[p->nw].vleaf = leaf + 1;
		p->w[p->nw].slot = slot;
		p->w[p->nw].kind = PARQUET_TEXT;
		p->nw++;
		return (0);
	}
	if (kind == PARQUET_MAP)
		kind = PARQUET_TEXT;
	if (el->nchildren > 0 || p->m.leaf[leaf].max_rep > 0)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: column %s is "
		    "%s, not a single value per row", p->name, el->name,
		    el->group_kind == 1 ? "a MAP" : el->group_kind == 2 ?
		    "a LIST" : el->nchildren > 0 ? "a group" : "repeated"));
	if (pq_col_check(&p->m, leaf, kind, msg, sizeof(msg)) == -1)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: %s", p->name,
		    msg));
	*nums = kind == PARQUET_NUMBER && (el->type != PQ_BYTE_ARRAY ||
	    el->logical == PQ_L_DECIMAL);
	p->w[p->nw].leaf = leaf;
	p->w[p->nw].slot = slot;
	p->w[p->nw].kind = kind;
	p->nw++;
	return (0);
}

/* The scan. */

struct scan {
	struct parquet		*p;
	const struct parquet_sink *sink;
	pthread_mutex_t		 lock;
	pthread_cond_t		 scanned;	/* a helper's rows are read */
	int			 next;		/* row group to claim */
	int			 stop;
	int			 err_rg;	/* lowest failed row group */
	struct err		 err;
	uint64_t		 done;		/* row groups read */
};

struct thr {
	struct scan		*s;
	void			*arg;
	struct pq_codecs	 codecs;
	struct pq_col		*c;
	struct pq_col		*mv;		/* MAPs' value leaves */
	char			**mtext;	/* MAPs' JSON of the row */
	struct csv_field	 f[CSV_SLOTS_MAX];
	pthread_t		 th;
	int			 started;
	int			 scanned;	/* under lock */
};

static void
thr_init(struct thr *t, struct scan *s, void *arg)
{
	static const char	 empty[1] = "";
	struct parquet		*p = s->p;
	int			 i;

	memset(t, 0, sizeof(*t));
	t->s = s;
	t->arg = arg;
	t->c = xcalloc((size_t)p->nw + 1, sizeof(*t->c));
	t->mv = xcalloc((size_t)p->nw + 1, sizeof(*t->mv));
	t->mtext = xcalloc((size_t)p->nw + 1, sizeof(*t->mtext));
	for (i = 0; i < p->nw; i++) {
		pq_col_init(&t->c[i], &p->src, p->name, &p->m, p->w[i].leaf,
		    p->w[i].kind, &t->codecs);
		if (p->w[i].vleaf >= 0) {
			pq_col_init(&t->mv[i], &p->src, p->name, &p->m,
			    p->w[i].vleaf, PARQUET_TEXT, &t->codecs);
			t->mtext[i] = xmalloc(CSV_FIELD_MAX);
		}
	}
	for (i = 0; i < CSV_SLOTS_MAX; i++)
		t->f[i].p = empty;
}

static void
thr_release(struct thr *t)
{
	int	 i;

	for (i = 0; i < t->s->p->nw; i++) {
		pq_col_release(&t->c[i]);
		if (t->s->p->w[i].vleaf >= 0) {
			pq_col_release(&t->mv[i]);
			xfree(t->mtext[i]);
		}
	}
	xfree(t->c);
	xfree(t->mv);
	xfree(t->mtext);
	pq_codecs_release(&t->codecs);
}

/* Records the failure of row group g (the lowest one is kept). */
static void
scan_fail(struct scan *s, int g, const struct err *e)
{
	pthread_mutex_lock(&s->lock);
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
	if (g < s->err_rg) {
		s->err_rg = g;
		s->err = *e;
	}
	pthread_mutex_unlock(&s->lock);
}

static int
claim(struct scan *s)
{
	int	 g = -1;

	pthread_mutex_lock(&s->lock);
	if (!s->stop && s->next < s->p->m.nrg)
		g = s->next++;
	pthread_mutex_unlock(&s->lock);
	return (g);
}

/* The next k <= n rows' fields are ready in every column. */
static int
batch(struct thr *t, const struct pq_rowgroup *rg, size_t n, size_t *k,
    struct err *e)
{
	struct parquet	*p = t->s->p;
	struct pq_col	*c;
	int		 i;

	*k = n;
	for (i = 0; i < p->nw; i++) {
		if (p->w[i].vleaf >= 0)
			continue;	/* a MAP: rows of any length (map_row) */
		c = &t->c[i];
		if (c->fi == c->nf) {
			if (pq_col_fill(c, n, e) == -1)
				return (-1);
			c->fi = 0;
			if (c->nf == 0)
				return (pq_col_fail(c, e, "%lld values for %lld "
				    "rows", (long long)c->ch->num_values,
				    (long long)rg->num_rows));
		}
		if (c->nf - c->fi < *k)
			*k = c->nf - c->fi;
	}
	return (0);
}

static int	start_helpers(struct scan *, struct thr *);

/* Appends the C string s to the JSON text b (at *o, cap bytes) as it
 * is; -1 if it does not fit. */
static int
json_lit(char *b, size_t *o, size_t cap, const char *s)
{
	if (*o + strlen(s) > cap)
		return (-1);
	memcpy(b + *o, s, strlen(s));
	*o += strlen(s);
	return (0);
}

/* Appends s[0..n) to b, escaped; -1 if it does not fit. */
static int
json_put(char *b, size_t *o, size_t cap, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (*o + 7 > cap)
			return (-1);
		if (ch == '"' || ch == '\\') {
			b[(*o)++] = '\\';
			b[(*o)++] = (char)ch;
		} else if (ch < 0x20)
			*o += (size_t)snprintf(b + *o, 7, "\\u%04x", ch);
		else
			b[(*o)++] = (char)ch;
	}
	return (0);
}

/* The next value of c, filling its batch; -1 past its row group's end. */
static int
map_next(struct pq_col *c, struct err *e)
{
	if (c->fi < c->nf)
		return (0);
	if (pq_col_fill(c, PQ_BATCH, e) == -1)
		return (-1);
	c->fi = 0;
	if (c->nf == 0)
		return (pq_col_fail(c, e, "%lld values end before the row "
		    "group's rows", (long long)c->ch->num_values));
	return (0);
}

/* Want i's MAP in the next row, as the JSON object a CSV holds (entries
 * past CSV_FIELD_MAX left out, as no CSV field is longer). */
static int
map_row(struct thr *t, int i, struct csv_field *out, struct err *e)
{
	struct pq_col	*k = &t->c[i], *v = &t->mv[i];
	char		*b = t->mtext[i];
	size_t		 o = 0, at;
	int		 first = 1, full = 0;

	for (;;) {
		if (first || k->fi < k->nf || k->values_left > 0 ||
		    k->page_left > 0) {
			if (map_next(k, e) == -1)
				return (first ? -1 : 0);
		} else
			break;
		if (!first && k->rl[k->fi] == 0)
			break;
		if (map_next(v, e) == -1)
			return (-1);
		if (first && k->dl[k->fi] < (uint32_t)k->lf->max_def) {
			k->fi++;	/* a null or empty map */
			v->fi++;
			out->p = b;
			out->len = 0;
			return (0);
		}
		if (first)
			b[o++] = '{';
		first = 0;
		at = o;
		if (!full && v->dl[v->fi] == (uint32_t)v->lf->max_def &&
		    (json_lit(b, &o, CSV_FIELD_MAX - 2, o > 1 ? ", \"" :
		    "\"") == -1 || json_put(b, &o, CSV_FIELD_MAX - 2,
		    k->f[k->fi].p, k->f[k->fi].len) == -1 ||
		    json_lit(b, &o, CSV_FIELD_MAX - 2, "\": \"") == -1 ||
		    json_put(b, &o, CSV_FIELD_MAX - 2, v->f[v->fi].p,
		    v->f[v->fi].len) == -1 ||
		    json_lit(b, &o, CSV_FIELD_MAX - 2, "\"") == -1)) {
			o = at;		/* no room: left out */
			full = 1;
		}
		k->fi++;
		v->fi++;
	}
	b[o++] = '}';
	out->p = b;
	out->len = o;
	return (0);
}

/* Reads row group g into the sink; helpers may start meanwhile. */
static int
scan_rg(struct thr *t, int g, struct thr *helpers, struct err *e)
{
	struct scan		*s = t->s;
	struct parquet		*p = s->p;
	const struct pq_rowgroup *rg = &p->m.rg[g];
	uint64_t		 left = (uint64_t)rg->num_rows;
	uint64_t		 line = (uint64_t)rg->first_row + 2;
	const struct csv_field	*src[CSV_SLOTS_MAX];
	struct csv_field	*f = t->f;
	int			 slot[CSV_SLOTS_MAX], dcol[CSV_SLOTS_MAX];
	int			 mcol[CSV_SLOTS_MAX];
	size_t			 k, r;
	int			 i, nd = 0, nm = 0;

	/* The columns a row copies (dcol, to slot) and the MAPs it builds
	 * (mcol), apart: the row loop tests nothing. */
	for (i = 0; i < p->nw; i++) {
		if (pq_col_start(&t->c[i], g, e) == -1 ||
		    (p->w[i].vleaf >= 0 && pq_col_start(&t->mv[i], g,
		    e) == -1))
			return (-1);
		if (p->w[i].vleaf >= 0)
			mcol[nm++] = i;
		else {
			slot[nd] = p->w[i].slot;
			dcol[nd++] = i;
		}
	}
	while (left > 0) {
		if (batch(t, rg, left < PQ_BATCH ? left : PQ_BATCH, &k,
		    e) == -1)
			return (-1);
		/* Where each column's fields of the batch are, in locals:
		 * the row callback could alias anything in memory. */
		for (i = 0; i < nd; i++)
			src[i] = t->c[dcol[i]].f + t->c[dcol[i]].fi;
		for (r = 0; r < k; r++) {
			for (i = 0; i < nd; i++)
				f[slot[i]] = src[i][r];
			for (i = 0; i < nm; i++)
				if (map_row(t, mcol[i], &f[p->w[mcol[i]].slot],
				    e) == -1)
					return (-1);
			if (s->sink->row(t->arg, f, line + r) != 0) {
				if (s->sink->error != NULL)
					(void)s->sink->error(t->arg, e);
				return (-1);
			}
		}
		for (i = 0; i < p->nw; i++)
			if (p->w[i].vleaf < 0)
				t->c[i].fi += k;
		left -= k;
		line += k;
		if (helpers != NULL && !helpers[0].started &&
		    !__atomic_load_n(&s->stop, __ATOMIC_RELAXED) &&
		    s->sink->ready(s->sink->arg))
			(void)start_helpers(s, helpers);
	}
	for (i = 0; i < p->nw; i++)
		if (t->c[i].page_left > 0 || t->c[i].values_left > 0 ||
		    (p->w[i].vleaf >= 0 && t->c[i].fi < t->c[i].nf))
			return (pq_col_fail(&t->c[i], e, "%lld values for "
			    "%lld rows", (long long)t->c[i].ch->num_values,
			    (long long)rg->num_rows));
	return (0);
}

/* Claims row groups until none is left or one failed; the calling
 * thread (main) reports progress. */
static void
scan_loop(struct thr *t, struct thr *helpers, int main)
{
	struct scan	*s = t->s;
	struct err	 e;
	uint64_t	 done;
	int		 g;

	while ((g = claim(s)) >= 0) {
		err_clear(&e);
		if (scan_rg(t, g, helpers, &e) == -1) {
			scan_fail(s, g, &e);
			return;
		}
		done = __atomic_add_fetch(&s->done, 1, __ATOMIC_RELAXED);
		if (main && s->sink->progress != NULL)
			s->sink->progress(s->sink->arg, s->p->size * done /
			    (uint64_t)s->p->m.nrg, s->p->size);
	}
}

/* A helper reads row groups, says so, then takes side work steps. */
static void *
helper_main(void *arg)
{
	struct thr		*t = arg;
	const struct parquet_sink *sink = t->s->sink;

	scan_loop(t, NULL, 0);
	pthread_mutex_lock(&t->s->lock);
	t->scanned = 1;
	pthread_cond_broadcast(&t->s->scanned);
	pthread_mutex_unlock(&t->s->lock);
	if (sink->idle != NULL)
		while (sink->idle(sink->idle_arg))
			;
	return (NULL);
}

/* The calling thread waits for helper h's rows, taking side work steps
 * meanwhile; its table is then complete, and merged while h may still
 * be on side work. */
static void
wait_scanned(struct scan *s, struct thr *h)
{
	int	 more = s->sink->idle != NULL;

	pthread_mutex_lock(&s->lock);
	while (!h->scanned) {
		if (more) {
			pthread_mutex_unlock(&s->lock);
			more = s->sink->idle(s->sink->idle_arg);
			pthread_mutex_lock(&s->lock);
		} else
			pthread_cond_wait(&s->scanned, &s->lock);
	}
	pthread_mutex_unlock(&s->lock);
}

/* helpers[] is NULL-terminated by a zero arg; starts them all. */
static int
start_helpers(struct scan *s, struct thr *helpers)
{
	struct thr	*h;

	for (h = helpers; h->s != NULL; h++) {
		h->arg = s->sink->helper_new(s->sink->arg);
		if (pthread_create(&h->th, NULL, helper_main, h) != 0) {
			s->sink->helper_free(h->arg);
			h->arg = NULL;
			break;
		}
		h->started = 1;
	}
	helpers[0].started = 1;	/* tried: not again */
	return (0);
}

int
parquet_scan(struct parquet *p, int threads, const struct parquet_sink *sink,
    struct err *e)
{
	struct scan	 s;
	struct thr	 main, *helpers = NULL;
	int		 i, rc = 0, nh = 0;

	memset(&s, 0, sizeof(s));
	s.p = p;
	s.sink = sink;
	s.err_rg = p->m.nrg + 1;
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.scanned, NULL);
	thr_init(&main, &s, sink->arg);
	if (threads > p->m.nrg)
		threads = p->m.nrg;
	if (threads > 1 && sink->ready != NULL) {
		nh = threads - 1;
		helpers = xcalloc((size_t)nh + 1, sizeof(*helpers));
		for (i = 0; i < nh; i++)
			thr_init(&helpers[i], &s, NULL);
	}
	scan_loop(&main, helpers, 1);
	for (i = 0; i < nh; i++)
		if (helpers[i].arg != NULL && helpers[i].started)
			wait_scanned(&s, &helpers[i]);
	/* Every row group is read (or a failure stopped them all): the
	 * helpers' tables are merged while they may still be on side work. */
	if (s.err_rg <= p->m.nrg) {
		*e = s.err;
		rc = -1;
	}
	for (i = 0; i < nh; i++)
		if (rc == 0 && helpers[i].arg != NULL &&
		    sink->helper_done(sink->arg, helpers[i].arg, e) == -1)
			rc = -1;
	for (i = 0; i < nh; i++) {
		if (helpers[i].arg == NULL)
			continue;
		if (helpers[i].started)
			pthread_join(helpers[i].th, NULL);
		sink->helper_free(helpers[i].arg);
	}
	for (i = 0; i < nh; i++)
		thr_release(&helpers[i]);
	xfree(helpers);
	thr_release(&main);
	pthread_cond_destroy(&s.scanned);
	pthread_mutex_destroy(&s.lock);
	return (rc);
}

int
parquet_spool(int fd, const void *pre, size_t npre, int *fd_out,
    uint64_t *size_out, struct err *e)
{
	const char	*dir = getenv("TMPDIR");
	char		 path[512], *buf;
	uint64_t	 total = 0;
	ssize_t		 r, w;
	size_t		 off;
	int		 t;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	t = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (t == -1) {
		snprintf(path, sizeof(path), "%s/payerlink-parquet-XXXXXX",
		    dir);
		if ((t = mkstemp(path)) == -1)
			return (err_set(e, ERR_INTERNAL, NULL, NULL, "a "
			    "temporary file in %s: %s", dir, strerror(errno)));
		unlink(path);
	}
	buf = xmalloc(1 << 20);
	memcpy(buf, pre, npre);
	r = (ssize_t)npre;
	for (;;) {
		for (off = 0; off < (size_t)r; off += (size_t)w)
			if ((w = write(t, buf + off, (size_t)r - off)) < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				err_set(e, ERR_INTERNAL, NULL, NULL, "spooling "
				    "a Parquet upload: %s", strerror(errno));
				goto fail;
			}
		total += (uint64_t)r;
		if (total > PARQUET_SPOOL_MAX) {
			err_set(e, ERR_LIMIT, NULL, NULL, "a Parquet stream "
			    "over %llu GiB", PARQUET_SPOOL_MAX >> 30);
			goto fail;
		}
		r = read(fd, buf, 1 << 20);
		if (r < 0 && errno == EINTR) {
			r = 0;
			continue;
		}
		if (r < 0) {
			err_set(e, ERR_INVALID, NULL, NULL, "read: %s",
			    strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
	}
	xfree(buf);
	*fd_out = t;
	*size_out = total;
	return (0);
fail:
	xfree(buf);
	close(t);
	return (-1);
}
