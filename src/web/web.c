/* SPDX-License-Identifier: MIT */
/* The web layer's router, escaping and static assets: see web.h. */
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/embed.h"
#include "onboard/onboard.h"
#include "org/live.h"
#include "portal/portal.h"
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
		    "text/javascript; charset=utf-8" : ext &&
		    strcmp(ext, ".ico") == 0 ? "image/x-icon" :
		    "application/octet-stream";
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

/*
 * Who may reach a route. Anyone else is sent to sign in (signed out), to
 * the portal (a portal user's session) or refused with 403 (another
 * account).
 */
enum web_who {
	WEB_ANYONE,	/* signed out or in, a portal user too */
	WEB_PUBLIC,	/* anyone but a portal user */
	WEB_SESSION,	/* a signed-in account or portal user */
	WEB_ACCOUNT,	/* a signed-in account */
	WEB_MSP,	/* the MSP's management account */
	WEB_NOWHERE	/* no route: 404, a portal user the portal */
};

static const char *const who_names[] = { "anyone", "public", "signed-in",
    "account", "msp" };

struct web_route {
	const char	*method;	/* "GET" (HEAD too) or "POST" */
	const char	*path;		/* '*' at the end: sub gets the rest */
	void		(*page)(struct ctx *);
	void		(*sub)(struct ctx *, const char *rest);
	const char	*name;		/* the handler's, for web_route_info() */
	enum web_who	 who;
};

/* A page's handler takes the request; a sub-path's also what follows. */
#define PAGE(m, path, fn, who)	{ m, path, fn, NULL, #fn, who }
#define SUB(m, path, fn, who)	{ m, path, NULL, fn, #fn, who }

static void	home_get(struct ctx *);
static void	plan_token_get(struct ctx *, const char *);
static void	plan_token_post(struct ctx *, const char *);

/*
 * The console and the billing portal. The router dispatches from this
 * table and takes its authorization decision from the last column;
 * `payerlink routes` prints it for tests/api/test_authz_matrix.py. A path
 * under the first segment of signed-in rows ("/audit/x") that no row
 * serves is 404 (405 for other methods than GET and POST) for those the
 * rows admit, so a visitor learns nothing of what is there: the rows of
 * one segment have one `who`. What follows "/x/" is dispatched by the
 * page module (org_post: "invite", "remove"...), which also scopes what
 * a signed-in caller sees (the portal: the MSP and its portal users).
 */
static const struct web_route routes[] = {
	PAGE("GET",	"/",			home_get,		WEB_ANYONE),
	PAGE("GET",	"/signin",		signin_get,		WEB_ANYONE),
	PAGE("GET",	"/favicon.ico",		favicon_get,		WEB_ANYONE),
	PAGE("GET",	"/logo",		logo_get,		WEB_ANYONE),
	PAGE("GET",	"/brand.css",		brand_css_get,		WEB_ANYONE),
	PAGE("POST",	"/signin",		signin_post,		WEB_ANYONE),
	PAGE("GET",	"/intake",		intake_get,		WEB_PUBLIC),
	PAGE("POST",	"/intake",		intake_post,		WEB_PUBLIC),
	SUB("GET",	"/plan/*",		plan_token_get,		WEB_PUBLIC),
	SUB("POST",	"/plan/*",		plan_token_post,	WEB_PUBLIC),
	PAGE("POST",	"/signout",		signout_post,		WEB_SESSION),
	SUB("GET",	"/portal",		portal_get,		WEB_SESSION),
	SUB("GET",	"/portal/*",		portal_get,		WEB_SESSION),
	SUB("POST",	"/portal/*",		portal_post,		WEB_SESSION),
	PAGE("GET",	"/organization",	org_get,		WEB_ACCOUNT),
	PAGE("GET",	"/organization/accept",	org_accept_get,		WEB_ACCOUNT),
	SUB("POST",	"/organization/*",	org_post,		WEB_ACCOUNT),
	PAGE("GET",	"/settings",		settings_get,		WEB_ACCOUNT),
	SUB("POST",	"/settings/*",		settings_post,		WEB_ACCOUNT),
	SUB("GET",	"/onboarding",		onboard_desk_get,	WEB_MSP),
	SUB("GET",	"/onboarding/*",	onboard_desk_get,	WEB_MSP),
	SUB("POST",	"/onboarding/*",	onboard_desk_post,	WEB_MSP),
	PAGE("GET",	"/customers",		customers_get,		WEB_MSP),
	SUB("POST",	"/customers/*",		customers_post,		WEB_MSP),
	PAGE("GET",	"/audit",		audit_get,		WEB_MSP),
	SUB("GET",	"/imports",		imports_get,		WEB_MSP),
	SUB("GET",	"/imports/*",		imports_get,		WEB_MSP),
	SUB("GET",	"/invoices",		invoices_get,		WEB_MSP),
	SUB("GET",	"/invoices/*",		invoices_get,		WEB_MSP),
	SUB("POST",	"/invoices/*",		invoices_post,		WEB_MSP),
	PAGE("GET",	"/pricing",		pricing_get,		WEB_MSP),
	PAGE("GET",	"/branding",		branding_get,		WEB_MSP),
	SUB("POST",	"/branding/*",		branding_post,		WEB_MSP),
	SUB("POST",	"/pricing/*",		pricing_post,		WEB_MSP),
};

