/* SPDX-License-Identifier: MIT */
/*
 * Scopes: who asks and what they see (the MSP's payer, a customer, an
 * account of a customer); see ce.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/paid.h"
#include "ce/internal.h"
#include "onboard/onboard.h"

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
		} else if (customer_page(st, a, after, 100, &cv, &n,
		    e) == -1)
			return (-1);
		for (i = 0; i < n; i++) {
			if (customer_owned(st, a, cv[i].id, 100000,
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
	if (customer_find(st, customer_id, &c, e) == -1 ||
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
	if (account_owner(st, account_id, &ca, NULL) == 0)
		return (ce_scope_customer(st, a, ca.customer_id, sc, e));
	return (err_set(e, ERR_DENIED, AWSERR(AccessDeniedException), NULL,
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
