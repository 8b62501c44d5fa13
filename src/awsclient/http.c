/* SPDX-License-Identifier: MIT */
/*
 * One HTTP exchange through libcurl, with the client's limits: connect and
 * request timeouts, a stall timeout for streamed bodies, a capped body and
 * a capped header count. Redirects are never followed (AWS does not send
 * them to API calls; S3's are errors with the right region in them), and
 * curl's verbose trace, which would print the Authorization header, is
 * never turned on. The handles are pooled so connections are reused.
 */
#include <curl/curl.h>
#include <inttypes.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "awsclient/internal.h"
#include "core/xmalloc.h"

#define HTTP_MAX_HEADER_LINES	200

struct xfer {
	const struct http_req	*req;
	struct http_resp	*resp;
	size_t			 lines;
	int			 too_large;
	int			 too_many;
};

void
http_resp_init(struct http_resp *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body, 0);
	r->content_length = -1;
}

void
http_resp_release(struct http_resp *r)
{
	buf_release(&r->body);
	http_resp_init(r);
}

void *
http_handle_get(struct awsclient *c)
{
	CURL	*h = NULL;

	pthread_mutex_lock(&c->pool_lock);
	if (c->npool > 0)
		h = c->pool[--c->npool];
	pthread_mutex_unlock(&c->pool_lock);
	if (h == NULL && (h = curl_easy_init()) == NULL)
		abort();
	return (h);
}

void
http_handle_put(struct awsclient *c, void *h)
{
	pthread_mutex_lock(&c->pool_lock);
	if (c->npool < sizeof(c->pool) / sizeof(c->pool[0])) {
		c->pool[c->npool++] = h;
		h = NULL;
	}
	pthread_mutex_unlock(&c->pool_lock);
	if (h != NULL)
		curl_easy_cleanup(h);
}

static void
copy_value(char *dst, size_t len, const char *v, size_t vl)
{
	if (vl >= len)
		vl = len - 1;
	memcpy(dst, v, vl);
	dst[vl] = '\0';
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct xfer	*x = arg;
	struct http_resp *r = x->resp;
	size_t		 len = size * n, nl, vl;
	const char	*colon, *v;
	int		 st;

	if (++x->lines > HTTP_MAX_HEADER_LINES) {
		x->too_many = 1;
		return (0);
	}
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* A new answer (after a 100 Continue): forget the last. */
		x->lines = 1;
		r->error_type[0] = r->request_id[0] = r->etag[0] = '\0';
		r->content_range[0] = r->last_modified[0] = '\0';
		r->bucket_region[0] = '\0';
		r->content_length = -1;
		if ((v = memchr(p, ' ', len)) != NULL &&
		    sscanf(v + 1, "%3d", &st) == 1)
			r->status = st;
		return (len);
	}
	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	if ((colon = memchr(p, ':', len)) == NULL)
		return (size * n);
	nl = (size_t)(colon - p);
	for (v = colon + 1; v < p + len && (*v == ' ' || *v == '\t'); v++)
		;
	vl = (size_t)(p + len - v);
	while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
#define IS(name) (nl == sizeof(name) - 1 && strncasecmp(p, name, nl) == 0)
	if (IS("x-amzn-ErrorType"))
		copy_value(r->error_type, sizeof(r->error_type), v, vl);
	else if (IS("x-amzn-RequestId") || IS("x-amz-request-id"))
		copy_value(r->request_id, sizeof(r->request_id), v, vl);
	else if (IS("ETag"))
		copy_value(r->etag, sizeof(r->etag), v, vl);
	else if (IS("Content-Range"))
		copy_value(r->content_range, sizeof(r->content_range), v, vl);
	else if (IS("Last-Modified"))
		copy_value(r->last_modified, sizeof(r->last_modified), v, vl);
	else if (IS("x-amz-bucket-region"))
		copy_value(r->bucket_region, sizeof(r->bucket_region), v, vl);
	else if (IS("Content-Length")) {
		char	 num[32];

		copy_value(num, sizeof(num), v, vl);
		r->content_length = strtoll(num, NULL, 10);
	}
