-- SPDX-License-Identifier: MIT
-- The web console's sessions and sign-in lockouts. Portable SQL (SQLite and
-- PostgreSQL). Times are real milliseconds since the epoch (clock_real_ms),
-- not the business clock: a session lives in wall-clock time.

-- A session as the server knows it: only the SHA-256 of the cookie's token
-- is kept, so a copy of the database does not let anyone sign in.
CREATE TABLE web_sessions (
	token_hash	TEXT PRIMARY KEY,
	account_id	TEXT NOT NULL REFERENCES accounts (id),
	csrf		TEXT NOT NULL,
	created_at	BIGINT NOT NULL,
	expires_at	BIGINT NOT NULL,
	last_seen	BIGINT NOT NULL,
	flash		TEXT
);
CREATE INDEX web_sessions_account ON web_sessions (account_id);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);

-- Failed sign-ins per e-mail (lowercased), for the lockout.
CREATE TABLE web_signin_failures (
	email		TEXT PRIMARY KEY,
	failures	INTEGER NOT NULL,
	last_failure_at	BIGINT NOT NULL,
	locked_until	BIGINT NOT NULL DEFAULT 0
);
