/* SPDX-License-Identifier: MIT */
/* Request and response helpers: see message.h. */
#include <string.h>
#include <strings.h>

#include "message.h"

const char *
request_header(const struct request *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return (r->headers[i].value);
	return (NULL);
}

size_t
request_header_count(const struct request *r, const char *name)
{
	size_t	 i, n = 0;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			n++;
	return (n);
}

void
response_header(struct response *resp, const char *name, const char *value)
{
	if (resp->nheaders == RESPONSE_MAX_HEADERS)
		return;
	resp->headers[resp->nheaders].name = name;
	resp->headers[resp->nheaders].value = value;
	resp->nheaders++;
}

const char *
request_query_raw(const struct request *r, const char *name, size_t *len_out)
{
	const char	*p = r->query, *eq, *amp;
	size_t		 nlen = strlen(name);

	while (p != NULL && *p != '\0') {
		amp = strchr(p, '&');
		eq = strchr(p, '=');
		if (eq != NULL && (amp == NULL || eq < amp) &&
		    (size_t)(eq - p) == nlen && strncmp(p, name, nlen) == 0) {
			*len_out = amp ? (size_t)(amp - eq - 1) : strlen(eq + 1);
			return (eq + 1);
		}
		p = amp ? amp + 1 : NULL;
	}
	return (NULL);
}
