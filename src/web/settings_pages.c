/* SPDX-License-Identifier: MIT */
/*
 * Account settings: billing information (payment method and phone: what an
 * account needs to stand alone), access keys (a new secret is shown once,
 * on the answer to the POST that made it, and never stored in a page
 * again), and the password (the current one is required). Every action
 * is on the session's own account.
 */
#include <stdio.h>
#include <string.h>

#include "org/account.h"
#include "web/page.h"
#include "web/web.h"

static void
field(struct buf *b, const char *id, const char *label, const char *type,
    const char *value, const char *extra)
{
	buf_adds(b, "<label for=\"");
	html_escape(b, id);
	buf_adds(b, "\">");
	html_escape(b, label);
	buf_adds(b, "</label><input id=\"");
	html_escape(b, id);
	buf_adds(b, "\" name=\"");
	html_escape(b, id);
	buf_adds(b, "\" type=\"");
	html_escape(b, type);
	buf_adds(b, "\" value=\"");
	html_escape(b, value);
	buf_adds(b, "\" ");
	buf_adds(b, extra);	/* a literal from this file, never input */
	buf_adds(b, ">");
}

static void
settings_page(struct ctx *c, const struct access_key *created)
{
	struct access_key	*keys;
	struct buf		*b = c->b;
	struct err		 e;
	size_t			 n = 0, i;
	int			 posted_billing;

	err_clear(&e);
	page_begin(c, "Account settings");
	buf_adds(b, "<h1>Account settings</h1><section class=\"card\" "
	    "id=\"account\"><h2>Account</h2><dl class=\"kv\"><dt>Name</dt>"
	    "<dd>");
	html_escape(b, c->acct.name);
	buf_adds(b, "</dd><dt>Account ID</dt><dd><code>");
	html_escape(b, c->acct.id);
	buf_adds(b, "</code></dd><dt>Root user e-mail</dt><dd>");
	html_escape(b, c->acct.email);
	buf_adds(b, "</dd></dl></section>");

	/* Billing information. */
	posted_billing = c->err_where != NULL &&
	    strcmp(c->err_where, "billing") == 0;
	buf_adds(b, "<section class=\"card\" id=\"billing\" "
	    "aria-labelledby=\"bill-h\"><h2 id=\"bill-h\">Billing information"
	    "</h2><p class=\"muted\">An account needs a payment method and a "
	    "phone number on file to stand alone (to leave an "
	    "organization).</p>");
	error_here(c, "billing");
	buf_adds(b, "<form method=\"post\" action=\"/settings/billing\" "
	    "class=\"stack\">");
	csrf_input(c);
	field(b, "payment_method", "Payment method", "text", posted_billing ?
	    form_str(&c->form, "payment_method") : c->acct.payment_method,
	    "maxlength=\"64\" placeholder=\"Visa ending 4242\" "
	    "autocomplete=\"off\"");
	field(b, "phone", "Phone number", "tel", posted_billing ?
	    form_str(&c->form, "phone") : c->acct.phone,
	    "maxlength=\"32\" placeholder=\"+1 206 555 0100\" "
	    "autocomplete=\"tel\"");
	buf_adds(b, "<button type=\"submit\" class=\"primary\">Save billing "
	    "information</button></form></section>");

	/* Access keys. */
	buf_adds(b, "<section class=\"card\" id=\"keys\" "
	    "aria-labelledby=\"keys-h\"><h2 id=\"keys-h\">Access keys</h2>"
	    "<p class=\"muted\">For the AWS CLI and SDKs (<code>aws "
	    "--endpoint-url ...</code>).</p>");
	error_here(c, "keys");
	if (created != NULL) {
		buf_adds(b, "<div class=\"secret\" role=\"status\" "
		    "id=\"new-key\"><p><strong>New access key created.</strong> "
		    "Copy the secret now: it is shown only this once.</p>"
		    "<dl class=\"kv\"><dt>Access key ID</dt><dd><code "
		    "id=\"new-key-id\">");
		html_escape(b, created->id);
		buf_adds(b, "</code></dd><dt>Secret access key</dt><dd><code "
		    "id=\"new-key-secret\">");
		html_escape(b, created->secret);
		buf_adds(b, "</code> <button type=\"button\" class=\"secondary "
		    "small\" data-copy=\"new-key-secret\">Copy</button></dd>"
		    "</dl></div>");
	}
	if (account_keys(c->r->store, c->r->arena, c->acct.id, &keys, &n,
	    &e) == -1) {
		error_box(b, &e);
		n = 0;
	}
	if (n > 0) {
		buf_adds(b, "<div class=\"table-wrap\"><table><thead><tr>"
		    "<th scope=\"col\">Access key ID</th><th scope=\"col\">"
		    "Created</th><th scope=\"col\"><span class=\"sr\">Action"
		    "</span></th></tr></thead><tbody>");
		for (i = 0; i < n; i++) {
			buf_adds(b, "<tr><td><code>");
			html_escape(b, keys[i].id);
			buf_adds(b, "</code></td><td>");
			html_time(b, keys[i].created_at);
			buf_adds(b, "</td><td><form method=\"post\" "
			    "class=\"inline\" action=\"/settings/keys/delete\" "
			    "data-confirm=\"Delete this access key? Programs "
			    "using it stop working.\">");
			csrf_input(c);
			buf_adds(b, "<input type=\"hidden\" name=\"key_id\" "
			    "value=\"");
			html_escape(b, keys[i].id);
			buf_adds(b, "\"><button type=\"submit\" "
			    "class=\"secondary\" aria-label=\"Delete ");
			html_escape(b, keys[i].id);
			buf_adds(b, "\">Delete</button></form></td></tr>");
		}
		buf_adds(b, "</tbody></table></div>");
	} else
		buf_adds(b, "<p class=\"muted\">No access keys.</p>");
	buf_adds(b, "<form method=\"post\" action=\"/settings/keys/create\">");
	csrf_input(c);
	buf_adds(b, "<button type=\"submit\" class=\"secondary\">Create access "
	    "key</button></form></section>");

	/* Password. */
	buf_adds(b, "<section class=\"card\" id=\"password\" "
	    "aria-labelledby=\"pw-h\"><h2 id=\"pw-h\">Password</h2>");
	error_here(c, "password");
	buf_adds(b, "<form method=\"post\" action=\"/settings/password\" "
	    "class=\"stack\">");
	csrf_input(c);
	field(b, "current_password", "Current password", "password", "",
	    "required autocomplete=\"current-password\" maxlength=\"128\"");
	field(b, "new_password", "New password (8 to 128 characters)",
	    "password", "", "required autocomplete=\"new-password\" "
	    "minlength=\"8\" maxlength=\"128\"");
	field(b, "confirm_password", "New password again", "password", "",
	    "required autocomplete=\"new-password\" minlength=\"8\" "
	    "maxlength=\"128\"");
	buf_adds(b, "<button type=\"submit\" class=\"primary\">Change "
	    "password</button></form></section>");
	page_end(c);
}

