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

/* The {id} after a collection's path: one segment of at most
 * PRICING_ID_LEN + 1 characters (cli- ids are 14), or ERR_NOT_FOUND. */
static int
path_id(const char *arg, const char *what, char *id, size_t len,
    struct err *e)
{
	size_t	 n;

	if (strchr(arg, '/') != NULL || (n = strlen(arg)) == 0 ||
	    n > PRICING_ID_LEN + 1 || n >= len)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "%s %.20s does not exist", what, arg));
	memcpy(id, arg, n + 1);
	return (0);
}

/* 204, no body: a delete done. */
static void
reply_empty(struct response *resp)
{
	resp->status = 204;
	resp->content_type = "application/json";
}

int
rest_rule_list(struct rest_call *c, struct err *e)
{
	struct pricing_rule	*v;
	const char		*cust;
	json_t			*arr;
	size_t			 n, i;

	if (rest_query(c->r, "customer", &cust, e) == -1 ||
	    pricing_rule_list(c->r->store, c->r->arena, &c->who, cust, &v, &n,
	    e) == -1)
		return (-1);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, pricing_rule_json(&v[i]));
	reply_json(c->resp, 200, json_pack("{s:o}", "Rules", arr));
	return (0);
}

int
rest_rule_add(struct rest_call *c, struct err *e)
{
	struct request		*r = c->r;
	struct pricing_rule_input in;
	struct pricing_rule	 rule;
	json_t			*body = NULL;

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
	    pricing_rule_add(r->store, &c->who, &in, &rule, e) == -1) {
		json_decref(body);
		return (-1);
	}
	json_decref(body);
	reply_json(c->resp, 201, pricing_rule_json(&rule));
	return (0);
}

int
rest_rule_delete(struct rest_call *c, struct err *e)
{
	char	 id[PRICING_ID_LEN + 2];

	if (path_id(c->arg, "pricing rule", id, sizeof(id), e) == -1 ||
	    pricing_rule_delete(c->r->store, &c->who, id, e) == -1)
		return (-1);
	reply_empty(c->resp);
	return (0);
}

/* Another method or path under a rule: a bad id is not found first. */
int
rest_rule_other(struct rest_call *c, struct err *e)
{
	char	 id[PRICING_ID_LEN + 2];

	if (path_id(c->arg, "pricing rule", id, sizeof(id), e) == -1)
		return (-1);
	return (rest_not_allowed(c, e));
}

/* /api/v1/line-items[/{id}]: the customers' custom line items. */
int
rest_item_list(struct rest_call *c, struct err *e)
{
	struct custom_item	*v;
	const char		*cust;
	json_t			*arr;
	size_t			 n, i;

	if (rest_query(c->r, "customer", &cust, e) == -1 ||
	    pricing_item_list(c->r->store, c->r->arena, &c->who, cust, &v, &n,
	    e) == -1)
		return (-1);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, custom_item_json(&v[i]));
	reply_json(c->resp, 200, json_pack("{s:o}", "Items", arr));
	return (0);
}

int
rest_item_add(struct rest_call *c, struct err *e)
{
	struct request		*r = c->r;
	struct custom_item_input in;
	struct custom_item	 item;
	json_t			*body = NULL;

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
	    pricing_item_add(r->store, &c->who, &in, &item, e) == -1) {
		json_decref(body);
		return (-1);
	}
	json_decref(body);
	reply_json(c->resp, 201, custom_item_json(&item));
	return (0);
}

int
rest_item_delete(struct rest_call *c, struct err *e)
{
	char	 id[PRICING_ID_LEN + 2];

	if (path_id(c->arg, "custom line item", id, sizeof(id), e) == -1 ||
	    pricing_item_delete(c->r->store, &c->who, id, e) == -1)
		return (-1);
	reply_empty(c->resp);
	return (0);
}

int
rest_item_other(struct rest_call *c, struct err *e)
{
	char	 id[PRICING_ID_LEN + 2];

	if (path_id(c->arg, "custom line item", id, sizeof(id), e) == -1)
		return (-1);
	return (rest_not_allowed(c, e));
}

/* /api/v1/fx[/{period}]: the monthly exchange rate table. */
static int
fx_period(const char *period, struct err *e)
{
	if (!month_valid(period))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "period: expected YYYY-MM (/api/v1/fx/2026-10)"));
	return (0);
}

/* Every month's rates (period ""), or one month's. */
static int
fx_reply(struct rest_call *c, const char *period, struct err *e)
{
	struct fx_rate	*v;
	json_t		*arr;
	size_t		 n, i;

	if (fx_list(c->r->store, c->r->arena, &c->who, period, &v, &n,
	    e) == -1)
		return (-1);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, fx_rate_json(&v[i]));
	reply_json(c->resp, 200, json_pack("{s:o, s:o}", "Period",
	    *period ? json_string(period) : json_null(), "Rates", arr));
	return (0);
}

