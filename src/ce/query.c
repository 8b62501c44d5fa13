/* SPDX-License-Identifier: MIT */
/*
 * The Cost Explorer queries: GetCostAndUsage (buckets of days or months,
 * metrics, up to two group keys, summed into a hash of cells) and the
 * dimension values. See ce.h for what each view sees; scan.c for the rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ce/internal.h"
#include "core/xmalloc.h"

/* ---- GetCostAndUsage -------------------------------------------------- */

struct agg {
	const struct ce_scope	*sc;
	const struct ce_query	*q;
	struct arena		*a;
	uint32_t		*bucket_of;	/* time - start -> bucket */
	struct strtab		 keys;
	uint64_t		*hkeys;		/* cell hash: key + 1 */
	uint32_t		*hidx;
	size_t			 hmask;
	struct ce_cell		*cells;
	size_t			 ncells, cap;
	size_t			 scanned;
};

/* splitmix64's finalizer: every key bit reaches the low bits. */
static inline size_t
cell_hash(uint64_t k)
{
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ULL;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebULL;
	k ^= k >> 31;
	return ((size_t)k);
}

static int
agg_visit(void *arg, const struct ce_set *s, const uint32_t *idx,
    const char **rowcust, const struct ce_price *price, size_t n,
    struct err *e)
{
	struct agg	*g = arg;
	int64_t		*gmap[CE_GROUP_MAX], kid[CE_GROUP_MAX];
	size_t		 i, k, h;
	int		 m;

	/* gmap: a string id of the set (a tag's value; str.n: none) to the
	 * group key's id. */
	for (k = 0; k < g->q->ngroup; k++) {
		gmap[k] = arena_alloc(g->a, (s->str.n + 1) * sizeof(int64_t));
		for (i = 0; i <= s->str.n; i++)
			gmap[k][i] = -1;
		kid[k] = g->q->group[k] >= CE_NDIMS ? ce_attr_kid(s,
		    g->q->group[k], g->q->group_key[k]) : -1;
	}
	g->scanned += n;
	for (i = 0; i < n; i++) {
		const struct ce_row	*r = &s->rows[idx[i]];
		uint32_t		 gid[CE_GROUP_MAX] = { 0, 0 };
		uint64_t		 key;
		int64_t			 v[CE_NMETRICS];
		struct ce_cell		*c;

		for (k = 0; k < g->q->ngroup; k++) {
			enum ce_dim d = g->q->group[k];
			uint32_t sid = d < CE_NDIMS ? r->d[d] :
			    ce_row_attr(s, r, kid[k]);

			if (sid == CE_ABSENT)
				sid = (uint32_t)s->str.n;
			if (gmap[k][sid] < 0)
				gmap[k][sid] = strtab_add(&g->keys,
				    ce_group_key(g->a, d, g->q->group_key[k],
				    sid < s->str.n ? s->str.s[sid] : ""));
			gid[k] = (uint32_t)gmap[k][sid];
		}
		uint32_t		 b = g->bucket_of[ce_row_time(s, r) -
					    g->q->start];

		key = ((uint64_t)b << 42) |
		    ((uint64_t)gid[0] << 21) | gid[1];
		for (h = cell_hash(key) & g->hmask;
		    g->hkeys[h] != 0 && g->hkeys[h] != key + 1;
		    h = (h + 1) & g->hmask)
			;
		if (g->hkeys[h] == 0) {
			if (g->ncells >= CE_CELLS_MAX || g->keys.n >= (1u << 21))
				return (err_set(e, ERR_LIMIT,
				    AWSERR(LimitExceededException), NULL,
				    "the query has more than %u groups",
				    CE_CELLS_MAX));
			if (g->ncells == g->cap) {
				g->cap = g->cap ? g->cap * 2 : 256;
				g->cells = xrealloc(g->cells,
				    g->cap * sizeof(*g->cells));
			}
			c = &g->cells[g->ncells];
			memset(c, 0, sizeof(*c));
			c->bucket = b;
			c->g[0] = gid[0];
			c->g[1] = gid[1];
			g->hkeys[h] = key + 1;
			g->hidx[h] = (uint32_t)g->ncells++;
			if (g->ncells * 2 > g->hmask + 1) {
				/* Rehash into a table twice as large. */
				size_t	 nm = g->hmask * 2 + 1, j, p;
				uint64_t *nk = xcalloc(nm + 1, sizeof(*nk));
				uint32_t *ni = xcalloc(nm + 1, sizeof(*ni));

				for (j = 0; j <= g->hmask; j++) {
					if (g->hkeys[j] == 0)
						continue;
					for (p = cell_hash(g->hkeys[j] - 1) &
					    nm;
					    nk[p] != 0; p = (p + 1) & nm)
						;
					nk[p] = g->hkeys[j];
					ni[p] = g->hidx[j];
				}
				xfree(g->hkeys);
				xfree(g->hidx);
				g->hkeys = nk;
				g->hidx = ni;
				g->hmask = nm;
			}
			c = &g->cells[g->ncells - 1];
		} else
			c = &g->cells[g->hidx[h]];
		ce_row_values(g->sc, r, rowcust[i], &price[i], v);
		for (m = 0; m < CE_NMETRICS; m++)
			if (__builtin_add_overflow(c->v[m], v[m], &c->v[m]))
				return (err_set(e, ERR_LIMIT,
				    AWSERR(LimitExceededException), NULL,
				    "a sum overflows"));
	}
	return (0);
}

