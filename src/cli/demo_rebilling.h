/* SPDX-License-Identifier: MIT */
/* Demo prices and invoices: see demo_rebilling.c. */
#ifndef CLI_DEMO_REBILLING_H
#define CLI_DEMO_REBILLING_H

#include <stdio.h>

#include "store/store.h"

/*
 * After demo_onboarding and demo_billing: pricing rules for the demo
 * customers (a discount for the first, a markup on EC2 for the second, a
 * 3 % support fee with a minimum for the third), KRW with a rate and 10 %
 * tax for the last, draft invoices for the demo months (the two before
 * store_now's month and that month), and the previous month's issued.
 * Prints one line per step on out; returns 0, or 1 after printing why.
 */
int	demo_rebilling(struct store *, FILE *out);

#endif
