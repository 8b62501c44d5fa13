/* SPDX-License-Identifier: MIT */
/*
 * Billing transfers: see transfer.h. Decisions where AWS's documents say
 * nothing (marked [U] in ../shared/spec/aws-organizations.md):
 *
 * - An organization may not be both a source and a target of transfers in
 *   force: AWS lets a source's bill follow its target's ("transfers are
 *   inherited"); payerlink's billing reads one level, so a chain is
 *   ConstraintViolationException RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION
 *   at invitation and at acceptance.
 * - The invited account must answer as a management account: a standalone
 *   account gets AWSOrganizationsNotInUseException, a member
 *   AccessDeniedException, when it accepts or declines.
 * - A member of the inviter's own organization, like the inviter itself,
 *   is HandshakeConstraintViolationException SOURCE_AND_TARGET_CANNOT_MATCH.
 * - The start may be at most TRANSFER_AHEAD_MONTHS months ahead
 *   (START_DATE_TOO_LATE); it must leave the 24 hours AWS wants between
 *   acceptance and start (START_DATE_TOO_EARLY otherwise).
 * - Terminating a transfer that has not started yet ends it at the end of
 *   the month before its start: it never takes effect.
 * - Either party renames a transfer; the name is one for both.
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/codec.h"
#include "org/handshake.h"
#include "org/organization.h"
#include "org/tags.h"
#include "org/transfer.h"

#define INVALID		AWSERR(InvalidInputException)
#define HS_VIOLATION	AWSERR(HandshakeConstraintViolationException)
#define VIOLATION	AWSERR(ConstraintViolationException)
#define NOT_FOUND	AWSERR(ResponsibilityTransferNotFoundException)
#define MSG_NOT_FOUND	"We can't find a transfer that you specified."
#define RT_ID_CHARS	16
#define HS_ID_CHARS	32

int
transfer_id_valid(const char *s)
{
	size_t	 n;

	if (s == NULL || strncmp(s, "rt-", 3) != 0)
		return (0);
	n = strlen(s + 3);
	return (n >= 8 && n <= 32 && strspn(s + 3, ALPHA_LOWER_DIGITS) == n);
}

/* The first millisecond of the month `months` after the month of ms. */
static int64_t
month_first_after(int64_t ms, int months)
{
	int		 y;
	unsigned	 m, d;
	int		 k;

	clock_civil_from_days(ms / MS_PER_DAY, &y, &m, &d);
	k = (int)m - 1 + months;
	y += k / 12;
	m = (unsigned)(k % 12) + 1;
	return (clock_days_from_civil(y, m, 1) * MS_PER_DAY);
}

/* AWS: a status is read as of now: an invitation past its expiry is
 * EXPIRED whatever the row says. */
void
transfer_effective(struct transfer *t, int64_t now)
{
	if (strcmp(t->status, "REQUESTED") == 0 && t->expires_at <= now)
		snprintf(t->status, sizeof(t->status), "EXPIRED");
}

int
transfer_running(const struct transfer *t, int64_t now)
{
	if (strcmp(t->status, "ACCEPTED") != 0 &&
	    strcmp(t->status, "WITHDRAWN") != 0)
		return (0);
	return (now >= t->start_at && (t->end_at == 0 || now <= t->end_at));
}

int
transfer_inbound(const struct transfer *t, const struct principal *who)
{
	return (strcmp(t->target_mgmt_id, who->account_id) == 0);
}

void
transfer_arn(const struct transfer *t, int inbound, char *buf, size_t len)
{
	snprintf(buf, len, "arn:aws:organizations::%s:transfer/%s/billing/%s/%s",
	    inbound ? t->target_mgmt_id : t->source_mgmt_id,
	    inbound ? t->target_org_id : t->source_org_id,
	    inbound ? "inbound" : "outbound", t->id);
}

/* ---- Input ------------------------------------------------------------ */

