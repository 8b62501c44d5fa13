/* SPDX-License-Identifier: MIT */
/*
 * Fixed-point decimal numbers: money in units of 10^-9 of the currency unit
 * (nano-dollars), usage quantities in units of 10^-6. Parsed exactly from
 * decimal text (never through double), exponents allowed ("1.2E-5"); digits
 * beyond the scale are rounded half-even, once, here. See docs/billing.md.
 */
#ifndef BILLING_MONEY_H
#define BILLING_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define MONEY_DIGITS	9	/* money: value * 10^9 */
#define QTY_DIGITS	6	/* usage amounts: value * 10^6 */

enum money_rc {
	MONEY_OK = 0,
	MONEY_SYNTAX = -1,	/* not a decimal number */
	MONEY_OVERFLOW = -2	/* does not fit in int64 at this scale */
};

/*
 * Parses s[0..len) ("-12.5", "1.2E-5", "+3", ".5") into *out in units of
 * 10^-digits. An empty string is a syntax error: callers decide what an
 * empty cell means.
 */
int	money_parse(const char *s, size_t len, int digits,
	    int64_t *out /* OUT */);
/* Writes v (units of 10^-digits) as an exact decimal ("-0.000000012",
 * "1.5", "0") into buf (at least 32 bytes); returns the length. */
size_t	money_format(int64_t v, int digits, char *buf, size_t len);
/* money_format() with at least min_dec decimals ("1.50", "210.00"). */
size_t	money_format_min(int64_t v, int digits, int min_dec, char *buf,
	    size_t len);

#endif
