/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/aws/sigv4: every header-signed case of the AWS SigV4
 * test suite (tests/data/sigv4-test-suite, read at run time) must produce
 * AWS's canonical request and signature, verify, and stop verifying after
 * any change to a signed part; the real aws-cli capture of spec 8.1 and a
 * botocore-signed request verify; malformed Authorization headers, a wrong
 * service and clock skew fail with AWS's error names and messages.
 */
#include <dirent.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <strings.h>
#include <sys/stat.h>

#include "test.h"

#include "core/sigv4.h"
#include "core/clock.h"
#include "core/codec.h"
#include "core/xmalloc.h"

/* Prototypes for the TEST() definitions below (and the other files'). */
#define TEST_ENTRY(name)	void test_##name(void);
#include "list.h"
#undef TEST_ENTRY

/*
 * Header-signed cases this verifier must verify: the suite's 38 cases less
 * the 7 with "normalize": false, which sign S3's unnormalized path.
 */
#define SUITE_MIN_VERIFIED	30

#define MAX_HEADERS		32

#define MSG_MISMATCH	"The request signature we calculated does not " \
	"match the signature you provided. Check your AWS Secret Access Key " \
	"and signing method. Consult the service documentation for details."

/* A request parsed from its wire text; everything points into text. */
struct wire {
	struct request	 r;
	struct header	 h[MAX_HEADERS];
	char		*name[MAX_HEADERS];	/* mutable views */
	char		*value[MAX_HEADERS];
	char		*method;
	char		*path;
	char		*query;
	char		*body;
	char		*text;
};

/* One case of the suite. */
struct suite_case {
	char		 name[128];
	char		*signed_req;	/* header-signed-request.txt */
	size_t		 signed_len;
	char		*canonical;	/* header-canonical-request */
	char		*sts;		/* header-string-to-sign.txt */
	char		*signature;	/* header-signature, trimmed */
	const char	*access_key;
	const char	*secret;
	const char	*token;		/* or NULL */
	const char	*region;
	const char	*service;
	int64_t		 now_ms;
	json_t		*ctx;
};

/* The whole file, NUL-terminated, with 2 bytes to spare; NULL if absent. */
static char *
file_read(const char *dir, const char *name, size_t *len_out)
{
	char	 path[1024];
	FILE	*f;
	char	*p;
	long	 len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	CHECK(fseek(f, 0, SEEK_END) == 0);
	CHECK((len = ftell(f)) >= 0);
	rewind(f);
	p = xmalloc((size_t)len + 3);
	CHECK(fread(p, 1, (size_t)len, f) == (size_t)len);
	fclose(f);
	p[len] = p[len + 1] = p[len + 2] = '\0';
	if (len_out != NULL)
		*len_out = (size_t)len;
	return (p);
}

static void
rtrim(char *s)
{
	size_t	 n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
	    s[n - 1] == ' '))
		s[--n] = '\0';
}

/* The end of the line at p: its '\n', or the final NUL. */
static char *
line_end(char *p)
{
	char	*nl = strchr(p, '\n');

	return (nl != NULL ? nl : p + strlen(p));
}

/*
 * Parses an HTTP/1.1 request as the suite writes it: "METHOD target
 * HTTP/1.1" (the target may hold spaces), "Name:value" header lines (a line
 * that starts with white space continues the value above it, kept with its
 * line break, as obs-fold arrives), an empty line, then the body. LF or CRLF.
 */
static void
wire_parse(const char *src, size_t len, struct wire *w)
{
	char	*p, *end, *sp, *colon, *q, *vend;
	size_t	 n = 0;

	memset(w, 0, sizeof(*w));
	w->text = xmalloc(len + 3);
	memcpy(w->text, src, len);
	w->text[len] = w->text[len + 1] = w->text[len + 2] = '\0';

	p = w->text;
	end = line_end(p);
	CHECK(*end == '\n');
	*end = '\0';
	if (end > p && end[-1] == '\r')
		end[-1] = '\0';
	w->method = p;
	CHECK((sp = strchr(p, ' ')) != NULL);
	*sp = '\0';
	w->path = sp + 1;
	CHECK((sp = strrchr(w->path, ' ')) != NULL);
	CHECK(strncmp(sp + 1, "HTTP/", 5) == 0);
	*sp = '\0';
	if ((q = strchr(w->path, '?')) != NULL) {
		*q = '\0';
		w->query = q + 1;
	} else
		w->query = sp;	/* "" */

	for (p = end + 1; *p != '\0' && *p != '\n' &&
	    !(p[0] == '\r' && p[1] == '\n'); p = vend + 1) {
		CHECK(n < MAX_HEADERS);
		CHECK((colon = strchr(p, ':')) != NULL);
		CHECK(colon < line_end(p));
		*colon = '\0';
		w->name[n] = p;
		w->value[n] = colon + 1;
		vend = line_end(colon + 1);
		while (*vend == '\n' && (vend[1] == ' ' || vend[1] == '\t'))
			vend = line_end(vend + 1);
		if (*vend == '\0') {
			/* A file that ends after its last header line. */
			vend[1] = '\0';
		}
		*vend = '\0';
		if (vend > w->value[n] && vend[-1] == '\r')
			vend[-1] = '\0';
		n++;
	}
	if (*p == '\r')
		p++;
	if (*p == '\n')
		p++;
	w->body = p;
	w->r.body_len = (size_t)(p - w->text) < len ?
	    len - (size_t)(p - w->text) : 0;
	w->r.nheaders = n;
	w->r.headers = w->h;
	w->r.method = w->method;
	w->r.path = w->path;
	w->r.query = w->query;
	w->r.body = w->body;
	w->r.remote_addr = "127.0.0.1";
	for (n = 0; n < w->r.nheaders; n++) {
		w->h[n].name = w->name[n];
		w->h[n].value = w->value[n];
	}
}

static void
wire_free(struct wire *w)
{
	xfree(w->text);
}

static char *
wire_header(struct wire *w, const char *name)
{
	size_t	 i;

	for (i = 0; i < w->r.nheaders; i++)
		if (strcasecmp(w->name[i], name) == 0)
			return (w->value[i]);
	return (NULL);
}

static void
wire_drop_header(struct wire *w, size_t i)
{
	for (; i + 1 < w->r.nheaders; i++) {
		w->h[i] = w->h[i + 1];
		w->name[i] = w->name[i + 1];
		w->value[i] = w->value[i + 1];
	}
	w->r.nheaders--;
}

/* Replaces the last non-blank byte of s with another letter. */
static int
flip_last(char *s)
{
	size_t	 n = strlen(s);

	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		n--;
	if (n == 0)
		return (-1);
	s[n - 1] = s[n - 1] == 'x' ? 'y' : 'x';
	return (0);
}

static int
list_has(const char *list, const char *name)
{
	size_t		 n = strlen(name);
	const char	*p;

	for (p = list; p != NULL; p = strchr(p, ';') ? strchr(p, ';') + 1 :
	    NULL)
		if (strncasecmp(p, name, n) == 0 && (p[n] == ';' ||
		    p[n] == '\0'))
			return (1);
	return (0);
}

static void
sha256_hex(const void *p, size_t len, char out[65])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;

	CHECK(EVP_Digest(p, len, md, &mdlen, EVP_sha256(), NULL) == 1);
	hex_encode(md, mdlen, out);
}

static int64_t
amz_ms(const char *amz)
{
	int64_t	 t;

	CHECK(clock_parse_amz(amz, &t) == 0);
	return (t);
}

/* "2015-08-30T12:36:00Z" to milliseconds. */
static int64_t
iso_ms(const char *iso)
{
	char	 amz[17];
	size_t	 i, o = 0;

	for (i = 0; iso[i] != '\0' && o < 16; i++)
		if (iso[i] != '-' && iso[i] != ':')
			amz[o++] = iso[i];
	amz[o] = '\0';
	return (amz_ms(amz));
}

