/* SPDX-License-Identifier: MIT */
/*
 * The wire format the Cost Explorer operation files share (ce_wire.h):
 * intervals, amounts and page tokens, in the botocore model's shapes.
 * (ce_ops.c keeps its own copies of the TimePeriod, amount and token
 * readers for now: to be folded into these once the tags work in it has
 * landed.)
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ce_wire.h"
#include "billing/money.h"
#include "core/codec.h"

int
ce_wire_interval(struct aws_req *r, const char *member, int64_t *start,
    int64_t *end, struct err *e)
{
	json_t	*tp = json_object_get(r->in, member), *s, *n;

	if (tp == NULL || !json_is_object(tp))
		return (err_set(e, ERR_INVALID, AWSERR(ValidationException),
		    NULL, "%s is required", member));
	s = json_object_get(tp, "Start");
	n = json_object_get(tp, "End");
	if (!json_is_string(s) || !json_is_string(n))
		return (err_set(e, ERR_INVALID, AWSERR(ValidationException),
		    NULL, "%s needs Start and End", member));
	if (ce_day_parse(json_string_value(s), start) == -1 ||
	    strlen(json_string_value(s)) != 10)
		return (err_set(e, ERR_INVALID, AWSERR(ValidationException),
		    NULL, "Start date '%s' is not YYYY-MM-DD",
		    json_string_value(s)));
	if (ce_day_parse(json_string_value(n), end) == -1 ||
	    strlen(json_string_value(n)) != 10)
		return (err_set(e, ERR_INVALID, AWSERR(ValidationException),
		    NULL, "End date '%s' is not YYYY-MM-DD",
		    json_string_value(n)));
	if (*start >= *end)
		return (err_set(e, ERR_INVALID, AWSERR(ValidationException),
		    NULL, "%s: Start must be before End", member));
	return (0);
}

json_t *
ce_wire_decimal(int64_t v, int digits)
{
	char	 buf[48];

	money_format(v, digits, buf, sizeof(buf));
	return (json_string(buf));
}

json_t *
ce_wire_amount(int64_t v, int digits, const char *unit)
{
	return (json_pack("{s:o, s:s}", "Amount", ce_wire_decimal(v, digits),
	    "Unit", unit));
}

json_t *
ce_wire_period(int64_t s, int64_t n)
{
	char	 a[11], b[11];

	ce_day_format(s, a, sizeof(a));
	ce_day_format(n, b, sizeof(b));
	return (json_pack("{s:s, s:s}", "Start", a, "End", b));
}

uint64_t
ce_wire_request_hash(struct aws_req *r)
{
	json_t		*c = json_deep_copy(r->in);
	char		*s;
	size_t		 n, i;
	uint64_t	 h = 1469598103934665603ULL;

	/* An operation has one of the two. */
	json_object_del(c, "NextPageToken");
	json_object_del(c, "NextToken");
	n = json_dumpb(c, NULL, 0, JSON_COMPACT | JSON_SORT_KEYS);
	s = arena_alloc(r->arena, n + 1);
	n = json_dumpb(c, s, n, JSON_COMPACT | JSON_SORT_KEYS);
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	json_decref(c);
	return (h);
}

int
ce_wire_token_in(struct aws_req *r, const char *member, uint64_t hash,
    size_t *off, struct err *e)
{
	json_t			*t = json_object_get(r->in, member);
	unsigned char		 raw[128];
	char			 want[24];
	unsigned long long	 o;
	long			 n;
	char			*end;

	*off = 0;
	if (t == NULL || json_is_null(t))
		return (0);
	if (!json_is_string(t) || strlen(json_string_value(t)) > 100 ||
	    (n = b64url_decode(json_string_value(t),
	    strlen(json_string_value(t)), raw)) < 18 || raw[16] != ':')
		return (err_set(e, ERR_INVALID,
		    AWSERR(InvalidNextTokenException),
		    NULL, "The %s is not valid.", member));
	raw[n] = '\0';
	snprintf(want, sizeof(want), "%016llx", (unsigned long long)hash);
	if (memcmp(raw, want, 16) != 0)
		return (err_set(e, ERR_INVALID, AWSERR(RequestChangedException),
		    NULL, "The request changed since the %s was issued.",
		    member));
	o = strtoull((const char *)raw + 17, &end, 10);
	if (*end != '\0')
		return (err_set(e, ERR_INVALID,
		    AWSERR(InvalidNextTokenException),
		    NULL, "The %s is not valid.", member));
	*off = (size_t)o;
	return (0);
}

void
ce_wire_token_out(struct aws_req *r, const char *member, uint64_t hash,
    size_t off)
{
	char	 raw[64], tok[100];
	int	 n;

	n = snprintf(raw, sizeof(raw), "%016llx:%zu", (unsigned long long)hash,
	    off);
	b64url_encode((const unsigned char *)raw, (size_t)n, tok);
	json_object_set_new(r->out, member, json_string(tok));
}
