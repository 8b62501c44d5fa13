/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/awsclient: the client's signer produces the AWS SigV4
 * test suite's signature for every case (S3's unnormalized paths too); the
 * shared config files parse as the SDKs read them and the credential chain
 * picks the SDKs' source; endpoints follow AWS_ENDPOINT_URL_<SERVICE> and
 * the rest in order; the retry policy's decisions, backoff bounds and
 * quota; errors name the refused action and never show a secret.
 * Nothing here makes a network request: instance metadata is disabled in
 * every test that builds a client.
 */
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#include "awsclient/internal.h"
#include "core/sigv4.h"
#include "core/xmalloc.h"

#define TEST_ENTRY(name)	void test_##name(void);
#include "list.h"
#undef TEST_ENTRY

/* ---- helpers ---- */

static char *
slurp(const char *dir, const char *name, size_t *len_out)
{
	char		 path[1024];
	struct stat	 st;
	char		*p;
	int		 fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY)) == -1)
		return (NULL);
	CHECK(fstat(fd, &st) == 0);
	p = xmalloc((size_t)st.st_size + 1);
	CHECK(read(fd, p, (size_t)st.st_size) == st.st_size);
	p[st.st_size] = '\0';
	close(fd);
	if (len_out != NULL)
		*len_out = (size_t)st.st_size;
	return (p);
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f;

	CHECK((f = fopen(path, "w")) != NULL);
	fputs(text, f);
	fclose(f);
}

/* A clean environment: no AWS variable, no metadata, the given files. */
static void
env_clean(const char *config, const char *creds)
{
	static const char *const vars[] = {
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_MAX_ATTEMPTS",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS",
		"AWS_ENDPOINT_URL_ORGANIZATIONS",
		"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
		"AWS_ROLE_SESSION_NAME", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_STS_REGIONAL_ENDPOINTS",
		NULL
	};
	char	 path[1024];
	size_t	 i;

	for (i = 0; vars[i] != NULL; i++)
		unsetenv(vars[i]);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	snprintf(path, sizeof(path), "%s/config", test_tmpdir());
	write_file(path, config != NULL ? config : "");
	setenv("AWS_CONFIG_FILE", path, 1);
	snprintf(path, sizeof(path), "%s/credentials", test_tmpdir());
	write_file(path, creds != NULL ? creds : "");
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
}

/* The client's chosen credential source, or the error's message. */
static const char *
source_of(const char *profile, char *out, size_t len, struct err *e)
{
	struct awsclient_opts	 o;
	struct awsclient	*c;
	struct awsclient_info	 info;

	memset(&o, 0, sizeof(o));
	o.profile = profile;
	err_clear(e);
	if (awsclient_new(&o, &c, e) == -1) {
		snprintf(out, len, "error: %.200s", e->msg);
		return (out);
	}
	CHECK(awsclient_info(c, 0, &info, e) == 0);
	snprintf(out, len, "%s", info.source);
	awsclient_free(c);
	return (out);
}

/* ---- the signer against the AWS SigV4 test suite ---- */

/*
 * Parses request.txt: "METHOD target HTTP/1.1", "Name:value" lines (an
 * indented line continues the value above, line break kept), an empty
 * line, the body.
 */
static void
request_parse(char *text, size_t len, struct hdrs *h, char **method,
    char **path, char **query, char **body, size_t *body_len)
{
	char	*p = text, *eol, *sp, *q, *colon, *name, *value;
	char	 joined[4096];

	CHECK((eol = strchr(p, '\n')) != NULL);
	*eol = '\0';
	*method = p;
	CHECK((sp = strchr(p, ' ')) != NULL);
	*sp = '\0';
	*path = sp + 1;
	CHECK((sp = strrchr(*path, ' ')) != NULL);
	*sp = '\0';
	*query = sp;	/* "" */
	if ((q = strchr(*path, '?')) != NULL) {
		*q = '\0';
		*query = q + 1;
	}
	for (p = eol + 1; *p != '\0' && *p != '\n'; p = eol + 1) {
		CHECK((eol = strchr(p, '\n')) != NULL || (eol = p + strlen(p)));
		CHECK((colon = strchr(p, ':')) != NULL);
		*colon = '\0';
		name = p;
		value = colon + 1;
		snprintf(joined, sizeof(joined), "%.*s", (int)(eol - value),
		    value);
		while (*eol == '\n' && (eol[1] == ' ' || eol[1] == '\t')) {
			p = eol + 1;
			eol = strchr(p, '\n');
			if (eol == NULL)
				eol = p + strlen(p);
			snprintf(joined + strlen(joined), sizeof(joined) -
			    strlen(joined), "\n%.*s", (int)(eol - p), p);
		}
		hdrs_add(h, name, joined);
		if (*eol == '\0') {
			p = eol;
			break;
		}
	}
	if (*p == '\n')
		p++;
	*body = p;
	*body_len = len - (size_t)(p - text);
}

