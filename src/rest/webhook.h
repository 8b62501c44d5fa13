/* SPDX-License-Identifier: MIT */
/*
 * Budget alert webhooks: POST the alert as JSON with X-Payerlink-Signature:
 * sha256=HEX (HMAC-SHA256 of the body with the budget's secret) and
 * X-Payerlink-Delivery: the alert id. A 2xx answer delivers; anything else
 * is retried after 1, 2, 4, 8, 16 s (WEBHOOK_ATTEMPTS in all), then the
 * delivery fails. Every attempt is logged (webhook_attempts). Alerts are
 * recorded by budget_check() (ce/portal.h); the body is rendered here.
 */
#ifndef REST_WEBHOOK_H
#define REST_WEBHOOK_H

#include "core/err.h"
#include "store/store.h"

#define WEBHOOK_ATTEMPTS	6
#define WEBHOOK_BACKOFF_MS	1000

/* Sends what is due now; returns how many it tried, or -1. */
int	webhook_run(struct store *, struct err *);
/* Starts a thread that runs budget_check every 5 s and webhook_run every
 * second, while the server runs. */
void	webhook_worker_start(struct store *);
void	webhook_worker_stop(void);

#endif
