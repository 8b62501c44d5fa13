/* SPDX-License-Identifier: MIT */
/*
 * Private to src/aws/: the operation handlers, declared from ops.def, so
 * that an operation is its ops.def line and its handler and nothing else.
 * A handler decodes r->in, calls the domain (which owns the transaction)
 * and fills r->out; it fails with -1 and *e, which aws.c renders.
 */
#ifndef AWS_OPS_H
#define AWS_OPS_H

#include "aws/aws.h"

#define OP(service, name, handler)	int handler(struct aws_req *, struct err *);
#include "aws/ops.def"
#undef OP

struct root_view;

/* A HandshakeParty member {Id, Type} (handshake_ops.c). */
int	aws_in_party(struct aws_req *, const char *member, const char **type,
	    const char **id, struct err *);

/* A root as ListRoots and EnablePolicyType return it (policy_ops.c). */
json_t	*aws_root_view_json(const struct root_view *);

#endif
