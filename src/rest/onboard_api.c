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
#include "core/clock.h"
#include "core/config.h"
#include "core/json.h"
#include "onboard/onboard.h"
#include "rest/onboard_json.h"
#include "rest/rest_internal.h"

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

int
rest_customer_list(struct rest_call *c, struct err *e)
{
	struct request	*r = c->r;
	struct customer	*v;
	json_t		*arr;
	const char	*after;
	size_t		 n, i, limit;
	int		 more;

	if (query_limit(r, &limit, e) == -1 ||
	    rest_query(r, "next_token", &after, e) == -1 ||
	    customer_list(r->store, r->arena, &c->who, after, limit, &v, &n,
	    &more, e) == -1)
		return (-1);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, customer_json(&v[i]));
	reply_json(c->resp, 200, json_pack("{s:o, s:o}", "Customers", arr,
	    "NextToken", more && n > 0 ? json_string(v[n - 1].id) :
	    json_null()));
	return (0);
}

int
rest_customer_add(struct rest_call *c, struct err *e)
{
	struct customer_input	 ci;
	struct customer		 cu;
	json_t			*in = NULL;

	memset(&ci, 0, sizeof(ci));
	if (body(c->r, &in, e) == -1)
		return (-1);
	if (member(in, "Name", &ci.name, e) == -1 ||
	    member(in, "ContactEmail", &ci.contact_email, e) == -1 ||
	    member(in, "Currency", &ci.currency, e) == -1 ||
	    member_rate(c->r, in, &ci.tax_rate, e) == -1 ||
	    member(in, "Address", &ci.address, e) == -1 ||
	    member(in, "TaxId", &ci.tax_id, e) == -1 ||
	    member(in, "PaymentTerms", &ci.payment_terms, e) == -1 ||
	    member(in, "PaymentInstructions", &ci.payment_instructions,
	    e) == -1 ||
	    customer_create(c->r->store, &c->who, &ci, &cu, e) == -1) {
		json_decref(in);
		return (-1);
	}
	json_decref(in);
	reply_json(c->resp, 201, customer_json(&cu));
	return (0);
}

int
rest_customer_show(struct rest_call *c, struct err *e)
{
	struct request		*r = c->r;
	struct customer		 cu;
	struct customer_account	*ca;
	json_t			*o, *arr;
	size_t			 n, i;

	if (customer_get(r->store, &c->who, c->arg, &cu, e) == -1 ||
	    customer_accounts(r->store, r->arena, &c->who, c->arg, &ca, &n,
	    e) == -1)
		return (-1);
	o = customer_json(&cu);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:o}",
		    "AccountId", ca[i].account_id, "Since",
		    onboard_json_time(ca[i].since)));
	json_object_set_new(o, "Accounts", arr);
	if (with_commitment(r, o, cu.id, e) == -1)
		return (-1);
	reply_json(c->resp, 200, o);
	return (0);
}

int
rest_customer_patch(struct rest_call *c, struct err *e)
{
	struct request		*r = c->r;
	struct customer_input	 ci;
	struct customer		 cu;
	json_t			*in = NULL, *o;
	const char		*commit;

	memset(&ci, 0, sizeof(ci));
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
	    member(in, "Address", &ci.address, e) == -1 ||
	    member(in, "TaxId", &ci.tax_id, e) == -1 ||
	    member(in, "PaymentTerms", &ci.payment_terms, e) == -1 ||
	    member(in, "PaymentInstructions", &ci.payment_instructions,
	    e) == -1 ||
	    member(in, "Commitment", &commit, e) == -1 ||
	    (commit != NULL && pricing_commitment_set(r->store, &c->who,
	    c->arg, commit, NULL, e) == -1) ||
	    customer_update(r->store, &c->who, c->arg, &ci, &cu, e) == -1) {
		json_decref(in);
		return (-1);
	}
	json_decref(in);
	o = customer_json(&cu);
	if (with_commitment(r, o, cu.id, e) == -1)
		return (-1);
	reply_json(c->resp, 200, o);
	return (0);
}

