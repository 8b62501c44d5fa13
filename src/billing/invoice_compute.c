/* SPDX-License-Identifier: MIT */
/*
 * A customer's month computed from the paid sources' rollups: rating by
 * pricing.c, lines by account and service, custom line items, currency,
 * one rounding, tax. Nothing is written here; invoice.c keeps documents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/invoice.h"
#include "billing/invoice_internal.h"
#include "billing/paid.h"
#include "core/clock.h"
#include "core/xmalloc.h"

#define HOUR_MS		3600000LL
#define DAY_MS		86400000LL

int
invoice_require(struct store *st, const struct principal *who, struct err *e)
{
	return (who == NULL ? 0 : msp_require(st, who, NULL, e));
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t	 q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return (q);
}

void
invoice_date(int64_t ms, char *buf, size_t len)
{
	int		 y;
	unsigned	 m, d;

	clock_civil_from_days(floor_div(ms, DAY_MS), &y, &m, &d);
	snprintf(buf, len, "%04d-%02u-%02u", y, m, d);
}

void
invoice_due_text(const struct invoice *h, char *buf, size_t len)
{
	char	 terms[32];

	if (h->issued_at != 0) {
		invoice_date(h->issued_at + h->payment_terms_days * DAY_MS, buf,
		    len);
		return;
	}
	payment_terms_text(h->payment_terms_days, terms, sizeof(terms));
	snprintf(buf, len, "%s from issue", terms);
}

int
invoice_range_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct range *)a)->id,
	    ((const struct range *)b)->id));
}

static const struct range *
range_find(const struct month *m, const char *id)
{
	struct range	 key;

	key.id = id;
	if (m->nuranges == 0)
		return (NULL);
	return (bsearch(&key, m->uranges, m->nuranges, sizeof(key),
	    invoice_range_cmp));
}

/* Loads period's inputs for one customer ("" all). */
int
invoice_month_load(struct store *st, struct arena *a, const char *period,
    const char *customer_id, struct month *m, struct err *e)
{
	struct billing_source	*src;
	size_t			 i, n = 0, nsrc, off = 0;
	int			 w;

	memset(m, 0, sizeof(*m));
	snprintf(m->period, sizeof(m->period), "%s", period);
	if (month_bounds(period, &m->start, &m->end) == -1)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "period: expected YYYY-MM"));
	/* Whose cost it is: only the paid sources' lines (billing/paid.h),
	 * so nothing is invoiced before the MSP is named. */
	if (paid_sources(st, a, period, period, &src, &nsrc, e) == -1 ||
	    msp_get(st, &m->msp, e) == -1)
		return (-1);
	msp_brand_read(st, &m->brand);
	for (i = 0; i < nsrc; i++) {
		w = snprintf(m->source + off, sizeof(m->source) - off, "%s%lld",
		    off ? "," : "", (long long)src[i].id);
		if (w > 0 && (size_t)w < sizeof(m->source) - off)
			off += (size_t)w;
	}
	if (store_pricing_rules(st, a, customer_id[0] ? customer_id : NULL,
	    &m->rules, &m->nrules, e) == -1 ||
	    store_custom_items(st, a, customer_id[0] ? customer_id : NULL,
	    &m->items, &m->nitems, e) == -1 ||
	    store_invoice_usage(st, a, src, nsrc, customer_id,
	    INVOICE_USAGE_MAX, &m->usage, &m->nusage, e) == -1 ||
	    paid_members(st, a, customer_id, period, m->start, m->end,
	    &m->members, &m->nmembers, e) == -1)
		return (-1);
	/* Each customer's slice of the usage (sorted by customer id). */
	m->uranges = arena_alloc(a, sizeof(*m->uranges) * (m->nusage + 1));
	for (i = 0; i < m->nusage; i++) {
		if (n > 0 && strcmp(m->uranges[n - 1].id,
		    m->usage[i].customer_id) == 0) {
			m->uranges[n - 1].hi = i + 1;
			continue;
		}
		m->uranges[n].id = m->usage[i].customer_id;
		m->uranges[n].lo = i;
		m->uranges[n].hi = i + 1;
		n++;
	}
	m->nuranges = n;
	qsort(m->uranges, n, sizeof(*m->uranges), invoice_range_cmp);
	return (0);
}

