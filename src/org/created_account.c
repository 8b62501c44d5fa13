/* SPDX-License-Identifier: MIT */
/* CreateAccount, its status, CloseAccount: see created_account.h. */
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "org/created_account.h"
#include "org/delegation.h"
#include "org/organization.h"
#include "org/policy.h"
#include "org/tags.h"

#define INVALID		AWSERR(InvalidInputException)
#define MSG_ACCOUNT	"You specified an account that doesn't exist."

const char *
created_account_state(const struct create_account_req *c, int64_t now)
{
	if (now < c->completes_at)
		return ("IN_PROGRESS");
	return (c->outcome);
}

int64_t
created_account_close_quota(int64_t members)
{
	int64_t	 q = members / 5;

	if (q < 250)
		q = 250;
	return (q > 1000 ? 1000 : q);
}

/* CreateAccountName: 1..50 of [\u0020-\u007E]. */
static int
name_valid(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n < 1 || n > ACCOUNT_NAME_MAX)
		return (0);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return (0);
	return (1);
}

/* The model's Email pattern, [^\s@]+@[^\s@]+\.[^\s@]+, over the whole
 * value. */
static int
email_pattern_ok(const char *s)
{
	const char	*at = strchr(s, '@'), *dot;
	size_t		 i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))
			return (0);
	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    at[1] == '\0')
		return (0);
	/* Some dot in the domain with a character on either side. */
	for (dot = at + 2; *dot != '\0'; dot++)
		if (*dot == '.' && dot[1] != '\0')
			return (1);
	return (0);
}

static int
new_account_locked(struct store *st, const struct organization *o,
    const char *email, const char *name, int64_t now, struct account *a,
    struct err *e)
{
	struct access_key	 k;
	struct membership	 m;
	int			 tries;

	memset(a, 0, sizeof(*a));
	snprintf(a->email, sizeof(a->email), "%s", email);
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->status, sizeof(a->status), "ACTIVE");
	a->created_at = now;
	for (tries = 0; ; tries++) {
		random_chars(a->id, ACCOUNT_ID_LEN, ALPHA_DIGITS);
		if (a->id[0] == '0')
			a->id[0] = '1';
		if (store_account_insert(st, a, e) == 0)
			break;
		if (e->code != ERR_CONFLICT || tries == 5)
			return (-1);
	}
	/* The key the MSP retrieves (docs/api.md, CreateAccount credentials). */
	memset(&k, 0, sizeof(k));
	memcpy(k.id, "AKPL", 4);
	random_chars(k.id + 4, 16, ALPHA_UPPER_DIGITS);
	random_chars(k.secret, 40,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
	snprintf(k.account_id, sizeof(k.account_id), "%s", a->id);
	k.created_at = now;
	if (store_key_insert(st, &k, e) == -1)
		return (-1);
	memset(&m, 0, sizeof(m));
	snprintf(m.account_id, sizeof(m.account_id), "%s", a->id);
	snprintf(m.org_id, sizeof(m.org_id), "%s", o->id);
	snprintf(m.payer_id, sizeof(m.payer_id), "%s", o->management_id);
	snprintf(m.joined_method, sizeof(m.joined_method), "CREATED");
	snprintf(m.parent_id, sizeof(m.parent_id), "%s", o->root_id);
	m.joined_at = now;
	if (store_membership_open(st, &m, e) == -1)
		return (-1);
	return (policy_new_target_locked(st, o, a->id, "ACCOUNT", e));
}

