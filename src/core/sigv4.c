/* SPDX-License-Identifier: MIT */
/*
 * AWS Signature Version 4 for header-signed requests: see sigv4.h. This file
 * owns the Authorization header grammar, the canonical request, the HMAC
 * chain and the AWS wording of every signature error. It does not own the
 * secret (the caller looks it up by access key), presigned URLs (query
 * signing) or S3's unnormalized, singly encoded paths.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/codec.h"
#include "core/sigv4.h"
#include "core/xmalloc.h"

#define SIGV4_ALGORITHM		"AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR	"aws4_request"
#define SIGV4_AMZ_DATE_LEN	16	/* "20261126T110013Z" */

#define INCOMPLETE	AWSERR(IncompleteSignatureException)
#define INVALID		AWSERR(InvalidSignatureException)

/* AWS: the exact message of InvalidSignatureException on a mismatch. */
#define MSG_MISMATCH	"The request signature we calculated does not " \
	"match the signature you provided. Check your AWS Secret Access Key " \
	"and signing method. Consult the service documentation for details."

struct query_param {
	const char	*key;	/* encoded, NUL-terminated */
	const char	*value;	/* encoded, NUL-terminated */
};

static int	auth_fail(struct err *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * Every signature error is ERR_AUTH answered with 400, as AWS JSON services
 * answer IncompleteSignatureException and InvalidSignatureException.
 */
static int
auth_fail(struct err *e, const char *aws_type, const char *fmt, ...)
{
	char	 msg[sizeof(e->msg)];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_set(e, ERR_AUTH, aws_type, NULL, "%s", msg);
	if (e != NULL)
		e->http_status = 400;
	return (-1);
}

static int
is_space(int c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f');
}

static int
is_unreserved(int c)
{
	return ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~');
}

/* RFC 9110 tchar: the bytes a header field name may hold. */
static int
is_tchar(int c)
{
	return (is_unreserved(c) || (c != '\0' && strchr("!#$%&'*+^`|", c)));
}

/* Appends p, each byte outside A-Za-z0-9-._~ as %XX (uppercase). */
static int
uri_encode(struct buf *out, const char *p, size_t len)
{
	static const char	 hx[] = "0123456789ABCDEF";
	const unsigned char	*s = (const unsigned char *)p;
	char			 pct[3];
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < len; i++) {
		if (is_unreserved(s[i])) {
			rc |= buf_addc(out, (char)s[i]);
			continue;
		}
		pct[0] = '%';
		pct[1] = hx[s[i] >> 4];
		pct[2] = hx[s[i] & 15];
		rc |= buf_add(out, pct, 3);
	}
	return (rc);
}

/* Decodes each valid %XX of p[0..len) in place; returns the new length. */
static size_t
uri_decode(char *p, size_t len)
{
	size_t	 i, o = 0;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (p[i] == '%' && i + 2 < len &&
		    (hi = hex_digit((unsigned char)p[i + 1])) != -1 &&
		    (lo = hex_digit((unsigned char)p[i + 2])) != -1) {
			p[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			p[o++] = p[i];
	}
	return (o);
}

/*
 * The canonical URI of a non-S3 service, as botocore and the AWS SDKs sign
 * it: the path as sent on the wire, dot segments removed and empty segments
 * dropped (RFC 3986 5.2.4 plus AWS's "collapse multiple slashes"), then
 * URI-encoded once more. The wire path is already encoded by the client, so
 * a '%' in it becomes "%25": AWS calls this encoding each segment twice, and
 * a verifier that decoded first would reject every client that sends one.
 */
static int
uri_append(struct buf *out, const char *path)
{
	size_t	*seg, nseg = 0, cap = 1, i, len, start;
	int	 rc = 0, trailing;

	len = strlen(path);
	for (i = 0; i < len; i++)
		if (path[i] == '/')
			cap++;
	seg = xmalloc(cap * 2 * sizeof(*seg));
	for (start = 0; start <= len; start = i + 1) {
		for (i = start; i < len && path[i] != '/'; i++)
			;
		if (i == start || (i - start == 1 && path[start] == '.'))
			continue;
		if (i - start == 2 && path[start] == '.' &&
		    path[start + 1] == '.') {
			if (nseg > 0)
				nseg--;
			continue;
		}
		seg[2 * nseg] = start;
		seg[2 * nseg + 1] = i - start;
		nseg++;
	}
	trailing = len > 0 && path[len - 1] == '/';
	rc |= buf_addc(out, '/');
	for (i = 0; i < nseg; i++) {
		if (i > 0)
			rc |= buf_addc(out, '/');
		rc |= uri_encode(out, path + seg[2 * i], seg[2 * i + 1]);
	}
	if (nseg > 0 && trailing)
		rc |= buf_addc(out, '/');
	xfree(seg);
	return (rc);
}

static int
query_param_cmp(const void *a, const void *b)
{
	const struct query_param	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->key, y->key)) != 0)
		return (c);
	return (strcmp(x->value, y->value));
}

