/* SPDX-License-Identifier: MIT */
/*
 * The HTTP server on libmicrohttpd: see server.h. URLs and query strings are
 * kept raw (the unescape callback does nothing) because SigV4 signs them as
 * sent and each layer decodes what it reads.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/codec.h"
#include "core/log.h"
#include "core/message.h"
#include "core/xmalloc.h"
#include "http/route.h"
#include "http/server.h"
#include "rest/import_api.h"

struct server {
	struct MHD_Daemon	*mhd;
	const struct config	*cfg;
	struct store		*store;
};

/* Bodies up to this many times the limit are drained, not cut off. */
#define DRAIN_FACTOR	16

/* Per request: lives from the first callback to the completion notice. */
struct exchange {
	struct arena	 arena;
	struct buf	 body;
	int		 too_large;
	struct timespec	 start;
	char		 request_id[37];
	int		 answered;	/* refused before its body */
	struct import_upload *up;	/* POST /api/v1/imports: streamed */
};

static size_t
unescape_none(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return (strlen(s));
}

struct collect {
	struct arena	*arena;
	struct header	*v;
	size_t		 n, max;
	struct buf	*query;
};

static enum MHD_Result
collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct collect	*c = cls;

	(void)kind;
	if (c->n == c->max)
		return (MHD_NO);
	c->v[c->n].name = key;
	c->v[c->n].value = value != NULL ? value : "";
	c->n++;
	return (MHD_YES);
}

static enum MHD_Result
collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct collect	*c = cls;

	(void)kind;
	if (c->query->len > 0)
		buf_addc(c->query, '&');
	buf_adds(c->query, key);
	if (value != NULL) {
		buf_addc(c->query, '=');
		buf_adds(c->query, value);
	}
	return (MHD_YES);
}

static void
uuid4(char out[37])
{
	unsigned char	 b[16];
	char		 hx[33];

	random_bytes(b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	hex_encode(b, sizeof(b), hx);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hx, hx + 8, hx + 12,
	    hx + 16, hx + 20);
}

static enum MHD_Result
send_plain(struct MHD_Connection *conn, unsigned status, const char *text)
{
	struct MHD_Response	*mr;
	enum MHD_Result		 ret;

	mr = MHD_create_response_from_buffer(strlen(text), (void *)(uintptr_t)text,
	    MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(mr, "Content-Type", "text/plain");
	MHD_add_response_header(mr, "Connection", "close");
	ret = MHD_queue_response(conn, status, mr);
	MHD_destroy_response(mr);
	return (ret);
}

/* The peer's address, as the limits and the log see it. */
static const char *
peer_addr(struct MHD_Connection *conn, struct arena *a)
{
	const union MHD_ConnectionInfo	*ci;
	char				 addr[INET6_ADDRSTRLEN] = "-";

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)ci->client_addr)->sin_addr, addr,
		    sizeof(addr));
	return (arena_strdup(a, addr));
}

/*
 * The client's address: the peer's, or behind the --trusted-proxy the
 * last X-Forwarded-For entry (the one that proxy appended; earlier ones
 * are the client's own say and not trusted). A peer that is not the
 * proxy cannot choose its address.
 */
static const char *
client_addr(struct MHD_Connection *conn, const struct config *cfg,
    struct arena *a)
{
	const char	*peer = peer_addr(conn, a), *xff, *last;
	struct in_addr	 in;
	char		 ip[INET_ADDRSTRLEN + 8];
	size_t		 n;

	if (cfg->trusted_proxy == NULL || strcmp(peer, cfg->trusted_proxy) != 0)
		return (peer);
	xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "X-Forwarded-For");
	if (xff == NULL)
		return (peer);
	last = strrchr(xff, ',');
	last = last != NULL ? last + 1 : xff;
	while (*last == ' ' || *last == '\t')
		last++;
	for (n = 0; last[n] != '\0' && last[n] != ' ' && last[n] != '\t';
	    n++)
		;
	if (n >= sizeof(ip))
		return (peer);
	memcpy(ip, last, n);
	ip[n] = '\0';
	if (inet_pton(AF_INET, ip, &in) != 1)
		return (peer);
	return (arena_strdup(a, ip));
}

