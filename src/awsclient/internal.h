/* SPDX-License-Identifier: MIT */
/*
 * The AWS client's insides, shared by its files and its unit tests: the
 * shared config file reader, the header list, the signer, the retry
 * policy, the XML reader, the HTTP transport and the credential providers.
 * Nothing outside src/awsclient/ and tests/unit/ includes this file.
 */
#ifndef AWSCLIENT_INTERNAL_H
#define AWSCLIENT_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "awsclient/awsclient.h"
#include "core/buf.h"
#include "core/err.h"

/* ---- the shared config and credentials files (ini.c) ---- */

/* A file larger than this is refused rather than read. */
#define INI_MAX_FILE	(1024 * 1024)

struct ini_kv {
	char	*key;		/* lowercase; "s3.addressing_style" when nested */
	char	*value;		/* trimmed, inline comment removed */
};

struct ini_section {
	char		*name;	/* as written between [ and ], trimmed */
	struct ini_kv	*kv;
	size_t		 n;
};

struct ini {
	struct ini_section	*s;
	size_t			 n;
};

/*
 * Parses the text of a config or credentials file as the SDKs read it:
 * [section] lines (a comment may follow the ']'), "key = value" (key
 * lowercased, value trimmed, "#" or ";" after white space starts a comment),
 * whole-line comments starting with '#' or ';', and lines indented under a
 * key with an empty value as its sub-settings ("s3 =\n  addressing_style =
 * path" is key "s3.addressing_style"); an indented line under a key with a
 * value continues that value. Fails with ERR_INVALID naming `what` and the
 * line number, never the line: it may hold a secret.
 */
int	ini_parse(const char *text, size_t len, const char *what,
	    struct ini *out /* OUT */, struct err *);
/* ini_parse() of the file at path; a missing file is an empty ini. */
int	ini_load(const char *path, struct ini *out /* OUT */, struct err *);
/* Wipes every value (they may be secrets) and frees. */
void	ini_release(struct ini *);
/* The section with this exact name, or NULL (the last one wins). */
const struct ini_section *ini_section(const struct ini *, const char *name);
/* key's value in section s (NULL-safe), or NULL. */
const char *ini_get(const struct ini_section *s, const char *key);

/*
 * The profile as the SDKs look it up: in the config file "[profile NAME]"
 * (NAME may be double-quoted) or, for default, "[default]"; in the
 * credentials file "[NAME]".
 */
struct profile {
	const struct ini_section	*config;	/* or NULL */
	const struct ini_section	*creds;		/* or NULL */
};

void	profile_find(const struct ini *config, const struct ini *creds,
	    const char *name, struct profile *out /* OUT */);
/* A setting of the profile: the credentials file's, else the config's. */
const char *profile_get(const struct profile *, const char *key);
/* "[services NAME]" of the config file, or NULL. */
const struct ini_section *ini_services(const struct ini *config,
	    const char *name);

/* ---- services and endpoints (endpoint.c) ---- */

enum svc_proto {
	PROTO_JSON,		/* AWS JSON 1.1 */
	PROTO_QUERY,		/* STS: form POST, XML answer */
	PROTO_REST_XML		/* S3 */
};

struct svc {
	const char	*id;		/* "organizations": signing name */
	const char	*env;		/* AWS_ENDPOINT_URL_<env> */
	const char	*cfg;		/* its key in a [services] section */
	const char	*target;	/* JSON 1.1 X-Amz-Target prefix */
	enum svc_proto	 proto;
	int		 global;	/* one endpoint per partition */
};

/* The known services, or NULL. */
const struct svc *svc_find(const char *id);

/* Where one call goes, and the scope it is signed for. */
struct endpoint {
	char	 scheme[8];		/* "https" */
	char	 host[256];		/* without port */
	int	 port;			/* 0: the scheme's */
	char	 base_path[256];	/* "" or "/prefix" of an endpoint URL */
	char	 region[64];		/* signing region */
	int	 custom;		/* from a variable or the profile */
};

/*
 * Splits "scheme://host[:port][/path]" into e; fails with ERR_INVALID
 * (naming `what`) on another scheme than http/https, user info, a query
 * or a malformed port.
 */
int	endpoint_parse(const char *url, const char *what,
	    struct endpoint *out /* OUT */, struct err *);
/* "host" or "host:port" as the Host header wants it (default port left
   out), into out of size len. */
