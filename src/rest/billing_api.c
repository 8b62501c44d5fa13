/* SPDX-License-Identifier: MIT */
/*
 * Rebilling's REST endpoints (docs/billing.md, docs/api.md), SigV4-signed by
 * the MSP's account: pricing rules, custom line items, exchange rates,
 * invoices (JSON, CSV, PDF), issue and void, the reconciliation. Translate
 * only: decode, call src/billing, encode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/invoice.h"
#include "billing/pdf.h"
#include "billing/pricing.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/json.h"
#include "rest/billing_json.h"
#include "rest/rest_internal.h"

static int
prefix(const char *path, const char *p, const char **rest)
{
	size_t	 n = strlen(p);

	if (strncmp(path, p, n) != 0 || (path[n] != '\0' && path[n] != '/'))
		return (0);
	*rest = path + n;
	return (1);
}

int
billing_api_wants(const struct request *r)
{
	const char	*rest;

	return (prefix(r->path, "/api/v1/pricing-rules", &rest) ||
	    prefix(r->path, "/api/v1/line-items", &rest) ||
	    prefix(r->path, "/api/v1/fx", &rest) ||
	    prefix(r->path, "/api/v1/invoices", &rest) ||
	    strcmp(r->path, "/api/v1/reconciliation") == 0);
}

static int
member(json_t *in, const char *name, const char **out, struct err *e)
{
	json_t	*v = json_object_get(in, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return (0);
	if (json_is_integer(v) || json_is_real(v))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "%s: expected a decimal string (\"-10\")", name));
	if (!json_is_string(v))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "%s: expected a string", name));
	*out = json_string_value(v);
	return (0);
}

/* A JSON boolean member; absent or null: 0. */
static int
member_bool(json_t *in, const char *name, int *out, struct err *e)
{
	json_t	*v = json_object_get(in, name);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return (0);
	if (!json_is_boolean(v))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "%s: expected true or false", name));
	*out = json_is_true(v);
	return (0);
}

static int
not_allowed(const struct request *r, struct err *e)
{
	return (err_set(e, ERR_INVALID, "MethodNotAllowed", NULL,
	    "%s is not allowed on %s", r->method, r->path));
}

/* The {id} after a collection's path ("/pr-..."): one segment of at most
 * PRICING_ID_LEN + 1 characters (cli- ids are 14), or ERR_NOT_FOUND. */
static int
path_id(const char *rest, const char *what, char *id, size_t len,
    struct err *e)
{
	size_t	 n;

	if (*rest != '/' || strchr(rest + 1, '/') != NULL ||
	    (n = strlen(rest + 1)) == 0 || n > PRICING_ID_LEN + 1 || n >= len)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "%s %.20s does not exist", what, *rest ? rest + 1 : ""));
	memcpy(id, rest + 1, n + 1);
	return (0);
}

/* 204, no body: a delete done. */
static void
reply_empty(struct response *resp)
{
	resp->status = 204;
	resp->content_type = "application/json";
}

static int
rules(struct request *r, struct response *resp, const struct principal *who,
    const char *rest, struct err *e)
{
	struct pricing_rule_input in;
	struct pricing_rule	 rule, *v;
	const char		*cust;
	char			 id[PRICING_ID_LEN + 2];
	json_t			*body = NULL, *arr;
	size_t			 n, i;

	if (*rest != '\0') {
		if (path_id(rest, "pricing rule", id, sizeof(id), e) == -1)
			return (-1);
		if (strcmp(r->method, "DELETE") != 0)
			return (not_allowed(r, e));
		if (pricing_rule_delete(r->store, who, id, e) == -1)
			return (-1);
		reply_empty(resp);
		return (0);
	}
	if (strcmp(r->method, "GET") == 0) {
		if (rest_query(r, "customer", &cust, e) == -1 ||
		    pricing_rule_list(r->store, r->arena, who, cust, &v, &n,
		    e) == -1)
			return (-1);
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, pricing_rule_json(&v[i]));
		reply_json(resp, 200, json_pack("{s:o}", "Rules", arr));
		return (0);
	}
	if (strcmp(r->method, "POST") != 0)
		return (err_set(e, ERR_INVALID, "MethodNotAllowed", NULL,
		    "%s is not allowed on %s", r->method, r->path));
	memset(&in, 0, sizeof(in));
	if (json_decode_object(r->body, r->body_len, r->cfg->max_json_depth,
	    &body, e) == -1)
		return (-1);
	if (member(body, "CustomerId", &in.customer_id, e) == -1 ||
	    member(body, "AccountId", &in.account_id, e) == -1 ||
	    member(body, "Service", &in.service, e) == -1 ||
	    member(body, "UsageType", &in.usage_type, e) == -1 ||
	    member(body, "Percent", &in.percent, e) == -1 ||
	    member(body, "From", &in.from, e) == -1 ||
	    member(body, "To", &in.to, e) == -1 ||
	    member(body, "PassesOn", &in.passes, e) == -1 ||
	    pricing_rule_add(r->store, who, &in, &rule, e) == -1) {
		json_decref(body);
		return (-1);
	}
	json_decref(body);
	reply_json(resp, 201, pricing_rule_json(&rule));
	return (0);
}

