/* SPDX-License-Identifier: MIT */
/* The onboarding desk's part of the demo: see demo_onboarding.c. */
#ifndef CLI_DEMO_ONBOARDING_H
#define CLI_DEMO_ONBOARDING_H

#include <stdio.h>

#include "store/store.h"

/*
 * Run after the demo accounts exist (demo_load): sets the MSP to
 * msp@payerlink.example's account, creates the customers "Acme
 * Standalone", "Globex Member" and "Initech Holdings" and files an
 * onboarding request for case1@, case2@ and case3@customer.example's
 * accounts (the MSP's invitations come from these). Prints the plan links
 * on out. Returns an exit code (0, or 1 with the error printed).
 */
int	demo_onboarding(struct store *, FILE *out);

#endif
