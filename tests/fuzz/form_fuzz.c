/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the web's urlencoded form and query parser (web/page.c
 * form_parse, pct_decode) as every console and portal POST meets it, and
 * the multipart one (form_parse_multipart) a logo upload meets.
 */
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "web/page.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;
	struct form	 f;
	struct upload	 up[FORM_MAX_FILES];
	struct err	 e;
	char		*s;
	size_t		 i;

	arena_init(&a);
	if (form_parse(&a, (const char *)data, size, &f, &e) == 0) {
		for (i = 0; i < f.n; i++)
			(void)strlen(f.v[i].value);
		(void)form_get(&f, "csrf");
		(void)form_str(&f, "email");
	}
	if (form_parse_multipart(&a, "multipart/form-data; boundary=b",
	    (const char *)data, size, &f, up, &e) == 0 &&
	    upload_get(up, "logo") != NULL)
		(void)strlen(upload_get(up, "logo")->filename);
	(void)pct_decode(&a, (const char *)data, size, 4096, 1, &s, &e);
	(void)pct_decode(&a, (const char *)data, size, 16, 0, &s, &e);
	arena_release(&a);
	return (0);
}
