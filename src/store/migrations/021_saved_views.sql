-- SPDX-License-Identifier: MIT
-- Saved views of the portal's cost analysis (web/portal_pages.c): a name
-- and the page's query string (range, granularity, group-by, filters),
-- per person: a portal user's id, or the account id of the MSP signed in
-- to the console. Nobody else sees or deletes them.
CREATE TABLE portal_views (
	id		TEXT PRIMARY KEY,		-- vw- + 10
	owner		TEXT NOT NULL,
	name		TEXT NOT NULL,
	query		TEXT NOT NULL,
	created_at	BIGINT NOT NULL,
	UNIQUE (owner, name)
);