/*
 * The canonical query: each name and value decoded and encoded again (so a
 * client's %7e and ~ sign alike), "name" without '=' taken as "name=",
 * sorted by encoded name, then encoded value.
 */
static int
query_append(struct buf *out, const char *query)
{
	struct query_param	*param = NULL;
	struct buf		 enc;
	size_t			*off = NULL, n = 0, cap = 1, i, len, klen;
	const char		*p, *amp, *eq;
	char			*tmp = NULL;
	int			 rc = 0;

	if (query == NULL || *query == '\0')
		return (0);
	for (p = query; *p != '\0'; p++)
		if (*p == '&')
			cap++;
	off = xmalloc(cap * 2 * sizeof(*off));
	buf_init(&enc, 0);
	tmp = xmalloc(strlen(query) + 1);
	for (p = query; p != NULL; p = amp != NULL ? amp + 1 : NULL) {
		amp = strchr(p, '&');
		len = amp != NULL ? (size_t)(amp - p) : strlen(p);
		if (len == 0)
			continue;
		eq = memchr(p, '=', len);
		klen = eq != NULL ? (size_t)(eq - p) : len;
		memcpy(tmp, p, klen);
		off[2 * n] = enc.len;
		rc |= uri_encode(&enc, tmp, uri_decode(tmp, klen));
		rc |= buf_addc(&enc, '\0');
		off[2 * n + 1] = enc.len;
		if (eq != NULL) {
			memcpy(tmp, eq + 1, len - klen - 1);
			rc |= uri_encode(&enc, tmp,
			    uri_decode(tmp, len - klen - 1));
		}
		rc |= buf_addc(&enc, '\0');
		n++;
	}
	if (rc == 0 && n > 0) {
		/* enc no longer moves: offsets become pointers. */
		param = xmalloc(n * sizeof(*param));
		for (i = 0; i < n; i++) {
			param[i].key = enc.ptr + off[2 * i];
			param[i].value = enc.ptr + off[2 * i + 1];
		}
		qsort(param, n, sizeof(*param), query_param_cmp);
		for (i = 0; i < n; i++) {
			if (i > 0)
				rc |= buf_addc(out, '&');
			rc |= buf_adds(out, param[i].key);
			rc |= buf_addc(out, '=');
			rc |= buf_adds(out, param[i].value);
		}
	}
	xfree(param);
	xfree(tmp);
	xfree(off);
	buf_release(&enc);
	return (rc);
}

/*
 * Appends a header value trimmed, with every run of white space inside it
 * (a folded continuation line included) folded to one space.
 */
static int
value_append(struct buf *out, const char *v)
{
	const char	*run;
	int		 rc = 0;

	while (is_space((unsigned char)*v))
		v++;
	while (*v != '\0') {
		for (run = v; *v != '\0' && !is_space((unsigned char)*v); v++)
			;
		rc |= buf_add(out, run, (size_t)(v - run));
		while (is_space((unsigned char)*v))
			v++;
		if (*v != '\0')
			rc |= buf_addc(out, ' ');
	}
	return (rc);
}

/*
 * One "name:value\n" line per signed header, in the order of the list (which
 * the client sorted); headers that repeat are joined with ',' in the order
 * received.
 */
static int
headers_append(const struct request *r, const char *signed_headers,
    struct buf *out, int *rc, struct err *e)
{
	const char	*p = signed_headers, *end;
	size_t		 n, i, found;

