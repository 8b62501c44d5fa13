/* SPDX-License-Identifier: MIT */
/*
 * The Organization page, by the account's state: standalone (create an
 * organization, invitations with Accept / Decline), member (its
 * organization, invitations, Leave this organization and what leaving
 * still lacks) or management account (Add an AWS account, the tree of the
 * root, its OUs and the accounts under each, with
 * Actions -> Remove from organization, sent invitations with Cancel,
 * Settings with the ID and Delete organization; billing transfers, inbound
 * and outbound, with End transfer; a billing transfer invitation with
 * Accept / Decline). Every action is one domain
 * call on the session's principal; success redirects with a flash, failure
 * shows the page again with the error next to what caused it.
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/codec.h"
#include "core/config.h"
#include "org/handshake.h"
#include "org/organization.h"
#include "org/ou.h"
#include "org/transfer.h"
#include "web/page.h"
#include "web/web.h"

#define LIST_MAX	20

static int
hs_open(const struct handshake *h)
{
	return (strcmp(h->state, "OPEN") == 0 ||
	    strcmp(h->state, "REQUESTED") == 0);
}

/* Whether a member accepts without leaving first: AWS's rule since 11
 * December 2025, unless the server rehearses the old one. */
static int
direct_transfer(const struct ctx *c)
{
	return (c->r->cfg == NULL || !c->r->cfg->no_direct_transfer);
}

static int
hs_transfer(const struct handshake *h)
{
	return (strcmp(h->action, "TRANSFER_RESPONSIBILITY") == 0);
}

/* Invitations this account received. */
static void
received_section(struct ctx *c, int in_org, int mgmt)
{
	struct handshake_filter	 f = { "", "" };
	struct handshake	*v;
	struct buf		*b = c->b;
	struct err		 e;
	size_t			 n = 0, i, shown = 0, invites = 0;
	int			 more;

	err_clear(&e);
	buf_adds(b, "<section class=\"card\" id=\"invitations\" "
	    "aria-labelledby=\"inv-h\"><h2 id=\"inv-h\">Invitations</h2>");
	error_here(c, "invitations");
	if (handshake_list_for_account(c->r->store, c->r->arena, &c->who, &f,
	    "", LIST_MAX, &v, &n, &more, &e) == -1) {
		error_box(b, &e);
		buf_adds(b, "</section>");
		return;
	}
	for (i = 0; i < n; i++) {
		shown += hs_open(&v[i]);
		invites += hs_open(&v[i]) && !hs_transfer(&v[i]);
	}
	if (shown == 0) {
		buf_adds(b, "<p class=\"muted\">No pending invitations.</p>"
		    "</section>");
		return;
	}
	if (invites == 0)
		;	/* a billing transfer asks nothing of the kind */
	else if (mgmt)
		buf_adds(b, "<p class=\"note\" id=\"accept-why\">This account "
		    "manages its own organization. To accept, first remove "
		    "every member account (Accounts, Actions, Remove from "
		    "organization), then delete the organization (Settings, "
		    "Delete organization).</p>");
	else if (in_org && direct_transfer(c))
		buf_adds(b, "<p class=\"note\">This account is a member of "
		    "another organization. Accepting moves it directly: it "
		    "leaves that organization in the same moment, with no "
		    "gap.</p>");
	else if (in_org)
		buf_adds(b, "<p class=\"note\" id=\"accept-why\">This account "
		    "is a member of another organization. To accept, first "
		    "<a href=\"#leave\">leave it</a>.</p>");
	buf_adds(b, "<ul class=\"invites\">");
	for (i = 0; i < n; i++) {
		if (!hs_open(&v[i]))
			continue;
		buf_adds(b, "<li class=\"invite\" data-handshake=\"");
		html_escape(b, v[i].id);
		buf_adds(b, "\" data-action=\"");
		html_escape(b, v[i].action);
		buf_adds(b, "\"><div><strong>");
		html_escape(b, v[i].mgmt_name);
		if (hs_transfer(&v[i])) {
			buf_adds(b, "</strong> offers to pay this "
			    "organization's AWS bill from ");
			html_time(b, v[i].transfer_start);
			buf_adds(b, " (billing transfer <code>");
			html_escape(b, v[i].transfer_id);
			buf_adds(b, "</code>): your organization stays as it "
			    "is");
		} else {
			buf_adds(b, "</strong> invites this account into "
			    "<code>");
			html_escape(b, v[i].org_id);
			buf_adds(b, "</code>");
		}
		buf_adds(b, "<br><span class=\"muted\">Management "
		    "account ");
		html_escape(b, v[i].mgmt_email);
		buf_adds(b, " (");
		html_escape(b, v[i].mgmt_id);
		buf_adds(b, ") · sent ");
		html_time(b, v[i].requested_at);
		buf_adds(b, " · expires ");
		html_time(b, v[i].expires_at);
		buf_adds(b, "</span>");
		if (v[i].notes[0] != '\0') {
			buf_adds(b, "<br><q>");
			html_escape(b, v[i].notes);
			buf_adds(b, "</q>");
		}
		buf_adds(b, "</div><div class=\"actions\">");
		/* An invitation to a management account, or to a member
		 * where accepting directly is off, needs the account out
		 * of its organization first: say so beside a button that
		 * cannot be pressed. */
		if (!hs_transfer(&v[i]) && (mgmt || (in_org &&
		    !direct_transfer(c))))
			buf_adds(b, "<button type=\"button\" class=\"primary\" "
			    "disabled aria-describedby=\"accept-why\">Accept"
			    "</button>");
		else {
			buf_adds(b, "<a class=\"button primary\" "
			    "href=\"/organization/accept?h=");
			html_escape(b, v[i].id);
			buf_adds(b, "\">Accept</a>");
		}
		button_form(c, "/organization/decline", "handshake_id",
		    v[i].id, "Decline", "secondary", hs_transfer(&v[i]) ?
		    "Decline this billing transfer? The sender will have to "
		    "invite this organization again." :
		    "Decline this invitation? The organization will have to "
		    "invite this account again.");
		buf_adds(b, "</div></li>");
	}
	buf_adds(b, "</ul></section>");
}

