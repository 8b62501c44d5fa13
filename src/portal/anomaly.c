/* SPDX-License-Identifier: MIT */
/*
 * Anomaly detection on the daily cost of each (account, service) against
 * its own baseline: the ANOMALY_BASELINE_DAYS days before (mean and
 * population standard deviation; days without cost count as 0), once
 * the series has 14 days of history. Derived
 * on read from the rollups; only acknowledge/dismiss is stored. See
 * portal.h.
 */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codec.h"
#include "portal/portal.h"

/* Newest day first; within a day the largest impact first. */
static int
newest_first(const void *pa, const void *pb)
{
	const struct anomaly	*a = pa, *b = pb;

	if (a->day != b->day)
		return (a->day < b->day ? 1 : -1);
	if (a->impact != b->impact)
		return (a->impact < b->impact ? 1 : -1);
	return (strcmp(a->id, b->id));
}

static void
anomaly_id(const char *scope, const char *acct, const char *svc,
    int64_t day, char out[33])
{
	unsigned char	 md[crypto_hash_sha256_BYTES];
	char		 key[512];

	snprintf(key, sizeof(key), "%s|%s|%s|%lld", scope, acct, svc,
	    (long long)day);
	crypto_hash_sha256(md, (const unsigned char *)key, strlen(key));
	hex_encode(md, 16, out);
}

/* The usage type of (account, service) whose cost on `day` rose most
 * above its baseline mean. */
static void
root_cause(struct store *st, struct arena *a, const struct ce_scope *sc,
    struct anomaly *an)
{
	struct ce_query		 q;
	struct ce_result	 res;
	struct ce_expr		 x[3], *kids[2];
	const char		*va[1], *vs[1];
	struct err		 e;
	size_t			 i;
	int64_t			 best = INT64_MIN;

	memset(x, 0, sizeof(x));
	va[0] = an->account_id;
	vs[0] = an->service;
	x[1].op = x[2].op = CE_DIMS;
	x[1].dim = CE_LINKED_ACCOUNT;
	x[1].values = va;
	x[1].nvalues = 1;
	x[2].dim = CE_SERVICE;
	x[2].values = vs;
	x[2].nvalues = 1;
	kids[0] = &x[1];
	kids[1] = &x[2];
	x[0].op = CE_AND;
	x[0].kids = kids;
	x[0].nkids = 2;
	memset(&q, 0, sizeof(q));
	q.start = an->day - ANOMALY_BASELINE_DAYS;
	q.end = an->day + 1;
	q.group[0] = CE_USAGE_TYPE;
	q.ngroup = 1;
	q.filter = &x[0];
	err_clear(&e);
	if (ce_query_run(st, a, sc, &q, &res, &e) == -1)
		return;
	/* Per usage type: cost on the day minus its baseline mean. */
	for (i = 0; i < res.nkeys; i++) {
		int64_t	 day = 0, base = 0, delta;
		size_t	 c;

		for (c = 0; c < res.ncells; c++) {
			if (res.cells[c].g[0] != i)
				continue;
			if (res.bstart[res.cells[c].bucket] == an->day)
				day += res.cells[c].v[CE_UNBLENDED];
			else
				base += res.cells[c].v[CE_UNBLENDED];
		}
		delta = day - base / ANOMALY_BASELINE_DAYS;
		if (delta > best) {
			best = delta;
			snprintf(an->usage_type, sizeof(an->usage_type), "%s",
			    res.keys[i]);
		}
	}
}

