/* SPDX-License-Identifier: MIT */
/* REST authentication: SigV4 with an account's keys. See rest_internal.h. */
#include <stdio.h>

#include "core/clock.h"
#include "core/sigv4.h"
#include "rest/rest_internal.h"
#include "store/store.h"

#define REST_SIGNING_NAME	"payerlink"

int
rest_authenticate(struct request *r, struct principal *who, struct err *e)
{
	const char		*auth = request_header(r, "Authorization");
	struct sigv4_auth	 sig;
	struct access_key	 key;

	if (auth == NULL)
		return (err_set(e, ERR_AUTH, "MissingAuthenticationToken",
		    NULL, "the request is not signed: sign it with SigV4, "
		    "service name \"payerlink\""));
	if (request_header_count(r, "Authorization") > 1)
		return (err_set(e, ERR_AUTH, "IncompleteSignatureException",
		    NULL, "the request has more than one Authorization header"));
	if (sigv4_parse_auth(auth, &sig, e) == -1)
		return (-1);
	if (store_key_get(r->store, sig.access_key, &key, e) == -1) {
		if (e->code != ERR_NOT_FOUND)
			return (-1);
		return (err_set(e, ERR_AUTH, "UnrecognizedClientException",
		    NULL, "The security token included in the request is "
		    "invalid."));
	}
	if (sigv4_verify(r, &sig, key.secret, REST_SIGNING_NAME,
	    clock_real_ms(), e) == -1)
		return (-1);
	snprintf(who->account_id, sizeof(who->account_id), "%s",
	    key.account_id);
	return (0);
}
