/* SPDX-License-Identifier: MIT */
/*
 * Invoices as documents: drafts and their diffs, issuing with gapless
 * numbers, voiding, credit notes and adjustment invoices for restatements
 * after issue, the customer's reads (the portal) and the CSV. The numbers
 * come from invoice_compute.c. See invoice.h.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/invoice.h"
#include "billing/invoice_internal.h"
#include "billing/service.h"
#include "core/clock.h"
#include "core/codec.h"

#define ID_ALPHABET	"abcdefghijklmnopqrstuvwxyz0123456789"

static int
line_same_key(const struct invoice_line *a, const struct invoice_line *b)
{
	return (strcmp(a->kind, b->kind) == 0 &&
	    strcmp(a->account_id, b->account_id) == 0 &&
	    strcmp(a->service, b->service) == 0 &&
	    strcmp(a->description, b->description) == 0);
}

static const char *
line_label(const struct invoice_line *l)
{
	return (l->kind[0] == 'L' ? l->service : l->description);
}

static void
diff_add(struct arena *a, struct invoice_diff *df, size_t *cap,
    const char *what, const struct invoice_line *l, int64_t before,
    int64_t after)
{
	struct invoice_change	*c;

	if (df->n == *cap) {
		struct invoice_change *nv;

		*cap = *cap ? *cap * 2 : 16;
		nv = arena_alloc(a, sizeof(*nv) * *cap);
		if (df->n > 0)
			memcpy(nv, df->v, sizeof(*nv) * df->n);
		df->v = nv;
	}
	c = &df->v[df->n++];
	snprintf(c->what, sizeof(c->what), "%s", what);
	c->account_id = arena_strdup(a, l->account_id);
	c->label = arena_strdup(a, line_label(l));
	c->before = before;
	c->after = after;
}

/* What changed from old to new (by line key, shown amounts). */
static int
diff_lines(struct arena *a, const struct invoice_line *o, size_t no,
    const struct invoice_line *nw, size_t nn, struct invoice_diff *df)
{
	size_t	 i, j, cap = 0;
	char	*seen;
	int	 changed = 0;

	seen = arena_zalloc(a, no + 1);
	for (i = 0; i < nn; i++) {
		for (j = 0; j < no; j++)
			if (!seen[j] && line_same_key(&o[j], &nw[i]))
				break;
		if (j == no) {
			diff_add(a, df, &cap, "added", &nw[i], 0, nw[i].amount);
			changed = 1;
			continue;
		}
		seen[j] = 1;
		if (o[j].billed_exact != nw[i].billed_exact ||
		    o[j].amount != nw[i].amount ||
		    o[j].aws_cost != nw[i].aws_cost) {
			diff_add(a, df, &cap, "changed", &nw[i], o[j].amount,
			    nw[i].amount);
			changed = 1;
		}
	}
	for (j = 0; j < no; j++)
		if (!seen[j]) {
			diff_add(a, df, &cap, "removed", &o[j], o[j].amount, 0);
			changed = 1;
		}
	return (changed);
}

static void
new_id(char *out)
{
	memcpy(out, "inv-", 4);
	random_chars(out + 4, 10, ID_ALPHABET);
	out[14] = '\0';
}

static int
doc_read(struct store *st, struct arena *a, const char *key,
    struct invoice_doc *d, struct err *e)
{
	struct invoice	 o;

	memset(d, 0, sizeof(*d));
	if (store_invoice_get(st, key, &d->h, e) == -1)
		return (-1);
	if (d->h.refers_to[0] != '\0') {
		if (store_invoice_get(st, d->h.refers_to, &o, e) == -1)
			return (-1);
		snprintf(d->refers_number, sizeof(d->refers_number), "%s",
		    o.number);
	}
	/* A draft shows the parties and brand of the day; an issued
	 * document those it was issued with. */
	if (strcmp(d->h.state, "DRAFT") == 0 &&
	    invoice_parties_now(st, &d->h, e) == -1)
		return (-1);
	return (store_invoice_lines(st, a, d->h.id, &d->lines, &d->n, e));
}

