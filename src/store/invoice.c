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

#include "store/billing.h"
#include "store/db.h"
#include "store/row.h"
#include "store/store.h"

/*
 * An invoice is inserted as a DRAFT (a leading column) without a number;
 * its state, number and times of issue and void move only through
 * store_invoice_issue and store_invoice_void.
 */
static const struct col invoice_cols[] = {
	COL_T(struct invoice, id, COL_KEY),
	COL_T(struct invoice, customer_id, COL_KEY),
	COL_T(struct invoice, customer_name, 0),
	COL_T(struct invoice, period, COL_KEY),
	COL_T(struct invoice, kind, 0),
	COL_T(struct invoice, state, COL_RO),
	COL_T(struct invoice, number, COL_RO),
	COL_T(struct invoice, refers_to, COL_KEY),
	COL_T(struct invoice, currency, 0),
	COL_I(struct invoice, minor_digits, 0),
	COL_I64(struct invoice, fx_rate, 0),
	COL_I64(struct invoice, tax_rate, 0),
	COL_T(struct invoice, commitment, 0),
	COL_T(struct invoice, period_start, 0),
	COL_T(struct invoice, period_end, 0),
	COL_I64(struct invoice, aws_cost, 0),
	COL_I64(struct invoice, billed_usd, 0),
	COL_I64(struct invoice, billed_exact, 0),
	COL_I64(struct invoice, subtotal, 0),
	COL_I64(struct invoice, tax, 0),
	COL_I64(struct invoice, total, 0),
	COL_T(struct invoice, source, 0),
	COL_I64(struct invoice, created_at, COL_KEY),
	COL_I64(struct invoice, updated_at, 0),
	COL_I64(struct invoice, issued_at, COL_RO),
	COL_I64(struct invoice, voided_at, COL_RO),
	COL_T(struct invoice, bill_from, 0),
	COL_T(struct invoice, bill_to, 0),
	COL_I64(struct invoice, payment_terms_days, 0),
	COL_T(struct invoice, payment_instructions, 0),
	COL_T(struct invoice, brand_name, 0),
	COL_T(struct invoice, brand_color, 0),
	COL_T(struct invoice, support_contact, 0),
	COL_T(struct invoice, logo, COL_RO),
};
static const struct row invoice_row = ROW(struct invoice, invoice_cols);

/* Written under its invoice's id, a leading column. */
static const struct col line_cols[] = {
	COL_I(struct invoice_line, seq, 0),
	COL_T(struct invoice_line, kind, 0),
	COL_T(struct invoice_line, account_id, 0),
	COL_T(struct invoice_line, service, 0),
	COL_T(struct invoice_line, description, 0),
	COL_I64(struct invoice_line, aws_cost, 0),
	COL_I64(struct invoice_line, billed_exact, 0),
	COL_I64(struct invoice_line, amount, 0),
};
static const struct row line_row = ROW(struct invoice_line, line_cols);

/* Memberships m of owned accounts ca. */
static const struct col member_cols[] = {
	COL_T_EXPR(struct invoice_member, customer_id, "ca.customer_id"),
	COL_T_EXPR(struct invoice_member, account_id, "m.account_id"),
	COL_I64_EXPR(struct invoice_member, joined_at, "m.joined_at"),
	COL_I64_EXPR(struct invoice_member, left_at, "m.left_at"),
};
static const struct row member_row = ROW(struct invoice_member,
    member_cols);

/* Per usage account of rollups r, with its owner ca if any. */
static const struct col recon_cols[] = {
	COL_T_EXPR(struct recon_account, account_id, "r.account_id"),
	COL_T_EXPR(struct recon_account, customer_id, "MAX(ca.customer_id)"),
	COL_I64_EXPR(struct recon_account, unblended, "SUM(r.unblended)"),
	COL_I64_EXPR(struct recon_account, in_membership, "SUM(CASE WHEN "
	    "r.in_membership = 1 THEN r.unblended ELSE 0 END)"),
};
static const struct row recon_row = ROW(struct recon_account, recon_cols);

int
store_invoice_insert(struct store *st, const struct invoice *v, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&invoice_row,
	    "INSERT INTO invoices {insert state}");
	struct stmt		*s;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, "DRAFT");
	row_bind(s, 2, &invoice_row, v, 1);
	return (stmt_exec(s, e));
}

