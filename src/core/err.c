/* SPDX-License-Identifier: MIT */
/* The error model: see err.h. */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"

int
err_vset(struct err *e, enum err_code code, const char *aws_type,
    const char *reason, const char *fmt, va_list ap)
{
	if (e == NULL)
		return (-1);
	e->code = code;
	e->aws_type = aws_type;
	e->reason = reason;
	e->http_status = 0;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return (-1);
}

int
err_set(struct err *e, enum err_code code, const char *aws_type,
    const char *reason, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	(void)err_vset(e, code, aws_type, reason, fmt, ap);
	va_end(ap);
	return (-1);
}

void
err_clear(struct err *e)
{
	e->code = ERR_NONE;
	e->aws_type = e->reason = NULL;
	e->http_status = 0;
	e->msg[0] = '\0';
}

int
err_http_status(const struct err *e)
{
	if (e->http_status != 0)
		return (e->http_status);
	switch (e->code) {
	case ERR_NONE:
		return (200);
	case ERR_AUTH:
		return (403);
	case ERR_LIMIT:
		return (413);
	case ERR_INTERNAL:
		return (500);
	default:
		/* AWS Organizations answers 400 for every client error. */
		return (400);
	}
}
