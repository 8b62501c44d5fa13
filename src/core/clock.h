/* SPDX-License-Identifier: MIT */
/*
 * Time. clock_real_ms() is the wall clock, for SigV4 skew checks and web
 * session lifetimes. The business clock (handshake expiry, month ends) is
 * real time plus an offset that only the emulator's test clock moves; the
 * store keeps that offset (store_now()), so every process sees one "now".
 * All times are milliseconds since the Unix epoch, UTC.
 */
#ifndef CORE_CLOCK_H
#define CORE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

int64_t	clock_real_ms(void);
/* "2026-11-26T12:00:00Z" (seconds precision) into buf of at least 21 bytes. */
void	clock_iso8601(int64_t ms, char *buf, size_t len);
/* Parses "YYYYMMDDTHHMMSSZ" (X-Amz-Date); -1 if malformed. */
int	clock_parse_amz(const char *, int64_t *ms_out /* OUT */);
/* Days since the epoch for a civil date, and back (proleptic Gregorian). */
int64_t	clock_days_from_civil(int y, unsigned m, unsigned d);
void	clock_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d);

#define MS_PER_DAY	(86400LL * 1000)

/* "YYYY-MM" well-formed (month 01..12)? */
int	 month_valid(const char *);
/* Its first and its next month's first millisecond (UTC); -1 if not valid. */
int	 month_bounds(const char *, int64_t *start, int64_t *end);

#endif
