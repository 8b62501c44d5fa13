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

#include "billing/ingest.h"
#include "billing/money.h"
#include "billing/pq.h"
#include "core/xmalloc.h"
#include "store/store.h"
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
	struct parquet_num x;
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
	/* The converted values the ingest takes instead of the text. */
	na = pq_double_num(d, 1, &x);
	if (x.ok) {
		CHECK(money_parse_ref(b, nb, 9, &vb) == MONEY_OK);
		CHECK_INT(x.v9, vb);
		CHECK(money_parse_ref(b, nb, 6, &vb) == MONEY_OK);
		CHECK_INT(x.v6, vb);
	} else
		CHECK(fabs(d) >= 524288 || isnan(d));
}

/* pq_decimal_num against money_parse of the decimal's text. */
static void
check_decimal(__int128 v, int scale)
{
	struct parquet_num	 x;
	char			 s[64];
	size_t			 n;
	int64_t			 r9 = 0, r6 = 0;
	int			 rc9, rc6;

	n = pq_decimal_text(v, scale, s);
	rc9 = money_parse_ref(s, n, 9, &r9);
	rc6 = money_parse_ref(s, n, 6, &r6);
	(void)pq_decimal_num(v, scale, 1, &x);
	if (rc9 != MONEY_OK || rc6 != MONEY_OK) {
		CHECK_INT(x.ok, 0);
		return;
	}
	CHECK_INT(x.ok, 1);
	CHECK_INT(x.v9, r9);
	CHECK_INT(x.v6, r6);
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
	int		 i;

	for (i = 0; i < 200000; i++) {
		__int128 v = (__int128)(int64_t)next() >> (next() % 64);

		if (i % 3 == 0)
			v *= (int64_t)next();	/* up to 2^126 */
		check_decimal(v, (int)(next() % 39));
	}
	check_decimal(5, 10);		/* a tie at 10^-9: half-even */
	check_decimal(15, 10);
	check_decimal(-25, 10);
	check_decimal((__int128)INT64_MAX, 0);

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

/* Bit-packed runs of every width, read in pieces of any size, against
 * the values packed bit by bit. */
TEST(parquet_rle_bit_packed_widths)
{
	static uint8_t	 buf[8 + 64 * 32 / 8 * 8 + PQ_PAD];
	struct pq_rle	 r;
	uint32_t	 want[512], got[512];
	size_t		 n, i, k, off;
	int		 bw, b;

	for (bw = 1; bw <= 32; bw++) {
		memset(buf, 0, sizeof(buf));
		n = 8 * (1 + next() % 40);	/* whole groups */
		buf[0] = (uint8_t)((n / 8) << 1 | 1);
		if (n / 8 >= 64) {
			buf[0] |= 0x80;
			buf[1] = (uint8_t)((n / 8) >> 6);
		}
		off = n / 8 >= 64 ? 2 : 1;
		for (i = 0; i < n; i++) {
			want[i] = (uint32_t)next() & (bw == 32 ? UINT32_MAX :
			    (1u << bw) - 1);
			for (b = 0; b < bw; b++)
				if (want[i] >> b & 1)
					buf[off + (i * bw + b) / 8] |=
					    (uint8_t)(1 << ((i * bw + b) % 8));
		}
		pq_rle_init(&r, buf, off + n * bw / 8, bw);
		for (i = 0; i < n; i += k) {
			k = 1 + next() % 20;
			if (k > n - i)
				k = n - i;
			CHECK_INT(pq_rle_get(&r, got + i, k), 0);
		}
		for (i = 0; i < n; i++)
			CHECK_INT(got[i], want[i]);
	}
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

/* Ingests path into a fresh database; the report's numbers as text. */
static int
ingest_one(const char *path, int threads, char *out, size_t len,
    struct err *e)
{
	static int		 seq;
	struct store		*st;
	struct ingest		*ing = NULL;
	struct ingest_opts	 o;
	const struct ingest_report *r;
	char			 name[32], *paths[1];
	size_t			 i, k;
	int			 rc;

	snprintf(name, sizeof(name), "pq%d", seq++);
	err_clear(e);
	CHECK(store_open(test_db(name), 0, &st, e) == 0);
	memset(&o, 0, sizeof(o));
	o.threads = threads;
	paths[0] = (char *)(uintptr_t)path;
	rc = ingest_files(st, &o, paths, 1, &ing, e);
	if (rc == 0) {
		r = ingest_report(ing);
		k = (size_t)snprintf(out, len, "%s %s %s %s rows %llu rej %llu "
		    "groups %llu total %lld out %lld/%lld", r->format,
		    r->payer_id, r->period, r->currency,
		    (unsigned long long)r->rows,
		    (unsigned long long)r->rejected,
		    (unsigned long long)r->groups,
		    (long long)r->total_unblended, (long long)r->out_lines,
		    (long long)r->out_unblended);
		for (i = 0; i < r->n_accounts && k < len; i++)
			k += (size_t)snprintf(out + k, len - k, " %s:%lld:%lld",
			    r->accounts[i].account_id,
			    (long long)r->accounts[i].lines,
			    (long long)r->accounts[i].unblended);
		for (i = 0; i < r->n_rejects && k < len; i++)
			k += (size_t)snprintf(out + k, len - k, " [%llu %s %s]",
			    (unsigned long long)r->rejects[i].line,
			    r->rejects[i].column_name, r->rejects[i].why);
	}
	ingest_free(ing);
	store_close(st);
	return (rc);
}

static const char *const rt_cols[] = { "bill_payer_account_id",
    "bill_billing_period_start_date", "line_item_usage_account_id",
    "line_item_line_item_type", "line_item_usage_start_date",
    "line_item_product_code", "line_item_currency_code",
    "line_item_unblended_cost", "line_item_usage_amount" };
static const enum parquet_wtype rt_types[] = { PARQUET_W_STRING,
    PARQUET_W_TIMESTAMP, PARQUET_W_STRING, PARQUET_W_STRING,
    PARQUET_W_TIMESTAMP, PARQUET_W_STRING, PARQUET_W_STRING,
    PARQUET_W_DOUBLE, PARQUET_W_DOUBLE };
#define RT_NCOLS	9

/* n rows of CUR 2.0 as CSV and as Parquet (row groups of group rows, 0:
 * one), with nulls (empty CSV fields), credits and negative costs. */
static void
write_pair(const char *csv, const char *pq, int n, int group, int snappy)
{
	struct parquet_writer	*w;
	struct err		 e;
	FILE			*f;
	char			 acct[16], start[32], cost[32], usage[32];
	const char		*v[RT_NCOLS];
	int			 i, j, fd;

	CHECK((f = fopen(csv, "w")) != NULL);
	CHECK((fd = open(pq, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1);
	w = parquet_writer_new(fd, snappy, rt_cols, rt_types, RT_NCOLS);
	for (j = 0; j < RT_NCOLS; j++)
		fprintf(f, "%s%s", rt_cols[j], j + 1 < RT_NCOLS ? "," : "\n");
	for (i = 0; i < n; i++) {
		snprintf(acct, sizeof(acct), "%012d", 100 + i % 7);
		snprintf(start, sizeof(start), "2026-10-%02dT%02d:00:00Z",
		    1 + i % 31, i % 24);
		snprintf(cost, sizeof(cost), "%.10f", (double)(i * 7919 %
		    100003) / 3e4 - (i % 11 == 0 ? 5 : 0));
		snprintf(usage, sizeof(usage), "%.6f", (double)i / 7);
		v[0] = "999999999999";
		v[1] = "2026-10-01T00:00:00Z";
		v[2] = acct;
		v[3] = i % 13 == 0 ? "Credit" : "Usage";
		v[4] = start;
		v[5] = i % 5 == 0 ? NULL : i % 3 ? "AmazonEC2" : "AmazonS3";
		v[6] = "USD";
		v[7] = i % 17 == 0 ? NULL : cost;
		v[8] = usage;
		CHECK(parquet_writer_row(w, v, &e) == 0);
		if (group > 0 && (i + 1) % group == 0)
			CHECK(parquet_writer_flush(w, &e) == 0);
		for (j = 0; j < RT_NCOLS; j++)
			fprintf(f, "%s%s", v[j] != NULL ? v[j] : "",
			    j + 1 < RT_NCOLS ? "," : "\n");
	}
	CHECK(parquet_writer_close(w, &e) == 0);
	close(fd);
	fclose(f);
}

TEST(parquet_writer_round_trip_equals_csv)
{
	char		 csv[512], pq[512], a[4096], b[4096];
	struct err	 e;

	snprintf(csv, sizeof(csv), "%s/rt.csv", test_tmpdir());
	snprintf(pq, sizeof(pq), "%s/rt.parquet", test_tmpdir());
	write_pair(csv, pq, 5000, 700, 1);
	CHECK(ingest_one(csv, 1, a, sizeof(a), &e) == 0);
	CHECK(ingest_one(pq, 1, b, sizeof(b), &e) == 0);
	CHECK_STR(b, a);
	/* Row groups on two threads: the same report. */
	CHECK(ingest_one(pq, 2, b, sizeof(b), &e) == 0);
	CHECK_STR(b, a);
	write_pair(csv, pq, 300, 0, 0);
	CHECK(ingest_one(csv, 1, a, sizeof(a), &e) == 0);
	CHECK(ingest_one(pq, 0, b, sizeof(b), &e) == 0);
	CHECK_STR(b, a);
}

/* Flips one byte of the file at off. */
static void
flip(const char *path, off_t off)
{
	unsigned char	 c;
	int		 fd;

	CHECK((fd = open(path, O_RDWR)) != -1);
	CHECK(pread(fd, &c, 1, off) == 1);
	c ^= 0x55;
	CHECK(pwrite(fd, &c, 1, off) == 1);
	close(fd);
}

TEST(parquet_page_crc_and_types_refused)
{
	static const enum parquet_wtype bad[] = { PARQUET_W_STRING,
	    PARQUET_W_TIMESTAMP, PARQUET_W_STRING, PARQUET_W_STRING,
	    PARQUET_W_TIMESTAMP, PARQUET_W_STRING, PARQUET_W_STRING,
	    PARQUET_W_TIMESTAMP, PARQUET_W_DOUBLE };
	static const char *const row[RT_NCOLS] = { "999999999999",
	    "2026-10-01T00:00:00Z", "000000000101", "Usage",
	    "2026-10-02T00:00:00Z", "AmazonEC2", "USD",
	    "2026-10-02T00:00:00Z", "1" };
	struct parquet_writer	*w;
	struct err		 e;
	char			 csv[512], pq[512], out[4096];
	int			 fd;

	snprintf(csv, sizeof(csv), "%s/c.csv", test_tmpdir());
	snprintf(pq, sizeof(pq), "%s/c.parquet", test_tmpdir());
	/* Uncompressed: byte 40 is inside the first column's page data
	 * (its header is shorter), whose CRC then fails. */
	write_pair(csv, pq, 50, 0, 0);
	CHECK(ingest_one(pq, 1, out, sizeof(out), &e) == 0);
	flip(pq, 40);
	CHECK(ingest_one(pq, 1, out, sizeof(out), &e) == -1);
	CHECK(strstr(e.msg, "c.parquet: column bill_payer_account_id, row "
	    "group 0: a page's CRC is") != NULL);
	/* A time where a cost must be: refused, naming the column. */
	CHECK((fd = open(pq, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1);
	w = parquet_writer_new(fd, 1, rt_cols, bad, RT_NCOLS);
	CHECK(parquet_writer_row(w, row, &e) == 0);
	CHECK(parquet_writer_close(w, &e) == 0);
	close(fd);
	CHECK(ingest_one(pq, 1, out, sizeof(out), &e) == -1);
	CHECK(strstr(e.msg, "column line_item_unblended_cost is INT64 with a "
	    "logical type TIMESTAMP, not a number") != NULL);
}

/* The CSV's resource_tags column, one string a row. */
struct tags {
	char	 v[256][64];
	int	 n;
};

static int
tags_row(void *arg, const struct csv_field *f, uint64_t line)
{
	struct tags	*t = arg;

	(void)line;
	CHECK(t->n < 256 && f[0].len < 64);
	memcpy(t->v[t->n], f[0].p, f[0].len);
	t->v[t->n++][f[0].len] = '\0';
	return (0);
}

static char *
slurp(const char *path, size_t *n)
{
	FILE	*f;
	char	*p;
	long	 len;

	CHECK((f = fopen(path, "rb")) != NULL);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = xmalloc((size_t)len + PQ_PAD);
	CHECK(fread(p, 1, (size_t)len, f) == (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return (p);
}

/*
 * A MAP column through its levels: DuckDB's resource_tags MAP<VARCHAR,
 * VARCHAR> (page v2, zstd, row groups of 100), rebuilt row by row from
 * the key and value leaves' repetition and definition levels, is the
 * CSV's JSON object.
 */
TEST(parquet_map_column_levels)
{
	struct tags		 t;
	struct csv		 c;
	struct arena		 ar;
	struct pq_meta		 m;
	struct pq_codecs	 codecs;
	struct pq_col		*k, *v;
	struct parquet_source	 src;
	struct err		 e;
	char			**names, path[512], msg[300], want[96];
	char			 row[256][96];
	const char		*dir = ".";	/* tests run at the root */
	uint32_t		 flen;
	size_t			 n, i;
	ssize_t			 used;
	int			 ncols, col, leaf, lk = -1, lv = -1, fd, g;
	int			 r = -1;

	snprintf(path, sizeof(path), "%s/tests/parquet/cur2.csv", dir);
	{
		char	*p = slurp(path, &n);

		arena_init(&ar);
		used = csv_header(p, n, 1, &ar, &names, &ncols, msg,
		    sizeof(msg));
		CHECK(used > 0);
		for (col = 0; col < ncols; col++)
			if (strcmp(names[col], "resource_tags") == 0)
				break;
		csv_init(&c, ncols, 2);
		csv_want(&c, col, 0);
		c.nslots = 1;
		c.row = tags_row;
		c.arg = &t;
		t.n = 0;
		CHECK(csv_scan(&c, p + used, n - (size_t)used, 1) >= 0);
		csv_release(&c);
		arena_release(&ar);
		xfree(p);
	}
	snprintf(path, sizeof(path), "%s/tests/parquet/"
	    "cur2-duckdb-zstd-v2.parquet", dir);
	{
		char	*p = slurp(path, &n);

		memcpy(&flen, p + n - 8, 4);
		CHECK(pq_meta_parse(&m, (uint8_t *)p + n - 8 - flen, flen,
		    n - 8 - flen, msg, sizeof(msg)) == 0);
		xfree(p);
	}
	for (leaf = 0; leaf < m.nleaf; leaf++) {
		if (strcmp(m.leaf[leaf].path, "resource_tags.key_value.key") == 0)
			lk = leaf;
		if (strcmp(m.leaf[leaf].path,
		    "resource_tags.key_value.value") == 0)
			lv = leaf;
	}
	CHECK(lk >= 0 && lv >= 0);
	CHECK_INT(m.leaf[lk].max_rep, 1);
	CHECK_INT(m.leaf[lv].max_def, 3);
	CHECK((fd = open(path, O_RDONLY)) != -1);
	memset(&codecs, 0, sizeof(codecs));
	k = xcalloc(1, sizeof(*k));
	v = xcalloc(1, sizeof(*v));
	parquet_source_fd(&src, fd, (uint64_t)lseek(fd, 0, SEEK_END));
	pq_col_init(k, &src, "t", &m, lk, PARQUET_TEXT, &codecs);
	pq_col_init(v, &src, "t", &m, lv, PARQUET_TEXT, &codecs);
	memset(row, 0, sizeof(row));
	for (g = 0; g < m.nrg; g++) {
		CHECK(pq_col_start(k, g, &e) == 0);
		CHECK(pq_col_start(v, g, &e) == 0);
		v->nf = v->fi = 0;
		for (;;) {
			CHECK(pq_col_fill(k, PQ_BATCH, &e) == 0);
			if (k->nf == 0)
				break;
			for (i = 0; i < k->nf; i++) {
				/* The value leaf's pages may split apart from
				 * the key's: its own cursor. */
				if (v->fi == v->nf) {
					CHECK(pq_col_fill(v, PQ_BATCH, &e) == 0);
					CHECK(v->nf > 0);
					v->fi = 0;
				}
				CHECK_INT(k->rl[i], v->rl[v->fi]);
				if (k->rl[i] == 0)
					r++;
				CHECK(r >= 0 && r < 256);
				if (k->dl[i] < 2) {
					v->fi++;
					continue;	/* null or empty */
				}
				n = strlen(row[r]);
				snprintf(row[r] + n, sizeof(row[r]) - n,
				    "%s\"%.*s\": \"%.*s\"", n ? ", " : "",
				    (int)k->f[i].len, k->f[i].p,
				    (int)v->f[v->fi].len, v->f[v->fi].p);
				v->fi++;
			}
		}
	}
	CHECK_INT(r + 1, t.n);
	for (i = 0; i < (size_t)t.n; i++) {
		snprintf(want, sizeof(want), "{%.90s}", row[i]);
		CHECK_STR(want, t.v[i]);
	}
	pq_col_release(k);
	pq_col_release(v);
	xfree(k);
	xfree(v);
	pq_codecs_release(&codecs);
	pq_meta_release(&m);
	close(fd);
}