/* qsort_r comparators: the context is the key table or the rank array. */
static int
key_cmp(const void *a, const void *b, void *ctx)
{
	const struct strtab	*keys = ctx;

	return (strcmp(keys->s[*(const uint32_t *)a],
	    keys->s[*(const uint32_t *)b]));
}

static int
cell_cmp(const void *a, const void *b, void *ctx)
{
	const struct ce_cell	*x = a, *y = b;
	const uint32_t		*rank = ctx;

	if (x->bucket != y->bucket)
		return (x->bucket < y->bucket ? -1 : 1);
	if (rank[x->g[0]] != rank[y->g[0]])
		return (rank[x->g[0]] < rank[y->g[0]] ? -1 : 1);
	if (rank[x->g[1]] != rank[y->g[1]])
		return (rank[x->g[1]] < rank[y->g[1]] ? -1 : 1);
	return (0);
}

int
ce_query_run(struct store *st, struct arena *a, const struct ce_scope *sc,
    const struct ce_query *q, struct ce_result *res, struct err *e)
{
	struct agg	 g;
	int64_t		 d, ndays, b, per = q->hourly ? 24 : 1;
	size_t		 i, nb;
	uint32_t	*ord, *rank;
	int		 rc = -1, m;

	memset(res, 0, sizeof(*res));
	snprintf(res->currency, sizeof(res->currency), "USD");
	if (q->start >= q->end)
		return (err_set(e, ERR_INVALID, AWSERR(ValidationException),
		    NULL,
		    "the start date must be before the end date"));
	ndays = q->end - q->start;	/* hourly: hours */
	if (ndays > (q->hourly ? (CE_HOURLY_DAYS + 1) * 24 : CE_DAYS_MAX))
		return (err_set(e, ERR_INVALID, AWSERR(ValidationException),
		    NULL, "the time period is longer than %d days",
		    q->hourly ? CE_HOURLY_DAYS + 1 : CE_DAYS_MAX));
	memset(&g, 0, sizeof(g));
	g.sc = sc;
	g.q = q;
	g.a = a;
	g.bucket_of = arena_alloc(a, (size_t)ndays * sizeof(uint32_t));
	res->bstart = arena_alloc(a, (size_t)ndays * sizeof(int64_t));
	res->bend = arena_alloc(a, (size_t)ndays * sizeof(int64_t));
	nb = 0;
	for (d = q->start; d < q->end; d = b) {
		if (q->hourly && q->by_hour)
			b = d + 1;
		else if (q->monthly)
			b = ce_month_next(d / per) * per;
		else
			b = (d / per + 1) * per;
		if (b > q->end)
			b = q->end;
		res->bstart[nb] = d;
		res->bend[nb] = b;
		for (int64_t x = d; x < b; x++)
			g.bucket_of[x - q->start] = (uint32_t)nb;
		nb++;
	}
	res->nbuckets = nb;
	strtab_init(&g.keys);
	g.hmask = 1023;
	g.hkeys = xcalloc(g.hmask + 1, sizeof(*g.hkeys));
	g.hidx = xcalloc(g.hmask + 1, sizeof(*g.hidx));
	if ((q->hourly ? ce_scan_hours(st, a, sc, !q->resources ?
	    CE_ROWS_HOURS : q->by_hour ? CE_ROWS_INSTANCE_HOURS :
	    CE_ROWS_RESOURCES, q->start, q->end, q->filter, agg_visit, &g,
	    e) : ce_scan(st, a, sc, q->start, q->end, q->filter, agg_visit,
	    &g, e)) == -1)
		goto out;
	/* Copy keys and cells into the arena, sorted. */
	res->nkeys = g.keys.n;
	res->keys = arena_alloc(a, (g.keys.n + 1) * sizeof(*res->keys));
	ord = arena_alloc(a, (g.keys.n + 1) * sizeof(*ord));
	rank = arena_zalloc(a, (g.keys.n + 1) * sizeof(*rank));
	for (i = 0; i < g.keys.n; i++) {
		res->keys[i] = arena_strdup(a, g.keys.s[i]);
		ord[i] = (uint32_t)i;
	}
	if (g.keys.n > 1)
		qsort_r(ord, g.keys.n, sizeof(*ord), key_cmp, &g.keys);
	for (i = 0; i < g.keys.n; i++)
		rank[ord[i]] = (uint32_t)i;
	if (g.ncells > 1)
		qsort_r(g.cells, g.ncells, sizeof(*g.cells), cell_cmp, rank);
	res->ncells = g.ncells;
	res->cells = arena_alloc(a, (g.ncells + 1) * sizeof(*res->cells));
	if (g.ncells > 0)
		memcpy(res->cells, g.cells, g.ncells * sizeof(*g.cells));
	res->total = arena_zalloc(a, (nb + 1) * sizeof(*res->total));
	for (i = 0; i < g.ncells; i++)
		for (m = 0; m < CE_NMETRICS; m++)
			res->total[g.cells[i].bucket][m] += g.cells[i].v[m];
	res->rows_scanned = g.scanned;
	rc = 0;
out:
	strtab_release(&g.keys);
	xfree(g.hkeys);
	xfree(g.hidx);
	xfree(g.cells);
	return (rc);
}