static void
standalone_section(struct ctx *c)
{
	struct buf	*b = c->b;

	buf_adds(b, "<section class=\"card\" id=\"standalone\" "
	    "aria-labelledby=\"sa-h\"><h2 id=\"sa-h\">This account is "
	    "standalone</h2><p>It is not in an organization and pays AWS "
	    "for its own usage. Accept an invitation to have an "
	    "organization's management account pay from then on.</p>");
	error_here(c, "create");
	buf_adds(b, "<details><summary>Create an organization</summary>"
	    "<p>This account becomes the management account of a new "
	    "organization and pays for the accounts that join it.</p>");
	button_form(c, "/organization/create", NULL, NULL,
	    "Create an organization", "secondary", NULL);
	buf_adds(b, "</details></section>");
}

static void
member_section(struct ctx *c, const struct organization *o,
    const struct membership *m)
{
	struct buf	*b = c->b;
	int		 pm = c->acct.payment_method[0] != '\0';
	int		 ph = c->acct.phone[0] != '\0';

	buf_adds(b, "<section class=\"card\" id=\"membership\" "
	    "aria-labelledby=\"mem-h\"><h2 id=\"mem-h\">Member of <code "
	    "id=\"org-id\">");
	html_escape(b, o->id);
	buf_adds(b, "</code></h2><dl class=\"kv\">");
	html_kv(b, "Organization ID", o->id);
	html_kv(b, "Management account", o->management_name);
	html_kv(b, "Management account e-mail", o->management_email);
	html_kv(b, "Management account ID", o->management_id);
	buf_adds(b, "<dt>Member since</dt><dd>");
	html_time(b, m->joined_at);
	buf_adds(b, "</dd></dl><p class=\"muted\">The management account "
	    "pays AWS for this account.</p></section>");

	buf_adds(b, "<section class=\"card\" id=\"leave\" "
	    "aria-labelledby=\"leave-h\"><h2 id=\"leave-h\">Leave this "
	    "organization</h2><p>After leaving, this account pays AWS "
	    "itself until it joins another organization. To stand alone it "
	    "needs:</p><ul class=\"checks\">");
	buf_adds(b, pm ? "<li class=\"done\">Payment method on file" :
	    "<li class=\"missing\">Payment method: <strong>missing</strong>");
	buf_adds(b, "</li>");
	buf_adds(b, ph ? "<li class=\"done\">Phone number on file" :
	    "<li class=\"missing\">Phone number: <strong>missing</strong>");
	buf_adds(b, "</li></ul>");
	if (!pm || !ph)
		buf_adds(b, "<p><a href=\"/settings#billing\">Add the "
		    "missing billing information in Account settings</a>, "
		    "then come back.</p>");
	error_here(c, "leave");
	button_form(c, "/organization/leave", NULL, NULL,
	    "Leave this organization", "danger",
	    "Leave this organization? From now on this account pays AWS "
	    "itself until it joins another organization.");
	buf_adds(b, "</section>");
}

