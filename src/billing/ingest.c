/* SPDX-License-Identifier: MIT */
/*
 * Cost and usage ingestion: see ingest.h and docs/billing.md.
 *
 * Gzip and pipes: a reader (read(2), the digest of the raw bytes, and
 * ISA-L inflate for gzip) fills 8 MiB buffers; the calling thread splits
 * rows (csv.c), parses numbers (money.c), attributes each line by the
 * membership history and adds it to the rollup table (rollup.c). Each
 * buffer is filled after a reserve, so the incomplete last row of the
 * previous buffer is copied in front of it and rows stay contiguous.
 * Plain regular files of two ranges or more are mapped instead: split
 * over both cores (add_split()), or with --threads 1 hashed and parsed
 * in one pass on the calling thread (map_scan()).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <isa-l/igzip_lib.h>
#define XXH_STATIC_LINKING_ONLY	/* XXH3_state_t in our structs */
#include <xxhash.h>

#include "billing/csv.h"
#include "billing/cur.h"
#include "billing/ingest.h"
#include "billing/lease.h"
#include "billing/money.h"
#include "billing/paid.h"
#include "billing/parquet.h"
#include "billing/pricing.h"
#include "billing/rollup.h"
#include "core/clock.h"
#include "core/codec.h"
#include "core/log.h"
#include "core/xmalloc.h"

#define CHUNK		(8u << 20)	/* bytes per read buffer */
#define RESERVE		(4u << 20)	/* longest row carried over */
#define NBUF		3
#define BATCH		100000		/* rollup rows per transaction */
#define DELETE_BATCH	2000		/* a failed import's rows deleted per
					   transaction (~400 KB of WAL) */
#define ORPHANS_MAX	64		/* running imports judged per import */
#define WAIT_MS		200		/* polls for the same delivery */
#define BALLAST_ROWS	10000		/* imports with space set aside */
#define KEY_MAX		2432	/* 11 + 7 x 256 key bytes, then the last account */
/* A rollup key: the usage day (10 bytes), the in-membership flag, then
 * seven strings each after its length byte, the account first. */
#define KEY_IN_MEMBERSHIP(k)	((k)[10])
#define KEY_ACCOUNT_LEN(k)	((size_t)(unsigned char)(k)[11])
#define KEY_ACCOUNT(k)		((k) + 12)
#define HOUR_MS		(3600LL * 1000)
#define IV_MAX		8		/* memberships cached per account */

/* The payer's memberships in the period, indexed by account for
 * attribution: loaded once the delivery's payer and period are known. */
struct member_idx {
	struct billing_membership *m;	/* sorted by account, joined_at */
	size_t			 n;
	uint32_t		*slots;		/* first index + 1 of an account;
						   NULL: not loaded yet */
	size_t			 mask;
	struct err		 err;		/* why loading failed, if it did */
};

struct split;

struct ingest {
	struct store		*st;
	struct ingest_opts	 opts;
	struct arena		 ar;
	struct rollup		 roll;
	struct member_idx	 mi;
	struct ingest_report	 rep;
	size_t			 payer_len;
	/* The payer as the first row wrote it (it may lack the leading
	 * zeros of rep.payer_id): later rows compare their bytes first. */
	char			 payer_raw[ACCOUNT_ID_LEN + 1];
	size_t			 payer_raw_len;
	char			 msp_payer[ACCOUNT_ID_LEN + 1];	/* "" none */
	int64_t			 period_lo, period_hi;	/* ms, [lo, hi) */
	int			 have_payer, have_period, have_currency;
	int			 broken;	/* an add failed */
	struct timespec		 t0;
	struct split		*split;		/* the file being split */
};

/*
 * A delivery's digest is XXH3-128 of its raw bytes, as `xxh128sum`
 * prints it. It tells a re-delivery of the same bytes from a new one; it
 * authenticates nothing (an upload's SigV4 signature covers the body's
 * SHA-256), so it need not be cryptographic; SHA-256 took 1.7 s of CPU on
 * the 2.4 GB bench file, XXH3-128 runs at memory speed.
 */
static void
digest_init(XXH3_state_t *h)
{
	XXH3_INITSTATE(h);
	(void)XXH3_128bits_reset(h);
}

static void
digest_hex(XXH3_state_t *h, char out[INGEST_DIGEST_HEX + 1])
{
	XXH128_canonical_t	 c;

	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(h));
	hex_encode(c.digest, sizeof(c.digest), out);
}

/* One buffer between the reader and the parser. */
struct slot {
	char		*mem;		/* RESERVE + CHUNK + 64 */
	size_t		 len;		/* bytes at mem + RESERVE */
	int		 eof;
	int		 full;
};

struct reader {
	int		 fd;
	int		 gzip;
	struct slot	 s[NBUF];
	int		 head, tail;	/* fill at head, parse at tail */
	pthread_mutex_t	 lock;
	pthread_cond_t	 cv;
	int		 stop;		/* the parser gave up */
	int		 failed;
	char		 msg[200];
	uint64_t	 raw;		/* bytes read */
	uint64_t	 out;		/* bytes handed to the parser */
	XXH3_state_t	 hash;		/* of the raw bytes */
	unsigned char	*in;		/* gzip input */
	struct inflate_state *z;
	const char	*name;
	unsigned char	 pre[4];	/* sniffed bytes not yet handed out */
	size_t		 npre;
};

/* The parsing side of one file. */
struct worker {
	struct ingest	*ing;
	struct ingest_report *rep;	/* &ing->rep, or a helper's own */
	struct rollup	*roll;		/* &ing->roll, or a helper's own */
	struct csv	 c;
	enum cur_format	 fmt;
	const char	*name;
	char		*const *cols;
	int		 col_of[S_NSLOTS];	/* slot -> column or -1 */
	char		 last_start[13];
	int64_t		 last_hour;
	const char	*last_acct;		/* raw, as the file wrote it */
	size_t		 last_acct_len;
	char		 last_raw[ACCOUNT_ID_LEN];
	char		 acct_id[ACCOUNT_ID_LEN + 1];	/* normalized */
	int64_t		 last_acct_idx;
	/* The last account's hours in the payer's organization: [lo, hi)
	 * ranges, or niv -1 when it has more than IV_MAX memberships. */
	int		 niv;
	int		 currency_len;	/* of rep->currency, -1: not known */
	int64_t		 iv[IV_MAX][2];
	int		 fatal;
	uint32_t	 nums;		/* Parquet: slots of parquet_num */
	char		 msg[256];		/* as struct err's */
	char		 key[KEY_MAX];
};

static double
elapsed(const struct timespec *t0)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ((t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9);
}

/* Attribution: the membership index. */

static uint64_t
str_hash(const char *p, size_t n)
{
	return (rollup_hash(p, n));
}

static void
members_index(struct member_idx *mi)
{
	size_t	 cap = 64, i, j;

	while (cap < mi->n * 2 + 2)
		cap <<= 1;
	mi->slots = xcalloc(cap, sizeof(*mi->slots));
	mi->mask = cap - 1;
	for (i = 0; i < mi->n; i++) {
		if (i > 0 && strcmp(mi->m[i].account_id,
		    mi->m[i - 1].account_id) == 0)
			continue;
		j = str_hash(mi->m[i].account_id,
		    strlen(mi->m[i].account_id)) & mi->mask;
		while (mi->slots[j] != 0)
			j = (j + 1) & mi->mask;
		mi->slots[j] = (uint32_t)(i + 1);
	}
}

/*
 * Loads the memberships that can cover the delivery's hours: its payer's,
 * overlapping its period, so the history read is the period's, not every
 * join and leave ever. Called by ingest_new() when the options give both,
 * else by the one thread parsing when the rows first do (the split starts
 * its helpers only after that).
 */
static int
members_load(struct ingest *ing)
{
	struct member_idx	*mi = &ing->mi;
	int64_t			 from, to;

	(void)month_bounds(ing->rep.period, &from, &to);	/* checked when set */
	if (store_billing_memberships(ing->st, &ing->ar, ing->rep.payer_id,
	    from, to, &mi->m, &mi->n, &mi->err) == -1)
		return (-1);
	members_index(mi);
	return (0);
}

/* First membership index of account p[0..n), or -1. */
static int64_t
members_find(const struct member_idx *mi, const char *p, size_t n)
{
	size_t		 j;
	uint32_t	 v;

	if (n > ACCOUNT_ID_LEN || mi->n == 0)
		return (-1);
	j = str_hash(p, n) & mi->mask;
	while ((v = mi->slots[j]) != 0) {
		const char *a = mi->m[v - 1].account_id;
		if (strncmp(a, p, n) == 0 && a[n] == '\0')
			return (v - 1);
		j = (j + 1) & mi->mask;
	}
	return (-1);
}

/*
 * Whether the account (from index i) was in an organization paid by payer
 * during the hour starting at hour_ms. Join and leave times count from the
 * start of their hour, so each hour belongs to one membership.
 */
static int
members_covers(const struct member_idx *mi, int64_t i, const char *payer,
    size_t payer_len, int64_t hour_ms)
{
	const struct billing_membership	*m;
	const char			*acct;

	if (i < 0)
		return (0);
	acct = mi->m[i].account_id;
	for (; (size_t)i < mi->n && strcmp(mi->m[i].account_id, acct) == 0;
	    i++) {
		m = &mi->m[i];
		if (strncmp(m->payer_id, payer, payer_len) != 0 ||
		    m->payer_id[payer_len] != '\0')
			continue;
		if (hour_ms < m->joined_at - m->joined_at % HOUR_MS)
			continue;
		if (m->left_at != 0 && hour_ms >= m->left_at -
		    m->left_at % HOUR_MS)
			continue;
		return (1);
	}
	return (0);
}

/* Caches account i's member hours under payer in w (see members_covers:
 * the same rule, computed once per account instead of once per row). */
static void
members_cache(struct worker *w, const struct member_idx *mi, int64_t i,
    const char *payer, size_t payer_len)
{
	const struct billing_membership	*m;
	const char			*acct;

	w->niv = 0;
	if (i < 0)
		return;
	acct = mi->m[i].account_id;
	for (; (size_t)i < mi->n && strcmp(mi->m[i].account_id, acct) == 0;
	    i++) {
		m = &mi->m[i];
		if (strncmp(m->payer_id, payer, payer_len) != 0 ||
		    m->payer_id[payer_len] != '\0')
			continue;
		if (w->niv == IV_MAX) {
			w->niv = -1;
			return;
		}
		w->iv[w->niv][0] = m->joined_at - m->joined_at % HOUR_MS;
		w->iv[w->niv][1] = m->left_at == 0 ? INT64_MAX :
		    m->left_at - m->left_at % HOUR_MS;
		w->niv++;
	}
}

/* Rows. */

static inline int
is_null(const struct csv_field *f)
{
	return (f->len == 0 || (f->len == 4 && memcmp(f->p, "NULL", 4) == 0));
}

static int
reject(struct worker *w, uint64_t line, int slot, int col, const char *fmt,
    ...) __attribute__((format(printf, 5, 6)));

static int
reject(struct worker *w, uint64_t line, int slot, int col, const char *fmt,
    ...)
{
	struct ingest_report	*r = w->rep;
	struct ingest_reject	*x;
	va_list			 ap;

	r->rejected++;
	if (r->n_rejects >= INGEST_REJECTS_LISTED)
		return (0);
	x = &r->rejects[r->n_rejects++];
	memset(x, 0, sizeof(*x));
	snprintf(x->file, sizeof(x->file), "%s", w->name);
	x->line = line;
	if (slot >= 0 && w->col_of[slot] >= 0)
		col = w->col_of[slot] + 1;
	x->column = col;
	if (col > 0 && col <= w->c.ncols)
		snprintf(x->column_name, sizeof(x->column_name), "%s",
		    w->cols[col - 1]);
	va_start(ap, fmt);
	vsnprintf(x->why, sizeof(x->why), fmt, ap);
	va_end(ap);
	return (0);
}

