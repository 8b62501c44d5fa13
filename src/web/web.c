/* SPDX-License-Identifier: MIT */
/* The web layer's router, escaping and static assets: see web.h. */
#include <string.h>

#include "core/embed.h"
#include "web/web.h"

void
html_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		case '\'':
			buf_adds(b, "&#39;");
			break;
		default:
			buf_addc(b, *s);
		}
	}
}

static void
security_headers(struct response *resp)
{
	response_header(resp, "Content-Security-Policy", "default-src 'self'; "
	    "script-src 'self'; style-src 'self'; img-src 'self' data:; "
	    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
	response_header(resp, "X-Content-Type-Options", "nosniff");
	response_header(resp, "Referrer-Policy", "same-origin");
}

static int
serve_asset(const char *name, struct response *resp)
{
	const struct embed_file	*f;
	const char		*ext;

	for (f = embed_assets; f->name != NULL; f++) {
		if (strcmp(f->name, name) != 0)
			continue;
		ext = strrchr(name, '.');
		resp->status = 200;
		resp->content_type = ext && strcmp(ext, ".css") == 0 ?
		    "text/css; charset=utf-8" : ext && strcmp(ext, ".js") == 0 ?
		    "text/javascript; charset=utf-8" : "application/octet-stream";
		response_header(resp, "Cache-Control", "max-age=3600");
		buf_add(&resp->body, f->data, f->len);
		return (0);
	}
	return (-1);
}

void
web_handle(struct request *r, struct response *resp)
{
	security_headers(resp);
	if (strncmp(r->path, "/static/", 8) == 0 &&
	    serve_asset(r->path + 8, resp) == 0)
		return;
	resp->content_type = "text/html; charset=utf-8";
	if (strcmp(r->path, "/") == 0 && strcmp(r->method, "GET") == 0) {
		resp->status = 200;
		buf_adds(&resp->body, "<!doctype html><html lang=\"en\"><head>"
		    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
		    "content=\"width=device-width, initial-scale=1\">"
		    "<title>payerlink</title><link rel=\"stylesheet\" "
		    "href=\"/static/style.css\"></head><body><main>"
		    "<h1>payerlink</h1><p>The AWS Organizations API answers "
		    "on this address: <code>aws --endpoint-url ... "
		    "organizations</code>.</p></main></body></html>\n");
		return;
	}
	resp->status = 404;
	buf_adds(&resp->body, "<!doctype html><html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>Not found</title></head><body>"
	    "<h1>Not found</h1><p>There is no page at ");
	html_escape(&resp->body, r->path);
	buf_adds(&resp->body, ".</p></body></html>\n");
}
