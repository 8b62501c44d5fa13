/* SPDX-License-Identifier: MIT */
/*
 * Rebilling prices in the store: pricing rules, customers' commitment
 * policies, custom line items and monthly exchange rates. Portable SQL;
 * see store.h ("Rebilling: pricing") and migrations/007_rebilling.sql.
 */
#include <string.h>

#include "store/db.h"
#include "store/store.h"

#define LIST_MAX	100000



#define RULE_COLS "id, customer_id, account_id, service, usage_type, level, " \
	"percent, valid_from, valid_to, passes, created_at"

static void
rule_row(struct stmt *s, struct pricing_rule *r)
{
	stmt_copy(s, 0, r->id, sizeof(r->id));
	stmt_copy(s, 1, r->customer_id, sizeof(r->customer_id));
	stmt_copy(s, 2, r->account_id, sizeof(r->account_id));
	stmt_copy(s, 3, r->service, sizeof(r->service));
	stmt_copy(s, 4, r->usage_type, sizeof(r->usage_type));
	r->level = (int)stmt_int64(s, 5);
	r->percent = stmt_int64(s, 6);
	stmt_copy(s, 7, r->valid_from, sizeof(r->valid_from));
	stmt_copy(s, 8, r->valid_to, sizeof(r->valid_to));
	stmt_copy(s, 9, r->passes, sizeof(r->passes));
	r->created_at = stmt_int64(s, 10);
}

int
store_pricing_rule_insert(struct store *st, const struct pricing_rule *r,
    struct err *e)
{
	static const char	*sql = "INSERT INTO pricing_rules (" RULE_COLS
	    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, r->id);
	stmt_bind_text(s, 2, r->customer_id);
	stmt_bind_text(s, 3, r->account_id);
	stmt_bind_text(s, 4, r->service);
	stmt_bind_text(s, 5, r->usage_type);
	stmt_bind_int64(s, 6, r->level);
	stmt_bind_int64(s, 7, r->percent);
	stmt_bind_text(s, 8, r->valid_from);
	stmt_bind_text(s, 9, r->valid_to);
	stmt_bind_text(s, 10, r->passes);
	stmt_bind_int64(s, 11, r->created_at);
	return (stmt_exec(s, e));
}

int
store_pricing_rule_delete(struct store *st, const char *id, struct err *e)
{
	static const char	*sql = "DELETE FROM pricing_rules WHERE id = ?";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, id);
	if (stmt_exec(s, e) == -1)
		return (-1);
	if (db_changes(st) == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "pricing rule %.20s does not exist", id));
	return (0);
}

int
store_pricing_rules(struct store *st, struct arena *a,
    const char *customer_id, struct pricing_rule **out, size_t *n_out,
    struct err *e)
{
	static const char	*all = "SELECT " RULE_COLS
	    " FROM pricing_rules ORDER BY customer_id, level, valid_from, id";
	static const char	*one = "SELECT " RULE_COLS
	    " FROM pricing_rules WHERE customer_id = ? OR customer_id = '' "
	    "ORDER BY customer_id, level, valid_from, id";
	struct stmt		*s;
	struct pricing_rule	*v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, customer_id == NULL ? all : one, e)) == NULL)
		return (-1);
	if (customer_id != NULL)
		stmt_bind_text(s, 1, customer_id);
	while ((rc = stmt_step(s, e)) == 1 && n < LIST_MAX) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		rule_row(s, &v[n++]);
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_customer_billing_get(struct store *st, const char *customer_id,
    struct customer_billing *out, struct err *e)
{
	static const char	*sql = "SELECT customer_id, commitment, "
	    "share_percent, updated_at FROM customer_billing "
	    "WHERE customer_id = ?";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, customer_id);
	if ((rc = stmt_step(s, e)) == 1) {
		stmt_copy(s, 0, out->customer_id, sizeof(out->customer_id));
		stmt_copy(s, 1, out->commitment, sizeof(out->commitment));
		out->share_percent = stmt_int64(s, 2);
		out->updated_at = stmt_int64(s, 3);
	}
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "customer %.20s has no commitment policy", customer_id));
	return (rc == 1 ? 0 : -1);
}

int
store_customer_billing_put(struct store *st, const struct customer_billing *b,
    struct err *e)
{
	static const char	*sql = "INSERT INTO customer_billing "
	    "(customer_id, commitment, share_percent, updated_at) VALUES "
	    "(?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET "
	    "commitment = excluded.commitment, share_percent = "
	    "excluded.share_percent, updated_at = excluded.updated_at";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, b->customer_id);
	stmt_bind_text(s, 2, b->commitment);
	stmt_bind_int64(s, 3, b->share_percent);
	stmt_bind_int64(s, 4, b->updated_at);
	return (stmt_exec(s, e));
}

#define ITEM_COLS "id, customer_id, description, kind, amount, currency, " \
	"percent, of_service, minimum, valid_from, valid_to, created_at"

