/* SPDX-License-Identifier: MIT */
/* web/: the form parser, percent-decoding, session tokens, CSRF checks and
 * the route tables (web and REST). */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "org/account.h"
#include "rest/rest.h"
#include "store/store.h"
#include "test.h"
#include "web/page.h"
#include "web/web.h"

TEST(web_pct_decode)
{
	struct arena	 a;
	struct err	 e;
	char		*out;

	arena_init(&a);
	err_clear(&e);
	CHECK_INT(pct_decode(&a, "a%20b+c%2Bd", 11, 64, 1, &out, &e), 0);
	CHECK_STR(out, "a b c+d");
	CHECK_INT(pct_decode(&a, "a+b", 3, 64, 0, &out, &e), 0);
	CHECK_STR(out, "a+b");
	CHECK_INT(pct_decode(&a, "%e2%82%AC", 9, 64, 1, &out, &e), 0);
	CHECK_STR(out, "\xe2\x82\xac");
	CHECK_INT(pct_decode(&a, "", 0, 64, 1, &out, &e), 0);
	CHECK_STR(out, "");
	/* Cut short, not hex, NUL, invalid UTF-8, too long. */
	CHECK_INT(pct_decode(&a, "ab%2", 4, 64, 1, &out, &e), -1);
	CHECK_INT(pct_decode(&a, "ab%", 3, 64, 1, &out, &e), -1);
	CHECK_INT(pct_decode(&a, "%zz", 3, 64, 1, &out, &e), -1);
	CHECK_INT(pct_decode(&a, "a%00b", 5, 64, 1, &out, &e), -1);
	CHECK_INT(pct_decode(&a, "%ff%fe", 6, 64, 1, &out, &e), -1);
	CHECK_INT(pct_decode(&a, "abcdef", 6, 5, 1, &out, &e), -1);
	CHECK_INT(e.code, ERR_LIMIT);
	CHECK_INT(pct_decode(&a, "abcde", 5, 5, 1, &out, &e), 0);
	CHECK_STR(out, "abcde");
	arena_release(&a);
}

TEST(web_form_parse)
{
	struct arena	 a;
	struct form	 f;
	struct err	 e;
	const char	*body = "csrf=abc&email=a%40b.example&empty=&flag"
	    "&&account=1&account=2&note=x+y%3D%26";

	arena_init(&a);
	err_clear(&e);
	CHECK_INT(form_parse(&a, body, strlen(body), &f, &e), 0);
	CHECK_INT(f.n, 7);
	CHECK_STR(form_get(&f, "csrf"), "abc");
	CHECK_STR(form_get(&f, "email"), "a@b.example");
	CHECK_STR(form_get(&f, "empty"), "");
	CHECK_STR(form_get(&f, "flag"), "");
	CHECK_STR(form_get(&f, "account"), "1");
	CHECK_STR(f.v[5].value, "2");
	CHECK_STR(form_get(&f, "note"), "x y=&");
	CHECK(form_get(&f, "missing") == NULL);
	CHECK_STR(form_str(&f, "missing"), "");
	CHECK_INT(form_parse(&a, "", 0, &f, &e), 0);
	CHECK_INT(f.n, 0);
	/* Bad escapes anywhere refuse the whole form. */
	CHECK_INT(form_parse(&a, "a=1&b=%G0", 9, &f, &e), -1);
	CHECK_INT(e.code, ERR_INVALID);
	arena_release(&a);
}

TEST(web_form_caps)
{
	struct arena	 a;
	struct form	 f;
	struct err	 e;
	struct buf	 b;
	int		 i;

	arena_init(&a);
	buf_init(&b, 0);
	for (i = 0; i < FORM_MAX_FIELDS; i++)
		buf_printf(&b, "%sf%d=v", i ? "&" : "", i);
	CHECK_INT(form_parse(&a, buf_str(&b), b.len, &f, &e), 0);
	CHECK_INT(f.n, FORM_MAX_FIELDS);
	buf_adds(&b, "&one=more");
	CHECK_INT(form_parse(&a, buf_str(&b), b.len, &f, &e), -1);
	CHECK_INT(e.code, ERR_LIMIT);
	/* A value over the cap, and a name over its cap. */
	buf_reset(&b);
	buf_adds(&b, "v=");
	for (i = 0; i <= FORM_MAX_VALUE; i++)
		buf_addc(&b, 'x');
	CHECK_INT(form_parse(&a, buf_str(&b), b.len, &f, &e), -1);
	buf_reset(&b);
	for (i = 0; i <= FORM_MAX_NAME; i++)
		buf_addc(&b, 'n');
	buf_adds(&b, "=v");
	CHECK_INT(form_parse(&a, buf_str(&b), b.len, &f, &e), -1);
	buf_release(&b);
	arena_release(&a);
}

TEST(web_tokens_and_csrf)
{
	char	 t1[WEB_CSRF_LEN + 1], t2[WEB_CSRF_LEN + 1];
	char	 h[WEB_TOKEN_HASH_LEN + 1], h2[WEB_TOKEN_HASH_LEN + 1];
	size_t	 i;

	web_token_new(t1);
	web_token_new(t2);
	CHECK_INT(strlen(t1), WEB_CSRF_LEN);
	CHECK(strcmp(t1, t2) != 0);
	for (i = 0; i < WEB_CSRF_LEN; i++)
		CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_", t1[i]) != NULL);
	/* The store keeps SHA-256(token) in hex. */
	web_token_hash("abc", h);
	CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	web_token_hash(t1, h);
	web_token_hash(t1, h2);
	CHECK_STR(h, h2);
	CHECK_INT(strlen(h), WEB_TOKEN_HASH_LEN);
	CHECK_INT(web_csrf_ok(t1, t1), 1);
	CHECK_INT(web_csrf_ok(t1, t2), 0);
	CHECK_INT(web_csrf_ok(t1, NULL), 0);
	CHECK_INT(web_csrf_ok(t1, ""), 0);
	CHECK_INT(web_csrf_ok(NULL, t1), 0);
	CHECK_INT(web_csrf_ok("", ""), 0);
	t2[0] = '\0';
	CHECK_INT(web_csrf_ok(t1, t2), 0);
	memcpy(t2, t1, WEB_CSRF_LEN - 1);
	t2[WEB_CSRF_LEN - 1] = '\0';
	CHECK_INT(web_csrf_ok(t1, t2), 0);	/* a prefix */
}

