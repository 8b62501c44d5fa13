/* SPDX-License-Identifier: MIT */
/*
 * A rollup's attributes (billing_rollups.attrs): the line's other Cost
 * Explorer dimensions, its resource tags and its cost categories, in one
 * string that is part of the rollup key (lines differing in a tag are
 * different rollups). Written by the ingest (ingest_attrs.c), read by
 * Cost Explorer (ce/cache.c):
 *
 *	attrs = "" | dim[0] US dim[1] ... US dim[6] *( RS kind key US value )
 *
 * US is 0x1f, RS 0x1e; the dims in enum attr_dim's order, raw as the CUR
 * writes them (empty: none); kind 't' a tag (user tags by their key,
 * "Owner"; AWS-generated ones with their prefix, "aws:createdBy"), 'c'
 * a cost category, or 'a' the ARN of the commitment the line used or
 * bills (key "r" a reservation, "s" a Savings Plan; the CUR's
 * reservation/ReservationARN, savingsPlan/SavingsPlanARN, FOCUS's
 * CommitmentDiscountId); entries sorted by kind and key, each key once,
 * values not empty. US, RS and other control bytes in a value read as spaces.
 * At most ATTRS_MAX bytes: the entries that do not fit are left out (the
 * line's cost stays, without those tags).
 */
#ifndef BILLING_ATTRS_H
#define BILLING_ATTRS_H

#include <stddef.h>
#include <string.h>

#define ATTRS_MAX	2048
#define ATTRS_ENTRIES_MAX 64		/* tags + cost categories of a line */
#define ATTRS_US	'\x1f'
#define ATTRS_RS	'\x1e'
#define ATTRS_TAG	't'
#define ATTRS_COST_CAT	'c'
#define ATTRS_ARN	'a'		/* sorts first: readers skip it */
#define ATTRS_ARN_RI	"r"
#define ATTRS_ARN_SP	"s"

enum attr_dim {
	ATTR_AZ, ATTR_LEGAL_ENTITY, ATTR_INVOICING_ENTITY, ATTR_SP_TYPE,
	ATTR_OS, ATTR_TENANCY, ATTR_DB_ENGINE, ATTR_NDIMS
};

/* One field of attrs: dims, then entries. */
struct attrs_entry {
	char		 kind;		/* ATTRS_TAG, ATTRS_COST_CAT, ATTRS_ARN */
	const char	*key, *val;
	size_t		 klen, vlen;
};

/*
 * Splits attrs (n bytes) into its dims (pointers and lengths, empty when
 * none) and its entries (at most max; the count is returned).
 */
static inline size_t
attrs_split(const char *a, size_t n, const char *dim[ATTR_NDIMS],
    size_t dlen[ATTR_NDIMS], struct attrs_entry *ent, size_t max)
{
	const char	*end = a + n, *p = a, *q;
	size_t		 i, k = 0;

	for (i = 0; i < ATTR_NDIMS; i++) {
		dim[i] = p;
		q = p;
		while (q < end && *q != ATTRS_US && *q != ATTRS_RS)
			q++;
		dlen[i] = (size_t)(q - p);
		p = q < end && *q == ATTRS_US && i + 1 < ATTR_NDIMS ? q + 1 : q;
	}
	while (p < end && *p == ATTRS_RS && k < max) {
		p++;
		if (p >= end)
			break;
		ent[k].kind = *p++;
		ent[k].key = p;
		while (p < end && *p != ATTRS_US)
			p++;
		ent[k].klen = (size_t)(p - ent[k].key);
		if (p < end)
			p++;
		ent[k].val = p;
		while (p < end && *p != ATTRS_RS)
			p++;
		ent[k].vlen = (size_t)(p - ent[k].val);
		k++;
	}
	return (k);
}

/*
 * A commitment's attributes (billing_commitments.attrs, one row per import
 * and ARN): what the CUR's reservation, savingsPlan and pricing columns
 * say of a reservation or a Savings Plan, the first non-empty value of
 * each field among the import's lines naming its ARN. Written by the
 * ingest (ingest_commitments.c), read by Cost Explorer (ce/commitment.c):
 *
 *	attrs = field[0] US field[1] ... US field[COMMIT_NFIELDS - 1]
 *
 * in enum commit_field's order, raw as the CUR writes them (empty: the
 * CUR did not say), each at most COMMIT_FIELD_MAX bytes.
 */
enum commit_field {
	CF_START,	/* reservation/StartTime, savingsPlan/StartTime */
	CF_END,		/* .../EndTime */
	CF_TERM,	/* pricing/LeaseContractLength, savingsPlan/PurchaseTerm */
	CF_PAYMENT,	/* pricing/PurchaseOption, savingsPlan/PaymentOption */
	CF_CLASS,	/* pricing/OfferingClass, savingsPlan/OfferingType */
	CF_COUNT,	/* reservation/NumberOfReservations */
	CF_UNITS,	/* reservation/UnitsPerReservation */
	CF_REGION,	/* savingsPlan/Region */
	CF_FAMILY,	/* savingsPlan/InstanceTypeFamily */
	/* A Savings Plan's fee line's savingsPlan/TotalCommitmentToDate,
	 * lineItem/UnblendedCost and lineItem/UsageAmount, the three from
	 * one SavingsPlanRecurringFee line: its hourly commitment and
	 * recurring hourly fee are the first two over the third
	 * (ce_plan_fees()). Columns the ingest reads on every line. */
	CF_SP_COMMIT, CF_SP_FEE, CF_SP_HOURS,
	COMMIT_NFIELDS
};
#define COMMIT_FIELD_MAX	64
#define COMMIT_ARN_MAX		256
#define COMMIT_ATTRS_MAX	(COMMIT_NFIELDS * (COMMIT_FIELD_MAX + 1))

/* Splits a commitment's attrs (NUL-terminated) into its fields. */
static inline void
commit_attrs_split(const char *a, const char *f[COMMIT_NFIELDS],
    size_t len[COMMIT_NFIELDS])
{
	const char	*q;
	size_t		 i;

	for (i = 0; i < COMMIT_NFIELDS; i++) {
		for (q = a; *q != '\0' && *q != ATTRS_US; q++)
			;
		f[i] = a;
		len[i] = (size_t)(q - a);
		a = *q == ATTRS_US ? q + 1 : q;
	}
}

#endif
