/* SPDX-License-Identifier: MIT */
/*
 * S3 as live mode reads cost files from it: ListObjectsV2 (pages, prefix,
 * delimiter), HeadObject, and GetObject by byte ranges, streamed to a sink
 * and, for whole objects, fetched in parallel parts delivered in order
 * with a bounded amount of memory. Addressing is virtual-hosted
 * (bucket.s3.region.amazonaws.com) on AWS and path-style (endpoint/bucket)
 * on a custom endpoint, unless the profile's s3 addressing_style says.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>

#include "awsclient/internal.h"
#include "core/codec.h"
#include "core/log.h"
#include "core/xmalloc.h"

#define S3_LIST_MAX_OBJECTS	10000	/* guard above max-keys' 1000 */

/* A name S3 accepts as a host label: 3-63 of a-z, 0-9, '-' (and '.'). */
static int
bucket_dns_ok(const char *b, int allow_dots)
{
	size_t	 i, n = strlen(b);

	if (n < 3 || n > 63 || b[0] == '-' || b[n - 1] == '-')
		return (0);
	for (i = 0; i < n; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= '0' &&
		    b[i] <= '9') || b[i] == '-' || (allow_dots && b[i] == '.')))
			return (0);
	return (1);
}

static int
bucket_valid(const char *b, struct err *e)
{
	size_t	 i, n = strlen(b);

	for (i = 0; i < n; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' &&
		    b[i] <= 'Z') || (b[i] >= '0' && b[i] <= '9') ||
		    b[i] == '-' || b[i] == '.' || b[i] == '_'))
			break;
	if (n == 0 || n > 255 || i < n)
		return (err_set(e, ERR_INVALID, NULL, NULL, "'%s' is not a "
		    "bucket name", b));
	return (0);
}

/*
 * The endpoint for bucket and the path prefix of its objects ("" when the
 * bucket is in the host name, "/bucket" else).
 */
static int
s3_where(struct awsclient *cl, const char *bucket, const char *region,
    struct endpoint *ep, struct buf *prefix, struct err *e)
{
	char	 host[sizeof(ep->host)];
	int	 virt;

	if (bucket_valid(bucket, e) == -1 ||
	    client_endpoint(cl, svc_find("s3"), region, ep, e) == -1)
		return (-1);
	switch (cl->set.s3_style) {
	case S3_PATH:
		virt = 0;
		break;
	case S3_VIRTUAL:
		virt = bucket_dns_ok(bucket, 1);
		break;
	default:
		/* A bucket with dots breaks the TLS wildcard: path style. */
		virt = !ep->custom && bucket_dns_ok(bucket,
		    strcmp(ep->scheme, "http") == 0);
		break;
	}
	buf_reset(prefix);
	if (virt) {
		if (snprintf(host, sizeof(host), "%s.%s", bucket, ep->host) >=
		    (int)sizeof(host))
			return (err_set(e, ERR_INVALID, NULL, NULL, "bucket "
			    "host name too long"));
		memcpy(ep->host, host, sizeof(host));
	} else {
		buf_addc(prefix, '/');
		url_encode(prefix, bucket, 0);
	}
	return (0);
}

/* The region S3 named for bucket, into out; 0 if none is known. */
static int
region_get(struct awsclient *cl, const char *bucket, char *out, size_t len)
{
	size_t	 i;
	int	 found = 0;

	pthread_mutex_lock(&cl->regions_lock);
	for (i = 0; i < cl->nregions && !found; i++)
		if (strcmp(cl->regions[i].bucket, bucket) == 0) {
			snprintf(out, len, "%s", cl->regions[i].region);
			found = 1;
		}
	pthread_mutex_unlock(&cl->regions_lock);
	return (found);
}