static int
check_name(const char *member, const char *name, struct err *e)
{
	const char	*p;
	size_t		 n;

	if (name == NULL)
		return (err_set(e, ERR_INVALID, INVALID, "INPUT_REQUIRED",
		    "You must specify a value for %s.", member));
	n = strlen(name);
	if (n < 1)
		return (err_set(e, ERR_INVALID, INVALID, "MIN_LENGTH_EXCEEDED",
		    "%s: must be at least 1 character", member));
	if (n > TRANSFER_NAME_MAX)
		return (err_set(e, ERR_INVALID, INVALID, "MAX_LENGTH_EXCEEDED",
		    "%s: must be at most %d characters", member,
		    TRANSFER_NAME_MAX));
	/* AWS's pattern ^[ -~]+$: printable ASCII. */
	for (p = name; *p != '\0'; p++)
		if (*p < ' ' || *p > '~')
			return (err_set(e, ERR_INVALID, INVALID,
			    "INVALID_PATTERN", "%s: printable ASCII "
			    "characters only", member));
	return (0);
}

static int
check_type(const char *type, struct err *e)
{
	if (type == NULL)
		return (err_set(e, ERR_INVALID, INVALID, "INPUT_REQUIRED",
		    "You must specify a value for Type."));
	if (strcmp(type, TRANSFER_TYPE_BILLING) != 0)
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_ENUM",
		    "Type: '%s' is not one of the allowed values (BILLING)",
		    type));
	return (0);
}

/*
 * The start: 00:00:00.000 UTC on the first of a month, late enough to be
 * accepted 24 hours before, at most TRANSFER_AHEAD_MONTHS months ahead.
 */
static int
check_start(int64_t start, int64_t now, struct err *e)
{
	int		 y;
	unsigned	 m, d;

	clock_civil_from_days((start >= 0 ? start : start - MS_PER_DAY + 1) /
	    MS_PER_DAY, &y, &m, &d);
	/* AWS: InviteOrganizationToTransferResponsibility fails with InvalidInputException START_DATE_NOT_BEGINNING_OF_MONTH */
	if (d != 1)
		return (err_set(e, ERR_INVALID, INVALID,
		    "START_DATE_NOT_BEGINNING_OF_MONTH", "You provided an "
		    "invalid start date. The start date must be the first "
		    "day of the month."));
	/* AWS: InviteOrganizationToTransferResponsibility fails with InvalidInputException START_DATE_NOT_BEGINNING_OF_DAY */
	if (start % MS_PER_DAY != 0)
		return (err_set(e, ERR_INVALID, INVALID,
		    "START_DATE_NOT_BEGINNING_OF_DAY", "You provided an "
		    "invalid start date. The start date must be the beginning "
		    "of the day (00:00:00.000 UTC)."));
	/* AWS: InviteOrganizationToTransferResponsibility fails with InvalidInputException START_DATE_TOO_EARLY */
	if (start - TRANSFER_ACCEPT_LEAD_MS <= now)
		return (err_set(e, ERR_INVALID, INVALID,
		    "START_DATE_TOO_EARLY", "You provided an invalid start "
		    "date. The start date is too early: an invitation must be "
		    "accepted 24 hours before the transfer starts."));
	/* AWS: InviteOrganizationToTransferResponsibility fails with InvalidInputException START_DATE_TOO_LATE */
	if (start > month_first_after(now, TRANSFER_AHEAD_MONTHS))
		return (err_set(e, ERR_INVALID, INVALID, "START_DATE_TOO_LATE",
		    "You provided an invalid start date. The start date is "
		    "too late: at most %d months ahead.",
		    TRANSFER_AHEAD_MONTHS));
	return (0);
}

static int
check_invite(const struct transfer_invite *in, int64_t now, struct err *e)
{
	const char	*tt = in->target_type, *ti = in->target_id;

	if (check_type(in->type, e) == -1)
		return (-1);
	/* AWS: InviteOrganizationToTransferResponsibility fails with InvalidInputException INVALID_PARTY_TYPE_TARGET */
	if (tt == NULL || (strcmp(tt, "ACCOUNT") != 0 &&
	    strcmp(tt, "EMAIL") != 0))
		return (err_set(e, ERR_INVALID, INVALID,
		    "INVALID_PARTY_TYPE_TARGET", "Target.Type: a transfer "
		    "invitation goes to an ACCOUNT or an EMAIL"));
	if (ti == NULL || *ti == '\0')
		return (err_set(e, ERR_INVALID, INVALID, "INPUT_REQUIRED",
		    "You must specify a value for Target.Id."));
	if (strcmp(tt, "ACCOUNT") == 0 && !account_id_valid(ti))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "Target.Id: an account id is 12 digits"));
	if (strcmp(tt, "EMAIL") == 0 && !email_valid(ti))
		return (err_set(e, ERR_INVALID, INVALID,
		    "INVALID_EMAIL_ADDRESS_TARGET",
		    "Target.Id: not a valid e-mail address"));
	if (in->notes != NULL && (!utf8_valid(in->notes, strlen(in->notes)) ||
	    utf8_chars(in->notes) > HANDSHAKE_NOTES_MAX))
		return (err_set(e, ERR_INVALID, INVALID, "MAX_LENGTH_EXCEEDED",
		    "Notes: must be at most %d characters",
		    HANDSHAKE_NOTES_MAX));
	if (check_name("SourceName", in->name, e) == -1 ||
	    tags_check(in->tags, in->ntags, e) == -1)
		return (-1);
	return (check_start(in->start_at, now, e));
}

