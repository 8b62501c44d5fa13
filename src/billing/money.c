/* SPDX-License-Identifier: MIT */
/* Exact decimal text to fixed point and back: see money.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "billing/money.h"

#define SIG_MAX	40	/* significant digits kept; more only round */
#define EXP_MAX	400

/* Every input that is not the common "[-]ddd.ddd" with few digits. */
static int
parse_slow(const char *s, size_t len, int digits, int64_t *out)
{
	unsigned char	 sig[SIG_MAX];
	size_t		 i = 0, nsig = 0;
	int		 neg = 0, sticky = 0, any = 0, e = 0, k, keep, rd;
	int		 xneg = 0, x = 0;
	int64_t		 acc = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		any = 1;
		if (nsig == 0 && s[i] == '0')
			continue;
		if (nsig < SIG_MAX)
			sig[nsig++] = s[i] - '0';
		else {
			e++;
			sticky |= s[i] != '0';
		}
	}
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			any = 1;
			if (nsig == 0 && s[i] == '0')
				e--;
			else if (nsig < SIG_MAX) {
				sig[nsig++] = s[i] - '0';
				e--;
			} else
				sticky |= s[i] != '0';
		}
	}
	if (!any)
		return (MONEY_SYNTAX);
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			xneg = s[i++] == '-';
		if (i == len || s[i] < '0' || s[i] > '9')
			return (MONEY_SYNTAX);
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			if (x < 100000)
				x = x * 10 + (s[i] - '0');
		e += xneg ? -x : x;
	}
	if (i != len)
		return (MONEY_SYNTAX);
	if (nsig == 0) {
		*out = 0;
		return (MONEY_OK);
	}
	if (e > EXP_MAX)
		return (MONEY_OVERFLOW);
	if (e < -EXP_MAX)
		e = -EXP_MAX;
	k = e + digits;		/* value = sig * 10^k in output units */
	if (k >= 0) {
		if ((int)nsig + k > 19)
			return (MONEY_OVERFLOW);
		for (i = 0; i < nsig; i++)
			if (__builtin_mul_overflow(acc, 10, &acc) ||
			    __builtin_add_overflow(acc, sig[i], &acc))
				return (MONEY_OVERFLOW);
		for (; k > 0; k--)
			if (__builtin_mul_overflow(acc, 10, &acc))
				return (MONEY_OVERFLOW);
	} else {
		keep = (int)nsig + k;	/* leading digits that stay */
		if (keep > 19)
			return (MONEY_OVERFLOW);
		for (i = 0; (int)i < keep; i++)
			if (__builtin_mul_overflow(acc, 10, &acc) ||
			    __builtin_add_overflow(acc, sig[i], &acc))
				return (MONEY_OVERFLOW);
		/* Round half-even on the first dropped digit. */
		if (keep >= 0) {
			rd = sig[keep];
			for (i = keep + 1; i < nsig; i++)
				sticky |= sig[i] != 0;
			if (rd > 5 || (rd == 5 && (sticky || (acc & 1))))
				if (__builtin_add_overflow(acc, 1, &acc))
					return (MONEY_OVERFLOW);
		}
	}
	*out = neg ? -acc : acc;
	return (MONEY_OK);
}

/* What money_parse()'s inline path leaves: short numbers here, the rest
 * (exponents, signs, long digit strings) to parse_slow(). */
int
money_parse_other(const char *s, size_t len, int digits, int64_t *out)
{
	size_t		 i = 0, nint = 0, nfrac = 0;
	int64_t		 v = 0;
	int		 neg = 0;

	if (digits < 0 || digits > 9)
		return (parse_slow(s, len, digits, out));
	/* Short ones: [-]d{1,9}[.d{0,digits}], exact in int64. */
	if (i < len && s[i] == '-') {
		neg = 1;
		i++;
	}
	for (; i < len && s[i] >= '0' && s[i] <= '9' && nint < 10; i++, nint++)
		v = v * 10 + (s[i] - '0');
	if (nint == 0 || nint >= 10)
		return (parse_slow(s, len, digits, out));
	if (i < len && s[i] == '.')
		for (i++; i < len && s[i] >= '0' && s[i] <= '9' &&
		    nfrac < (size_t)digits; i++, nfrac++)
			v = v * 10 + (s[i] - '0');
	v *= money_pow10[digits - nfrac];
	if (i < len && nfrac == (size_t)digits && s[i] >= '0' && s[i] <= '9') {
		/* More decimals than the scale: round half-even on the
		 * first dropped digit. */
		int rd = s[i++] - '0', sticky = 0;

		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			sticky |= s[i] != '0';
		if (i != len)
			return (parse_slow(s, len, digits, out));
		if (rd > 5 || (rd == 5 && (sticky || (v & 1))))
			v++;
	}
	if (i != len)
		return (parse_slow(s, len, digits, out));
	*out = neg ? -v : v;
	return (MONEY_OK);
}

