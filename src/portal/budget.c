/* SPDX-License-Identifier: MIT */
/*
 * Budgets: a monthly amount per customer or account with thresholds on
 * the actual and the forecast month-end cost (at the customer's prices),
 * alerts recorded once per budget, month and kind, and their webhooks
 * queued in the same transaction. See portal.h.
 */
#include <stdio.h>
#include <string.h>

#include "billing/money.h"
#include "core/codec.h"
#include "onboard/onboard.h"
#include "portal/portal.h"

void	ce_new_id(const char *, char *, size_t);

int
budget_create(struct store *st, const struct budget_input *in,
    struct budget *out, struct err *e)
{
	struct budget		 b;
	struct customer		 c;
	struct customer_account	 ca;
	int64_t			 v;
	unsigned char		 r[24];

	memset(&b, 0, sizeof(b));
	if (in->customer_id == NULL || customer_find(st, in->customer_id,
	    &c, e) == -1)
		return (in->customer_id == NULL ? err_set(e, ERR_INVALID, NULL,
		    NULL, "customer: required") : -1);
	snprintf(b.customer_id, sizeof(b.customer_id), "%s", c.id);
	if (in->account_id != NULL && *in->account_id != '\0') {
		if (account_owner(st, in->account_id, &ca,
		    NULL) == -1 || strcmp(ca.customer_id, c.id) != 0)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "account: %s is not an account of %s",
			    in->account_id, c.id));
		snprintf(b.account_id, sizeof(b.account_id), "%s",
		    in->account_id);
	}
	if (in->name == NULL || *in->name == '\0' ||
	    strlen(in->name) > BUDGET_NAME_MAX)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "name: 1 to %d characters", BUDGET_NAME_MAX));
	snprintf(b.name, sizeof(b.name), "%s", in->name);
	if (in->amount == NULL || money_parse(in->amount, strlen(in->amount),
	    MONEY_DIGITS, &b.amount) != MONEY_OK || b.amount <= 0)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "amount: a positive number"));
	b.actual_pct = b.forecast_pct = 100;
	if (in->actual_pct != NULL && *in->actual_pct != '\0') {
		if (money_parse(in->actual_pct, strlen(in->actual_pct), 0,
		    &v) != MONEY_OK || v < 0 || v > 1000)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "actual threshold: a percentage 0..1000"));
		b.actual_pct = v;
	}
	if (in->forecast_pct != NULL && *in->forecast_pct != '\0') {
		if (money_parse(in->forecast_pct, strlen(in->forecast_pct), 0,
		    &v) != MONEY_OK || v < 0 || v > 1000)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "forecast threshold: a percentage 0..1000"));
		b.forecast_pct = v;
	}
	if (in->webhook_url != NULL && *in->webhook_url != '\0') {
		if (strncmp(in->webhook_url, "http://", 7) != 0 ||
		    strlen(in->webhook_url) > WEBHOOK_URL_MAX)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "webhook: an http:// URL of at most %d characters",
			    WEBHOOK_URL_MAX));
		snprintf(b.webhook_url, sizeof(b.webhook_url), "%s",
		    in->webhook_url);
	}
	if (in->webhook_secret != NULL && *in->webhook_secret != '\0') {
		if (strlen(in->webhook_secret) >= sizeof(b.webhook_secret))
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "secret: at most 71 characters"));
		snprintf(b.webhook_secret, sizeof(b.webhook_secret), "%s",
		    in->webhook_secret);
	} else {
		random_bytes(r, sizeof(r));
		b64url_encode(r, sizeof(r), b.webhook_secret);
	}
	ce_new_id("bud-", b.id, sizeof(b.id));
	b.created_at = store_now(st);
	if (store_budget_insert(st, &b, e) == -1)
		return (-1);
	if (out != NULL)
		*out = b;
	return (0);
}