static void
invite_section(struct ctx *c)
{
	struct buf	*b = c->b;

	buf_adds(b, "<section class=\"card\" id=\"invite\" "
	    "aria-labelledby=\"add-h\"><h2 id=\"add-h\">Add an AWS account"
	    "</h2><p class=\"muted\">Invite an existing account by its "
	    "12-digit account ID or its root e-mail address. Its owner "
	    "accepts on their Organization page.</p>");
	error_here(c, "invite");
	buf_adds(b, "<form method=\"post\" action=\"/organization/invite\" "
	    "class=\"stack\">");
	csrf_input(c);
	buf_adds(b, "<label for=\"target\">Account ID or e-mail address"
	    "</label><input id=\"target\" name=\"target\" required "
	    "maxlength=\"64\" autocomplete=\"off\" value=\"");
	html_escape(b, form_str(&c->form, "target"));
	buf_adds(b, "\"><label for=\"notes\">Notes (optional, shown to the "
	    "account's owner)</label><textarea id=\"notes\" name=\"notes\" "
	    "maxlength=\"1024\" rows=\"2\">");
	html_escape(b, form_str(&c->form, "notes"));
	buf_adds(b, "</textarea><button type=\"submit\" class=\"primary\">"
	    "Send invitation</button></form></section>");
}

/* What the tree shows at most: OUs in all, accounts under one parent. */
#define TREE_OUS_MAX		200
#define TREE_ACCOUNTS_MAX	100

struct tree {
	struct ctx			*c;
	const struct organization	*o;
	size_t				 nous;		/* shown so far */
	size_t				 naccounts;
	int				 cut;		/* something left out */
};

static void
tree_account(struct tree *t, const struct member *m)
{
	struct buf		*b = t->c->b;
	const struct account	*a = &m->account;
	int			 self = strcmp(a->id, t->o->management_id) == 0;

	buf_adds(b, "<li class=\"tree-account\" data-account=\"");
	html_escape(b, a->id);
	buf_adds(b, "\">");
	if (!self) {
		buf_adds(b, "<input type=\"checkbox\" name=\"account\" "
		    "id=\"acct-");
		html_escape(b, a->id);
		buf_adds(b, "\" value=\"");
		html_escape(b, a->id);
		buf_adds(b, "\" aria-label=\"Select ");
		html_escape(b, a->name);
		buf_adds(b, "\"> <label for=\"acct-");
		html_escape(b, a->id);
		buf_adds(b, "\">");
	} else
		buf_adds(b, "<span>");
	html_escape(b, a->name);
	buf_adds(b, " <code>");
	html_escape(b, a->id);
	buf_adds(b, "</code>");
	buf_adds(b, self ? "</span>" : "</label>");
	if (self)
		buf_adds(b, " <span class=\"tag\">management account</span>");
	buf_adds(b, " <span class=\"muted\">");
	html_escape(b, a->email);
	buf_adds(b, " · joined ");
	html_time(b, m->membership.joined_at);
	buf_adds(b, "</span></li>");
}

/* The OUs and accounts under parent_id, then each OU's, depth first. */
static void
tree_children(struct tree *t, const char *parent_id, int depth)
{
	struct ctx		*c = t->c;
	struct buf		*b = c->b;
	struct organization	 lo;
	struct org_unit		*ous;
	struct member		*accts;
	struct err		 e;
	size_t			 nous = 0, naccts = 0, i;
	int			 more_ous = 0, more_accts = 0;

	err_clear(&e);
	if (ou_list(c->r->store, c->r->arena, &c->who, parent_id, 0,
	    TREE_OUS_MAX, &lo, &ous, &nous, &more_ous, &e) == -1 ||
	    ou_list_accounts(c->r->store, c->r->arena, &c->who, parent_id,
	    "", TREE_ACCOUNTS_MAX, &lo, &accts, &naccts, &more_accts,
	    &e) == -1) {
		error_box(b, &e);
		return;
	}
	if (nous == 0 && naccts == 0)
		return;
	buf_adds(b, "<ul>");
	for (i = 0; i < nous; i++) {
		if (t->nous == TREE_OUS_MAX || depth > OU_DEPTH_MAX) {
			t->cut = 1;
			break;
		}
		t->nous++;
		buf_adds(b, "<li class=\"tree-ou\" data-ou=\"");
		html_escape(b, ous[i].id);
		buf_adds(b, "\"><strong>");
		html_escape(b, ous[i].name);
		buf_adds(b, "</strong> <code>");
		html_escape(b, ous[i].id);
		buf_adds(b, "</code>");
		tree_children(t, ous[i].id, depth + 1);
		buf_adds(b, "</li>");
	}
	for (i = 0; i < naccts; i++)
		tree_account(t, &accts[i]);
	t->naccounts += naccts;
	if (more_ous || more_accts) {
		t->cut = 1;
		buf_adds(b, "<li class=\"muted\">and more here</li>");
	}
	buf_adds(b, "</ul>");
}

/* The organization as AWS's console shows it: the root, its OUs (nested)
 * and the accounts under each, names with ids; the checkboxes feed
 * Actions -> Remove from organization. */
