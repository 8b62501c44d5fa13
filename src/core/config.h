/* SPDX-License-Identifier: MIT */
/* The server's settings, fixed at start; every limit is explicit here. */
#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

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
	/* How long CreateAccount shows IN_PROGRESS and CloseAccount
	 * PENDING_CLOSURE, ms of business clock; -1 until serve decides:
	 * none in the emulator, AWS-like on a server. */
	int64_t		 create_account_delay_ms;
	int64_t		 close_account_delay_ms;
	int		 reuse_port;		/* --reuse-port: SO_REUSEPORT */
	unsigned	 signin_per_address;	/* sign-ins a minute, one address */
	unsigned	 signin_global;		/* sign-ins a minute, everyone */
	/* --trusted-proxy: requests from this address name their client in
	 * the last X-Forwarded-For entry; NULL: the peer is the client. */
	const char	*trusted_proxy;
	/* --tls-cert / --tls-key: PEM text (not file names); NULL: plain HTTP. */
	const char	*tls_cert_pem;
	const char	*tls_key_pem;
	/* --public-url: where browsers reach the console, e.g. through a
	 * TLS-terminating proxy; NULL: as it listens. */
	const char	*public_url;
	/* Browsers reach it over HTTPS (TLS here or at the proxy): cookies
	 * are Secure and HSTS is sent. */
	int		 https;
};

#define CONFIG_DEFAULT_BODY		(1024 * 1024)
#define CONFIG_DEFAULT_HEADERS		100
#define CONFIG_DEFAULT_JSON_DEPTH	32
#define CONFIG_DEFAULT_CONNECTIONS	1024
#define CONFIG_DEFAULT_TIMEOUT		30
#define CONFIG_DEFAULT_SIGNIN_ADDRESS	20	/* a minute */
#define CONFIG_DEFAULT_SIGNIN_GLOBAL	120	/* a minute */

void	config_defaults(struct config *);

#endif
