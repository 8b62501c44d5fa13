/* SPDX-License-Identifier: MIT */
/*
 * Organizations in the store: accounts and their keys, organizations,
 * the membership history (who paid for every hour), handshakes, OUs,
 * CreateAccount requests and closures, policies, tags, delegation and the
 * resource policy. The records are the organization domain's (src/org)
 * nouns; only src/org reads and writes them (the onboarding desk through
 * the organization port, billing through store/billing.h's reads).
 */
#ifndef STORE_ORG_H
#define STORE_ORG_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define ACCOUNT_ID_LEN		12
#define EMAIL_MAX		64
#define ACCOUNT_NAME_MAX	50
#define ORG_ID_MAX		34
#define PASSWORD_HASH_MAX	128

struct account {
	char	 id[ACCOUNT_ID_LEN + 1];
	char	 email[EMAIL_MAX + 1];
	char	 name[ACCOUNT_NAME_MAX * 4 + 1];	/* UTF-8 */
	char	 status[24];			/* ACTIVE | SUSPENDED | ... */
	int64_t	 created_at;
	char	 password_hash[PASSWORD_HASH_MAX];	/* "" when none */
	char	 payment_method[65];		/* "" when none on file */
	char	 phone[33];			/* "" when none on file */
};

struct access_key {
	char	 id[21];
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 secret[41];
	int64_t	 created_at;
};

struct organization {
	char	 id[ORG_ID_MAX + 1];
	char	 root_id[ORG_ID_MAX + 1];
	char	 management_id[ACCOUNT_ID_LEN + 1];
	char	 management_email[EMAIL_MAX + 1];
	char	 management_name[ACCOUNT_NAME_MAX * 4 + 1];
	char	 feature_set[24];		/* ALL | CONSOLIDATED_BILLING */
	int64_t	 created_at;
	char	 partition[16];			/* aws | aws-cn | ...: its ARNs */
};

struct membership {
	int64_t	 id;
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 org_id[ORG_ID_MAX + 1];
	char	 payer_id[ACCOUNT_ID_LEN + 1];
	int64_t	 joined_at;
	char	 joined_method[16];		/* INVITED | CREATED */
	int64_t	 left_at;			/* 0 while open */
	char	 left_method[16];		/* LEFT | REMOVED | DELETED */
	char	 parent_id[72];			/* r-... or ou-... */
};

#define HANDSHAKE_ID_MAX	34
#define HANDSHAKE_NOTES_MAX	1024
#define TRANSFER_ID_MAX		35	/* rt- + 8..32 */
#define TRANSFER_NAME_MAX	128

/* An invitation (or another handshake) and its parties. */
struct handshake {
	char	 id[HANDSHAKE_ID_MAX + 1];
	char	 org_id[ORG_ID_MAX + 1];		/* the sender */
	char	 action[32];			/* INVITE | ... */
	char	 state[16];			/* OPEN | ACCEPTED | ... */
	char	 target_type[16];		/* ACCOUNT | EMAIL */
	char	 target_id[EMAIL_MAX + 1];	/* account id or e-mail */
	/* The account that received it: the target account, or the owner of
	 * the target e-mail once known; "" while nobody owns that e-mail. */
	char	 recipient_id[ACCOUNT_ID_LEN + 1];
	char	 notes[HANDSHAKE_NOTES_MAX * 4 + 1];	/* UTF-8 */
	char	 parent_id[HANDSHAKE_ID_MAX + 1];	/* "" when none */
	int64_t	 requested_at;
	int64_t	 expires_at;
	int64_t	 ended_at;			/* 0 while OPEN */
	/* The sender organization's details, as the Handshake resources show,
	 * and the partition of its ARNs. */
	char	 mgmt_id[ACCOUNT_ID_LEN + 1];
	char	 mgmt_email[EMAIL_MAX + 1];
	char	 mgmt_name[ACCOUNT_NAME_MAX * 4 + 1];
	char	 feature_set[24];
	char	 partition[16];
	/* TRANSFER_RESPONSIBILITY: its transfer ("" none) and start. */
	char	 transfer_id[TRANSFER_ID_MAX + 1];
	int64_t	 transfer_start;
};

