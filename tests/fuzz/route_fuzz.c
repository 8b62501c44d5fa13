/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: a whole HTTP request through the handler entry
 * (http/route.c route_request) on an emulator server's store: the input is
 * "METHOD PATH[?QUERY]\n", header lines "Name: value\n", an empty line and
 * the body. This reaches the router, the AWS JSON 1.1 and REST front doors,
 * SigV4 header parsing (emulator keys need no valid signature), the web
 * pages, forms and cookies, with the server's limits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/message.h"
#include "http/route.h"
#include "store/store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct store	*st;
static struct config	 cfg;
static char		 dbpath[64];

/* The store's files go when the process ends (a replay or a fuzz run). */
static void
cleanup(void)
{
	char	 p[80];

	if (st != NULL)
		store_close(st);
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
}

static void
remember(const char *path)
{
	snprintf(dbpath, sizeof(dbpath), "%s", path);
	atexit(cleanup);
}

static void
fuzz_open(void)
{
	char		 path[] = "/tmp/payerlink-fuzz-XXXXXX";
	struct err	 e;
	int		 fd;

	config_defaults(&cfg);
	cfg.emulator = 1;
	if ((fd = mkstemp(path)) == -1)
		abort();
	close(fd);
	if (store_open(path, STORE_EMULATOR, &st, &e) == -1) {
		fprintf(stderr, "store_open: %s\n", e.msg);
		abort();
	}
	remember(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;
	struct request	 r;
	struct response	 resp;
	struct header	*h;
	char		*s, *line, *nl, *sp, *q, *colon;

	if (st == NULL)
		fuzz_open();
	arena_init(&a);
	s = arena_alloc(&a, size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	memset(&r, 0, sizeof(r));
	h = arena_alloc(&a, (cfg.max_headers + 1) * sizeof(*h));
	r.method = "GET";
	r.path = "/";
	r.query = "";
	r.body = "";
	/* Request line. */
	line = s;
	if ((nl = strchr(line, '\n')) != NULL)
		*nl++ = '\0';
	if ((sp = strchr(line, ' ')) != NULL) {
		*sp++ = '\0';
		r.method = line;
		r.path = sp;
		if ((q = strchr(sp, '?')) != NULL) {
			*q++ = '\0';
			r.query = q;
		}
	}
	/* Headers, up to the server's limit (it answers 431 past it). */
	while (nl != NULL && *nl != '\0' && *nl != '\n') {
		line = nl;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon++ = '\0';
		while (*colon == ' ')
			colon++;
		if (r.nheaders == cfg.max_headers)
			break;
		h[r.nheaders].name = line;
		h[r.nheaders].value = colon;
		r.nheaders++;
	}
	if (nl != NULL && *nl == '\n')
		nl++;
	r.headers = h;
	if (nl != NULL) {
		r.body = nl;
		r.body_len = strlen(nl);
	}
	r.remote_addr = "127.0.0.1";
	memcpy(r.request_id, "00000000-0000-4000-8000-000000000000", 37);
	r.arena = &a;
	r.store = st;
	r.cfg = &cfg;
	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body, 0);
	resp.fd = -1;
	route_request(&r, &resp);
	if (resp.fd >= 0)
		close(resp.fd);
	buf_release(&resp.body);
	arena_release(&a);
	return (0);
}
