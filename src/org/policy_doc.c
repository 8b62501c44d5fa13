/* SPDX-License-Identifier: MIT */
/*
 * Policy documents: a small JSON reader (the domain takes no JSON library:
 * enough to validate a document and to read an SCP's statements), the
 * checks of a document's syntax, size and policy type, and what an SCP says
 * of an action. See policy.h.
 */
#include <ctype.h>
#include <string.h>

#include "core/codec.h"
#include "org/policy.h"
#include "org/policy_internal.h"

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
policy_check_content(const char *type, const char *content, struct err *e)
{
	struct arena	 a;
	struct jv	*v;
	int		 ok;

	if (utf8_chars(content) > policy_content_max(type))
		/* AWS: CreatePolicy fails with ConstraintViolationException POLICY_CONTENT_LIMIT_EXCEEDED */
		return (err_set(e, ERR_LIMIT,
		    AWSERR(ConstraintViolationException),
		    "POLICY_CONTENT_LIMIT_EXCEEDED", "The policy is larger "
		    "than the maximum size of %zu characters for %s.",
		    policy_content_max(type), type));
	arena_init(&a);
	v = jparse(&a, content);
	ok = v != NULL && v->t == 'o';
	/* SCPs and RCPs are IAM-style documents: they need statements. */
	if (ok && policy_type_authz(type)) {
		struct jv *s = jget(v, "Statement");
		ok = s != NULL && (s->t == 'o' || s->t == 'a');
	}
	arena_release(&a);
	if (!ok)
		/* AWS: CreatePolicy fails with MalformedPolicyDocumentException */
		return (err_set(e, ERR_INVALID,
		    AWSERR(MalformedPolicyDocumentException), NULL,
		    "The provided policy document doesn't meet the "
		    "requirements of the specified policy type."));
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
void
policy_doc_scp_eval(struct arena *a, const char *doc, const char *action,
    int *allow, int *deny)
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
