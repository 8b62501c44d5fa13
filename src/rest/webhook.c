/* SPDX-License-Identifier: MIT */
/*
 * Budget alert deliveries, see webhook.h: the one loop that sends what the
 * outbox holds, whatever the channel, retried with exponential backoff;
 * every attempt is logged in the store. A webhook is a plain HTTP/1.1 POST
 * over a socket (http:// only; 5 s timeouts) of a JSON body rendered from
 * the alert, signed with HMAC-SHA256 (libsodium); an e-mail goes through
 * rest/mail.c.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <netdb.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "billing/money.h"
#include "core/clock.h"
#include "core/codec.h"
#include "core/every.h"
#include "core/json.h"
#include "core/log.h"
#include "onboard/onboard.h"
#include "portal/portal.h"
#include "rest/webhook.h"

static int
post(const char *url, const char *body, const char *sig, const char *id,
    int *status, char *why, size_t whylen)
{
	char		 host[256], port[8] = "80", req[1024], resp[256];
	const char	*p = url + 7, *slash, *colon, *path;
	struct addrinfo	 hints, *res = NULL;
	struct timeval	 tv = { 5, 0 };
	size_t		 hl;
	ssize_t		 n;
	int		 fd = -1, rc = -1;

	*status = 0;
	slash = strchr(p, '/');
	path = slash != NULL ? slash : "/";
	hl = slash != NULL ? (size_t)(slash - p) : strlen(p);
	if (hl == 0 || hl >= sizeof(host)) {
		snprintf(why, whylen, "bad URL");
		return (-1);
	}
	memcpy(host, p, hl);
	host[hl] = '\0';
	if ((colon = strchr(host, ':')) != NULL) {
		snprintf(port, sizeof(port), "%s", colon + 1);
		host[colon - host] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0 || res == NULL) {
		snprintf(why, whylen, "cannot resolve %.64s", host);
		return (-1);
	}
	if ((fd = socket(res->ai_family, res->ai_socktype,
	    res->ai_protocol)) == -1)
		goto out;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, res->ai_addr, res->ai_addrlen) == -1) {
		snprintf(why, whylen, "cannot connect to %.64s:%s", host, port);
		goto out;
	}
	n = snprintf(req, sizeof(req), "POST %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: payerlink-webhook\r\nContent-Type: application/json\r\n"
	    "X-Payerlink-Signature: sha256=%s\r\nX-Payerlink-Delivery: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", path, host,
	    sig, id, strlen(body));
	if (n < 0 || (size_t)n >= sizeof(req) ||
	    write(fd, req, (size_t)n) != n ||
	    write(fd, body, strlen(body)) != (ssize_t)strlen(body)) {
		snprintf(why, whylen, "write failed");
		goto out;
	}
	if ((n = read(fd, resp, sizeof(resp) - 1)) <= 0) {
		snprintf(why, whylen, "no answer");
		goto out;
	}
	resp[n] = '\0';
	if (strncmp(resp, "HTTP/1.", 7) != 0 || strlen(resp) < 12) {
		snprintf(why, whylen, "not an HTTP answer");
		goto out;
	}
	*status = (int)strtol(resp + 9, NULL, 10);
	snprintf(why, whylen, "HTTP %d", *status);
	rc = *status >= 200 && *status < 300 ? 0 : -1;
out:
	if (fd != -1)
		close(fd);
	freeaddrinfo(res);
	return (rc);
}

static void
sign(const char *secret, const char *body, char hex[65])
{
	crypto_auth_hmacsha256_state	 s;
	unsigned char			 mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_init(&s, (const unsigned char *)secret,
	    strlen(secret));
	crypto_auth_hmacsha256_update(&s, (const unsigned char *)body,
	    strlen(body));
	crypto_auth_hmacsha256_final(&s, mac);
	hex_encode(mac, sizeof(mac), hex);
}

/* The alert as the receiver sees it; the same bytes on every retry. */
static char *
render(const struct alert_delivery *d, struct arena *a)
{
	const struct budget_alert	*al = &d->alert;
	const struct budget		*b = &d->budget;
	char				 v[48], amt[48];
	json_t				*o;
	struct buf			 out;
	char				*s;

	money_format(al->value, MONEY_DIGITS, v, sizeof(v));
	money_format(al->amount, MONEY_DIGITS, amt, sizeof(amt));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, "
	    "s:s, s:I}", "type", "budget.alert", "alert_id", al->id,
	    "budget_id", b->id, "budget", b->name, "customer_id",
	    b->customer_id, "account_id", b->account_id, "period", al->period,
	    "kind", al->kind, "threshold_percent", (json_int_t)al->threshold_pct,
	    "value", v, "amount", amt, "created_at", (json_int_t)al->created_at);
	buf_init(&out, 0);
	json_to_buf(o, JSON_COMPACT | JSON_PRESERVE_ORDER, &out);
	json_decref(o);
	s = arena_strndup(a, buf_str(&out), out.len);
	buf_release(&out);
	return (s);
}

