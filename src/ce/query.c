/* SPDX-License-Identifier: MIT */
/*
 * The Cost Explorer query engine: the import cache, scopes, filters,
 * grouping and the scan. See ce.h for what each view sees.
 *
 * The scan: for each current import of the payer whose month meets the
 * period, take its rows from the cache (loaded once per import: rows with
 * their strings interned), compile the filter against the import's string
 * table (a match flag per string and leaf), keep the rows in scope and
 * period, price them per customer through ce_price_rows(), and add them
 * into a hash of (bucket, group keys) cells.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "billing/paid.h"
#include "ce/ce.h"
#include "ce/internal.h"
#include "core/clock.h"
#include "core/xmalloc.h"
#include "onboard/onboard.h"

static const char *const metric_names[CE_NMETRICS] = {
	"UnblendedCost", "NetUnblendedCost", "AmortizedCost", "BlendedCost",
	"UsageQuantity"
};
static const char *const dim_names[CE_NDIMS] = {
	"SERVICE", "LINKED_ACCOUNT", "REGION", "USAGE_TYPE", "RECORD_TYPE",
	"OPERATION"
};
static const char *const dim_labels[CE_NDIMS] = {
	"Service", "Account", "Region", "Usage type", "Line item type",
	"Operation"
};

int
ce_metric_parse(const char *s)
{
	int	 i;

	for (i = 0; i < CE_NMETRICS; i++)
		if (strcasecmp(s, metric_names[i]) == 0)
			return (i);
	return (-1);
}

const char *
ce_metric_name(enum ce_metric m)
{
	return (metric_names[m]);
}

int
ce_dim_parse(const char *s)
{
	int	 i;

	for (i = 0; i < CE_NDIMS; i++)
		if (strcmp(s, dim_names[i]) == 0)
			return (i);
	return (-1);
}

const char *
ce_dim_name(enum ce_dim d)
{
	return (dim_names[d]);
}

const char *
ce_dim_label(enum ce_dim d)
{
	return (dim_labels[d]);
}

int
ce_day_parse(const char *s, int64_t *out)
{
	unsigned	 y, m, d;

	if (strlen(s) < 10 || !isdigit((unsigned char)s[0]) || s[4] != '-' ||
	    s[7] != '-')
		return (-1);
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return (-1);
	y = (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0'));
	m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return (-1);
	*out = clock_days_from_civil((int)y, m, d);
	{
		int		 yy;
		unsigned	 mm, dd;

		clock_civil_from_days(*out, &yy, &mm, &dd);
		if (mm != m || dd != d)
			return (-1);
	}
	return (0);
}

void
ce_day_format(int64_t day, char *buf, size_t len)
{
	int		 y;
	unsigned	 m, d;

	clock_civil_from_days(day, &y, &m, &d);
	snprintf(buf, len, "%04d-%02u-%02u", y, m, d);
}

int64_t
ce_month_start(int64_t day)
{
	int		 y;
	unsigned	 m, d;

	clock_civil_from_days(day, &y, &m, &d);
	return (clock_days_from_civil(y, m, 1));
}

int64_t
ce_month_next(int64_t day)
{
	int		 y;
	unsigned	 m, d;

	clock_civil_from_days(day, &y, &m, &d);
	if (++m > 12) {
		m = 1;
		y++;
	}
	return (clock_days_from_civil(y, m, 1));
}

int64_t
ce_today(struct store *st)
{
	int64_t	 now = store_now(st);

	return (now / MS_PER_DAY);
}

/* ---- String tables ---------------------------------------------------- */

static uint64_t
str_hash(const char *s)
{
	uint64_t	 h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h);
}

void
strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	t->mask = 255;
	t->slots = xcalloc(t->mask + 1, sizeof(*t->slots));
}

void
strtab_release(struct strtab *t)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		xfree(t->s[i]);
	xfree(t->s);
	xfree(t->slots);
	memset(t, 0, sizeof(*t));
}

