/* SPDX-License-Identifier: MIT */
/*
 * The shared config and credentials files (~/.aws/config,
 * ~/.aws/credentials) read as the AWS SDKs read them: see internal.h. This
 * file owns the file grammar and the profile lookup; what the settings
 * mean is creds.c's and client.c's. Values may be secrets: they are wiped
 * when released and a parse error names the line, never its text.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "awsclient/internal.h"
#include "core/xmalloc.h"

static int
is_ws(int c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v');
}

/* s[0..*len) without leading and trailing white space. */
static const char *
trim(const char *s, size_t *len)
{
	while (*len > 0 && is_ws((unsigned char)*s)) {
		s++;
		(*len)--;
	}
	while (*len > 0 && is_ws((unsigned char)s[*len - 1]))
		(*len)--;
	return (s);
}

/*
 * Where a value's inline comment starts: a '#' or ';' with white space
 * before it, as the Java, Go and Rust SDKs read it (botocore would keep it
 * in the value; no key, secret or ARN holds " #").
 */
static size_t
comment_cut(const char *s, size_t len)
{
	size_t	 i;

	for (i = 1; i < len; i++)
		if ((s[i] == '#' || s[i] == ';') && is_ws((unsigned char)s[i - 1]))
			return (i);
	return (len);
}

static char *
lower_dup(const char *s, size_t len)
{
	char	*p = xstrndup(s, len);
	size_t	 i;

	for (i = 0; i < len; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] = (char)(p[i] - 'A' + 'a');
	return (p);
}

static void
kv_add(struct ini_section *s, char *key, char *value)
{
	s->kv = xrealloc(s->kv, (s->n + 1) * sizeof(*s->kv));
	s->kv[s->n].key = key;
	s->kv[s->n].value = value;
	s->n++;
}

static struct ini_section *
section_open(struct ini *ini, const char *name, size_t len)
{
	size_t	 i;

	/* A repeated section adds to the first: later keys win on lookup. */
	for (i = 0; i < ini->n; i++)
		if (strlen(ini->s[i].name) == len &&
		    memcmp(ini->s[i].name, name, len) == 0)
			return (&ini->s[i]);
	ini->s = xrealloc(ini->s, (ini->n + 1) * sizeof(*ini->s));
	memset(&ini->s[ini->n], 0, sizeof(ini->s[0]));
	ini->s[ini->n].name = xstrndup(name, len);
	return (&ini->s[ini->n++]);
}

int
ini_parse(const char *text, size_t len, const char *what, struct ini *out,
    struct err *e)
{
	struct ini_section	*cur = NULL;
	const char		*p, *end, *line, *eol, *v, *k, *close;
	size_t			 ll, kl, vl, lineno = 0, parent = (size_t)-1;
	char			*key, *val, *old;

	memset(out, 0, sizeof(*out));
	if (len > INI_MAX_FILE)
		return (err_set(e, ERR_LIMIT, NULL, NULL, "%s: larger than "
		    "%d bytes", what, INI_MAX_FILE));
	end = text + len;
	for (p = text; p < end; p = eol < end ? eol + 1 : end) {
		line = p;
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		lineno++;
		ll = (size_t)(eol - line);
		if (memchr(line, '\0', ll) != NULL)
			goto bad;
		kl = ll;
		k = trim(line, &kl);
		if (kl == 0 || *k == '#' || *k == ';')
			continue;
		if (is_ws((unsigned char)*line)) {
			/* An indented line belongs to the setting above. */
			if (cur == NULL || parent == (size_t)-1)
				goto bad;
			if (cur->kv[parent].value[0] != '\0') {
				kl = comment_cut(k, kl);
				k = trim(k, &kl);
				old = cur->kv[parent].value;
				val = xmalloc(strlen(old) + kl + 2);
				snprintf(val, strlen(old) + kl + 2, "%s\n%.*s",
				    old, (int)kl, k);
				OPENSSL_cleanse(old, strlen(old));
				xfree(old);
				cur->kv[parent].value = val;
				continue;
			}
			if ((v = memchr(k, '=', kl)) == NULL)
				goto bad;
			vl = kl - (size_t)(v - k) - 1;
			kl = (size_t)(v - k);
			k = trim(k, &kl);
			v = trim(v + 1, &vl);
			vl = comment_cut(v, vl);
			v = trim(v, &vl);
			if (kl == 0)
				goto bad;
			key = xmalloc(strlen(cur->kv[parent].key) + kl + 2);
			snprintf(key, strlen(cur->kv[parent].key) + kl + 2,
			    "%s.%.*s", cur->kv[parent].key, (int)kl, k);
			old = lower_dup(key, strlen(key));
			xfree(key);
			kv_add(cur, old, xstrndup(v, vl));
			continue;
		}
		if (*k == '[') {
			if ((close = memchr(k, ']', kl)) == NULL)
				goto bad;
			/* After ']' only a comment may follow. */
			vl = kl - (size_t)(close - k) - 1;
			v = trim(close + 1, &vl);
			if (vl > 0 && *v != '#' && *v != ';')
				goto bad;
			vl = (size_t)(close - k) - 1;
			v = trim(k + 1, &vl);
			if (vl == 0)
				goto bad;
			cur = section_open(out, v, vl);
			parent = (size_t)-1;
			continue;
		}
		if (cur == NULL || (v = memchr(k, '=', kl)) == NULL)
			goto bad;
		vl = kl - (size_t)(v - k) - 1;
		kl = (size_t)(v - k);
		k = trim(k, &kl);
		v = trim(v + 1, &vl);
		vl = comment_cut(v, vl);
		v = trim(v, &vl);
		if (kl == 0)
			goto bad;
		kv_add(cur, lower_dup(k, kl), xstrndup(v, vl));
		parent = cur->n - 1;
	}
	return (0);
bad:
	ini_release(out);
	/* Never the text: the line may hold a secret. */
	return (err_set(e, ERR_INVALID, NULL, NULL, "%s:%zu: not a [section], "
	    "a key = value setting, an indented sub-setting or a comment",
	    what, lineno));
}

