/* SPDX-License-Identifier: MIT */
/*
 * JSON helpers shared by the protocol layers (aws/, rest/, cli/) on top of
 * jansson: decoding with explicit limits, and encoding into a struct buf.
 * Domain modules never see JSON.
 */
#ifndef CORE_JSON_H
#define CORE_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/*
 * Decodes body into an object. Enforces max_depth, valid UTF-8 and unique
 * keys; fails with SerializationException. An empty body is {}. The caller
 * owns *out (json_decref).
 */
int	json_decode_object(const char *body, size_t len, size_t max_depth,
	    json_t **out /* OUT */, struct err *);
/* A new JSON string of s, or JSON null when s is NULL or empty. */
json_t	*json_string_or_null(const char *s);
/* Appends o encoded with flags to b; -1 if b's cap is reached. */
int	json_to_buf(const json_t *o, size_t flags, struct buf *b);

#endif