int64_t
strtab_find(const struct strtab *t, const char *s)
{
	size_t	 i = str_hash(s) & t->mask;

	for (; t->slots[i] != 0; i = (i + 1) & t->mask)
		if (strcmp(t->s[t->slots[i] - 1], s) == 0)
			return ((int64_t)t->slots[i] - 1);
	return (-1);
}

uint32_t
strtab_add(struct strtab *t, const char *s)
{
	size_t	 i;
	int64_t	 f;

	if ((f = strtab_find(t, s)) >= 0)
		return ((uint32_t)f);
	if ((t->n + 1) * 2 > t->mask + 1) {
		size_t	 nm = t->mask * 2 + 1, k;
		uint32_t *ns = xcalloc(nm + 1, sizeof(*ns));

		for (k = 0; k < t->n; k++) {
			i = str_hash(t->s[k]) & nm;
			while (ns[i] != 0)
				i = (i + 1) & nm;
			ns[i] = (uint32_t)k + 1;
		}
		xfree(t->slots);
		t->slots = ns;
		t->mask = nm;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->s = xrealloc(t->s, t->cap * sizeof(*t->s));
	}
	t->s[t->n] = xstrdup(s);
	i = str_hash(s) & t->mask;
	while (t->slots[i] != 0)
		i = (i + 1) & t->mask;
	t->slots[i] = (uint32_t)t->n + 1;
	return ((uint32_t)t->n++);
}

/* ---- The import cache ------------------------------------------------- */

/*
 * A byte budget, not a row count: the server's memory must stay flat under
 * a stream of small deliveries as much as with a few big ones. 64 MiB holds
 * about 800,000 rows (bench/portal.sh's 13 months of 200 accounts are
 * 316,800); a set alone above it is read again by each query.
 */
static size_t		 cache_max = CE_CACHE_DEFAULT;
static pthread_mutex_t	 cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ce_set	*cache_head;
static size_t		 cache_bytes;

size_t
ce_cache_bytes(void)
{
	size_t	 n;

	pthread_mutex_lock(&cache_mu);
	n = cache_bytes;
	pthread_mutex_unlock(&cache_mu);
	return (n);
}

void
ce_cache_limit(size_t bytes)
{
	pthread_mutex_lock(&cache_mu);
	cache_max = bytes;
	pthread_mutex_unlock(&cache_mu);
}

static void
set_free(struct ce_set *s)
{
	strtab_release(&s->str);
	xfree(s->rows);
	xfree(s);
}

static int
same_import(const struct ce_set *s, const struct billing_source *im)
{
	/* Ids alone are not enough: an emulator reset empties the tables
	 * and SQLite then hands the same ids out again. */
	return (s->import_id == im->id && s->started_at == im->started_at &&
	    strcmp(s->digest, im->digest) == 0);
}

/* Takes *pp out of the cache; a set still read is freed by its last put. */
static void
cache_unlink(struct ce_set **pp)
{
	struct ce_set	*t = *pp;

	*pp = t->next;
	cache_bytes -= t->bytes;
	if (t->refs == 0)
		set_free(t);
	else
		t->dropped = 1;
}

/* Drops least recently used sets not in use until under the budget. */
static void
cache_trim(void)
{
	struct ce_set	**pp, **victim;

	while (cache_bytes > cache_max) {
		victim = NULL;
		for (pp = &cache_head; *pp != NULL; pp = &(*pp)->next)
			if ((*pp)->refs == 0)
				victim = pp;
		if (victim == NULL)
			break;
		cache_unlink(victim);
	}
}

static int
load_row(void *arg, const struct billing_rollup *r)
{
	struct ce_set	*s = arg;
	struct ce_row	*w;
	int64_t		 day;

	if (s->nrows == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->rows = xrealloc(s->rows, s->cap * sizeof(*s->rows));
	}
	if (ce_day_parse(r->day, &day) == -1)
		return (0);
	w = &s->rows[s->nrows++];
	w->day = (int32_t)day;
	w->d[CE_SERVICE] = strtab_add(&s->str, r->product_code);
	w->d[CE_LINKED_ACCOUNT] = strtab_add(&s->str, r->account_id);
	w->d[CE_REGION] = strtab_add(&s->str, r->region);
	w->d[CE_USAGE_TYPE] = strtab_add(&s->str, r->usage_type);
	w->d[CE_RECORD_TYPE] = strtab_add(&s->str, r->line_item_type);
	w->d[CE_OPERATION] = strtab_add(&s->str, r->operation);
	w->term = strtab_add(&s->str, r->pricing_term);
	w->in_membership = r->in_membership != 0;
	w->unblended = r->unblended;
	w->net = r->net_unblended;
	w->amortized = r->amortized;
	w->public_od = r->public_on_demand;
	w->usage = r->usage_amount;
	if (day < s->min_day)
		s->min_day = day;
	if (day > s->max_day)
		s->max_day = day;
	return (0);
}

