/* SPDX-License-Identifier: MIT */
/*
 * The AWS client: how payerlink's live mode talks to the MSP's real AWS
 * (Organizations, STS, S3) the way AWS's own SDKs do. A layer of its own,
 * above core/ and below the domain, beside store/: it includes core/ only
 * (and libcurl, expat, jansson), and only the protocol and wiring layers
 * (cli/, later the live organization port's implementation) call it,
 * because it speaks JSON and the domain must not. tools/check-includes.py
 * ranks it so and refuses it in domain files.
 *
 * - Credentials come from the SDKs' chain, in their order: the environment,
 *   a profile's role (role_arn + source_profile / credential_source, STS
 *   AssumeRole), web identity (STS AssumeRoleWithWebIdentity), the profile's
 *   keys in the credentials then the config file, the ECS container
 *   endpoint, EC2 instance metadata (IMDSv2). Temporary credentials are
 *   refreshed before they expire, by one thread while the others wait.
 * - Endpoints are AWS's defaults unless AWS_ENDPOINT_URL_<SERVICE>, the
 *   profile's services section, AWS_ENDPOINT_URL or the profile's
 *   endpoint_url name another (in that order), so any AWS-compatible server
 *   can stand in.
 * - Retries are the SDKs' "standard" mode: throttling, 5xx and transient
 *   network errors, exponential backoff with full jitter (base 100 ms, cap
 *   20 s), 3 attempts unless AWS_MAX_ATTEMPTS / max_attempts say otherwise,
 *   and a client-wide retry quota.
 * - Errors come back in struct err with AWS's code as aws_type and AWS's
 *   message, prefixed with the IAM action ("organizations:ListAccounts:
 *   AccessDeniedException: ..."). No secret (secret key, session token, web
 *   identity or container token, signature) is ever put into a message or
 *   a log line.
 *
 * A struct awsclient is safe to share between threads. docs/live.md, "The
 * AWS client", tells the operator's side of all this.
 */
#ifndef AWSCLIENT_AWSCLIENT_H
#define AWSCLIENT_AWSCLIENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct awsclient;

struct awsclient_opts {
	/* An explicit profile (--profile): as with the SDKs, it skips the
	   environment's keys. NULL: $AWS_PROFILE, else "default". */
	const char	*profile;
	/* NULL: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's region,
	   else us-east-1. */
	const char	*region;
	/* One endpoint for every service, before all the variables (the
	   aws CLI's --endpoint-url); NULL: none. */
	const char	*endpoint_url;
	/* 0: $AWS_MAX_ATTEMPTS, the profile's max_attempts, else 3. */
	int		 max_attempts;
	/* Milliseconds; 0: AWSCLIENT_CONNECT_TIMEOUT_MS and
	   AWSCLIENT_TIMEOUT_MS. The request timeout is for one attempt of a
	   call whose answer is read into memory; streamed object reads only
	   give up when no byte arrived for that long. */
	long		 connect_timeout_ms;
	long		 timeout_ms;
};

#define AWSCLIENT_CONNECT_TIMEOUT_MS	3000
#define AWSCLIENT_TIMEOUT_MS		60000
#define AWSCLIENT_DEFAULT_ATTEMPTS	3
#define AWSCLIENT_MAX_ATTEMPTS		20
/* Largest answer read into memory (JSON, XML): a page of 1000 S3 keys is
   about 300 KiB. */
#define AWSCLIENT_MAX_RESPONSE		(16 * 1024 * 1024)
/* Largest request body the client sends. */
#define AWSCLIENT_MAX_REQUEST		(1024 * 1024)

/*
 * Reads the configuration (environment, shared config and credentials
 * files) and chooses the credential source; no request is made yet. Fails
 * with ERR_INVALID when a file cannot be parsed (the file and line are
 * named, never the line's text), the named profile does not exist, a
 * source_profile chain loops or is broken, or a setting is malformed; with
 * ERR_AUTH when no source of credentials is configured at all. *out is the
 * caller's, freed with awsclient_free().
 */
int	awsclient_new(const struct awsclient_opts *,
	    struct awsclient **out /* OUT */, struct err *);
void	awsclient_free(struct awsclient *);

/* What the client resolved, for diagnostics: nothing in it is secret. */
struct awsclient_info {
	char		 profile[128];
	char		 region[64];
	char		 source[160];	/* "environment", "assume-role dev <- ..." */
	char		 access_key[129];	/* the key id (not a secret) */
	int64_t		 expires_ms;	/* 0: does not expire */
	int		 max_attempts;
	unsigned long	 refreshes;	/* credential fetches so far */
};

/*
 * Fills *out; with fetch set, first gets (or refreshes) the credentials so
 * that access_key and expires_ms are known. Fails as a credential fetch
 * does.
 */
int	awsclient_info(struct awsclient *, int fetch,
	    struct awsclient_info *out /* OUT */, struct err *);

/*
 * The endpoint a service's calls go to ("https://sts.eu-west-1.amazonaws.com"
 * or the configured override), into out of size len; -1 when it does not fit.
 */
