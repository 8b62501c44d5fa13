/* SPDX-License-Identifier: MIT */
/*
 * The client's settings and endpoints: where the shared files are, which
 * profile, region and attempt count apply, and where each service's calls
 * go (AWS's defaults, or AWS_ENDPOINT_URL_<SERVICE>, the profile's
 * services section, AWS_ENDPOINT_URL, the profile's endpoint_url, in that
 * order, as the SDKs' "service-specific endpoints" feature reads them).
 * The credential source is creds.c's; the calls are call.c's.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "awsclient/internal.h"
#include "core/xmalloc.h"

static const struct svc svcs[] = {
	{ "organizations", "ORGANIZATIONS", "organizations",
	    "AWSOrganizationsV20161128", PROTO_JSON, 1 },
	{ "ce", "COST_EXPLORER", "cost_explorer", "AWSInsightsIndexService",
	    PROTO_JSON, 1 },
	{ "sts", "STS", "sts", NULL, PROTO_QUERY, 0 },
	{ "s3", "S3", "s3", NULL, PROTO_REST_XML, 0 },
};

/* The regions whose legacy STS endpoint is the global sts.amazonaws.com. */
static const char *const sts_legacy[] = {
	"ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
	"aws-global", "ca-central-1", "eu-central-1", "eu-north-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1",
	"us-east-2", "us-west-1", "us-west-2", NULL
};

static pthread_once_t	 curl_once = PTHREAD_ONCE_INIT;

static void
curl_start(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		abort();
}

const struct svc *
svc_find(const char *id)
{
	size_t	 i;

	for (i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++)
		if (strcmp(svcs[i].id, id) == 0)
			return (&svcs[i]);
	return (NULL);
}

static int
is_true(const char *v)
{
	return (v != NULL && strcasecmp(v, "true") == 0);
}

/* An environment variable, or NULL when unset or empty. */
static const char *
env(const char *name)
{
	const char	*v = getenv(name);

	return (v != NULL && *v != '\0' ? v : NULL);
}

/* ~/.aws/<name>, or the variable's path with a leading ~ expanded. */
static void
file_path(const char *var, const char *name, char *out, size_t len)
{
	const char	*v = env(var), *home;
	struct passwd	*pw;

	if ((home = env("HOME")) == NULL)
		home = (pw = getpwuid(getuid())) != NULL ? pw->pw_dir : "";
	if (v == NULL)
		snprintf(out, len, "%s/.aws/%s", home, name);
	else if (v[0] == '~' && (v[1] == '/' || v[1] == '\0'))
		snprintf(out, len, "%s%s", home, v + 1);
	else
		snprintf(out, len, "%s", v);
}

int
endpoint_parse(const char *url, const char *what, struct endpoint *out,
    struct err *e)
{
	const char	*p, *host, *end, *colon;
	char		*pend;
	long		 port;
	size_t		 hl;

	memset(out, 0, sizeof(*out));
	if (strncasecmp(url, "https://", 8) == 0) {
		snprintf(out->scheme, sizeof(out->scheme), "https");
		host = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		snprintf(out->scheme, sizeof(out->scheme), "http");
		host = url + 7;
	} else
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: '%s' is not "
		    "an http:// or https:// URL", what, url));
	end = host + strcspn(host, "/?#");
	if (*end == '?' || *end == '#' || memchr(host, '@', (size_t)(end -
	    host)) != NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: an endpoint "
		    "URL has no user, query or fragment", what));
	if (*host == '[') {
		if ((p = memchr(host, ']', (size_t)(end - host))) == NULL)
			goto bad;
		colon = p + 1 < end && p[1] == ':' ? p + 1 : NULL;
		hl = (size_t)(p + 1 - host);
	} else {
		colon = memchr(host, ':', (size_t)(end - host));
		hl = (size_t)((colon != NULL ? colon : end) - host);
	}
	if (hl == 0 || hl >= sizeof(out->host))
		goto bad;
	memcpy(out->host, host, hl);
	for (p = out->host; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f)
			goto bad;
	if (colon != NULL) {
		port = strtol(colon + 1, &pend, 10);
		if (pend != end || port <= 0 || port > 65535)
			goto bad;
		out->port = (int)port;
	}
	if (*end == '/') {
		hl = strlen(end);
		while (hl > 0 && end[hl - 1] == '/')
			hl--;
		if (hl >= sizeof(out->base_path))
			goto bad;
		memcpy(out->base_path, end, hl);
	}
	out->custom = 1;
	return (0);