/* The organization every handler below talks to is orgport_default()'s. */
static int
show(struct rest_call *c, const struct orgport *org, const char *id,
    struct err *e)
{
	struct onboard_view	 v;

	if (onboard_get(c->r->store, org, c->r->arena, &c->who, id, &v,
	    e) == -1)
		return (-1);
	reply_json(c->resp, 200, onboard_view_json(&v, 0));
	return (0);
}

int
rest_onboarding_list(struct rest_call *c, struct err *e)
{
	struct orgport		 org = orgport_default(c->r->store);
	struct request		*r = c->r;
	struct onboard_filter	 f;
	struct onboard_view	*v;
	enum onboard_state	 s;
	json_t			*arr;
	const char		*state, *within;
	int64_t			 counts[ONBOARD_NSTATES], total = 0;
	size_t			 n, i;
	int			 more;

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
	if (onboard_list(r->store, &org, r->arena, &c->who, &f, &v, &n, &more,
	    counts, e) == -1)
		return (-1);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, onboard_view_json(&v[i],
		    ONBOARD_JSON_SUMMARY));
	for (i = 0; i < ONBOARD_NSTATES; i++)
		total += counts[i];
	reply_json(c->resp, 200, json_pack("{s:o, s:o, s:I, s:o}",
	    "Onboardings", arr, "Counts", onboard_counts_json(counts),
	    "Total", (json_int_t)total, "NextToken", more && n > 0 ?
	    json_string(v[n - 1].o.id) : json_null()));
	return (0);
}

int
rest_onboarding_add(struct rest_call *c, struct err *e)
{
	struct orgport		 org = orgport_default(c->r->store);
	struct onboard_result	 res;
	enum onboard_route	 route = ONBOARD_ROUTE_INVITE;
	json_t			*in = NULL;
	const char		*cid, *aid, *email, *notes, *rs, *start;
	int64_t			 start_at = 0, end;

	if (body(c->r, &in, e) == -1)
		return (-1);
	if (member(in, "CustomerId", &cid, e) == -1 ||
	    member(in, "AccountId", &aid, e) == -1 ||
	    member(in, "Email", &email, e) == -1 ||
	    member(in, "Notes", &notes, e) == -1 ||
	    member(in, "Route", &rs, e) == -1 ||
	    member(in, "Start", &start, e) == -1)
		goto fail;
	/* Route "invite" (default) or "billing-transfer" with its Start
	 * month, YYYY-MM (default: the next). */
	if (rs != NULL && onboard_route_parse(rs, &route) == -1) {
		err_set(e, ERR_INVALID, NULL, NULL, "Route: expected invite "
		    "or billing-transfer");
		goto fail;
	}
	if (start != NULL && (route != ONBOARD_ROUTE_BILLING_TRANSFER ||
	    month_bounds(start, &start_at, &end) == -1)) {
		err_set(e, ERR_INVALID, NULL, NULL, "Start: a month YYYY-MM, "
		    "for Route billing-transfer");
		goto fail;
	}
	if (onboard_request_route(c->r->store, &org, &c->who, cid, aid, email,
	    notes, 0, route, start_at, &res, e) == -1)
		goto fail;
	json_decref(in);
	reply_json(c->resp, 201, onboard_result_json(&res));
	return (0);
fail:
	json_decref(in);
	return (-1);
}

int
rest_onboarding_show(struct rest_call *c, struct err *e)
{
	struct orgport	 org = orgport_default(c->r->store);

	return (show(c, &org, c->arg, e));
}

/* The onboarding an action names: an id of at most 31 bytes, or 404. */
static int
action_id(struct rest_call *c, struct err *e)
{
	if (strlen(c->arg) >= 32)
		return (rest_not_found(c, e));
	return (0);
}

int
rest_onboarding_resend(struct rest_call *c, struct err *e)
{
	struct orgport		 org = orgport_default(c->r->store);
	struct onboard_result	 res;

	if (action_id(c, e) == -1 ||
	    onboard_resend(c->r->store, &org, &c->who, c->arg, &res, e) == -1)
		return (-1);
	reply_json(c->resp, 200, onboard_result_json(&res));
	return (0);
}