int
money_parse_ref(const char *s, size_t len, int digits, int64_t *out)
{
	return (parse_slow(s, len, digits, out));
}

size_t
money_format(int64_t v, int digits, char *buf, size_t len)
{
	uint64_t	 u, ip, fp, p = (uint64_t)money_pow10[digits];
	char		 frac[24];
	int		 n, nf;

	u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	ip = u / p;
	fp = u % p;
	if (fp == 0)
		n = snprintf(buf, len, "%s%llu", v < 0 ? "-" : "",
		    (unsigned long long)ip);
	else {
		snprintf(frac, sizeof(frac), "%0*llu", digits,
		    (unsigned long long)fp);
		for (nf = digits; nf > 0 && frac[nf - 1] == '0'; nf--)
			;
		frac[nf] = '\0';
		n = snprintf(buf, len, "%s%llu.%s", v < 0 ? "-" : "",
		    (unsigned long long)ip, frac);
	}
	return (n < 0 ? 0 : (size_t)n);
}

size_t
money_format_min(int64_t v, int digits, int min_dec, char *buf, size_t len)
{
	const char	*dot;
	size_t		 n, nf;

	money_format(v, digits, buf, len);
	n = strlen(buf);
	dot = strchr(buf, '.');
	nf = dot != NULL ? strlen(dot + 1) : 0;
	if (dot == NULL && min_dec > 0 && n + 1 < len)
		buf[n++] = '.';
	for (; nf < (size_t)min_dec && n + 1 < len; nf++)
		buf[n++] = '0';
	if (len > 0)
		buf[n] = '\0';
	return (n);
}

/* ---- Decimal arithmetic, currencies and formats (pricing, invoices) --- */

int64_t
div_half_even(__int128 n, int64_t d)
{
	__int128	 q = n / d, r = n % d, r2;

	if (r == 0)
		return ((int64_t)q);
	r2 = r < 0 ? -2 * r : 2 * r;
	if (r2 > d || (r2 == d && (q & 1) != 0))
		q += n < 0 ? -1 : 1;
	return ((int64_t)q);
}

int64_t
round_minor(int64_t v, int digits)
{
	return (div_half_even(v, money_pow10[9 - digits]));
}

int64_t
apply_pct(int64_t v, int64_t pct)
{
	return (div_half_even((__int128)v * pct, PCT_ONE));
}

int64_t
fx_convert(int64_t v, int64_t rate)
{
	return (div_half_even((__int128)v * rate, FX_SCALE));
}

int
money_parse_strict(const char *s, int digits, int64_t *out)
{
	__int128	 v = 0;
	int		 neg = 0, nd = 0, nf = 0, frac = 0;

	if (s == NULL)
		return (-1);
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s != '\0'; s++) {
		if (*s == '.' && !frac) {
			frac = 1;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			return (-1);
		if (frac && ++nf > digits)
			return (-1);
		v = v * 10 + (*s - '0');
		nd++;
		if (v > (__int128)INT64_MAX)
			return (-1);
	}
	if (nd == 0 || (frac && nf == 0))
		return (-1);
	for (; nf < digits; nf++) {
		v *= 10;
		if (v > (__int128)INT64_MAX)
			return (-1);
	}
	*out = (int64_t)(neg ? -v : v);
	return (0);
}

int
pct_parse(const char *s, int64_t *out)
{
	if (money_parse_strict(s, 4, out) == -1)
		return (-1);
	return (*out < -PCT_ONE || *out > 100LL * PCT_ONE ? -1 : 0);
}

void
pct_format(int64_t v, char *buf, size_t len)
{
	money_format(v, 4, buf, len);
}

void
minor_format(int64_t v, int digits, char *buf, size_t len)
{
	money_format_min(v, digits, digits, buf, len);
}

void
nano_format(int64_t v, char *buf, size_t len)
{
	money_format_min(v, MONEY_DIGITS, 2, buf, len);
}

