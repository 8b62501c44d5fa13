/* SPDX-License-Identifier: MIT */
/*
 * The billing portal's domain: portal users (customer users bound to one
 * customer; MSP users with a role: admin, billing, read-only), budgets and
 * their alerts (whose webhooks rest/webhook.c sends), anomaly detection.
 * Pure domain: no HTML, JSON or HTTP.
 */
#ifndef PORTAL_PORTAL_H
#define PORTAL_PORTAL_H

#include "ce/ce.h"
#include "store/portal.h"

/* customer_id set: a customer user (role "customer"); else role must be
 * admin, billing or read-only. Password 8..128 characters (argon2id). */
int	portal_user_create(struct store *, const char *customer_id,
	    const char *role, const char *email, const char *password,
	    struct portal_user *out /* OUT */, struct err *);
/* ERR_AUTH for an unknown e-mail or a wrong password (same message). */
int	portal_user_authenticate(struct store *, const char *email,
	    const char *password, struct portal_user *out /* OUT */,
	    struct err *);
/* Whether the user may change budgets and anomalies (not read-only). */
int	portal_user_can_write(const struct portal_user *);

/* Budget status for one month (period YYYY-MM) at the customer's prices. */
struct budget_status {
	struct budget	 b;
	int64_t		 actual;		/* month to date */
	int64_t		 forecast;		/* month end */
	int		 actual_over;		/* actual >= actual_pct% */
	int		 forecast_over;
};
struct budget_input {
	const char	*customer_id;
	const char	*account_id;		/* NULL or "": whole customer */
	const char	*name;
	const char	*amount;		/* "1000.50" */
	const char	*actual_pct;		/* "80"; NULL: 100 */
	const char	*forecast_pct;		/* NULL: 100; "0": off */
	const char	*webhook_url;		/* http://host[:port]/path */
	const char	*webhook_secret;	/* NULL: generated */
};
int	budget_create(struct store *, const struct budget_input *,
	    struct budget *out /* OUT */, struct err *);
/*
 * Evaluates the customer's budgets ("" all customers) for the month of
 * today: actual and forecast against their thresholds. A threshold
 * crossed for the first time in a month records an alert and queues its
 * webhook (delivered by webhook_run(), rest/webhook.h).
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
static inline int
budget_alert_list(struct store *st, struct arena *a, const char *customer_id,
    const char *budget_id, size_t limit, struct budget_alert **out,
    size_t *n_out, struct err *e)
{
	return (store_budget_alerts(st, a, customer_id, budget_id, limit, out,
	    n_out, e));
}
/* Webhook deliveries due at now, and the outcome of one attempt. */
static inline int
webhook_due(struct store *st, struct arena *a, int64_t now, size_t limit,
    struct webhook_delivery **out, size_t *n_out, struct err *e)
{
	return (store_webhook_due(st, a, now, limit, out, n_out, e));
}
static inline int
webhook_record(struct store *st, const struct webhook_attempt *at,
    const char *status, int64_t next_at, struct err *e)
{
	return (store_webhook_record(st, at, status, next_at, e));
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
