/* SPDX-License-Identifier: MIT */
/*
 * Budgets: a monthly amount per customer or account with thresholds on
 * the actual and the forecast month-end cost (at the customer's prices),
 * alerts recorded once per budget, month and kind, and their deliveries
 * (webhook, e-mail) queued in the same transaction. See portal.h.
 */
#include <stdio.h>
#include <string.h>

#include "billing/money.h"
#include "core/codec.h"
#include "onboard/onboard.h"
#include "portal/portal.h"

void	ce_new_id(const char *, char *, size_t);

/* "a@x.example, b@y.example" from a list separated by commas, semicolons
 * or blanks: at most BUDGET_RECIPIENTS_MAX plain addresses (no display
 * name, nothing a mail header could be split on). */
static int
recipients_parse(const char *in, char *out, size_t len, struct err *e)
{
	const char	*p = in, *w, *at;
	size_t		 n = 0, o = 0, wl, k;

	*out = '\0';
	for (;;) {
		p += strspn(p, ",; \t");
		if (*p == '\0')
			return (0);
		w = p;
		wl = strcspn(p, ",; \t");
		p += wl;
		at = memchr(w, '@', wl);
		for (k = 0; k < wl; k++)
			if ((unsigned char)w[k] <= ' ' ||
			    (unsigned char)w[k] >= 127 ||
			    strchr("<>()[]\\\":", w[k]) != NULL)
				break;
		if (k < wl || at == NULL || at == w || at == w + wl - 1 ||
		    memchr(at + 1, '@', wl - (size_t)(at - w) - 1) != NULL ||
		    memchr(at, '.', wl - (size_t)(at - w)) == NULL)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "e-mail: '%.*s' is not an e-mail address",
			    (int)(wl > 64 ? 64 : wl), w));
		if (++n > BUDGET_RECIPIENTS_MAX || o + wl + 2 >= len)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "e-mail: at most %d recipients, %d characters",
			    BUDGET_RECIPIENTS_MAX, BUDGET_EMAIL_TO_MAX));
		o += (size_t)snprintf(out + o, len - o, "%s%.*s",
		    o > 0 ? ", " : "", (int)wl, w);
	}
}

static int
threshold_parse(const char *s, const char *what, int64_t *out, struct err *e)
{
	int64_t	 v;

	if (s == NULL || *s == '\0')
		return (0);
	if (money_parse(s, strlen(s), 0, &v) != MONEY_OK || v < 0 || v > 1000)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "%s threshold: a percentage 0..1000", what));
	*out = v;
	return (0);
}

/* Applies what `in` gives to *b (see struct budget_input). */
static int
budget_apply(struct store *st, const struct budget_input *in,
    struct budget *b, struct err *e)
{
	struct customer_account	 ca;
	unsigned char		 r[24];

	if (in->account_id != NULL) {
		if (*in->account_id != '\0' && (account_owner(st,
		    in->account_id, &ca, NULL) == -1 ||
		    strcmp(ca.customer_id, b->customer_id) != 0))
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "account: %s is not an account of %s",
			    in->account_id, b->customer_id));
		snprintf(b->account_id, sizeof(b->account_id), "%s",
		    in->account_id);
	}
	if (in->name != NULL) {
		if (*in->name == '\0' || strlen(in->name) > BUDGET_NAME_MAX)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "name: 1 to %d characters", BUDGET_NAME_MAX));
		snprintf(b->name, sizeof(b->name), "%s", in->name);
	}
	if (in->amount != NULL && (money_parse(in->amount, strlen(in->amount),
	    MONEY_DIGITS, &b->amount) != MONEY_OK || b->amount <= 0))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "amount: a positive number"));
	if (threshold_parse(in->actual_pct, "actual", &b->actual_pct, e) == -1 ||
	    threshold_parse(in->forecast_pct, "forecast", &b->forecast_pct,
	    e) == -1)
		return (-1);
	if (in->webhook_url != NULL) {
		if (*in->webhook_url != '\0' &&
		    (strncmp(in->webhook_url, "http://", 7) != 0 ||
		    strlen(in->webhook_url) > WEBHOOK_URL_MAX))
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "webhook: an http:// URL of at most %d characters",
			    WEBHOOK_URL_MAX));
		snprintf(b->webhook_url, sizeof(b->webhook_url), "%s",
		    in->webhook_url);
	}
	if (in->webhook_secret != NULL && *in->webhook_secret != '\0') {
		if (strlen(in->webhook_secret) >= sizeof(b->webhook_secret))
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "secret: at most 71 characters"));
		snprintf(b->webhook_secret, sizeof(b->webhook_secret), "%s",
		    in->webhook_secret);
	} else if (b->webhook_secret[0] == '\0') {
		random_bytes(r, sizeof(r));
		b64url_encode(r, sizeof(r), b->webhook_secret);
	}
	if (in->email_to != NULL && recipients_parse(in->email_to,
	    b->email_to, sizeof(b->email_to), e) == -1)
		return (-1);
	return (0);
}

