/* SPDX-License-Identifier: MIT */
/* Demo cost and usage data: see demo_billing.c. */
#ifndef CLI_DEMO_BILLING_H
#define CLI_DEMO_BILLING_H

#include <stdio.h>

#include "store/store.h"

/*
 * Generates three months (the two before store_now's month and that month
 * to date) of synthetic CUR 2.0 usage for every account now in an
 * organization, one delivery per payer and month, and ingests it through
 * billing/ingest.h. Prints one line per delivery on out; returns 0, or 1
 * after printing why it failed.
 */
/* spike_account (or NULL): its EC2 cost three days ago is 12 times the
 * usual, the anomaly the portal shows (demo_portal_spike()). */
int	demo_billing(struct store *, const char *spike_account, FILE *out);
/* With parquet set, demo_billing() writes its CUR 2.0 as Parquet (the
 * writer of billing/parquet.h) instead of CSV. */
void	demo_billing_format(int parquet);

#endif
