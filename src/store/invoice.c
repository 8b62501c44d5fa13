/* SPDX-License-Identifier: MIT */
/*
 * Invoices in the store: headers, lines, gapless numbering per year, and
 * the reads invoices are built from (a month's in-membership usage of owned
 * accounts, their memberships, per-account totals for reconciliation).
 * Portable SQL; see store.h ("Invoices") and migrations/007_rebilling.sql.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"



#define INV_COLS "id, customer_id, customer_name, period, kind, state, " \
	"COALESCE(number, ''), refers_to, currency, minor_digits, fx_rate, " \
	"tax_rate, commitment, period_start, period_end, aws_cost, " \
	"billed_usd, billed_exact, subtotal, tax, total, source, created_at, " \
	"updated_at, issued_at, voided_at, bill_from, bill_to"

static void
inv_row(struct stmt *s, struct invoice *v)
{
	memset(v, 0, sizeof(*v));
	stmt_copy(s, 0, v->id, sizeof(v->id));
	stmt_copy(s, 1, v->customer_id, sizeof(v->customer_id));
	stmt_copy(s, 2, v->customer_name, sizeof(v->customer_name));
	stmt_copy(s, 3, v->period, sizeof(v->period));
	stmt_copy(s, 4, v->kind, sizeof(v->kind));
	stmt_copy(s, 5, v->state, sizeof(v->state));
	stmt_copy(s, 6, v->number, sizeof(v->number));
	stmt_copy(s, 7, v->refers_to, sizeof(v->refers_to));
	stmt_copy(s, 8, v->currency, sizeof(v->currency));
	v->minor_digits = (int)stmt_int64(s, 9);
	v->fx_rate = stmt_int64(s, 10);
	v->tax_rate = stmt_int64(s, 11);
	stmt_copy(s, 12, v->commitment, sizeof(v->commitment));
	stmt_copy(s, 13, v->period_start, sizeof(v->period_start));
	stmt_copy(s, 14, v->period_end, sizeof(v->period_end));
	v->aws_cost = stmt_int64(s, 15);
	v->billed_usd = stmt_int64(s, 16);
	v->billed_exact = stmt_int64(s, 17);
	v->subtotal = stmt_int64(s, 18);
	v->tax = stmt_int64(s, 19);
	v->total = stmt_int64(s, 20);
	stmt_copy(s, 21, v->source, sizeof(v->source));
	v->created_at = stmt_int64(s, 22);
	v->updated_at = stmt_int64(s, 23);
	v->issued_at = stmt_int64(s, 24);
	v->voided_at = stmt_int64(s, 25);
	stmt_copy(s, 26, v->bill_from, sizeof(v->bill_from));
	stmt_copy(s, 27, v->bill_to, sizeof(v->bill_to));
}

int
store_invoice_insert(struct store *st, const struct invoice *v, struct err *e)
{
	static const char	*sql = "INSERT INTO invoices (id, customer_id, "
	    "customer_name, period, kind, state, number, refers_to, currency, "
	    "minor_digits, fx_rate, tax_rate, commitment, period_start, "
	    "period_end, aws_cost, billed_usd, billed_exact, subtotal, tax, "
	    "total, source, created_at, updated_at, bill_from, bill_to) VALUES "
	    "(?, ?, ?, ?, ?, 'DRAFT', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, v->id);
	stmt_bind_text(s, 2, v->customer_id);
	stmt_bind_text(s, 3, v->customer_name);
	stmt_bind_text(s, 4, v->period);
	stmt_bind_text(s, 5, v->kind);
	stmt_bind_text(s, 6, v->refers_to);
	stmt_bind_text(s, 7, v->currency);
	stmt_bind_int64(s, 8, v->minor_digits);
	stmt_bind_int64(s, 9, v->fx_rate);
	stmt_bind_int64(s, 10, v->tax_rate);
	stmt_bind_text(s, 11, v->commitment);
	stmt_bind_text(s, 12, v->period_start);
	stmt_bind_text(s, 13, v->period_end);
	stmt_bind_int64(s, 14, v->aws_cost);
	stmt_bind_int64(s, 15, v->billed_usd);
	stmt_bind_int64(s, 16, v->billed_exact);
	stmt_bind_int64(s, 17, v->subtotal);
	stmt_bind_int64(s, 18, v->tax);
	stmt_bind_int64(s, 19, v->total);
	stmt_bind_text(s, 20, v->source);
	stmt_bind_int64(s, 21, v->created_at);
	stmt_bind_int64(s, 22, v->updated_at);
	stmt_bind_text(s, 23, v->bill_from);
	stmt_bind_text(s, 24, v->bill_to);
	return (stmt_exec(s, e));
}

int
store_invoice_update_draft(struct store *st, const struct invoice *v,
    struct err *e)
{
	static const char	*sql = "UPDATE invoices SET customer_name = ?, "
	    "kind = ?, currency = ?, minor_digits = ?, fx_rate = ?, "
	    "tax_rate = ?, commitment = ?, period_start = ?, period_end = ?, "
	    "aws_cost = ?, billed_usd = ?, billed_exact = ?, subtotal = ?, "
	    "tax = ?, total = ?, source = ?, updated_at = ?, bill_from = ?, "
	    "bill_to = ? WHERE id = ? AND state = 'DRAFT'";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, v->customer_name);
	stmt_bind_text(s, 2, v->kind);
	stmt_bind_text(s, 3, v->currency);
	stmt_bind_int64(s, 4, v->minor_digits);
	stmt_bind_int64(s, 5, v->fx_rate);
	stmt_bind_int64(s, 6, v->tax_rate);
	stmt_bind_text(s, 7, v->commitment);
	stmt_bind_text(s, 8, v->period_start);
	stmt_bind_text(s, 9, v->period_end);
	stmt_bind_int64(s, 10, v->aws_cost);
	stmt_bind_int64(s, 11, v->billed_usd);
	stmt_bind_int64(s, 12, v->billed_exact);
	stmt_bind_int64(s, 13, v->subtotal);
	stmt_bind_int64(s, 14, v->tax);
	stmt_bind_int64(s, 15, v->total);
	stmt_bind_text(s, 16, v->source);
	stmt_bind_int64(s, 17, v->updated_at);
	stmt_bind_text(s, 18, v->bill_from);
	stmt_bind_text(s, 19, v->bill_to);
	stmt_bind_text(s, 20, v->id);
	if (stmt_exec(s, e) == -1)
		return (-1);
	if (db_changes(st) == 0)
		return (err_set(e, ERR_CONFLICT, NULL, NULL,
		    "invoice %s is not a draft", v->id));
	return (0);
}

int
store_invoice_delete_draft(struct store *st, const char *id, struct err *e)
{
	static const char	*dl = "DELETE FROM invoice_lines WHERE "
	    "invoice_id = (SELECT id FROM invoices WHERE id = ? AND "
	    "state = 'DRAFT')";
	static const char	*di = "DELETE FROM invoices WHERE id = ? AND "
	    "state = 'DRAFT'";
	struct stmt		*s;

	if ((s = db_stmt(st, dl, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, id);
	if (stmt_exec(s, e) == -1 || (s = db_stmt(st, di, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, id);
	return (stmt_exec(s, e));
}

int
store_invoice_lines_put(struct store *st, const char *id,
    const struct invoice_line *l, size_t n, struct err *e)
{
	static const char	*chk = "SELECT state FROM invoices WHERE id = ?";
	static const char	*del = "DELETE FROM invoice_lines WHERE "
	    "invoice_id = ?";
	static const char	*ins = "INSERT INTO invoice_lines (invoice_id, "
	    "seq, kind, account_id, service, description, aws_cost, "
	    "billed_exact, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct stmt		*s;
	size_t			 i;
	int			 rc, draft = 0;

	if ((s = db_stmt(st, chk, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, id);
	if ((rc = stmt_step(s, e)) == 1)
		draft = strcmp(stmt_text(s, 0), "DRAFT") == 0;
	stmt_done(s);
	if (rc == -1)
		return (-1);
	if (!draft)
		return (err_set(e, ERR_CONFLICT, NULL, NULL,
		    "invoice %s is not a draft: its lines never change", id));
	if ((s = db_stmt(st, del, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, id);
	if (stmt_exec(s, e) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		if ((s = db_stmt(st, ins, e)) == NULL)
			return (-1);
		stmt_bind_text(s, 1, id);
		stmt_bind_int64(s, 2, l[i].seq);
		stmt_bind_text(s, 3, l[i].kind);
		stmt_bind_text(s, 4, l[i].account_id);
		stmt_bind_text(s, 5, l[i].service);
		stmt_bind_text(s, 6, l[i].description);
		stmt_bind_int64(s, 7, l[i].aws_cost);
		stmt_bind_int64(s, 8, l[i].billed_exact);
		stmt_bind_int64(s, 9, l[i].amount);
		if (stmt_exec(s, e) == -1)
			return (-1);
	}
	return (0);
}

int
store_invoice_get(struct store *st, const char *key, struct invoice *out,
    struct err *e)
{
	static const char	*by_id = "SELECT " INV_COLS
	    " FROM invoices WHERE id = ?";
	static const char	*by_num = "SELECT " INV_COLS
	    " FROM invoices WHERE number = ?";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, strncmp(key, "inv-", 4) == 0 ? by_id : by_num,
	    e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, key);
	if ((rc = stmt_step(s, e)) == 1)
		inv_row(s, out);
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "invoice %.20s does not exist", key));
	return (rc == 1 ? 0 : -1);
}

int
store_invoice_lines(struct store *st, struct arena *a, const char *id,
    struct invoice_line **out, size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT seq, kind, account_id, service, "
	    "description, aws_cost, billed_exact, amount FROM invoice_lines "
	    "WHERE invoice_id = ? ORDER BY seq";
	struct stmt		*s;
	struct invoice_line	*v = NULL, *l;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, id);
	while ((rc = stmt_step(s, e)) == 1 && n < 1000000) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		l = &v[n++];
		memset(l, 0, sizeof(*l));
		l->seq = (int)stmt_int64(s, 0);
		stmt_copy(s, 1, l->kind, sizeof(l->kind));
		stmt_copy(s, 2, l->account_id, sizeof(l->account_id));
		stmt_copy(s, 3, l->service, sizeof(l->service));
		stmt_copy(s, 4, l->description, sizeof(l->description));
		l->aws_cost = stmt_int64(s, 5);
		l->billed_exact = stmt_int64(s, 6);
		l->amount = stmt_int64(s, 7);
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_invoice_list(struct store *st, struct arena *a, const char *customer_id,
    const char *period, const char *kind, size_t limit, struct invoice **out,
    size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT " INV_COLS " FROM invoices "
	    "WHERE (? = '' OR customer_id = ?) AND (? = '' OR period = ?) "
	    "AND (? = '' OR kind = ?) ORDER BY period, customer_id, "
	    "created_at, id LIMIT ?";
	struct stmt		*s;
	struct invoice		*v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, customer_id);
	stmt_bind_text(s, 2, customer_id);
	stmt_bind_text(s, 3, period);
	stmt_bind_text(s, 4, period);
	stmt_bind_text(s, 5, kind);
	stmt_bind_text(s, 6, kind);
	stmt_bind_int64(s, 7, (int64_t)limit);
	while ((rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		inv_row(s, &v[n++]);
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_invoice_issue(struct store *st, const char *id, const char *year,
    int64_t when, char *number_out, struct err *e)
{
	static const char	*bump = "UPDATE invoice_numbers SET "
	    "last = last + 1 WHERE year = ?";
	static const char	*first = "INSERT INTO invoice_numbers (year, "
	    "last) VALUES (?, 1)";
	static const char	*get = "SELECT last FROM invoice_numbers "
	    "WHERE year = ?";
	static const char	*set = "UPDATE invoices SET state = 'ISSUED', "
	    "number = ?, issued_at = ?, updated_at = ? WHERE id = ? AND "
	    "state = 'DRAFT'";
	struct stmt		*s;
	int64_t			 last = 0;
	char			 num[64];
	int			 rc;

	if ((s = db_stmt(st, bump, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, year);
	if (stmt_exec(s, e) == -1)
		return (-1);
	if (db_changes(st) == 0) {
		if ((s = db_stmt(st, first, e)) == NULL)
			return (-1);
		stmt_bind_text(s, 1, year);
		if (stmt_exec(s, e) == -1)
			return (-1);
	}
	if ((s = db_stmt(st, get, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, year);
	if ((rc = stmt_step(s, e)) == 1)
		last = stmt_int64(s, 0);
	stmt_done(s);
	if (rc != 1)
		return (rc == -1 ? -1 : err_set(e, ERR_INTERNAL, NULL, NULL,
		    "invoice number counter for %s is missing", year));
	if (last > 999999)
		return (err_set(e, ERR_LIMIT, NULL, NULL,
		    "more than 999999 invoices in %s", year));
	snprintf(num, sizeof(num), "PL-%.4s-%06lld", year, (long long)last);
	memcpy(number_out, num, INVOICE_NUMBER_MAX);
	number_out[INVOICE_NUMBER_MAX] = '\0';
	if ((s = db_stmt(st, set, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, number_out);
	stmt_bind_int64(s, 2, when);
	stmt_bind_int64(s, 3, when);
	stmt_bind_text(s, 4, id);
	if (stmt_exec(s, e) == -1)
		return (-1);
	if (db_changes(st) == 0)
		return (err_set(e, ERR_CONFLICT, NULL, NULL,
		    "invoice %s is not a draft", id));
	return (0);
}

int
store_invoice_void(struct store *st, const char *id, int64_t when,
    struct err *e)
{
	static const char	*sql = "UPDATE invoices SET state = 'VOID', "
	    "voided_at = ?, updated_at = ? WHERE id = ? AND state = 'ISSUED'";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, when);
	stmt_bind_int64(s, 2, when);
	stmt_bind_text(s, 3, id);
	if (stmt_exec(s, e) == -1)
		return (-1);
	if (db_changes(st) == 0)
		return (err_set(e, ERR_CONFLICT, NULL, NULL,
		    "invoice %s is not issued", id));
	return (0);
}

struct owner {
	const char	*account_id;
	const char	*customer_id;
};

static int
owner_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct owner *)a)->account_id,
	    ((const struct owner *)b)->account_id));
}

static int
usage_cmp(const void *a, const void *b)
{
	const struct invoice_usage	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->customer_id, y->customer_id)) != 0 ||
	    (c = strcmp(x->account_id, y->account_id)) != 0 ||
	    (c = strcmp(x->product_code, y->product_code)) != 0 ||
	    (c = strcmp(x->usage_type, y->usage_type)) != 0 ||
	    (c = strcmp(x->line_item_type, y->line_item_type)) != 0)
		return (c);
	return (strcmp(x->pricing_term, y->pricing_term));
}

static uint64_t
fnv(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return ((h ^ 0xff) * 0x100000001b3ULL);
}

/* The usage groups being summed: (account, product, usage type, line
 * item type, term) -> index + 1 in v, open addressing. */
