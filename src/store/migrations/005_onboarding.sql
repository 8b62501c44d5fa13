-- SPDX-License-Identifier: MIT
-- The onboarding desk: the MSP (one row), its customers and the accounts
-- they own, onboarding requests, the events only payerlink sees (the rest
-- of an onboarding's timeline is derived from handshakes and membership
-- history at read time), and the append-only audit log.
-- Portable SQL (SQLite and PostgreSQL). Times are milliseconds since the epoch.

CREATE TABLE msp (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	account_id	TEXT NOT NULL REFERENCES accounts (id),
	name		TEXT NOT NULL,
	address		TEXT NOT NULL DEFAULT '',
	public_url	TEXT NOT NULL,
	gap_threshold_min BIGINT NOT NULL DEFAULT 15 CHECK (gap_threshold_min >= 0),
	updated_at	BIGINT NOT NULL
);

-- Tax rate in units of 1/10000 percent: 10% is 100000.
CREATE TABLE customers (
	id		TEXT PRIMARY KEY,
	name		TEXT NOT NULL,
	contact_email	TEXT NOT NULL,
	currency	TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
	tax_rate	BIGINT NOT NULL DEFAULT 0 CHECK (tax_rate >= 0),
	created_at	BIGINT NOT NULL,
	updated_at	BIGINT NOT NULL
);
CREATE UNIQUE INDEX customers_name ON customers (lower(name));

-- An account belongs to at most one customer. Ownership alone bills
-- nothing: billing follows the membership history.
CREATE TABLE customer_accounts (
	account_id	TEXT PRIMARY KEY,
	customer_id	TEXT NOT NULL REFERENCES customers (id),
	since		BIGINT NOT NULL
);
CREATE INDEX customer_accounts_customer ON customer_accounts (customer_id,
	account_id);

-- One request to bring an account into the MSP's organization. case_no and
-- prev_* are what was detected at request time; handshake_id is the
-- current invitation (a re-send points it at a new one). Only the SHA-256
-- of the plan link's token is kept.
CREATE TABLE onboardings (
	id		TEXT PRIMARY KEY,
	customer_id	TEXT NOT NULL REFERENCES customers (id),
	account_id	TEXT NOT NULL,
	email		TEXT NOT NULL,
	notes		TEXT NOT NULL DEFAULT '',
	case_no		INTEGER NOT NULL CHECK (case_no IN (1, 2, 3)),
	prev_org_id	TEXT NOT NULL DEFAULT '',
	prev_members	BIGINT NOT NULL DEFAULT 0,
	msp_account_id	TEXT NOT NULL,
	msp_org_id	TEXT NOT NULL,
	handshake_id	TEXT NOT NULL,
	token_hash	TEXT NOT NULL UNIQUE,
	requested_at	BIGINT NOT NULL,
	requested_by	TEXT NOT NULL
);
CREATE INDEX onboardings_customer ON onboardings (customer_id, id);
CREATE INDEX onboardings_account ON onboardings (account_id);

-- What only payerlink sees: requested, viewed (plan page opened), a move
-- time proposed by the customer, re-sent, cancelled by the MSP.
CREATE TABLE onboarding_events (
	id		INTEGER PRIMARY KEY,
	onboarding_id	TEXT NOT NULL REFERENCES onboardings (id),
	at		BIGINT NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN ('REQUESTED', 'VIEWED',
			    'TIME_PROPOSED', 'RESENT', 'CANCELED')),
	actor		TEXT NOT NULL,
	handshake_id	TEXT NOT NULL DEFAULT '',
	proposed_at	BIGINT,
	detail		TEXT NOT NULL DEFAULT ''
);
CREATE INDEX onboarding_events_onb ON onboarding_events (onboarding_id, id);

-- Append-only: payerlink never updates or deletes a row.
CREATE TABLE audit_log (
	id		INTEGER PRIMARY KEY,
	at		BIGINT NOT NULL,
	actor		TEXT NOT NULL,
	action		TEXT NOT NULL,
	object		TEXT NOT NULL,
	detail		TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_object ON audit_log (object, id);
CREATE INDEX audit_log_at ON audit_log (at, id);
