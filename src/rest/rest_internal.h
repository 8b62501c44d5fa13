/* SPDX-License-Identifier: MIT */
/*
 * Private to src/rest/: the replies (errors are rendered only by
 * reply_error, in rest.c), authentication, and the endpoint groups.
 */
#ifndef REST_REST_INTERNAL_H
#define REST_REST_INTERNAL_H

#include <jansson.h>

#include "core/err.h"
#include "core/message.h"
#include "org/account.h"

#define REST_QUERY_MAX	128	/* bytes of a decoded query value */

/*
 * The query parameter name, percent-decoded ('+' as space) into r's arena,
 * or NULL when absent. Fails with ERR_INVALID when it is longer than
 * REST_QUERY_MAX bytes decoded or not pct_decode()'s valid UTF-8.
 */
int	rest_query(struct request *, const char *name,
	    const char **out /* OUT */, struct err *);

/* Sends o (its reference is taken) with the HTTP status. */
void	reply_json(struct response *, int status, json_t *o);
/* The one error renderer: {"Error":{"Code","Message"}}. */
void	reply_error(struct response *, const struct err *);

/*
 * Who signed r: SigV4 with an account's access key and service name
 * "payerlink" (any region). Fails with ERR_AUTH: no Authorization header
 * (MissingAuthenticationToken, 403), unknown key
 * (UnrecognizedClientException, 403), or the signature errors of
 * sigv4_verify().
 */
int	rest_authenticate(struct request *, struct principal *who /* OUT */,
	    struct err *);

/* The onboarding desk: /api/v1/customers, onboardings, audit, plan. */
int	onboard_api_wants(const struct request *);
/* Replies on success; returns -1 with *e for rest_handle to render. */
int	onboard_api_handle(struct request *, struct response *, struct err *);

/* Rebilling: /api/v1/pricing-rules, invoices, reconciliation. */
int	billing_api_wants(const struct request *);
int	billing_api_handle(struct request *, struct response *, struct err *);

#endif
