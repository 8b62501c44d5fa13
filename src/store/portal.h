/* SPDX-License-Identifier: MIT */
/*
 * The billing portal in the store: portal users and their sessions,
 * budgets and alerts, webhook deliveries, anomaly marks, and the rollup
 * stream Cost Explorer's cache reads (src/portal, src/ce).
 */
#ifndef STORE_PORTAL_H
#define STORE_PORTAL_H

#include <stddef.h>
#include <stdint.h>

#include "store/billing.h"

/* ---- Billing portal and Cost Explorer (store/portal.c) ---------------- */
#define PORTAL_USER_ID_LEN	14		/* usr- + 10 */
#define PORTAL_ROLE_MAX		16
#define BUDGET_ID_LEN		14		/* bud- + 10 */
#define BUDGET_NAME_MAX		100
#define WEBHOOK_URL_MAX		255
#define BUDGET_EMAIL_TO_MAX	320		/* "a@x.example, b@y.example" */
#define BUDGET_RECIPIENTS_MAX	10

/* A portal user: a customer user (role "customer", customer_id set) or an
 * MSP user (role admin | billing | read-only, customer_id ""). */
struct portal_user {
	char	 id[PORTAL_USER_ID_LEN + 1];
	char	 email[EMAIL_MAX + 1];
	char	 password_hash[128];
	char	 customer_id[CUSTOMER_ID_LEN + 1];
	char	 role[PORTAL_ROLE_MAX + 1];
	int64_t	 created_at;
};

struct budget {
	char	 id[BUDGET_ID_LEN + 1];
	char	 customer_id[CUSTOMER_ID_LEN + 1];
	char	 account_id[ACCOUNT_ID_LEN + 1];	/* "" whole customer */
	char	 name[BUDGET_NAME_MAX + 1];
	int64_t	 amount;				/* nano, per month */
	int64_t	 actual_pct;				/* 0: off */
	int64_t	 forecast_pct;				/* 0: off */
	char	 webhook_url[WEBHOOK_URL_MAX + 1];
	char	 webhook_secret[72];
	int64_t	 created_at;
	char	 email_to[BUDGET_EMAIL_TO_MAX + 1];	/* "" none */
};

struct budget_alert {
	char	 id[BUDGET_ID_LEN + 1];
	char	 budget_id[BUDGET_ID_LEN + 1];
	char	 period[8];
	char	 kind[12];				/* ACTUAL | FORECASTED */
	int64_t	 threshold_pct;
	int64_t	 value;
	int64_t	 amount;
	int64_t	 created_at;
};

/*
 * An alert's delivery on one channel (the outbox, alert_deliveries): the
 * alert and its budget (id, customer, account, name, secret), what the
 * message is rendered from, and where it stands.
 */
#define ALERT_WEBHOOK		"webhook"
#define ALERT_EMAIL		"email"
struct alert_delivery {
	struct budget_alert	 alert;
	struct budget		 budget;
	char			 channel[8];		/* webhook | email */
	char			 target[BUDGET_EMAIL_TO_MAX + 1];
	char			 status[12];	/* pending | delivered | failed */
	int64_t			 attempts;
	int64_t			 next_at;		/* real ms */
	int64_t			 last_at;		/* real ms, 0: none */
	char			 last_result[128];
};

struct alert_attempt {
	char	 alert_id[BUDGET_ID_LEN + 1];
	char	 channel[8];
	int64_t	 attempt;
	int64_t	 at;				/* real ms */
	int64_t	 code;				/* HTTP status, SMTP reply; 0 */
	char	 result[128];
};

struct anomaly_mark {
	char	 anomaly_id[33];
	char	 status[16];
	char	 by_user[EMAIL_MAX + 1];
	int64_t	 at;
};

/*
 * Billing portal and Cost Explorer (store/portal.c). Portal users: insert
 * fails with ERR_CONFLICT for a taken e-mail; get/by_email with
 * ERR_NOT_FOUND. A portal session names the web session's token hash.
 */
int	 store_portal_user_insert(struct store *, const struct portal_user *,
	    struct err *);
int	 store_portal_user_get(struct store *, const char *id,
	    struct portal_user *out /* OUT */, struct err *);
