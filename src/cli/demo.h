/* SPDX-License-Identifier: MIT */
/* The demo data `make run` loads: see demo.c. */
#ifndef CLI_DEMO_H
#define CLI_DEMO_H

#include <stdio.h>

#include "store/store.h"

/* Loads the demo and prints its logins and keys on out; returns an exit code. */
int	demo_load(struct store *, FILE *out);

#endif
