/* SPDX-License-Identifier: MIT */
/*
 * The credential chain, in the order of the AWS SDKs (botocore's
 * create_credential_resolver, which the other SDKs follow):
 *
 *   1. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *      AWS_SESSION_TOKEN (skipped when a profile is named explicitly);
 *   2. the profile's role_arn with source_profile or credential_source
 *      (STS AssumeRole with the source's credentials; chains allowed);
 *   3. web identity: the profile's web_identity_token_file + role_arn, or
 *      AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME);
 *   4. the profile's keys in the credentials file, then in the config file;
 *   5. the ECS container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 *      on 169.254.170.2, or AWS_CONTAINER_CREDENTIALS_FULL_URI with
 *      AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE));
 *   6. EC2 instance metadata, IMDSv2 (unless AWS_EC2_METADATA_DISABLED).
 *
 * The choice is made once, from the configuration (creds_resolve); the
 * fetches happen on first use and again before expiry (creds_get), under
 * the provider's lock, so one thread refreshes while the others wait.
 * Not supported, and said so when met: SSO profiles, credential_process,
 * mfa_serial.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "awsclient/internal.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/log.h"
#include "core/xmalloc.h"

#define CHAIN_MAX		10	/* source_profile hops */
#define TOKEN_FILE_MAX		(64 * 1024)
#define METADATA_BODY_MAX	(64 * 1024)
#define ECS_HOST		"http://169.254.170.2"
#define IMDS_HOST		"http://169.254.169.254"
#define IMDS_HOST6		"http://[fd00:ec2::254]"
#define IMDS_TOKEN_TTL		"21600"
#define IMDS_ROLE_PATH		"/latest/meta-data/iam/security-credentials/"
/* Credentials this close to expiry are not used after a failed refresh. */
#define CREDS_MIN_LEFT_MS	(60 * 1000)

struct chain {
	const struct ini	*config;
	const struct ini	*credfile;
	const char		*seen[CHAIN_MAX];
	size_t			 nseen;
};

static const char *
env(const char *name)
{
	const char	*v = getenv(name);

	return (v != NULL && *v != '\0' ? v : NULL);
}

static int
env_true(const char *name)
{
	const char	*v = env(name);

	return (v != NULL && strcasecmp(v, "true") == 0);
}

static struct creds_provider *
prov_new(enum creds_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static struct creds_provider *
prov_new(enum creds_kind kind, const char *fmt, ...)
{
	struct creds_provider	*p;
	va_list			 ap;

	p = xcalloc(1, sizeof(*p));
	p->kind = kind;
	pthread_mutex_init(&p->lock, NULL);
	va_start(ap, fmt);
	vsnprintf(p->source, sizeof(p->source), fmt, ap);
	va_end(ap);
	return (p);
}

void
creds_free(struct creds_provider *p)
{
	if (p == NULL)
		return;
	creds_free(p->from);
	aws_creds_clear(&p->cur);
	if (p->auth != NULL)
		OPENSSL_cleanse(p->auth, strlen(p->auth));
	xfree(p->role_arn);
	xfree(p->session_name);
	xfree(p->external_id);
	xfree(p->token_file);
	xfree(p->url);
	xfree(p->auth);
	xfree(p->auth_file);
	pthread_mutex_destroy(&p->lock);
	xfree(p);
}

/* Static keys into a new provider; fails when either is too long. */
static int
static_new(const char *ak, const char *sk, const char *tok,
    const char *source, struct creds_provider **out, struct err *e)
{
	struct creds_provider	*p;

	if (strlen(ak) >= sizeof(p->cur.access_key) ||
	    strlen(sk) >= sizeof(p->cur.secret) ||
	    (tok != NULL && strlen(tok) >= sizeof(p->cur.token)))
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: a key or "
		    "token is longer than AWS issues", source));
	p = prov_new(CREDS_STATIC, "%s", source);
	snprintf(p->cur.access_key, sizeof(p->cur.access_key), "%s", ak);
	snprintf(p->cur.secret, sizeof(p->cur.secret), "%s", sk);
	if (tok != NULL)
		snprintf(p->cur.token, sizeof(p->cur.token), "%s", tok);
	p->have = 1;
	*out = p;
	return (0);
}

