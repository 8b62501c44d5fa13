/* SPDX-License-Identifier: MIT */
/*
 * The one error model: a code the program branches on, the AWS error name
 * where AWS has one, its Reason, and a message for the human. Domain modules
 * fill it; aws/ renders it as JSON 1.1, web/ as a page, the CLI as a line on
 * stderr. Fallible functions return 0, or -1 with *e filled.
 */
#ifndef CORE_ERR_H
#define CORE_ERR_H

#include <stdarg.h>

enum err_code {
	ERR_NONE = 0,
	ERR_INVALID,		/* bad input: 400, field named in msg */
	ERR_NOT_FOUND,		/* the thing asked for does not exist for the caller */
	ERR_DENIED,		/* the caller may not do this */
	ERR_AUTH,		/* credentials missing or wrong */
	ERR_CONFLICT,		/* state forbids it: constraint, duplicate, transition */
	ERR_LIMIT,		/* too large, too many */
	ERR_INTERNAL		/* our fault: 500 */
};

struct err {
	enum err_code	 code;
	const char	*aws_type;	/* "AccountNotFoundException", or NULL */
	const char	*reason;	/* AWS Reason enum where AWS has one, or NULL */
	int		 http_status;	/* 0: derived from code */
	char		 msg[512];	/* AWS's longest: the GroupBy dimensions */
};

/*
 * AWS error names as identifiers: AWSERR(AccountNotFoundException) is the
 * string "AccountNotFoundException" when core/errors.def lists the name,
 * and does not compile otherwise, so a misspelt name is the compiler's
 * finding, not a customer's. The enum exists for that check only.
 */
enum awserr_name {
#define ERR(name, status) AWSERR_NAME_##name,
#define REST_ERR(name, status) AWSERR_NAME_##name,
#include "core/errors.def"
#undef ERR
#undef REST_ERR
	AWSERR_NAMES
};
#define AWSERR(name) (AWSERR_NAME_##name >= 0 ? #name : #name)

/* Always returns -1, so that `return (err_set(...));` reads as a failure. */
int	err_set(struct err *, enum err_code, const char *aws_type,
	    const char *reason, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
int	err_vset(struct err *, enum err_code, const char *aws_type,
	    const char *reason, const char *fmt, va_list)
	    __attribute__((format(printf, 5, 0)));
void	err_clear(struct err *);
/* HTTP status for an error: e->http_status if set, else from its code. */
int	err_http_status(const struct err *);

#endif
