/* SPDX-License-Identifier: MIT */
/* The REST API router and its one error renderer: see rest.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/codec.h"
#include "core/config.h"
#include "core/json.h"
#include "onboard/onboard.h"
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
		    e->code == ERR_DENIED ? AWSERR(AccessDenied) :
		    e->code == ERR_CONFLICT ? "Conflict" :
		    e->code == ERR_INTERNAL ? AWSERR(InternalError) :
		    AWSERR(InvalidInput);
	/* REST speaks HTTP: not found 404, denied 403, conflict 409. */
	if (status == 400 && e->http_status == 0)
		status = e->code == ERR_NOT_FOUND ? 404 :
		    e->code == ERR_DENIED ? 403 :
		    e->code == ERR_CONFLICT ? 409 : 400;
	reply_json(resp, status, json_pack("{s:{s:s, s:s}}", "Error",
	    "Code", code, "Message", e->msg));
}

/* POST /moto-api/reset: every table emptied, the default account back. */
int
rest_emulator_reset(struct rest_call *c, struct err *e)
{
	struct request	*r = c->r;
	int		 try;

	/* A background job (alert deliveries, budgets, the watchers) may
	 * hold rows the wipe deletes: on PostgreSQL the loser of that race
	 * gets a deadlock or serialization failure (ERR_CONFLICT); the
	 * wipe is tried again, up to 5 times. */
	for (try = 1;; try++) {
		if (store_begin(r->store, STORE_WRITE, e) == -1)
			return (-1);
		if (store_wipe(r->store, e) == 0 &&
		    store_commit(r->store, e) == 0)
			break;
		store_rollback(r->store);
		if (e->code != ERR_CONFLICT || try == 5)
			return (-1);
		err_clear(e);
		usleep(20000 * try);
	}
	if (account_ensure_default(r->store, e) == -1)
		return (-1);
	reply_json(c->resp, 200, json_pack("{s:s}", "status", "ok"));
	return (0);
}

/* POST /api/v1/test/clock {"advance_seconds": N} */
int
rest_emulator_clock(struct rest_call *c, struct err *e)
{
	struct request	*r = c->r;
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
	reply_json(c->resp, 200, json_pack("{s:s}", "now", iso));
	return (0);
}

int
rest_not_found(struct rest_call *c, struct err *e)
{
	return (err_set(e, ERR_NOT_FOUND, "NotFound", NULL,
	    "no such endpoint: %s %s", c->r->method, c->r->path));
}

int
rest_not_allowed(struct rest_call *c, struct err *e)
{
	return (err_set(e, ERR_INVALID, "MethodNotAllowed", NULL,
	    "%s is not allowed on %s", c->r->method, c->r->path));
}

enum rest_who { EMULATOR, TOKEN, SIGNED, MSP };

static const char *const who_names[] = { "emulator", "token", "signed",
    "msp" };

static const struct rest_route {
	const char	*method;	/* "*": any */
	const char	*path;		/* see routes.def */
	int		(*fn)(struct rest_call *, struct err *);
	const char	*name;
	enum rest_who	 who;
} routes[] = {
#define ROUTE(method, path, handler, who) \
	{ method, path, handler, #handler, who },
#include "rest/routes.def"
#undef ROUTE
};

#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

/*
 * Whether p matches the pattern: literal, but for one "{name}" segment
 * or a '*' at the end, which *arg gets (a copy in a when it is a segment
 * inside the path).
 */
static int
path_match(struct arena *a, const char *pat, const char *p, const char **arg)
{
	const char	*seg = NULL;
	size_t		 n = 0;

	while (*pat != '\0') {
		if (*pat == '*') {
			*arg = p;
			return (1);
		}
		if (*pat == '{') {
			pat = strchr(pat, '}') + 1;
			seg = p;
			n = strcspn(p, "/");
			p += n;
			continue;
		}
		if (*pat++ != *p++)
			return (0);
	}
	if (*p != '\0')
		return (0);
	*arg = seg == NULL ? "" : seg[n] == '\0' ? seg :
	    arena_strndup(a, seg, n);
	return (1);
}

int
rest_route_info(size_t i, struct route_info *out)
{
	if (i >= NROUTES)
		return (-1);
	out->method = routes[i].method;
	out->path = routes[i].path;
	out->handler = routes[i].name;
	out->who = who_names[routes[i].who];
	return (0);
}

void
rest_handle(struct request *r, struct response *resp)
{
	const struct rest_route	*rt;
	struct rest_call	 c;
	struct err		 e;

	err_clear(&e);
	memset(&c, 0, sizeof(c));
	c.r = r;
	c.resp = resp;
	response_header(resp, "x-amzn-RequestId", r->request_id);
	if (r->body_too_large) {
		err_set(&e, ERR_LIMIT, "RequestEntityTooLarge", NULL,
		    "the request body is larger than %zu bytes",
		    r->cfg->max_body);
		goto fail;
	}
	for (rt = routes; rt < routes + NROUTES; rt++)
		if ((rt->who != EMULATOR || r->cfg->emulator) &&
		    (strcmp(rt->method, "*") == 0 ||
		    strcmp(rt->method, r->method) == 0) &&
		    path_match(r->arena, rt->path, r->path, &c.arg))
			break;
	if (rt == routes + NROUTES) {
		rest_not_found(&c, &e);
		goto fail;
	}
	if ((rt->who == SIGNED || rt->who == MSP) &&
	    rest_authenticate(r, &c.who, &e) == -1)
		goto fail;
	if (rt->who == MSP && msp_require(r->store, &c.who, NULL, &e) == -1)
		goto fail;
	if (rt->fn(&c, &e) == 0)
		return;
fail:
	reply_error(resp, &e);
}
