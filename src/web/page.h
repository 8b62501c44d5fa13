/* SPDX-License-Identifier: MIT */
/*
 * Private to web/: what the console's pages share. The layout, escaping
 * helpers, the form parser (application/x-www-form-urlencoded, capped),
 * cookies, sessions and CSRF, and the friendly texts for domain errors.
 * Everything a page allocates comes from the request's arena.
 */
#ifndef WEB_PAGE_H
#define WEB_PAGE_H

#include <stddef.h>

#include "core/codec.h"
#include "core/err.h"
#include "core/message.h"
#include "org/account.h"
#include "portal/portal.h"
#include "store/store.h"
#include "store/web.h"

#define FORM_MAX_FIELDS		64	/* fields in one body or query */
#define FORM_MAX_NAME		64	/* bytes of a decoded name */
#define FORM_MAX_VALUE		4096	/* bytes of a decoded value */

#define WEB_COOKIE		"pl_session"
#define WEB_PRE_COOKIE		"pl_csrf"	/* sign-in form's CSRF cookie */
#define WEB_SESSION_TTL_MS	(12LL * 3600 * 1000)	/* absolute */
#define WEB_IDLE_TTL_MS		(2LL * 3600 * 1000)	/* since last seen */
#define WEB_LOCK_FAILURES	5
#define WEB_LOCK_MS		(15LL * 60 * 1000)
#define WEB_SIGNIN_WINDOW_MS	(60LL * 1000)	/* of the sign-in rates */

struct form_field {
	const char	*name;
	const char	*value;
};

struct form {
	struct form_field	 v[FORM_MAX_FIELDS];
	size_t			 n;
};

/* Parses a urlencoded body or query string; at most FORM_MAX_FIELDS. */
int	 form_parse(struct arena *, const char *s, size_t len,
	    struct form *out /* OUT */, struct err *);
/* A file sent with a multipart form (bytes in the request's body). */
struct upload {
	const char		*name;		/* the field's; NULL: none */
	const char		*filename;
	const unsigned char	*data;
	size_t			 len;
};

#define FORM_MAX_FILES	2

/* Parses a multipart/form-data body (ctype: its Content-Type): text
 * fields into out (the same caps), each file field's first non-empty
 * file into file[], at most FORM_MAX_FILES fields (more: ERR_LIMIT). */
int	 form_parse_multipart(struct arena *, const char *ctype,
	    const char *body, size_t len, struct form *out /* OUT */,
	    struct upload file[FORM_MAX_FILES] /* OUT */, struct err *);
/* The file sent for field name, or NULL. */
const struct upload *upload_get(const struct upload file[FORM_MAX_FILES],
	    const char *name);
/* The first value of name, or NULL / "" when absent. */
const char *form_get(const struct form *, const char *name);
const char *form_str(const struct form *, const char *name);

/* One cookie's value from the Cookie header (arena copy), or NULL. */
const char *cookie_get(struct arena *, const struct request *,
	    const char *name);

/* Session tokens: 32 random bytes as base64url (43 characters). */
void	 web_token_new(char out[WEB_CSRF_LEN + 1]);
/* Lowercase hex SHA-256 of a token: what the store keeps. */
void	 web_token_hash(const char *token, char out[WEB_TOKEN_HASH_LEN + 1]);
/* 1 when got equals expected (constant time); 0 for NULL or empty. */
int	 web_csrf_ok(const char *expected, const char *got);

/* One console request. */
struct ctx {
	struct request		*r;
	struct response		*resp;
	struct buf		*b;		/* resp->body */
	struct form		 form;		/* POST body */
	struct upload		 upload[FORM_MAX_FILES]; /* a multipart POST's
						   files (upload_get) */
	struct form		 query;
	int			 signed_in;
	int			 is_msp;	/* the session is the MSP's account */
	int			 is_portal;	/* a portal user's session */
	/* Live mode: a portal user with an MSP role (admin, operator,
	 * billing, read-only) working on the MSP's pages for the MSP's account. */
	int			 is_staff;
	struct portal_user	 portal;	/* that user (portal_pages.c) */
	struct web_session	 ws;
	struct principal	 who;
	struct account		 acct;
	char			 flash[WEB_FLASH_MAX + 1];
	/* An error to show next to the section named err_where; one the
	 * page does not draw (err_shown 0) goes at err_slot, atop <main>. */
	const char		*err_where;
	const char		*err_text;
	int			 err_shown;
	size_t			 err_slot;
	const char		*pre_csrf;	/* sign-in page's token */
	struct msp_brand	*brand;		/* page.c: read once, or NULL */
};

