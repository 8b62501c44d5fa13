/* SPDX-License-Identifier: MIT */
/*
 * The onboarding desk's REST endpoints (docs/api.md): customers,
 * onboardings, the audit log (SigV4-signed, the MSP's account only), and
 * the customer's plan by its token (no login: the token is the secret).
 * Translate only: decode, call src/onboard, encode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/pricing.h"
#include "core/config.h"
#include "core/json.h"
#include "onboard/onboard.h"
#include "rest/onboard_json.h"
#include "rest/rest_internal.h"

static int
path_is(const char *path, const char *prefix, const char **rest)
{
	size_t	 n = strlen(prefix);

	if (strncmp(path, prefix, n) != 0)
		return (0);
	*rest = path + n;
	return (1);
}

int
onboard_api_wants(const struct request *r)
{
	const char	*rest;

	return (path_is(r->path, "/api/v1/customers", &rest) ||
	    path_is(r->path, "/api/v1/onboardings", &rest) ||
	    strcmp(r->path, "/api/v1/audit") == 0 ||
	    path_is(r->path, "/api/v1/plan/", &rest));
}

static int
query_limit(struct request *r, size_t *limit, struct err *e)
{
	const char	*v;
	char		*end;
	long		 n;

	*limit = ONBOARD_PAGE_MAX;
	if (rest_query(r, "limit", &v, e) == -1)
		return (-1);
	if (v == NULL)
		return (0);
	n = strtol(v, &end, 10);
	if (*end != '\0' || n < 1 || n > ONBOARD_PAGE_MAX)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "limit: expected 1 to %d", ONBOARD_PAGE_MAX));
	*limit = (size_t)n;
	return (0);
}

static int
body(struct request *r, json_t **in, struct err *e)
{
	return (json_decode_object(r->body, r->body_len,
	    r->cfg->max_json_depth, in, e));
}

/* A string member, or NULL if absent; ERR_INVALID when not a string. */
static int
member(json_t *in, const char *name, const char **out, struct err *e)
{
	json_t	*v = json_object_get(in, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return (0);
	if (!json_is_string(v))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "%s: expected a string", name));
	*out = json_string_value(v);
	return (0);
}

/* TaxRate as "10", "8.875" or a JSON integer. */
static int
member_rate(struct request *r, json_t *in, const char **out, struct err *e)
{
	json_t	*v = json_object_get(in, "TaxRate");

	if (json_is_integer(v)) {
		*out = arena_printf(r->arena, "%lld",
		    (long long)json_integer_value(v));
		return (0);
	}
	return (member(in, "TaxRate", out, e));
}

/* Adds the customer's commitment policy ("keep", "pass-through",
 * "share:30") to o. */
static int
with_commitment(struct request *r, json_t *o, const char *id, struct err *e)
{
	struct customer_billing	 b;
	char			 spec[32];

	if (pricing_commitment_get(r->store, id, &b, e) == -1) {
		json_decref(o);
		return (-1);
	}
	pricing_commitment_format(&b, spec, sizeof(spec));
	json_object_set_new(o, "Commitment", json_string(spec));
	return (0);
}

