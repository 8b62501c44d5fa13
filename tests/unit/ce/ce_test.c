/* SPDX-License-Identifier: MIT */
/* Cost Explorer: dates, the forecast's fit, names, anomaly marks. */
#include <math.h>
#include <string.h>

#include "test.h"

#include "billing/attrs.h"
#include "billing/service.h"
#include "ce/ce.h"
#include "portal/portal.h"
#include "store/store.h"

TEST(ce_days_and_months)
{
	int64_t	 d;
	char	 buf[11];

	CHECK(ce_day_parse("2024-02-29", &d) == 0);
	ce_day_format(d, buf, sizeof(buf));
	CHECK_STR(buf, "2024-02-29");
	CHECK(ce_day_parse("2023-02-29", &d) == -1);
	CHECK(ce_day_parse("2023-13-01", &d) == -1);
	CHECK(ce_day_parse("20230101", &d) == -1);
	CHECK(ce_day_parse("2024-12-15", &d) == 0);
	ce_day_format(ce_month_next(d), buf, sizeof(buf));
	CHECK_STR(buf, "2025-01-01");
	ce_day_format(ce_month_start(d), buf, sizeof(buf));
	CHECK_STR(buf, "2024-12-01");
}

TEST(ce_linear_fit_known_line)
{
	double	 y[30], a, b, s;
	size_t	 i;

	for (i = 0; i < 30; i++)
		y[i] = 10 + 2 * (double)i;
	ce_linear_fit(y, 30, &a, &b, &s);
	CHECK(fabs(a - 10) < 1e-9);
	CHECK(fabs(b - 2) < 1e-9);
	CHECK(s < 1e-9);
	/* Noise around a flat line: slope near 0, s > 0. */
	for (i = 0; i < 30; i++)
		y[i] = 5 + (i % 2 ? 1 : -1);
	ce_linear_fit(y, 30, &a, &b, &s);
	CHECK(fabs(b) < 0.01);
	CHECK(s > 0.9 && s < 1.1);
}