/* The MSP's PDF logo of the day as invoice_logos keeps it: its SHA-256
 * into key (hex) and *b64_out; key "" when there is none. */
static int
logo_now(struct store *st, struct arena *a,
    char key[INVOICE_LOGO_KEY_MAX + 1], const char **b64_out, struct err *e)
{
	const unsigned char	*png;
	unsigned char		 md[crypto_hash_sha256_BYTES];
	size_t			 len;
	char			*b64;

	key[0] = '\0';
	*b64_out = NULL;
	if (msp_pdf_logo_read(st, a, &png, &len, e) == -1) {
		if (e->code != ERR_NOT_FOUND)
			return (-1);
		err_clear(e);
		return (0);
	}
	crypto_hash_sha256(md, png, len);
	hex_encode(md, sizeof(md), key);
	b64 = arena_alloc(a, len * 4 / 3 + 4);
	b64url_encode(png, len, b64);
	*b64_out = b64;
	return (0);
}

int
invoice_logo(struct store *st, struct arena *a, const struct invoice *h,
    const unsigned char **png_out, size_t *len_out, struct err *e)
{
	const char	*b64;
	unsigned char	*png;
	long		 n;

	if (strcmp(h->state, "DRAFT") == 0)
		return (msp_pdf_logo_get(st, a, png_out, len_out, e));
	if (h->logo[0] == '\0')
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "%s was issued without a logo", h->number));
	if (store_invoice_logo_get(st, a, h->logo, &b64, e) == -1)
		return (-1);
	png = arena_alloc(a, strlen(b64) * 3 / 4 + 4);
	if ((n = b64url_decode(b64, strlen(b64), png)) < 0)
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "invoice logo %s is not base64url", h->logo));
	*png_out = png;
	*len_out = (size_t)n;
	return (0);
}

/*
 * The difference between a fresh computation f and what was issued for the
 * month (the original and its issued notes): the lines of a note.
 */
static void
note_lines(struct arena *a, const struct invoice_doc *f,
    const struct invoice_doc *prev, size_t nprev, struct invoice_doc *nd)
{
	struct invoice_line	*l;
	size_t			 cap = f->n + 1, i, j, k, n = 0;
	int64_t			 sub = 0, tax = 0;

	for (k = 0; k < nprev; k++)
		cap += prev[k].n;
	l = arena_zalloc(a, sizeof(*l) * cap);
	for (i = 0; i < f->n; i++)
		l[n++] = f->lines[i];
	for (k = 0; k < nprev; k++) {
		sub += prev[k].h.subtotal;
		tax += prev[k].h.tax;
		for (j = 0; j < prev[k].n; j++) {
			for (i = 0; i < n; i++)
				if (line_same_key(&l[i], &prev[k].lines[j]))
					break;
			if (i == n) {
				l[n] = prev[k].lines[j];
				l[n].aws_cost = 0;
				l[n].billed_exact = 0;
				n++;
			}
			l[i].aws_cost -= prev[k].lines[j].aws_cost;
			l[i].billed_exact -= prev[k].lines[j].billed_exact;
		}
	}
	for (i = j = 0; i < n; i++)
		if (l[i].aws_cost != 0 || l[i].billed_exact != 0)
			l[j++] = l[i];
	nd->lines = l;
	nd->n = j;
	nd->h.aws_cost = 0;
	nd->h.billed_exact = 0;
	for (i = 0; i < j; i++) {
		l[i].seq = (int)i + 1;
		nd->h.aws_cost += l[i].aws_cost;
		nd->h.billed_exact += l[i].billed_exact;
	}
	nd->h.subtotal = f->h.subtotal - sub;
	nd->h.tax = f->h.tax - tax;
	nd->h.total = nd->h.subtotal + nd->h.tax;
	invoice_apportion(l, j, nd->h.minor_digits, nd->h.subtotal);
}

/*
 * Brings customer c's documents for the month up to date (inside the
 * caller's write transaction). mine: the customer's stored documents of
 * the month. *id_out: the live INVOICE's id ("" when none was made).
 */