static int
customers(struct request *r, struct response *resp, const struct principal *who,
    const char *rest, struct err *e)
{
	struct customer_input	 ci;
	struct customer		 c, *v;
	struct customer_account	*ca;
	json_t			*in = NULL, *o, *arr;
	const char		*after, *commit;
	size_t			 n, i, limit;
	int			 more;

	memset(&ci, 0, sizeof(ci));
	if (*rest == '\0' && strcmp(r->method, "GET") == 0) {
		if (query_limit(r, &limit, e) == -1 ||
		    rest_query(r, "next_token", &after, e) == -1 ||
		    customer_list(r->store, r->arena, who, after, limit, &v,
		    &n, &more, e) == -1)
			return (-1);
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, customer_json(&v[i]));
		reply_json(resp, 200, json_pack("{s:o, s:o}", "Customers", arr,
		    "NextToken", more && n > 0 ? json_string(v[n - 1].id) :
		    json_null()));
		return (0);
	}
	if (*rest == '\0' && strcmp(r->method, "POST") == 0) {
		if (body(r, &in, e) == -1)
			return (-1);
		if (member(in, "Name", &ci.name, e) == -1 ||
		    member(in, "ContactEmail", &ci.contact_email, e) == -1 ||
		    member(in, "Currency", &ci.currency, e) == -1 ||
		    member_rate(r, in, &ci.tax_rate, e) == -1 ||
		    customer_create(r->store, who, &ci, &c, e) == -1) {
			json_decref(in);
			return (-1);
		}
		json_decref(in);
		reply_json(resp, 201, customer_json(&c));
		return (0);
	}
	if (*rest != '/' || strchr(rest + 1, '/') != NULL)
		return (err_set(e, ERR_NOT_FOUND, "NotFound", NULL,
		    "no such endpoint: %s %s", r->method, r->path));
	rest++;
	if (strcmp(r->method, "GET") == 0) {
		if (customer_get(r->store, who, rest, &c, e) == -1 ||
		    customer_accounts(r->store, r->arena, who, rest, &ca, &n,
		    e) == -1)
			return (-1);
		o = customer_json(&c);
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:o}",
			    "AccountId", ca[i].account_id, "Since",
			    onboard_json_time(ca[i].since)));
		json_object_set_new(o, "Accounts", arr);
		if (with_commitment(r, o, c.id, e) == -1)
			return (-1);
		reply_json(resp, 200, o);
		return (0);
	}
	if (strcmp(r->method, "PATCH") == 0) {
		if (body(r, &in, e) == -1)
			return (-1);
		/*
		 * Commitment (keep | pass-through | share:N) is set first: it
		 * checks the MSP, the customer and the spec, so a bad one
		 * changes nothing. The rest is customer_update's.
		 */
		if (member(in, "Name", &ci.name, e) == -1 ||
		    member(in, "ContactEmail", &ci.contact_email, e) == -1 ||
		    member(in, "Currency", &ci.currency, e) == -1 ||
		    member_rate(r, in, &ci.tax_rate, e) == -1 ||
		    member(in, "Commitment", &commit, e) == -1 ||
		    (commit != NULL && pricing_commitment_set(r->store, who,
		    rest, commit, NULL, e) == -1) ||
		    customer_update(r->store, who, rest, &ci, &c, e) == -1) {
			json_decref(in);
			return (-1);
		}
		json_decref(in);
		o = customer_json(&c);
		if (with_commitment(r, o, c.id, e) == -1)
			return (-1);
		reply_json(resp, 200, o);
		return (0);
	}
	return (err_set(e, ERR_INVALID, "MethodNotAllowed", NULL,
	    "%s is not allowed on %s", r->method, r->path));
}

static int
show(struct request *r, struct response *resp, const struct principal *who,
    const char *id, struct err *e)
{
	struct onboard_view	 v;

	if (onboard_get(r->store, r->arena, who, id, &v, e) == -1)
		return (-1);
	reply_json(resp, 200, onboard_view_json(&v, 0));
	return (0);
}