TEST(ce_names)
{
	/* Where AWS takes a name (names.c): a plan's own attributes in
	 * Context SAVINGS_PLANS (the Savings Plans reports' Filter), not in
	 * the cost operations'. */
	static const struct {
		const char	*name;
		enum ce_use	 use;
		int		 want;
	} where[] = {
		{ "RESERVATION_ID", CE_USE_GROUP, CE_RESERVATION_ID },
		{ "SAVINGS_PLAN_ARN", CE_USE_FILTER, CE_SAVINGS_PLAN_ARN },
		{ "RESOURCE_ID", CE_USE_GROUP, CE_DIM_REFUSED },
		{ "RESOURCE_ID", CE_USE_GROUP_RES, CE_RESOURCE_ID },
		{ "SUBSCRIPTION_ID", CE_USE_FILTER, CE_DIM_REFUSED },
		{ "SUBSCRIPTION_ID", CE_USE_RESERVATIONS, CE_RESERVATION_ID },
		{ "SERVICE", CE_USE_RESERVATIONS, CE_DIM_REFUSED },
		{ "PAYMENT_OPTION", CE_USE_SAVINGS_PLANS, CE_PAYMENT_OPTION },
		{ "PAYMENT_OPTION", CE_USE_FILTER, CE_DIM_REFUSED },
		{ "INSTANCE_TYPE_FAMILY", CE_USE_SAVINGS_PLANS,
		    CE_INSTANCE_TYPE_FAMILY },
		{ "INSTANCE_TYPE_FAMILY", CE_USE_FILTER, CE_DIM_NOT_KEPT },
		{ "INSTANCE_TYPE_FAMILY", CE_USE_RESERVATIONS, CE_DIM_REFUSED },
		{ "INSTANCE_FAMILY", CE_USE_SP_COVERAGE, CE_INSTANCE_FAMILY },
		{ "INSTANCE_FAMILY", CE_USE_FILTER, CE_DIM_REFUSED },
		{ "SERVICE", CE_USE_SP_COVERAGE, CE_SERVICE },
		{ "RECORD_TYPE", CE_USE_SP_COVERAGE, CE_DIM_REFUSED },
		{ "Nope", CE_USE_FILTER, CE_DIM_REFUSED },
	};
	size_t	 i;

	CHECK_INT(ce_metric_parse("UnblendedCost"), CE_UNBLENDED);
	CHECK_INT(ce_metric_parse("NetUnblendedCost"), CE_NET_UNBLENDED);
	CHECK_INT(ce_metric_parse("Nope"), -1);
	CHECK_INT(ce_dim_parse("LINKED_ACCOUNT"), CE_LINKED_ACCOUNT);
	CHECK_INT(ce_dim_parse("linked_account"), -1);
	CHECK_STR(ce_dim_name(CE_RECORD_TYPE), "RECORD_TYPE");
	CHECK_STR(ce_dim_name(CE_PAYMENT_OPTION), "PAYMENT_OPTION");
	CHECK_STR(ce_dim_name(CE_TAG), "TAG");
	CHECK_STR(ce_dim_label(CE_COST_CATEGORY), "Cost category");
	CHECK_STR(ce_dim_label(CE_INSTANCE_FAMILY), "Instance family");
	CHECK_INT(ce_dim_parse("TAG"), -1);
	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++)
		CHECK_INT(ce_dim_lookup(where[i].name, where[i].use),
		    where[i].want);
	/* Which uses are a GroupBy's: their refusals are AWS's "Group
	 * Definition" answer. */
	CHECK_INT(ce_use_group(CE_USE_GROUP), 1);
	CHECK_INT(ce_use_group(CE_USE_GROUP_RES), 1);
	CHECK_INT(ce_use_group(CE_USE_SP_COVERAGE_GROUP), 1);
	CHECK_INT(ce_use_group(CE_USE_RI_UTILIZATION_GROUP), 1);
	CHECK_INT(ce_use_group(CE_USE_RI_COVERAGE_GROUP), 1);
	CHECK_INT(ce_use_group(CE_USE_FILTER), 0);
	CHECK_INT(ce_use_group(CE_USE_RI_COVERAGE), 0);
	CHECK_INT(ce_use_group(CE_USE_SAVINGS_PLANS), 0);
}

/* A commitment's attrs (billing/attrs.h) of fields f (NULL: empty). */
static void
commit_attrs_of(char *a, size_t len, const char *const f[COMMIT_NFIELDS])
{
	size_t	 i, o = 0;

	for (i = 0; i < COMMIT_NFIELDS; i++)
		o += (size_t)snprintf(a + o, len - o, "%s%s", i > 0 ? "\x1f" :
		    "", f[i] != NULL ? f[i] : "");
}

/* A plan's fees from what its fee line said (billing/attrs.h): the hourly
 * commitment and recurring fee per hour, the upfront fee over the term. */
TEST(ce_plan_fees_from_the_fee_line)
{
	char		 a[COMMIT_ATTRS_MAX];
	int64_t		 h, r, u;
	/* Partial Upfront, 3 years: 0.50 an hour, 0.20 of it billed. */
	const char	*f[COMMIT_NFIELDS] = { [CF_TERM] = "3yr",
	    [CF_PAYMENT] = "Partial Upfront", [CF_SP_COMMIT] = "12",
	    [CF_SP_FEE] = "4.8", [CF_SP_HOURS] = "24" };

	commit_attrs_of(a, sizeof(a), f);
	CHECK_INT(ce_plan_fees(a, &h, &r, &u), CE_FEE_HOURLY |
	    CE_FEE_RECURRING | CE_FEE_UPFRONT);
	CHECK_INT(h, 500000000);
	CHECK_INT(r, 200000000);
	CHECK_INT(u, 300000000LL * 3 * 8760);
	/* No term: no upfront fee; no hours: nothing; older attrs (nine
	 * fields): nothing. */
	f[CF_TERM] = "";
	commit_attrs_of(a, sizeof(a), f);
	CHECK_INT(ce_plan_fees(a, &h, &r, &u), CE_FEE_HOURLY |
	    CE_FEE_RECURRING);
	CHECK_INT(ce_plan_fees("a\x1f" "b\x1f\x1f\x1f\x1f\x1f\x1f\x1f" "c",
	    &h, &r, &u), 0);
	CHECK_INT(ce_plan_fees("", &h, &r, &u), 0);
}