/*
 * 1 if got is want as far as struct err holds it (AWS echoes the whole
 * Authorization header; e->msg keeps its first 255 bytes), or want is NULL.
 */
static int
msg_is(const char *got, const char *want)
{
	size_t	 max = sizeof(((struct err *)NULL)->msg) - 1;

	if (want == NULL)
		return (1);
	if (strlen(want) > max)
		return (strlen(got) == max && strncmp(got, want, max) == 0);
	return (strcmp(got, want) == 0);
}

/* Verifies and expects success; says which case and step otherwise. */
static void
expect_ok(const struct request *r, const struct sigv4_auth *a,
    const char *secret, const char *service, int64_t now, const char *what)
{
	struct err	 e;

	err_clear(&e);
	if (sigv4_verify(r, a, secret, service, now, &e) == 0)
		return;
	fprintf(stderr, "%s: rejected: %s: %s\n", what,
	    e.aws_type ? e.aws_type : "(null)", e.msg);
	CHECK(0);
}

/* Verifies and expects the AWS error type and, unless NULL, message. */
static void
expect_fail(const struct request *r, const struct sigv4_auth *a,
    const char *secret, const char *service, int64_t now, const char *type,
    const char *msg, const char *what)
{
	struct err	 e;

	err_clear(&e);
	if (sigv4_verify(r, a, secret, service, now, &e) == 0) {
		fprintf(stderr, "%s: accepted, expected %s\n", what, type);
		CHECK(0);
	}
	if (e.code != ERR_AUTH || e.aws_type == NULL ||
	    strcmp(e.aws_type, type) != 0 || e.http_status != 400 ||
	    !msg_is(e.msg, msg)) {
		fprintf(stderr, "%s: got %s (%d, code %d): \"%s\"\n"
		    "expected %s: \"%s\"\n", what,
		    e.aws_type ? e.aws_type : "(null)", e.http_status,
		    (int)e.code, e.msg, type, msg ? msg : "*");
		CHECK(0);
	}
}

static void
expect_parse_fail(const char *header, const char *type, const char *msg)
{
	struct sigv4_auth	 a;
	struct err		 e;

	err_clear(&e);
	if (sigv4_parse_auth(header, &a, &e) == 0) {
		fprintf(stderr, "parsed, expected %s: '%s'\n", type, header);
		CHECK(0);
	}
	if (e.code != ERR_AUTH || e.aws_type == NULL ||
	    strcmp(e.aws_type, type) != 0 || e.http_status != 400 ||
	    !msg_is(e.msg, msg)) {
		fprintf(stderr, "header '%s'\ngot %s: \"%s\"\nexpected %s: "
		    "\"%s\"\n", header, e.aws_type ? e.aws_type : "(null)",
		    e.msg, type, msg ? msg : "*");
		CHECK(0);
	}
}

static void
auth_of(struct wire *w, struct sigv4_auth *a)
{
	const char	*h = wire_header(w, "Authorization");
	struct err	 e;

	CHECK(h != NULL);
	err_clear(&e);
	if (sigv4_parse_auth(h, a, &e) == -1) {
		fprintf(stderr, "parse: %s: %s\n", e.aws_type, e.msg);
		CHECK(0);
	}
}

static int
name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The case folders of the suite, sorted; *n_out of them. */
static char **
suite_dirs(const char *root, size_t *n_out)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		 path[1024], **v = NULL;
	size_t		 n = 0;

	CHECK((d = opendir(root)) != NULL);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, de->d_name);
		if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode))
			continue;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(v, n, sizeof(*v), name_cmp);
	*n_out = n;
	return (v);
}

/*
 * Loads a case. Returns 0, or 1 with *why filled when the case asks for
 * something this verifier does not do (it then is not counted).
 */
static int
case_load(const char *root, const char *name, struct suite_case *c,
    char *why, size_t whylen)
{
	static const char *const known[] = {
		"credentials", "expiration_in_seconds", "normalize", "region",
		"service", "sign_body", "timestamp", "omit_session_token", NULL
	};
	char		 dir[1024], path[1100];
	json_error_t	 jerr;
	json_t		*cred, *v;
	const char	*key;
	size_t		 i;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(dir, sizeof(dir), "%s/%s", root, name);
	snprintf(path, sizeof(path), "%s/context.json", dir);
	if ((c->ctx = json_load_file(path, 0, &jerr)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, jerr.text);
		CHECK(0);
	}
	json_object_foreach(c->ctx, key, v) {
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (known[i] == NULL) {
			snprintf(why, whylen, "context.json option '%s' is "
			    "not understood by this test", key);
			return (1);
		}
	}
	/*
	 * "normalize": false is S3's rule (the path is signed as sent, dot
	 * segments and double slashes kept). payerlink serves non-S3
	 * services, which always normalize, so it would sign these paths
	 * differently than the case expects.
	 */
	if (json_is_false(json_object_get(c->ctx, "normalize"))) {
		snprintf(why, whylen, "\"normalize\": false (S3 path rules); "
		    "non-S3 services always normalize the path");
		return (1);
	}
	CHECK(json_is_true(json_object_get(c->ctx, "normalize")));
	/* expiration_in_seconds applies to query (presigned) signing only. */

	CHECK((cred = json_object_get(c->ctx, "credentials")) != NULL);
	CHECK((c->access_key = json_string_value(json_object_get(cred,
	    "access_key_id"))) != NULL);
	CHECK((c->secret = json_string_value(json_object_get(cred,
	    "secret_access_key"))) != NULL);
	c->token = json_string_value(json_object_get(cred, "token"));
	CHECK((c->region = json_string_value(json_object_get(c->ctx,
	    "region"))) != NULL);
	CHECK((c->service = json_string_value(json_object_get(c->ctx,
	    "service"))) != NULL);
	CHECK(json_string_value(json_object_get(c->ctx, "timestamp")) != NULL);
	c->now_ms = iso_ms(json_string_value(json_object_get(c->ctx,
	    "timestamp")));

	CHECK((c->signed_req = file_read(dir, "header-signed-request.txt",
	    &c->signed_len)) != NULL);
	CHECK((c->canonical = file_read(dir, "header-canonical-request.txt",
	    NULL)) != NULL);
	CHECK((c->sts = file_read(dir, "header-string-to-sign.txt",
	    NULL)) != NULL);
	CHECK((c->signature = file_read(dir, "header-signature.txt",
	    NULL)) != NULL);
	rtrim(c->signature);
	rtrim(c->sts);
	why[0] = '\0';
	/*
	 * "omit_session_token": the token is added after signing, unsigned.
	 * payerlink refuses any unsigned x-amz-* header (issue 24), which
	 * sigv4_unsigned_headers_refused checks on this very case (loaded
	 * whole for it).
	 */
	if (json_is_true(json_object_get(c->ctx, "omit_session_token"))) {
		snprintf(why, whylen, "X-Amz-Security-Token added unsigned; "
		    "refused (sigv4_unsigned_headers_refused)");
		return (1);
	}
	return (0);
}

static void
case_release(struct suite_case *c)
{
	xfree(c->signed_req);
	xfree(c->canonical);
	xfree(c->sts);
	xfree(c->signature);
	json_decref(c->ctx);
}