/* ---- The rules, inside a transaction ---------------------------------- */

/* One transfer in force per source (other than self: accepting it), whose
 * period would meet [start, ...); target_id invites. */
static int
check_one_per_source(struct store *st, const char *target_id,
    const char *source_id, int64_t start, const char *self, int64_t now,
    struct err *e)
{
	struct transfer	 t;
	int		 found;

	if (store_transfer_in_force(st, 1, source_id, now, 0, self, &t, &found,
	    e) == -1)
		return (-1);
	/* A withdrawn transfer that ends before this one starts is no
	 * obstacle: one follows the other. */
	if (!found || (strcmp(t.status, "WITHDRAWN") == 0 && t.end_at < start))
		return (0);
	/* Our own open invitation to it (by id or by e-mail): a duplicate. */
	if (self == NULL && strcmp(t.status, "REQUESTED") == 0 &&
	    strcmp(t.target_mgmt_id, target_id) == 0)
		/* AWS: InviteOrganizationToTransferResponsibility fails with DuplicateHandshakeException */
		return (err_set(e, ERR_CONFLICT,
		    AWSERR(DuplicateHandshakeException),
		    NULL, "A handshake with the same action and target already "
		    "exists."));
	/* AWS: InviteOrganizationToTransferResponsibility fails with HandshakeConstraintViolationException RESPONSIBILITY_TRANSFER_ALREADY_EXISTS */
	return (err_set(e, ERR_CONFLICT, HS_VIOLATION,
	    "RESPONSIBILITY_TRANSFER_ALREADY_EXISTS", "You cannot perform "
	    "this operation with the current transfer: account %s's "
	    "organization already has transfer %s (%s).", source_id, t.id,
	    t.status));
}

/* No chains: the payer pays nobody else's bill through a transfer it is
 * the source of, and the source pays no other organization's bill. */
static int
check_no_chain(struct store *st, const char *target_id, const char *source_id,
    int64_t now, struct err *e)
{
	struct transfer	 t;
	int		 found;

	if (store_transfer_in_force(st, 1, target_id, now, 1, NULL, &t, &found,
	    e) == -1)
		return (-1);
	if (!found && source_id[0] != '\0' && store_transfer_in_force(st, 0,
	    source_id, now, 1, NULL, &t, &found, e) == -1)
		return (-1);
	if (!found)
		return (0);
	/* AWS: InviteOrganizationToTransferResponsibility fails with ConstraintViolationException RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION */
	return (err_set(e, ERR_CONFLICT, VIOLATION,
	    "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION", "You have exceeded "
	    "the maximum length of your transfer chain: transfer %s already "
	    "makes %s pay %s's bill.", t.id, t.target_mgmt_id,
	    t.source_mgmt_id));
}

int
transfer_answer_check_locked(struct store *st, const char *recipient_id,
    struct err *e)
{
	struct membership	 m;
	struct organization	 o;

	/* AWS: AcceptHandshake fails with AWSOrganizationsNotInUseException */
	if (store_membership_current(st, recipient_id, &m, NULL) == -1)
		return (err_set(e, ERR_NOT_FOUND,
		    AWSERR(AWSOrganizationsNotInUseException), NULL,
		    "Your account "
		    "is not a member of an organization: a billing transfer "
		    "moves an organization's bill."));
	if (store_org_get(st, m.org_id, &o, e) == -1)
		return (-1);
	if (strcmp(o.management_id, recipient_id) != 0)
		/* AWS: AcceptHandshake fails with AccessDeniedException */
		return (err_set(e, ERR_DENIED, AWSERR(AccessDeniedException),
		    NULL,
		    "You don't have permissions to access this resource: only "
		    "the management account of organization %s can answer a "
		    "billing transfer.", o.id));
	return (0);
}