/* The dates covered: the owned accounts' memberships the MSP pays for
 * within the month (of its organization, or of a source organization under
 * a billing transfer). Returns 0 when there are none: the customer was not
 * linked that month, so nothing is invoiced, not even its fees (whose cost
 * it is: billing/paid.h). */
static int
coverage(const struct month *m, const char *customer_id,
    struct invoice *h)
{
	int64_t	 lo = 0, hi = 0, s, t;
	size_t	 i;
	int	 any = 0;

	for (i = 0; i < m->nmembers; i++) {
		if (strcmp(m->members[i].customer_id, customer_id) != 0)
			continue;
		/* A join counts from the start of its hour (attribution). */
		s = floor_div(m->members[i].joined_at, HOUR_MS) * HOUR_MS;
		t = m->members[i].left_at ? m->members[i].left_at : m->end;
		if (s < m->start)
			s = m->start;
		if (t > m->end)
			t = m->end;
		if (t <= s)
			continue;
		if (!any || s < lo)
			lo = s;
		if (!any || t > hi)
			hi = t;
		any = 1;
	}
	if (!any) {
		lo = m->start;
		hi = m->end;
	}
	invoice_date(lo, h->period_start, sizeof(h->period_start));
	invoice_date(hi - 1, h->period_end, sizeof(h->period_end));
	return (any);
}

struct rem {
	int64_t	 rem;
	size_t	 idx;
};

static int
rem_cmp(const void *a, const void *b)
{
	const struct rem	*x = a, *y = b;

	if (x->rem != y->rem)
		return (x->rem > y->rem ? -1 : 1);
	return (x->idx < y->idx ? -1 : x->idx > y->idx);
}

/*
 * Shown amounts (minor units) that add up to target: each row's floor,
 * then one more unit to the rows with the largest remainders (largest
 * remainder method; ties to the earlier row).
 */
void
invoice_apportion(struct invoice_line *l, size_t n, int digits, int64_t target)
{
	int64_t		 unit = money_pow10[9 - digits], sum = 0, k;
	struct rem	*r;
	size_t		 i, big = 0;

	if (n == 0)
		return;
	r = xcalloc(n, sizeof(*r));
	for (i = 0; i < n; i++) {
		l[i].amount = floor_div(l[i].billed_exact, unit);
		r[i].rem = l[i].billed_exact - l[i].amount * unit;
		r[i].idx = i;
		sum += l[i].amount;
		if (llabs(l[i].billed_exact) > llabs(l[big].billed_exact))
			big = i;
	}
	k = target - sum;
	if (k >= 0 && (size_t)k <= n) {
		qsort(r, n, sizeof(*r), rem_cmp);
		for (i = 0; i < (size_t)k; i++)
			l[r[i].idx].amount++;
	} else
		l[big].amount += k;
	xfree(r);
}

/* Subtotal, tax, total and the shown amounts from the exact lines. */
static void
finish(struct invoice_doc *d)
{
	struct invoice	*h = &d->h;
	size_t		 i;

	h->billed_exact = 0;
	h->aws_cost = 0;
	for (i = 0; i < d->n; i++) {
		h->billed_exact += d->lines[i].billed_exact;
		h->aws_cost += d->lines[i].aws_cost;
		d->lines[i].seq = (int)i + 1;
	}
	h->subtotal = round_minor(h->billed_exact, h->minor_digits);
	invoice_apportion(d->lines, d->n, h->minor_digits, h->subtotal);
	h->tax = div_half_even((__int128)h->subtotal * h->tax_rate, PCT_ONE);
	h->total = h->subtotal + h->tax;
}

static int
item_amount(struct store *st, const struct month *m, const char *currency,
    int64_t usd_rate, const char *item_currency, int64_t v, int64_t *out,
    struct err *e)
{
	int64_t	 rate;

