/* SPDX-License-Identifier: MIT */
/*
 * A delivery written as the new version of its (payer, period): the
 * rollups sorted and stored in batches under the import's lease, the
 * flip, and the cleanup of what failed or was abandoned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "billing/ingest.h"
#include "billing/ingest_internal.h"
#include "billing/lease.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "onboard/onboard.h"

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
	o->hour = 0;
	o->resource_id = "";
	buf += 11;
	for (i = 0; i < 7; i++) {
		n = (unsigned char)k[off];
		memcpy(buf, k + off + 1, n);
		buf[n] = '\0';
		*dst[i] = buf;
		buf += n + 1;
		off += n + 1;
	}
	n = (unsigned char)k[off] | (size_t)(unsigned char)k[off + 1] << 8;
	memcpy(buf, k + off + 2, n);
	buf[n] = '\0';
	o->attrs = buf;
	if (!(KEY_FLAGS(k) & KEY_HOURLY))
		return;
	buf += n + 1;
	off += 2 + n;
	o->hour = (unsigned char)k[off];
	n = (unsigned char)k[off + 1];
	memcpy(buf, k + off + 2, n);
	buf[n] = '\0';
	o->resource_id = buf;
}

/* A row's fields in kbuf (key_split()). */
#define KBUF_ROW	(KEY_MAX + 32 + KEY_HOURLY_EXTRA)

/*
 * The entries [lo, hi) of one kind (flag: KEY_HOURLY or 0) into their
 * table, STORE_ROLLUP_MULTI rows a call (rows and kbuf hold as many). One
 * kind after the other, so that PostgreSQL sends each in one COPY.
 */
static int
rows_put(struct ingest *ing, int64_t import_id, size_t lo, size_t hi,
    int flag, struct billing_rollup *rows, char *kbuf, struct err *e)
{
	int		(*put)(struct store *, int64_t,
			    const struct billing_rollup *, size_t,
			    struct err *) = flag ?
			    store_billing_hourly_insert_many :
			    store_billing_rollup_insert_many;
	size_t		 i, n = 0;

	for (i = lo; i < hi; i++) {
		const struct rollup_entry *x = &ing->roll.e[i];
		const char *k = rollup_key(&ing->roll, x);
		struct billing_rollup *o = &rows[n];

		/* Sorted entries' keys are scattered: load ahead. */
		if (i + 16 < hi)
			__builtin_prefetch(rollup_key(&ing->roll, x + 16));
		if ((KEY_FLAGS(k) & KEY_HOURLY) != flag)
			continue;
		key_split(&ing->rep, k, kbuf + n * KBUF_ROW, o);
		o->unblended = x->sums.unblended;
		o->net_unblended = x->sums.net;
		o->amortized = x->sums.amortized;
		o->public_on_demand = x->sums.public_od;
		o->usage_amount = x->sums.usage;
		o->line_count = x->sums.lines;
		if (++n == STORE_ROLLUP_MULTI) {
			if (put(ing->st, import_id, rows, n, e) == -1)
				return (-1);
			n = 0;
		}
	}
	return (n > 0 ? put(ing->st, import_id, rows, n, e) : 0);
}