static int
onboardings(struct request *r, struct response *resp,
    const struct principal *who, const char *rest, struct err *e)
{
	struct onboard_filter	 f;
	struct onboard_result	 res;
	struct onboard_view	*v;
	enum onboard_state	 s;
	json_t			*in = NULL, *arr;
	const char		*state, *within, *cid, *aid, *email, *notes;
	const char		*slash;
	char			 url[ONBOARD_URL_MAX + 1], id[32];
	int64_t			 counts[ONBOARD_NSTATES], total = 0;
	size_t			 n, i;
	int			 more;

	if (*rest == '\0' && strcmp(r->method, "GET") == 0) {
		memset(&f, 0, sizeof(f));
		f.state = -1;
		if (query_limit(r, &f.limit, e) == -1 ||
		    rest_query(r, "next_token", &f.after, e) == -1 ||
		    rest_query(r, "customer", &f.customer_id, e) == -1 ||
		    rest_query(r, "state", &state, e) == -1 ||
		    rest_query(r, "expiring_within", &within, e) == -1)
			return (-1);
		if (state != NULL) {
			if (onboard_state_parse(state, &s) == -1)
				return (err_set(e, ERR_INVALID, NULL, NULL,
				    "state: expected INVITED, IN_PROGRESS, "
				    "LINKED, DECLINED, EXPIRED or CANCELED"));
			f.state = (int)s;
		}
		if (within != NULL && onboard_parse_duration(within,
		    &f.expiring_within_ms) == -1)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "expiring_within: expected a duration like 3d, "
			    "12h or 30m"));
		if (onboard_list(r->store, r->arena, who, &f, &v, &n, &more,
		    counts, e) == -1)
			return (-1);
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, onboard_view_json(&v[i],
			    ONBOARD_JSON_SUMMARY));
		for (i = 0; i < ONBOARD_NSTATES; i++)
			total += counts[i];
		reply_json(resp, 200, json_pack("{s:o, s:o, s:I, s:o}",
		    "Onboardings", arr, "Counts", onboard_counts_json(counts),
		    "Total", (json_int_t)total, "NextToken", more && n > 0 ?
		    json_string(v[n - 1].o.id) : json_null()));
		return (0);
	}
	if (*rest == '\0' && strcmp(r->method, "POST") == 0) {
		if (body(r, &in, e) == -1)
			return (-1);
		if (member(in, "CustomerId", &cid, e) == -1 ||
		    member(in, "AccountId", &aid, e) == -1 ||
		    member(in, "Email", &email, e) == -1 ||
		    member(in, "Notes", &notes, e) == -1 ||
		    onboard_request(r->store, who, cid, aid, email, notes, &res,
		    e) == -1) {
			json_decref(in);
			return (-1);
		}
		json_decref(in);
		reply_json(resp, 201, onboard_result_json(&res));
		return (0);
	}
	if (*rest != '/')
		goto nope;
	rest++;
	slash = strchr(rest, '/');
	if (slash == NULL && strcmp(r->method, "GET") == 0)
		return (show(r, resp, who, rest, e));
	if (slash == NULL || (size_t)(slash - rest) >= sizeof(id) ||
	    strcmp(r->method, "POST") != 0)
		goto nope;
	snprintf(id, sizeof(id), "%.*s", (int)(slash - rest), rest);
	if (strcmp(slash, "/resend") == 0) {
		if (onboard_resend(r->store, who, id, &res, e) == -1)
			return (-1);
		reply_json(resp, 200, onboard_result_json(&res));
		return (0);
	}
	if (strcmp(slash, "/cancel") == 0) {
		if (onboard_cancel(r->store, who, id, e) == -1)
			return (-1);
		return (show(r, resp, who, id, e));
	}
	if (strcmp(slash, "/link") == 0) {
		if (onboard_new_link(r->store, who, id, url, sizeof(url),
		    e) == -1)
			return (-1);
		reply_json(resp, 200, json_pack("{s:s, s:s}", "OnboardingId",
		    id, "PlanUrl", url));
		return (0);
	}
nope:
	return (err_set(e, ERR_NOT_FOUND, "NotFound", NULL,
	    "no such endpoint: %s %s", r->method, r->path));
}

static int
audit(struct request *r, struct response *resp, const struct principal *who,
    struct err *e)
{
	struct audit_entry	*v;
	const char		*since_s, *object, *after_s;
	json_t			*arr;
	int64_t			 since = 0, after = 0;
	size_t			 limit, n, i;
	int			 more;
	char			*end;