int
transfer_accept_locked(struct store *st, const struct handshake *h,
    const char *recipient_id, int64_t now, struct err *e)
{
	struct transfer		 t;
	struct membership	 m;
	char			 from[sizeof(t.status)];

	if (transfer_answer_check_locked(st, recipient_id, e) == -1 ||
	    store_membership_current(st, recipient_id, &m, e) == -1 ||
	    store_transfer_by_handshake(st, h->id, &t, e) == -1)
		return (-1);
	if (strcmp(m.org_id, t.target_org_id) == 0)
		/* AWS: AcceptHandshake fails with HandshakeConstraintViolationException SOURCE_AND_TARGET_CANNOT_MATCH */
		return (err_set(e, ERR_CONFLICT, HS_VIOLATION,
		    "SOURCE_AND_TARGET_CANNOT_MATCH", "An account can't accept "
		    "a transfer invitation if it is both the sender and "
		    "recipient of the invitation."));
	/* AWS: AcceptHandshake fails with HandshakeConstraintViolationException RESPONSIBILITY_TRANSFER_ALREADY_EXISTS */
	if (check_one_per_source(st, t.target_mgmt_id, recipient_id,
	    t.start_at, t.id, now, e) == -1 ||
	    /* AWS: AcceptHandshake fails with ConstraintViolationException RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION */
	    check_no_chain(st, t.target_mgmt_id, recipient_id, now, e) == -1)
		return (-1);
	snprintf(from, sizeof(from), "%s", t.status);
	snprintf(t.status, sizeof(t.status), "ACCEPTED");
	snprintf(t.source_mgmt_id, sizeof(t.source_mgmt_id), "%s",
	    recipient_id);
	snprintf(t.source_org_id, sizeof(t.source_org_id), "%s", m.org_id);
	t.updated_at = now;
	if (store_transfer_update(st, &t, from, e) == -1)
		return (-1);
	return (store_audit_append(st, recipient_id, "transfer.accept", t.id,
	    t.target_org_id, e));
}

int
transfer_handshake_ended_locked(struct store *st, const struct handshake *h,
    const char *to, int64_t now, struct err *e)
{
	struct transfer	 t;
	char		 from[sizeof(t.status)];

	if (store_transfer_by_handshake(st, h->id, &t, e) == -1)
		return (-1);
	snprintf(from, sizeof(from), "%s", t.status);
	snprintf(t.status, sizeof(t.status), "%s", to);
	t.updated_at = now;
	return (store_transfer_update(st, &t, from, e));
}

int
transfer_org_free_locked(struct store *st, const struct organization *o,
    int64_t now, struct err *e)
{
	struct transfer	 t;
	int		 found;

	if (store_transfer_in_force(st, 1, o->management_id, now, 0, NULL, &t,
	    &found, e) == -1)
		return (-1);
	if (!found && store_transfer_in_force(st, 0, o->management_id, now, 0,
	    NULL, &t, &found, e) == -1)
		return (-1);
	if (!found)
		return (0);
	/* AWS: DeleteOrganization fails with ConstraintViolationException ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS */
	return (err_set(e, ERR_CONFLICT, VIOLATION,
	    "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS", "You cannot delete "
	    "organization due to an ongoing responsibility transfer process: "
	    "transfer %s is %s%s.", t.id, t.status,
	    strcmp(t.status, "WITHDRAWN") == 0 ? " and has not ended yet" :
	    ""));
}

int
transfer_of_org_locked(struct store *st, const struct organization *o,
    const char *id, struct err *e)
{
	struct transfer	 t;

	if (!transfer_id_valid(id) || store_transfer_get(st, id, &t,
	    NULL) == -1 || (strcmp(t.target_mgmt_id, o->management_id) != 0 &&
	    strcmp(t.source_mgmt_id, o->management_id) != 0))
		return (err_set(e, ERR_NOT_FOUND, NOT_FOUND, NULL,
		    MSG_NOT_FOUND));
	return (0);
}

/* ---- Operations -------------------------------------------------------- */

int
transfer_invite(struct store *st, const struct principal *who,
    const struct transfer_invite *in, struct handshake *hs_out,
    struct transfer *out, struct err *e)
{
	struct organization	 o;
	struct account		 a;
	struct membership	 m;
	struct handshake	 h;
	struct transfer		 t;
	int64_t			 now;
	int			 found;