/* The Authorization line of header-signed-request.txt. */
static char *
expected_auth(const char *signed_req)
{
	const char	*p = strstr(signed_req, "\nAuthorization:");
	size_t		 n;

	CHECK(p != NULL);
	p += strlen("\nAuthorization:");
	n = strcspn(p, "\r\n");
	return (xstrndup(p, n));
}

static int64_t
ts_ms(const char *iso)
{
	int64_t	 t;

	CHECK(iso8601_parse_ms(iso, &t) == 0);
	return (t);
}

TEST(awsclient_signer_matches_sigv4_suite)
{
	char		 root[1024], dir[2048], cpath[2100];
	DIR		*d;
	struct dirent	*de;
	size_t		 n = 0, len, body_len;

	snprintf(root, sizeof(root), "%s/sigv4-test-suite", test_data_dir());
	CHECK((d = opendir(root)) != NULL);
	while ((de = readdir(d)) != NULL) {
		struct aws_creds	 cr;
		struct signing		 s;
		struct hdrs		 h;
		struct err		 e;
		struct buf		 canon;
		struct request		 r;
		struct header		 rh[HDRS_MAX];
		json_t			*ctx, *cred;
		json_error_t		 jerr;
		char			*req, *signed_req, *want, *want_canon;
		char			*method, *path, *query, *body, sig[1024];
		const char		*tok;
		size_t			 i;

		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", root, de->d_name);
		if ((req = slurp(dir, "request.txt", &len)) == NULL)
			continue;
		snprintf(cpath, sizeof(cpath), "%s/context.json", dir);
		CHECK((ctx = json_load_file(cpath, 0, &jerr)) != NULL);
		CHECK((signed_req = slurp(dir, "header-signed-request.txt",
		    NULL)) != NULL);
		CHECK((want_canon = slurp(dir, "header-canonical-request.txt",
		    NULL)) != NULL);

		memset(&cr, 0, sizeof(cr));
		cred = json_object_get(ctx, "credentials");
		snprintf(cr.access_key, sizeof(cr.access_key), "%s",
		    json_string_value(json_object_get(cred, "access_key_id")));
		snprintf(cr.secret, sizeof(cr.secret), "%s", json_string_value(
		    json_object_get(cred, "secret_access_key")));
		if ((tok = json_string_value(json_object_get(cred, "token"))) !=
		    NULL)
			snprintf(cr.token, sizeof(cr.token), "%s", tok);
		memset(&s, 0, sizeof(s));
		s.creds = &cr;
		s.region = json_string_value(json_object_get(ctx, "region"));
		s.service = json_string_value(json_object_get(ctx, "service"));
		s.now_ms = ts_ms(json_string_value(json_object_get(ctx,
		    "timestamp")));
		if (json_is_false(json_object_get(ctx, "normalize")))
			s.flags |= SIGN_S3_PATH;
		if (json_is_true(json_object_get(ctx, "sign_body")))
			s.flags |= SIGN_BODY_HEADER;
		if (json_is_true(json_object_get(ctx, "omit_session_token")))
			s.flags |= SIGN_TOKEN_UNSIGNED;

		hdrs_init(&h);
		request_parse(req, len, &h, &method, &path, &query, &body,
		    &body_len);
		err_clear(&e);
		if (aws_sign(&h, method, path, query, body, body_len, &s, NULL,
		    &e) == -1) {
			fprintf(stderr, "%s: %s\n", de->d_name, e.msg);
			CHECK(0);
		}
		want = expected_auth(signed_req);
		if (strcmp(hdrs_get(&h, "Authorization"), want) != 0) {
			fprintf(stderr, "%s:\n got  %s\n want %s\n", de->d_name,
			    hdrs_get(&h, "Authorization"), want);
			CHECK(0);
		}
		/* The canonical request too, byte for byte. */
		memset(&r, 0, sizeof(r));
		for (i = 0; i < h.n; i++) {
			rh[i].name = h.h[i].name;
			rh[i].value = h.h[i].value;
		}
		r.method = method;
		r.path = path;
		r.query = query;
		r.headers = rh;
		r.nheaders = h.n;
		r.body = body;
		r.body_len = body_len;
		buf_init(&canon, 0);
		tok = strstr(want, "SignedHeaders=") + strlen("SignedHeaders=");
		snprintf(sig, sizeof(sig), "%.*s", (int)strcspn(tok, ","), tok);
		CHECK(sigv4_canonical_request_flags(&r, sig,
		    (s.flags & SIGN_S3_PATH) ? SIGV4_S3_PATH : 0, &canon,
		    &e) == 0);
		while (strlen(want_canon) > 0 &&
		    want_canon[strlen(want_canon) - 1] == '\n')
			want_canon[strlen(want_canon) - 1] = '\0';
		if (strcmp(buf_str(&canon), want_canon) != 0) {
			fprintf(stderr, "%s: canonical request\n got:\n%s\n"
			    "want:\n%s\n", de->d_name, buf_str(&canon),
			    want_canon);
			CHECK(0);
		}
		buf_release(&canon);
		hdrs_release(&h);
		xfree(want);
		xfree(want_canon);
		xfree(signed_req);
		xfree(req);
		json_decref(ctx);
		n++;
	}
	closedir(d);
	/* Every case of the suite, S3's seven unnormalized ones included. */
	CHECK_INT(n, 38);
}