#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

static void
home_get(struct ctx *c)
{
	page_redirect(c, !c->signed_in ? "/signin" : c->is_portal ?
	    "/portal" : "/organization");
}

/* /plan/TOKEN: the customer's plan. */
static void
plan_token_get(struct ctx *c, const char *rest)
{
	if (strchr(rest, '/') != NULL)
		page_message(c, 404, "Not found", "There is no page here.");
	else
		plan_get(c, rest);
}

/* /plan/TOKEN/ACTION: the plan's forms. */
static void
plan_token_post(struct ctx *c, const char *rest)
{
	const char	*slash = strchr(rest, '/');

	if (slash == NULL)
		page_message(c, 404, "Not found", "There is no page here.");
	else
		plan_post(c, arena_strndup(c->r->arena, rest,
		    (size_t)(slash - rest)), slash + 1);
}

/* Whether rt's path matches p, with what follows its "/x/" in *rest. */
static int
route_match(const struct web_route *rt, const char *p, const char **rest)
{
	size_t	 n = strlen(rt->path);

	if (rt->path[n - 1] == '*' && strncmp(p, rt->path, n - 1) == 0) {
		*rest = p + n - 1;
		return (1);
	}
	*rest = "";
	return (strcmp(p, rt->path) == 0);
}

/* The row serving method and path. */
static const struct web_route *
route_find(const char *method, const char *p, const char **rest)
{
	const struct web_route	*rt;
	int			 head = strcmp(method, "HEAD") == 0;

	for (rt = routes; rt < routes + NROUTES; rt++)
		if ((strcmp(rt->method, method) == 0 ||
		    (head && strcmp(rt->method, "GET") == 0)) &&
		    route_match(rt, p, rest))
			return (rt);
	return (NULL);
}

/*
 * Live mode has no root user to sign in with (the mirror's accounts have
 * no payerlink password): the MSP's staff are portal users with an MSP
 * role, and reach the MSP's pages as the MSP's account, the audit log
 * naming the person. Every role reads them all; what a role may change is
 * decided by the path's section in portal_role_may_change().
 */
static int
staff_may(const struct ctx *c, const char *path, int post)
{
	char	 section[32];

	if (!post)
		return (1);
	snprintf(section, sizeof(section), "%.*s",
	    (int)strcspn(path + 1, "/"), path + 1);
	return (portal_role_may_change(c->portal.role, section));
}

/* Whether a row admitting portal users has path p, whatever its method. */
static int
portal_path(const char *p)
{
	const struct web_route	*rt;
	const char		*rest;

	for (rt = routes; rt < routes + NROUTES; rt++)
		if (rt->who == WEB_SESSION && route_match(rt, p, &rest))
			return (1);
	return (0);
}

