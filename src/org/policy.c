/* SPDX-License-Identifier: MIT */
/* Organization policies: see policy.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/codec.h"
#include "org/delegation.h"
#include "org/organization.h"
#include "org/ou.h"
#include "org/policy.h"
#include "org/tags.h"

#define INVALID		"InvalidInputException"
#define SCP		"SERVICE_CONTROL_POLICY"
#define JSON_DEPTH_MAX	32
#define POLICIES_MAX	1000	/* per type and organization */
#define MSG_POLICY	"We can't find a policy with the PolicyId that you " \
			"specified."
#define MSG_TARGET	"We can't find a root, OU, account, or policy with " \
			"the TargetId that you specified."

static const char *const full_access_content =
    "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n"
    "      \"Effect\": \"Allow\",\n      \"Action\": \"*\",\n"
    "      \"Resource\": \"*\"\n    }\n  ]\n}";

/*
 * A JSON value parsed into the arena: enough to validate a document and to
 * read an SCP's statements. Strings keep their escapes undecoded except
 * \" and \\ (policy actions never need more).
 */
struct jv {
	char		  t;		/* o a s n b z */
	char		 *s;		/* string value */
	size_t		  n;		/* members of o / a */
	char		**keys;		/* o */
	struct jv	**v;		/* o, a */
};

struct jp {
	const char	*p;
	struct arena	*a;
	int		 depth;
};

static void
ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static char *
jstring(struct jp *j)
{
	const char	*start;
	char		*out;
	size_t		 n = 0;

	if (*j->p != '"')
		return (NULL);
	start = ++j->p;
	while (*j->p != '"') {
		if ((unsigned char)*j->p < 0x20)
			return (NULL);
		if (*j->p == '\\') {
			j->p++;
			if (*j->p == 'u') {
				int i;
				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)j->p[i]))
						return (NULL);
				j->p += 4;
			} else if (strchr("\"\\/bfnrt", *j->p) == NULL ||
			    *j->p == '\0')
				return (NULL);
		}
		j->p++;
	}
	out = arena_alloc(j->a, (size_t)(j->p - start) + 1);
	while (start < j->p) {
		if (*start == '\\' && (start[1] == '"' || start[1] == '\\'))
			start++;
		out[n++] = *start++;
	}
	out[n] = '\0';
	j->p++;
	return (out);
}

static struct jv *jvalue(struct jp *);

static struct jv *
jcontainer(struct jp *j, char close)
{
	struct jv	*v = arena_zalloc(j->a, sizeof(*v));
	size_t		 cap = 0;

	v->t = close == '}' ? 'o' : 'a';
	if (++j->depth > JSON_DEPTH_MAX)
		return (NULL);
	j->p++;
	ws(j);
	if (*j->p == close) {
		j->p++;
		j->depth--;
		return (v);
	}
	for (;;) {
		char		*key = NULL;
		struct jv	*item;

		ws(j);
		if (v->t == 'o') {
			if ((key = jstring(j)) == NULL)
				return (NULL);
			ws(j);
			if (*j->p++ != ':')
				return (NULL);
		}
		if ((item = jvalue(j)) == NULL)
			return (NULL);
		if (v->n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			struct jv **nv = arena_alloc(j->a, nc * sizeof(*nv));
			char **nk = arena_alloc(j->a, nc * sizeof(*nk));
			if (v->n > 0) {
				memcpy(nv, v->v, v->n * sizeof(*nv));
				memcpy(nk, v->keys, v->n * sizeof(*nk));
			}
			v->v = nv;
			v->keys = nk;
			cap = nc;
		}
		v->keys[v->n] = key;
		v->v[v->n++] = item;
		ws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p++ != close)
			return (NULL);
		j->depth--;
		return (v);
	}
}

static struct jv *
jvalue(struct jp *j)
{
	struct jv	*v;
	const char	*lit[] = { "true", "false", "null" };
	size_t		 i;

	ws(j);
	if (*j->p == '{')
		return (jcontainer(j, '}'));
	if (*j->p == '[')
		return (jcontainer(j, ']'));
	v = arena_zalloc(j->a, sizeof(*v));
	if (*j->p == '"') {
		v->t = 's';
		return ((v->s = jstring(j)) == NULL ? NULL : v);
	}
	for (i = 0; i < 3; i++)
		if (strncmp(j->p, lit[i], strlen(lit[i])) == 0) {
			j->p += strlen(lit[i]);
			v->t = i < 2 ? 'b' : 'z';
			return (v);
		}
	if (*j->p == '-')
		j->p++;
	if (!isdigit((unsigned char)*j->p))
		return (NULL);
	while (isdigit((unsigned char)*j->p))
		j->p++;
	if (*j->p == '.') {
		j->p++;
		if (!isdigit((unsigned char)*j->p))
			return (NULL);
		while (isdigit((unsigned char)*j->p))
			j->p++;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (!isdigit((unsigned char)*j->p))
			return (NULL);
		while (isdigit((unsigned char)*j->p))
			j->p++;
	}
	v->t = 'n';
	return (v);
}