int
ce_hourly_check(struct store *st, const char *msg, struct err *e)
{
	int	 on;

	if ((on = paid_hourly(st, e)) == -1)
		return (-1);
	if (on)
		return (0);
	return (err_set(e, ERR_INVALID, AWSERR(ValidationException), NULL,
	    "%s", msg));
}

/* ---- Dimension values ------------------------------------------------- */

struct dv {
	enum ce_dim	 dim;
	const char	*key;		/* CE_TAG, CE_COST_CATEGORY */
	const char	*search;
	struct strtab	 vals;
	/* ce_attr_keys: per key (by vals id) the days and values seen */
	struct ce_attr_key *keys;
	struct strtab	*kv;		/* per key: its values */
	size_t		 kcap;
	/* ce_attr_values_by: per value (by vals id) the sum of metric */
	const struct ce_scope *sc;
	int		 metric;	/* -1: no sums */
	int64_t		*sum;
	size_t		 scap;
};

static int
contains_ci(const char *hay, const char *needle)
{
	size_t	 n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return (1);
	return (n == 0);
}

/* ce_attr_keys: key seen on day with value. */
static void
attr_key_seen(struct dv *d, const char *key, int64_t day, const char *val)
{
	uint32_t		 id = strtab_add(&d->vals, key);
	struct ce_attr_key	*k;

	if (id >= d->kcap) {
		size_t	 ncap = d->kcap ? d->kcap * 2 : 16, i;

		d->keys = xrealloc(d->keys, ncap * sizeof(*d->keys));
		d->kv = xrealloc(d->kv, ncap * sizeof(*d->kv));
		for (i = d->kcap; i < ncap; i++)
			d->keys[i].key = NULL;
		d->kcap = ncap;
	}
	k = &d->keys[id];
	if (k->key == NULL) {
		k->key = d->vals.s[id];
		k->first_day = k->last_day = day;
		strtab_init(&d->kv[id]);
	}
	if (day < k->first_day)
		k->first_day = day;
	if (day > k->last_day)
		k->last_day = day;
	(void)strtab_add(&d->kv[id], val);
}

/* ce_attr_values_by: v added to the sum of value `val` (if listed). */
static void
dv_add(struct dv *d, const char *val, int64_t v)
{
	int64_t	 id = strtab_find(&d->vals, val);
	size_t	 n;

	if (id < 0)
		return;
	if ((size_t)id >= d->scap) {
		n = d->scap ? d->scap * 2 : 64;
		while (n <= (size_t)id)
			n *= 2;
		d->sum = xrealloc(d->sum, n * sizeof(*d->sum));
		memset(d->sum + d->scap, 0, (n - d->scap) * sizeof(*d->sum));
		d->scap = n;
	}
	d->sum[id] += v;
}

/* ce_attr_values_by: each row's metric to the values it has (listed by
 * dv_visit first). */
