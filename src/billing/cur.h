/* SPDX-License-Identifier: MIT */
/*
 * Cost and usage file schemas: which format a header is (legacy CUR,
 * CUR 2.0, FOCUS 1.0/1.1/1.2) and which of its columns feed each rollup
 * field. Column names are matched exactly (case-sensitive) as AWS and the
 * FOCUS specification write them; unknown columns are listed, not refused.
 */
#ifndef BILLING_CUR_H
#define BILLING_CUR_H

#include "billing/csv.h"

enum cur_format {
	CUR_UNKNOWN = 0,
	CUR_LEGACY,		/* lineItem/UnblendedCost */
	CUR_V2,			/* line_item_unblended_cost */
	CUR_FOCUS_1_0,		/* BilledCost, ChargePeriodStart */
	CUR_FOCUS_1_1,
	CUR_FOCUS_1_2
};

/* The slots of a parsed row (csv.h): one per field the ingest reads. */
enum cur_slot {
	S_PAYER, S_PERIOD, S_ACCOUNT, S_LITYPE, S_START, S_PRODUCT,
	S_USAGE_TYPE, S_OPERATION, S_REGION, S_TERM, S_CURRENCY,
	S_UNBLENDED, S_NET, S_EFFECTIVE, S_PUBLIC, S_USAGE,
	S_SP_EFFECTIVE, S_RI_EFFECTIVE, S_SP_TOTAL, S_SP_USED,
	S_RI_UNUSED_AMORT, S_RI_UNUSED_FEE,
	/* The commitment a line used or bills: the reservation's and the
	 * Savings Plan's ARN (FOCUS has one CommitmentDiscountId for
	 * both: S_RI_ARN then). */
	S_RI_ARN, S_SP_ARN,
	S_PRODUCT_ALT, S_USAGE_TYPE_ALT, S_REGION_ALT,
	/* Cost Explorer's other dimensions (AZ ... DATABASE_ENGINE). */
	S_AZ, S_LEGAL_ENTITY, S_INVOICING_ENTITY, S_SP_TYPE, S_OS,
	S_TENANCY, S_DB_ENGINE,
	/* Maps (a JSON object in a CSV, a MAP in Parquet): CUR 2.0's
	 * resource_tags, cost_category and product, FOCUS's Tags. */
	S_TAGS, S_COST_CATS, S_PRODUCT_MAP,
	/* Read only when the MSP keeps hourly and resource-level data. */
	S_RESOURCE,
	/* What the CUR says of a line's reservation or Savings Plan
	 * (billing/attrs.h, enum commit_field): read only for the lines
	 * that name one (csv_want_lazy()). */
	S_RI_START, S_RI_END, S_RI_TERM, S_RI_PAYMENT, S_RI_CLASS,
	S_RI_COUNT, S_RI_UNITS, S_SP_START, S_SP_END, S_SP_TERM,
	S_SP_PAYMENT, S_SP_REGION, S_SP_FAMILY,
	S_NSLOTS
};

/* Legacy CUR has a column per tag (resourceTags/user:Owner) and per cost
 * category (costCategory/Team): the j-th one read is slot S_NSLOTS + j,
 * up to CUR_TAG_COLUMNS_MAX of them (csv.h's CSV_SLOTS_MAX). */
#define CUR_TAG_COLUMNS_MAX	(CSV_SLOTS_MAX - S_NSLOTS)
#define CUR_TAG_PREFIX		"resourceTags/"
#define CUR_COST_CAT_PREFIX	"costCategory/"

/* Format of a header; CUR_UNKNOWN if it is none we read. */
enum cur_format	 cur_detect(char *const *names, int ncols);
const char	*cur_format_name(enum cur_format);
/* Slot of column name in format f, or -1 (not read). */
int		 cur_slot(enum cur_format f, const char *name);
/* Whether a column is one the format defines (else "unknown"). */
int		 cur_known(enum cur_format f, const char *name);
/* The name of slot s's column in format f (for messages). */
const char	*cur_slot_column(enum cur_format f, int s);

#endif
