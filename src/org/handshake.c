/* SPDX-License-Identifier: MIT */
/*
 * Handshakes: see handshake.h. Decisions on the points the spec leaves open
 * (../shared/spec/aws-organizations.md §10):
 *
 * - Wrong party (§10.1): a caller that is no party gets
 *   HandshakeNotFoundException (existence is not leaked); the other party,
 *   and a member account of the sending organization, get
 *   AccessDeniedException.
 * - Unknown but well-formed ACCOUNT target (§10.8): the invitation is
 *   accepted (AWS does not tell a sender whether an account exists) but no
 *   account record is made: payerlink accounts are made with the CLI. The
 *   invitation waits for an account with that id and expires as any other.
 * - Non-12-digit ACCOUNT target: InvalidInputException INVALID_PATTERN;
 *   type ORGANIZATION or an unknown type: INVALID_PARTY_TYPE_TARGET.
 * - Handshake ids are "h-" + 32 lowercase letters and digits (§10.7);
 *   ORGANIZATION_FEATURE_SET shows the organization's FeatureSet.
 * - Invitations sent by an organization that is deleted are CANCELED with
 *   it (§10.4, see org_delete()).
 * - The rate limit counts invitations sent in the last 24 hours, accepted
 *   ones aside (quotas page).
 * - An EMAIL target reaches the account that owns that e-mail when it is
 *   read (now or after a later sign-up); the account that accepts or
 *   declines is recorded so that the answer stays with it.
 */
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "org/all_features.h"
#include "org/handshake.h"
#include "org/organization.h"
#include "org/transfer.h"

#define INVALID		AWSERR(InvalidInputException)
#define MSG_DENIED	"You don't have permissions to access this resource."
#define MSG_NOT_FOUND	"We can't find a handshake with the HandshakeId " \
			"that you specified."
#define MSG_IN_ORG	"The invited account is already a member of an " \
			"organization."
#define MSG_MASTER	"You can't remove a management account from an " \
			"organization. If you want the management account to " \
			"become a member account in another organization, you " \
			"must first delete the current organization."
#define HS_ID_CHARS	32
#define DAY_MS		(24LL * 3600 * 1000)
#define TAGS_MAX	50

enum party { PARTY_NONE, PARTY_RECIPIENT, PARTY_SENDER, PARTY_SENDER_MEMBER };

/* AWS's pattern: ^h-[0-9a-z]{8,32}$ */
static int
hs_id_valid(const char *s)
{
	size_t	 n;

	if (s == NULL || strncmp(s, "h-", 2) != 0)
		return (0);
	n = strlen(s + 2);
	return (n >= 8 && n <= 32 &&
	    strspn(s + 2, ALPHA_LOWER_DIGITS) == n);
}

void
handshake_effective(struct handshake *h, int64_t now)
{
	if ((strcmp(h->state, "OPEN") == 0 ||
	    strcmp(h->state, "REQUESTED") == 0) && h->expires_at <= now) {
		snprintf(h->state, sizeof(h->state), "EXPIRED");
		h->ended_at = h->expires_at;
	}
}

/*
 * Loads handshake hid as `who` sees it at `now`: its effective state and
 * who the caller is to it. A purged handshake, or one the caller is no
 * party to, is HandshakeNotFoundException.
 */