static void
region_put(struct awsclient *cl, const char *bucket, const char *region)
{
	size_t	 i;

	if (strlen(bucket) >= sizeof(cl->regions[0].bucket))
		return;
	pthread_mutex_lock(&cl->regions_lock);
	for (i = 0; i < cl->nregions; i++)
		if (strcmp(cl->regions[i].bucket, bucket) == 0)
			break;
	/* A full table forgets its oldest entry. */
	if (i == cl->nregions && cl->nregions == S3_REGION_CACHE) {
		memmove(&cl->regions[0], &cl->regions[1],
		    (S3_REGION_CACHE - 1) * sizeof(cl->regions[0]));
		i = --cl->nregions;
	}
	snprintf(cl->regions[i].bucket, sizeof(cl->regions[i].bucket), "%s",
	    bucket);
	snprintf(cl->regions[i].region, sizeof(cl->regions[i].region), "%s",
	    region);
	if (i == cl->nregions)
		cl->nregions++;
	pthread_mutex_unlock(&cl->regions_lock);
}

/*
 * Where a request about bucket (and key, when not NULL) goes: the
 * endpoint, in the bucket's region when S3 told us it, and the path.
 */
static int
s3_locate(struct awsclient *cl, const char *bucket, const char *key,
    struct endpoint *ep, struct buf *path, struct err *e)
{
	char	 region[64];

	if (key != NULL && (*key == '\0' || strlen(key) > 1024))
		return (err_set(e, ERR_INVALID, NULL, NULL, "an object key is "
		    "1 to 1024 bytes"));
	if (s3_where(cl, bucket, region_get(cl, bucket, region,
	    sizeof(region)) ? region : NULL, ep, path, e) == -1)
		return (-1);
	if (key != NULL) {
		buf_addc(path, '/');
		url_encode(path, key, 1);
	} else if (path->len == 0)
		buf_addc(path, '/');
	return (0);
}

/*
 * call_perform(), and once more in the bucket's own region when S3
 * answers that the bucket lives elsewhere (301 PermanentRedirect, 400
 * AuthorizationHeaderMalformed, ... with x-amz-bucket-region), as the SDKs
 * do; the region is remembered for the bucket's later calls.
 */
static int
s3_perform(struct awsclient *cl, const char *bucket, const char *key,
    struct call *c, struct endpoint *ep, struct buf *path, struct err *e)
{
	const char	*r = c->resp.bucket_region;
	size_t		 i;

	if (call_perform(cl, c, e) == 0)
		return (0);
	if (c->resp.net_error || (c->resp.status != 301 &&
	    c->resp.status != 307 && c->resp.status != 400) || r[0] == '\0' ||
	    strcmp(r, ep->region) == 0)
		return (-1);
	for (i = 0; r[i] != '\0'; i++)
		if (!((r[i] >= 'a' && r[i] <= 'z') || (r[i] >= '0' &&
		    r[i] <= '9') || r[i] == '-'))
			return (-1);
	region_put(cl, bucket, r);
	log_debug("aws: bucket %s is in %s: asking there", bucket, r);
	if (s3_locate(cl, bucket, key, ep, path, e) == -1)
		return (-1);
	c->path = buf_str(path);
	c->ep = ep;
	return (call_perform(cl, c, e));
}

/* ---- ListObjectsV2 ---- */

struct list_parse {
	struct s3_list_page	*page;
	struct s3_object	 cur;
	int			 url_encoded;
	struct err		*e;
};

static char *
url_decode_dup(const char *s, size_t len)
{
	char	*out = xmalloc(len + 1);
	size_t	 i, o = 0;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len + 0 && (hi = hex_digit(
		    (unsigned char)s[i + 1])) != -1 && (lo = hex_digit(
		    (unsigned char)s[i + 2])) != -1) {
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[o++] = s[i] == '+' ? ' ' : s[i];
	}
	out[o] = '\0';
	return (out);
}

static int
list_end(void *arg, const char *path, const char *text, size_t len,
    struct err *e)
{
	struct list_parse	*lp = arg;
	struct s3_list_page	*pg = lp->page;
	char			 num[32];

