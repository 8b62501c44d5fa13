/* SPDX-License-Identifier: MIT */
/*
 * Live mode's wiring: the AWS side of the live organization port
 * (InviteAccountToOrganization, CancelHandshake), the sync's reads of the
 * MSP's organization, and serve's sync thread. See live.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "awsclient/awsclient.h"
#include "cli/live.h"
#include "core/every.h"
#include "core/log.h"

/* Pages a sync reads at most of one list (20 per page: 100,000 items). */
#define SYNC_PAGES_MAX	5000
#define SYNC_OUS_MAX	1000

static struct {
	pthread_mutex_t		 lock;
	struct awsclient	*client;
	char			 profile[128];
	char			 region[64];
} aws = { PTHREAD_MUTEX_INITIALIZER, NULL, "", "" };

static int
client_get(struct awsclient **out, struct err *e)
{
	struct awsclient_opts	 o;
	int			 rc = 0;

	pthread_mutex_lock(&aws.lock);
	if (aws.client == NULL) {
		memset(&o, 0, sizeof(o));
		o.profile = aws.profile[0] ? aws.profile : NULL;
		o.region = aws.region[0] ? aws.region : NULL;
		rc = awsclient_new(&o, &aws.client, e);
	}
	*out = aws.client;
	pthread_mutex_unlock(&aws.lock);
	return (rc);
}

static int64_t
ms_of(json_t *v)
{
	if (json_is_number(v))
		return ((int64_t)(json_number_value(v) * 1000.0 + 0.5));
	return (0);
}

static void
copy_str(char *dst, size_t len, json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	snprintf(dst, len, "%s", s != NULL ? s : "");
}

static void
handshake_of(json_t *h, struct orgport_handshake *out)
{
	json_t	*p;
	size_t	 i;

	memset(out, 0, sizeof(*out));
	copy_str(out->id, sizeof(out->id), h, "Id");
	copy_str(out->state, sizeof(out->state), h, "State");
	out->requested_at = ms_of(json_object_get(h, "RequestedTimestamp"));
	out->expires_at = ms_of(json_object_get(h, "ExpirationTimestamp"));
	json_array_foreach(json_object_get(h, "Parties"), i, p) {
		const char *type = json_string_value(json_object_get(p,
		    "Type"));

		if (type == NULL)
			continue;
		if (strcmp(type, "ORGANIZATION") == 0 && out->org_id[0] == '\0')
			copy_str(out->org_id, sizeof(out->org_id), p, "Id");
		else if (strcmp(type, "ORGANIZATION") != 0) {
			snprintf(out->target_type, sizeof(out->target_type),
			    "%s", type);
			copy_str(out->target_id, sizeof(out->target_id), p,
			    "Id");
		}
	}
}

static int
call(const char *op, json_t *in, json_t **out, struct err *e)
{
	struct awsclient	*c;
	int			 rc;

	if (client_get(&c, e) == -1) {
		json_decref(in);
		return (-1);
	}
	rc = awsclient_json_call(c, "organizations", op, in, out, e);
	json_decref(in);
	return (rc);
}

/* ---- The remote: the port's writes at AWS ---------------------------- */

static int
aws_invite(void *arg, const char *target_type, const char *target_id,
    const char *notes, struct orgport_handshake *out, struct err *e)
{
	json_t	*in, *res;

	(void)arg;
	in = json_pack("{s:{s:s, s:s}}", "Target", "Id", target_id, "Type",
	    target_type);
	if (notes != NULL && notes[0] != '\0')
		json_object_set_new(in, "Notes", json_string(notes));
	if (call("InviteAccountToOrganization", in, &res, e) == -1)
		return (-1);
	handshake_of(json_object_get(res, "Handshake"), out);
	json_decref(res);
	if (out->id[0] == '\0')
		return (err_set(e, ERR_INTERNAL, NULL, NULL, "organizations:"
		    "InviteAccountToOrganization: the answer has no Handshake"));
	return (0);
}

static int
aws_cancel(void *arg, const char *hid, struct orgport_handshake *out,
    struct err *e)
{
	json_t	*res;

	(void)arg;
	if (call("CancelHandshake", json_pack("{s:s}", "HandshakeId", hid),
	    &res, e) == -1)
		return (-1);
	handshake_of(json_object_get(res, "Handshake"), out);
	json_decref(res);
	return (0);
}

static const struct live_remote aws_remote = {
	.invite = aws_invite,
	.cancel = aws_cancel,
	.arg = NULL,
};

int
live_wire(struct store *st, struct err *e)
{
	struct live_org	 l;
	struct err	 le;

	if (live_status(st, &l, &le) == -1) {
		if (le.code == ERR_NOT_FOUND)
			return (0);
		if (e != NULL)
			*e = le;
		return (-1);
	}
	pthread_mutex_lock(&aws.lock);
	snprintf(aws.profile, sizeof(aws.profile), "%s", l.profile);
	snprintf(aws.region, sizeof(aws.region), "%s", l.region);
	pthread_mutex_unlock(&aws.lock);
	live_remote_set(&aws_remote);
	orgport_choose(orgport_live);
	return (1);
}