static int
draft_one(struct store *st, struct arena *a, const struct month *m,
    const struct customer *c, const struct invoice *mine, size_t nmine,
    int create_empty, struct invoice_batch *b, struct invoice_diff *df,
    char *id_out, struct err *e)
{
	const struct invoice	*orig = NULL, *dnote = NULL;
	struct invoice_doc	 f, old, *prev, nd;
	struct frozen		 fz;
	struct invoice_line	*ol;
	size_t			 i, nprev = 0, nol;
	int64_t			 now = store_now(st);
	int			 changed;

	id_out[0] = '\0';
	if (df != NULL)
		memset(df, 0, sizeof(*df));
	for (i = 0; i < nmine; i++)
		if (strcmp(mine[i].kind, "INVOICE") == 0 &&
		    strcmp(mine[i].state, "VOID") != 0)
			orig = &mine[i];
	if (orig == NULL || strcmp(orig->state, "DRAFT") == 0) {
		if (invoice_compute(st, a, m, c, NULL, &f, e) == -1)
			return (-1);
		if (orig == NULL) {
			if (f.n == 0 && !create_empty)
				return (0);
			/* Whose cost it is: a month the customer was not
			 * linked has nothing of the MSP's to invoice. */
			if (f.n == 0 && !f.linked)
				return (err_set(e, ERR_NOT_FOUND,
				    "NothingToInvoice", NULL, "%s had no account "
				    "in the MSP's organization in %s: nothing to "
				    "invoice", c->name, m->period));
			new_id(f.h.id);
			f.h.created_at = f.h.updated_at = now;
			if (store_invoice_insert(st, &f.h, e) == -1 ||
			    store_invoice_lines_put(st, f.h.id, f.lines, f.n,
			    e) == -1)
				return (-1);
			if (df != NULL) {
				df->created = 1;
				df->total_after = f.h.total;
			}
			b->created++;
			snprintf(id_out, INVOICE_ID_LEN + 1, "%s", f.h.id);
			return (0);
		}
		if (store_invoice_lines(st, a, orig->id, &ol, &nol, e) == -1)
			return (-1);
		memset(&old, 0, sizeof(old));
		old.h = *orig;
		snprintf(f.h.id, sizeof(f.h.id), "%s", orig->id);
		f.h.created_at = orig->created_at;
		f.h.updated_at = now;
		changed = diff_lines(a, ol, nol, f.lines, f.n, df != NULL ? df :
		    &(struct invoice_diff){ 0 });
		if (df != NULL) {
			df->total_before = orig->total;
			df->total_after = f.h.total;
		}
		if (changed || orig->total != f.h.total ||
		    orig->tax_rate != f.h.tax_rate ||
		    orig->fx_rate != f.h.fx_rate ||
		    strcmp(orig->currency, f.h.currency) != 0 ||
		    strcmp(orig->period_start, f.h.period_start) != 0 ||
		    strcmp(orig->period_end, f.h.period_end) != 0 ||
		    strcmp(orig->source, f.h.source) != 0 ||
		    strcmp(orig->bill_from, f.h.bill_from) != 0 ||
		    strcmp(orig->bill_to, f.h.bill_to) != 0 ||
		    orig->payment_terms_days != f.h.payment_terms_days ||
		    strcmp(orig->payment_instructions,
		    f.h.payment_instructions) != 0 ||
		    strcmp(orig->brand_name, f.h.brand_name) != 0 ||
		    strcmp(orig->brand_color, f.h.brand_color) != 0 ||
		    strcmp(orig->support_contact, f.h.support_contact) != 0 ||
		    strcmp(orig->commitment, f.h.commitment) != 0) {
			if (store_invoice_update_draft(st, &f.h, e) == -1 ||
			    (changed && store_invoice_lines_put(st, f.h.id,
			    f.lines, f.n, e) == -1))
				return (-1);
			b->changed++;
		} else
			b->unchanged++;
		snprintf(id_out, INVOICE_ID_LEN + 1, "%s", orig->id);
		return (0);
	}
	/* Issued: never touched; a restatement becomes a note. */
	snprintf(id_out, INVOICE_ID_LEN + 1, "%s", orig->id);
	b->issued_kept++;
	fz.currency = orig->currency;
	fz.fx_rate = orig->fx_rate;
	fz.tax_rate = orig->tax_rate;
	if (invoice_compute(st, a, m, c, &fz, &f, e) == -1)
		return (-1);
	prev = arena_zalloc(a, sizeof(*prev) * (nmine + 1));
	for (i = 0; i < nmine; i++) {
		if (strcmp(mine[i].kind, "INVOICE") != 0 &&
		    strcmp(mine[i].state, "DRAFT") == 0 &&
		    strcmp(mine[i].refers_to, orig->id) == 0)
			dnote = &mine[i];
		if (&mine[i] != orig && (strcmp(mine[i].kind, "INVOICE") == 0 ||
		    strcmp(mine[i].state, "ISSUED") != 0 ||
		    strcmp(mine[i].refers_to, orig->id) != 0))
			continue;
		if (doc_read(st, a, mine[i].id, &prev[nprev], e) == -1)
			return (-1);
		nprev++;
	}
	memset(&nd, 0, sizeof(nd));
	nd.h = f.h;
	nd.h.minor_digits = f.h.minor_digits;
	note_lines(a, &f, prev, nprev, &nd);
	if (nd.n == 0 && nd.h.subtotal == 0 && nd.h.tax == 0) {
		if (dnote != NULL && store_invoice_delete_draft(st, dnote->id,
		    e) == -1)
			return (-1);
		return (0);
	}
	snprintf(nd.h.kind, sizeof(nd.h.kind), "%s", nd.h.total < 0 ?
	    "CREDIT_NOTE" : "ADJUSTMENT");
	snprintf(nd.h.refers_to, sizeof(nd.h.refers_to), "%s", orig->id);
	{
		int64_t	 busd = 0;

		for (i = 0; i < nprev; i++)
			busd += prev[i].h.billed_usd;
		nd.h.billed_usd = f.h.billed_usd - busd;
	}
	nd.h.updated_at = now;
	if (dnote != NULL) {
		snprintf(nd.h.id, sizeof(nd.h.id), "%s", dnote->id);
		nd.h.created_at = dnote->created_at;
		if (store_invoice_update_draft(st, &nd.h, e) == -1)
			return (-1);
	} else {
		new_id(nd.h.id);
		nd.h.created_at = now;
		if (store_invoice_insert(st, &nd.h, e) == -1)
			return (-1);
	}
	if (store_invoice_lines_put(st, nd.h.id, nd.lines, nd.n, e) == -1)
		return (-1);
	b->notes++;
	return (0);
}

