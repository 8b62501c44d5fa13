/* SPDX-License-Identifier: MIT */
/*
 * Rebilling prices in the store: pricing rules, customers' commitment
 * policies, custom line items and monthly exchange rates. Portable SQL;
 * see store.h ("Rebilling: pricing") and migrations/007_rebilling.sql.
 */
#include "store/billing.h"
#include "store/db.h"
#include "store/row.h"
#include "store/store.h"

#define LIST_MAX	100000

static const struct col rule_cols[] = {
	COL_T(struct pricing_rule, id, 0),
	COL_T(struct pricing_rule, customer_id, 0),
	COL_T(struct pricing_rule, account_id, 0),
	COL_T(struct pricing_rule, service, 0),
	COL_T(struct pricing_rule, usage_type, 0),
	COL_I(struct pricing_rule, level, 0),
	COL_I64(struct pricing_rule, percent, 0),
	COL_T(struct pricing_rule, valid_from, 0),
	COL_T(struct pricing_rule, valid_to, 0),
	COL_T(struct pricing_rule, passes, 0),
	COL_I64(struct pricing_rule, created_at, 0),
};
static const struct row rule_row = ROW(struct pricing_rule, rule_cols);

static const struct col billing_cols[] = {
	COL_T(struct customer_billing, customer_id, COL_KEY),
	COL_T(struct customer_billing, commitment, 0),
	COL_I64(struct customer_billing, share_percent, 0),
	COL_I64(struct customer_billing, updated_at, 0),
};
static const struct row billing_row = ROW(struct customer_billing,
    billing_cols);

static const struct col item_cols[] = {
	COL_T(struct custom_item, id, 0),
	COL_T(struct custom_item, customer_id, 0),
	COL_T(struct custom_item, description, 0),
	COL_T(struct custom_item, kind, 0),
	COL_I64(struct custom_item, amount, 0),
	COL_T(struct custom_item, currency, 0),
	COL_I64(struct custom_item, percent, 0),
	COL_T(struct custom_item, of_service, 0),
	COL_I64(struct custom_item, minimum, 0),
	COL_T(struct custom_item, valid_from, 0),
	COL_T(struct custom_item, valid_to, 0),
	COL_I64(struct custom_item, created_at, 0),
};
static const struct row item_row = ROW(struct custom_item, item_cols);

static const struct col fx_cols[] = {
	COL_T(struct fx_rate, period, COL_KEY),
	COL_T(struct fx_rate, base, COL_KEY),
	COL_T(struct fx_rate, quote, COL_KEY),
	COL_I64(struct fx_rate, rate, 0),
	COL_I64(struct fx_rate, updated_at, 0),
};
static const struct row fx_row = ROW(struct fx_rate, fx_cols);

int
store_pricing_rule_insert(struct store *st, const struct pricing_rule *r,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&rule_row,
	    "INSERT INTO pricing_rules {insert}");

	return (row_insert(st, &q, r, e));
}

int
store_pricing_rule_delete(struct store *st, const char *id, struct err *e)
{
	static const char	*sql = "DELETE FROM pricing_rules WHERE id = ?";

	return (row_exec_one(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(id)),
	    e, "pricing rule %.20s does not exist", id));
}

int
store_pricing_rules(struct store *st, struct arena *a,
    const char *customer_id, struct pricing_rule **out, size_t *n_out,
    struct err *e)
{
	static struct row_sql	 all = ROW_SQL(&rule_row, "SELECT {cols} "
	    "FROM pricing_rules ORDER BY customer_id, level, valid_from, id");
	static struct row_sql	 one = ROW_SQL(&rule_row, "SELECT {cols} "
	    "FROM pricing_rules WHERE customer_id = ? OR customer_id = '' "
	    "ORDER BY customer_id, level, valid_from, id");
	struct stmt		*s;

	s = row_stmt(st, customer_id == NULL ? &all : &one, e);
	if (customer_id != NULL)
		s = row_binds(s, BIND_TEXT(customer_id));
	return (row_all(s, a, &rule_row, LIST_MAX, out, n_out, e));
}

int
store_customer_billing_get(struct store *st, const char *customer_id,
    struct customer_billing *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&billing_row,
	    "SELECT {cols} FROM customer_billing WHERE customer_id = ?");

	return (row_get(row_binds(row_stmt(st, &q, e),
	    BIND_TEXT(customer_id)), &billing_row, out, e,
	    "customer %.20s has no commitment policy", customer_id));
}

int
store_customer_billing_put(struct store *st, const struct customer_billing *b,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&billing_row,
	    "INSERT INTO customer_billing {insert} ON CONFLICT (customer_id) "
	    "DO UPDATE SET {set excluded}");

	return (row_insert(st, &q, b, e));
}

int
store_custom_item_insert(struct store *st, const struct custom_item *c,
    struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&item_row,
	    "INSERT INTO custom_items {insert}");

	return (row_insert(st, &q, c, e));
}

int
store_custom_item_delete(struct store *st, const char *id, struct err *e)
{
	static const char	*sql = "DELETE FROM custom_items WHERE id = ?";

	return (row_exec_one(st, row_binds(db_stmt(st, sql, e), BIND_TEXT(id)),
	    e, "custom line item %.20s does not exist", id));
}

int
store_custom_items(struct store *st, struct arena *a, const char *customer_id,
    struct custom_item **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 all = ROW_SQL(&item_row, "SELECT {cols} "
	    "FROM custom_items ORDER BY customer_id, created_at, id");
	static struct row_sql	 one = ROW_SQL(&item_row, "SELECT {cols} "
	    "FROM custom_items WHERE customer_id = ? ORDER BY created_at, id");
	struct stmt		*s;

	s = row_stmt(st, customer_id == NULL ? &all : &one, e);
	if (customer_id != NULL)
		s = row_binds(s, BIND_TEXT(customer_id));
	return (row_all(s, a, &item_row, LIST_MAX, out, n_out, e));
}

int
store_fx_put(struct store *st, const struct fx_rate *r, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&fx_row,
	    "INSERT INTO fx_rates {insert} ON CONFLICT (period, base, quote) "
	    "DO UPDATE SET {set excluded}");

	return (row_insert(st, &q, r, e));
}

int
store_fx_get(struct store *st, const char *period, const char *base,
    const char *quote, struct fx_rate *out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&fx_row, "SELECT {cols} "
	    "FROM fx_rates WHERE period = ? AND base = ? AND quote = ?");

	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(period),
	    BIND_TEXT(base), BIND_TEXT(quote)), &fx_row, out, e,
	    "no %s to %s exchange rate for %s (payerlink fx set %s %s %s RATE)",
	    base, quote, period, period, base, quote));
}

int
store_fx_list(struct store *st, struct arena *a, const char *period,
    struct fx_rate **out, size_t *n_out, struct err *e)
{
	static struct row_sql	 q = ROW_SQL(&fx_row, "SELECT {cols} "
	    "FROM fx_rates WHERE ? = '' OR period = ? "
	    "ORDER BY period, base, quote");

	return (row_all(row_binds(row_stmt(st, &q, e), BIND_TEXT(period),
	    BIND_TEXT(period)), a, &fx_row, LIST_MAX, out, n_out, e));
}