/* The forecasts' Filter takes GetCostForecast's list (its API reference):
 * SUBSCRIPTION_ID (a reservation), not INVOICING_ENTITY, PAYER_ACCOUNT,
 * SAVINGS_PLANS_TYPE, CACHE_ENGINE, RESOURCE_ID. */
TEST(ce_names_forecast)
{
	struct arena	 a;

	CHECK_INT(ce_dim_lookup("SUBSCRIPTION_ID", CE_USE_FORECAST),
	    CE_RESERVATION_ID);
	CHECK_INT(ce_dim_lookup("SAVINGS_PLAN_ARN", CE_USE_FORECAST),
	    CE_SAVINGS_PLAN_ARN);
	CHECK_INT(ce_dim_lookup("SCOPE", CE_USE_FORECAST), CE_DIM_NOT_KEPT);
	CHECK_INT(ce_dim_lookup("INVOICING_ENTITY", CE_USE_FORECAST),
	    CE_DIM_REFUSED);
	CHECK_INT(ce_dim_lookup("RESOURCE_ID", CE_USE_FORECAST),
	    CE_DIM_REFUSED);
	arena_init(&a);
	CHECK_STR(ce_dim_valid(&a, CE_USE_FORECAST), "AZ, INSTANCE_TYPE, "
	    "LINKED_ACCOUNT, OPERATION, PURCHASE_TYPE, SERVICE, USAGE_TYPE, "
	    "PLATFORM, TENANCY, RECORD_TYPE, LEGAL_ENTITY_NAME, "
	    "DEPLOYMENT_OPTION, DATABASE_ENGINE, INSTANCE_TYPE_FAMILY, REGION, "
	    "BILLING_ENTITY, RESERVATION_ID, SAVINGS_PLAN_ARN, "
	    "OPERATING_SYSTEM, USAGE_TYPE_GROUP, SCOPE, SUBSCRIPTION_ID");
	arena_release(&a);
}

/* The commitment reports take their API references' lists (the newest
 * botocore model): GetReservationUtilization groups by SUBSCRIPTION_ID
 * only and filters without DATABASE_ENGINE, GetReservationCoverage groups
 * by eleven names (INVOICING_ENTITY, not SERVICE) and filters by SERVICE
 * too, GetSavingsPlansUtilizationDetails without SAVINGS_PLANS_TYPE. */
