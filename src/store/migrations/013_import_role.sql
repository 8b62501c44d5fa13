-- SPDX-License-Identifier: MIT
-- Whose cost it is (docs/billing.md): each import says whether it is a bill
-- the MSP pays ('billing': its payer is the MSP's payer account) or another
-- payer's file kept as a customer's history ('reference': shown to that
-- customer as "before the MSP", never billed). Imports made before the MSP
-- was named stay 'billing'; only those of the MSP's payer are ever billed.
ALTER TABLE billing_imports ADD COLUMN role TEXT NOT NULL DEFAULT 'billing'
	CHECK (role IN ('billing', 'reference'));