static void
accounts_section(struct ctx *c, const struct organization *o,
    size_t *nmembers)
{
	struct buf	*b = c->b;
	struct tree	 t;

	memset(&t, 0, sizeof(t));
	t.c = c;
	t.o = o;
	buf_adds(b, "<section class=\"card\" id=\"accounts\" "
	    "aria-labelledby=\"acc-h\"><h2 id=\"acc-h\">Accounts</h2>");
	error_here(c, "accounts");
	buf_adds(b, "<form method=\"post\" action=\"/organization/remove\" "
	    "data-confirm=\"Remove the selected accounts from the "
	    "organization? Each pays AWS itself from then on.\">");
	csrf_input(c);
	buf_adds(b, "<div class=\"toolbar\"><details class=\"menu\">"
	    "<summary class=\"button secondary\">Actions</summary><div "
	    "class=\"menu-items\"><button type=\"submit\" name=\"action\" "
	    "value=\"remove\" class=\"danger\">Remove from organization"
	    "</button></div></details></div><ul class=\"tree\" "
	    "id=\"org-tree\"><li class=\"tree-root\" data-root=\"");
	html_escape(b, o->root_id);
	buf_adds(b, "\"><strong>Root</strong> <code>");
	html_escape(b, o->root_id);
	buf_adds(b, "</code>");
	tree_children(&t, o->root_id, 1);
	buf_adds(b, "</li></ul></form>");
	if (t.cut)
		html_printf(b, "<p class=\"muted\" id=\"tree-cut\">The tree "
		    "shows up to %d organizational units and %d accounts "
		    "under each; the API and the CLI list them all.</p>",
		    TREE_OUS_MAX, TREE_ACCOUNTS_MAX);
	buf_adds(b, "</section>");
	*nmembers = t.naccounts;
}

static void
sent_section(struct ctx *c)
{
	struct handshake_filter	 f = { "", "" };
	struct handshake	*v;
	struct buf		*b = c->b;
	struct err		 e;
	size_t			 n = 0, i;
	int			 more;

	err_clear(&e);
	buf_adds(b, "<section class=\"card\" id=\"sent\" "
	    "aria-labelledby=\"sent-h\"><h2 id=\"sent-h\">Sent invitations"
	    "</h2>");
	error_here(c, "sent");
	if (handshake_list_for_org(c->r->store, c->r->arena, &c->who, &f, "",
	    LIST_MAX, &v, &n, &more, &e) == -1) {
		error_box(b, &e);
		buf_adds(b, "</section>");
		return;
	}
	if (n == 0) {
		buf_adds(b, "<p class=\"muted\">No invitations sent yet.</p>"
		    "</section>");
		return;
	}
	buf_adds(b, "<div class=\"table-wrap\"><table><thead><tr>"
	    "<th scope=\"col\">Invited</th><th scope=\"col\">State</th>"
	    "<th scope=\"col\">Sent</th><th scope=\"col\">Expires</th>"
	    "<th scope=\"col\">Notes</th><th scope=\"col\"><span "
	    "class=\"sr\">Action</span></th></tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		buf_adds(b, "<tr data-handshake=\"");
		html_escape(b, v[i].id);
		buf_adds(b, "\"><td>");
		html_escape(b, v[i].target_id);
		buf_adds(b, "<br><small class=\"muted\">");
		html_escape(b, v[i].id);
		buf_adds(b, "</small></td><td><span class=\"state state-");
		html_escape(b, v[i].state);
		buf_adds(b, "\">");
		html_escape(b, v[i].state);
		buf_adds(b, "</span></td><td>");
		html_time(b, v[i].requested_at);
		buf_adds(b, "</td><td>");
		html_time(b, v[i].expires_at);
		buf_adds(b, "</td><td>");
		html_escape(b, v[i].notes);
		buf_adds(b, "</td><td>");
		if (hs_open(&v[i]))
			button_form(c, "/organization/cancel", "handshake_id",
			    v[i].id, "Cancel", "secondary",
			    "Cancel this invitation?");
		buf_adds(b, "</td></tr>");
	}
	buf_adds(b, "</tbody></table></div></section>");
}

/* One side's billing transfers: inbound (this organization pays another's
 * bill) or outbound (another pays this one's). */
