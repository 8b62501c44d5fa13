/* SPDX-License-Identifier: MIT */
/*
 * What the Cost Explorer operation files (ce_ops.c, ce_commit_ops.c,
 * ce_compare_ops.c) share of the wire format: date intervals, Filter
 * expressions, amounts, and page tokens bound to their request.
 */
#ifndef AWS_CE_WIRE_H
#define AWS_CE_WIRE_H

#include <jansson.h>
#include <stdint.h>

#include "aws/aws.h"
#include "ce/ce.h"

/* Member {Start, End} (YYYY-MM-DD, End exclusive) into days;
 * ValidationException naming the member otherwise. */
int	ce_wire_interval(struct aws_req *, const char *member, int64_t *start,
	    int64_t *end, struct err *);
/* The request's Filter (NULL when absent), its dimensions those of
 * CE_USE_FILTER; ValidationException. */
int	ce_wire_filter(struct aws_req *, struct ce_expr **out /* OUT */,
	    struct err *);
/* The Filter with the dimensions AWS takes where use says (the
 * commitment reports: CE_USE_SAVINGS_PLANS, CE_USE_RI_COVERAGE, ...). */
int	ce_wire_filter_of(struct aws_req *, enum ce_use,
	    struct ce_expr **out /* OUT */, struct err *);
/* A dimension name (a JSON string) AWS takes in use: the dimension (a
 * GroupBy's in a commitment report's use); ValidationException with
 * AWS's answer where AWS refuses it, "not kept" where the rollups keep
 * no such values. */
int	ce_wire_dim(json_t *name, enum ce_use, struct err *);
/*
 * The request's GroupBy: at most CE_GROUP_MAX {Type, Key}, a DIMENSION
 * AWS takes in use (names.c; keys[i] NULL), or a TAG or COST_CATEGORY
 * (dims[i] CE_TAG / CE_COST_CATEGORY, keys[i] the tag key or category
 * name). ValidationException, with AWS's message for a dimension it
 * refuses there.
 */
int	ce_wire_group_by(struct aws_req *, enum ce_use,
	    enum ce_dim *dims /* OUT: CE_GROUP_MAX */,
	    const char **keys /* OUT: CE_GROUP_MAX */,
	    size_t *n_out /* OUT */, struct err *);
/* {"Amount": exact decimal of v at 10^-digits, "Unit": unit}. */
json_t	*ce_wire_amount(int64_t v, int digits, const char *unit);
/* v at 10^-digits as an exact decimal string (a JSON string). */
json_t	*ce_wire_decimal(int64_t v, int digits);
/* {"Start", "End"} of days [s, n). */
json_t	*ce_wire_period(int64_t s, int64_t n);
/*
 * Page tokens: a hash of the request without its token (AWS names it
 * NextPageToken or NextToken by operation) and an offset. A token of
 * another request is RequestChangedException, a malformed one
 * InvalidNextTokenException.
 */
uint64_t ce_wire_request_hash(struct aws_req *);
int	ce_wire_token_in(struct aws_req *, const char *member, uint64_t hash,
	    size_t *off /* OUT: 0 without a token */, struct err *);
void	ce_wire_token_out(struct aws_req *, const char *member, uint64_t hash,
	    size_t off);

#endif
