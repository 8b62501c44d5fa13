/* SPDX-License-Identifier: MIT */
/*
 * A background job that runs fn(arg) now and then every interval_s
 * seconds (real time) until stopped; stopping wakes it at once and waits
 * for a run in progress to end. serve's watchers (the import directory,
 * the S3 prefix, the live sync) are each one.
 */
#ifndef CORE_EVERY_H
#define CORE_EVERY_H

#include "core/err.h"

struct every;

/* Fails (ERR_INTERNAL, naming what) when the thread cannot start. */
int	every_start(const char *what, unsigned interval_s,
	    void (*fn)(void *), void *arg, struct every **out /* OUT */,
	    struct err *);
/* Stops and frees it; NULL is allowed. */
void	every_stop(struct every *);

#endif
