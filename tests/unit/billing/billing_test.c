/* SPDX-License-Identifier: MIT */
/* Unit tests of src/billing: CSV splitter, number parser, schema, ingest. */
#include <fcntl.h>
#include <unistd.h>

#include <xxhash.h>

#include "billing/csv.h"
#include "billing/cur.h"
#include "billing/ingest.h"
#include "billing/money.h"
#include "billing/paid.h"
#include "ce/ce.h"
#include "ce/internal.h"
#include "cli/demo_billing.h"
#include "core/clock.h"
#include "core/codec.h"
#include "core/xmalloc.h"
#include "store/db.h"
#include "store/store.h"
#include "test.h"

/* Rows as "f0|f1|f2;" text, every column wanted. */
struct collect {
	char	 out[4096];
	size_t	 len;
	int	 rejects;
	uint64_t lines[32];
	int	 nrows;
	struct csv *v;		/* lazy_row()'s scanner */
};

static int
collect_row(void *arg, const struct csv_field *f, uint64_t line)
{
	struct collect	*c = arg;
	int		 i;

	if (c->nrows < 32)
		c->lines[c->nrows] = line;
	c->nrows++;
	for (i = 0; i < 3; i++)
		c->len += snprintf(c->out + c->len, sizeof(c->out) - c->len,
		    "%.*s%s", (int)f[i].len, f[i].p, i < 2 ? "|" : ";");
	return (0);
}

static int
collect_reject(void *arg, uint64_t line, int col, const char *why)
{
	(void)line;
	(void)col;
	(void)why;
	((struct collect *)arg)->rejects++;
	return (0);
}

/* Splits s (3 columns) with the SIMD and the reference path, in one go
 * and in pieces cut at every byte; all must agree. */
static const char *
split(const char *s, int *rc)
{
	static char		*scratch;	/* kept for the process */
	static struct collect	 res;
	struct collect		 c;
	struct csv		*v = xmalloc(sizeof(*v));
	size_t			 n = strlen(s), cut;
	int			 ref, i;
	ssize_t			 k;

	*rc = 0;
	for (ref = 0; ref < 2; ref++) {
		memset(&c, 0, sizeof(c));
		csv_init(v, 3, 1);
		for (i = 0; i < 3; i++)
			csv_want(v, i, i);
		v->row = collect_row;
		v->reject = collect_reject;
		v->arg = &c;
		k = ref ? csv_scan_ref(v, s, n, 1) : csv_scan(v, s, n, 1);
		if (k < 0)
			*rc = -1;
		csv_release(v);
		if (ref == 0)
			res = c;
		else
			CHECK_STR(c.out, res.out);
	}
	/* Streaming: cut anywhere, carry the incomplete row. One scratch
	 * buffer serves every cut (the scanner's own is 4 MiB, allocated per
	 * scanner: under ASan, hundreds of thousands of those took minutes). */
	if (scratch == NULL)
		scratch = xmalloc(CSV_SLOTS_MAX * (CSV_FIELD_MAX + 1));
	for (cut = 0; cut <= n && *rc == 0; cut++) {
		char	*buf = xmalloc(n + 1);
		size_t	 used;

		memset(&c, 0, sizeof(c));
		csv_init(v, 3, 1);
		v->scratch = scratch;
		for (i = 0; i < 3; i++)
			csv_want(v, i, i);
		v->row = collect_row;
		v->reject = collect_reject;
		v->arg = &c;
		memcpy(buf, s, cut);
		k = csv_scan(v, buf, cut, 0);
		CHECK(k >= 0);
		used = (size_t)k;
		memmove(buf, buf + used, cut - used);
		memcpy(buf + cut - used, s + cut, n - cut);
		k = csv_scan(v, buf, n - used, 1);
		CHECK(k >= 0);
		CHECK_STR(c.out, res.out);
		CHECK_INT(c.nrows, res.nrows);
		for (i = 0; i < res.nrows && i < 32; i++)
			CHECK_INT(c.lines[i], res.lines[i]);
		v->scratch = NULL;
		csv_release(v);
		xfree(buf);
	}
	xfree(v);
	return (res.out);
}

TEST(csv_quoted_commas_and_quotes)
{
	int	 rc;

	CHECK_STR(split("a,\"b,c\",d\n", &rc), "a|b,c|d;");
	CHECK_STR(split("\"say \"\"hi\"\"\",x,\"\"\"\"\n", &rc),
	    "say \"hi\"|x|\";");
	CHECK_INT(rc, 0);
}

TEST(csv_newlines_inside_quotes)
{
	struct collect	 c;
	int		 rc;

	CHECK_STR(split("1,\"two\nlines\",3\n4,5,6\n", &rc),
	    "1|two\nlines|3;4|5|6;");
	CHECK_INT(rc, 0);
	/* The second row starts on physical line 3. */
	(void)c;
}

TEST(csv_crlf_blank_empty_and_no_final_newline)
{
	int	 rc;

	CHECK_STR(split("a,b,c\r\n\r\n,,\r\nx,y,z", &rc), "a|b|c;||;x|y|z;");
	CHECK_INT(rc, 0);
	CHECK_STR(split("a,b,\"c\r\nd\"\r\n", &rc), "a|b|c\r\nd;");
}

TEST(csv_long_rows_cross_64_byte_blocks)
{
	char	 s[1024], big[300];
	int	 rc;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(s, sizeof(s), "\"%s,\"\"\n\",%s,1\n2,3,4\n", big, big);
	split(s, &rc);
	CHECK_INT(rc, 0);
}

