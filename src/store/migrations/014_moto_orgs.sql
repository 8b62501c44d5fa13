-- SPDX-License-Identifier: MIT
-- What AWS (and the emulators people test against, moto first) show of an
-- organization beyond the first version (issue 21): the partition its ARNs
-- are in, the policy types of the current model, lists in the order things
-- were made, and policy types that are enabled only when asked for.
-- Portable SQL (SQLite and PostgreSQL).

-- The partition of the region the organization was created through:
-- arn:aws-cn:... for cn-north-1, arn:aws-iso-b:... for us-isob-east-1.
ALTER TABLE organizations ADD COLUMN arn_partition TEXT NOT NULL
	DEFAULT 'aws';

-- The 13 policy types of the newest model, and seq: the order the
-- organization's policies were created in (ListPolicies answers in it).
-- SQLite cannot change a CHECK in place, so the table is made again.
CREATE TABLE policies_new (
	id		TEXT PRIMARY KEY,
	org_id		TEXT NOT NULL REFERENCES organizations (id),
	policy_type	TEXT NOT NULL CHECK (policy_type IN (
			    'SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY',
			    'TAG_POLICY', 'BACKUP_POLICY',
			    'AISERVICES_OPT_OUT_POLICY', 'CHATBOT_POLICY',
			    'DECLARATIVE_POLICY_EC2', 'SECURITYHUB_POLICY',
			    'INSPECTOR_POLICY', 'UPGRADE_ROLLOUT_POLICY',
			    'BEDROCK_POLICY', 'S3_POLICY',
			    'NETWORK_SECURITY_DIRECTOR_POLICY')),
	name		TEXT NOT NULL,
	description	TEXT NOT NULL,
	content		TEXT NOT NULL,
	created_at	BIGINT NOT NULL,
	updated_at	BIGINT NOT NULL,
	seq		BIGINT NOT NULL
);
INSERT INTO policies_new (id, org_id, policy_type, name, description,
	content, created_at, updated_at, seq)
	SELECT p.id, p.org_id, p.policy_type, p.name, p.description,
	    p.content, p.created_at, p.updated_at, (SELECT count(*) FROM
	    policies q WHERE q.org_id = p.org_id AND (q.created_at <
	    p.created_at OR (q.created_at = p.created_at AND q.id <= p.id)))
	FROM policies p;
DROP TABLE policies;
ALTER TABLE policies_new RENAME TO policies;
-- DuplicatePolicyException: one name per organization.
CREATE UNIQUE INDEX policies_name ON policies (org_id, name);
CREATE UNIQUE INDEX policies_seq ON policies (org_id, seq);

-- OUs in the order they were made (ListOrganizationalUnitsForParent,
-- ListChildren).
ALTER TABLE org_units ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE org_units SET seq = (SELECT count(*) FROM org_units u WHERE
	u.org_id = org_units.org_id AND (u.created_at < org_units.created_at OR
	(u.created_at = org_units.created_at AND u.id <= org_units.id)));
CREATE UNIQUE INDEX org_units_seq ON org_units (org_id, seq);

-- Accounts in the order they joined: a membership's id grows with each
-- join (ListAccounts, ListAccountsForParent, ListChildren).
CREATE INDEX memberships_org_open_seq ON memberships (org_id, id)
	WHERE left_at IS NULL;
CREATE INDEX memberships_parent_open_seq ON memberships (org_id, parent_id,
	id) WHERE left_at IS NULL;

-- A new organization no longer has service control policies enabled until
-- EnablePolicyType asks (AWS's user guide: "Before you can create and
-- attach a policy to your organization, you must enable that policy type
-- for use."). Organizations made before showed SCPs enabled from their
-- first policy call on (the root's mark in policy_defaults); those whose
-- policies were never touched keep that behaviour: SCPs are enabled with
-- FullAWSAccess on the root now, and members get it as before.
INSERT INTO policy_types (org_id, policy_type)
	SELECT o.id, 'SERVICE_CONTROL_POLICY' FROM organizations o
	WHERE o.deleted_at IS NULL AND o.feature_set = 'ALL' AND NOT EXISTS
	    (SELECT 1 FROM policy_defaults d WHERE d.org_id = o.id AND
	    d.target_id = o.root_id) AND NOT EXISTS (SELECT 1 FROM
	    policy_types t WHERE t.org_id = o.id AND
	    t.policy_type = 'SERVICE_CONTROL_POLICY');
INSERT INTO policy_attachments (org_id, policy_id, policy_type, target_id,
	target_type)
	SELECT o.id, 'p-FullAWSAccess', 'SERVICE_CONTROL_POLICY', o.root_id,
	    'ROOT' FROM organizations o
	WHERE o.deleted_at IS NULL AND o.feature_set = 'ALL' AND NOT EXISTS
	    (SELECT 1 FROM policy_defaults d WHERE d.org_id = o.id AND
	    d.target_id = o.root_id) AND NOT EXISTS (SELECT 1 FROM
	    policy_attachments a WHERE a.org_id = o.id AND
	    a.policy_id = 'p-FullAWSAccess' AND a.target_id = o.root_id);
INSERT INTO policy_defaults (org_id, target_id)
	SELECT o.id, o.root_id FROM organizations o
	WHERE o.deleted_at IS NULL AND o.feature_set = 'ALL' AND NOT EXISTS
	    (SELECT 1 FROM policy_defaults d WHERE d.org_id = o.id AND
	    d.target_id = o.root_id);