int
rest_fx_list(struct rest_call *c, struct err *e)
{
	return (fx_reply(c, "", e));
}

int
rest_fx_month(struct rest_call *c, struct err *e)
{
	if (fx_period(c->arg, e) == -1)
		return (-1);
	return (fx_reply(c, c->arg, e));
}

int
rest_fx_put(struct rest_call *c, struct err *e)
{
	struct request	*r = c->r;
	struct fx_rate	 rate;
	const char	*base, *quote, *val;
	json_t		*body = NULL;

	if (fx_period(c->arg, e) == -1)
		return (-1);
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
	if (fx_set(r->store, &c->who, c->arg, base, quote, val, &rate,
	    e) == -1) {
		json_decref(body);
		return (-1);
	}
	json_decref(body);
	reply_json(c->resp, 200, fx_rate_json(&rate));
	return (0);
}

/* Another method or path under a month: a bad period is 400 first. */
int
rest_fx_other(struct rest_call *c, struct err *e)
{
	if (fx_period(c->arg, e) == -1)
		return (-1);
	return (rest_not_allowed(c, e));
}

int
rest_invoice_list(struct rest_call *c, struct err *e)
{
	struct invoice	*v;
	const char	*cust, *period;
	json_t		*arr;
	size_t		 n, i;

	if (rest_query(c->r, "customer", &cust, e) == -1 ||
	    rest_query(c->r, "period", &period, e) == -1 ||
	    invoice_list(c->r->store, c->r->arena, &c->who, cust, period, &v,
	    &n, e) == -1)
		return (-1);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, invoice_summary_json(&v[i],
		    INVOICE_MSP));
	reply_json(c->resp, 200, json_pack("{s:o}", "Invoices", arr));
	return (0);
}

#define INVOICE_KEY_BUF	(INVOICE_NUMBER_MAX + INVOICE_ID_LEN + 2)

/* The invoice's number or id that starts arg, or ERR_NOT_FOUND. */
static int
invoice_key(const char *arg, char key[INVOICE_KEY_BUF], struct err *e)
{
	size_t	 n = strcspn(arg, "/");

	if (n == 0 || n >= INVOICE_KEY_BUF)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "no such invoice"));
	memcpy(key, arg, n);
	key[n] = '\0';
	return (0);
}

/* ?format=json (the default), csv or pdf. */
int
rest_invoice_show(struct rest_call *c, struct err *e)
{
	struct response		*resp = c->resp;
	struct invoice_doc	 d;
	const char		*fmt;
	char			 key[INVOICE_KEY_BUF];

	if (invoice_key(c->arg, key, e) == -1 ||
	    rest_query(c->r, "format", &fmt, e) == -1 ||
	    invoice_get(c->r->store, c->r->arena, &c->who, key, &d, e) == -1)
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
		if (invoice_pdf(c->r->store, c->r->arena, &d, &resp->body, NULL,
		    e) == -1)
			return (-1);
		resp->status = 200;
		resp->content_type = "application/pdf";
		return (0);
	}
	return (err_set(e, ERR_INVALID, NULL, NULL,
	    "format: expected json, csv or pdf"));
}

int
rest_invoice_issue(struct rest_call *c, struct err *e)
{
	struct invoice_doc	 d;
	char			 key[INVOICE_KEY_BUF];

	if (invoice_key(c->arg, key, e) == -1 ||
	    invoice_issue(c->r->store, c->r->arena, &c->who, key, &d, e) == -1)
		return (-1);
	reply_json(c->resp, 200, invoice_json(&d, INVOICE_MSP));
	return (0);
}

int
rest_invoice_void(struct rest_call *c, struct err *e)
{
	struct invoice_doc	 d;
	char			 key[INVOICE_KEY_BUF];

	if (invoice_key(c->arg, key, e) == -1 ||
	    invoice_void(c->r->store, c->r->arena, &c->who, key, &d, e) == -1)
		return (-1);
	reply_json(c->resp, 200, invoice_json(&d, INVOICE_MSP));
	return (0);
}

/* Another method or path under an invoice: a bad key is not found
 * first; an action is POST. */
int
rest_invoice_other(struct rest_call *c, struct err *e)
{
	char	 key[INVOICE_KEY_BUF];

	if (invoice_key(c->arg, key, e) == -1)
		return (-1);
	if (strchr(c->arg, '/') != NULL && strcmp(c->r->method, "POST") == 0)
		return (rest_not_found(c, e));
	return (rest_not_allowed(c, e));
}

int
rest_reconciliation(struct rest_call *c, struct err *e)
{
	struct recon	 rc;
	const char	*period;

	if (rest_query(c->r, "period", &period, e) == -1)
		return (-1);
	if (period == NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "period: required (YYYY-MM)"));
	if (invoice_reconcile(c->r->store, c->r->arena, &c->who, period, &rc,
	    e) == -1)
		return (-1);
	reply_json(c->resp, 200, recon_json(&rc));
	return (0);
}
