-- SPDX-License-Identifier: MIT
-- What an import's lines say of each reservation and Savings Plan they
-- name (src/billing/attrs.h, enum commit_field): start and end, term,
-- payment option, offering class or type, number of reservations, units,
-- region, instance family; one row per commitment (few), not per rollup.
-- Written, replaced and deleted with its import like the rollups; Cost
-- Explorer gives them as the Attributes of GetReservationUtilization
-- grouped by SUBSCRIPTION_ID and of GetSavingsPlansUtilizationDetails.
CREATE TABLE billing_commitments (
	import_id	BIGINT NOT NULL,
	kind		TEXT NOT NULL,		-- 'r' reservation, 's' Savings Plan
	arn		TEXT NOT NULL,
	attrs		TEXT NOT NULL,
	PRIMARY KEY (import_id, kind, arn)
);