bad:
	return (err_set(e, ERR_INVALID, NULL, NULL, "%s: '%s' is not a valid "
	    "endpoint URL", what, url));
}

void
endpoint_host_header(const struct endpoint *ep, char *out, size_t len)
{
	if (ep->port == 0 || (strcmp(ep->scheme, "https") == 0 &&
	    ep->port == 443) || (strcmp(ep->scheme, "http") == 0 &&
	    ep->port == 80))
		snprintf(out, len, "%s", ep->host);
	else
		snprintf(out, len, "%s:%d", ep->host, ep->port);
}

/* The DNS suffix of the region's partition. */
static const char *
dns_suffix(const char *region)
{
	return (strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" :
	    "amazonaws.com");
}

/* A global service's region in the region's partition. */
static const char *
global_region(const char *region)
{
	if (strncmp(region, "cn-", 3) == 0)
		return ("cn-northwest-1");
	if (strncmp(region, "us-gov-", 7) == 0)
		return ("us-gov-west-1");
	return ("us-east-1");
}

/* The configured endpoint URL for svc, or NULL for AWS's default. */
static const char *
configured_url(struct awsclient *c, const struct svc *svc, const char **what)
{
	const struct ini_section	*s;
	char				 var[128], key[128];
	const char			*v;

	*what = "--endpoint-url";
	if (c->set.endpoint_all != NULL)
		return (c->set.endpoint_all);
	if (c->set.ignore_configured)
		return (NULL);
	snprintf(var, sizeof(var), "AWS_ENDPOINT_URL_%s", svc->env);
	if ((v = env(var)) != NULL) {
		*what = "AWS_ENDPOINT_URL_<SERVICE>";
		return (v);
	}
	snprintf(key, sizeof(key), "%s.endpoint_url", svc->cfg);
	if ((s = ini_section(&c->set.services, "services")) != NULL &&
	    (v = ini_get(s, key)) != NULL && *v != '\0') {
		*what = "the profile's services section";
		return (v);
	}
	if (c->set.endpoint_env != NULL) {
		*what = "AWS_ENDPOINT_URL";
		return (c->set.endpoint_env);
	}
	if (c->set.endpoint_profile != NULL) {
		*what = "the profile's endpoint_url";
		return (c->set.endpoint_profile);
	}
	return (NULL);
}

int
client_endpoint(struct awsclient *c, const struct svc *svc,
    const char *region, struct endpoint *out, struct err *e)
{
	const char	*url, *what, *r;
	size_t		 i;

	if (region == NULL)
		region = c->set.region;
	if ((url = configured_url(c, svc, &what)) != NULL) {
		if (endpoint_parse(url, what, out, e) == -1)
			return (-1);
		/* A custom endpoint is signed for the configured region. */
		snprintf(out->region, sizeof(out->region), "%s", region);
		return (0);
	}
	memset(out, 0, sizeof(*out));
	snprintf(out->scheme, sizeof(out->scheme), "https");
	if (svc->global) {
		r = global_region(region);
		snprintf(out->host, sizeof(out->host), "%s.%s.%s", svc->id, r,
		    dns_suffix(r));
		snprintf(out->region, sizeof(out->region), "%s", r);
		return (0);
	}
	snprintf(out->region, sizeof(out->region), "%s", region);
	if (strcmp(svc->id, "sts") == 0 && !c->set.sts_regional)
		for (i = 0; sts_legacy[i] != NULL; i++)
			if (strcmp(sts_legacy[i], region) == 0) {
				snprintf(out->host, sizeof(out->host),
				    "sts.amazonaws.com");
				snprintf(out->region, sizeof(out->region),
				    "us-east-1");
				return (0);
			}
	snprintf(out->host, sizeof(out->host), "%s.%s.%s", svc->id, region,
	    dns_suffix(region));
	return (0);
}

