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
	/* The sender organization's details, as the Handshake resources show. */
	char	 mgmt_id[ACCOUNT_ID_LEN + 1];
	char	 mgmt_email[EMAIL_MAX + 1];
	char	 mgmt_name[ACCOUNT_NAME_MAX * 4 + 1];
	char	 feature_set[24];
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
	char	 role[12];			/* billing | reference */
	char	 file_name[256];
	char	 digest[65];			/* hex: XXH3-128, or SHA-256 before */
	char	 currency[8];
	int64_t	 bytes;
	int64_t	 rows;
	int64_t	 rejected;
	int64_t	 replaces;			/* 0 when none */
	int64_t	 pid;
	int64_t	 started_at;
	int64_t	 finished_at;			/* 0 while running */
	/* The lease of a running import (billing/lease.h). */
	char	 owner[33];			/* the writing process's id */
	char	 owner_host[65];
	char	 owner_proc[96];		/* boot:pidns:pid:start, or "" */
	int64_t	 lease_until;			/* the database's clock, ms */
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

/* Totals of one usage account in an import, with its customer. */
struct billing_account_total {
	char	 account_id[BILLING_ID_MAX + 1];
	int64_t	 lines;
	int64_t	 unblended;
	int64_t	 out_lines;			/* out of membership */
	int64_t	 out_unblended;
	char	 customer_id[15];		/* CUSTOMER_ID_LEN + 1; "" none */
	char	 customer_name[201];		/* CUSTOMER_NAME_MAX + 1 */
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

/* The desk's route of an onboarding (onboard.h): "invite", or
 * "billing-transfer" with its transfer and the start it asked for. */
struct onboarding_route {
	char	 onboarding_id[ONBOARDING_ID_LEN + 1];
	char	 route[20];
	char	 transfer_id[TRANSFER_ID_MAX + 1];	/* "" for invite */
	int64_t	 start_at;
};

struct audit_entry {
	int64_t	 id;
	int64_t	 at;
	char	 actor[ACCOUNT_ID_LEN + 8];		/* account id or "cli" */
	char	 action[48];
	char	 object[72];
	char	 detail[AUDIT_DETAIL_MAX + 1];
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
	char		 type[32];
	char		 name[POLICY_NAME_MAX * 4 + 1];
	char		 description[POLICY_DESC_MAX * 4 + 1];
	const char	*content;
	int		 aws_managed;
	int64_t		 created_at;
	int64_t		 updated_at;
};

struct policy_target {
	char	 id[OU_ID_MAX + 1];
	char	 type[24];			/* ROOT | ORGANIZATIONAL_UNIT | ACCOUNT */
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


/* ---- Billing portal and Cost Explorer (store/portal.c) ---------------- */
#define PORTAL_USER_ID_LEN	14		/* usr- + 10 */
#define PORTAL_ROLE_MAX		16
#define BUDGET_ID_LEN		14		/* bud- + 10 */
#define BUDGET_NAME_MAX		100
#define WEBHOOK_URL_MAX		255

/* A portal user: a customer user (role "customer", customer_id set) or an
 * MSP user (role admin | billing | read-only, customer_id ""). */
struct portal_user {
	char	 id[PORTAL_USER_ID_LEN + 1];
	char	 email[EMAIL_MAX + 1];
	char	 password_hash[128];
	char	 customer_id[CUSTOMER_ID_LEN + 1];
	char	 role[PORTAL_ROLE_MAX + 1];
	int64_t	 created_at;
};

/* The current import of one (payer, period), as Cost Explorer reads it. */
/* The current import of one (payer, period): what readers of cost lines
 * read (billing/paid.h says which ones are the MSP's). */
struct billing_source {
	int64_t	 id;				/* the import */
	int64_t	 started_at;			/* with digest: a cache key */
	char	 digest[65];
	char	 payer_id[BILLING_ID_MAX + 1];
	char	 period[8];
	char	 currency[4];
	char	 role[12];			/* billing | reference */
};

/* One rollup row as Cost Explorer streams it (pointers valid in the
 * callback only). */
typedef int (*ce_row_fn)(void *arg, const struct billing_rollup *);

struct budget {
	char	 id[BUDGET_ID_LEN + 1];
	char	 customer_id[CUSTOMER_ID_LEN + 1];
	char	 account_id[ACCOUNT_ID_LEN + 1];	/* "" whole customer */
	char	 name[BUDGET_NAME_MAX + 1];
	int64_t	 amount;				/* nano, per month */
	int64_t	 actual_pct;				/* 0: off */
	int64_t	 forecast_pct;				/* 0: off */
	char	 webhook_url[WEBHOOK_URL_MAX + 1];
	char	 webhook_secret[72];
	int64_t	 created_at;
};

struct budget_alert {
	char	 id[BUDGET_ID_LEN + 1];
	char	 budget_id[BUDGET_ID_LEN + 1];
	char	 period[8];
	char	 kind[12];				/* ACTUAL | FORECASTED */
	int64_t	 threshold_pct;
	int64_t	 value;
	int64_t	 amount;
	int64_t	 created_at;
	/* Reads only: the delivery's state ("" when no webhook). */
	char	 delivery_status[12];
	int64_t	 delivery_attempts;
	char	 delivery_result[128];
};

/* A pending delivery: the alert and its budget (id, customer, account,
 * name, secret), what the body is rendered from. */
struct webhook_delivery {
	struct budget_alert	 alert;
	struct budget		 budget;
	char			 url[WEBHOOK_URL_MAX + 1];
	char			 status[12];
	int64_t			 attempts;
	int64_t			 next_at;
};

struct webhook_attempt {
	char	 alert_id[BUDGET_ID_LEN + 1];
	int64_t	 attempt;
	int64_t	 at;
	int64_t	 http_status;
	char	 result[128];
};

struct anomaly_mark {
	char	 anomaly_id[33];
	char	 status[16];
	char	 by_user[EMAIL_MAX + 1];
	int64_t	 at;
};

/* Rebilling (store/pricing.c, store/invoice.c; src/billing/pricing.h,
 * invoice.h). Money in 10^-9 of the currency, percentages in 1/10000
 * percent, exchange rates in 10^-9; months are "YYYY-MM". */
#define PRICING_ID_LEN		13		/* pr- + 10, cli- + 10 */
#define INVOICE_ID_LEN		14		/* inv- + 10 */
#define INVOICE_NUMBER_MAX	15		/* PL-2026-000123 */
#define PRICING_KEY_MAX		128		/* service code, usage type */
#define PRICING_PASSES_MAX	255
#define ITEM_DESC_MAX		200

struct pricing_rule {
	char	 id[PRICING_ID_LEN + 2];
	char	 customer_id[CUSTOMER_ID_LEN + 1];	/* "" any */
	char	 account_id[ACCOUNT_ID_LEN + 1];	/* "" any */
	char	 service[PRICING_KEY_MAX + 1];		/* "" any */
	char	 usage_type[PRICING_KEY_MAX + 1];	/* "" any */
	int	 level;				/* specificity (pricing.h) */
	int64_t	 percent;			/* signed, 1/10000 % */
	char	 valid_from[8];
	char	 valid_to[8];			/* "" open */
	char	 passes[PRICING_PASSES_MAX + 1];	/* partner types passed on */
	int64_t	 created_at;
};

/* A customer's commitment policy: pass_through | keep | share. */
struct customer_billing {
	char	 customer_id[CUSTOMER_ID_LEN + 1];
	char	 commitment[16];
	int64_t	 share_percent;			/* share: 1/10000 % to customer */
	int64_t	 updated_at;
};

/* A fee (> 0) or credit (< 0) on a customer's invoices. */
struct custom_item {
	char	 id[PRICING_ID_LEN + 2];
	char	 customer_id[CUSTOMER_ID_LEN + 1];
	char	 description[ITEM_DESC_MAX * 4 + 1];
	char	 kind[8];			/* FLAT | PERCENT */
	int64_t	 amount;			/* FLAT: signed, 10^-9 */
	char	 currency[4];
	int64_t	 percent;			/* PERCENT: signed, 1/10000 % */
	char	 of_service[PRICING_KEY_MAX + 1];	/* "" all charges */
	int64_t	 minimum;			/* PERCENT: >= 0, 10^-9 */
	char	 valid_from[8];
	char	 valid_to[8];			/* "" monthly, open */
	int64_t	 created_at;
};

struct fx_rate {
	char	 period[8];
	char	 base[4];
	char	 quote[4];
	int64_t	 rate;				/* 1 base = rate/10^9 quote */
	int64_t	 updated_at;
};

struct invoice {
	char	 id[INVOICE_ID_LEN + 1];
	char	 customer_id[CUSTOMER_ID_LEN + 1];
	char	 customer_name[CUSTOMER_NAME_MAX + 1];
	char	 period[8];
	char	 kind[16];			/* INVOICE | CREDIT_NOTE | ADJUSTMENT */
	char	 state[8];			/* DRAFT | ISSUED | VOID */
	char	 number[INVOICE_NUMBER_MAX + 1];	/* "" while DRAFT */
	char	 refers_to[INVOICE_ID_LEN + 1];	/* "" unless a note */
	char	 currency[4];
	int	 minor_digits;
	int64_t	 fx_rate;
	int64_t	 tax_rate;
	char	 commitment[16];
	char	 period_start[11];		/* YYYY-MM-DD */
	char	 period_end[11];		/* inclusive */
	int64_t	 aws_cost;			/* USD 10^-9 */
	int64_t	 billed_usd;			/* USD 10^-9, before fx */
	int64_t	 billed_exact;			/* currency 10^-9 */
	int64_t	 subtotal;			/* minor units */
	int64_t	 tax;
	int64_t	 total;
	char	 source[64];			/* import ids */
	char	 bill_from[MSP_NAME_MAX + MSP_ADDRESS_MAX + 2];	/* frozen */
	char	 bill_to[CUSTOMER_NAME_MAX + EMAIL_MAX + 2];	/* frozen */
	int64_t	 created_at;
	int64_t	 updated_at;
	int64_t	 issued_at;			/* 0 while DRAFT */
	int64_t	 voided_at;			/* 0 unless VOID */
};

struct invoice_line {
	int	 seq;
	char	 kind[12];			/* LINE | ADJUSTMENT */
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 service[PRICING_KEY_MAX + 1];
	char	 description[ITEM_DESC_MAX * 4 + 1];
	int64_t	 aws_cost;			/* USD 10^-9 */
	int64_t	 billed_exact;			/* currency 10^-9 */
	int64_t	 amount;			/* minor units, shown */
};

/* A month's in-membership usage of one owned account, by service, usage
 * type, line item type and pricing term (strings arena-owned). */
struct invoice_usage {
	const char	*customer_id;
	const char	*account_id;
	const char	*product_code;
	const char	*usage_type;
	const char	*line_item_type;
	const char	*pricing_term;
	int64_t		 unblended;
	int64_t		 amortized;
	int64_t		 public_on_demand;
};

/* A membership of an owned account (for the period an invoice covers). */
struct invoice_member {
	char	 customer_id[CUSTOMER_ID_LEN + 1];
	char	 account_id[ACCOUNT_ID_LEN + 1];
	int64_t	 joined_at;
	int64_t	 left_at;			/* 0 while open */
};

/* One usage account's totals in a period (all current versions). */
struct recon_account {
	char	 account_id[BILLING_ID_MAX + 1];
	char	 customer_id[CUSTOMER_ID_LEN + 1];	/* "" unassigned */
	int64_t	 unblended;
	int64_t	 in_membership;			/* unblended of member hours */
};

#endif