	for (;;) {
		end = strchr(p, ';');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n == 0)
			return (auth_fail(e, INCOMPLETE, "SignedHeaders holds "
			    "an empty header name: '%s'.", signed_headers));
		for (i = 0; i < n; i++) {
			if (!is_tchar((unsigned char)p[i]))
				return (auth_fail(e, INCOMPLETE,
				    "SignedHeaders holds a malformed header "
				    "name: '%s'.", signed_headers));
			*rc |= buf_addc(out, (p[i] >= 'A' && p[i] <= 'Z') ?
			    (char)(p[i] - 'A' + 'a') : p[i]);
		}
		*rc |= buf_addc(out, ':');
		for (found = 0, i = 0; i < r->nheaders; i++) {
			if (strlen(r->headers[i].name) != n ||
			    strncasecmp(r->headers[i].name, p, n) != 0)
				continue;
			if (found++ > 0)
				*rc |= buf_addc(out, ',');
			*rc |= value_append(out, r->headers[i].value);
		}
		if (found == 0)
			return (auth_fail(e, INCOMPLETE, "Header '%.*s' is "
			    "listed in SignedHeaders but absent from the "
			    "request.", (int)n, p));
		*rc |= buf_addc(out, '\n');
		if (end == NULL)
			return (0);
		p = end + 1;
	}
}

static void
sha256_hex(const void *p, size_t len, char out[65])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;

	if (EVP_Digest(p, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		abort();
	hex_encode(md, mdlen, out);
}

int
sigv4_canonical_request(const struct request *r, const char *signed_headers,
    struct buf *out, struct err *e)
{
	char	 hash[65];
	int	 rc = 0;

	rc |= buf_adds(out, r->method);
	rc |= buf_addc(out, '\n');
	rc |= uri_append(out, r->path != NULL ? r->path : "");
	rc |= buf_addc(out, '\n');
	rc |= query_append(out, r->query);
	rc |= buf_addc(out, '\n');
	if (headers_append(r, signed_headers, out, &rc, e) == -1)
		return (-1);
	rc |= buf_addc(out, '\n');
	rc |= buf_adds(out, signed_headers);
	rc |= buf_addc(out, '\n');
	if (r->body_sha256 != NULL)
		rc |= buf_adds(out, r->body_sha256);
	else {
		sha256_hex(r->body != NULL ? r->body : "", r->body_len, hash);
		rc |= buf_adds(out, hash);
	}
	if (rc != 0)
		return (err_set(e, ERR_LIMIT, NULL, NULL,
		    "canonical request: longer than its buffer allows"));
	return (0);
}

static void
hmac(const void *key, size_t keylen, const char *data, size_t len,
    unsigned char out[32])
{
	unsigned int	 outlen = 32;

	if (HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)data,
	    len, out, &outlen) == NULL || outlen != 32)
		abort();
}

/* The signing key of a scope: HMAC chain from "AWS4" + secret. */
static void
derive_key(const char *secret, const struct sigv4_auth *a, unsigned char k[32])
{
	struct buf	 key;

	buf_init(&key, 0);
	buf_printf(&key, "AWS4%s", secret);
	hmac(key.ptr, key.len, a->date, strlen(a->date), k);
	hmac(k, 32, a->region, strlen(a->region), k);
	hmac(k, 32, a->service, strlen(a->service), k);
	hmac(k, 32, SIGV4_TERMINATOR, strlen(SIGV4_TERMINATOR), k);
	OPENSSL_cleanse(key.ptr, key.len);
	buf_release(&key);
}

void
sigv4_sign(const char *canonical_request, size_t len, const char *amz_date,
    const struct sigv4_auth *a, const char *secret, char out[65])
{
	struct buf	 sts;
	unsigned char	 k[32];
	char		 hash[65];

	sha256_hex(canonical_request, len, hash);
	buf_init(&sts, 0);
	buf_printf(&sts, "%s\n%s\n%s/%s/%s/%s\n%s", SIGV4_ALGORITHM, amz_date,
	    a->date, a->region, a->service, SIGV4_TERMINATOR, hash);
	derive_key(secret, a, k);
	hmac(k, sizeof(k), sts.ptr, sts.len, k);
	hex_encode(k, sizeof(k), out);
	OPENSSL_cleanse(k, sizeof(k));
	buf_release(&sts);
}

/* Copies s[0..len) to dst of size dstlen; -1 if it does not fit. */
static int
copy_field(char *dst, size_t dstlen, const char *s, size_t len)
{
	if (len >= dstlen)
		return (-1);
	memcpy(dst, s, len);
	dst[len] = '\0';
	return (0);
}