int	awsclient_endpoint(struct awsclient *, const char *service, char *out,
	    size_t len);

/*
 * One AWS JSON 1.1 call: POST / with X-Amz-Target <prefix>.<operation> for
 * service ("organizations", "ce", or any JSON 1.1 service given with its
 * target prefix as "service:Prefix"), input as the body (borrowed; NULL
 * sends {}). On success *out is the decoded answer (an object; the caller
 * json_decref()s it). Fails with AWS's error (aws_type, message), a
 * network error after the retries, or ERR_LIMIT when the answer is larger
 * than AWSCLIENT_MAX_RESPONSE.
 */
int	awsclient_json_call(struct awsclient *, const char *service,
	    const char *operation, json_t *input, json_t **out /* OUT */,
	    struct err *);

/* STS GetCallerIdentity's answer. */
struct aws_identity {
	char	 account[16];
	char	 arn[2048];
	char	 user_id[512];
};

int	awsclient_whoami(struct awsclient *, struct aws_identity *out /* OUT */,
	    struct err *);

/* Temporary credentials, as STS and the credential endpoints give them. */
struct aws_creds {
	char		 access_key[129];
	char		 secret[129];
	char		 token[8192];	/* "" when none */
	int64_t		 expires_ms;	/* 0: does not expire */
};

/* Wipes the secret parts of *c. */
void	aws_creds_clear(struct aws_creds *c);

/*
 * STS AssumeRole with the client's own credentials: the role's temporary
 * credentials into *out (the caller wipes them with aws_creds_clear()).
 * duration_s 0 lets STS choose (one hour); external_id may be NULL.
 */
int	awsclient_assume_role(struct awsclient *, const char *role_arn,
	    const char *session_name, const char *external_id, int duration_s,
	    struct aws_creds *out /* OUT */, struct err *);

/* One object as S3 lists or heads it. */
struct s3_object {
	char		*key;		/* owned by the page or the caller */
	uint64_t	 size;
	char		 etag[128];	/* with its quotes, as S3 sends it */
	int64_t		 last_modified_ms;
};

/* One page of ListObjectsV2. */
struct s3_list_page {
	struct s3_object	*objects;
	size_t			 n;
	char			**prefixes;	/* CommonPrefixes, with a delimiter */
	size_t			 nprefixes;
	char			*next_token;	/* NULL on the last page */
};

#define S3_MAX_KEYS		1000

/*
 * One page of ListObjectsV2 of bucket under prefix (may be NULL), after
 * continuation token `token` (NULL: the first page); delimiter may be NULL;
 * max_keys 0 is S3's 1000. Keys are asked URL-encoded and decoded, so any
 * key survives the XML. Release the page with s3_list_page_release().
 */
int	awsclient_s3_list(struct awsclient *, const char *bucket,
	    const char *prefix, const char *delimiter, const char *token,
	    int max_keys, struct s3_list_page *out /* OUT */, struct err *);
void	s3_list_page_release(struct s3_list_page *);

/* HeadObject: size, ETag and Last-Modified into *out (out->key NULL). */
int	awsclient_s3_head(struct awsclient *, const char *bucket,
	    const char *key, struct s3_object *out /* OUT */, struct err *);

/*
 * Where object bytes go, in order: sink(arg, p, len) returns 0, or -1 with
 * *e filled to stop the read.
 */
struct s3_sink {
	int	(*fn)(void *arg, const void *p, size_t len, struct err *);
	void	*arg;
};

/* A sink that writes to the file descriptor *(int *)arg (a pipe too). */
int	s3_sink_fd(void *arg, const void *p, size_t len, struct err *);

/*
 * GetObject of bytes [off, off + len) (len 0: to the end) into sink,
 * streamed: the bytes are not held in memory. When etag is not NULL the
 * read is made with If-Match, so a replaced object fails with
 * PreconditionFailed rather than mixing two versions. A connection lost
 * midway is resumed from the next byte (that counts as an attempt).
 */
int	awsclient_s3_get(struct awsclient *, const char *bucket,
	    const char *key, const char *etag, uint64_t off, uint64_t len,
	    const struct s3_sink *, struct err *);

struct s3_read_opts {
	unsigned	 parallel;	/* ranged reads at once; 0: 4 */
	size_t		 part_size;	/* bytes per read; 0: 8 MiB */
};

#define S3_MAX_PARALLEL		16
#define S3_MIN_PART		(64 * 1024)
#define S3_MAX_PART		(256 * 1024 * 1024)

/*
 * The whole object into sink, in order, read as parallel ranged GETs
 * pinned to the ETag HeadObject gave (If-Match). At most parallel *
 * part_size bytes are held in memory and nothing is written to disk but
 * what the sink writes. *head_out (may be NULL) gets HeadObject's answer.
 */
int	awsclient_s3_read(struct awsclient *, const char *bucket,
	    const char *key, const struct s3_read_opts *, const struct s3_sink *,
	    struct s3_object *head_out /* OUT, may be NULL */, struct err *);

#endif