/* A changed secret or a changed header changes the signature. */
TEST(awsclient_signer_depends_on_what_it_signs)
{
	struct aws_creds	 cr;
	struct signing		 s;
	struct hdrs		 h;
	struct err		 e;
	char			 a[65], b[65], c[65];

	memset(&cr, 0, sizeof(cr));
	snprintf(cr.access_key, sizeof(cr.access_key), "AKIDEXAMPLE");
	snprintf(cr.secret, sizeof(cr.secret), "secret-one");
	memset(&s, 0, sizeof(s));
	s.creds = &cr;
	s.region = "us-east-1";
	s.service = "organizations";
	s.now_ms = 1796400000000LL;
	hdrs_init(&h);
	hdrs_add(&h, "Host", "organizations.us-east-1.amazonaws.com");
	hdrs_add(&h, "X-Amz-Target", "AWSOrganizationsV20161128.ListAccounts");
	CHECK(aws_sign(&h, "POST", "/", "", "{}", 2, &s, a, &e) == 0);
	/* User-Agent is not signed; X-Amz-Target is. */
	CHECK(strstr(hdrs_get(&h, "Authorization"), "SignedHeaders=host;"
	    "x-amz-date;x-amz-target,") != NULL);
	hdrs_release(&h);
	hdrs_add(&h, "Host", "organizations.us-east-1.amazonaws.com");
	hdrs_add(&h, "X-Amz-Target", "AWSOrganizationsV20161128.LeaveOrganization");
	CHECK(aws_sign(&h, "POST", "/", "", "{}", 2, &s, b, &e) == 0);
	CHECK(strcmp(a, b) != 0);
	hdrs_release(&h);
	snprintf(cr.secret, sizeof(cr.secret), "secret-two");
	hdrs_add(&h, "Host", "organizations.us-east-1.amazonaws.com");
	hdrs_add(&h, "X-Amz-Target", "AWSOrganizationsV20161128.ListAccounts");
	CHECK(aws_sign(&h, "POST", "/", "", "{}", 2, &s, c, &e) == 0);
	CHECK(strcmp(a, c) != 0);
	/* A session token is sent and signed. */
	hdrs_release(&h);
	snprintf(cr.token, sizeof(cr.token), "TOKEN123");
	hdrs_add(&h, "Host", "sts.amazonaws.com");
	CHECK(aws_sign(&h, "POST", "/", "", "", 0, &s, c, &e) == 0);
	CHECK_STR(hdrs_get(&h, "X-Amz-Security-Token"), "TOKEN123");
	CHECK(strstr(hdrs_get(&h, "Authorization"),
	    "x-amz-security-token") != NULL);
	hdrs_release(&h);
}

/* ---- the shared files ---- */

TEST(awsclient_ini_parses_as_the_sdks)
{
	static const char text[] =
	    "# a comment\n"
	    "; another\n"
	    "[default]\n"
	    "region = eu-west-1   # inline comment\n"
	    "Output=json\n"
	    "\n"
	    "[profile dev]  ; comment after a section\n"
	    "role_arn = arn:aws:iam::111122223333:role/x#y\n"
	    "s3 =\n"
	    "    addressing_style = path\n"
	    "    max_concurrent_requests = 10\n"
	    "note = first\n"
	    "   second\n"
	    "[profile \"with space\"]\n"
	    "region=ap-south-1\n"
	    "[services local]\n"
	    "s3 =\n"
	    "  endpoint_url = http://127.0.0.1:9000\n"
	    "[profile dev]\n"
	    "region = us-west-2\n";
	struct ini	 ini;
	struct profile	 p;
	struct err	 e;

	CHECK(ini_parse(text, strlen(text), "config", &ini, &e) == 0);
	profile_find(&ini, NULL, "default", &p);
	CHECK_STR(profile_get(&p, "region"), "eu-west-1");
	CHECK_STR(profile_get(&p, "output"), "json");	/* keys lowercased */
	profile_find(&ini, NULL, "dev", &p);
	/* '#' without white space before it is part of the value. */
	CHECK_STR(profile_get(&p, "role_arn"),
	    "arn:aws:iam::111122223333:role/x#y");
	CHECK_STR(profile_get(&p, "s3.addressing_style"), "path");
	CHECK_STR(profile_get(&p, "s3.max_concurrent_requests"), "10");
	CHECK_STR(profile_get(&p, "note"), "first\nsecond");
	/* A repeated section adds to the first. */
	CHECK_STR(profile_get(&p, "region"), "us-west-2");
	profile_find(&ini, NULL, "with space", &p);
	CHECK_STR(profile_get(&p, "region"), "ap-south-1");
	/* [dev] in the config file is not profile dev. */
	profile_find(&ini, NULL, "local", &p);
	CHECK(p.config == NULL);
	CHECK_STR(ini_get(ini_services(&ini, "local"), "s3.endpoint_url"),
	    "http://127.0.0.1:9000");
	ini_release(&ini);
}

