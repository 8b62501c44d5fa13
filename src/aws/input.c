/* SPDX-License-Identifier: MIT */
/*
 * Decoding input members and encoding common output: the checks the model
 * declares (required, length, range, enum) done once, with AWS's
 * InvalidInputException reasons; pagination tokens; timestamps.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "core/codec.h"

#define INVALID	AWSERR(InvalidInputException)

int
in_string(struct aws_req *r, const char *member, int required, size_t min,
    size_t max, const char **out, struct err *e)
{
	json_t		*v = json_object_get(r->in, member);
	const char	*s;
	size_t		 n;

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return (err_set(e, ERR_INVALID, INVALID,
			    "INPUT_REQUIRED", "You must specify a value for "
			    "%s.", member));
		return (0);
	}
	if (!json_is_string(v))
		return (err_set(e, ERR_INVALID, INVALID, NULL,
		    "%s: expected a string", member));
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_PATTERN",
		    "%s: must not contain NUL characters", member));
	n = utf8_chars(s);
	if (n < min)
		return (err_set(e, ERR_INVALID, INVALID, "MIN_LENGTH_EXCEEDED",
		    "%s: must be at least %zu characters", member, min));
	if (max != 0 && n > max)
		return (err_set(e, ERR_INVALID, INVALID, "MAX_LENGTH_EXCEEDED",
		    "%s: must be at most %zu characters", member, max));
	*out = s;
	return (0);
}

int
in_int(struct aws_req *r, const char *member, int64_t min, int64_t max,
    int64_t *out, struct err *e)
{
	json_t	*v = json_object_get(r->in, member);
	int64_t	 n;

	if (v == NULL || json_is_null(v))
		return (0);
	if (!json_is_integer(v))
		return (err_set(e, ERR_INVALID, INVALID, NULL,
		    "%s: expected an integer", member));
	n = json_integer_value(v);
	if (n < min)
		return (err_set(e, ERR_INVALID, INVALID, "MIN_VALUE_EXCEEDED",
		    "%s: must be at least %lld", member, (long long)min));
	if (n > max)
		return (err_set(e, ERR_INVALID, INVALID, "MAX_VALUE_EXCEEDED",
		    "%s: must be at most %lld", member, (long long)max));
	*out = n;
	return (0);
}

int
in_enum(struct aws_req *r, const char *member, int required,
    const char *const *allowed, const char **out, struct err *e)
{
	size_t	 i;

	if (in_string(r, member, required, 1, 64, out, e) == -1)
		return (-1);
	if (*out == NULL)
		return (0);
	for (i = 0; allowed[i] != NULL; i++)
		if (strcmp(allowed[i], *out) == 0)
			return (0);
	return (err_set(e, ERR_INVALID, INVALID, "INVALID_ENUM",
	    "%s: '%s' is not one of the allowed values", member, *out));
}

/*
 * A NextToken is base64url("kind:key"): opaque to clients, stable under
 * concurrent inserts and deletes because it names the last key returned,
 * not a position.
 */
int
in_page(struct aws_req *r, const char *kind, char *key, size_t keylen,
    size_t *max_results, struct err *e)
{
	const char	*tok;
	unsigned char	 raw[256];
	int64_t		 max = 20;
	size_t		 klen = strlen(kind);
	long		 n;

	key[0] = '\0';
	if (in_int(r, "MaxResults", 1, 20, &max, e) == -1)
		return (-1);
	*max_results = (size_t)max;
	if (in_string(r, "NextToken", 0, 0, 100000, &tok, e) == -1)
		return (-1);
	if (tok == NULL)
		return (0);
	if (strlen(tok) > 300 || (n = b64url_decode(tok, strlen(tok),
	    raw)) < 0 || (size_t)n <= klen + 1 ||
	    memcmp(raw, kind, klen) != 0 || raw[klen] != ':' ||
	    (size_t)n - klen - 1 >= keylen ||
	    !utf8_valid((const char *)raw + klen + 1, (size_t)n - klen - 1))
		return (err_set(e, ERR_INVALID, INVALID, "INVALID_NEXT_TOKEN",
		    "The specified NextToken is not valid."));
	memcpy(key, raw + klen + 1, (size_t)n - klen - 1);
	key[n - klen - 1] = '\0';
	return (0);
}

int
in_page_seq(struct aws_req *r, const char *kind, int64_t *after_seq,
    size_t *max_results, struct err *e)
{
	char	 key[24];
	size_t	 i;

	*after_seq = -1;
	if (in_page(r, kind, key, sizeof(key), max_results, e) == -1)
		return (-1);
	if (key[0] == '\0')
		return (0);
	for (i = 0; key[i] != '\0'; i++)
		if (key[i] < '0' || key[i] > '9' || i >= 18)
			return (err_set(e, ERR_INVALID, INVALID,
			    "INVALID_NEXT_TOKEN", "The specified NextToken is "
			    "not valid."));
	*after_seq = strtoll(key, NULL, 10);
	return (0);
}

void
out_page_seq(struct aws_req *r, const char *kind, int64_t seq)
{
	char	 key[24];

	snprintf(key, sizeof(key), "%lld", (long long)seq);
	out_page(r, kind, key);
}

void
out_page(struct aws_req *r, const char *kind, const char *key)
{
	char	 raw[256], tok[400];
	int	 n;

	n = snprintf(raw, sizeof(raw), "%s:%s", kind, key);
	if (n < 0 || (size_t)n >= sizeof(raw))
		return;
	b64url_encode((const unsigned char *)raw, (size_t)n, tok);
	json_object_set_new(r->out, "NextToken", json_string(tok));
}

int
in_time(struct aws_req *r, const char *member, int required, int64_t *ms_out,
    int *present, struct err *e)
{
	json_t	*v = json_object_get(r->in, member);
	double	 d;

	*present = 0;
	*ms_out = 0;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return (err_set(e, ERR_INVALID, INVALID,
			    "INPUT_REQUIRED", "You must specify a value for "
			    "%s.", member));
		return (0);
	}
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0 ||
		    json_integer_value(v) > 253402300799LL)
			return (err_set(e, ERR_INVALID, INVALID, NULL,
			    "%s: not a timestamp", member));
		*ms_out = json_integer_value(v) * 1000;
	} else if (json_is_real(v)) {
		/* Clients send whole seconds, or fractions to the
		 * millisecond: round to the nearest millisecond. */
		d = json_real_value(v);
		if (!(d >= 0 && d <= 253402300799.0))
			return (err_set(e, ERR_INVALID, INVALID, NULL,
			    "%s: not a timestamp", member));
		*ms_out = (int64_t)(d * 1000.0 + 0.5);
	} else
		return (err_set(e, ERR_INVALID, INVALID, NULL,
		    "%s: expected a timestamp (epoch seconds)", member));
	*present = 1;
	return (0);
}

json_t *
json_time(int64_t ms)
{
	/* Whole seconds stay integers; JSON_REAL_PRECISION keeps the rest. */
	if (ms % 1000 == 0)
		return (json_integer(ms / 1000));
	return (json_real((double)ms / 1000.0));
}