static void
dv_sums(struct dv *d, const struct ce_set *s, const uint32_t *idx,
    const char **rowcust, const struct ce_price *price, size_t n)
{
	int64_t		 kid = -1, v[CE_NMETRICS];
	char		 kind = d->dim == CE_TAG ? 't' : 'c';
	uint32_t	 p, sid;
	size_t		 i;

	if (d->dim >= CE_NDIMS && d->key != NULL)
		kid = ce_attr_kid(s, d->dim, d->key);
	for (i = 0; i < n; i++) {
		const struct ce_row *r = &s->rows[idx[i]];

		ce_row_values(d->sc, r, rowcust[i], &price[i], v);
		if (d->dim < CE_NDIMS)
			dv_add(d, s->str.s[r->d[d->dim]], v[d->metric]);
		else if (d->key != NULL) {
			if ((sid = ce_row_attr(s, r, kid)) != CE_ABSENT)
				dv_add(d, s->str.s[sid], v[d->metric]);
		} else
			for (p = s->ts[r->tags]; p < s->ts[r->tags + 1]; p++)
				if (s->str.s[s->pairs[p][0]][0] == kind)
					dv_add(d, s->str.s[s->pairs[p][0]] + 1,
					    v[d->metric]);
	}
}

/* The distinct values of rows idx[0..n) into d. */
static void
dv_list(struct dv *d, const struct ce_set *s, const uint32_t *idx, size_t n)
{
	uint8_t		*seen;
	size_t		 i;

	seen = xcalloc(s->str.n + 1, 1);
	if (d->dim >= CE_NDIMS) {
		int64_t	 kid = d->key != NULL ? ce_attr_kid(s, d->dim,
			    d->key) : -1;
		char	 kind = d->dim == CE_TAG ? 't' : 'c';

		for (i = 0; i < n; i++) {
			const struct ce_row *r = &s->rows[idx[i]];
			uint32_t	 p, sid;

			if (d->key != NULL) {
				if ((sid = ce_row_attr(s, r, kid)) ==
				    CE_ABSENT || seen[sid])
					continue;
				seen[sid] = 1;
				if (d->search == NULL || contains_ci(
				    s->str.s[sid], d->search))
					strtab_add(&d->vals, s->str.s[sid]);
				continue;
			}
			for (p = s->ts[r->tags]; p < s->ts[r->tags + 1]; p++) {
				const char *k = s->str.s[s->pairs[p][0]];

				if (k[0] != kind || (d->search != NULL &&
				    !contains_ci(k + 1, d->search)))
					continue;
				attr_key_seen(d, k + 1, r->day,
				    s->str.s[s->pairs[p][1]]);
			}
		}
		xfree(seen);
		return;
	}
	for (i = 0; i < n; i++) {
		uint32_t sid = s->rows[idx[i]].d[d->dim];

		if (seen[sid])
			continue;
		seen[sid] = 1;
		if (d->dim == CE_RESOURCE_ID && *s->str.s[sid] == '\0')
			continue;	/* a line without a resource */
		if (d->search == NULL || contains_ci(s->str.s[sid], d->search))
			strtab_add(&d->vals, s->str.s[sid]);
	}
	xfree(seen);
}

static int
dv_visit(void *arg, const struct ce_set *s, const uint32_t *idx,
    const char **rowcust, const struct ce_price *price, size_t n,
    struct err *e)
{
	struct dv	*d = arg;

	(void)e;
	dv_list(d, s, idx, n);
	if (d->metric >= 0)
		dv_sums(d, s, idx, rowcust, price, n);
	return (0);
}

static int
str_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

static int
key_cmp_name(const void *a, const void *b)
{
	return (strcmp(((const struct ce_attr_key *)a)->key,
	    ((const struct ce_attr_key *)b)->key));
}

static int
period_check(int64_t start, int64_t end, struct err *e)
{
	if (start >= end)
		return (err_set(e, ERR_INVALID, AWSERR(ValidationException),
		    NULL, "the start date must be before the end date"));
	if (end - start > CE_DAYS_MAX)
		return (err_set(e, ERR_INVALID, AWSERR(ValidationException),
		    NULL, "the time period is longer than %d days",
		    CE_DAYS_MAX));
	return (0);
}

