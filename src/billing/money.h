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
#include <string.h>

#define MONEY_DIGITS	9	/* money: value * 10^9 */
#define QTY_DIGITS	6	/* usage amounts: value * 10^6 */

enum money_rc {
	MONEY_OK = 0,
	MONEY_SYNTAX = -1,	/* not a decimal number */
	MONEY_OVERFLOW = -2	/* does not fit in int64 at this scale */
};

/* *sum += v, checked: -1 (and *sum unchanged) when it overflows. Every
 * sum of money goes through it (or __builtin_add_overflow). */
static inline int
money_add(int64_t *sum, int64_t v)
{
	int64_t	 r;

	if (__builtin_add_overflow(*sum, v, &r))
		return (-1);
	*sum = r;
	return (0);
}

/* money_parse() for what its inline fast path leaves (not to be called
 * directly). */
int	money_parse_other(const char *s, size_t len, int digits,
	    int64_t *out /* OUT */);

static const int64_t money_pow10[19] = {
	1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
	100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
	1000000000000LL, 10000000000000LL, 100000000000000LL,
	1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
	1000000000000000000LL
};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define MONEY_SWAR	1	/* the SWAR words assume little-endian */
#else
#define MONEY_SWAR	0
#endif

/* Whether the 8 bytes of x are all digits (SWAR). */
#define MONEY_DIGITS8(x) ((((x) + 0x4646464646464646ULL) | \
	((x) - 0x3030303030303030ULL)) & 0x8080808080808080ULL)

/* The 8 digits of x (little-endian) as a number: the combining
 * multiplies of Lemire's fast_float. */