static int
csv_reject(void *arg, uint64_t line, int col, const char *why)
{
	return (reject(arg, line, -1, col, "%s", why));
}

static int
num_reject(struct worker *w, const struct csv_field *f, int slot, int rc,
    uint64_t line)
{
	reject(w, line, slot, 0, "%s: '%.*s'", rc == MONEY_OVERFLOW ?
	    "number too large" : "not a number",
	    (int)(f[slot].len > 40 ? 40 : f[slot].len), f[slot].p);
	return (-1);
}

/* Inline, so that money_parse() gets a constant scale: a call per
 * number was a tenth of its cost, a division by a variable more. */
static inline __attribute__((always_inline)) int
num(struct worker *w, const struct csv_field *f, int slot, int digits,
    uint64_t line, int64_t *out)
{
	int	 rc;

	if (is_null(&f[slot])) {
		*out = 0;
		return (0);
	}
	/* Parquet numbers come converted (billing/parquet.h). */
	if ((w->nums >> slot & 1) && parquet_num_of(&f[slot])->ok) {
		*out = digits == QTY_DIGITS ? parquet_num_of(&f[slot])->v6 :
		    parquet_num_of(&f[slot])->v9;
		return (0);
	}
	if ((rc = money_parse(f[slot].p, f[slot].len, digits, out)) == 0)
		return (0);
	return (num_reject(w, f, slot, rc, line));
}

static inline int
digits2(const char *p, int *v)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return (-1);
	*v = (p[0] - '0') * 10 + (p[1] - '0');
	return (0);
}

/* Whether day d exists in month m of year y (the Gregorian calendar). */
static int
day_exists(int y, int m, int d)
{
	static const unsigned char mdays[12] = { 31, 29, 31, 30, 31, 30, 31,
	    31, 30, 31, 30, 31 };

	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return (0);
	return (m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)));
}

/* "YYYY-MM-DD[T ]HH..." to the ms of the start of that hour; -1 unless
 * the date is a real calendar date (2026-09-31 is not). */
static int
parse_hour(const char *p, size_t len, int64_t *out)
{
	int	 y1, y2, m, d, h;

	if (len < 13 || p[4] != '-' || p[7] != '-' ||
	    (p[10] != 'T' && p[10] != ' ') || digits2(p, &y1) == -1 ||
	    digits2(p + 2, &y2) == -1 || digits2(p + 5, &m) == -1 ||
	    digits2(p + 8, &d) == -1 || digits2(p + 11, &h) == -1 ||
	    !day_exists(y1 * 100 + y2, m, d) || h > 23)
		return (-1);
	*out = clock_days_from_civil(y1 * 100 + y2, m, d) * MS_PER_DAY +
	    h * HOUR_MS;
	return (0);
}

static int
valid_period(const char *p, size_t len)
{
	int	 a, b, m;

	return (len >= 7 && p[4] == '-' && digits2(p, &a) == 0 &&
	    digits2(p + 2, &b) == 0 && digits2(p + 5, &m) == 0 && m >= 1 &&
	    m <= 12);
}

static inline const struct csv_field *
pick(const struct csv_field *f, int a, int b)
{
	return (!is_null(&f[a]) || b < 0 ? &f[a] : &f[b]);
}

/* Whether a[0..n) == b[0..n): short ids without a memcmp call. */
static inline int
same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t	 x, y, x2, y2;
	uint32_t	 u, v, u2, v2;

	if (n >= 8 && n <= 16) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&x2, a + n - 8, 8);
		memcpy(&y2, b + n - 8, 8);
		return (((x ^ y) | (x2 ^ y2)) == 0);
	}
	if (n >= 4 && n < 8) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		memcpy(&u2, a + n - 4, 4);
		memcpy(&v2, b + n - 4, 4);
		return (((u ^ v) | (u2 ^ v2)) == 0);
	}
	if (n < 4)
		return ((n < 1 || a[0] == b[0]) && (n < 2 || a[1] == b[1]) &&
		    (n < 3 || a[2] == b[2]));
	return (memcmp(a, b, n) == 0);
}

/* memcpy of a short key field, without the call, hashed on the way: 8
 * bytes at a time, the last 8 overlapping (the key buffer has room past
 * the end). */
static inline uint64_t
copy_field(char *d, const char *p, size_t n, uint64_t h)
{
	uint64_t	 w;
	uint32_t	 u, u2;
	size_t		 i;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&w, p + i, 8);
			memcpy(d + i, &w, 8);
			h = rollup_mix(h, w);
		}
		memcpy(&w, p + n - 8, 8);
		memcpy(d + n - 8, &w, 8);
	} else if (n >= 4) {
		memcpy(&u, p, 4);
		memcpy(d, &u, 4);
		memcpy(&u2, p + n - 4, 4);
		memcpy(d + n - 4, &u2, 4);
		w = u | (uint64_t)u2 << 32;
	} else
		for (i = 0, w = 0; i < n; i++) {
			d[i] = p[i];
			w |= (uint64_t)(unsigned char)p[i] << (8 * i);
		}
	return (rollup_mix(h, w ^ n));
}

/* Appends f's length and bytes to the key at *k, and to its hash. */
static inline int
key_put(char **k, const struct csv_field *f, uint64_t *h)
{
	size_t	 n = is_null(f) ? 0 : f->len;

	if (n > 255)
		return (-1);
	*(*k)++ = (char)n;
	*h = copy_field(*k, f->p, n, *h);
	*k += n;
	return (0);
}

#define LIT(f, s) ((f)->len == sizeof(s) - 1 && \
	memcmp((f)->p, s, sizeof(s) - 1) == 0)

/* Effective (amortized) cost of a CUR line: FOCUS converter rules. */
static int
amortized(struct worker *w, const struct csv_field *f, uint64_t line,
    int64_t unblended, int64_t *out)
{
	const struct csv_field	*t = &f[S_LITYPE];
	int64_t			 a, b;

	if (w->fmt != CUR_LEGACY && w->fmt != CUR_V2) {
		if (is_null(&f[S_EFFECTIVE])) {
			*out = unblended;
			return (0);
		}
		return (num(w, f, S_EFFECTIVE, MONEY_DIGITS, line, out));
	}
	if (LIT(t, "Usage")) {
		*out = unblended;	/* most lines: ahead of the rules */
		return (0);
	}
	if (LIT(t, "SavingsPlanCoveredUsage"))
		return (num(w, f, S_SP_EFFECTIVE, MONEY_DIGITS, line, out));
	if (LIT(t, "DiscountedUsage"))
		return (num(w, f, S_RI_EFFECTIVE, MONEY_DIGITS, line, out));
	if (LIT(t, "SavingsPlanNegation") || LIT(t, "SavingsPlanUpfrontFee") ||
	    (LIT(t, "Fee") && !is_null(&f[S_RI_ARN]))) {
		*out = 0;
		return (0);
	}
	if (LIT(t, "SavingsPlanRecurringFee")) {
		if (num(w, f, S_SP_TOTAL, MONEY_DIGITS, line, &a) == -1 ||
		    num(w, f, S_SP_USED, MONEY_DIGITS, line, &b) == -1)
			return (-1);
		*out = a - b;
		return (0);
	}
	if (LIT(t, "RIFee")) {
		if (num(w, f, S_RI_UNUSED_AMORT, MONEY_DIGITS, line, &a) == -1 ||
		    num(w, f, S_RI_UNUSED_FEE, MONEY_DIGITS, line, &b) == -1)
			return (-1);
		*out = a + b;
		return (0);
	}
	*out = unblended;
	return (0);
}

static int
fatal(struct worker *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fatal(struct worker *w, const char *fmt, ...)
{
	va_list	 ap;

	w->fatal = 1;
	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
	return (1);
}

/* The error of a failed csv_scan(): the worker's own (a row error it
 * positioned itself) or the splitter's, at its line and column. */
static int
scan_error(const struct worker *w, struct err *e)
{
	if (w->ing->mi.err.code != ERR_NONE) {
		*e = w->ing->mi.err;
		return (-1);
	}
	if (w->fatal)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s", w->msg));
	return (err_set(e, ERR_INVALID, NULL, NULL, "%s:%llu:%d: %s",
	    w->name, (unsigned long long)w->c.err_line, w->c.err_col,
	    w->c.err_msg));
}

/* A row still open after RESERVE bytes: no buffer holds it. */
static int
long_row_error(const char *name, uint64_t line, struct err *e)
{
	return (err_set(e, ERR_LIMIT, NULL, NULL, "%s:%llu: a row longer "
	    "than %u bytes", name, (unsigned long long)line, RESERVE));
}

/*
 * An AWS account id into out (12 digits and a NUL): 12 digits as they
 * are, fewer left-padded with zeros (a spreadsheet drops them). -1 for
 * anything else (12ab, 13 digits, empty).
 */
static inline int
account_id_norm(const char *p, size_t len, char out[ACCOUNT_ID_LEN + 1])
{
	uint64_t	 a, b;
	size_t		 i;

	if (len == ACCOUNT_ID_LEN) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 4, 8);
		if (MONEY_DIGITS8(a) | MONEY_DIGITS8(b))
			return (-1);
		memcpy(out, p, ACCOUNT_ID_LEN);
		out[ACCOUNT_ID_LEN] = '\0';
		return (0);
	}
	if (len == 0 || len > ACCOUNT_ID_LEN)
		return (-1);
	for (i = 0; i < len; i++)
		if (p[i] < '0' || p[i] > '9')
			return (-1);
	memset(out, '0', ACCOUNT_ID_LEN - len);
	memcpy(out + ACCOUNT_ID_LEN - len, p, len);
	out[ACCOUNT_ID_LEN] = '\0';
	return (0);
}

/* The delivery's payer is id (normalized; raw as the file wrote it):
 * fixed once, and refused at once unless the MSP may import it so. */
static int
payer_fix(struct worker *w, const char *id, const char *raw, size_t rawlen)
{
	struct ingest	*ing = w->ing;
	struct err	 e;

	if (paid_import_allowed(ing->msp_payer, id, ACCOUNT_ID_LEN,
	    ing->rep.role, &e) == -1)
		return (fatal(w, "%s", e.msg));
	memcpy(w->rep->payer_id, id, ACCOUNT_ID_LEN + 1);
	ing->payer_len = ACCOUNT_ID_LEN;
	memcpy(ing->payer_raw, raw, rawlen);
	ing->payer_raw[rawlen] = '\0';
	ing->payer_raw_len = rawlen;
	ing->have_payer = 1;
	return (0);
}

