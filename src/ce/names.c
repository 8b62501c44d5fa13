/* SPDX-License-Identifier: MIT */
/*
 * Cost Explorer's names (metrics, dimensions) and days: parsing and
 * formatting dates, months, today by the business clock.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ce/ce.h"
#include "core/clock.h"

static const char *const metric_names[CE_NMETRICS] = {
	"UnblendedCost", "NetUnblendedCost", "AmortizedCost", "BlendedCost",
	"UsageQuantity"
};
/* The dimensions, then what is not a line's dimension (ce.h): named,
 * never parsed as one (ce_dim_parse()). */
#define DIMS_NAMED	(CE_INSTANCE_FAMILY + 1)
static const char *const dim_names[DIMS_NAMED] = {
	"SERVICE", "LINKED_ACCOUNT", "REGION", "USAGE_TYPE", "RECORD_TYPE",
	"OPERATION", "PAYER_ACCOUNT", "INSTANCE_TYPE", "PURCHASE_TYPE",
	"BILLING_ENTITY", "AZ", "LEGAL_ENTITY_NAME", "INVOICING_ENTITY",
	"SAVINGS_PLANS_TYPE", "PLATFORM", "TENANCY", "DATABASE_ENGINE",
	"RESERVATION_ID", "SAVINGS_PLAN_ARN", "RESOURCE_ID",
	"TAG", "COST_CATEGORY", "PAYMENT_OPTION", "INSTANCE_TYPE_FAMILY",
	"INSTANCE_FAMILY"
};
static const char *const dim_labels[DIMS_NAMED] = {
	"Service", "Account", "Region", "Usage type", "Line item type",
	"Operation", "Payer account", "Instance type", "Purchase option",
	"Billing entity", "Availability zone", "Legal entity",
	"Invoicing entity", "Savings Plans type", "Platform", "Tenancy",
	"Database engine", "Reservation", "Savings Plan", "Resource",
	"Tag", "Cost category", "Payment option", "Instance family",
	"Instance family"
};

/*
 * Where AWS takes each of its dimension names, in the order of AWS's
 * answer to a GroupBy it refuses ("Group Definition dimension is invalid.
 * Valid values are AZ, INSTANCE_TYPE, ..."; RESOURCE_ID is in it for
 * GetCostAndUsageWithResources only), then the others: GroupBy of
 * GetCostAndUsage, Filter of the cost operations and GetDimensionValues in
 * Context COST_AND_USAGE (the API reference's list), in Context
 * RESERVATIONS and SAVINGS_PLANS (the same page's), in the Filter of
 * GetCostForecast and GetUsageForecast (FC: GetCostForecast's list), and
 * the commitment reports' Filter and GroupBy, each as its API reference
 * (the newest botocore model's documentation) lists them:
 * GetSavingsPlansCoverage (C, CG), GetSavingsPlansUtilizationDetails (D:
 * GetSavingsPlansUtilization's, S, without SAVINGS_PLANS_TYPE),
 * GetReservationUtilization (U, UG), GetReservationCoverage (V, VG; its
 * TAG and cost categories are the Filter's Tags and CostCategories). The
 * comparisons take what GetCostAndUsage takes. `dim` is payerlink's
 * dimension, CE_DIM_NOT_KEPT for one the rollups do not keep.
 * PAYER_ACCOUNT came with billing transfers (newest model) and is after
 * the list AWS's older answers show. docs/billing.md, "Which dimension
 * where".
 */
#define G	(1u << CE_USE_GROUP)
#define GR	(1u << CE_USE_GROUP_RES)
#define F	(1u << CE_USE_FILTER)
#define FR	(1u << CE_USE_FILTER_RES)
#define R	(1u << CE_USE_RESERVATIONS)
#define S	(1u << CE_USE_SAVINGS_PLANS)
#define FC	(1u << CE_USE_FORECAST)
#define C	(1u << CE_USE_SP_COVERAGE)
#define CG	(1u << CE_USE_SP_COVERAGE_GROUP)
#define D	(1u << CE_USE_SP_DETAILS)
#define U	(1u << CE_USE_RI_UTILIZATION)
#define UG	(1u << CE_USE_RI_UTILIZATION_GROUP)
#define V	(1u << CE_USE_RI_COVERAGE)
#define VG	(1u << CE_USE_RI_COVERAGE_GROUP)
/* What GetCostAndUsage takes in both uses (ce_dim_valid() lists the
 * commitment reports' names in this order too). */