int
invoice_get(struct store *st, struct arena *a, const struct principal *who,
    const char *key, struct invoice_doc *out, struct err *e)
{
	int	 rc;

	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	rc = invoice_require(st, who, e) == -1 ? -1 :
	    doc_read(st, a, key, out, e);
	store_rollback(st);
	return (rc);
}

int
invoice_list(struct store *st, struct arena *a, const struct principal *who,
    const char *customer_id, const char *period, struct invoice **out,
    size_t *n_out, struct err *e)
{
	if (invoice_require(st, who, e) == -1)
		return (-1);
	if (period != NULL && period[0] && !month_valid(period))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "period: expected YYYY-MM"));
	return (store_invoice_list(st, a, customer_id ? customer_id : "",
	    period ? period : "", "", INVOICE_LIST_MAX, out, n_out, e));
}

/* One customer's month brought up to date; *id_out its INVOICE. */
static int
refresh(struct store *st, struct arena *a, const char *customer_id,
    const char *period, int create_empty, struct invoice_diff *df,
    char *id_out, struct err *e)
{
	struct month		 m;
	struct customer		 c;
	struct invoice		*mine;
	struct invoice_batch	 b;
	size_t			 n;

	memset(&b, 0, sizeof(b));
	if (customer_find(st, customer_id, &c, e) == -1 ||
	    invoice_month_load(st, a, period, c.id, &m, e) == -1 ||
	    store_invoice_list(st, a, c.id, period, "", INVOICE_LIST_MAX,
	    &mine, &n, e) == -1)
		return (-1);
	return (draft_one(st, a, &m, &c, mine, n, create_empty, &b, df,
	    id_out, e));
}

