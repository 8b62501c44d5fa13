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

/* One call of a route's handler (routes.def). */
struct rest_call {
	struct request		*r;
	struct response		*resp;
	struct principal	 who;	/* the signer (who SIGNED or MSP) */
	const char		*arg;	/* the path's {name} or '*' part */
};

/*
 * The handlers, declared from routes.def: each replies, or returns -1
 * with *e for rest_handle to render. onboard_api.c: the onboarding desk
 * and the customer's plan; billing_api.c: rebilling; rest.c: the
 * emulator's endpoints and the answers for what a path does not serve.
 */
#define ROUTE(method, path, handler, who) \
	int	handler(struct rest_call *, struct err *);
#include "rest/routes.def"
#undef ROUTE

#endif