int
ce_attr_keys(struct store *st, struct arena *a, const struct ce_scope *sc,
    enum ce_dim kind, int64_t start, int64_t end, struct ce_attr_key **out,
    size_t *n_out, struct err *e)
{
	struct dv		 d;
	struct ce_attr_key	*v;
	size_t			 i;
	int			 rc;

	if (period_check(start, end, e) == -1)
		return (-1);
	memset(&d, 0, sizeof(d));
	d.dim = kind;
	d.metric = -1;
	strtab_init(&d.vals);
	rc = ce_scan(st, a, sc, start, end, NULL, dv_visit, &d, e);
	v = arena_alloc(a, (d.vals.n + 1) * sizeof(*v));
	for (i = 0; i < d.vals.n; i++) {
		v[i] = d.keys[i];
		v[i].key = arena_strdup(a, d.keys[i].key);
		v[i].nvalues = d.kv[i].n;
		strtab_release(&d.kv[i]);
	}
	xfree(d.keys);
	xfree(d.kv);
	strtab_release(&d.vals);
	if (rc == -1)
		return (-1);
	qsort(v, i, sizeof(*v), key_cmp_name);
	*out = v;
	*n_out = i;
	return (0);
}

/* A value and its sum, to order by. */
struct vsum {
	const char	*v;
	int64_t		 sum;
	int		 desc;
};

static int
vsum_cmp(const void *a, const void *b)
{
	const struct vsum	*x = a, *y = b;

	if (x->sum != y->sum)
		return ((x->sum < y->sum) != x->desc ? -1 : 1);
	return (strcmp(x->v, y->v));
}

/* ce_attr_values, and ce_attr_values_by when metric >= 0. */
static int
attr_values(struct store *st, struct arena *a, const struct ce_scope *sc,
    enum ce_dim kind, const char *key, int64_t start, int64_t end,
    const struct ce_expr *filter, const char *search, int metric, int desc,
    const char ***out, int64_t **sums_out, size_t *n_out, struct err *e)
{
	struct dv	 d;
	struct vsum	*vs;
	const char	**v;
	int64_t		*sums;
	size_t		 i;
	int		 rc;

	if (period_check(start, end, e) == -1)
		return (-1);
	memset(&d, 0, sizeof(d));
	d.dim = kind;
	d.key = key;
	d.search = search;
	d.sc = sc;
	d.metric = metric;
	strtab_init(&d.vals);
	/* Resource ids are in the hourly rows only. */
	rc = kind == CE_RESOURCE_ID ? ce_scan_hours(st, a, sc,
	    CE_ROWS_RESOURCES, start * 24, end * 24, filter, dv_visit, &d, e) :
	    ce_scan(st, a, sc, start, end, filter, dv_visit, &d, e);
	vs = arena_alloc(a, (d.vals.n + 1) * sizeof(*vs));
	for (i = 0; i < d.vals.n; i++) {
		vs[i].v = arena_strdup(a, d.vals.s[i]);
		vs[i].sum = i < d.scap ? d.sum[i] : 0;
		vs[i].desc = desc;
		if (d.kv != NULL)
			strtab_release(&d.kv[i]);
	}
	xfree(d.keys);
	xfree(d.kv);
	xfree(d.sum);
	strtab_release(&d.vals);
	if (rc == -1)
		return (-1);
	if (metric >= 0)
		qsort(vs, i, sizeof(*vs), vsum_cmp);
	v = arena_alloc(a, (i + 1) * sizeof(*v));
	sums = arena_alloc(a, (i + 1) * sizeof(*sums));
	*n_out = i;
	while (i-- > 0) {
		v[i] = vs[i].v;
		sums[i] = vs[i].sum;
	}
	if (metric < 0)
		qsort(v, *n_out, sizeof(*v), str_cmp);
	*out = v;
	if (sums_out != NULL)
		*sums_out = sums;
	return (0);
}

int
ce_attr_values(struct store *st, struct arena *a, const struct ce_scope *sc,
    enum ce_dim kind, const char *key, int64_t start, int64_t end,
    const struct ce_expr *filter, const char *search, const char ***out,
    size_t *n_out, struct err *e)
{
	return (attr_values(st, a, sc, kind, key, start, end, filter, search,
	    -1, 0, out, NULL, n_out, e));
}

int
ce_attr_values_by(struct store *st, struct arena *a,
    const struct ce_scope *sc, enum ce_dim kind, const char *key,
    int64_t start, int64_t end, const struct ce_expr *filter,
    enum ce_metric metric, int desc, const char ***out, int64_t **sums_out,
    size_t *n_out, struct err *e)
{
	return (attr_values(st, a, sc, kind, key, start, end, filter, NULL,
	    (int)metric, desc, out, sums_out, n_out, e));
}

int
ce_dimension_values(struct store *st, struct arena *a,
    const struct ce_scope *sc, enum ce_dim dim, int64_t start, int64_t end,
    const char *search, const char ***out, size_t *n_out, struct err *e)
{
	return (ce_attr_values(st, a, sc, dim, NULL, start, end, NULL, search,
	    out, n_out, e));
}
