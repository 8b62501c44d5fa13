/* SPDX-License-Identifier: MIT */
/* EnableAllFeatures and its handshakes: see all_features.h. */
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "org/all_features.h"
#include "org/organization.h"
#include "org/policy.h"

#define HCV	AWSERR(HandshakeConstraintViolationException)

static void
hs_new(struct handshake *h, const struct organization *o, const char *action,
    const char *state, const char *target_type, const char *target_id,
    const char *parent_id, int64_t now)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->id, "h-", 2);
	random_chars(h->id + 2, 32, ALPHA_LOWER_DIGITS);
	snprintf(h->org_id, sizeof(h->org_id), "%s", o->id);
	snprintf(h->action, sizeof(h->action), "%s", action);
	snprintf(h->state, sizeof(h->state), "%s", state);
	snprintf(h->target_type, sizeof(h->target_type), "%s", target_type);
	snprintf(h->target_id, sizeof(h->target_id), "%s", target_id);
	if (strcmp(target_type, "ACCOUNT") == 0)
		snprintf(h->recipient_id, sizeof(h->recipient_id), "%s",
		    target_id);
	snprintf(h->parent_id, sizeof(h->parent_id), "%s", parent_id);
	h->requested_at = now;
	h->expires_at = now + ALL_FEATURES_TTL_MS;
	snprintf(h->mgmt_id, sizeof(h->mgmt_id), "%s", o->management_id);
	snprintf(h->mgmt_email, sizeof(h->mgmt_email), "%s",
	    o->management_email);
	snprintf(h->mgmt_name, sizeof(h->mgmt_name), "%s", o->management_name);
	snprintf(h->feature_set, sizeof(h->feature_set), "%s", o->feature_set);
	snprintf(h->partition, sizeof(h->partition), "%s", org_partition(o));
}

static int
approve_request(struct store *st, const struct organization *o,
    const char *parent_id, int64_t now, struct err *e)
{
	struct handshake	 h;

	hs_new(&h, o, "APPROVE_ALL_FEATURES", "OPEN", "ACCOUNT",
	    o->management_id, parent_id, now);
	return (store_handshake_insert(st, &h, e));
}

int
all_features_pending_locked(struct store *st, const char *org_id,
    int64_t now, int *out, struct err *e)
{
	struct arena		 a;
	struct handshake	*v;
	size_t			 n, i;

	*out = 0;
	arena_init(&a);
	if (store_handshake_list_org(st, &a, org_id, "ENABLE_ALL_FEATURES", "",
	    0, "", 1000, &v, &n, e) == -1) {
		arena_release(&a);
		return (-1);
	}
	for (i = 0; i < n; i++)
		if (v[i].parent_id[0] == '\0' && strcmp(v[i].state,
		    "REQUESTED") == 0 && v[i].expires_at > now)
			*out = 1;
	arena_release(&a);
	return (0);
}

int
all_features_enable(struct store *st, const struct principal *who,
    struct handshake *out, struct err *e)
{
	struct organization	 o;
	struct handshake	 parent, child;
	struct member		*m;
	struct arena		 a;
	char			 after[ACCOUNT_ID_LEN + 1];
	size_t			 n, i, asked = 0;
	int64_t			 now;
	int			 pending;

	arena_init(&a);
	if (store_begin(st, STORE_WRITE, e) == -1)
		goto out;
	/* AWS: EnableAllFeatures fails with AccessDeniedException */
	if (org_require_management(st, who, &o, e) == -1)
		goto fail;
	if (strcmp(o.feature_set, "ALL") == 0) {
		/* AWS: EnableAllFeatures fails with HandshakeConstraintViolationException ORGANIZATION_ALREADY_HAS_ALL_FEATURES */
		err_set(e, ERR_CONFLICT, HCV,
		    "ORGANIZATION_ALREADY_HAS_ALL_FEATURES", "The organization "
		    "already has all features enabled.");
		goto fail;
	}
	now = store_now(st);
	if (all_features_pending_locked(st, o.id, now, &pending, e) == -1)
		goto fail;
	if (pending) {
		/* AWS: EnableAllFeatures fails with HandshakeConstraintViolationException ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION */
		err_set(e, ERR_CONFLICT, HCV,
		    "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION",
		    "The organization is already migrating to all features.");
		goto fail;
	}
	hs_new(&parent, &o, "ENABLE_ALL_FEATURES", "REQUESTED", "ORGANIZATION",
	    o.id, "", now);
	if (store_handshake_insert(st, &parent, e) == -1)
		goto fail;
	/* Invited members approve; created members' approval is inferred. */
	after[0] = '\0';
	do {
		if (store_org_members(st, &a, o.id, after, 100, &m, &n, e) == -1)
			goto fail;
		for (i = 0; i < n; i++) {
			snprintf(after, sizeof(after), "%s", m[i].account.id);
			if (strcmp(m[i].account.id, o.management_id) == 0 ||
			    strcmp(m[i].membership.joined_method,
			    "INVITED") != 0)
				continue;
			hs_new(&child, &o, "ENABLE_ALL_FEATURES", "OPEN",
			    "ACCOUNT", m[i].account.id, parent.id, now);
			if (store_handshake_insert(st, &child, e) == -1)
				goto fail;
			asked++;
		}
	} while (n == 100);
	if (asked == 0 && approve_request(st, &o, parent.id, now, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		goto out;
	arena_release(&a);
	*out = parent;
	return (0);
fail:
	store_rollback(st);
out:
	arena_release(&a);
	return (-1);
}

int
all_features_accepted_locked(struct store *st, const struct organization *o,
    const struct handshake *h, int64_t now, struct err *e)
{
	struct arena		 a;
	struct handshake	*v;
	size_t			 n, i;
	int			 all = 1;

	/* All features make the policy types available; enabling one stays
	 * EnablePolicyType's ("After you enable all features, you can
	 * separately enable or disable individual policy types in a root",
	 * AWS's EnableAllFeatures reference). */
	if (strcmp(h->action, "APPROVE_ALL_FEATURES") == 0)
		return (store_org_set_feature_set(st, o->id, "ALL", e) == -1 ||
		    (h->parent_id[0] != '\0' && store_handshake_set_state(st,
		    h->parent_id, "REQUESTED", "ACCEPTED", now, NULL,
		    e) == -1 && e->code != ERR_CONFLICT) ? -1 : 0);
	if (strcmp(h->action, "ENABLE_ALL_FEATURES") != 0 ||
	    h->parent_id[0] == '\0')
		return (0);
	arena_init(&a);
	if (store_handshake_list_org(st, &a, o->id, "ENABLE_ALL_FEATURES",
	    h->parent_id, 0, "", 1000, &v, &n, e) == -1) {
		arena_release(&a);
		return (-1);
	}
	for (i = 0; i < n; i++)
		if (strcmp(v[i].id, h->id) != 0 &&
		    strcmp(v[i].state, "ACCEPTED") != 0)
			all = 0;
	arena_release(&a);
	return (all ? approve_request(st, o, h->parent_id, now, e) : 0);
}
