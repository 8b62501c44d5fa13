/* SPDX-License-Identifier: MIT */
/*
 * Billing in the store: imports and their leases, the current version of
 * each (payer, period), daily rollups, the memberships attribution reads,
 * pricing rules, commitments, custom items, exchange rates, invoices and
 * the reads they are built from (src/billing).
 */
#ifndef STORE_BILLING_H
#define STORE_BILLING_H

#include <stddef.h>
#include <stdint.h>

#include "store/onboard.h"

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

/*
 * billing_hourly's rows, as Cost Explorer keeps hourly and resource-level
 * data (docs/billing.md): EC2 instance lines (service_ec2_instance()) by
 * hour and resource; every other line twice, by hour without its resource
 * (for HOURLY granularity) and by day with it, the day's row having hour
 * BILLING_HOUR_DAY.
 */
#define BILLING_HOUR_DAY	24

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
	const char	*attrs;		/* billing/attrs.h; NULL reads as "" */
	/* Hourly rows (billing_hourly) only: the hour of the day (0-23, or
	 * BILLING_HOUR_DAY) and the line's resource id. */
	int		 hour;
	const char	*resource_id;
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
/* Streams every rollup of an import, ordered by account and day; stops
 * early (returning that value) when fn returns non-zero. hourly: the
 * import's hourly rows (billing_hourly) instead. */
int	 store_ce_rollups(struct store *, int64_t import_id, int hourly,
	    ce_row_fn fn, void *arg, struct err *);

/* Rebilling (store/pricing.c, store/invoice.c; src/billing/pricing.h,
 * invoice.h). Money in 10^-9 of the currency, percentages in 1/10000
 * percent, exchange rates in 10^-9; months are "YYYY-MM". */
#define PRICING_ID_LEN		13		/* pr- + 10, cli- + 10 */
#define INVOICE_ID_LEN		14		/* inv- + 10 */
#define INVOICE_NUMBER_MAX	15		/* PL-2026-000123 */
#define INVOICE_LOGO_KEY_MAX	64		/* SHA-256 in hex */
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
	/* Frozen: the parties (name, address, tax id; bill_to also the
	 * contact), the terms and how to pay, the brand it was sent under. */
	char	 bill_from[MSP_NAME_MAX + MSP_ADDRESS_MAX + TAX_ID_MAX + 64];
	char	 bill_to[CUSTOMER_NAME_MAX + MSP_ADDRESS_MAX + TAX_ID_MAX +
		    EMAIL_MAX + 64];
	int64_t	 payment_terms_days;		/* due = issue + this */
	char	 payment_instructions[PAYMENT_TEXT_MAX + 1];
	char	 brand_name[MSP_NAME_MAX + 1];
	char	 brand_color[BRAND_COLOR_LEN + 1];
	char	 support_contact[EMAIL_MAX + MSP_URL_MAX + 8];
	/* Its PDF's logo, frozen at issue: the key of invoice_logos (the
	 * PNG's SHA-256 in hex), "" for none and for a draft. */
	char	 logo[INVOICE_LOGO_KEY_MAX + 1];
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

/*
 * Billing. Imports are versions of a (payer, period): written with status
 * 'running', made current by store_billing_flip(). Readers join rollups
 * through billing_periods, so they see one version whole.
 */
/* Inserts *io (status, times...) and sets io->id. */
int	 store_billing_import_insert(struct store *, struct billing_import *io,
	    struct err *);
int	 store_billing_import_get(struct store *, int64_t id,
	    struct billing_import *out /* OUT */, struct err *);
/* A rejected row an import listed (billing_import_rejects). */
struct billing_reject {
	int64_t	 import_id;
	int64_t	 seq;
	char	 file[128];
	int64_t	 line;
	int64_t	 col;				/* 1-based, 0: none */
	char	 column_name[64];
	char	 why[128];
};
/* Keeps an import's listed rejected rows (v[i].import_id and seq set). */
int	 store_billing_rejects_insert(struct store *,
	    const struct billing_reject *v, size_t n, struct err *);