static void
transfer_table(struct ctx *c, int inbound, struct transfer *v, size_t n)
{
	struct buf	*b = c->b;
	size_t		 i;

	buf_adds(b, "<h3>");
	buf_adds(b, inbound ? "Inbound: organizations whose bill this one "
	    "pays" : "Outbound: who pays this organization's bill");
	buf_adds(b, "</h3><div class=\"table-wrap\"><table id=\"");
	buf_adds(b, inbound ? "transfers-inbound" : "transfers-outbound");
	buf_adds(b, "\"><thead><tr><th scope=\"col\">Transfer</th>"
	    "<th scope=\"col\">");
	buf_adds(b, inbound ? "Its management account" : "Paid by");
	buf_adds(b, "</th><th scope=\"col\">Status</th><th scope=\"col\">"
	    "From</th><th scope=\"col\">Until</th><th scope=\"col\"><span "
	    "class=\"sr\">Action</span></th></tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		buf_adds(b, "<tr data-transfer=\"");
		html_escape(b, v[i].id);
		buf_adds(b, "\"><td>");
		html_escape(b, v[i].name);
		buf_adds(b, "<br><small class=\"muted\">");
		html_escape(b, v[i].id);
		buf_adds(b, "</small></td><td>");
		html_escape(b, inbound ? v[i].source_email : v[i].target_email);
		buf_adds(b, " (");
		html_escape(b, inbound ? v[i].source_mgmt_id :
		    v[i].target_mgmt_id);
		buf_adds(b, ")</td><td><span class=\"state state-");
		html_escape(b, v[i].status);
		buf_adds(b, "\">");
		html_escape(b, v[i].status);
		buf_adds(b, "</span></td><td>");
		html_time(b, v[i].start_at);
		buf_adds(b, "</td><td>");
		if (v[i].end_at != 0)
			html_time(b, v[i].end_at);
		else
			buf_adds(b, "until ended");
		buf_adds(b, "</td><td>");
		if (strcmp(v[i].status, "ACCEPTED") == 0)
			button_form(c, "/organization/transfer-end",
			    "transfer_id", v[i].id, "End transfer", "danger",
			    "End this billing transfer? It runs until the end "
			    "of this month; then the organization pays its "
			    "own bill. It cannot be undone.");
		buf_adds(b, "</td></tr>");
	}
	buf_adds(b, "</tbody></table></div>");
}

/* Billing transfers of this management account, either side. */
static void
transfers_section(struct ctx *c)
{
	struct transfer	*in = NULL, *out = NULL;
	struct buf	*b = c->b;
	struct err	 e;
	size_t		 nin = 0, nout = 0;
	int		 more;

	err_clear(&e);
	if (transfer_list(c->r->store, c->r->arena, &c->who, 1,
	    TRANSFER_TYPE_BILLING, NULL, "", 20, &in, &nin, &more, &e) == -1 ||
	    transfer_list(c->r->store, c->r->arena, &c->who, 0,
	    TRANSFER_TYPE_BILLING, NULL, "", 20, &out, &nout, &more,
	    &e) == -1) {
		error_box(b, &e);
		return;
	}
	if (nin == 0 && nout == 0 && c->err_where == NULL)
		return;
	buf_adds(b, "<section class=\"card\" id=\"transfers\" "
	    "aria-labelledby=\"tr-h\"><h2 id=\"tr-h\">Billing transfers"
	    "</h2><p class=\"muted\">A billing transfer moves an "
	    "organization's AWS bill to another organization's management "
	    "account from the first of a month, while the organization keeps "
	    "its accounts, OUs and policies. Either side may end it: it runs "
	    "until the end of that month.</p>");
	error_here(c, "transfers");
	if (nin > 0)
		transfer_table(c, 1, in, nin);
	if (nout > 0)
		transfer_table(c, 0, out, nout);
	buf_adds(b, "</section>");
}

static void
settings_section(struct ctx *c, const struct organization *o,
    size_t nmembers)
{
	struct buf	*b = c->b;

	buf_adds(b, "<section class=\"card\" id=\"settings\" "
	    "aria-labelledby=\"set-h\"><h2 id=\"set-h\">Settings</h2>"
	    "<dl class=\"kv\"><dt>Organization ID</dt><dd><code "
	    "id=\"org-id\">");
	html_escape(b, o->id);
	buf_adds(b, "</code> <button type=\"button\" class=\"secondary "
	    "small\" data-copy=\"org-id\">Copy</button></dd>");
	html_kv(b, "Feature set", o->feature_set);
	html_kv(b, "Management account", o->management_name);
	buf_adds(b, "</dl><h3>Delete organization</h3>");
	if (nmembers > 1)
		buf_adds(b, "<p class=\"note\">The organization still has "
		    "member accounts: remove every member account first "
		    "(Accounts, Actions, Remove from organization).</p>");
	buf_adds(b, "<p>Deleting the organization makes this account "
	    "standalone. It cannot be undone.</p>");
	error_here(c, "delete");
	buf_adds(b, "<form method=\"post\" action=\"/organization/delete\" "
	    "class=\"stack\" id=\"delete-form\">");
	csrf_input(c);
	buf_adds(b, "<label for=\"confirm-org-id\">Type the organization ID "
	    "to confirm</label><input id=\"confirm-org-id\" "
	    "name=\"confirm_id\" autocomplete=\"off\" spellcheck=\"false\" "
	    "data-org-id=\"");
	html_escape(b, o->id);
	buf_adds(b, "\"><button type=\"submit\" class=\"danger\" "
	    "id=\"delete-org\" disabled>Delete organization</button></form>"
	    "</section>");
}