void	endpoint_host_header(const struct endpoint *, char *out, size_t len);

/* ---- header list (sign.c) ---- */

#define HDRS_MAX	32

struct hdr {
	char	*name;
	char	*value;
};

struct hdrs {
	struct hdr	 h[HDRS_MAX];
	size_t		 n;
};

void	hdrs_init(struct hdrs *);
/* Wipes (a value may be a token) and frees. */
void	hdrs_release(struct hdrs *);
/* Appends a header; aborts past HDRS_MAX (the client sets its own). */
void	hdrs_add(struct hdrs *, const char *name, const char *value);
/* The first value of name (case-insensitive), or NULL. */
const char *hdrs_get(const struct hdrs *, const char *name);

/* ---- the signer (sign.c) ---- */

#define SIGN_S3_PATH		(1 << 0)	/* S3's path rule */
#define SIGN_BODY_HEADER	(1 << 1)	/* send X-Amz-Content-SHA256 */
#define SIGN_TOKEN_UNSIGNED	(1 << 2)	/* token added after signing */

struct signing {
	const struct aws_creds	*creds;
	const char		*region;
	const char		*service;
	int64_t			 now_ms;
	int			 flags;
};

/*
 * Signs a request as the SDKs do: adds X-Amz-Date, X-Amz-Security-Token
 * when the credentials have a token, X-Amz-Content-SHA256 with
 * SIGN_BODY_HEADER, then Authorization over every header present (but
 * User-Agent), sorted by name. path is as sent (encoded); query is the
 * encoded query without '?'. sig_out (65 bytes, may be NULL) gets the
 * signature, so that error messages can be kept clean of it.
 */
int	aws_sign(struct hdrs *, const char *method, const char *path,
	    const char *query, const void *body, size_t body_len,
	    const struct signing *, char *sig_out /* OUT, may be NULL */,
	    struct err *);

/* ---- retries (retry.c) ---- */

#define RETRY_BASE_MS		100
#define RETRY_CAP_MS		20000
#define RETRY_QUOTA_MAX		500
#define RETRY_COST		5
#define RETRY_TIMEOUT_COST	10

enum retry_kind {
	RETRY_NO = 0,		/* success, or an error a retry will not fix */
	RETRY_THROTTLE,		/* the service asked to slow down */
	RETRY_TRANSIENT,	/* 5xx, RequestTimeout, ... */
	RETRY_NETWORK		/* no answer: connect, reset, timeout */
};

/* What an attempt's outcome means for a retry (SDK "standard" mode). */
enum retry_kind retry_classify(int http_status, const char *aws_code,
	    int network_error);
/*
 * Delay before attempt `attempt` + 1 (attempt >= 1 failed): r * min(cap,
 * base * 2^(attempt - 1)) with r in [0, 1) ("full jitter"), milliseconds.
 */
long	retry_backoff_ms(int attempt, double r);

/* The client-wide retry quota: retries spend it, successes refill it. */
struct retry_quota {
	pthread_mutex_t	 lock;
	int		 tokens;
};

void	retry_quota_init(struct retry_quota *);
/* Takes the cost of a retry of this kind; 0 if the quota has no room. */
int	retry_quota_take(struct retry_quota *, enum retry_kind, int *cost_out);
/* After a success: gives back what a retry took (cost), or 1. */
void	retry_quota_give(struct retry_quota *, int cost);

/* ---- XML (xml.c) ---- */

#define XML_MAX_DEPTH	32
#define XML_MAX_TEXT	(64 * 1024)

/*
 * Parses an XML document (no DTD: a DOCTYPE is refused, so no entity can
 * be declared), calling fn at each element's end with its path of local
 * names ("ListBucketResult/Contents/Key") and its own text; fn returns 0,
 * or -1 with *e filled to stop. Fails with ERR_INVALID on malformed XML,
 * ERR_LIMIT past XML_MAX_DEPTH or XML_MAX_TEXT.
 */
int	xml_parse(const char *p, size_t len,
	    int (*fn)(void *arg, const char *path, const char *text,
	    size_t len, struct err *), void *arg, struct err *);
/* 1 if path ends with "/suffix" or is suffix. */
int	xml_path_is(const char *path, const char *suffix);

/* ---- HTTP (http.c) ---- */