int
awsclient_endpoint(struct awsclient *c, const char *service, char *out,
    size_t len)
{
	const struct svc	*svc;
	struct svc		 tmp;
	struct endpoint		 ep;
	char			 host[300], up[64];
	size_t			 i;
	int			 n;

	if ((svc = svc_find(service)) == NULL) {
		for (i = 0; service[i] != '\0' && i + 1 < sizeof(up); i++)
			up[i] = service[i] >= 'a' && service[i] <= 'z' ?
			    (char)(service[i] - 'a' + 'A') :
			    service[i] == '-' ? '_' : service[i];
		up[i] = '\0';
		memset(&tmp, 0, sizeof(tmp));
		tmp.id = tmp.cfg = service;
		tmp.env = up;
		svc = &tmp;
	}
	if (client_endpoint(c, svc, NULL, &ep, NULL) == -1)
		return (-1);
	endpoint_host_header(&ep, host, sizeof(host));
	n = snprintf(out, len, "%s://%s%s", ep.scheme, host, ep.base_path);
	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

/* A region is a short run of a-z, 0-9 and '-'. */
static int
region_valid(const char *r)
{
	size_t	 i;

	for (i = 0; r[i] != '\0'; i++)
		if (!((r[i] >= 'a' && r[i] <= 'z') || (r[i] >= '0' &&
		    r[i] <= '9') || r[i] == '-'))
			return (0);
	return (i > 0 && i < 64);
}

/* Copies the "<svc>.endpoint_url" settings of [services name]. */
static void
services_copy(const struct ini *config, const char *name, struct ini *out)
{
	const struct ini_section	*s;
	struct ini_section		*d;
	size_t				 i, kl;

	memset(out, 0, sizeof(*out));
	if ((s = ini_services(config, name)) == NULL)
		return;
	out->s = xcalloc(1, sizeof(*out->s));
	out->n = 1;
	d = &out->s[0];
	d->name = xstrdup("services");
	for (i = 0; i < s->n; i++) {
		kl = strlen(s->kv[i].key);
		if (kl < 13 || strcmp(s->kv[i].key + kl - 13,
		    ".endpoint_url") != 0)
			continue;
		d->kv = xrealloc(d->kv, (d->n + 1) * sizeof(*d->kv));
		d->kv[d->n].key = xstrdup(s->kv[i].key);
		d->kv[d->n].value = xstrdup(s->kv[i].value);
		d->n++;
	}
}

static char *
dup_or_null(const char *s)
{
	return (s != NULL && *s != '\0' ? xstrdup(s) : NULL);
}

/* Reads the settings of the chosen profile; see awsclient.h. */
static int
settings_read(const struct awsclient_opts *o, const struct ini *config,
    const struct profile *p, struct settings *s, struct err *e)
{
	const char	*v, *what;
	char		*end;
	long		 n;

	if (o->region != NULL) {
		v = o->region;
		what = "--region";
	} else if ((v = env("AWS_REGION")) != NULL)
		what = "AWS_REGION";
	else if ((v = env("AWS_DEFAULT_REGION")) != NULL)
		what = "AWS_DEFAULT_REGION";
	else if ((v = profile_get(p, "region")) != NULL && *v != '\0')
		what = "the profile's region";
	else {
		v = "us-east-1";
		what = "the default region";
	}
	if (!region_valid(v))
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: '%s' is not a "
		    "region name", what, v));
	snprintf(s->region, sizeof(s->region), "%s", v);

	n = o->max_attempts;
	what = "max attempts";
	if (n == 0) {
		if ((v = env("AWS_MAX_ATTEMPTS")) != NULL)
			what = "AWS_MAX_ATTEMPTS";
		else if ((v = profile_get(p, "max_attempts")) != NULL)
			what = "the profile's max_attempts";
		if (v != NULL) {
			n = strtol(v, &end, 10);
			if (*v == '\0' || *end != '\0')
				n = -1;
		} else
			n = AWSCLIENT_DEFAULT_ATTEMPTS;
	}
	if (n < 1 || n > AWSCLIENT_MAX_ATTEMPTS)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: must be a "
		    "number from 1 to %d", what, AWSCLIENT_MAX_ATTEMPTS));
	s->max_attempts = (int)n;
	s->connect_timeout_ms = o->connect_timeout_ms > 0 ?
	    o->connect_timeout_ms : AWSCLIENT_CONNECT_TIMEOUT_MS;
	s->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms :
	    AWSCLIENT_TIMEOUT_MS;

	s->endpoint_all = dup_or_null(o->endpoint_url);
	v = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	if (v == NULL)
		v = profile_get(p, "ignore_configured_endpoint_urls");
	s->ignore_configured = is_true(v);
	s->endpoint_env = dup_or_null(env("AWS_ENDPOINT_URL"));
	s->endpoint_profile = dup_or_null(profile_get(p, "endpoint_url"));
	if ((v = profile_get(p, "services")) != NULL && *v != '\0')
		services_copy(config, v, &s->services);

	if ((v = env("AWS_STS_REGIONAL_ENDPOINTS")) == NULL)
		v = profile_get(p, "sts_regional_endpoints");
	/* Regional is the SDKs' default now; legacy on request. */
	s->sts_regional = v == NULL || strcasecmp(v, "legacy") != 0;
	v = profile_get(p, "s3.addressing_style");
	s->s3_style = v == NULL ? S3_AUTO : strcasecmp(v, "path") == 0 ?
	    S3_PATH : strcasecmp(v, "virtual") == 0 ? S3_VIRTUAL : S3_AUTO;
	if ((v = env("AWS_CA_BUNDLE")) == NULL)
		v = profile_get(p, "ca_bundle");
	s->ca_bundle = dup_or_null(v);
	return (0);
}

