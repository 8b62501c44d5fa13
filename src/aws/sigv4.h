/* SPDX-License-Identifier: MIT */
/*
 * AWS Signature Version 4, header-signed requests: parsing the
 * Authorization header, the canonical request, the string to sign, the
 * derived key and a constant-time comparison. Knows nothing of accounts: the
 * caller looks up the secret for sig->access_key.
 */
#ifndef AWS_SIGV4_H
#define AWS_SIGV4_H

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
	char	signature[65];		/* lowercase hex */
};

/*
 * Parses "AWS4-HMAC-SHA256 Credential=AK/20261126/us-east-1/organizations/
 * aws4_request, SignedHeaders=a;b, Signature=hex". Fails with
 * IncompleteSignatureException (AWS's message names what is missing).
 */
int	sigv4_parse_auth(const char *header, struct sigv4_auth *out /* OUT */,
	    struct err *);

/*
 * Appends the canonical request for r, signing only the headers listed in
 * signed_headers, to out. Header values are trimmed and inner runs of spaces
 * folded; duplicate headers are joined with ','; the query is sorted and
 * re-encoded. Fails with IncompleteSignatureException when a signed header
 * is absent.
 */
int	sigv4_canonical_request(const struct request *r,
	    const char *signed_headers, struct buf *out, struct err *);

/* Hex signature of the canonical request under secret; out holds 65 bytes. */
void	sigv4_sign(const char *canonical_request, size_t len,
	    const char *amz_date, const struct sigv4_auth *, const char *secret,
	    char out[65]);

/*
 * Verifies r, signed as sig says, against secret, for service `service` at
 * real time now_ms. Fails with InvalidSignatureException on a mismatch, a
 * wrong service in the scope, or a date more than 15 minutes off
 * ("Signature expired: ..."); IncompleteSignatureException when X-Amz-Date
 * is missing or malformed.
 */
int	sigv4_verify(const struct request *r, const struct sigv4_auth *sig,
	    const char *secret, const char *service, int64_t now_ms,
	    struct err *);

#endif
