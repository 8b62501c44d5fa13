/* SPDX-License-Identifier: MIT */
/* Byte encodings, random identifiers and comparisons used across layers. */
#ifndef CORE_CODEC_H
#define CORE_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct arena;

/* Lowercase hex of len bytes into out (2 * len + 1 bytes). */
void	hex_encode(const unsigned char *, size_t len, char *out);
/* Base64url without padding; out needs 4 * ((len + 2) / 3) + 1 bytes. */
void	b64url_encode(const unsigned char *, size_t len, char *out);
/* Returns decoded length, or -1 on a malformed input. out needs len bytes. */
long	b64url_decode(const char *, size_t len, unsigned char *out);
/* Cryptographically random bytes; aborts if the system has none. */
void	random_bytes(void *, size_t);
/* n random characters drawn from alphabet into out, NUL-terminated. */
void	random_chars(char *out, size_t n, const char *alphabet);
/* Constant-time equality of two byte strings of the same length. */
int	ct_equal(const void *, const void *, size_t);
/* 1 if s is non-empty and only digits. */
int	str_is_digits(const char *s);
/* 1 if s is valid UTF-8 with no NUL byte. */
int	utf8_valid(const char *s, size_t len);
/* Number of UTF-8 code points (characters) in a valid string. */
size_t	utf8_chars(const char *s);
/* The value of one hex digit (either case), or -1. */
int	hex_digit(int c);
/*
 * Percent-decodes s[0..len) into a NUL-terminated arena string: %XX (hex,
 * either case), '+' as a space when plus_space. Fails with ERR_INVALID on a
 * malformed escape, a NUL byte or invalid UTF-8, with ERR_LIMIT past max
 * bytes.
 */
int	pct_decode(struct arena *, const char *s, size_t len, size_t max,
	    int plus_space, char **out /* OUT */, struct err *);

#define ALPHA_LOWER_DIGITS	"abcdefghijklmnopqrstuvwxyz0123456789"
#define ALPHA_UPPER_DIGITS	"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define ALPHA_DIGITS		"0123456789"

#endif