/* /api/v1/line-items[/{id}]: the customers' custom line items. */
static int
items(struct request *r, struct response *resp, const struct principal *who,
    const char *rest, struct err *e)
{
	struct custom_item_input in;
	struct custom_item	 item, *v;
	const char		*cust;
	char			 id[PRICING_ID_LEN + 2];
	json_t			*body = NULL, *arr;
	size_t			 n, i;

	if (*rest != '\0') {
		if (path_id(rest, "custom line item", id, sizeof(id), e) == -1)
			return (-1);
		if (strcmp(r->method, "DELETE") != 0)
			return (not_allowed(r, e));
		if (pricing_item_delete(r->store, who, id, e) == -1)
			return (-1);
		reply_empty(resp);
		return (0);
	}
	if (strcmp(r->method, "GET") == 0) {
		if (rest_query(r, "customer", &cust, e) == -1 ||
		    pricing_item_list(r->store, r->arena, who, cust, &v, &n,
		    e) == -1)
			return (-1);
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, custom_item_json(&v[i]));
		reply_json(resp, 200, json_pack("{s:o}", "Items", arr));
		return (0);
	}
	if (strcmp(r->method, "POST") != 0)
		return (not_allowed(r, e));
	memset(&in, 0, sizeof(in));
	if (json_decode_object(r->body, r->body_len, r->cfg->max_json_depth,
	    &body, e) == -1)
		return (-1);
	if (member(body, "CustomerId", &in.customer_id, e) == -1 ||
	    member(body, "Description", &in.description, e) == -1 ||
	    member(body, "Amount", &in.amount, e) == -1 ||
	    member(body, "Currency", &in.currency, e) == -1 ||
	    member(body, "Percent", &in.percent, e) == -1 ||
	    member(body, "Of", &in.of_service, e) == -1 ||
	    member(body, "Minimum", &in.minimum, e) == -1 ||
	    member(body, "From", &in.from, e) == -1 ||
	    member(body, "To", &in.to, e) == -1 ||
	    member_bool(body, "Once", &in.once, e) == -1 ||
	    pricing_item_add(r->store, who, &in, &item, e) == -1) {
		json_decref(body);
		return (-1);
	}
	json_decref(body);
	reply_json(resp, 201, custom_item_json(&item));
	return (0);
}

/* /api/v1/fx[/{period}]: the monthly exchange rate table. */
static int
fx(struct request *r, struct response *resp, const struct principal *who,
    const char *rest, struct err *e)
{
	struct fx_rate		 rate, *v;
	const char		*period = "", *base, *quote, *val;
	json_t			*body = NULL, *arr;
	size_t			 n, i;

	if (*rest != '\0') {
		period = rest + 1;
		if (*rest != '/' || !month_valid(period))
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "period: expected YYYY-MM (/api/v1/fx/2026-10)"));
	}
	if (strcmp(r->method, "GET") == 0) {
		if (fx_list(r->store, r->arena, who, period, &v, &n, e) == -1)
			return (-1);
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, fx_rate_json(&v[i]));
		reply_json(resp, 200, json_pack("{s:o, s:o}", "Period",
		    *period ? json_string(period) : json_null(), "Rates", arr));
		return (0);
	}
	if (strcmp(r->method, "PUT") != 0 || *period == '\0')
		return (not_allowed(r, e));
	if (json_decode_object(r->body, r->body_len, r->cfg->max_json_depth,
	    &body, e) == -1)
		return (-1);
	if (member(body, "From", &base, e) == -1 ||
	    member(body, "To", &quote, e) == -1 ||
	    member(body, "Rate", &val, e) == -1) {
		json_decref(body);
		return (-1);
	}
	if (base == NULL || quote == NULL || val == NULL) {
		json_decref(body);
		return (err_set(e, ERR_INVALID, NULL, NULL, "From, To and "
		    "Rate: required ({\"From\":\"USD\",\"To\":\"KRW\","
		    "\"Rate\":\"1387.25\"})"));
	}
	if (fx_set(r->store, who, period, base, quote, val, &rate, e) == -1) {
		json_decref(body);
		return (-1);
	}
	json_decref(body);
	reply_json(resp, 200, fx_rate_json(&rate));
	return (0);
}