	if (strcmp(item_currency, currency) == 0) {
		*out = v;
		return (0);
	}
	if (strcmp(item_currency, "USD") == 0)
		rate = usd_rate;
	else if (fx_get(st, m->period, item_currency, currency, &rate,
	    e) == -1)
		return (-1);
	*out = fx_convert(v, rate);
	return (0);
}

/*
 * Computes customer c's document for the month (nothing written): lines by
 * account and service, then the custom items valid in the period.
 */
/* "Tax ID: X" as a line of its own, or nothing. */
static const char *
tax_line(const char *id, char *buf, size_t len)
{
	if (id[0] == '\0')
		return ("");
	snprintf(buf, len, "\nTax ID: %s", id);
	return (buf);
}

/* Who bills whom, on what terms, under which brand: the MSP's with the
 * customer's overrides. */
static void
parties_set(const struct msp *msp, const struct msp_brand *b,
    const struct customer *c, struct invoice *h)
{
	char			 tax[TAX_ID_MAX + 16];

	snprintf(h->customer_name, sizeof(h->customer_name), "%s", c->name);
	snprintf(h->bill_from, sizeof(h->bill_from), "%s\n%s%s",
	    msp->legal_name[0] != '\0' ? msp->legal_name : msp->name,
	    msp->address, tax_line(msp->tax_id, tax, sizeof(tax)));
	snprintf(h->bill_to, sizeof(h->bill_to), "%s%s%s%s\n%s", c->name,
	    c->address[0] != '\0' ? "\n" : "", c->address,
	    tax_line(c->tax_id, tax, sizeof(tax)), c->contact_email);
	h->payment_terms_days = c->payment_terms_days >= 0 ?
	    c->payment_terms_days : msp->payment_terms_days;
	snprintf(h->payment_instructions, sizeof(h->payment_instructions),
	    "%s", c->payment_instructions[0] != '\0' ?
	    c->payment_instructions : msp->payment_instructions);
	snprintf(h->brand_name, sizeof(h->brand_name), "%s", b->name);
	snprintf(h->brand_color, sizeof(h->brand_color), "%s", b->color);
	snprintf(h->support_contact, sizeof(h->support_contact), "%s%s%s",
	    b->support_email, b->support_email[0] != '\0' &&
	    b->support_url[0] != '\0' ? ", " : "", b->support_url);
}

int
invoice_parties_now(struct store *st, struct invoice *h, struct err *e)
{
	struct msp		 msp;
	struct msp_brand	 b;
	struct customer		 c;

	if (msp_get(st, &msp, e) == -1 ||
	    customer_find(st, h->customer_id, &c, e) == -1)
		return (-1);
	msp_brand_read(st, &b);
	parties_set(&msp, &b, &c, h);
	return (0);
}

int
invoice_compute(struct store *st, struct arena *a, const struct month *m,
    const struct customer *c, const struct frozen *fz,
    struct invoice_doc *d, struct err *e)
{
	struct customer_billing	 cb;
	struct pricing_ctx	 ctx;
	struct invoice		*h = &d->h;
	struct invoice_line	*l = NULL;
	const struct range	*rg;
	const struct invoice_usage *u;
	int64_t			 aws, billed, base, v, min;
	int64_t			*usd;
	size_t			 i, j, cap, lo = 0, hi = 0, nl = 0;
	int			 linked;

	memset(d, 0, sizeof(*d));
	if (pricing_commitment_get(st, c->id, &cb, e) == -1)
		return (-1);
	snprintf(h->customer_id, sizeof(h->customer_id), "%s", c->id);
	snprintf(h->period, sizeof(h->period), "%s", m->period);
	snprintf(h->kind, sizeof(h->kind), "INVOICE");
	snprintf(h->state, sizeof(h->state), "DRAFT");
	snprintf(h->currency, sizeof(h->currency), "%s",
	    fz != NULL ? fz->currency : c->currency);
	h->minor_digits = currency_digits(h->currency);
	h->tax_rate = fz != NULL ? fz->tax_rate : c->tax_rate;
	pricing_commitment_format(&cb, h->commitment, sizeof(h->commitment));
	snprintf(h->source, sizeof(h->source), "%s", m->source);
	parties_set(&m->msp, &m->brand, c, h);
	if (fz != NULL)
		h->fx_rate = fz->fx_rate;
	else if (fx_get(st, m->period, "USD", h->currency, &h->fx_rate,
	    e) == -1)
		return (-1);
	linked = d->linked = coverage(m, c->id, h);

