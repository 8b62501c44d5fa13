-- SPDX-License-Identifier: MIT
-- Reads that must not walk the whole membership history, which grows
-- with every join and leave: an organization's members now (ListAccounts,
-- ListAccountsForParent, the member count, the policy sync) and the
-- memberships an import attributes its hours by (one payer, one month).
CREATE INDEX memberships_org_open ON memberships (org_id, account_id)
	WHERE left_at IS NULL;
CREATE INDEX memberships_parent_open ON memberships (org_id, parent_id,
	account_id) WHERE left_at IS NULL;
CREATE INDEX memberships_payer ON memberships (payer_id, joined_at);
