-- SPDX-License-Identifier: MIT
-- The billing portal: portal users (customer users bound to one customer,
-- MSP users with a role), their sessions, budgets, budget alerts and their
-- webhook deliveries, and the status people gave to detected anomalies.
-- Portable SQL (SQLite and PostgreSQL). Money in 10^-9 of the currency.
-- Times: created/updated are the business clock (store_now); webhook
-- delivery times are real time (clock_real_ms).

CREATE TABLE portal_users (
	id		TEXT PRIMARY KEY,		-- usr- + 10
	email		TEXT NOT NULL UNIQUE,		-- lowercased
	password_hash	TEXT NOT NULL,			-- argon2id (libsodium)
	customer_id	TEXT NOT NULL,			-- '' for MSP users
	role		TEXT NOT NULL,			-- customer | admin | billing | read-only
	created_at	BIGINT NOT NULL,
	CHECK (role IN ('customer', 'admin', 'billing', 'read-only')),
	CHECK ((role = 'customer') = (customer_id <> ''))
);
CREATE INDEX portal_users_customer ON portal_users (customer_id);

-- A web session (web_sessions) that a portal user opened. Rows of ended
-- sessions are ignored (joined through web_sessions) and purged.
CREATE TABLE portal_sessions (
	token_hash	TEXT PRIMARY KEY,
	user_id		TEXT NOT NULL REFERENCES portal_users (id)
);

CREATE TABLE budgets (
	id		TEXT PRIMARY KEY,		-- bud- + 10
	customer_id	TEXT NOT NULL,
	account_id	TEXT NOT NULL,			-- '' for the whole customer
	name		TEXT NOT NULL,
	amount		BIGINT NOT NULL,		-- per month
	actual_pct	BIGINT NOT NULL,		-- alert when actual >= pct% (0: off)
	forecast_pct	BIGINT NOT NULL,		-- alert when forecast >= pct% (0: off)
	webhook_url	TEXT NOT NULL,			-- '' for none
	webhook_secret	TEXT NOT NULL,
	created_at	BIGINT NOT NULL,
	UNIQUE (customer_id, name)
);

-- One alert per budget, month and kind, ever.
CREATE TABLE budget_alerts (
	id		TEXT PRIMARY KEY,		-- alr- + 10
	budget_id	TEXT NOT NULL REFERENCES budgets (id) ON DELETE CASCADE,
	period		TEXT NOT NULL,			-- YYYY-MM
	kind		TEXT NOT NULL,			-- ACTUAL | FORECASTED
	threshold_pct	BIGINT NOT NULL,
	value		BIGINT NOT NULL,		-- the amount that crossed it
	amount		BIGINT NOT NULL,		-- the budget then
	created_at	BIGINT NOT NULL,
	UNIQUE (budget_id, period, kind)
);

-- Webhook deliveries of alerts: retried with backoff until delivered or
-- out of attempts. One row per alert; the attempts are logged below.
CREATE TABLE webhook_deliveries (
	alert_id	TEXT PRIMARY KEY REFERENCES budget_alerts (id) ON DELETE CASCADE,
	url		TEXT NOT NULL,
	body		TEXT NOT NULL,
	status		TEXT NOT NULL,			-- pending | delivered | failed
	attempts	BIGINT NOT NULL,
	next_at		BIGINT NOT NULL,		-- real ms
	last_result	TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_at);

CREATE TABLE webhook_attempts (
	alert_id	TEXT NOT NULL,
	attempt		BIGINT NOT NULL,
	at		BIGINT NOT NULL,		-- real ms
	http_status	BIGINT NOT NULL,		-- 0: no answer
	result		TEXT NOT NULL,
	PRIMARY KEY (alert_id, attempt)
);

-- Anomalies are derived from the rollups on read; only what people did
-- with one is stored, by its key.
CREATE TABLE anomaly_status (
	anomaly_id	TEXT PRIMARY KEY,		-- hex of the key's hash
	customer_id	TEXT NOT NULL,
	status		TEXT NOT NULL,			-- ACKNOWLEDGED | DISMISSED
	by_user		TEXT NOT NULL,
	at		BIGINT NOT NULL,
	CHECK (status IN ('ACKNOWLEDGED', 'DISMISSED'))
);
