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

/* Billing: a cost and usage import (one delivery of one payer's period). */
#define BILLING_ID_MAX		64
struct billing_import {
	int64_t	 id;
	char	 payer_id[BILLING_ID_MAX + 1];
	char	 period[8];			/* YYYY-MM */
	char	 status[12];			/* running | current | replaced | failed */
	char	 format[16];			/* CUR | CUR 2.0 | FOCUS 1.x */
	char	 file_name[256];
	char	 digest[65];			/* sha256, hex */
	char	 currency[8];
	int64_t	 bytes;
	int64_t	 rows;
	int64_t	 rejected;
	int64_t	 replaces;			/* 0 when none */
	int64_t	 pid;
	int64_t	 started_at;
	int64_t	 finished_at;			/* 0 while running */
};

/* One daily rollup row. The strings are borrowed, not owned. Money in
 * units of 10^-9, usage_amount in 10^-6 (docs/billing.md). */
struct billing_rollup {
	const char	*period;
	const char	*day;
	const char	*payer_id;
	const char	*account_id;
	const char	*product_code;
	const char	*usage_type;
	const char	*operation;
	const char	*region;
	const char	*line_item_type;
	const char	*pricing_term;
	int		 in_membership;
	int64_t		 unblended;
	int64_t		 net_unblended;
	int64_t		 amortized;
	int64_t		 public_on_demand;
	int64_t		 usage_amount;
	int64_t		 line_count;
};

/* A membership as attribution needs it. */
struct billing_membership {
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 payer_id[ACCOUNT_ID_LEN + 1];
	int64_t	 joined_at;
	int64_t	 left_at;			/* 0 while open */
};

/* Totals of one usage account in a payer's current period version. */
struct billing_account_total {
	char	 account_id[BILLING_ID_MAX + 1];
	int64_t	 lines;
	int64_t	 unblended;
	int64_t	 billable_unblended;		/* in_membership lines only */
};


/* Onboarding desk (store/onboard.c, src/onboard/). */
#define MSP_NAME_MAX		200
#define MSP_ADDRESS_MAX		500
#define MSP_URL_MAX		255
#define CUSTOMER_ID_LEN		14		/* cus- + 10 */
#define CUSTOMER_NAME_MAX	200
#define ONBOARDING_ID_LEN	14		/* onb- + 10 */
#define ONBOARD_NOTES_MAX	512
#define AUDIT_DETAIL_MAX	1024

/* The MSP: the one management (payer) account customers join. */
struct msp {
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 name[MSP_NAME_MAX + 1];
	char	 address[MSP_ADDRESS_MAX + 1];
	char	 public_url[MSP_URL_MAX + 1];	/* no trailing '/' */
	int64_t	 gap_threshold_min;		/* flag billing gaps above */
	int64_t	 updated_at;
};

/* A customer of the MSP. tax_rate is in 1/10000 percent (10% = 100000). */
struct customer {
	char	 id[CUSTOMER_ID_LEN + 1];
	char	 name[CUSTOMER_NAME_MAX + 1];
	char	 contact_email[EMAIL_MAX + 1];
	char	 currency[4];			/* ISO 4217 */
	int64_t	 tax_rate;
	int64_t	 created_at;
	int64_t	 updated_at;
	int64_t	 naccounts;			/* accounts owned (reads only) */
};

struct customer_account {
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 customer_id[CUSTOMER_ID_LEN + 1];
	int64_t	 since;
};

/* One onboarding request as stored; its state and timeline are derived. */
struct onboarding {
	char	 id[ONBOARDING_ID_LEN + 1];
	char	 customer_id[CUSTOMER_ID_LEN + 1];
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 email[EMAIL_MAX + 1];
	char	 notes[ONBOARD_NOTES_MAX + 1];
	int	 case_no;			/* 1, 2 or 3, detected at request */
	char	 prev_org_id[ORG_ID_MAX + 1];	/* case 2, 3: the old organization */
	int64_t	 prev_members;			/* case 3: other members then */
	char	 msp_account_id[ACCOUNT_ID_LEN + 1];
	char	 msp_org_id[ORG_ID_MAX + 1];
	char	 handshake_id[HANDSHAKE_ID_MAX + 1];	/* the current invitation */
	char	 token_hash[65];			/* hex SHA-256 of the plan token */
	int64_t	 requested_at;
	char	 requested_by[ACCOUNT_ID_LEN + 8];	/* account id or "cli" */
};

/* An event only payerlink sees (REQUESTED, VIEWED, TIME_PROPOSED, RESENT,
 * CANCELED). */
struct onboarding_event {
	int64_t	 id;
	char	 onboarding_id[ONBOARDING_ID_LEN + 1];
	int64_t	 at;
	char	 kind[16];
	char	 actor[ACCOUNT_ID_LEN + 8];
	char	 handshake_id[HANDSHAKE_ID_MAX + 1];	/* "" when none */
	int64_t	 proposed_at;				/* TIME_PROPOSED; else 0 */
	char	 detail[ONBOARD_NOTES_MAX + 1];
};

struct audit_entry {
	int64_t	 id;
	int64_t	 at;
	char	 actor[ACCOUNT_ID_LEN + 8];		/* account id or "cli" */
	char	 action[48];
	char	 object[72];
	char	 detail[AUDIT_DETAIL_MAX + 1];
};

#endif