static void
access_log(const struct request *r, const struct response *resp,
    const struct exchange *x)
{
	struct timespec			 now;
	double				 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - x->start.tv_sec) * 1e3 +
	    (double)(now.tv_nsec - x->start.tv_nsec) / 1e6;
	log_info("%s \"%s %s\" %d %zu %.3fms %s", r->remote_addr, r->method,
	    r->path, resp->status, resp->body.len, ms, r->request_id);
}

/*
 * The request as the protocol layers see it, from what libmicrohttpd has
 * read so far (the body, if any, is x->body). -1 past the header limit.
 */
static int
request_fill(struct MHD_Connection *conn, struct server *srv,
    struct exchange *x, const char *method, const char *url,
    struct request *r)
{
	struct collect		 col;
	struct buf		 query;

	memset(r, 0, sizeof(*r));
	col.arena = &x->arena;
	col.max = srv->cfg->max_headers + 1;
	col.v = arena_alloc(&x->arena, col.max * sizeof(*col.v));
	col.n = 0;
	MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &col);
	if (col.n > srv->cfg->max_headers)
		return (-1);
	buf_init(&query, 64 * 1024);
	col.query = &query;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg,
	    &col);

	r->method = method;
	r->path = url;
	r->query = arena_strdup(&x->arena, buf_str(&query));
	buf_release(&query);
	r->headers = col.v;
	r->nheaders = col.n;
	r->body = buf_str(&x->body);
	r->body_len = x->body.len;
	r->body_too_large = x->too_large;
	r->remote_addr = client_addr(conn, srv->cfg, &x->arena);
	r->arena = &x->arena;
	r->store = srv->store;
	r->cfg = srv->cfg;
	if (x->request_id[0] == '\0')
		uuid4(x->request_id);
	memcpy(r->request_id, x->request_id, sizeof(r->request_id));
	return (0);
}

/* Logs and queues the response; resp's body is handed over. */
static enum MHD_Result
reply(struct MHD_Connection *conn, const struct request *r,
    struct response *resp, const struct exchange *x)
{
	struct MHD_Response	*mr;
	enum MHD_Result		 ret;
	size_t			 i;