static int
on_row(void *arg, const struct csv_field *f, uint64_t line)
{
	struct worker		*w = arg;
	struct ingest		*ing = w->ing;
	struct ingest_report	*r = w->rep;
	const struct csv_field	*acct, *payer;
	struct csv_field	 pf, af;
	char			 id[ACCOUNT_ID_LEN + 1];
	struct rollup_sums	 s;
	int64_t			 hour;
	uint64_t		 h;
	char			*k;
	int			 in, rc, i, longkey;

	/* The payer, the period and the currency of the delivery. The
	 * payer's bytes are compared with the first row's before any
	 * normalizing (the common case: the same bytes in every row). */
	payer = &f[S_PAYER];
	if (is_null(payer)) {
		if (!ing->have_payer)
			return (fatal(w, "%s:%llu: no payer account: pass "
			    "--payer", w->name, (unsigned long long)line));
	} else if (!ing->have_payer || payer->len != ing->payer_raw_len ||
	    !same_bytes(payer->p, ing->payer_raw, payer->len)) {
		if (account_id_norm(payer->p, payer->len, id) == -1)
			return (reject(w, line, S_PAYER, 0, "payer '%.*s' is "
			    "not an AWS account id (12 digits)",
			    (int)(payer->len > 40 ? 40 : payer->len),
			    payer->p));
		if (!ing->have_payer) {
			if (payer_fix(w, id, payer->p, payer->len) != 0)
				return (1);
		} else if (memcmp(id, r->payer_id, ACCOUNT_ID_LEN + 1) != 0)
			return (reject(w, line, S_PAYER, 0, "payer %s is not "
			    "the import's payer %s", id, r->payer_id));
	}
	pf.p = r->payer_id;
	pf.len = ing->payer_len;
	payer = &pf;
	if (ing->have_period && f[S_PERIOD].len >= 7 &&
	    memcmp(f[S_PERIOD].p, r->period, 7) == 0)
		;	/* the delivery's period, valid: the common case */
	else if (is_null(&f[S_PERIOD])) {
		if (!ing->have_period)
			return (reject(w, line, S_PERIOD, 0,
			    "no billing period"));
	} else if (!valid_period(f[S_PERIOD].p, f[S_PERIOD].len))
		return (reject(w, line, S_PERIOD, 0, "not a date: '%.*s'",
		    (int)(f[S_PERIOD].len > 40 ? 40 : f[S_PERIOD].len),
		    f[S_PERIOD].p));
	else if (!ing->have_period) {
		memcpy(r->period, f[S_PERIOD].p, 7);
		r->period[7] = '\0';
		(void)month_bounds(r->period, &ing->period_lo,
		    &ing->period_hi);
		ing->have_period = 1;
	} else if (memcmp(f[S_PERIOD].p, r->period, 7) != 0)
		return (reject(w, line, S_PERIOD, 0, "billing period %.7s is "
		    "not the import's %s", f[S_PERIOD].p, r->period));
	if (ing->mi.slots == NULL && members_load(ing) == -1)
		return (fatal(w, "%s", ing->mi.err.msg));
	if (!is_null(&f[S_CURRENCY])) {
		if (!ing->have_currency && f[S_CURRENCY].len < 8) {
			memcpy(r->currency, f[S_CURRENCY].p, f[S_CURRENCY].len);
			r->currency[f[S_CURRENCY].len] = '\0';
			ing->have_currency = 1;
			w->currency_len = -1;
		} else if ((w->currency_len >= 0 ? (size_t)w->currency_len :
		    (size_t)(w->currency_len = (int)strlen(r->currency))) !=
		    f[S_CURRENCY].len ||
		    !same_bytes(r->currency, f[S_CURRENCY].p,
		    f[S_CURRENCY].len))
			return (reject(w, line, S_CURRENCY, 0, "currency "
			    "%.*s is not the import's %s", (int)(f[S_CURRENCY]
			    .len > 8 ? 8 : f[S_CURRENCY].len),
			    f[S_CURRENCY].p, r->currency));
	}

	/* When: the usage hour, parsed once per distinct hour string. */
	if (f[S_START].len < 13)
		return (reject(w, line, S_START, 0, "not a date: '%.*s'",
		    (int)f[S_START].len, f[S_START].p));
	if (memcmp(w->last_start, f[S_START].p, 13) != 0) {
		if (parse_hour(f[S_START].p, f[S_START].len, &hour) == -1)
			return (reject(w, line, S_START, 0,
			    "not a date: '%.*s'", (int)(f[S_START].len > 40 ?
			    40 : f[S_START].len), f[S_START].p));
		/* AWS bills a usage hour in the period it lies in: one
		 * outside the delivery's period is not this bill's. */
		if (hour < ing->period_lo || hour >= ing->period_hi)
			return (reject(w, line, S_START, 0, "usage start "
			    "%.*s is outside the billing period %s",
			    (int)(f[S_START].len > 40 ? 40 : f[S_START].len),
			    f[S_START].p, r->period));
		memcpy(w->last_start, f[S_START].p, 13);
		w->last_hour = hour;
	}
	hour = w->last_hour;

	/* Who: the usage account, and whether the payer paid for it then.
	 * Its raw bytes are compared with the last row's; a new one is
	 * normalized (account_id_norm) once. */
	acct = &f[S_ACCOUNT];
	if (is_null(acct)) {
		if (w->fmt == CUR_LEGACY || w->fmt == CUR_V2)
			return (reject(w, line, S_ACCOUNT, 0,
			    "no usage account"));
		acct = payer;
	}
	if (acct->len != w->last_acct_len ||
	    !same_bytes(acct->p, w->last_acct, acct->len)) {
		if (account_id_norm(acct->p, acct->len, id) == -1)
			return (reject(w, line, S_ACCOUNT, 0, "account '%.*s' "
			    "is not an AWS account id (12 digits)",
			    (int)(acct->len > 40 ? 40 : acct->len), acct->p));
		memcpy(w->acct_id, id, sizeof(w->acct_id));
		w->last_acct_idx = members_find(&ing->mi, id, ACCOUNT_ID_LEN);
		members_cache(w, &ing->mi, w->last_acct_idx, payer->p,
		    payer->len);
		/* Keep the raw id: the buffer it points into is reused. */
		memcpy(w->last_raw, acct->p, acct->len);
		w->last_acct = w->last_raw;
		w->last_acct_len = acct->len;
	}
	af.p = w->acct_id;
	af.len = ACCOUNT_ID_LEN;
	acct = &af;
	if (w->niv < 0)
		in = members_covers(&ing->mi, w->last_acct_idx, payer->p,
		    payer->len, hour);
	else
		for (in = 0, i = 0; i < w->niv && !in; i++)
			in = hour >= w->iv[i][0] && hour < w->iv[i][1];

	/*
	 * The key: day, flag, then length-prefixed strings (the payer and
	 * the period are the delivery's, the same for every row kept);
	 * built and hashed before the numbers so that its slot is loaded
	 * meanwhile. A key field too long is rejected after the numbers,
	 * whose errors come first.
	 */
	k = w->key;
	memcpy(k, f[S_START].p, 10);
	KEY_IN_MEMBERSHIP(k) = (char)in;
	memcpy(&h, k, 8);
	h = rollup_mix(rollup_mix(0x9e3779b97f4a7c15ULL, h),
	    (unsigned char)k[8] | (unsigned char)k[9] << 8 | in << 16);
	k += 11;
	longkey = key_put(&k, acct, &h) == -1 ||
	    key_put(&k, pick(f, S_PRODUCT, S_PRODUCT_ALT), &h) == -1 ||
	    key_put(&k, pick(f, S_USAGE_TYPE, S_USAGE_TYPE_ALT), &h) == -1 ||
	    key_put(&k, &f[S_OPERATION], &h) == -1 ||
	    key_put(&k, pick(f, S_REGION, S_REGION_ALT), &h) == -1 ||
	    key_put(&k, &f[S_LITYPE], &h) == -1 ||
	    key_put(&k, &f[S_TERM], &h) == -1;
	h = rollup_fin(h);
	rollup_prefetch(w->roll, h);

	/* How much. */
	memset(&s, 0, sizeof(s));
	if (num(w, f, S_UNBLENDED, MONEY_DIGITS, line, &s.unblended) == -1 ||
	    num(w, f, S_PUBLIC, MONEY_DIGITS, line, &s.public_od) == -1 ||
	    num(w, f, S_USAGE, QTY_DIGITS, line, &s.usage) == -1 ||
	    amortized(w, f, line, s.unblended, &s.amortized) == -1)
		return (0);
	if (is_null(&f[S_NET]))
		s.net = s.unblended;
	else if (num(w, f, S_NET, MONEY_DIGITS, line, &s.net) == -1)
		return (0);
	s.lines = 1;
	if (longkey)
		return (reject(w, line, -1, 0, "a key field is longer than "
		    "255 bytes"));
	rc = rollup_add(w->roll, w->key, k - w->key, h, &s);
	if (rc == -1)
		return (fatal(w, "%s:%llu: a sum overflows 64 bits (more than "
		    "9.2 billion in currency units)", w->name,
		    (unsigned long long)line));
	if (rc == -2)
		return (fatal(w, "more than %u distinct rollup keys",
		    ROLLUP_MAX_KEYS));
	if (!in) {
		if (__builtin_add_overflow(r->out_unblended, s.unblended,
		    &r->out_unblended))
			return (fatal(w, "out-of-membership sum overflows"));
		r->out_lines++;
	}
	return (0);
}

/* The reader thread. */

static int
reader_fail(struct reader *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
reader_fail(struct reader *rd, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(rd->msg, sizeof(rd->msg), fmt, ap);
	va_end(ap);
	rd->failed = 1;
	return (-1);
}

static ssize_t
read_full(int fd, unsigned char *p, size_t n)
{
	size_t	 got = 0;
	ssize_t	 r;

	while (got < n) {
		r = read(fd, p + got, n - got);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		got += r;
	}
	return (got);
}

/* read_full() after the bytes taken to sniff the format. */
static ssize_t
rd_read(struct reader *rd, unsigned char *p, size_t n)
{
	size_t	 k = 0;
	ssize_t	 r;

	if (rd->npre > 0 && n > 0) {
		k = rd->npre < n ? rd->npre : n;
		memcpy(p, rd->pre, k);
		memmove(rd->pre, rd->pre + k, rd->npre - k);
		rd->npre -= k;
	}
	if ((r = read_full(rd->fd, p + k, n - k)) < 0)
		return (-1);
	return (r + k);
}

/* Fills dst[0..CHUNK) with plain bytes; *eof at the end of input. */
static ssize_t
reader_fill(struct reader *rd, char *dst, int *eof)
{
	struct inflate_state	*z = rd->z;
	ssize_t			 r;
	int			 rc;

	*eof = 0;
	if (!rd->gzip) {
		if ((r = rd_read(rd, (unsigned char *)dst, CHUNK)) < 0)
			return (reader_fail(rd, "%s: read: %s", rd->name,
			    strerror(errno)));
		(void)XXH3_128bits_update(&rd->hash, dst, r);
		rd->raw += r;
		*eof = r < (ssize_t)CHUNK;
		return (r);
	}
	z->next_out = (uint8_t *)dst;
	z->avail_out = CHUNK;
	while (z->avail_out > 0) {
		if (z->avail_in == 0) {
			if ((r = rd_read(rd, rd->in, CHUNK / 2)) < 0)
				return (reader_fail(rd, "%s: read: %s",
				    rd->name, strerror(errno)));
			(void)XXH3_128bits_update(&rd->hash, rd->in, r);
			rd->raw += r;
			z->next_in = rd->in;
			z->avail_in = r;
			if (r == 0) {
				if (z->block_state != ISAL_BLOCK_FINISH ||
				    z->tmp_out_valid > z->tmp_out_processed)
					return (reader_fail(rd, "%s: truncated "
					    "gzip: the input ends at byte %llu "
					    "inside a compressed stream",
					    rd->name,
					    (unsigned long long)rd->raw));
				*eof = 1;
				break;
			}
		}
		if (z->block_state == ISAL_BLOCK_FINISH) {
			/* Another gzip member follows (concatenated). */
			uint8_t *ni = z->next_in;
			uint32_t na = z->avail_in;

			isal_inflate_reset(z);
			z->crc_flag = ISAL_GZIP;
			z->next_in = ni;
			z->avail_in = na;
			z->next_out = (uint8_t *)dst + (CHUNK - z->avail_out);
		}
		rc = isal_inflate(z);
		if (rc < 0)
			return (reader_fail(rd, "%s: corrupt gzip near byte "
			    "%llu (ISA-L error %d)", rd->name,
			    (unsigned long long)(rd->raw - z->avail_in), rc));
	}
	return (CHUNK - z->avail_out);
}

/* Fills slot s: plain bytes, or the end of input, or a failure. */
static void
reader_step(struct reader *rd, struct slot *s)
{
	ssize_t		 n;
	int		 eof = 0;

	n = reader_fill(rd, s->mem + RESERVE, &eof);
	if (n < 0) {
		s->len = 0;
		eof = 1;
	} else {
		s->len = n;
		rd->out += n;
	}
	s->eof = eof;
}

static void *
reader_main(void *arg)
{
	struct reader	*rd = arg;
	struct slot	*s;
	int		 eof = 0;

	while (!eof) {
		pthread_mutex_lock(&rd->lock);
		while (rd->s[rd->head].full && !rd->stop)
			pthread_cond_wait(&rd->cv, &rd->lock);
		if (rd->stop) {
			pthread_mutex_unlock(&rd->lock);
			break;
		}
		s = &rd->s[rd->head];
		pthread_mutex_unlock(&rd->lock);
		reader_step(rd, s);
		eof = s->eof;
		pthread_mutex_lock(&rd->lock);
		s->full = 1;
		rd->head = (rd->head + 1) % NBUF;
		pthread_cond_broadcast(&rd->cv);
		pthread_mutex_unlock(&rd->lock);
	}
	return (NULL);
}

/* Parses the header and sets up the worker; -1 if not a format we read. */
static int
worker_setup(struct worker *w, char **names, int ncols, uint64_t line,
    struct err *e)
{
	struct ingest_report	*r = &w->ing->rep;
	int			 i, s;

	w->fmt = cur_detect(names, ncols);
	if (w->fmt == CUR_UNKNOWN)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s:1: not a cost "
		    "and usage file: no lineItem/UnblendedCost, "
		    "line_item_unblended_cost or BilledCost column", w->name));
	csv_init(&w->c, ncols, line);
	w->cols = names;
	for (s = 0; s < S_NSLOTS; s++)
		w->col_of[s] = -1;
	for (i = 0; i < ncols; i++) {
		if ((s = cur_slot(w->fmt, names[i])) >= 0 && w->col_of[s] >= 0)
			return (err_set(e, ERR_INVALID, NULL, NULL, "%s:1: "
			    "column %s appears twice (columns %d and %d): which "
			    "one to read is unclear", w->name, names[i],
			    w->col_of[s] + 1, i + 1));
		if (s >= 0) {
			csv_want(&w->c, i, s);
			w->col_of[s] = i;
		} else if (!cur_known(w->fmt, names[i])) {
			if (r->n_unknown < INGEST_UNKNOWN_LISTED)
				snprintf(r->unknown[r->n_unknown++],
				    sizeof(r->unknown[0]), "%s", names[i]);
			r->unknown_total++;
		}
	}
	/* Every slot gets a field: absent columns read as empty. */
	w->c.nslots = S_NSLOTS;
	if (w->col_of[S_UNBLENDED] < 0 || w->col_of[S_START] < 0)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s:1: the %s "
		    "header lacks %s", w->name, cur_format_name(w->fmt),
		    cur_slot_column(w->fmt, w->col_of[S_START] < 0 ? S_START :
		    S_UNBLENDED)));
	w->c.row = on_row;
	w->c.reject = csv_reject;
	w->c.arg = w;
	return (0);
}