void
org_get(struct ctx *c)
{
	struct organization	 o;
	struct membership	 m;
	struct err		 e;
	struct buf		*b = c->b;
	size_t			 nmembers = 0;
	int			 in_org, mgmt;

	err_clear(&e);
	in_org = org_of(c->r->store, &c->who, &o, &m, &e) == 0;
	mgmt = in_org && strcmp(o.management_id, c->who.account_id) == 0;
	if (!in_org && e.code != ERR_NOT_FOUND) {
		page_message(c, 500, "Organization", err_friendly(&e));
		return;
	}
	page_begin(c, "Organization");
	buf_adds(b, "<h1>Organization</h1><p class=\"lead\" "
	    "id=\"org-state\">");
	if (!in_org)
		buf_adds(b, "This account is standalone.");
	else if (mgmt) {
		buf_adds(b, "This account is the management account of <code>");
		html_escape(b, o.id);
		buf_adds(b, "</code>.");
	} else {
		buf_adds(b, "This account is a member of <code>");
		html_escape(b, o.id);
		buf_adds(b, "</code> (management account ");
		html_escape(b, o.management_name);
		buf_adds(b, ").");
	}
	buf_adds(b, "</p>");
	received_section(c, in_org, mgmt);
	if (!in_org)
		standalone_section(c);
	else if (!mgmt)
		member_section(c, &o, &m);
	else {
		invite_section(c);
		accounts_section(c, &o, &nmembers);
		sent_section(c);
		transfers_section(c);
		settings_section(c, &o, nmembers);
	}
	page_end(c);
}

/* A billing transfer's confirmation: whose bill, from when, what stays. */
static void
accept_transfer_page(struct ctx *c, const struct handshake *h,
    const struct organization *o)
{
	struct buf	*b = c->b;

	page_begin(c, "Accept billing transfer");
	buf_adds(b, "<p><a href=\"/organization\">&larr; Organization</a></p>"
	    "<section class=\"card narrow\" id=\"accept\"><h1>Accept the "
	    "billing transfer from ");
	html_escape(b, h->mgmt_name);
	buf_adds(b, "?</h1>");
	if (!hs_open(h)) {
		buf_adds(b, "<p class=\"flash error\">This invitation is ");
		html_escape(b, h->state);
		buf_adds(b, " and can no longer be accepted.</p></section>");
		page_end(c);
		return;
	}
	buf_adds(b, "<p class=\"payer\" id=\"payer\">From <strong>");
	html_time(b, h->transfer_start);
	buf_adds(b, "</strong>, <strong>");
	html_escape(b, h->mgmt_name);
	buf_adds(b, "</strong> (");
	html_escape(b, h->mgmt_email);
	buf_adds(b, ", account ");
	html_escape(b, h->mgmt_id);
	buf_adds(b, ") will pay the AWS bill of your organization");
	if (o != NULL) {
		buf_adds(b, " <code>");
		html_escape(b, o->id);
		buf_adds(b, "</code>");
	}
	buf_adds(b, ", every account of it. Until then you pay AWS as "
	    "today.</p><p id=\"keeps\">Your organization stays as it is: "
	    "its member accounts, OUs and policies. Nothing is removed or "
	    "deleted. Either side can end the transfer later; it then runs "
	    "until the end of that month.</p><dl class=\"kv\">");
	html_kv(b, "Billing transfer", h->transfer_id);
	html_kv(b, "Paid by", h->mgmt_name);
	html_kv(b, "Paying organization", h->org_id);
	html_kv(b, "This account", c->acct.id);
	if (h->notes[0] != '\0')
		html_kv(b, "Notes", h->notes);
	buf_adds(b, "</dl>");
	error_here(c, "accept");
	buf_adds(b, "<div class=\"actions\">");
	button_form(c, "/organization/accept", "handshake_id", h->id,
	    "Accept billing transfer", "primary", NULL);
	button_form(c, "/organization/decline", "handshake_id", h->id,
	    "Decline", "secondary", "Decline this billing transfer? The "
	    "sender will have to invite this organization again.");
	buf_adds(b, "<a class=\"button secondary\" href=\"/organization\">"
	    "Not now</a></div></section>");
	page_end(c);
}