	access_log(r, resp, x);
	if (resp->fd >= 0) {
		off_t size = lseek(resp->fd, 0, SEEK_END);
		mr = MHD_create_response_from_fd((uint64_t)size, resp->fd);
	} else {
		size_t len;
		char *body = buf_detach(&resp->body, &len);
		mr = MHD_create_response_from_buffer(len, body,
		    MHD_RESPMEM_MUST_FREE);
	}
	if (resp->content_type != NULL)
		MHD_add_response_header(mr, "Content-Type", resp->content_type);
	for (i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(mr, resp->headers[i].name,
		    resp->headers[i].value);
	ret = MHD_queue_response(conn, (unsigned)resp->status, mr);
	MHD_destroy_response(mr);
	buf_release(&resp->body);
	return (ret);
}

static void
response_init(struct response *resp)
{
	memset(resp, 0, sizeof(*resp));
	buf_init(&resp->body, 0);
	resp->fd = -1;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **con_cls)
{
	struct server		*srv = cls;
	struct exchange		*x = *con_cls;
	struct request		 r;
	struct response		 resp;

	(void)version;
	if (x == NULL) {
		const char *cl;
		x = xcalloc(1, sizeof(*x));
		arena_init(&x->arena);
		buf_init(&x->body, srv->cfg->max_body);
		clock_gettime(CLOCK_MONOTONIC, &x->start);
		*con_cls = x;
		/*
		 * The one streamed body: POST /api/v1/imports goes piece by
		 * piece into the ingest (rest/import_api.h), with its own
		 * limit (serve --max-upload) instead of --max-body. It is
		 * authenticated from its headers first; a refusal is answered
		 * now, so the body is never read (libmicrohttpd sends no 100
		 * Continue and closes the connection after the answer).
		 */
		if (import_upload_wants(method, url)) {
			if (request_fill(conn, srv, x, method, url, &r) == -1)
				return (send_plain(conn, 431,
				    "too many header lines\n"));
			response_init(&resp);
			if ((x->up = import_upload_begin(&r, &resp)) != NULL) {
				buf_release(&resp.body);
				return (MHD_YES);
			}
			x->answered = 1;
			return (reply(conn, &r, &resp, x));
		}
		/* A body somewhat over the limit is read and dropped, so the
		 * client reads a clean error on a connection it can reuse. A
		 * declared length far over it is answered at once and the
		 * connection closed, rather than read. */
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl == NULL || strtoull(cl, NULL, 10) <=
		    srv->cfg->max_body * DRAIN_FACTOR)
			return (MHD_YES);
		x->too_large = 1;
	} else if (x->answered) {
		/* Whatever of the body still comes is dropped unread. */
		*upload_len = 0;
		return (MHD_YES);
	} else if (*upload_len > 0 && x->up != NULL) {
		import_upload_feed(x->up, upload, *upload_len);
		*upload_len = 0;
		return (MHD_YES);
	} else if (*upload_len > 0) {
		/* Past the limit the rest is read and dropped: the answer is
		 * an error in the protocol's own format, on a sane connection. */
		if (!x->too_large && buf_add(&x->body, upload, *upload_len))
			x->too_large = 1;
		*upload_len = 0;
		return (MHD_YES);
	}

	if (request_fill(conn, srv, x, method, url, &r) == -1)
		return (send_plain(conn, 431, "too many header lines\n"));
	response_init(&resp);
	if (x->up != NULL)
		import_upload_finish(x->up, &r, &resp);
	else
		route_request(&r, &resp);
	return (reply(conn, &r, &resp, x));
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct exchange	*x = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (x == NULL)
		return;
	import_upload_free(x->up);
	arena_release(&x->arena);
	buf_release(&x->body);
	xfree(x);
	*con_cls = NULL;
}

static int
parse_listen(const char *s, struct sockaddr_in *sa, struct err *e)
{
	const char	*colon = strrchr(s, ':');
	char		 host[64];
	char		*end;
	long		 port;

	memset(sa, 0, sizeof(*sa));
	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "--listen: expected ADDRESS:PORT, got '%s'", s));
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535 || colon[1] == '\0')
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "--listen: bad port in '%s'", s));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "--listen: '%s' is not an IPv4 address", host));
	return (0);
}

/*
 * Binds and listens ourselves, so that a port in use is an error with the
 * kernel's reason, at once. SO_REUSEADDR only lets a restart bind while old
 * connections linger in TIME_WAIT; SO_REUSEPORT (--reuse-port) would let a
 * second process listen beside a running one and the kernel split the
 * connections between them, so it is off unless asked for.
 */
static int
listen_on(const struct sockaddr_in *sa, const char *where, int reuse_port,
    int *fd_out, struct err *e)
{
	int	 fd, one = 1, saved;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "cannot listen on %s: socket: %s", where, strerror(errno)));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
	    sizeof(one)) == -1))
		goto fail;
	if (bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) == -1) {
		saved = errno;
		close(fd);
		if (saved == EADDRINUSE)
			return (err_set(e, ERR_INTERNAL, NULL, NULL,
			    "cannot listen on %s: the address is in use (another "
			    "server is listening on it; stop it or choose another "
			    "--listen)", where));
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "cannot listen on %s: %s", where, strerror(saved)));
	}
	if (listen(fd, SOMAXCONN) == -1)
		goto fail;
	*fd_out = fd;
	return (0);
