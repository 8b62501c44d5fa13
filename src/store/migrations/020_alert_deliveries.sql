-- SPDX-License-Identifier: MIT
-- Budget alerts go out by e-mail (the MSP's SMTP server) as well as by
-- webhook: a budget names its recipients, and each alert has one delivery
-- per channel in one outbox, queued in the alert's transaction (so a crash
-- loses none) and sent by one loop (src/rest/webhook.c). The webhook-only
-- tables of 008 move into it; their rows are kept as channel 'webhook'.
ALTER TABLE budgets ADD COLUMN email_to TEXT NOT NULL DEFAULT '';

CREATE TABLE alert_deliveries (
	alert_id	TEXT NOT NULL REFERENCES budget_alerts (id) ON DELETE CASCADE,
	channel		TEXT NOT NULL,			-- webhook | email
	target		TEXT NOT NULL,			-- the URL, or the recipients
	status		TEXT NOT NULL,			-- pending | delivered | failed
	attempts	BIGINT NOT NULL,
	next_at		BIGINT NOT NULL,		-- real ms
	last_at		BIGINT NOT NULL,		-- real ms of the last attempt, 0: none
	last_result	TEXT NOT NULL,
	PRIMARY KEY (alert_id, channel),
	CHECK (channel IN ('webhook', 'email'))
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_at);
INSERT INTO alert_deliveries (alert_id, channel, target, status, attempts,
    next_at, last_at, last_result)
    SELECT d.alert_id, 'webhook', d.url, d.status, d.attempts, d.next_at,
    COALESCE((SELECT MAX(t.at) FROM webhook_attempts t WHERE
    t.alert_id = d.alert_id), 0), d.last_result FROM webhook_deliveries d;

CREATE TABLE alert_attempts (
	alert_id	TEXT NOT NULL,
	channel		TEXT NOT NULL,
	attempt		BIGINT NOT NULL,
	at		BIGINT NOT NULL,		-- real ms
	code		BIGINT NOT NULL,		-- HTTP status or SMTP reply, 0: none
	result		TEXT NOT NULL,
	PRIMARY KEY (alert_id, channel, attempt)
);
INSERT INTO alert_attempts (alert_id, channel, attempt, at, code, result)
    SELECT alert_id, 'webhook', attempt, at, http_status, result FROM
    webhook_attempts;

DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
