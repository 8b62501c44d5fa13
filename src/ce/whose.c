/* SPDX-License-Identifier: MIT */
/*
 * The two views of whose cost it is (billing/paid.h) that are not Cost
 * Explorer queries: the MSP's bill split by class, and a customer's
 * history from reference files ("before the MSP"). Both read the import
 * cache (query.c) like every other view.
 */
#include <stdio.h>
#include <string.h>

#include "billing/money.h"
#include "billing/paid.h"
#include "ce/ce.h"
#include "ce/internal.h"

/* Sums the paid sources' lines of [start, end) by class. */
static int
split_visit(void *arg, const struct ce_set *s, const uint32_t *idx,
    const char **rowcust, const struct ce_price *price, size_t n,
    struct err *e)
{
	int64_t	*v = arg;
	size_t	 i;

	(void)price;
	for (i = 0; i < n; i++) {
		const struct ce_row *r = &s->rows[idx[i]];
		int c = paid_class(r->in_membership, rowcust[i] != NULL);

		if (money_add(&v[c], r->unblended) == -1)
			return (err_set(e, ERR_LIMIT, NULL, NULL,
			    "a sum overflows"));
	}
	return (0);
}

int
ce_paid_split(struct store *st, struct arena *a, const struct ce_scope *sc,
    int64_t start, int64_t end, int64_t out[3], struct err *e)
{
	memset(out, 0, 3 * sizeof(*out));
	if (!sc->msp)
		return (err_set(e, ERR_DENIED, AWSERR(AccessDeniedException),
		    NULL,
		    "the split of the bill is the MSP's view"));
	return (ce_scan(st, a, sc, start, end, NULL, split_visit, out, e));
}

int
ce_history(struct store *st, struct arena *a, const struct ce_scope *sc,
    const char *from, const char *to, struct ce_history **out,
    size_t *n_out, struct err *e)
{
	struct billing_source	*src;
	struct ce_history	*v;
	size_t			 nsrc, i, k, n = 0;
	int			 rc = -1;

	*out = NULL;
	*n_out = 0;
	if (sc->msp || sc->customer_id[0] == '\0')
		return (0);
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	if (paid_history(st, a, from, to, &src, &nsrc, e) == -1)
		goto out;
	v = arena_zalloc(a, (nsrc + 1) * sizeof(*v));
	for (i = 0; i < nsrc; i++) {
		struct ce_set	*s;
		uint8_t		*mine;
		int64_t		 sum = 0;
		size_t		 lines = 0;

		if ((s = ce_set_get(st, &src[i], 0, e)) == NULL)
			goto out;
		/* Which account strings of this set are the customer's. */
		mine = arena_zalloc(a, s->str.n + 1);
		for (k = 0; k < sc->nowners; k++) {
			int64_t id = strtab_find(&s->str,
			    sc->owners[k].account_id);
			if (id >= 0)
				mine[id] = 1;
		}
		for (k = 0; k < s->nrows; k++) {
			if (!mine[s->rows[k].d[CE_LINKED_ACCOUNT]])
				continue;
			if (money_add(&sum, s->rows[k].unblended) == -1) {
				ce_set_put(s);
				err_set(e, ERR_LIMIT, NULL, NULL,
				    "a sum overflows");
				goto out;
			}
			lines++;
		}
		ce_set_put(s);
		if (lines == 0)
			continue;
		snprintf(v[n].period, sizeof(v[n].period), "%s", src[i].period);
		snprintf(v[n].payer_id, sizeof(v[n].payer_id), "%s",
		    src[i].payer_id);
		snprintf(v[n].currency, sizeof(v[n].currency), "%s",
		    src[i].currency);
		v[n].unblended = sum;
		n++;
	}
	*out = v;
	*n_out = n;
	rc = 0;
out:
	store_rollback(st);
	return (rc);
}