struct http_req {
	const char		*method;
	const struct endpoint	*ep;
	const char		*path;		/* encoded, with base_path */
	const char		*query;		/* encoded, without '?', or "" */
	const struct hdrs	*hdrs;
	const void		*body;
	size_t			 body_len;
	long			 connect_timeout_ms;
	long			 timeout_ms;	/* 0: none (streaming) */
	long			 stall_ms;	/* give up after this long without a byte */
	size_t			 max_body;	/* cap of resp->body */
	/* Streamed 2xx body: to sink instead of resp->body. */
	const struct s3_sink	*sink;
	int			 no_proxy;	/* metadata endpoints */
	const char		*ca_bundle;	/* or NULL: the system's */
};

struct http_resp {
	int		 status;	/* 0: no answer */
	int		 net_error;	/* 1 when no full answer arrived */
	int		 net_timeout;	/* the network error was a timeout */
	int		 sink_failed;	/* the sink refused: *sink_err */
	struct err	 sink_err;
	struct buf	 body;		/* capped at req->max_body */
	uint64_t	 streamed;	/* bytes given to the sink */
	char		 error_type[128];	/* x-amzn-ErrorType */
	char		 request_id[128];	/* x-amzn-RequestId, x-amz-request-id */
	char		 etag[128];
	char		 content_range[128];
	char		 last_modified[64];
	char		 bucket_region[64];	/* x-amz-bucket-region */
	int64_t		 content_length;	/* -1: not sent */
	char		 net_msg[256];	/* what went wrong on the network */
};

void	http_resp_init(struct http_resp *);
void	http_resp_release(struct http_resp *);
/*
 * Performs one HTTP exchange with libcurl. Returns 0 when an answer (any
 * status) was read, -1 when none was: resp->net_error, net_timeout and
 * net_msg say why (resp->sink_failed when the sink stopped it; an answer
 * larger than max_body is ERR_LIMIT in *e). Never follows redirects.
 */
int	http_perform(void *curl, const struct http_req *, struct http_resp *,
	    struct err *);
/* A libcurl handle from the client's pool (its connections kept warm),
   given back with http_handle_put(). */
void	*http_handle_get(struct awsclient *);
void	 http_handle_put(struct awsclient *, void *curl);

/* ---- credentials (creds.c) ---- */

enum creds_kind {
	CREDS_STATIC,
	CREDS_ASSUME_ROLE,
	CREDS_WEB_IDENTITY,
	CREDS_CONTAINER,
	CREDS_IMDS
};

/* Refresh this long before expiry, or half the lifetime when shorter. */
#define CREDS_REFRESH_MS	(5 * 60 * 1000)

struct creds_provider {
	enum creds_kind		 kind;
	char			 source[160];	/* for awsclient_info() */
	pthread_mutex_t		 lock;
	struct aws_creds	 cur;
	int			 have;
	int64_t			 fetched_ms;
	unsigned long		 fetches;
	/* assume role, web identity */
	char			*role_arn;
	char			*session_name;
	char			*external_id;
	int			 duration_s;
	char			*token_file;
	struct creds_provider	*from;		/* AssumeRole's source */
	/* container, IMDS */
	char			*url;
	char			*auth;		/* container token (secret) */
	char			*auth_file;
	long			 timeout_ms;
	int			 attempts;
	int			 v1_disabled;
};

struct settings;

/*
 * Chooses the provider for profile (explicit: given on the command line)
 * from the environment and the parsed files, in the SDKs' order. Fails as
 * awsclient_new() says.
 */
int	creds_resolve(const struct ini *config, const struct ini *credfile,
	    const char *profile, int explicit_profile,
	    struct creds_provider **out /* OUT */, struct err *);
void	creds_free(struct creds_provider *);
/*
 * The provider's current credentials into *out, fetched or refreshed first
 * when missing or within the refresh window; a failed refresh of
 * credentials that are still valid keeps them (and warns).
 */
int	creds_get(struct awsclient *, struct creds_provider *,
	    struct aws_creds *out /* OUT */, struct err *);
/* Parses "2026-11-26T12:00:00Z" (fraction, or +00:00, allowed). */
int	iso8601_parse_ms(const char *, int64_t *out /* OUT */);

/* ---- the client and its calls (client.c, call.c) ---- */

enum s3_style { S3_AUTO, S3_PATH, S3_VIRTUAL };

