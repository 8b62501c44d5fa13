-- SPDX-License-Identifier: MIT
-- Hourly and resource-level data (Cost Explorer's opt-in setting of the
-- same name): when the MSP turns it on (payerlink msp set
-- --hourly-resource-data on), each import also keeps its lines of the
-- last 14 days by hour and resource, for HOURLY granularity and
-- GetCostAndUsageWithResources. The rollup key of billing_rollups plus the
-- hour of the day (0-23) and the line's resource id; written, replaced and
-- deleted with its import like the rollups, older days pruned at each
-- import (docs/billing.md "Hourly and resource-level data").
ALTER TABLE msp ADD COLUMN hourly_resource_data BIGINT NOT NULL DEFAULT 0;

CREATE TABLE billing_hourly (
	import_id	BIGINT NOT NULL,
	period		TEXT NOT NULL,
	day		TEXT NOT NULL,		-- YYYY-MM-DD, usage day (UTC)
	hour		INTEGER NOT NULL,	-- 0-23, of the usage start
	payer_id	TEXT NOT NULL,
	account_id	TEXT NOT NULL,
	product_code	TEXT NOT NULL,
	usage_type	TEXT NOT NULL,
	operation	TEXT NOT NULL,
	region		TEXT NOT NULL,
	line_item_type	TEXT NOT NULL,
	pricing_term	TEXT NOT NULL,
	attrs		TEXT NOT NULL,
	resource_id	TEXT NOT NULL,		-- '' when the line has none
	in_membership	INTEGER NOT NULL,
	unblended	BIGINT NOT NULL,
	net_unblended	BIGINT NOT NULL,
	amortized	BIGINT NOT NULL,
	public_on_demand BIGINT NOT NULL,
	usage_amount	BIGINT NOT NULL,
	line_count	BIGINT NOT NULL
);
CREATE INDEX billing_hourly_import ON billing_hourly (import_id, account_id,
    day, hour);
CREATE INDEX billing_hourly_day ON billing_hourly (day);