int
created_account_create(struct store *st, const struct principal *who,
    const char *email, const char *name, const struct handshake_tag *tags,
    size_t ntags, int64_t delay_ms, struct create_account_req *out,
    int64_t *now_out, struct err *e)
{
	struct organization		 o;
	struct create_account_req	 c, *v;
	struct account			 a;
	struct arena			 ar;
	size_t				 n, i, pending = 0;
	int64_t				 now;

	if (email == NULL || strlen(email) < 6 || strlen(email) > EMAIL_MAX)
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "Email: must be 6 to %d characters", EMAIL_MAX));
	if (!email_pattern_ok(email))
		/* AWS: CreateAccount fails with InvalidInputException INVALID_PATTERN */
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "Email: must look like name@example.com"));
	if (name == NULL || !name_valid(name))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "AccountName: must be 1 to %d printable ASCII characters",
		    ACCOUNT_NAME_MAX));
	if (tags_check(tags, ntags, e) == -1)
		return (-1);
	arena_init(&ar);
	if (store_begin(st, STORE_WRITE, e) == -1)
		goto out;
	/* AWS: CreateAccount fails with AWSOrganizationsNotInUseException */
	if (org_require_management(st, who, &o, e) == -1)
		goto fail;
	now = store_now(st);
	if (store_car_list(st, &ar, o.id, "", 1000, &v, &n, e) == -1)
		goto fail;
	for (i = 0; i < n; i++)
		if (v[i].completes_at > now)
			pending++;
	if (pending >= CREATE_ACCOUNT_CONCURRENT_MAX) {
		/* AWS: CreateAccount fails with ConstraintViolationException ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED */
		err_set(e, ERR_LIMIT, AWSERR(ConstraintViolationException),
		    "ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED", "You attempted to "
		    "exceed the number of accounts (%d) that you can create "
		    "at one time.", CREATE_ACCOUNT_CONCURRENT_MAX);
		goto fail;
	}
	memset(&c, 0, sizeof(c));
	memcpy(c.id, "car-", 4);
	random_chars(c.id + 4, 8, ALPHA_LOWER_DIGITS);
	snprintf(c.org_id, sizeof(c.org_id), "%s", o.id);
	snprintf(c.account_name, sizeof(c.account_name), "%s", name);
	snprintf(c.email, sizeof(c.email), "%s", email);
	c.requested_at = now;
	c.completes_at = now + (delay_ms > 0 ? delay_ms : 0);
	if (!email_valid(email)) {
		snprintf(c.outcome, sizeof(c.outcome), "FAILED");
		snprintf(c.failure_reason, sizeof(c.failure_reason),
		    "INVALID_EMAIL");
	} else if (store_account_by_email(st, email, &a, NULL) == 0) {
		/* AWS: CreateAccount fails (status FAILED) with EMAIL_ALREADY_EXISTS */
		snprintf(c.outcome, sizeof(c.outcome), "FAILED");
		snprintf(c.failure_reason, sizeof(c.failure_reason),
		    "EMAIL_ALREADY_EXISTS");
	} else {
		if (new_account_locked(st, &o, email, name, now, &a, e) == -1 ||
		    tags_put_locked(st, o.id, a.id, tags, ntags, e) == -1)
			goto fail;
		snprintf(c.outcome, sizeof(c.outcome), "SUCCEEDED");
		snprintf(c.account_id, sizeof(c.account_id), "%s", a.id);
	}
	if (store_car_insert(st, &c, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		goto out;
	arena_release(&ar);
	*out = c;
	*now_out = now;
	return (0);
fail:
	store_rollback(st);
out:
	arena_release(&ar);
	return (-1);
}

static int
car_id_valid(const char *s)
{
	size_t	 i, n = s != NULL ? strlen(s) : 0;

	if (n < 12 || n > 36 || strncmp(s, "car-", 4) != 0)
		return (0);
	for (i = 4; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9')))
			return (0);
	return (1);
}

int
created_account_status(struct store *st, const struct principal *who,
    const char *car_id, struct create_account_req *out, int64_t *now_out,
    struct err *e)
{
	struct organization	 o;
	int			 rc = -1;

	if (!car_id_valid(car_id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "CreateAccountRequestId: must look like car-xxxxxxxx"));
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	if (deleg_require_reader(st, who, &o, e) == -1)
		goto out;
	if (store_car_get(st, car_id, out, NULL) == -1 ||
	    strcmp(out->org_id, o.id) != 0) {
		/* AWS: DescribeCreateAccountStatus fails with CreateAccountStatusNotFoundException */
		err_set(e, ERR_NOT_FOUND,
		    AWSERR(CreateAccountStatusNotFoundException),
		    NULL, "We can't find an create account request with the "
		    "CreateAccountRequestId that you specified.");
		goto out;
	}
	*now_out = store_now(st);
	rc = 0;
out:
	store_rollback(st);
	return (rc);
}

static int
state_wanted(const char *const *states, const char *s)
{
	size_t	 i;

	if (states == NULL)
		return (1);
	for (i = 0; states[i] != NULL; i++)
		if (strcmp(states[i], s) == 0)
			return (1);
	return (0);
}

int
created_account_list(struct store *st, struct arena *a,
    const struct principal *who, const char *const *states, const char *after,
    size_t limit, struct create_account_req **out, size_t *n_out,
    int *more_out, int64_t *now_out, struct err *e)
{
	struct organization		 o;
	struct create_account_req	*v;
	size_t				 n, i, k = 0;
	int64_t				 now;
	int				 rc;

	if (limit == 0 || limit > ORG_PAGE_MAX)
		limit = ORG_PAGE_MAX;
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	rc = deleg_require_reader(st, who, &o, e) == -1 ||
	    store_car_list(st, a, o.id, after, 1000, &v, &n, e) == -1;
	now = store_now(st);
	store_rollback(st);
	if (rc)
		return (-1);
	*more_out = 0;
	for (i = 0; i < n; i++) {
		if (!state_wanted(states, created_account_state(&v[i], now)))
			continue;
		if (k == limit) {
			*more_out = 1;
			break;
		}
		v[k++] = v[i];
	}
	*out = v;
	*n_out = k;
	*now_out = now;
	return (0);
}

int
created_account_close(struct store *st, const struct principal *who,
    const char *account_id, int64_t delay_ms, struct err *e)
{
	struct organization	 o;
	struct membership	 m;
	struct account		 a;
	int64_t			 now, closed, members;

	if (account_id == NULL || !account_id_valid(account_id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "AccountId: must be 12 digits"));
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	now = store_now(st);
	if (store_closure_settle(st, now, e) == -1 ||
	    org_require_management(st, who, &o, e) == -1)
		goto fail;
	if (store_membership_current(st, account_id, &m, NULL) == -1 ||
	    strcmp(m.org_id, o.id) != 0 ||
	    store_account_get(st, account_id, &a, NULL) == -1) {
		/* AWS: CloseAccount fails with AccountNotFoundException */
		err_set(e, ERR_NOT_FOUND, AWSERR(AccountNotFoundException),
		    NULL,
		    MSG_ACCOUNT);
		goto fail;
	}
	if (strcmp(account_id, o.management_id) == 0) {
		/* AWS: CloseAccount fails with ConstraintViolationException CANNOT_CLOSE_MANAGEMENT_ACCOUNT */
		err_set(e, ERR_CONFLICT, AWSERR(ConstraintViolationException),
		    "CANNOT_CLOSE_MANAGEMENT_ACCOUNT", "You can't close the "
		    "management account with CloseAccount.");
		goto fail;
	}
	if (strcmp(a.status, "ACTIVE") != 0) {
		/* AWS: CloseAccount fails with AccountAlreadyClosedException */
		err_set(e, ERR_CONFLICT, AWSERR(AccountAlreadyClosedException),
		    NULL, "The provided account is already closed.");
		goto fail;
	}
	if (store_closure_count(st, o.id, now - CLOSE_WINDOW_MS, &closed,
	    e) == -1 || store_org_member_count(st, o.id, &members, e) == -1)
		goto fail;
	if (closed >= created_account_close_quota(members)) {
		/* AWS: CloseAccount fails with ConstraintViolationException CLOSE_ACCOUNT_QUOTA_EXCEEDED */
		err_set(e, ERR_LIMIT, AWSERR(ConstraintViolationException),
		    "CLOSE_ACCOUNT_QUOTA_EXCEEDED", "You have exceeded the "
		    "quota of account closures for the last 30 days.");
		goto fail;
	}
	if (delay_ms < 0)
		delay_ms = 0;
	snprintf(a.status, sizeof(a.status), "%s", delay_ms > 0 ?
	    "PENDING_CLOSURE" : "SUSPENDED");
	if (store_account_update(st, &a, e) == -1 ||
	    store_closure_insert(st, account_id, o.id, now, now + delay_ms,
	    e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
created_account_settle(struct store *st, struct err *e)
{
	int64_t	 due;

	/* Reads call this first: take the write lock only when a closure is
	 * due, so concurrent reads don't queue behind each other. */
	if (store_closure_due(st, store_now(st), &due, e) == -1)
		return (-1);
	if (due == 0)
		return (0);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (store_closure_settle(st, store_now(st), e) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (store_commit(st, e));
}

int
created_account_check_wait(struct store *st, const struct membership *m,
    struct err *e)
{
	struct create_account_req	 c;

	if (strcmp(m->joined_method, "CREATED") != 0)
		return (0);
	if (store_car_by_account(st, m->account_id, &c, NULL) == -1)
		c.requested_at = m->joined_at;
	if (store_now(st) - c.requested_at < CREATED_WAIT_MS)
		/* AWS: LeaveOrganization fails with ConstraintViolationException WAIT_PERIOD_ACTIVE */
		return (err_set(e, ERR_CONFLICT,
		    AWSERR(ConstraintViolationException),
		    "WAIT_PERIOD_ACTIVE", "You must wait until at least four "
		    "days after the account was created before it can leave "
		    "the organization."));
	return (0);
}
