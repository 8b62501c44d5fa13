/* SPDX-License-Identifier: MIT */
/*
 * The MSP's prices: exact arithmetic, pricing rules (scopes, precedence,
 * validity, overlap refusal), commitment policies, partner-only discounts,
 * custom line items and exchange rates. See pricing.h and docs/billing.md.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "billing/money.h"
#include "billing/pricing.h"
#include "core/clock.h"
#include "core/codec.h"
#include "onboard/onboard.h"

#define ID_ALPHABET	"abcdefghijklmnopqrstuvwxyz0123456789"

static void
this_month(struct store *st, char *buf, size_t len)
{
	int		 y;
	unsigned	 m, d;

	clock_civil_from_days(store_now(st) / 86400000, &y, &m, &d);
	snprintf(buf, len, "%04d-%02u", y, m);
}

int
pricing_valid_in(const char *from, const char *to, const char *period)
{
	return (strcmp(from, period) <= 0 &&
	    (to[0] == '\0' || strcmp(period, to) <= 0));
}

static int
ranges_overlap(const char *f1, const char *t1, const char *f2, const char *t2)
{
	const char	*e1 = t1[0] ? t1 : "9999-99", *e2 = t2[0] ? t2 : "9999-99";

	return (strcmp(f1, e2) <= 0 && strcmp(f2, e1) <= 0);
}

static int
require(struct store *st, const struct principal *who, struct err *e)
{
	return (who == NULL ? 0 : msp_require(st, who, NULL, e));
}

static int
customer_exists(struct store *st, const char *id, struct customer *c,
    struct err *e)
{
	struct customer	 tmp;

	return (customer_find(st, id, c != NULL ? c : &tmp, e));
}

/* ---- Rules ----------------------------------------------------------- */

static const char *const partner_types[] = { "EdpDiscount", "SppDiscount",
    "PrivateRateDiscount", "Discount", "BundledDiscount", "RiVolumeDiscount",
    "Credit", "DistributorDiscount" };

int
pricing_partner_only(const char *t)
{
	size_t	 i;

	for (i = 0; i < sizeof(partner_types) / sizeof(partner_types[0]); i++)
		if (strcmp(t, partner_types[i]) == 0)
			return (1);
	return (0);
}

/* Canonical, comma-separated partner types from a user's list. */
static int
passes_parse(const char *in, char *out, size_t len, struct err *e)
{
	char		 tok[64];
	const char	*p = in, *q;
	size_t		 i, n, off = 0;

	out[0] = '\0';
	while (p != NULL && *p != '\0') {
		q = strchr(p, ',');
		n = q != NULL ? (size_t)(q - p) : strlen(p);
		if (n == 0 || n >= sizeof(tok))
			goto bad;
		memcpy(tok, p, n);
		tok[n] = '\0';
		for (i = 0; i < sizeof(partner_types) / sizeof(partner_types[0]);
		    i++)
			if (strcasecmp(tok, partner_types[i]) == 0)
				break;
		if (i == sizeof(partner_types) / sizeof(partner_types[0]))
			goto bad;
		off += (size_t)snprintf(out + off, len - off, "%s%s",
		    off ? "," : "", partner_types[i]);
		if (off >= len)
			goto bad;
		p = q != NULL ? q + 1 : NULL;
	}
	return (0);
bad:
	return (err_set(e, ERR_INVALID, NULL, NULL, "passes: expected partner "
	    "line item types separated by commas (EdpDiscount, SppDiscount, "
	    "PrivateRateDiscount, Discount, BundledDiscount, RiVolumeDiscount, "
	    "Credit, DistributorDiscount)"));
}

static int
passes_has(const char *list, const char *t)
{
	size_t	 n = strlen(t);
	const char *p = list;

	while ((p = strstr(p, t)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return (1);
		p += n;
	}
	return (0);
}

const char *
pricing_scope_name(int level)
{
	if (level & SCOPE_USAGE)
		return ("usage-type");
	if (level & SCOPE_SERVICE)
		return ("service");
	if (level & SCOPE_ACCOUNT)
		return ("account");
	if (level & SCOPE_CUSTOMER)
		return ("customer");
	return ("global");
}

static int
key_ok(const char *s, size_t max)
{
	size_t	 n = strlen(s), i;

	if (n == 0 || n > max)
		return (0);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == ',')
			return (0);
	return (1);
}

int
pricing_rule_add(struct store *st, const struct principal *who,
    const struct pricing_rule_input *in, struct pricing_rule *out,
    struct err *e)
{
	struct pricing_rule	 r, *v;
	struct arena		 a;
	char			 pct[24];
	size_t			 n, i;