static inline uint64_t
money_swar8(uint64_t x)
{
	x -= 0x3030303030303030ULL;
	x = x * 10 + (x >> 8);
	return ((((x & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
	    (((x >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32))))
	    >> 32);
}

/* The m (1..8) bytes ending at e, left-aligned and padded with '0': one
 * load that ends at e, so nothing past the field is read (e - 8 must be
 * readable). */
static inline uint64_t
money_tail8(const char *e, size_t m)
{
	uint64_t	 x;

	memcpy(&x, e - 8, 8);
	return (m == 8 ? x : x >> (8 * (8 - m)) |
	    0x3030303030303030ULL << (8 * m));
}

/*
 * Parses s[0..len) ("-12.5", "1.2E-5", "+3", ".5") into *out in units of
 * 10^-digits. An empty string is a syntax error: callers decide what an
 * empty cell means.
 *
 * Inline, so that a constant digits makes its divisions multiplies: the
 * common "[-]d{1,9}.d{0,16}" of 8 to 26 bytes takes the 16 decimals as
 * two SWAR words; one division splits the kept decimals from the dropped
 * ones, which round half-even as the slow path does. digits is at most 9
 * there, so nothing overflows. Everything else goes to
 * money_parse_other().
 */
static inline __attribute__((always_inline)) int
money_parse(const char *s, size_t len, int digits, int64_t *out /* OUT */)
{
	const uint64_t	 z = 0x3030303030303030ULL;	/* "00000000" */
	uint64_t	 p, hi, lo = z, d, r, v = 0, c;
	size_t		 i, m;
	int		 neg;

	if (!MONEY_SWAR || len < 8 || len > 26 || digits < 0 || digits > 9)
		return (money_parse_other(s, len, digits, out));
	i = neg = s[0] == '-';
	for (; i < len && (c = (unsigned char)(s[i] - '0')) <= 9; i++)
		v = v * 10 + c;
	/* 1 to 9 integer digits, a dot, at most 16 decimals. */
	if (i - neg - 1 > 8 || i == len || s[i] != '.' ||
	    (m = len - i - 1) > 16)
		return (money_parse_other(s, len, digits, out));
	if (m > 8) {
		memcpy(&hi, s + i + 1, 8);
		lo = money_tail8(s + len, m - 8);
	} else
		hi = m > 0 ? money_tail8(s + len, m) : z;
	if (MONEY_DIGITS8(hi) | MONEY_DIGITS8(lo))
		return (money_parse_other(s, len, digits, out));
	d = money_swar8(hi) * 100000000;	/* 0.d, 16 decimals */
	if (m > 8)
		d += money_swar8(lo);
	p = (uint64_t)money_pow10[16 - digits];
	r = d % p;
	v = v * (uint64_t)money_pow10[digits] + d / p;
	if (r > p / 2 || (r == p / 2 && (v & 1)))
		v++;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return (MONEY_OK);
}

/* The same, digit by digit, for any input: the reference the fast paths
 * are tested against. */
int	money_parse_ref(const char *s, size_t len, int digits,
	    int64_t *out /* OUT */);
/* Writes v (units of 10^-digits) as an exact decimal ("-0.000000012",
 * "1.5", "0") into buf (at least 32 bytes); returns the length. */
size_t	money_format(int64_t v, int digits, char *buf, size_t len);
/* money_format() with at least min_dec decimals ("1.50", "210.00"). */
size_t	money_format_min(int64_t v, int digits, int min_dec, char *buf,
	    size_t len);

/* ---- Decimal arithmetic, currencies and formats ------------------------ */

#define PCT_SCALE	10000		/* percentages in 1/10000 percent */
#define PCT_ONE		1000000		/* 100 % */
#define FX_SCALE	1000000000LL	/* rates in 10^-9 */
#define NANO		1000000000LL


/* Strict decimal as people type it: [-+]digits[.digits], at most
 * `digits` decimals (more is an error, not rounded), into units of
 * 10^-digits. -1 when malformed or out of range. */
int	 money_parse_strict(const char *, int digits, int64_t *out /* OUT */);
/* "12.5" -> 125000 (1/10000 percent), signed, at most 4 decimals. */
int	 pct_parse(const char *, int64_t *out /* OUT */);
/* 125000 -> "12.5", -30000 -> "-3". */
void	 pct_format(int64_t, char *buf, size_t len);
/* Digits after the point of a currency's minor unit (KRW 0, USD 2). */
int	 currency_digits(const char *code);
/* Whether code is three upper-case letters. */
int	 currency_valid(const char *code);
/* v (10^-9) rounded half-even to the minor unit: the count of minor
 * units (cents, won). */
int64_t	 round_minor(int64_t v, int digits);
/* Half-even n / d for d > 0, on 128 bits. */
int64_t	 div_half_even(__int128 n, int64_t d);
/* v * pct (1/10000 %), half-even to 10^-9. */
int64_t	 apply_pct(int64_t v, int64_t pct);
/* v (10^-9) times rate (10^-9), half-even to 10^-9. */
int64_t	 fx_convert(int64_t v, int64_t rate);
/* "1387.25" -> 1387250000000; positive, at most 9 decimals. */
int	 fx_rate_parse(const char *, int64_t *out /* OUT */);
/* Minor units as a decimal string with exactly `digits` decimals. */
void	 minor_format(int64_t v, int digits, char *buf, size_t len);
/* 10^-9 amount with at least 2 and at most 9 decimals ("12.30"). */
void	 nano_format(int64_t v, char *buf, size_t len);

/*
 * Money as a person reads it, the one format of every page, PDF and
 * e-mail: rounded half-even to the currency's minor unit, thousands
 * separated by commas, the code after ("1,234.56 USD", "10,588,781 KRW",
 * "-0.50 EUR"). cur NULL or "" leaves the code out (a column whose header
 * names it). CSV and JSON keep the exact decimals (money_format).
 */
#define MONEY_TEXT_MAX	48
void	 money_text(int64_t nano, const char *cur, char *buf, size_t len);
/* The same for an amount already in minor units with `digits` decimals
 * (an invoice's). */
void	 minor_text(int64_t minor, int digits, const char *cur, char *buf,
	    size_t len);
/* Short, for chart axes: "$1.25K", "$980", "₩12.5M", "1.2K CHF". */
void	 money_short(int64_t nano, const char *cur, char *buf, size_t len);

#endif