TEST(web_friendly_errors)
{
	struct err	 e;

	err_set(&e, ERR_CONFLICT, "HandshakeConstraintViolationException",
	    "ALREADY_IN_AN_ORGANIZATION", "raw");
	CHECK(strstr(err_friendly(&e), "Leave that organization first") != NULL);
	err_set(&e, ERR_CONFLICT, "ConstraintViolationException",
	    "MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED", "raw");
	CHECK(strstr(err_friendly(&e), "payment method") != NULL);
	err_set(&e, ERR_INVALID, "InvalidInputException", "OTHER",
	    "notes: too long");
	CHECK_STR(err_friendly(&e), "notes: too long");
	err_set(&e, ERR_INTERNAL, NULL, NULL, "disk on fire");
	CHECK(strstr(err_friendly(&e), "nothing was changed") != NULL);
}

/*
 * A portal user's session stays alive while it is used: session_load()
 * moves last_seen forward for it as for an account's session, so the idle
 * timeout counts from the last request, not from sign-in.
 */
TEST(web_portal_session_touched)
{
	struct store		*st;
	struct err		 e;
	struct arena		 a;
	struct account		 acct;
	struct access_key	 k;
	struct portal_user	 u;
	struct web_session	 ws, got;
	struct header		 h;
	struct request		 r;
	struct response		 resp;
	struct ctx		 c;
	char			 token[WEB_CSRF_LEN + 1], cookie[128];
	int64_t			 now = clock_real_ms();

	err_clear(&e);
	CHECK_INT(store_open(test_db("web_touch"), STORE_EMULATOR, &st, &e),
	    0);
	CHECK_INT(account_create(st, NULL, "msp-touch@example.com", NULL, NULL,
	    &acct, &k, &e), 0);
	memset(&u, 0, sizeof(u));
	snprintf(u.id, sizeof(u.id), "usr-touch00001");
	snprintf(u.email, sizeof(u.email), "reader@example.com");
	snprintf(u.password_hash, sizeof(u.password_hash), "x");
	snprintf(u.role, sizeof(u.role), "read-only");
	CHECK_INT(store_portal_user_insert(st, &u, &e), 0);

	/* Signed in an hour ago, last seen 100 minutes ago: still alive. */
	memset(&ws, 0, sizeof(ws));
	web_token_new(token);
	web_token_hash(token, ws.token_hash);
	web_token_new(ws.csrf);
	snprintf(ws.account_id, sizeof(ws.account_id), "%s", acct.id);
	ws.created_at = now - 3600 * 1000;
	ws.last_seen = now - 100 * 60 * 1000;
	ws.expires_at = ws.created_at + WEB_SESSION_TTL_MS;
	CHECK_INT(store_web_session_insert(st, &ws, &e), 0);
	CHECK_INT(store_portal_session_put(st, ws.token_hash, u.id, &e), 0);

	arena_init(&a);
	snprintf(cookie, sizeof(cookie), "%s=%s", WEB_COOKIE, token);
	h.name = "Cookie";
	h.value = cookie;
	memset(&r, 0, sizeof(r));
	memset(&resp, 0, sizeof(resp));
	memset(&c, 0, sizeof(c));
	r.method = "GET";
	r.path = "/portal";
	r.query = "";
	r.headers = &h;
	r.nheaders = 1;
	r.arena = &a;
	r.store = st;
	c.r = &r;
	c.resp = &resp;
	CHECK_INT(session_load(&c), 1);
	CHECK_INT(c.is_portal, 1);
	CHECK_INT(store_web_session_get(st, ws.token_hash, &got, &e), 0);
	CHECK(got.last_seen >= now);
	arena_release(&a);
	store_close(st);
}

/*
 * The route tables' own rules (web.c, rest/routes.def): a '*' only ends a
 * path, a REST path has at most one {name} and not with a '*', and the
 * signed-in web rows of one first segment admit the same callers (the
 * router answers them a path under it that no row serves).
 */
TEST(web_route_tables)
{
	struct route_info	 a, b;
	const char		*star, *brace;
	size_t			 i, j, n;

	for (i = 0; web_route_info(i, &a) == 0; i++) {
		star = strchr(a.path, '*');
		CHECK(a.path[0] == '/' && (star == NULL || star[1] == '\0'));
		if (strcmp(a.who, "anyone") == 0 || strcmp(a.who, "public") == 0)
			continue;
		n = 1 + strcspn(a.path + 1, "/*");
		for (j = 0; web_route_info(j, &b) == 0; j++)
			if (strncmp(a.path, b.path, n) == 0 &&
			    (b.path[n] == '\0' || b.path[n] == '/'))
				CHECK_STR(b.who, a.who);
	}
	CHECK(i > 20);
	for (i = 0; rest_route_info(i, &a) == 0; i++) {
		star = strchr(a.path, '*');
		brace = strchr(a.path, '{');
		CHECK(a.path[0] == '/');
		CHECK(star == NULL || (star[1] == '\0' && brace == NULL));
		CHECK(brace == NULL || strchr(brace + 1, '{') == NULL);
	}
	CHECK(i > 30);
}