/*
 * The byte-range split of a plain regular file over both cores. The file
 * is mapped; a hasher thread hashes it in order and counts the
 * '"' and '\n' of each range as it goes (csv_count), so the quote parity
 * and the line number at every range boundary are known when a parser
 * claims the range: a range's rows start at csv_row_start() from its
 * boundary, never at a bare "next newline". The calling thread parses the
 * first range alone (it fixes the delivery's payer, period and currency),
 * then it and one helper claim the other ranges in order; the helper rolls
 * up into its own table, merged at the end. Pages of a range are dropped
 * from the mapping once hashed and parsed, so RSS stays flat.
 */
#define SPLIT_BYTES	(16u << 20)
#define SPLIT_AHEAD	2	/* ranges hashed ahead of the parsers */

struct split {
	struct ingest	*ing;
	const char	*map;
	size_t		 size;
	size_t		 data;		/* first data byte, after the header */
	size_t		 chunk;
	size_t		 n;		/* ranges */
	uint64_t	*qb, *nlb;	/* '"' and '\n' before range k */
	unsigned char	*users;		/* hasher + parser done with range k */
	size_t		 ready;		/* ranges counted by the hasher */
	size_t		 next;		/* next range to parse */
	uint64_t	 parsed;	/* bytes parsed, for progress */
	int		 stop;
	size_t		 err_k;		/* lowest failed range */
	char		 err[256];	/* a struct err's message */
	pthread_mutex_t	 lock;
	pthread_cond_t	 cv;
	XXH3_state_t	 hash;		/* of the whole file, by the hasher */
};

/* Drops the whole pages of map[lo, hi) from the mapping (the page cache
 * keeps them; a late reader faults them back in). */
static void
map_drop(const struct split *sp, size_t lo, size_t hi)
{
	size_t		 pg = (size_t)sysconf(_SC_PAGESIZE);

	lo = (lo + pg - 1) / pg * pg;
	hi = hi == sp->size ? hi : hi / pg * pg;
	if (hi > lo)
		(void)madvise((void *)(uintptr_t)(sp->map + lo), hi - lo,
		    MADV_DONTNEED);
}

/* Drops range k's pages when hasher and parser are done with it. */
static void
split_release(struct split *sp, size_t k)
{
	if (__atomic_add_fetch(&sp->users[k], 1, __ATOMIC_ACQ_REL) != 2)
		return;
	map_drop(sp, k * sp->chunk, k + 1 == sp->n ? sp->size :
	    (k + 1) * sp->chunk);
}

static void *
split_hash_main(void *arg)
{
	struct split	*sp = arg;
	uint64_t	 q, nl, tq, tnl;
	size_t		 k, lo, hi, step;
	int		 stop = 0;

	for (k = 0; k < sp->n && !stop; k++) {
		/* Bounded read-ahead: hashed pages stay mapped until parsed. */
		pthread_mutex_lock(&sp->lock);
		while (k >= sp->next + SPLIT_AHEAD && !sp->stop)
			pthread_cond_wait(&sp->cv, &sp->lock);
		stop = sp->stop;
		pthread_mutex_unlock(&sp->lock);
		if (stop)
			break;
		lo = k * sp->chunk;
		hi = k + 1 == sp->n ? sp->size : lo + sp->chunk;
		tq = tnl = 0;
		/* 1 MiB at a time: counted while still in cache. */
		for (; lo < hi; lo += step) {
			step = hi - lo < (1u << 20) ? hi - lo : (1u << 20);
			(void)XXH3_128bits_update(&sp->hash, sp->map + lo, step);
			csv_count(sp->map + lo, step, &q, &nl);
			tq += q;
			tnl += nl;
		}
		pthread_mutex_lock(&sp->lock);
		sp->qb[k + 1] = sp->qb[k] + tq;
		sp->nlb[k + 1] = sp->nlb[k] + tnl;
		sp->ready = k + 1;
		stop = sp->stop;
		pthread_cond_broadcast(&sp->cv);
		pthread_mutex_unlock(&sp->lock);
		split_release(sp, k);
	}
	return (NULL);
}

/* Where range k's rows start; the hasher has counted ranges 0..k-1. */
static size_t
split_start(const struct split *sp, size_t k)
{
	size_t	 s;

	if (k == 0)
		return (sp->data);
	if (k >= sp->n)
		return (sp->size);
	s = csv_row_start(sp->map, sp->size, k * sp->chunk,
	    (int)(sp->qb[k] & 1));
	return (s < sp->data ? sp->data : s);
}

/* Parses range k with w; 0, or -1 with sp->err set (lowest range wins). */
static int
split_range(struct split *sp, struct worker *w, size_t k)
{
	size_t		 s, end, need = k + 2 < sp->n ? k + 2 : sp->n;
	uint64_t	 q, nl;
	ssize_t		 used;
	struct err	 e;

	pthread_mutex_lock(&sp->lock);
	while (sp->ready < need)
		pthread_cond_wait(&sp->cv, &sp->lock);
	pthread_mutex_unlock(&sp->lock);
	s = split_start(sp, k);
	end = split_start(sp, k + 1);
	if (k > 0) {
		csv_count(sp->map + k * sp->chunk, s - k * sp->chunk, &q, &nl);
		w->c.line = 1 + sp->nlb[k] + nl;
	}
	used = end > s ? csv_scan(&w->c, sp->map + s, end - s, 1) : 0;
	split_release(sp, k);
	__atomic_add_fetch(&sp->parsed, end - s, __ATOMIC_RELAXED);
	if (!w->fatal && used >= 0)
		return (0);
	err_clear(&e);
	(void)scan_error(w, &e);
	pthread_mutex_lock(&sp->lock);
	sp->stop = 1;
	pthread_cond_broadcast(&sp->cv);
	if (k < sp->err_k) {
		sp->err_k = k;
		snprintf(sp->err, sizeof(sp->err), "%s", e.msg);
	}
	pthread_mutex_unlock(&sp->lock);
	return (-1);
}

/*
 * --threads 1: the mapped file in one pass on this thread. Each MiB is
 * hashed, then parsed while still in cache; rows run on from one step to
 * the next (csv_scan() leaves an incomplete last row for the next call),
 * so no counting pass is needed. Parsed pages are dropped as in the split.
 */
#define MAP_STEP	(1u << 20)

static int
map_scan(struct split *sp, struct worker *w, struct err *e)
{
	struct ingest	*ing = sp->ing;
	size_t		 pos = sp->data, hashed = 0, dropped = 0, hi;
	size_t		 step = sp->chunk < MAP_STEP ? sp->chunk : MAP_STEP;
	ssize_t		 used;

	while (hashed < sp->size) {
		hi = sp->size - hashed <= step ? sp->size : hashed + step;
		(void)XXH3_128bits_update(&sp->hash, sp->map + hashed,
		    hi - hashed);
		hashed = hi;
		if (hi < pos)
			continue;	/* the header is longer than a step */
		used = csv_scan(&w->c, sp->map + pos, hi - pos,
		    hi == sp->size);
		if (w->fatal || used < 0)
			return (scan_error(w, e));
		pos += used;
		if (hi - pos > RESERVE)
			return (long_row_error(w->name, w->c.line, e));
		if (pos - dropped >= sp->chunk) {
			map_drop(sp, dropped, pos);
			dropped = pos;
			if (ing->opts.progress != NULL)
				ing->opts.progress(ing->opts.progress_arg,
				    pos, sp->size);
		}
	}
	return (0);
}

/* Claims ranges in order until none is left or one failed. */
static void
split_loop(struct split *sp, struct worker *w, int progress)
{
	struct ingest	*ing = sp->ing;
	size_t		 k;

	for (;;) {
		pthread_mutex_lock(&sp->lock);
		if (sp->stop || sp->next >= sp->n) {
			pthread_mutex_unlock(&sp->lock);
			return;
		}
		k = sp->next++;
		pthread_cond_broadcast(&sp->cv);
		pthread_mutex_unlock(&sp->lock);
		if (split_range(sp, w, k) == -1)
			return;
		if (progress && ing->opts.progress != NULL)
			ing->opts.progress(ing->opts.progress_arg,
			    __atomic_load_n(&sp->parsed, __ATOMIC_RELAXED),
			    sp->size);
	}
}

static void *
split_helper_main(void *arg)
{
	struct worker	*w = arg;

	split_loop(w->ing->split, w, 0);
	return (NULL);
}

static int
reject_cmp(const void *a, const void *b)
{
	const struct ingest_reject *x = a, *y = b;

	return (x->line < y->line ? -1 : x->line > y->line);
}