/* What a loaded set holds, its rows trimmed to their count. */
static void
set_seal(struct ce_set *s)
{
	size_t	 i;

	if (s->nrows > 0 && s->nrows < s->cap) {
		s->rows = xrealloc(s->rows, s->nrows * sizeof(*s->rows));
		s->cap = s->nrows;
	}
	s->bytes = sizeof(*s) + s->cap * sizeof(*s->rows) +
	    (s->str.mask + 1) * sizeof(*s->str.slots) +
	    s->str.cap * sizeof(*s->str.s);
	for (i = 0; i < s->str.n; i++)
		s->bytes += strlen(s->str.s[i]) + 1;
}

struct ce_set *
ce_set_get(struct store *st, const struct billing_source *im,
    struct err *e)
{
	struct ce_set	*s, **pp, *t;

	pthread_mutex_lock(&cache_mu);
	for (pp = &cache_head; *pp != NULL; pp = &(*pp)->next)
		if (same_import(*pp, im))
			break;
	if ((s = *pp) != NULL) {
		s->refs++;
		*pp = s->next;
		s->next = cache_head;
		cache_head = s;
		pthread_mutex_unlock(&cache_mu);
		return (s);
	}
	pthread_mutex_unlock(&cache_mu);

	s = xcalloc(1, sizeof(*s));
	s->import_id = im->id;
	s->started_at = im->started_at;
	snprintf(s->digest, sizeof(s->digest), "%s", im->digest);
	snprintf(s->payer_id, sizeof(s->payer_id), "%s", im->payer_id);
	snprintf(s->period, sizeof(s->period), "%s", im->period);
	snprintf(s->currency, sizeof(s->currency), "%s", im->currency);
	s->min_day = INT64_MAX;
	s->max_day = INT64_MIN;
	strtab_init(&s->str);
	if (store_ce_rollups(st, im->id, load_row, s, e) != 0) {
		set_free(s);
		return (NULL);
	}
	set_seal(s);
	s->refs = 1;

	pthread_mutex_lock(&cache_mu);
	for (t = cache_head; t != NULL; t = t->next)
		if (same_import(t, im))
			break;
	if (t != NULL) {
		/* Another thread loaded it meanwhile: use theirs. */
		t->refs++;
		pthread_mutex_unlock(&cache_mu);
		set_free(s);
		return (t);
	}
	/* The store has one current import per payer and period: a cached
	 * set of the same month is one that a new delivery replaced. */
	for (pp = &cache_head; *pp != NULL;)
		if (strcmp((*pp)->payer_id, s->payer_id) == 0 &&
		    strcmp((*pp)->period, s->period) == 0)
			cache_unlink(pp);
		else
			pp = &(*pp)->next;
	s->next = cache_head;
	cache_head = s;
	cache_bytes += s->bytes;
	cache_trim();
	pthread_mutex_unlock(&cache_mu);
	return (s);
}

void
ce_set_put(struct ce_set *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&cache_mu);
	if (--s->refs == 0 && s->dropped)
		set_free(s);
	else
		cache_trim();	/* a set larger than the budget goes now */
	pthread_mutex_unlock(&cache_mu);
}

void
ce_cache_clear(void)
{
	struct ce_set	**pp;

	pthread_mutex_lock(&cache_mu);
	for (pp = &cache_head; *pp != NULL;)
		if ((*pp)->refs == 0)
			cache_unlink(pp);
		else
			pp = &(*pp)->next;
	pthread_mutex_unlock(&cache_mu);
}

