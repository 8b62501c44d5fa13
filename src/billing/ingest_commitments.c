/* SPDX-License-Identifier: MIT */
/*
 * What a delivery's lines say of its reservations and Savings Plans
 * (billing/attrs.h, enum commit_field): start and end, term, payment
 * option, offering class or type, number of reservations and units,
 * region and instance family, a plan's fee line's commitment, cost and
 * hours, per ARN. Only the lines that name an ARN
 * come here, and they read these columns only then (csv_want_lazy()).
 */
#include <string.h>

#include "billing/ingest_internal.h"
#include "billing/money.h"
#include "billing/parquet.h"
#include "core/xmalloc.h"

#define SLOTS	(2 * INGEST_COMMITMENTS_MAX)	/* a power of two */

/* The column of each field, for a reservation and for a Savings Plan. */
static const int ri_slot[COMMIT_NFIELDS] = {
	[CF_START] = S_RI_START, [CF_END] = S_RI_END, [CF_TERM] = S_RI_TERM,
	[CF_PAYMENT] = S_RI_PAYMENT, [CF_CLASS] = S_RI_CLASS,
	[CF_COUNT] = S_RI_COUNT, [CF_UNITS] = S_RI_UNITS,
	[CF_REGION] = -1, [CF_FAMILY] = -1,
	[CF_SP_COMMIT] = -1, [CF_SP_FEE] = -1, [CF_SP_HOURS] = -1
};
static const int sp_slot[COMMIT_NFIELDS] = {
	[CF_START] = S_SP_START, [CF_END] = S_SP_END, [CF_TERM] = S_SP_TERM,
	[CF_PAYMENT] = S_SP_PAYMENT, [CF_CLASS] = S_SP_TYPE,
	[CF_COUNT] = -1, [CF_UNITS] = -1,
	[CF_REGION] = S_SP_REGION, [CF_FAMILY] = S_SP_FAMILY,
	[CF_SP_COMMIT] = S_SP_TOTAL, [CF_SP_FEE] = S_UNBLENDED,
	[CF_SP_HOURS] = S_USAGE
};
_Static_assert(S_SP_TOTAL < 32 && S_UNBLENDED < 32 && S_USAGE < 32,
    "the fee figures' slots are bits of struct worker's nums");
/* The fields taken from a fee line only, together (attrs.h). */
#define FEE_FIELDS	\
	(1u << CF_SP_COMMIT | 1u << CF_SP_FEE | 1u << CF_SP_HOURS)

void
ingest_commitments_init(struct commitments *cm)
{
	memset(cm, 0, sizeof(*cm));
	pthread_mutex_init(&cm->lock, NULL);
	cm->ready = 1;
}

void
ingest_commitments_release(struct commitments *cm)
{
	if (!cm->ready)
		return;
	pthread_mutex_destroy(&cm->lock);
	xfree(cm->c);
	xfree(cm->slots);
	memset(cm, 0, sizeof(*cm));
}

static inline int
empty(const struct csv_field *x)
{
	return (x->len == 0 || (x->len == 4 && memcmp(x->p, "NULL", 4) == 0));
}

/* Commitment (kind, arn) in cm, added if new; NULL when cm is full. */
static struct commitment *
find(struct commitments *cm, char kind, const char *arn, size_t len,
    uint64_t h)
{
	struct commitment	*c;
	size_t			 j;

	if (cm->slots == NULL)
		cm->slots = xcalloc(SLOTS, sizeof(*cm->slots));
	for (j = h & (SLOTS - 1); cm->slots[j] != 0;
	    j = (j + 1) & (SLOTS - 1)) {
		c = &cm->c[cm->slots[j] - 1];
		if (c->kind == kind && strlen(c->arn) == len &&
		    memcmp(c->arn, arn, len) == 0)
			return (c);
	}
	if (cm->n == INGEST_COMMITMENTS_MAX) {
		cm->dropped++;
		return (NULL);
	}
	if (cm->n == cm->cap) {
		cm->cap = cm->cap ? cm->cap * 2 : 16;
		cm->c = xrealloc(cm->c, cm->cap * sizeof(*cm->c));
	}
	c = &cm->c[cm->n];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	memcpy(c->arn, arn, len);
	cm->slots[j] = (uint32_t)++cm->n;
	return (c);
}