/* Everything the suite says about one header-signed case. */
static void
case_verify(const struct suite_case *c)
{
	struct wire		 w;
	struct sigv4_auth	 a;
	struct buf		 creq;
	struct err		 e;
	char			 sig[65], hash[65], what[256];
	const char		*amz, *tok, *body_hash;
	int			 sign_body;

	wire_parse(c->signed_req, c->signed_len, &w);
	auth_of(&w, &a);
	CHECK((amz = wire_header(&w, "X-Amz-Date")) != NULL);
	CHECK_STR(a.access_key, c->access_key);
	CHECK_STR(a.region, c->region);
	CHECK_STR(a.service, c->service);
	CHECK(strncmp(a.date, amz, 8) == 0);
	CHECK_STR(a.signature, c->signature);

	/* The context's options, as the signed request carries them out. */
	tok = wire_header(&w, "X-Amz-Security-Token");
	if (c->token != NULL) {
		CHECK(tok != NULL);
		CHECK_STR(tok, c->token);
		CHECK(list_has(a.signed_headers, "x-amz-security-token") ==
		    !json_is_true(json_object_get(c->ctx,
		    "omit_session_token")));
	} else
		CHECK(tok == NULL);
	sign_body = json_is_true(json_object_get(c->ctx, "sign_body"));
	CHECK(list_has(a.signed_headers, "x-amz-content-sha256") == sign_body);
	if (sign_body) {
		CHECK((body_hash = wire_header(&w,
		    "x-amz-content-sha256")) != NULL);
		sha256_hex(w.r.body, w.r.body_len, hash);
		CHECK_STR(body_hash, hash);
	}

	buf_init(&creq, 0);
	err_clear(&e);
	if (sigv4_canonical_request(&w.r, a.signed_headers, &creq, &e) == -1) {
		fprintf(stderr, "%s: %s\n", c->name, e.msg);
		CHECK(0);
	}
	if (strcmp(buf_str(&creq), c->canonical) != 0) {
		fprintf(stderr, "%s: canonical request\n%s\n--- expected\n%s\n",
		    c->name, buf_str(&creq), c->canonical);
		CHECK(0);
	}
	sha256_hex(creq.ptr, creq.len, hash);
	snprintf(what, sizeof(what), "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/"
	    "aws4_request\n%s", amz, a.date, a.region, a.service, hash);
	CHECK_STR(what, c->sts);
	sigv4_sign(creq.ptr, creq.len, amz, &a, c->secret, sig);
	CHECK_STR(sig, c->signature);
	buf_release(&creq);

	snprintf(what, sizeof(what), "%s at its timestamp", c->name);
	expect_ok(&w.r, &a, c->secret, c->service, c->now_ms, what);
	snprintf(what, sizeof(what), "%s 14 min later", c->name);
	expect_ok(&w.r, &a, c->secret, c->service, c->now_ms + 14 * 60000,
	    what);
	snprintf(what, sizeof(what), "%s 14 min earlier", c->name);
	expect_ok(&w.r, &a, c->secret, c->service, c->now_ms - 14 * 60000,
	    what);
	snprintf(what, sizeof(what), "%s, wrong secret", c->name);
	expect_fail(&w.r, &a, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEz",
	    c->service, c->now_ms, "InvalidSignatureException", MSG_MISMATCH,
	    what);
	wire_free(&w);
}

/*
 * Changes one byte of each signed part in turn and expects a rejection;
 * changes to unsigned headers must not matter.
 */
static void
case_mutate(const struct suite_case *c, int *nmut)
{
	struct wire		 w;
	struct sigv4_auth	 a;
	char			 what[512], name[128], *v;
	size_t			 i, nh;
	int			 is_date;

#define FRESH()	do {							\
	wire_parse(c->signed_req, c->signed_len, &w);			\
	auth_of(&w, &a);						\
} while (0)
#define REJECT(type, msg) do {						\
	expect_fail(&w.r, &a, c->secret, c->service, c->now_ms,		\
	    (type), (msg), what);					\
	(*nmut)++;							\
	wire_free(&w);							\
} while (0)

	FRESH();
	snprintf(what, sizeof(what), "%s: method", c->name);
	CHECK(flip_last(w.method) == 0);
	REJECT("InvalidSignatureException", MSG_MISMATCH);

	FRESH();
	snprintf(what, sizeof(what), "%s: path", c->name);
	CHECK(flip_last(w.path) == 0);
	REJECT("InvalidSignatureException", MSG_MISMATCH);

	FRESH();
	if (w.query[0] != '\0') {
		snprintf(what, sizeof(what), "%s: query", c->name);
		CHECK(flip_last(w.query) == 0);
		REJECT("InvalidSignatureException", MSG_MISMATCH);
	} else
		wire_free(&w);

	FRESH();
	nh = w.r.nheaders;
	wire_free(&w);
	for (i = 0; i < nh; i++) {
		FRESH();
		if (strcasecmp(w.name[i], "Authorization") == 0) {
			wire_free(&w);
			continue;
		}
		is_date = strcasecmp(w.name[i], "X-Amz-Date") == 0;
		if (!list_has(a.signed_headers, w.name[i])) {
			/* Not signed: may change freely, as AWS allows. */
			snprintf(what, sizeof(what), "%s: unsigned header %s",
			    c->name, w.name[i]);
			CHECK(flip_last(w.value[i]) == 0);
			expect_ok(&w.r, &a, c->secret, c->service, c->now_ms,
			    what);
			wire_free(&w);
			continue;
		}
		snprintf(what, sizeof(what), "%s: header %s (#%zu)", c->name,
		    w.name[i], i);
		if (is_date) {
			/* Still a valid date, same day: the signature fails. */
			v = w.value[i] + strlen(w.value[i]) - 2;
			*v = *v == '0' ? '1' : '0';
			REJECT("InvalidSignatureException", MSG_MISMATCH);
			/* No longer a date at all. */
			FRESH();
			CHECK(flip_last(w.value[i]) == 0);
			REJECT("IncompleteSignatureException", NULL);
		} else {
			CHECK(flip_last(w.value[i]) == 0);
			REJECT("InvalidSignatureException", MSG_MISMATCH);
		}

		/* The header name in other letter case still verifies. */
		FRESH();
		for (v = w.name[i]; *v != '\0'; v++)
			*v = (*v >= 'a' && *v <= 'z') ? (char)(*v - 32) :
			    (*v >= 'A' && *v <= 'Z') ? (char)(*v + 32) : *v;
		snprintf(what, sizeof(what), "%s: header name %s re-cased",
		    c->name, w.name[i]);
		expect_ok(&w.r, &a, c->secret, c->service, c->now_ms, what);
		wire_free(&w);

		/*
		 * Dropping a signed header: incomplete when none of its name
		 * remains, a mismatch when a repeated one does.
		 */
		FRESH();
		snprintf(name, sizeof(name), "%s", w.name[i]);
		snprintf(what, sizeof(what), "%s: header %s (#%zu) dropped",
		    c->name, name, i);
		wire_drop_header(&w, i);
		if (wire_header(&w, name) != NULL)
			REJECT("InvalidSignatureException", MSG_MISMATCH);
		else
			REJECT("IncompleteSignatureException", NULL);
	}

	/* The body: one byte changed, or one added to an empty body. */
	FRESH();
	snprintf(what, sizeof(what), "%s: body", c->name);
	if (w.r.body_len > 0)
		w.body[w.r.body_len - 1] ^= 0x01;
	else {
		w.body[0] = 'x';
		w.body[1] = '\0';
		w.r.body_len = 1;
	}
	REJECT("InvalidSignatureException", MSG_MISMATCH);

	/* The signature itself. */
	FRESH();
	snprintf(what, sizeof(what), "%s: signature", c->name);
	a.signature[63] = a.signature[63] == '0' ? '1' : '0';
	REJECT("InvalidSignatureException", MSG_MISMATCH);
	FRESH();
	snprintf(what, sizeof(what), "%s: signature in uppercase", c->name);
	for (i = 0; i < 64; i++)
		if (a.signature[i] >= 'a' && a.signature[i] <= 'f')
			a.signature[i] = (char)(a.signature[i] - 32);
	if (strcmp(a.signature, c->signature) != 0)
		REJECT("InvalidSignatureException", MSG_MISMATCH);
	else
		wire_free(&w);

	/* The scope: region (in the key) and date (must match X-Amz-Date). */
	FRESH();
	snprintf(what, sizeof(what), "%s: region", c->name);
	snprintf(a.region, sizeof(a.region), "%s", "us-west-2");
	REJECT("InvalidSignatureException", MSG_MISMATCH);
	FRESH();
	snprintf(what, sizeof(what), "%s: scope date", c->name);
	a.date[7] = a.date[7] == '1' ? '2' : '1';
	REJECT("InvalidSignatureException", NULL);