/* ---- Scopes ----------------------------------------------------------- */

static int
owner_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct ce_owner *)a)->account_id,
	    ((const struct ce_owner *)b)->account_id));
}

/* Every account a customer owns (all customers when customer_id is ""). */
static int
load_owners(struct store *st, struct arena *a, const char *customer_id,
    struct ce_scope *sc, struct err *e)
{
	struct customer		*cv;
	struct customer_account	*ca;
	char			 after[CUSTOMER_ID_LEN + 1] = "";
	size_t			 n, nca, i, k, cap = 0;
	struct ce_owner		*v = NULL;

	sc->owners = NULL;
	sc->nowners = 0;
	for (;;) {
		if (*customer_id != '\0') {
			cv = arena_zalloc(a, sizeof(*cv));
			snprintf(cv->id, sizeof(cv->id), "%s", customer_id);
			n = 1;
		} else if (store_customer_list(st, a, after, 100, &cv, &n,
		    e) == -1)
			return (-1);
		for (i = 0; i < n; i++) {
			if (store_customer_accounts(st, a, cv[i].id, 100000,
			    &ca, &nca, e) == -1)
				return (-1);
			for (k = 0; k < nca; k++) {
				if (sc->nowners == cap) {
					struct ce_owner *nv;

					cap = cap ? cap * 2 : 64;
					nv = arena_alloc(a, cap * sizeof(*nv));
					if (sc->nowners > 0)
						memcpy(nv, v, sc->nowners *
						    sizeof(*nv));
					v = nv;
				}
				snprintf(v[sc->nowners].account_id,
				    sizeof(v[0].account_id), "%s",
				    ca[k].account_id);
				snprintf(v[sc->nowners].customer_id,
				    sizeof(v[0].customer_id), "%s",
				    cv[i].id);
				sc->nowners++;
			}
		}
		if (*customer_id != '\0' || n < 100)
			break;
		snprintf(after, sizeof(after), "%s", cv[n - 1].id);
	}
	if (sc->nowners > 1)
		qsort(v, sc->nowners, sizeof(*v), owner_cmp);
	sc->owners = v;
	return (0);
}

int
ce_scope_msp(struct store *st, struct arena *a, struct ce_scope *sc,
    struct err *e)
{
	memset(sc, 0, sizeof(*sc));
	if (paid_payer(st, sc->payer_id, e) == -1)
		return (-1);
	sc->msp = 1;
	return (load_owners(st, a, "", sc, e));
}

int
ce_scope_customer(struct store *st, struct arena *a, const char *customer_id,
    struct ce_scope *sc, struct err *e)
{
	struct customer	 c;

	memset(sc, 0, sizeof(*sc));
	if (store_customer_get(st, customer_id, &c, e) == -1 ||
	    paid_payer(st, sc->payer_id, e) == -1)
		return (-1);
	snprintf(sc->customer_id, sizeof(sc->customer_id), "%s", c.id);
	return (load_owners(st, a, c.id, sc, e));
}

int
ce_scope_account(struct store *st, struct arena *a, const char *account_id,
    struct ce_scope *sc, struct err *e)
{
	struct customer_account	 ca;
	char			 payer[ACCOUNT_ID_LEN + 1];

	memset(sc, 0, sizeof(*sc));
	if (paid_payer(st, payer, e) == -1)
		return (-1);
	if (strcmp(payer, account_id) == 0)
		return (ce_scope_msp(st, a, sc, e));
	if (store_customer_account_get(st, account_id, &ca, NULL) == 0)
		return (ce_scope_customer(st, a, ca.customer_id, sc, e));
	return (err_set(e, ERR_DENIED, "AccessDeniedException", NULL,
	    "account %s is neither the MSP's payer nor an account of one of "
	    "its customers", account_id));
}

const char *
ce_scope_owner(const struct ce_scope *sc, const char *account_id)
{
	struct ce_owner	 key, *o;

	snprintf(key.account_id, sizeof(key.account_id), "%s", account_id);
	o = bsearch(&key, sc->owners, sc->nowners, sizeof(key), owner_cmp);
	return (o != NULL ? o->customer_id : NULL);
}