/* Who the signed-in rows of p's first segment admit, or WEB_NOWHERE. */
static enum web_who
section_who(const char *p)
{
	const struct web_route	*rt;
	size_t			 n;

	for (rt = routes; rt < routes + NROUTES; rt++) {
		if (rt->who < WEB_SESSION)
			continue;
		n = 1 + strcspn(rt->path + 1, "/");
		if (strncmp(p, rt->path, n) == 0 &&
		    (p[n] == '\0' || p[n] == '/'))
			return (rt->who);
	}
	return (WEB_NOWHERE);
}

int
web_route_info(size_t i, struct route_info *out)
{
	if (i >= NROUTES)
		return (-1);
	out->method = routes[i].method;
	out->path = routes[i].path;
	out->handler = routes[i].name;
	out->who = who_names[routes[i].who];
	return (0);
}

static void
route(struct ctx *c)
{
	struct request		*r = c->r;
	int			 get = strcmp(r->method, "GET") == 0 ||
				    strcmp(r->method, "HEAD") == 0;
	int			 post = strcmp(r->method, "POST") == 0;
	const struct web_route	*rt;
	const char		*rest = "", *ctype;
	enum web_who		 who;
	struct msp		 m;
	struct err		 e;

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
		ctype = request_header(r, "Content-Type");
		if ((ctype != NULL && strncasecmp(ctype,
		    "multipart/form-data", 19) == 0 ?
		    form_parse_multipart(r->arena, ctype, r->body, r->body_len,
		    &c->form, c->upload, &e) : form_parse(r->arena, r->body,
		    r->body_len, &c->form, &e)) == -1) {
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
	rt = route_find(r->method, r->path, &rest);
	who = rt != NULL ? rt->who : section_who(r->path);
	if (c->is_portal && c->portal.customer_id[0] == '\0' &&
	    live_status(r->store, &(struct live_org){ 0 }, NULL) == 0 &&
	    msp_get(r->store, &m, NULL) == 0) {
		c->is_staff = 1;
		if (who == WEB_MSP) {
			if (!staff_may(c, r->path, post)) {
				page_forbidden(c);
				return;
			}
			snprintf(c->who.account_id, sizeof(c->who.account_id),
			    "%s", m.account_id);
			snprintf(c->who.person, sizeof(c->who.person),
			    "%.52s (%.9s)", c->portal.email, c->portal.role);
			c->is_msp = 1;
		}
	}
	if (who != WEB_ANYONE) {
		/* A portal user's session reaches sign-out and the portal
		 * only (any method there: 404 or 405 as for an account);
		 * the MSP's staff in live mode also the MSP's pages. */
		if (c->is_portal && !portal_path(r->path) &&
		    !(c->is_staff && who == WEB_MSP)) {
			page_redirect(c, "/portal");
			return;
		}
		if (!c->is_staff)
			c->is_msp = c->signed_in &&
			    msp_get(r->store, &m, NULL) == 0 &&
			    strcmp(m.account_id, c->who.account_id) == 0;
		if (who == WEB_NOWHERE) {
			page_message(c, 404, "Not found",
			    "There is no page here.");
			return;
		}
		if (who != WEB_PUBLIC && !c->signed_in) {
			page_redirect(c, "/signin");
			return;
		}
		if (who == WEB_MSP && !c->is_msp) {
			page_forbidden(c);
			return;
		}
		if (who != WEB_PUBLIC && get && c->ws.flash[0] != '\0')
			store_web_session_take_flash(r->store,
			    c->ws.token_hash, c->flash, sizeof(c->flash),
			    NULL);
	}
	if (rt == NULL)
		page_message(c, get || post ? 404 : 405, "Not found",
		    "There is no page here.");
	else if (rt->page != NULL)
		rt->page(c);
	else
		rt->sub(c, rest);
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