/* KEY/yyyymmdd/region/service/aws4_request into out. */
static int
credential_parse(const char *cred, size_t len, struct sigv4_auth *out,
    struct err *e)
{
	const char	*part[5], *p, *end = cred + len;
	size_t		 plen[5], n = 0, i;

	for (p = cred; n < 5; n++) {
		part[n] = p;
		while (p < end && *p != '/')
			p++;
		plen[n] = (size_t)(p - part[n]);
		if (p == end || n == 4)
			break;
		p++;
	}
	if (n != 4 || p != end)
		return (auth_fail(e, INCOMPLETE, "Credential must have exactly "
		    "5 slash-delimited elements, e.g. keyid/date/region/"
		    "service/term, got '%.*s'", (int)len, cred));
	for (i = 0; i < 5; i++)
		if (plen[i] == 0)
			return (auth_fail(e, INCOMPLETE, "Credential has an "
			    "empty element, got '%.*s'", (int)len, cred));
	if (copy_field(out->access_key, sizeof(out->access_key), part[0],
	    plen[0]) == -1)
		return (auth_fail(e, INCOMPLETE, "Credential access key is "
		    "longer than %zu characters.",
		    sizeof(out->access_key) - 1));
	for (i = 0; i < plen[1]; i++)
		if (part[1][i] < '0' || part[1][i] > '9')
			break;
	if (plen[1] != 8 || i != 8)
		return (auth_fail(e, INCOMPLETE, "Credential date must be "
		    "yyyyMMdd, got '%.*s'.", (int)plen[1], part[1]));
	copy_field(out->date, sizeof(out->date), part[1], plen[1]);
	if (copy_field(out->region, sizeof(out->region), part[2],
	    plen[2]) == -1)
		return (auth_fail(e, INCOMPLETE, "Credential region is longer "
		    "than %zu characters.", sizeof(out->region) - 1));
	if (copy_field(out->service, sizeof(out->service), part[3],
	    plen[3]) == -1)
		return (auth_fail(e, INCOMPLETE, "Credential service is "
		    "longer than %zu characters.", sizeof(out->service) - 1));
	/* AWS: a bad terminator is a signature error, not a malformed one. */
	if (plen[4] != strlen(SIGV4_TERMINATOR) ||
	    memcmp(part[4], SIGV4_TERMINATOR, plen[4]) != 0)
		return (auth_fail(e, INVALID, "Credential should be scoped "
		    "with a valid terminator: '%s', not '%.*s'. ",
		    SIGV4_TERMINATOR, (int)plen[4], part[4]));
	return (0);
}

/* 1 if the ';'-separated list names header (case-insensitively). */
static int
list_has(const char *list, const char *name)
{
	size_t		 nlen = strlen(name), n;
	const char	*end;

	for (;;) {
		end = strchr(list, ';');
		n = end != NULL ? (size_t)(end - list) : strlen(list);
		if (n == nlen && strncasecmp(list, name, n) == 0)
			return (1);
		if (end == NULL)
			return (0);
		list = end + 1;
	}
}

