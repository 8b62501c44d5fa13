/* SPDX-License-Identifier: MIT */
/*
 * The billing portal's domain: portal users (customer users bound to one
 * customer; MSP users with a role: admin, operator, billing, read-only),
 * budgets and their alerts (whose webhooks and e-mails rest/webhook.c
 * sends), anomaly detection.
 * Pure domain: no HTML, JSON or HTTP.
 */
#ifndef PORTAL_PORTAL_H
#define PORTAL_PORTAL_H

#include "ce/ce.h"
#include "store/portal.h"

/* customer_id set: a customer user (role "customer"); else role must be
 * an MSP role (portal_role_may_change). Password 8..128 characters
 * (argon2id). */
int	portal_user_create(struct store *, const char *customer_id,
	    const char *role, const char *email, const char *password,
	    struct portal_user *out /* OUT */, struct err *);
/* ERR_AUTH for an unknown e-mail or a wrong password (same message). */
int	portal_user_authenticate(struct store *, const char *email,
	    const char *password, struct portal_user *out /* OUT */,
	    struct err *);
/* Whether the user may change the portal's budgets, anomalies and (an MSP
 * user) invoices: a customer user its own, an MSP user by its role. */
int	portal_user_can_write(const struct portal_user *);
/*
 * The one place the MSP's staff roles are decided (docs/live.md, "People,
 * not root users"): whether role may change what the console's section
 * changes ("onboarding", "customers", "invoices", "pricing", "imports",
 * "portal": the portal's invoices, budgets and anomalies). Every role reads
 * every section. admin: all; operator (the onboarding operator): the desk
 * and the customers; billing: invoices, pricing, imports and the portal;
 * read-only: none. 0 for a role that is not an MSP role.
 */
int	portal_role_may_change(const char *role, const char *section);
/* Whether role is an MSP role, and the roles for messages. */
int	portal_role_known(const char *role);
#define PORTAL_ROLES	"admin, operator, billing or read-only"


/*
 * Budget status for one month (period YYYY-MM) at the customer's prices.
 * The forecast is the month to date plus Cost Explorer's forecast of the
 * rest of the month (ce_forecast_run, its 80 % prediction interval in
 * forecast_lo..forecast_hi). "Forecast over" is claimed only when the
 * forecast is trustworthy enough to act on (forecast_settled) and even
 * the interval's lower bound crosses the threshold: see
 * BUDGET_FORECAST_MIN_DAYS and docs/portal.md.
 */
#define BUDGET_FORECAST_MIN_DAYS	7	/* days of the month elapsed */
#define BUDGET_FORECAST_LEVEL		80	/* % prediction interval */
#define BUDGET_DEFAULT_ACTUAL_PCT	80	/* AWS Budgets' console's */
#define BUDGET_DEFAULT_FORECAST_PCT	100
struct budget_status {
	struct budget	 b;
	int64_t		 actual;		/* month to date */
	int64_t		 forecast;		/* month end, expected */
	int64_t		 forecast_lo, forecast_hi;	/* its interval */
	int		 forecast_settled;	/* enough days to claim */
	int		 actual_over;		/* actual >= actual_pct% */
	int		 forecast_over;		/* forecast_lo >= forecast_pct% */
};
/*
 * What a budget is made of, as people type it. Creating: NULL or "" takes
 * the default (thresholds 80 % of actual, 100 % of forecast, a generated
 * secret, no webhook, no e-mail, the whole customer). Updating: NULL keeps
 * the budget's value, "" clears the account, webhook and recipients (a
 * threshold or amount stays as it was).
 */
struct budget_input {
	const char	*customer_id;
	const char	*account_id;		/* "": whole customer */
	const char	*name;
	const char	*amount;		/* "1000.50" */
	const char	*actual_pct;		/* "80"; "0": off */
	const char	*forecast_pct;		/* "100"; "0": off */
	const char	*webhook_url;		/* http://host[:port]/path */
	const char	*webhook_secret;
	const char	*email_to;		/* "a@x.example, b@y.example" */
};
int	budget_create(struct store *, const struct budget_input *,
	    struct budget *out /* OUT */, struct err *);
/*
 * Budget `id` of customer_id ("" any: the MSP) changed or deleted. An
 * alert already recorded this month is not sent again after an edit (one
 * per budget, month and kind); deleting removes the budget's alerts and
 * their history. ERR_NOT_FOUND for another customer's budget.
 */
int	budget_update(struct store *, const char *customer_id, const char *id,
	    const struct budget_input *, struct budget *out /* OUT */,
	    struct err *);
int	budget_delete(struct store *, const char *customer_id, const char *id,
	    struct err *);
/* The budget `id` of customer_id ("" any); ERR_NOT_FOUND otherwise. */
int	budget_get(struct store *, const char *customer_id, const char *id,
	    struct budget *out /* OUT */, struct err *);
/*
 * Evaluates the customer's budgets ("" all customers) for the month of
 * today: actual and forecast against their thresholds. A threshold
 * crossed for the first time in a month records an alert and queues its
 * deliveries (webhook, e-mail; sent by webhook_run(), rest/webhook.h).
 */