/* One attempt of delivery d; 0 when delivered. */
static int
attempt(struct store *st, const struct alert_delivery *d,
    const struct alert_mail *mail, struct arena *a, struct alert_attempt *at)
{
	struct msp	 m;
	struct msp_brand br;
	struct err	 e;
	const char	*body, *link;
	char		 sig[65];
	int		 status, rc;
	long		 code = 0;

	if (strcmp(d->channel, ALERT_WEBHOOK) == 0) {
		body = render(d, a);
		sign(d->budget.webhook_secret, body, sig);
		rc = post(d->target, body, sig, d->alert.id, &status,
		    at->result, sizeof(at->result));
		at->code = status;
		return (rc);
	}
	if (mail == NULL || mail->url == NULL) {
		snprintf(at->result, sizeof(at->result), "no SMTP server: "
		    "start the server with --smtp");
		return (-1);
	}
	/* The link, the sender's name and the support contact: the MSP's
	 * brand and public address as the console has them now. */
	err_clear(&e);
	if (msp_get(st, &m, &e) == -1)
		memset(&m, 0, sizeof(m));
	msp_brand_get(st, &br);
	link = m.public_url[0] != '\0' ? m.public_url : mail->portal_url;
	body = mail_render(d, br.name[0] != '\0' ? br.name : "payerlink",
	    br.support_email, link != NULL ? link : "", mail->from, a);
	rc = mail_send(mail, d->target, body, &code, at->result,
	    sizeof(at->result));
	at->code = code;
	return (rc);
}

int
webhook_run(struct store *st, const char *channel,
    const struct alert_mail *mail, struct err *e)
{
	struct arena		 a;
	struct alert_delivery	*d;
	struct alert_attempt	 at;
	size_t			 n, i;
	int64_t			 next;
	const char		*state;
	int			 ok;

	arena_init(&a);
	if (alert_delivery_due(st, &a, clock_real_ms(), channel, 20, &d, &n,
	    e) == -1) {
		arena_release(&a);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		/*
		 * Claimed first, so that two servers over one database (or
		 * the CLI beside the server) never both send it; if this
		 * process dies before recording the attempt, the delivery is
		 * due again after ALERT_CLAIM_MS: sent at least once.
		 */
		if ((ok = alert_delivery_claim(st, &d[i], clock_real_ms() +
		    ALERT_CLAIM_MS, e)) != 1) {
			if (ok == -1)
				log_warnx("alert %s %s: %s", d[i].alert.id,
				    d[i].channel, e->msg);
			continue;
		}
		memset(&at, 0, sizeof(at));
		ok = attempt(st, &d[i], mail, &a, &at) == 0;
		snprintf(at.alert_id, sizeof(at.alert_id), "%s", d[i].alert.id);
		snprintf(at.channel, sizeof(at.channel), "%s", d[i].channel);
		at.attempt = d[i].attempts + 1;
		at.at = clock_real_ms();
		next = at.at + (ALERT_BACKOFF_MS << d[i].attempts);
		state = ok ? "delivered" : at.attempt >= ALERT_ATTEMPTS ?
		    "failed" : "pending";
		if (alert_delivery_record(st, &at, state, next, e) == -1)
			log_warnx("alert %s %s: %s", d[i].alert.id,
			    d[i].channel, e->msg);
	}
	arena_release(&a);
	return ((int)n);
}

static struct every	*budgets, *deliveries;
static struct store	*worker_st;
static struct alert_mail worker_mail;

static void
budgets_run(void *arg)
{
	struct arena	 a;
	struct err	 e;

	(void)arg;
	arena_init(&a);
	err_clear(&e);
	if (budget_check(worker_st, &a, "", NULL, NULL, &e) == -1 &&
	    e.code != ERR_NOT_FOUND)
		log_warnx("budgets: %s", e.msg);
	arena_release(&a);
}

static void
deliveries_run(void *arg)
{
	struct err	 e;

	(void)arg;
	err_clear(&e);
	if (webhook_run(worker_st, "", &worker_mail, &e) == -1)
		log_warnx("alert deliveries: %s", e.msg);
}

int
webhook_worker_start(struct store *st, const struct alert_mail *mail,
    struct err *e)
{
	if (budgets != NULL)
		return (0);
	memset(&worker_mail, 0, sizeof(worker_mail));
	if (mail != NULL)
		worker_mail = *mail;
	worker_st = st;
	if (every_start("budget checks", 5, budgets_run, NULL, &budgets,
	    e) == -1)
		return (-1);
	if (every_start("alert deliveries", 1, deliveries_run, NULL,
	    &deliveries, e) == -1) {
		webhook_worker_stop();
		return (-1);
	}
	return (0);
}

void
webhook_worker_stop(void)
{
	every_stop(deliveries);
	every_stop(budgets);
	deliveries = budgets = NULL;
}