int
sigv4_parse_auth(const char *header, struct sigv4_auth *out, struct err *e)
{
	const char	*p, *tok, *eq, *val[3] = { NULL, NULL, NULL };
	static const char *const name[3] = {
		"Credential", "Signature", "SignedHeaders"
	};
	size_t		 vlen[3] = { 0, 0, 0 }, len, i;
	char		 msg[sizeof(e->msg)];
	int		 n;

	memset(out, 0, sizeof(*out));
	for (p = header; is_space((unsigned char)*p); p++)
		;
	tok = p;
	while (*p != '\0' && !is_space((unsigned char)*p))
		p++;
	/*
	 * AWS reads any other scheme ("AWS AK:sig", "Bearer x") as a SigV4
	 * header missing all three parameters, and says so.
	 */
	if ((size_t)(p - tok) == strlen(SIGV4_ALGORITHM) &&
	    memcmp(tok, SIGV4_ALGORITHM, (size_t)(p - tok)) == 0) {
		/* Parameters are split at commas and at white space alike. */
		for (;;) {
			while (*p == ',' || is_space((unsigned char)*p))
				p++;
			if (*p == '\0')
				break;
			tok = p;
			while (*p != '\0' && *p != ',' &&
			    !is_space((unsigned char)*p))
				p++;
			len = (size_t)(p - tok);
			if ((eq = memchr(tok, '=', len)) == NULL)
				return (auth_fail(e, INCOMPLETE, "'%.*s' not a "
				    "valid key=value pair (missing equal-sign) "
				    "in Authorization header: '%s'.", (int)len,
				    tok, header));
			for (i = 0; i < 3; i++) {
				if ((size_t)(eq - tok) != strlen(name[i]) ||
				    memcmp(tok, name[i], strlen(name[i])) != 0)
					continue;
				if (val[i] != NULL)
					return (auth_fail(e, INCOMPLETE,
					    "Authorization header has more "
					    "than one '%s' parameter.",
					    name[i]));
				val[i] = eq + 1;
				vlen[i] = len - (size_t)(eq - tok) - 1;
			}
		}
	}
	/* AWS: one sentence per missing parameter, then the header. */
	for (msg[0] = '\0', n = 0, i = 0; i < 3; i++) {
		if (vlen[i] > 0)
			continue;
		n += snprintf(msg + n, sizeof(msg) - (size_t)n, "Authorization "
		    "header requires '%s' parameter. ", name[i]);
		if ((size_t)n >= sizeof(msg))
			n = (int)sizeof(msg) - 1;
	}
	if (n > 0)
		return (auth_fail(e, INCOMPLETE, "%sAuthorization=%s", msg,
		    header));

	if (credential_parse(val[0], vlen[0], out, e) == -1)
		return (-1);
	if (copy_field(out->signed_headers, sizeof(out->signed_headers),
	    val[2], vlen[2]) == -1)
		return (auth_fail(e, INCOMPLETE, "SignedHeaders is longer than "
		    "%zu characters.", sizeof(out->signed_headers) - 1));
	/* AWS: requires host to be signed (the message is API Gateway's). */
	if (!list_has(out->signed_headers, "host"))
		return (auth_fail(e, INCOMPLETE, "'Host' or ':authority' must "
		    "be a 'SignedHeader' in the AWS Authorization."));
	/* One longer than a SHA-256 in hex cannot match: kept as "". */
	copy_field(out->signature, sizeof(out->signature), val[1], vlen[1]);
	return (0);
}

/*
 * AWS: every x-amz-* header present and Content-Type must be signed, since
 * they change what a request means (X-Amz-Target names the operation): a
 * request signed over only host and x-amz-date could otherwise be replayed
 * within the 15 minutes as another operation or with another payload hash.
 * The message lists the unsigned ones, as S3's HeadersNotSigned does.
 */
static int
headers_all_signed(const struct request *r, const struct sigv4_auth *sig,
    struct err *e)
{
	struct buf	 missing;
	const char	*name;
	size_t		 i;
	int		 rc = 0;

	buf_init(&missing, 512);
	for (i = 0; i < r->nheaders; i++) {
		name = r->headers[i].name;
		if (strncasecmp(name, "x-amz-", 6) != 0 &&
		    strcasecmp(name, "content-type") != 0)
			continue;
		if (list_has(sig->signed_headers, name))
			continue;
		if (missing.len > 0)
			buf_adds(&missing, ", ");
		buf_adds(&missing, name);
	}
	if (missing.len > 0)
		rc = auth_fail(e, INCOMPLETE, "There were headers present in "
		    "the request which were not signed: %s", buf_str(&missing));
	buf_release(&missing);
	return (rc);
}

/* "YYYYMMDDTHHMMSSZ" of a time, to the second. */
static void
amz_format(int64_t ms, char out[SIGV4_AMZ_DATE_LEN + 1])
{
	char	 iso[32];
	size_t	 i, o = 0;

	clock_iso8601(ms, iso, sizeof(iso));
	for (i = 0; iso[i] != '\0' && o < SIGV4_AMZ_DATE_LEN; i++)
		if (iso[i] != '-' && iso[i] != ':')
			out[o++] = iso[i];
	out[o] = '\0';
}