TEST(ce_names_commitment_reports)
{
	static const struct {
		const char	*name;
		enum ce_use	 use;
		int		 want;
	} where[] = {
		{ "SUBSCRIPTION_ID", CE_USE_RI_UTILIZATION_GROUP,
		    CE_RESERVATION_ID },
		{ "REGION", CE_USE_RI_UTILIZATION_GROUP, CE_DIM_REFUSED },
		{ "SUBSCRIPTION_ID", CE_USE_RI_UTILIZATION, CE_DIM_REFUSED },
		{ "USAGE_TYPE", CE_USE_RI_UTILIZATION, CE_DIM_REFUSED },
		{ "DATABASE_ENGINE", CE_USE_RI_UTILIZATION, CE_DIM_REFUSED },
		{ "SCOPE", CE_USE_RI_UTILIZATION, CE_DIM_NOT_KEPT },
		{ "SERVICE", CE_USE_RI_UTILIZATION, CE_SERVICE },
		{ "INSTANCE_TYPE", CE_USE_RI_UTILIZATION, CE_INSTANCE_TYPE },
		{ "DATABASE_ENGINE", CE_USE_RI_COVERAGE, CE_DATABASE_ENGINE },
		{ "SCOPE", CE_USE_RI_COVERAGE, CE_DIM_REFUSED },
		{ "USAGE_TYPE", CE_USE_RI_COVERAGE, CE_DIM_REFUSED },
		{ "INVOICING_ENTITY", CE_USE_RI_COVERAGE, CE_DIM_REFUSED },
		{ "INVOICING_ENTITY", CE_USE_RI_COVERAGE_GROUP,
		    CE_INVOICING_ENTITY },
		{ "SERVICE", CE_USE_RI_COVERAGE_GROUP, CE_DIM_REFUSED },
		{ "CACHE_ENGINE", CE_USE_RI_COVERAGE_GROUP, CE_DIM_NOT_KEPT },
		{ "INSTANCE_FAMILY", CE_USE_SP_COVERAGE_GROUP,
		    CE_INSTANCE_FAMILY },
		{ "LINKED_ACCOUNT", CE_USE_SP_COVERAGE_GROUP, CE_DIM_REFUSED },
		{ "SAVINGS_PLANS_TYPE", CE_USE_SAVINGS_PLANS,
		    CE_SAVINGS_PLANS_TYPE },
		{ "SAVINGS_PLANS_TYPE", CE_USE_SP_DETAILS, CE_DIM_REFUSED },
		{ "INSTANCE_TYPE_FAMILY", CE_USE_SP_DETAILS,
		    CE_INSTANCE_TYPE_FAMILY },
	};
	static const struct {
		enum ce_use	 use;
		const char	*names;
	} lists[] = {
		{ CE_USE_RI_UTILIZATION, "AZ, INSTANCE_TYPE, LINKED_ACCOUNT, "
		    "SERVICE, PLATFORM, TENANCY, DEPLOYMENT_OPTION, "
		    "CACHE_ENGINE, REGION, OPERATING_SYSTEM, SCOPE" },
		{ CE_USE_RI_UTILIZATION_GROUP, "SUBSCRIPTION_ID" },
		{ CE_USE_RI_COVERAGE, "AZ, INSTANCE_TYPE, LINKED_ACCOUNT, "
		    "SERVICE, PLATFORM, TENANCY, DEPLOYMENT_OPTION, "
		    "DATABASE_ENGINE, CACHE_ENGINE, REGION, OPERATING_SYSTEM" },
		{ CE_USE_RI_COVERAGE_GROUP, "AZ, INSTANCE_TYPE, LINKED_ACCOUNT, "
		    "PLATFORM, TENANCY, INVOICING_ENTITY, DEPLOYMENT_OPTION, "
		    "DATABASE_ENGINE, CACHE_ENGINE, REGION, OPERATING_SYSTEM" },
		{ CE_USE_SP_COVERAGE, "LINKED_ACCOUNT, SERVICE, REGION, "
		    "INSTANCE_FAMILY" },
		{ CE_USE_SP_COVERAGE_GROUP, "SERVICE, REGION, INSTANCE_FAMILY" },
		{ CE_USE_SAVINGS_PLANS, "LINKED_ACCOUNT, REGION, "
		    "SAVINGS_PLANS_TYPE, SAVINGS_PLAN_ARN, PAYMENT_OPTION, "
		    "INSTANCE_TYPE_FAMILY" },
		{ CE_USE_SP_DETAILS, "LINKED_ACCOUNT, REGION, SAVINGS_PLAN_ARN, "
		    "PAYMENT_OPTION, INSTANCE_TYPE_FAMILY" },
	};
	struct arena	 a;
	size_t		 i;

	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++)
		CHECK_INT(ce_dim_lookup(where[i].name, where[i].use),
		    where[i].want);
	arena_init(&a);
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		CHECK_STR(ce_dim_valid(&a, lists[i].use), lists[i].names);
	arena_release(&a);
}

/* A mark belongs to the scope that made it: another scope marking the same
 * id is refused and changes nothing. */
