/* SPDX-License-Identifier: MIT */
/*
 * The thrift compact protocol, as Parquet writes its footer and page
 * headers: reading only, over a buffer, every length checked against the
 * bytes left and nesting capped, so a lying footer fails here with a
 * message and never allocates. Also the page header (PageHeader), which
 * is small enough to live beside the protocol.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "billing/pq.h"

void
tc_init(struct tc *t, const void *p, size_t n)
{
	memset(t, 0, sizeof(*t));
	t->p = p;
	t->end = t->p + n;
}

int
tc_fail(struct tc *t, const char *fmt, ...)
{
	va_list	 ap;

	if (t->msg[0] != '\0')
		return (-1);	/* the first failure says why */
	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	return (-1);
}

static int
tc_short(struct tc *t)
{
	t->truncated = 1;
	return (tc_fail(t, "ends inside a thrift structure"));
}

static int
tc_varint(struct tc *t, uint64_t *v)
{
	uint64_t	 x = 0;
	int		 s;

	for (s = 0; s < 64; s += 7) {
		if (t->p >= t->end)
			return (tc_short(t));
		x |= (uint64_t)(*t->p & 0x7f) << s;
		if ((*t->p++ & 0x80) == 0) {
			*v = x;
			return (0);
		}
	}
	return (tc_fail(t, "a varint longer than 10 bytes"));
}

static int64_t
zigzag(uint64_t v)
{
	return ((int64_t)(v >> 1) ^ -(int64_t)(v & 1));
}

int
tc_field(struct tc *t, int16_t *last, int *type, int16_t *id)
{
	uint64_t	 v;
	int64_t		 z;
	uint8_t		 b;

	if (t->p >= t->end)
		return (tc_short(t));
	b = *t->p++;
	if (b == TC_STOP)
		return (0);
	*type = b & 0x0f;
	if (*type > TC_STRUCT)
		return (tc_fail(t, "unknown thrift type %d", *type));
	if ((b >> 4) != 0)
		*id = (int16_t)(*last + (b >> 4));
	else {
		if (tc_varint(t, &v) == -1)
			return (-1);
		z = zigzag(v);
		if (z < -32768 || z > 32767)
			return (tc_fail(t, "a field id out of range"));
		*id = (int16_t)z;
	}
	*last = *id;
	return (1);
}

int
tc_i64(struct tc *t, int type, int64_t *v)
{
	uint64_t	 u;

	if (type == TC_BYTE) {
		if (t->p >= t->end)
			return (tc_short(t));
		*v = (int8_t)*t->p++;
		return (0);
	}
	if (type != TC_I16 && type != TC_I32 && type != TC_I64)
		return (tc_fail(t, "an integer field of thrift type %d", type));
	if (tc_varint(t, &u) == -1)
		return (-1);
	*v = zigzag(u);
	return (0);
}

int
tc_i32(struct tc *t, int type, int32_t *v)
{
	int64_t	 x = 0;

	if (tc_i64(t, type, &x) == -1)
		return (-1);
	if (x < INT32_MIN || x > INT32_MAX)
		return (tc_fail(t, "a 32-bit field holds %lld",
		    (long long)x));
	*v = (int32_t)x;
	return (0);
}

int
tc_bool(struct tc *t, int type, int *v)
{
	if (type != TC_TRUE && type != TC_FALSE)
		return (tc_fail(t, "a boolean field of thrift type %d", type));
	*v = type == TC_TRUE;
	return (0);
}

int
tc_binary(struct tc *t, int type, const uint8_t **p, uint32_t *len)
{
	uint64_t	 n;

	if (type != TC_BINARY)
		return (tc_fail(t, "a string field of thrift type %d", type));
	if (tc_varint(t, &n) == -1)
		return (-1);
	if (n > (uint64_t)(t->end - t->p))
		return (tc_short(t));
	*p = t->p;
	*len = (uint32_t)n;
	t->p += n;
	return (0);
}

int
tc_list(struct tc *t, int type, int *elem, uint32_t *n)
{
	uint64_t	 v;
	uint8_t		 b;

	if (type != TC_LIST && type != TC_SET)
		return (tc_fail(t, "a list field of thrift type %d", type));
	if (t->p >= t->end)
		return (tc_short(t));
	b = *t->p++;
	*elem = b & 0x0f;
	v = b >> 4;
	if (v == 15 && tc_varint(t, &v) == -1)
		return (-1);
	/* Each element takes a byte at least: a larger count lies. */
	if (v > (uint64_t)(t->end - t->p))
		return (tc_short(t));
	*n = (uint32_t)v;
	return (0);
}

int
tc_enter(struct tc *t, int type)
{
	if (type != TC_STRUCT)
		return (tc_fail(t, "a struct field of thrift type %d", type));
	if (++t->depth > PQ_DEPTH_MAX)
		return (tc_fail(t, "thrift structures nested too deep"));
	return (0);
}

void
tc_leave(struct tc *t)
{
	t->depth--;
}

static int
tc_skip_elems(struct tc *t, int type, uint64_t n)
{
	uint64_t	 i;

	for (i = 0; i < n; i++) {
		if (type == TC_TRUE || type == TC_FALSE) {
			/* Booleans in a collection take a byte each. */
			if (t->p >= t->end)
				return (tc_short(t));
			t->p++;
		} else if (tc_skip(t, type) == -1)
			return (-1);
	}
	return (0);
}

