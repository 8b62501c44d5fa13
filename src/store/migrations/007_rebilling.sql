-- SPDX-License-Identifier: MIT
-- Rebilling: the MSP's prices (pricing rules, commitment policy, custom
-- line items, exchange rates) and invoices (drafts, issued documents frozen
-- line by line, credit notes and adjustment invoices), numbered without
-- gaps per year. Portable SQL (SQLite and PostgreSQL): every id is generated
-- by payerlink (no autoincrement), times are BIGINT ms since the epoch.
-- Money: BIGINT in 10^-9 of the currency; percentages in 1/10000 percent
-- (10% = 100000); exchange rates in 10^-9 (1387.25 = 1387250000000).

-- A signed percentage (discount < 0 < markup) on the customer's cost. The
-- scope is the most specific field set: usage_type > service > account >
-- customer > global ('' = any). Valid from month to month (inclusive,
-- 'YYYY-MM'; valid_to '' = open). passes: partner-only line item types
-- (comma-separated) this rule passes on to the customer.
CREATE TABLE pricing_rules (
	id		TEXT PRIMARY KEY,		-- pr- + 10
	customer_id	TEXT NOT NULL DEFAULT '',
	account_id	TEXT NOT NULL DEFAULT '',
	service		TEXT NOT NULL DEFAULT '',
	usage_type	TEXT NOT NULL DEFAULT '',
	level		INTEGER NOT NULL,		-- specificity, 0..15
	percent		BIGINT NOT NULL,
	valid_from	TEXT NOT NULL,
	valid_to	TEXT NOT NULL DEFAULT '',
	passes		TEXT NOT NULL DEFAULT '',
	created_at	BIGINT NOT NULL,
	CHECK (percent >= -1000000 AND percent <= 100000000)
);
CREATE INDEX pricing_rules_customer ON pricing_rules (customer_id, id);

-- How a customer's reserved instances and savings plans are billed.
CREATE TABLE customer_billing (
	customer_id	TEXT PRIMARY KEY,
	commitment	TEXT NOT NULL DEFAULT 'pass_through',
	share_percent	BIGINT NOT NULL DEFAULT 0,	-- 1/10000 percent
	updated_at	BIGINT NOT NULL,
	CHECK (commitment IN ('pass_through', 'keep', 'share'))
);

-- A fee (> 0) or credit (< 0) on a customer's invoices: flat (amount in
-- currency) or a percentage of the billed charges (of one service, or all
-- when of_service = ''), with a minimum; one month (valid_to = valid_from)
-- or monthly.
CREATE TABLE custom_items (
	id		TEXT PRIMARY KEY,		-- cli- + 10
	customer_id	TEXT NOT NULL,
	description	TEXT NOT NULL,
	kind		TEXT NOT NULL,			-- FLAT | PERCENT
	amount		BIGINT NOT NULL DEFAULT 0,	-- FLAT, 10^-9
	currency	TEXT NOT NULL,
	percent		BIGINT NOT NULL DEFAULT 0,	-- PERCENT, signed
	of_service	TEXT NOT NULL DEFAULT '',
	minimum		BIGINT NOT NULL DEFAULT 0,	-- PERCENT, 10^-9, >= 0
	valid_from	TEXT NOT NULL,
	valid_to	TEXT NOT NULL DEFAULT '',
	created_at	BIGINT NOT NULL,
	CHECK (kind IN ('FLAT', 'PERCENT'))
);
CREATE INDEX custom_items_customer ON custom_items (customer_id, id);

-- One rate per month and currency pair: 1 base = rate quote.
CREATE TABLE fx_rates (
	period		TEXT NOT NULL,
	base		TEXT NOT NULL,
	quote		TEXT NOT NULL,
	rate		BIGINT NOT NULL CHECK (rate > 0),
	updated_at	BIGINT NOT NULL,
	PRIMARY KEY (period, base, quote)
);

