/* SPDX-License-Identifier: MIT */
/* Encodings and randomness: see codec.h. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/codec.h"

void
hex_encode(const unsigned char *p, size_t len, char *out)
{
	static const char	 hx[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * len] = '\0';
}

static const char b64u[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
b64url_encode(const unsigned char *p, size_t len, char *out)
{
	size_t		 i, o = 0;
	uint32_t	 v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = b64u[v >> 18];
		out[o++] = b64u[(v >> 12) & 63];
		out[o++] = b64u[(v >> 6) & 63];
		out[o++] = b64u[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)p[i] << 16;
		out[o++] = b64u[v >> 18];
		out[o++] = b64u[(v >> 12) & 63];
	} else if (len - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		out[o++] = b64u[v >> 18];
		out[o++] = b64u[(v >> 12) & 63];
		out[o++] = b64u[(v >> 6) & 63];
	}
	out[o] = '\0';
}

long
b64url_decode(const char *s, size_t len, unsigned char *out)
{
	uint32_t	 v = 0;
	size_t		 i, bits = 0;
	long		 o = 0;
	const char	*q;

	for (i = 0; i < len; i++) {
		if (s[i] == '\0' || (q = strchr(b64u, s[i])) == NULL)
			return (-1);
		v = v << 6 | (uint32_t)(q - b64u);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(v >> bits);
			v &= (1u << bits) - 1;
		}
	}
	if (bits >= 6 || v != 0)
		return (-1);
	return (o);
}

void
random_bytes(void *p, size_t len)
{
	if (sodium_init() < 0)
		abort();
	randombytes_buf(p, len);
}

void
random_chars(char *out, size_t n, const char *alphabet)
{
	size_t		 alen = strlen(alphabet), i;

	if (sodium_init() < 0)
		abort();
	for (i = 0; i < n; i++)
		out[i] = alphabet[randombytes_uniform((uint32_t)alen)];
	out[n] = '\0';
}

int
ct_equal(const void *a, const void *b, size_t len)
{
	return (sodium_memcmp(a, b, len) == 0);
}

int
str_is_digits(const char *s)
{
	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return (0);
	return (1);
}

int
utf8_valid(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0, n, k;
	uint32_t		 cp;

	while (i < len) {
		unsigned char c = s[i];
		if (c == 0)
			return (0);
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else
			return (0);
		if (len - i <= n)
			return (0);
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (0);
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
		i += n + 1;
	}
	return (1);
}

size_t
utf8_chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return (n);
}

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

int
pct_decode(struct arena *a, const char *s, size_t len, size_t max,
    int plus_space, char **out, struct err *e)
{
	char	*d;
	size_t	 i, n = 0;
	int	 hi, lo;

	d = arena_alloc(a, (len < max ? len : max) + 1);
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '%') {
			if (len - i < 3)
				return (err_set(e, ERR_INVALID, NULL, NULL,
				    "a %% escape is cut short"));
			if ((hi = hex_digit((unsigned char)s[i + 1])) == -1 ||
			    (lo = hex_digit((unsigned char)s[i + 2])) == -1)
				return (err_set(e, ERR_INVALID, NULL, NULL,
				    "a %% escape is not two hex digits"));
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_space)
			c = ' ';
		if (c == '\0')
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "NUL characters are not allowed"));
		if (n == max)
			return (err_set(e, ERR_LIMIT, NULL, NULL,
			    "a field is longer than %zu bytes", max));
		d[n++] = c;
	}
	d[n] = '\0';
	if (!utf8_valid(d, n))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "a field is not valid UTF-8"));
	*out = d;
	return (0);
}