/*
 * A billing transfer (Organizations' ResponsibilityTransfer): the target
 * (who pays: the organization that invited) takes over the source
 * organization's consolidated bill from start_at to end_at. Strings are ""
 * where the column is NULL.
 */
struct transfer {
	char	 id[TRANSFER_ID_MAX + 1];
	char	 type[16];			/* BILLING */
	char	 name[TRANSFER_NAME_MAX + 1];	/* printable ASCII */
	char	 status[16];			/* as stored: REQUESTED ... */
	char	 target_org_id[ORG_ID_MAX + 1];
	char	 target_mgmt_id[ACCOUNT_ID_LEN + 1];
	char	 invite_type[16];		/* ACCOUNT | EMAIL */
	char	 invite_id[EMAIL_MAX + 1];
	/* The source's management account: fixed at acceptance; before, the
	 * invited account, or the owner of the invited e-mail ("" none). */
	char	 source_mgmt_id[ACCOUNT_ID_LEN + 1];
	char	 source_org_id[ORG_ID_MAX + 1];	/* "" until accepted */
	int64_t	 start_at;			/* 00:00 UTC, first of a month */
	int64_t	 end_at;			/* last ms of a month; 0 none */
	char	 handshake_id[HANDSHAKE_ID_MAX + 1];
	int64_t	 expires_at;			/* the invitation's */
	int64_t	 created_at;
	int64_t	 updated_at;
	/* Reads only: the parties' e-mails. */
	char	 target_email[EMAIL_MAX + 1];
	char	 source_email[EMAIL_MAX + 1];
};

/* A tag given with an invitation (AWS's Tag: key 1..128, value 0..256). */
struct handshake_tag {
	char	key[129];
	char	value[257];
};

/* An account as a member of an organization. */
struct member {
	struct account		account;
	struct membership	membership;
};

/* Organizations beyond invitations (store/org2.c, org/ou.c, policy.c, ...). */
#define OU_ID_MAX		71	/* the model says 68; memberships.parent_id holds 71 */
#define OU_NAME_MAX		128
#define CAR_ID_MAX		36
#define POLICY_ID_MAX		130
#define POLICY_NAME_MAX		128
#define POLICY_DESC_MAX		512
#define SERVICE_PRINCIPAL_MAX	128

struct org_unit {
	char	 id[OU_ID_MAX + 1];
	char	 org_id[ORG_ID_MAX + 1];
	char	 parent_id[OU_ID_MAX + 1];	/* r-... or ou-... */
	char	 name[OU_NAME_MAX * 4 + 1];	/* UTF-8 */
	int	 depth;				/* 1: under the root */
	int64_t	 created_at;
	int64_t	 seq;				/* creation order in its org */
};

/* A CreateAccount request; state is derived from outcome and completes_at. */
struct create_account_req {
	char	 id[CAR_ID_MAX + 1];
	char	 org_id[ORG_ID_MAX + 1];
	char	 account_name[ACCOUNT_NAME_MAX * 4 + 1];
	char	 email[EMAIL_MAX + 1];
	char	 outcome[16];			/* SUCCEEDED | FAILED */
	char	 account_id[ACCOUNT_ID_LEN + 1];	/* "" when failed */
	char	 failure_reason[48];		/* "" when succeeded */
	int64_t	 requested_at;
	int64_t	 completes_at;
};

/* A policy; content is owned by the arena it was read into (or static). */
struct policy {
	char		 id[POLICY_ID_MAX + 1];
	char		 org_id[ORG_ID_MAX + 1];
	char		 type[40];
	char		 name[POLICY_NAME_MAX * 4 + 1];
	char		 description[POLICY_DESC_MAX * 4 + 1];
	const char	*content;
	int		 aws_managed;
	int64_t		 created_at;
	int64_t		 updated_at;
	int64_t		 seq;		/* creation order; 0: AWS managed */
};