int
sigv4_verify(const struct request *r, const struct sigv4_auth *sig,
    const char *secret, const char *service, int64_t now_ms, struct err *e)
{
	struct buf	 creq;
	const char	*v, *end, *auth;
	char		 date[SIGV4_AMZ_DATE_LEN + 1];
	char		 lo[SIGV4_AMZ_DATE_LEN + 1];
	char		 nowstr[SIGV4_AMZ_DATE_LEN + 1];
	char		 want[65];
	int64_t		 t, now;
	size_t		 len;
	int		 ok;

	if ((auth = request_header(r, "Authorization")) == NULL)
		auth = "";
	while (is_space((unsigned char)*auth))
		auth++;
	if ((v = request_header(r, "X-Amz-Date")) == NULL)
		return (auth_fail(e, INCOMPLETE, "Authorization header "
		    "requires existence of either a 'X-Amz-Date' or a 'Date' "
		    "header. Authorization=%s", auth));
	while (is_space((unsigned char)*v))
		v++;
	for (end = v + strlen(v); end > v && is_space((unsigned char)end[-1]);
	    end--)
		;
	len = (size_t)(end - v);
	if (request_header_count(r, "X-Amz-Date") != 1 ||
	    copy_field(date, sizeof(date), v, len) == -1 ||
	    clock_parse_amz(date, &t) == -1)
		return (auth_fail(e, INCOMPLETE, "Date must be in ISO-8601 "
		    "'basic format'. Got '%.*s'. See "
		    "http://en.wikipedia.org/wiki/ISO_8601", (int)len, v));
	if (strcmp(sig->service, service) != 0)
		return (auth_fail(e, INVALID, "Credential should be scoped to "
		    "correct service: '%s'. ", service));
	if (strncmp(sig->date, date, 8) != 0)
		return (auth_fail(e, INVALID, "Date in Credential scope does "
		    "not match YYYYMMDD from ISO-8601 version of date from "
		    "HTTP: '%s' != '%.8s', from '%s'.", sig->date, date, date));

	/* Whole seconds, as X-Amz-Date has them and the message shows. */
	now = now_ms >= 0 ? now_ms / 1000 * 1000 : (now_ms - 999) / 1000 * 1000;
	amz_format(now, nowstr);
	if (t < now - SIGV4_MAX_SKEW_MS) {
		amz_format(now - SIGV4_MAX_SKEW_MS, lo);
		return (auth_fail(e, INVALID, "Signature expired: %s is now "
		    "earlier than %s (%s - 15 min.)", date, lo, nowstr));
	}
	if (t > now + SIGV4_MAX_SKEW_MS) {
		amz_format(now + SIGV4_MAX_SKEW_MS, lo);
		return (auth_fail(e, INVALID, "Signature not yet current: %s "
		    "is still later than %s (%s + 15 min.)", date, lo, nowstr));
	}

	if (headers_all_signed(r, sig, e) == -1)
		return (-1);
	buf_init(&creq, 0);
	if (sigv4_canonical_request(r, sig->signed_headers, &creq, e) == -1) {
		buf_release(&creq);
		return (-1);
	}
	sigv4_sign(creq.ptr, creq.len, date, sig, secret, want);
	buf_release(&creq);
	ok = strlen(sig->signature) == 64 && ct_equal(want, sig->signature, 64);
	OPENSSL_cleanse(want, sizeof(want));
	if (!ok)
		return (auth_fail(e, INVALID, "%s", MSG_MISMATCH));
	return (0);
}

/*
 * aws-chunked bodies: see sigv4.h. The states of the decoder, in the order
 * a chunk goes through them.
 */
enum {
	CHUNK_HEADER,		/* "<hex size>;chunk-signature=<sig>\r\n" */
	CHUNK_DATA,
	CHUNK_CR,		/* the "\r\n" after the data */
	CHUNK_LF,
	CHUNK_DONE		/* after the empty last chunk */
};

