/* SPDX-License-Identifier: MIT */
/*
 * Whose cost it is: which imports are the MSP's (paid sources), which are
 * a customer's history (reference), and which deliveries may be imported
 * as which. See paid.h; docs/billing.md "Whose cost it is".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/paid.h"
#include "core/clock.h"
#include "onboard/onboard.h"

int
paid_payer(struct store *st, char out[ACCOUNT_ID_LEN + 1], struct err *e)
{
	struct msp	 m;

	if (msp_get(st, &m, e) == -1) {
		if (e->code == ERR_NOT_FOUND)
			return (err_set(e, ERR_NOT_FOUND,
			    AWSERR(DataUnavailableException), NULL,
			    "no MSP is named yet (payerlink msp set): "
			    "nothing is billed until then"));
		return (-1);
	}
	snprintf(out, ACCOUNT_ID_LEN + 1, "%s", m.account_id);
	return (0);
}

int
paid_hourly(struct store *st, struct err *e)
{
	struct msp	 m;

	if (msp_get(st, &m, e) == -1) {
		if (e->code != ERR_NOT_FOUND)
			return (-1);
		err_clear(e);
		return (0);
	}
	return (m.hourly_resource_data != 0);
}

/* YYYY-MM of ms. */
static void
month_of(int64_t ms, char out[8])
{
	int		 y;
	unsigned	 m, d;

	clock_civil_from_days(ms / MS_PER_DAY, &y, &m, &d);
	snprintf(out, 8, "%04d-%02u", y, m);
}

int
paid_rule_load(struct store *st, struct arena *a, struct paid_rule *out,
    struct err *e)
{
	struct transfer	*t;
	size_t		 n, i;

	memset(out, 0, sizeof(*out));
	if (paid_payer(st, out->msp_payer, e) == -1) {
		if (e->code != ERR_NOT_FOUND)
			return (-1);
		err_clear(e);
		out->msp_payer[0] = '\0';
		return (0);
	}
	if ((out->hourly = paid_hourly(st, e)) == -1)
		return (-1);
	if (store_transfer_paid(st, a, out->msp_payer, &t, &n, e) == -1)
		return (-1);
	out->transfers = arena_zalloc(a, (n + 1) * sizeof(*out->transfers));
	for (i = 0; i < n; i++) {
		struct paid_payer *w = &out->transfers[i];

		snprintf(w->payer_id, sizeof(w->payer_id), "%s",
		    t[i].source_mgmt_id);
		month_of(t[i].start_at, w->from);
		if (t[i].end_at != 0)
			month_of(t[i].end_at, w->to);
		snprintf(w->transfer_id, sizeof(w->transfer_id), "%s", t[i].id);
		snprintf(w->org_id, sizeof(w->org_id), "%s", t[i].source_org_id);
	}
	out->ntransfers = n;
	return (0);
}

/* Whether window w has a month in [from, to]. */
static int
window_meets(const struct paid_payer *w, const char *from, const char *to)
{
	return (strcmp(w->from, to) <= 0 &&
	    (w->to[0] == '\0' || strcmp(w->to, from) >= 0));
}

const struct paid_payer *
paid_transfer_of(const struct paid_rule *rule, const char *p,
    const char *period)
{
	size_t	 i;

	for (i = 0; i < rule->ntransfers; i++)
		if (strcmp(rule->transfers[i].payer_id, p) == 0 &&
		    window_meets(&rule->transfers[i], period, period))
			return (&rule->transfers[i]);
	return (NULL);
}

int
paid_payers(struct store *st, struct arena *a, const char *from,
    const char *to, struct paid_payer **out, size_t *n_out, struct err *e)
{
	struct paid_rule	 rule;
	struct paid_payer	*v;
	size_t			 i, n = 0;

	*out = NULL;
	*n_out = 0;
	if (paid_rule_load(st, a, &rule, e) == -1)
		return (-1);
	if (rule.msp_payer[0] == '\0')
		return (paid_payer(st, rule.msp_payer, e));
	v = arena_zalloc(a, (rule.ntransfers + 1) * sizeof(*v));
	snprintf(v[n++].payer_id, sizeof(v->payer_id), "%s", rule.msp_payer);
	for (i = 0; i < rule.ntransfers; i++)
		if (window_meets(&rule.transfers[i], from, to))
			v[n++] = rule.transfers[i];
	*out = v;
	*n_out = n;
	return (0);
}

enum paid_kind
paid_import_kind(const struct paid_rule *rule, const struct billing_import *im)
{
	if (strcmp(im->role, PAID_ROLE_REFERENCE) == 0)
		return (PAID_KIND_REFERENCE);
	if (rule->msp_payer[0] != '\0' &&
	    strcmp(im->payer_id, rule->msp_payer) == 0)
		return (PAID_KIND_BILL);
	if (paid_transfer_of(rule, im->payer_id, im->period) != NULL)
		return (PAID_KIND_TRANSFER);
	return (PAID_KIND_OTHER);
}

static int
source_cmp(const void *x, const void *y)
{
	const struct billing_source	*a = x, *b = y;
	int				 c = strcmp(a->period, b->period);

	return (c != 0 ? c : strcmp(a->payer_id, b->payer_id));
}

int
paid_sources(struct store *st, struct arena *a, const char *from,
    const char *to, struct billing_source **out, size_t *n_out,
    struct err *e)
{
	struct paid_payer	*p;
	struct billing_source	*v, *all = NULL, *grown;
	size_t			 np, n, i, total = 0;
	const char		*lo, *hi;

