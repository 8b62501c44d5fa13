/* SPDX-License-Identifier: MIT */
/* The REST API router and its one error renderer: see rest.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/codec.h"
#include "core/config.h"
#include "core/json.h"
#include "org/account.h"
#include "rest/rest.h"
#include "rest/rest_internal.h"
#include "store/store.h"

int
rest_query(struct request *r, const char *name, const char **out,
    struct err *e)
{
	const char	*raw;
	char		*v, why[sizeof(e->msg)];
	size_t		 len;

	*out = NULL;
	if ((raw = request_query_raw(r, name, &len)) == NULL)
		return (0);
	if (pct_decode(r->arena, raw, len, REST_QUERY_MAX, 1, &v, e) == -1) {
		/* Copied: err_set() writes e->msg. */
		snprintf(why, sizeof(why), "%s", e->msg);
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "%s: not a valid value (%s)", name, why));
	}
	*out = v;
	return (0);
}

void
reply_json(struct response *resp, int status, json_t *o)
{
	resp->status = status;
	resp->content_type = "application/json";
	json_to_buf(o, JSON_COMPACT, &resp->body);
	buf_addc(&resp->body, '\n');
	json_decref(o);
}

void
reply_error(struct response *resp, const struct err *e)
{
	const char	*code = e->aws_type;
	int		 status = err_http_status(e);

	if (code == NULL)
		code = e->code == ERR_NOT_FOUND ? "NotFound" :
		    e->code == ERR_DENIED ? "AccessDenied" :
		    e->code == ERR_CONFLICT ? "Conflict" :
		    e->code == ERR_INTERNAL ? "InternalError" : "InvalidInput";
	/* REST speaks HTTP: not found 404, denied 403, conflict 409. */
	if (status == 400 && e->http_status == 0)
		status = e->code == ERR_NOT_FOUND ? 404 :
		    e->code == ERR_DENIED ? 403 :
		    e->code == ERR_CONFLICT ? 409 : 400;
	reply_json(resp, status, json_pack("{s:{s:s, s:s}}", "Error",
	    "Code", code, "Message", e->msg));
}

/* POST /moto-api/reset: every table emptied, the default account back. */
static int
emulator_reset(struct request *r, struct response *resp, struct err *e)
{
	if (store_begin(r->store, STORE_WRITE, e) == -1)
		return (-1);
	if (store_wipe(r->store, e) == -1) {
		store_rollback(r->store);
		return (-1);
	}
	if (store_commit(r->store, e) == -1)
		return (-1);
	if (account_ensure_default(r->store, e) == -1)
		return (-1);
	reply_json(resp, 200, json_pack("{s:s}", "status", "ok"));
	return (0);
}

/* POST /api/v1/test/clock {"advance_seconds": N} */
static int
emulator_clock(struct request *r, struct response *resp, struct err *e)
{
	json_t		*in, *v;
	char		 iso[32];
	int64_t		 secs;

	if (json_decode_object(r->body, r->body_len, r->cfg->max_json_depth, &in,
	    e) == -1)
		return (-1);
	v = json_object_get(in, "advance_seconds");
	if (!json_is_integer(v) || (secs = json_integer_value(v)) < 0 ||
	    secs > 100LL * 365 * 86400) {
		json_decref(in);
		return (err_set(e, ERR_INVALID, NULL, NULL, "advance_seconds: "
		    "expected an integer from 0 to 100 years of seconds"));
	}
	json_decref(in);
	if (store_clock_advance(r->store, secs * 1000, e) == -1)
		return (-1);
	clock_iso8601(store_now(r->store), iso, sizeof(iso));
	reply_json(resp, 200, json_pack("{s:s}", "now", iso));
	return (0);
}

void
rest_handle(struct request *r, struct response *resp)
{
	struct err	 e;
	int		 rc = -1;

	err_clear(&e);
	response_header(resp, "x-amzn-RequestId", r->request_id);
	if (r->body_too_large)
		err_set(&e, ERR_LIMIT, "RequestEntityTooLarge", NULL,
		    "the request body is larger than %zu bytes",
		    r->cfg->max_body);
	else if (r->cfg->emulator && strcmp(r->method, "POST") == 0 &&
	    strcmp(r->path, "/moto-api/reset") == 0)
		rc = emulator_reset(r, resp, &e);
	else if (r->cfg->emulator && strcmp(r->method, "POST") == 0 &&
	    strcmp(r->path, "/api/v1/test/clock") == 0)
		rc = emulator_clock(r, resp, &e);
	else if (onboard_api_wants(r))
		rc = onboard_api_handle(r, resp, &e);
	else if (billing_api_wants(r))
		rc = billing_api_handle(r, resp, &e);
	else
		err_set(&e, ERR_NOT_FOUND, "NotFound", NULL,
		    "no such endpoint: %s %s", r->method, r->path);
	if (rc == -1)
		reply_error(resp, &e);
}
