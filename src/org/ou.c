/* SPDX-License-Identifier: MIT */
/* The root, OUs and account placement: see ou.h. */
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "org/delegation.h"
#include "org/organization.h"
#include "org/ou.h"
#include "org/policy.h"
#include "org/tags.h"

#define INVALID		AWSERR(InvalidInputException)
#define MSG_PARENT	"We can't find a root or OU with the ParentId that " \
			"you specified."
#define MSG_OU		"You specified an organizational unit that doesn't " \
			"exist."
#define MSG_ACCOUNT	"You specified an account that doesn't exist."

static int
lower_alnum(const char *s, size_t min, size_t max, const char **end)
{
	size_t	 n = 0;

	while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9'))
		n++;
	*end = s + n;
	return (n >= min && n <= max);
}

int
root_id_valid(const char *s)
{
	const char	*end;

	return (strncmp(s, "r-", 2) == 0 && lower_alnum(s + 2, 4, 32, &end) &&
	    *end == '\0');
}

int
ou_id_valid(const char *s)
{
	const char	*end;

	return (strncmp(s, "ou-", 3) == 0 && lower_alnum(s + 3, 4, 32, &end) &&
	    *end == '-' && lower_alnum(end + 1, 8, 32, &end) && *end == '\0');
}

int
parent_id_valid(const char *s)
{
	return (root_id_valid(s) || ou_id_valid(s));
}

void
ou_arn(const struct organization *o, const char *ou_id, char *buf, size_t len)
{
	snprintf(buf, len, "arn:%s:organizations::%s:ou/%s/%s",
	    org_partition(o), o->management_id, o->id, ou_id);
}

int
ou_find_parent(struct store *st, const struct organization *o,
    const char *parent_id, int *depth_out, struct err *e)
{
	struct org_unit	 u;

	if (strcmp(parent_id, o->root_id) == 0) {
		if (depth_out != NULL)
			*depth_out = 0;
		return (0);
	}
	if (!ou_id_valid(parent_id) || store_ou_get(st, parent_id, &u,
	    NULL) == -1 || strcmp(u.org_id, o->id) != 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "%s is not a root or OU of %s", parent_id, o->id));
	if (depth_out != NULL)
		*depth_out = u.depth;
	return (0);
}

int
ou_target_type(struct store *st, const struct organization *o,
    const char *id, struct ou_node *out, struct err *e)
{
	struct membership	 m;

	snprintf(out->id, sizeof(out->id), "%s", id);
	if (account_id_valid(id)) {
		if (store_membership_current(st, id, &m, NULL) == -1 ||
		    strcmp(m.org_id, o->id) != 0)
			return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
			    "account %s is not in %s", id, o->id));
		snprintf(out->type, sizeof(out->type), "ACCOUNT");
		return (0);
	}
	if (ou_find_parent(st, o, id, NULL, e) == -1)
		return (-1);
	snprintf(out->type, sizeof(out->type), "%s", id[0] == 'r' ? "ROOT" :
	    "ORGANIZATIONAL_UNIT");
	return (0);
}

static int
check_parent_input(const char *parent_id, struct err *e)
{
	if (parent_id == NULL || !parent_id_valid(parent_id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "ParentId: must be a root id (r-...) or an OU id "
		    "(ou-...-...)"));
	return (0);
}

static int
check_ou_input(const char *ou_id, struct err *e)
{
	if (ou_id == NULL || !ou_id_valid(ou_id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "OrganizationalUnitId: must look like ou-xxxx-xxxxxxxx"));
	return (0);
}

static int
check_name(const char *name, struct err *e)
{
	if (name == NULL || *name == '\0' || utf8_chars(name) > OU_NAME_MAX ||
	    strlen(name) >= sizeof(((struct org_unit *)0)->name))
		return (err_set(e, ERR_INVALID, INVALID, "MAX_LENGTH_EXCEEDED",
		    "Name: must be 1 to %d characters", OU_NAME_MAX));
	return (0);
}

/* The OU ou_id of o, or OrganizationalUnitNotFoundException. */
static int
ou_of(struct store *st, const struct organization *o, const char *ou_id,
    struct org_unit *u, struct err *e)
{
	if (store_ou_get(st, ou_id, u, NULL) == -1 ||
	    strcmp(u->org_id, o->id) != 0)
		/* AWS: DescribeOrganizationalUnit fails with OrganizationalUnitNotFoundException */
		return (err_set(e, ERR_NOT_FOUND,
		    AWSERR(OrganizationalUnitNotFoundException), NULL, MSG_OU));
	return (0);
}

