-- SPDX-License-Identifier: MIT
-- Handshakes (invitations) and the tags given with them.
-- Portable SQL (SQLite and PostgreSQL). Times are milliseconds since the epoch.
--
-- EXPIRED is evaluated lazily: a row may stay 'OPEN' after expires_at; every
-- read treats it as EXPIRED from then on, and a write that depends on open
-- rows (an invitation) first turns such rows into 'EXPIRED' so that the
-- partial unique index below sees the truth.

CREATE TABLE handshakes (
	id		TEXT PRIMARY KEY,
	org_id		TEXT NOT NULL REFERENCES organizations (id),
	action		TEXT NOT NULL CHECK (action IN ('INVITE',
			    'ENABLE_ALL_FEATURES', 'APPROVE_ALL_FEATURES',
			    'ADD_ORGANIZATIONS_SERVICE_LINKED_ROLE',
			    'TRANSFER_RESPONSIBILITY')),
	state		TEXT NOT NULL CHECK (state IN ('REQUESTED', 'OPEN',
			    'CANCELED', 'ACCEPTED', 'DECLINED', 'EXPIRED')),
	target_type	TEXT NOT NULL CHECK (target_type IN ('ACCOUNT',
			    'EMAIL', 'ORGANIZATION')),
	target_id	TEXT NOT NULL,
	-- The account that received it: the target account, or for an EMAIL
	-- target the account that answered it; NULL while the e-mail's owner
	-- is resolved at read time (accounts.email).
	recipient_id	TEXT,
	notes		TEXT,
	parent_id	TEXT,
	requested_at	BIGINT NOT NULL,
	expires_at	BIGINT NOT NULL,
	ended_at	BIGINT,
	CHECK (expires_at > requested_at),
	-- Pending rows have no end; ended rows have one.
	CHECK ((state IN ('REQUESTED', 'OPEN') AND ended_at IS NULL) OR
	    (state NOT IN ('REQUESTED', 'OPEN') AND ended_at IS NOT NULL))
);
-- One open invitation per organization and target (DuplicateHandshake).
CREATE UNIQUE INDEX handshakes_open_target ON handshakes
	(org_id, action, target_type, lower(target_id)) WHERE state = 'OPEN';
-- ListHandshakesForOrganization pages by id; the rate limit counts by time.
CREATE INDEX handshakes_org ON handshakes (org_id, id);
CREATE INDEX handshakes_org_time ON handshakes (org_id, requested_at);
-- ListHandshakesForAccount: by recipient, or by target e-mail.
CREATE INDEX handshakes_recipient ON handshakes (recipient_id, id);
CREATE INDEX handshakes_email ON handshakes (lower(target_id), id);
-- The 30-day purge.
CREATE INDEX handshakes_end ON handshakes ((COALESCE(ended_at, expires_at)));

CREATE TABLE handshake_tags (
	handshake_id	TEXT NOT NULL REFERENCES handshakes (id)
			    ON DELETE CASCADE,
	tag_key		TEXT NOT NULL,
	tag_value	TEXT NOT NULL,
	PRIMARY KEY (handshake_id, tag_key)
);