/* Adds the helper's report and rollups to the delivery's. */
static int
split_merge(struct ingest *ing, struct worker *h, struct err *e)
{
	struct ingest_report	*r = &ing->rep, *o = h->rep;
	struct ingest_reject	 all[2 * INGEST_REJECTS_LISTED];
	size_t			 n = 0, i;
	int			 rc;

	if ((rc = rollup_merge(&ing->roll, h->roll)) == -1)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: a sum "
		    "overflows 64 bits (more than 9.2 billion in currency "
		    "units)", h->name));
	if (rc == -2)
		return (err_set(e, ERR_LIMIT, NULL, NULL, "more than %u "
		    "distinct rollup keys", ROLLUP_MAX_KEYS));
	if (__builtin_add_overflow(r->out_unblended, o->out_unblended,
	    &r->out_unblended))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "out-of-membership sum overflows"));
	r->out_lines += o->out_lines;
	r->rejected += o->rejected;
	/* Each list is in line order: the first 20 of both are listed. */
	for (i = 0; i < r->n_rejects; i++)
		all[n++] = r->rejects[i];
	for (i = 0; i < o->n_rejects; i++)
		all[n++] = o->rejects[i];
	qsort(all, n, sizeof(all[0]), reject_cmp);
	r->n_rejects = n < INGEST_REJECTS_LISTED ? n : INGEST_REJECTS_LISTED;
	memcpy(r->rejects, all, r->n_rejects * sizeof(all[0]));
	return (0);
}

static int
add_split(struct ingest *ing, int fd, struct ingest_file *file,
    uint64_t size, struct err *e)
{
	struct ingest_report	*r = &ing->rep;
	struct split		 sp;
	struct worker		*w = NULL, *h = NULL;
	struct ingest_report	*hrep = NULL;
	struct rollup		 hroll;
	pthread_t		 hasher, helper;
	char			**names, msg[160];
	void			*map;
	ssize_t			 used;
	uint64_t		 line = 1;
	int			 i, ncols, rc = -1, have_hasher = 0;
	int			 have_helper = 0;

	memset(&hroll, 0, sizeof(hroll));
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return (err_set(e, ERR_INTERNAL, NULL, NULL, "%s: mmap: %s",
		    file->name, strerror(errno)));
	memset(&sp, 0, sizeof(sp));
	sp.ing = ing;
	sp.map = map;
	sp.size = size;
	sp.chunk = ing->opts.split_bytes > 0 ? ing->opts.split_bytes :
	    SPLIT_BYTES;
	sp.n = (size + sp.chunk - 1) / sp.chunk;
	sp.qb = xcalloc(sp.n + 1, sizeof(*sp.qb));
	sp.nlb = xcalloc(sp.n + 1, sizeof(*sp.nlb));
	sp.users = xcalloc(sp.n, 1);
	sp.err_k = (size_t)-1;
	digest_init(&sp.hash);
	pthread_mutex_init(&sp.lock, NULL);
	pthread_cond_init(&sp.cv, NULL);
	ing->split = &sp;

	used = csv_header(sp.map, size, 1, &ing->ar, &names, &ncols, msg,
	    sizeof(msg));
	if (used < 0) {
		err_set(e, ERR_INVALID, NULL, NULL, "%s:1: %s", file->name,
		    msg);
		goto out;
	}
	for (i = 0; i < (int)used; i++)
		line += sp.map[i] == '\n';
	sp.data = used;
	w = xcalloc(1, sizeof(*w));
	w->ing = ing;
	w->rep = r;
	w->roll = &ing->roll;
	w->name = file->name;
	w->last_acct = "";
	w->last_acct_idx = -1;
	w->currency_len = -1;
	if (worker_setup(w, names, ncols, line, e) == -1)
		goto out;
	if (ing->opts.threads == 1) {
		if (map_scan(&sp, w, e) == -1)
			goto out;
		goto parsed;
	}
	if (pthread_create(&hasher, NULL, split_hash_main, &sp) != 0) {
		err_set(e, ERR_INTERNAL, NULL, NULL, "pthread_create failed");
		goto out;
	}
	have_hasher = 1;

	/* The first range alone: it fixes payer, period and currency. */
	sp.next = 1;
	if (split_range(&sp, w, 0) == 0 && ing->have_payer &&
	    ing->have_period && (ing->have_currency ||
	    w->col_of[S_CURRENCY] < 0)) {
		h = xcalloc(1, sizeof(*h));
		hrep = xcalloc(1, sizeof(*hrep));
		memcpy(hrep->payer_id, r->payer_id, sizeof(r->payer_id));
		memcpy(hrep->period, r->period, sizeof(r->period));
		memcpy(hrep->currency, r->currency, sizeof(r->currency));
		rollup_init(&hroll, 1 << 16);
		*h = *w;
		csv_init(&h->c, ncols, line);
		memcpy(h->c.slot, w->c.slot, sizeof(h->c.slot));
		h->c.nslots = w->c.nslots;
		h->c.row = w->c.row;
		h->c.reject = w->c.reject;
		h->c.arg = h;
		h->rep = hrep;
		h->roll = &hroll;
		h->last_acct = "";
		h->last_acct_len = 0;
		h->last_acct_idx = -1;
		h->currency_len = -1;
		memset(h->last_start, 0, sizeof(h->last_start));
		if (pthread_create(&helper, NULL, split_helper_main, h) == 0)
			have_helper = 1;
	}
	/* Without a helper (or if the first range left the delivery's
	 * payer, period or currency open) this thread parses them all. */
	split_loop(&sp, w, 1);
	if (have_helper) {
		pthread_join(helper, NULL);
		have_helper = 0;
	}
	if (sp.err_k != (size_t)-1) {
		pthread_mutex_lock(&sp.lock);
		sp.stop = 1;
		pthread_cond_broadcast(&sp.cv);
		pthread_mutex_unlock(&sp.lock);
	}
	/* On success every range was counted: the hasher has finished. */
	pthread_join(hasher, NULL);
	have_hasher = 0;
	if (sp.err_k != (size_t)-1) {
		err_set(e, ERR_INVALID, NULL, NULL, "%s", sp.err);
		goto out;
	}
	if (h != NULL && split_merge(ing, h, e) == -1)
		goto out;
parsed:
	file->bytes = size;
	file->csv_bytes = size;
	file->rows = w->c.rows + (h != NULL ? h->c.rows : 0);
	snprintf(file->format, sizeof(file->format), "%s",
	    cur_format_name(w->fmt));
	digest_hex(&sp.hash, file->digest);
	r->bytes += size;
	r->csv_bytes += size;
	r->rows += file->rows;
	if (r->format[0] == '\0')
		snprintf(r->format, sizeof(r->format), "%s", file->format);
	r->n_files++;
	if (ing->opts.progress != NULL)
		ing->opts.progress(ing->opts.progress_arg, size, size);
	rc = 0;
out:
	if (have_hasher) {
		pthread_mutex_lock(&sp.lock);
		sp.stop = 1;
		pthread_cond_broadcast(&sp.cv);
		pthread_mutex_unlock(&sp.lock);
		pthread_join(hasher, NULL);
	}
	if (h != NULL)
		csv_release(&h->c);
	if (w != NULL)
		csv_release(&w->c);
	xfree(h);
	xfree(hrep);
	xfree(w);
	if (hroll.slots != NULL)
		rollup_release(&hroll);
	xfree(sp.qb);
	xfree(sp.nlb);
	xfree(sp.users);
	pthread_mutex_destroy(&sp.lock);
	pthread_cond_destroy(&sp.cv);
	ing->split = NULL;
	munmap(map, size);
	return (rc);
}

/*
 * Parquet (billing/parquet.h): the file's top-level columns stand for the
 * header, and its rows go through on_row() as a CSV's do, with the same
 * slots, on as many threads as cores (--threads) and row groups allow.
 * Everything else here is bookkeeping, as in add_split().
 */
struct pq_helper {
	struct worker		 w;
	struct ingest_report	 rep;
	struct rollup		 roll;
};

struct pq_digest {
	int		 fd;
	uint64_t	 size;
	XXH3_state_t	 hash;
	int		 failed;
};

static enum parquet_kind
pq_kind(int s)
{
	if (s == S_PAYER || s == S_ACCOUNT)
		return (PARQUET_ID);
	if (s == S_START || s == S_PERIOD)
		return (PARQUET_TIME);
	if (s >= S_UNBLENDED && s <= S_RI_UNUSED_FEE)
		return (PARQUET_NUMBER);
	return (PARQUET_TEXT);
}

/* The helpers may start once the first rows fixed the delivery. */
static int
pq_ready(void *arg)
{
	struct worker	*w = arg;
	struct ingest	*ing = w->ing;

	return (!w->fatal && ing->have_payer && ing->have_period &&
	    (ing->have_currency || w->col_of[S_CURRENCY] < 0) &&
	    ing->mi.slots != NULL);
}

static void *
pq_helper_new(void *arg)
{
	struct worker		*w = arg;
	struct pq_helper	*h = xcalloc(1, sizeof(*h));

	h->w = *w;	/* its csv is w's, only read (ncols for rejects) */
	memcpy(h->rep.payer_id, w->rep->payer_id, sizeof(h->rep.payer_id));
	memcpy(h->rep.period, w->rep->period, sizeof(h->rep.period));
	memcpy(h->rep.currency, w->rep->currency, sizeof(h->rep.currency));
	rollup_init(&h->roll, 1 << 16);
	h->w.rep = &h->rep;
	h->w.roll = &h->roll;
	h->w.last_acct = "";
	h->w.last_acct_len = 0;
	h->w.last_acct_idx = -1;
	h->w.currency_len = -1;
	memset(h->w.last_start, 0, sizeof(h->w.last_start));
	return (h);
}

static int
pq_helper_done(void *arg, void *h, struct err *e)
{
	return (split_merge(((struct worker *)arg)->ing,
	    &((struct pq_helper *)h)->w, e));
}

static void
pq_helper_free(void *arg)
{
	struct pq_helper	*h = arg;

	rollup_release(&h->roll);
	xfree(h);
}

static int
pq_error(void *arg, struct err *e)
{
	return (scan_error(arg, e));
}

static void
pq_progress(void *arg, uint64_t done, uint64_t total)
{
	struct ingest	*ing = ((struct worker *)arg)->ing;

	ing->opts.progress(ing->opts.progress_arg, done, total);
}

/* The file's digest, read with pread(2) beside the decoding. */
static void *
pq_digest_main(void *arg)
{
	struct pq_digest	*d = arg;
	char			*buf = xmalloc(1 << 20);
	uint64_t		 off;
	ssize_t			 r;

	for (off = 0; off < d->size; off += (uint64_t)r) {
		r = pread(d->fd, buf, d->size - off < (1 << 20) ?
		    (size_t)(d->size - off) : (1 << 20), (off_t)off);
		if (r < 0 && errno == EINTR) {
			r = 0;
			continue;
		}
		if (r <= 0) {
			d->failed = 1;
			break;
		}
		(void)XXH3_128bits_update(&d->hash, buf, (size_t)r);
	}
	xfree(buf);
	return (NULL);
}