#undef IS
	return (size * n);
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct xfer	*x = arg;
	struct http_resp *r = x->resp;
	size_t		 len = size * n;

	if (x->req->sink != NULL && r->status >= 200 && r->status < 300) {
		err_clear(&r->sink_err);
		if (x->req->sink->fn(x->req->sink->arg, p, len,
		    &r->sink_err) == -1) {
			r->sink_failed = 1;
			return (0);
		}
		r->streamed += len;
		return (len);
	}
	/* An error answer while streaming is read whole, but small. */
	if ((x->req->sink != NULL && r->body.len + len > 64 * 1024) ||
	    buf_add(&r->body, p, len) == -1) {
		x->too_large = 1;
		return (0);
	}
	return (len);
}

int
http_perform(void *h, const struct http_req *req, struct http_resp *resp,
    struct err *e)
{
	struct curl_slist	*list = NULL, *l;
	struct xfer		 x;
	struct buf		 url, line;
	char			 host[300], errbuf[CURL_ERROR_SIZE];
	CURLcode		 rc;
	size_t			 i;
	int			 ret = 0;

	http_resp_release(resp);
	resp->body.max = req->max_body;
	memset(&x, 0, sizeof(x));
	x.req = req;
	x.resp = resp;
	buf_init(&url, 0);
	buf_init(&line, 0);
	endpoint_host_header(req->ep, host, sizeof(host));
	buf_printf(&url, "%s://%s%s", req->ep->scheme, host, req->path);
	if (req->query != NULL && req->query[0] != '\0')
		buf_printf(&url, "?%s", req->query);
	for (i = 0; i < req->hdrs->n; i++) {
		buf_reset(&line);
		buf_printf(&line, "%s: %s", req->hdrs->h[i].name,
		    req->hdrs->h[i].value);
		if ((l = curl_slist_append(list, buf_str(&line))) == NULL)
			abort();
		list = l;
	}
	/* Headers curl would add on its own and nobody signed: none. */
	if ((l = curl_slist_append(list, "Expect:")) == NULL ||
	    (l = curl_slist_append(l, "Accept:")) == NULL)
		abort();
	list = l;
	if (line.ptr != NULL)
		OPENSSL_cleanse(line.ptr, line.len);

	curl_easy_reset(h);
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_URL, buf_str(&url));
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
	if (req->timeout_ms > 0)
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req->timeout_ms);
	if (req->stall_ms > 0) {
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
		    (req->stall_ms + 999) / 1000);
	}
	if (req->no_proxy)
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	if (req->ca_bundle != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, req->ca_bundle);
	if (strcmp(req->method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else if (strcmp(req->method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	else {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->body_len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS,
		    req->body != NULL ? req->body : "");
	}

	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		resp->net_error = 1;
		if (x.too_many) {
			resp->net_error = 0;
			ret = err_set(e, ERR_LIMIT, NULL, NULL, "%s %s: the "
			    "answer has more than %d header lines",
			    req->method, host, HTTP_MAX_HEADER_LINES);
		} else if (x.too_large) {
			resp->net_error = 0;
			ret = err_set(e, ERR_LIMIT, NULL, NULL, "%s %s: the "
			    "answer is larger than %zu bytes", req->method,
			    host, req->max_body);
		} else if (resp->sink_failed) {
			resp->net_error = 0;
			ret = -1;
			if (e != NULL)
				*e = resp->sink_err;
		} else {
			resp->net_timeout = rc == CURLE_OPERATION_TIMEDOUT;
			snprintf(resp->net_msg, sizeof(resp->net_msg), "%s",
			    errbuf[0] != '\0' ? errbuf :
			    curl_easy_strerror(rc));
			ret = -1;
		}
	} else if (resp->status == 0) {
		resp->net_error = 1;
		snprintf(resp->net_msg, sizeof(resp->net_msg), "no HTTP "
		    "status in the answer");
		ret = -1;
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	for (l = list; l != NULL; l = l->next)
		OPENSSL_cleanse(l->data, strlen(l->data));
	curl_slist_free_all(list);
	buf_release(&url);
	buf_release(&line);
	return (ret);
}