const char *
ce_scope_owner_pub(const struct ce_scope *sc, const char *account_id)
{
	return (ce_scope_owner(sc, account_id));
}

/* ---- Compiled filters ------------------------------------------------- */

struct cx {
	enum ce_op	 op;
	enum ce_dim	 dim;
	uint8_t		*match;		/* per string of the set */
	struct cx	*kids;
	size_t		 nkids;
};

static void
cx_compile(struct arena *a, const struct ce_set *s, const struct ce_expr *x,
    struct cx *out)
{
	size_t	 i;
	int64_t	 id;

	out->op = x->op;
	out->dim = x->dim;
	out->nkids = x->nkids;
	out->match = NULL;
	out->kids = NULL;
	if (x->op == CE_DIMS) {
		out->match = arena_zalloc(a, s->str.n + 1);
		for (i = 0; i < x->nvalues; i++)
			if ((id = strtab_find(&s->str, x->values[i])) >= 0)
				out->match[id] = 1;
		return;
	}
	out->kids = arena_alloc(a, x->nkids * sizeof(*out->kids));
	for (i = 0; i < x->nkids; i++)
		cx_compile(a, s, x->kids[i], &out->kids[i]);
}

static int
cx_eval(const struct cx *x, const struct ce_row *r)
{
	size_t	 i;

	switch (x->op) {
	case CE_DIMS:
		return (x->match[r->d[x->dim]]);
	case CE_AND:
		for (i = 0; i < x->nkids; i++)
			if (!cx_eval(&x->kids[i], r))
				return (0);
		return (1);
	case CE_OR:
		for (i = 0; i < x->nkids; i++)
			if (cx_eval(&x->kids[i], r))
				return (1);
		return (0);
	case CE_NOT:
		return (!cx_eval(&x->kids[0], r));
	}
	return (0);
}

/* ---- Scanning --------------------------------------------------------- */

int
ce_scan(struct store *st, struct arena *a, const struct ce_scope *sc,
    int64_t start, int64_t end, const struct ce_expr *filter,
    ce_visit_fn visit, void *arg, struct err *e)
{
	struct billing_source	*im;
	size_t			 nim, i, k, n;
	char			 from[8], to[8], d[11];
	int			 rc = -1;

	ce_day_format(start, d, sizeof(d));
	snprintf(from, sizeof(from), "%.7s", d);
	ce_day_format(end - 1, d, sizeof(d));
	snprintf(to, sizeof(to), "%.7s", d);
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	/* Whose cost it is: only the paid sources' lines (billing/paid.h);
	 * a customer sees the billable ones of its accounts. */
	if (paid_sources(st, a, from, to, &im, &nim, e) == -1)
		goto out;
	for (i = 0; i < nim; i++) {
		struct ce_set		*s;
		struct cx		 fx;
		uint8_t			*allowed = NULL;
		const char		**cust = NULL;
		uint32_t		*idx;
		struct ce_price		*price = NULL;
		const char		**rowcust;

		if ((s = ce_set_get(st, &im[i], e)) == NULL)
			goto out;
		if (s->nrows == 0 || s->max_day < start || s->min_day >= end) {
			ce_set_put(s);
			continue;
		}
		if (filter != NULL)
			cx_compile(a, s, filter, &fx);
		/* Who owns each account string of this set. */
		cust = arena_zalloc(a, (s->str.n + 1) * sizeof(*cust));
		allowed = arena_zalloc(a, s->str.n + 1);
		for (k = 0; k < sc->nowners; k++) {
			int64_t	 id = strtab_find(&s->str,
			    sc->owners[k].account_id);
			if (id >= 0) {
				cust[id] = sc->owners[k].customer_id;
				allowed[id] = 1;
			}
		}
		idx = arena_alloc(a, (s->nrows + 1) * sizeof(*idx));
		rowcust = arena_alloc(a, (s->nrows + 1) * sizeof(*rowcust));
		n = 0;
		for (k = 0; k < s->nrows; k++) {
			const struct ce_row *r = &s->rows[k];

			if (r->day < start || r->day >= end)
				continue;
			if (!sc->msp && (!paid_billable(r->in_membership) ||
			    !allowed[r->d[CE_LINKED_ACCOUNT]]))
				continue;
			if (filter != NULL && !cx_eval(&fx, r))
				continue;
			rowcust[n] = paid_billable(r->in_membership) ?
			    cust[r->d[CE_LINKED_ACCOUNT]] : NULL;
			idx[n++] = (uint32_t)k;
		}
		if (n > 0) {
			price = arena_zalloc(a, n * sizeof(*price));
			if (ce_price_set(st, a, s, idx, rowcust, n, price,
			    e) == -1) {
				ce_set_put(s);
				goto out;
			}
			if (visit(arg, s, idx, rowcust, price, n, e) == -1) {
				ce_set_put(s);
				goto out;
			}
		}
		ce_set_put(s);
	}
	rc = 0;
out:
	if (rc == 0) {
		if (store_commit(st, e) == -1)
			return (-1);
	} else
		store_rollback(st);
	return (rc);
}

