/* SPDX-License-Identifier: MIT */
/*
 * Sign in and sign out. Sign-in checks e-mail and password (argon2id, in
 * account_authenticate) once the store has admitted the attempt: an
 * e-mail is locked for 15 minutes after 5 failures in a row, and attempts
 * per client address and in all are rate-limited (serve --signin-*); then
 * it rotates the session. The sign-in form's CSRF token is a
 * double-submit cookie (pl_csrf), since there is no session yet.
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/config.h"
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
	    "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", WEB_PRE_COOKIE, n,
	    web_cookie_secure(c)));
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

/* Refused before the password is checked: 429 with Retry-After. */
static void
refused_text(struct ctx *c, const struct signin_admission *adm, int64_t now)
{
	char	 when[32];
	char	 msg[320];
	int64_t	 secs;

	secs = (adm->until - now + 999) / 1000;
	if (secs < 1)
		secs = 1;
	time_text(adm->until, when, sizeof(when));
	if (adm->refused == SIGNIN_LOCKED)
		snprintf(msg, sizeof(msg), "Too many failed sign-ins for this "
		    "e-mail address: sign-in is locked for 15 minutes, until "
		    "%s.", when);
	else
		snprintf(msg, sizeof(msg), "Too many sign-in attempts %s: try "
		    "again in %lld seconds.", adm->refused == SIGNIN_ADDRESS ?
		    "from your address" : "right now",
		    (long long)secs);
	error_text_at(c, "signin", msg);
	c->resp->status = 429;
	response_header(c->resp, "Retry-After", arena_printf(c->r->arena,
	    "%lld", (long long)secs));
}

/*
 * Each attempt is admitted by the store before its password is checked
 * (store_signin_admit: one write transaction counts it against the
 * e-mail's lockout, the address's and everyone's rate), so no number of
 * parallel attempts gets more passwords checked than the limits allow.
 */
void
signin_post(struct ctx *c)
{
	const char			*email = form_str(&c->form, "email");
	const char			*password = form_str(&c->form, "password");
	const char			*addr = c->r->remote_addr != NULL ?
					    c->r->remote_addr : "-";
	struct signin_rules		 rules;
	struct signin_admission		 adm;
	struct account			 a;
	struct err			 e;
	char				 when[32], msg[320];
	int64_t				 now = clock_real_ms();

	err_clear(&e);
	pre_csrf(c);
	if (strlen(email) > EMAIL_MAX || strlen(password) > PASSWORD_MAX ||
	    *email == '\0' || *password == '\0') {
		error_text_at(c, "signin", "Enter your e-mail address and "
		    "password.");
		signin_form(c, email);
		return;
	}
	web_signin_rules(c->r->cfg, &rules);
	if (store_signin_admit(c->r->store, email_valid(email) ? email : NULL,
	    addr, now, &rules, &adm, &e) == -1) {
		error_at(c, "signin", &e);
		signin_form(c, email);
		return;
	}
	if (adm.refused != SIGNIN_ADMITTED) {
		refused_text(c, &adm, now);
		signin_form(c, email);
		return;
	}
	if (account_authenticate(c->r->store, email, password, &a, &e) == -1 &&
	    e.code == ERR_AUTH && portal_signin(c, email, password) == 0) {
		store_signin_succeeded(c->r->store, email, addr, NULL);
		page_redirect(c, "/portal");
		return;
	}
	if (e.code != ERR_NONE) {
		if (e.code != ERR_AUTH) {
			error_at(c, "signin", &e);
			signin_form(c, email);
			return;
		}
		/* The failure was counted when the attempt was admitted. */
		if (adm.locks) {
			time_text(adm.until, when, sizeof(when));
			snprintf(msg, sizeof(msg), "Wrong e-mail address or "
			    "password. Too many failed sign-ins for this e-mail "
			    "address: sign-in is locked for 15 minutes, until "
			    "%s.", when);
			error_text_at(c, "signin", msg);
		} else
			error_text_at(c, "signin", "Wrong e-mail address or "
			    "password.");
		c->resp->status = 401;
		signin_form(c, email);
		return;
	}
	store_signin_succeeded(c->r->store, email, addr, NULL);
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