struct policy_target {
	char	 id[OU_ID_MAX + 1];
	char	 type[40];	/* ROOT | ORGANIZATIONAL_UNIT | ACCOUNT, or a
				   policy type when it names a policy */
	int64_t	 seq;		/* the policy's creation order (0: AWS
				   managed) when it names a policy */
};

struct delegated_admin {
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 service_principal[SERVICE_PRINCIPAL_MAX + 1];
	int64_t	 enabled_at;
};

struct resource_policy {
	char		 id[40];
	char		 org_id[ORG_ID_MAX + 1];
	const char	*content;		/* arena-owned */
	int64_t		 updated_at;
};

/* Accounts and their access keys. */
int	 store_account_insert(struct store *, const struct account *,
	    struct err *);
int	 store_account_get(struct store *, const char *id,
	    struct account *out /* OUT */, struct err *);
int	 store_account_by_email(struct store *, const char *email,
	    struct account *out /* OUT */, struct err *);
/* Accounts by id after `after` ("" for the first page), at most limit. */
int	 store_account_list(struct store *, struct arena *, const char *after,
	    size_t limit, struct account **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_account_update(struct store *, const struct account *,
	    struct err *);
int	 store_key_insert(struct store *, const struct access_key *,
	    struct err *);
int	 store_key_get(struct store *, const char *key_id,
	    struct access_key *out /* OUT */, struct err *);
int	 store_key_delete(struct store *, const char *account_id,
	    const char *key_id, struct err *);
int	 store_key_list(struct store *, struct arena *, const char *account_id,
	    struct access_key **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

/* Organizations. */
int	 store_org_insert(struct store *, const struct organization *,
	    struct err *);
/* A live (not deleted) organization with its management account's details. */
int	 store_org_get(struct store *, const char *org_id,
	    struct organization *out /* OUT */, struct err *);
int	 store_org_delete(struct store *, const char *org_id, int64_t when,
	    struct err *);

/* Membership history. */
int	 store_membership_open(struct store *, const struct membership *,
	    struct err *);
/* The account's open membership; ERR_NOT_FOUND when it is standalone. */
int	 store_membership_current(struct store *, const char *account_id,
	    struct membership *out /* OUT */, struct err *);
int	 store_membership_close(struct store *, const char *account_id,
	    int64_t when, const char *method, struct err *);
int	 store_membership_history(struct store *, struct arena *,
	    const char *account_id, struct membership **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Current members of an organization in the order they joined, after the
 * member account `after` ("" for the first page). */
int	 store_org_members(struct store *, struct arena *, const char *org_id,
	    const char *after, size_t limit, struct member **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	 store_org_member_count(struct store *, const char *org_id,
	    int64_t *n_out /* OUT */, struct err *);

/*
 * Handshakes. Rows come back with the recipient resolved (for an EMAIL
 * target nobody has answered yet: the account that owns that e-mail now,
 * "" if none) and the sender organization's management details, state as
 * stored (the domain turns an OPEN row past expires_at into EXPIRED).
 */
int	 store_handshake_insert(struct store *, const struct handshake *,
	    struct err *);
int	 store_handshake_get(struct store *, const char *id,
	    struct handshake *out /* OUT */, struct err *);
/*
 * Moves handshake id from state `from` to `to` at `when`, recording the
 * recipient when not NULL. ERR_CONFLICT when the row is no longer in `from`.
 */
int	 store_handshake_set_state(struct store *, const char *id,
	    const char *from, const char *to, int64_t when,
	    const char *recipient_id, struct err *);
/* OPEN rows past their expiry become EXPIRED (ended at expires_at). */
int	 store_handshake_expire(struct store *, int64_t now, struct err *);
/* Deletes handshakes (and their tags) that ended before `before`. */
int	 store_handshake_purge(struct store *, int64_t before, struct err *);
/* OPEN handshakes of an organization become CANCELED at `when`. */
int	 store_handshake_cancel_open(struct store *, const char *org_id,
	    int64_t when, struct err *);
/* Invitations the organization sent since `since`, accepted ones aside. */
int	 store_handshake_count_sent(struct store *, const char *org_id,
	    int64_t since, int64_t *n_out /* OUT */, struct err *);
/*
 * Whether the organization has an OPEN invitation, not expired at `now`,
 * to this target or to the account recipient_id ("" to skip).
 */
int	 store_handshake_open_exists(struct store *, const char *org_id,
	    const char *target_type, const char *target_id,
	    const char *recipient_id, int64_t now, int *out /* OUT */,
	    struct err *);
/*
 * One page, by id after `after` ("" first), of the handshakes an
 * organization sent / an account received (by id or by its e-mail) that
 * are visible: not ended before `visible_after`. action and parent_id ""
 * match any.
 */
int	 store_handshake_list_org(struct store *, struct arena *,
	    const char *org_id, const char *action, const char *parent_id,
	    int64_t visible_after, const char *after, size_t limit,
	    struct handshake **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_handshake_list_account(struct store *, struct arena *,
	    const char *account_id, const char *email, const char *action,
	    const char *parent_id, int64_t visible_after, const char *after,
	    size_t limit, struct handshake **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	 store_handshake_tag_insert(struct store *, const char *handshake_id,
	    const struct handshake_tag *, struct err *);
int	 store_handshake_tags(struct store *, struct arena *,
	    const char *handshake_id, struct handshake_tag **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);

/*
 * Billing transfers (store/transfer.c). Rows come back with the source
 * resolved (source_mgmt_id: fixed at acceptance, else the invited account,
 * else the owner of the invited e-mail now, "" if none) and both parties'
 * e-mails; status as stored (the domain turns a REQUESTED row past
 * expires_at into EXPIRED).
 */
int	 store_transfer_insert(struct store *, const struct transfer *,
	    struct err *);
int	 store_transfer_get(struct store *, const char *id,
	    struct transfer *out /* OUT */, struct err *);
int	 store_transfer_by_handshake(struct store *, const char *handshake_id,
	    struct transfer *out /* OUT */, struct err *);
/* Writes t over its row, which must still be in from_status (else
 * ERR_CONFLICT). */
int	 store_transfer_update(struct store *, const struct transfer *t,
	    const char *from_status, struct err *);
/* REQUESTED rows past their expiry become EXPIRED. */
int	 store_transfer_expire(struct store *, int64_t now, struct err *);
/* One page by id after `after`: inbound (mgmt_id is the target, who
 * pays) or outbound (mgmt_id is the resolved source); id "" any. */
int	 store_transfer_list(struct store *, struct arena *, int inbound,
	    const char *mgmt_id, const char *id, const char *after,
	    size_t limit, struct transfer **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/*
 * The earliest transfer in force at now (an open invitation unless
 * accepted_only, an accepted transfer, a withdrawn one before its end)
 * whose source (as_source) or target is mgmt_id, other than exclude_id
 * (NULL: none); *found 0 when none.
 */
int	 store_transfer_in_force(struct store *, int as_source,
	    const char *mgmt_id, int64_t now, int accepted_only,
	    const char *exclude_id, struct transfer *out /* OUT */,
	    int *found /* OUT */, struct err *);
/*
 * Organizations beyond invitations (store/ou.c, policy.c, ...). OUs: insert
 * fails with ERR_CONFLICT for a name taken under the same parent, and
 * numbers the OU (seq) after its organization's last. A parent_id "" in a
 * list or count means any parent. OUs list in creation order after seq
 * `after_seq` (0 first); accounts in the order they joined, after the
 * member account `after` ("" first).
 */
int	 store_ou_insert(struct store *, const struct org_unit *, struct err *);
int	 store_ou_get(struct store *, const char *id,
	    struct org_unit *out /* OUT */, struct err *);
int	 store_ou_rename(struct store *, const char *id, const char *name,
	    struct err *);
int	 store_ou_delete(struct store *, const char *id, struct err *);
int	 store_ou_list(struct store *, struct arena *, const char *org_id,
	    const char *parent_id, int64_t after_seq, size_t limit,
	    struct org_unit **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_ou_count(struct store *, const char *org_id,
	    const char *parent_id, int64_t *n_out /* OUT */, struct err *);
/* Current members of org_id directly under parent_id. */
int	 store_parent_accounts(struct store *, struct arena *,
	    const char *org_id, const char *parent_id, const char *after,
	    size_t limit, struct member **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_parent_account_count(struct store *, const char *org_id,
	    const char *parent_id, int64_t *n_out /* OUT */, struct err *);
int	 store_membership_set_parent(struct store *, const char *account_id,
	    const char *parent_id, struct err *);

/* EnableAllFeatures: the organization's feature set. */
int	 store_org_set_feature_set(struct store *, const char *org_id,
	    const char *feature_set, struct err *);

/* CreateAccount requests and account closures. */
int	 store_car_insert(struct store *, const struct create_account_req *,
	    struct err *);
int	 store_car_get(struct store *, const char *id,
	    struct create_account_req *out /* OUT */, struct err *);
int	 store_car_list(struct store *, struct arena *, const char *org_id,
	    const char *after, size_t limit,
	    struct create_account_req **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* The request that created account_id; ERR_NOT_FOUND for other accounts. */
int	 store_car_by_account(struct store *, const char *account_id,
	    struct create_account_req *out /* OUT */, struct err *);
int	 store_closure_insert(struct store *, const char *account_id,
	    const char *org_id, int64_t requested_at, int64_t suspends_at,
	    struct err *);
int	 store_closure_count(struct store *, const char *org_id, int64_t since,
	    int64_t *n_out /* OUT */, struct err *);
/* Accounts PENDING_CLOSURE whose suspends_at is past become SUSPENDED. */
int	 store_closure_settle(struct store *, int64_t now, struct err *);
/* How many closures are due to settle (a read: no write lock). */
int	 store_closure_due(struct store *, int64_t now, int64_t *n_out /* OUT */,
	    struct err *);

/*
 * Policies (customer managed; org/policy.c knows the AWS-managed ones) and
 * their attachments. Attach fails with ERR_CONFLICT when attached already,
 * detach with ERR_NOT_FOUND when not attached. A type or target "" in a
 * count or list means any.
 */
int	 store_policy_insert(struct store *, const struct policy *,
	    struct err *);
int	 store_policy_get(struct store *, struct arena *, const char *id,
	    struct policy *out /* OUT */, struct err *);
int	 store_policy_update(struct store *, const struct policy *,
	    struct err *);
int	 store_policy_delete(struct store *, const char *id, struct err *);
/* An organization's policies of `type` ("" any) in creation order after
 * seq after_seq (0 first); seq is given by insert. */
int	 store_policy_list(struct store *, struct arena *, const char *org_id,
	    const char *type, int64_t after_seq, size_t limit,
	    struct policy **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_policy_attach(struct store *, const char *org_id,
	    const char *policy_id, const char *policy_type,
	    const struct policy_target *, struct err *);
int	 store_policy_detach(struct store *, const char *org_id,
	    const char *policy_id, const char *target_id, struct err *);
int	 store_policy_attach_count(struct store *, const char *org_id,
	    const char *policy_id, const char *target_id, const char *type,
	    int64_t *n_out /* OUT */, struct err *);
int	 store_policy_targets(struct store *, struct arena *,
	    const char *org_id, const char *policy_id, const char *after,
	    size_t limit, struct policy_target **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Ids, types and seq (in out[i]) of the policies of `type` ("" any)
 * attached to target_id, AWS managed first, then in creation order, after
 * seq after_seq (-1 first). */
int	 store_target_policies(struct store *, struct arena *,
	    const char *org_id, const char *target_id, const char *type,
	    int64_t after_seq, size_t limit,
	    struct policy_target **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* Detaches everything of `type` ("" any) or from target_id ("" any). */
int	 store_policy_detach_all(struct store *, const char *org_id,
	    const char *type, const char *target_id, struct err *);
int	 store_policy_type_set(struct store *, const char *org_id,
	    const char *type, int enabled, struct err *);
int	 store_policy_type_enabled(struct store *, const char *org_id,
	    const char *type, int *out /* OUT */, struct err *);
/* Whether target_id has had its default policy; marks it when not. */
int	 store_policy_default_mark(struct store *, const char *org_id,
	    const char *target_id, int *was_marked /* OUT */, struct err *);
int	 store_policy_default_unmark(struct store *, const char *org_id,
	    const char *target_id, struct err *);
/* Current members of org_id not yet marked: attach policy_id to them when
 * attach is true, and mark them. */
int	 store_policy_default_members(struct store *, const char *org_id,
	    const char *policy_id, int attach, struct err *);
/* Attaches policy_id (of policy_type) to every current member of org_id
 * that lacks it (an AWS managed policy that cannot be detached). */
int	 store_policy_attach_members(struct store *, const char *org_id,
	    const char *policy_id, const char *policy_type, struct err *);

/* Tags on organization resources (upsert by key). */
int	 store_tag_put(struct store *, const char *org_id,
	    const char *resource_id, const char *key, const char *value,
	    struct err *);
int	 store_tag_delete(struct store *, const char *org_id,
	    const char *resource_id, const char *key, struct err *);
int	 store_tag_delete_all(struct store *, const char *org_id,
	    const char *resource_id, struct err *);
int	 store_tag_list(struct store *, struct arena *, const char *org_id,
	    const char *resource_id, struct handshake_tag **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	 store_tag_count(struct store *, const char *org_id,
	    const char *resource_id, int64_t *n_out /* OUT */, struct err *);

/*
 * Delegated administrators (ERR_CONFLICT when registered already,
 * ERR_NOT_FOUND when not) and trusted service access (account_id "").
 * account_id or service "" in a list or count means any.
 */
int	 store_deleg_insert(struct store *, const char *org_id,
	    const struct delegated_admin *, struct err *);
int	 store_deleg_delete(struct store *, const char *org_id,
	    const char *account_id, const char *service, struct err *);
int	 store_deleg_count(struct store *, const char *org_id,
	    const char *account_id, const char *service,
	    int64_t *n_out /* OUT */, struct err *);
int	 store_deleg_list(struct store *, struct arena *, const char *org_id,
	    const char *account_id, const char *service, size_t limit,
	    struct delegated_admin **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_service_access_set(struct store *, const char *org_id,
	    const char *service, int64_t when, int enabled, struct err *);
int	 store_service_access_list(struct store *, struct arena *,
	    const char *org_id, size_t limit,
	    struct delegated_admin **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_resource_policy_put(struct store *,
	    const struct resource_policy *, struct err *);
int	 store_resource_policy_get(struct store *, struct arena *,
	    const char *org_id, struct resource_policy *out /* OUT */,
	    struct err *);
int	 store_resource_policy_delete(struct store *, const char *org_id,
	    struct err *);

/* Memberships of org_id that ended at or after `since`, oldest first. */
int	 store_org_departures(struct store *, struct arena *,
	    const char *org_id, int64_t since, size_t limit,
	    struct membership **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

/*
 * Live mode (store/live.c): the one live_org row when the database is live
 * (ERR_NOT_FOUND when it is emulated).
 */
struct live_org {
	char	 org_id[ORG_ID_MAX + 1];
	char	 management_id[ACCOUNT_ID_LEN + 1];
	char	 profile[128];
	char	 region[64];
	int64_t	 connected_at;
	int64_t	 sync_tried_at;			/* 0: never */
	int64_t	 sync_ok_at;			/* 0: never */
	char	 sync_error[512];		/* "" when the last one worked */
	int64_t	 accounts;
	int64_t	 handshakes;
};

int	 store_live_get(struct store *, struct live_org *out /* OUT */,
	    struct err *);
int	 store_live_put(struct store *, const struct live_org *, struct err *);
/* Records a sync's outcome: error "" for a success (counts kept). */
int	 store_live_synced(struct store *, int64_t when, const char *error,
	    int64_t accounts, int64_t handshakes, struct err *);
/* Organizations the database holds, deleted ones included. */
int	 store_org_count_all(struct store *, int64_t *n_out /* OUT */,
	    struct err *);

#endif