int
store_invoice_update_draft(struct store *st, const struct invoice *v,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&invoice_row,
	    "UPDATE invoices SET {set} WHERE id = ? AND state = 'DRAFT'");
	struct stmt		*s;

	if ((s = row_stmt(st, &q, e)) == NULL)
		return (-1);
	stmt_bind_text(s, row_bind(s, 1, &invoice_row, v, 0), v->id);
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

	if (row_run(st, row_binds(db_stmt(st, dl, e), BIND_TEXT(id)), e) == -1)
		return (-1);
	if (row_run(st, row_binds(db_stmt(st, di, e), BIND_TEXT(id)), e) == -1)
		return (-1);
	return (0);
}

int
store_invoice_lines_put(struct store *st, const char *id,
    const struct invoice_line *l, size_t n, struct err *e)
{
	static const char	*chk = "SELECT state FROM invoices WHERE id = ?";
	static const char	*del = "DELETE FROM invoice_lines WHERE "
	    "invoice_id = ?";
	static struct row_sql	 ins = ROW_SQL(&line_row,
	    "INSERT INTO invoice_lines {insert invoice_id}");
	struct stmt		*s;
	size_t			 i;
	int			 rc, draft = 0;

	if ((s = row_binds(db_stmt(st, chk, e), BIND_TEXT(id))) == NULL)
		return (-1);
	if ((rc = stmt_step(s, e)) == 1)
		draft = strcmp(stmt_text(s, 0), "DRAFT") == 0;
	stmt_done(s);
	if (rc == -1)
		return (-1);
	if (!draft)
		return (err_set(e, ERR_CONFLICT, NULL, NULL,
		    "invoice %s is not a draft: its lines never change", id));
	if (row_run(st, row_binds(db_stmt(st, del, e), BIND_TEXT(id)), e) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		if ((s = row_stmt(st, &ins, e)) == NULL)
			return (-1);
		stmt_bind_text(s, 1, id);
		row_bind(s, 2, &line_row, &l[i], 1);
		if (stmt_exec(s, e) == -1)
			return (-1);
	}
	return (0);
}

int
store_invoice_get(struct store *st, const char *key, struct invoice *out,
    struct err *e)
{
	static struct row_sql	 by_id = ROW_SQL(&invoice_row,
	    "SELECT {cols} FROM invoices WHERE id = ?");
	static struct row_sql	 by_num = ROW_SQL(&invoice_row,
	    "SELECT {cols} FROM invoices WHERE number = ?");

	return (row_get(row_binds(row_stmt(st, strncmp(key, "inv-", 4) == 0 ?
	    &by_id : &by_num, e), BIND_TEXT(key)), &invoice_row, out, e,
	    "invoice %.20s does not exist", key));
}

int
store_invoice_lines(struct store *st, struct arena *a, const char *id,
    struct invoice_line **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&line_row,
	    "SELECT {cols} FROM invoice_lines WHERE invoice_id = ? "
	    "ORDER BY seq");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(id)), a,
	    &line_row, 1000000, out, n_out, e));
}

int
store_invoice_list(struct store *st, struct arena *a, const char *customer_id,
    const char *period, const char *kind, size_t limit, struct invoice **out,
    size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&invoice_row,
	    "SELECT {cols} FROM invoices WHERE (? = '' OR customer_id = ?) "
	    "AND (? = '' OR period = ?) AND (? = '' OR kind = ?) "
	    "ORDER BY period, customer_id, created_at, id LIMIT ?");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(customer_id),
	    BIND_TEXT(customer_id), BIND_TEXT(period), BIND_TEXT(period),
	    BIND_TEXT(kind), BIND_TEXT(kind), BIND_INT(limit)), a, &invoice_row,
	    limit, out, n_out, e));
}