int
ini_load(const char *path, struct ini *out, struct err *e)
{
	struct stat	 st;
	char		*text;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd, rc;

	memset(out, 0, sizeof(*out));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return (0);
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: %s", path,
		    strerror(errno)));
	}
	if (fstat(fd, &st) == -1 || S_ISDIR(st.st_mode)) {
		close(fd);
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: a directory, "
		    "not a file", path));
	}
	/* Read to one byte past the cap: /dev/null and pipes have no size. */
	text = xmalloc(INI_MAX_FILE + 1);
	while (got <= INI_MAX_FILE) {
		n = read(fd, text + got, INI_MAX_FILE + 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	rc = ini_parse(text, got, path, out, e);
	OPENSSL_cleanse(text, got);
	xfree(text);
	return (rc);
}

void
ini_release(struct ini *ini)
{
	size_t	 i, j;

	for (i = 0; i < ini->n; i++) {
		for (j = 0; j < ini->s[i].n; j++) {
			OPENSSL_cleanse(ini->s[i].kv[j].value,
			    strlen(ini->s[i].kv[j].value));
			xfree(ini->s[i].kv[j].key);
			xfree(ini->s[i].kv[j].value);
		}
		xfree(ini->s[i].kv);
		xfree(ini->s[i].name);
	}
	xfree(ini->s);
	memset(ini, 0, sizeof(*ini));
}

const struct ini_section *
ini_section(const struct ini *ini, const char *name)
{
	size_t	 i;

	for (i = 0; i < ini->n; i++)
		if (strcmp(ini->s[i].name, name) == 0)
			return (&ini->s[i]);
	return (NULL);
}

const char *
ini_get(const struct ini_section *s, const char *key)
{
	size_t	 i;

	if (s == NULL)
		return (NULL);
	for (i = s->n; i > 0; i--)
		if (strcasecmp(s->kv[i - 1].key, key) == 0)
			return (s->kv[i - 1].value);
	return (NULL);
}

/*
 * A config file section "<kind> NAME" (kind "profile" or "services"), NAME
 * trimmed and, as botocore's shlex reads it, unquoted: "[profile "a b"]".
 */
static const struct ini_section *
kind_find(const struct ini *ini, const char *kind, const char *name)
{
	const char	*n;
	size_t		 i, kl = strlen(kind), nl;

	for (i = ini->n; i > 0; i--) {
		n = ini->s[i - 1].name;
		if (strncmp(n, kind, kl) != 0 || !is_ws((unsigned char)n[kl]))
			continue;
		nl = strlen(n + kl);
		n = trim(n + kl, &nl);
		if (nl >= 2 && ((n[0] == '"' && n[nl - 1] == '"') ||
		    (n[0] == '\'' && n[nl - 1] == '\''))) {
			n++;
			nl -= 2;
		}
		if (nl == strlen(name) && memcmp(n, name, nl) == 0)
			return (&ini->s[i - 1]);
	}
	return (NULL);
}

void
profile_find(const struct ini *config, const struct ini *creds,
    const char *name, struct profile *out)
{
	out->config = config != NULL ? kind_find(config, "profile", name) :
	    NULL;
	/* [default] is the default profile in the config file too. */
	if (out->config == NULL && config != NULL &&
	    strcmp(name, "default") == 0)
		out->config = ini_section(config, "default");
	out->creds = creds != NULL ? ini_section(creds, name) : NULL;
}

const char *
profile_get(const struct profile *p, const char *key)
{
	const char	*v;

	if ((v = ini_get(p->creds, key)) != NULL)
		return (v);
	return (ini_get(p->config, key));
}

const struct ini_section *
ini_services(const struct ini *config, const char *name)
{
	return (kind_find(config, "services", name));
}