	if (strcmp(r->method, "GET") != 0)
		return (err_set(e, ERR_INVALID, "MethodNotAllowed", NULL,
		    "%s is not allowed on %s", r->method, r->path));
	if (query_limit(r, &limit, e) == -1 ||
	    rest_query(r, "since", &since_s, e) == -1 ||
	    rest_query(r, "object", &object, e) == -1 ||
	    rest_query(r, "next_token", &after_s, e) == -1)
		return (-1);
	if (since_s != NULL && onboard_parse_time(since_s, &since) == -1)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "since: expected an ISO 8601 time like "
		    "2026-11-26T12:00:00Z"));
	if (after_s != NULL && ((after = strtoll(after_s, &end, 10)) < 0 ||
	    *end != '\0'))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "next_token: not valid"));
	if (audit_list(r->store, r->arena, who, since, object, after, limit,
	    &v, &n, &more, e) == -1)
		return (-1);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, audit_json(&v[i]));
	reply_json(resp, 200, json_pack("{s:o, s:o}", "Entries", arr,
	    "NextToken", more && n > 0 ? json_string(arena_printf(r->arena,
	    "%lld", (long long)v[n - 1].id)) : json_null()));
	return (0);
}

/* The customer's plan: GET /api/v1/plan/TOKEN, POST .../proposal. */
static int
plan(struct request *r, struct response *resp, const char *rest,
    struct err *e)
{
	struct onboard_view	 v;
	const char		*slash = strchr(rest, '/'), *at, *note;
	char			 token[ONBOARD_TOKEN_LEN + 1];
	json_t			*in;
	int64_t			 when;

	if ((slash != NULL ? (size_t)(slash - rest) : strlen(rest)) !=
	    ONBOARD_TOKEN_LEN)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "this plan link is not valid"));
	memcpy(token, rest, ONBOARD_TOKEN_LEN);
	token[ONBOARD_TOKEN_LEN] = '\0';
	if (slash == NULL && strcmp(r->method, "GET") == 0) {
		if (onboard_plan(r->store, r->arena, token, &v, e) == -1)
			return (-1);
		reply_json(resp, 200, onboard_view_json(&v,
		    ONBOARD_JSON_CUSTOMER));
		return (0);
	}
	if (slash != NULL && strcmp(slash, "/proposal") == 0 &&
	    strcmp(r->method, "POST") == 0) {
		if (body(r, &in, e) == -1)
			return (-1);
		if (member(in, "At", &at, e) == -1 ||
		    member(in, "Note", &note, e) == -1) {
			json_decref(in);
			return (-1);
		}
		if (at == NULL || onboard_parse_time(at, &when) == -1) {
			json_decref(in);
			return (err_set(e, ERR_INVALID, NULL, NULL, "At: "
			    "expected an ISO 8601 time like "
			    "2026-11-26T12:00:00Z"));
		}
		if (onboard_propose_time(r->store, token, when, note,
		    e) == -1) {
			json_decref(in);
			return (-1);
		}
		json_decref(in);
		if (onboard_plan(r->store, r->arena, token, &v, e) == -1)
			return (-1);
		reply_json(resp, 200, onboard_view_json(&v,
		    ONBOARD_JSON_CUSTOMER));
		return (0);
	}
	return (err_set(e, ERR_NOT_FOUND, "NotFound", NULL,
	    "no such endpoint: %s %s", r->method, "/api/v1/plan/..."));
}

int
onboard_api_handle(struct request *r, struct response *resp, struct err *e)
{
	struct principal	 who;
	const char		*rest;

	if (path_is(r->path, "/api/v1/plan/", &rest))
		return (plan(r, resp, rest, e));
	if (rest_authenticate(r, &who, e) == -1)
		return (-1);
	/* Every endpoint below is the MSP's: refuse anyone else before the
	 * body is read, so a stranger learns nothing from input errors. */
	if (msp_require(r->store, &who, NULL, e) == -1)
		return (-1);
	if (path_is(r->path, "/api/v1/customers", &rest))
		return (customers(r, resp, &who, rest, e));
	if (path_is(r->path, "/api/v1/onboardings", &rest))
		return (onboardings(r, resp, &who, rest, e));
	return (audit(r, resp, &who, e));
}