int
ce_price_set(struct store *st, struct arena *a, const struct ce_set *s,
    const uint32_t *idx, const char **rowcust, size_t n,
    struct ce_price *price, struct err *e)
{
	const char		*cust[64];
	size_t			 ncust = 0, *count, *at, i, k, c, m = 0;
	uint32_t		*ord;
	uint8_t			*ci;
	struct billing_rollup	*rows;
	struct ce_price		*out;
	char			*days;
	const char		*prev = NULL;
	size_t			 prevc = 0;

	/*
	 * Rows come ordered by account, so the owner changes rarely: find
	 * each row's customer index comparing pointers first, then bucket
	 * the rows by customer (counting sort) and price each customer's
	 * rows in one call. More than 64 customers in one import: priced in
	 * rounds of 64.
	 */
	ci = arena_alloc(a, n + 1);
	for (i = 0; i < n; i++) {
		if (rowcust[i] == NULL) {
			ci[i] = 0xff;
			continue;
		}
		if (rowcust[i] != prev) {
			for (k = 0; k < ncust; k++)
				if (strcmp(cust[k], rowcust[i]) == 0)
					break;
			if (k == ncust) {
				if (ncust == 64) {
					ci[i] = 0xfe;	/* next round */
					continue;
				}
				cust[ncust++] = rowcust[i];
			}
			prev = rowcust[i];
			prevc = k;
		}
		ci[i] = (uint8_t)prevc;
	}
	if (ncust == 0)
		return (0);
	count = arena_zalloc(a, (ncust + 1) * sizeof(*count));
	at = arena_zalloc(a, (ncust + 1) * sizeof(*at));
	for (i = 0; i < n; i++)
		if (ci[i] < ncust) {
			count[ci[i]]++;
			m++;
		}
	for (c = 1; c <= ncust; c++)
		at[c] = at[c - 1] + count[c - 1];
	ord = arena_alloc(a, (m + 1) * sizeof(*ord));
	for (i = 0; i < n; i++)
		if (ci[i] < ncust)
			ord[at[ci[i]]++] = (uint32_t)i;
	rows = arena_alloc(a, (m + 1) * sizeof(*rows));
	out = arena_alloc(a, (m + 1) * sizeof(*out));
	/* Day strings of this set's days (a month, at most 31 of them). */
	days = arena_alloc(a, (size_t)(s->max_day - s->min_day + 1) * 11);
	for (k = 0; k <= (size_t)(s->max_day - s->min_day); k++)
		ce_day_format(s->min_day + (int64_t)k, days + k * 11, 11);
	for (i = 0; i < m; i++) {
		const struct ce_row *r = &s->rows[idx[ord[i]]];
		struct billing_rollup *w = &rows[i];

		w->period = s->period;
		w->day = days + (size_t)(r->day - s->min_day) * 11;
		w->payer_id = "";
		w->account_id = s->str.s[r->d[CE_LINKED_ACCOUNT]];
		w->product_code = s->str.s[r->d[CE_SERVICE]];
		w->usage_type = s->str.s[r->d[CE_USAGE_TYPE]];
		w->operation = s->str.s[r->d[CE_OPERATION]];
		w->region = s->str.s[r->d[CE_REGION]];
		w->line_item_type = s->str.s[r->d[CE_RECORD_TYPE]];
		w->pricing_term = s->str.s[r->term];
		w->in_membership = r->in_membership;
		w->unblended = r->unblended;
		w->net_unblended = r->net;
		w->amortized = r->amortized;
		w->public_on_demand = r->public_od;
		w->usage_amount = r->usage;
		w->line_count = 0;
	}
	for (c = 0, i = 0; c < ncust; i += count[c], c++)
		if (count[c] > 0 && ce_price_rows(st, cust[c], s->period,
		    rows + i, count[c], out + i, e) == -1)
			return (-1);
	for (i = 0; i < m; i++)
		price[ord[i]] = out[i];
	/* Rows of customers beyond the first 64: another round. */
	for (i = 0; i < n; i++)
		if (ci[i] == 0xfe)
			break;
	if (i < n) {
		const char	**rest = arena_zalloc(a, n * sizeof(*rest));
		struct ce_price	*p2 = arena_zalloc(a, n * sizeof(*p2));

		for (k = 0; k < n; k++)
			if (ci[k] == 0xfe)
				rest[k] = rowcust[k];
		if (ce_price_set(st, a, s, idx, rest, n, p2, e) == -1)
			return (-1);
		for (k = 0; k < n; k++)
			if (ci[k] == 0xfe)
				price[k] = p2[k];
	}
	return (0);
}