int
budget_create(struct store *st, const struct budget_input *in,
    struct budget *out, struct err *e)
{
	struct budget		 b;
	struct customer		 c;

	memset(&b, 0, sizeof(b));
	if (in->customer_id == NULL || customer_find(st, in->customer_id,
	    &c, e) == -1)
		return (in->customer_id == NULL ? err_set(e, ERR_INVALID, NULL,
		    NULL, "customer: required") : -1);
	snprintf(b.customer_id, sizeof(b.customer_id), "%s", c.id);
	b.actual_pct = BUDGET_DEFAULT_ACTUAL_PCT;
	b.forecast_pct = BUDGET_DEFAULT_FORECAST_PCT;
	if (in->name == NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "name: 1 to %d characters", BUDGET_NAME_MAX));
	if (in->amount == NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "amount: a positive number"));
	if (budget_apply(st, in, &b, e) == -1)
		return (-1);
	ce_new_id("bud-", b.id, sizeof(b.id));
	b.created_at = store_now(st);
	if (store_budget_insert(st, &b, e) == -1)
		return (-1);
	if (out != NULL)
		*out = b;
	return (0);
}

int
budget_get(struct store *st, const char *customer_id, const char *id,
    struct budget *out, struct err *e)
{
	if (store_budget_get(st, id, out, e) == -1)
		return (-1);
	if (*customer_id != '\0' && strcmp(out->customer_id,
	    customer_id) != 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "budget %s does not exist", id));
	return (0);
}

int
budget_update(struct store *st, const char *customer_id, const char *id,
    const struct budget_input *in, struct budget *out, struct err *e)
{
	struct budget	 b;

	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (budget_get(st, customer_id, id, &b, e) == -1 ||
	    budget_apply(st, in, &b, e) == -1 ||
	    store_budget_update(st, &b, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	if (out != NULL)
		*out = b;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
budget_delete(struct store *st, const char *customer_id, const char *id,
    struct err *e)
{
	struct budget	 b;

	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (budget_get(st, customer_id, id, &b, e) == -1 ||
	    store_budget_delete(st, id, e) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (store_commit(st, e));
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
	out->forecast = out->forecast_lo = out->forecast_hi = out->actual;
	err_clear(&fe);
	if (today + 1 < ce_month_next(today) &&
	    ce_forecast_run(st, a, &sc, CE_UNBLENDED, today + 1,
	    ce_month_next(today), 0, q.filter, BUDGET_FORECAST_LEVEL, &f,
	    &fe) == 0) {
		out->forecast += f.total;
		out->forecast_lo += f.total_lo;
		out->forecast_hi += f.total_hi;
	}
	/*
	 * A forecast early in the month is mostly the fit's extrapolation:
	 * one spike near its end tilts the trend, and the month to date
	 * says little yet. So "forecast over" waits for a week of the month
	 * and then needs the interval's lower bound over the threshold (the
	 * month very likely ends over it), never the mean alone.
	 */
	out->forecast_settled = today - ce_month_start(today) + 1 >=
	    BUDGET_FORECAST_MIN_DAYS;
	out->actual_over = b->actual_pct > 0 &&
	    (__int128)out->actual * 100 >= (__int128)b->amount * b->actual_pct;
	out->forecast_over = b->forecast_pct > 0 && out->forecast_settled &&
	    (__int128)out->forecast_lo * 100 >=
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
	return (store_budget_alert_add(st, &al, b->webhook_url, b->email_to,
	    &created, e));
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