/* A row callback that reads column 1 (lazy) only when column 0 says so. */
static int
lazy_row(void *arg, const struct csv_field *f, uint64_t line)
{
	struct collect	*c = arg;
	struct csv	*v = c->v;

	c->lines[c->nrows < 32 ? c->nrows : 31] = line;
	c->nrows++;
	if (f[0].len == 1 && f[0].p[0] == 'y') {
		csv_fill_lazy(v);
		csv_fill_lazy(v);	/* twice: the same */
		c->len += snprintf(c->out + c->len, sizeof(c->out) - c->len,
		    "%.*s|%.*s;", (int)f[1].len, f[1].p, (int)f[2].len,
		    f[2].p);
	} else
		c->len += snprintf(c->out + c->len, sizeof(c->out) - c->len,
		    "-|%.*s;", (int)f[2].len, f[2].p);
	return (0);
}

/* A lazy column is found when the row asks for it, on the fast path and
 * on the slow one (a quoted newline), quoted or not. */
TEST(csv_lazy_columns)
{
	static const char s[] = "y,\"a,b\",1\nn,zz,2\ny,\"two\nlines\",3\n"
	    "y,,4\ny,\"q\"\"q\",5\n";
	struct collect	 c;
	struct csv	*v = xmalloc(sizeof(*v));
	int		 ref;

	for (ref = 0; ref < 2; ref++) {
		memset(&c, 0, sizeof(c));
		csv_init(v, 3, 1);
		csv_want(v, 0, 0);
		csv_want_lazy(v, 1, 1);
		csv_want(v, 2, 2);
		c.v = v;
		v->row = lazy_row;
		v->reject = collect_reject;
		v->arg = &c;
		CHECK(ref ? csv_scan_ref(v, s, sizeof(s) - 1, 1) >= 0 :
		    csv_scan(v, s, sizeof(s) - 1, 1) >= 0);
		CHECK_STR(c.out, "a,b|1;-|2;two\nlines|3;|4;q\"q|5;");
		CHECK_INT(c.nrows, 5);
		csv_release(v);
	}
	xfree(v);
}

TEST(csv_errors)
{
	int	 rc;

	split("a,b,c,d\n", &rc);		/* too many columns */
	CHECK_INT(rc, -1);
	split("a,\"b,c\n", &rc);		/* unterminated quote */
	CHECK_INT(rc, -1);
}

TEST(csv_too_few_columns_rejected)
{
	struct csv	*v = xmalloc(sizeof(*v));
	struct collect	 c;

	memset(&c, 0, sizeof(c));
	csv_init(v, 3, 1);
	v->row = collect_row;
	v->reject = collect_reject;
	v->arg = &c;
	CHECK(csv_scan(v, "a,b\n1,2,3\n", 10, 1) == 10);
	CHECK_INT(c.rejects, 1);
	CHECK_INT(c.nrows, 1);
	xfree(v);
}

TEST(csv_field_cap)
{
	struct csv	*v = xmalloc(sizeof(*v));
	struct collect	 c;
	size_t		 n = 1 << 20;
	char		*big = xmalloc(n);

	memset(big, 'y', n);
	memset(&c, 0, sizeof(c));
	csv_init(v, 3, 1);
	v->row = collect_row;
	v->arg = &c;
	CHECK(csv_scan(v, big, n, 0) == -1);
	CHECK(strstr(v->err_msg, "longer than") != NULL);
	xfree(big);
	xfree(v);
}

TEST(csv_header_bom_and_quotes)
{
	struct arena	 ar;
	char		**names, msg[160];
	int		 n;
	const char	*h = "\xef\xbb\xbf\"a,b\",c\r\n1,2\n";

	arena_init(&ar);
	CHECK(csv_header(h, strlen(h), 0, &ar, &names, &n, msg,
	    sizeof(msg)) == 12);
	CHECK_INT(n, 2);
	CHECK_STR(names[0], "a,b");
	CHECK_STR(names[1], "c");
	arena_release(&ar);
}

TEST(csv_count_quote_parity)
{
	const char	*s = "a,\"b\nc\",d\n";
	uint64_t	 q, nl;

	csv_count(s, strlen(s), &q, &nl);
	CHECK_INT(q, 2);
	CHECK_INT(nl, 2);
	/* A chunk starting inside the quotes has odd parity before it. */
	csv_count(s, 5, &q, &nl);
	CHECK_INT(q & 1, 1);
}

/* A trace of everything a scan hands out: rows, lines, fields, rejects. */
struct trace {
	uint64_t	 h;
	uint64_t	 rows;
};

static int
trace_row(void *arg, const struct csv_field *f, uint64_t line)
{
	struct trace	*t = arg;
	size_t		 i, k;

	t->rows++;
	t->h = t->h * 31 + line;
	for (i = 0; i < 8; i++) {
		t->h = t->h * 7 + f[i].len;
		for (k = 0; k < f[i].len; k++)
			t->h = t->h * 131 + (unsigned char)f[i].p[k] + i;
	}
	return (0);
}

static int
trace_reject(void *arg, uint64_t line, int col, const char *why)
{
	struct trace	*t = arg;

	(void)why;
	t->h = t->h * 7 + line * 3 + col;
	return (0);
}

/* csv_scan() (with the CPU's masks and with the portable ones) and
 * csv_scan_ref() on p[0..n) with ncols columns (the first 8 wanted) must
 * agree on everything, errors included; returns the result. */
