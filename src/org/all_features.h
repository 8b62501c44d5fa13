/* SPDX-License-Identifier: MIT */
/*
 * EnableAllFeatures: an organization in CONSOLIDATED_BILLING asks every
 * invited member to approve all features (an ENABLE_ALL_FEATURES handshake
 * each, children of one parent handshake); once all accepted (or at once
 * when there is no invited member) the management account receives an
 * APPROVE_ALL_FEATURES handshake, and accepting it sets FeatureSet ALL and
 * enables SCPs with FullAWSAccess everywhere. While the migration is
 * pending, invitations fail with HandshakeConstraintViolationException
 * INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES. Spec §3.3.
 */
#ifndef ORG_ALL_FEATURES_H
#define ORG_ALL_FEATURES_H

#include "core/err.h"
#include "org/account.h"
#include "store/org.h"
#include "store/store.h"

#define ALL_FEATURES_TTL_MS	(90LL * 24 * 3600 * 1000)

/* HandshakeConstraintViolationException ORGANIZATION_ALREADY_HAS_ALL_FEATURES
 * or ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION. */
int	all_features_enable(struct store *, const struct principal *,
	    struct handshake *out /* OUT: the parent handshake */,
	    struct err *);
/* Inside a transaction: whether org_id has a migration pending at now. */
int	all_features_pending_locked(struct store *, const char *org_id,
	    int64_t now, int *out /* OUT */, struct err *);
/* Inside handshake_accept's transaction, once h (ENABLE_ALL_FEATURES or
 * APPROVE_ALL_FEATURES of o) has been marked ACCEPTED: what follows. */
int	all_features_accepted_locked(struct store *,
	    const struct organization *, const struct handshake *h,
	    int64_t now, struct err *);

#endif