/* 1. The environment's keys; *out NULL when none are set. */
static int
from_env(struct creds_provider **out, struct err *e)
{
	const char	*ak = env("AWS_ACCESS_KEY_ID");
	const char	*sk = env("AWS_SECRET_ACCESS_KEY");
	const char	*tok = env("AWS_SESSION_TOKEN");

	*out = NULL;
	if (tok == NULL)
		tok = env("AWS_SECURITY_TOKEN");
	if (ak == NULL && sk == NULL)
		return (0);
	if (ak == NULL || sk == NULL)
		return (err_set(e, ERR_AUTH, NULL, NULL, "partial credentials "
		    "in the environment: %s is set but %s is not",
		    ak != NULL ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
		    ak != NULL ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"));
	return (static_new(ak, sk, tok, "environment", out, e));
}

/* The keys of one file's section; *out NULL when it has none. */
static int
from_section(const struct ini_section *s, const char *name,
    const char *file, struct creds_provider **out, struct err *e)
{
	const char	*ak = ini_get(s, "aws_access_key_id");
	const char	*sk = ini_get(s, "aws_secret_access_key");
	const char	*tok = ini_get(s, "aws_session_token");
	char		 source[160];

	*out = NULL;
	if (tok == NULL)
		tok = ini_get(s, "aws_security_token");
	if (ak == NULL && sk == NULL)
		return (0);
	snprintf(source, sizeof(source), "profile %s (%s file)", name, file);
	if (ak == NULL || *ak == '\0' || sk == NULL || *sk == '\0')
		return (err_set(e, ERR_AUTH, NULL, NULL, "partial credentials "
		    "in %s: it needs both aws_access_key_id and "
		    "aws_secret_access_key", source));
	return (static_new(ak, sk, tok != NULL && *tok != '\0' ? tok : NULL,
	    source, out, e));
}

/* 4. The profile's keys: the credentials file's, else the config's. */
static int
from_profile_keys(const struct profile *p, const char *name,
    struct creds_provider **out, struct err *e)
{
	if (from_section(p->creds, name, "credentials", out, e) == -1)
		return (-1);
	if (*out != NULL)
		return (0);
	return (from_section(p->config, name, "config", out, e));
}

static char *
session_name(const char *given)
{
	char	 buf[64];

	if (given != NULL && *given != '\0')
		return (xstrdup(given));
	snprintf(buf, sizeof(buf), "payerlink-%lld",
	    (long long)(clock_real_ms() / 1000));
	return (xstrdup(buf));
}

static int
duration_parse(const char *v, const char *profile, int *out, struct err *e)
{
	char	*end;
	long	 n;

	*out = 0;
	if (v == NULL || *v == '\0')
		return (0);
	n = strtol(v, &end, 10);
	if (*end != '\0' || n < 1 || n > 43200)
		return (err_set(e, ERR_INVALID, NULL, NULL, "profile %s: "
		    "duration_seconds must be a number of seconds up to 43200",
		    profile));
	*out = (int)n;
	return (0);
}

/* 5. The ECS (or EKS Pod Identity) container endpoint; NULL when unset. */
static int
from_container(struct creds_provider **out, struct err *e)
{
	const char		*rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char		*full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	struct creds_provider	*p;
	struct endpoint		 ep;
	char			 url[2048];
	static const char *const allowed[] = {
		"localhost", "169.254.170.2", "169.254.170.23",
		"[fd00:ec2::23]", "[::1]", NULL
	};
	size_t			 i;

	*out = NULL;
	if (rel != NULL)
		snprintf(url, sizeof(url), "%s%s%s", ECS_HOST,
		    rel[0] == '/' ? "" : "/", rel);
	else if (full != NULL) {
		if (endpoint_parse(full, "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		    &ep, e) == -1)
			return (-1);
		/* AWS: plain http only to the container agent or loopback. */
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(ep.host, allowed[i]) == 0)
				break;
		if (strcmp(ep.scheme, "http") == 0 && allowed[i] == NULL &&
		    strncmp(ep.host, "127.", 4) != 0)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http is "
			    "allowed only to loopback or the container agent, "
			    "not %s", ep.host));
		snprintf(url, sizeof(url), "%s", full);
	} else
		return (0);
	p = prov_new(CREDS_CONTAINER, "container endpoint");
	p->url = xstrdup(url);
	if (env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") != NULL)
		p->auth_file = xstrdup(env(
		    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));
	else if (env("AWS_CONTAINER_AUTHORIZATION_TOKEN") != NULL)
		p->auth = xstrdup(env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
	p->timeout_ms = 2000;
	p->attempts = 3;
	*out = p;
	return (0);
}

/* 6. EC2 instance metadata; NULL when disabled. */
static int
from_imds(const struct profile *prof, struct creds_provider **out,
    struct err *e)
{
	struct creds_provider	*p;
	const char		*url, *mode, *v;
	char			*end;
	double			 t;
	long			 n;

	*out = NULL;
	if (env_true("AWS_EC2_METADATA_DISABLED"))
		return (0);
	if ((url = env("AWS_EC2_METADATA_SERVICE_ENDPOINT")) == NULL &&
	    (url = profile_get(prof, "ec2_metadata_service_endpoint")) == NULL) {
		if ((mode = env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")) ==
		    NULL)
			mode = profile_get(prof,
			    "ec2_metadata_service_endpoint_mode");
		url = mode != NULL && strcasecmp(mode, "IPv6") == 0 ?
		    IMDS_HOST6 : IMDS_HOST;
	}
	p = prov_new(CREDS_IMDS, "EC2 instance metadata");
	p->url = xstrdup(url);
	p->timeout_ms = 1000;
	p->attempts = 1;
	if ((v = env("AWS_METADATA_SERVICE_TIMEOUT")) != NULL ||
	    (v = profile_get(prof, "metadata_service_timeout")) != NULL) {
		t = strtod(v, &end);
		if (*end == '\0' && t > 0 && t <= 60)
			p->timeout_ms = (long)(t * 1000);
	}
	if ((v = env("AWS_METADATA_SERVICE_NUM_ATTEMPTS")) != NULL ||
	    (v = profile_get(prof, "metadata_service_num_attempts")) != NULL) {
		n = strtol(v, &end, 10);
		if (*end == '\0' && n >= 1 && n <= 10)
			p->attempts = (int)n;
	}
	v = env("AWS_EC2_METADATA_V1_DISABLED");
	if (v == NULL)
		v = profile_get(prof, "ec2_metadata_v1_disabled");
	p->v1_disabled = v != NULL && strcasecmp(v, "true") == 0;
	if (endpoint_parse(p->url, "the instance metadata endpoint",
	    &(struct endpoint){ 0 }, e) == -1) {
		creds_free(p);
		return (-1);
	}
	*out = p;
	return (0);
}

static int	from_named(struct chain *, const char *name, int top,
		    struct creds_provider **, struct err *);

/* 2. role_arn with source_profile or credential_source. */
static int
from_role(struct chain *ch, const struct profile *p, const char *name,
    const char *role_arn, struct creds_provider **out, struct err *e)
{
	struct creds_provider	*src = NULL, *r;
	const char		*sp = profile_get(p, "source_profile");
	const char		*cs = profile_get(p, "credential_source");
	int			 duration;
	size_t			 i;

	*out = NULL;
	if (profile_get(p, "mfa_serial") != NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL, "profile %s: "
		    "mfa_serial needs a code typed at each refresh, which "
		    "payerlink does not ask for", name));
	if ((sp != NULL && *sp != '\0') == (cs != NULL && *cs != '\0'))
		return (err_set(e, ERR_INVALID, NULL, NULL, "profile %s: "
		    "role_arn needs exactly one of source_profile and "
		    "credential_source", name));
	if (duration_parse(profile_get(p, "duration_seconds"), name,
	    &duration, e) == -1)
		return (-1);
	if (sp != NULL && *sp != '\0') {
		if (strcmp(sp, name) == 0) {
			/* AWS: a profile may be its own source when it holds
			   keys: they assume its role. */
			if (from_profile_keys(p, name, &src, e) == -1)
				return (-1);
			if (src == NULL)
				return (err_set(e, ERR_INVALID, NULL, NULL,
				    "profile %s is its own source_profile but "
				    "holds no keys", name));
		} else {
			for (i = 0; i < ch->nseen; i++)
				if (strcmp(ch->seen[i], sp) == 0)
					return (err_set(e, ERR_INVALID, NULL,
					    NULL, "source_profile chain loops: "
					    "profile %s names %s again", name,
					    sp));
			if (from_named(ch, sp, 0, &src, e) == -1)
				return (-1);
			if (src == NULL)
				return (err_set(e, ERR_INVALID, NULL, NULL,
				    "profile %s: its source_profile %s has no "
				    "credentials", name, sp));
		}
	} else if (strcmp(cs, "Environment") == 0) {
		if (from_env(&src, e) == -1)
			return (-1);
		if (src == NULL)
			return (err_set(e, ERR_INVALID, NULL, NULL, "profile "
			    "%s: credential_source Environment, but "
			    "AWS_ACCESS_KEY_ID is not set", name));
	} else if (strcmp(cs, "Ec2InstanceMetadata") == 0) {
		if (from_imds(p, &src, e) == -1)
			return (-1);
		if (src == NULL)
			return (err_set(e, ERR_INVALID, NULL, NULL, "profile "
			    "%s: credential_source Ec2InstanceMetadata, but "
			    "AWS_EC2_METADATA_DISABLED is set", name));
	} else if (strcmp(cs, "EcsContainer") == 0) {
		if (from_container(&src, e) == -1)
			return (-1);
		if (src == NULL)
			return (err_set(e, ERR_INVALID, NULL, NULL, "profile "
			    "%s: credential_source EcsContainer, but no "
			    "AWS_CONTAINER_CREDENTIALS_* is set", name));
	} else
		return (err_set(e, ERR_INVALID, NULL, NULL, "profile %s: "
		    "credential_source must be Environment, "
		    "Ec2InstanceMetadata or EcsContainer", name));
	r = prov_new(CREDS_ASSUME_ROLE, "assume-role %s <- %s", name,
	    src->source);
	r->role_arn = xstrdup(role_arn);
	r->session_name = session_name(profile_get(p, "role_session_name"));
	if (profile_get(p, "external_id") != NULL)
		r->external_id = xstrdup(profile_get(p, "external_id"));
	r->duration_s = duration;
	r->from = src;
	*out = r;
	return (0);
}

static struct creds_provider *
web_identity_new(const char *file, const char *role, const char *session,
    int duration, const char *where)
{
	struct creds_provider	*p;

	p = prov_new(CREDS_WEB_IDENTITY, "web identity (%s)", where);
	p->token_file = xstrdup(file);
	p->role_arn = xstrdup(role);
	p->session_name = session_name(session);
	p->duration_s = duration;
	return (p);
}

/*
 * A profile's credentials by the chain's steps 2 to 4 (top: the chosen
 * profile, which also looks at the environment's web identity). *out NULL
 * when the profile configures none.
 */
static int
from_named(struct chain *ch, const char *name, int top,
    struct creds_provider **out, struct err *e)
{
	struct profile	 p;
	const char	*role, *wif, *v;
	int		 duration;

	*out = NULL;
	if (ch->nseen >= CHAIN_MAX)
		return (err_set(e, ERR_INVALID, NULL, NULL, "source_profile "
		    "chain longer than %d profiles", CHAIN_MAX));
	ch->seen[ch->nseen++] = name;
	profile_find(ch->config, ch->credfile, name, &p);
	if (!top && p.config == NULL && p.creds == NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL, "the source "
		    "profile (%s) could not be found", name));
	role = profile_get(&p, "role_arn");
	wif = profile_get(&p, "web_identity_token_file");
	if (role != NULL && *role != '\0' && (wif == NULL || *wif == '\0'))
		return (from_role(ch, &p, name, role, out, e));
	if (role != NULL && *role != '\0') {
		if (duration_parse(profile_get(&p, "duration_seconds"), name,
		    &duration, e) == -1)
			return (-1);
		*out = web_identity_new(wif, role, profile_get(&p,
		    "role_session_name"), duration, "profile");
		return (0);
	}
	if (top && env("AWS_WEB_IDENTITY_TOKEN_FILE") != NULL &&
	    env("AWS_ROLE_ARN") != NULL) {
		*out = web_identity_new(env("AWS_WEB_IDENTITY_TOKEN_FILE"),
		    env("AWS_ROLE_ARN"), env("AWS_ROLE_SESSION_NAME"), 0,
		    "environment");
		return (0);
	}
	if ((v = profile_get(&p, "sso_start_url")) != NULL ||
	    (v = profile_get(&p, "sso_session")) != NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL, "profile %s uses "
		    "IAM Identity Center (sso_*), which payerlink does not "
		    "support: give it a role or keys", name));
	if (from_section(p.creds, name, "credentials", out, e) == -1 ||
	    *out != NULL)
		return (*out != NULL ? 0 : -1);
	if (profile_get(&p, "credential_process") != NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL, "profile %s uses "
		    "credential_process, which payerlink does not run", name));
	return (from_section(p.config, name, "config", out, e));
}