static ssize_t
scan_both(const char *p, size_t n, int ncols)
{
	struct csv	*v[3];
	struct trace	 t[3];
	ssize_t		 k[3];
	int		 r, i;

	for (r = 0; r < 3; r++) {
		v[r] = xmalloc(sizeof(*v[r]));
		memset(&t[r], 0, sizeof(t[r]));
		csv_init(v[r], ncols, 1);
		for (i = 0; i < ncols && i < 8; i++)
			csv_want(v[r], i, i);
		v[r]->row = trace_row;
		v[r]->reject = trace_reject;
		v[r]->arg = &t[r];
		if (r == 1)
			v[r]->avx2 = 0;
		k[r] = r < 2 ? csv_scan(v[r], p, n, 1) :
		    csv_scan_ref(v[r], p, n, 1);
	}
	for (r = 0; r < 2; r++) {
		CHECK_INT(k[r], k[2]);
		CHECK_INT(t[r].rows, t[2].rows);
		CHECK(t[r].h == t[2].h);
		CHECK_INT(v[r]->line, v[2]->line);
		if (k[r] < 0) {
			CHECK_INT(v[r]->err_line, v[2]->err_line);
			CHECK_INT(v[r]->err_col, v[2]->err_col);
			CHECK_STR(v[r]->err_msg, v[2]->err_msg);
		}
	}
	for (r = 0; r < 3; r++) {
		csv_release(v[r]);
		xfree(v[r]);
	}
	return (k[0]);
}

/*
 * The SIMD scanner works on 16-byte loads and 64-byte blocks: quotes,
 * doubled quotes, commas, CR and LF placed at every offset across those
 * boundaries must split as the byte-by-byte reference does, whole and
 * streamed in pieces cut at every byte.
 */
TEST(csv_scan_16_byte_boundaries)
{
	static const char *tmpl[] = {
		"%s,\"q,\"\"x\r\n\",z\r\n1,2,3\n",
		"%s,b,\"\"\r\n\r\n,,\n",
		"\"%s\n\",\"\",c\r\na,\"b\r\n\",c",
		"%s,b,c\r\n",
		"a,%s\"\",\"\"\"\"\nx,y,\"%s\"\r\n",
		"%s,\"\r\",\"\n\"\r\n\n\n1,2,\r\n",
	};
	char	 pad[140], s[512];
	size_t	 t, np;
	int	 rc;

	for (t = 0; t < sizeof(tmpl) / sizeof(tmpl[0]); t++)
		for (np = 0; np < 132; np++) {
			memset(pad, 'x', np);
			pad[np] = '\0';
			snprintf(s, sizeof(s), tmpl[t], pad, pad);
			split(s, &rc);
			CHECK_INT(rc, 0);
			scan_both(s, strlen(s), 3);
		}
}

/* Rows wider than a 64-byte block, too many or too few columns at every
 * offset, and more separators in one row than the header has columns. */
TEST(csv_scan_wide_rows_and_errors)
{
	char	*s = xmalloc(64 * 1024);
	size_t	 n, i, j;

	for (j = 0; j < 70; j++) {
		/* 40 columns of 0..3 bytes, then a bad row. */
		n = 0;
		for (i = 0; i < j; i++)
			s[n++] = 'p';
		s[n++] = ',';
		for (i = 1; i < 40; i++) {
			memcpy(s + n, "abc", i % 4);
			n += i % 4;
			s[n++] = i + 1 < 40 ? ',' : '\n';
		}
		memcpy(s + n, s, n);	/* the same row twice */
		n *= 2;
		CHECK(scan_both(s, n, 40) == (ssize_t)n);
		CHECK(scan_both(s, n, 41) == (ssize_t)n);	/* rejects */
		CHECK(scan_both(s, n, 39) == -1);	/* too many */
		CHECK(scan_both(s, n - 1, 40) == (ssize_t)(n - 1));
		CHECK(scan_both(s, n, 3) == -1);
	}
	/* 5000 separators in one row: more than any header has columns. */
	n = 0;
	for (i = 0; i < 5000; i++)
		s[n++] = i % 3 == 0 ? '"' : ',';
	s[n++] = '"';
	s[n++] = '\n';
	scan_both(s, n, 12);
	scan_both(s, n, 4096);
	xfree(s);
}

/*
 * Random bytes from ",\"\r\nab" in inputs of 0 to 3000 bytes (so the
 * masks come in batches, full and partial, and a last short block):
 * the AVX2 masks, the portable ones and the reference split alike.
 */
TEST(csv_scan_avx2_matches_portable)
{
	static const char	 alpha[] = ",\"\r\nabababab,,,,\n";
	char			*s = xmalloc(3000);
	uint64_t		 x = 0x2545f4914f6cdd1dULL;
	size_t			 n, i;
	int			 t;

	for (t = 0; t < 3000; t++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = x % 3000;
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* Few quotes, so most rows are good ones. */
			s[i] = alpha[(x >> 11) % (sizeof(alpha) - 1)];
			if (s[i] == '"' && (x >> 40) % 4 != 0)
				s[i] = 'q';
		}
		scan_both(s, n, 1 + t % 7);
	}
	xfree(s);
}

/* A field of exactly the cap, and one byte more, in rows longer than the
 * cap (the scanner's slow path) and at the end of the input. */
TEST(csv_scan_field_cap_edges)
{
	size_t	 cap = CSV_FIELD_MAX, n;
	char	*s = xmalloc(3 * cap + 64);
	int	 extra, q;

	for (extra = 0; extra < 2; extra++)
		for (q = 0; q < 2; q++) {
			n = 0;
			memcpy(s + n, "a,", 2);
			n += 2;
			if (q)
				s[n++] = '"';
			memset(s + n, 'z', cap + extra - 2 * q);
			n += cap + extra - 2 * q;
			if (q)
				s[n++] = '"';
			memcpy(s + n, ",c\r\n1,", 6);
			n += 6;
			memset(s + n, 'w', cap - 100);
			n += cap - 100;
			memcpy(s + n, ",3", 2);
			n += 2;
			CHECK(scan_both(s, n, 3) == (extra ? -1 :
			    (ssize_t)n));
			s[n++] = '\n';
			CHECK(scan_both(s, n, 3) == (extra ? -1 :
			    (ssize_t)n));
		}
	xfree(s);
}