	now = store_now(st);
	if (check_invite(in, now, e) == -1)
		return (-1);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	/* AWS: InviteOrganizationToTransferResponsibility fails with AccessDeniedException */
	/* AWS: InviteOrganizationToTransferResponsibility fails with AWSOrganizationsNotInUseException */
	if (org_require_management(st, who, &o, e) == -1)
		goto fail;
	now = store_now(st);
	if (store_handshake_expire(st, now, e) == -1 ||
	    store_transfer_expire(st, now, e) == -1)
		goto fail;
	if (strcmp(in->target_type, "ACCOUNT") == 0)
		found = store_account_get(st, in->target_id, &a, NULL) == 0;
	else
		found = store_account_by_email(st, in->target_id, &a,
		    NULL) == 0;
	if (found && (strcmp(a.id, who->account_id) == 0 ||
	    (store_membership_current(st, a.id, &m, NULL) == 0 &&
	    strcmp(m.org_id, o.id) == 0))) {
		/* AWS: InviteOrganizationToTransferResponsibility fails with HandshakeConstraintViolationException SOURCE_AND_TARGET_CANNOT_MATCH */
		err_set(e, ERR_CONFLICT, HS_VIOLATION,
		    "SOURCE_AND_TARGET_CANNOT_MATCH", "The source and the "
		    "target of a transfer can't be the same organization: %s "
		    "is in yours.", in->target_id);
		goto fail;
	}
	memset(&t, 0, sizeof(t));
	if (found)
		snprintf(t.source_mgmt_id, sizeof(t.source_mgmt_id), "%s",
		    a.id);
	else if (strcmp(in->target_type, "ACCOUNT") == 0)
		snprintf(t.source_mgmt_id, sizeof(t.source_mgmt_id), "%s",
		    in->target_id);
	if (t.source_mgmt_id[0] != '\0' && (check_one_per_source(st,
	    who->account_id, t.source_mgmt_id, in->start_at, NULL, now,
	    e) == -1 ||
	    check_no_chain(st, who->account_id, t.source_mgmt_id, now,
	    e) == -1))
		goto fail;
	if (t.source_mgmt_id[0] == '\0' && check_no_chain(st, who->account_id,
	    "", now, e) == -1)
		goto fail;

	memset(&h, 0, sizeof(h));
	memcpy(h.id, "h-", 2);
	random_chars(h.id + 2, HS_ID_CHARS, ALPHA_LOWER_DIGITS);
	snprintf(h.org_id, sizeof(h.org_id), "%s", o.id);
	snprintf(h.action, sizeof(h.action), "TRANSFER_RESPONSIBILITY");
	snprintf(h.state, sizeof(h.state), "OPEN");
	snprintf(h.target_type, sizeof(h.target_type), "%s", in->target_type);
	snprintf(h.target_id, sizeof(h.target_id), "%s", in->target_id);
	if (strcmp(in->target_type, "ACCOUNT") == 0)
		snprintf(h.recipient_id, sizeof(h.recipient_id), "%s",
		    in->target_id);
	if (in->notes != NULL)
		snprintf(h.notes, sizeof(h.notes), "%s", in->notes);
	h.requested_at = now;
	h.expires_at = now + HANDSHAKE_TTL_MS;
	/* Accepted 24 hours before the start at the latest. */
	if (h.expires_at > in->start_at - TRANSFER_ACCEPT_LEAD_MS)
		h.expires_at = in->start_at - TRANSFER_ACCEPT_LEAD_MS;
	if (store_handshake_insert(st, &h, e) == -1) {
		if (e->code == ERR_CONFLICT)
			/* AWS: InviteOrganizationToTransferResponsibility fails with DuplicateHandshakeException */
			err_set(e, ERR_CONFLICT,
			    AWSERR(DuplicateHandshakeException),
			    NULL, "A handshake with the same action and "
			    "target already exists.");
		goto fail;
	}