/* The accept confirmation: who will pay from now on. */
static void
accept_page(struct ctx *c, const char *hid)
{
	struct handshake	 h;
	struct organization	 o;
	struct err		 e;
	struct buf		*b = c->b;
	int			 in_org;

	err_clear(&e);
	if (handshake_describe(c->r->store, &c->who, hid, &h, &e) == -1) {
		page_message(c, e.code == ERR_INVALID ? 400 : 404,
		    "Invitation", err_friendly(&e));
		return;
	}
	in_org = org_of(c->r->store, &c->who, &o, NULL, &e) == 0;
	if (hs_transfer(&h)) {
		accept_transfer_page(c, &h, in_org ? &o : NULL);
		return;
	}
	page_begin(c, "Accept invitation");
	buf_adds(b, "<p><a href=\"/organization\">&larr; Organization</a></p>"
	    "<section class=\"card narrow\" id=\"accept\"><h1>Accept the "
	    "invitation to <code>");
	html_escape(b, h.org_id);
	buf_adds(b, "</code>?</h1>");
	if (!hs_open(&h)) {
		buf_adds(b, "<p class=\"flash error\">This invitation is ");
		html_escape(b, h.state);
		buf_adds(b, " and can no longer be accepted.</p></section>");
		page_end(c);
		return;
	}
	buf_adds(b, "<p class=\"payer\" id=\"payer\">From now on, <strong>");
	html_escape(b, h.mgmt_name);
	buf_adds(b, "</strong> (");
	html_escape(b, h.mgmt_email);
	buf_adds(b, ", account ");
	html_escape(b, h.mgmt_id);
	buf_adds(b, ") will pay AWS for this account, as the management "
	    "account of the organization.</p><dl class=\"kv\">");
	html_kv(b, "Organization", h.org_id);
	html_kv(b, "Management account", h.mgmt_name);
	html_kv(b, "Management account e-mail", h.mgmt_email);
	html_kv(b, "This account", c->acct.id);
	if (h.notes[0] != '\0')
		html_kv(b, "Notes", h.notes);
	buf_adds(b, "</dl>");
	if (in_org) {
		buf_adds(b, "<p class=\"note\" id=\"accept-why\">");
		if (strcmp(o.management_id, c->who.account_id) == 0)
			buf_adds(b, "This account manages its own "
			    "organization: remove its member accounts and "
			    "delete it first. <a href=\"/organization\">Go to "
			    "Organization</a></p>");
		else if (direct_transfer(c)) {
			buf_adds(b, "Accepting moves this account directly "
			    "from <code>");
			html_escape(b, o.id);
			buf_adds(b, "</code>: it leaves that organization in "
			    "the same moment.</p>");
		} else
			buf_adds(b, "This account is still a member of "
			    "another organization: leave it first. <a "
			    "href=\"/organization#leave\">Leave this "
			    "organization</a></p>");
	}
	error_here(c, "accept");
	buf_adds(b, "<div class=\"actions\">");
	if (in_org && (strcmp(o.management_id, c->who.account_id) == 0 ||
	    !direct_transfer(c)))
		buf_adds(b, "<button type=\"button\" class=\"primary\" "
		    "disabled aria-describedby=\"accept-why\">Accept "
		    "invitation</button>");
	else
		button_form(c, "/organization/accept", "handshake_id", h.id,
		    "Accept invitation", "primary", NULL);
	buf_adds(b, "<a class=\"button secondary\" href=\"/organization\">"
	    "Not now</a></div></section>");
	page_end(c);
}

void
org_accept_get(struct ctx *c)
{
	accept_page(c, form_str(&c->query, "h"));
}

static void
do_remove(struct ctx *c)
{
	struct buf	 msg;
	struct err	 e;
	size_t		 i, ok = 0, bad = 0;

	if (strcmp(form_str(&c->form, "action"), "remove") != 0) {
		error_text_at(c, "accounts", "Choose an action.");
		org_get(c);
		return;
	}
	buf_init(&msg, 4096);
	for (i = 0; i < c->form.n; i++) {
		if (strcmp(c->form.v[i].name, "account") != 0)
			continue;
		err_clear(&e);
		/* One domain call, one transaction, per account. */
		if (org_remove_account(c->r->store, &c->who,
		    c->form.v[i].value, &e) == 0) {
			ok++;
			continue;
		}
		bad++;
		buf_printf(&msg, "%sAccount %.12s was not removed: %s",
		    bad > 1 ? " " : "", c->form.v[i].value, err_friendly(&e));
	}
	if (ok == 0 && bad == 0) {
		buf_release(&msg);
		error_text_at(c, "accounts", "Select at least one account "
		    "to remove.");
		org_get(c);
		return;
	}
	if (bad > 0) {
		if (ok > 0)
			buf_printf(&msg, " (%zu other account%s removed.)", ok,
			    ok == 1 ? " was" : "s were");
		error_text_at(c, "accounts", buf_str(&msg));
		buf_release(&msg);
		org_get(c);
		return;
	}
	buf_release(&msg);
	flash_set(c, "Removed %zu account%s from the organization. %s now "
	    "pay%s AWS itself.", ok, ok == 1 ? "" : "s",
	    ok == 1 ? "It" : "Each", ok == 1 ? "s" : "s");
	page_redirect(c, "/organization#accounts");
}

