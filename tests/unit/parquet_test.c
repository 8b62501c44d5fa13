/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the Parquet reader's pieces (src/billing/pq_*.c): values
 * as text (doubles against printf's shortest, decimals, times), the RLE
 * hybrid and delta decoders, the thrift page header, and whole files from
 * tests/parquet/ (written by DuckDB and other writers: see the README
 * there) read through the ingest against their CSV twins.
 */
#include <fcntl.h>
#include <math.h>
#include <unistd.h>

#include "billing/money.h"
#include "billing/pq.h"
#include "core/xmalloc.h"
#include "test.h"

static uint64_t	 rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (rng);
}

/* The fast text and printf's shortest must parse alike at both scales. */
static void
check_double(double d)
{
	char		 a[64], b[64];
	size_t		 na, nb;
	int64_t		 va, vb;
	int		 ra, rb, digits;

	na = pq_double_text(d, a);
	nb = pq_double_text_ref(d, b);
	a[na] = b[nb] = '\0';
	for (digits = 6; digits <= 9; digits += 3) {
		va = vb = 0;
		ra = money_parse_ref(a, na, digits, &va);
		rb = money_parse_ref(b, nb, digits, &vb);
		if (ra != rb || va != vb) {
			fprintf(stderr, "%.17g: \"%s\" -> %lld (%d), shortest "
			    "\"%s\" -> %lld (%d) at %d digits\n", d, a,
			    (long long)va, ra, b, (long long)vb, rb, digits);
			exit(1);
		}
		ra = money_parse(a, na, digits, &va);
		CHECK(ra == rb && va == vb);
	}
}

TEST(parquet_double_text_matches_shortest)
{
	static const double cases[] = { 0.0, -0.0, 1.0, 0.1, 0.5, 1e-9,
	    5e-10, 1.5e-9, 2.5e-9, 0.0000000025, 0.0123450000, 123.456,
	    -42.000000001, 524287.9999999999, 524288.0, 1e15, 1e300,
	    4.9e-324, 2.2250738585072014e-308, 0.3, 2.675, 1.0000000005,
	    0.00000000049999999999, 0.0000025000000001 };
	char		 s[64];
	size_t		 i;
	double		 d;
	uint64_t	 bits;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_double(cases[i]);
	check_double(INFINITY);
	check_double(NAN);
	for (i = 0; i < 300000; i++) {
		switch (i % 3) {
		case 0:
			/* Decimals as a CSV holds them, read as doubles. */
			snprintf(s, sizeof(s), "%s%llu.%0*llu", next() & 1 ?
			    "-" : "", (unsigned long long)(next() % 1000000),
			    (int)(next() % 17 + 1),
			    (unsigned long long)(next() % 100000000000000000ULL));
			d = strtod(s, NULL);
			break;
		case 1:
			/* Any bits of a double below 2^20. */
			bits = next() & 0x7fffffffffffffffULL;
			bits = (bits & ((1ULL << 52) - 1)) |
			    (uint64_t)(next() % (1023 + 20)) << 52;
			memcpy(&d, &bits, 8);
			break;
		default:
			/* Near half-units of 10^-9 and 10^-6. */
			d = ((double)(next() % 100000000) + 0.5) /
			    (next() & 1 ? 1e9 : 1e6);
			d = nextafter(d, next() & 1 ? 0 : 1);
		}
		check_double(d);
	}
}

TEST(parquet_decimal_and_time_text)
{
	char		 s[64];
	uint8_t		 be[16];
	size_t		 n;

	n = pq_decimal_text(-12345, 2, s);
	s[n] = '\0';
	CHECK_STR(s, "-123.45");
	n = pq_decimal_text(7, 0, s);
	s[n] = '\0';
	CHECK_STR(s, "7");
	/* Beyond 10 decimals: the 10, then 1 if anything is left. */
	n = pq_decimal_text((__int128)123456789012345LL, 14, s);
	s[n] = '\0';
	CHECK_STR(s, "1.23456789011");
	n = pq_decimal_text((__int128)1234567890100000LL, 15, s);
	s[n] = '\0';
	CHECK_STR(s, "1.2345678901");
	memset(be, 0xff, sizeof(be));
	be[15] = 0x9c;	/* -100 in 16 bytes */
	CHECK_INT(pq_decimal_be_text(be, 16, 3, s), 6);
	s[6] = '\0';
	CHECK_STR(s, "-0.100");
	CHECK_INT(pq_decimal_be_text(be, 17, 3, s), -1);
	n = pq_time_text(0, 0, s);
	s[n] = '\0';
	CHECK_STR(s, "1970-01-01T00:00:00Z");
	n = pq_time_text(1793491200LL * 1000000 + 3600000000LL - 1, 1, s);
	s[n] = '\0';
	CHECK_STR(s, "2026-11-01T00:59:59Z");
	n = pq_time_text(-1, 2, s);
	s[n] = '\0';
	CHECK_STR(s, "1969-12-31T23:59:59Z");
	n = pq_time_text(20758, 3, s);
	s[n] = '\0';
	CHECK_STR(s, "2026-11-01T00:00:00Z");
	n = pq_int_text(989, 12, s);
	s[n] = '\0';
	CHECK_STR(s, "000000000989");
	n = pq_int_text(-5, 1, s);
	s[n] = '\0';
	CHECK_STR(s, "-5");
}