struct groups {
	struct invoice_usage	*v;
	size_t			 n, cap, max;
	uint32_t		*slots;
	size_t			 mask;
};

static uint64_t
group_hash(const char *acct, const char *const f[4])
{
	return (fnv(fnv(fnv(fnv(fnv(0xcbf29ce484222325ULL, acct), f[0]), f[1]),
	    f[2]), f[3]));
}

static void
groups_rehash(struct arena *a, struct groups *g)
{
	size_t	 j, k;

	g->mask = g->mask * 2 + 1;
	g->slots = arena_zalloc(a, (g->mask + 1) * sizeof(*g->slots));
	for (j = 0; j < g->n; j++) {
		const struct invoice_usage *u = &g->v[j];
		const char *f[4] = { u->product_code, u->usage_type,
		    u->line_item_type, u->pricing_term };

		for (k = group_hash(u->account_id, f) & g->mask;
		    g->slots[k] != 0; k = (k + 1) & g->mask)
			;
		g->slots[k] = (uint32_t)j + 1;
	}
}

/* The group of (owner's account, f), made when new; NULL past max. */
static struct invoice_usage *
groups_get(struct arena *a, struct groups *g, const struct owner *o,
    const char *const f[4])
{
	struct invoice_usage	*u;
	size_t			 i;

	for (i = group_hash(o->account_id, f) & g->mask; g->slots[i] != 0;
	    i = (i + 1) & g->mask) {
		u = &g->v[g->slots[i] - 1];
		if (strcmp(u->account_id, o->account_id) == 0 &&
		    strcmp(u->product_code, f[0]) == 0 &&
		    strcmp(u->usage_type, f[1]) == 0 &&
		    strcmp(u->line_item_type, f[2]) == 0 &&
		    strcmp(u->pricing_term, f[3]) == 0)
			return (u);
	}
	if (g->n == g->max)
		return (NULL);
	g->v = db_grow(a, g->v, g->n, &g->cap, sizeof(*g->v));
	u = &g->v[g->n++];
	memset(u, 0, sizeof(*u));
	u->customer_id = o->customer_id;
	u->account_id = o->account_id;
	u->product_code = arena_strdup(a, f[0]);
	u->usage_type = arena_strdup(a, f[1]);
	u->line_item_type = arena_strdup(a, f[2]);
	u->pricing_term = arena_strdup(a, f[3]);
	g->slots[i] = (uint32_t)g->n;
	if (g->n * 2 > g->mask)
		groups_rehash(a, g);
	return (u);
}