int
creds_resolve(const struct ini *config, const struct ini *credfile,
    const char *profile, int explicit_profile, struct creds_provider **out,
    struct err *e)
{
	struct chain	 ch;
	struct profile	 p;

	*out = NULL;
	memset(&ch, 0, sizeof(ch));
	ch.config = config;
	ch.credfile = credfile;
	/* AWS: an explicitly named profile wins over the environment. */
	if (!explicit_profile) {
		if (from_env(out, e) == -1)
			return (-1);
		if (*out != NULL)
			return (0);
	}
	if (from_named(&ch, profile, 1, out, e) == -1)
		return (-1);
	if (*out != NULL)
		return (0);
	if (from_container(out, e) == -1)
		return (-1);
	if (*out != NULL)
		return (0);
	profile_find(config, credfile, profile, &p);
	if (from_imds(&p, out, e) == -1)
		return (-1);
	if (*out != NULL)
		return (0);
	return (err_set(e, ERR_AUTH, NULL, NULL, "no AWS credentials: none in "
	    "the environment, profile %s has neither keys nor a role, no "
	    "container endpoint is set and instance metadata is disabled "
	    "(AWS_EC2_METADATA_DISABLED)", profile));
}

/* ---- fetching ---- */

int
iso8601_parse_ms(const char *s, int64_t *out)
{
	int		 y, mo, d, h, mi, sec, n = 0, oh = 0, om = 0;
	const char	*p;
	int64_t		 t;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
	    &n) != 6 || n != 19 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60)
		return (-1);
	p = s + n;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == 'Z')
		p++;
	else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh,
	    &om) == 2) {
		if (*p == '-') {
			oh = -oh;
			om = -om;
		}
		p += 6;
	} else
		return (-1);
	if (*p != '\0')
		return (-1);
	t = clock_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + sec - oh * 3600 - om * 60;
	*out = t * 1000;
	return (0);
}