void
ce_row_values(const struct ce_scope *sc, const struct ce_row *r,
    const char *owner, const struct ce_price *p, int64_t v[CE_NMETRICS])
{
	if (sc->msp) {
		v[CE_UNBLENDED] = r->unblended;
		v[CE_NET_UNBLENDED] = owner != NULL ? p->net : 0;
		v[CE_AMORTIZED] = r->amortized;
		v[CE_BLENDED] = r->unblended;
	} else {
		v[CE_UNBLENDED] = p->unblended;
		v[CE_NET_UNBLENDED] = p->net;
		v[CE_AMORTIZED] = p->amortized;
		v[CE_BLENDED] = p->blended;
	}
	v[CE_USAGE] = r->usage;
}

/* ---- GetCostAndUsage -------------------------------------------------- */

struct agg {
	const struct ce_scope	*sc;
	const struct ce_query	*q;
	struct arena		*a;
	uint32_t		*bucket_of;	/* day - start -> bucket */
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
	int64_t		*gmap[CE_GROUP_MAX];
	size_t		 i, k, h;
	int		 m;

	for (k = 0; k < g->q->ngroup; k++) {
		gmap[k] = arena_alloc(g->a, (s->str.n + 1) * sizeof(int64_t));
		for (i = 0; i <= s->str.n; i++)
			gmap[k][i] = -1;
	}
	g->scanned += n;
	for (i = 0; i < n; i++) {
		const struct ce_row	*r = &s->rows[idx[i]];
		uint32_t		 gid[CE_GROUP_MAX] = { 0, 0 };
		uint64_t		 key;
		int64_t			 v[CE_NMETRICS];
		struct ce_cell		*c;

		for (k = 0; k < g->q->ngroup; k++) {
			uint32_t sid = r->d[g->q->group[k]];

			if (gmap[k][sid] < 0)
				gmap[k][sid] = strtab_add(&g->keys,
				    s->str.s[sid]);
			gid[k] = (uint32_t)gmap[k][sid];
		}
		key = ((uint64_t)g->bucket_of[r->day - g->q->start] << 42) |
		    ((uint64_t)gid[0] << 21) | gid[1];
		for (h = cell_hash(key) & g->hmask;
		    g->hkeys[h] != 0 && g->hkeys[h] != key + 1;
		    h = (h + 1) & g->hmask)
			;
		if (g->hkeys[h] == 0) {
			if (g->ncells >= CE_CELLS_MAX || g->keys.n >= (1u << 21))
				return (err_set(e, ERR_LIMIT,
				    "LimitExceededException", NULL,
				    "the query has more than %u groups",
				    CE_CELLS_MAX));
			if (g->ncells == g->cap) {
				g->cap = g->cap ? g->cap * 2 : 256;
				g->cells = xrealloc(g->cells,
				    g->cap * sizeof(*g->cells));
			}
			c = &g->cells[g->ncells];
			memset(c, 0, sizeof(*c));
			c->bucket = g->bucket_of[r->day - g->q->start];
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
				    "LimitExceededException", NULL,
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
	int64_t		 d, ndays, b;
	size_t		 i, nb;
	uint32_t	*ord, *rank;
	int		 rc = -1, m;

	memset(res, 0, sizeof(*res));
	snprintf(res->currency, sizeof(res->currency), "USD");
	if (q->start >= q->end)
		return (err_set(e, ERR_INVALID, "ValidationException", NULL,
		    "the start date must be before the end date"));
	ndays = q->end - q->start;
	if (ndays > CE_DAYS_MAX)
		return (err_set(e, ERR_INVALID, "ValidationException", NULL,
		    "the time period is longer than %d days", CE_DAYS_MAX));
	memset(&g, 0, sizeof(g));
	g.sc = sc;
	g.q = q;
	g.a = a;
	g.bucket_of = arena_alloc(a, (size_t)ndays * sizeof(uint32_t));
	res->bstart = arena_alloc(a, (size_t)ndays * sizeof(int64_t));
	res->bend = arena_alloc(a, (size_t)ndays * sizeof(int64_t));
	nb = 0;
	for (d = q->start; d < q->end; d = b) {
		b = q->monthly ? ce_month_next(d) : d + 1;
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
	if (ce_scan(st, a, sc, q->start, q->end, q->filter, agg_visit, &g,
	    e) == -1)
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

/* ---- Dimension values ------------------------------------------------- */

struct dv {
	enum ce_dim	 dim;
	const char	*search;
	struct strtab	 vals;
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

static int
dv_visit(void *arg, const struct ce_set *s, const uint32_t *idx,
    const char **rowcust, const struct ce_price *price, size_t n,
    struct err *e)
{
	struct dv	*d = arg;
	uint8_t		*seen;
	size_t		 i;

	(void)rowcust;
	(void)price;
	(void)e;
	seen = xcalloc(s->str.n + 1, 1);
	for (i = 0; i < n; i++) {
		uint32_t sid = s->rows[idx[i]].d[d->dim];

		if (seen[sid])
			continue;
		seen[sid] = 1;
		if (d->search == NULL || contains_ci(s->str.s[sid], d->search))
			strtab_add(&d->vals, s->str.s[sid]);
	}
	xfree(seen);
	return (0);
}

static int
str_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

int
ce_dimension_values(struct store *st, struct arena *a,
    const struct ce_scope *sc, enum ce_dim dim, int64_t start, int64_t end,
    const char *search, const char ***out, size_t *n_out, struct err *e)
{
	struct dv	 d;
	const char	**v;
	size_t		 i;

	if (start >= end)
		return (err_set(e, ERR_INVALID, "ValidationException", NULL,
		    "the start date must be before the end date"));
	if (end - start > CE_DAYS_MAX)
		return (err_set(e, ERR_INVALID, "ValidationException", NULL,
		    "the time period is longer than %d days", CE_DAYS_MAX));
	memset(&d, 0, sizeof(d));
	d.dim = dim;
	d.search = search;
	strtab_init(&d.vals);
	if (ce_scan(st, a, sc, start, end, NULL, dv_visit, &d, e) == -1) {
		strtab_release(&d.vals);
		return (-1);
	}
	v = arena_alloc(a, (d.vals.n + 1) * sizeof(*v));
	for (i = 0; i < d.vals.n; i++)
		v[i] = arena_strdup(a, d.vals.s[i]);
	qsort(v, d.vals.n, sizeof(*v), str_cmp);
	*out = v;
	*n_out = d.vals.n;
	strtab_release(&d.vals);
	return (0);
}