static int
hs_load(struct store *st, const struct principal *who, const char *hid,
    int64_t now, struct handshake *h, enum party *party, struct err *e)
{
	struct membership	 m;

	if (!hs_id_valid(hid))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "HandshakeId: must match h-[0-9a-z]{8,32}"));
	if (store_handshake_get(st, hid, h, e) == -1) {
		if (e->code == ERR_NOT_FOUND)
			err_set(e, ERR_NOT_FOUND,
			    AWSERR(HandshakeNotFoundException),
			    NULL, MSG_NOT_FOUND);
		return (-1);
	}
	handshake_effective(h, now);
	*party = PARTY_NONE;
	if (h->recipient_id[0] != '\0' &&
	    strcmp(h->recipient_id, who->account_id) == 0)
		*party = PARTY_RECIPIENT;
	else if (strcmp(h->mgmt_id, who->account_id) == 0)
		*party = PARTY_SENDER;
	else if (store_membership_current(st, who->account_id, &m,
	    NULL) == 0 && strcmp(m.org_id, h->org_id) == 0)
		*party = PARTY_SENDER_MEMBER;
	/* Ended handshakes are kept 30 days, then gone. */
	if (*party == PARTY_NONE || (h->ended_at != 0 &&
	    h->ended_at <= now - HANDSHAKE_KEEP_MS))
		return (err_set(e, ERR_NOT_FOUND,
		    AWSERR(HandshakeNotFoundException),
		    NULL, MSG_NOT_FOUND));
	return (0);
}

/*
 * The transition rules shared by accept, decline and cancel: `to` is the
 * state the action leads to.
 */
static int
hs_transition(const struct handshake *h, const char *to, struct err *e)
{
	if (strcmp(h->state, to) == 0)
		/* AWS: <Action>Handshake fails with HandshakeAlreadyInStateException */
		return (err_set(e, ERR_CONFLICT,
		    AWSERR(HandshakeAlreadyInStateException), NULL,
		    "The specified handshake is already in the requested "
		    "state (%s).", h->state));
	if (strcmp(h->state, "OPEN") != 0 && strcmp(h->state,
	    "REQUESTED") != 0)
		/* AWS: <Action>Handshake fails with InvalidHandshakeTransitionException */
		return (err_set(e, ERR_CONFLICT,
		    AWSERR(InvalidHandshakeTransitionException), NULL,
		    "You can't perform the operation on the handshake in its "
		    "current state (%s).", h->state));
	return (0);
}

static int
denied(struct err *e)
{
	return (err_set(e, ERR_DENIED, AWSERR(AccessDeniedException), NULL,
	    MSG_DENIED));
}

static int
invite_check_input(const char *target_type, const char *target_id,
    const char *notes, const struct handshake_tag *tags, size_t ntags,
    struct err *e)
{
	size_t	 i, j, n;

	/* AWS: InviteAccountToOrganization fails with InvalidInputException INVALID_PARTY_TYPE_TARGET */
	if (target_type == NULL || (strcmp(target_type, "ACCOUNT") != 0 &&
	    strcmp(target_type, "EMAIL") != 0))
		return (err_set(e, ERR_INVALID, INVALID,
		    "INVALID_PARTY_TYPE_TARGET", "Target.Type: an invitation "
		    "goes to an ACCOUNT or an EMAIL"));
	if (target_id == NULL || *target_id == '\0')
		return (err_set(e, ERR_INVALID, INVALID, "INPUT_REQUIRED",
		    "You must specify a value for Target.Id."));
	if (!utf8_valid(target_id, strlen(target_id)) ||
	    utf8_chars(target_id) > 64)
		return (err_set(e, ERR_INVALID, INVALID, "MAX_LENGTH_EXCEEDED",
		    "Target.Id: must be at most 64 characters"));
	/* AWS: InviteAccountToOrganization fails with InvalidInputException INVALID_PATTERN */
	if (strcmp(target_type, "ACCOUNT") == 0 && !account_id_valid(target_id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "Target.Id: an account id is 12 digits"));
	/* AWS: InviteAccountToOrganization fails with InvalidInputException INVALID_EMAIL_ADDRESS_TARGET */
	if (strcmp(target_type, "EMAIL") == 0 && !email_valid(target_id))
		return (err_set(e, ERR_INVALID, INVALID,
		    "INVALID_EMAIL_ADDRESS_TARGET",
		    "Target.Id: not a valid e-mail address"));
	/* AWS: InviteAccountToOrganization fails with InvalidInputException MAX_LENGTH_EXCEEDED */
	if (notes != NULL && (!utf8_valid(notes, strlen(notes)) ||
	    utf8_chars(notes) > HANDSHAKE_NOTES_MAX))
		return (err_set(e, ERR_INVALID, INVALID, "MAX_LENGTH_EXCEEDED",
		    "Notes: must be at most %d characters",
		    HANDSHAKE_NOTES_MAX));
	if (ntags > TAGS_MAX)
		return (err_set(e, ERR_CONFLICT,
		    AWSERR(ConstraintViolationException),
		    "MAX_TAG_LIMIT_EXCEEDED", "Tags: at most %d tags",
		    TAGS_MAX));
	for (i = 0; i < ntags; i++) {
		n = utf8_chars(tags[i].key);
		if (n < 1 || n > 128)
			return (err_set(e, ERR_INVALID, INVALID,
			    n < 1 ? "MIN_LENGTH_EXCEEDED" :
			    "MAX_LENGTH_EXCEEDED",
			    "Tags.Key: must be 1 to 128 characters"));
		for (j = 0; j < i; j++)
			if (strcmp(tags[i].key, tags[j].key) == 0)
				return (err_set(e, ERR_INVALID, INVALID,
				    "DUPLICATE_TAG_KEY", "Tags: the key '%s' "
				    "appears twice", tags[i].key));
	}
	return (0);
}