static int64_t
m(const char *s, int digits, int *rc)
{
	int64_t	 v = 0;

	*rc = money_parse(s, strlen(s), digits, &v);
	return (v);
}

TEST(money_parse_cases)
{
	int	 rc;
	char	 buf[40];

	CHECK_INT(m("1.5", 9, &rc), 1500000000);
	CHECK_INT(m("-0.000000001", 9, &rc), -1);
	CHECK_INT(m("1.2E-5", 9, &rc), 12000);
	CHECK_INT(m("1.2e+3", 9, &rc), 1200000000000LL);
	CHECK_INT(m(".5", 9, &rc), 500000000);
	CHECK_INT(m("+3", 9, &rc), 3000000000LL);
	CHECK_INT(m("0.00000080000", 9, &rc), 800);
	/* Half-even at the 10th decimal. */
	CHECK_INT(m("0.0000000005", 9, &rc), 0);
	CHECK_INT(m("0.0000000015", 9, &rc), 2);
	CHECK_INT(m("0.00000000250", 9, &rc), 2);
	CHECK_INT(m("0.000000002501", 9, &rc), 3);
	CHECK_INT(m("-0.0000000015", 9, &rc), -2);
	CHECK_INT(m("9223372036.854775807", 9, &rc), INT64_MAX);
	CHECK_INT(rc, 0);
	m("9223372036.854775808", 9, &rc);
	CHECK_INT(rc, MONEY_OVERFLOW);
	m("1e300", 9, &rc);
	CHECK_INT(rc, MONEY_OVERFLOW);
	CHECK_INT(m("1e-300", 9, &rc), 0);
	CHECK_INT(rc, 0);
	m("abc", 9, &rc);
	CHECK_INT(rc, MONEY_SYNTAX);
	m("1.2.3", 9, &rc);
	CHECK_INT(rc, MONEY_SYNTAX);
	m("", 9, &rc);
	CHECK_INT(rc, MONEY_SYNTAX);
	m("1e", 9, &rc);
	CHECK_INT(rc, MONEY_SYNTAX);
	CHECK_INT(m("2.5", 6, &rc), 2500000);
	money_format(-1500000001, 9, buf, sizeof(buf));
	CHECK_STR(buf, "-1.500000001");
	money_format(2000000000, 9, buf, sizeof(buf));
	CHECK_STR(buf, "2");
}

/*
 * The fast paths of money_parse() against the digit-by-digit reference
 * on random numbers of every shape near theirs: 0 to 12 integer digits,
 * 0 to 20 decimals (half-even ties included), signs, exponents and stray
 * bytes, at the two scales in use and a few others.
 */
TEST(money_parse_matches_ref)
{
	static const int	 scales[] = { 9, 6, 0, 2, 8, 12 };
	static const char	 junk[] = "0123456789.-+eEx ";
	uint64_t		 x = 0x9e3779b97f4a7c15ULL;
	char			 s[48];
	int64_t			 a, b;
	size_t			 n, i, k;
	int			 t, ra, rb, si;

	for (t = 0; t < 400000; t++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = 0;
		if (x % 4 == 0)
			s[n++] = '-';
		for (i = 0, k = x >> 8 & 15; i < k && i < 12; i++)
			s[n++] = '0' + (x >> (12 + i * 3)) % 10;
		if ((x >> 20) % 8 != 0)
			s[n++] = '.';
		/* A third are ties: a 5 at the 7th or 10th decimal or the
		 * last, zeros elsewhere. */
		for (i = 0, k = (x >> 24) % 21; i < k; i++)
			s[n++] = (x >> 40) % 3 != 0 ?
			    '0' + (x >> ((28 + i * 2) & 63)) % 10 :
			    i == 6 || i == 9 || i + 1 == k ? '5' : '0';
		if (n > 0 && (x >> 56) % 16 == 0)
			s[(x >> 30) % n] = junk[(x >> 34) % (sizeof(junk) - 1)];
		s[n] = '\0';
		for (si = 0; si < (int)(sizeof(scales) / sizeof(scales[0]));
		    si++) {
			a = b = 0x5555;
			ra = money_parse(s, n, scales[si], &a);
			rb = money_parse_ref(s, n, scales[si], &b);
			if (ra != rb || (ra == MONEY_OK && a != b))
				fprintf(stderr, "'%s' at scale %d\n", s,
				    scales[si]);
			CHECK_INT(ra, rb);
			if (ra == MONEY_OK)
				CHECK_INT(a, b);
		}
	}
}

TEST(cur_detects_formats)
{
	char	*legacy[] = { "identity/LineItemId", "lineItem/UnblendedCost" };
	char	*v2[] = { "line_item_unblended_cost", "bill_payer_account_id" };
	char	*f10[] = { "BilledCost", "ChargePeriodStart" };
	char	*f11[] = { "BilledCost", "ChargePeriodStart", "SkuMeter" };
	char	*f12[] = { "BilledCost", "ChargePeriodStart", "InvoiceId" };
	char	*none[] = { "a", "b" };

	CHECK_INT(cur_detect(legacy, 2), CUR_LEGACY);
	CHECK_INT(cur_detect(v2, 2), CUR_V2);
	CHECK_INT(cur_detect(f10, 2), CUR_FOCUS_1_0);
	CHECK_INT(cur_detect(f11, 3), CUR_FOCUS_1_1);
	CHECK_INT(cur_detect(f12, 3), CUR_FOCUS_1_2);
	CHECK_INT(cur_detect(none, 2), CUR_UNKNOWN);
	CHECK_INT(cur_slot(CUR_V2, "line_item_usage_account_id"), S_ACCOUNT);
	CHECK(!cur_known(CUR_V2, "mystery"));
	CHECK(cur_known(CUR_LEGACY, "resourceTags/user:team"));
}