void
org_post(struct ctx *c, const char *action)
{
	struct organization	 o;
	struct handshake	 h;
	struct transfer		 t;
	struct err		 e;
	char			 when[32];
	const char		*hid = form_str(&c->form, "handshake_id");
	const char		*target, *notes;

	err_clear(&e);
	if (strcmp(action, "create") == 0) {
		if (org_create(c->r->store, &c->who, "ALL", &o, &e) == -1)
			goto fail_create;
		flash_set(c, "Created organization %s. This account is its "
		    "management account.", o.id);
	} else if (strcmp(action, "accept") == 0) {
		if (handshake_accept(c->r->store, &c->who, hid,
		    c->r->cfg != NULL && c->r->cfg->no_direct_transfer ?
		    HANDSHAKE_NO_DIRECT_TRANSFER : 0, &h, &e) == -1) {
			error_at(c, "accept", &e);
			accept_page(c, hid);
			return;
		}
		if (hs_transfer(&h)) {
			clock_iso8601(h.transfer_start, when, sizeof(when));
			flash_set(c, "Accepted billing transfer %s: %s pays "
			    "this organization's AWS bill from %.10s (00:00 "
			    "UTC). Your organization stays as it is.",
			    h.transfer_id, h.mgmt_name, when);
		} else
			flash_set(c, "You are now a member of %s (management "
			    "account %s). %s pays AWS for this account from "
			    "now on.", h.org_id, h.mgmt_name, h.mgmt_name);
	} else if (strcmp(action, "decline") == 0) {
		if (handshake_decline(c->r->store, &c->who, hid, &h, &e) == -1)
			goto fail_inv;
		flash_set(c, "Declined the invitation from %s.", h.org_id);
	} else if (strcmp(action, "transfer-end") == 0) {
		if (transfer_terminate(c->r->store, &c->who,
		    form_str(&c->form, "transfer_id"), 0, &t, &e) == -1) {
			error_at(c, "transfers", &e);
			org_get(c);
			return;
		}
		clock_iso8601(t.end_at, when, sizeof(when));
		flash_set(c, "Ended billing transfer %s: it runs until the end "
		    "of %.10s (UTC), then the organization pays its own bill.",
		    t.id, when);
		page_redirect(c, "/organization#transfers");
		return;
	} else if (strcmp(action, "leave") == 0) {
		if (org_describe(c->r->store, &c->who, &o, &e) == -1 ||
		    org_leave(c->r->store, &c->who, &e) == -1) {
			error_at(c, "leave", &e);
			org_get(c);
			return;
		}
		flash_set(c, "This account left %s and is standalone now: it "
		    "pays AWS itself until it joins another organization.",
		    o.id);
	} else if (strcmp(action, "invite") == 0) {
		target = form_trimmed(c, form_str(&c->form, "target"));
		if (*target == '\0') {
			error_text_at(c, "invite", "Enter the account ID or "
			    "e-mail address to invite.");
			org_get(c);
			return;
		}
		notes = form_trimmed(c, form_str(&c->form, "notes"));
		if (handshake_invite(c->r->store, &c->who,
		    str_is_digits(target) ? "ACCOUNT" : "EMAIL", target,
		    *notes != '\0' ? notes : NULL, NULL, 0, &h, &e) == -1) {
			error_at(c, "invite", &e);
			org_get(c);
			return;
		}
		flash_set(c, "Invitation %s sent to %s.", h.id, target);
		page_redirect(c, "/organization#sent");
		return;
	} else if (strcmp(action, "remove") == 0) {
		do_remove(c);
		return;
	} else if (strcmp(action, "cancel") == 0) {
		if (handshake_cancel(c->r->store, &c->who, hid, &h, &e) == -1) {
			error_at(c, "sent", &e);
			org_get(c);
			return;
		}
		flash_set(c, "Cancelled the invitation to %s.", h.target_id);
		page_redirect(c, "/organization#sent");
		return;
	} else if (strcmp(action, "delete") == 0) {
		if (org_describe(c->r->store, &c->who, &o, &e) == -1)
			goto fail_delete;
		/* Checked here too: the disabled button is only a help. */
		target = form_trimmed(c, form_str(&c->form, "confirm_id"));
		if (strcmp(target, o.id) != 0) {
			error_text_at(c, "delete", "The organization ID you "
			    "typed does not match; nothing was deleted.");
			org_get(c);
			return;
		}
		if (org_delete(c->r->store, &c->who, &e) == -1)
			goto fail_delete;
		flash_set(c, "Deleted organization %s. This account is "
		    "standalone now and can accept an invitation.", o.id);
	} else {
		page_message(c, 404, "Not found", "There is no such action.");
		return;
	}
	page_redirect(c, "/organization");
	return;
fail_create:
	error_at(c, "create", &e);
	org_get(c);
	return;
fail_inv:
	error_at(c, "invitations", &e);
	org_get(c);
	return;
fail_delete:
	error_at(c, "delete", &e);
	org_get(c);
}