	if (strcmp(path, "ListBucketResult/Contents/Key") == 0) {
		xfree(lp->cur.key);
		lp->cur.key = xstrndup(text, len);
	} else if (strcmp(path, "ListBucketResult/Contents/Size") == 0) {
		snprintf(num, sizeof(num), "%.*s", (int)len, text);
		lp->cur.size = strtoull(num, NULL, 10);
	} else if (strcmp(path, "ListBucketResult/Contents/ETag") == 0)
		snprintf(lp->cur.etag, sizeof(lp->cur.etag), "%.*s", (int)len,
		    text);
	else if (strcmp(path, "ListBucketResult/Contents/LastModified") == 0)
		(void)iso8601_parse_ms(text, &lp->cur.last_modified_ms);
	else if (strcmp(path, "ListBucketResult/Contents") == 0) {
		if (lp->cur.key == NULL)
			return (0);
		if (pg->n >= S3_LIST_MAX_OBJECTS)
			return (err_set(e, ERR_LIMIT, NULL, NULL, "ListObjectsV2: "
			    "more than %d keys in one page",
			    S3_LIST_MAX_OBJECTS));
		pg->objects = xrealloc(pg->objects, (pg->n + 1) *
		    sizeof(*pg->objects));
		pg->objects[pg->n++] = lp->cur;
		memset(&lp->cur, 0, sizeof(lp->cur));
	} else if (strcmp(path, "ListBucketResult/CommonPrefixes/Prefix") == 0) {
		if (pg->nprefixes >= S3_LIST_MAX_OBJECTS)
			return (err_set(e, ERR_LIMIT, NULL, NULL, "ListObjectsV2: "
			    "too many common prefixes"));
		pg->prefixes = xrealloc(pg->prefixes, (pg->nprefixes + 1) *
		    sizeof(*pg->prefixes));
		pg->prefixes[pg->nprefixes++] = xstrndup(text, len);
	} else if (strcmp(path, "ListBucketResult/NextContinuationToken") == 0) {
		xfree(pg->next_token);
		pg->next_token = xstrndup(text, len);
	} else if (strcmp(path, "ListBucketResult/EncodingType") == 0)
		lp->url_encoded = len == 3 && memcmp(text, "url", 3) == 0;
	return (0);
}

void
s3_list_page_release(struct s3_list_page *pg)
{
	size_t	 i;

	for (i = 0; i < pg->n; i++)
		xfree(pg->objects[i].key);
	for (i = 0; i < pg->nprefixes; i++)
		xfree(pg->prefixes[i]);
	xfree(pg->objects);
	xfree(pg->prefixes);
	xfree(pg->next_token);
	memset(pg, 0, sizeof(*pg));
}

static void
qparam(struct buf *q, const char *name, const char *value)
{
	if (q->len > 0)
		buf_addc(q, '&');
	buf_printf(q, "%s=", name);
	url_encode(q, value, 0);
}