	memset(&r, 0, sizeof(r));
#define OPT(x) ((x) != NULL ? (x) : "")
	if (strlen(OPT(in->customer_id)) > CUSTOMER_ID_LEN)
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "customer %.20s does not exist", in->customer_id));
	snprintf(r.customer_id, sizeof(r.customer_id), "%s",
	    OPT(in->customer_id));
	if (in->account_id != NULL && in->account_id[0] != '\0' &&
	    (strlen(in->account_id) != ACCOUNT_ID_LEN ||
	    !str_is_digits(in->account_id)))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "account: expected a 12-digit account id"));
	snprintf(r.account_id, sizeof(r.account_id), "%s", OPT(in->account_id));
	if (in->service != NULL && in->service[0] != '\0' &&
	    !key_ok(in->service, PRICING_KEY_MAX))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "service: expected a product code (AmazonEC2)"));
	snprintf(r.service, sizeof(r.service), "%s", OPT(in->service));
	if (in->usage_type != NULL && in->usage_type[0] != '\0' &&
	    !key_ok(in->usage_type, PRICING_KEY_MAX))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "usage-type: expected a usage type (BoxUsage:m5.large)"));
	snprintf(r.usage_type, sizeof(r.usage_type), "%s",
	    OPT(in->usage_type));
	if (in->percent == NULL || pct_parse(in->percent, &r.percent) == -1)
		return (err_set(e, ERR_INVALID, NULL, NULL, "percent: expected "
		    "a signed percentage from -100 to 10000 with at most 4 "
		    "decimals (-10 is a discount, 5 a markup)"));
	if (in->from != NULL && !month_valid(in->from))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "from: expected YYYY-MM"));
	if (in->to != NULL && in->to[0] != '\0' && !month_valid(in->to))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "to: expected YYYY-MM"));
	if (in->passes != NULL && passes_parse(in->passes, r.passes,
	    sizeof(r.passes), e) == -1)
		return (-1);
	r.level = (r.customer_id[0] ? SCOPE_CUSTOMER : 0) |
	    (r.account_id[0] ? SCOPE_ACCOUNT : 0) |
	    (r.service[0] ? SCOPE_SERVICE : 0) |
	    (r.usage_type[0] ? SCOPE_USAGE : 0);
	random_chars(r.id, 10, ID_ALPHABET);
	memmove(r.id + 3, r.id, 10);
	memcpy(r.id, "pr-", 3);
	r.id[13] = '\0';
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	arena_init(&a);
	if (require(st, who, e) == -1)
		goto fail;
	if (r.customer_id[0] && customer_exists(st, r.customer_id, NULL,
	    e) == -1)
		goto fail;
	if (in->from != NULL)
		snprintf(r.valid_from, sizeof(r.valid_from), "%s", in->from);
	else
		this_month(st, r.valid_from, sizeof(r.valid_from));
	snprintf(r.valid_to, sizeof(r.valid_to), "%s", OPT(in->to));
	if (r.valid_to[0] && strcmp(r.valid_to, r.valid_from) < 0) {
		err_set(e, ERR_INVALID, NULL, NULL,
		    "to: %s is before from %s", r.valid_to, r.valid_from);
		goto fail;
	}
	r.created_at = store_now(st);
	/* Scopes of the same level (the same fields) never overlap. */
	if (store_pricing_rules(st, &a, r.customer_id[0] ? r.customer_id :
	    NULL, &v, &n, e) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].customer_id, r.customer_id) != 0 ||
		    strcmp(v[i].account_id, r.account_id) != 0 ||
		    strcmp(v[i].service, r.service) != 0 ||
		    strcmp(v[i].usage_type, r.usage_type) != 0 ||
		    !ranges_overlap(v[i].valid_from, v[i].valid_to,
		    r.valid_from, r.valid_to))
			continue;
		pct_format(v[i].percent, pct, sizeof(pct));
		err_set(e, ERR_CONFLICT, "PricingRuleOverlap", NULL,
		    "pricing rule %s (%s scope, %s%%, %s to %s) already prices "
		    "this scope in an overlapping period: end it or delete it "
		    "first", v[i].id, pricing_scope_name(v[i].level), pct,
		    v[i].valid_from, v[i].valid_to[0] ? v[i].valid_to : "open");
		goto fail;
	}
	if (store_pricing_rule_insert(st, &r, e) == -1 ||
	    store_audit_append(st, principal_actor(who),
	    "pricing.rule.add", r.id, r.customer_id, e) == -1 ||
	    store_commit(st, e) == -1)
		goto fail;
	arena_release(&a);
	*out = r;
	return (0);