static const char *cur2_header = "bill_payer_account_id,"
    "bill_billing_period_start_date,line_item_usage_account_id,"
    "line_item_line_item_type,line_item_usage_start_date,"
    "line_item_product_code,line_item_usage_type,line_item_operation,"
    "product_region_code,pricing_term,line_item_currency_code,"
    "line_item_unblended_cost,line_item_usage_amount\n";

static char *
write_file(const char *name, const char *text)
{
	static char	 path[512];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/%s", test_tmpdir(), name);
	f = fopen(path, "w");
	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
	return (path);
}

/* Attribution fixtures: an account, an organization it manages, and a
 * member's join (org "o-" + management id's first 10 digits, root "r-"
 * + its first 4). */
static void
add_account(struct store *st, const char *id)
{
	struct account	 a;
	struct err	 e;

	memset(&a, 0, sizeof(a));
	snprintf(a.id, sizeof(a.id), "%s", id);
	snprintf(a.email, sizeof(a.email), "a%s@x.example", id);
	snprintf(a.name, sizeof(a.name), "A%s", id);
	snprintf(a.status, sizeof(a.status), "ACTIVE");
	err_clear(&e);
	CHECK(store_account_insert(st, &a, &e) == 0);
}

static void
add_org(struct store *st, const char *management_id)
{
	struct organization	 o;
	struct err		 e;

	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "o-%.10s", management_id);
	snprintf(o.root_id, sizeof(o.root_id), "r-%.4s", management_id);
	snprintf(o.management_id, sizeof(o.management_id), "%s",
	    management_id);
	snprintf(o.feature_set, sizeof(o.feature_set), "ALL");
	err_clear(&e);
	CHECK(store_org_insert(st, &o, &e) == 0);
}

/* 2026-m-d h:min UTC in milliseconds. */
static int64_t
ms_2026(unsigned m, unsigned d, int h, int min)
{
	return (clock_days_from_civil(2026, m, d) * MS_PER_DAY +
	    (h * 60 + min) * 60 * 1000LL);
}

static void
add_join(struct store *st, const char *account_id, const char *payer_id,
    int64_t at)
{
	struct membership	 mb;
	struct err		 e;

	memset(&mb, 0, sizeof(mb));
	snprintf(mb.account_id, sizeof(mb.account_id), "%s", account_id);
	snprintf(mb.org_id, sizeof(mb.org_id), "o-%.10s", payer_id);
	snprintf(mb.payer_id, sizeof(mb.payer_id), "%s", payer_id);
	snprintf(mb.joined_method, sizeof(mb.joined_method), "INVITED");
	snprintf(mb.parent_id, sizeof(mb.parent_id), "r-%.4s", payer_id);
	mb.joined_at = at;
	err_clear(&e);
	CHECK(store_membership_open(st, &mb, &e) == 0);
}

/* A mid-month join: usage before the join hour belongs to the old payer. */
TEST(ingest_attribution_mid_month_join)
{
	struct store		*st;
	struct err		 e;
	struct ingest		*ing;
	const struct ingest_report *r;
	char			 db[512], text[2048];
	char			*paths[1];
	int64_t			 join = ms_2026(10, 15, 10, 30);
	int64_t			 r_id;

	snprintf(db, sizeof(db), "%s", test_db("t"));
	err_clear(&e);
	CHECK(store_open(db, 0, &st, &e) == 0);
	add_account(st, "111111111111");
	add_account(st, "222222222222");
	add_org(st, "111111111111");
	add_join(st, "222222222222", "111111111111", join);

	snprintf(text, sizeof(text), "%s"
	    "111111111111,2026-10-01T00:00:00Z,222222222222,Usage,"
	    "2026-10-15T09:00:00Z,AmazonEC2,BoxUsage,RunInstances,us-east-1,"
	    "OnDemand,USD,1.25,1\n"
	    "111111111111,2026-10-01T00:00:00Z,222222222222,Usage,"
	    "2026-10-15T10:00:00Z,AmazonEC2,BoxUsage,RunInstances,us-east-1,"
	    "OnDemand,USD,2.5,1\n"
	    "111111111111,2026-10-01T00:00:00Z,222222222222,Usage,"
	    "2026-10-16T00:00:00Z,AmazonEC2,BoxUsage,RunInstances,us-east-1,"
	    "OnDemand,USD,0.000000001,1\n"
	    "111111111111,2026-10-01T00:00:00Z,222222222222,Usage,"
	    "2026-10-16T00:00:00Z,AmazonEC2,BoxUsage,RunInstances,us-east-1,"
	    "OnDemand,USD,oops,1\n", cur2_header);
	paths[0] = write_file("cur.csv", text);
	CHECK(ingest_files(st, NULL, paths, 1, &ing, &e) == 0);
	r = ingest_report(ing);
	CHECK_STR(r->status, "imported");
	CHECK_INT(r->rows, 4);
	CHECK_INT(r->rejected, 1);
	CHECK_INT(r->rejects[0].line, 5);
	CHECK_STR(r->rejects[0].column_name, "line_item_unblended_cost");
	CHECK_INT(r->out_lines, 1);
	CHECK_INT(r->out_unblended, 1250000000);
	CHECK_INT(r->n_accounts, 1);
	CHECK_INT(r->accounts[0].unblended, 3750000001LL);
	r_id = r->import_id;
	ingest_free(ing);

	/* The bulk page cache and unsynced batches are this thread's
	 * connection's for the import only: a server's worker keeps its
	 * connection, and its commits must be synced again (FULL is 2). */
	if (strcmp(store_backend_name(st), "sqlite") == 0) {
		struct stmt *s;

		CHECK((s = db_stmt(st, "PRAGMA cache_size", &e)) != NULL);
		CHECK_INT(stmt_step(s, &e), 1);
		CHECK_INT(stmt_int64(s, 0), -2000);
		stmt_done(s);
		CHECK((s = db_stmt(st, "PRAGMA synchronous", &e)) != NULL);
		CHECK_INT(stmt_step(s, &e), 1);
		CHECK_INT(stmt_int64(s, 0), 2);
		stmt_done(s);
	}

	/* Same file again: nothing changes. */
	CHECK(ingest_files(st, NULL, paths, 1, &ing, &e) == 0);
	CHECK_STR(ingest_report(ing)->status, "already imported");
	ingest_free(ing);
	{
		struct arena ar;
		struct billing_account_total *t;
		size_t n;

		arena_init(&ar);
		CHECK(store_billing_import_accounts(st, &ar, r_id, &t, &n,
		    &e) == 0);
		CHECK_INT(n, 1);
		CHECK_INT(t[0].unblended, 3750000001LL);
		CHECK_INT(t[0].out_unblended, 1250000000LL);
		CHECK_INT(t[0].out_lines, 1);
		CHECK_STR(t[0].customer_id, "");
		arena_release(&ar);
	}
	/* The demo's three months ingest through the same path. */
	{
		FILE *devnull = fopen("/dev/null", "w");

		CHECK(demo_billing(st, NULL, devnull) == 0);
		fclose(devnull);
	}
	store_close(st);
}