/*
 * Adds one import's in-membership rows of owned accounts to g. The rows
 * are read as they lie in the index and summed here: SQLite's GROUP BY
 * over a month of rollups sorts them all in a temporary B-tree, several
 * times slower.
 */
static int
usage_add(struct store *st, struct arena *a, const struct billing_source *src,
    const char *customer_id, const struct owner *ov, size_t no,
    struct groups *g, struct err *e)
{
	static const char	*sql = "SELECT r.account_id, r.product_code, "
	    "r.usage_type, r.line_item_type, r.pricing_term, r.unblended, "
	    "r.amortized, r.public_on_demand FROM billing_rollups r WHERE "
	    "r.import_id = ? AND r.in_membership = 1 AND (? = '' OR "
	    "r.account_id IN (SELECT account_id FROM customer_accounts "
	    "WHERE customer_id = ?))";
	const struct owner	*hit = NULL;
	struct owner		 key;
	struct invoice_usage	*u;
	struct stmt		*s;
	char			 last[BILLING_ID_MAX + 1] = "";
	const char		*f[4];
	int			 rc, i;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_int64(s, 1, src->id);
	stmt_bind_text(s, 2, customer_id);
	stmt_bind_text(s, 3, customer_id);
	while ((rc = stmt_step(s, e)) == 1) {
		const char	*acct = stmt_text(s, 0);

		if (strcmp(acct, last) != 0) {
			snprintf(last, sizeof(last), "%s", acct);
			key.account_id = last;
			hit = no > 0 ? bsearch(&key, ov, no, sizeof(key),
			    owner_cmp) : NULL;
		}
		if (hit == NULL)
			continue;
		for (i = 0; i < 4; i++)
			f[i] = stmt_text(s, i + 1);
		if ((u = groups_get(a, g, hit, f)) == NULL) {
			stmt_done(s);
			return (err_set(e, ERR_LIMIT, NULL, NULL,
			    "more than %zu usage groups in %s", g->max,
			    src->period));
		}
		if (__builtin_add_overflow(u->unblended, stmt_int64(s, 5),
		    &u->unblended) ||
		    __builtin_add_overflow(u->amortized, stmt_int64(s, 6),
		    &u->amortized) ||
		    __builtin_add_overflow(u->public_on_demand,
		    stmt_int64(s, 7), &u->public_on_demand)) {
			stmt_done(s);
			return (err_set(e, ERR_LIMIT, NULL, NULL,
			    "a sum overflows in %s", src->period));
		}
	}
	stmt_done(s);
	return (rc == -1 ? -1 : 0);
}

