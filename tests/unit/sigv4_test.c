/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/aws/sigv4: every header-signed case of the AWS SigV4
 * test suite (shared/data/sigv4-test-suite, read at run time) must produce
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

#include "aws/sigv4.h"
#include "core/clock.h"
#include "core/codec.h"
#include "core/xmalloc.h"

/* Prototypes for the TEST() definitions below (and the other files'). */
#define TEST_ENTRY(name)	void test_##name(void);
#include "list.h"
#undef TEST_ENTRY

/*
 * Header-signed cases this verifier must verify: the suite's 39 cases less
 * the 7 with "normalize": false, which sign S3's unnormalized path.
 */
#define SUITE_MIN_VERIFIED	32

#define MAX_HEADERS		32

#define MSG_MISMATCH	"The request signature we calculated does not " \
	"match the signature you provided. Check your AWS Secret Access Key " \
	"and signing method. Consult the service documentation for details."

/* A request parsed from its wire text; everything points into text. */
struct wire {
	struct request	 r;
	struct header	 h[MAX_HEADERS];
	char		*name[MAX_HEADERS];	/* mutable views of h[] */
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
	char		*canonical;	/* header-canonical-request.txt */
	char		*sts;		/* header-string-to-sign.txt */
	char		*signature;	/* header-signature.txt, trimmed */
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
	w->r.body_len = len - (size_t)(p - w->text);
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
	    (msg != NULL && strcmp(e.msg, msg) != 0)) {
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
	    (msg != NULL && strcmp(e.msg, msg) != 0)) {
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
	char		 dir[1024];
	json_error_t	 jerr;
	json_t		*cred, *v;
	const char	*key;
	size_t		 i;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(dir, sizeof(dir), "%s/%s", root, name);
	snprintf(why, whylen, "%s/context.json", dir);
	if ((c->ctx = json_load_file(why, 0, &jerr)) == NULL) {
		fprintf(stderr, "%s: %s\n", why, jerr.text);
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
	char			 what[256], name[128], *v;
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

		/* The same header name in another case still verifies. */
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
	/* At least method, path, host, x-amz-date twice, body, signature... */
	CHECK(mutated >= cases * 9);
}