/* The first max of them, in order. */
int	 store_billing_rejects(struct store *, struct arena *,
	    int64_t import_id, size_t max,
	    struct billing_reject **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* The current import of (payer, period); ERR_NOT_FOUND when none. */
int	 store_billing_current(struct store *, const char *payer_id,
	    const char *period, struct billing_import *out /* OUT */,
	    struct err *);
/* Marks a running import of owner failed once it has no rollups left
 * (delete them first with store_billing_rollups_delete): 1 done, 0 not
 * (rows left, another owner, not running). */
int	 store_billing_import_fail(struct store *, int64_t id,
	    const char *owner, int64_t when, struct err *);
/* Deletes at most limit rollups of an import: bounded transactions, so
 * that cleaning up after a failure never needs much more space. */
int	 store_billing_rollups_delete(struct store *, int64_t import_id,
	    size_t limit, int64_t *deleted_out /* OUT */, struct err *);
/* Leases (billing/lease.h). renew: sets lease_until if owner still holds
 * the running import; take: makes `to`'s owner fields and lease_until the
 * import's if it is still as `was` was read (owner and lease_until).
 * Both return 1 when done, 0 when not, -1 on error. */
int	 store_billing_lease_renew(struct store *, int64_t id,
	    const char *owner, int64_t until, struct err *);
int	 store_billing_lease_take(struct store *,
	    const struct billing_import *was, const struct billing_import *to,
	    struct err *);
/* Gives the space of deleted and failed rollups back, outside a
 * transaction. CHECKPOINT: SQLite copies the WAL into the database file;
 * WAL: and truncates the WAL; ALL: and PostgreSQL vacuums the rollups. */
/* PostgreSQL: 2 MiB set aside on this connection (a temporary table in
 * the database's tablespace) while a large import runs, given back by
 * on 0 when it ends. After a full disk, giving it back is what lets
 * VACUUM, which needs a few pages for its maps, free the failed import's
 * space. SQLite: nothing to do (a truncated WAL leaves the room). */
int	 store_billing_ballast(struct store *, int on, struct err *);
#define STORE_RECLAIM_CHECKPOINT	0
#define STORE_RECLAIM_WAL		1
#define STORE_RECLAIM_ALL		2
int	 store_billing_reclaim(struct store *, int how, struct err *);
/* A commitment of an import (billing_commitments; attrs as
 * billing/attrs.h says); rollups_delete and flip treat it as its rows. */
#define BILLING_COMMITMENTS_MAX	4096		/* of an import */
struct billing_commitment {
	int64_t		 import_id;
	const char	*kind;		/* "r" reservation, "s" Savings Plan */
	const char	*arn;
	const char	*attrs;
};
int	 store_billing_commitment_insert(struct store *,
	    const struct billing_commitment *, struct err *);
/* An import's commitments, by kind and ARN, in the arena. */
int	 store_billing_commitments(struct store *, struct arena *,
	    int64_t import_id, struct billing_commitment **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Deletes the hourly rows of days before before_day (YYYY-MM-DD). */
int	 store_billing_hourly_prune(struct store *, const char *before_day,
	    struct err *);
/* n rollups of a running import (billing_rollups), or n hourly rows
 * (billing_hourly: hour and resource_id set; rollups_delete, import_fail
 * and flip treat them as its rollups). One way for both: SQLite multi-row
 * INSERTs of STORE_ROLLUP_MULTI rows, PostgreSQL COPY (db_bulk); a
 * failing row may surface at a later call or at the commit. */
#define STORE_ROLLUP_MULTI	128
int	 store_billing_rollup_insert_many(struct store *, int64_t import_id,
	    const struct billing_rollup *, size_t n, struct err *);
int	 store_billing_hourly_insert_many(struct store *, int64_t import_id,
	    const struct billing_rollup *, size_t n, struct err *);
/* Tunes this thread's connection for a bulk ingest (SQLite: a 64 MiB page
 * cache instead of the default 2 MB) and back (bulk 0: a server's worker
 * thread commits uploads, and its connection lives on); a no-op elsewhere. */
int	 store_billing_ingest_tune(struct store *, int bulk, struct err *);
/* Makes import_id its period's current version, marks the previous one
 * replaced and deletes its rollups; *replaced_out is its id or 0. Only an
 * import still running under owner's lease with exactly `rows` rollups
 * stored: else ERR_CONFLICT and nothing changes. */
int	 store_billing_flip(struct store *, int64_t import_id,
	    const char *owner, int64_t rows, int64_t when,
	    int64_t *replaced_out /* OUT */, struct err *);
/* The memberships paid by payer that overlap [from, to) (attribution),
 * by account then join time. */
int	 store_billing_memberships(struct store *, struct arena *,
	    const char *payer, int64_t from, int64_t to,
	    struct billing_membership **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* The accepted billing transfers (ACCEPTED, or WITHDRAWN with an end after
 * their start) whose target is target_mgmt_id: what it pays for
 * (store/transfer.c; struct transfer is the organization's, store/org.h). */
int	 store_transfer_paid(struct store *, struct arena *,
	    const char *target_mgmt_id, struct transfer **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Imports newest first, of one status ("" any), at most limit. */
/* The current imports of role ("billing" | "reference") whose period is in
 * [from, to] (YYYY-MM), of payer_id ("" any payer); by period then payer,
 * at most 1000. */
int	 store_billing_sources(struct store *, struct arena *,
	    const char *payer_id, const char *role, const char *from,
	    const char *to, struct billing_source **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	 store_billing_imports(struct store *, struct arena *,
	    const char *status, size_t limit,
	    struct billing_import **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* Per usage account totals of an import's rollups (none once replaced or
 * failed) and each account's customer, by account. */
int	 store_billing_import_accounts(struct store *, struct arena *,
	    int64_t import_id, struct billing_account_total **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);

/*
 * Rebilling: pricing (store/pricing.c). Rule and item lists of one
 * customer include the global ones (customer_id ""); customer_id NULL
 * lists all. store_customer_billing_get fails with ERR_NOT_FOUND when the
 * customer has no policy row (the domain's default applies).
 */
int	 store_pricing_rule_insert(struct store *, const struct pricing_rule *,
	    struct err *);
int	 store_pricing_rule_delete(struct store *, const char *id,
	    struct err *);
int	 store_pricing_rules(struct store *, struct arena *,
	    const char *customer_id, struct pricing_rule **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
int	 store_customer_billing_get(struct store *, const char *customer_id,
	    struct customer_billing *out /* OUT */, struct err *);
int	 store_customer_billing_put(struct store *,
	    const struct customer_billing *, struct err *);
int	 store_custom_item_insert(struct store *, const struct custom_item *,
	    struct err *);
int	 store_custom_item_delete(struct store *, const char *id,
	    struct err *);
int	 store_custom_items(struct store *, struct arena *,
	    const char *customer_id, struct custom_item **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Upsert by (period, base, quote). */
int	 store_fx_put(struct store *, const struct fx_rate *, struct err *);
int	 store_fx_get(struct store *, const char *period, const char *base,
	    const char *quote, struct fx_rate *out /* OUT */, struct err *);
/* Rates of one period ("" all), by period, base, quote. */
int	 store_fx_list(struct store *, struct arena *, const char *period,
	    struct fx_rate **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

/*
 * Invoices (store/invoice.c). Only DRAFT rows are updated or have their
 * lines replaced (ERR_CONFLICT otherwise: an issued document never
 * changes). store_invoice_issue takes the year's next number in the
 * caller's transaction (gapless: a rollback returns it) and fails with
 * ERR_CONFLICT unless the invoice is a DRAFT. get takes an id or a number.
 */
int	 store_invoice_insert(struct store *, const struct invoice *,
	    struct err *);
int	 store_invoice_update_draft(struct store *, const struct invoice *,
	    struct err *);
int	 store_invoice_delete_draft(struct store *, const char *id,
	    struct err *);
int	 store_invoice_lines_put(struct store *, const char *invoice_id,
	    const struct invoice_line *, size_t n, struct err *);
int	 store_invoice_get(struct store *, const char *id_or_number,
	    struct invoice *out /* OUT */, struct err *);
int	 store_invoice_lines(struct store *, struct arena *,
	    const char *invoice_id, struct invoice_line **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Invoices of customer_id / period ("" any) by period, customer, then
 * creation; kind "" any. At most limit. */
int	 store_invoice_list(struct store *, struct arena *,
	    const char *customer_id, const char *period, const char *kind,
	    size_t limit, struct invoice **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* Issues draft id and freezes its logo: logo_b64 (base64url of the PNG)
 * is stored once under logo_key, which every document issued with the
 * same PNG shares; logo_key "" (logo_b64 NULL): none. */
int	 store_invoice_issue(struct store *, const char *id, const char *year,
	    int64_t when, const char *logo_key, const char *logo_b64,
	    char *number_out /* OUT, INVOICE_NUMBER_MAX + 1 */,
	    struct err *);
/* The frozen logo stored under key (base64url, in the arena). */
int	 store_invoice_logo_get(struct store *, struct arena *,
	    const char *key, const char **b64_out /* OUT */, struct err *);
int	 store_invoice_void(struct store *, const char *id, int64_t when,
	    struct err *);
/* In-membership usage of the accounts customers own ("" all customers)
 * in the sources' imports (billing/paid.h chooses them); by customer,
 * account. At most max rows (ERR_LIMIT beyond). */
int	 store_invoice_usage(struct store *, struct arena *,
	    const struct billing_source *src, size_t nsrc,
	    const char *customer_id, size_t max,
	    struct invoice_usage **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);
/* Memberships of owned accounts ("" all customers) overlapping
 * [start, end) in organizations paid by payer_id ("" any). */
int	 store_invoice_members(struct store *, struct arena *,
	    const char *customer_id, const char *payer_id, int64_t start,
	    int64_t end, struct invoice_member **out /* OUT */,
	    size_t *n_out /* OUT */, struct err *);
/* Per usage account totals of each source's import, by source then
 * account (an account in two sources has two rows). */
int	 store_recon_accounts(struct store *, struct arena *,
	    const struct billing_source *src, size_t nsrc,
	    struct recon_account **out /* OUT */, size_t *n_out /* OUT */,
	    struct err *);

/*
 * Deliveries imported from S3 (store/live.c): a source (s3://bucket/key of
 * a manifest, or of a folder of plain files) is imported once per version
 * (its ETag, or a digest of its files' ETags).
 */
int	 store_import_source_seen(struct store *, const char *source,
	    const char *version, int *out /* OUT */, struct err *);
int	 store_import_source_mark(struct store *, const char *source,
	    const char *version, int64_t import_id, int64_t when,
	    struct err *);

#endif
