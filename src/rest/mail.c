/* SPDX-License-Identifier: MIT */
/*
 * Budget alerts by e-mail, see webhook.h: the message (plain text, UTF-8,
 * rendered from the alert so that every retry sends the same bytes) and
 * its sending through the MSP's SMTP server with libcurl (STARTTLS when
 * the server offers it, or required; smtps:// from the first byte; AUTH
 * when a user is given). The loop that calls these is webhook_run().
 */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "billing/money.h"
#include "core/arena.h"
#include "core/buf.h"
#include "portal/portal.h"
#include "rest/webhook.h"

/* Standard base64 (RFC 2045), for encoded words. */
static void
b64_add(struct buf *b, const unsigned char *p, size_t len)
{
	static const char	 t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t			 i;
	unsigned		 v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		buf_printf(b, "%c%c%c%c", t[v >> 18], t[(v >> 12) & 63],
		    t[(v >> 6) & 63], t[v & 63]);
	}
	if (len - i == 1) {
		v = (unsigned)p[i] << 16;
		buf_printf(b, "%c%c==", t[v >> 18], t[(v >> 12) & 63]);
	} else if (len - i == 2) {
		v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		buf_printf(b, "%c%c%c=", t[v >> 18], t[(v >> 12) & 63],
		    t[(v >> 6) & 63]);
	}
}

/* Text people typed (a budget's or the MSP's name), with no control
 * character left to split a header or a line on. */
static const char *
flat(struct arena *a, const char *s)
{
	char	*o = arena_strndup(a, s, strlen(s)), *p;

	for (p = o; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || *p == 127)
			*p = ' ';
	return (o);
}

/* A header value: as it is when plain ASCII, else one RFC 2047 word. */
static void
hdr_text(struct buf *b, const char *s)
{
	const char	*p;

	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p >= 127)
			break;
	if (*p == '\0' && strlen(s) < 900) {
		buf_adds(b, s);
		return;
	}
	buf_adds(b, "=?UTF-8?B?");
	b64_add(b, (const unsigned char *)s, strlen(s));
	buf_adds(b, "?=");
}

char *
mail_render(const struct alert_delivery *d, const char *msp_name,
    const char *support_email, const char *portal_url, const char *from, struct arena *a)
{
	const struct budget_alert	*al = &d->alert;
	const struct budget		*bu = &d->budget;
	const char			*name = flat(a, bu->name);
	const char			*msp = flat(a, msp_name);
	int				 fc = strcmp(al->kind, "ACTUAL") != 0;
	char				 value[MONEY_TEXT_MAX];
	char				 amount[MONEY_TEXT_MAX];
	char				 limit[MONEY_TEXT_MAX];
	char				 date[64];
	struct buf			 b, subj;
	struct tm			 tm;
	time_t				 t = (time_t)(al->created_at / 1000);
	char				*s;

	money_text(al->value, "USD", value, sizeof(value));
	money_text(al->amount, "USD", amount, sizeof(amount));
	money_text((int64_t)((__int128)al->amount * al->threshold_pct / 100),
	    "USD", limit, sizeof(limit));
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_init(&subj, 0);
	buf_printf(&subj, "[%s] Budget %s: %s %s, over %lld %% of %s", msp,
	    name, fc ? "forecast" : "actual", value,
	    (long long)al->threshold_pct, amount);
	buf_init(&b, 0);
	buf_adds(&b, "From: ");
	hdr_text(&b, msp);
	buf_printf(&b, " <%s>\r\nTo: %s\r\nSubject: ", from, d->target);
	hdr_text(&b, buf_str(&subj));
	buf_printf(&b, "\r\nDate: %s\r\nMessage-ID: <%s.%s@payerlink>\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: "
	    "auto-generated\r\n\r\n", date, al->id, al->period);
	buf_printf(&b, "The %s cost of budget \"%s\" is over its %lld %% "
	    "threshold for %s.\r\n\r\n", fc ? "forecast month-end" :
	    "month-to-date", name, (long long)al->threshold_pct, al->period);
	buf_printf(&b, "Budget:     %s\r\n", name);
	buf_printf(&b, "Scope:      %s%s\r\n", bu->account_id[0] != '\0' ?
	    "account " : "all accounts", bu->account_id);
	buf_printf(&b, "Period:     %s\r\n", al->period);
	buf_printf(&b, "Amount:     %s a month\r\n", amount);
	buf_printf(&b, "Threshold:  %lld %% of the amount, %s\r\n",
	    (long long)al->threshold_pct, limit);
	buf_printf(&b, "%s   %s\r\n\r\n", fc ? "Forecast:" : "Actual:  ",
	    value);
	buf_printf(&b, "See the budget and its alerts in the portal:\r\n"
	    "%s/portal/budgets/%s\r\n\r\n-- \r\n%s\r\n", portal_url, bu->id,
	    msp);
	if (*support_email != '\0')
		buf_printf(&b, "Support: %s\r\n", flat(a, support_email));
	s = arena_strndup(a, buf_str(&b), b.len);
	buf_release(&b);
	buf_release(&subj);
	return (s);
}

struct reader {
	const char	*p;
	size_t		 left;
};

static size_t
read_cb(char *out, size_t size, size_t n, void *arg)
{
	struct reader	*r = arg;
	size_t		 k = size * n < r->left ? size * n : r->left;

	memcpy(out, r->p, k);
	r->p += k;
	r->left -= k;
	return (k);
}

int
mail_send(const struct alert_mail *m, const char *recipients,
    const char *message, long *code, char *why, size_t whylen)
{
	CURL			*c;
	struct curl_slist	*rcpt = NULL;
	struct reader		 r = { message, strlen(message) };
	char			 addr[BUDGET_EMAIL_TO_MAX + 3], from[300];
	char			 errbuf[CURL_ERROR_SIZE] = "";
	const char		*p = recipients;
	size_t			 wl;
	CURLcode		 rc;

	*code = 0;
	if ((c = curl_easy_init()) == NULL) {
		snprintf(why, whylen, "cannot start libcurl");
		return (-1);
	}
	while (*(p += strspn(p, ", ")) != '\0') {
		wl = strcspn(p, ", ");
		snprintf(addr, sizeof(addr), "<%.*s>", (int)wl, p);
		rcpt = curl_slist_append(rcpt, addr);
		p += wl;
	}
	snprintf(from, sizeof(from), "<%s>", m->from);
	curl_easy_setopt(c, CURLOPT_URL, m->url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &r);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	/* smtp://: STARTTLS whenever the server offers it (or else fail,
	 * when required); smtps:// is TLS from the first byte anyway. */
	curl_easy_setopt(c, CURLOPT_USE_SSL, m->require_tls ?
	    (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	if (m->user != NULL) {
		curl_easy_setopt(c, CURLOPT_USERNAME, m->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD,
		    m->password != NULL ? m->password : "");
	}
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
	if (rc == CURLE_OK)
		snprintf(why, whylen, "SMTP %ld", *code);
	else if (*code > 0)
		snprintf(why, whylen, "SMTP %ld: %s", *code, errbuf[0] != '\0' ?
		    errbuf : curl_easy_strerror(rc));
	else
		snprintf(why, whylen, "%s", errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(rc));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return (rc == CURLE_OK ? 0 : -1);
}