fail:
	saved = errno;
	close(fd);
	return (err_set(e, ERR_INTERNAL, NULL, NULL, "cannot listen on %s: %s",
	    where, strerror(saved)));
}

int
server_start(const struct config *cfg, struct store *st, struct server **out,
    unsigned *port_out, struct err *e)
{
	struct server			*srv;
	struct sockaddr_in		 sa;
	socklen_t			 salen = sizeof(sa);
	struct MHD_OptionItem		 opt[12];
	unsigned			 threads = cfg->threads, flags;
	size_t				 nopt = 0;
	int				 fd = -1;

	if (parse_listen(cfg->listen, &sa, e) == -1)
		return (-1);
	if (listen_on(&sa, cfg->listen, cfg->reuse_port, &fd, e) == -1)
		return (-1);
	if (threads == 0) {
		/*
		 * Four per core, at least 8: a worker waits on fsync and on the
		 * database's write lock, and every connection it owns waits
		 * with it. With one per core, reads queued behind writes had a
		 * p99 of 295 ms at 200 req/s on 2 cores; with 8, 17 ms
		 * (bench/soak.sh, docs/reliability.md).
		 */
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n * 4 : 8;
		if (threads < 8)
			threads = 8;
	}
	xmalloc_long_running();
	srv = xcalloc(1, sizeof(*srv));
	srv->cfg = cfg;
	srv->store = st;
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
	    MHD_USE_ERROR_LOG;
	opt[nopt++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_SOCKET, fd, NULL };
	opt[nopt++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE,
	    threads, NULL };
	opt[nopt++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
	    cfg->max_connections, NULL };
	opt[nopt++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
	    cfg->conn_timeout, NULL };
	opt[nopt++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    64 * 1024, NULL };
	opt[nopt++] = (struct MHD_OptionItem){ MHD_OPTION_UNESCAPE_CALLBACK,
	    (intptr_t)unescape_none, NULL };
	opt[nopt++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
	    (intptr_t)completed, NULL };
	if (cfg->tls_cert_pem != NULL) {
		/* Debian's libmicrohttpd is built with GnuTLS; say so if not. */
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			xfree(srv);
			close(fd);
			return (err_set(e, ERR_INTERNAL, NULL, NULL, "--tls-cert: "
			    "this libmicrohttpd is built without TLS; use a "
			    "TLS-terminating proxy and --public-url instead"));
		}
		flags |= MHD_USE_TLS;
		opt[nopt++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
		    (void *)(uintptr_t)cfg->tls_cert_pem };
		opt[nopt++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
		    (void *)(uintptr_t)cfg->tls_key_pem };
	}
	opt[nopt] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	/* ITC: server_stop() quiesces (stops accepting) before stopping. */
	srv->mhd = MHD_start_daemon(flags, 0, NULL, NULL, handle, srv,
	    MHD_OPTION_ARRAY, opt, MHD_OPTION_END);
	if (srv->mhd == NULL) {
		/* fd is not closed: whether libmicrohttpd closed it on its
		 * way out is not documented, and serve exits now anyway. */
		xfree(srv);
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "cannot serve on %s: libmicrohttpd did not start (its "
		    "reason is logged above%s)", cfg->listen,
		    cfg->tls_cert_pem != NULL ? "; is --tls-key the key of "
		    "--tls-cert, both PEM?" : ""));
	}
	if (getsockname(fd, (struct sockaddr *)&sa, &salen) == -1)
		sa.sin_port = 0;
	*port_out = ntohs(sa.sin_port);
	*out = srv;
	return (0);
}

void
server_stop(struct server *srv)
{
	MHD_socket	 fd;

	if (srv == NULL)
		return;
	/* Quiesced, the daemon hands the listening socket back to us. */
	fd = MHD_quiesce_daemon(srv->mhd);
	MHD_stop_daemon(srv->mhd);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	xfree(srv);
}