void
settings_get(struct ctx *c)
{
	settings_page(c, NULL);
}

void
settings_post(struct ctx *c, const char *action)
{
	struct access_key	 k;
	struct account		 a;
	struct err		 e;
	const char		*np, *cp;

	err_clear(&e);
	if (strcmp(action, "billing") == 0) {
		if (account_set_billing_info(c->r->store, c->who.account_id,
		    form_str(&c->form, "payment_method"),
		    form_str(&c->form, "phone"), &e) == -1) {
			error_at(c, "billing", &e);
			settings_page(c, NULL);
			return;
		}
		flash_set(c, "Billing information saved.");
		page_redirect(c, "/settings#billing");
	} else if (strcmp(action, "keys/create") == 0) {
		if (account_key_create(c->r->store, c->who.account_id, &k,
		    &e) == -1) {
			error_at(c, "keys", &e);
			settings_page(c, NULL);
			return;
		}
		/* Shown once, on this answer only; never cached. */
		settings_page(c, &k);
	} else if (strcmp(action, "keys/delete") == 0) {
		if (account_key_delete(c->r->store, c->who.account_id,
		    form_str(&c->form, "key_id"), &e) == -1) {
			error_text_at(c, "keys", e.code == ERR_NOT_FOUND ?
			    "This account has no such access key." :
			    err_friendly(&e));
			settings_page(c, NULL);
			return;
		}
		flash_set(c, "Access key %s deleted.",
		    form_str(&c->form, "key_id"));
		page_redirect(c, "/settings#keys");
	} else if (strcmp(action, "password") == 0) {
		cp = form_str(&c->form, "current_password");
		np = form_str(&c->form, "new_password");
		if (strcmp(np, form_str(&c->form, "confirm_password")) != 0) {
			error_text_at(c, "password", "The new passwords do not "
			    "match.");
			settings_page(c, NULL);
			return;
		}
		if (account_authenticate(c->r->store, c->acct.email, cp, &a,
		    &e) == -1 || strcmp(a.id, c->acct.id) != 0) {
			error_text_at(c, "password", "The current password is "
			    "wrong.");
			settings_page(c, NULL);
			return;
		}
		if (account_set_password(c->r->store, c->who.account_id, np,
		    &e) == -1) {
			error_at(c, "password", &e);
			settings_page(c, NULL);
			return;
		}
		flash_set(c, "Password changed.");
		page_redirect(c, "/settings#password");
	} else
		page_message(c, 404, "Not found", "There is no such action.");
}