int
anomaly_detect(struct store *st, struct arena *a, const struct ce_scope *sc,
    int64_t start, int64_t end, double k, struct anomaly **out,
    size_t *n_out, struct err *e)
{
	struct ce_query		 q;
	struct ce_result	 res;
	struct anomaly_mark	*marks;
	struct anomaly		*v = NULL;
	size_t			 nmarks = 0, n = 0, cap = 0, c, i, pairs;
	int64_t			 ndays, *series;
	uint32_t		*pair_of;
	const char		*scope = sc->msp ? "msp" : sc->customer_id;

	memset(&q, 0, sizeof(q));
	q.start = start - ANOMALY_BASELINE_DAYS;
	q.end = end;
	q.group[0] = CE_LINKED_ACCOUNT;
	q.group[1] = CE_SERVICE;
	q.ngroup = 2;
	if (ce_query_run(st, a, sc, &q, &res, e) == -1)
		return (-1);
	if (store_anomaly_marks(st, a, scope, 10000, &marks, &nmarks,
	    e) == -1)
		return (-1);
	ndays = q.end - q.start;
	/* Dense series per (account, service) pair seen. */
	pair_of = arena_alloc(a, (res.nkeys * res.nkeys + 1) *
	    sizeof(*pair_of));
	memset(pair_of, 0xff, (res.nkeys * res.nkeys + 1) * sizeof(*pair_of));
	pairs = 0;
	for (c = 0; c < res.ncells; c++) {
		size_t p = res.cells[c].g[0] * res.nkeys + res.cells[c].g[1];
		if (pair_of[p] == UINT32_MAX)
			pair_of[p] = (uint32_t)pairs++;
	}
	series = arena_zalloc(a, (pairs * (size_t)ndays + 1) *
	    sizeof(*series));
	for (c = 0; c < res.ncells; c++) {
		size_t p = pair_of[res.cells[c].g[0] * res.nkeys +
		    res.cells[c].g[1]];
		series[p * (size_t)ndays + res.cells[c].bucket] +=
		    res.cells[c].v[CE_UNBLENDED];
	}
	for (c = 0; c < res.nkeys * res.nkeys; c++) {
		int64_t	*y;

		if (pair_of[c] == UINT32_MAX)
			continue;
		int64_t	 first;

		y = series + (size_t)pair_of[c] * (size_t)ndays;
		/* A baseline needs 14 days since the series began: a new
		 * service or account is not an anomaly on its first days. */
		for (first = 0; first < ndays && y[first] == 0; first++)
			;
		for (int64_t d = first + ANOMALY_BASELINE_DAYS; d < ndays;
		    d++) {
			double	 mean = 0, var = 0, cost = (double)y[d];
			int	 j;

			for (j = 1; j <= ANOMALY_BASELINE_DAYS; j++)
				mean += (double)y[d - j];
			mean /= ANOMALY_BASELINE_DAYS;
			for (j = 1; j <= ANOMALY_BASELINE_DAYS; j++)
				var += ((double)y[d - j] - mean) *
				    ((double)y[d - j] - mean);
			var /= ANOMALY_BASELINE_DAYS;
			if (cost <= mean + k * sqrt(var) ||
			    cost - mean < (double)ANOMALY_MIN_IMPACT)
				continue;
			if (n == cap) {
				struct anomaly *nv;

				cap = cap ? cap * 2 : 16;
				nv = arena_alloc(a, cap * sizeof(*nv));
				if (n > 0)
					memcpy(nv, v, n * sizeof(*nv));
				v = nv;
			}
			memset(&v[n], 0, sizeof(v[n]));
			snprintf(v[n].account_id, sizeof(v[n].account_id),
			    "%s", res.keys[c / res.nkeys]);
			snprintf(v[n].service, sizeof(v[n].service), "%s",
			    res.keys[c % res.nkeys]);
			{
				const char *o = ce_scope_owner(sc,
				    v[n].account_id);
				snprintf(v[n].customer_id,
				    sizeof(v[n].customer_id), "%s",
				    o != NULL ? o : "");
			}
			v[n].day = q.start + d;
			v[n].cost = y[d];
			v[n].expected = (int64_t)llround(mean);
			v[n].impact = y[d] - v[n].expected;
			anomaly_id(scope, v[n].account_id, v[n].service,
			    v[n].day, v[n].id);
			snprintf(v[n].status, sizeof(v[n].status), "OPEN");
			for (i = 0; i < nmarks; i++)
				if (strcmp(marks[i].anomaly_id, v[n].id) == 0)
					snprintf(v[n].status,
					    sizeof(v[n].status), "%s",
					    marks[i].status);
			root_cause(st, a, sc, &v[n]);
			n++;
			if (n >= 1000)
				goto done;
		}
	}
done:
	if (n > 1)	/* v is NULL when nothing was found */
		qsort(v, n, sizeof(*v), newest_first);
	*out = v;
	*n_out = n;
	return (0);
}

int
anomaly_set_status(struct store *st, const char *scope,
    const char *anomaly_id_s, const char *status, const char *by,
    struct err *e)
{
	struct anomaly_mark	 m;

	if (strcmp(status, "ACKNOWLEDGED") != 0 &&
	    strcmp(status, "DISMISSED") != 0)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "status: ACKNOWLEDGED or DISMISSED"));
	if (strlen(anomaly_id_s) != 32)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "not an anomaly id"));
	memset(&m, 0, sizeof(m));
	snprintf(m.anomaly_id, sizeof(m.anomaly_id), "%s", anomaly_id_s);
	snprintf(m.status, sizeof(m.status), "%s", status);
	snprintf(m.by_user, sizeof(m.by_user), "%s", by);
	m.at = store_now(st);
	return (store_anomaly_mark(st, scope, &m, e));
}