/*
 * An account that moved between two payers before, during and after the
 * month: only the delivery payer's hours of that month are in membership
 * (the import reads that payer's memberships overlapping the month).
 */
TEST(ingest_attribution_payer_history)
{
	static const struct {
		const char	*payer;
		unsigned	 m0, d0;
		int		 h0;
		unsigned	 m1, d1;	/* m1 0: open */
		int		 h1;
	} hist[] = {
		{ "111111111111", 8, 1, 0, 9, 30, 12 },
		{ "333333333333", 9, 30, 12, 10, 5, 12 },
		{ "111111111111", 10, 5, 12, 10, 20, 0 },
		{ "333333333333", 10, 20, 0, 11, 3, 0 },
		{ "111111111111", 11, 3, 0, 0, 0, 0 },
	};
	/* Usage hours in October, and whether 1111's organization paid. */
	static const struct {
		int		 d, h, in;
	} rows[] = {
		{ 1, 0, 0 }, { 5, 11, 0 }, { 5, 12, 1 }, { 19, 23, 1 },
		{ 20, 0, 0 }, { 31, 23, 0 },
	};
	struct store		*st;
	struct err		 e;
	struct ingest		*ing;
	const struct ingest_report *r;
	char			 db[512], text[4096], *paths[1];
	size_t			 i, len;
	int64_t			 in = 0, out = 0, cost;

	snprintf(db, sizeof(db), "%s", test_db("payers"));
	err_clear(&e);
	CHECK(store_open(db, 0, &st, &e) == 0);
	add_account(st, "111111111111");
	add_account(st, "222222222222");
	add_account(st, "333333333333");
	add_org(st, "111111111111");
	add_org(st, "333333333333");
	for (i = 0; i < sizeof(hist) / sizeof(hist[0]); i++) {
		add_join(st, "222222222222", hist[i].payer,
		    ms_2026(hist[i].m0, hist[i].d0, hist[i].h0, 0));
		if (hist[i].m1 != 0)
			CHECK(store_membership_close(st, "222222222222",
			    ms_2026(hist[i].m1, hist[i].d1, hist[i].h1, 0),
			    "LEFT", &e) == 0);
	}

	len = (size_t)snprintf(text, sizeof(text), "%s", cur2_header);
	for (i = 0, cost = 1; i < sizeof(rows) / sizeof(rows[0]);
	    i++, cost *= 2) {
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "111111111111,2026-10-01T00:00:00Z,222222222222,Usage,"
		    "2026-10-%02dT%02d:00:00Z,AmazonEC2,BoxUsage,RunInstances,"
		    "us-east-1,OnDemand,USD,%lld,1\n", rows[i].d, rows[i].h,
		    (long long)cost);
		if (rows[i].in)
			in += cost;
		else
			out += cost;
	}
	paths[0] = write_file("payers.csv", text);
	CHECK(ingest_files(st, NULL, paths, 1, &ing, &e) == 0);
	r = ingest_report(ing);
	CHECK_STR(r->status, "imported");
	CHECK_INT(r->rows, 6);
	CHECK_INT(r->out_lines, 4);
	CHECK_INT(r->n_accounts, 1);
	CHECK_INT(r->accounts[0].unblended, (in + out) * 1000000000LL);
	CHECK_INT(r->out_unblended, out * 1000000000LL);
	ingest_free(ing);
	store_close(st);
}

/*
 * The byte-range split over both cores (tiny ranges, so boundaries fall
 * inside quoted newlines, doubled quotes, CRLFs and rejected rows) gives
 * the same report as one thread: rows, rejects and their lines, sums,
 * groups and the SHA-256 of the file.
 */