#undef FRESH
#undef REJECT
}

TEST(sigv4_suite_verifies)
{
	struct suite_case	 c;
	char			 root[1024], why[512], **dir;
	size_t			 n, i;
	int			 verified = 0, skipped = 0;

	snprintf(root, sizeof(root), "%s/sigv4-test-suite", test_data_dir());
	dir = suite_dirs(root, &n);
	CHECK(n >= SUITE_MIN_VERIFIED);
	for (i = 0; i < n; i++) {
		if (case_load(root, dir[i], &c, why, sizeof(why)) == 1) {
			printf("  skip %s: %s\n", dir[i], why);
			skipped++;
		} else {
			case_verify(&c);
			verified++;
		}
		case_release(&c);
		xfree(dir[i]);
	}
	xfree(dir);
	printf("  sigv4 suite: %d verified, %d skipped\n", verified, skipped);
	CHECK(verified >= SUITE_MIN_VERIFIED);
	CHECK_INT(verified + skipped, n);
}

TEST(sigv4_suite_rejects_changes)
{
	struct suite_case	 c;
	char			 root[1024], why[512], **dir;
	size_t			 n, i;
	int			 mutated = 0, cases = 0;

	snprintf(root, sizeof(root), "%s/sigv4-test-suite", test_data_dir());
	dir = suite_dirs(root, &n);
	for (i = 0; i < n; i++) {
		if (case_load(root, dir[i], &c, why, sizeof(why)) == 0) {
			case_mutate(&c, &mutated);
			cases++;
		}
		case_release(&c);
		xfree(dir[i]);
	}
	xfree(dir);
	printf("  sigv4 suite: %d changes rejected in %d cases\n", mutated,
	    cases);
	CHECK(cases >= SUITE_MIN_VERIFIED);
	/*
	 * At least: method, path, host (changed, dropped), x-amz-date
	 * (changed twice, dropped), body, signature, region, scope date.
	 */
	CHECK(mutated >= cases * 11);
}

/* Spec 8.1: aws-cli 1.45.11, `organizations describe-organization`. */
static const char cli_capture[] =
    "POST / HTTP/1.1\r\n"
    "Host: 127.0.0.1:18777\r\n"
    "Accept-Encoding: identity\r\n"
    "X-Amz-Target: AWSOrganizationsV20161128.DescribeOrganization\r\n"
    "Content-Type: application/x-amz-json-1.1\r\n"
    "User-Agent: aws-cli/1.45.11 md/Botocore#1.43.11 ua/2.1 "
    "os/linux#6.18.44-fc-v657 md/arch#x86_64 lang/python#3.11.7 "
    "md/pyimpl#CPython m/E,g,b,Z,N cfg/retry-mode#standard "
    "botocore/1.43.11\r\n"
    "X-Amz-Date: 20261126T110013Z\r\n"
    "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/"
    "us-east-1/organizations/aws4_request, SignedHeaders=content-type;"
    "host;x-amz-date;x-amz-target, Signature=981a4faedeaca30cf054f0202056"
    "383bac0a89e63a7dba47a083ab8af0f48e6f\r\n"
    "amz-sdk-invocation-id: 889436d9-cd17-4802-aaea-216a40622baa\r\n"
    "amz-sdk-request: attempt=1\r\n"
    "Content-Length: 2\r\n"
    "\r\n"
    "{}";

#define CLI_SECRET	"x"
#define CLI_SIGNATURE	\
	"981a4faedeaca30cf054f0202056383bac0a89e63a7dba47a083ab8af0f48e6f"
#define CLI_CANONICAL \
	"POST\n/\n\n" \
	"content-type:application/x-amz-json-1.1\n" \
	"host:127.0.0.1:18777\n" \
	"x-amz-date:20261126T110013Z\n" \
	"x-amz-target:AWSOrganizationsV20161128.DescribeOrganization\n" \
	"\n" \
	"content-type;host;x-amz-date;x-amz-target\n" \
	/* sha256("{}"); spec 8.2 calls it the canonical-request hash */ \
	"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"

static void
cli_load(struct wire *w, struct sigv4_auth *a)
{
	wire_parse(cli_capture, sizeof(cli_capture) - 1, w);
	auth_of(w, a);
}

/* Sets the Authorization header's value and parses it into *a. */
static void
cli_set_auth(struct wire *w, struct sigv4_auth *a, const char *value)
{
	struct err	 e;
	size_t		 i;

	for (i = 0; i < w->r.nheaders; i++)
		if (strcasecmp(w->h[i].name, "Authorization") == 0)
			w->h[i].value = value;
	err_clear(&e);
	if (sigv4_parse_auth(value, a, &e) == -1) {
		fprintf(stderr, "parse: %s: %s\n", e.aws_type, e.msg);
		CHECK(0);
	}
}

static void
cli_set_header(struct wire *w, const char *name, const char *value)
{
	size_t	 i;

	for (i = 0; i < w->r.nheaders; i++)
		if (strcasecmp(w->h[i].name, name) == 0)
			w->h[i].value = value;
}

TEST(sigv4_cli_capture_verifies)
{
	struct wire		 w;
	struct sigv4_auth	 a;
	struct buf		 creq;
	struct err		 e;
	char			 sig[65];
	int64_t			 t = amz_ms("20261126T110013Z");

	cli_load(&w, &a);
	CHECK_STR(a.access_key, "AKIDEXAMPLE");
	CHECK_STR(a.date, "20261126");
	CHECK_STR(a.region, "us-east-1");
	CHECK_STR(a.service, "organizations");
	CHECK_STR(a.signed_headers,
	    "content-type;host;x-amz-date;x-amz-target");
	CHECK_STR(a.signature, CLI_SIGNATURE);
	buf_init(&creq, 0);
	CHECK_INT(sigv4_canonical_request(&w.r, a.signed_headers, &creq, &e),
	    0);
	CHECK_STR(buf_str(&creq), CLI_CANONICAL);
	sigv4_sign(creq.ptr, creq.len, "20261126T110013Z", &a, CLI_SECRET, sig);
	CHECK_STR(sig, CLI_SIGNATURE);
	buf_release(&creq);
	expect_ok(&w.r, &a, CLI_SECRET, "organizations", t, "cli capture");
	expect_ok(&w.r, &a, CLI_SECRET, "organizations", t + 999,
	    "cli capture, same second");
	expect_fail(&w.r, &a, "y", "organizations", t,
	    "InvalidSignatureException", MSG_MISMATCH, "cli capture, secret y");
	wire_free(&w);

	/*
	 * Names in SignedHeaders are lowercase by the spec; one that is not
	 * still finds its header, and the canonical line is lowercase.
	 */
	cli_load(&w, &a);
	buf_init(&creq, 0);
	CHECK_INT(sigv4_canonical_request(&w.r, "Content-Type;HOST;x-amz-date;"
	    "X-Amz-Target", &creq, &e), 0);
	CHECK(strstr(buf_str(&creq), "\ncontent-type:application/"
	    "x-amz-json-1.1\nhost:127.0.0.1:18777\n") != NULL);
	CHECK(strstr(buf_str(&creq), "\nx-amz-target:AWSOrganizations"
	    "V20161128.DescribeOrganization\n\nContent-Type;HOST;x-amz-date;"
	    "X-Amz-Target\n") != NULL);
	buf_release(&creq);
	wire_free(&w);

	/* An unsigned header changes freely; a signed one does not. */
	cli_load(&w, &a);
	cli_set_header(&w, "User-Agent", "curl/8");
	cli_set_header(&w, "amz-sdk-request", "attempt=2; max=5");
	expect_ok(&w.r, &a, CLI_SECRET, "organizations", t,
	    "cli capture, retried");
	cli_set_header(&w, "X-Amz-Target",
	    "AWSOrganizationsV20161128.DeleteOrganization");
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t,
	    "InvalidSignatureException", MSG_MISMATCH, "cli capture, target");
	wire_free(&w);

	/* X-Amz-Security-Token, when sent, is one more signed header. */
	wire_parse(cli_capture, sizeof(cli_capture) - 1, &w);
	w.h[w.r.nheaders].name = "X-Amz-Security-Token";
	w.h[w.r.nheaders].value = "FwoGZXIvYXdzEXAMPLE";
	w.r.nheaders++;
	cli_set_auth(&w, &a, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126"
	    "/us-east-1/organizations/aws4_request, SignedHeaders=content-type;"
	    "host;x-amz-date;x-amz-security-token;x-amz-target, Signature="
	    CLI_SIGNATURE);
	buf_init(&creq, 0);
	CHECK_INT(sigv4_canonical_request(&w.r, a.signed_headers, &creq, &e),
	    0);
	CHECK(strstr(buf_str(&creq), "\nx-amz-security-token:"
	    "FwoGZXIvYXdzEXAMPLE\nx-amz-target:") != NULL);
	sigv4_sign(creq.ptr, creq.len, "20261126T110013Z", &a, CLI_SECRET, sig);
	buf_release(&creq);
	snprintf(a.signature, sizeof(a.signature), "%s", sig);
	expect_ok(&w.r, &a, CLI_SECRET, "organizations", t, "session token");
	w.h[w.r.nheaders - 1].value = "FwoGZXIvYXdzEXAMPLf";
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t,
	    "InvalidSignatureException", MSG_MISMATCH, "session token changed");
	wire_free(&w);
}

