/* SPDX-License-Identifier: MIT */
/* Which layer answers a request: aws/, rest/ or web/. */
#ifndef HTTP_ROUTE_H
#define HTTP_ROUTE_H

#include "core/message.h"

void	route_request(struct request *, struct response *);

#endif
