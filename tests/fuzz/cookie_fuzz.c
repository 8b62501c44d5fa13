/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the Cookie header parser (web/page.c cookie_get), with the
 * input as one or several Cookie headers (split at newlines).
 */
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/message.h"
#include "web/page.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "pl_session", "pl_csrf",
	    "pl_portal", "", "=" };
	struct arena	 a;
	struct header	 h[4];
	struct request	 r;
	char		*s, *p, *nl;
	size_t		 i;

	arena_init(&a);
	s = arena_alloc(&a, size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	memset(&r, 0, sizeof(r));
	r.arena = &a;
	for (p = s; p != NULL && r.nheaders < 4; p = nl) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		h[r.nheaders].name = r.nheaders % 2 ? "cookie" : "Cookie";
		h[r.nheaders].value = p;
		r.nheaders++;
	}
	r.headers = h;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)cookie_get(&a, &r, names[i]);
	arena_release(&a);
	return (0);
}