/*
 * botocore 1.43.11 (the aws-cli's signer) signed this request to
 * http://127.0.0.1:8080/a%20b/%2F/c?b=2&a=x%2By&a=%E1%88%B4 in eu-west-1:
 * the path it signs is the wire path encoded again ('%' as %25), the query
 * is sorted by name, then value.
 */
static const char botocore_req[] =
    "POST /a%20b/%2F/c?b=2&a=x%2By&a=%E1%88%B4 HTTP/1.1\r\n"
    "Host: 127.0.0.1:8080\r\n"
    "Content-Type: application/x-amz-json-1.1\r\n"
    "X-Amz-Target: AWSOrganizationsV20161128.ListRoots\r\n"
    "X-Amz-Date: 20261126T110013Z\r\n"
    "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/"
    "eu-west-1/organizations/aws4_request, SignedHeaders=content-type;host;"
    "x-amz-date;x-amz-target, Signature=73eb5ac017ea793805e67bd197c852d234e"
    "49ee7690cd97f28079ded73983ca8\r\n"
    "Content-Length: 2\r\n"
    "\r\n"
    "{}";

TEST(sigv4_botocore_encoded_path)
{
	struct wire		 w;
	struct sigv4_auth	 a;
	struct buf		 creq;
	struct err		 e;

	wire_parse(botocore_req, sizeof(botocore_req) - 1, &w);
	auth_of(&w, &a);
	CHECK_STR(a.region, "eu-west-1");
	buf_init(&creq, 0);
	CHECK_INT(sigv4_canonical_request(&w.r, a.signed_headers, &creq, &e),
	    0);
	CHECK_STR(buf_str(&creq),
	    "POST\n"
	    "/a%2520b/%252F/c\n"
	    "a=%E1%88%B4&a=x%2By&b=2\n"
	    "content-type:application/x-amz-json-1.1\n"
	    "host:127.0.0.1:8080\n"
	    "x-amz-date:20261126T110013Z\n"
	    "x-amz-target:AWSOrganizationsV20161128.ListRoots\n"
	    "\n"
	    "content-type;host;x-amz-date;x-amz-target\n"
	    "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
	buf_release(&creq);
	expect_ok(&w.r, &a, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
	    "organizations", amz_ms("20261126T110013Z"), "botocore request");
	wire_free(&w);
}

/* Canonical URI and query rules, one small request at a time. */
static const char *
canon_of(const char *method, const char *path, const char *query,
    struct buf *b)
{
	static const struct header	 h[] = {
		{ "Host", "example.com" },
	};
	struct request			 r;
	struct err			 e;
	const char			*p;

	memset(&r, 0, sizeof(r));
	r.method = method;
	r.path = path;
	r.query = query;
	r.headers = h;
	r.nheaders = 1;
	r.body = "";
	buf_reset(b);
	CHECK_INT(sigv4_canonical_request(&r, "host", b, &e), 0);
	/* The URI and query lines only. */
	p = strchr(b->ptr, '\n') + 1;
	*strstr(b->ptr, "\nhost:") = '\0';
	return (p);
}

TEST(sigv4_canonical_uri_and_query)
{
	struct buf	 b;

	buf_init(&b, 0);
	CHECK_STR(canon_of("GET", "", "", &b), "/\n");
	CHECK_STR(canon_of("GET", "/", "", &b), "/\n");
	CHECK_STR(canon_of("GET", "//", "", &b), "/\n");
	CHECK_STR(canon_of("GET", "/a/b/../../..", "", &b), "/\n");
	CHECK_STR(canon_of("GET", "/a/./b/../c/", "", &b), "/a/c/\n");
	CHECK_STR(canon_of("GET", "/a/b/..", "", &b), "/a\n");
	CHECK_STR(canon_of("GET", "/a//b//", "", &b), "/a/b/\n");
	CHECK_STR(canon_of("GET", "/...", "", &b), "/...\n");
	CHECK_STR(canon_of("GET", "/a b+c*d", "", &b), "/a%20b%2Bc%2Ad\n");
	CHECK_STR(canon_of("GET", "/%7e%zz%", "", &b), "/%257e%25zz%25\n");
	CHECK_STR(canon_of("GET", "/", "b&a=&c=%7e&a=1", &b),
	    "/\na=&a=1&b=&c=~");
	CHECK_STR(canon_of("GET", "/", "&&x=a b&x=%2f%zz", &b),
	    "/\nx=%2F%25zz&x=a%20b");
	CHECK_STR(canon_of("GET", "/", "B=1&a=2&A=0", &b), "/\nA=0&B=1&a=2");
	CHECK_STR(canon_of("GET", "/", "k=v=w", &b), "/\nk=v%3Dw");
	buf_release(&b);
}

TEST(sigv4_parse_auth_valid)
{
	struct sigv4_auth	 a;
	struct err		 e;

	/* Any order, no space after the commas, padding around them. */
	CHECK_INT(sigv4_parse_auth("  AWS4-HMAC-SHA256   Signature=abc,"
	    "SignedHeaders=host;x-amz-date ,  Credential=AK/20261126/"
	    "ap-southeast-7/organizations/aws4_request", &a, &e), 0);
	CHECK_STR(a.access_key, "AK");
	CHECK_STR(a.date, "20261126");
	CHECK_STR(a.region, "ap-southeast-7");
	CHECK_STR(a.service, "organizations");
	CHECK_STR(a.signed_headers, "host;x-amz-date");
	CHECK_STR(a.signature, "abc");
	/* Host may be spelled in any case and sit anywhere in the list. */
	CHECK_INT(sigv4_parse_auth("AWS4-HMAC-SHA256 Credential=AK/20261126/"
	    "r/s/aws4_request, SignedHeaders=a;Host, Signature=0", &a, &e), 0);
	/* A signature longer than 64 characters is kept as "" (no match). */
	CHECK_INT(sigv4_parse_auth("AWS4-HMAC-SHA256 Credential=AK/20261126/"
	    "r/s/aws4_request, SignedHeaders=host, Signature="
	    CLI_SIGNATURE "0", &a, &e), 0);
	CHECK_STR(a.signature, "");
}

TEST(sigv4_parse_auth_malformed)
{
	char	 big[2048];
	size_t	 n;

#define CRED	"Credential=AKIDEXAMPLE/20261126/us-east-1/organizations/" \
	"aws4_request"
#define SH	"SignedHeaders=host;x-amz-date"
#define SIG	"Signature=" CLI_SIGNATURE
#define ALL3	"Authorization header requires 'Credential' parameter. " \
	"Authorization header requires 'Signature' parameter. " \
	"Authorization header requires 'SignedHeaders' parameter. "

	/* AWS: each missing parameter named, then the header. */
	expect_parse_fail("", "IncompleteSignatureException",
	    ALL3 "Authorization=");
	expect_parse_fail("AWS AKIAI2HBJEUM7LRSTWOQ:"
	    "qaNdqGsI6bq4Hi+9Gzovwyjbh0E=", "IncompleteSignatureException",
	    ALL3 "Authorization=AWS AKIAI2HBJEUM7LRSTWOQ:"
	    "qaNdqGsI6bq4Hi+9Gzovwyjbh0E=");
	expect_parse_fail("Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9",
	    "IncompleteSignatureException", ALL3 "Authorization=Bearer "
	    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9");
	expect_parse_fail("AWS4-HMAC-SHA512 " CRED ", " SH ", " SIG,
	    "IncompleteSignatureException", NULL);
	expect_parse_fail("aws4-hmac-sha256 " CRED ", " SH ", " SIG,
	    "IncompleteSignatureException", NULL);
	expect_parse_fail("AWS4-HMAC-SHA256", "IncompleteSignatureException",
	    ALL3 "Authorization=AWS4-HMAC-SHA256");
	expect_parse_fail("AWS4-HMAC-SHA256 Credential=ABCDEF",
	    "IncompleteSignatureException", "Authorization header requires "
	    "'Signature' parameter. Authorization header requires "
	    "'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 "
	    "Credential=ABCDEF");
	expect_parse_fail("AWS4-HMAC-SHA256 " CRED ", " SIG,
	    "IncompleteSignatureException", "Authorization header requires "
	    "'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 " CRED
	    ", " SIG);
	expect_parse_fail("AWS4-HMAC-SHA256 " CRED ", " SH,
	    "IncompleteSignatureException", "Authorization header requires "
	    "'Signature' parameter. Authorization=AWS4-HMAC-SHA256 " CRED ", "
	    SH);
	expect_parse_fail("AWS4-HMAC-SHA256 " SH ", " SIG,
	    "IncompleteSignatureException", NULL);
	expect_parse_fail("AWS4-HMAC-SHA256 " CRED ", SignedHeaders=, " SIG,
	    "IncompleteSignatureException", NULL);
	expect_parse_fail("AWS4-HMAC-SHA256 Credential=, " SH ", " SIG,
	    "IncompleteSignatureException", NULL);
	/* AWS: a space inside a value splits it. */
	expect_parse_fail("AWS4-HMAC-SHA256 Credential= AK/20261126/us-east-1/"
	    "organizations/aws4_request, " SH ", " SIG,
	    "IncompleteSignatureException", "'AK/20261126/us-east-1/"
	    "organizations/aws4_request' not a valid key=value pair (missing "
	    "equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 "
	    "Credential= AK/20261126/us-east-1/organizations/aws4_request, "
	    "SignedHeaders=host;x-amz-date, Signature=981a4faedeaca30cf054f02"
	    "02056383bac0a89e63a7dba47a083ab8af0f48e6f'.");
	expect_parse_fail("AWS4-HMAC-SHA256 " CRED ", " SH ", " SIG ", " SIG,
	    "IncompleteSignatureException", NULL);
	/* The credential scope: KEY/yyyymmdd/region/service/aws4_request. */
	expect_parse_fail("AWS4-HMAC-SHA256 Credential=AK/20261126/us-east-1/"
	    "organizations, " SH ", " SIG, "IncompleteSignatureException",
	    "Credential must have exactly 5 slash-delimited elements, e.g. "
	    "keyid/date/region/service/term, got 'AK/20261126/us-east-1/"
	    "organizations'");
	expect_parse_fail("AWS4-HMAC-SHA256 Credential=A/K/20261126/us-east-1/"
	    "organizations/aws4_request, " SH ", " SIG,
	    "IncompleteSignatureException", NULL);
	expect_parse_fail("AWS4-HMAC-SHA256 Credential=AK/20261126/us-east-1/"
	    "organizations/aws4_request/, " SH ", " SIG,
	    "IncompleteSignatureException", NULL);
	expect_parse_fail("AWS4-HMAC-SHA256 Credential=AK/20261126//"
	    "organizations/aws4_request, " SH ", " SIG,
	    "IncompleteSignatureException", NULL);
	expect_parse_fail("AWS4-HMAC-SHA256 Credential=/20261126/us-east-1/"
	    "organizations/aws4_request, " SH ", " SIG,
	    "IncompleteSignatureException", NULL);
	expect_parse_fail("AWS4-HMAC-SHA256 Credential=AK/2026112/us-east-1/"
	    "organizations/aws4_request, " SH ", " SIG,
	    "IncompleteSignatureException", NULL);
	expect_parse_fail("AWS4-HMAC-SHA256 Credential=AK/2026-11-26/us-east-1/"
	    "organizations/aws4_request, " SH ", " SIG,
	    "IncompleteSignatureException", NULL);
	expect_parse_fail("AWS4-HMAC-SHA256 Credential=AK/20261126T110013Z/"
	    "us-east-1/organizations/aws4_request, " SH ", " SIG,
	    "IncompleteSignatureException", NULL);
	/* AWS: a wrong terminator is a signature error. */
	expect_parse_fail("AWS4-HMAC-SHA256 Credential=AK/20261126/us-east-1/"
	    "organizations/aws4_requesT, " SH ", " SIG,
	    "InvalidSignatureException", "Credential should be scoped with a "
	    "valid terminator: 'aws4_request', not 'aws4_requesT'. ");
	/* AWS requires host among the signed headers. */
	expect_parse_fail("AWS4-HMAC-SHA256 " CRED ", SignedHeaders=x-amz-date;"
	    "hostx, " SIG, "IncompleteSignatureException", "'Host' or "
	    "':authority' must be a 'SignedHeader' in the AWS Authorization.");
	/* Fields longer than struct sigv4_auth holds. */
	memset(big, 'A', 200);
	snprintf(big + 200, sizeof(big) - 200, "/20261126/r/s/aws4_request, "
	    SH ", " SIG);
	{
		char	 hdr[2300];

		snprintf(hdr, sizeof(hdr), "AWS4-HMAC-SHA256 Credential=%s",
		    big);
		expect_parse_fail(hdr, "IncompleteSignatureException", NULL);
		n = (size_t)snprintf(hdr, sizeof(hdr), "AWS4-HMAC-SHA256 "
		    CRED ", " SIG ", SignedHeaders=host");
		while (n < 1400)
			n += (size_t)snprintf(hdr + n, sizeof(hdr) - n,
			    ";x-long-header");
		expect_parse_fail(hdr, "IncompleteSignatureException", NULL);
		snprintf(hdr, sizeof(hdr), "AWS4-HMAC-SHA256 Credential=AK/"
		    "20261126/%070d/s/aws4_request, " SH ", " SIG, 0);
		expect_parse_fail(hdr, "IncompleteSignatureException", NULL);
		snprintf(hdr, sizeof(hdr), "AWS4-HMAC-SHA256 Credential=AK/"
		    "20261126/r/%070d/aws4_request, " SH ", " SIG, 0);
		expect_parse_fail(hdr, "IncompleteSignatureException", NULL);
	}
#undef CRED
#undef SH
#undef SIG
#undef ALL3
}

TEST(sigv4_wrong_service)
{
	struct wire		 w;
	struct sigv4_auth	 a;
	int64_t			 t = amz_ms("20261126T110013Z");

	cli_load(&w, &a);
	cli_set_auth(&w, &a, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126"
	    "/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;"
	    "x-amz-date;x-amz-target, Signature=" CLI_SIGNATURE);
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t,
	    "InvalidSignatureException", "Credential should be scoped to "
	    "correct service: 'organizations'. ", "scope service iam");
	/* The same request checked as the service it names: a mismatch. */
	expect_fail(&w.r, &a, CLI_SECRET, "iam", t,
	    "InvalidSignatureException", MSG_MISMATCH, "verified as iam");
	wire_free(&w);

	/* Any region is accepted, but it is part of the key. */
	cli_load(&w, &a);
	snprintf(a.region, sizeof(a.region), "us-west-2");
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t,
	    "InvalidSignatureException", MSG_MISMATCH, "region us-west-2");
	wire_free(&w);
}

