-- SPDX-License-Identifier: MIT
-- Billing: cost and usage imports (one row per delivery), the current
-- version of each (payer, billing period), and the daily rollups of each
-- import. Raw line items are not stored. Money columns are integers in
-- units of 10^-9 of the currency (nano-dollars); usage_amount in 10^-6.
-- Portable SQL (SQLite and PostgreSQL). Times are ms since the epoch.

CREATE TABLE billing_imports (
	id		INTEGER PRIMARY KEY,
	payer_id	TEXT NOT NULL,
	period		TEXT NOT NULL,		-- YYYY-MM
	status		TEXT NOT NULL,		-- running | current | replaced | failed
	format		TEXT NOT NULL,
	file_name	TEXT NOT NULL,
	digest		TEXT NOT NULL,		-- sha256, hex
	bytes		BIGINT NOT NULL,
	rows		BIGINT NOT NULL,
	rejected	BIGINT NOT NULL,
	currency	TEXT NOT NULL,
	replaces	BIGINT,			-- the import this one replaced
	pid		BIGINT NOT NULL,	-- the process writing a running import
	started_at	BIGINT NOT NULL,
	finished_at	BIGINT,
	CHECK (status IN ('running', 'current', 'replaced', 'failed'))
);
CREATE INDEX billing_imports_period ON billing_imports (payer_id, period);
CREATE INDEX billing_imports_status ON billing_imports (status);

-- The version readers see: flipped in one transaction.
CREATE TABLE billing_periods (
	payer_id	TEXT NOT NULL,
	period		TEXT NOT NULL,
	import_id	BIGINT NOT NULL REFERENCES billing_imports (id),
	PRIMARY KEY (payer_id, period)
);

CREATE TABLE billing_rollups (
	import_id	BIGINT NOT NULL,
	period		TEXT NOT NULL,		-- YYYY-MM
	day		TEXT NOT NULL,		-- YYYY-MM-DD, usage day (UTC)
	payer_id	TEXT NOT NULL,
	account_id	TEXT NOT NULL,		-- usage (linked) account
	product_code	TEXT NOT NULL,
	usage_type	TEXT NOT NULL,
	operation	TEXT NOT NULL,
	region		TEXT NOT NULL,
	line_item_type	TEXT NOT NULL,
	pricing_term	TEXT NOT NULL,
	in_membership	INTEGER NOT NULL,	-- 1: billable to the customer
	unblended	BIGINT NOT NULL,
	net_unblended	BIGINT NOT NULL,
	amortized	BIGINT NOT NULL,
	public_on_demand BIGINT NOT NULL,
	usage_amount	BIGINT NOT NULL,
	line_count	BIGINT NOT NULL
);
-- Deleting a version and reading an account's days both go through it.
CREATE INDEX billing_rollups_import ON billing_rollups (import_id, account_id,
	day);
