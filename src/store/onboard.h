/* SPDX-License-Identifier: MIT */
/*
 * The onboarding desk in the store: the MSP, customers and the accounts
 * they own, onboardings and their events, departures, the audit log
 * (src/onboard).
 */
#ifndef STORE_ONBOARD_H
#define STORE_ONBOARD_H

#include <stddef.h>
#include <stdint.h>

#include "store/org.h"

/* Onboarding desk (store/onboard.c, src/onboard/). */
#define MSP_NAME_MAX		200
#define MSP_ADDRESS_MAX		500
#define MSP_URL_MAX		255
#define CUSTOMER_ID_LEN		14		/* cus- + 10 */
#define CUSTOMER_NAME_MAX	200
#define ONBOARDING_ID_LEN	14		/* onb- + 10 */
#define ONBOARD_NOTES_MAX	512
#define TAX_ID_MAX		40
#define PAYMENT_TEXT_MAX	500		/* payment instructions */
#define BRAND_COLOR_LEN		7		/* #rrggbb */
#define BRAND_LOGO_MAX		(100 * 1024)	/* bytes of the image file */
#define BRAND_LOGO_PX		1024		/* pixels a side of a PNG */

/* The MSP: the one management (payer) account customers join. */
struct msp {
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 name[MSP_NAME_MAX + 1];
	char	 address[MSP_ADDRESS_MAX + 1];
	char	 public_url[MSP_URL_MAX + 1];	/* no trailing '/' */
	int64_t	 gap_threshold_min;		/* flag billing gaps above */
	int64_t	 updated_at;
	/* What its invoices say of it ("" legal_name: name). */
	char	 legal_name[MSP_NAME_MAX + 1];
	char	 tax_id[TAX_ID_MAX + 1];
	int64_t	 payment_terms_days;		/* Net N; 0: due on receipt */
	char	 payment_instructions[PAYMENT_TEXT_MAX + 1];
	/* Cost Explorer's opt-in "hourly and resource-level data": imports
	 * keep the last 14 days by hour and resource (docs/billing.md). */
	int64_t	 hourly_resource_data;		/* 0 off, 1 on */
};

/* The MSP's brand as its customers see it (one row; logo apart). */
struct msp_brand {
	char	 name[MSP_NAME_MAX + 1];
	char	 color[BRAND_COLOR_LEN + 1];	/* #rrggbb, lowercase */
	char	 support_email[EMAIL_MAX + 1];
	char	 support_url[MSP_URL_MAX + 1];	/* "" when none */
	char	 logo_type[16];			/* image/png, image/svg+xml, "" */
	char	 pdf_logo_type[16];		/* image/png, "": the PDF's own */
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
	/* Who the invoice is addressed to, and its own terms (-1 and "":
	 * the MSP's). */
	char	 address[MSP_ADDRESS_MAX + 1];
	char	 tax_id[TAX_ID_MAX + 1];
	int64_t	 payment_terms_days;
	char	 payment_instructions[PAYMENT_TEXT_MAX + 1];
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

/*
 * Onboarding. The MSP is one row (get fails with ERR_NOT_FOUND until
 * set). Customers by id, unique name (ERR_CONFLICT); an account belongs to
 * at most one customer (ERR_CONFLICT). Onboardings and their events; the
 * audit log is append-only (store_audit_append stamps store_now()).
 */
int	 store_msp_put(struct store *, const struct msp *, struct err *);
int	 store_msp_get(struct store *, struct msp *out /* OUT */, struct err *);
/* The brand: get fails with ERR_NOT_FOUND until put. put keeps the
 * stored logo (and PDF logo) when logo_b64 (pdf_logo_b64) is NULL (""
 * removes it); logo_get gives the base64url text and its type into the
 * arena: the page logo, or with pdf the PDF's own. */
int	 store_msp_brand_put(struct store *, const struct msp_brand *,
	    const char *logo_b64, const char *pdf_logo_b64, struct err *);
int	 store_msp_brand_get(struct store *, struct msp_brand *out /* OUT */,
	    struct err *);
int	 store_msp_logo_get(struct store *, struct arena *, int pdf,
	    const char **type_out /* OUT */, const char **b64_out /* OUT */,
	    struct err *);
int	 store_customer_insert(struct store *, const struct customer *,
	    struct err *);
int	 store_customer_update(struct store *, const struct customer *,
	    struct err *);
int	 store_customer_get(struct store *, const char *id,
	    struct customer *out /* OUT */, struct err *);
/* One page of customers by id after `after` ("" first). */
int	 store_customer_list(struct store *, struct arena *, const char *after,
	    size_t limit, struct customer **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	 store_customer_account_insert(struct store *,
	    const struct customer_account *, struct err *);
/* The owner of account_id; ERR_NOT_FOUND when nobody owns it. */
int	 store_customer_account_get(struct store *, const char *account_id,
	    struct customer_account *out /* OUT */, struct err *);
/* The accounts a customer ("" every customer) owns, by account id (at
 * most limit). */
int	 store_customer_accounts(struct store *, struct arena *,
	    const char *customer_id, size_t limit,
	    struct customer_account **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_onboarding_insert(struct store *, const struct onboarding *,
	    struct err *);
int	 store_onboarding_get(struct store *, const char *id,
	    struct onboarding *out /* OUT */, struct err *);
int	 store_onboarding_by_token(struct store *, const char *token_hash,
	    struct onboarding *out /* OUT */, struct err *);
/* Points the onboarding at a new invitation and/or plan token ("" keeps). */
int	 store_onboarding_set(struct store *, const char *id,
	    const char *handshake_id, const char *token_hash, struct err *);
/* One page by id after `after`, of one customer ("" for all). */
int	 store_onboarding_list(struct store *, struct arena *,
	    const char *customer_id, const char *after, size_t limit,
	    struct onboarding **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
int	 store_onboarding_event_insert(struct store *,
	    const struct onboarding_event *, struct err *);
/* An onboarding's events, oldest first (at most limit). */
int	 store_onboarding_events(struct store *, struct arena *,
	    const char *onboarding_id, size_t limit,
	    struct onboarding_event **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

/* The desk's route of an onboarding (put: insert or replace); no row
 * reads as "invite". */
int	 store_onboarding_route_put(struct store *,
	    const struct onboarding_route *, struct err *);
int	 store_onboarding_route_get(struct store *, const char *onboarding_id,
	    struct onboarding_route *out /* OUT */, struct err *);

#endif