-- Invoices, credit notes and adjustment invoices. number is NULL while
-- DRAFT and PL-YYYY-NNNNNN from issue on (unique, from invoice_numbers).
-- Amounts: subtotal, tax, total in minor units of the currency (cents;
-- won). An issued document's rows never change again but for state VOID.
CREATE TABLE invoices (
	id		TEXT PRIMARY KEY,		-- inv- + 10
	customer_id	TEXT NOT NULL,
	period		TEXT NOT NULL,
	kind		TEXT NOT NULL,			-- INVOICE | CREDIT_NOTE | ADJUSTMENT
	state		TEXT NOT NULL,			-- DRAFT | ISSUED | VOID
	number		TEXT,
	refers_to	TEXT NOT NULL DEFAULT '',	-- the original invoice id
	currency	TEXT NOT NULL,
	minor_digits	INTEGER NOT NULL,
	fx_rate		BIGINT NOT NULL,		-- 10^-9, USD -> currency
	tax_rate	BIGINT NOT NULL,		-- 1/10000 percent
	commitment	TEXT NOT NULL,
	period_start	TEXT NOT NULL,			-- YYYY-MM-DD covered
	period_end	TEXT NOT NULL,			-- inclusive
	aws_cost	BIGINT NOT NULL,		-- USD 10^-9
	billed_usd	BIGINT NOT NULL,		-- USD 10^-9, before fx
	billed_exact	BIGINT NOT NULL,		-- currency 10^-9, before rounding
	subtotal	BIGINT NOT NULL,
	tax		BIGINT NOT NULL,
	total		BIGINT NOT NULL,
	source		TEXT NOT NULL DEFAULT '',	-- import ids it was built from
	customer_name	TEXT NOT NULL DEFAULT '',
	bill_from	TEXT NOT NULL DEFAULT '',	-- the MSP: name, address
	bill_to		TEXT NOT NULL DEFAULT '',	-- the customer: name, contact
	created_at	BIGINT NOT NULL,
	updated_at	BIGINT NOT NULL,
	issued_at	BIGINT NOT NULL DEFAULT 0,
	voided_at	BIGINT NOT NULL DEFAULT 0,
	CHECK (kind IN ('INVOICE', 'CREDIT_NOTE', 'ADJUSTMENT')),
	CHECK (state IN ('DRAFT', 'ISSUED', 'VOID')),
	CHECK ((state = 'DRAFT') = (number IS NULL))
);
CREATE UNIQUE INDEX invoices_number ON invoices (number);
-- One live invoice per customer and month; at most one draft note.
CREATE UNIQUE INDEX invoices_one ON invoices (customer_id, period)
	WHERE kind = 'INVOICE' AND state <> 'VOID';
CREATE UNIQUE INDEX invoices_one_note ON invoices (customer_id, period)
	WHERE kind <> 'INVOICE' AND state = 'DRAFT';
CREATE INDEX invoices_period ON invoices (period, customer_id);

-- The lines of an invoice: LINE (account, service) or ADJUSTMENT (custom
-- item, rule summary). billed_exact in the invoice currency 10^-9; amount
-- the displayed minor units (the lines' amounts add up to the subtotal).
CREATE TABLE invoice_lines (
	invoice_id	TEXT NOT NULL,
	seq		INTEGER NOT NULL,
	kind		TEXT NOT NULL,			-- LINE | ADJUSTMENT
	account_id	TEXT NOT NULL DEFAULT '',
	service		TEXT NOT NULL DEFAULT '',
	description	TEXT NOT NULL DEFAULT '',
	aws_cost	BIGINT NOT NULL,		-- USD 10^-9
	billed_exact	BIGINT NOT NULL,
	amount		BIGINT NOT NULL,
	PRIMARY KEY (invoice_id, seq)
);

-- Gapless numbers per year: taken in the issuing transaction.
CREATE TABLE invoice_numbers (
	year		TEXT PRIMARY KEY,
	last		BIGINT NOT NULL CHECK (last > 0)
);
