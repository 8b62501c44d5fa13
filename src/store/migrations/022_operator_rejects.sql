-- SPDX-License-Identifier: MIT
-- Issue 19 and 23: the onboarding operator role, and the rejected rows an
-- import lists, kept for the console.

-- The onboarding operator: an MSP staff role that changes the onboarding
-- desk and the customers and reads the rest (docs/live.md, "People, not
-- root users"; portal/user.c holds what each role may do).
--
-- SQLite cannot change a CHECK in place, so there the table is made again,
-- and portal_sessions (which references it) after it, so that the tables
-- stay in parents-first order for `payerlink db export`. PostgreSQL
-- replaces the constraint by name.
--sqlite: CREATE TABLE portal_sessions_old AS SELECT * FROM portal_sessions;
--sqlite: DROP TABLE portal_sessions;
--sqlite: CREATE TABLE portal_users_old AS SELECT * FROM portal_users;
--sqlite: DROP TABLE portal_users;
--sqlite: CREATE TABLE portal_users (
--sqlite: 	id		TEXT PRIMARY KEY,
--sqlite: 	email		TEXT NOT NULL UNIQUE,
--sqlite: 	password_hash	TEXT NOT NULL,
--sqlite: 	customer_id	TEXT NOT NULL,
--sqlite: 	role		TEXT NOT NULL,
--sqlite: 	created_at	BIGINT NOT NULL,
--sqlite: 	CHECK (role IN ('customer', 'admin', 'operator', 'billing',
--sqlite: 	    'read-only')),
--sqlite: 	CHECK ((role = 'customer') = (customer_id <> ''))
--sqlite: );
--sqlite: INSERT INTO portal_users (id, email, password_hash, customer_id, role,
--sqlite: 	created_at) SELECT id, email, password_hash, customer_id, role,
--sqlite: 	created_at FROM portal_users_old;
--sqlite: CREATE INDEX portal_users_customer ON portal_users (customer_id);
--sqlite: CREATE TABLE portal_sessions (
--sqlite: 	token_hash	TEXT PRIMARY KEY,
--sqlite: 	user_id		TEXT NOT NULL REFERENCES portal_users (id)
--sqlite: );
--sqlite: INSERT INTO portal_sessions (token_hash, user_id)
--sqlite: 	SELECT token_hash, user_id FROM portal_sessions_old;
--sqlite: DROP TABLE portal_users_old;
--sqlite: DROP TABLE portal_sessions_old;
--pg: ALTER TABLE portal_users DROP CONSTRAINT portal_users_role_check;
--pg: ALTER TABLE portal_users ADD CONSTRAINT portal_users_role_check
--pg: 	CHECK (role IN ('customer', 'admin', 'operator', 'billing',
--pg: 	    'read-only'));

-- The rejected rows of an import as the ingest listed them (the first
-- INGEST_REJECTS_LISTED, as the CLI prints them): file, line, column and
-- why, for the console's import page. seq is their order.
CREATE TABLE billing_import_rejects (
	import_id	BIGINT NOT NULL,
	seq		BIGINT NOT NULL,
	file		TEXT NOT NULL,
	line		BIGINT NOT NULL,
	col		BIGINT NOT NULL,		-- 1-based, 0: none
	column_name	TEXT NOT NULL,
	why		TEXT NOT NULL,
	PRIMARY KEY (import_id, seq)
);