TEST(sigv4_clock_skew)
{
	struct wire		 w;
	struct sigv4_auth	 a;
	int64_t			 t = amz_ms("20261126T110013Z");

	cli_load(&w, &a);
	expect_ok(&w.r, &a, CLI_SECRET, "organizations", t + 14 * 60000,
	    "+14 min");
	expect_ok(&w.r, &a, CLI_SECRET, "organizations", t - 14 * 60000,
	    "-14 min");
	expect_ok(&w.r, &a, CLI_SECRET, "organizations", t + 15 * 60000 + 999,
	    "+15 min");
	expect_ok(&w.r, &a, CLI_SECRET, "organizations", t - 15 * 60000,
	    "-15 min");
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t + 15 * 60000 +
	    1000, "InvalidSignatureException", "Signature expired: "
	    "20261126T110013Z is now earlier than 20261126T110014Z "
	    "(20261126T111514Z - 15 min.)", "+15 min 1 s");
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t + 16 * 60000,
	    "InvalidSignatureException", "Signature expired: "
	    "20261126T110013Z is now earlier than 20261126T110113Z "
	    "(20261126T111613Z - 15 min.)", "+16 min");
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t - 16 * 60000,
	    "InvalidSignatureException", "Signature not yet current: "
	    "20261126T110013Z is still later than 20261126T105913Z "
	    "(20261126T104413Z + 15 min.)", "-16 min");
	/* The examples of the brief, word for word. */
	expect_fail(&w.r, &a, CLI_SECRET, "organizations",
	    amz_ms("20261126T114013Z"), "InvalidSignatureException",
	    "Signature expired: 20261126T110013Z is now earlier than "
	    "20261126T112513Z (20261126T114013Z - 15 min.)", "40 min old");
	cli_set_header(&w, "X-Amz-Date", "20261126T120013Z");
	expect_fail(&w.r, &a, CLI_SECRET, "organizations",
	    amz_ms("20261126T114013Z"), "InvalidSignatureException",
	    "Signature not yet current: 20261126T120013Z is still later than "
	    "20261126T115513Z (20261126T114013Z + 15 min.)", "20 min ahead");
	wire_free(&w);
}

