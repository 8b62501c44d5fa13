-- SPDX-License-Identifier: MIT
-- Billing transfer (Organizations "responsibility transfer", issue 20): a
-- management account (the target, who pays: the MSP) invites another
-- organization's management account (the source) with a
-- TRANSFER_RESPONSIBILITY handshake; once accepted, from start_at (00:00
-- UTC on the first of a month) to end_at (23:59:59.999 on the last day of
-- the month a termination names) the target pays the source
-- organization's consolidated bill. The source keeps its organization.
-- Portable SQL (SQLite and PostgreSQL). Times are milliseconds since the epoch.
--
-- A transfer outlives its handshake (purged 30 days after it ended), so
-- handshake_id is a plain column, not a foreign key. The invited party is
-- kept as the handshake names it (invite_type, invite_id); source_mgmt_id
-- is the account that answers: fixed at acceptance, known before when the
-- invitation names an account id.

CREATE TABLE responsibility_transfers (
	id		TEXT PRIMARY KEY,
	type		TEXT NOT NULL CHECK (type IN ('BILLING')),
	name		TEXT NOT NULL,
	status		TEXT NOT NULL CHECK (status IN ('REQUESTED', 'DECLINED',
			    'CANCELED', 'EXPIRED', 'ACCEPTED', 'WITHDRAWN')),
	target_org_id	TEXT NOT NULL REFERENCES organizations (id),
	target_mgmt_id	TEXT NOT NULL REFERENCES accounts (id),
	invite_type	TEXT NOT NULL CHECK (invite_type IN ('ACCOUNT',
			    'EMAIL')),
	invite_id	TEXT NOT NULL,
	source_mgmt_id	TEXT,
	source_org_id	TEXT,
	start_at	BIGINT NOT NULL,
	end_at		BIGINT,
	handshake_id	TEXT NOT NULL UNIQUE,
	expires_at	BIGINT NOT NULL,
	created_at	BIGINT NOT NULL,
	updated_at	BIGINT NOT NULL,
	-- An accepted transfer knows its source; a withdrawn one its end.
	CHECK (status NOT IN ('ACCEPTED', 'WITHDRAWN') OR
	    (source_mgmt_id IS NOT NULL AND source_org_id IS NOT NULL)),
	CHECK (status <> 'WITHDRAWN' OR end_at IS NOT NULL)
);
-- One transfer in force per source organization: REQUESTED invitations
-- are checked by the domain (an e-mail target has no source yet).
CREATE UNIQUE INDEX responsibility_transfers_one_source ON
	responsibility_transfers (source_mgmt_id) WHERE status = 'ACCEPTED';
CREATE INDEX responsibility_transfers_target ON responsibility_transfers
	(target_mgmt_id, id);
CREATE INDEX responsibility_transfers_source ON responsibility_transfers
	(source_mgmt_id, id);
CREATE INDEX responsibility_transfers_invite ON responsibility_transfers
	(lower(invite_id), id);

-- The desk's route for an onboarding, when it is not 'invite'
-- (InviteAccountToOrganization: the account joins the MSP's organization):
-- 'billing-transfer' (case 3: the customer's organization stays, its bill
-- moves; transfer_id names the transfer, onboardings.handshake_id its
-- invitation). A table of its own beside onboardings: no row is 'invite'.
CREATE TABLE onboarding_routes (
	onboarding_id	TEXT PRIMARY KEY REFERENCES onboardings (id),
	route		TEXT NOT NULL CHECK (route IN ('invite',
			    'billing-transfer')),
	transfer_id	TEXT NOT NULL DEFAULT '',
	start_at	BIGINT NOT NULL DEFAULT 0
);