TEST(ingest_split_matches_one_thread)
{
	static const char *ops[] = { "RunInstances", "\"Run,\nInstances\"",
	    "\"say \"\"hi\"\"\"", "\"a\r\nb\"", "" };
	struct store		*st;
	struct err		 e;
	struct ingest		*ing;
	struct ingest_opts	 o;
	struct ingest_report	*ref;
	const struct ingest_report *r;
	char			*text, db[512], *paths[1];
	size_t			 len = 0, cap = 1 << 20, i, j;
	static const size_t	 sizes[] = { 37, 64, 100, 333, 4096 };

	text = xmalloc(cap);
	len += snprintf(text + len, cap - len, "%s", cur2_header);
	for (i = 0; i < 600; i++)
		len += snprintf(text + len, cap - len,
		    "111111111111,2026-10-01T00:00:00Z,%012zu,Usage,"
		    "2026-10-%02zuT%02zu:00:00Z,Amazon%s,Box,%s,us-east-1,"
		    "OnDemand,USD,%s,1%s", 222222222222 + i % 7, 1 + i % 28,
		    i % 24, i % 3 ? "EC2" : "S3", ops[i % 5],
		    i % 97 == 5 ? "x" : "1.5", i % 11 == 0 ? "\r\n" : "\n");
	paths[0] = write_file("split.csv", text);
	snprintf(db, sizeof(db), "%s", test_db("split"));
	err_clear(&e);
	CHECK(store_open(db, 0, &st, &e) == 0);
	memset(&o, 0, sizeof(o));
	o.threads = 1;
	CHECK(ingest_files(st, &o, paths, 1, &ing, &e) == 0);
	ref = xmalloc(sizeof(*ref));
	*ref = *ingest_report(ing);
	CHECK_INT(ref->rows, 600);
	CHECK_INT(ref->rejected, 7);
	ingest_free(ing);
	/* The digest is XXH3-128 of the file's bytes, as xxh128sum prints. */
	{
		XXH128_canonical_t c;
		char hex[INGEST_DIGEST_HEX + 1];

		XXH128_canonicalFromHash(&c, XXH3_128bits(text, len));
		hex_encode(c.digest, sizeof(c.digest), hex);
		CHECK_STR(ref->digest, hex);
	}
	/* Split over two threads, and mapped on one (each range a step). */
	for (j = 0; j < 2 * sizeof(sizes) / sizeof(sizes[0]); j++) {
		o.threads = j % 2 ? 1 : 2;
		o.split_bytes = sizes[j / 2];
		CHECK(ingest_files(st, &o, paths, 1, &ing, &e) == 0);
		r = ingest_report(ing);
		CHECK_STR(r->status, "already imported");
		CHECK_STR(r->digest, ref->digest);
		CHECK_INT(r->rows, ref->rows);
		CHECK_INT(r->rejected, ref->rejected);
		CHECK_INT(r->n_rejects, ref->n_rejects);
		for (i = 0; i < r->n_rejects; i++)
			CHECK_INT(r->rejects[i].line, ref->rejects[i].line);
		CHECK_INT(r->groups, ref->groups);
		CHECK_INT(r->total_unblended, ref->total_unblended);
		CHECK_INT(r->out_lines, ref->out_lines);
		CHECK_INT(r->n_accounts, ref->n_accounts);
		ingest_free(ing);
	}
	/* An unterminated quote in the last range is still refused. */
	len += snprintf(text + len, cap - len, "111111111111,\"open");
	paths[0] = write_file("split-bad.csv", text);
	o.split_bytes = 100;
	for (j = 1; j <= 2; j++) {
		o.threads = (int)j;
		CHECK(ingest_files(st, &o, paths, 1, &ing, &e) == -1);
		CHECK(strstr(e.msg, "unterminated") != NULL);
		ingest_free(ing);
	}
	xfree(ref);
	xfree(text);
	store_close(st);
}

/* The Cost Explorer cache: a new delivery of a month drops the set it
 * replaced, and the byte budget is held once no reader holds a set. */
TEST(ce_cache_drops_replaced_sets_and_keeps_its_budget)
{
	struct store		*st;
	struct ingest		*ing;
	struct billing_source	*im;
	struct ce_set		*s1, *s2;
	struct arena		 a;
	struct err		 e;
	char			 text[2048], *paths[1];
	size_t			 n;
	int			 k;

	err_clear(&e);
	ce_cache_clear();
	CHECK(store_open(test_db("cache"), 0, &st, &e) == 0);
	arena_init(&a);
	for (k = 1; k <= 2; k++) {
		snprintf(text, sizeof(text), "%s111111111111,2026-10-01T00:00:00Z,"
		    "111111111111,Usage,2026-10-0%dT00:00:00Z,AmazonEC2,BoxUsage,"
		    "RunInstances,us-east-1,OnDemand,USD,1.5,1\n"
		    "111111111111,2026-10-01T00:00:00Z,111111111111,Usage,"
		    "2026-10-0%dT00:00:00Z,AmazonS3,Storage,Put,us-east-1,"
		    "OnDemand,USD,2,1\n", cur2_header, k, k + 2);
		paths[0] = write_file("delivery.csv", text);
		CHECK(ingest_files(st, NULL, paths, 1, &ing, &e) == 0);
		ingest_free(ing);
		CHECK(store_billing_sources(st, &a, "111111111111", "billing",
		    "2026-10", "2026-10", &im, &n, &e) == 0);
		CHECK_INT(n, 1);
		if (k == 1) {
			CHECK((s1 = ce_set_get(st, &im[0], 0, &e)) != NULL);
			CHECK_INT(s1->nrows, 2);
			CHECK_INT(ce_cache_bytes(), s1->bytes);
			ce_set_put(s1);
		} else {
			/* Loading the new version drops the replaced one. */
			CHECK((s2 = ce_set_get(st, &im[0], 0, &e)) != NULL);
			CHECK_INT(s2->nrows, 2);
			CHECK_INT(ce_cache_bytes(), s2->bytes);
		}
	}
	/* Over budget while read: kept until its reader is done. */
	ce_cache_limit(1);
	CHECK_INT(s2->rows[0].unblended + s2->rows[1].unblended,
	    3500000000LL);
	ce_set_put(s2);
	CHECK_INT(ce_cache_bytes(), 0);
	ce_cache_limit(CE_CACHE_DEFAULT);
	arena_release(&a);
	store_close(st);
}