static int
add_parquet(struct ingest *ing, int fd, struct ingest_file *file,
    uint64_t size, const unsigned char *pre, struct err *e)
{
	struct ingest_report	*r = &ing->rep;
	struct parquet_sink	 sink;
	struct parquet		*pq = NULL;
	struct worker		*w = NULL;
	struct pq_digest	 d;
	pthread_t		 th;
	char			**names;
	long			 cores = sysconf(_SC_NPROCESSORS_ONLN);
	int			 s, ncols, sfd = -1, rc = -1, hashing = 0, nums;
	int			 threads = ing->opts.threads > 0 ? ing->opts.threads :
				    cores > 0 ? (int)cores : 1;

	if (size == 0) {
		/* A pipe (an upload): the footer is at the end. */
		if (parquet_spool(fd, pre, 4, &sfd, &size, e) == -1)
			return (-1);
		fd = sfd;
	}
	if (parquet_open(fd, size, file->name, &pq, e) == -1)
		goto out;
	names = parquet_columns(pq, &ncols);
	w = xcalloc(1, sizeof(*w));
	w->ing = ing;
	w->rep = r;
	w->roll = &ing->roll;
	w->name = file->name;
	w->last_acct = "";
	w->last_acct_idx = -1;
	w->currency_len = -1;
	if (worker_setup(w, names, ncols, 1, e) == -1)
		goto out;
	for (s = 0; s < S_NSLOTS; s++) {
		if (w->col_of[s] < 0)
			continue;
		if (parquet_want(pq, w->col_of[s], s, pq_kind(s), &nums,
		    e) == -1)
			goto out;
		w->nums |= (uint32_t)nums << s;
	}
	memset(&d, 0, sizeof(d));
	d.fd = fd;
	d.size = size;
	digest_init(&d.hash);
	if (threads == 1)
		pq_digest_main(&d);
	else if (pthread_create(&th, NULL, pq_digest_main, &d) == 0)
		hashing = 1;
	else
		pq_digest_main(&d);
	memset(&sink, 0, sizeof(sink));
	sink.row = on_row;
	sink.arg = w;
	sink.ready = pq_ready;
	sink.helper_new = pq_helper_new;
	sink.helper_done = pq_helper_done;
	sink.helper_free = pq_helper_free;
	sink.error = pq_error;
	sink.progress = ing->opts.progress != NULL ? pq_progress : NULL;
	rc = parquet_scan(pq, threads, &sink, e);
	if (hashing)
		pthread_join(th, NULL);
	if (rc == -1)
		goto out;
	rc = -1;
	if (d.failed) {
		err_set(e, ERR_INVALID, NULL, NULL, "%s: read: %s", file->name,
		    strerror(errno));
		goto out;
	}
	file->bytes = size;
	file->csv_bytes = parquet_plain_bytes(pq);
	file->rows = parquet_rows(pq);
	snprintf(file->format, sizeof(file->format), "%s",
	    cur_format_name(w->fmt));
	digest_hex(&d.hash, file->digest);
	r->bytes += file->bytes;
	r->csv_bytes += file->csv_bytes;
	r->rows += file->rows;
	if (r->format[0] == '\0')
		snprintf(r->format, sizeof(r->format), "%s", file->format);
	r->n_files++;
	rc = 0;
out:
	if (w != NULL)
		csv_release(&w->c);
	xfree(w);
	parquet_free(pq);
	if (sfd != -1)
		close(sfd);
	return (rc);
}

int
ingest_add_fd(struct ingest *ing, int fd, const char *name, struct err *e)
{
	struct ingest_report	*r = &ing->rep;
	struct ingest_file	*file;
	struct reader		 rd;
	struct worker		*w = NULL;
	struct stat		 sb;
	pthread_t		 th;
	struct slot		*s, *prev = NULL;
	char			*start, **names, msg[160];
	const char		*tail = NULL;
	size_t			 tail_len = 0, n;
	ssize_t			 used;
	uint64_t		 total = 0, line = 1;
	int			 i, ncols, have_header = 0, rc = -1;
	int			 threaded = 0;

	if (ing->broken)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "this delivery already failed"));
	if (r->n_files >= INGEST_FILES_MAX)
		return (err_set(e, ERR_LIMIT, NULL, NULL, "more than %d files "
		    "in one delivery", INGEST_FILES_MAX));
	file = &r->files[r->n_files];
	memset(file, 0, sizeof(*file));
	snprintf(file->name, sizeof(file->name), "%s", name);
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
		total = sb.st_size;

	memset(&rd, 0, sizeof(rd));
	rd.fd = fd;
	rd.name = name;
	pthread_mutex_init(&rd.lock, NULL);
	pthread_cond_init(&rd.cv, NULL);
	for (i = 0; i < NBUF; i++)
		rd.s[i].mem = xmalloc(RESERVE + CHUNK + 64);
	/* Sniff gzip or Parquet from the first bytes, kept as input (a
	 * pipe cannot rewind). */
	digest_init(&rd.hash);
	if ((used = read_full(fd, rd.pre, 4)) < 0) {
		err_set(e, ERR_INVALID, NULL, NULL, "%s: read: %s", name,
		    strerror(errno));
		goto out_noreader;
	}
	rd.npre = used;
	if (used >= 2 && rd.pre[0] == 0x1f && rd.pre[1] == 0x8b)
		rd.gzip = 1;
	if (used == 4 && memcmp(rd.pre, PARQUET_MAGIC, 4) == 0) {
		rc = add_parquet(ing, fd, file, total, rd.pre, e);
		goto out_noreader;
	}
	if (rd.gzip) {
		rd.in = xmalloc(CHUNK / 2);
		rd.z = xcalloc(1, sizeof(*rd.z));
		isal_inflate_init(rd.z);
		rd.z->crc_flag = ISAL_GZIP;
	}
	file->gzip = rd.gzip;
	if (!rd.gzip && total >= 2 * (ing->opts.split_bytes > 0 ?
	    ing->opts.split_bytes : SPLIT_BYTES)) {
		rc = add_split(ing, fd, file, total, e);
		goto out_noreader;
	}
	w = xcalloc(1, sizeof(*w));
	w->ing = ing;
	w->rep = &ing->rep;
	w->roll = &ing->roll;
	w->name = file->name;
	w->last_acct = "";
	w->last_acct_idx = -1;
	w->currency_len = -1;
	memset(w->last_start, 0, sizeof(w->last_start));
	threaded = ing->opts.threads != 1;
	if (threaded && pthread_create(&th, NULL, reader_main, &rd) != 0)
		threaded = 0;

	for (;;) {
		/* The next buffer, filled by the reader (or here). */
		if (threaded) {
			pthread_mutex_lock(&rd.lock);
			while (!rd.s[rd.tail].full)
				pthread_cond_wait(&rd.cv, &rd.lock);
			s = &rd.s[rd.tail];
			pthread_mutex_unlock(&rd.lock);
		} else {
			s = &rd.s[rd.tail];
			reader_step(&rd, s);
		}
		if (rd.failed) {
			err_set(e, ERR_INVALID, NULL, NULL, "%s", rd.msg);
			goto out;
		}
		start = s->mem + RESERVE - tail_len;
		if (tail_len > 0)
			memmove(start, tail, tail_len);
		n = tail_len + s->len;
		if (prev != NULL) {
			pthread_mutex_lock(&rd.lock);
			prev->full = 0;
			pthread_cond_broadcast(&rd.cv);
			pthread_mutex_unlock(&rd.lock);
		}
		prev = s;
		rd.tail = (rd.tail + 1) % NBUF;
		used = 0;
		if (!have_header) {
			used = csv_header(start, n, s->eof, &ing->ar, &names,
			    &ncols, msg, sizeof(msg));
			if (used < 0) {
				err_set(e, ERR_INVALID, NULL, NULL, "%s:1: %s",
				    name, msg);
				goto out;
			}
			if (used > 0) {
				for (i = 0; i < (int)used; i++)
					line += start[i] == '\n';
				if (worker_setup(w, names, ncols, line, e) == -1)
					goto out;
				have_header = 1;
			}
		}
		if (have_header) {
			ssize_t k = csv_scan(&w->c, start + used, n - used,
			    s->eof);
			if (w->fatal || k < 0) {
				(void)scan_error(w, e);
				goto out;
			}
			used += k;
		}
		tail = start + used;
		tail_len = n - used;
		if (s->eof)
			break;
		if (tail_len > RESERVE) {
			(void)long_row_error(name, have_header ? w->c.line : 1,
			    e);
			goto out;
		}
		if (ing->opts.progress != NULL)
			ing->opts.progress(ing->opts.progress_arg, rd.raw,
			    total);
	}
	if (!have_header) {
		err_set(e, ERR_INVALID, NULL, NULL, "%s: empty file", name);
		goto out;
	}
	file->bytes = rd.raw;
	file->csv_bytes = rd.out;
	file->rows = w->c.rows;
	snprintf(file->format, sizeof(file->format), "%s",
	    cur_format_name(w->fmt));
	digest_hex(&rd.hash, file->digest);
	r->bytes += rd.raw;
	r->csv_bytes += rd.out;
	r->rows += w->c.rows;
	if (r->format[0] == '\0')
		snprintf(r->format, sizeof(r->format), "%s", file->format);
	r->n_files++;
	if (ing->opts.progress != NULL)
		ing->opts.progress(ing->opts.progress_arg, rd.raw, total);
	rc = 0;
out:
	if (threaded) {
		pthread_mutex_lock(&rd.lock);
		rd.stop = 1;
		for (i = 0; i < NBUF; i++)
			rd.s[i].full = 0;
		pthread_cond_broadcast(&rd.cv);
		pthread_mutex_unlock(&rd.lock);
		/* The reader may be filling a slot: wait for it. */
		pthread_join(th, NULL);
	}
out_noreader:
	if (w != NULL)
		csv_release(&w->c);
	xfree(w);
	for (i = 0; i < NBUF; i++)
		xfree(rd.s[i].mem);
	xfree(rd.in);
	xfree(rd.z);
	pthread_mutex_destroy(&rd.lock);
	pthread_cond_destroy(&rd.cv);
	if (rc == -1)
		ing->broken = 1;
	return (rc);
}

int
ingest_new(struct store *st, const struct ingest_opts *opts,
    struct ingest **out, struct err *e)
{
	struct ingest	*ing;
	size_t		 n;
	char		 id[ACCOUNT_ID_LEN + 1];

	ing = xcalloc(1, sizeof(*ing));
	ing->st = st;
	if (opts != NULL)
		ing->opts = *opts;
	arena_init(&ing->ar);
	clock_gettime(CLOCK_MONOTONIC, &ing->t0);
	snprintf(ing->rep.role, sizeof(ing->rep.role), "%s",
	    ing->opts.reference ? PAID_ROLE_REFERENCE : PAID_ROLE_BILLING);
	/* Whose bill may come in is decided at the payer's first sight
	 * (payer_fix), so the MSP's payer is read now, once. */
	if (paid_payer(st, ing->msp_payer, e) == -1) {
		if (e->code != ERR_NOT_FOUND) {
			ingest_free(ing);
			return (-1);
		}
		ing->msp_payer[0] = '\0';
		err_clear(e);
	}
	if (ing->opts.payer != NULL) {
		n = strlen(ing->opts.payer);
		if (account_id_norm(ing->opts.payer, n, id) == -1) {
			ingest_free(ing);
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "--payer: not an AWS account id (12 digits)"));
		}
		if (paid_import_allowed(ing->msp_payer, id, ACCOUNT_ID_LEN,
		    ing->rep.role, e) == -1) {
			ingest_free(ing);
			return (-1);
		}
		memcpy(ing->rep.payer_id, id, sizeof(id));
		ing->payer_len = ACCOUNT_ID_LEN;
		ing->have_payer = 1;
	}
	if (ing->opts.period != NULL) {
		if (!month_valid(ing->opts.period)) {
			ingest_free(ing);
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "--period: not YYYY-MM"));
		}
		memcpy(ing->rep.period, ing->opts.period, 8);
		(void)month_bounds(ing->rep.period, &ing->period_lo,
		    &ing->period_hi);
		ing->have_period = 1;
	}
	/* Both given: load now, before any helper thread can start. */
	if (ing->have_payer && ing->have_period && members_load(ing) == -1) {
		*e = ing->mi.err;
		ingest_free(ing);
		return (-1);
	}
	rollup_init(&ing->roll, 1 << 16);
	*out = ing;
	return (0);
}

const struct ingest_report *
ingest_report(const struct ingest *ing)
{
	return (&ing->rep);
}

void
ingest_free(struct ingest *ing)
{
	if (ing == NULL)
		return;
	rollup_release(&ing->roll);
	xfree(ing->mi.slots);
	xfree(ing->rep.accounts);
	arena_release(&ing->ar);
	xfree(ing);
}

static int
account_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct ingest_account *)a)->account_id,
	    ((const struct ingest_account *)b)->account_id));
}

/*
 * The rollups are inserted by account, then day: the index's order, so
 * the inserts append to it (twice as fast as in hash order). A sort that
 * compares keys misses the cache on every compare (the keys are tens of
 * MB, in arrival order); so each entry gets a 64-bit rank in one pass,
 * the 12-digit account as a number (same order as the text, all being
 * 12 digits) over the day, and only the ranks are sorted. An account
 * that is not 12 digits (never in AWS files) falls back to comparing keys.
 */