/* session.c */
/* Loads the session named by the cookie; 1 when signed in, else 0. */
int	 session_load(struct ctx *);
/* A new session for account_id (the old one, if any, is dropped). */
int	 session_start(struct ctx *, const char *account_id, struct err *);
void	 session_end(struct ctx *);
void	 flash_set(struct ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* page.c */
void	 page_begin(struct ctx *, const char *title);
void	 page_end(struct ctx *);
void	 page_redirect(struct ctx *, const char *location);
void	 page_message(struct ctx *, int status, const char *title,
	    const char *text);
/* Appends the escaped result of a printf format. */
void	 html_printf(struct buf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 csrf_input(struct ctx *);
/*
 * A POST form around one button, with the CSRF token and, when name is not
 * NULL, one hidden field; confirm: the JS dialog's question, or NULL.
 */
void	 button_form(struct ctx *, const char *action, const char *name,
	    const char *value, const char *label, const char *cls,
	    const char *confirm);
/* An account as people know it: "Umbrella Prod (341589682854)"; the id
 * alone when the account has no name or is unknown. Arena string. */
const char *account_label(struct ctx *, const char *id);
/* A USD amount (10^-9) as money_text writes it, code and all ("1,234.56
 * USD"), escaped: the amounts of cost tables, whatever currency the
 * customer is invoiced in. */
void	money_html(struct buf *, int64_t nano);
/* The same as HTML: the name, the id beside it in <small>. */
void	 html_account(struct ctx *, const char *id);
/* <dt>k</dt><dd>v</dd>, escaped. */
void	 html_kv(struct buf *, const char *k, const char *v);
/* time_text(ms), escaped. */
void	 html_time(struct buf *, int64_t ms);
/* An arena copy of s without leading blanks and trailing white space. */
const char *form_trimmed(struct ctx *, const char *s);
/* Shows ctx's error when it belongs to section `where`. */
void	 error_here(struct ctx *, const char *where);
/* Records an error for the page to show next to `where`. */
void	 error_at(struct ctx *, const char *where, const struct err *);
void	 error_text_at(struct ctx *, const char *where, const char *text);
/* A readable sentence for a domain error. */
const char *err_friendly(const struct err *);
/* err_friendly(e) as an alert paragraph, for a part of a page that failed. */
void	 error_box(struct buf *, const struct err *);
/* "2026-11-26 12:00 UTC" into buf (at least 24 bytes). */
void	 time_text(int64_t ms, char *buf, size_t len);

/* "; Secure" when browsers reach the server over HTTPS, else "". */
const char *web_cookie_secure(const struct ctx *);
/* The sign-in limits of this server (session.c). */
void	 web_signin_rules(const struct config *, struct signin_rules *out);

/* auth_pages.c */
void	 signin_get(struct ctx *);
void	 signin_post(struct ctx *);
void	 signout_post(struct ctx *);
/* Sets ctx->pre_csrf from the pl_csrf cookie, or a new one (and the cookie):
 * the CSRF token of forms shown without a session. */
void	 pre_csrf(struct ctx *);

/* org_pages.c */
void	 org_get(struct ctx *);
void	 org_accept_get(struct ctx *);
void	 org_post(struct ctx *, const char *action);

/* settings_pages.c */
void	 settings_get(struct ctx *);
void	 settings_post(struct ctx *, const char *action);

/* portal_pages.c: the billing portal (/portal...): customer users see
 * their customer only; MSP users and the MSP's account see every one. */
void	 portal_get(struct ctx *, const char *rest);
void	 portal_post(struct ctx *, const char *rest);
/* Signs a portal user in (a new session); 0 on success. */
int	 portal_signin(struct ctx *, const char *email, const char *password);

/* invoice_pages.c: invoices in the MSP console (/invoices..., the MSP's
 * account only) and in the billing portal (/portal/invoices..., through
 * portal_pages.c). An inv_view says who is looking. */
struct inv_view {
	int		 msp;		/* AWS cost, margin, drafts, all customers */
	int		 can_act;	/* issue, void, recompute (msp only) */
	const char	*base;		/* "/invoices" or "/portal/invoices" */
	const char	*customer;	/* !msp: the customer user's customer */
	const struct principal *who;	/* msp: for the domain (NULL: checked
					 * by the caller) */
};
void	 invoices_get(struct ctx *, const char *rest);
void	 invoices_post(struct ctx *, const char *rest);
/* The list's body (h1, filters, counts, table) between page_begin and
 * page_end; cust: the MSP's customer filter ("" all). */
void	 invoice_list_body(struct ctx *, const struct inv_view *,
	    const char *cust);
/* rest "KEY", "KEY/pdf" or "KEY/csv": the whole response; a key the
 * viewer may not see is the same 404 as an unknown one. */
void	 invoice_key_page(struct ctx *, const struct inv_view *,
	    const char *rest);
/* rest "recompute", "KEY/issue" or "KEY/void" (403 unless can_act). */
void	 invoice_pages_post(struct ctx *, const struct inv_view *,
	    const char *rest);

/* pricing_pages.c: the MSP's prices (/pricing, MSP session only): rules,
 * custom line items, exchange rates, commitment policies. action:
 * "rules/add", "rules/delete", "items/add", "items/delete", "fx/set",
 * "commitment". */
void	 pricing_get(struct ctx *);
void	 pricing_post(struct ctx *, const char *action);

/* onboard_pages.c: the MSP's onboarding desk (/onboarding, /customers,
 * /audit; MSP session only) and the public pages (/intake, /plan/TOKEN). */
void	 onboard_desk_get(struct ctx *, const char *rest);
void	 onboard_desk_post(struct ctx *, const char *rest);
void	 customers_get(struct ctx *);
void	 customers_post(struct ctx *, const char *action);
void	 audit_get(struct ctx *);
void	 intake_get(struct ctx *);
void	 intake_post(struct ctx *);
void	 plan_get(struct ctx *, const char *token);
void	 plan_post(struct ctx *, const char *token, const char *action);

/* brand_pages.c: /branding (the MSP's brand settings: MSP's session;
 * in live mode its admins) and the brand's public parts: /brand.css,
 * /logo, /favicon.ico. */
void	 brand_css_get(struct ctx *);
void	 logo_get(struct ctx *);
void	 favicon_get(struct ctx *);
void	 branding_get(struct ctx *);
void	 branding_post(struct ctx *, const char *action);

/* import_pages.c: /imports and /imports/ID (the MSP's). */
void	 imports_get(struct ctx *, const char *rest);

/* 403: the MSP's pages (desk, customers, audit, invoices, pricing). */
void	page_forbidden(struct ctx *);

#endif
