/* SPDX-License-Identifier: MIT */
/* The server's settings, fixed at start; every limit is explicit here. */
#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H

#include <stddef.h>

struct config {
	const char	*db_path;
	const char	*listen;		/* "127.0.0.1:8080" */
	int		 emulator;		/* --emulator */
	int		 no_direct_transfer;	/* --no-direct-transfer */
	unsigned	 threads;		/* workers; 0: one per core */
	size_t		 max_body;		/* bytes, default 1 MiB */
	size_t		 max_headers;		/* header lines per request */
	size_t		 max_json_depth;	/* nesting of arrays and objects */
	unsigned	 max_connections;
	unsigned	 conn_timeout;		/* seconds idle before closing */
};

#define CONFIG_DEFAULT_BODY		(1024 * 1024)
#define CONFIG_DEFAULT_HEADERS		100
#define CONFIG_DEFAULT_JSON_DEPTH	32
#define CONFIG_DEFAULT_CONNECTIONS	1024
#define CONFIG_DEFAULT_TIMEOUT		30

void	config_defaults(struct config *);

#endif