/* The whole of s as one JSON value, or NULL. */
static struct jv *
jparse(struct arena *a, const char *s)
{
	struct jp	 j = { s, a, 0 };
	struct jv	*v;

	if (!utf8_valid(s, strlen(s)) || (v = jvalue(&j)) == NULL)
		return (NULL);
	ws(&j);
	return (*j.p == '\0' ? v : NULL);
}

static struct jv *
jget(const struct jv *o, const char *key)
{
	size_t	 i;

	if (o == NULL || o->t != 'o')
		return (NULL);
	for (i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return (o->v[i]);
	return (NULL);
}

int
policy_json_valid(const char *s)
{
	struct arena	 a;
	int		 ok;

	arena_init(&a);
	ok = jparse(&a, s) != NULL;
	arena_release(&a);
	return (ok);
}

int
policy_type_valid(const char *t)
{
	return (t != NULL && (strcmp(t, SCP) == 0 ||
	    strcmp(t, "TAG_POLICY") == 0 || strcmp(t, "BACKUP_POLICY") == 0 ||
	    strcmp(t, "AISERVICES_OPT_OUT_POLICY") == 0));
}

size_t
policy_content_max(const char *type)
{
	if (strcmp(type, SCP) == 0)
		return (5120);
	if (strcmp(type, "AISERVICES_OPT_OUT_POLICY") == 0)
		return (2500);
	return (10000);
}

int
policy_check_content(const char *type, const char *content, struct err *e)
{
	struct arena	 a;
	struct jv	*v;
	int		 ok;

	if (utf8_chars(content) > policy_content_max(type))
		/* AWS: CreatePolicy fails with ConstraintViolationException POLICY_CONTENT_LIMIT_EXCEEDED */
		return (err_set(e, ERR_LIMIT, "ConstraintViolationException",
		    "POLICY_CONTENT_LIMIT_EXCEEDED", "The policy is larger "
		    "than the maximum size of %zu characters for %s.",
		    policy_content_max(type), type));
	arena_init(&a);
	v = jparse(&a, content);
	ok = v != NULL && v->t == 'o';
	if (ok && strcmp(type, SCP) == 0) {
		struct jv *s = jget(v, "Statement");
		ok = s != NULL && (s->t == 'o' || s->t == 'a');
	}
	arena_release(&a);
	if (!ok)
		/* AWS: CreatePolicy fails with MalformedPolicyDocumentException */
		return (err_set(e, ERR_INVALID,
		    "MalformedPolicyDocumentException", NULL,
		    "The provided policy document doesn't meet the "
		    "requirements of the specified policy type."));
	return (0);
}

void
policy_arn(const struct organization *o, const struct policy *p, char *buf,
    size_t len)
{
	char	 type[32];
	size_t	 i;

	if (p->aws_managed) {
		snprintf(buf, len, "%s", POLICY_FULL_ACCESS_ARN);
		return;
	}
	for (i = 0; p->type[i] != '\0' && i < sizeof(type) - 1; i++)
		type[i] = (char)tolower((unsigned char)p->type[i]);
	type[i] = '\0';
	snprintf(buf, len, "arn:aws:organizations::%s:policy/%s/%s/%s",
	    o->management_id, o->id, type, p->id);
}

static void
full_access(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", POLICY_FULL_ACCESS_ID);
	snprintf(p->type, sizeof(p->type), SCP);
	snprintf(p->name, sizeof(p->name), "FullAWSAccess");
	snprintf(p->description, sizeof(p->description),
	    "Allows access to every operation");
	p->content = full_access_content;
	p->aws_managed = 1;
}

static int
policy_id_valid(const char *s)
{
	size_t	 i, n = s != NULL ? strlen(s) : 0;

	if (n < 10 || n > 130 || strncmp(s, "p-", 2) != 0)
		return (0);
	for (i = 2; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return (0);
	return (1);
}

static int
check_policy_id(const char *id, struct err *e)
{
	if (!policy_id_valid(id))
		return (err_set(e, ERR_INVALID, INVALID,
		    "INVALID_SYNTAX_POLICY_ID", "PolicyId: must look like "
		    "p-xxxxxxxx"));
	return (0);
}

int
policy_find_locked(struct store *st, struct arena *a,
    const struct organization *o, const char *id, struct policy *out,
    struct err *e)
{
	if (strcmp(id, POLICY_FULL_ACCESS_ID) == 0) {
		full_access(out);
		snprintf(out->org_id, sizeof(out->org_id), "%s", o->id);
		return (0);
	}
	if (store_policy_get(st, a, id, out, NULL) == -1 ||
	    strcmp(out->org_id, o->id) != 0)
		/* AWS: DescribePolicy fails with PolicyNotFoundException */
		return (err_set(e, ERR_NOT_FOUND, "PolicyNotFoundException",
		    NULL, MSG_POLICY));
	return (0);
}

int
policy_sync_locked(struct store *st, const struct organization *o,
    struct err *e)
{
	struct policy_target	 t;
	int			 marked, scp;

	if (store_policy_default_mark(st, o->id, o->root_id, &marked, e) == -1)
		return (-1);
	if (!marked && strcmp(o->feature_set, "ALL") == 0) {
		memset(&t, 0, sizeof(t));
		snprintf(t.id, sizeof(t.id), "%s", o->root_id);
		snprintf(t.type, sizeof(t.type), "ROOT");
		if (store_policy_type_set(st, o->id, SCP, 1, e) == -1 ||
		    store_policy_attach(st, o->id, POLICY_FULL_ACCESS_ID, SCP,
		    &t, e) == -1)
			return (-1);
	}
	if (store_policy_type_enabled(st, o->id, SCP, &scp, e) == -1)
		return (-1);
	return (store_policy_default_members(st, o->id, POLICY_FULL_ACCESS_ID,
	    scp, e));
}

int
policy_new_target_locked(struct store *st, const struct organization *o,
    const char *target_id, const char *target_type, struct err *e)
{
	struct policy_target	 t;
	int			 scp, marked;

	if (policy_sync_locked(st, o, e) == -1 ||
	    store_policy_type_enabled(st, o->id, SCP, &scp, e) == -1 ||
	    store_policy_default_mark(st, o->id, target_id, &marked, e) == -1)
		return (-1);
	if (!scp || marked)
		return (0);
	memset(&t, 0, sizeof(t));
	snprintf(t.id, sizeof(t.id), "%s", target_id);
	snprintf(t.type, sizeof(t.type), "%s", target_type);
	return (store_policy_attach(st, o->id, POLICY_FULL_ACCESS_ID, SCP, &t,
	    e));
}

int
policy_root_locked(struct store *st, const struct organization *o,
    struct root_view *out, struct err *e)
{
	static const char *const types[] = { SCP, "TAG_POLICY",
	    "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY" };
	size_t	 i;
	int	 on;

	memset(out, 0, sizeof(*out));
	out->org = *o;
	for (i = 0; i < POLICY_TYPES_MAX; i++) {
		if (store_policy_type_enabled(st, o->id, types[i], &on,
		    e) == -1)
			return (-1);
		if (on)
			snprintf(out->types[out->ntypes++], sizeof(out->types[0]),
			    "%s", types[i]);
	}
	return (0);
}

/* Glob match of an action pattern (* and ?), case-insensitive. */
static int
action_match(const char *pat, const char *s)
{
	if (*pat == '\0')
		return (*s == '\0');
	if (*pat == '*')
		return (action_match(pat + 1, s) ||
		    (*s != '\0' && action_match(pat, s + 1)));
	if (*s == '\0')
		return (0);
	if (*pat != '?' && tolower((unsigned char)*pat) !=
	    tolower((unsigned char)*s))
		return (0);
	return (action_match(pat + 1, s + 1));
}

static int
actions_match(const struct jv *v, const char *action)
{
	size_t	 i;

	if (v == NULL)
		return (0);
	if (v->t == 's')
		return (action_match(v->s, action));
	if (v->t == 'a')
		for (i = 0; i < v->n; i++)
			if (v->v[i]->t == 's' && action_match(v->v[i]->s,
			    action))
				return (1);
	return (0);
}

/* Adds what one SCP document says of action to *allow and *deny. */
static void
scp_eval(struct arena *a, const char *doc, const char *action, int *allow,
    int *deny)
{
	struct jv	*v = jparse(a, doc), *stmts, *s, *eff;
	size_t		 i, n;

	if ((stmts = jget(v, "Statement")) == NULL)
		return;
	n = stmts->t == 'a' ? stmts->n : 1;
	for (i = 0; i < n; i++) {
		int m;

		s = stmts->t == 'a' ? stmts->v[i] : stmts;
		if ((eff = jget(s, "Effect")) == NULL || eff->t != 's')
			continue;
		if (jget(s, "Action") != NULL)
			m = actions_match(jget(s, "Action"), action);
		else if (jget(s, "NotAction") != NULL)
			m = !actions_match(jget(s, "NotAction"), action);
		else
			m = 0;
		if (!m)
			continue;
		if (strcmp(eff->s, "Allow") == 0)
			*allow = 1;
		else if (strcmp(eff->s, "Deny") == 0)
			*deny = 1;
	}
}

int
policy_scp_denies_locked(struct store *st, const struct organization *o,
    const char *account_id, const char *action, int *denied, struct err *e)
{
	struct arena		 a;
	struct membership	 m;
	struct org_unit		 u;
	struct policy_target	*ids;
	struct policy		 p;
	char			 level[OU_ID_MAX + 1];
	size_t			 n, i;
	int			 scp, allow, deny = 0, all_allow = 1, hops;

	*denied = 0;
	if (strcmp(account_id, o->management_id) == 0)
		return (0);
	if (policy_sync_locked(st, o, e) == -1 ||
	    store_policy_type_enabled(st, o->id, SCP, &scp, e) == -1)
		return (-1);
	if (!scp || store_membership_current(st, account_id, &m, e) == -1)
		return (scp ? -1 : 0);
	arena_init(&a);
	snprintf(level, sizeof(level), "%s", account_id);
	/* The account, its OUs upwards, the root: each must allow. */
	for (hops = 0; hops <= OU_DEPTH_MAX + 1; hops++) {
		if (store_target_policies(st, &a, o->id, level, SCP, "", 1000,
		    &ids, &n, e) == -1)
			goto fail;
		allow = 0;
		for (i = 0; i < n; i++)
			if (policy_find_locked(st, &a, o, ids[i].id, &p,
			    NULL) == 0)
				scp_eval(&a, p.content, action, &allow, &deny);
		if (!allow)
			all_allow = 0;
		if (level[0] == 'r')
			break;
		if (hops == 0)
			snprintf(level, sizeof(level), "%s", m.parent_id);
		else if (store_ou_get(st, level, &u, e) == -1)
			goto fail;
		else
			snprintf(level, sizeof(level), "%s", u.parent_id);
	}
	*denied = deny || !all_allow;
	arena_release(&a);
	return (0);
fail:
	arena_release(&a);
	return (-1);
}

static int
begin_policy(struct store *st, const struct principal *who,
    struct organization *o, struct err *e)
{
	/* A write even to read: the organization's defaults may be due. */
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (deleg_require_reader(st, who, o, e) == -1 ||
	    policy_sync_locked(st, o, e) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (0);
}

static int
check_name_desc(const char *name, const char *desc, struct err *e)
{
	if (name != NULL && (*name == '\0' || utf8_chars(name) >
	    POLICY_NAME_MAX))
		return (err_set(e, ERR_INVALID, INVALID, "MAX_LENGTH_EXCEEDED",
		    "Name: must be 1 to %d characters", POLICY_NAME_MAX));
	if (desc != NULL && utf8_chars(desc) > POLICY_DESC_MAX)
		return (err_set(e, ERR_INVALID, INVALID, "MAX_LENGTH_EXCEEDED",
		    "Description: at most %d characters", POLICY_DESC_MAX));
	return (0);
}

int
policy_create(struct store *st, struct arena *a, const struct principal *who,
    const char *type, const char *name, const char *description,
    const char *content, const struct handshake_tag *tags, size_t ntags,
    struct organization *org_out, struct policy *out, struct err *e)
{
	struct policy	 p;
	struct policy	*v;
	size_t		 n;

	if (!policy_type_valid(type))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_ENUM_POLICY_TYPE",
		    "Type: not a policy type"));
	if (check_name_desc(name, description, e) == -1 ||
	    policy_check_content(type, content, e) == -1 ||
	    tags_check(tags, ntags, e) == -1)
		return (-1);
	if (begin_policy(st, who, org_out, e) == -1)
		return (-1);
	if (strcmp(org_out->feature_set, "ALL") != 0) {
		/* AWS: CreatePolicy fails with PolicyTypeNotAvailableForOrganizationException */
		err_set(e, ERR_CONFLICT,
		    "PolicyTypeNotAvailableForOrganizationException", NULL,
		    "You can't use the specified policy type with the feature "
		    "set currently enabled for this organization.");
		goto fail;
	}
	if (store_policy_list(st, a, org_out->id, type, "", POLICIES_MAX, &v,
	    &n, e) == -1)
		goto fail;
	if (n >= POLICIES_MAX) {
		err_set(e, ERR_LIMIT, "ConstraintViolationException",
		    "POLICY_NUMBER_LIMIT_EXCEEDED", "You have reached the limit "
		    "of %d policies of type %s.", POLICIES_MAX, type);
		goto fail;
	}
	memset(&p, 0, sizeof(p));
	memcpy(p.id, "p-", 2);
	random_chars(p.id + 2, 8, ALPHA_LOWER_DIGITS);
	snprintf(p.org_id, sizeof(p.org_id), "%s", org_out->id);
	snprintf(p.type, sizeof(p.type), "%s", type);
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.description, sizeof(p.description), "%s", description);
	p.content = content;
	p.created_at = p.updated_at = store_now(st);
	if (store_policy_insert(st, &p, e) == -1) {
		if (e->code == ERR_CONFLICT)
			/* AWS: CreatePolicy fails with DuplicatePolicyException */
			err_set(e, ERR_CONFLICT, "DuplicatePolicyException",
			    NULL, "A policy with the same name already "
			    "exists.");
		goto fail;
	}
	if (tags_put_locked(st, org_out->id, p.id, tags, ntags, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	*out = p;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

static int
mutable_policy(const char *id, struct err *e)
{
	if (strcmp(id, POLICY_FULL_ACCESS_ID) == 0)
		return (err_set(e, ERR_INVALID, INVALID, "IMMUTABLE_POLICY",
		    "You can't change or delete an AWS managed policy."));
	return (0);
}

int
policy_update(struct store *st, struct arena *a, const struct principal *who,
    const char *id, const char *name, const char *description,
    const char *content, struct organization *org_out, struct policy *out,
    struct err *e)
{
	if (check_policy_id(id, e) == -1 || check_name_desc(name, description,
	    e) == -1)
		return (-1);
	if (begin_policy(st, who, org_out, e) == -1)
		return (-1);
	if (policy_find_locked(st, a, org_out, id, out, e) == -1 ||
	    mutable_policy(id, e) == -1)
		goto fail;
	if (content != NULL && policy_check_content(out->type, content,
	    e) == -1)
		goto fail;
	if (name != NULL)
		snprintf(out->name, sizeof(out->name), "%s", name);
	if (description != NULL)
		snprintf(out->description, sizeof(out->description), "%s",
		    description);
	if (content != NULL)
		out->content = content;
	out->updated_at = store_now(st);
	if (store_policy_update(st, out, e) == -1) {
		if (e->code == ERR_CONFLICT)
			/* AWS: UpdatePolicy fails with DuplicatePolicyException */
			err_set(e, ERR_CONFLICT, "DuplicatePolicyException",
			    NULL, "A policy with the same name already "
			    "exists.");
		goto fail;
	}
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
policy_delete(struct store *st, const struct principal *who, const char *id,
    struct err *e)
{
	struct organization	 o;
	struct policy		 p;
	struct arena		 a;
	int64_t			 n;

	if (check_policy_id(id, e) == -1)
		return (-1);
	arena_init(&a);
	if (begin_policy(st, who, &o, e) == -1)
		goto out;
	if (policy_find_locked(st, &a, &o, id, &p, e) == -1 ||
	    mutable_policy(id, e) == -1 ||
	    store_policy_attach_count(st, o.id, id, "", "", &n, e) == -1)
		goto fail;
	if (n > 0) {
		/* AWS: DeletePolicy fails with PolicyInUseException */
		err_set(e, ERR_CONFLICT, "PolicyInUseException", NULL,
		    "The policy is attached to one or more entities. You must "
		    "detach it from all roots, OUs, and accounts before "
		    "performing this operation.");
		goto fail;
	}
	if (store_tag_delete_all(st, o.id, id, e) == -1 ||
	    store_policy_delete(st, id, e) == -1)
		goto fail;
	arena_release(&a);
	return (store_commit(st, e));
fail:
	store_rollback(st);
out:
	arena_release(&a);
	return (-1);
}

int
policy_describe(struct store *st, struct arena *a,
    const struct principal *who, const char *id, struct organization *org_out,
    struct policy *out, struct err *e)
{
	if (check_policy_id(id, e) == -1)
		return (-1);
	if (begin_policy(st, who, org_out, e) == -1)
		return (-1);
	if (policy_find_locked(st, a, org_out, id, out, e) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (store_commit(st, e));
}

static size_t
page_limit(size_t limit)
{
	return (limit == 0 || limit > ORG_PAGE_MAX ? ORG_PAGE_MAX : limit);
}

/* The target target_id of o, or TargetNotFoundException. */
static int
target_of(struct store *st, const struct organization *o, const char *id,
    struct policy_target *t, struct err *e)
{
	struct ou_node	 node;

	if (id == NULL || (!account_id_valid(id) && !parent_id_valid(id)))
		return (err_set(e, ERR_INVALID, INVALID,
		    "INVALID_PATTERN_TARGET_ID", "TargetId: must be a root, "
		    "OU or account id"));
	if (ou_target_type(st, o, id, &node, NULL) == -1)
		/* AWS: AttachPolicy fails with TargetNotFoundException */
		return (err_set(e, ERR_NOT_FOUND, "TargetNotFoundException",
		    NULL, MSG_TARGET));
	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "%s", node.id);
	snprintf(t->type, sizeof(t->type), "%s", node.type);
	return (0);
}

int
policy_list(struct store *st, struct arena *a, const struct principal *who,
    const char *type, const char *target_id, const char *after, size_t limit,
    struct organization *org_out, struct policy **out, size_t *n_out,
    int *more_out, struct err *e)
{
	struct policy_target	 t, *ids;
	struct policy		*v, *w;
	size_t			 n, i, k = 0;
	int			 scp;

	limit = page_limit(limit);
	if (!policy_type_valid(type))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_ENUM_POLICY_TYPE",
		    "Filter: not a policy type"));
	if (begin_policy(st, who, org_out, e) == -1)
		return (-1);
	w = arena_zalloc(a, sizeof(*w) * (limit + 1));
	if (target_id != NULL) {
		if (target_of(st, org_out, target_id, &t, e) == -1 ||
		    store_target_policies(st, a, org_out->id, target_id, type,
		    after, limit + 1, &ids, &n, e) == -1)
			goto fail;
		for (i = 0; i < n; i++)
			if (policy_find_locked(st, a, org_out, ids[i].id,
			    &w[k], NULL) == 0)
				k++;
		*more_out = n > limit;
	} else {
		if (store_policy_type_enabled(st, org_out->id, SCP, &scp,
		    e) == -1)
			goto fail;
		/* FullAWSAccess first; pages after it start at "". */
		if (*after == '\0' && strcmp(type, SCP) == 0 &&
		    strcmp(org_out->feature_set, "ALL") == 0) {
			full_access(&w[k]);
			snprintf(w[k++].org_id, sizeof(w[0].org_id), "%s",
			    org_out->id);
		}
		if (strcmp(after, POLICY_FULL_ACCESS_ID) == 0)
			after = "";
		if (store_policy_list(st, a, org_out->id, type, after,
		    limit + 1 - k, &v, &n, e) == -1)
			goto fail;
		for (i = 0; i < n; i++)
			w[k++] = v[i];
		*more_out = k > limit;
	}
	if (store_commit(st, e) == -1)
		return (-1);
	*out = w;
	*n_out = k > limit ? limit : k;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

static int
attach_limit(const char *type)
{
	return (strcmp(type, SCP) == 0 ? 5 : 10);
}

int
policy_attach(struct store *st, const struct principal *who,
    const char *policy_id, const char *target_id, struct err *e)
{
	struct organization	 o;
	struct policy		 p;
	struct policy_target	 t;
	struct arena		 a;
	int64_t			 n;
	int			 on;

	if (check_policy_id(policy_id, e) == -1)
		return (-1);
	arena_init(&a);
	if (begin_policy(st, who, &o, e) == -1)
		goto out;
	/* AWS: AttachPolicy fails with PolicyNotFoundException */
	if (policy_find_locked(st, &a, &o, policy_id, &p, e) == -1 ||
	    target_of(st, &o, target_id, &t, e) == -1 ||
	    store_policy_type_enabled(st, o.id, p.type, &on, e) == -1)
		goto fail;
	if (!on) {
		/* AWS: AttachPolicy fails with PolicyTypeNotEnabledException */
		err_set(e, ERR_CONFLICT, "PolicyTypeNotEnabledException", NULL,
		    "The specified policy type isn't currently enabled in this "
		    "root. You can't attach policies of the specified type to "
		    "entities in a root until you enable that type in the "
		    "root.");
		goto fail;
	}
	if (store_policy_attach_count(st, o.id, "", t.id, p.type, &n,
	    e) == -1)
		goto fail;
	if (store_policy_attach(st, o.id, p.id, p.type, &t, e) == -1) {
		if (e->code == ERR_CONFLICT)
			/* AWS: AttachPolicy fails with DuplicatePolicyAttachmentException */
			err_set(e, ERR_CONFLICT,
			    "DuplicatePolicyAttachmentException", NULL,
			    "The selected policy is already attached to the "
			    "specified target.");
		goto fail;
	}
	if (n + 1 > attach_limit(p.type)) {
		/* AWS: AttachPolicy fails with ConstraintViolationException MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED */
		err_set(e, ERR_LIMIT, "ConstraintViolationException",
		    "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "You attempted "
		    "to exceed the number of policies of a certain type (%d) "
		    "that can be attached to an entity.", attach_limit(p.type));
		goto fail;
	}
	arena_release(&a);
	return (store_commit(st, e));
fail:
	store_rollback(st);
out:
	arena_release(&a);
	return (-1);
}

int
policy_detach(struct store *st, const struct principal *who,
    const char *policy_id, const char *target_id, struct err *e)
{
	struct organization	 o;
	struct policy		 p;
	struct policy_target	 t;
	struct arena		 a;
	int64_t			 n;

	if (check_policy_id(policy_id, e) == -1)
		return (-1);
	arena_init(&a);
	if (begin_policy(st, who, &o, e) == -1)
		goto out;
	/* AWS: DetachPolicy fails with PolicyNotFoundException */
	if (policy_find_locked(st, &a, &o, policy_id, &p, e) == -1 ||
	    /* AWS: DetachPolicy fails with TargetNotFoundException */
	    target_of(st, &o, target_id, &t, e) == -1)
		goto fail;
	if (store_policy_detach(st, o.id, p.id, t.id, e) == -1) {
		if (e->code == ERR_NOT_FOUND)
			/* AWS: DetachPolicy fails with PolicyNotAttachedException */
			err_set(e, ERR_NOT_FOUND, "PolicyNotAttachedException",
			    NULL, "The policy isn't attached to the specified "
			    "target in the specified root.");
		goto fail;
	}
	if (strcmp(p.type, SCP) == 0) {
		if (store_policy_attach_count(st, o.id, "", t.id, SCP, &n,
		    e) == -1)
			goto fail;
		if (n == 0) {
			/* AWS: DetachPolicy fails with ConstraintViolationException MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED */
			err_set(e, ERR_CONFLICT, "ConstraintViolationException",
			    "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "You "
			    "attempted to detach a policy from an entity that "
			    "would leave it without any service control "
			    "policy.");
			goto fail;
		}
	}
	arena_release(&a);
	return (store_commit(st, e));
fail:
	store_rollback(st);
out:
	arena_release(&a);
	return (-1);
}

int
policy_targets(struct store *st, struct arena *a, const struct principal *who,
    const char *policy_id, const char *after, size_t limit,
    struct organization *org_out, struct policy_target_view **out,
    size_t *n_out, int *more_out, struct err *e)
{
	struct policy		 p;
	struct policy_target	*t;
	struct policy_target_view *v;
	struct account		 acct;
	struct org_unit		 u;
	size_t			 n, i;

	limit = page_limit(limit);
	if (check_policy_id(policy_id, e) == -1)
		return (-1);
	if (begin_policy(st, who, org_out, e) == -1)
		return (-1);
	/* AWS: ListTargetsForPolicy fails with PolicyNotFoundException */
	if (policy_find_locked(st, a, org_out, policy_id, &p, e) == -1 ||
	    store_policy_targets(st, a, org_out->id, policy_id, after,
	    limit + 1, &t, &n, e) == -1)
		goto fail;
	v = arena_zalloc(a, sizeof(*v) * (n ? n : 1));
	for (i = 0; i < n; i++) {
		snprintf(v[i].id, sizeof(v[i].id), "%s", t[i].id);
		snprintf(v[i].type, sizeof(v[i].type), "%s", t[i].type);
		if (strcmp(t[i].type, "ROOT") == 0)
			snprintf(v[i].name, sizeof(v[i].name), "Root");
		else if (strcmp(t[i].type, "ACCOUNT") == 0 &&
		    store_account_get(st, t[i].id, &acct, NULL) == 0)
			snprintf(v[i].name, sizeof(v[i].name), "%s", acct.name);
		else if (store_ou_get(st, t[i].id, &u, NULL) == 0)
			snprintf(v[i].name, sizeof(v[i].name), "%s", u.name);
	}
	if (store_commit(st, e) == -1)
		return (-1);
	*more_out = n > limit;
	*out = v;
	*n_out = *more_out ? limit : n;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

static int
attach_missing(struct store *st, const struct organization *o,
    const struct policy_target *t, struct err *e)
{
	int64_t	 n;

	if (store_policy_attach_count(st, o->id, POLICY_FULL_ACCESS_ID, t->id,
	    "", &n, e) == -1)
		return (-1);
	return (n > 0 ? 0 : store_policy_attach(st, o->id,
	    POLICY_FULL_ACCESS_ID, SCP, t, e));
}
int
policy_enable_scp_locked(struct store *st, const struct organization *o,
    struct err *e)
{
	struct policy_target	 t;
	struct org_unit		*u;
	struct member		*m;
	struct arena		 a;
	char			 after[ACCOUNT_ID_LEN + 1];
	size_t			 n, i;
	int			 on, marked;

	if (store_policy_type_enabled(st, o->id, SCP, &on, e) == -1 ||
	    store_policy_default_mark(st, o->id, o->root_id, &marked, e) == -1)
		return (-1);
	if (!on && store_policy_type_set(st, o->id, SCP, 1, e) == -1)
		return (-1);
	arena_init(&a);
	/* FullAWSAccess on every root, OU and account that lacks it. */
	memset(&t, 0, sizeof(t));
	snprintf(t.id, sizeof(t.id), "%s", o->root_id);
	snprintf(t.type, sizeof(t.type), "ROOT");
	if (attach_missing(st, o, &t, e) == -1 ||
	    store_ou_list(st, &a, o->id, "", "", 1000, &u, &n, e) == -1)
		goto fail;
	snprintf(t.type, sizeof(t.type), "ORGANIZATIONAL_UNIT");
	for (i = 0; i < n; i++) {
		snprintf(t.id, sizeof(t.id), "%s", u[i].id);
		if (attach_missing(st, o, &t, e) == -1)
			goto fail;
	}
	snprintf(t.type, sizeof(t.type), "ACCOUNT");
	after[0] = '\0';
	do {
		if (store_org_members(st, &a, o->id, after, 100, &m, &n,
		    e) == -1)
			goto fail;
		for (i = 0; i < n; i++) {
			snprintf(t.id, sizeof(t.id), "%s", m[i].account.id);
			if (attach_missing(st, o, &t, e) == -1 ||
			    store_policy_default_mark(st, o->id, t.id, &marked,
			    e) == -1)
				goto fail;
			snprintf(after, sizeof(after), "%s", m[i].account.id);
		}
	} while (n == 100);
	arena_release(&a);
	return (0);
fail:
	arena_release(&a);
	return (-1);
}

int
policy_type_set(struct store *st, const struct principal *who,
    const char *root_id, const char *type, int enable, struct root_view *out,
    struct err *e)
{
	struct organization	 o;
	struct arena		 a;
	int			 on;

	if (root_id == NULL || !root_id_valid(root_id))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "RootId: must look like r-xxxx"));
	if (!policy_type_valid(type))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_ENUM_POLICY_TYPE",
		    "PolicyType: not a policy type"));
	arena_init(&a);
	if (begin_policy(st, who, &o, e) == -1)
		goto out;
	if (strcmp(root_id, o.root_id) != 0) {
		/* AWS: EnablePolicyType fails with RootNotFoundException */
		err_set(e, ERR_NOT_FOUND, "RootNotFoundException", NULL,
		    "We can't find a root with the RootId that you specified.");
		goto fail;
	}
	if (strcmp(o.feature_set, "ALL") != 0) {
		/* AWS: EnablePolicyType fails with PolicyTypeNotAvailableForOrganizationException */
		err_set(e, ERR_CONFLICT,
		    "PolicyTypeNotAvailableForOrganizationException", NULL,
		    "You can't use the specified policy type with the feature "
		    "set currently enabled for this organization.");
		goto fail;
	}
	if (store_policy_type_enabled(st, o.id, type, &on, e) == -1)
		goto fail;
	if (enable && on) {
		/* AWS: EnablePolicyType fails with PolicyTypeAlreadyEnabledException */
		err_set(e, ERR_CONFLICT, "PolicyTypeAlreadyEnabledException",
		    NULL, "The specified policy type is already enabled.");
		goto fail;
	}
	if (!enable && !on) {
		/* AWS: DisablePolicyType fails with PolicyTypeNotEnabledException */
		err_set(e, ERR_CONFLICT, "PolicyTypeNotEnabledException", NULL,
		    "The specified policy type isn't currently enabled in this "
		    "root.");
		goto fail;
	}
	if (store_policy_type_set(st, o.id, type, enable, e) == -1)
		goto fail;
	if (!enable && store_policy_detach_all(st, o.id, type, "", e) == -1)
		goto fail;
	if (enable && strcmp(type, SCP) == 0 &&
	    policy_enable_scp_locked(st, &o, e) == -1)
		goto fail;
	if (policy_root_locked(st, &o, out, e) == -1)
		goto fail;
	arena_release(&a);
	return (store_commit(st, e));
fail:
	store_rollback(st);
out:
	arena_release(&a);
	return (-1);
}

