/* SPDX-License-Identifier: MIT */
/*
 * STS over its query protocol (form-encoded POST, XML answer):
 * GetCallerIdentity, AssumeRole and AssumeRoleWithWebIdentity. The
 * credential providers (creds.c) use the two AssumeRole calls; whoami is
 * the diagnostic's.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "awsclient/internal.h"
#include "core/xmalloc.h"

#define STS_VERSION	"2011-06-15"

struct sts_answer {
	struct aws_creds	*creds;
	struct aws_identity	*id;
	int			 have_key, have_secret;
};

static int
copy_text(char *dst, size_t len, const char *text, size_t tl,
    const char *what, struct err *e)
{
	if (tl >= len)
		return (err_set(e, ERR_LIMIT, NULL, NULL, "STS answer: %s is "
		    "longer than %zu bytes", what, len - 1));
	memcpy(dst, text, tl);
	dst[tl] = '\0';
	return (0);
}

static int
sts_end(void *arg, const char *path, const char *text, size_t len,
    struct err *e)
{
	struct sts_answer	*a = arg;
	char			 iso[64];

	if (a->creds != NULL) {
		if (xml_path_is(path, "Credentials/AccessKeyId")) {
			a->have_key = 1;
			return (copy_text(a->creds->access_key,
			    sizeof(a->creds->access_key), text, len,
			    "AccessKeyId", e));
		}
		if (xml_path_is(path, "Credentials/SecretAccessKey")) {
			a->have_secret = 1;
			return (copy_text(a->creds->secret,
			    sizeof(a->creds->secret), text, len,
			    "SecretAccessKey", e));
		}
		if (xml_path_is(path, "Credentials/SessionToken"))
			return (copy_text(a->creds->token,
			    sizeof(a->creds->token), text, len,
			    "SessionToken", e));
		if (xml_path_is(path, "Credentials/Expiration")) {
			if (copy_text(iso, sizeof(iso), text, len,
			    "Expiration", e) == -1)
				return (-1);
			if (iso8601_parse_ms(iso, &a->creds->expires_ms) == -1)
				return (err_set(e, ERR_INTERNAL, NULL, NULL,
				    "STS answer: Expiration '%s' is not a "
				    "time", iso));
		}
	}
	if (a->id != NULL) {
		if (xml_path_is(path, "GetCallerIdentityResult/Account"))
			return (copy_text(a->id->account,
			    sizeof(a->id->account), text, len, "Account", e));
		if (xml_path_is(path, "GetCallerIdentityResult/Arn"))
			return (copy_text(a->id->arn, sizeof(a->id->arn),
			    text, len, "Arn", e));
		if (xml_path_is(path, "GetCallerIdentityResult/UserId"))
			return (copy_text(a->id->user_id,
			    sizeof(a->id->user_id), text, len, "UserId", e));
	}
	return (0);
}

/* Appends "&name=value", the value form-encoded. */
static void
param(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, "&%s=", name);
	url_encode(b, value, 0);
}

/*
 * One STS query call: form is "Action=...&Version=..." and the rest;
 * source NULL makes it unsigned (web identity).
 */
static int
sts_call(struct awsclient *cl, const char *action, const struct aws_creds *source,
    int unsigned_call, struct buf *form, const char *secret,
    struct sts_answer *a, struct err *e)
{
	struct call	 c;
	int		 rc = -1;

	call_init(&c, svc_find("sts"), action);
	hdrs_add(&c.hdrs, "Content-Type",
	    "application/x-www-form-urlencoded; charset=utf-8");
	c.body = buf_str(form);
	c.body_len = form->len;
	c.creds = source;
	c.unsigned_call = unsigned_call;
	c.max_body = 256 * 1024;
	call_secret(&c, secret);
	if (call_perform(cl, &c, e) == -1)
		goto out;
	if (xml_parse(buf_str(&c.resp.body), c.resp.body.len, sts_end, a,
	    e) == -1)
		goto out;
	if (a->creds != NULL && (!a->have_key || !a->have_secret)) {
		err_set(e, ERR_INTERNAL, NULL, NULL, "sts:%s: the answer has "
		    "no credentials", action);
		goto out;
	}
	if (a->id != NULL && a->id->account[0] == '\0') {
		err_set(e, ERR_INTERNAL, NULL, NULL, "sts:%s: the answer has "
		    "no Account", action);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1 && a->creds != NULL)
		aws_creds_clear(a->creds);
	call_release(&c);
	return (rc);
}

int
awsclient_whoami(struct awsclient *cl, struct aws_identity *out,
    struct err *e)
{
	struct sts_answer	 a;
	struct buf		 form;
	int			 rc;

	memset(out, 0, sizeof(*out));
	memset(&a, 0, sizeof(a));
	a.id = out;
	buf_init(&form, 0);
	buf_printf(&form, "Action=GetCallerIdentity&Version=%s", STS_VERSION);
	rc = sts_call(cl, "GetCallerIdentity", NULL, 0, &form, NULL, &a, e);
	buf_release(&form);
	return (rc);
}

int
sts_assume_role(struct awsclient *cl, const struct aws_creds *source,
    const char *role_arn, const char *session_name, const char *external_id,
    int duration_s, struct aws_creds *out, struct err *e)
{
	struct sts_answer	 a;
	struct buf		 form;
	int			 rc;

	memset(out, 0, sizeof(*out));
	memset(&a, 0, sizeof(a));
	a.creds = out;
	buf_init(&form, 0);
	buf_printf(&form, "Action=AssumeRole&Version=%s", STS_VERSION);
	param(&form, "RoleArn", role_arn);
	param(&form, "RoleSessionName", session_name);
	if (external_id != NULL && *external_id != '\0')
		param(&form, "ExternalId", external_id);
	if (duration_s > 0)
		buf_printf(&form, "&DurationSeconds=%d", duration_s);
	rc = sts_call(cl, "AssumeRole", source, 0, &form, NULL, &a, e);
	buf_release(&form);
	return (rc);
}

int
sts_assume_role_web_identity(struct awsclient *cl, const char *role_arn,
    const char *session_name, const char *token, int duration_s,
    struct aws_creds *out, struct err *e)
{
	struct sts_answer	 a;
	struct buf		 form;
	int			 rc;

	memset(out, 0, sizeof(*out));
	memset(&a, 0, sizeof(a));
	a.creds = out;
	buf_init(&form, 0);
	buf_printf(&form, "Action=AssumeRoleWithWebIdentity&Version=%s",
	    STS_VERSION);
	param(&form, "RoleArn", role_arn);
	param(&form, "RoleSessionName", session_name);
	param(&form, "WebIdentityToken", token);
	if (duration_s > 0)
		buf_printf(&form, "&DurationSeconds=%d", duration_s);
	rc = sts_call(cl, "AssumeRoleWithWebIdentity", NULL, 1, &form, token,
	    &a, e);
	if (form.ptr != NULL)
		OPENSSL_cleanse(form.ptr, form.len);
	buf_release(&form);
	return (rc);
}

int
awsclient_assume_role(struct awsclient *cl, const char *role_arn,
    const char *session_name, const char *external_id, int duration_s,
    struct aws_creds *out, struct err *e)
{
	struct aws_creds	 src;
	int			 rc;

	memset(out, 0, sizeof(*out));
	if (creds_get(cl, cl->creds, &src, e) == -1)
		return (-1);
	rc = sts_assume_role(cl, &src, role_arn, session_name, external_id,
	    duration_s, out, e);
	aws_creds_clear(&src);
	return (rc);
}

void
aws_creds_clear(struct aws_creds *c)
{
	OPENSSL_cleanse(c, sizeof(*c));
}
