/* SPDX-License-Identifier: MIT */
/*
 * Sign in and sign out. Sign-in checks e-mail and password (argon2id, in
 * account_authenticate), locks an e-mail for 15 minutes after 5 failures
 * in a row, and rotates the session. The sign-in form's CSRF token is a
 * double-submit cookie (pl_csrf), since there is no session yet.
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "web/page.h"
#include "web/web.h"

static void
signin_form(struct ctx *c, const char *email)
{
	struct buf	*b = c->b;

	page_begin(c, "Sign in");
	buf_adds(b, "<section class=\"card narrow\"><h1>Sign in</h1>"
	    "<p class=\"muted\">Sign in as the account's root user with its "
	    "e-mail address and password.</p>");
	error_here(c, "signin");
	buf_adds(b, "<form method=\"post\" action=\"/signin\" class=\"stack\">");
	csrf_input(c);
	buf_adds(b, "<label for=\"email\">E-mail address</label>"
	    "<input id=\"email\" name=\"email\" type=\"email\" "
	    "autocomplete=\"username\" required maxlength=\"64\" value=\"");
	html_escape(b, email);
	buf_adds(b, "\"><label for=\"password\">Password</label>"
	    "<input id=\"password\" name=\"password\" type=\"password\" "
	    "autocomplete=\"current-password\" required maxlength=\"128\">"
	    "<button type=\"submit\" class=\"primary\">Sign in</button>"
	    "</form></section>");
	page_end(c);
}

/* The pre-session CSRF token: the cookie's, or a new one. */
void
pre_csrf(struct ctx *c)
{
	const char	*t = cookie_get(c->r->arena, c->r, WEB_PRE_COOKIE);
	char		*n;

	if (t != NULL && strlen(t) == WEB_CSRF_LEN) {
		c->pre_csrf = t;
		return;
	}
	n = arena_alloc(c->r->arena, WEB_CSRF_LEN + 1);
	web_token_new(n);
	c->pre_csrf = n;
	response_header(c->resp, "Set-Cookie", arena_printf(c->r->arena,
	    "%s=%s; Path=/; HttpOnly; SameSite=Strict", WEB_PRE_COOKIE, n));
}

void
signin_get(struct ctx *c)
{
	if (c->signed_in) {
		page_redirect(c, "/organization");
		return;
	}
	pre_csrf(c);
	signin_form(c, "");
}

static void
locked_text(struct ctx *c, int64_t until)
{
	char	 when[32];
	char	 msg[256];

	time_text(until, when, sizeof(when));
	snprintf(msg, sizeof(msg), "Too many failed sign-ins for this e-mail "
	    "address: sign-in is locked for 15 minutes, until %s.", when);
	error_text_at(c, "signin", msg);
	c->resp->status = 429;
}

void
signin_post(struct ctx *c)
{
	const char			*email = form_str(&c->form, "email");
	const char			*password = form_str(&c->form, "password");
	struct web_signin_failures	 f;
	struct account			 a;
	struct err			 e;
	int64_t				 now = clock_real_ms();
	int				 known;

	err_clear(&e);
	pre_csrf(c);
	if (strlen(email) > EMAIL_MAX || strlen(password) > PASSWORD_MAX ||
	    *email == '\0' || *password == '\0') {
		error_text_at(c, "signin", "Enter your e-mail address and "
		    "password.");
		signin_form(c, email);
		return;
	}
	memset(&f, 0, sizeof(f));
	known = store_web_failures_get(c->r->store, email, &f, NULL) == 0;
	if (known && f.locked_until > now) {
		locked_text(c, f.locked_until);
		signin_form(c, email);
		return;
	}
	if (account_authenticate(c->r->store, email, password, &a, &e) == -1 &&
	    e.code == ERR_AUTH && portal_signin(c, email, password) == 0) {
		if (known)
			store_web_failures_clear(c->r->store, email, NULL);
		page_redirect(c, "/portal");
		return;
	}
	if (e.code != ERR_NONE) {
		if (e.code != ERR_AUTH) {
			error_at(c, "signin", &e);
			signin_form(c, email);
			return;
		}
		if (!known || now - f.last_failure_at > WEB_LOCK_MS)
			f.failures = 0;
		snprintf(f.email, sizeof(f.email), "%s", email);
		f.failures++;
		f.last_failure_at = now;
		f.locked_until = 0;
		if (f.failures >= WEB_LOCK_FAILURES) {
			f.failures = 0;
			f.locked_until = now + WEB_LOCK_MS;
		}
		if (email_valid(email))
			store_web_failures_put(c->r->store, &f, NULL);
		if (f.locked_until != 0)
			locked_text(c, f.locked_until);
		else {
			error_text_at(c, "signin", "Wrong e-mail address or "
			    "password.");
			c->resp->status = 401;
		}
		signin_form(c, email);
		return;
	}
	if (known)
		store_web_failures_clear(c->r->store, email, NULL);
	if (session_start(c, a.id, &e) == -1) {
		error_at(c, "signin", &e);
		signin_form(c, email);
		return;
	}
	page_redirect(c, "/organization");
}

void
signout_post(struct ctx *c)
{
	session_end(c);
	page_redirect(c, "/signin");
}