TEST(ce_anomaly_mark_stays_in_its_scope)
{
	struct store		*st;
	struct anomaly_mark	 m, *v;
	struct arena		 a;
	struct err		 e;
	size_t			 n;

	err_clear(&e);
	CHECK(store_open(test_db("marks"), 0, &st, &e) == 0);
	memset(&m, 0, sizeof(m));
	snprintf(m.anomaly_id, sizeof(m.anomaly_id), "%032x", 7);
	snprintf(m.status, sizeof(m.status), "ACKNOWLEDGED");
	snprintf(m.by_user, sizeof(m.by_user), "ops@msp.example");
	m.at = 1000;
	CHECK(store_anomaly_mark(st, "msp", &m, &e) == 0);
	snprintf(m.status, sizeof(m.status), "DISMISSED");
	CHECK(store_anomaly_mark(st, "cus-aaaaaaaaaa", &m, &e) == -1);
	CHECK_INT(e.code, ERR_NOT_FOUND);
	CHECK(store_anomaly_mark(st, "msp", &m, &e) == 0);
	arena_init(&a);
	CHECK(store_anomaly_marks(st, &a, "msp", 10, &v, &n, &e) == 0);
	CHECK_INT(n, 1);
	CHECK_STR(v[0].status, "DISMISSED");
	CHECK(store_anomaly_marks(st, &a, "cus-aaaaaaaaaa", 10, &v, &n,
	    &e) == 0);
	CHECK_INT(n, 0);
	arena_release(&a);
	store_close(st);
}

TEST(ce_service_names_as_aws_shows_them)
{
	const struct service_entry	*t;
	unsigned			 n, i;

	CHECK_STR(service_name("AmazonS3"), "Amazon Simple Storage Service");
	CHECK_STR(service_name("awskms"), "AWS Key Management Service");
	CHECK_STR(service_name("NoSuchProduct"), "NoSuchProduct");
	CHECK_STR(service_name(""), "");
	CHECK_STR(service_ce_name("AmazonEC2", "BoxUsage:m5.large", "Usage"),
	    "Amazon Elastic Compute Cloud - Compute");
	CHECK_STR(service_ce_name("AmazonEC2", "USE2-SpotUsage:c5.xlarge",
	    "Usage"), "Amazon Elastic Compute Cloud - Compute");
	CHECK_STR(service_ce_name("AmazonEC2", "EU-HeavyUsage:m5.large",
	    "RIFee"), "Amazon Elastic Compute Cloud - Compute");
	CHECK_STR(service_ce_name("AmazonEC2", "EBS:VolumeUsage.gp3", "Usage"),
	    "EC2 - Other");
	CHECK_STR(service_ce_name("AmazonEC2", "USE1-NatGateway-Hours",
	    "Usage"), "EC2 - Other");
	CHECK_STR(service_ce_name("AmazonEC2", "DataTransfer-Out-Bytes",
	    "Usage"), "EC2 - Other");
	CHECK_STR(service_ce_name("AmazonEC2", "", "Tax"), "Tax");
	CHECK_STR(service_ce_name("AmazonS3", "", "Tax"), "Tax");
	CHECK_STR(service_ce_name("AWSLambda", "Lambda-GB-Second", "Usage"),
	    "AWS Lambda");
	/* EC2 instances: the lines whose resources are kept by hour. */
	CHECK_INT(service_ec2_instance("AmazonEC2", "BoxUsage:m5.large",
	    "Usage"), 1);
	CHECK_INT(service_ec2_instance("AmazonEC2", "USE2-SpotUsage:c5.xlarge",
	    "Usage"), 1);
	CHECK_INT(service_ec2_instance("AmazonEC2", "BoxUsage:m5.large", "Tax"),
	    0);
	CHECK_INT(service_ec2_instance("AmazonEC2", "EBS:VolumeUsage.gp3",
	    "Usage"), 0);
	CHECK_INT(service_ec2_instance("AmazonRDS", "BoxUsage:db.r5.large",
	    "Usage"), 0);
	CHECK_STR(SERVICE_EC2_COMPUTE, service_ce_name("AmazonEC2",
	    "BoxUsage:m5.large", "Usage"));
	CHECK_STR(service_category("AmazonEC2"), "Compute");
	CHECK_STR(service_category("AmazonS3"), "Storage");
	CHECK_STR(service_category("NoSuchProduct"), "Other");
	/* The table is sorted (bsearch) and every entry is found. */
	t = service_table(&n);
	CHECK(n > 40);
	for (i = 0; i < n; i++) {
		if (i > 0)
			CHECK(strcmp(t[i - 1].code, t[i].code) < 0);
		CHECK_STR(service_name(t[i].code), t[i].name);
	}
}