fail:
	arena_release(&a);
	store_rollback(st);
	return (-1);
#undef OPT
}

int
pricing_rule_delete(struct store *st, const struct principal *who,
    const char *id, struct err *e)
{
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (require(st, who, e) == -1 ||
	    store_pricing_rule_delete(st, id, e) == -1 ||
	    store_audit_append(st, principal_actor(who),
	    "pricing.rule.delete", id, "", e) == -1 ||
	    store_commit(st, e) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (0);
}

int
pricing_rule_list(struct store *st, struct arena *a,
    const struct principal *who, const char *customer_id,
    struct pricing_rule **out, size_t *n_out, struct err *e)
{
	if (require(st, who, e) == -1)
		return (-1);
	return (store_pricing_rules(st, a, customer_id, out, n_out, e));
}

const struct pricing_rule *
pricing_match(const struct pricing_rule *v, size_t n, const char *customer,
    const char *account, const char *service, const char *usage,
    const char *period)
{
	const struct pricing_rule	*best = NULL;
	size_t				 i;

	for (i = 0; i < n; i++) {
		if ((v[i].customer_id[0] &&
		    strcmp(v[i].customer_id, customer) != 0) ||
		    (v[i].account_id[0] &&
		    strcmp(v[i].account_id, account) != 0) ||
		    (v[i].service[0] && strcmp(v[i].service, service) != 0) ||
		    (v[i].usage_type[0] &&
		    strcmp(v[i].usage_type, usage) != 0) ||
		    !pricing_valid_in(v[i].valid_from, v[i].valid_to, period))
			continue;
		if (best == NULL || v[i].level > best->level)
			best = &v[i];
	}
	return (best);
}

/* ---- Commitment policy ----------------------------------------------- */

int
pricing_commitment_set(struct store *st, const struct principal *who,
    const char *customer_id, const char *spec, struct customer_billing *out,
    struct err *e)
{
	struct customer_billing	 b;
	char			 detail[32];

	memset(&b, 0, sizeof(b));
	snprintf(b.customer_id, sizeof(b.customer_id), "%s", customer_id);
	if (strcmp(spec, "pass-through") == 0 ||
	    strcmp(spec, "pass_through") == 0)
		snprintf(b.commitment, sizeof(b.commitment), "pass_through");
	else if (strcmp(spec, "keep") == 0)
		snprintf(b.commitment, sizeof(b.commitment), "keep");
	else if (strncmp(spec, "share:", 6) == 0 &&
	    pct_parse(spec + 6, &b.share_percent) == 0 &&
	    b.share_percent >= 0 && b.share_percent <= PCT_ONE)
		snprintf(b.commitment, sizeof(b.commitment), "share");
	else
		return (err_set(e, ERR_INVALID, NULL, NULL, "commitment: "
		    "expected keep, pass-through or share:N (N percent of the "
		    "saving to the customer, 0 to 100)"));
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (require(st, who, e) == -1 ||
	    customer_exists(st, customer_id, NULL, e) == -1)
		goto fail;
	b.updated_at = store_now(st);
	pricing_commitment_format(&b, detail, sizeof(detail));
	if (store_customer_billing_put(st, &b, e) == -1 ||
	    store_audit_append(st, principal_actor(who),
	    "customer.commitment", customer_id, detail, e) == -1 ||
	    store_commit(st, e) == -1)
		goto fail;
	if (out != NULL)
		*out = b;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
pricing_commitment_get(struct store *st, const char *customer_id,
    struct customer_billing *out, struct err *e)
{
	if (store_customer_billing_get(st, customer_id, out, e) == 0)
		return (0);
	if (e->code != ERR_NOT_FOUND)
		return (-1);
	err_clear(e);
	memset(out, 0, sizeof(*out));
	snprintf(out->customer_id, sizeof(out->customer_id), "%s",
	    customer_id);
	snprintf(out->commitment, sizeof(out->commitment), "pass_through");
	return (0);
}

void
pricing_commitment_format(const struct customer_billing *b, char *buf,
    size_t len)
{
	char	 pct[24];

	if (strcmp(b->commitment, "share") == 0) {
		pct_format(b->share_percent, pct, sizeof(pct));
		snprintf(buf, len, "share:%s", pct);
	} else if (strcmp(b->commitment, "keep") == 0)
		snprintf(buf, len, "keep");
	else
		snprintf(buf, len, "pass-through");
}

/* ---- Rating ---------------------------------------------------------- */

void
pricing_rate(const struct pricing_ctx *c, const struct invoice_usage *u,
    int64_t *aws_out, int64_t *billed_out)
{
	const struct pricing_rule	*r;
	const char			*t = u->line_item_type;
	int64_t				 base, od, eff;

	*aws_out = u->unblended;
	/* The MSP's own tax replaces AWS's: never billed, never marked up. */
	if (strcmp(t, "Tax") == 0) {
		*billed_out = 0;
		return;
	}
	r = pricing_match(c->rules, c->nrules, c->customer_id, u->account_id,
	    u->product_code, u->usage_type, c->period);
	if (pricing_partner_only(t)) {
		if (r != NULL && passes_has(r->passes, t))
			*billed_out = u->unblended + apply_pct(u->unblended,
			    r->percent);
		else
			*billed_out = 0;
		return;
	}
	if (strcmp(t, "DiscountedUsage") == 0 ||
	    strcmp(t, "SavingsPlanCoveredUsage") == 0 ||
	    (strcmp(t, "Usage") == 0 &&
	    strcmp(u->pricing_term, "Committed") == 0)) {
		eff = u->amortized;
		od = u->public_on_demand;
		if (od == 0)
			od = strcmp(t, "SavingsPlanCoveredUsage") == 0 ?
			    u->unblended : eff;
		if (c->policy == COMMIT_KEEP)
			base = od;
		else if (c->policy == COMMIT_SHARE)
			base = od - apply_pct(od - eff, c->share);
		else
			base = eff;
	} else if (strcmp(t, "SavingsPlanNegation") == 0)
		base = 0;
	else if (strcmp(t, "RIFee") == 0 ||
	    strcmp(t, "SavingsPlanRecurringFee") == 0 ||
	    strcmp(t, "SavingsPlanUpfrontFee") == 0)
		base = c->policy == COMMIT_PASS_THROUGH ? u->amortized : 0;
	else if (strcmp(t, "Fee") == 0)
		base = u->amortized;
	else
		base = u->unblended;
	if (r != NULL && base != 0)
		base += apply_pct(base, r->percent);
	*billed_out = base;
}

/* ---- Custom line items ----------------------------------------------- */

int
pricing_item_add(struct store *st, const struct principal *who,
    const struct custom_item_input *in, struct custom_item *out,
    struct err *e)
{
	struct custom_item	 c;
	struct customer		 cu;
	char			 pct[24];

	memset(&c, 0, sizeof(c));
	if (in->customer_id == NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "customer: required"));
	if ((in->amount == NULL) == (in->percent == NULL))
		return (err_set(e, ERR_INVALID, NULL, NULL, "give either "
		    "amount (a flat fee, negative for a credit) or percent"));
	if (in->amount != NULL) {
		snprintf(c.kind, sizeof(c.kind), "FLAT");
		if (money_parse_strict(in->amount, 9, &c.amount) == -1 ||
		    c.amount == 0)
			return (err_set(e, ERR_INVALID, NULL, NULL, "amount: "
			    "expected a non-zero decimal (negative: a credit)"));
	} else {
		snprintf(c.kind, sizeof(c.kind), "PERCENT");
		if (pct_parse(in->percent, &c.percent) == -1 || c.percent == 0)
			return (err_set(e, ERR_INVALID, NULL, NULL, "percent: "
			    "expected a non-zero signed percentage"));
		if (in->minimum != NULL && (money_parse_strict(in->minimum, 9,
		    &c.minimum) == -1 || c.minimum < 0))
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "minimum: expected a positive decimal"));
		if (in->of_service != NULL && !key_ok(in->of_service,
		    PRICING_KEY_MAX))
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "of: expected a product code"));
		snprintf(c.of_service, sizeof(c.of_service), "%s",
		    in->of_service != NULL ? in->of_service : "");
	}
	if (in->currency != NULL && !currency_valid(in->currency))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "currency: expected an ISO 4217 code (USD, KRW)"));
	if ((in->from != NULL && !month_valid(in->from)) ||
	    (in->to != NULL && !month_valid(in->to)))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "from, to: expected YYYY-MM"));
	if (in->description != NULL && (strlen(in->description) == 0 ||
	    strlen(in->description) > ITEM_DESC_MAX ||
	    !utf8_valid(in->description, strlen(in->description))))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "description: 1 to %d characters", ITEM_DESC_MAX));
	if (in->description != NULL)
		snprintf(c.description, sizeof(c.description), "%s",
		    in->description);
	else if (c.kind[0] == 'P') {
		pct_format(c.percent < 0 ? -c.percent : c.percent, pct,
		    sizeof(pct));
		snprintf(c.description, sizeof(c.description), "%s %s%% of %s",
		    c.percent < 0 ? "Credit" : "Fee", pct, c.of_service[0] ?
		    c.of_service : "charges");
	} else
		snprintf(c.description, sizeof(c.description), "%s",
		    c.amount < 0 ? "Credit" : "Fee");
	random_chars(c.id + 4, 10, ID_ALPHABET);
	memcpy(c.id, "cli-", 4);
	c.id[14] = '\0';
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (require(st, who, e) == -1 ||
	    customer_exists(st, in->customer_id, &cu, e) == -1)
		goto fail;
	snprintf(c.customer_id, sizeof(c.customer_id), "%s", cu.id);
	snprintf(c.currency, sizeof(c.currency), "%s",
	    in->currency != NULL ? in->currency : cu.currency);
	if (in->from != NULL)
		snprintf(c.valid_from, sizeof(c.valid_from), "%s", in->from);
	else
		this_month(st, c.valid_from, sizeof(c.valid_from));
	if (in->once)
		snprintf(c.valid_to, sizeof(c.valid_to), "%s", c.valid_from);
	else if (in->to != NULL)
		snprintf(c.valid_to, sizeof(c.valid_to), "%s", in->to);
	if (c.valid_to[0] && strcmp(c.valid_to, c.valid_from) < 0) {
		err_set(e, ERR_INVALID, NULL, NULL, "to: before from");
		goto fail;
	}
	c.created_at = store_now(st);
	if (store_custom_item_insert(st, &c, e) == -1 ||
	    store_audit_append(st, principal_actor(who),
	    "pricing.item.add", c.id, c.customer_id, e) == -1 ||
	    store_commit(st, e) == -1)
		goto fail;
	*out = c;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
