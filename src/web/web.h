/* SPDX-License-Identifier: MIT */
/*
 * The web console and billing portal: server-rendered HTML, one CSS file,
 * a little plain JavaScript, all compiled into the binary. The only layer
 * that writes HTML, always through html_escape().
 */
#ifndef WEB_WEB_H
#define WEB_WEB_H

#include "core/buf.h"
#include "core/message.h"

void	web_handle(struct request *, struct response *);
/* Row i of the console's route table, for `payerlink routes`; -1 past it. */
int	web_route_info(size_t i, struct route_info *out /* OUT */);
/* Appends s to b with & < > " ' escaped: safe in text and quoted attributes. */
void	html_escape(struct buf *b, const char *s);

#endif
