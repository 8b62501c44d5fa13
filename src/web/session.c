/* SPDX-License-Identifier: MIT */
/*
 * Console sessions: a random token in the pl_session cookie, its SHA-256 in
 * the store with the account, a CSRF token and the session's times (real
 * time: a session lasts 12 hours at most and 2 idle hours). See page.h.
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/codec.h"
#include "core/config.h"
#include "core/log.h"
#include "web/page.h"

#define TOUCH_EVERY_MS	(60LL * 1000)

void
web_signin_rules(const struct config *cfg, struct signin_rules *out)
{
	out->window_ms = WEB_SIGNIN_WINDOW_MS;
	out->per_address = cfg->signin_per_address;
	out->global = cfg->signin_global;
	out->lock_failures = WEB_LOCK_FAILURES;
	out->lock_ms = WEB_LOCK_MS;
}

void
web_token_new(char out[WEB_CSRF_LEN + 1])
{
	unsigned char	 b[32];

	random_bytes(b, sizeof(b));
	b64url_encode(b, sizeof(b), out);
	sodium_memzero(b, sizeof(b));
}

void
web_token_hash(const char *token, char out[WEB_TOKEN_HASH_LEN + 1])
{
	unsigned char	 md[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(md, (const unsigned char *)token, strlen(token));
	hex_encode(md, sizeof(md), out);
}

int
web_csrf_ok(const char *expected, const char *got)
{
	size_t	 len;

	if (expected == NULL || got == NULL || (len = strlen(expected)) == 0 ||
	    strlen(got) != len)
		return (0);
	return (ct_equal(expected, got, len));
}

const char *
web_cookie_secure(const struct ctx *c)
{
	return (c->r->cfg->https ? "; Secure" : "");
}

static void
set_cookie(struct ctx *c, const char *token, long max_age)
{
	response_header(c->resp, "Set-Cookie", arena_printf(c->r->arena,
	    "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%ld%s", WEB_COOKIE,
	    token, max_age, web_cookie_secure(c)));
}

/* Deletes the browser's session, if any; 1 when it sent a cookie. */
static int
session_drop(struct ctx *c)
{
	const char	*token;
	char		 hash[WEB_TOKEN_HASH_LEN + 1];

	token = cookie_get(c->r->arena, c->r, WEB_COOKIE);
	if (token != NULL && strlen(token) == WEB_CSRF_LEN) {
		web_token_hash(token, hash);
		store_web_session_delete(c->r->store, hash, NULL);
	}
	c->signed_in = 0;
	return (token != NULL);
}

int
session_load(struct ctx *c)
{
	const char	*token;
	char		 hash[WEB_TOKEN_HASH_LEN + 1];
	int64_t		 now = clock_real_ms();
	struct err	 e;

	err_clear(&e);
	c->signed_in = 0;
	token = cookie_get(c->r->arena, c->r, WEB_COOKIE);
	if (token == NULL || strlen(token) != WEB_CSRF_LEN)
		return (0);
	web_token_hash(token, hash);
	if (store_web_session_get(c->r->store, hash, &c->ws, &e) == -1)
		return (0);
	if (now >= c->ws.expires_at || now - c->ws.last_seen >
	    WEB_IDLE_TTL_MS) {
		store_web_session_delete(c->r->store, hash, NULL);
		return (0);
	}
	/* Portal sessions too, or they would idle out while in use. */
	if (now - c->ws.last_seen > TOUCH_EVERY_MS)
		store_web_session_touch(c->r->store, hash, now, NULL);
	/* A portal user's session (portal_pages.c) carries no account. */
	if (portal_session_user(c->r->store, hash, &c->portal,
	    NULL) == 0) {
		c->is_portal = 1;
		memset(&c->who, 0, sizeof(c->who));
		c->signed_in = 1;
		return (1);
	}
	if (account_get(c->r->store, c->ws.account_id, &c->acct,
	    &e) == -1)
		return (0);
	snprintf(c->who.account_id, sizeof(c->who.account_id), "%s",
	    c->ws.account_id);
	c->signed_in = 1;
	return (1);
}

int
session_start(struct ctx *c, const char *account_id, struct err *e)
{
	struct web_session	 ws;
	char			*token;
	int64_t			 now = clock_real_ms();

	/* Rotation: whatever session the browser had ends here. */
	session_drop(c);
	memset(&ws, 0, sizeof(ws));
	token = arena_alloc(c->r->arena, WEB_CSRF_LEN + 1);
	web_token_new(token);
	web_token_hash(token, ws.token_hash);
	web_token_new(ws.csrf);
	snprintf(ws.account_id, sizeof(ws.account_id), "%s", account_id);
	ws.created_at = ws.last_seen = now;
	ws.expires_at = now + WEB_SESSION_TTL_MS;
	store_web_session_purge(c->r->store, now, NULL);
	if (store_web_session_insert(c->r->store, &ws, e) == -1)
		return (-1);
	set_cookie(c, token, (long)(WEB_SESSION_TTL_MS / 1000));
	c->ws = ws;
	c->signed_in = 1;
	return (0);
}

void
session_end(struct ctx *c)
{
	if (session_drop(c))
		set_cookie(c, "", 0);
}

void
flash_set(struct ctx *c, const char *fmt, ...)
{
	char		 msg[WEB_FLASH_MAX + 1];
	va_list		 ap;
	struct err	 e;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_clear(&e);
	if (store_web_session_set_flash(c->r->store, c->ws.token_hash, msg,
	    &e) == -1)
		log_warnx("web: flash not saved: %s", e.msg);
}