/* ---- The sync's reads ------------------------------------------------- */

/*
 * Every page of a list operation: items of key `key` appended to *all (a
 * JSON array the caller owns). extra: the operation's other input.
 */
static int
list_all(const char *op, json_t *extra, const char *key, json_t *all,
    struct err *e)
{
	json_t		*in, *res, *items, *tok, *next = NULL;
	int		 pages = 0;

	for (;;) {
		in = extra != NULL ? json_deep_copy(extra) : json_object();
		if (next != NULL)
			json_object_set_new(in, "NextToken", next);
		if (call(op, in, &res, e) == -1)
			return (-1);
		items = json_object_get(res, key);
		if (json_is_array(items))
			json_array_extend(all, items);
		tok = json_object_get(res, "NextToken");
		next = json_is_string(tok) && json_string_length(tok) > 0 ?
		    json_incref(tok) : NULL;
		json_decref(res);
		if (next == NULL)
			return (0);
		if (++pages >= SYNC_PAGES_MAX) {
			json_decref(next);
			return (err_set(e, ERR_LIMIT, NULL, NULL, "organizations:"
			    "%s: more than %d pages", op, SYNC_PAGES_MAX));
		}
	}
}

static void
account_of(json_t *a, struct live_account *out)
{
	memset(out, 0, sizeof(*out));
	copy_str(out->id, sizeof(out->id), a, "Id");
	copy_str(out->email, sizeof(out->email), a, "Email");
	copy_str(out->name, sizeof(out->name), a, "Name");
	copy_str(out->status, sizeof(out->status), a, "Status");
	copy_str(out->joined_method, sizeof(out->joined_method), a,
	    "JoinedMethod");
	out->joined_at = ms_of(json_object_get(a, "JoinedTimestamp"));
}

/* The OUs under parent, depth first (parents before children). */
static int
read_ous(const char *parent, int depth, json_t *ous, struct err *e)
{
	json_t	*extra, *kids, *u;
	size_t	 i, from;

	if (depth > 5 || json_array_size(ous) >= SYNC_OUS_MAX)
		return (0);
	kids = json_array();
	extra = json_pack("{s:s}", "ParentId", parent);
	if (list_all("ListOrganizationalUnitsForParent", extra,
	    "OrganizationalUnits", kids, e) == -1) {
		json_decref(extra);
		json_decref(kids);
		return (-1);
	}
	json_decref(extra);
	from = json_array_size(ous);
	json_array_foreach(kids, i, u) {
		json_object_set_new(u, "ParentId", json_string(parent));
		json_object_set_new(u, "Depth", json_integer(depth));
		json_array_append(ous, u);
	}
	json_decref(kids);
	for (i = from; i < json_array_size(ous) && i < SYNC_OUS_MAX; i++) {
		u = json_array_get(ous, i);
		if (json_integer_value(json_object_get(u, "Depth")) != depth)
			continue;
		if (read_ous(json_string_value(json_object_get(u, "Id")),
		    depth + 1, ous, e) == -1)
			return (-1);
	}
	return (0);
}