TEST(awsclient_ini_errors_name_the_line_not_its_text)
{
	static const char *const bad[] = {
		"key = value\n",			/* before any section */
		"[default]\nAKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI\n",
		"[default\nx = 1\n",
		"[]\n",
		"[default] trailing\n",
		"[default]\n  indented = first\n",
		"[default]\n= value\n",
		NULL
	};
	struct ini	 ini;
	struct err	 e;
	size_t		 i;

	for (i = 0; bad[i] != NULL; i++) {
		err_clear(&e);
		if (ini_parse(bad[i], strlen(bad[i]), "credentials", &ini,
		    &e) != -1) {
			fprintf(stderr, "accepted: %s", bad[i]);
			CHECK(0);
		}
		CHECK(e.code == ERR_INVALID);
		CHECK(strncmp(e.msg, "credentials:", 12) == 0);
		CHECK(strstr(e.msg, "wJalr") == NULL);
		CHECK(strstr(e.msg, "AKIA") == NULL);
	}
	CHECK(strstr(e.msg, "credentials:2:") != NULL);
}

TEST(awsclient_chain_order)
{
	char		 src[256], path[1024];
	struct err	 e;

	/* Nothing anywhere, metadata disabled: a clear ERR_AUTH. */
	env_clean(NULL, NULL);
	source_of(NULL, src, sizeof(src), &e);
	CHECK(e.code == ERR_AUTH);
	CHECK(strstr(src, "no AWS credentials") != NULL);

	/* 1. The environment first... */
	env_clean("[default]\nregion = eu-west-1\n",
	    "[default]\naws_access_key_id = AKIDFILE\n"
	    "aws_secret_access_key = filesecret\n"
	    "[other]\naws_access_key_id = AKIDOTHER\n"
	    "aws_secret_access_key = othersecret\n");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	CHECK_STR(source_of(NULL, src, sizeof(src), &e), "environment");
	/* ...also over AWS_PROFILE, as botocore does... */
	setenv("AWS_PROFILE", "other", 1);
	CHECK_STR(source_of(NULL, src, sizeof(src), &e), "environment");
	/* ...but a profile named explicitly skips it. */
	CHECK_STR(source_of("other", src, sizeof(src), &e),
	    "profile other (credentials file)");
	unsetenv("AWS_PROFILE");
	/* Half a key pair is an error, not a fall-through. */
	unsetenv("AWS_SECRET_ACCESS_KEY");
	source_of(NULL, src, sizeof(src), &e);
	CHECK(strstr(src, "partial credentials") != NULL);
	unsetenv("AWS_ACCESS_KEY_ID");
	/* 4. The credentials file's keys. */
	CHECK_STR(source_of(NULL, src, sizeof(src), &e),
	    "profile default (credentials file)");
	/* A named profile that exists nowhere. */
	source_of("nope", src, sizeof(src), &e);
	CHECK(strstr(src, "could not be found") != NULL);

	/* 2. A role with a source_profile chain: role <- role <- keys. */
	env_clean("[profile top]\nrole_arn = arn:aws:iam::1:role/top\n"
	    "source_profile = mid\n"
	    "[profile mid]\nrole_arn = arn:aws:iam::1:role/mid\n"
	    "source_profile = base\n"
	    "[profile base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = basesecret\n"
	    "[profile self]\nrole_arn = arn:aws:iam::1:role/self\n"
	    "source_profile = self\naws_access_key_id = AKIDSELF\n"
	    "aws_secret_access_key = selfsecret\n"
	    "[profile loop1]\nrole_arn = arn:aws:iam::1:role/a\n"
	    "source_profile = loop2\n"
	    "[profile loop2]\nrole_arn = arn:aws:iam::1:role/b\n"
	    "source_profile = loop1\n"
	    "[profile both]\nrole_arn = arn:aws:iam::1:role/b\n"
	    "source_profile = base\ncredential_source = Environment\n"
	    "[profile envsrc]\nrole_arn = arn:aws:iam::1:role/e\n"
	    "credential_source = Environment\n"
	    "[profile broken]\nrole_arn = arn:aws:iam::1:role/e\n"
	    "source_profile = missing\n"
	    "[profile wi]\nrole_arn = arn:aws:iam::1:role/wi\n"
	    "web_identity_token_file = /tmp/token\n"
	    "[profile sso]\nsso_start_url = https://x.awsapps.com/start\n"
	    "[profile cfgkeys]\naws_access_key_id = AKIDCFG\n"
	    "aws_secret_access_key = cfgsecret\n", NULL);
	CHECK_STR(source_of("top", src, sizeof(src), &e),
	    "assume-role top <- assume-role mid <- profile base (config file)");
	CHECK_STR(source_of("self", src, sizeof(src), &e),
	    "assume-role self <- profile self (config file)");
	source_of("loop1", src, sizeof(src), &e);
	CHECK(strstr(src, "loops") != NULL);
	source_of("both", src, sizeof(src), &e);
	CHECK(strstr(src, "exactly one of source_profile and "
	    "credential_source") != NULL);
	source_of("broken", src, sizeof(src), &e);
	CHECK(strstr(src, "missing") != NULL);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	CHECK_STR(source_of("envsrc", src, sizeof(src), &e),
	    "assume-role envsrc <- environment");
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	/* 3. Web identity from the profile, then from the environment. */
	CHECK_STR(source_of("wi", src, sizeof(src), &e),
	    "web identity (profile)");
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "/tmp/token", 1);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::1:role/env", 1);
	CHECK_STR(source_of(NULL, src, sizeof(src), &e),
	    "web identity (environment)");
	/* Web identity comes before the profile's keys (botocore's order). */
	CHECK_STR(source_of("cfgkeys", src, sizeof(src), &e),
	    "web identity (environment)");
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	unsetenv("AWS_ROLE_ARN");
	CHECK_STR(source_of("cfgkeys", src, sizeof(src), &e),
	    "profile cfgkeys (config file)");
	source_of("sso", src, sizeof(src), &e);
	CHECK(strstr(src, "IAM Identity Center") != NULL);

	/* 5. The container endpoint, 6. instance metadata. */
	env_clean(NULL, NULL);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "http://127.0.0.1:1/creds", 1);
	CHECK_STR(source_of(NULL, src, sizeof(src), &e), "container endpoint");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "http://203.0.113.9/creds", 1);
	source_of(NULL, src, sizeof(src), &e);
	CHECK(strstr(src, "plain http is allowed only") != NULL);
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	unsetenv("AWS_EC2_METADATA_DISABLED");
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1", 1);
	CHECK_STR(source_of(NULL, src, sizeof(src), &e),
	    "EC2 instance metadata");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	snprintf(path, sizeof(path), "%s", src);
	(void)path;
}

