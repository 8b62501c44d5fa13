/* SPDX-License-Identifier: MIT */
/* The web layer's router, escaping and static assets: see web.h. */
#include <string.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/embed.h"
#include "onboard/onboard.h"
#include "web/page.h"
#include "web/web.h"

void
html_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		case '\'':
			buf_adds(b, "&#39;");
			break;
		default:
			buf_addc(b, *s);
		}
	}
}

static void
security_headers(const struct config *cfg, struct response *resp)
{
	response_header(resp, "Content-Security-Policy", "default-src 'self'; "
	    "script-src 'self'; style-src 'self'; img-src 'self' data:; "
	    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
	response_header(resp, "X-Content-Type-Options", "nosniff");
	response_header(resp, "Referrer-Policy", "same-origin");
	/* Served over HTTPS (here or at the proxy): browsers keep to it for
	 * a year and never send the session cookie in the clear. */
	if (cfg->https)
		response_header(resp, "Strict-Transport-Security",
		    "max-age=31536000");
}

static int
serve_asset(const char *name, struct response *resp)
{
	const struct embed_file	*f;
	const char		*ext;

	for (f = embed_assets; f->name != NULL; f++) {
		if (strcmp(f->name, name) != 0)
			continue;
		ext = strrchr(name, '.');
		resp->status = 200;
		resp->content_type = ext && strcmp(ext, ".css") == 0 ?
		    "text/css; charset=utf-8" : ext && strcmp(ext, ".js") == 0 ?
		    "text/javascript; charset=utf-8" : "application/octet-stream";
		response_header(resp, "Cache-Control", "max-age=3600");
		buf_add(&resp->body, f->data, f->len);
		return (0);
	}
	return (-1);
}

/* A POST must carry its form's CSRF token and, when the browser says where
 * it comes from, come from this console. */
static int
post_allowed(struct ctx *c)
{
	const char	*origin = request_header(c->r, "Origin");
	const char	*host = request_header(c->r, "Host");
	const char	*pub = c->r->cfg->public_url, *want;
	size_t		 n;

	/* Behind a proxy the browser's origin is --public-url's. */
	if (origin != NULL && pub != NULL) {
		n = strlen(origin);
		if (strncmp(pub, origin, n) == 0 && (pub[n] == '\0' ||
		    pub[n] == '/'))
			origin = NULL;
	}
	if (origin != NULL && host != NULL) {
		if (strncmp(origin, "http://", 7) == 0)
			origin += 7;
		else if (strncmp(origin, "https://", 8) == 0)
			origin += 8;
		if (strcmp(origin, host) != 0)
			return (0);
	}
	want = c->signed_in ? c->ws.csrf :
	    cookie_get(c->r->arena, c->r, WEB_PRE_COOKIE);
	return (web_csrf_ok(want, form_get(&c->form, "csrf")));
}

/* The signed-in console's sections: each is its path and what is under
 * it ("/audit", "/audit/..."). */
static const char *const msp_sections[] = { "/onboarding", "/customers",
    "/audit", "/imports", "/invoices", "/pricing", NULL };
static const char *const account_sections[] = { "/organization",
    "/settings", "/portal", "/signout", NULL };

/* The section of list p is in, or NULL. */
static const char *
section_of(const char *p, const char *const *list)
{
	size_t	 n;

	for (; *list != NULL; list++) {
		n = strlen(*list);
		if (strncmp(p, *list, n) == 0 && (p[n] == '\0' || p[n] == '/'))
			return (*list);
	}
	return (NULL);
}

static void
route(struct ctx *c)
{
	struct request	*r = c->r;
	int		 get = strcmp(r->method, "GET") == 0 ||
			    strcmp(r->method, "HEAD") == 0;
	int		 post = strcmp(r->method, "POST") == 0;
	const char	*p = r->path, *slash;
	struct msp	 m;
	struct err	 e;

	err_clear(&e);
	if (form_parse(r->arena, r->query, strlen(r->query), &c->query,
	    &e) == -1) {
		page_message(c, 400, "Bad request", e.msg);
		return;
	}
	session_load(c);
	if (post) {
		if (r->body_too_large) {
			page_message(c, 413, "Too large",
			    "The form sent was too large.");
			return;
		}
		if (form_parse(r->arena, r->body, r->body_len, &c->form,
		    &e) == -1) {
			page_message(c, 400, "Bad request", e.msg);
			return;
		}
		if (!post_allowed(c)) {
			page_message(c, 403, "Forbidden", "This form has "
			    "expired or did not come from this console, so "
			    "nothing was done. Reload the page and try again.");
			return;
		}
	}
	if (strcmp(p, "/signin") == 0 && (get || post)) {
		if (get)
			signin_get(c);
		else
			signin_post(c);
		return;
	}
	if (strcmp(p, "/") == 0 && get) {
		page_redirect(c, !c->signed_in ? "/signin" : c->is_portal ?
		    "/portal" : "/organization");
		return;
	}
	/* A portal user's session reaches the portal and sign-out only. */
	if (c->is_portal && strcmp(p, "/signout") != 0 &&
	    strcmp(p, "/portal") != 0 && strncmp(p, "/portal/", 8) != 0) {
		page_redirect(c, "/portal");
		return;
	}
	/* Whether the session is the MSP's management account. */
	c->is_msp = c->signed_in && msp_get(r->store, &m, NULL) == 0 &&
	    strcmp(m.account_id, c->who.account_id) == 0;
	/* Public pages: the intake form and the customer's plan. */
	if (strcmp(p, "/intake") == 0 && (get || post)) {
		if (get)
			intake_get(c);
		else
			intake_post(c);
		return;
	}
	if (strncmp(p, "/plan/", 6) == 0 && (get || post)) {
		slash = strchr(p + 6, '/');
		if (get && slash == NULL)
			plan_get(c, p + 6);
		else if (post && slash != NULL)
			plan_post(c, arena_strndup(r->arena, p + 6,
			    (size_t)(slash - p - 6)), slash + 1);
		else
			page_message(c, 404, "Not found",
			    "There is no page here.");
		return;
	}
	if (section_of(p, msp_sections) == NULL &&
	    section_of(p, account_sections) == NULL) {
		page_message(c, 404, "Not found", "There is no page here.");
		return;
	}
	if (!c->signed_in) {
		page_redirect(c, "/signin");
		return;
	}
	/* The MSP's pages, checked here once for every handler below. */
	if (!c->is_msp && section_of(p, msp_sections) != NULL) {
		page_forbidden(c);
		return;
	}
	if (get && c->ws.flash[0] != '\0')
		store_web_session_take_flash(r->store, c->ws.token_hash,
		    c->flash, sizeof(c->flash), NULL);
	if (strcmp(p, "/signout") == 0 && post)
		signout_post(c);
	else if ((strcmp(p, "/portal") == 0 || strncmp(p, "/portal/",
	    8) == 0) && get)
		portal_get(c, p[7] == '/' ? p + 8 : "");
	else if (strncmp(p, "/portal/", 8) == 0 && post)
		portal_post(c, p + 8);
	else if (strcmp(p, "/organization") == 0 && get)
		org_get(c);
	else if (strcmp(p, "/organization/accept") == 0 && get)
		org_accept_get(c);
	else if (strncmp(p, "/organization/", 14) == 0 && post)
		org_post(c, p + 14);
	else if (strcmp(p, "/onboarding") == 0 && get)
		onboard_desk_get(c, "");
	else if (strncmp(p, "/onboarding/", 12) == 0 && get)
		onboard_desk_get(c, p + 12);
	else if (strncmp(p, "/onboarding/", 12) == 0 && post)
		onboard_desk_post(c, p + 12);
	else if (strcmp(p, "/customers") == 0 && get)
		customers_get(c);
	else if (strncmp(p, "/customers/", 11) == 0 && post)
		customers_post(c, p + 11);
	else if (strcmp(p, "/audit") == 0 && get)
		audit_get(c);
	else if ((strcmp(p, "/imports") == 0 || strncmp(p, "/imports/",
	    9) == 0) && get)
		imports_get(c, p[8] == '/' ? p + 9 : "");
	else if ((strcmp(p, "/invoices") == 0 || strncmp(p, "/invoices/",
	    10) == 0) && get)
		invoices_get(c, p[9] == '/' ? p + 10 : "");
	else if (strncmp(p, "/invoices/", 10) == 0 && post)
		invoices_post(c, p + 10);
	else if (strcmp(p, "/pricing") == 0 && get)
		pricing_get(c);
	else if (strncmp(p, "/pricing/", 9) == 0 && post)
		pricing_post(c, p + 9);
	else if (strcmp(p, "/settings") == 0 && get)
		settings_get(c);
	else if (strncmp(p, "/settings/", 10) == 0 && post)
		settings_post(c, p + 10);
	else
		page_message(c, get || post ? 404 : 405, "Not found",
		    "There is no page here.");
}

void
web_handle(struct request *r, struct response *resp)
{
	struct ctx	*c;

	security_headers(r->cfg, resp);
	if (strncmp(r->path, "/static/", 8) == 0 &&
	    serve_asset(r->path + 8, resp) == 0)
		return;
	c = arena_zalloc(r->arena, sizeof(*c));
	c->r = r;
	c->resp = resp;
	c->b = &resp->body;
	route(c);
}
