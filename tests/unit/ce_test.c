/* SPDX-License-Identifier: MIT */
/* Cost Explorer: dates, the forecast's fit, names. */
#include <math.h>
#include <string.h>

#include "test.h"

#include "ce/ce.h"

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
}