#define CU	(G | GR | F | FR)
/* The GroupBy uses: a name they refuse gets AWS's "Group Definition"
 * answer (ce_use_group()). */
#define GROUP_USES	(G | GR | CG | UG | VG)
#define NK	CE_DIM_NOT_KEPT
static const struct {
	const char	*name;
	int		 dim;
	unsigned	 uses;
} aws_dims[] = {
	{ "AZ",			CE_AZ,	CU | R | FC | U | V | VG },
	{ "INSTANCE_TYPE",	CE_INSTANCE_TYPE, CU | R | FC | U | V | VG },
	{ "LINKED_ACCOUNT", CE_LINKED_ACCOUNT,
	    CU | R | S | FC | C | D | U | V | VG },
	{ "OPERATION",		CE_OPERATION,		CU | FC },
	{ "PURCHASE_TYPE",	CE_PURCHASE_TYPE,	CU | FC },
	{ "SERVICE",		CE_SERVICE,	CU | FC | C | CG | U | V },
	{ "USAGE_TYPE",		CE_USAGE_TYPE,		CU | FC },
	{ "PLATFORM",		CE_PLATFORM,	CU | R | FC | U | V | VG },
	{ "TENANCY",		CE_TENANCY,	CU | R | FC | U | V | VG },
	{ "RECORD_TYPE",	CE_RECORD_TYPE,		CU | FC },
	{ "LEGAL_ENTITY_NAME",	CE_LEGAL_ENTITY_NAME,	CU | FC },
	{ "INVOICING_ENTITY",	CE_INVOICING_ENTITY,	CU | VG },
	{ "DEPLOYMENT_OPTION",	NK,		CU | R | FC | U | V | VG },
	{ "DATABASE_ENGINE",	CE_DATABASE_ENGINE,	CU | FC | V | VG },
	{ "CACHE_ENGINE",	NK,			CU | R | U | V | VG },
	{ "INSTANCE_TYPE_FAMILY", NK,			CU | FC },
	{ "REGION",		CE_REGION,
	    CU | R | S | FC | C | CG | D | U | V | VG },
	{ "BILLING_ENTITY",	CE_BILLING_ENTITY,	CU | FC },
	{ "RESERVATION_ID",	CE_RESERVATION_ID,	CU | FC },
	{ "RESOURCE_ID",	CE_RESOURCE_ID,		GR | FR },
	{ "SAVINGS_PLANS_TYPE",	CE_SAVINGS_PLANS_TYPE,	CU | S },
	{ "SAVINGS_PLAN_ARN",	CE_SAVINGS_PLAN_ARN,	CU | S | FC | D },
	{ "OPERATING_SYSTEM",	NK,			CU | FC | U | V | VG },
	{ "PAYER_ACCOUNT",	CE_PAYER_ACCOUNT,	CU },
	{ "USAGE_TYPE_GROUP",	NK,			F | FR | FC },
	{ "SCOPE",		NK,			R | FC | U },
	/* AWS's reservation numbers are in no CUR column: a reservation
	 * is named by its id (docs/billing.md). */
	{ "SUBSCRIPTION_ID",	CE_RESERVATION_ID,	R | FC | UG },
	/* A Savings Plan's own (billing_commitments): in Context
	 * SAVINGS_PLANS, which is also the Filter of
	 * GetSavingsPlansUtilization, and in ...Details'. A name's first
	 * row taking the use wins. */
	{ "PAYMENT_OPTION",	CE_PAYMENT_OPTION,	S | D },
	{ "INSTANCE_TYPE_FAMILY", CE_INSTANCE_TYPE_FAMILY, S | D },
	/* GetSavingsPlansCoverage's: the family of a line's instance
	 * type. */
	{ "INSTANCE_FAMILY",	CE_INSTANCE_FAMILY,	C | CG },
};