/* ---- settings and endpoints ---- */

static void
endpoint_of(const char *profile, const char *service, char *out, size_t len)
{
	struct awsclient_opts	 o;
	struct awsclient	*c;
	struct err		 e;

	memset(&o, 0, sizeof(o));
	o.profile = profile;
	err_clear(&e);
	if (awsclient_new(&o, &c, &e) == -1) {
		fprintf(stderr, "awsclient_new: %s\n", e.msg);
		CHECK(0);
	}
	CHECK(awsclient_endpoint(c, service, out, len) == 0);
	awsclient_free(c);
}

TEST(awsclient_endpoints_and_settings)
{
	struct awsclient_opts	 o;
	struct awsclient	*c;
	struct awsclient_info	 info;
	struct err		 e;
	char			 url[512];

	env_clean("[default]\nregion = eu-west-1\nmax_attempts = 5\n"
	    "[profile local]\nregion = eu-central-1\nservices = dev\n"
	    "endpoint_url = http://127.0.0.1:7000\n"
	    "[services dev]\ns3 =\n  endpoint_url = http://127.0.0.1:9000/\n",
	    "[default]\naws_access_key_id = A\naws_secret_access_key = B\n"
	    "[local]\naws_access_key_id = A\naws_secret_access_key = B\n");
	/* AWS's defaults: Organizations is global, STS regional. */
	endpoint_of(NULL, "organizations", url, sizeof(url));
	CHECK_STR(url, "https://organizations.us-east-1.amazonaws.com");
	endpoint_of(NULL, "sts", url, sizeof(url));
	CHECK_STR(url, "https://sts.eu-west-1.amazonaws.com");
	endpoint_of(NULL, "s3", url, sizeof(url));
	CHECK_STR(url, "https://s3.eu-west-1.amazonaws.com");
	setenv("AWS_STS_REGIONAL_ENDPOINTS", "legacy", 1);
	endpoint_of(NULL, "sts", url, sizeof(url));
	CHECK_STR(url, "https://sts.amazonaws.com");
	unsetenv("AWS_STS_REGIONAL_ENDPOINTS");
	setenv("AWS_REGION", "cn-north-1", 1);
	endpoint_of(NULL, "organizations", url, sizeof(url));
	CHECK_STR(url, "https://organizations.cn-northwest-1.amazonaws.com.cn");
	unsetenv("AWS_REGION");

	/* The profile's services section, then its endpoint_url. */
	endpoint_of("local", "s3", url, sizeof(url));
	CHECK_STR(url, "http://127.0.0.1:9000");
	endpoint_of("local", "sts", url, sizeof(url));
	CHECK_STR(url, "http://127.0.0.1:7000");
	/* AWS_ENDPOINT_URL over the profile's... */
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:8000", 1);
	endpoint_of("local", "sts", url, sizeof(url));
	CHECK_STR(url, "http://127.0.0.1:8000");
	/* ...but not over the services section... */
	endpoint_of("local", "s3", url, sizeof(url));
	CHECK_STR(url, "http://127.0.0.1:9000");
	/* ...and AWS_ENDPOINT_URL_<SERVICE> over everything configured. */
	setenv("AWS_ENDPOINT_URL_S3", "http://localhost:1234/base", 1);
	endpoint_of("local", "s3", url, sizeof(url));
	CHECK_STR(url, "http://localhost:1234/base");
	endpoint_of("local", "organizations", url, sizeof(url));
	CHECK_STR(url, "http://127.0.0.1:8000");
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	endpoint_of("local", "s3", url, sizeof(url));
	CHECK_STR(url, "https://s3.eu-central-1.amazonaws.com");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	setenv("AWS_ENDPOINT_URL_S3", "ftp://x", 1);
	memset(&o, 0, sizeof(o));
	CHECK(awsclient_new(&o, &c, &e) == 0);
	CHECK(awsclient_endpoint(c, "s3", url, sizeof(url)) == -1);
	awsclient_free(c);
	unsetenv("AWS_ENDPOINT_URL_S3");
	unsetenv("AWS_ENDPOINT_URL");

	/* Attempts: the profile's, then AWS_MAX_ATTEMPTS, then the option. */
	CHECK(awsclient_new(&o, &c, &e) == 0);
	CHECK(awsclient_info(c, 0, &info, &e) == 0);
	CHECK_INT(info.max_attempts, 5);
	CHECK_STR(info.region, "eu-west-1");
	awsclient_free(c);
	setenv("AWS_MAX_ATTEMPTS", "2", 1);
	setenv("AWS_DEFAULT_REGION", "ap-south-1", 1);
	CHECK(awsclient_new(&o, &c, &e) == 0);
	CHECK(awsclient_info(c, 0, &info, &e) == 0);
	CHECK_INT(info.max_attempts, 2);
	CHECK_STR(info.region, "ap-south-1");
	awsclient_free(c);
	setenv("AWS_REGION", "us-west-2", 1);
	o.max_attempts = 7;
	CHECK(awsclient_new(&o, &c, &e) == 0);
	CHECK(awsclient_info(c, 0, &info, &e) == 0);
	CHECK_INT(info.max_attempts, 7);
	CHECK_STR(info.region, "us-west-2");
	awsclient_free(c);
	setenv("AWS_MAX_ATTEMPTS", "zero", 1);
	o.max_attempts = 0;
	CHECK(awsclient_new(&o, &c, &e) == -1);
	CHECK(strstr(e.msg, "AWS_MAX_ATTEMPTS") != NULL);
	unsetenv("AWS_MAX_ATTEMPTS");
	setenv("AWS_REGION", "us-west-2/../x", 1);
	CHECK(awsclient_new(&o, &c, &e) == -1);
	CHECK(strstr(e.msg, "AWS_REGION") != NULL);
}