pricing_item_delete(struct store *st, const struct principal *who,
    const char *id, struct err *e)
{
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (require(st, who, e) == -1 ||
	    store_custom_item_delete(st, id, e) == -1 ||
	    store_audit_append(st, principal_actor(who),
	    "pricing.item.delete", id, "", e) == -1 ||
	    store_commit(st, e) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (0);
}

int
pricing_item_list(struct store *st, struct arena *a,
    const struct principal *who, const char *customer_id,
    struct custom_item **out, size_t *n_out, struct err *e)
{
	if (require(st, who, e) == -1)
		return (-1);
	return (store_custom_items(st, a, customer_id, out, n_out, e));
}

/* ---- Exchange rates -------------------------------------------------- */

int
fx_set(struct store *st, const struct principal *who, const char *period,
    const char *base, const char *quote, const char *rate,
    struct fx_rate *out, struct err *e)
{
	struct fx_rate	 r;

	memset(&r, 0, sizeof(r));
	if (!month_valid(period))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "period: expected YYYY-MM"));
	if (!currency_valid(base) || !currency_valid(quote) ||
	    strcmp(base, quote) == 0)
		return (err_set(e, ERR_INVALID, NULL, NULL, "currencies: "
		    "expected two different ISO 4217 codes (USD KRW)"));
	if (fx_rate_parse(rate, &r.rate) == -1)
		return (err_set(e, ERR_INVALID, NULL, NULL, "rate: expected a "
		    "positive decimal with at most 9 decimals (1387.25)"));
	snprintf(r.period, sizeof(r.period), "%s", period);
	snprintf(r.base, sizeof(r.base), "%s", base);
	snprintf(r.quote, sizeof(r.quote), "%s", quote);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	r.updated_at = store_now(st);
	if (require(st, who, e) == -1 || store_fx_put(st, &r, e) == -1 ||
	    store_audit_append(st, principal_actor(who),
	    "fx.set", period, rate, e) == -1 || store_commit(st, e) == -1) {
		store_rollback(st);
		return (-1);
	}
	if (out != NULL)
		*out = r;
	return (0);
}

int
fx_list(struct store *st, struct arena *a, const struct principal *who,
    const char *period, struct fx_rate **out, size_t *n_out, struct err *e)
{
	if (require(st, who, e) == -1)
		return (-1);
	return (store_fx_list(st, a, period != NULL ? period : "", out, n_out,
	    e));
}

int
fx_get(struct store *st, const char *period, const char *base,
    const char *quote, int64_t *rate_out, struct err *e)
{
	struct fx_rate	 r;

	if (strcmp(base, quote) == 0) {
		*rate_out = FX_SCALE;
		return (0);
	}
	if (store_fx_get(st, period, base, quote, &r, e) == -1)
		return (-1);
	*rate_out = r.rate;
	return (0);
}
