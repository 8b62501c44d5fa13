/* SPDX-License-Identifier: MIT */
/*
 * The MSP's reconciliation of a period: its payer's whole bill by class
 * against the customers' invoices computed now (billing/paid.h has the
 * identity). See invoice.h.
 */

#include <stdio.h>
#include <string.h>

#include "billing/invoice.h"
#include "billing/invoice_internal.h"
#include "billing/paid.h"
#include "core/clock.h"

int
invoice_reconcile(struct store *st, struct arena *a,
    const struct principal *who, const char *period, struct recon *out,
    struct err *e)
{
	struct billing_source	*src;
	struct recon_account	*ra;
	struct customer		*cv;
	struct invoice_doc	 d;
	struct month		 m;
	struct arena		 t;
	size_t			 nsrc, nra, nc, i;
	int64_t			 v;

	memset(out, 0, sizeof(*out));
	snprintf(out->period, sizeof(out->period), "%s", period);
	if (!month_valid(period))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "period: expected YYYY-MM"));
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	arena_init(&t);
	/* The SQL side: every line of the paid sources, by class. */
	if (invoice_require(st, who, e) == -1 ||
	    paid_payer(st, out->payer_id, e) == -1 ||
	    paid_sources(st, a, period, period, &src, &nsrc, e) == -1 ||
	    store_recon_accounts(st, a, src, nsrc, &ra, &nra, e) == -1 ||
	    customer_page(st, a, "", 1000000, &cv, &nc, e) == -1 ||
	    invoice_month_load(st, a, period, "", &m, e) == -1)
		goto fail;
	out->sources = nsrc;
	for (i = 0; i < nra; i++) {
		int64_t	*cls[3] = { &out->billed, &out->unassigned,
		    &out->out_of_membership };

		if (money_add(&out->aws_total, ra[i].unblended) == -1 ||
		    money_add(cls[paid_class(1, ra[i].customer_id[0] !=
		    '\0')], ra[i].in_membership) == -1 ||
		    money_add(cls[PAID_OUTSIDE], ra[i].unblended -
		    ra[i].in_membership) == -1)
			goto overflow;
	}
	/* The engine's side: each customer's invoice computed now. */
	out->v = arena_zalloc(a, sizeof(*out->v) * (nc + 1));
	for (i = 0; i < nc; i++) {
		struct recon_customer *rc = &out->v[out->n];

		/* Margins in USD before tax (billed_usd), whatever the
		 * invoice currency. */
		if (invoice_compute(st, &t, &m, &cv[i], NULL, &d, e) == -1)
			goto fail;
		if (d.n == 0) {
			arena_reset(&t);
			continue;
		}
		snprintf(rc->customer_id, sizeof(rc->customer_id), "%s",
		    cv[i].id);
		snprintf(rc->name, sizeof(rc->name), "%s", cv[i].name);
		rc->aws_cost = d.h.aws_cost;
		rc->billed_usd = d.h.billed_usd;
		rc->margin = rc->billed_usd - rc->aws_cost;
		if (money_add(&out->customers_aws, rc->aws_cost) == -1 ||
		    money_add(&out->billed_usd, rc->billed_usd) == -1 ||
		    money_add(&out->margin, rc->margin) == -1)
			goto overflow;
		out->n++;
		arena_reset(&t);
	}
	v = out->aws_total;
	if (__builtin_sub_overflow(v, out->customers_aws, &v) ||
	    __builtin_sub_overflow(v, out->unassigned, &v) ||
	    __builtin_sub_overflow(v, out->out_of_membership, &v))
		goto overflow;
	out->difference = v;
	store_rollback(st);
	arena_release(&t);
	return (0);
overflow:
	err_set(e, ERR_LIMIT, NULL, NULL, "a sum of %s overflows", period);
fail:
	store_rollback(st);
	arena_release(&t);
	return (-1);
}