int
policy_roots(struct store *st, const struct principal *who,
    struct root_view *out, struct err *e)
{
	struct organization	 o;

	if (begin_policy(st, who, &o, e) == -1)
		return (-1);
	if (policy_root_locked(st, &o, out, e) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (store_commit(st, e));
}

int
policy_effective(struct store *st, struct arena *a,
    const struct principal *who, const char *type, const char *target_id,
    struct policy *out, char *target_out, size_t target_len, struct err *e)
{
	struct organization	 o;
	struct membership	 m;
	struct org_unit		 u;
	struct policy_target	*ids, t;
	char			 level[OU_ID_MAX + 1];
	size_t			 n;
	int			 hops;

	if (type == NULL || strcmp(type, SCP) == 0 || !policy_type_valid(type))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_ENUM",
		    "PolicyType: must be TAG_POLICY, BACKUP_POLICY or "
		    "AISERVICES_OPT_OUT_POLICY"));
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (org_of(st, who, &o, NULL, e) == -1 ||
	    policy_sync_locked(st, &o, e) == -1)
		goto fail;
	if (target_id == NULL)
		target_id = who->account_id;
	else if (strcmp(target_id, who->account_id) != 0 &&
	    deleg_require_reader(st, who, &o, e) == -1)
		goto fail;
	/* AWS: DescribeEffectivePolicy fails with TargetNotFoundException */
	if (target_of(st, &o, target_id, &t, e) == -1)
		goto fail;
	if (strcmp(t.type, "ACCOUNT") != 0) {
		/* AWS: DescribeEffectivePolicy fails with InvalidInputException TARGET_NOT_SUPPORTED */
		err_set(e, ERR_INVALID, INVALID, "TARGET_NOT_SUPPORTED",
		    "TargetId: effective policies are computed for accounts");
		goto fail;
	}
	snprintf(target_out, target_len, "%s", t.id);
	snprintf(level, sizeof(level), "%s", t.id);
	for (hops = 0; hops <= OU_DEPTH_MAX + 1; hops++) {
		if (store_target_policies(st, a, o.id, level, type, "", 1, &ids,
		    &n, e) == -1)
			goto fail;
		if (n > 0) {
			if (policy_find_locked(st, a, &o, ids[0].id, out,
			    e) == -1)
				goto fail;
			return (store_commit(st, e));
		}
		if (level[0] == 'r')
			break;
		if (hops == 0) {
			if (store_membership_current(st, level, &m, e) == -1)
				goto fail;
			snprintf(level, sizeof(level), "%s", m.parent_id);
		} else {
			if (store_ou_get(st, level, &u, e) == -1)
				goto fail;
			snprintf(level, sizeof(level), "%s", u.parent_id);
		}
	}
	/* AWS: DescribeEffectivePolicy fails with EffectivePolicyNotFoundException */
	err_set(e, ERR_NOT_FOUND, "EffectivePolicyNotFoundException", NULL,
	    "We can't find an effective policy of type %s for the target.",
	    type);
fail:
	store_rollback(st);
	return (-1);
}