/* Whose cost it is (billing/paid.h): which deliveries may come in as what,
 * what an import is to the MSP, and the three classes of a line. */
TEST(paid_rule)
{
	struct billing_import	 im;
	struct paid_payer	 w;
	struct paid_rule	 none, r, rt;
	struct err		 e;
	const char		*msp = "111111111111", *other = "222222222222";
	const char		*src = "333333333333";

	err_clear(&e);
	memset(&none, 0, sizeof(none));
	memset(&r, 0, sizeof(r));
	snprintf(r.msp_payer, sizeof(r.msp_payer), "%s", msp);
	/* A billing transfer of src's organization, 2027-01 to 2027-02. */
	memset(&w, 0, sizeof(w));
	snprintf(w.payer_id, sizeof(w.payer_id), "%s", src);
	snprintf(w.from, sizeof(w.from), "2027-01");
	snprintf(w.to, sizeof(w.to), "2027-02");
	snprintf(w.transfer_id, sizeof(w.transfer_id), "rt-abcdefgh12345678");
	rt = r;
	rt.transfers = &w;
	rt.ntransfers = 1;
	/* Without an MSP everything is a bill; no reference yet. */
	CHECK(paid_import_allowed(&none, other, 12, "", "billing", &e) == 0);
	CHECK(paid_import_allowed(&none, other, 12, "", "reference", &e) ==
	    -1);
	/* With one: its payer's bills, others' only as reference. */
	CHECK(paid_import_allowed(&r, msp, 12, "", "billing", &e) == 0);
	CHECK(paid_import_allowed(&r, other, 12, "", "reference", &e) == 0);
	CHECK(paid_import_allowed(&r, other, 12, "", "billing", &e) == -1);
	CHECK(strstr(e.msg, "payer 222222222222 is not the MSP's payer "
	    "111111111111") != NULL);
	CHECK(strstr(e.msg, "--reference") != NULL);
	CHECK(paid_import_allowed(&r, msp, 12, "", "reference", &e) == -1);
	CHECK(paid_import_allowed(&r, msp, 11, "", "billing", &e) == -1);
	CHECK(paid_import_allowed(&r, msp, 12, "", "audit", &e) == -1);
	/* A transfer's source: its bills of the transfer's months only. */
	CHECK(paid_import_allowed(&r, src, 12, "2027-01", "billing", &e) == -1);
	CHECK(paid_import_allowed(&rt, src, 12, "", "billing", &e) == 0);
	CHECK(paid_import_allowed(&rt, src, 12, "2027-01", "billing", &e) ==
	    0);
	CHECK(paid_import_allowed(&rt, src, 12, "2027-02", "billing", &e) ==
	    0);
	CHECK(paid_import_allowed(&rt, src, 12, "2026-12", "billing", &e) ==
	    -1);
	CHECK(strstr(e.msg, "source of billing transfer rt-abcdefgh12345678") !=
	    NULL);
	CHECK(paid_import_allowed(&rt, src, 12, "2027-03", "billing", &e) ==
	    -1);
	CHECK(paid_import_allowed(&rt, src, 12, "2026-12", "reference", &e) ==
	    0);
	CHECK(paid_transfer_of(&rt, src, "2027-02") == &w);
	CHECK(paid_transfer_of(&rt, src, "2027-03") == NULL);
	w.to[0] = '\0';	/* no end yet */
	CHECK(paid_transfer_of(&rt, src, "2031-07") == &w);

	memset(&im, 0, sizeof(im));
	snprintf(im.payer_id, sizeof(im.payer_id), "%s", msp);
	snprintf(im.period, sizeof(im.period), "2027-01");
	snprintf(im.role, sizeof(im.role), "billing");
	CHECK_INT(paid_import_kind(&r, &im), PAID_KIND_BILL);
	CHECK_INT(paid_import_kind(&none, &im), PAID_KIND_OTHER);
	snprintf(im.payer_id, sizeof(im.payer_id), "%s", src);
	CHECK_INT(paid_import_kind(&r, &im), PAID_KIND_OTHER);
	CHECK_INT(paid_import_kind(&rt, &im), PAID_KIND_TRANSFER);
	snprintf(im.period, sizeof(im.period), "2026-12");
	CHECK_INT(paid_import_kind(&rt, &im), PAID_KIND_OTHER);
	snprintf(im.role, sizeof(im.role), "reference");
	CHECK_INT(paid_import_kind(&r, &im), PAID_KIND_REFERENCE);

	CHECK_INT(paid_class(1, 1), PAID_BILLED);
	CHECK_INT(paid_class(1, 0), PAID_UNASSIGNED);
	CHECK_INT(paid_class(0, 1), PAID_OUTSIDE);
	CHECK_INT(paid_class(0, 0), PAID_OUTSIDE);
	CHECK(paid_billable(1) && !paid_billable(0));
}
