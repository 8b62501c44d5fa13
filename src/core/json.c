/* SPDX-License-Identifier: MIT */
/* JSON decoding with limits and encoding into buffers: see json.h. */
#include <string.h>

#include "core/json.h"

/* Depth of nesting in a JSON text, counting brackets outside strings. */
static size_t
json_depth(const char *p, size_t len)
{
	size_t	 depth = 0, max = 0, i;
	int	 in_str = 0;

	for (i = 0; i < len; i++) {
		char c = p[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"')
			in_str = 1;
		else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
		} else if ((c == ']' || c == '}') && depth > 0)
			depth--;
	}
	return (max);
}

int
json_decode_object(const char *body, size_t len, size_t max_depth,
    json_t **out, struct err *e)
{
	json_error_t	 jerr;
	json_t		*j;
	size_t		 i;

	for (i = 0; i < len && strchr(" \t\r\n", body[i]) != NULL; i++)
		;
	if (i == len) {
		*out = json_object();
		return (0);
	}
	/* Checked before parsing so that deep input costs no recursion. */
	if (json_depth(body, len) > max_depth)
		return (err_set(e, ERR_INVALID, AWSERR(SerializationException),
		    NULL,
		    "the request nests arrays and objects deeper than %zu "
		    "levels", max_depth));
	j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		return (err_set(e, ERR_INVALID, AWSERR(SerializationException),
		    NULL,
		    "the request body is not valid JSON: %s at line %d column "
		    "%d", jerr.text, jerr.line, jerr.column));
	if (!json_is_object(j)) {
		json_decref(j);
		return (err_set(e, ERR_INVALID, AWSERR(SerializationException),
		    NULL,
		    "the request body must be a JSON object"));
	}
	*out = j;
	return (0);
}

static int
dump_cb(const char *p, size_t len, void *arg)
{
	return (buf_add(arg, p, len));
}

int
json_to_buf(const json_t *o, size_t flags, struct buf *b)
{
	return (json_dump_callback(o, dump_cb, b, flags));
}

json_t *
json_string_or_null(const char *s)
{
	return (s != NULL && s[0] != '\0' ? json_string(s) : json_null());
}