TEST(sigv4_date_header)
{
	struct wire		 w;
	struct sigv4_auth	 a;
	struct err		 e;
	int64_t			 t = amz_ms("20261126T110013Z");
	size_t			 i;

	/* No X-Amz-Date: AWS names both headers it would have taken. */
	cli_load(&w, &a);
	for (i = 0; i < w.r.nheaders; i++)
		if (strcasecmp(w.h[i].name, "X-Amz-Date") == 0)
			wire_drop_header(&w, i);
	err_clear(&e);
	CHECK_INT(sigv4_verify(&w.r, &a, CLI_SECRET, "organizations", t, &e),
	    -1);
	CHECK_STR(e.aws_type, "IncompleteSignatureException");
	CHECK_INT(e.http_status, 400);
	CHECK_INT(e.code, ERR_AUTH);
#define NODATE	"Authorization header requires existence of either a " \
	"'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 " \
	"Credential=AKIDEXAMPLE/20261126/us-east-1/organizations/aws4_request, "
	if (strncmp(e.msg, NODATE, strlen(NODATE)) != 0) {
		fprintf(stderr, "got \"%s\"\n", e.msg);
		CHECK(0);
	}
#undef NODATE
	wire_free(&w);

	cli_load(&w, &a);
	cli_set_header(&w, "X-Amz-Date", "2026-11-26T11:00:13Z");
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t,
	    "IncompleteSignatureException", "Date must be in ISO-8601 'basic "
	    "format'. Got '2026-11-26T11:00:13Z'. See "
	    "http://en.wikipedia.org/wiki/ISO_8601", "extended format");
	cli_set_header(&w, "X-Amz-Date", "20261126T250013Z");
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t,
	    "IncompleteSignatureException", NULL, "hour 25");
	cli_set_header(&w, "X-Amz-Date", "");
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t,
	    "IncompleteSignatureException", NULL, "empty");
	/* Blanks around the value are not part of it. */
	cli_set_header(&w, "X-Amz-Date", " 20261126T110013Z ");
	expect_ok(&w.r, &a, CLI_SECRET, "organizations", t, "padded");
	/* The scope's date must be X-Amz-Date's. */
	cli_set_header(&w, "X-Amz-Date", "20261127T000013Z");
	expect_fail(&w.r, &a, CLI_SECRET, "organizations",
	    amz_ms("20261127T000013Z"), "InvalidSignatureException",
	    "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
	    "version of date from HTTP: '20261126' != '20261127', from "
	    "'20261127T000013Z'.", "next day");
	wire_free(&w);

	/* Two X-Amz-Date headers: which one was signed is ambiguous. */
	cli_load(&w, &a);
	w.h[w.r.nheaders].name = "x-amz-date";
	w.h[w.r.nheaders].value = "20261126T110013Z";
	w.r.nheaders++;
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t,
	    "IncompleteSignatureException", NULL, "two dates");
	wire_free(&w);
}

TEST(sigv4_signed_header_absent)
{
	struct wire		 w;
	struct sigv4_auth	 a;
	int64_t			 t = amz_ms("20261126T110013Z");
	size_t			 i;

	cli_load(&w, &a);
	for (i = 0; i < w.r.nheaders; i++)
		if (strcasecmp(w.h[i].name, "X-Amz-Target") == 0)
			wire_drop_header(&w, i);
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t,
	    "IncompleteSignatureException", "Header 'x-amz-target' is listed "
	    "in SignedHeaders but absent from the request.", "no target");
	wire_free(&w);

	cli_load(&w, &a);
	snprintf(a.signed_headers, sizeof(a.signed_headers),
	    "content-type;host;;x-amz-date");
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t,
	    "IncompleteSignatureException", NULL, "empty name");
	snprintf(a.signed_headers, sizeof(a.signed_headers),
	    "content-type;host;x amz date");
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t,
	    "IncompleteSignatureException", NULL, "name with spaces");
	wire_free(&w);
}

/* Signs w (secret CLI_SECRET) over `list` only, as a minimal client would. */
static void
cli_sign_over(struct wire *w, struct sigv4_auth *a, const char *list,
    char *auth, size_t authlen)
{
	struct buf	 creq;
	struct err	 e;
	char		 sig[65];

	err_clear(&e);
	snprintf(a->signed_headers, sizeof(a->signed_headers), "%s", list);
	buf_init(&creq, 0);
	CHECK_INT(sigv4_canonical_request(&w->r, list, &creq, &e), 0);
	sigv4_sign(creq.ptr, creq.len, "20261126T110013Z", a, CLI_SECRET, sig);
	buf_release(&creq);
	snprintf(auth, authlen, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"
	    "20261126/us-east-1/organizations/aws4_request, SignedHeaders=%s, "
	    "Signature=%s", list, sig);
	cli_set_auth(w, a, auth);
}

/*
 * Issue 24: a request signed over host;x-amz-date only for
 * DescribeOrganization could be replayed as LeaveOrganization. Every
 * x-amz-* header present and Content-Type must be signed; the signature
 * itself being right does not help.
 */