int
fx_rate_parse(const char *s, int64_t *out)
{
	int64_t	 v;

	if (s == NULL || *s == '-' || *s == '+')
		return (-1);
	if (money_parse_strict(s, 9, &v) == -1 || v <= 0)
		return (-1);
	*out = v;
	return (0);
}

int
currency_valid(const char *c)
{
	return (c != NULL && strlen(c) == 3 && isupper((unsigned char)c[0]) &&
	    isupper((unsigned char)c[1]) && isupper((unsigned char)c[2]));
}

int
currency_digits(const char *c)
{
	/* ISO 4217 minor units; everything else has two. */
	static const char *const zero[] = { "BIF", "CLP", "DJF", "GNF", "ISK",
	    "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV",
	    "XAF", "XOF", "XPF" };
	static const char *const three[] = { "BHD", "IQD", "JOD", "KWD",
	    "LYD", "OMR", "TND" };
	size_t	 i;

	for (i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (strcmp(c, zero[i]) == 0)
			return (0);
	for (i = 0; i < sizeof(three) / sizeof(three[0]); i++)
		if (strcmp(c, three[i]) == 0)
			return (3);
	return (2);
}

/* ---- What people read ---------------------------------------------------- */

/* digits as text with a comma every three from the right. */
static void
group3(const char *digits, size_t n, char *out, size_t len)
{
	size_t	 i, k = 0;

	for (i = 0; i < n && k + 2 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	if (len > 0)
		out[k] = '\0';
}

void
minor_text(int64_t minor, int digits, const char *cur, char *buf,
    size_t len)
{
	char		 raw[48], ip[64];
	const char	*dot, *s;

	minor_format(minor, digits, raw, sizeof(raw));
	s = raw[0] == '-' ? raw + 1 : raw;
	dot = strchr(s, '.');
	group3(s, dot != NULL ? (size_t)(dot - s) : strlen(s), ip, sizeof(ip));
	snprintf(buf, len, "%s%s%s%s%s", raw[0] == '-' ? "-" : "", ip,
	    dot != NULL ? dot : "", cur != NULL && *cur != '\0' ? " " : "",
	    cur != NULL ? cur : "");
}

void
money_text(int64_t nano, const char *cur, char *buf, size_t len)
{
	int	 d = cur != NULL && *cur != '\0' ? currency_digits(cur) : 2;

	minor_text(round_minor(nano, d), d, cur, buf, len);
}

void
money_short(int64_t nano, const char *cur, char *buf, size_t len)
{
	static const struct { const char *code, *sym; } syms[] = {
		{ "USD", "$" }, { "EUR", "\u20ac" }, { "GBP", "\u00a3" },
		{ "JPY", "\u00a5" }, { "KRW", "\u20a9" } };
	static const char *const suffix[] = { "", "K", "M", "B", "T" };
	const char	*sym = NULL;
	uint64_t	 u, scale = 1, h;
	size_t		 i, k = 0;
	char		 num[32];

	if (cur == NULL)
		cur = "";
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		if (strcmp(cur, syms[i].code) == 0)
			sym = syms[i].sym;
	u = nano < 0 ? -(uint64_t)nano : (uint64_t)nano;
	/* 999,995 rounds to 1.00M, not "1000K". */
	while (k + 1 < sizeof(suffix) / sizeof(suffix[0]) &&
	    u >= (uint64_t)NANO * scale * 1000 - (uint64_t)NANO * scale / 200)
		scale *= 1000, k++;
	/* Hundredths of the scaled value, half away from zero. */
	h = (u + (uint64_t)NANO * scale / 200) / ((uint64_t)NANO * scale / 100);
	if (h % 100 == 0)
		snprintf(num, sizeof(num), "%llu", (unsigned long long)(h / 100));
	else if (h % 10 == 0)
		snprintf(num, sizeof(num), "%llu.%llu",
		    (unsigned long long)(h / 100),
		    (unsigned long long)(h % 100 / 10));
	else
		snprintf(num, sizeof(num), "%llu.%02llu",
		    (unsigned long long)(h / 100),
		    (unsigned long long)(h % 100));
	if (sym != NULL)
		snprintf(buf, len, "%s%s%s%s", nano < 0 ? "-" : "", sym, num,
		    suffix[k]);
	else
		snprintf(buf, len, "%s%s%s%s%s", nano < 0 ? "-" : "", num,
		    suffix[k], *cur != '\0' ? " " : "", cur);
}