int
handshake_invite(struct store *st, const struct principal *who,
    const char *target_type, const char *target_id, const char *notes,
    const struct handshake_tag *tags, size_t ntags, struct handshake *out,
    struct err *e)
{
	struct organization	 o;
	struct account		 a;
	struct membership	 m;
	struct handshake	 h;
	int64_t			 now, sent;
	size_t			 i;
	int			 found, dup;

	if (invite_check_input(target_type, target_id, notes, tags, ntags,
	    e) == -1)
		return (-1);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	/* AWS: InviteAccountToOrganization fails with AccessDeniedException */
	if (org_require_management(st, who, &o, e) == -1)
		goto fail;
	now = store_now(st);
	/* Lazy expiry made durable, so the unique index sees the truth. */
	if (store_handshake_expire(st, now, e) == -1 ||
	    store_handshake_purge(st, now - HANDSHAKE_KEEP_MS, e) == -1)
		goto fail;
	if (store_handshake_count_sent(st, o.id, now - DAY_MS, &sent,
	    e) == -1)
		goto fail;
	if (sent >= HANDSHAKE_DAILY_MAX) {
		/* AWS: InviteAccountToOrganization fails with HandshakeConstraintViolationException HANDSHAKE_RATE_LIMIT_EXCEEDED */
		err_set(e, ERR_LIMIT,
		    AWSERR(HandshakeConstraintViolationException),
		    "HANDSHAKE_RATE_LIMIT_EXCEEDED", "You have sent the "
		    "maximum number of invitations (%d) allowed in 24 hours.",
		    HANDSHAKE_DAILY_MAX);
		goto fail;
	}
	if (all_features_pending_locked(st, o.id, now, &dup, e) == -1)
		goto fail;
	if (dup) {
		/* AWS: InviteAccountToOrganization fails with HandshakeConstraintViolationException INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES */
		err_set(e, ERR_CONFLICT,
		    AWSERR(HandshakeConstraintViolationException),
		    "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES", "You can't "
		    "invite accounts while the organization is migrating to "
		    "all features.");
		goto fail;
	}
	if (strcmp(target_type, "ACCOUNT") == 0)
		found = store_account_get(st, target_id, &a, NULL) == 0;
	else
		found = store_account_by_email(st, target_id, &a, NULL) == 0;
	if (found && store_membership_current(st, a.id, &m, NULL) == 0 &&
	    strcmp(m.org_id, o.id) == 0) {
		/* AWS: InviteAccountToOrganization fails with HandshakeConstraintViolationException ALREADY_IN_AN_ORGANIZATION */
		err_set(e, ERR_CONFLICT,
		    AWSERR(HandshakeConstraintViolationException),
		    "ALREADY_IN_AN_ORGANIZATION", MSG_IN_ORG);
		goto fail;
	}
	if (store_handshake_open_exists(st, o.id, target_type, target_id,
	    found ? a.id : "", now, &dup, e) == -1)
		goto fail;
	if (dup)
		goto duplicate;
	memset(&h, 0, sizeof(h));
	memcpy(h.id, "h-", 2);
	random_chars(h.id + 2, HS_ID_CHARS, ALPHA_LOWER_DIGITS);
	snprintf(h.org_id, sizeof(h.org_id), "%s", o.id);
	snprintf(h.action, sizeof(h.action), "INVITE");
	snprintf(h.state, sizeof(h.state), "OPEN");
	snprintf(h.target_type, sizeof(h.target_type), "%s", target_type);
	snprintf(h.target_id, sizeof(h.target_id), "%s", target_id);
	/* An e-mail's owner is resolved when read; an account id is fixed. */
	if (strcmp(target_type, "ACCOUNT") == 0)
		snprintf(h.recipient_id, sizeof(h.recipient_id), "%s",
		    target_id);
	if (notes != NULL)
		snprintf(h.notes, sizeof(h.notes), "%s", notes);
	h.requested_at = now;
	h.expires_at = now + HANDSHAKE_TTL_MS;
	if (store_handshake_insert(st, &h, e) == -1) {
		if (e->code == ERR_CONFLICT)
			goto duplicate;
		goto fail;
	}
	for (i = 0; i < ntags; i++)
		if (store_handshake_tag_insert(st, h.id, &tags[i], e) == -1)
			goto fail;
	if (store_audit_append(st, who->account_id, "handshake.invite", h.id,
	    h.target_id, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	if (found)
		snprintf(h.recipient_id, sizeof(h.recipient_id), "%s", a.id);
	snprintf(h.mgmt_id, sizeof(h.mgmt_id), "%s", o.management_id);
	snprintf(h.mgmt_email, sizeof(h.mgmt_email), "%s", o.management_email);
	snprintf(h.mgmt_name, sizeof(h.mgmt_name), "%s", o.management_name);
	snprintf(h.feature_set, sizeof(h.feature_set), "%s", o.feature_set);
	snprintf(h.partition, sizeof(h.partition), "%s", org_partition(&o));
	*out = h;
	return (0);
duplicate:
	/* AWS: InviteAccountToOrganization fails with DuplicateHandshakeException */
	err_set(e, ERR_CONFLICT, AWSERR(DuplicateHandshakeException), NULL,
	    "A handshake with the same action and target already exists.");
fail:
	store_rollback(st);
	return (-1);
}

int
handshake_describe(struct store *st, const struct principal *who,
    const char *hid, struct handshake *out, struct err *e)
{
	enum party	 party;
	int		 rc;

	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	/* AWS: DescribeHandshake fails with HandshakeNotFoundException */
	rc = hs_load(st, who, hid, store_now(st), out, &party, e);
	store_rollback(st);
	/* A member never sees what its organization sends to others. */
	if (rc == 0 && party == PARTY_SENDER_MEMBER)
		/* AWS: DescribeHandshake fails with AccessDeniedException */
		rc = denied(e);
	return (rc);
}

/* The caller's standing before it joins: see handshake_accept(). */
static int
accept_check_membership(struct store *st, const struct principal *who,
    const struct handshake *h, int flags, int64_t now, struct err *e)
{
	struct membership	 m;
	struct organization	 cur;

	if (store_membership_current(st, who->account_id, &m, NULL) == -1)
		return (0);	/* standalone: case 1 */
	if (strcmp(m.org_id, h->org_id) != 0 &&
	    store_org_get(st, m.org_id, &cur, NULL) == 0 &&
	    strcmp(cur.management_id, who->account_id) == 0)
		/* AWS: AcceptHandshake fails with MasterCannotLeaveOrganizationException */
		return (err_set(e, ERR_CONFLICT,
		    AWSERR(MasterCannotLeaveOrganizationException), NULL,
		    MSG_MASTER));
	if (strcmp(m.org_id, h->org_id) != 0 &&
	    !(flags & HANDSHAKE_NO_DIRECT_TRANSFER)) {
		/* Direct transfer: leave the old payer at the very instant
		 * the new membership opens, so the history has no gap and
		 * no overlap. The departure rules still hold (spec §5.3). */
		if (store_org_get(st, m.org_id, &cur, e) == -1 ||
		    org_departure_check(st, &cur, &m, e) == -1 ||
		    store_membership_close(st, who->account_id, now, "LEFT",
		    e) == -1)
			return (-1);
		return (org_departed(st, &cur, who->account_id, e));
	}
	/* AWS: AcceptHandshake fails with HandshakeConstraintViolationException ALREADY_IN_AN_ORGANIZATION */
	return (err_set(e, ERR_CONFLICT,
	    AWSERR(HandshakeConstraintViolationException),
	    "ALREADY_IN_AN_ORGANIZATION", MSG_IN_ORG));
}

int
handshake_accept(struct store *st, const struct principal *who,
    const char *hid, int flags, struct handshake *out, struct err *e)
{
	struct handshake	 h;
	struct organization	 o;
	struct membership	 m;
	enum party		 party;
	int64_t			 now;

	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	now = store_now(st);
	if (hs_load(st, who, hid, now, &h, &party, e) == -1)
		goto fail;
	if (party != PARTY_RECIPIENT) {
		/* AWS: AcceptHandshake fails with AccessDeniedException */
		denied(e);
		goto fail;
	}
	if (hs_transition(&h, "ACCEPTED", e) == -1)
		goto fail;
	if (store_org_get(st, h.org_id, &o, NULL) == -1) {
		err_set(e, ERR_CONFLICT,
		    AWSERR(InvalidHandshakeTransitionException),
		    NULL, "The organization that sent this handshake no longer "
		    "exists.");
		goto fail;
	}
	/* A billing transfer moves a bill, not an account. */
	if (strcmp(h.action, "TRANSFER_RESPONSIBILITY") == 0) {
		if (transfer_accept_locked(st, &h, who->account_id, now,
		    e) == -1)
			goto fail;
		goto mark;
	}
	/* ENABLE_ALL_FEATURES / APPROVE_ALL_FEATURES: no membership change. */
	if (strcmp(h.action, "INVITE") != 0)
		goto mark;
	if (accept_check_membership(st, who, &h, flags, now, e) == -1)
		goto fail;
	memset(&m, 0, sizeof(m));
	snprintf(m.account_id, sizeof(m.account_id), "%s", who->account_id);
	snprintf(m.org_id, sizeof(m.org_id), "%s", o.id);
	snprintf(m.payer_id, sizeof(m.payer_id), "%s", o.management_id);
	snprintf(m.joined_method, sizeof(m.joined_method), "INVITED");
	snprintf(m.parent_id, sizeof(m.parent_id), "%s", o.root_id);
	m.joined_at = now;
	/* The store keeps one open membership per account: a racing accept
	 * that got in first shows here as a constraint violation. */
	if (store_membership_open(st, &m, e) == -1) {
		if (e->code == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT,
			    AWSERR(HandshakeConstraintViolationException),
			    "ALREADY_IN_AN_ORGANIZATION", MSG_IN_ORG);
		goto fail;
	}
mark:
	if (store_handshake_set_state(st, h.id, h.state, "ACCEPTED", now,
	    who->account_id, e) == -1) {
		if (e->code == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT,
			    AWSERR(ConcurrentModificationException), NULL,
			    "The handshake changed while it was being "
			    "accepted; try again.");
		goto fail;
	}
	if (strcmp(h.action, "INVITE") != 0 &&
	    strcmp(h.action, "TRANSFER_RESPONSIBILITY") != 0 &&
	    all_features_accepted_locked(st, &o, &h, now, e) == -1)
		goto fail;
	if (store_audit_append(st, who->account_id, "handshake.accept", h.id,
	    h.org_id, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	snprintf(h.state, sizeof(h.state), "ACCEPTED");
	snprintf(h.recipient_id, sizeof(h.recipient_id), "%s",
	    who->account_id);
	h.ended_at = now;
	*out = h;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

/* Decline (by the recipient) and cancel (by the sender). */
static int
hs_end(struct store *st, const struct principal *who, const char *hid,
    enum party need, const char *to, struct handshake *out, struct err *e)
{
	struct handshake	 h;
	enum party		 party;
	int64_t			 now;
	int			 transfer;

	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	now = store_now(st);
	if (hs_load(st, who, hid, now, &h, &party, e) == -1)
		goto fail;
	transfer = strcmp(h.action, "TRANSFER_RESPONSIBILITY") == 0;
	if (party != need) {
		/* AWS: DeclineHandshake fails with AccessDeniedException */
		/* AWS: CancelHandshake fails with AccessDeniedException */
		denied(e);
		goto fail;
	}
	if (hs_transition(&h, to, e) == -1)
		goto fail;
	/* Only a management account answers a billing transfer. */
	if (transfer && need == PARTY_RECIPIENT &&
	    transfer_answer_check_locked(st, who->account_id, e) == -1)
		goto fail;
	if (store_handshake_set_state(st, h.id, h.state, to, now,
	    need == PARTY_RECIPIENT ? who->account_id : NULL, e) == -1) {
		if (e->code == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT,
			    AWSERR(ConcurrentModificationException), NULL,
			    "The handshake changed meanwhile; try again.");
		goto fail;
	}
	if (transfer && transfer_handshake_ended_locked(st, &h, to, now,
	    e) == -1)
		goto fail;
	if (store_audit_append(st, who->account_id, need == PARTY_RECIPIENT ?
	    "handshake.decline" : "handshake.cancel", h.id, h.org_id, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	snprintf(h.state, sizeof(h.state), "%s", to);
	h.ended_at = now;
	*out = h;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
handshake_decline(struct store *st, const struct principal *who,
    const char *hid, struct handshake *out, struct err *e)
{
	return (hs_end(st, who, hid, PARTY_RECIPIENT, "DECLINED", out, e));
}

int
handshake_cancel(struct store *st, const struct principal *who,
    const char *hid, struct handshake *out, struct err *e)
{
	return (hs_end(st, who, hid, PARTY_SENDER, "CANCELED", out, e));
}

static int
filter_check(const struct handshake_filter *f, const char **action,
    const char **parent, struct err *e)
{
	static const char *const actions[] = { "INVITE",
	    "ENABLE_ALL_FEATURES", "APPROVE_ALL_FEATURES",
	    "ADD_ORGANIZATIONS_SERVICE_LINKED_ROLE", "TRANSFER_RESPONSIBILITY",
	    NULL };
	size_t	 i;

	*action = f != NULL && f->action != NULL ? f->action : "";
	*parent = f != NULL && f->parent_id != NULL ? f->parent_id : "";
	/* AWS: ListHandshakesForOrganization fails with InvalidInputException MAX_LIMIT_EXCEEDED_FILTER */
	if (**action != '\0' && **parent != '\0')
		return (err_set(e, ERR_INVALID, INVALID,
		    "MAX_LIMIT_EXCEEDED_FILTER", "Filter: specify ActionType "
		    "or ParentHandshakeId, not both"));
	if (**action != '\0') {
		for (i = 0; actions[i] != NULL; i++)
			if (strcmp(actions[i], *action) == 0)
				break;
		if (actions[i] == NULL)
			return (err_set(e, ERR_INVALID, INVALID,
			    "INVALID_ENUM", "Filter.ActionType: '%s' is not "
			    "one of the allowed values", *action));
	}
	if (**parent != '\0' && !hs_id_valid(*parent))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "Filter.ParentHandshakeId: must match h-[0-9a-z]{8,32}"));
	return (0);
}

/* Page bookkeeping shared by both lists. */
static void
page_finish(struct handshake *v, size_t *n, size_t limit, int64_t now,
    int *more)
{
	size_t	 i;

	*more = *n > limit;
	if (*more)
		*n = limit;
	for (i = 0; i < *n; i++)
		handshake_effective(&v[i], now);
}

int
handshake_list_for_account(struct store *st, struct arena *a,
    const struct principal *who, const struct handshake_filter *f,
    const char *after, size_t limit, struct handshake **out, size_t *n_out,
    int *more_out, struct err *e)
{
	struct account	 acct;
	const char	*action, *parent;
	int64_t		 now;
	int		 rc = -1;

	if (filter_check(f, &action, &parent, e) == -1)
		return (-1);
	if (limit == 0 || limit > ORG_PAGE_MAX)
		limit = ORG_PAGE_MAX;
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	if (store_account_get(st, who->account_id, &acct, e) == -1)
		goto out;
	now = store_now(st);
	if (store_handshake_list_account(st, a, acct.id, acct.email, action,
	    parent, now - HANDSHAKE_KEEP_MS, after != NULL ? after : "",
	    limit + 1, out, n_out, e) == -1)
		goto out;
	page_finish(*out, n_out, limit, now, more_out);
	rc = 0;
out:
	store_rollback(st);
	return (rc);
}

int
handshake_list_for_org(struct store *st, struct arena *a,
    const struct principal *who, const struct handshake_filter *f,
    const char *after, size_t limit, struct handshake **out, size_t *n_out,
    int *more_out, struct err *e)
{
	struct organization	 o;
	const char		*action, *parent;
	int64_t			 now;
	int			 rc = -1;

	if (filter_check(f, &action, &parent, e) == -1)
		return (-1);
	if (limit == 0 || limit > ORG_PAGE_MAX)
		limit = ORG_PAGE_MAX;
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	/* AWS: ListHandshakesForOrganization fails with AccessDeniedException */
	if (org_require_management(st, who, &o, e) == -1)
		goto out;
	now = store_now(st);
	if (store_handshake_list_org(st, a, o.id, action, parent,
	    now - HANDSHAKE_KEEP_MS, after != NULL ? after : "", limit + 1,
	    out, n_out, e) == -1)
		goto out;
	page_finish(*out, n_out, limit, now, more_out);
	rc = 0;
out:
	store_rollback(st);
	return (rc);
}

int
handshake_tags(struct store *st, struct arena *a, const char *hid,
    struct handshake_tag **out, size_t *n_out, struct err *e)
{
	if (!hs_id_valid(hid))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "HandshakeId: must match h-[0-9a-z]{8,32}"));
	return (store_handshake_tags(st, a, hid, out, n_out, e));
}

void
handshake_arn(const struct handshake *h, char *buf, size_t len)
{
	char	 action[sizeof(h->action)];
	size_t	 i;

	for (i = 0; h->action[i] != '\0' && i + 1 < sizeof(action); i++)
		action[i] = h->action[i] >= 'A' && h->action[i] <= 'Z' ?
		    h->action[i] - 'A' + 'a' : h->action[i];
	action[i] = '\0';
	snprintf(buf, len, "arn:%s:organizations::%s:handshake/%s/%s/%s",
	    h->partition[0] != '\0' ? h->partition : "aws", h->mgmt_id,
	    h->org_id, action, h->id);
}