int
store_invoice_usage(struct store *st, struct arena *a,
    const struct billing_source *src, size_t nsrc, const char *customer_id,
    size_t max, struct invoice_usage **out, size_t *n_out, struct err *e)
{
	static const char	*own = "SELECT account_id, customer_id FROM "
	    "customer_accounts WHERE ? = '' OR customer_id = ?";
	struct stmt		*s;
	struct owner		*ov = NULL;
	struct groups		 g;
	size_t			 no = 0, ocap = 0, i;
	int			 rc;

	if ((s = db_stmt(st, own, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, customer_id);
	stmt_bind_text(s, 2, customer_id);
	while ((rc = stmt_step(s, e)) == 1) {
		ov = db_grow(a, ov, no, &ocap, sizeof(*ov));
		ov[no].account_id = arena_strdup(a, stmt_text(s, 0));
		ov[no].customer_id = arena_strdup(a, stmt_text(s, 1));
		no++;
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	if (no > 0)
		qsort(ov, no, sizeof(*ov), owner_cmp);
	memset(&g, 0, sizeof(g));
	g.max = max;
	g.mask = 4095;
	g.slots = arena_zalloc(a, (g.mask + 1) * sizeof(*g.slots));
	/* Summed over the sources: an account billed from two sources in a
	 * month (a billing transfer) gets one group per item. */
	for (i = 0; i < nsrc; i++)
		if (usage_add(st, a, &src[i], customer_id, ov, no, &g, e) == -1)
			return (-1);
	if (g.n > 0)
		qsort(g.v, g.n, sizeof(*g.v), usage_cmp);
	*out = g.v;
	*n_out = g.n;
	return (0);
}

int
store_invoice_members(struct store *st, struct arena *a,
    const char *customer_id, const char *payer_id, int64_t start, int64_t end,
    struct invoice_member **out, size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT ca.customer_id, m.account_id, "
	    "m.joined_at, COALESCE(m.left_at, 0) FROM memberships m JOIN "
	    "customer_accounts ca ON ca.account_id = m.account_id WHERE "
	    "(? = '' OR ca.customer_id = ?) AND (? = '' OR m.payer_id = ?) "
	    "AND m.joined_at < ? AND (m.left_at IS NULL OR m.left_at > ?) "
	    "ORDER BY ca.customer_id, m.account_id, m.joined_at";
	struct stmt		*s;
	struct invoice_member	*v = NULL, *m;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, customer_id);
	stmt_bind_text(s, 2, customer_id);
	stmt_bind_text(s, 3, payer_id);
	stmt_bind_text(s, 4, payer_id);
	stmt_bind_int64(s, 5, end);
	stmt_bind_int64(s, 6, start);
	while ((rc = stmt_step(s, e)) == 1 && n < 10000000) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		m = &v[n++];
		stmt_copy(s, 0, m->customer_id, sizeof(m->customer_id));
		stmt_copy(s, 1, m->account_id, sizeof(m->account_id));
		m->joined_at = stmt_int64(s, 2);
		m->left_at = stmt_int64(s, 3);
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_recon_accounts(struct store *st, struct arena *a,
    const struct billing_source *src, size_t nsrc, struct recon_account **out,
    size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT r.account_id, "
	    "COALESCE(MAX(ca.customer_id), ''), SUM(r.unblended), "
	    "SUM(CASE WHEN r.in_membership = 1 THEN r.unblended ELSE 0 END) "
	    "FROM billing_rollups r LEFT JOIN customer_accounts ca ON "
	    "ca.account_id = r.account_id WHERE r.import_id = ? "
	    "GROUP BY r.account_id ORDER BY r.account_id";
	struct stmt		*s;
	struct recon_account	*v = NULL, *r;
	size_t			 n = 0, cap = 0, si;
	int			 rc = 0;

	/* Per source, in account order; an account in two sources has a
	 * row in each (the caller sums them). */
	for (si = 0; si < nsrc && rc != -1; si++) {
		if ((s = db_stmt(st, sql, e)) == NULL)
			return (-1);
		stmt_bind_int64(s, 1, src[si].id);
		while ((rc = stmt_step(s, e)) == 1 && n < 10000000) {
			v = db_grow(a, v, n, &cap, sizeof(*v));
			r = &v[n++];
			stmt_copy(s, 0, r->account_id, sizeof(r->account_id));
			stmt_copy(s, 1, r->customer_id, sizeof(r->customer_id));
			r->unblended = stmt_int64(s, 2);
			r->in_membership = stmt_int64(s, 3);
		}
		stmt_done(s);
	}
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}
