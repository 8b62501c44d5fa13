/* SPDX-License-Identifier: MIT */
/*
 * Each row of a delivery: the header's columns set up, the checks of a
 * row (payer, period, dates, account ids), attribution by the membership
 * history, the rollup key and the numbers.
 */


#include <stdio.h>
#include <string.h>

#include "billing/ingest.h"
#include "billing/ingest_internal.h"
#include "billing/paid.h"
#include "billing/parquet.h"
#include "billing/service.h"
#include "core/clock.h"
#include "core/xmalloc.h"

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
int
ingest_members_load(struct ingest *ing)
{
	struct member_idx		*mi = &ing->mi;
	const struct paid_payer		*w;
	int64_t				 from, to;

	/* The payer and the month are both known: a billing transfer's
	 * source is the MSP's to bill in the months of its transfer only. */
	if (paid_import_allowed(&ing->rule, ing->rep.payer_id, ACCOUNT_ID_LEN,
	    ing->rep.period, ing->rep.role, &mi->err) == -1)
		return (-1);
	if (strcmp(ing->rep.role, PAID_ROLE_BILLING) == 0 &&
	    (w = paid_transfer_of(&ing->rule, ing->rep.payer_id,
	    ing->rep.period)) != NULL) {
		snprintf(ing->rep.transfer_id, sizeof(ing->rep.transfer_id),
		    "%s", w->transfer_id);
		snprintf(ing->rep.transfer_org_id,
		    sizeof(ing->rep.transfer_org_id), "%s", w->org_id);
	}
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
int
ingest_scan_error(const struct worker *w, struct err *e)
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
int
ingest_long_row_error(const char *name, uint64_t line, struct err *e)
{
	return (err_set(e, ERR_LIMIT, NULL, NULL, "%s:%llu: a row longer "
	    "than %u bytes", name, (unsigned long long)line, RESERVE));
}


/* The delivery's payer is id (normalized; raw as the file wrote it):
 * fixed once, and refused at once unless the MSP may import it so. */
static int
payer_fix(struct worker *w, const char *id, const char *raw, size_t rawlen)
{
	struct ingest	*ing = w->ing;
	struct err	 e;

	if (paid_import_allowed(&ing->rule, id, ACCOUNT_ID_LEN, "",
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

/* The numbers of a row (rejected when one does not parse: -1). */
static inline __attribute__((always_inline)) int
row_sums(struct worker *w, const struct csv_field *f, uint64_t line,
    struct rollup_sums *s)
{
	memset(s, 0, sizeof(*s));
	if (num(w, f, S_UNBLENDED, MONEY_DIGITS, line, &s->unblended) == -1 ||
	    num(w, f, S_PUBLIC, MONEY_DIGITS, line, &s->public_od) == -1 ||
	    num(w, f, S_USAGE, QTY_DIGITS, line, &s->usage) == -1 ||
	    amortized(w, f, line, s->unblended, &s->amortized) == -1)
		return (-1);
	if (is_null(&f[S_NET]))
		s->net = s->unblended;
	else if (num(w, f, S_NET, MONEY_DIGITS, line, &s->net) == -1)
		return (-1);
	s->lines = 1;
	return (0);
}

/* The line's key with KEY_HOURLY at w->key..k plus hour (0-23 or
 * BILLING_HOUR_DAY) and the resource id (n bytes at res). */
static int
hourly_key_add(struct worker *w, char *k, int hour, const char *res,
    size_t n, const struct rollup_sums *s)
{
	int	 rc;

	*k++ = (char)hour;
	*k++ = (char)n;
	memcpy(k, res, n);
	k += n;
	rc = rollup_add(w->roll, w->key, k - w->key, rollup_hash(w->key,
	    k - w->key), s);
	if (rc == -1)
		return (fatal(w, "an hourly sum overflows 64 bits"));
	if (rc == -2)
		return (fatal(w, "more than %u distinct rollup keys (hourly "
		    "and resource-level data included)", ROLLUP_MAX_KEYS));
	return (0);
}

/* Copies the key string at *p (after its length byte) to buf, NUL-ended,
 * and steps *p past it. */
static void
key_str(const unsigned char **p, char buf[256])
{
	memcpy(buf, *p + 1, **p);
	buf[**p] = '\0';
	*p += 1 + **p;
}

/*
 * Hourly and resource-level data, kept as Cost Explorer keeps it (AWS:
 * "Hourly granularity is only available for EC2-Instances resource-level
 * data. All other resource-level data is available at daily
 * granularity"): an EC2 instance line (service_ec2_instance(), on the
 * key's strings) under its hourly key with its resource id; any other
 * line under its hourly key without one (HOURLY granularity of all
 * services) and under its day's key (BILLING_HOUR_DAY) with it. The
 * resource id is cut at 255 bytes. Only for lines at or after
 * ing->hourly_from; the rollup key is at w->key..k.
 */
static int
hourly_add(struct worker *w, const struct csv_field *f, char *k,
    int64_t hour, const struct rollup_sums *s)
{
	const struct csv_field	*res = &f[S_RESOURCE];
	const unsigned char	*p = (const unsigned char *)KEY_STRINGS(w->key);
	char			 code[256], ut[256], type[256], skip[256];
	size_t			 n = is_null(res) ? 0 : res->len;

	if (n > 255)
		n = 255;
	KEY_FLAGS(w->key) |= KEY_HOURLY;
	key_str(&p, skip);		/* account */
	key_str(&p, code);
	key_str(&p, ut);
	key_str(&p, skip);		/* operation */
	key_str(&p, skip);		/* region */
	key_str(&p, type);
	if (service_ec2_instance(code, ut, type))
		return (hourly_key_add(w, k, (int)(hour % MS_PER_DAY /
		    HOUR_MS), n > 0 ? res->p : "", n, s));
	if (hourly_key_add(w, k, (int)(hour % MS_PER_DAY / HOUR_MS), "", 0,
	    s) == -1)
		return (-1);
	return (hourly_key_add(w, k, BILLING_HOUR_DAY, n > 0 ? res->p : "", n,
	    s));
}

int
ingest_on_row(void *arg, const struct csv_field *f, uint64_t line)
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
	if (ing->mi.slots == NULL && ingest_members_load(ing) == -1)
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
	KEY_FLAGS(k) = (char)in;
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
	{
		size_t	 an = ingest_attrs(w, f, k + 2);

		k[0] = (char)(an & 0xff);
		k[1] = (char)(an >> 8);
		h = copy_field(k + 2, k + 2, an, h);
		k += 2 + an;
	}
	h = rollup_fin(h);
	rollup_prefetch(w->roll, h);

	/* How much. */
	if (row_sums(w, f, line, &s) == -1)
		return (0);
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
	/* A line of a reservation or a Savings Plan: what it says of it. */
	if (__builtin_expect((f[S_RI_ARN].len | f[S_SP_ARN].len) != 0, 0))
		ingest_commitment_note(w, f);
	if (!in) {
		if (__builtin_add_overflow(r->out_unblended, s.unblended,
		    &r->out_unblended))
			return (fatal(w, "out-of-membership sum overflows"));
		r->out_lines++;
	}
	return (0);
}

/*
 * A row of a delivery that keeps hourly and resource-level data: the row
 * as ingest_on_row() takes it, then, when it was rolled up (no reject) and
 * its hour is in the window, again under its hourly key (w->key, where
 * ingest_on_row() built it) with its numbers read again. A wrapper, so
 * that the row path without hourly data is not one instruction longer (a
 * test in ingest_on_row() cost ~24 instructions a row: callgrind).
 */
int
ingest_on_row_hourly(void *arg, const struct csv_field *f, uint64_t line)
{
	struct worker		*w = arg;
	struct rollup_sums	 s;
	uint64_t		 rejected = w->rep->rejected;
	char			*k;
	int			 i, rc;

	if ((rc = ingest_on_row(arg, f, line)) != 0 ||
	    w->rep->rejected != rejected ||
	    w->last_hour < w->ing->hourly_from)
		return (rc);
	k = KEY_STRINGS(w->key);
	for (i = 0; i < 7; i++)
		k += 1 + (unsigned char)*k;
	k += 2 + ((unsigned char)k[0] | (size_t)(unsigned char)k[1] << 8);
	(void)row_sums(w, f, line, &s);
	return (hourly_add(w, f, k, w->last_hour, &s));
}

/* Parses the header and sets up the worker; -1 if not a format we read. */
int
ingest_worker_setup(struct worker *w, char **names, int ncols, uint64_t line,
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
	for (s = 0; s < CSV_SLOTS_MAX; s++)
		w->col_of[s] = -1;
	w->ntagcols = 0;
	for (i = 0; i < ncols; i++) {
		/* The resource id is read only for hourly data. */
		if ((s = cur_slot(w->fmt, names[i])) == S_RESOURCE &&
		    w->ing->hourly_from == INT64_MAX)
			s = -1;
		if (s >= 0 && w->col_of[s] >= 0)
			return (err_set(e, ERR_INVALID, NULL, NULL, "%s:1: "
			    "column %s appears twice (columns %d and %d): which "
			    "one to read is unclear", w->name, names[i],
			    w->col_of[s] + 1, i + 1));
		if (s >= 0) {
			if (s >= S_RI_START && s <= S_SP_FAMILY)
				csv_want_lazy(&w->c, i, s);
			else
				csv_want(&w->c, i, s);
			w->col_of[s] = i;
		} else if (w->fmt == CUR_LEGACY &&
		    ingest_attrs_setup(w, i, names[i]))
			;	/* a tag or cost category column */
		else if (!cur_known(w->fmt, names[i])) {
			if (r->n_unknown < INGEST_UNKNOWN_LISTED)
				snprintf(r->unknown[r->n_unknown++],
				    sizeof(r->unknown[0]), "%s", names[i]);
			r->unknown_total++;
		}
	}
	/* Every slot gets a field: absent columns read as empty. */
	w->c.nslots = S_NSLOTS + w->ntagcols;
	if (w->col_of[S_UNBLENDED] < 0 || w->col_of[S_START] < 0)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s:1: the %s "
		    "header lacks %s", w->name, cur_format_name(w->fmt),
		    cur_slot_column(w->fmt, w->col_of[S_START] < 0 ? S_START :
		    S_UNBLENDED)));
	w->c.row = w->ing->hourly_from == INT64_MAX ? ingest_on_row :
	    ingest_on_row_hourly;
	w->c.reject = csv_reject;
	w->c.arg = w;
	return (0);
}