int	 store_portal_user_by_email(struct store *, const char *email,
	    struct portal_user *out /* OUT */, struct err *);
int	 store_portal_user_list(struct store *, struct arena *,
	    const char *customer_id /* "" all */, size_t limit,
	    struct portal_user **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_portal_session_put(struct store *, const char *token_hash,
	    const char *user_id, struct err *);
/* The user of a live web session; ERR_NOT_FOUND when it is not a portal
 * user's. */
int	 store_portal_session_user(struct store *, const char *token_hash,
	    struct portal_user *out /* OUT */, struct err *);
int	 store_budget_insert(struct store *, const struct budget *,
	    struct err *);
int	 store_budget_get(struct store *, const char *id,
	    struct budget *out /* OUT */, struct err *);
/* ERR_CONFLICT for a name the customer's other budget has. */
int	 store_budget_update(struct store *, const struct budget *,
	    struct err *);
/* The budget, its alerts, their deliveries and attempts. */
int	 store_budget_delete(struct store *, const char *id, struct err *);
/* Budgets of a customer ("" all), by name; at most limit. */
int	 store_budget_list(struct store *, struct arena *,
	    const char *customer_id, size_t limit, struct budget **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Inserts an alert unless (budget, period, kind) has one: *created_out
 * says which. Queues its deliveries in the same call, due now: to the
 * webhook URL and to the recipients (each when not ""). */
int	 store_budget_alert_add(struct store *, const struct budget_alert *,
	    const char *webhook_url, const char *email_to,
	    int *created_out /* OUT */, struct err *);
/* Alerts of a budget ("" any) of a customer ("" any), newest first. */
int	 store_budget_alerts(struct store *, struct arena *,
	    const char *customer_id, const char *budget_id, size_t limit,
	    struct budget_alert **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* Deliveries of those alerts, newest alert first. */
int	 store_alert_deliveries(struct store *, struct arena *,
	    const char *customer_id, const char *budget_id, size_t limit,
	    struct alert_delivery **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* Pending deliveries due at `now` (real ms) on channel ("" any), at
 * most limit. */
int	 store_delivery_due(struct store *, struct arena *, int64_t now,
	    const char *channel, size_t limit, struct alert_delivery **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Moves pending delivery d (as read) to `until`: 1 when this caller did
 * (it sends it now), 0 when another server or process did first. */
int	 store_delivery_claim(struct store *, const struct alert_delivery *,
	    int64_t until, struct err *);
/* Records an attempt and the delivery's new state. */
int	 store_delivery_record(struct store *, const struct alert_attempt *,
	    const char *status, int64_t next_at, struct err *);
int	 store_alert_attempts(struct store *, struct arena *,
	    const char *alert_id, struct alert_attempt **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	 store_anomaly_mark(struct store *, const char *customer_id,
	    const struct anomaly_mark *, struct err *);
/* Marks of a customer, at most limit. */
int	 store_anomaly_marks(struct store *, struct arena *,
	    const char *customer_id, size_t limit,
	    struct anomaly_mark **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

/* ---- Saved views of the cost analysis (store/view.c) ------------------ */
#define VIEW_ID_LEN		13		/* vw- + 10 */
#define VIEW_NAME_MAX		100
#define VIEW_QUERY_MAX		1000
#define VIEW_OWNER_MAX		32
#define VIEWS_MAX		50		/* per owner */

struct saved_view {
	char	 id[VIEW_ID_LEN + 1];
	char	 owner[VIEW_OWNER_MAX + 1];
	char	 name[VIEW_NAME_MAX + 1];
	char	 query[VIEW_QUERY_MAX + 1];
	int64_t	 created_at;
};

/* Insert fails with ERR_CONFLICT when the owner has a view of that name;
 * delete with ERR_NOT_FOUND unless the owner has that view. */
int	 store_view_insert(struct store *, const struct saved_view *,
	    struct err *);
int	 store_view_delete(struct store *, const char *owner, const char *id,
	    struct err *);
/* The owner's views by name, at most limit. */
int	 store_view_list(struct store *, struct arena *, const char *owner,
	    size_t limit, struct saved_view **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);

#endif