int
invoice_for(struct store *st, struct arena *a, const struct principal *who,
    const char *customer_id, const char *period, struct invoice_doc *out,
    struct invoice_diff *df, struct err *e)
{
	char	 id[INVOICE_ID_LEN + 1];

	if (!month_valid(period))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "period: expected YYYY-MM"));
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (invoice_require(st, who, e) == -1 ||
	    refresh(st, a, customer_id, period, 1, df, id, e) == -1 ||
	    doc_read(st, a, id, out, e) == -1 || store_commit(st, e) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (0);
}

int
invoice_draft_all(struct store *st, const struct principal *who,
    const char *period, const char *customer_id, struct invoice_batch *b,
    struct err *e)
{
	struct arena	 a, t;
	struct month	 m;
	struct customer	*cv, one;
	struct invoice	*inv;
	struct range	*ir;
	size_t		 nc, ninv, i, j, nir = 0;
	char		 id[INVOICE_ID_LEN + 1];

	memset(b, 0, sizeof(*b));
	if (!month_valid(period))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "period: expected YYYY-MM"));
	arena_init(&a);
	arena_init(&t);
	if (store_begin(st, STORE_WRITE, e) == -1)
		goto fail0;
	if (invoice_require(st, who, e) == -1)
		goto fail;
	if (customer_id != NULL) {
		if (customer_find(st, customer_id, &one, e) == -1)
			goto fail;
		cv = &one;
		nc = 1;
	} else if (customer_page(st, &a, "", 1000000, &cv, &nc,
	    e) == -1)
		goto fail;
	if (invoice_month_load(st, &a, period, customer_id ? customer_id : "", &m,
	    e) == -1 ||
	    store_invoice_list(st, &a, customer_id ? customer_id : "", period,
	    "", INVOICE_LIST_MAX, &inv, &ninv, e) == -1)
		goto fail;
	b->usage_groups = m.nusage;
	/* Each customer's stored documents (sorted by customer id). */
	ir = arena_alloc(&a, sizeof(*ir) * (ninv + 1));
	for (i = 0; i < ninv; i++) {
		if (nir > 0 && strcmp(ir[nir - 1].id, inv[i].customer_id) == 0) {
			ir[nir - 1].hi = i + 1;
			continue;
		}
		ir[nir].id = inv[i].customer_id;
		ir[nir].lo = i;
		ir[nir].hi = i + 1;
		nir++;
	}
	qsort(ir, nir, sizeof(*ir), invoice_range_cmp);
	for (i = 0; i < nc; i++) {
		struct range	 key, *r;

		key.id = cv[i].id;
		r = nir ? bsearch(&key, ir, nir, sizeof(key), invoice_range_cmp) : NULL;
		j = r != NULL ? r->hi - r->lo : 0;
		b->customers++;
		if (draft_one(st, &t, &m, &cv[i], r != NULL ? &inv[r->lo] :
		    NULL, j, 0, b, NULL, id, e) == -1)
			goto fail;
		arena_reset(&t);
	}
	if (store_commit(st, e) == -1)
		goto fail;
	arena_release(&t);
	arena_release(&a);
	return (0);
fail:
	store_rollback(st);
fail0:
	arena_release(&t);
	arena_release(&a);
	return (-1);
}

