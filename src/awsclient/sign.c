/* SPDX-License-Identifier: MIT */
/*
 * Signing a request the way the SDKs do, on top of the server's own
 * canonicalization (core/sigv4.c: sigv4_sign_request), so that what the
 * client signs and what the server verifies are one piece of code. This
 * file owns the header list, which headers are signed and the Authorization
 * header; the canonical request and the HMAC chain are core's.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "awsclient/internal.h"
#include "core/codec.h"
#include "core/message.h"
#include "core/sigv4.h"
#include "core/xmalloc.h"

void
hdrs_init(struct hdrs *h)
{
	memset(h, 0, sizeof(*h));
}

void
hdrs_release(struct hdrs *h)
{
	size_t	 i;

	for (i = 0; i < h->n; i++) {
		OPENSSL_cleanse(h->h[i].value, strlen(h->h[i].value));
		xfree(h->h[i].name);
		xfree(h->h[i].value);
	}
	h->n = 0;
}

void
hdrs_add(struct hdrs *h, const char *name, const char *value)
{
	if (h->n >= HDRS_MAX)
		abort();
	h->h[h->n].name = xstrdup(name);
	h->h[h->n].value = xstrdup(value);
	h->n++;
}

const char *
hdrs_get(const struct hdrs *h, const char *name)
{
	size_t	 i;

	for (i = 0; i < h->n; i++)
		if (strcasecmp(h->h[i].name, name) == 0)
			return (h->h[i].value);
	return (NULL);
}

void
url_encode(struct buf *b, const char *s, int keep_slash)
{
	static const char	 hx[] = "0123456789ABCDEF";
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~' || (keep_slash && *p == '/')) {
			buf_addc(b, (char)*p);
			continue;
		}
		buf_addc(b, '%');
		buf_addc(b, hx[*p >> 4]);
		buf_addc(b, hx[*p & 15]);
	}
}

static int
name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/*
 * The signed header list: every header name lowercased, sorted, each once.
 * User-Agent stays out, as in botocore: proxies rewrite it.
 */
static void
signed_list(const struct hdrs *h, struct buf *out)
{
	char	*names[HDRS_MAX];
	size_t	 i, j, n = 0;

	for (i = 0; i < h->n; i++) {
		if (strcasecmp(h->h[i].name, "User-Agent") == 0)
			continue;
		names[n] = xstrdup(h->h[i].name);
		for (j = 0; names[n][j] != '\0'; j++)
			if (names[n][j] >= 'A' && names[n][j] <= 'Z')
				names[n][j] = (char)(names[n][j] - 'A' + 'a');
		n++;
	}
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0) {
			if (out->len > 0)
				buf_addc(out, ';');
			buf_adds(out, names[i]);
		}
	}
	for (i = 0; i < n; i++)
		xfree(names[i]);
}

int
aws_sign(struct hdrs *h, const char *method, const char *path,
    const char *query, const void *body, size_t body_len,
    const struct signing *s, char *sig_out, struct err *e)
{
	struct header		 rh[HDRS_MAX];
	struct request		 r;
	struct sigv4_auth	 a;
	struct buf		 list, auth;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen;
	char			 amz[17], hash[65], sig[65];
	struct tm		 tm;
	time_t			 t;
	size_t			 i;
	int			 rc = -1;

	t = (time_t)(s->now_ms / 1000);
	gmtime_r(&t, &tm);
	strftime(amz, sizeof(amz), "%Y%m%dT%H%M%SZ", &tm);
	if (EVP_Digest(body != NULL ? body : "", body_len, md, &mdlen,
	    EVP_sha256(), NULL) != 1)
		abort();
	hex_encode(md, mdlen, hash);

	hdrs_add(h, "X-Amz-Date", amz);
	if (s->flags & SIGN_BODY_HEADER)
		hdrs_add(h, "X-Amz-Content-SHA256", hash);
	if (s->creds->token[0] != '\0' && !(s->flags & SIGN_TOKEN_UNSIGNED))
		hdrs_add(h, "X-Amz-Security-Token", s->creds->token);

	memset(&r, 0, sizeof(r));
	for (i = 0; i < h->n; i++) {
		rh[i].name = h->h[i].name;
		rh[i].value = h->h[i].value;
	}
	r.method = method;
	r.path = path;
	r.query = query != NULL ? query : "";
	r.headers = rh;
	r.nheaders = h->n;
	r.body = body;
	r.body_len = body_len;
	r.body_sha256 = hash;

	memset(&a, 0, sizeof(a));
	snprintf(a.date, sizeof(a.date), "%.8s", amz);
	snprintf(a.region, sizeof(a.region), "%s", s->region);
	snprintf(a.service, sizeof(a.service), "%s", s->service);
	buf_init(&list, 0);
	buf_init(&auth, 0);
	signed_list(h, &list);
	if (sigv4_sign_request(&r, buf_str(&list), (s->flags & SIGN_S3_PATH) ?
	    SIGV4_S3_PATH : 0, amz, &a, s->creds->secret, sig, e) == -1)
		goto out;
	buf_printf(&auth, "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/"
	    "aws4_request, SignedHeaders=%s, Signature=%s",
	    s->creds->access_key, a.date, a.region, a.service, buf_str(&list),
	    sig);
	hdrs_add(h, "Authorization", buf_str(&auth));
	if (s->creds->token[0] != '\0' && (s->flags & SIGN_TOKEN_UNSIGNED))
		hdrs_add(h, "X-Amz-Security-Token", s->creds->token);
	if (sig_out != NULL)
		memcpy(sig_out, sig, sizeof(sig));
	rc = 0;
out:
	OPENSSL_cleanse(sig, sizeof(sig));
	buf_release(&list);
	buf_release(&auth);
	return (rc);
}