/* ---- retries ---- */

TEST(awsclient_retry_policy)
{
	struct retry_quota	 q;
	int			 attempt, i, cost, n;
	long			 hi;

	/* What is retried, as the SDKs' standard mode. */
	CHECK(retry_classify(200, NULL, 0) == RETRY_NO);
	CHECK(retry_classify(429, NULL, 0) == RETRY_THROTTLE);
	CHECK(retry_classify(400, "TooManyRequestsException", 0) ==
	    RETRY_THROTTLE);
	CHECK(retry_classify(400, "Throttling", 0) == RETRY_THROTTLE);
	CHECK(retry_classify(400, "ThrottlingException", 0) ==
	    RETRY_THROTTLE);
	CHECK(retry_classify(503, "RequestLimitExceeded", 0) ==
	    RETRY_THROTTLE);
	CHECK(retry_classify(503, "SlowDown", 0) == RETRY_THROTTLE);
	CHECK(retry_classify(500, NULL, 0) == RETRY_TRANSIENT);
	CHECK(retry_classify(502, NULL, 0) == RETRY_TRANSIENT);
	CHECK(retry_classify(503, NULL, 0) == RETRY_TRANSIENT);
	CHECK(retry_classify(504, NULL, 0) == RETRY_TRANSIENT);
	CHECK(retry_classify(400, "RequestTimeout", 0) == RETRY_TRANSIENT);
	CHECK(retry_classify(0, NULL, 1) == RETRY_NETWORK);
	CHECK(retry_classify(400, "AccessDeniedException", 0) == RETRY_NO);
	CHECK(retry_classify(403, "AccessDenied", 0) == RETRY_NO);
	CHECK(retry_classify(400, "ValidationException", 0) == RETRY_NO);
	CHECK(retry_classify(404, "NoSuchKey", 0) == RETRY_NO);
	CHECK(retry_classify(501, NULL, 0) == RETRY_NO);

	/* Full jitter: [0, min(cap, base * 2^(attempt - 1))). */
	CHECK_INT(retry_backoff_ms(1, 0), 0);
	CHECK_INT(retry_backoff_ms(1, 0.999999), 99);
	CHECK_INT(retry_backoff_ms(2, 0.5), 100);
	CHECK_INT(retry_backoff_ms(3, 0.5), 200);
	for (attempt = 1; attempt <= 40; attempt++) {
		hi = RETRY_BASE_MS;
		for (i = 1; i < attempt && hi < RETRY_CAP_MS; i++)
			hi *= 2;
		if (hi > RETRY_CAP_MS)
			hi = RETRY_CAP_MS;
		for (i = 0; i <= 100; i++) {
			long	 d = retry_backoff_ms(attempt, i / 100.0);

			CHECK(d >= 0);
			CHECK(d <= hi);
			CHECK(d <= RETRY_CAP_MS);
		}
	}
	CHECK_INT(retry_backoff_ms(9, 0.999999), 19999);
	CHECK_INT(retry_backoff_ms(1000, 0.999999), 19999);
	CHECK_INT(retry_backoff_ms(3, 7.0), 399);	/* r clamped */

	/* The quota: 500 tokens, 5 a retry, 10 a network retry. */
	retry_quota_init(&q);
	for (n = 0; retry_quota_take(&q, RETRY_THROTTLE, &cost); n++)
		CHECK_INT(cost, RETRY_COST);
	CHECK_INT(n, RETRY_QUOTA_MAX / RETRY_COST);
	CHECK_INT(cost, 0);
	retry_quota_give(&q, 10);
	CHECK(retry_quota_take(&q, RETRY_NETWORK, &cost));
	CHECK_INT(cost, RETRY_TIMEOUT_COST);
	CHECK(!retry_quota_take(&q, RETRY_THROTTLE, &cost));
	/* A success without retries gives one token back. */
	for (i = 0; i < 5; i++)
		retry_quota_give(&q, 0);
	CHECK(retry_quota_take(&q, RETRY_THROTTLE, &cost));
	for (i = 0; i < 10000; i++)
		retry_quota_give(&q, 10);
	CHECK_INT(q.tokens, RETRY_QUOTA_MAX);
}