struct settings {
	char		 profile[128];
	char		 region[64];
	int		 max_attempts;
	long		 connect_timeout_ms;
	long		 timeout_ms;
	char		*endpoint_all;		/* opts, else NULL */
	char		*endpoint_env;		/* AWS_ENDPOINT_URL */
	char		*endpoint_profile;	/* profile endpoint_url */
	struct ini	 services;		/* [services X]'s endpoint_urls */
	int		 ignore_configured;	/* ignore_configured_endpoint_urls */
	int		 sts_regional;		/* 1 regional, 0 legacy */
	enum s3_style	 s3_style;
	char		*ca_bundle;
};

/* Buckets S3 said live in another region than the client's. */
#define S3_REGION_CACHE	32

struct bucket_region {
	char	 bucket[64];
	char	 region[64];
};

struct awsclient {
	struct settings		 set;
	pthread_mutex_t		 regions_lock;
	struct bucket_region	 regions[S3_REGION_CACHE];
	size_t			 nregions;
	struct creds_provider	*creds;
	struct retry_quota	 quota;
	pthread_mutex_t		 pool_lock;
	void			*pool[S3_MAX_PARALLEL + 8]; /* idle CURL handles */
	size_t			 npool;
};

/* The endpoint of service for the client's region (or region when not
   NULL: S3's bucket region, the legacy STS scope). */
int	client_endpoint(struct awsclient *, const struct svc *,
	    const char *region, struct endpoint *out /* OUT */, struct err *);

/* Secrets a call's error message must never show. */
#define CALL_MAX_SECRETS	6

/* One AWS call, made with retries (call.c). */
struct call {
	const struct svc	*svc;
	const char		*action;	/* "ListAccounts": for errors */
	const char		*iam_action;	/* "s3:ListBucket", or NULL */
	const char		*method;
	const char		*path;		/* encoded, after the base path */
	const char		*query;		/* encoded, or "" */
	const struct endpoint	*ep;		/* NULL: the service's */
	struct hdrs		 hdrs;		/* extra headers to send */
	const void		*body;
	size_t			 body_len;
	const struct s3_sink	*sink;		/* streamed 2xx body, or NULL */
	size_t			 max_body;
	int			 unsigned_call;	/* AssumeRoleWithWebIdentity */
	const struct aws_creds	*creds;		/* NULL: the client's */
	const char		*secrets[CALL_MAX_SECRETS];
	/* out */
	struct http_resp	 resp;
	int			 attempts;
};

void	call_init(struct call *, const struct svc *, const char *action);
void	call_release(struct call *);
/* Adds a string the error message must not show (kept as a pointer). */
void	call_secret(struct call *, const char *);
/*
 * Makes the call: signs, sends, retries as the policy says. Returns 0 on
 * a 2xx answer (in c->resp), else -1 with AWS's error or the network's in
 * *e. With a sink, a 2xx body cut short is resumed (Range) if the sink
 * has the bytes so far (S3 GET only: c->resume set).
 */
int	call_perform(struct awsclient *, struct call *, struct err *);
/*
 * Fills *e from an error answer (JSON __type/message, XML Code/Message or
 * only the status), prefixed with the action, with every secret replaced.
 * Always returns -1.
 */
int	call_error(const struct call *, int http_status, const char *body,
	    size_t len, const char *error_type_header, struct err *);
/* Replaces each occurrence of each secret in msg by "[redacted]". */
void	scrub(char *msg, size_t size, const char *const *secrets, size_t n);
/* A process-lifetime copy of an AWS error code, for e->aws_type. */
const char *code_intern(const char *code, size_t len);

/* ---- STS (sts.c) ---- */

/* AssumeRole signed with source's credentials. */
int	sts_assume_role(struct awsclient *, const struct aws_creds *source,
	    const char *role_arn, const char *session_name,
	    const char *external_id, int duration_s,
	    struct aws_creds *out /* OUT */, struct err *);
/* AssumeRoleWithWebIdentity: an unsigned call; token is the secret. */
int	sts_assume_role_web_identity(struct awsclient *, const char *role_arn,
	    const char *session_name, const char *token, int duration_s,
	    struct aws_creds *out /* OUT */, struct err *);

/* "s" percent-encoded as the SDKs encode a query value or path; '/'
   kept when keep_slash. */
void	url_encode(struct buf *, const char *s, int keep_slash);

#endif