int	budget_check(struct store *, struct arena *, const char *customer_id,
	    struct budget_status **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

/*
 * Anomalies: for each (account, service), each day of [start, end)
 * compared with the 14 days before it: an anomaly when the day's cost
 * exceeds mean + k * stddev (k = 3, or sensitivity) and the mean by at
 * least ANOMALY_MIN_IMPACT. The root cause is the usage type whose cost
 * rose most; the impact is cost - mean. Status comes from the marks.
 * Sorted newest day first, then by impact (largest first).
 */
#define ANOMALY_BASELINE_DAYS	14
#define ANOMALY_MIN_IMPACT	(1LL * 1000000000)	/* 1 currency unit */
struct anomaly {
	char	 id[33];
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 customer_id[CUSTOMER_ID_LEN + 1];
	char	 service[128];
	char	 usage_type[128];
	int64_t	 day;
	int64_t	 cost;
	int64_t	 expected;
	int64_t	 impact;
	char	 status[16];			/* OPEN | ACKNOWLEDGED | DISMISSED */
};
int	anomaly_detect(struct store *, struct arena *, const struct ce_scope *,
	    int64_t start, int64_t end, double k, struct anomaly **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	anomaly_set_status(struct store *, const char *customer_id,
	    const char *anomaly_id, const char *status, const char *by,
	    struct err *);

/*
 * Reads inside the caller's transaction, for the other domains and the
 * protocol layers (which have checked who asks): the rows as the store
 * keeps them, under this domain's name, so that nobody above opens this
 * domain's tables itself.
 */
static inline int
portal_session_start(struct store *st, const char *token_hash,
    const char *user_id, struct err *e)
{
	return (store_portal_session_put(st, token_hash, user_id, e));
}
/* The user of a live web session; ERR_NOT_FOUND when it is not a portal
 * user's. */
static inline int
portal_session_user(struct store *st, const char *token_hash,
    struct portal_user *out, struct err *e)
{
	return (store_portal_session_user(st, token_hash, out, e));
}
static inline int
portal_user_list(struct store *st, struct arena *a, const char *customer_id,
    size_t limit, struct portal_user **out, size_t *n_out, struct err *e)
{
	return (store_portal_user_list(st, a, customer_id, limit, out, n_out,
	    e));
}
/* Budgets of a customer ("" all), by name. */
static inline int
budget_list(struct store *st, struct arena *a, const char *customer_id,
    size_t limit, struct budget **out, size_t *n_out, struct err *e)
{
	return (store_budget_list(st, a, customer_id, limit, out, n_out, e));
}
static inline int
budget_alert_list(struct store *st, struct arena *a, const char *customer_id,
    const char *budget_id, size_t limit, struct budget_alert **out,
    size_t *n_out, struct err *e)
{
	return (store_budget_alerts(st, a, customer_id, budget_id, limit, out,
	    n_out, e));
}
/* The deliveries of those alerts (to whom, delivered or failed). */
static inline int
alert_delivery_list(struct store *st, struct arena *a,
    const char *customer_id, const char *budget_id, size_t limit,
    struct alert_delivery **out, size_t *n_out, struct err *e)
{
	return (store_alert_deliveries(st, a, customer_id, budget_id, limit,
	    out, n_out, e));
}
static inline int
alert_attempt_list(struct store *st, struct arena *a, const char *alert_id,
    struct alert_attempt **out, size_t *n_out, struct err *e)
{
	return (store_alert_attempts(st, a, alert_id, out, n_out, e));
}
/* Deliveries due at now, and the outcome of one attempt. */
static inline int
alert_delivery_due(struct store *st, struct arena *a, int64_t now,
    const char *channel, size_t limit, struct alert_delivery **out,
    size_t *n_out, struct err *e)
{
	return (store_delivery_due(st, a, now, channel, limit, out, n_out, e));
}
static inline int
alert_delivery_claim(struct store *st, const struct alert_delivery *d,
    int64_t until, struct err *e)
{
	return (store_delivery_claim(st, d, until, e));
}
static inline int
alert_delivery_record(struct store *st, const struct alert_attempt *at,
    const char *status, int64_t next_at, struct err *e)
{
	return (store_delivery_record(st, at, status, next_at, e));
}

/*
 * Saved views of the cost analysis, per owner (a portal user's id, or the
 * account id of the MSP in the console): name 1..VIEW_NAME_MAX characters,
 * unique per owner (ERR_CONFLICT), query the page's URL-encoded query
 * string, at most VIEWS_MAX views each.
 */
int	view_save(struct store *, struct arena *, const char *owner,
	    const char *name, const char *query,
	    struct saved_view *out /* OUT */, struct err *);
static inline int
view_list(struct store *st, struct arena *a, const char *owner,
    struct saved_view **out, size_t *n_out, struct err *e)
{
	return (store_view_list(st, a, owner, VIEWS_MAX, out, n_out, e));
}
/* ERR_NOT_FOUND unless owner has view id. */
static inline int
view_delete(struct store *st, const char *owner, const char *id,
    struct err *e)
{
	return (store_view_delete(st, owner, id, e));
}

#endif
