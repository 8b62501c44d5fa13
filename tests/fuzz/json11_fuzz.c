/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the AWS JSON 1.1 request decoder and the input member checks
 * every operation uses (strings, integers, enums, pagination tokens).
 */
#include <stdint.h>
#include <string.h>

#include "aws/aws.h"
#include "core/json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sets[] = { "ALL", "CONSOLIDATED_BILLING",
	    NULL };
	struct aws_req	 r;
	struct err	 e;
	struct arena	 a;
	const char	*s;
	char		 key[64];
	size_t		 max;
	int64_t		 n;

	memset(&r, 0, sizeof(r));
	arena_init(&a);
	r.arena = &a;
	if (json_decode_object((const char *)data, size, 32, &r.in, &e) == 0) {
		r.out = json_object();
		in_string(&r, "HandshakeId", 1, 1, 34, &s, &e);
		in_string(&r, "Notes", 0, 0, 1024, &s, &e);
		in_int(&r, "MaxResults", 1, 20, &n, &e);
		in_enum(&r, "FeatureSet", 0, sets, &s, &e);
		if (in_page(&r, "accounts", key, sizeof(key), &max, &e) == 0 &&
		    key[0] != '\0')
			out_page(&r, "accounts", key);
		json_decref(r.in);
		json_decref(r.out);
	}
	arena_release(&a);
	return (0);
}
