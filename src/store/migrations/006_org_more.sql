-- SPDX-License-Identifier: MIT
-- Organizations beyond invitations: OUs, created-account requests, account
-- closures, policies and their attachments, tags, delegated administrators,
-- trusted service access and the organization's resource policy.
-- Portable SQL (SQLite and PostgreSQL). Times are milliseconds since the epoch.
-- The AWS-managed policy p-FullAWSAccess is not a row (org/policy.c knows it);
-- its attachments are rows like any other.

CREATE TABLE org_units (
	id		TEXT PRIMARY KEY,
	org_id		TEXT NOT NULL REFERENCES organizations (id),
	parent_id	TEXT NOT NULL,
	name		TEXT NOT NULL,
	depth		INTEGER NOT NULL CHECK (depth BETWEEN 1 AND 5),
	created_at	BIGINT NOT NULL
);
-- DuplicateOrganizationalUnitException: one name per parent.
CREATE UNIQUE INDEX org_units_name ON org_units (parent_id, name);
CREATE INDEX org_units_org ON org_units (org_id, id);

-- CreateAccount requests. The outcome is decided when the request is made;
-- reads report IN_PROGRESS until completes_at (business clock).
CREATE TABLE create_account_requests (
	id		TEXT PRIMARY KEY,
	org_id		TEXT NOT NULL REFERENCES organizations (id),
	account_name	TEXT NOT NULL,
	email		TEXT NOT NULL,
	outcome		TEXT NOT NULL CHECK (outcome IN ('SUCCEEDED', 'FAILED')),
	account_id	TEXT,
	failure_reason	TEXT,
	requested_at	BIGINT NOT NULL,
	completes_at	BIGINT NOT NULL,
	CHECK ((outcome = 'SUCCEEDED' AND account_id IS NOT NULL) OR
	    (outcome = 'FAILED' AND failure_reason IS NOT NULL))
);
CREATE INDEX create_account_requests_org ON create_account_requests (org_id, id);

-- CloseAccount: PENDING_CLOSURE until suspends_at, then SUSPENDED.
CREATE TABLE account_closures (
	account_id	TEXT PRIMARY KEY REFERENCES accounts (id),
	org_id		TEXT NOT NULL REFERENCES organizations (id),
	requested_at	BIGINT NOT NULL,
	suspends_at	BIGINT NOT NULL
);
CREATE INDEX account_closures_org ON account_closures (org_id, requested_at);

CREATE TABLE policies (
	id		TEXT PRIMARY KEY,
	org_id		TEXT NOT NULL REFERENCES organizations (id),
	policy_type	TEXT NOT NULL CHECK (policy_type IN ('SERVICE_CONTROL_POLICY',
			    'TAG_POLICY', 'BACKUP_POLICY', 'AISERVICES_OPT_OUT_POLICY')),
	name		TEXT NOT NULL,
	description	TEXT NOT NULL,
	content		TEXT NOT NULL,
	created_at	BIGINT NOT NULL,
	updated_at	BIGINT NOT NULL
);
-- DuplicatePolicyException: one name per organization.
CREATE UNIQUE INDEX policies_name ON policies (org_id, name);

CREATE TABLE policy_attachments (
	org_id		TEXT NOT NULL REFERENCES organizations (id),
	policy_id	TEXT NOT NULL,
	policy_type	TEXT NOT NULL,
	target_id	TEXT NOT NULL,
	target_type	TEXT NOT NULL CHECK (target_type IN ('ROOT',
			    'ORGANIZATIONAL_UNIT', 'ACCOUNT')),
	PRIMARY KEY (org_id, policy_id, target_id)
);
CREATE INDEX policy_attachments_target ON policy_attachments (org_id, target_id);

-- Policy types enabled on an organization's root.
CREATE TABLE policy_types (
	org_id		TEXT NOT NULL REFERENCES organizations (id),
	policy_type	TEXT NOT NULL,
	PRIMARY KEY (org_id, policy_type)
);
-- Targets that have had the default SCP (FullAWSAccess) given once: the
-- root when the organization's policies are first touched, accounts that
-- joined since.
CREATE TABLE policy_defaults (
	org_id		TEXT NOT NULL REFERENCES organizations (id),
	target_id	TEXT NOT NULL,
	PRIMARY KEY (org_id, target_id)
);

-- Tags on accounts, roots, OUs and policies, per organization.
CREATE TABLE org_tags (
	org_id		TEXT NOT NULL REFERENCES organizations (id),
	resource_id	TEXT NOT NULL,
	tag_key		TEXT NOT NULL,
	tag_value	TEXT NOT NULL,
	PRIMARY KEY (org_id, resource_id, tag_key)
);

CREATE TABLE delegated_admins (
	org_id		TEXT NOT NULL REFERENCES organizations (id),
	account_id	TEXT NOT NULL REFERENCES accounts (id),
	service_principal TEXT NOT NULL,
	enabled_at	BIGINT NOT NULL,
	PRIMARY KEY (org_id, account_id, service_principal)
);
CREATE INDEX delegated_admins_service ON delegated_admins (org_id, service_principal);

CREATE TABLE service_access (
	org_id		TEXT NOT NULL REFERENCES organizations (id),
	service_principal TEXT NOT NULL,
	enabled_at	BIGINT NOT NULL,
	PRIMARY KEY (org_id, service_principal)
);

CREATE TABLE resource_policies (
	org_id		TEXT PRIMARY KEY REFERENCES organizations (id),
	id		TEXT NOT NULL UNIQUE,
	content		TEXT NOT NULL,
	updated_at	BIGINT NOT NULL
);
