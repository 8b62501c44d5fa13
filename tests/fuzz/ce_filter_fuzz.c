/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the Cost Explorer Filter expression (aws/ce_ops.c) inside
 * a GetCostAndUsage request through the handler entry on an emulator
 * store. The input is the Filter's JSON text.
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char pre[] = "{\"TimePeriod\":{\"Start\":\"2026-01-01\","
	    "\"End\":\"2026-02-01\"},\"Granularity\":\"DAILY\",\"Metrics\":"
	    "[\"UnblendedCost\"],\"GroupBy\":[{\"Type\":\"DIMENSION\",\"Key\":"
	    "\"SERVICE\"}],\"Filter\":";
	struct header	 h[3] = {
		{ "X-Amz-Target", "AWSInsightsIndexService.GetCostAndUsage" },
		{ "Content-Type", "application/x-amz-json-1.1" },
		{ "Authorization", "AWS4-HMAC-SHA256 Credential=AKPLFUZZ000000000000"
		    "/20260101/us-east-1/ce/aws4_request, SignedHeaders=host, "
		    "Signature=00" },
	};
	struct arena	 a;
	struct request	 r;
	struct response	 resp;
	struct err	 e;
	char		*body, path[] = "/tmp/payerlink-fuzz-XXXXXX";
	int		 fd;

	if (st == NULL) {
		config_defaults(&cfg);
		cfg.emulator = 1;
		if ((fd = mkstemp(path)) == -1)
			abort();
		close(fd);
		if (store_open(path, STORE_EMULATOR, &st, &e) == -1)
			abort();
		remember(path);
	}
	arena_init(&a);
	body = arena_alloc(&a, sizeof(pre) + size + 2);
	memcpy(body, pre, sizeof(pre) - 1);
	memcpy(body + sizeof(pre) - 1, data, size);
	memcpy(body + sizeof(pre) - 1 + size, "}", 2);
	memset(&r, 0, sizeof(r));
	r.method = "POST";
	r.path = "/";
	r.query = "";
	r.headers = h;
	r.nheaders = 3;
	r.body = body;
	r.body_len = sizeof(pre) + size;
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
