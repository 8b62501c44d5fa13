/* SPDX-License-Identifier: MIT */
/*
 * The records the store keeps, as plain structs with fixed-size fields: the
 * domain's nouns. Field sizes are the limits AWS sets (e-mail 64, account
 * name 50), plus one for the NUL.
 */
#ifndef STORE_MODEL_H
#define STORE_MODEL_H

#include <stdint.h>

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
	/* The sender organization's details, as the Handshake resources show. */
	char	 mgmt_id[ACCOUNT_ID_LEN + 1];
	char	 mgmt_email[EMAIL_MAX + 1];
	char	 mgmt_name[ACCOUNT_NAME_MAX * 4 + 1];
	char	 feature_set[24];
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

/* A web console session: the server keeps the hash of the cookie's token. */
#define WEB_TOKEN_HASH_LEN	64	/* hex SHA-256 */
#define WEB_CSRF_LEN		43	/* base64url of 32 bytes */
#define WEB_FLASH_MAX		512

struct web_session {
	char	 token_hash[WEB_TOKEN_HASH_LEN + 1];
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 csrf[WEB_CSRF_LEN + 1];
	int64_t	 created_at;			/* real time, ms */
	int64_t	 expires_at;			/* absolute end */
	int64_t	 last_seen;			/* for the idle timeout */
	char	 flash[WEB_FLASH_MAX + 1];	/* one message for the next page */
};

/* Failed sign-ins for one e-mail (lowercased), for the lockout. */
struct web_signin_failures {
	char	 email[EMAIL_MAX + 1];
	int64_t	 failures;
	int64_t	 last_failure_at;
	int64_t	 locked_until;			/* 0: not locked */
};

#endif