int
awsclient_s3_list(struct awsclient *cl, const char *bucket,
    const char *prefix, const char *delimiter, const char *token,
    int max_keys, struct s3_list_page *out, struct err *e)
{
	struct list_parse	 lp;
	struct endpoint		 ep;
	struct call		 c;
	struct buf		 path, q;
	char			 num[16], *d;
	size_t			 i;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	if (max_keys < 0 || max_keys > S3_MAX_KEYS)
		return (err_set(e, ERR_INVALID, NULL, NULL, "max keys: from 1 "
		    "to %d", S3_MAX_KEYS));
	buf_init(&path, 0);
	buf_init(&q, 0);
	call_init(&c, svc_find("s3"), "ListObjectsV2");
	if (s3_locate(cl, bucket, NULL, &ep, &path, e) == -1)
		goto out;
	/* Sorted, as the canonical query will be anyway. */
	if (token != NULL)
		qparam(&q, "continuation-token", token);
	if (delimiter != NULL)
		qparam(&q, "delimiter", delimiter);
	qparam(&q, "encoding-type", "url");
	qparam(&q, "list-type", "2");
	if (max_keys > 0) {
		snprintf(num, sizeof(num), "%d", max_keys);
		qparam(&q, "max-keys", num);
	}
	if (prefix != NULL)
		qparam(&q, "prefix", prefix);
	c.iam_action = "s3:ListBucket";
	c.method = "GET";
	c.path = buf_str(&path);
	c.query = buf_str(&q);
	c.ep = &ep;
	if (s3_perform(cl, bucket, NULL, &c, &ep, &path, e) == -1)
		goto out;
	memset(&lp, 0, sizeof(lp));
	lp.page = out;
	lp.e = e;
	if (xml_parse(buf_str(&c.resp.body), c.resp.body.len, list_end, &lp,
	    e) == -1) {
		xfree(lp.cur.key);
		s3_list_page_release(out);
		goto out;
	}
	xfree(lp.cur.key);
	if (lp.url_encoded) {
		for (i = 0; i < out->n; i++) {
			d = url_decode_dup(out->objects[i].key,
			    strlen(out->objects[i].key));
			xfree(out->objects[i].key);
			out->objects[i].key = d;
		}
		for (i = 0; i < out->nprefixes; i++) {
			d = url_decode_dup(out->prefixes[i],
			    strlen(out->prefixes[i]));
			xfree(out->prefixes[i]);
			out->prefixes[i] = d;
		}
	}
	rc = 0;
out:
	call_release(&c);
	buf_release(&path);
	buf_release(&q);
	return (rc);
}

/* ---- HeadObject ---- */

int
awsclient_s3_head(struct awsclient *cl, const char *bucket, const char *key,
    struct s3_object *out, struct err *e)
{
	struct endpoint	 ep;
	struct call	 c;
	struct buf	 path;
	struct tm	 tm;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	buf_init(&path, 0);
	call_init(&c, svc_find("s3"), "HeadObject");
	if (s3_locate(cl, bucket, key, &ep, &path, e) == -1)
		goto out;
	c.iam_action = "s3:GetObject";
	c.method = "HEAD";
	c.path = buf_str(&path);
	c.ep = &ep;
	if (s3_perform(cl, bucket, key, &c, &ep, &path, e) == -1)
		goto out;
	if (c.resp.content_length < 0) {
		err_set(e, ERR_INTERNAL, NULL, NULL, "s3:GetObject: HeadObject "
		    "answered without Content-Length");
		goto out;
	}
	out->size = (uint64_t)c.resp.content_length;
	snprintf(out->etag, sizeof(out->etag), "%s", c.resp.etag);
	memset(&tm, 0, sizeof(tm));
	if (strptime(c.resp.last_modified, "%a, %d %b %Y %H:%M:%S GMT", &tm) !=
	    NULL)
		out->last_modified_ms = (int64_t)timegm(&tm) * 1000;
	rc = 0;
out:
	call_release(&c);
	buf_release(&path);
	return (rc);
}

/* ---- GetObject ---- */

struct range_sink {
	const struct s3_sink	*to;
	struct call		*c;
	int			 want_partial;	/* a Range was sent */
	int			 checked;
};

static int
range_sink_fn(void *arg, const void *p, size_t len, struct err *e)
{
	struct range_sink	*rs = arg;

	if (!rs->checked) {
		/* A server that ignores Range would hand the object's start. */
		if (rs->want_partial && rs->c->resp.status != 206)
			return (err_set(e, ERR_INTERNAL, NULL, NULL,
			    "s3:GetObject: asked for a range, got HTTP %d",
			    rs->c->resp.status));
		rs->checked = 1;
	}
	return (rs->to->fn(rs->to->arg, p, len, e));
}

int
awsclient_s3_get(struct awsclient *cl, const char *bucket, const char *key,
    const char *etag, uint64_t off, uint64_t len, const struct s3_sink *sink,
    struct err *e)
{
	struct endpoint		 ep;
	struct range_sink	 rs;
	struct s3_sink		 wrap;
	struct call		 c;
	struct buf		 path;
	char			 range[64];
	uint64_t		 pos = off, end = len > 0 ? off + len : 0;
	int			 used = 0, rc = -1;

