/* SPDX-License-Identifier: MIT */
/*
 * AWS Signature Version 4, header-signed requests: parsing the
 * Authorization header, the canonical request, the string to sign, the
 * derived key and a constant-time comparison. Knows nothing of accounts: the
 * caller looks up the secret for sig->access_key. Not handled: presigned
 * URLs (X-Amz-* query parameters), the Date header in place of X-Amz-Date,
 * and S3's rules (unnormalized, singly encoded paths, X-Amz-Content-SHA256
 * standing in for the body hash).
 *
 * Every signature error is ERR_AUTH with e->http_status 400, AWS's error
 * name and, where known, AWS's words; a message that echoes the
 * Authorization header is cut at sizeof(e->msg).
 */
#ifndef CORE_SIGV4_H
#define CORE_SIGV4_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/message.h"

#define SIGV4_MAX_SKEW_MS	(15LL * 60 * 1000)

struct sigv4_auth {
	char	access_key[129];
	char	date[9];		/* yyyymmdd from the credential scope */
	char	region[64];
	char	service[64];
	char	signed_headers[1024];	/* "content-type;host;x-amz-date" */
	char	signature[65];		/* as sent (lowercase hex), or ""
					   when longer than 64: no match */
};

/*
 * Parses "AWS4-HMAC-SHA256 Credential=AK/20261126/us-east-1/organizations/
 * aws4_request, SignedHeaders=a;b, Signature=hex". Parameters may come in
 * any order, separated by commas and/or white space. Fails with
 * IncompleteSignatureException when a parameter is missing or empty (AWS's
 * message names each one; another scheme than AWS4-HMAC-SHA256 counts as
 * all three missing), a token has no '=', a parameter repeats, the scope is
 * not KEY/yyyymmdd/region/service/term or a field is longer than the struct
 * holds, or SignedHeaders lacks host; with InvalidSignatureException when
 * the scope's terminator is not aws4_request. Any region is accepted.
 */
int	sigv4_parse_auth(const char *header, struct sigv4_auth *out /* OUT */,
	    struct err *);

/*
 * Appends the canonical request for r, signing only the headers listed in
 * signed_headers, to out. The path (raw, as on the wire) loses its dot
 * segments and empty segments, then is URI-encoded again, '%' included, as
 * the SDKs sign for every service but S3. The query's names and values are
 * decoded, re-encoded and sorted. Header values are trimmed and inner runs
 * of white space (folded lines too) become one space; duplicate headers are
 * joined with ','. The payload hash is r->body_sha256, or that of r->body
 * when NULL. Fails with IncompleteSignatureException when a signed header
 * is absent or a name in the list is empty or malformed, with ERR_LIMIT
 * when out's cap is reached.
 */
int	sigv4_canonical_request(const struct request *r,
	    const char *signed_headers, struct buf *out, struct err *);

/* Hex signature of the canonical request under secret; out holds 65 bytes. */
void	sigv4_sign(const char *canonical_request, size_t len,
	    const char *amz_date, const struct sigv4_auth *, const char *secret,
	    char out[65]);

/*
 * Verifies r, signed as sig says, against secret, for service `service` at
 * real time now_ms. Fails with IncompleteSignatureException when X-Amz-Date
 * is missing, repeated or malformed, when a Content-Type or x-amz-* header
 * (X-Amz-Target, X-Amz-Content-SHA256, ...) is present but not in
 * SignedHeaders ("There were headers present in the request which were
 * not signed: ..."), or as sigv4_canonical_request() does;
 * with InvalidSignatureException when the scope names another service, the
 * scope's date is not X-Amz-Date's, X-Amz-Date is more than 15 minutes
 * before or after now_ms ("Signature expired: ..." / "Signature not yet
 * current: ..."), or the signature does not match.
 */
int	sigv4_verify(const struct request *r, const struct sigv4_auth *sig,
	    const char *secret, const char *service, int64_t now_ms,
	    struct err *);

/*
 * The payload hashes x-amz-content-sha256 may declare for a body that is
 * verified as it streams (S3's forms; uploads, rest/import_api.c): the
 * body is not signed, or signed chunk by chunk (aws-chunked).
 */
#define SIGV4_UNSIGNED_PAYLOAD	"UNSIGNED-PAYLOAD"
#define SIGV4_STREAMING_PAYLOAD	"STREAMING-AWS4-HMAC-SHA256-PAYLOAD"

/*
 * An aws-chunked body (x-amz-content-sha256:
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD) as AWS's SDKs stream uploads:
 * "<hex size>;chunk-signature=<sig>\r\n<data>\r\n" per chunk, a last chunk
 * of size 0, each chunk's signature chained to the previous one and the
 * first to the request's (the seed). Decoded in constant memory; the data
 * is handed on as it arrives and each chunk's signature is checked at its
 * end, so the caller must not act on the data before sigv4_chunks_end().
 */
struct sigv4_chunks {
	unsigned char	 key[32];	/* the derived signing key */
	char		 amz_date[17];
	char		 scope[200];	/* date/region/service/aws4_request */
	char		 prev[65];	/* the previous chunk's signature */
	char		 want[65];	/* the current chunk's, as sent */
	void		*sha;		/* EVP_MD_CTX of the current chunk */
	uint64_t	 left;		/* data bytes left in the current chunk */
	uint64_t	 decoded;	/* data bytes so far */
	int		 last;		/* the current chunk is the empty one */
	char		 line[128];	/* a chunk header line being read */
	size_t		 linelen;
	int		 state;
};

/*
 * Starts decoding a body whose request was verified with sig (its
 * signature is the seed) and secret, at X-Amz-Date amz_date.
 */
void	sigv4_chunks_init(struct sigv4_chunks *, const struct sigv4_auth *sig,
	    const char *secret, const char *amz_date);
/*
 * Decodes the next n bytes of the body, handing data to out(arg, p, len).
 * Fails with InvalidSignatureException when a chunk's signature does not
 * match (nothing after it is decoded), with ERR_INVALID "IncompleteBody"
 * when the framing is malformed or data follows the last chunk.
 */
int	sigv4_chunks_feed(struct sigv4_chunks *, const char *p, size_t n,
	    void (*out)(void *, const char *, size_t), void *arg, struct err *);
/* The body ended: fails with "IncompleteBody" unless the last chunk came. */
int	sigv4_chunks_end(const struct sigv4_chunks *, struct err *);
void	sigv4_chunks_release(struct sigv4_chunks *);

/*
 * The signer's side, for the AWS client (awsclient/): the same canonical
 * request the verifier rebuilds, so that what payerlink signs and what it
 * verifies can never drift apart. With SIGV4_S3_PATH the path is signed as
 * S3 and the S3 test cases ("normalize": false) want it: neither dot nor
 * empty segments removed, each byte outside A-Za-z0-9-._~/ encoded once (a
 * %XX already on the wire is decoded first, so a client's encoding of a key
 * is not encoded twice). Fails as sigv4_canonical_request() does.
 */
#define SIGV4_S3_PATH	(1 << 0)

int	sigv4_canonical_request_flags(const struct request *r,
	    const char *signed_headers, int flags, struct buf *out,
	    struct err *);

/*
 * Signs r for a client: the hex signature, under secret, of r's canonical
 * request (signed_headers, flags as above) for the scope in a (date,
 * region, service) at amz_date ("YYYYMMDDTHHMMSSZ"). sig_out holds 65 bytes.
 */
int	sigv4_sign_request(const struct request *r, const char *signed_headers,
	    int flags, const char *amz_date, const struct sigv4_auth *a,
	    const char *secret, char sig_out[65], struct err *);

#endif
