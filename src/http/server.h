/* SPDX-License-Identifier: MIT */
/*
 * The HTTP server: libmicrohttpd with an internal thread pool, one arena
 * per request, explicit limits (body size, header count, connections, idle
 * time), an access log line per request, and routing to aws/, rest/ and web/.
 */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include "core/config.h"
#include "core/err.h"
#include "store/store.h"

struct server;

/* Starts listening; *port_out gets the bound port (useful with port 0). */
int	server_start(const struct config *, struct store *,
	    struct server **out /* OUT */, unsigned *port_out /* OUT */,
	    struct err *);
/* Stops accepting, lets in-flight requests finish, and frees the server. */
void	server_stop(struct server *);

#endif