/* ---- errors ---- */

#define SECRET	"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN	"IQoJb3JpZ2luX2VjEXAMPLETOKENxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define SIG	"5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"

TEST(awsclient_errors_name_the_action)
{
	struct call	 c;
	struct err	 e;
	const char	*body;

	call_init(&c, svc_find("organizations"), "ListAccounts");
	body = "{\"__type\":\"com.amazon.coral.service#AccessDeniedException\","
	    "\"Message\":\"You don't have permissions to access this "
	    "resource.\"}";
	call_error(&c, 400, body, strlen(body), NULL, &e);
	CHECK(e.code == ERR_DENIED);
	CHECK_STR(e.aws_type, "AccessDeniedException");
	CHECK_INT(e.http_status, 400);
	CHECK_STR(e.msg, "organizations:ListAccounts refused: You don't have "
	    "permissions to access this resource. (HTTP 400)");
	/* x-amzn-ErrorType wins, its ":url" part dropped; Reason kept. */
	body = "{\"__type\":\"X\",\"message\":\"too many accounts\","
	    "\"Reason\":\"ACCOUNT_NUMBER_LIMIT_EXCEEDED\"}";
	call_error(&c, 400, body, strlen(body),
	    "ConstraintViolationException:http://internal.amazon.com/x", &e);
	CHECK_STR(e.aws_type, "ConstraintViolationException");
	CHECK_STR(e.reason, "ACCOUNT_NUMBER_LIMIT_EXCEEDED");
	CHECK(e.code == ERR_CONFLICT);
	call_release(&c);

	/* STS's query protocol and S3's XML. */
	call_init(&c, svc_find("sts"), "AssumeRole");
	body = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/"
	    "2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code>"
	    "<Message>User: arn:aws:iam::1:user/x is not authorized to "
	    "perform: sts:AssumeRole</Message></Error><RequestId>r1"
	    "</RequestId></ErrorResponse>";
	call_error(&c, 403, body, strlen(body), NULL, &e);
	CHECK(e.code == ERR_DENIED);
	CHECK_STR(e.aws_type, "AccessDenied");
	CHECK(strncmp(e.msg, "sts:AssumeRole refused: User: arn:aws:iam::1:"
	    "user/x is not authorized", 60) == 0);
	call_release(&c);
	call_init(&c, svc_find("s3"), "ListObjectsV2");
	c.iam_action = "s3:ListBucket";
	body = "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code>"
	    "<Message>The specified bucket does not exist</Message></Error>";
	call_error(&c, 404, body, strlen(body), NULL, &e);
	CHECK(e.code == ERR_NOT_FOUND);
	CHECK_STR(e.aws_type, "NoSuchBucket");
	CHECK_STR(e.msg, "s3:ListBucket: The specified bucket does not exist "
	    "(HTTP 404)");
	/* HEAD has no body: the status names it. */
	call_error(&c, 403, "", 0, NULL, &e);
	CHECK_STR(e.aws_type, "Forbidden");
	CHECK(e.code == ERR_DENIED);
	CHECK(strstr(e.msg, "s3:ListBucket refused") != NULL);
	call_error(&c, 503, "<html>", 6, NULL, &e);
	CHECK(e.code == ERR_INTERNAL);
	call_release(&c);
}