TEST(parquet_rle_and_delta)
{
	/* RLE run of 3 x 5 (bw 3), bit-packed 8 values 0..7, with padding
	 * for the 8-byte loads. */
	static const uint8_t rle[8 + PQ_PAD] = { 3 << 1, 5, (1 << 1) | 1,
	    0x88, 0xc6, 0xfa };
	/* DELTA_BINARY_PACKED: block 128, 4 miniblocks, 5 values, first
	 * 7 (zigzag 14), min delta -1 (zigzag 1), widths 2 0 0 0, deltas
	 * 1 2 3 0 (+ -1: 0 1 2 -1) -> 7 7 8 10 9. */
	static const uint8_t delta[32 + PQ_PAD] = { 0x80, 0x01, 4, 5, 14, 1,
	    2, 0, 0, 0, 0x39, 0, 0, 0, 0, 0, 0, 0 };
	struct pq_rle	 r;
	struct pq_delta	 d;
	uint32_t	 out[11];
	int64_t		 v[5];
	char		 msg[160];
	int		 i;

	pq_rle_init(&r, rle, 6, 3);
	CHECK_INT(pq_rle_get(&r, out, 11), 0);
	for (i = 0; i < 3; i++)
		CHECK_INT(out[i], 5);
	for (i = 0; i < 8; i++)
		CHECK_INT(out[3 + i], i);
	CHECK_INT(pq_rle_get(&r, out, 1), -1);	/* ended */
	CHECK_INT(pq_delta_init(&d, delta, 18, 0, msg, sizeof(msg)), 0);
	CHECK_INT(pq_delta_get(&d, v, 5, msg, sizeof(msg)), 0);
	CHECK_INT(v[0], 7);
	CHECK_INT(v[1], 7);
	CHECK_INT(v[2], 8);
	CHECK_INT(v[3], 10);
	CHECK_INT(v[4], 9);
	CHECK(pq_delta_end(&d, msg, sizeof(msg)) == delta + 18);
	CHECK_INT(pq_delta_get(&d, v, 1, msg, sizeof(msg)), -1);
}

TEST(parquet_page_header_thrift)
{
	/* PageHeader{type 0, uncompressed 10, compressed 10, crc 5,
	 * data_page_header{num_values 3, encoding 0, def 3, rep 3}}. */
	static const uint8_t h[] = { 0x15, 0x00, 0x15, 0x14, 0x15, 0x14,
	    0x15, 0x0a, 0x1c, 0x15, 0x06, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06,
	    0x00, 0x00 };
	struct pq_page_header	 ph;
	char			 msg[160];
	int			 trunc;

	CHECK_INT(pq_page_header(h, sizeof(h), &ph, &trunc, msg,
	    sizeof(msg)), 0);
	CHECK_INT(ph.type, PQ_DATA_PAGE);
	CHECK_INT(ph.plain_size, 10);
	CHECK_INT(ph.size, 10);
	CHECK_INT(ph.has_crc, 1);
	CHECK_INT(ph.crc, 5);
	CHECK_INT(ph.num_values, 3);
	CHECK_INT(ph.encoding, PQ_PLAIN);
	CHECK_INT(ph.def_encoding, PQ_RLE);
	CHECK_INT(ph.header_len, sizeof(h));
	CHECK_INT(pq_page_header(h, sizeof(h) - 5, &ph, &trunc, msg,
	    sizeof(msg)), -1);
	CHECK_INT(trunc, 1);
}