struct entry_rank {
	uint64_t	 rank;
	uint32_t	 i;
};

/* LSD radix sort, a byte a pass; a byte that is the same in every rank
 * (most of the high ones) costs one counting pass. */
static void
rank_sort(struct entry_rank *a, struct entry_rank *tmp, size_t n)
{
	struct entry_rank	*src = a, *dst = tmp, *t;
	size_t			 cnt[256], i, b, sum, c;
	int			 sh;

	for (sh = 0; sh < 64 && n > 0; sh += 8) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[src[i].rank >> sh & 255]++;
		if (cnt[src[0].rank >> sh & 255] == n)
			continue;
		for (sum = 0, b = 0; b < 256; b++) {
			c = cnt[b];
			cnt[b] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[cnt[src[i].rank >> sh & 255]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

static int
entry_cmp(const void *a, const void *b, void *arg)
{
	const char	*keys = arg;
	const struct rollup_entry *x = a, *y = b;
	const char	*p = keys + x->koff, *q = keys + y->koff;
	size_t		 pn = KEY_ACCOUNT_LEN(p), qn = KEY_ACCOUNT_LEN(q);
	int		 c;

	if ((c = memcmp(KEY_ACCOUNT(p), KEY_ACCOUNT(q), pn < qn ? pn :
	    qn)) != 0)
		return (c);
	if (pn != qn)
		return (pn < qn ? -1 : 1);
	return (memcmp(p, q, 10));
}

/* Account then day as one number (10^12 < 2^40, then y:m:d in 14:4:5
 * bits); -1 when the account is not 12 digits or the day not digits. */
static int64_t
entry_rank(const char *k)
{
	static const int d[8] = { 0, 1, 2, 3, 5, 6, 8, 9 };
	const char	*a = KEY_ACCOUNT(k);
	uint64_t	 acct = 0, v[8];
	int		 i;

	if (KEY_ACCOUNT_LEN(k) != 12)
		return (-1);
	for (i = 0; i < 12; i++) {
		if (a[i] < '0' || a[i] > '9')
			return (-1);
		acct = acct * 10 + (uint64_t)(a[i] - '0');
	}
	for (i = 0; i < 8; i++) {
		if (k[d[i]] < '0' || k[d[i]] > '9')
			return (-1);
		v[i] = (uint64_t)(k[d[i]] - '0');
	}
	return ((int64_t)(acct << 23 |
	    (v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3]) << 9 |
	    (v[4] * 10 + v[5]) << 5 | (v[6] * 10 + v[7])));
}

static void
sort_entries(struct rollup *roll)
{
	struct entry_rank	*rk, *tmp;
	struct rollup_entry	*sorted;
	size_t			 i;
	int64_t			 v;

	rk = xmalloc((roll->n + 1) * sizeof(*rk));
	for (i = 0; i < roll->n; i++) {
		if ((v = entry_rank(rollup_key(roll, &roll->e[i]))) < 0) {
			xfree(rk);
			qsort_r(roll->e, roll->n, sizeof(*roll->e), entry_cmp,
			    roll->keys);
			return;
		}
		rk[i].rank = (uint64_t)v;
		rk[i].i = (uint32_t)i;
	}
	tmp = xmalloc((roll->n + 1) * sizeof(*tmp));
	rank_sort(rk, tmp, roll->n);
	xfree(tmp);
	sorted = xmalloc((roll->n + 1) * sizeof(*sorted));
	for (i = 0; i < roll->n; i++)
		sorted[i] = roll->e[rk[i].i];
	memcpy(roll->e, sorted, roll->n * sizeof(*sorted));
	xfree(sorted);
	xfree(rk);
}

/* Splits a rollup key of r's delivery into NUL-terminated fields in buf
 * (the payer and the period are the delivery's: not in the key). */
static void
key_split(const struct ingest_report *r, const char *k, char *buf,
    struct billing_rollup *o)
{
	const char	**dst[7] = { &o->account_id, &o->product_code,
	    &o->usage_type, &o->operation, &o->region, &o->line_item_type,
	    &o->pricing_term };
	size_t		 i, n, off = 11;

	o->payer_id = r->payer_id;
	o->period = r->period;
	memcpy(buf, k, 10);
	buf[10] = '\0';
	o->day = buf;
	o->in_membership = KEY_IN_MEMBERSHIP(k);
	buf += 11;
	for (i = 0; i < 7; i++) {
		n = (unsigned char)k[off];
		memcpy(buf, k + off + 1, n);
		buf[n] = '\0';
		*dst[i] = buf;
		buf += n + 1;
		off += n + 1;
	}
}

/* Per account totals for the report, from the rollups. */
static void
report_accounts(struct ingest *ing)
{
	struct ingest_report	*r = &ing->rep;
	struct rollup		 acc;
	struct rollup_sums	 s;
	size_t			 i;

	rollup_init(&acc, 1024);
	for (i = 0; i < ing->roll.n; i++) {
		const struct rollup_entry *x = &ing->roll.e[i];
		const char *k = rollup_key(&ing->roll, x);
		size_t n = KEY_ACCOUNT_LEN(k);

		memset(&s, 0, sizeof(s));
		/* Reused fields: lines, unblended, out lines, out cost. */
		s.lines = x->sums.lines;
		s.unblended = x->sums.unblended;
		if (!KEY_IN_MEMBERSHIP(k)) {
			s.usage = x->sums.lines;
			s.net = x->sums.unblended;
		}
		(void)rollup_add(&acc, KEY_ACCOUNT(k), n,
		    rollup_hash(KEY_ACCOUNT(k), n), &s);
		(void)__builtin_add_overflow(r->total_unblended,
		    x->sums.unblended, &r->total_unblended);
	}
	r->accounts = xcalloc(acc.n + 1, sizeof(*r->accounts));
	for (i = 0; i < acc.n; i++) {
		struct ingest_account *a = &r->accounts[i];
		size_t n = acc.e[i].klen;

		if (n > BILLING_ID_MAX)
			n = BILLING_ID_MAX;
		memcpy(a->account_id, rollup_key(&acc, &acc.e[i]), n);
		a->lines = acc.e[i].sums.lines;
		a->unblended = acc.e[i].sums.unblended;
		a->out_lines = acc.e[i].sums.usage;
		a->out_unblended = acc.e[i].sums.net;
	}
	r->n_accounts = acc.n;
	qsort(r->accounts, r->n_accounts, sizeof(*r->accounts), account_cmp);
	rollup_release(&acc);
}

static int
owner_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct customer_account *)a)->account_id,
	    ((const struct customer_account *)b)->account_id));
}

/* Each account's customer. A member account no customer owns is billed
 * to nobody, so the report counts those and their cost in membership. */
static int
report_customers(struct ingest *ing, struct err *e)
{
	struct ingest_report	*r = &ing->rep;
	struct customer_account	*v, key;
	const struct customer_account *hit;
	size_t			 n, i;

	if (store_customer_accounts(ing->st, &ing->ar, "", 10000000, &v, &n,
	    e) == -1)
		return (-1);
	if (n > 0)
		qsort(v, n, sizeof(*v), owner_cmp);
	r->no_customer = 0;
	r->no_customer_unblended = 0;
	for (i = 0; i < r->n_accounts; i++) {
		struct ingest_account *a = &r->accounts[i];

		hit = NULL;
		if (n > 0 && strlen(a->account_id) < sizeof(key.account_id)) {
			snprintf(key.account_id, sizeof(key.account_id), "%s",
			    a->account_id);
			hit = bsearch(&key, v, n, sizeof(*v), owner_cmp);
		}
		if (hit != NULL) {
			snprintf(a->customer_id, sizeof(a->customer_id), "%s",
			    hit->customer_id);
			continue;
		}
		/* Never a member, or another payer's history: not the MSP's
		 * to bill. */
		if (a->lines == a->out_lines || ing->opts.reference)
			continue;
		r->no_customer++;
		(void)__builtin_add_overflow(r->no_customer_unblended,
		    a->unblended - a->out_unblended, &r->no_customer_unblended);
	}
	return (0);
}

/* The delivery's digest: the file's, or of the files' digests in order. */
static void
delivery_digest(struct ingest_report *r)
{
	XXH3_state_t	 h;
	size_t		 i;

	if (r->n_files == 1) {
		memcpy(r->digest, r->files[0].digest, sizeof(r->digest));
		return;
	}
	digest_init(&h);
	for (i = 0; i < r->n_files; i++)
		(void)XXH3_128bits_update(&h, r->files[i].digest,
		    INGEST_DIGEST_HEX);
	digest_hex(&h, r->digest);
}

/*
 * Test hooks, honoured only on an emulator store (serve --emulator and the
 * CLI; a production server ignores them), so that tests can hold an import
 * between its rollup batches and make the overlap of two imports happen
 * deterministically (docs/reliability.md):
 *
 * PAYERLINK_TEST_INGEST_BATCH=N	rollup rows per transaction (else BATCH)
 * PAYERLINK_TEST_INGEST_PAUSE=PATH	after a committed batch with more to
 *	come, while PATH exists the import waits; each event is a line
 *	appended to PATH.log ("paused ID", "resumed ID").
 */
static size_t
test_batch(struct ingest *ing)
{
	const char	*v;
	long		 n;

	if (!store_emulated(ing->st) ||
	    (v = getenv("PAYERLINK_TEST_INGEST_BATCH")) == NULL ||
	    (n = strtol(v, NULL, 10)) <= 0 || n > BATCH)
		return (BATCH);
	return ((size_t)n);
}

static void
test_note(struct ingest *ing, const char *what, int64_t id)
{
	const char	*path;
	char		 log[1100];
	FILE		*f;

	if (!store_emulated(ing->st) ||
	    (path = getenv("PAYERLINK_TEST_INGEST_PAUSE")) == NULL ||
	    strlen(path) > 1000)
		return;
	snprintf(log, sizeof(log), "%s.log", path);
	if ((f = fopen(log, "a")) == NULL)
		return;
	fprintf(f, "%s %lld\n", what, (long long)id);
	fclose(f);
}

static void
test_pause(struct ingest *ing, int64_t id)
{
	const char	*path;
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };

	if (!store_emulated(ing->st) ||
	    (path = getenv("PAYERLINK_TEST_INGEST_PAUSE")) == NULL ||
	    access(path, F_OK) == -1)
		return;
	test_note(ing, "paused", id);
	while (access(path, F_OK) == 0)
		nanosleep(&ts, NULL);
	test_note(ing, "resumed", id);
}

/*
 * Deletes the rollups of running import `id`, which this process holds,
 * in transactions of DELETE_BATCH rows, then marks it failed. Bounded, so
 * that cleaning up after a full disk needs little more space than one
 * batch's WAL, freed again by the checkpoint after each. 0: done, or the
 * lease went to another process (which finishes it); -1: left running
 * under a lease that runs out, so a later import finishes it.
 */
static int
import_abandon(struct ingest *ing, int64_t id, struct err *e)
{
	struct store	*st = ing->st;
	int64_t		 now, n;
	int		 rc;

	/* A failed batch's frames first (SQLite): they make the room. */
	(void)store_billing_reclaim(st, STORE_RECLAIM_WAL, NULL);
	do {
		if (store_db_clock(st, &now, e) == -1 ||
		    store_begin(st, STORE_WRITE, e) == -1)
			return (-1);
		if ((rc = store_billing_lease_renew(st, id, lease_owner(),
		    now + lease_ms(st), e)) != 1) {
			store_rollback(st);
			return (rc == 0 ? 0 : -1);
		}
		if (store_billing_rollups_delete(st, id, DELETE_BATCH, &n,
		    e) == -1 || (n < DELETE_BATCH &&
		    store_billing_import_fail(st, id, lease_owner(),
		    store_now(st), e) == -1)) {
			store_rollback(st);
			return (-1);
		}
		if (store_commit(st, e) == -1)
			return (-1);
		(void)store_billing_reclaim(st, STORE_RECLAIM_CHECKPOINT, NULL);
	} while (n == DELETE_BATCH);
	(void)store_billing_reclaim(st, STORE_RECLAIM_ALL, NULL);
	return (0);
}