static int
invoices(struct request *r, struct response *resp, const struct principal *who,
    const char *rest, struct err *e)
{
	struct invoice_doc	 d;
	struct invoice		*v;
	const char		*cust, *period, *fmt, *action;
	char			 key[INVOICE_NUMBER_MAX + INVOICE_ID_LEN + 2];
	json_t			*arr;
	size_t			 n, i, klen;
	int			 rc;

	if (*rest == '\0') {
		if (strcmp(r->method, "GET") != 0)
			return (err_set(e, ERR_INVALID, "MethodNotAllowed",
			    NULL, "%s is not allowed on %s", r->method,
			    r->path));
		if (rest_query(r, "customer", &cust, e) == -1 ||
		    rest_query(r, "period", &period, e) == -1 ||
		    invoice_list(r->store, r->arena, who, cust, period, &v, &n,
		    e) == -1)
			return (-1);
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, invoice_summary_json(&v[i],
			    INVOICE_MSP));
		reply_json(resp, 200, json_pack("{s:o}", "Invoices", arr));
		return (0);
	}
	rest++;
	action = strchr(rest, '/');
	klen = action != NULL ? (size_t)(action - rest) : strlen(rest);
	if (klen == 0 || klen >= sizeof(key))
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "no such invoice"));
	memcpy(key, rest, klen);
	key[klen] = '\0';
	if (action != NULL) {
		action++;
		if (strcmp(r->method, "POST") != 0)
			return (err_set(e, ERR_INVALID, "MethodNotAllowed",
			    NULL, "%s is not allowed on %s", r->method,
			    r->path));
		if (strcmp(action, "issue") == 0)
			rc = invoice_issue(r->store, r->arena, who, key, &d, e);
		else if (strcmp(action, "void") == 0)
			rc = invoice_void(r->store, r->arena, who, key, &d, e);
		else
			return (err_set(e, ERR_NOT_FOUND, "NotFound", NULL,
			    "no such endpoint: %s %s", r->method, r->path));
		if (rc == -1)
			return (-1);
		reply_json(resp, 200, invoice_json(&d, INVOICE_MSP));
		return (0);
	}
	if (strcmp(r->method, "GET") != 0)
		return (err_set(e, ERR_INVALID, "MethodNotAllowed", NULL,
		    "%s is not allowed on %s", r->method, r->path));
	if (rest_query(r, "format", &fmt, e) == -1 ||
	    invoice_get(r->store, r->arena, who, key, &d, e) == -1)
		return (-1);
	if (fmt == NULL || strcmp(fmt, "json") == 0) {
		reply_json(resp, 200, invoice_json(&d, INVOICE_MSP));
		return (0);
	}
	if (strcmp(fmt, "csv") == 0) {
		if (invoice_csv_write(&d, 1, &resp->body) == -1)
			return (err_set(e, ERR_LIMIT, NULL, NULL,
			    "the invoice is too large"));
		resp->status = 200;
		resp->content_type = "text/csv; charset=utf-8";
		return (0);
	}
	if (strcmp(fmt, "pdf") == 0) {
		if (invoice_pdf(&d, &resp->body, NULL, e) == -1)
			return (-1);
		resp->status = 200;
		resp->content_type = "application/pdf";
		return (0);
	}
	return (err_set(e, ERR_INVALID, NULL, NULL,
	    "format: expected json, csv or pdf"));
}

static int
reconciliation(struct request *r, struct response *resp,
    const struct principal *who, struct err *e)
{
	struct recon	 rc;
	const char	*period;

	if (strcmp(r->method, "GET") != 0)
		return (err_set(e, ERR_INVALID, "MethodNotAllowed", NULL,
		    "%s is not allowed on %s", r->method, r->path));
	if (rest_query(r, "period", &period, e) == -1)
		return (-1);
	if (period == NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "period: required (YYYY-MM)"));
	if (invoice_reconcile(r->store, r->arena, who, period, &rc, e) == -1)
		return (-1);
	reply_json(resp, 200, recon_json(&rc));
	return (0);
}

int
billing_api_handle(struct request *r, struct response *resp, struct err *e)
{
	struct principal	 who;
	const char		*rest;

	if (rest_authenticate(r, &who, e) == -1)
		return (-1);
	if (prefix(r->path, "/api/v1/pricing-rules", &rest))
		return (rules(r, resp, &who, rest, e));
	if (prefix(r->path, "/api/v1/line-items", &rest))
		return (items(r, resp, &who, rest, e));
	if (prefix(r->path, "/api/v1/fx", &rest))
		return (fx(r, resp, &who, rest, e));
	if (prefix(r->path, "/api/v1/invoices", &rest))
		return (invoices(r, resp, &who, rest, e));
	return (reconciliation(r, resp, &who, e));
}
