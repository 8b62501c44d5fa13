/* SPDX-License-Identifier: MIT */
/*
 * Typed Parquet values as the text the CSV reader would have handed out,
 * so that one per-row path (ingest.c's on_row) reads both: integers and
 * decimals exactly, times as "YYYY-MM-DDTHH:MM:SSZ", and doubles as their
 * shortest round-trip decimal, which is the text a CSV of the same data
 * holds (a writer that read "0.0123" wrote the double nearest to it, and
 * the shortest decimal that reads back as that double is "0.0123").
 *
 * Doubles, fast: for 0 < |d| < 2^19 a double's rounding interval is
 * narrower than 10^-10 (ulp <= 2^-34), so it holds at most one multiple
 * of 10^-10. If one is there, the shortest decimal is that multiple (it
 * has at most 10 decimals, and a shorter one would be another multiple of
 * 10^-10 in the interval); it is found as round(d * 10^10), computed
 * exactly in 128 bits, and checked by one correctly rounded division.
 * Otherwise the shortest decimal has more than 10 decimals and the same
 * first 10 as d itself (no multiple of 10^-10 lies between them): those
 * 10, then a "1" standing for the nonzero rest. Rounded half-even to 9
 * decimals or fewer, that text gives what the shortest decimal gives.
 * Other doubles (|d| >= 2^19, infinities, NaN) take printf's shortest.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/pq.h"
#include "core/clock.h"

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233"
	"34353637383940414243444546474849505152535455565758596061626364656667"
	"68697071727374757677787980818283848586878889909192939495969798990";

/* Writes v's n lowest digits (zero-padded) ending at e. */
static void
put_digits(char *e, uint64_t v, int n)
{
	while (n >= 2) {
		e -= 2;
		memcpy(e, digit_pairs + (v % 100) * 2, 2);
		v /= 100;
		n -= 2;
	}
	if (n == 1)
		*--e = (char)('0' + v % 10);
}

static int
ndigits(uint64_t v)
{
	int	 n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return (n);
}

size_t
pq_int_text(int64_t v, int min_digits, char *out)
{
	uint64_t	 u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	size_t		 k = 0;
	int		 n = ndigits(u);

	if (v < 0)
		out[k++] = '-';
	if (n < min_digits)
		n = min_digits;
	put_digits(out + k + n, u, n);
	return (k + n);
}

/* An unsigned 128-bit number in decimal, at least min digits. */
static size_t
u128_text(unsigned __int128 u, int min, char *out)
{
	const uint64_t	 e19 = 10000000000000000000ULL;
	uint64_t	 part[3];
	int		 np = 0, n, i;
	size_t		 k = 0;

	do {
		part[np++] = (uint64_t)(u % e19);
		u /= e19;
	} while (u > 0 && np < 3);
	n = ndigits(part[np - 1]) + 19 * (np - 1);
	for (; n < min; n++)
		out[k++] = '0';
	n = ndigits(part[np - 1]);
	put_digits(out + k + n, part[np - 1], n);
	k += n;
	for (i = np - 2; i >= 0; i--) {
		put_digits(out + k + 19, part[i], 19);
		k += 19;
	}
	return (k);
}

static const uint64_t p10[11] = { 1, 10, 100, 1000, 10000, 100000,
    1000000, 10000000, 100000000, 1000000000, 10000000000ULL };

/* sign, u / 10^s "." u % 10^s (s <= 10), then "1" if sticky. */
static size_t
fixed_text(int neg, unsigned __int128 u, int s, int sticky, char *out)
{
	size_t	 k = 0;

	if (neg)
		out[k++] = '-';
	k += u128_text(u / p10[s], 1, out + k);
	if (s > 0 || sticky) {
		out[k++] = '.';
		put_digits(out + k + s, (uint64_t)(u % p10[s]), s);
		k += s;
		if (sticky)
			out[k++] = '1';
	}
	return (k);
}

/* The same for a double's 10 decimals, in 64 bits: the divisions by
 * constants become multiplies. */
static inline size_t
fixed10_text(int neg, uint64_t u, int sticky, char *out)
{
	uint64_t	 ip = u / 10000000000ULL;
	size_t		 k = 0;
	int		 n = ndigits(ip);

	if (neg)
		out[k++] = '-';
	put_digits(out + k + n, ip, n);
	k += (size_t)n;
	out[k++] = '.';
	put_digits(out + k + 10, u % 10000000000ULL, 10);
	k += 10;
	if (sticky)
		out[k++] = '1';
	return (k);
}

size_t
pq_decimal_text(__int128 v, int scale, char *out)
{
	unsigned __int128	 u, p = 1;
	int			 sticky = 0, i;

	u = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
	if (scale > 10) {
		/* Beyond 10 decimals only "is there more" matters. */
		for (i = 10; i < scale; i++)
			p *= 10;
		sticky = u % p != 0;
		u /= p;
		scale = 10;
	}
	return (fixed_text(v < 0, u, scale, sticky, out));
}

int
pq_decimal_be_text(const uint8_t *p, size_t n, int scale, char *out)
{
	unsigned __int128	 u;
	size_t			 i;

	if (n == 0 || n > 16)
		return (-1);
	u = p[0] & 0x80 ? ~(unsigned __int128)0 : 0;
	for (i = 0; i < n; i++)
		u = u << 8 | p[i];
	return ((int)pq_decimal_text((__int128)u, scale, out));
}

