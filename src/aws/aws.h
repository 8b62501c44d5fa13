/* SPDX-License-Identifier: MIT */
/*
 * The AWS JSON 1.1 protocol: X-Amz-Target dispatch from ops.def, SigV4
 * authentication, the request decoder and the one place where errors are
 * rendered as {"__type","Message"[,"Reason"]}. Operation handlers translate
 * only: decode the input, call the domain, encode the output.
 */
#ifndef AWS_AWS_H
#define AWS_AWS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/message.h"
#include "org/account.h"

struct aws_req {
	struct request		*http;
	struct store		*store;
	struct arena		*arena;
	json_t			*in;	/* the request object */
	json_t			*out;	/* the response object, {} by default */
	struct principal	 who;
	char			 region[64];	/* of the SigV4 scope */
};

typedef int	(*aws_handler)(struct aws_req *, struct err *);

/* True when r carries an X-Amz-Target for a service this layer speaks. */
int	aws_wants(const struct request *);
/* Handles one AWS API request; always fills resp. */
void	aws_handle(struct request *, struct response *);

/* Input members, checked as the model says; InvalidInputException names it. */
int	in_string(struct aws_req *, const char *member, int required,
	    size_t min, size_t max, const char **out /* OUT, NULL if absent */,
	    struct err *);
int	in_int(struct aws_req *, const char *member, int64_t min, int64_t max,
	    int64_t *out /* OUT, unchanged if absent */, struct err *);
int	in_enum(struct aws_req *, const char *member, int required,
	    const char *const *allowed, const char **out /* OUT */,
	    struct err *);
/* The request's NextToken decoded for `kind` into key ("" when absent). */
int	in_page(struct aws_req *, const char *kind, char *key, size_t keylen,
	    size_t *max_results /* OUT */, struct err *);
/* Sets NextToken in r->out for the page that starts after key. */
void	out_page(struct aws_req *, const char *kind, const char *key);
/* The same for lists in creation order, whose key is a number (seq):
 * *after_seq is -1 without a NextToken. */
int	in_page_seq(struct aws_req *, const char *kind,
	    int64_t *after_seq /* OUT */, size_t *max_results /* OUT */,
	    struct err *);
void	out_page_seq(struct aws_req *, const char *kind, int64_t seq);

/* A timestamp member (epoch seconds, fractions allowed) in ms; *present
 * 0 when absent. */
int	in_time(struct aws_req *, const char *member, int required,
	    int64_t *ms_out /* OUT */, int *present /* OUT */, struct err *);
/* Epoch seconds with milliseconds, as AWS sends timestamps. */
json_t	*json_time(int64_t ms);

/* Renderers for the Organizations objects. */
json_t	*aws_handshake_json(const struct handshake *);
json_t	*aws_org_json(const struct organization *);
json_t	*aws_account_json(const struct organization *, const struct member *);

/* Tags (a list of {Key, Value}) at member, at most max; *out in r->arena. */
int	in_tag_list(struct aws_req *, const char *member, size_t max,
	    struct handshake_tag **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

#endif