TEST(sigv4_unsigned_headers_refused)
{
	struct suite_case	 c;
	struct wire		 w;
	struct sigv4_auth	 a;
	char			 auth[512], root[1024], why[512];
	int64_t			 t = amz_ms("20261126T110013Z");

	cli_load(&w, &a);
	cli_sign_over(&w, &a, "host;x-amz-date", auth, sizeof(auth));
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t,
	    "IncompleteSignatureException", "There were headers present in the "
	    "request which were not signed: X-Amz-Target, Content-Type",
	    "target and type unsigned");
	cli_sign_over(&w, &a, "content-type;host;x-amz-date", auth,
	    sizeof(auth));
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t,
	    "IncompleteSignatureException", "There were headers present in the "
	    "request which were not signed: X-Amz-Target", "target unsigned");
	cli_sign_over(&w, &a, "host;x-amz-date;x-amz-target", auth,
	    sizeof(auth));
	expect_fail(&w.r, &a, CLI_SECRET, "organizations", t,
	    "IncompleteSignatureException", "There were headers present in the "
	    "request which were not signed: Content-Type", "type unsigned");
	/* Everything that matters signed: accepted (amz-sdk-* need not be). */
	cli_sign_over(&w, &a, "content-type;host;x-amz-date;x-amz-target",
	    auth, sizeof(auth));
	expect_ok(&w.r, &a, CLI_SECRET, "organizations", t, "all signed");
	wire_free(&w);

	/* AWS's own case of a session token added after signing. */
	snprintf(root, sizeof(root), "%s/sigv4-test-suite", test_data_dir());
	memset(&c, 0, sizeof(c));
	CHECK_INT(case_load(root, "post-sts-header-after", &c, why,
	    sizeof(why)), 1);
	wire_parse(c.signed_req, c.signed_len, &w);
	auth_of(&w, &a);
	expect_fail(&w.r, &a, c.secret, c.service, c.now_ms,
	    "IncompleteSignatureException", "There were headers present in the "
	    "request which were not signed: X-Amz-Security-Token",
	    "post-sts-header-after");
	wire_free(&w);
	case_release(&c);
}

/*
 * AWS's example of a chunked upload (S3 API reference, "Signature
 * Calculations for the Authorization Header: Transferring Payload in
 * Multiple Chunks"): 66,560 bytes of 'a' in a 64 KiB and a 1 KiB chunk.
 */
#define CHUNK_SEED	\
	"4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
#define CHUNK_SIG1	\
	"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
#define CHUNK_SIG2	\
	"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
#define CHUNK_SIG3	\
	"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"

struct chunk_sink {
	uint64_t	 n;
	int		 all_a;
};

static void
chunk_out(void *arg, const char *p, size_t n)
{
	struct chunk_sink	*k = arg;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (p[i] != 'a')
			k->all_a = 0;
	k->n += n;
}

static void
chunk_body(struct buf *b)
{
	size_t	 i;

	buf_init(b, 0);
	buf_adds(b, "10000;chunk-signature=" CHUNK_SIG1 "\r\n");
	for (i = 0; i < 65536; i++)
		buf_addc(b, 'a');
	buf_adds(b, "\r\n400;chunk-signature=" CHUNK_SIG2 "\r\n");
	for (i = 0; i < 1024; i++)
		buf_addc(b, 'a');
	buf_adds(b, "\r\n0;chunk-signature=" CHUNK_SIG3 "\r\n\r\n");
}

/* Decodes b in pieces of `step` bytes; 0 or -1 with *e. */
static int
chunk_run(const struct buf *b, size_t step, struct chunk_sink *k,
    struct err *e)
{
	struct sigv4_chunks	 c;
	struct sigv4_auth	 a;
	size_t			 off, n;
	int			 rc = 0;

	memset(&a, 0, sizeof(a));
	snprintf(a.date, sizeof(a.date), "20130524");
	snprintf(a.region, sizeof(a.region), "us-east-1");
	snprintf(a.service, sizeof(a.service), "s3");
	snprintf(a.signature, sizeof(a.signature), CHUNK_SEED);
	sigv4_chunks_init(&c, &a, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	    "20130524T000000Z");
	k->n = 0;
	k->all_a = 1;
	err_clear(e);
	for (off = 0; off < b->len && rc == 0; off += n) {
		n = b->len - off < step ? b->len - off : step;
		rc = sigv4_chunks_feed(&c, b->ptr + off, n, chunk_out, k, e);
	}
	if (rc == 0)
		rc = sigv4_chunks_end(&c, e);
	sigv4_chunks_release(&c);
	return (rc);
}

TEST(sigv4_chunked_upload)
{
	static const size_t	 steps[] = { 1, 7, 88, 4096, 1 << 20 };
	struct chunk_sink	 k;
	struct buf		 b;
	struct err		 e;
	size_t			 i;

	chunk_body(&b);
	CHECK_INT((int)b.len, 66824);	/* the example's Content-Length */
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		CHECK_INT(chunk_run(&b, steps[i], &k, &e), 0);
		CHECK(k.n == 66560 && k.all_a);
	}

	/* A data byte changed: the first chunk's signature fails. */
	b.ptr[100] = 'b';
	CHECK_INT(chunk_run(&b, 4096, &k, &e), -1);
	CHECK_STR(e.aws_type, "InvalidSignatureException");
	b.ptr[100] = 'a';
	/* The second chunk signed as the first: the chain breaks. */
	memcpy(b.ptr + 65538 + 88 + 20, CHUNK_SIG1, 64);
	CHECK_INT(chunk_run(&b, 4096, &k, &e), -1);
	CHECK_STR(e.aws_type, "InvalidSignatureException");
	CHECK(k.n == 65536 + 1024);
	buf_release(&b);

	/* Cut before the last chunk, or more after it. */
	chunk_body(&b);
	b.len -= 86;
	CHECK_INT(chunk_run(&b, 4096, &k, &e), -1);
	CHECK_STR(e.aws_type, "IncompleteBody");
	b.len += 86;
	buf_adds(&b, "0;chunk-signature=" CHUNK_SIG3 "\r\n\r\n");
	CHECK_INT(chunk_run(&b, 4096, &k, &e), -1);
	CHECK_STR(e.aws_type, "IncompleteBody");
	buf_release(&b);

	/* Malformed framing. */
	buf_init(&b, 0);
	buf_adds(&b, "zz;chunk-signature=" CHUNK_SIG1 "\r\n");
	CHECK_INT(chunk_run(&b, 4096, &k, &e), -1);
	CHECK_STR(e.aws_type, "IncompleteBody");
	buf_release(&b);
	buf_init(&b, 0);
	buf_adds(&b, "10000;chunk-signature=" CHUNK_SIG1 "\n");
	CHECK_INT(chunk_run(&b, 4096, &k, &e), -1);
	CHECK_STR(e.aws_type, "IncompleteBody");
	buf_release(&b);
	buf_init(&b, 0);
	buf_adds(&b, "1;chunk-signature=" CHUNK_SIG1 "\r\naXY");
	CHECK_INT(chunk_run(&b, 4096, &k, &e), -1);
	CHECK_STR(e.aws_type, "IncompleteBody");
	buf_release(&b);
	buf_init(&b, 0);
	buf_adds(&b, "11111111111111111;chunk-signature=" CHUNK_SIG1 "\r\n");
	CHECK_INT(chunk_run(&b, 4096, &k, &e), -1);
	CHECK_STR(e.aws_type, "IncompleteBody");
	buf_release(&b);
}

TEST(sigv4_canonical_buffer_cap)
{
	struct wire		 w;
	struct sigv4_auth	 a;
	struct buf		 b;
	struct err		 e;

	cli_load(&w, &a);
	buf_init(&b, 64);
	err_clear(&e);
	CHECK_INT(sigv4_canonical_request(&w.r, a.signed_headers, &b, &e), -1);
	CHECK_INT(e.code, ERR_LIMIT);
	buf_release(&b);
	wire_free(&w);
}