/* Reads a small file (a token), trimmed, into a new string. */
static int
token_read(const char *path, const char *what, char **out, struct err *e)
{
	char	*p;
	ssize_t	 n;
	size_t	 got = 0;
	int	 fd;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (err_set(e, ERR_AUTH, NULL, NULL, "%s %s: %s", what,
		    path, strerror(errno)));
	p = xmalloc(TOKEN_FILE_MAX + 1);
	while (got < TOKEN_FILE_MAX) {
		n = read(fd, p + got, TOKEN_FILE_MAX - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got == TOKEN_FILE_MAX) {
		OPENSSL_cleanse(p, got);
		xfree(p);
		return (err_set(e, ERR_LIMIT, NULL, NULL, "%s %s: larger than "
		    "%d bytes", what, path, TOKEN_FILE_MAX));
	}
	while (got > 0 && strchr(" \t\r\n", p[got - 1]) != NULL)
		got--;
	p[got] = '\0';
	if (got == 0) {
		xfree(p);
		return (err_set(e, ERR_AUTH, NULL, NULL, "%s %s is empty",
		    what, path));
	}
	*out = p;
	return (0);
}

/* The JSON credentials of the container endpoint and of IMDS. */
static int
json_creds(const char *body, size_t len, const char *what,
    struct aws_creds *out, struct err *e)
{
	json_t		*j, *ak, *sk, *tok, *exp, *code;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if (json_decode_object(body, len, 8, &j, e) == -1)
		return (err_set(e, ERR_AUTH, NULL, NULL, "%s: the answer is not "
		    "a JSON object", what));
	ak = json_object_get(j, "AccessKeyId");
	sk = json_object_get(j, "SecretAccessKey");
	tok = json_object_get(j, "Token");
	exp = json_object_get(j, "Expiration");
	code = json_object_get(j, "Code");
	if (json_is_string(code) && strcmp(json_string_value(code),
	    "Success") != 0) {
		err_set(e, ERR_AUTH, NULL, NULL, "%s: the answer's Code is "
		    "%.64s", what, json_string_value(code));
		goto out;
	}
	if (!json_is_string(ak) || !json_is_string(sk) ||
	    json_string_length(ak) >= sizeof(out->access_key) ||
	    json_string_length(sk) >= sizeof(out->secret) ||
	    (tok != NULL && (!json_is_string(tok) ||
	    json_string_length(tok) >= sizeof(out->token)))) {
		err_set(e, ERR_AUTH, NULL, NULL, "%s: the answer has no usable "
		    "AccessKeyId and SecretAccessKey", what);
		goto out;
	}
	snprintf(out->access_key, sizeof(out->access_key), "%s",
	    json_string_value(ak));
	snprintf(out->secret, sizeof(out->secret), "%s", json_string_value(sk));
	if (tok != NULL)
		snprintf(out->token, sizeof(out->token), "%s",
		    json_string_value(tok));
	if (json_is_string(exp) && iso8601_parse_ms(json_string_value(exp),
	    &out->expires_ms) == -1) {
		err_set(e, ERR_AUTH, NULL, NULL, "%s: Expiration is not a time",
		    what);
		goto out;
	}
	rc = 0;
out:
	json_decref(j);
	if (rc == -1)
		aws_creds_clear(out);
	return (rc);
}

/*
 * One plain HTTP exchange with a metadata endpoint at base + path. Returns
 * 0 with the answer in *resp (any status), -1 on a network error.
 */
static int
metadata_http(struct awsclient *cl, const struct creds_provider *p,
    const char *method, const char *path, struct hdrs *h,
    struct http_resp *resp, struct err *e)
{
	struct endpoint	 ep;
	struct http_req	 req;
	char		 host[300];
	void		*curl;
	int		 rc;

	if (endpoint_parse(p->url, p->source, &ep, e) == -1)
		return (-1);
	endpoint_host_header(&ep, host, sizeof(host));
	hdrs_add(h, "Host", host);
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.ep = &ep;
	req.path = path;
	req.query = "";
	req.hdrs = h;
	req.connect_timeout_ms = p->timeout_ms;
	req.timeout_ms = p->timeout_ms * 2;
	req.max_body = METADATA_BODY_MAX;
	req.no_proxy = 1;
	rc = http_perform(curl = http_handle_get(cl), &req, resp, e);
	http_handle_put(cl, curl);
	if (rc == -1 && resp->net_error)
		err_set(e, ERR_AUTH, NULL, NULL, "%s: %s %s://%s%s: %s",
		    p->source, method, ep.scheme, host, path, resp->net_msg);
	return (rc);
}

static int
fetch_container(struct awsclient *cl, struct creds_provider *p,
    struct aws_creds *out, struct err *e)
{
	struct endpoint	 ep;
	struct http_resp resp;
	struct hdrs	 h;
	char		*auth = NULL;
	char		 path[1024];
	int		 attempt, rc = -1;

	if (endpoint_parse(p->url, p->source, &ep, e) == -1)
		return (-1);
	snprintf(path, sizeof(path), "%s", ep.base_path[0] != '\0' ?
	    ep.base_path : "/");
	http_resp_init(&resp);
	for (attempt = 1; attempt <= p->attempts; attempt++) {
		hdrs_init(&h);
		if (p->auth_file != NULL) {
			/* Read at each fetch: the agent rotates it. */
			if (token_read(p->auth_file,
			    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &auth,
			    e) == -1) {
				hdrs_release(&h);
				break;
			}
		} else if (p->auth != NULL)
			auth = xstrdup(p->auth);
		if (auth != NULL && strpbrk(auth, "\r\n") != NULL) {
			err_set(e, ERR_AUTH, NULL, NULL, "the container "
			    "authorization token holds a line break");
			hdrs_release(&h);
			break;
		}
		if (auth != NULL)
			hdrs_add(&h, "Authorization", auth);
		if (auth != NULL) {
			OPENSSL_cleanse(auth, strlen(auth));
			xfree(auth);
			auth = NULL;
		}
		rc = metadata_http(cl, p, "GET", path, &h, &resp, e);
		hdrs_release(&h);
		if (rc == 0 && resp.status == 200) {
			rc = json_creds(buf_str(&resp.body), resp.body.len,
			    p->source, out, e);
			break;
		}
		if (rc == 0) {
			rc = err_set(e, ERR_AUTH, NULL, NULL, "%s: HTTP %d",
			    p->source, resp.status);
			if (resp.status < 500)
				break;
		}
	}
	http_resp_release(&resp);
	return (rc);
}

static int
fetch_imds(struct awsclient *cl, struct creds_provider *p,
    struct aws_creds *out, struct err *e)
{
	struct http_resp resp;
	struct hdrs	 h;
	struct buf	 path;
	char		*token = NULL, role[256];
	size_t		 n;
	int		 attempt, rc = -1;

	http_resp_init(&resp);
	buf_init(&path, 0);
	for (attempt = 1; attempt <= p->attempts && rc == -1; attempt++) {
		/* IMDSv2: a session token first. */
		hdrs_init(&h);
		hdrs_add(&h, "X-aws-ec2-metadata-token-ttl-seconds",
		    IMDS_TOKEN_TTL);
		rc = metadata_http(cl, p, "PUT", "/latest/api/token", &h, &resp,
		    e);
		hdrs_release(&h);
		if (rc == -1)
			continue;
		rc = -1;
		if (resp.status == 200 && resp.body.len > 0 &&
		    resp.body.len < 4096)
			token = xstrdup(buf_str(&resp.body));
		else if ((resp.status == 403 || resp.status == 404 ||
		    resp.status == 405) && !p->v1_disabled)
			log_debug("aws: instance metadata has no IMDSv2 token "
			    "(HTTP %d): IMDSv1", resp.status);
		else {
			err_set(e, ERR_AUTH, NULL, NULL, "%s: token: HTTP %d",
			    p->source, resp.status);
			continue;
		}
		hdrs_init(&h);
		if (token != NULL)
			hdrs_add(&h, "X-aws-ec2-metadata-token", token);
		rc = metadata_http(cl, p, "GET", IMDS_ROLE_PATH, &h, &resp, e);
		hdrs_release(&h);
		if (rc == -1)
			continue;
		if (resp.status != 200) {
			rc = err_set(e, ERR_AUTH, NULL, NULL, "%s: no instance "
			    "profile role: HTTP %d", p->source, resp.status);
			continue;
		}
		n = strcspn(buf_str(&resp.body), "\r\n");
		if (n == 0 || n >= sizeof(role)) {
			rc = err_set(e, ERR_AUTH, NULL, NULL, "%s: no instance "
			    "profile role", p->source);
			continue;
		}
		memcpy(role, buf_str(&resp.body), n);
		role[n] = '\0';
		buf_reset(&path);
		buf_adds(&path, IMDS_ROLE_PATH);
		url_encode(&path, role, 0);
		hdrs_init(&h);
		if (token != NULL)
			hdrs_add(&h, "X-aws-ec2-metadata-token", token);
		rc = metadata_http(cl, p, "GET", buf_str(&path), &h, &resp, e);
		hdrs_release(&h);
		if (rc == -1)
			continue;
		if (resp.status != 200)
			rc = err_set(e, ERR_AUTH, NULL, NULL, "%s: role %s: "
			    "HTTP %d", p->source, role, resp.status);
		else
			rc = json_creds(buf_str(&resp.body), resp.body.len,
			    p->source, out, e);
	}
	if (token != NULL) {
		OPENSSL_cleanse(token, strlen(token));
		xfree(token);
	}
	if (resp.body.ptr != NULL)
		OPENSSL_cleanse(resp.body.ptr, resp.body.len);
	http_resp_release(&resp);
	buf_release(&path);
	return (rc);
}

/* One fetch of p's credentials, lock held. */
static int
fetch(struct awsclient *cl, struct creds_provider *p, struct aws_creds *out,
    struct err *e)
{
	struct aws_creds	 src;
	char			*token = NULL;
	int			 rc;

	switch (p->kind) {
	case CREDS_STATIC:
		*out = p->cur;
		return (0);
	case CREDS_ASSUME_ROLE:
		if (creds_get(cl, p->from, &src, e) == -1)
			return (-1);
		rc = sts_assume_role(cl, &src, p->role_arn, p->session_name,
		    p->external_id, p->duration_s, out, e);
		aws_creds_clear(&src);
		return (rc);
	case CREDS_WEB_IDENTITY:
		/* Read at each fetch: the token file is rotated. */
		if (token_read(p->token_file, "web identity token file",
		    &token, e) == -1)
			return (-1);
		rc = sts_assume_role_web_identity(cl, p->role_arn,
		    p->session_name, token, p->duration_s, out, e);
		OPENSSL_cleanse(token, strlen(token));
		xfree(token);
		return (rc);
	case CREDS_CONTAINER:
		return (fetch_container(cl, p, out, e));
	case CREDS_IMDS:
		return (fetch_imds(cl, p, out, e));
	}
	return (err_set(e, ERR_INTERNAL, NULL, NULL, "unknown credential "
	    "source"));
}

/* How long before expiry to refresh: 5 minutes, or half the lifetime. */
static int64_t
refresh_window(const struct creds_provider *p)
{
	int64_t	 life = p->cur.expires_ms - p->fetched_ms;

	return (life / 2 < CREDS_REFRESH_MS ? life / 2 : CREDS_REFRESH_MS);
}

int
creds_get(struct awsclient *cl, struct creds_provider *p,
    struct aws_creds *out, struct err *e)
{
	struct aws_creds	 fresh;
	int64_t			 now;
	int			 rc = 0;

	pthread_mutex_lock(&p->lock);
	now = clock_real_ms();
	if (p->have && (p->cur.expires_ms == 0 ||
	    now < p->cur.expires_ms - refresh_window(p))) {
		*out = p->cur;
		goto out;
	}
	if (fetch(cl, p, &fresh, e) == 0) {
		p->cur = fresh;
		p->have = 1;
		p->fetched_ms = now;
		p->fetches++;
		aws_creds_clear(&fresh);
		log_debug("aws: credentials from %s, key %s, expiring in %lld "
		    "s", p->source, p->cur.access_key, p->cur.expires_ms != 0 ?
		    (long long)(p->cur.expires_ms - now) / 1000 : -1LL);
		*out = p->cur;
	} else if (p->have && now < p->cur.expires_ms - CREDS_MIN_LEFT_MS) {
		/* Still valid: keep them and try again on the next call. */
		log_warnx("aws: refreshing credentials from %s failed, the "
		    "current ones stay in use: %s", p->source,
		    e != NULL ? e->msg : "");
		*out = p->cur;
	} else
		rc = -1;
out:
	pthread_mutex_unlock(&p->lock);
	return (rc);
}