static void
settings_release(struct settings *s)
{
	xfree(s->endpoint_all);
	xfree(s->endpoint_env);
	xfree(s->endpoint_profile);
	xfree(s->ca_bundle);
	ini_release(&s->services);
}

int
awsclient_new(const struct awsclient_opts *opts, struct awsclient **out,
    struct err *e)
{
	static const struct awsclient_opts	 none;
	struct ini				 config, credfile;
	struct profile				 p;
	struct awsclient			*c;
	const char				*name;
	char					 path[1024];
	int					 explicit_profile = 0;

	*out = NULL;
	if (opts == NULL)
		opts = &none;
	pthread_once(&curl_once, curl_start);
	memset(&config, 0, sizeof(config));
	memset(&credfile, 0, sizeof(credfile));
	file_path("AWS_CONFIG_FILE", "config", path, sizeof(path));
	if (ini_load(path, &config, e) == -1)
		return (-1);
	file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials", path,
	    sizeof(path));
	if (ini_load(path, &credfile, e) == -1) {
		ini_release(&config);
		return (-1);
	}
	if (opts->profile != NULL) {
		name = opts->profile;
		explicit_profile = 1;
	} else if ((name = env("AWS_PROFILE")) == NULL &&
	    (name = env("AWS_DEFAULT_PROFILE")) == NULL)
		name = "default";
	profile_find(&config, &credfile, name, &p);

	c = xcalloc(1, sizeof(*c));
	snprintf(c->set.profile, sizeof(c->set.profile), "%s", name);
	/* As the SDKs: a profile asked for by name must exist. */
	if (strcmp(name, "default") != 0 && p.config == NULL &&
	    p.creds == NULL) {
		err_set(e, ERR_INVALID, NULL, NULL, "the config profile (%s) "
		    "could not be found", name);
		goto fail;
	}
	if (settings_read(opts, &config, &p, &c->set, e) == -1)
		goto fail;
	if (creds_resolve(&config, &credfile, name, explicit_profile,
	    &c->creds, e) == -1)
		goto fail;
	retry_quota_init(&c->quota);
	pthread_mutex_init(&c->pool_lock, NULL);
	pthread_mutex_init(&c->regions_lock, NULL);
	ini_release(&config);
	ini_release(&credfile);
	*out = c;
	return (0);
fail:
	settings_release(&c->set);
	xfree(c);
	ini_release(&config);
	ini_release(&credfile);
	return (-1);
}

void
awsclient_free(struct awsclient *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->npool; i++)
		curl_easy_cleanup(c->pool[i]);
	pthread_mutex_destroy(&c->pool_lock);
	pthread_mutex_destroy(&c->regions_lock);
	pthread_mutex_destroy(&c->quota.lock);
	creds_free(c->creds);
	settings_release(&c->set);
	xfree(c);
}

int
awsclient_info(struct awsclient *c, int fetch, struct awsclient_info *out,
    struct err *e)
{
	struct aws_creds	 cr;

	memset(out, 0, sizeof(*out));
	snprintf(out->profile, sizeof(out->profile), "%s", c->set.profile);
	snprintf(out->region, sizeof(out->region), "%s", c->set.region);
	snprintf(out->source, sizeof(out->source), "%s", c->creds->source);
	out->max_attempts = c->set.max_attempts;
	if (fetch) {
		if (creds_get(c, c->creds, &cr, e) == -1)
			return (-1);
		snprintf(out->access_key, sizeof(out->access_key), "%s",
		    cr.access_key);
		out->expires_ms = cr.expires_ms;
		aws_creds_clear(&cr);
	}
	pthread_mutex_lock(&c->creds->lock);
	out->refreshes = c->creds->fetches;
	pthread_mutex_unlock(&c->creds->lock);
	return (0);
}