size_t
pq_double_text_ref(double d, char *out)
{
	char	 buf[40];
	int	 p;

	for (p = 1; p <= 17; p++) {
		snprintf(buf, sizeof(buf), "%.*g", p, d);
		if (strtod(buf, NULL) == d || isnan(d))
			break;
	}
	memcpy(out, buf, strlen(buf));
	return (strlen(buf));
}

size_t
pq_double_text(double d, char *out)
{
	uint64_t	 bits, u;
	int		 sticky;

	memcpy(&bits, &d, 8);
	if ((bits >> 52 & 0x7ff) >= 1023 + 19)
		return (pq_double_text_ref(d, out));
	u = pq_double_dec10(bits, fabs(d), &sticky);
	return (fixed10_text((int)(bits >> 63), u, sticky, out));
}

/* u / 10^s (and sticky: digits beyond) at 10^-digits, half-even as
 * money_parse() rounds; -1 if it does not fit in 63 bits. */
static int
scaled(unsigned __int128 u, int neg, int s, int digits, int sticky,
    int64_t *out)
{
	unsigned __int128	 p = 1, q, r;
	int			 i;

	if (s <= digits) {
		for (i = s; i < digits; i++) {
			if (u > (unsigned __int128)INT64_MAX)
				return (-1);
			u *= 10;
		}
		q = u;
	} else {
		for (i = digits; i < s; i++)
			p *= 10;
		q = u / p;
		r = u % p;
		if (r > p / 2 || (r == p / 2 && (sticky || (q & 1))))
			q++;
	}
	if (q > (unsigned __int128)INT64_MAX)
		return (-1);
	*out = neg ? -(int64_t)q : (int64_t)q;
	return (0);
}

size_t
pq_decimal_num(__int128 v, int scale, int text, struct parquet_num *x)
{
	unsigned __int128	 u;
	int			 neg = v < 0;

	u = neg ? -(unsigned __int128)v : (unsigned __int128)v;
	x->ok = scaled(u, neg, scale, 9, 0, &x->v9) == 0 &&
	    scaled(u, neg, scale, 6, 0, &x->v6) == 0;
	if (x->ok && !text) {
		x->text[0] = '#';
		return (1);
	}
	return (pq_decimal_text(v, scale, x->text));
}

size_t
pq_double_num_other(double d, int text, struct parquet_num *x)
{
	uint64_t	 bits, u;
	int		 ex, sticky, neg;

	memcpy(&bits, &d, 8);
	ex = (int)(bits >> 52 & 0x7ff);
	if (ex >= 1023 + 19) {
		/* Large, infinite or NaN: the text, parsed by the caller. */
		x->ok = 0;
		return (pq_double_text_ref(d, x->text));
	}
	neg = (int)(bits >> 63);
	u = pq_double_dec10(bits, fabs(d), &sticky);
	x->ok = 1;
	x->v9 = pq_round10(u, 10, sticky, neg);
	x->v6 = pq_round10(u, 10000, sticky, neg);
	if (!text) {
		x->text[0] = '#';
		return (1);
	}
	return (fixed10_text(neg, u, sticky, x->text));
}

size_t
pq_float_text(float f, char *out)
{
	char	 buf[40];
	int	 p;

	for (p = 1; p <= 9; p++) {
		snprintf(buf, sizeof(buf), "%.*g", p, (double)f);
		if (strtof(buf, NULL) == f || isnan(f))
			break;
	}
	memcpy(out, buf, strlen(buf));
	return (strlen(buf));
}

/* floor(a / b) for b > 0. */
static int64_t
floor_div(int64_t a, int64_t b)
{
	return (a / b - (a % b < 0));
}

static size_t
civil_text(int64_t days, int64_t sod, char *out)
{
	int		 y;
	unsigned	 mo, d;

	clock_civil_from_days(days, &y, &mo, &d);
	if (y < 0 || y > 9999)
		return ((size_t)snprintf(out, PQ_TEXT_MAX, "%+d-%02u-%02u",
		    y, mo, d));
	put_digits(out + 4, (uint64_t)y, 4);
	out[4] = '-';
	put_digits(out + 7, mo, 2);
	out[7] = '-';
	put_digits(out + 10, d, 2);
	out[10] = 'T';
	put_digits(out + 13, (uint64_t)(sod / 3600), 2);
	out[13] = ':';
	put_digits(out + 16, (uint64_t)(sod / 60 % 60), 2);
	out[16] = ':';
	put_digits(out + 19, (uint64_t)(sod % 60), 2);
	out[19] = 'Z';
	return (20);
}

size_t
pq_time_text(int64_t v, int unit, char *out)
{
	static const int64_t per_s[3] = { 1000, 1000000, 1000000000 };
	int64_t		 s, days;

	if (unit == 3) {
		/* A date: midnight, so that it also reads as an hour. */
		if (v < -1000000000 || v > 1000000000)
			v = 1000000000;	/* prints a year that fails */
		return (civil_text(v, 0, out));
	}
	s = floor_div(v, per_s[unit]);
	days = floor_div(s, 86400);
	return (civil_text(days, s - days * 86400, out));
}

size_t
pq_int96_text(const uint8_t *p, char *out)
{
	int64_t		 ns;
	int32_t		 jd;

	/* Nanoseconds of the day, then the Julian day (Impala, Spark). */
	memcpy(&ns, p, 8);
	memcpy(&jd, p + 8, 4);
	if (ns < 0 || ns >= 86400LL * 1000000000)
		ns = 0;
	return (civil_text((int64_t)jd - 2440588, ns / 1000000000, out));
}