/* Notes what row f says of the commitment whose ARN is field x. */
static void
note(struct worker *w, const struct csv_field *f, const struct csv_field *x,
    char kind)
{
	static const char	 sp[] = ":savingsplans:";
	static const char	 fl[] = "SavingsPlanRecurringFee";
	struct commitments	*cm = &w->ing->cm;
	struct commitment	*c;
	const int		*slot;
	const struct csv_field	*v;
	struct csv_field	 t;
	char			 num[48];
	unsigned		 want = 0;
	int			 fee;
	uint64_t		 h;
	size_t			 len = x->len, i, n;

	if (len > COMMIT_ARN_MAX)
		len = COMMIT_ARN_MAX;
	/* FOCUS's CommitmentDiscountId is either: what it names says. */
	if (kind == ATTRS_ARN_RI[0] && memmem(x->p, len, sp,
	    sizeof(sp) - 1) != NULL)
		kind = ATTRS_ARN_SP[0];
	h = XXH3_64bits_withSeed(x->p, len, (uint64_t)kind) | 1;
	if (w->cm_done[h % 64] == h)
		return;
	slot = kind == ATTRS_ARN_SP[0] ? sp_slot : ri_slot;
	csv_fill_lazy(&w->c);
	/* A plan's fee figures are those of one SavingsPlanRecurringFee
	 * line (its covered usage has a cost and hours of its own). */
	fee = kind == ATTRS_ARN_SP[0] && f[S_LITYPE].len == sizeof(fl) - 1 &&
	    memcmp(f[S_LITYPE].p, fl, sizeof(fl) - 1) == 0;
	pthread_mutex_lock(&cm->lock);
	if ((c = find(cm, kind, x->p, len, h)) != NULL) {
		fee = fee && (c->have & FEE_FIELDS) == 0;
		for (i = 0; i < COMMIT_NFIELDS; i++) {
			if (slot[i] < 0 || w->col_of[slot[i]] < 0)
				continue;
			want |= 1u << i;
			if ((c->have & 1u << i) || empty(&f[slot[i]]) ||
			    ((FEE_FIELDS & 1u << i) && !fee))
				continue;
			v = &f[slot[i]];
			/* Parquet numbers (the fee figures' slots, below
			 * 32) come converted, not as text (parquet.h). */
			if ((FEE_FIELDS & 1u << i) &&
			    (w->nums >> slot[i] & 1) &&
			    parquet_num_of(v)->ok) {
				t.len = money_format(parquet_num_of(v)->v9,
				    MONEY_DIGITS, num, sizeof(num));
				t.p = num;
				v = &t;
			}
			n = v->len < COMMIT_FIELD_MAX ? v->len :
			    COMMIT_FIELD_MAX;
			memcpy(c->f[i], v->p, n);
			c->f[i][n] = '\0';
			c->have |= 1u << i;
		}
		/* One fee line gives them, or none (an empty one is
		 * not looked for on the others). */
		if (fee)
			c->have |= want & FEE_FIELDS;
		if ((c->have & want) == want)
			w->cm_done[h % 64] = h;
	}
	pthread_mutex_unlock(&cm->lock);
}

void
ingest_commitment_note(struct worker *w, const struct csv_field *f)
{
	if (!empty(&f[S_RI_ARN]))
		note(w, f, &f[S_RI_ARN], ATTRS_ARN_RI[0]);
	if (!empty(&f[S_SP_ARN]))
		note(w, f, &f[S_SP_ARN], ATTRS_ARN_SP[0]);
}

void
ingest_commitment_attrs(const struct commitment *c, char *out)
{
	size_t	 i, o = 0, n;

	for (i = 0; i < COMMIT_NFIELDS; i++) {
		if (i > 0)
			out[o++] = ATTRS_US;
		n = strlen(c->f[i]);
		memcpy(out + o, c->f[i], n);
		/* A separator or control byte in a value reads as a
		 * space (as in a rollup's attrs). */
		for (; n > 0; n--, o++)
			if ((unsigned char)out[o] < 0x20)
				out[o] = ' ';
	}
	out[o] = '\0';
}
