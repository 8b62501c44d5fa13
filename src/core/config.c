/* SPDX-License-Identifier: MIT */
/* Server settings: see config.h. */
#include <string.h>

#include "core/config.h"

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->db_path = "payerlink.db";
	c->listen = "127.0.0.1:8080";
	c->max_body = CONFIG_DEFAULT_BODY;
	c->max_headers = CONFIG_DEFAULT_HEADERS;
	c->max_json_depth = CONFIG_DEFAULT_JSON_DEPTH;
	c->max_connections = CONFIG_DEFAULT_CONNECTIONS;
	c->conn_timeout = CONFIG_DEFAULT_TIMEOUT;
	c->create_account_delay_ms = -1;
	c->close_account_delay_ms = -1;
	c->signin_per_address = CONFIG_DEFAULT_SIGNIN_ADDRESS;
	c->signin_global = CONFIG_DEFAULT_SIGNIN_GLOBAL;
}