	buf_init(&path, 0);
	if (s3_locate(cl, bucket, key, &ep, &path, e) == -1) {
		buf_release(&path);
		return (-1);
	}
	for (;;) {
		call_init(&c, svc_find("s3"), "GetObject");
		c.iam_action = "s3:GetObject";
		c.method = "GET";
		c.path = buf_str(&path);
		c.ep = &ep;
		memset(&rs, 0, sizeof(rs));
		rs.to = sink;
		rs.c = &c;
		if (pos > 0 || end > 0) {
			if (end > 0)
				snprintf(range, sizeof(range), "bytes=%llu-%llu",
				    (unsigned long long)pos,
				    (unsigned long long)(end - 1));
			else
				snprintf(range, sizeof(range), "bytes=%llu-",
				    (unsigned long long)pos);
			hdrs_add(&c.hdrs, "Range", range);
			rs.want_partial = 1;
		}
		if (etag != NULL && *etag != '\0')
			hdrs_add(&c.hdrs, "If-Match", etag);
		wrap.fn = range_sink_fn;
		wrap.arg = &rs;
		c.sink = &wrap;
		rc = s3_perform(cl, bucket, key, &c, &ep, &path, e);
		used += c.attempts;
		pos += c.resp.streamed;
		/*
		 * Cut off midway: resume after the last byte delivered, as
		 * long as attempts remain.
		 */
		if (rc == -1 && c.resp.net_error && c.resp.streamed > 0 &&
		    used < cl->set.max_attempts && (end == 0 || pos < end)) {
			call_release(&c);
			continue;
		}
		if (rc == 0 && end > 0 && pos != end)
			rc = err_set(e, ERR_INTERNAL, NULL, NULL, "s3:GetObject: "
			    "%llu bytes short of the range asked",
			    (unsigned long long)(end - pos));
		call_release(&c);
		break;
	}
	buf_release(&path);
	return (rc);
}

int
s3_sink_fd(void *arg, const void *p, size_t len, struct err *e)
{
	const char	*b = p;
	ssize_t		 n;
	int		 fd = *(int *)arg;

	while (len > 0) {
		n = write(fd, b, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return (err_set(e, ERR_INTERNAL, NULL, NULL, "write: %s",
			    n == -1 ? strerror(errno) : "nothing written"));
		b += n;
		len -= (size_t)n;
	}
	return (0);
}

/* ---- parallel whole-object read ---- */

struct part {
	struct buf	 data;
	uint64_t	 index;
	int		 ready;
};

struct reader {
	struct awsclient	*cl;
	const char		*bucket, *key, *etag;
	uint64_t		 size, nparts;
	size_t			 part_size;
	unsigned		 window;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	uint64_t		 next_fetch;	/* next part a worker takes */
	uint64_t		 next_deliver;	/* next part the sink gets */
	struct part		*slots;		/* window of them */
	int			 failed;
	struct err		 err;
};

static int
mem_sink(void *arg, const void *p, size_t len, struct err *e)
{
	if (buf_add(arg, p, len) == -1)
		return (err_set(e, ERR_INTERNAL, NULL, NULL, "s3:GetObject: "
		    "more bytes than the range asked"));
	return (0);
}

static void *
reader_worker(void *arg)
{
	struct reader	*r = arg;
	struct part	*s;
	struct s3_sink	 sink;
	struct err	 e;
	uint64_t	 i, off, len;
	int		 rc;

	for (;;) {
		pthread_mutex_lock(&r->lock);
		while (!r->failed && r->next_fetch < r->nparts &&
		    r->next_fetch >= r->next_deliver + r->window)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->failed || r->next_fetch >= r->nparts) {
			pthread_mutex_unlock(&r->lock);
			return (NULL);
		}
		i = r->next_fetch++;
		s = &r->slots[i % r->window];
		pthread_mutex_unlock(&r->lock);

		off = i * r->part_size;
		len = r->size - off < r->part_size ? r->size - off :
		    r->part_size;
		buf_reset(&s->data);
		s->data.max = (size_t)len + 1;
		sink.fn = mem_sink;
		sink.arg = &s->data;
		err_clear(&e);
		rc = awsclient_s3_get(r->cl, r->bucket, r->key, r->etag, off,
		    len, &sink, &e);

		pthread_mutex_lock(&r->lock);
		if (rc == -1 && !r->failed) {
			r->failed = 1;
			r->err = e;
		}
		s->index = i;
		s->ready = rc == 0;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
	}
}

