/* SPDX-License-Identifier: MIT */
/*
 * Budget alert deliveries, one loop for every channel (the outbox,
 * alert_deliveries):
 *  - webhooks: POST the alert as JSON with X-Payerlink-Signature:
 *    sha256=HEX (HMAC-SHA256 of the body with the budget's secret) and
 *    X-Payerlink-Delivery: the alert id; a 2xx answer delivers;
 *  - e-mail: a plain-text message to the budget's recipients through the
 *    MSP's SMTP server (rest/mail.c); a 250 after the data delivers.
 * Anything else is retried after 1, 2, 4, 8, 16 s (ALERT_ATTEMPTS in all),
 * then the delivery fails. Every attempt is logged (alert_attempts).
 * Alerts are recorded, and their deliveries queued in the same
 * transaction, by budget_check() (portal/portal.h); messages are rendered
 * here from the alert, the same bytes on every retry.
 */
#ifndef REST_WEBHOOK_H
#define REST_WEBHOOK_H

#include "core/err.h"
#include "store/store.h"

#define ALERT_ATTEMPTS		6
#define ALERT_BACKOFF_MS	1000
#define ALERT_CLAIM_MS		120000	/* longer than one attempt can take */

/*
 * The MSP's SMTP server (serve --smtp ...). url NULL: e-mail deliveries
 * fail, saying so, until one is given. The password never reaches a log.
 */
struct alert_mail {
	const char	*url;		/* smtp://host:port or smtps://... */
	const char	*user;		/* NULL: no AUTH */
	const char	*password;
	const char	*from;		/* alerts@msp.example */
	int		 require_tls;	/* smtp:// must STARTTLS */
	const char	*portal_url;	/* for the link, when the MSP has none */
};

/*
 * Sends what is due now on `channel` ("" every channel, with `mail` the
 * SMTP server); returns how many it tried, or -1.
 */
int	webhook_run(struct store *, const char *channel,
	    const struct alert_mail *mail, struct err *);
/* Starts the jobs (core/every.h) that run budget_check every 5 s and
 * webhook_run every second, while the server runs; mail is kept (the
 * caller's). */
int	webhook_worker_start(struct store *, const struct alert_mail *mail,
	    struct err *);
void	webhook_worker_stop(void);

/* rest/mail.c: the alert as an e-mail, and its sending. */
struct alert_delivery;
struct arena;
char	*mail_render(const struct alert_delivery *, const char *msp_name,
	    const char *support_email /* "" when none */,
	    const char *portal_url, const char *from, struct arena *);
/* 0 when the server took it; else -1 with *code (the SMTP reply, or 0)
 * and why. */
int	mail_send(const struct alert_mail *, const char *recipients,
	    const char *message, long *code, char *why, size_t whylen);

#endif