/* Reads the organization into s (arrays from a); the JSON is freed. */
static int
fetch(struct arena *a, struct live_snapshot *s, struct err *e)
{
	json_t	*res = NULL, *o, *roots = NULL, *accts = NULL, *ous = NULL;
	json_t	*hs = NULL, *kids, *extra, *v;
	size_t	 i, j, k;
	int	 rc = -1;

	memset(s, 0, sizeof(*s));
	if (call("DescribeOrganization", json_object(), &res, e) == -1)
		return (-1);
	o = json_object_get(res, "Organization");
	copy_str(s->org.id, sizeof(s->org.id), o, "Id");
	copy_str(s->org.arn, sizeof(s->org.arn), o, "Arn");
	copy_str(s->org.management_id, sizeof(s->org.management_id), o,
	    "MasterAccountId");
	copy_str(s->org.management_email, sizeof(s->org.management_email), o,
	    "MasterAccountEmail");
	copy_str(s->feature_set, sizeof(s->feature_set), o, "FeatureSet");
	json_decref(res);
	if (s->org.id[0] == '\0' || s->org.management_id[0] == '\0')
		return (err_set(e, ERR_INTERNAL, NULL, NULL, "organizations:"
		    "DescribeOrganization: the answer has no Organization Id"));

	roots = json_array();
	accts = json_array();
	ous = json_array();
	hs = json_array();
	if (list_all("ListRoots", NULL, "Roots", roots, e) == -1)
		goto out;
	copy_str(s->root_id, sizeof(s->root_id), json_array_get(roots, 0),
	    "Id");
	if (s->root_id[0] != '\0' && read_ous(s->root_id, 1, ous, e) == -1)
		goto out;
	if (list_all("ListAccounts", NULL, "Accounts", accts, e) == -1)
		goto out;
	if (list_all("ListHandshakesForOrganization", NULL, "Handshakes", hs,
	    e) == -1)
		goto out;

	s->naccounts = json_array_size(accts);
	s->accounts = arena_zalloc(a, (s->naccounts + 1) *
	    sizeof(*s->accounts));
	json_array_foreach(accts, i, v)
		account_of(v, &s->accounts[i]);
	s->nous = json_array_size(ous);
	s->ous = arena_zalloc(a, (s->nous + 1) * sizeof(*s->ous));
	json_array_foreach(ous, i, v) {
		copy_str(s->ous[i].id, sizeof(s->ous[i].id), v, "Id");
		copy_str(s->ous[i].name, sizeof(s->ous[i].name), v, "Name");
		copy_str(s->ous[i].parent_id, sizeof(s->ous[i].parent_id), v,
		    "ParentId");
		s->ous[i].depth = (int)json_integer_value(json_object_get(v,
		    "Depth"));
	}
	/* Where each account sits: the OUs' accounts (the rest: the root). */
	for (k = 0; k < s->nous; k++) {
		kids = json_array();
		extra = json_pack("{s:s}", "ParentId", s->ous[k].id);
		if (list_all("ListAccountsForParent", extra, "Accounts", kids,
		    e) == -1) {
			json_decref(extra);
			json_decref(kids);
			goto out;
		}
		json_decref(extra);
		json_array_foreach(kids, j, v) {
			const char *id = json_string_value(json_object_get(v,
			    "Id"));

			for (i = 0; id != NULL && i < s->naccounts; i++)
				if (strcmp(s->accounts[i].id, id) == 0)
					snprintf(s->accounts[i].parent_id,
					    sizeof(s->accounts[i].parent_id),
					    "%s", s->ous[k].id);
		}
		json_decref(kids);
	}
	s->nhandshakes = json_array_size(hs);
	s->handshakes = arena_zalloc(a, (s->nhandshakes + 1) *
	    sizeof(*s->handshakes));
	j = 0;
	json_array_foreach(hs, i, v) {
		const char *action = json_string_value(json_object_get(v,
		    "Action"));

		/* The desk's are invitations; other handshakes (all
		 * features) are not mirrored. */
		if (action != NULL && strcmp(action, "INVITE") != 0)
			continue;
		handshake_of(v, &s->handshakes[j]);
		if (s->handshakes[j].id[0] != '\0' &&
		    s->handshakes[j].target_type[0] != '\0')
			j++;
	}
	s->nhandshakes = j;
	rc = 0;
out:
	json_decref(roots);
	json_decref(accts);
	json_decref(ous);
	json_decref(hs);
	return (rc);
}

int
live_connect_aws(struct store *st, struct arena *a, const char *profile,
    const char *region, struct live_sync_result *out, struct err *e)
{
	struct live_snapshot	 s;

	if (live_can_connect(st, NULL, e) == -1)
		return (-1);
	pthread_mutex_lock(&aws.lock);
	snprintf(aws.profile, sizeof(aws.profile), "%s", profile ? profile :
	    "");
	snprintf(aws.region, sizeof(aws.region), "%s", region ? region : "");
	pthread_mutex_unlock(&aws.lock);
	if (fetch(a, &s, e) == -1)
		return (-1);
	if (live_connect(st, a, profile, region, &s, out, e) == -1)
		return (-1);
	live_remote_set(&aws_remote);
	orgport_choose(orgport_live);
	return (0);
}

int
live_sync(struct store *st, struct arena *a, struct live_sync_result *out,
    struct err *e)
{
	struct live_snapshot	 s;
	struct live_org		 l;

	if (live_status(st, &l, e) == -1)
		return (-1);
	if (fetch(a, &s, e) == -1) {
		(void)live_failed(st, e->msg, NULL);
		return (-1);
	}
	if (live_apply(st, a, &s, out, e) == -1) {
		(void)live_failed(st, e->msg, NULL);
		return (-1);
	}
	return (0);
}

/* ---- serve's sync thread --------------------------------------------- */

static struct every	*syncer;

static void
sync_once(void *arg)
{
	struct store		*st = arg;
	struct live_sync_result	 r;
	struct arena		 a;
	struct err		 e;

	arena_init(&a);
	err_clear(&e);
	if (live_sync(st, &a, &r, &e) == -1)
		log_warnx("live sync failed (serving from the mirror; next try "
		    "in its interval): %s", e.msg);
	else if (r.njoined > 0 || r.ndeparted > 0)
		log_info("live sync: %lld accounts, %zu joined, %zu departed, "
		    "%lld handshakes", (long long)r.accounts, r.njoined,
		    r.ndeparted, (long long)r.handshakes);
	arena_release(&a);
}

void
live_sync_start(struct store *st, unsigned interval_s)
{
	struct err	 e;

	err_clear(&e);
	if (every_start("live sync", interval_s > 0 ? interval_s : 300,
	    sync_once, st, &syncer, &e) == -1)
		log_warnx("%s", e.msg);
}

void
live_sync_stop(void)
{
	every_stop(syncer);
	syncer = NULL;
}