int
ce_use_group(enum ce_use use)
{
	return ((GROUP_USES & (1u << use)) != 0);
}
#undef GROUP_USES

#undef G
#undef GR
#undef F
#undef FR
#undef R
#undef S
#undef FC
#undef C
#undef CG
#undef D
#undef U
#undef UG
#undef V
#undef VG
#undef CU
#undef NK

int
ce_dim_lookup(const char *name, enum ce_use use)
{
	size_t	 i;

	for (i = 0; i < sizeof(aws_dims) / sizeof(aws_dims[0]); i++)
		if (strcmp(name, aws_dims[i].name) == 0 &&
		    (aws_dims[i].uses & (1u << use)) != 0)
			return (aws_dims[i].dim);
	return (CE_DIM_REFUSED);
}

const char *
ce_dim_valid(struct arena *a, enum ce_use use)
{
	size_t	 i, n = 0, len;
	char	*s;

	for (i = 0; i < sizeof(aws_dims) / sizeof(aws_dims[0]); i++)
		n += strlen(aws_dims[i].name) + 2;
	s = arena_alloc(a, n + 1);
	*s = '\0';
	for (i = 0, len = 0; i < sizeof(aws_dims) / sizeof(aws_dims[0]); i++) {
		if ((aws_dims[i].uses & (1u << use)) == 0)
			continue;
		len += (size_t)snprintf(s + len, n + 1 - len, "%s%s",
		    len > 0 ? ", " : "", aws_dims[i].name);
	}
	return (s);
}

int
ce_metric_parse(const char *s)
{
	int	 i;

	for (i = 0; i < CE_NMETRICS; i++)
		if (strcasecmp(s, metric_names[i]) == 0)
			return (i);
	return (-1);
}

const char *
ce_metric_name(enum ce_metric m)
{
	return (metric_names[m]);
}

int
ce_dim_parse(const char *s)
{
	int	 i;

	for (i = 0; i < CE_NDIMS; i++)
		if (strcmp(s, dim_names[i]) == 0)
			return (i);
	return (-1);
}

const char *
ce_dim_name(enum ce_dim d)
{
	return (dim_names[d]);
}

const char *
ce_dim_label(enum ce_dim d)
{
	return (dim_labels[d]);
}

const char *
ce_group_key(struct arena *a, enum ce_dim d, const char *key,
    const char *value)
{
	char	*s;
	size_t	 n;

	if (d != CE_TAG && d != CE_COST_CATEGORY)
		return (value);
	n = strlen(key) + strlen(value) + 2;
	s = arena_alloc(a, n);
	snprintf(s, n, "%s$%s", key, value);
	return (s);
}

int
ce_day_parse(const char *s, int64_t *out)
{
	unsigned	 y, m, d;

	if (strlen(s) < 10 || !isdigit((unsigned char)s[0]) || s[4] != '-' ||
	    s[7] != '-')
		return (-1);
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return (-1);
	y = (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0'));
	m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return (-1);
	*out = clock_days_from_civil((int)y, m, d);
	{
		int		 yy;
		unsigned	 mm, dd;

		clock_civil_from_days(*out, &yy, &mm, &dd);
		if (mm != m || dd != d)
			return (-1);
	}
	return (0);
}

void
ce_day_format(int64_t day, char *buf, size_t len)
{
	int		 y;
	unsigned	 m, d;

	clock_civil_from_days(day, &y, &m, &d);
	snprintf(buf, len, "%04d-%02u-%02u", y, m, d);
}

int64_t
ce_month_start(int64_t day)
{
	int		 y;
	unsigned	 m, d;

	clock_civil_from_days(day, &y, &m, &d);
	return (clock_days_from_civil(y, m, 1));
}

int64_t
ce_month_next(int64_t day)
{
	int		 y;
	unsigned	 m, d;

	clock_civil_from_days(day, &y, &m, &d);
	if (++m > 12) {
		m = 1;
		y++;
	}
	return (clock_days_from_civil(y, m, 1));
}

int64_t
ce_today(struct store *st)
{
	int64_t	 now = store_now(st);

	return (now / MS_PER_DAY);
}