/* The delivery's daily rollups: its entries less the hourly ones. */
static size_t
daily_rows(const struct ingest *ing)
{
	size_t	 i, n = 0;

	for (i = 0; i < ing->roll.n; i++)
		n += !(KEY_FLAGS(rollup_key(&ing->roll, &ing->roll.e[i])) &
		    KEY_HOURLY);
	return (n);
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

		if (KEY_FLAGS(k) & KEY_HOURLY)
			continue;	/* the same lines again, by hour */
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

	if (customer_owned(ing->st, &ing->ar, "", 10000000, &v, &n,
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
	ingest_digest_init(&h);
	for (i = 0; i < r->n_files; i++)
		(void)XXH3_128bits_update(&h, r->files[i].digest,
		    INGEST_DIGEST_HEX);
	ingest_digest_hex(&h, r->digest);
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

/* The delivery's reservations and Savings Plans (few: one statement
 * each), in the transaction that makes the import current. */
static int
commitments_put(struct ingest *ing, int64_t id, struct err *e)
{
	struct billing_commitment	 c;
	char				 attrs[COMMIT_ATTRS_MAX], kind[2] = "";
	size_t				 i;

	for (i = 0; i < ing->cm.n; i++) {
		kind[0] = ing->cm.c[i].kind;
		ingest_commitment_attrs(&ing->cm.c[i], attrs);
		c.import_id = id;
		c.kind = kind;
		c.arn = ing->cm.c[i].arn;
		c.attrs = attrs;
		if (store_billing_commitment_insert(ing->st, &c, e) == -1)
			return (-1);
	}
	return (0);
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

/* In the transaction that inserts the import: the rejected rows it lists,
 * for the console's import page. */
static int
keep_rejects(struct store *st, int64_t id, const struct ingest_report *r,
    struct err *e)
{
	struct billing_reject	 v[INGEST_REJECTS_LISTED];
	size_t			 i;

	memset(v, 0, sizeof(v));
	for (i = 0; i < r->n_rejects && i < INGEST_REJECTS_LISTED; i++) {
		v[i].import_id = id;
		v[i].seq = (int64_t)i + 1;
		snprintf(v[i].file, sizeof(v[i].file), "%s", r->rejects[i].file);
		v[i].line = (int64_t)r->rejects[i].line;
		v[i].col = r->rejects[i].column;
		snprintf(v[i].column_name, sizeof(v[i].column_name), "%s",
		    r->rejects[i].column_name);
		snprintf(v[i].why, sizeof(v[i].why), "%s", r->rejects[i].why);
	}
	return (store_billing_rejects_insert(st, v, i, e));
}

/* In the flip's transaction: hourly rows older than the window go
 * (INGEST_HOURLY_DAYS before today, whoever's import they are). */
static int
hourly_prune(struct ingest *ing, struct err *e)
{
	char	 day[16];
	int	 y;
	unsigned m, d;

	clock_civil_from_days(store_now(ing->st) / MS_PER_DAY -
	    INGEST_HOURLY_DAYS, &y, &m, &d);
	snprintf(day, sizeof(day), "%04d-%02u-%02u", y, m, d);
	return (store_billing_hourly_prune(ing->st, day, e));
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
	size_t			 i, lo, hi, n_taken, batch = test_batch(ing);
	size_t			 ndaily;
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
	r->parse_seconds = ingest_elapsed(&ing->t0);
	delivery_digest(r);
	report_accounts(ing);
	if (report_customers(ing, e) == -1)
		return (-1);
	/* Without hourly data every entry is a rollup: no pass over keys. */
	r->groups = ndaily = ing->hourly_from == INT64_MAX ? ing->roll.n :
	    daily_rows(ing);
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
			r->seconds = ingest_elapsed(&ing->t0);
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
				if (keep_rejects(ing->st, imp.id, r, e) == -1)
					goto fail;
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

	/* 2. The rollups, then the batch's hourly rows, one transaction per
	 * batch (rows_put()); each batch checks that the import is still
	 * this process's. A
	 * large import sets space aside first, for its cleanup should the
	 * disk fill (store_billing_ballast()). */
	if (ing->roll.n >= BALLAST_ROWS &&
	    store_billing_ballast(ing->st, 1, e) == -1)
		goto fail;
	sort_entries(&ing->roll);
	if (store_billing_ingest_tune(ing->st, 1, e) == -1)
		goto fail;
	rows = xcalloc(STORE_ROLLUP_MULTI, sizeof(*rows));
	kbuf = xmalloc(STORE_ROLLUP_MULTI * KBUF_ROW);
	for (lo = 0; lo < ing->roll.n; lo = hi) {
		hi = ing->roll.n - lo > batch ? lo + batch : ing->roll.n;
		if (store_begin(ing->st, STORE_WRITE, e) == -1)
			goto fail;
		in_txn = 1;
		if (lease_check(ing, imp.id, e) == -1 ||
		    rows_put(ing, imp.id, lo, hi, 0, rows, kbuf, e) == -1 ||
		    (ing->hourly_from != INT64_MAX && rows_put(ing, imp.id,
		    lo, hi, KEY_HOURLY, rows, kbuf, e) == -1) ||
		    store_space_reserve(ing->st, e) == -1 ||
		    store_commit(ing->st, e) == -1)
			goto fail;
		in_txn = 0;
		if (hi < ing->roll.n)
			test_pause(ing, imp.id);
	}

	/* 3. Flip the current version, only if the import is still this
	 * process's running import and complete; the replaced one's rows go.
	 * Synced as every other commit (tune(0)), and with it the batches
	 * before. */
	if (store_billing_ingest_tune(ing->st, 0, e) == -1 ||
	    store_begin(ing->st, STORE_WRITE, e) == -1)
		goto fail;
	in_txn = 1;
	if (commitments_put(ing, imp.id, e) == -1 ||
	    store_billing_flip(ing->st, imp.id, lease_owner(),
	    (int64_t)ndaily, store_now(ing->st), &r->replaced_id,
	    e) == -1 || hourly_prune(ing, e) == -1 ||
	    store_space_reserve(ing->st, e) == -1 ||
	    store_commit(ing->st, e) == -1)
		goto fail;
	in_txn = 0;
	lease_release(ls, imp.id);
	lease_stop(ls);
	if (ing->roll.n >= BALLAST_ROWS)
		(void)store_billing_ballast(ing->st, 0, NULL);
	snprintf(r->status, sizeof(r->status), "imported");
	r->import_id = imp.id;
	r->seconds = ingest_elapsed(&ing->t0);
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
