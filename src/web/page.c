/* SPDX-License-Identifier: MIT */
/*
 * What the console's pages share: the form parser, cookies, the layout,
 * escaping helpers and readable texts for domain errors. See page.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "billing/money.h"
#include "core/clock.h"
#include "core/codec.h"
#include "onboard/onboard.h"
#include "web/page.h"
#include "web/web.h"

int
form_parse(struct arena *a, const char *s, size_t len, struct form *out,
    struct err *e)
{
	const char	*p = s, *end = s + len, *amp, *eq;
	char		*name, *value;

	out->n = 0;
	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		if (out->n == FORM_MAX_FIELDS)
			return (err_set(e, ERR_LIMIT, NULL, NULL,
			    "form: more than %d fields", FORM_MAX_FIELDS));
		eq = memchr(p, '=', (size_t)(amp - p));
		if (pct_decode(a, p, (size_t)((eq ? eq : amp) - p),
		    FORM_MAX_NAME, 1, &name, e) == -1)
			return (-1);
		if (eq != NULL) {
			if (pct_decode(a, eq + 1, (size_t)(amp - eq - 1),
			    FORM_MAX_VALUE, 1, &value, e) == -1)
				return (-1);
		} else
			value = arena_strdup(a, "");
		out->v[out->n].name = name;
		out->v[out->n].value = value;
		out->n++;
		p = amp + 1;
	}
	return (0);
}

/* The value of parameter `param` in a header value ("multipart/form-data;
 * boundary=x", "form-data; name=\"a\""), quotes removed; arena copy. */
static const char *
header_param(struct arena *a, const char *v, const char *param)
{
	size_t		 n = strlen(param);
	const char	*p, *end;

	for (p = strchr(v, ';'); p != NULL; p = strchr(p + 1, ';')) {
		while (p[1] == ' ')
			p++;
		if (strncasecmp(p + 1, param, n) != 0 || p[1 + n] != '=')
			continue;
		p += 2 + n;
		if (*p == '"') {
			end = strchr(++p, '"');
			if (end == NULL)
				return (NULL);
		} else
			end = p + strcspn(p, "; ");
		return (arena_strndup(a, p, (size_t)(end - p)));
	}
	return (NULL);
}

int
form_parse_multipart(struct arena *a, const char *ctype, const char *body,
    size_t len, struct form *out, struct upload file[FORM_MAX_FILES],
    struct err *e)
{
	const char	*bnd, *p = body, *end = body + len, *hend, *next;
	const char	*name, *fname, *disp;
	char		*delim, *hdrs;
	size_t		 dlen, i;

	out->n = 0;
	memset(file, 0, FORM_MAX_FILES * sizeof(*file));
	if ((bnd = header_param(a, ctype, "boundary")) == NULL ||
	    strlen(bnd) == 0 || strlen(bnd) > 70)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "form: a multipart body without its boundary"));
	delim = arena_printf(a, "\r\n--%s", bnd);
	dlen = strlen(delim);
	/* The first boundary has no CRLF before it. */
	if (len < dlen - 2 || memcmp(p, delim + 2, dlen - 2) != 0)
		goto bad;
	p += dlen - 2;
	for (;;) {
		if (end - p >= 2 && memcmp(p, "--", 2) == 0)
			return (0);
		if (end - p < 2 || memcmp(p, "\r\n", 2) != 0)
			goto bad;
		p += 2;
		hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (hend == NULL || hend - p > 1024)
			goto bad;
		hdrs = arena_strndup(a, p, (size_t)(hend - p));
		p = hend + 4;
		next = memmem(p, (size_t)(end - p), delim, dlen);
		if (next == NULL)
			goto bad;
		disp = strcasestr(hdrs, "content-disposition:");
		name = disp != NULL ? header_param(a, disp, "name") : NULL;
		fname = disp != NULL ? header_param(a, disp, "filename") : NULL;
		if (name == NULL || strlen(name) > FORM_MAX_NAME)
			goto bad;
		if (fname != NULL && next > p) {
			/* One file a field; an empty file input sends none. */
			for (i = 0; i < FORM_MAX_FILES && file[i].name != NULL &&
			    strcmp(file[i].name, name) != 0; i++)
				;
			if (i == FORM_MAX_FILES)
				return (err_set(e, ERR_LIMIT, NULL, NULL,
				    "form: more than %d file fields",
				    FORM_MAX_FILES));
			if (file[i].name == NULL) {
				file[i].name = name;
				file[i].filename = fname;
				file[i].data = (const unsigned char *)p;
				file[i].len = (size_t)(next - p);
			}
		} else if (fname == NULL) {
			if (out->n == FORM_MAX_FIELDS)
				return (err_set(e, ERR_LIMIT, NULL, NULL,
				    "form: more than %d fields",
				    FORM_MAX_FIELDS));
			if (next - p > FORM_MAX_VALUE)
				return (err_set(e, ERR_LIMIT, NULL, NULL,
				    "form: field %s is too long", name));
			out->v[out->n].name = name;
			out->v[out->n].value = arena_strndup(a, p,
			    (size_t)(next - p));
			out->n++;
		}
		p = next + dlen;
	}