int
invoice_issue(struct store *st, struct arena *a, const struct principal *who,
    const char *key, struct invoice_doc *out, struct err *e)
{
	struct invoice	 h;
	char		 id[INVOICE_ID_LEN + 1], year[8], num[INVOICE_NUMBER_MAX + 1];
	char		 today[16], logo[INVOICE_LOGO_KEY_MAX + 1];
	const char	*logo_b64;

	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (invoice_require(st, who, e) == -1 || store_invoice_get(st, key, &h,
	    e) == -1)
		goto fail;
	if (strcmp(h.state, "DRAFT") != 0) {
		err_set(e, ERR_CONFLICT, "InvalidInvoiceState", NULL,
		    "invoice %s is %s: only a draft can be issued",
		    h.number[0] ? h.number : h.id, h.state);
		goto fail;
	}
	snprintf(id, sizeof(id), "%s", h.id);
	/* An invoice is issued as the latest data prices it; every
	 * document with the parties, brand and logo of the day, which it
	 * keeps from now on whatever the MSP changes later. */
	if (strcmp(h.kind, "INVOICE") == 0 && refresh(st, a, h.customer_id,
	    h.period, 1, NULL, id, e) == -1)
		goto fail;
	if (store_invoice_get(st, id, &h, e) == -1 ||
	    invoice_parties_now(st, &h, e) == -1 ||
	    store_invoice_update_draft(st, &h, e) == -1 ||
	    logo_now(st, a, logo, &logo_b64, e) == -1)
		goto fail;
	invoice_date(store_now(st), today, sizeof(today));
	snprintf(year, sizeof(year), "%.4s", today);
	if (store_invoice_issue(st, id, year, store_now(st), logo, logo_b64,
	    num, e) == -1 ||
	    store_audit_append(st, principal_actor(who),
	    "invoice.issue", id, num, e) == -1 ||
	    doc_read(st, a, id, out, e) == -1 || store_commit(st, e) == -1)
		goto fail;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
invoice_void(struct store *st, struct arena *a, const struct principal *who,
    const char *key, struct invoice_doc *out, struct err *e)
{
	return (invoice_void_reason(st, a, who, key, NULL, out, e));
}

int
invoice_void_reason(struct store *st, struct arena *a,
    const struct principal *who, const char *key, const char *reason,
    struct invoice_doc *out, struct err *e)
{
	struct invoice	 h;
	char		 detail[INVOICE_NUMBER_MAX + 1 + 512];

	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (invoice_require(st, who, e) == -1 || store_invoice_get(st, key, &h,
	    e) == -1)
		goto fail;
	if (strcmp(h.state, "ISSUED") != 0) {
		err_set(e, ERR_CONFLICT, "InvalidInvoiceState", NULL,
		    "invoice %s is %s: only an issued invoice can be voided",
		    h.number[0] ? h.number : h.id, h.state);
		goto fail;
	}
	if (reason != NULL && strlen(reason) > 500) {
		err_set(e, ERR_INVALID, NULL, NULL,
		    "reason: at most 500 characters");
		goto fail;
	}
	snprintf(detail, sizeof(detail), "%s%s%s", h.number,
	    reason != NULL && reason[0] ? ": " : "",
	    reason != NULL ? reason : "");
	if (store_invoice_void(st, h.id, store_now(st), e) == -1 ||
	    store_audit_append(st, principal_actor(who),
	    "invoice.void", h.id, detail, e) == -1 ||
	    doc_read(st, a, h.id, out, e) == -1 || store_commit(st, e) == -1)
		goto fail;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

/* ---- Customer-scoped reads (the portal) ------------------------------ */

/* Whether a customer may see h: its own, issued or void. */
static int
customer_sees(const struct invoice *h, const char *customer_id)
{
	return (strcmp(h->customer_id, customer_id) == 0 &&
	    (strcmp(h->state, "ISSUED") == 0 || strcmp(h->state, "VOID") == 0));
}

int
invoice_customer_list(struct store *st, struct arena *a,
    const char *customer_id, const char *period, struct invoice **out,
    size_t *n_out, struct err *e)
{
	struct invoice	*v;
	size_t		 n, i, j;

	*out = NULL;
	*n_out = 0;
	if (customer_id == NULL || customer_id[0] == '\0')
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "customer: required"));
	if (period != NULL && period[0] && !month_valid(period))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "period: expected YYYY-MM"));
	if (store_invoice_list(st, a, customer_id, period ? period : "", "",
	    INVOICE_LIST_MAX, &v, &n, e) == -1)
		return (-1);
	for (i = j = 0; i < n; i++)
		if (customer_sees(&v[i], customer_id))
			v[j++] = v[i];
	*out = v;
	*n_out = j;
	return (0);
}

