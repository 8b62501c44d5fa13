-- SPDX-License-Identifier: MIT
-- Accounts, access keys, organizations and membership history.
-- Portable SQL (SQLite and PostgreSQL). Times are milliseconds since the epoch.

CREATE TABLE accounts (
	id		TEXT PRIMARY KEY,
	email		TEXT NOT NULL,
	name		TEXT NOT NULL,
	password_hash	TEXT,
	status		TEXT NOT NULL DEFAULT 'ACTIVE',
	created_at	BIGINT NOT NULL,
	payment_method	TEXT,
	phone		TEXT
);
-- E-mail addresses are unique whatever their case.
CREATE UNIQUE INDEX accounts_email ON accounts (lower(email));

CREATE TABLE access_keys (
	id		TEXT PRIMARY KEY,
	account_id	TEXT NOT NULL REFERENCES accounts (id),
	secret		TEXT NOT NULL,
	created_at	BIGINT NOT NULL
);
CREATE INDEX access_keys_account ON access_keys (account_id);

CREATE TABLE organizations (
	id		TEXT PRIMARY KEY,
	root_id		TEXT NOT NULL UNIQUE,
	management_id	TEXT NOT NULL REFERENCES accounts (id),
	feature_set	TEXT NOT NULL,
	created_at	BIGINT NOT NULL,
	deleted_at	BIGINT
);
-- An account manages at most one live organization.
CREATE UNIQUE INDEX organizations_live ON organizations (management_id)
	WHERE deleted_at IS NULL;

-- Membership history: who paid for an account's every hour. An open row
-- (left_at IS NULL) means the account is a member now.
CREATE TABLE memberships (
	id		INTEGER PRIMARY KEY,
	account_id	TEXT NOT NULL REFERENCES accounts (id),
	org_id		TEXT NOT NULL REFERENCES organizations (id),
	payer_id	TEXT NOT NULL REFERENCES accounts (id),
	joined_at	BIGINT NOT NULL,
	joined_method	TEXT NOT NULL,
	left_at		BIGINT,
	left_method	TEXT,
	parent_id	TEXT NOT NULL,
	CHECK (left_at IS NULL OR left_at >= joined_at)
);
-- The store, not only the code, keeps an account in one organization at once.
CREATE UNIQUE INDEX memberships_open ON memberships (account_id)
	WHERE left_at IS NULL;
CREATE INDEX memberships_org ON memberships (org_id, account_id);
CREATE INDEX memberships_account ON memberships (account_id, joined_at);