bad:
	return (err_set(e, ERR_INVALID, NULL, NULL,
	    "form: a malformed multipart body"));
}

const struct upload *
upload_get(const struct upload file[FORM_MAX_FILES], const char *name)
{
	size_t	 i;

	for (i = 0; i < FORM_MAX_FILES && file[i].name != NULL; i++)
		if (strcmp(file[i].name, name) == 0)
			return (&file[i]);
	return (NULL);
}

const char *
form_get(const struct form *f, const char *name)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return (f->v[i].value);
	return (NULL);
}

const char *
form_str(const struct form *f, const char *name)
{
	const char	*v = form_get(f, name);

	return (v != NULL ? v : "");
}

const char *
cookie_get(struct arena *a, const struct request *r, const char *name)
{
	const char	*p = request_header(r, "Cookie"), *semi, *eq;
	size_t		 nlen = strlen(name);

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		semi = strchr(p, ';');
		eq = strchr(p, '=');
		if (eq != NULL && (semi == NULL || eq < semi) &&
		    (size_t)(eq - p) == nlen && strncmp(p, name, nlen) == 0)
			return (arena_strndup(a, eq + 1, semi ?
			    (size_t)(semi - eq - 1) : strlen(eq + 1)));
		p = semi;
	}
	return (NULL);
}