/*
 * Inside the opening write transaction: takes over the running imports
 * whose owner is gone (lease_orphan()) into taken[] (cleaned after the
 * commit), and finds a live running import of this very delivery (*dup).
 */
static int
judge_running(struct ingest *ing, struct lease *ls, int64_t *taken,
    size_t *n_taken, int64_t *dup, struct err *e)
{
	const struct ingest_report *r = &ing->rep;
	struct billing_import	*v, to;
	struct arena		 a;
	size_t			 n, i;
	int64_t			 now;
	int			 rc = -1, t;

	*dup = 0;
	arena_init(&a);
	if (store_billing_imports(ing->st, &a, "running", ORPHANS_MAX, &v, &n,
	    e) == -1 || store_db_clock(ing->st, &now, e) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (!lease_orphan(&v[i], now)) {
			if (strcmp(v[i].payer_id, r->payer_id) == 0 &&
			    strcmp(v[i].period, r->period) == 0 &&
			    strcmp(v[i].digest, r->digest) == 0)
				*dup = v[i].id;
			continue;
		}
		to = v[i];
		lease_stamp(&to, now + lease_ms(ing->st));
		if ((t = store_billing_lease_take(ing->st, &v[i], &to,
		    e)) == -1)
			goto out;
		if (t == 1) {
			log_info("import %lld of %s/%s was abandoned by its "
			    "owner %s (pid %lld on %s); deleting its rows",
			    (long long)v[i].id, v[i].payer_id, v[i].period,
			    v[i].owner[0] != '\0' ? v[i].owner : "(none)",
			    (long long)v[i].pid, v[i].owner_host);
			lease_hold(ls, v[i].id);
			taken[(*n_taken)++] = v[i].id;
		}
	}
	rc = 0;
out:
	arena_release(&a);
	return (rc);
}

/* In a write transaction: still ours, and the lease renewed. */
static int
lease_check(struct ingest *ing, int64_t id, struct err *e)
{
	int64_t	 now;
	int	 rc;

	if (store_db_clock(ing->st, &now, e) == -1 ||
	    (rc = store_billing_lease_renew(ing->st, id, lease_owner(),
	    now + lease_ms(ing->st), e)) == -1)
		return (-1);
	if (rc == 0)
		return (err_set(e, ERR_CONFLICT, NULL, NULL, "import %lld is no "
		    "longer running: another process took it for abandoned; "
		    "nothing imported", (long long)id));
	return (0);
}

int
ingest_commit(struct ingest *ing, struct err *e)
{
	struct ingest_report	*r = &ing->rep;
	struct billing_import	 cur, imp;
	struct billing_rollup	*rows = NULL;
	struct lease		*ls = NULL;
	struct timespec		 wait = { 0, WAIT_MS * 1000000L };
	struct err		 e2;
	char			*kbuf = NULL;
	size_t			 i, nrows, n_taken, batch = test_batch(ing);
	int64_t			 taken[ORPHANS_MAX], dup;
	int			 in_txn = 0, have_imp = 0, waited = 0;

	if (ing->broken)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "the delivery failed: nothing imported"));
	if (r->n_files == 0)
		return (err_set(e, ERR_INVALID, NULL, NULL, "no file"));
	if (!ing->have_payer || !ing->have_period)
		return (err_set(e, ERR_INVALID, NULL, NULL, "no data row: "
		    "cannot tell the payer and period (use --payer and "
		    "--period)"));
	if (r->currency[0] == '\0')
		snprintf(r->currency, sizeof(r->currency), "USD");
	r->parse_seconds = elapsed(&ing->t0);
	delivery_digest(r);
	report_accounts(ing);
	if (report_customers(ing, e) == -1)
		return (-1);
	r->groups = ing->roll.n;
	if (lease_start(ing->st, &ls, e) == -1)
		return (-1);
	memset(&imp, 0, sizeof(imp));

	/*
	 * 1. Under the write lock: the same digest as the current version is
	 * nothing to do; orphans are taken over; the same delivery being
	 * written by a live import is waited for (then it is current:
	 * "already imported"; or it failed: this one goes on); else this
	 * import is inserted as running under this process's lease.
	 */
	for (;;) {
		n_taken = 0;
		if (store_begin(ing->st, STORE_WRITE, e) == -1)
			goto fail;
		in_txn = 1;
		if (store_billing_current(ing->st, r->payer_id, r->period,
		    &cur, NULL) == 0 && strcmp(cur.digest, r->digest) == 0) {
			if (store_commit(ing->st, e) == -1)
				goto fail;
			lease_stop(ls);
			snprintf(r->status, sizeof(r->status),
			    "already imported");
			r->import_id = cur.id;
			r->seconds = elapsed(&ing->t0);
			return (0);
		}
		if (judge_running(ing, ls, taken, &n_taken, &dup, e) == -1)
			goto fail;
		if (dup == 0) {
			snprintf(imp.payer_id, sizeof(imp.payer_id), "%s",
			    r->payer_id);
			snprintf(imp.period, sizeof(imp.period), "%s",
			    r->period);
			snprintf(imp.status, sizeof(imp.status), "running");
			snprintf(imp.format, sizeof(imp.format), "%s",
			    r->format);
			snprintf(imp.role, sizeof(imp.role), "%s", r->role);
			snprintf(imp.file_name, sizeof(imp.file_name), "%s",
			    r->files[0].name);
			snprintf(imp.digest, sizeof(imp.digest), "%s",
			    r->digest);
			snprintf(imp.currency, sizeof(imp.currency), "%s",
			    r->currency);
			imp.bytes = r->bytes;
			imp.rows = r->rows;
			imp.rejected = r->rejected;
			imp.started_at = store_now(ing->st);
			if (store_db_clock(ing->st, &imp.lease_until, e) == -1)
				goto fail;
			lease_stamp(&imp, imp.lease_until +
			    lease_ms(ing->st));
			err_clear(&e2);
			/* The unique index on running deliveries: one
			 * beyond the imports judge_running() read. */
			if (store_billing_import_insert(ing->st, &imp,
			    &e2) == -1) {
				if (e2.code != ERR_CONFLICT) {
					*e = e2;
					goto fail;
				}
				dup = -1;
			} else {
				lease_hold(ls, imp.id);
				have_imp = 1;
			}
		}
		if (store_commit(ing->st, e) == -1)
			goto fail;
		in_txn = 0;
		for (i = 0; i < n_taken; i++) {
			err_clear(&e2);
			if (import_abandon(ing, taken[i], &e2) == -1)
				log_warnx("import %lld: cleanup left for "
				    "later: %s", (long long)taken[i], e2.msg);
			lease_release(ls, taken[i]);
		}
		if (dup == 0)
			break;
		if (!waited++)
			test_note(ing, "waiting", dup);
		nanosleep(&wait, NULL);
	}

	/* 2. The rollups, one transaction per batch, multi-row inserts;
	 * each batch checks that the import is still this process's. A
	 * large import sets space aside first, for its cleanup should the
	 * disk fill (store_billing_ballast()). */
	if (ing->roll.n >= BALLAST_ROWS &&
	    store_billing_ballast(ing->st, 1, e) == -1)
		goto fail;
	sort_entries(&ing->roll);
	if (store_billing_ingest_tune(ing->st, 1, e) == -1)
		goto fail;
	rows = xcalloc(STORE_ROLLUP_MULTI, sizeof(*rows));
	kbuf = xmalloc(STORE_ROLLUP_MULTI * (KEY_MAX + 32));
	for (i = 0, nrows = 0; i < ing->roll.n; i++) {
		const struct rollup_entry *x = &ing->roll.e[i];
		struct billing_rollup *o = &rows[nrows++];

		/* Sorted entries' keys are scattered: load ahead. */
		if (i + 16 < ing->roll.n)
			__builtin_prefetch(rollup_key(&ing->roll, x + 16));

		key_split(r, rollup_key(&ing->roll, x),
		    kbuf + (nrows - 1) * (KEY_MAX + 32), o);
		o->unblended = x->sums.unblended;
		o->net_unblended = x->sums.net;
		o->amortized = x->sums.amortized;
		o->public_on_demand = x->sums.public_od;
		o->usage_amount = x->sums.usage;
		o->line_count = x->sums.lines;
		if (nrows < STORE_ROLLUP_MULTI && (i + 1) % batch != 0 &&
		    i + 1 < ing->roll.n)
			continue;
		if (!in_txn) {
			if (store_begin(ing->st, STORE_WRITE, e) == -1)
				goto fail;
			in_txn = 1;
			if (lease_check(ing, imp.id, e) == -1)
				goto fail;
		}
		if (store_billing_rollup_insert_many(ing->st, imp.id, rows,
		    nrows, e) == -1)
			goto fail;
		nrows = 0;
		if ((i + 1) % batch == 0 || i + 1 == ing->roll.n) {
			if (store_space_reserve(ing->st, e) == -1 ||
			    store_commit(ing->st, e) == -1)
				goto fail;
			in_txn = 0;
			if (i + 1 < ing->roll.n)
				test_pause(ing, imp.id);
		}
	}

	/* 3. Flip the current version, only if the import is still this
	 * process's running import and complete; the replaced one's rows go.
	 * Synced as every other commit (tune(0)), and with it the batches
	 * before. */
	if (store_billing_ingest_tune(ing->st, 0, e) == -1 ||
	    store_begin(ing->st, STORE_WRITE, e) == -1)
		goto fail;
	in_txn = 1;
	if (store_billing_flip(ing->st, imp.id, lease_owner(),
	    (int64_t)ing->roll.n, store_now(ing->st), &r->replaced_id,
	    e) == -1 || store_space_reserve(ing->st, e) == -1 ||
	    store_commit(ing->st, e) == -1)
		goto fail;
	in_txn = 0;
	lease_release(ls, imp.id);
	lease_stop(ls);
	if (ing->roll.n >= BALLAST_ROWS)
		(void)store_billing_ballast(ing->st, 0, NULL);
	snprintf(r->status, sizeof(r->status), "imported");
	r->import_id = imp.id;
	r->seconds = elapsed(&ing->t0);
	r->store_seconds = r->seconds - r->parse_seconds;
	xfree(rows);
	xfree(kbuf);
	return (0);
fail:
	if (in_txn)
		store_rollback(ing->st);
	(void)store_billing_ingest_tune(ing->st, 0, NULL);
	if (ing->roll.n >= BALLAST_ROWS)
		(void)store_billing_ballast(ing->st, 0, NULL);
	/* Nothing of a failed import stays; what cannot go now goes with
	 * the next import once the lease is released or runs out. */
	err_clear(&e2);
	if (have_imp && import_abandon(ing, imp.id, &e2) == -1)
		log_warnx("import %lld failed; its cleanup is left for later: "
		    "%s", (long long)imp.id, e2.msg);
	lease_stop(ls);
	xfree(rows);
	xfree(kbuf);
	return (-1);
}

int
ingest_files(struct store *st, const struct ingest_opts *opts,
    char *const *paths, int n, struct ingest **out, struct err *e)
{
	struct ingest	*ing;
	int		 i, fd, rc;

	*out = NULL;
	if (ingest_new(st, opts, &ing, e) == -1)
		return (-1);
	*out = ing;
	for (i = 0; i < n; i++) {
		if ((fd = open(paths[i], O_RDONLY | O_CLOEXEC)) == -1)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "%s: %s", paths[i], strerror(errno)));
#ifdef POSIX_FADV_SEQUENTIAL
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
		rc = ingest_add_fd(ing, fd, paths[i], e);
		close(fd);
		if (rc == -1)
			return (-1);
	}
	if (ingest_commit(ing, e) == -1)
		return (-1);
	ing->rep.seconds = elapsed(&ing->t0);
	return (0);
}
