/* SPDX-License-Identifier: MIT */
/* REST authentication: SigV4 with an account's keys. See rest_internal.h. */
#include "org/account.h"
#include "rest/rest_internal.h"

#define REST_SIGNING_NAME	"payerlink"

int
rest_authenticate(struct request *r, struct principal *who, struct err *e)
{
	if (request_header(r, "Authorization") == NULL)
		return (err_set(e, ERR_AUTH, "MissingAuthenticationToken",
		    NULL, "the request is not signed: sign it with SigV4, "
		    "service name \"payerlink\""));
	return (account_from_signature(r->store, r, REST_SIGNING_NAME, 0, who,
	    e));
}