static void
item_row(struct stmt *s, struct custom_item *c)
{
	stmt_copy(s, 0, c->id, sizeof(c->id));
	stmt_copy(s, 1, c->customer_id, sizeof(c->customer_id));
	stmt_copy(s, 2, c->description, sizeof(c->description));
	stmt_copy(s, 3, c->kind, sizeof(c->kind));
	c->amount = stmt_int64(s, 4);
	stmt_copy(s, 5, c->currency, sizeof(c->currency));
	c->percent = stmt_int64(s, 6);
	stmt_copy(s, 7, c->of_service, sizeof(c->of_service));
	c->minimum = stmt_int64(s, 8);
	stmt_copy(s, 9, c->valid_from, sizeof(c->valid_from));
	stmt_copy(s, 10, c->valid_to, sizeof(c->valid_to));
	c->created_at = stmt_int64(s, 11);
}

int
store_custom_item_insert(struct store *st, const struct custom_item *c,
    struct err *e)
{
	static const char	*sql = "INSERT INTO custom_items (" ITEM_COLS
	    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, c->id);
	stmt_bind_text(s, 2, c->customer_id);
	stmt_bind_text(s, 3, c->description);
	stmt_bind_text(s, 4, c->kind);
	stmt_bind_int64(s, 5, c->amount);
	stmt_bind_text(s, 6, c->currency);
	stmt_bind_int64(s, 7, c->percent);
	stmt_bind_text(s, 8, c->of_service);
	stmt_bind_int64(s, 9, c->minimum);
	stmt_bind_text(s, 10, c->valid_from);
	stmt_bind_text(s, 11, c->valid_to);
	stmt_bind_int64(s, 12, c->created_at);
	return (stmt_exec(s, e));
}

int
store_custom_item_delete(struct store *st, const char *id, struct err *e)
{
	static const char	*sql = "DELETE FROM custom_items WHERE id = ?";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, id);
	if (stmt_exec(s, e) == -1)
		return (-1);
	if (db_changes(st) == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "custom line item %.20s does not exist", id));
	return (0);
}

int
store_custom_items(struct store *st, struct arena *a, const char *customer_id,
    struct custom_item **out, size_t *n_out, struct err *e)
{
	static const char	*all = "SELECT " ITEM_COLS
	    " FROM custom_items ORDER BY customer_id, created_at, id";
	static const char	*one = "SELECT " ITEM_COLS
	    " FROM custom_items WHERE customer_id = ? ORDER BY created_at, id";
	struct stmt		*s;
	struct custom_item	*v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, customer_id == NULL ? all : one, e)) == NULL)
		return (-1);
	if (customer_id != NULL)
		stmt_bind_text(s, 1, customer_id);
	while ((rc = stmt_step(s, e)) == 1 && n < LIST_MAX) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		item_row(s, &v[n++]);
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

int
store_fx_put(struct store *st, const struct fx_rate *r, struct err *e)
{
	static const char	*sql = "INSERT INTO fx_rates (period, base, "
	    "quote, rate, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT "
	    "(period, base, quote) DO UPDATE SET rate = excluded.rate, "
	    "updated_at = excluded.updated_at";
	struct stmt		*s;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, r->period);
	stmt_bind_text(s, 2, r->base);
	stmt_bind_text(s, 3, r->quote);
	stmt_bind_int64(s, 4, r->rate);
	stmt_bind_int64(s, 5, r->updated_at);
	return (stmt_exec(s, e));
}

static void
fx_row(struct stmt *s, struct fx_rate *r)
{
	stmt_copy(s, 0, r->period, sizeof(r->period));
	stmt_copy(s, 1, r->base, sizeof(r->base));
	stmt_copy(s, 2, r->quote, sizeof(r->quote));
	r->rate = stmt_int64(s, 3);
	r->updated_at = stmt_int64(s, 4);
}

int
store_fx_get(struct store *st, const char *period, const char *base,
    const char *quote, struct fx_rate *out, struct err *e)
{
	static const char	*sql = "SELECT period, base, quote, rate, "
	    "updated_at FROM fx_rates WHERE period = ? AND base = ? AND "
	    "quote = ?";
	struct stmt		*s;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, period);
	stmt_bind_text(s, 2, base);
	stmt_bind_text(s, 3, quote);
	if ((rc = stmt_step(s, e)) == 1)
		fx_row(s, out);
	stmt_done(s);
	if (rc == 0)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "no %s to %s exchange rate for %s (payerlink fx set %s %s "
		    "%s RATE)", base, quote, period, period, base, quote));
	return (rc == 1 ? 0 : -1);
}

int
store_fx_list(struct store *st, struct arena *a, const char *period,
    struct fx_rate **out, size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT period, base, quote, rate, "
	    "updated_at FROM fx_rates WHERE ? = '' OR period = ? "
	    "ORDER BY period, base, quote";
	struct stmt		*s;
	struct fx_rate		*v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	stmt_bind_text(s, 1, period);
	stmt_bind_text(s, 2, period);
	while ((rc = stmt_step(s, e)) == 1 && n < LIST_MAX) {
		v = db_grow(a, v, n, &cap, sizeof(*v));
		fx_row(s, &v[n++]);
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}