	memset(&ctx, 0, sizeof(ctx));
	ctx.rules = m->rules;
	ctx.nrules = m->nrules;
	ctx.policy = strcmp(cb.commitment, "keep") == 0 ? COMMIT_KEEP :
	    strcmp(cb.commitment, "share") == 0 ? COMMIT_SHARE :
	    COMMIT_PASS_THROUGH;
	ctx.share = cb.share_percent;
	ctx.customer_id = c->id;
	ctx.period = m->period;

	if ((rg = range_find(m, c->id)) != NULL) {
		lo = rg->lo;
		hi = rg->hi;
	}
	cap = (hi - lo) + m->nitems + 1;
	l = arena_zalloc(a, sizeof(*l) * cap);
	usd = arena_zalloc(a, sizeof(*usd) * cap);
	/* Rows come sorted by account and product code: one line each. */
	for (i = lo; i < hi; i++) {
		u = &m->usage[i];
		pricing_rate(&ctx, u, &aws, &billed);
		if (nl == 0 || strcmp(l[nl - 1].account_id, u->account_id) != 0 ||
		    strcmp(l[nl - 1].service, u->product_code) != 0) {
			snprintf(l[nl].kind, sizeof(l[nl].kind), "LINE");
			snprintf(l[nl].account_id, sizeof(l[nl].account_id), "%s",
			    u->account_id);
			snprintf(l[nl].service, sizeof(l[nl].service), "%s",
			    u->product_code[0] ? u->product_code : "Other");
			nl++;
		}
		l[nl - 1].aws_cost += aws;
		usd[nl - 1] += billed;
	}
	/* Drop lines with nothing in them; convert the rest. */
	for (i = j = 0; i < nl; i++) {
		if (l[i].aws_cost == 0 && usd[i] == 0)
			continue;
		l[j] = l[i];
		usd[j] = usd[i];
		l[j].billed_exact = fx_convert(usd[j], h->fx_rate);
		h->billed_usd += usd[j];
		j++;
	}
	nl = j;
	/* Custom line items valid this month, on the lines' charges; only
	 * in a month the customer was linked. */
	for (i = 0; linked && i < m->nitems; i++) {
		const struct custom_item *it = &m->items[i];

		if (strcmp(it->customer_id, c->id) != 0 ||
		    !pricing_valid_in(it->valid_from, it->valid_to, m->period))
			continue;
		if (strcmp(it->kind, "FLAT") == 0) {
			if (item_amount(st, m, h->currency, h->fx_rate,
			    it->currency, it->amount, &v, e) == -1)
				return (-1);
		} else {
			base = 0;
			for (j = 0; j < nl; j++)
				if (it->of_service[0] == '\0' ||
				    strcmp(l[j].service, it->of_service) == 0)
					base += l[j].billed_exact;
			v = apply_pct(base, it->percent);
			if (item_amount(st, m, h->currency, h->fx_rate,
			    it->currency, it->minimum, &min, e) == -1)
				return (-1);
			if (v >= 0 && v < min && it->percent > 0)
				v = min;
			else if (v <= 0 && -v < min && it->percent < 0)
				v = -min;
		}
		if (v == 0)
			continue;
		snprintf(l[nl].kind, sizeof(l[nl].kind), "ADJUSTMENT");
		snprintf(l[nl].description, sizeof(l[nl].description), "%s",
		    it->description);
		l[nl].billed_exact = v;
		h->billed_usd += div_half_even((__int128)v * FX_SCALE,
		    h->fx_rate);
		nl++;
	}
	d->lines = l;
	d->n = nl;
	finish(d);
	return (0);
}