static int
one_status(struct store *st, struct arena *a, const struct budget *b,
    int64_t today, struct budget_status *out, struct err *e)
{
	struct ce_scope		 sc;
	struct ce_query		 q;
	struct ce_result	 res;
	struct ce_forecast	 f;
	struct ce_expr		 x;
	const char		*vals[1];
	struct err		 fe;

	memset(out, 0, sizeof(*out));
	out->b = *b;
	if (ce_scope_customer(st, a, b->customer_id, &sc, e) == -1)
		return (-1);
	memset(&q, 0, sizeof(q));
	q.start = ce_month_start(today);
	q.end = today + 1;
	q.monthly = 1;
	if (b->account_id[0] != '\0') {
		memset(&x, 0, sizeof(x));
		vals[0] = b->account_id;
		x.op = CE_DIMS;
		x.dim = CE_LINKED_ACCOUNT;
		x.values = vals;
		x.nvalues = 1;
		q.filter = &x;
	}
	if (ce_query_run(st, a, &sc, &q, &res, e) == -1)
		return (-1);
	out->actual = res.nbuckets > 0 ? res.total[0][CE_UNBLENDED] : 0;
	out->forecast = out->actual;
	err_clear(&fe);
	if (today + 1 < ce_month_next(today) &&
	    ce_forecast_run(st, a, &sc, CE_UNBLENDED, today + 1,
	    ce_month_next(today), 0, q.filter, 80, &f, &fe) == 0)
		out->forecast += f.total;
	out->actual_over = b->actual_pct > 0 &&
	    (__int128)out->actual * 100 >= (__int128)b->amount * b->actual_pct;
	out->forecast_over = b->forecast_pct > 0 &&
	    (__int128)out->forecast * 100 >=
	    (__int128)b->amount * b->forecast_pct;
	return (0);
}

static int
alert(struct store *st, const struct budget *b, const char *period,
    const char *kind, int64_t pct, int64_t value, struct err *e)
{
	struct budget_alert	 al;
	int			 created;

	memset(&al, 0, sizeof(al));
	ce_new_id("alr-", al.id, sizeof(al.id));
	snprintf(al.budget_id, sizeof(al.budget_id), "%s", b->id);
	snprintf(al.period, sizeof(al.period), "%s", period);
	snprintf(al.kind, sizeof(al.kind), "%s", kind);
	al.threshold_pct = pct;
	al.value = value;
	al.amount = b->amount;
	al.created_at = store_now(st);
	return (store_budget_alert_add(st, &al, b->webhook_url, &created, e));
}

int
budget_check(struct store *st, struct arena *a, const char *customer_id,
    struct budget_status **out, size_t *n_out, struct err *e)
{
	struct budget		*v;
	struct budget_status	*s;
	size_t			 n, i;
	int64_t			 today = ce_today(st);
	char			 day[11], period[8];

	ce_day_format(today, day, sizeof(day));
	snprintf(period, sizeof(period), "%.7s", day);
	if (store_budget_list(st, a, customer_id, 1000, &v, &n, e) == -1)
		return (-1);
	s = arena_zalloc(a, (n + 1) * sizeof(*s));
	for (i = 0; i < n; i++) {
		if (one_status(st, a, &v[i], today, &s[i], e) == -1)
			return (-1);
		if (!s[i].actual_over && !s[i].forecast_over)
			continue;
		if (store_begin(st, STORE_WRITE, e) == -1)
			return (-1);
		if ((s[i].actual_over && alert(st, &v[i], period, "ACTUAL",
		    v[i].actual_pct, s[i].actual, e) == -1) ||
		    (s[i].forecast_over && alert(st, &v[i], period,
		    "FORECASTED", v[i].forecast_pct, s[i].forecast,
		    e) == -1)) {
			store_rollback(st);
			return (-1);
		}
		if (store_commit(st, e) == -1)
			return (-1);
	}
	if (out != NULL) {
		*out = s;
		*n_out = n;
	}
	return (0);
}