#define CHUNK_ALGORITHM	"AWS4-HMAC-SHA256-PAYLOAD"
#define CHUNK_SIG_PARAM	";chunk-signature="
/* sha256(""), in every chunk's string to sign. */
#define EMPTY_SHA256	\
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static int
chunk_fail(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
chunk_fail(struct err *e, const char *fmt, ...)
{
	char	 msg[sizeof(e->msg)];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return (err_set(e, ERR_INVALID, "IncompleteBody", NULL,
	    "aws-chunked body: %s", msg));
}

void
sigv4_chunks_init(struct sigv4_chunks *c, const struct sigv4_auth *sig,
    const char *secret, const char *amz_date)
{
	memset(c, 0, sizeof(*c));
	derive_key(secret, sig, c->key);
	snprintf(c->amz_date, sizeof(c->amz_date), "%s", amz_date);
	snprintf(c->scope, sizeof(c->scope), "%s/%s/%s/%s", sig->date,
	    sig->region, sig->service, SIGV4_TERMINATOR);
	snprintf(c->prev, sizeof(c->prev), "%s", sig->signature);
	c->state = CHUNK_HEADER;
}

void
sigv4_chunks_release(struct sigv4_chunks *c)
{
	EVP_MD_CTX_free(c->sha);
	c->sha = NULL;
	OPENSSL_cleanse(c->key, sizeof(c->key));
}

/* "<hex size>;chunk-signature=<64 hex>" (the line without its CRLF). */
static int
chunk_header(struct sigv4_chunks *c, struct err *e)
{
	const char	*p = c->line;
	uint64_t	 size = 0;
	size_t		 n, i;
	int		 d;

	for (n = 0; (d = hex_digit((unsigned char)p[n])) != -1; n++) {
		if (n == 16)
			return (chunk_fail(e, "a chunk size longer than 16 hex "
			    "digits"));
		size = size << 4 | (uint64_t)d;
	}
	if (n == 0 || strncmp(p + n, CHUNK_SIG_PARAM,
	    strlen(CHUNK_SIG_PARAM)) != 0)
		return (chunk_fail(e, "expected '<hex size>;chunk-signature="
		    "<signature>', got '%.40s'", c->line));
	p += n + strlen(CHUNK_SIG_PARAM);
	for (i = 0; i < 64; i++)
		if (p[i] < '0' || (p[i] > '9' && p[i] < 'a') || p[i] > 'f')
			break;
	if (i != 64 || p[64] != '\0')
		return (chunk_fail(e, "a chunk signature must be 64 lowercase "
		    "hex digits"));
	memcpy(c->want, p, 65);
	c->left = size;
	c->last = size == 0;
	if (c->sha == NULL && (c->sha = EVP_MD_CTX_new()) == NULL)
		abort();
	if (EVP_DigestInit_ex(c->sha, EVP_sha256(), NULL) != 1)
		abort();
	c->state = size > 0 ? CHUNK_DATA : CHUNK_CR;
	return (0);
}

/* The chunk is complete: its signature, chained to the previous one. */
static int
chunk_verify(struct sigv4_chunks *c, struct err *e)
{
	struct buf	 sts;
	unsigned char	 md[32], k[32];
	unsigned int	 mdlen = 32;
	char		 hash[65], got[65];
	int		 ok;

	if (EVP_DigestFinal_ex(c->sha, md, &mdlen) != 1)
		abort();
	hex_encode(md, 32, hash);
	buf_init(&sts, 0);
	buf_printf(&sts, "%s\n%s\n%s\n%s\n%s\n%s", CHUNK_ALGORITHM,
	    c->amz_date, c->scope, c->prev, EMPTY_SHA256, hash);
	hmac(c->key, sizeof(c->key), sts.ptr, sts.len, k);
	buf_release(&sts);
	hex_encode(k, sizeof(k), got);
	ok = ct_equal(got, c->want, 64);
	OPENSSL_cleanse(k, sizeof(k));
	if (!ok)
		return (auth_fail(e, INVALID, "The chunk signature we calculated "
		    "does not match the signature you provided (the chunk "
		    "ending at decoded byte %llu).",
		    (unsigned long long)c->decoded));
	memcpy(c->prev, c->want, sizeof(c->prev));
	return (0);
}

int
sigv4_chunks_feed(struct sigv4_chunks *c, const char *p, size_t n,
    void (*out)(void *, const char *, size_t), void *arg, struct err *e)
{
	size_t	 take;

	while (n > 0) {
		switch (c->state) {
		case CHUNK_HEADER:
			if (*p == '\n') {
				if (c->linelen == 0 ||
				    c->line[c->linelen - 1] != '\r')
					return (chunk_fail(e, "a chunk header "
					    "line must end with CRLF"));
				c->line[c->linelen - 1] = '\0';
				c->linelen = 0;
				if (chunk_header(c, e) == -1)
					return (-1);
			} else if (c->linelen == sizeof(c->line) - 1)
				return (chunk_fail(e, "a chunk header longer "
				    "than %zu bytes", sizeof(c->line) - 1));
			else
				c->line[c->linelen++] = *p;
			p++;
			n--;
			break;
		case CHUNK_DATA:
			take = n < c->left ? n : (size_t)c->left;
			if (EVP_DigestUpdate(c->sha, p, take) != 1)
				abort();
			out(arg, p, take);
			c->left -= take;
			c->decoded += take;
			p += take;
			n -= take;
			if (c->left == 0)
				c->state = CHUNK_CR;
			break;
		case CHUNK_CR:
		case CHUNK_LF:
			if (*p != (c->state == CHUNK_CR ? '\r' : '\n'))
				return (chunk_fail(e, "a chunk's data must be "
				    "followed by CRLF (a chunk longer than its "
				    "size?)"));
			p++;
			n--;
			if (c->state == CHUNK_CR) {
				c->state = CHUNK_LF;
				break;
			}
			if (chunk_verify(c, e) == -1)
				return (-1);
			/* The empty chunk is the last. */
			c->state = c->last ? CHUNK_DONE : CHUNK_HEADER;
			break;
		default:
			return (chunk_fail(e, "data after the last (empty) "
			    "chunk"));
		}
	}
	return (0);
}

int
sigv4_chunks_end(const struct sigv4_chunks *c, struct err *e)
{
	if (c->state != CHUNK_DONE)
		return (chunk_fail(e, "the body ended before its last (empty) "
		    "chunk"));
	return (0);
}

/*
 * S3's canonical URI: the path as the object key has it, encoded once.
 * What the wire already percent-encoded is decoded first, so "%20" and " "
 * both sign as "%20".
 */
static int
uri_append_s3(struct buf *out, const char *path)
{
	char	*tmp;
	size_t	 len, i, start;
	int	 rc = 0;

	len = strlen(path);
	tmp = xmalloc(len + 1);
	memcpy(tmp, path, len + 1);
	len = uri_decode(tmp, len);
	if (len == 0 || tmp[0] != '/')
		rc |= buf_addc(out, '/');
	for (start = 0, i = 0; i <= len; i++) {
		if (i < len && tmp[i] != '/')
			continue;
		rc |= uri_encode(out, tmp + start, i - start);
		if (i < len)
			rc |= buf_addc(out, '/');
		start = i + 1;
	}
	xfree(tmp);
	return (rc);
}

int
sigv4_canonical_request_flags(const struct request *r,
    const char *signed_headers, int flags, struct buf *out, struct err *e)
{
	struct buf	 tmp;
	const char	*nl1, *nl2;
	int		 rc = 0;

	if ((flags & SIGV4_S3_PATH) == 0)
		return (sigv4_canonical_request(r, signed_headers, out, e));
	/*
	 * The verifier's canonical request with its second line (the
	 * normalized URI) swapped for S3's: the query, headers and payload
	 * lines stay the verifier's own.
	 */
	buf_init(&tmp, out->max);
	if (sigv4_canonical_request(r, signed_headers, &tmp, e) == -1) {
		buf_release(&tmp);
		return (-1);
	}
	nl1 = strchr(tmp.ptr, '\n');
	nl2 = nl1 != NULL ? strchr(nl1 + 1, '\n') : NULL;
	if (nl2 == NULL) {
		buf_release(&tmp);
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "canonical request: no URI line"));
	}
	rc |= buf_add(out, tmp.ptr, (size_t)(nl1 - tmp.ptr) + 1);
	rc |= uri_append_s3(out, r->path != NULL ? r->path : "");
	rc |= buf_adds(out, nl2);
	buf_release(&tmp);
	if (rc != 0)
		return (err_set(e, ERR_LIMIT, NULL, NULL,
		    "canonical request: longer than its buffer allows"));
	return (0);
}

int
sigv4_sign_request(const struct request *r, const char *signed_headers,
    int flags, const char *amz_date, const struct sigv4_auth *a,
    const char *secret, char sig_out[65], struct err *e)
{
	struct buf	 creq;

	buf_init(&creq, 0);
	if (sigv4_canonical_request_flags(r, signed_headers, flags, &creq,
	    e) == -1) {
		buf_release(&creq);
		return (-1);
	}
	sigv4_sign(creq.ptr, creq.len, amz_date, a, secret, sig_out);
	buf_release(&creq);
	return (0);
}
