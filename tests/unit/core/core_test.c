/* SPDX-License-Identifier: MIT */
/* Unit tests of src/core. */
#include "test.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/codec.h"

TEST(arena_many_allocations)
{
	struct arena	 a;
	char		*p[1000];
	int		 i;

	arena_init(&a);
	for (i = 0; i < 1000; i++) {
		p[i] = arena_printf(&a, "item-%d", i);
		CHECK(((uintptr_t)p[i] & 15) == 0);
	}
	for (i = 0; i < 1000; i++) {
		char want[32];
		snprintf(want, sizeof(want), "item-%d", i);
		CHECK_STR(p[i], want);
	}
	/* A block bigger than a chunk still works and keeps alignment. */
	p[0] = arena_zalloc(&a, 100000);
	CHECK(p[0][99999] == 0);
	arena_release(&a);
}

TEST(arena_reset_keeps_one_chunk)
{
	struct arena	 a;
	int		 i;

	arena_init(&a);
	for (i = 0; i < 100; i++)
		arena_alloc(&a, 1000);
	arena_reset(&a);
	CHECK(a.head != NULL);
	CHECK_INT(a.used, 0);
	{
		/* Small allocations after a reset reuse the kept chunk. */
		struct arena_chunk *kept = a.head;
		CHECK_STR(arena_strdup(&a, "again"), "again");
		CHECK(a.head == kept);
	}
	arena_release(&a);
}

TEST(buf_cap_refuses_growth)
{
	struct buf	 b;

	buf_init(&b, 8);
	CHECK_INT(buf_adds(&b, "12345678"), 0);
	CHECK_INT(buf_addc(&b, '9'), -1);
	CHECK_STR(buf_str(&b), "12345678");
	CHECK_INT(b.len, 8);
	buf_release(&b);
}

TEST(buf_insert_moves_the_rest)
{
	struct buf	 b;

	buf_init(&b, 13);
	CHECK_INT(buf_adds(&b, "<main></main>"), 0);
	CHECK_INT(buf_insert(&b, 6, "!", 1), -1);	/* past the cap */
	CHECK_STR(buf_str(&b), "<main></main>");
	buf_release(&b);
	buf_init(&b, 0);
	buf_adds(&b, "<main></main>");
	CHECK_INT(buf_insert(&b, 6, "<p>x</p>", 8), 0);
	CHECK_STR(buf_str(&b), "<main><p>x</p></main>");
	CHECK_INT(buf_insert(&b, b.len, "!", 1), 0);
	CHECK_INT(buf_insert(&b, 0, "^", 1), 0);
	CHECK_STR(buf_str(&b), "^<main><p>x</p></main>!");
	CHECK_INT(buf_insert(&b, b.len + 1, "?", 1), -1);
	CHECK_INT(b.len, 23);
	buf_release(&b);
}

TEST(buf_printf_appends)
{
	struct buf	 b;
	char		*s;
	size_t		 len;

	buf_init(&b, 0);
	CHECK_STR(buf_str(&b), "");
	buf_printf(&b, "%s-%d", "a", 1);
	buf_printf(&b, "|%05d", 42);
	CHECK_STR(buf_str(&b), "a-1|00042");
	s = buf_detach(&b, &len);
	CHECK_INT(len, 9);
	CHECK_STR(s, "a-1|00042");
	free(s);
	CHECK_INT(b.len, 0);
}

TEST(b64url_round_trip)
{
	unsigned char	 in[64], out[64];
	char		 enc[100];
	size_t		 len;
	long		 n;

	for (len = 0; len < sizeof(in); len++) {
		random_bytes(in, len);
		b64url_encode(in, len, enc);
		n = b64url_decode(enc, strlen(enc), out);
		CHECK_INT(n, (long)len);
		CHECK(memcmp(in, out, len) == 0);
	}
}

TEST(b64url_rejects_garbage)
{
	unsigned char	 out[16];

	CHECK_INT(b64url_decode("ab=c", 4, out), -1);
	CHECK_INT(b64url_decode("a", 1, out), -1);
	CHECK_INT(b64url_decode("a b", 3, out), -1);
}

TEST(utf8_valid_cases)
{
	CHECK(utf8_valid("plain", 5));
	CHECK(utf8_valid("caf\xc3\xa9", 5));
	CHECK(utf8_valid("\xf0\x9f\x98\x80", 4));
	CHECK(!utf8_valid("\xc3", 1));			/* truncated */
	CHECK(!utf8_valid("\xc0\xaf", 2));		/* overlong */
	CHECK(!utf8_valid("\xed\xa0\x80", 3));		/* surrogate */
	CHECK(!utf8_valid("\xff", 1));
	CHECK(!utf8_valid("a\0b", 3));
	CHECK_INT(utf8_chars("caf\xc3\xa9"), 4);
}

TEST(clock_civil_round_trip)
{
	int64_t		 d;
	int		 y;
	unsigned	 m, dd;
	char		 iso[32];

	for (d = -800000; d < 800000; d += 37) {
		clock_civil_from_days(d, &y, &m, &dd);
		CHECK_INT(clock_days_from_civil(y, m, dd), d);
	}
	CHECK_INT(clock_days_from_civil(1970, 1, 1), 0);
	clock_iso8601(1796083200000LL, iso, sizeof(iso));
	CHECK_STR(iso, "2026-12-01T00:00:00Z");
}

TEST(clock_parse_amz_date)
{
	int64_t	 ms;

	CHECK_INT(clock_parse_amz("20261201T000000Z", &ms), 0);
	CHECK_INT(ms, 1796083200000LL);
	CHECK_INT(clock_parse_amz("20261301T000000Z", &ms), -1);
	CHECK_INT(clock_parse_amz("2026-12-01T00:00:00Z", &ms), -1);
	CHECK_INT(clock_parse_amz("20261201T000000", &ms), -1);
}