	memcpy(t.id, "rt-", 3);
	random_chars(t.id + 3, RT_ID_CHARS, ALPHA_LOWER_DIGITS);
	snprintf(t.type, sizeof(t.type), "%s", TRANSFER_TYPE_BILLING);
	snprintf(t.name, sizeof(t.name), "%s", in->name);
	snprintf(t.status, sizeof(t.status), "REQUESTED");
	snprintf(t.target_org_id, sizeof(t.target_org_id), "%s", o.id);
	snprintf(t.target_mgmt_id, sizeof(t.target_mgmt_id), "%s",
	    o.management_id);
	snprintf(t.invite_type, sizeof(t.invite_type), "%s", in->target_type);
	snprintf(t.invite_id, sizeof(t.invite_id), "%s", in->target_id);
	t.start_at = in->start_at;
	snprintf(t.handshake_id, sizeof(t.handshake_id), "%s", h.id);
	t.expires_at = h.expires_at;
	t.created_at = t.updated_at = now;
	if (store_transfer_insert(st, &t, e) == -1 ||
	    tags_put_locked(st, o.id, t.id, in->tags, in->ntags, e) == -1 ||
	    store_audit_append(st, who->account_id, "transfer.invite", t.id,
	    in->target_id, e) == -1)
		goto fail;
	/* Read back: the parties' e-mails and the handshake's sender. */
	if (store_transfer_get(st, t.id, &t, e) == -1 ||
	    store_handshake_get(st, h.id, &h, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	if (hs_out != NULL)
		*hs_out = h;
	if (out != NULL)
		*out = t;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

/*
 * Inside a transaction: transfer id as `who` may see it. The caller must be
 * in an organization (AWSOrganizationsNotInUseException) and a party
 * (ResponsibilityTransferNotFoundException otherwise, existence unsaid).
 */
static int
load(struct store *st, const struct principal *who, const char *id,
    int64_t now, struct transfer *t, struct err *e)
{
	struct organization	 o;

	if (!transfer_id_valid(id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "Id: must match rt-[0-9a-z]{8,32}"));
	if (org_of(st, who, &o, NULL, e) == -1)
		return (-1);
	if (store_transfer_get(st, id, t, NULL) == -1 ||
	    (strcmp(t->target_mgmt_id, who->account_id) != 0 &&
	    strcmp(t->source_mgmt_id, who->account_id) != 0))
		return (err_set(e, ERR_NOT_FOUND, NOT_FOUND, NULL,
		    MSG_NOT_FOUND));
	/* Before acceptance the source side is the caller's organization. */
	if (t->source_org_id[0] == '\0' &&
	    strcmp(t->source_mgmt_id, who->account_id) == 0)
		snprintf(t->source_org_id, sizeof(t->source_org_id), "%s",
		    o.id);
	transfer_effective(t, now);
	return (0);
}

int
transfer_describe(struct store *st, const struct principal *who,
    const char *id, struct transfer *out, struct err *e)
{
	int	 rc;

	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	/* AWS: DescribeResponsibilityTransfer fails with ResponsibilityTransferNotFoundException */
	rc = load(st, who, id, store_now(st), out, e);
	store_rollback(st);
	return (rc);
}

int
transfer_list(struct store *st, struct arena *a, const struct principal *who,
    int inbound, const char *type, const char *id, const char *after,
    size_t limit, struct transfer **out, size_t *n_out, int *more_out,
    struct err *e)
{
	struct organization	 o;
	int64_t			 now;
	size_t			 i;
	int			 rc = -1;

	*out = NULL;
	*n_out = 0;
	*more_out = 0;
	if (check_type(type, e) == -1)
		return (-1);
	if (id != NULL && *id != '\0' && !transfer_id_valid(id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "Id: must match rt-[0-9a-z]{8,32}"));
	if (limit == 0 || limit > ORG_PAGE_MAX)
		limit = ORG_PAGE_MAX;
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	/* AWS: ListInboundResponsibilityTransfers fails with AccessDeniedException */
	if (org_require_management(st, who, &o, e) == -1)
		goto out;
	now = store_now(st);
	if (store_transfer_list(st, a, inbound, who->account_id,
	    id != NULL ? id : "", after != NULL ? after : "", limit + 1, out,
	    n_out, e) == -1)
		goto out;
	if (id != NULL && *id != '\0' && *n_out == 0) {
		/* AWS: ListInboundResponsibilityTransfers fails with ResponsibilityTransferNotFoundException */
		err_set(e, ERR_NOT_FOUND, NOT_FOUND, NULL, MSG_NOT_FOUND);
		goto out;
	}
	*more_out = *n_out > limit;
	if (*more_out)
		*n_out = limit;
	for (i = 0; i < *n_out; i++) {
		if ((*out)[i].source_org_id[0] == '\0' && !inbound)
			snprintf((*out)[i].source_org_id,
			    sizeof((*out)[i].source_org_id), "%s", o.id);
		transfer_effective(&(*out)[i], now);
	}
	rc = 0;
out:
	store_rollback(st);
	return (rc);
}

int
transfer_rename(struct store *st, const struct principal *who,
    const char *id, const char *name, struct transfer *out, struct err *e)
{
	struct transfer	 t;
	char		 from[sizeof(t.status)];
	int64_t		 now;

	if (check_name("Name", name, e) == -1)
		return (-1);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	now = store_now(st);
	/* AWS: UpdateResponsibilityTransfer fails with ResponsibilityTransferNotFoundException */
	if (load(st, who, id, now, &t, e) == -1 ||
	    store_transfer_get(st, id, &t, e) == -1)
		goto fail;
	snprintf(from, sizeof(from), "%s", t.status);
	snprintf(t.name, sizeof(t.name), "%s", name);
	t.updated_at = now;
	if (store_transfer_update(st, &t, from, e) == -1 ||
	    store_audit_append(st, who->account_id, "transfer.rename", t.id,
	    name, e) == -1 || load(st, who, id, now, out, e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

/*
 * When a termination may end transfer t: the end of the current month, or
 * when t starts later, the end of the month before its start.
 */
static int64_t
earliest_end(const struct transfer *t, int64_t now)
{
	int64_t	 end = month_first_after(now, 1) - 1;

	if (t->start_at > now)
		end = t->start_at - 1;
	return (end);
}

int
transfer_terminate(struct store *st, const struct principal *who,
    const char *id, int64_t end_at, struct transfer *out, struct err *e)
{
	struct transfer	 t;
	int64_t		 now, min;

	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	now = store_now(st);
	/* AWS: TerminateResponsibilityTransfer fails with ResponsibilityTransferNotFoundException */
	if (load(st, who, id, now, &t, e) == -1)
		goto fail;
	if (strcmp(t.status, "WITHDRAWN") == 0) {
		/* AWS: TerminateResponsibilityTransfer fails with ResponsibilityTransferAlreadyInStatusException */
		err_set(e, ERR_CONFLICT,
		    AWSERR(ResponsibilityTransferAlreadyInStatusException),
		    NULL,
		    "The responsibility transfer is already in the status "
		    "that you specified (WITHDRAWN).");
		goto fail;
	}
	if (strcmp(t.status, "ACCEPTED") != 0) {
		/* AWS: TerminateResponsibilityTransfer fails with InvalidResponsibilityTransferTransitionException */
		err_set(e, ERR_CONFLICT,
		    AWSERR(InvalidResponsibilityTransferTransitionException),
		    NULL,
		    "The responsibility transfer can't transition to the "
		    "requested state because it's not in a valid state for "
		    "this operation (%s).", t.status);
		goto fail;
	}
	min = earliest_end(&t, now);
	if (end_at != 0) {
		/* 23:59:59 or 23:59:59.999 on the last day of a month. */
		if (end_at % 1000 == 0)
			end_at += 999;
		if (end_at % 1000 != 999 || month_first_after(end_at, 1) - 1 !=
		    end_at) {
			/* AWS: TerminateResponsibilityTransfer fails with InvalidInputException END_DATE_NOT_END_OF_MONTH */
			err_set(e, ERR_INVALID, INVALID,
			    "END_DATE_NOT_END_OF_MONTH", "You provided an "
			    "invalid end date. The end date must be the end "
			    "of the last day of the month (23:59:59.999 "
			    "UTC).");
			goto fail;
		}
		if (end_at < min) {
			/* AWS: TerminateResponsibilityTransfer fails with InvalidInputException END_DATE_TOO_EARLY */
			err_set(e, ERR_INVALID, INVALID, "END_DATE_TOO_EARLY",
			    "You provided an invalid end date. It is too "
			    "early for the transfer to end: the earliest is "
			    "the end of the current month.");
			goto fail;
		}
	} else
		end_at = min;
	/* Re-read the row as stored (load() resolved the caller's side). */
	if (store_transfer_get(st, id, &t, e) == -1)
		goto fail;
	snprintf(t.status, sizeof(t.status), "WITHDRAWN");
	t.end_at = end_at;
	t.updated_at = now;
	if (store_transfer_update(st, &t, "ACCEPTED", e) == -1 ||
	    store_audit_append(st, who->account_id, "transfer.terminate",
	    t.id, "", e) == -1 || load(st, who, id, now, out, e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}
