-- SPDX-License-Identifier: MIT
-- The MSP's brand (name, colour, support contact, logo) as its customers
-- see it on the portal, the sign-in and plan pages, e-mails and invoices;
-- and what makes an invoice payable: the MSP's and the customer's legal
-- names, addresses and tax ids, payment terms and instructions (the MSP's,
-- a customer may override them), frozen on each invoice like bill_from.

CREATE TABLE msp_brand (
--sqlite: 	id		INTEGER PRIMARY KEY CHECK (id = 1),
--pg: 	id		BIGINT PRIMARY KEY CHECK (id = 1),
	name		TEXT NOT NULL,
	color		TEXT NOT NULL,			-- #rrggbb, white text passes 4.5:1
	support_email	TEXT NOT NULL,
	support_url	TEXT NOT NULL DEFAULT '',
	logo_type	TEXT NOT NULL DEFAULT '',	-- image/png | image/svg+xml | ''
	logo		TEXT NOT NULL DEFAULT '',	-- base64url of the file
	updated_at	BIGINT NOT NULL
);

ALTER TABLE msp ADD COLUMN legal_name TEXT NOT NULL DEFAULT '';
ALTER TABLE msp ADD COLUMN tax_id TEXT NOT NULL DEFAULT '';
ALTER TABLE msp ADD COLUMN payment_terms_days BIGINT NOT NULL DEFAULT 30;
ALTER TABLE msp ADD COLUMN payment_instructions TEXT NOT NULL DEFAULT '';

-- payment_terms_days -1 and payment_instructions '': the MSP's.
ALTER TABLE customers ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN tax_id TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN payment_terms_days BIGINT NOT NULL DEFAULT -1;
ALTER TABLE customers ADD COLUMN payment_instructions TEXT NOT NULL DEFAULT '';

-- Frozen at computation like bill_from; the due date is the issue date
-- plus payment_terms_days.
ALTER TABLE invoices ADD COLUMN payment_terms_days BIGINT NOT NULL DEFAULT 30;
ALTER TABLE invoices ADD COLUMN payment_instructions TEXT NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN brand_name TEXT NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN brand_color TEXT NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN support_contact TEXT NOT NULL DEFAULT '';
