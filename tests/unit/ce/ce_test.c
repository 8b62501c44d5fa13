/* SPDX-License-Identifier: MIT */
/* Cost Explorer: dates, the forecast's fit, names, anomaly marks. */
#include <math.h>
#include <string.h>

#include "test.h"

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
	CHECK_INT(ce_metric_parse("UnblendedCost"), CE_UNBLENDED);
	CHECK_INT(ce_metric_parse("NetUnblendedCost"), CE_NET_UNBLENDED);
	CHECK_INT(ce_metric_parse("Nope"), -1);
	CHECK_INT(ce_dim_parse("LINKED_ACCOUNT"), CE_LINKED_ACCOUNT);
	CHECK_INT(ce_dim_parse("linked_account"), -1);
	CHECK_STR(ce_dim_name(CE_RECORD_TYPE), "RECORD_TYPE");
	/* Where AWS takes a name (names.c). */
	CHECK_INT(ce_dim_lookup("RESERVATION_ID", CE_USE_GROUP),
	    CE_RESERVATION_ID);
	CHECK_INT(ce_dim_lookup("SAVINGS_PLAN_ARN", CE_USE_FILTER),
	    CE_SAVINGS_PLAN_ARN);
	CHECK_INT(ce_dim_lookup("RESOURCE_ID", CE_USE_GROUP), CE_DIM_REFUSED);
	CHECK_INT(ce_dim_lookup("RESOURCE_ID", CE_USE_GROUP_RES),
	    CE_RESOURCE_ID);
	CHECK_INT(ce_dim_lookup("SUBSCRIPTION_ID", CE_USE_FILTER),
	    CE_DIM_REFUSED);
	CHECK_INT(ce_dim_lookup("SUBSCRIPTION_ID", CE_USE_RESERVATIONS),
	    CE_RESERVATION_ID);
	CHECK_INT(ce_dim_lookup("SERVICE", CE_USE_RESERVATIONS),
	    CE_DIM_REFUSED);
	CHECK_INT(ce_dim_lookup("PAYMENT_OPTION", CE_USE_SAVINGS_PLANS),
	    CE_DIM_NOT_KEPT);
	CHECK_INT(ce_dim_lookup("Nope", CE_USE_FILTER), CE_DIM_REFUSED);
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