int
awsclient_s3_read(struct awsclient *cl, const char *bucket, const char *key,
    const struct s3_read_opts *o, const struct s3_sink *sink,
    struct s3_object *head_out, struct err *e)
{
	struct s3_object	 head;
	struct reader		 r;
	struct part		*s;
	pthread_t		 tid[S3_MAX_PARALLEL];
	unsigned		 nthreads, t, parallel;
	size_t			 part;
	uint64_t		 i;
	int			 rc = 0;

	parallel = o != NULL && o->parallel > 0 ? o->parallel : 4;
	part = o != NULL && o->part_size > 0 ? o->part_size : 8 * 1024 * 1024;
	if (parallel > S3_MAX_PARALLEL || part < S3_MIN_PART ||
	    part > S3_MAX_PART)
		return (err_set(e, ERR_INVALID, NULL, NULL, "parallel reads: 1 "
		    "to %d; part size: %d KiB to %d MiB", S3_MAX_PARALLEL,
		    S3_MIN_PART / 1024, S3_MAX_PART / 1024 / 1024));
	if (awsclient_s3_head(cl, bucket, key, &head, e) == -1)
		return (-1);
	if (head_out != NULL)
		*head_out = head;
	if (head.size == 0)
		return (0);

	memset(&r, 0, sizeof(r));
	r.cl = cl;
	r.bucket = bucket;
	r.key = key;
	r.etag = head.etag[0] != '\0' ? head.etag : NULL;
	r.size = head.size;
	r.part_size = part;
	r.nparts = (head.size + part - 1) / part;
	r.window = parallel;
	nthreads = r.nparts < parallel ? (unsigned)r.nparts : parallel;
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.cond, NULL);
	r.slots = xcalloc(r.window, sizeof(*r.slots));
	for (t = 0; t < r.window; t++)
		buf_init(&r.slots[t].data, part + 1);
	for (t = 0; t < nthreads; t++)
		if (pthread_create(&tid[t], NULL, reader_worker, &r) != 0)
			abort();

	/* Delivery, in order, on the caller's thread. */
	for (i = 0; i < r.nparts; i++) {
		s = &r.slots[i % r.window];
		pthread_mutex_lock(&r.lock);
		while (!r.failed && !(s->ready && s->index == i))
			pthread_cond_wait(&r.cond, &r.lock);
		pthread_mutex_unlock(&r.lock);
		if (r.failed)
			break;
		if (sink->fn(sink->arg, s->data.ptr, s->data.len, e) == -1) {
			pthread_mutex_lock(&r.lock);
			r.failed = 1;
			pthread_cond_broadcast(&r.cond);
			pthread_mutex_unlock(&r.lock);
			rc = -1;
			break;
		}
		pthread_mutex_lock(&r.lock);
		s->ready = 0;
		r.next_deliver++;
		pthread_cond_broadcast(&r.cond);
		pthread_mutex_unlock(&r.lock);
	}
	for (t = 0; t < nthreads; t++)
		pthread_join(tid[t], NULL);
	if (rc == 0 && r.failed) {
		rc = -1;
		if (e != NULL)
			*e = r.err;
	}
	for (t = 0; t < r.window; t++)
		buf_release(&r.slots[t].data);
	xfree(r.slots);
	pthread_cond_destroy(&r.cond);
	pthread_mutex_destroy(&r.lock);
	return (rc);
}