int
invoice_customer_get(struct store *st, struct arena *a,
    const char *customer_id, const char *key, struct invoice_doc *out,
    struct err *e)
{
	struct invoice	 h;

	memset(out, 0, sizeof(*out));
	if (customer_id == NULL || customer_id[0] == '\0' || key == NULL ||
	    key[0] == '\0')
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "no such invoice"));
	if (store_invoice_get(st, key, &h, e) == -1) {
		if (e->code != ERR_NOT_FOUND)
			return (-1);
		h.customer_id[0] = '\0';
	}
	err_clear(e);
	/* Unknown, another customer's or a draft: the same answer. */
	if (!customer_sees(&h, customer_id))
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "no such invoice"));
	return (doc_read(st, a, h.id, out, e));
}

/* ---- CSV -------------------------------------------------------------- */

static int
csv_field(struct buf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL)
		return (buf_adds(b, s));
	if (buf_addc(b, '"') == -1)
		return (-1);
	for (; *s != '\0'; s++)
		if ((*s == '"' && buf_addc(b, '"') == -1) ||
		    buf_addc(b, *s) == -1)
			return (-1);
	return (buf_addc(b, '"'));
}

static int
csv_row(struct buf *b, const char *const *f, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((i > 0 && buf_addc(b, ',') == -1) ||
		    csv_field(b, f[i]) == -1)
			return (-1);
	return (buf_adds(b, "\r\n"));
}

int
invoice_csv_write(const struct invoice_doc *d, int with_aws_cost,
    struct buf *b)
{
	static const char *const tnames[3] = { "SUBTOTAL", "TAX", "TOTAL" };
	const struct invoice	*h = &d->h;
	const char		*f[9];
	const char		*num = h->number[0] ? h->number : h->id;
	char			 aws[40], amt[40];
	size_t			 i, nf = with_aws_cost ? 9 : 8;
	int64_t			 tv[3];

	f[0] = "Number"; f[1] = "Period"; f[2] = "Currency"; f[3] = "Row";
	f[4] = "AccountId"; f[5] = "Item"; f[6] = "Amount";
	/* Item is the service as AWS names it; ServiceCode, last, the
	 * CUR's product code (what pricing rules name). */
	f[7] = "AwsCostUSD";
	f[nf - 1] = "ServiceCode";
	if (csv_row(b, f, nf) == -1)
		return (-1);
	for (i = 0; i < d->n; i++) {
		const struct invoice_line *l = &d->lines[i];
		int	 line = strcmp(l->kind, "LINE") == 0;

		minor_format(l->amount, h->minor_digits, amt, sizeof(amt));
		nano_format(l->aws_cost, aws, sizeof(aws));
		f[0] = num; f[1] = h->period; f[2] = h->currency;
		f[3] = line ? "LINE" : l->billed_exact < 0 ? "CREDIT" : "FEE";
		f[4] = l->account_id;
		f[5] = line ? service_name(l->service) : l->description;
		f[6] = amt; f[7] = aws;
		f[nf - 1] = line ? l->service : "";
		if (csv_row(b, f, nf) == -1)
			return (-1);
	}
	tv[0] = h->subtotal;
	tv[1] = h->tax;
	tv[2] = h->total;
	nano_format(h->aws_cost, aws, sizeof(aws));
	for (i = 0; i < 3; i++) {
		minor_format(tv[i], h->minor_digits, amt, sizeof(amt));
		f[0] = num; f[1] = h->period; f[2] = h->currency;
		f[3] = tnames[i]; f[4] = ""; f[5] = ""; f[6] = amt;
		f[7] = i == 0 ? aws : "";
		f[nf - 1] = "";
		if (csv_row(b, f, nf) == -1)
			return (-1);
	}
	return (0);
}
