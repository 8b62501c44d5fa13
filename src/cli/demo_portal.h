/* SPDX-License-Identifier: MIT */
/* Demo billing portal: see demo_portal.c. */
#ifndef CLI_DEMO_PORTAL_H
#define CLI_DEMO_PORTAL_H

#include <stdio.h>

#include "store/store.h"

/*
 * After demo_billing(): a portal user per demo customer (printed with its
 * password), an MSP billing user, and a monthly budget per customer at
 * half its forecast month-end cost (so its forecast threshold is crossed
 * and an alert shows). Returns 0, or 1 after printing why it failed.
 */
int	demo_portal(struct store *, FILE *out);

/*
 * The anomaly the demo's generated usage should contain: the cost factor
 * for an account's line on a day (days since the epoch): 1, except 12 for
 * the first account (by id) of the first customer's EC2 instances
 * (BoxUsage: Cost Explorer's "Amazon Elastic Compute Cloud - Compute", so
 * the spike is one anomaly of one service), three days before today.
 * demo_billing() multiplies its costs by it.
 */
double	demo_portal_spike(const char *account_id, const char *usage_type,
	    int64_t day, const char *spike_account, int64_t today);

#endif
