/* SPDX-License-Identifier: MIT */
/*
 * The AWS JSON 1.1 front door: target lookup, authentication, decoding,
 * dispatch and the rendering of every reply and error. See aws.h.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aws/aws.h"
#include "aws/ops.h"
#include "core/config.h"
#include "core/json.h"
#include "core/log.h"
#include "core/sigv4.h"
#include "org/account.h"
#include "store/store.h"

enum op_service { ORG, CE };

struct op {
	enum op_service	 service;
	const char	*name;
	aws_handler	 fn;
};

static const struct op ops[] = {
#define OP(svc, name, fn) { svc, #name, fn },
#include "aws/ops.def"
#undef OP
};

static const struct {
	const char	*prefix;
	enum op_service	 service;
	const char	*signing_name;	/* SigV4 service in the scope */
} services[] = {
	{ "AWSOrganizationsV20161128.", ORG, "organizations" },
	{ "AWSInsightsIndexService.", CE, "ce" },
};

static const struct {
	const char	*name;
	int		 status;
} errors[] = {
#define ERR(name, status) { #name, status },
#define REST_ERR(name, status)
#include "core/errors.def"
#undef ERR
#undef REST_ERR
};

int
aws_wants(const struct request *r)
{
	return (request_header(r, "X-Amz-Target") != NULL);
}

static int
error_status(const struct err *e)
{
	size_t	 i;

	if (e->http_status != 0)
		return (e->http_status);
	if (e->aws_type != NULL)
		for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
			if (strcmp(errors[i].name, e->aws_type) == 0)
				return (errors[i].status);
	return (err_http_status(e));
}

/*
 * AWS's own words for an InvalidInputException of these reasons, as the
 * service answers them: clients and tests compare them. The domain's
 * message names the field; the CLI and the console show that one.
 */
static const char *
aws_message(const struct err *e)
{
	static const struct {
		const char	*reason;
		const char	*msg;
	} words[] = {
		{ "INVALID_PATTERN", "You provided a value that does not match "
		    "the required pattern." },
		{ "INVALID_ENUM", "You specified an invalid value." },
		{ "INVALID_ENUM_POLICY_TYPE", "You specified an invalid value." },
		{ "INVALID_SYNTAX_POLICY_ID", "You specified an invalid value." },
		{ "INVALID_PATTERN_TARGET_ID", "You specified an invalid value." },
		{ "UNRECOGNIZED_SERVICE_PRINCIPAL", "You specified an "
		    "unrecognized service principal." },
	};
	size_t	 i;

	if (e->aws_type == NULL || e->reason == NULL ||
	    strcmp(e->aws_type, AWSERR(InvalidInputException)) != 0)
		return (e->msg);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i].reason, e->reason) == 0)
			return (words[i].msg);
	return (e->msg);
}

/* The one place an AWS error is rendered. */
static void
reply_error(struct request *r, struct response *resp, const struct err *e)
{
	const char	*type = e->aws_type;
	json_t		*o;

	if (type == NULL)
		type = e->code == ERR_INTERNAL ? AWSERR(ServiceException) :
		    e->code == ERR_NOT_FOUND ? AWSERR(ValidationException) :
		    AWSERR(InvalidInputException);
	resp->status = error_status(e);
	resp->content_type = "application/x-amz-json-1.1";
	response_header(resp, "x-amzn-ErrorType", type);
	o = json_pack("{s:s, s:s}", "__type", type, "Message", aws_message(e));
	if (e->reason != NULL)
		json_object_set_new(o, "Reason", json_string(e->reason));
	json_to_buf(o, JSON_COMPACT, &resp->body);
	json_decref(o);
	if (resp->status >= 500)
		log_warnx("%s %s: %s", r->request_id, type, e->msg);
}

static void
reply_ok(struct response *resp, json_t *out)
{
	resp->status = 200;
	resp->content_type = "application/x-amz-json-1.1";
	json_to_buf(out, JSON_COMPACT | JSON_REAL_PRECISION(13), &resp->body);
}

/*
 * Finds who asks (account_from_signature); emulator mode accepts any
 * well-formed credentials, known keys are still verified.
 */
static int
authenticate(struct request *r, const char *signing_name,
    struct principal *who, struct err *e)
{
	if (request_header(r, "Authorization") == NULL)
		return (err_set(e, ERR_AUTH,
		    AWSERR(MissingAuthenticationTokenException),
		    NULL, "Missing Authentication Token"));
	return (account_from_signature(r->store, r, signing_name,
	    r->cfg->emulator ? ACCOUNT_SIG_EMULATOR : 0, who, e));
}

/*
 * The region the caller signed for (authenticate() parsed the header once
 * already). It decides the partition of what the caller makes:
 * CreateOrganization through cn-north-1 gives arn:aws-cn: ARNs.
 */
static void
signed_region(const struct request *r, char *buf, size_t len)
{
	struct sigv4_auth	 sig;
	struct err		 ignored;

	buf[0] = '\0';
	if (sigv4_parse_auth(request_header(r, "Authorization"), &sig,
	    &ignored) == 0)
		snprintf(buf, len, "%s", sig.region);
}

void
aws_handle(struct request *r, struct response *resp)
{
	const char	*target = request_header(r, "X-Amz-Target");
	const char	*opname = NULL, *signing = NULL;
	const struct op	*op = NULL;
	struct aws_req	 ar;
	struct err	 e;
	size_t		 i;

	err_clear(&e);
	memset(&ar, 0, sizeof(ar));
	ar.http = r;
	ar.store = r->store;
	ar.arena = r->arena;
	response_header(resp, "x-amzn-RequestId", r->request_id);
	for (i = 0; target != NULL && i < sizeof(services) /
	    sizeof(services[0]); i++) {
		size_t plen = strlen(services[i].prefix);
		if (strncmp(target, services[i].prefix, plen) != 0)
			continue;
		opname = target + plen;
		signing = services[i].signing_name;
		for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (ops[k].service == services[i].service &&
			    strcmp(ops[k].name, opname) == 0)
				op = &ops[k];
	}
	if (strcmp(r->method, "POST") != 0) {
		err_set(&e, ERR_INVALID, AWSERR(UnknownOperationException),
		    NULL,
		    "AWS JSON 1.1 requests are POST");
		goto fail;
	}
	if (op == NULL) {
		err_set(&e, ERR_INVALID, AWSERR(UnknownOperationException),
		    NULL,
		    "unknown operation %s", target != NULL ? target :
		    "(no X-Amz-Target header)");
		goto fail;
	}
	if (r->body_too_large) {
		err_set(&e, ERR_LIMIT, AWSERR(RequestEntityTooLargeException),
		    NULL,
		    "the request body is larger than %zu bytes",
		    r->cfg->max_body);
		goto fail;
	}
	if (authenticate(r, signing, &ar.who, &e) == -1)
		goto fail;
	signed_region(r, ar.region, sizeof(ar.region));
	if (json_decode_object(r->body, r->body_len, r->cfg->max_json_depth,
	    &ar.in, &e) == -1)
		goto fail;
	ar.out = json_object();
	if (op->fn(&ar, &e) == -1)
		goto fail;
	reply_ok(resp, ar.out);
	json_decref(ar.in);
	json_decref(ar.out);
	return;
fail:
	json_decref(ar.in);
	json_decref(ar.out);
	reply_error(r, resp, &e);
}
