/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for src/aws/sigv4: the input is an Authorization header.
 * When it parses, a small request carrying it is verified, which runs the
 * canonical request and the HMAC chain on the parsed scope. The same bytes
 * are also used as a path, a query and a header value, for the URI, query
 * and header canonicalization, and as an aws-chunked upload body (decoded
 * whole and byte by byte, which must agree). Aborts when a parsed header
 * breaks the contract of struct sigv4_auth.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sigv4.h"
#include "core/clock.h"
#include "core/xmalloc.h"

/* Inputs past this say nothing new and slow the search. */
#define FUZZ_MAX_INPUT	(64 * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* 1 if the ';'-separated list holds name, in any case. */
static int
list_has(const char *list, const char *name)
{
	size_t		 n = strlen(name);
	const char	*p = list;

	for (;;) {
		if (strncasecmp(p, name, n) == 0 &&
		    (p[n] == ';' || p[n] == '\0'))
			return (1);
		if ((p = strchr(p, ';')) == NULL)
			return (0);
		p++;
	}
}

/* The contract of a successful sigv4_parse_auth(). */
static void
auth_check(const struct sigv4_auth *a)
{
	size_t	 i;

	if (a->access_key[0] == '\0' || a->region[0] == '\0' ||
	    a->service[0] == '\0' || a->signed_headers[0] == '\0')
		abort();
	if (strlen(a->date) != 8)
		abort();
	for (i = 0; i < 8; i++)
		if (a->date[i] < '0' || a->date[i] > '9')
			abort();
	if (strlen(a->signature) > 64)
		abort();
	if (!list_has(a->signed_headers, "host"))
		abort();
}

static void
count_out(void *arg, const char *p, size_t n)
{
	(void)p;
	*(size_t *)arg += n;
}

/* The bytes as an aws-chunked body: in one piece and byte by byte. */
static void
chunks_check(const char *s, size_t size)
{
	struct sigv4_chunks	 c;
	struct sigv4_auth	 a;
	struct err		 e;
	size_t			 whole = 0, bytes = 0, i;
	int			 rc1, rc2 = 0;

	memset(&a, 0, sizeof(a));
	snprintf(a.date, sizeof(a.date), "20261126");
	snprintf(a.region, sizeof(a.region), "us-east-1");
	snprintf(a.service, sizeof(a.service), "payerlink");
	memset(a.signature, 'a', 64);
	sigv4_chunks_init(&c, &a, "secret", "20261126T110013Z");
	rc1 = sigv4_chunks_feed(&c, s, size, count_out, &whole, &e);
	if (rc1 == 0)
		rc1 = sigv4_chunks_end(&c, &e);
	sigv4_chunks_release(&c);
	sigv4_chunks_init(&c, &a, "secret", "20261126T110013Z");
	for (i = 0; i < size && rc2 == 0; i++)
		rc2 = sigv4_chunks_feed(&c, s + i, 1, count_out, &bytes, &e);
	if (rc2 == 0)
		rc2 = sigv4_chunks_end(&c, &e);
	sigv4_chunks_release(&c);
	if (rc1 != rc2 || whole != bytes || whole > size)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sigv4_auth	 a;
	struct header		 h[4];
	struct request		 r;
	struct buf		 b;
	struct err		 e;
	char			*s, date[32], sig[65];
	int64_t			 now;

	if (size > FUZZ_MAX_INPUT)
		return (0);
	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';

	memset(&r, 0, sizeof(r));
	h[0].name = "Host";
	h[0].value = "example.amazonaws.com";
	h[1].name = "X-Amz-Date";
	h[1].value = "20261126T110013Z";
	h[2].name = "Authorization";
	h[2].value = s;
	h[3].name = "X-Fuzz";
	h[3].value = s;
	r.method = "POST";
	r.path = s;
	r.query = s;
	r.headers = h;
	r.nheaders = 4;
	r.body = s;
	r.body_len = size;
	buf_init(&b, 0);
	if (sigv4_canonical_request(&r, "host;x-amz-date;x-fuzz", &b, &e) ==
	    -1)
		abort();
	buf_release(&b);

	if (sigv4_parse_auth(s, &a, &e) == 0) {
		auth_check(&a);
		/* A date the scope agrees with, and a time near it. */
		snprintf(date, sizeof(date), "%sT110013Z", a.date);
		h[1].value = date;
		if (clock_parse_amz(date, &now) == -1)
			now = 0;
		r.path = "/";
		r.query = "";
		buf_init(&b, 0);
		if (sigv4_canonical_request(&r, a.signed_headers, &b, &e) == 0)
			sigv4_sign(b.ptr, b.len, date, &a, "secret", sig);
		buf_release(&b);
		sigv4_verify(&r, &a, "secret", a.service, now, &e);
		sigv4_verify(&r, &a, "secret", "organizations", now, &e);
	}
	chunks_check(s, size);
	xfree(s);
	return (0);
}
