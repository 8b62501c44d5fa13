/* SPDX-License-Identifier: MIT */
/*
 * An HTTP request and response as the protocol layers (aws/, web/, the REST
 * API) see them, free of libmicrohttpd. http/ fills a request and sends the
 * response; everything in between is allocated from req->arena and lives
 * until the response is sent.
 */
#ifndef CORE_MESSAGE_H
#define CORE_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"

struct header {
	const char	*name;	/* as received; compare case-insensitively */
	const char	*value;
};

struct request {
	const char		*method;
	const char		*path;		/* raw, without the query */
	const char		*query;		/* raw, without '?'; "" when none */
	const struct header	*headers;
	size_t			 nheaders;
	const char		*body;		/* NUL-terminated copy */
	size_t			 body_len;
	int			 body_too_large;	/* body dropped: over the limit */
	/* Hex SHA-256 of a body streamed elsewhere (uploads), or NULL. */
	const char		*body_sha256;
	const char		*remote_addr;
	char			 request_id[37];
	struct arena		*arena;
	struct store		*store;
	const struct config	*cfg;
};

#define RESPONSE_MAX_HEADERS	16

struct response {
	int		 status;
	const char	*content_type;
	struct header	 headers[RESPONSE_MAX_HEADERS];
	size_t		 nheaders;
	struct buf	 body;
	/* A file to stream instead of body (for large downloads), or -1. */
	int		 fd;
};

/* A row of a route table (web/, rest/) as `payerlink routes` prints it. */
struct route_info {
	const char	*method;	/* "GET", "POST"...; "*": any other */
	const char	*path;		/* a '*' at the end: and what follows */
	const char	*handler;	/* the function's name */
	const char	*who;		/* who may call it: a role of the table */
};

/* First header with this name (case-insensitive), or NULL. */
const char	*request_header(const struct request *, const char *name);
/* Number of headers with this name. */
size_t		 request_header_count(const struct request *, const char *name);
/* Adds a response header; name and value must live until the reply is sent. */
void		 response_header(struct response *, const char *name,
		    const char *value);
/* The raw value of one query parameter (not decoded), or NULL. */
const char	*request_query_raw(const struct request *, const char *name,
		    size_t *len_out /* OUT */);

#endif