int
tc_skip(struct tc *t, int type)
{
	const uint8_t	*p;
	uint32_t	 len, n;
	uint64_t	 v;
	int64_t		 x;
	int16_t		 last = 0, id;
	int		 ft, rc, elem;
	uint8_t		 kv;

	switch (type) {
	case TC_TRUE:
	case TC_FALSE:
		return (0);
	case TC_BYTE:
	case TC_I16:
	case TC_I32:
	case TC_I64:
		return (tc_i64(t, type, &x));
	case TC_DOUBLE:
		if (t->end - t->p < 8)
			return (tc_short(t));
		t->p += 8;
		return (0);
	case TC_BINARY:
		return (tc_binary(t, type, &p, &len));
	case TC_LIST:
	case TC_SET:
		if (tc_list(t, type, &elem, &n) == -1 ||
		    ++t->depth > PQ_DEPTH_MAX)
			return (tc_fail(t, "thrift lists nested too deep"));
		rc = tc_skip_elems(t, elem, n);
		t->depth--;
		return (rc);
	case TC_MAP:
		if (tc_varint(t, &v) == -1)
			return (-1);
		if (v == 0)
			return (0);
		if (v > (uint64_t)(t->end - t->p) || t->p >= t->end)
			return (tc_short(t));
		kv = *t->p++;
		if (++t->depth > PQ_DEPTH_MAX)
			return (tc_fail(t, "thrift maps nested too deep"));
		for (; v > 0; v--)
			if (tc_skip_elems(t, kv >> 4, 1) == -1 ||
			    tc_skip_elems(t, kv & 0x0f, 1) == -1)
				return (-1);
		t->depth--;
		return (0);
	case TC_STRUCT:
		if (tc_enter(t, type) == -1)
			return (-1);
		while ((rc = tc_field(t, &last, &ft, &id)) == 1)
			if (tc_skip(t, ft) == -1)
				return (-1);
		tc_leave(t);
		return (rc);
	default:
		return (tc_fail(t, "unknown thrift type %d", type));
	}
}

/* DataPageHeader (v1), DataPageHeaderV2, DictionaryPageHeader. */
static int
page_sub(struct tc *t, int type, int v2, struct pq_page_header *h)
{
	int16_t		 last = 0, id;
	int		 ft, rc, b = 1;
	int32_t		 x = 0;

	if (tc_enter(t, type) == -1)
		return (-1);
	while ((rc = tc_field(t, &last, &ft, &id)) == 1) {
		if (id == 1)
			rc = tc_i32(t, ft, &h->num_values);
		else if (v2 == 1 && id == 2)
			rc = tc_i32(t, ft, &h->num_nulls);
		else if (v2 == 1 && id == 3)
			rc = tc_i32(t, ft, &h->num_rows);
		else if ((v2 == 1 && id == 4) || (v2 != 1 && id == 2)) {
			rc = tc_i32(t, ft, &x);
			h->encoding = x;
		} else if (v2 == 1 && id == 5)
			rc = tc_i32(t, ft, &h->def_len);
		else if (v2 == 1 && id == 6)
			rc = tc_i32(t, ft, &h->rep_len);
		else if (v2 == 1 && id == 7) {
			rc = tc_bool(t, ft, &b);
			h->compressed = b;
		} else if (v2 == 0 && id == 3) {
			rc = tc_i32(t, ft, &x);
			h->def_encoding = x;
		} else if (v2 == 0 && id == 4) {
			rc = tc_i32(t, ft, &x);
			h->rep_encoding = x;
		} else
			rc = tc_skip(t, ft);
		if (rc == -1)
			return (-1);
	}
	tc_leave(t);
	return (rc);
}

int
pq_page_header(const uint8_t *p, size_t n, struct pq_page_header *h,
    int *truncated, char *msg, size_t msglen)
{
	struct tc	 t;
	int16_t		 last = 0, id;
	int		 ft, rc, seen = 0;
	int32_t		 x = 0;

	memset(h, 0, sizeof(*h));
	h->type = -1;
	h->encoding = h->def_encoding = h->rep_encoding = -1;
	h->compressed = 1;
	tc_init(&t, p, n);
	while ((rc = tc_field(&t, &last, &ft, &id)) == 1) {
		switch (id) {
		case 1: rc = tc_i32(&t, ft, &h->type); seen |= 1; break;
		case 2: rc = tc_i32(&t, ft, &h->plain_size); seen |= 2; break;
		case 3: rc = tc_i32(&t, ft, &h->size); seen |= 4; break;
		case 4:
			rc = tc_i32(&t, ft, &x);
			h->crc = (uint32_t)x;
			h->has_crc = 1;
			break;
		case 5: rc = page_sub(&t, ft, 0, h); break;
		case 7: rc = page_sub(&t, ft, 2, h); break;
		case 8: rc = page_sub(&t, ft, 1, h); break;
		default: rc = tc_skip(&t, ft); break;
		}
		if (rc == -1)
			break;
	}
	*truncated = t.truncated;
	if (rc == -1) {
		snprintf(msg, msglen, "page header: %s", t.msg);
		return (-1);
	}
	if (seen != 7 || h->size < 0 || h->plain_size < 0 ||
	    h->num_values < 0 || h->num_nulls < 0 || h->def_len < 0 ||
	    h->rep_len < 0) {
		snprintf(msg, msglen, "page header: a required field is "
		    "missing or negative");
		return (-1);
	}
	h->header_len = (size_t)(t.p - p);
	return (0);
}