int
ou_create(struct store *st, const struct principal *who,
    const char *parent_id, const char *name, const struct handshake_tag *tags,
    size_t ntags, struct organization *org_out, struct org_unit *out,
    struct err *e)
{
	struct org_unit	 u;
	int64_t		 n;
	int		 depth;

	if (check_parent_input(parent_id, e) == -1 || check_name(name, e) == -1 ||
	    tags_check(tags, ntags, e) == -1)
		return (-1);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (org_require_management(st, who, org_out, e) == -1)
		goto fail;
	if (ou_find_parent(st, org_out, parent_id, &depth, e) == -1) {
		/* AWS: CreateOrganizationalUnit fails with ParentNotFoundException */
		err_set(e, ERR_NOT_FOUND, AWSERR(ParentNotFoundException), NULL,
		    MSG_PARENT);
		goto fail;
	}
	if (depth + 1 > OU_DEPTH_MAX) {
		/* AWS: CreateOrganizationalUnit fails with ConstraintViolationException OU_DEPTH_LIMIT_EXCEEDED */
		err_set(e, ERR_LIMIT, AWSERR(ConstraintViolationException),
		    "OU_DEPTH_LIMIT_EXCEEDED", "You attempted to create an OU "
		    "tree that is too many levels deep (at most %d).",
		    OU_DEPTH_MAX);
		goto fail;
	}
	if (store_ou_count(st, org_out->id, "", &n, e) == -1)
		goto fail;
	if (n >= OU_COUNT_MAX) {
		/* AWS: CreateOrganizationalUnit fails with ConstraintViolationException OU_NUMBER_LIMIT_EXCEEDED */
		err_set(e, ERR_LIMIT, AWSERR(ConstraintViolationException),
		    "OU_NUMBER_LIMIT_EXCEEDED", "You have reached the limit of "
		    "%d OUs in an organization.", OU_COUNT_MAX);
		goto fail;
	}
	memset(&u, 0, sizeof(u));
	snprintf(u.org_id, sizeof(u.org_id), "%s", org_out->id);
	snprintf(u.parent_id, sizeof(u.parent_id), "%s", parent_id);
	snprintf(u.name, sizeof(u.name), "%s", name);
	u.depth = depth + 1;
	u.created_at = store_now(st);
	snprintf(u.id, sizeof(u.id), "ou-%s-", org_out->root_id + 2);
	random_chars(u.id + strlen(u.id), 8, ALPHA_LOWER_DIGITS);
	if (store_ou_insert(st, &u, e) == -1) {
		if (e->code == ERR_CONFLICT)
			/* AWS: CreateOrganizationalUnit fails with DuplicateOrganizationalUnitException */
			err_set(e, ERR_CONFLICT,
			    AWSERR(DuplicateOrganizationalUnitException), NULL,
			    "An OU with the same name already exists.");
		goto fail;
	}
	if (tags_put_locked(st, org_out->id, u.id, tags, ntags, e) == -1 ||
	    policy_new_target_locked(st, org_out, u.id, "ORGANIZATIONAL_UNIT",
	    e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	*out = u;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
ou_update(struct store *st, const struct principal *who, const char *ou_id,
    const char *name, struct organization *org_out, struct org_unit *out,
    struct err *e)
{
	if (check_ou_input(ou_id, e) == -1 || (name != NULL &&
	    check_name(name, e) == -1))
		return (-1);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (org_require_management(st, who, org_out, e) == -1 ||
	    ou_of(st, org_out, ou_id, out, e) == -1)
		goto fail;
	if (name != NULL && strcmp(name, out->name) == 0) {
		/*
		 * AWS does not say what renaming an OU to its own name does;
		 * moto's suite expects this, and AWS's words for it ("An OU
		 * with the same name already exists.") hold for the OU itself.
		 */
		err_set(e, ERR_CONFLICT,
		    AWSERR(DuplicateOrganizationalUnitException),
		    NULL, "An OU with the same name already exists.");
		goto fail;
	}
	if (name != NULL) {
		if (store_ou_rename(st, ou_id, name, e) == -1) {
			if (e->code == ERR_CONFLICT)
				/* AWS: UpdateOrganizationalUnit fails with DuplicateOrganizationalUnitException */
				err_set(e, ERR_CONFLICT,
				    AWSERR(DuplicateOrganizationalUnitException),
				    NULL, "An OU with the same name already "
				    "exists.");
			goto fail;
		}
		snprintf(out->name, sizeof(out->name), "%s", name);
	}
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
ou_delete(struct store *st, const struct principal *who, const char *ou_id,
    struct err *e)
{
	struct organization	 o;
	struct org_unit		 u;
	int64_t			 nous, naccts;

	if (check_ou_input(ou_id, e) == -1)
		return (-1);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (org_require_management(st, who, &o, e) == -1 ||
	    ou_of(st, &o, ou_id, &u, e) == -1 ||
	    store_ou_count(st, o.id, ou_id, &nous, e) == -1 ||
	    store_parent_account_count(st, o.id, ou_id, &naccts, e) == -1)
		goto fail;
	if (nous > 0 || naccts > 0) {
		/* AWS: DeleteOrganizationalUnit fails with OrganizationalUnitNotEmptyException */
		err_set(e, ERR_CONFLICT,
		    AWSERR(OrganizationalUnitNotEmptyException),
		    NULL, "The specified OU is not empty. Move all accounts to "
		    "another root or OU and delete all child OUs, and then "
		    "try the operation again.");
		goto fail;
	}
	if (store_policy_detach_all(st, o.id, "", ou_id, e) == -1 ||
	    store_tag_delete_all(st, o.id, ou_id, e) == -1 ||
	    store_ou_delete(st, ou_id, e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
ou_describe(struct store *st, const struct principal *who, const char *ou_id,
    struct organization *org_out, struct org_unit *out, struct err *e)
{
	int	 rc = -1;

	if (check_ou_input(ou_id, e) == -1)
		return (-1);
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	if (deleg_require_reader(st, who, org_out, e) == 0 &&
	    ou_of(st, org_out, ou_id, out, e) == 0)
		rc = 0;
	store_rollback(st);
	return (rc);
}

/* Opens a read, checks the reader and the parent (ParentNotFoundException). */
static int
begin_parent_read(struct store *st, const struct principal *who,
    const char *parent_id, struct organization *o, struct err *e)
{
	if (check_parent_input(parent_id, e) == -1)
		return (-1);
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	if (deleg_require_reader(st, who, o, e) == -1) {
		/* Outside any organization there is no root or OU to find. */
		if (e->aws_type != NULL && strcmp(e->aws_type,
		    AWSERR(AWSOrganizationsNotInUseException)) == 0)
			err_set(e, ERR_NOT_FOUND,
			    AWSERR(ParentNotFoundException),
			    NULL, MSG_PARENT);
		goto fail;
	}
	if (ou_find_parent(st, o, parent_id, NULL, e) == -1) {
		/* AWS: ListChildren fails with ParentNotFoundException */
		err_set(e, ERR_NOT_FOUND, AWSERR(ParentNotFoundException), NULL,
		    MSG_PARENT);
		goto fail;
	}
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

static size_t
page_limit(size_t limit)
{
	return (limit == 0 || limit > ORG_PAGE_MAX ? ORG_PAGE_MAX : limit);
}

int
ou_list(struct store *st, struct arena *a, const struct principal *who,
    const char *parent_id, int64_t after_seq, size_t limit,
    struct organization *org_out, struct org_unit **out, size_t *n_out,
    int *more_out, struct err *e)
{
	int	 rc;

	limit = page_limit(limit);
	if (begin_parent_read(st, who, parent_id, org_out, e) == -1)
		return (-1);
	rc = store_ou_list(st, a, org_out->id, parent_id, after_seq < 0 ? 0 :
	    after_seq, limit + 1, out, n_out, e);
	store_rollback(st);
	if (rc == -1)
		return (-1);
	*more_out = *n_out > limit;
	if (*more_out)
		*n_out = limit;
	return (0);
}

int
ou_list_accounts(struct store *st, struct arena *a,
    const struct principal *who, const char *parent_id, const char *after,
    size_t limit, struct organization *org_out, struct member **out,
    size_t *n_out, int *more_out, struct err *e)
{
	int	 rc;

	limit = page_limit(limit);
	if (begin_parent_read(st, who, parent_id, org_out, e) == -1)
		return (-1);
	rc = store_parent_accounts(st, a, org_out->id, parent_id, after,
	    limit + 1, out, n_out, e);
	store_rollback(st);
	if (rc == -1)
		return (-1);
	*more_out = *n_out > limit;
	if (*more_out)
		*n_out = limit;
	return (0);
}

int
ou_children(struct store *st, struct arena *a, const struct principal *who,
    const char *parent_id, const char *child_type, const char *after,
    int64_t after_seq, size_t limit, struct ou_node **out, size_t *n_out,
    int *more_out, struct err *e)
{
	struct organization	 o;
	struct org_unit		*u;
	struct member		*m;
	struct ou_node		*v;
	size_t			 n = 0, i;
	int			 rc, accounts;

	limit = page_limit(limit);
	accounts = strcmp(child_type, "ACCOUNT") == 0;
	if (begin_parent_read(st, who, parent_id, &o, e) == -1)
		return (-1);
	if (accounts)
		rc = store_parent_accounts(st, a, o.id, parent_id, after,
		    limit + 1, &m, &n, e);
	else
		rc = store_ou_list(st, a, o.id, parent_id, after_seq < 0 ? 0 :
		    after_seq, limit + 1, &u, &n, e);
	store_rollback(st);
	if (rc == -1)
		return (-1);
	v = arena_zalloc(a, sizeof(*v) * (n ? n : 1));
	for (i = 0; i < n; i++) {
		snprintf(v[i].id, sizeof(v[i].id), "%s", accounts ?
		    m[i].account.id : u[i].id);
		snprintf(v[i].type, sizeof(v[i].type), "%s", child_type);
		v[i].seq = accounts ? 0 : u[i].seq;
	}
	*more_out = n > limit;
	*out = v;
	*n_out = *more_out ? limit : n;
	return (0);
}

int
ou_parent(struct store *st, const struct principal *who, const char *child_id,
    struct ou_node *out, struct err *e)
{
	struct organization	 o;
	struct membership	 m;
	struct org_unit		 u;
	int			 rc = -1;

	if (child_id == NULL || (!account_id_valid(child_id) &&
	    !ou_id_valid(child_id)))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "ChildId: must be an account id or an OU id"));
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	if (deleg_require_reader(st, who, &o, e) == -1)
		goto out;
	if (account_id_valid(child_id)) {
		if (store_membership_current(st, child_id, &m, NULL) == 0 &&
		    strcmp(m.org_id, o.id) == 0) {
			snprintf(out->id, sizeof(out->id), "%s", m.parent_id);
			rc = 0;
		}
	} else if (store_ou_get(st, child_id, &u, NULL) == 0 &&
	    strcmp(u.org_id, o.id) == 0) {
		snprintf(out->id, sizeof(out->id), "%s", u.parent_id);
		rc = 0;
	}
	if (rc == 0)
		snprintf(out->type, sizeof(out->type), "%s", out->id[0] == 'r' ?
		    "ROOT" : "ORGANIZATIONAL_UNIT");
	else
		/* AWS: ListParents fails with ChildNotFoundException */
		err_set(e, ERR_NOT_FOUND, AWSERR(ChildNotFoundException), NULL,
		    "We can't find an organizational unit (OU) or AWS account "
		    "with the ChildId that you specified.");
out:
	store_rollback(st);
	return (rc);
}

int
ou_move_account(struct store *st, const struct principal *who,
    const char *account_id, const char *source_id, const char *dest_id,
    struct err *e)
{
	struct organization	 o;
	struct membership	 m;

	if (account_id == NULL || !account_id_valid(account_id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "AccountId: must be 12 digits"));
	if (check_parent_input(source_id, e) == -1 ||
	    check_parent_input(dest_id, e) == -1)
		return (-1);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (org_require_management(st, who, &o, e) == -1)
		goto fail;
	if (ou_find_parent(st, &o, source_id, NULL, e) == -1) {
		/* AWS: MoveAccount fails with SourceParentNotFoundException */
		err_set(e, ERR_NOT_FOUND, AWSERR(SourceParentNotFoundException),
		    NULL,
		    "We can't find a source root or OU with the ParentId that "
		    "you specified.");
		goto fail;
	}
	if (ou_find_parent(st, &o, dest_id, NULL, e) == -1) {
		/* AWS: MoveAccount fails with DestinationParentNotFoundException */
		err_set(e, ERR_NOT_FOUND,
		    AWSERR(DestinationParentNotFoundException),
		    NULL, "We can't find the destination container (a root or "
		    "OU) with the ParentId that you specified.");
		goto fail;
	}
	if (store_membership_current(st, account_id, &m, NULL) == -1 ||
	    strcmp(m.org_id, o.id) != 0) {
		/* AWS: MoveAccount fails with AccountNotFoundException */
		err_set(e, ERR_NOT_FOUND, AWSERR(AccountNotFoundException),
		    NULL,
		    MSG_ACCOUNT);
		goto fail;
	}
	if (strcmp(m.parent_id, dest_id) == 0) {
		/* AWS: MoveAccount fails with DuplicateAccountException */
		err_set(e, ERR_CONFLICT, AWSERR(DuplicateAccountException),
		    NULL,
		    "That account is already present in the specified "
		    "destination.");
		goto fail;
	}
	if (strcmp(m.parent_id, source_id) != 0) {
		/* AWS: MoveAccount fails with AccountNotFoundException (not under the source) */
		err_set(e, ERR_NOT_FOUND, AWSERR(AccountNotFoundException),
		    NULL,
		    "You specified an account that doesn't exist in the source "
		    "parent.");
		goto fail;
	}
	if (store_membership_set_parent(st, account_id, dest_id, e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}