TEST(awsclient_errors_never_show_secrets)
{
	struct call	 c;
	struct err	 e;
	char		 body[2048], msg[64];
	const char	*const secrets[] = { SECRET, TOKEN, SIG };
	size_t		 i;

	call_init(&c, svc_find("s3"), "GetObject");
	call_secret(&c, SECRET);
	call_secret(&c, TOKEN);
	call_secret(&c, SIG);
	/* A server that echoes everything (S3 sends the signature back). */
	snprintf(body, sizeof(body), "<Error><Code>SignatureDoesNotMatch"
	    "</Code><Message>secret %s token %s signature %s and %s again"
	    "</Message><SignatureProvided>%s</SignatureProvided></Error>",
	    SECRET, TOKEN, SIG, SECRET, SIG);
	call_error(&c, 403, body, strlen(body), NULL, &e);
	CHECK(e.code == ERR_AUTH);
	for (i = 0; i < 3; i++)
		CHECK(strstr(e.msg, secrets[i]) == NULL);
	CHECK(strstr(e.msg, "[redacted]") != NULL);
	/* JSON too, and a secret cut short by the message's end. */
	snprintf(body, sizeof(body), "{\"__type\":\"UnrecognizedClient"
	    "Exception\",\"message\":\"%0200d%s\"}", 0, TOKEN);
	call_error(&c, 400, body, strlen(body), NULL, &e);
	CHECK(strstr(e.msg, "IQoJb3JpZ2lu") == NULL);
	CHECK(strstr(e.msg, "IQoJ") == NULL);
	call_release(&c);

	/* scrub() alone: every occurrence, and a cut tail. */
	snprintf(msg, sizeof(msg), "a %s b", SECRET);
	scrub(msg, sizeof(msg), secrets, 3);
	CHECK_STR(msg, "a [redacted] b");
	snprintf(msg, sizeof(msg), "0123456789 %.20s", TOKEN);
	scrub(msg, sizeof(msg), secrets, 3);
	CHECK_STR(msg, "0123456789 [redacted]");
}

static int
xml_noop(void *arg, const char *path, const char *text, size_t len,
    struct err *e)
{
	(void)arg;
	(void)path;
	(void)text;
	(void)len;
	(void)e;
	return (0);
}

TEST(awsclient_xml_limits)
{
	struct err	 e;
	struct buf	 b;
	int		 i;

	/* No DTD, so no entity expansion. */
	static const char doctype[] = "<?xml version=\"1.0\"?><!DOCTYPE x ["
	    "<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
	    "<Error><Code>&b;</Code></Error>";
	struct call	 c;

	CHECK(xml_parse(doctype, strlen(doctype), xml_noop, NULL, &e) == -1);
	CHECK(strstr(e.msg, "DOCTYPE") != NULL);
	CHECK(xml_parse("<a><b></a>", 10, xml_noop, NULL, &e) == -1);
	CHECK(e.code == ERR_INVALID);
	buf_init(&b, 0);
	for (i = 0; i < XML_MAX_DEPTH + 1; i++)
		buf_adds(&b, "<a>");
	for (i = 0; i < XML_MAX_DEPTH + 1; i++)
		buf_adds(&b, "</a>");
	CHECK(xml_parse(b.ptr, b.len, xml_noop, NULL, &e) == -1);
	CHECK(e.code == ERR_LIMIT);
	buf_release(&b);
	/* An error answer with a DOCTYPE still gives a clean error. */
	call_init(&c, svc_find("s3"), "GetObject");
	call_error(&c, 400, doctype, strlen(doctype), NULL, &e);
	CHECK_STR(e.aws_type, "BadRequest");
	call_release(&c);
}

TEST(awsclient_iso8601)
{
	int64_t	 t;

	CHECK(iso8601_parse_ms("2026-11-26T12:00:00Z", &t) == 0);
	CHECK_INT(t, 1795694400000LL);
	CHECK(iso8601_parse_ms("2026-11-26T12:00:00.123Z", &t) == 0);
	CHECK_INT(t, 1795694400000LL);
	CHECK(iso8601_parse_ms("2026-11-26T13:00:00+01:00", &t) == 0);
	CHECK_INT(t, 1795694400000LL);
	CHECK(iso8601_parse_ms("2026-11-26 12:00:00", &t) == -1);
	CHECK(iso8601_parse_ms("2026-11-26T12:00:00Zjunk", &t) == -1);
}
