/* SPDX-License-Identifier: MIT */
/*
 * The REST/JSON API under /api/v1/ for what AWS has no API for, and the
 * emulator's test endpoints (/moto-api/reset, /api/v1/test/clock), which
 * exist only with --emulator. Errors are {"Error":{"Code","Message"}}.
 */
#ifndef REST_REST_H
#define REST_REST_H

#include "core/message.h"

void	rest_handle(struct request *, struct response *);
/* Row i of the REST route table, for `payerlink routes`; -1 past it. */
int	rest_route_info(size_t i, struct route_info *out /* OUT */);

#endif
