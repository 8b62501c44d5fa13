/* SPDX-License-Identifier: MIT */
/*
 * The router: AWS JSON 1.1 requests carry X-Amz-Target; /api/ and
 * /moto-api/ belong to the REST API; everything else is the web console.
 */
#include <string.h>

#include "aws/aws.h"
#include "http/route.h"
#include "rest/rest.h"
#include "web/web.h"

void
route_request(struct request *r, struct response *resp)
{
	if (aws_wants(r) || (strcmp(r->path, "/") == 0 &&
	    strcmp(r->method, "POST") == 0))
		aws_handle(r, resp);
	else if (strncmp(r->path, "/api/", 5) == 0 ||
	    strncmp(r->path, "/moto-api/", 10) == 0)
		rest_handle(r, resp);
	else
		web_handle(r, resp);
}