int
rest_onboarding_cancel(struct rest_call *c, struct err *e)
{
	struct orgport	 org = orgport_default(c->r->store);

	if (action_id(c, e) == -1 ||
	    onboard_cancel(c->r->store, &org, &c->who, c->arg, e) == -1)
		return (-1);
	return (show(c, &org, c->arg, e));
}

int
rest_onboarding_link(struct rest_call *c, struct err *e)
{
	char	 url[ONBOARD_URL_MAX + 1];

	if (action_id(c, e) == -1 ||
	    onboard_new_link(c->r->store, &c->who, c->arg, url, sizeof(url),
	    e) == -1)
		return (-1);
	reply_json(c->resp, 200, json_pack("{s:s, s:s}", "OnboardingId",
	    c->arg, "PlanUrl", url));
	return (0);
}

int
rest_audit_list(struct rest_call *c, struct err *e)
{
	struct request		*r = c->r;
	struct audit_entry	*v;
	const char		*since_s, *object, *after_s;
	json_t			*arr;
	int64_t			 since = 0, after = 0;
	size_t			 limit, n, i;
	int			 more;
	char			*end;

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
	if (audit_list(r->store, r->arena, &c->who, since, object, after,
	    limit, &v, &n, &more, e) == -1)
		return (-1);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, audit_json(&v[i]));
	reply_json(c->resp, 200, json_pack("{s:o, s:o}", "Entries", arr,
	    "NextToken", more && n > 0 ? json_string(arena_printf(r->arena,
	    "%lld", (long long)v[n - 1].id)) : json_null()));
	return (0);
}

/* The plan token that starts the path's rest, or 404. */
static int
plan_token(const char *rest, char token[ONBOARD_TOKEN_LEN + 1],
    struct err *e)
{
	if (strcspn(rest, "/") != ONBOARD_TOKEN_LEN)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "this plan link is not valid"));
	memcpy(token, rest, ONBOARD_TOKEN_LEN);
	token[ONBOARD_TOKEN_LEN] = '\0';
	return (0);
}

/* GET /api/v1/plan/TOKEN: the customer's plan. */
int
rest_plan_show(struct rest_call *c, struct err *e)
{
	struct orgport		 org = orgport_default(c->r->store);
	struct onboard_view	 v;
	char			 token[ONBOARD_TOKEN_LEN + 1];

	if (plan_token(c->arg, token, e) == -1 ||
	    onboard_plan(c->r->store, &org, c->r->arena, token, &v, e) == -1)
		return (-1);
	reply_json(c->resp, 200, onboard_view_json(&v, ONBOARD_JSON_CUSTOMER));
	return (0);
}

/* POST /api/v1/plan/TOKEN/proposal {"At", "Note"} */
int
rest_plan_propose(struct rest_call *c, struct err *e)
{
	struct orgport		 org = orgport_default(c->r->store);
	struct onboard_view	 v;
	const char		*at, *note;
	char			 token[ONBOARD_TOKEN_LEN + 1];
	json_t			*in;
	int64_t			 when;

	if (plan_token(c->arg, token, e) == -1)
		return (-1);
	if (body(c->r, &in, e) == -1)
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
	if (onboard_propose_time(c->r->store, &org, token, when, note,
	    e) == -1) {
		json_decref(in);
		return (-1);
	}
	json_decref(in);
	if (onboard_plan(c->r->store, &org, c->r->arena, token, &v, e) == -1)
		return (-1);
	reply_json(c->resp, 200, onboard_view_json(&v, ONBOARD_JSON_CUSTOMER));
	return (0);
}

/* Anything else under /api/v1/plan/: the token is not echoed. */
int
rest_plan_other(struct rest_call *c, struct err *e)
{
	char	 token[ONBOARD_TOKEN_LEN + 1];

	if (plan_token(c->arg, token, e) == -1)
		return (-1);
	return (err_set(e, ERR_NOT_FOUND, "NotFound", NULL,
	    "no such endpoint: %s %s", c->r->method, "/api/v1/plan/..."));
}