	*out = NULL;
	*n_out = 0;
	if (paid_payers(st, a, from, to, &p, &np, e) == -1)
		return (-1);
	/* Each payer in its months: the MSP's every month, a transfer's
	 * source in the months of its transfer only. */
	for (i = 0; i < np; i++) {
		lo = p[i].from[0] != '\0' && strcmp(p[i].from, from) > 0 ?
		    p[i].from : from;
		hi = p[i].to[0] != '\0' && strcmp(p[i].to, to) < 0 ?
		    p[i].to : to;
		if (store_billing_sources(st, a, p[i].payer_id,
		    PAID_ROLE_BILLING, lo, hi, &v, &n, e) == -1)
			return (-1);
		if (n == 0)
			continue;
		if (np == 1) {
			all = v;
			total = n;
			break;
		}
		grown = arena_alloc(a, (total + n) * sizeof(*grown));
		if (total > 0)
			memcpy(grown, all, total * sizeof(*grown));
		memcpy(grown + total, v, n * sizeof(*grown));
		all = grown;
		total += n;
	}
	if (np > 1 && total > 1)
		qsort(all, total, sizeof(*all), source_cmp);
	*out = all;
	*n_out = total;
	return (0);
}

int
paid_members(struct store *st, struct arena *a, const char *customer_id,
    const char *period, int64_t start, int64_t end,
    struct invoice_member **out, size_t *n_out, struct err *e)
{
	struct paid_payer	*p;
	struct invoice_member	*v, *all = NULL, *grown;
	size_t			 np, n, i, total = 0;

	*out = NULL;
	*n_out = 0;
	if (paid_payers(st, a, period, period, &p, &np, e) == -1)
		return (-1);
	for (i = 0; i < np; i++) {
		if (store_invoice_members(st, a, customer_id, p[i].payer_id,
		    start, end, &v, &n, e) == -1)
			return (-1);
		if (n == 0)
			continue;
		grown = arena_alloc(a, (total + n) * sizeof(*grown));
		if (total > 0)
			memcpy(grown, all, total * sizeof(*grown));
		memcpy(grown + total, v, n * sizeof(*grown));
		all = grown;
		total += n;
	}
	*out = all;
	*n_out = total;
	return (0);
}

int
paid_history(struct store *st, struct arena *a, const char *from,
    const char *to, struct billing_source **out, size_t *n_out,
    struct err *e)
{
	return (store_billing_sources(st, a, "", PAID_ROLE_REFERENCE, from, to,
	    out, n_out, e));
}

/* A bill of payer p: 0 when p is a billing transfer's source and period a
 * month of its transfer (or not known yet), 1 when p is no source, -1
 * (with *e) when the month is outside its transfers. */
static int
transfer_bill_allowed(const struct paid_rule *rule, const char *p,
    const char *period, struct err *e)
{
	const struct paid_payer	*w = NULL;
	size_t			 i;

	for (i = 0; i < rule->ntransfers; i++) {
		if (strcmp(rule->transfers[i].payer_id, p) != 0)
			continue;
		w = &rule->transfers[i];
		if (period[0] == '\0' || window_meets(w, period, period))
			return (0);
	}
	if (w == NULL)
		return (1);
	return (err_set(e, ERR_INVALID, "InvalidPayer", NULL,
	    "the file's payer %s is the source of billing transfer %s, which "
	    "the MSP pays from %s to %s: its bill of %s is not the MSP's. To "
	    "keep it as the customer's history (never billed), import it with "
	    "--reference", p, w->transfer_id, w->from, w->to[0] != '\0' ?
	    w->to : "its end", period));
}

int
paid_import_allowed(const struct paid_rule *rule, const char *p, size_t len,
    const char *period, const char *role, struct err *e)
{
	const char	*msp_payer = rule->msp_payer;
	int		 reference = strcmp(role, PAID_ROLE_REFERENCE) == 0;
	int		 msps;
	char		 id[ACCOUNT_ID_LEN + 1];

	if (strcmp(role, PAID_ROLE_BILLING) != 0 && !reference)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "role: expected billing or reference"));
	if (msp_payer[0] == '\0')
		return (reference ? err_set(e, ERR_INVALID, NULL, NULL,
		    "--reference needs the MSP to be named first (payerlink "
		    "msp set): a reference file is another payer's than the "
		    "MSP's") : 0);
	msps = strlen(msp_payer) == len && memcmp(msp_payer, p, len) == 0;
	if (msps && reference)
		return (err_set(e, ERR_INVALID, "InvalidPayer", NULL,
		    "the file's payer %s is the MSP's own payer account: "
		    "import it as a bill (without --reference)", msp_payer));
	if (!msps && !reference && len == ACCOUNT_ID_LEN) {
		memcpy(id, p, len);
		id[len] = '\0';
		switch (transfer_bill_allowed(rule, id, period, e)) {
		case 0:
			return (0);
		case -1:
			return (-1);
		}
	}
	if (!msps && !reference)
		return (err_set(e, ERR_INVALID, "InvalidPayer", NULL,
		    "the file's payer %.*s is not the MSP's payer %s: only what "
		    "the MSP paid is billed. To keep it as a customer's history "
		    "(shown as \"before the MSP\", never billed), import it with "
		    "--reference", (int)(len > 16 ? 16 : len), p, msp_payer));
	return (0);
}
