-- SPDX-License-Identifier: MIT
-- A rollup's attributes (src/billing/attrs.h): Cost Explorer's dimensions
-- beyond the columns (AZ, legal and invoicing entity, savings plan type,
-- operating system, tenancy, database engine), the resource tags and the
-- cost categories of its lines, in one string that is part of the rollup
-- key. '' for the rollups of imports made before (no tags).
ALTER TABLE billing_rollups ADD COLUMN attrs TEXT NOT NULL DEFAULT '';