void
html_printf(struct buf *b, const char *fmt, ...)
{
	char	 tmp[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	html_escape(b, tmp);
}

void
time_text(int64_t ms, char *buf, size_t len)
{
	char	 iso[32];

	clock_iso8601(ms, iso, sizeof(iso));
	/* 2026-11-26T12:00:00Z -> 2026-11-26 12:00 UTC */
	snprintf(buf, len, "%.10s %.5s UTC", iso, iso + 11);
}

void
html_time(struct buf *b, int64_t ms)
{
	char	 t[40];

	time_text(ms, t, sizeof(t));
	html_escape(b, t);
}

void
error_box(struct buf *b, const struct err *e)
{
	buf_adds(b, "<p class=\"flash error\" role=\"alert\">");
	html_escape(b, err_friendly(e));
	buf_adds(b, "</p>");
}

void
html_kv(struct buf *b, const char *k, const char *v)
{
	buf_adds(b, "<dt>");
	html_escape(b, k);
	buf_adds(b, "</dt><dd>");
	html_escape(b, v);
	buf_adds(b, "</dd>");
}

const char *
form_trimmed(struct ctx *c, const char *s)
{
	size_t	 len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	return (arena_strndup(c->r->arena, s, len));
}

void
csrf_input(struct ctx *c)
{
	buf_adds(c->b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_escape(c->b, c->signed_in ? c->ws.csrf :
	    c->pre_csrf != NULL ? c->pre_csrf : "");
	buf_adds(c->b, "\">");
}

void
button_form(struct ctx *c, const char *action, const char *name,
    const char *value, const char *label, const char *cls,
    const char *confirm)
{
	struct buf	*b = c->b;

	buf_adds(b, "<form method=\"post\" class=\"inline\" action=\"");
	html_escape(b, action);
	buf_adds(b, "\"");
	if (confirm != NULL) {
		buf_adds(b, " data-confirm=\"");
		html_escape(b, confirm);
		buf_adds(b, "\"");
	}
	buf_adds(b, ">");
	csrf_input(c);
	if (name != NULL) {
		buf_adds(b, "<input type=\"hidden\" name=\"");
		html_escape(b, name);
		buf_adds(b, "\" value=\"");
		html_escape(b, value);
		buf_adds(b, "\">");
	}
	buf_adds(b, "<button type=\"submit\" class=\"");
	html_escape(b, cls);
	buf_adds(b, "\">");
	html_escape(b, label);
	buf_adds(b, "</button></form>");
}

/* The brand the page is drawn under, read once per request. */
static const struct msp_brand *
page_brand(struct ctx *c)
{
	if (c->brand == NULL) {
		c->brand = arena_zalloc(c->r->arena, sizeof(*c->brand));
		msp_brand_get(c->r->store, c->brand);
	}
	return (c->brand);
}

static void	page_footer(struct ctx *);

void
page_begin(struct ctx *c, const char *title)
{
	const struct msp_brand	*br = page_brand(c);
	struct buf		*b = c->b;

	c->resp->content_type = "text/html; charset=utf-8";
	if (c->resp->status == 0)
		c->resp->status = 200;
	response_header(c->resp, "Cache-Control", "no-store");
	buf_adds(b, "<!doctype html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\"><title>");
	html_escape(b, title);
	buf_adds(b, " · ");
	html_escape(b, br->name);
	/* The brand's colour comes as a stylesheet: the CSP forbids inline
	 * styles. */
	buf_adds(b, "</title><link rel=\"icon\" href=\"/favicon.ico\">"
	    "<link rel=\"stylesheet\" href=\"/static/style.css\">"
	    "<link rel=\"stylesheet\" href=\"/brand.css\">"
	    "<script src=\"/static/app.js\" defer></script></head><body>"
	    "<a class=\"skip\" href=\"#main\">Skip to content</a>"
	    "<header class=\"top\"><a class=\"brand\" href=\"/\">");
	if (br->logo_type[0] != '\0')
		buf_adds(b, "<img src=\"/logo\" alt=\"\" width=\"28\" "
		    "height=\"28\">");
	html_escape(b, br->name);
	if (c->is_msp && !c->is_portal)
		buf_adds(b, "<span> console</span>");
	buf_adds(b, "</a>");
	if (c->signed_in && c->is_portal) {
		buf_adds(b, "<nav aria-label=\"Main\"><a href=\"/portal\">"
		    "Overview</a><a href=\"/portal/costs\">Cost analysis</a>"
		    "<a href=\"/portal/invoices\">Invoices</a>"
		    "<a href=\"/portal/budgets\">Budgets</a>"
		    "<a href=\"/portal/anomalies\">Anomalies</a>");
		if (c->is_staff)
			buf_adds(b, "<a href=\"/onboarding\">Onboarding</a>"
			    "<a href=\"/customers\">Customers</a>"
			    "<a href=\"/audit\">Audit</a>"
			    "<a href=\"/imports\">Imports</a>"
			    "<a href=\"/invoices\">Invoices</a>"
			    "<a href=\"/pricing\">Pricing</a>"
			    "<a href=\"/branding\">Branding</a>");
		buf_adds(b, "</nav><div class=\"who\"><span class=\"acct\">");
		html_escape(b, c->portal.email);
		buf_adds(b, " <small>");
		html_escape(b, c->portal.role);
		buf_adds(b, "</small></span><form method=\"post\" "
		    "action=\"/signout\">");
		csrf_input(c);
		buf_adds(b, "<button class=\"link\" type=\"submit\">Sign out"
		    "</button></form></div>");
	} else if (c->signed_in) {
		buf_adds(b, "<nav aria-label=\"Main\"><a href=\"/organization\">"
		    "Organization</a>");
		if (c->is_msp)
			buf_adds(b, "<a href=\"/onboarding\">Onboarding</a>"
			    "<a href=\"/customers\">Customers</a>"
			    "<a href=\"/audit\">Audit</a>"
			    "<a href=\"/imports\">Imports</a>"
			    "<a href=\"/invoices\">Invoices</a>"
			    "<a href=\"/pricing\">Pricing</a>"
			    "<a href=\"/branding\">Branding</a>"
			    "<a href=\"/portal\">Billing portal</a>");
		buf_adds(b, "<a href=\"/settings\">Account settings</a>"
		    "</nav><div class=\"who\"><span class=\"acct\">");
		html_escape(b, c->acct.name);
		buf_adds(b, " <small>");
		html_escape(b, c->acct.id);
		buf_adds(b, "</small></span><form method=\"post\" "
		    "action=\"/signout\">");
		csrf_input(c);
		buf_adds(b, "<button class=\"link\" type=\"submit\">Sign out"
		    "</button></form></div>");
	}
	buf_adds(b, "</header><main id=\"main\">");
	if (c->flash[0] != '\0') {
		buf_adds(b, "<p class=\"flash ok\" role=\"status\">");
		html_escape(b, c->flash);
		buf_adds(b, "</p>");
	}
	c->err_slot = b->len;
}

void
page_end(struct ctx *c)
{
	struct buf	 box;

	/* The section the error belongs to was not drawn for this account:
	 * the error still shows, at the top. */
	if (c->err_where != NULL && !c->err_shown) {
		buf_init(&box, 0);
		buf_adds(&box, "<p class=\"flash error\" role=\"alert\" "
		    "id=\"error-page\">");
		html_escape(&box, c->err_text);
		buf_adds(&box, "</p>");
		buf_insert(c->b, c->err_slot, box.ptr, box.len);
		buf_release(&box);
	}
	page_footer(c);
}

/* The brand's name and support contact; the MSP's own pages also say
 * what runs them. */
static void
page_footer(struct ctx *c)
{
	const struct msp_brand	*br = page_brand(c);
	struct buf		*b = c->b;

	buf_adds(b, "</main><footer><span class=\"brand-name\">");
	html_escape(b, br->name);
	buf_adds(b, "</span>");
	if (br->support_email[0] != '\0') {
		buf_adds(b, " · Support: <a href=\"mailto:");
		html_escape(b, br->support_email);
		buf_adds(b, "\">");
		html_escape(b, br->support_email);
		buf_adds(b, "</a>");
	}
	if (br->support_url[0] != '\0') {
		buf_adds(b, " · <a href=\"");
		html_escape(b, br->support_url);
		buf_adds(b, "\" rel=\"noopener\">Help center</a>");
	}
	if (c->signed_in && !c->is_portal)
		buf_adds(b, " · payerlink, AWS Organizations compatible "
		    "console");
	buf_adds(b, "</footer></body></html>\n");
}

void
page_redirect(struct ctx *c, const char *location)
{
	c->resp->status = 303;
	response_header(c->resp, "Location", location);
	response_header(c->resp, "Cache-Control", "no-store");
	c->resp->content_type = "text/plain; charset=utf-8";
	buf_adds(c->b, "See Other\n");
}

void
page_message(struct ctx *c, int status, const char *title, const char *text)
{
	c->resp->status = status;
	page_begin(c, title);
	buf_adds(c->b, "<h1>");
	html_escape(c->b, title);
	buf_adds(c->b, "</h1><p>");
	html_escape(c->b, text);
	buf_adds(c->b, "</p><p><a href=\"/\">Back to the console</a></p>");
	page_end(c);
}

void
error_text_at(struct ctx *c, const char *where, const char *text)
{
	c->err_where = where;
	c->err_text = arena_strdup(c->r->arena, text);
	if (c->resp->status == 0 || c->resp->status == 200)
		c->resp->status = 400;
}

void
error_at(struct ctx *c, const char *where, const struct err *e)
{
	error_text_at(c, where, err_friendly(e));
}

void
error_here(struct ctx *c, const char *where)
{
	if (c->err_where == NULL || strcmp(c->err_where, where) != 0)
		return;
	c->err_shown = 1;
	buf_adds(c->b, "<p class=\"flash error\" role=\"alert\" id=\"error-");
	html_escape(c->b, where);
	buf_adds(c->b, "\">");
	html_escape(c->b, c->err_text);
	buf_adds(c->b, "</p>");
}

/* Readable texts for what the domain answers; anything else shows e->msg. */
static const struct {
	const char	*aws_type;
	const char	*reason;	/* NULL: any */
	const char	*text;
} friendly[] = {
	{ AWSERR(HandshakeConstraintViolationException),
	    "ALREADY_IN_AN_ORGANIZATION",
	  "This account is still a member of another organization. Leave "
	  "that organization first (Leave this organization, below), then "
	  "accept the invitation." },
	{ AWSERR(HandshakeConstraintViolationException),
	  "HANDSHAKE_RATE_LIMIT_EXCEEDED",
	  "Your organization has sent too many invitations today (at most "
	  "20 in 24 hours). Try again tomorrow." },
	{ AWSERR(HandshakeConstraintViolationException),
	    "ORGANIZATION_FROM_DIFFERENT_SELLER_OF_RECORD",
	  "This account is sold by a different AWS seller of record and "
	  "cannot join this organization." },
	{ AWSERR(MasterCannotLeaveOrganizationException), NULL,
	  "This account manages its own organization. Remove every member "
	  "account and delete that organization first (Settings, Delete "
	  "organization), then accept." },
	{ AWSERR(ConstraintViolationException),
	  "MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED",
	  "The account needs a payment method on file before it can stand "
	  "alone. Add one in Account settings." },
	{ AWSERR(ConstraintViolationException),
	  "ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION",
	  "The account needs a phone number on file before it can stand "
	  "alone. Add one in Account settings." },
	{ AWSERR(ConstraintViolationException),
	    "ACCOUNT_CANNOT_LEAVE_WITHOUT_EULA",
	  "The account must accept the AWS Customer Agreement before it "
	  "can stand alone." },
	{ AWSERR(OrganizationNotEmptyException), NULL,
	  "The organization still has member accounts. Remove every member "
	  "account first, then delete the organization." },
	{ AWSERR(DuplicateHandshakeException), NULL,
	  "An open invitation to this account already exists. Cancel it "
	  "first if you want to send a new one." },
	{ AWSERR(HandshakeAlreadyInStateException), NULL,
	  "This invitation has already been answered." },
	{ AWSERR(InvalidHandshakeTransitionException), NULL,
	  "This invitation is no longer open (it was accepted, declined, "
	  "cancelled or has expired)." },
	{ AWSERR(HandshakeNotFoundException), NULL,
	  "There is no such invitation for this account." },
	{ AWSERR(AccountNotFoundException), NULL,
	  "There is no such account in your organization." },
	{ AWSERR(AccessDeniedException), NULL,
	  "Only the organization's management account can do this." },
	{ AWSERR(AWSOrganizationsNotInUseException), NULL,
	  "This account is not a member of an organization." },
	{ AWSERR(AlreadyInOrganizationException), NULL,
	  "This account is already in an organization." },
	{ AWSERR(InvalidInputException), "INVALID_EMAIL_ADDRESS_TARGET",
	  "That is not a valid e-mail address." },
	{ AWSERR(InvalidInputException), "INVALID_PARTY_TYPE_TARGET",
	  "Enter a 12-digit account id or an e-mail address." },
};

const char *
err_friendly(const struct err *e)
{
	size_t	 i;

	for (i = 0; i < sizeof(friendly) / sizeof(friendly[0]); i++) {
		if (e->aws_type == NULL ||
		    strcmp(e->aws_type, friendly[i].aws_type) != 0)
			continue;
		if (friendly[i].reason == NULL || (e->reason != NULL &&
		    strcmp(e->reason, friendly[i].reason) == 0))
			return (friendly[i].text);
	}
	if (e->code == ERR_INTERNAL)
		return ("Something went wrong on our side; nothing was "
		    "changed. Try again.");
	return (e->msg[0] != '\0' ? e->msg : "That did not work.");
}

void
page_forbidden(struct ctx *c)
{
	page_message(c, 403, "Forbidden", "This page belongs to the MSP's "
	    "management account.");
}

/* The account's name, or NULL (no name, unknown or not an account id). */
static const char *
account_name(struct ctx *c, const char *id)
{
	struct account	 a;
	struct err	 e;

	err_clear(&e);
	if (id == NULL || !account_id_valid(id) ||
	    account_get(c->r->store, id, &a, &e) == -1 || a.name[0] == '\0' ||
	    strcmp(a.name, id) == 0)
		return (NULL);
	return (arena_strdup(c->r->arena, a.name));
}

void
money_html(struct buf *b, int64_t nano)
{
	char	 t[MONEY_TEXT_MAX];

	money_text(nano, "USD", t, sizeof(t));
	html_escape(b, t);
}

const char *
account_label(struct ctx *c, const char *id)
{
	const char	*name = account_name(c, id);

	return (name != NULL ? arena_printf(c->r->arena, "%s (%s)", name, id) :
	    id);
}

void
html_account(struct ctx *c, const char *id)
{
	const char	*name = account_name(c, id);

	if (name == NULL) {
		html_escape(c->b, id);
		return;
	}
	buf_adds(c->b, "<span class=\"acct\">");
	html_escape(c->b, name);
	buf_adds(c->b, " <small>");
	html_escape(c->b, id);
	buf_adds(c->b, "</small></span>");
}