int
store_invoice_issue(struct store *st, const char *id, const char *year,
    int64_t when, const char *logo_key, const char *logo_b64,
    char *number_out, struct err *e)
{
	static const char	*logo = "INSERT INTO invoice_logos (digest, png) "
	    "VALUES (?, ?) ON CONFLICT (digest) DO NOTHING";
	static const char	*bump = "UPDATE invoice_numbers SET "
	    "last = last + 1 WHERE year = ?";
	static const char	*first = "INSERT INTO invoice_numbers (year, "
	    "last) VALUES (?, 1)";
	static const char	*get = "SELECT last FROM invoice_numbers "
	    "WHERE year = ?";
	static const char	*set = "UPDATE invoices SET state = 'ISSUED', "
	    "number = ?, issued_at = ?, updated_at = ?, logo = ? WHERE id = ? "
	    "AND state = 'DRAFT'";
	int64_t			 n, last;
	char			 num[64];

	/* The year's first invoice starts its counter. */
	if ((n = row_run(st, row_binds(db_stmt(st, bump, e), BIND_TEXT(year)),
	    e)) == -1)
		return (-1);
	if (n == 0 && row_run(st, row_binds(db_stmt(st, first, e),
	    BIND_TEXT(year)), e) == -1)
		return (-1);
	if (row_count(row_binds(db_stmt(st, get, e), BIND_TEXT(year)), &last,
	    e) == -1)
		return (-1);
	/* 0 only without a row: the statements above leave it at 1 or more. */
	if (last == 0)
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "invoice number counter for %s is missing", year));
	if (last > 999999)
		return (err_set(e, ERR_LIMIT, NULL, NULL,
		    "more than 999999 invoices in %s", year));
	snprintf(num, sizeof(num), "PL-%.4s-%06lld", year, (long long)last);
	memcpy(number_out, num, INVOICE_NUMBER_MAX);
	number_out[INVOICE_NUMBER_MAX] = '\0';
	if (logo_key[0] != '\0' && row_run(st, row_binds(db_stmt(st, logo, e),
	    BIND_TEXT(logo_key), BIND_TEXT(logo_b64)), e) == -1)
		return (-1);
	if ((n = row_run(st, row_binds(db_stmt(st, set, e),
	    BIND_TEXT(number_out), BIND_INT(when), BIND_INT(when),
	    BIND_OPT(logo_key), BIND_TEXT(id)), e)) == -1)
		return (-1);
	if (n == 0)
		return (err_set(e, ERR_CONFLICT, NULL, NULL,
		    "invoice %s is not a draft", id));
	return (0);
}

int
store_invoice_logo_get(struct store *st, struct arena *a, const char *key,
    const char **b64_out, struct err *e)
{
	static const char	*q = "SELECT png FROM invoice_logos WHERE "
	    "digest = ?";
	struct stmt		*s;
	int			 rc;

	if ((s = row_binds(db_stmt(st, q, e), BIND_TEXT(key))) == NULL)
		return (-1);
	if ((rc = stmt_step(s, e)) == 1)
		*b64_out = arena_strdup(a, stmt_text(s, 0));
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "no invoice logo %s", key));
	return (rc == 1 ? 0 : -1);
}

int
store_invoice_void(struct store *st, const char *id, int64_t when,
    struct err *e)
{
	static const char	*sql = "UPDATE invoices SET state = 'VOID', "
	    "voided_at = ?, updated_at = ? WHERE id = ? AND state = 'ISSUED'";
	int64_t			 n;

	if ((n = row_run(st, row_binds(db_stmt(st, sql, e), BIND_INT(when),
	    BIND_INT(when), BIND_TEXT(id)), e)) == -1)
		return (-1);
	if (n == 0)
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
	static struct row_sql	 q = ROW_SQL(&member_row,
	    "SELECT {cols} FROM memberships m JOIN customer_accounts ca ON "
	    "ca.account_id = m.account_id WHERE (? = '' OR ca.customer_id = ?) "
	    "AND (? = '' OR m.payer_id = ?) AND m.joined_at < ? AND "
	    "(m.left_at IS NULL OR m.left_at > ?) "
	    "ORDER BY ca.customer_id, m.account_id, m.joined_at");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(customer_id),
	    BIND_TEXT(customer_id), BIND_TEXT(payer_id), BIND_TEXT(payer_id),
	    BIND_INT(end), BIND_INT(start)), a, &member_row, 10000000, out,
	    n_out, e));
}

int
store_recon_accounts(struct store *st, struct arena *a,
    const struct billing_source *src, size_t nsrc, struct recon_account **out,
    size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&recon_row,
	    "SELECT {cols} FROM billing_rollups r LEFT JOIN customer_accounts "
	    "ca ON ca.account_id = r.account_id WHERE r.import_id = ? "
	    "GROUP BY r.account_id ORDER BY r.account_id");
	struct stmt		*s;
	struct recon_account	*v = NULL;
	size_t			 n = 0, cap = 0, si;
	int			 rc = 0;

	/* Per source, in account order; an account in two sources has a
	 * row in each (the caller sums them). One array for all sources,
	 * so not row_all. */
	for (si = 0; si < nsrc && rc != -1; si++) {
		if ((s = row_stmt(st, &q, e)) == NULL)
			return (-1);
		stmt_bind_int64(s, 1, src[si].id);
		while ((rc = stmt_step(s, e)) == 1 && n < 10000000) {
			v = db_grow(a, v, n, &cap, sizeof(*v));
			row_read(s, 0, &recon_row, &v[n++], NULL);
		}
		stmt_done(s);
	}
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}
