-- SPDX-License-Identifier: MIT
-- A running import holds a lease (docs/billing.md "Versions"): its owner is
-- a random id of the writing process, renewed by a heartbeat until
-- lease_until (the database's clock, ms). Another process may take the
-- import over for cleanup only once the lease ran out (or, on the same
-- host and PID namespace, once owner_proc's process is gone); a pid alone
-- said nothing across hosts or PID namespaces.
ALTER TABLE billing_imports ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE billing_imports ADD COLUMN owner_host TEXT NOT NULL DEFAULT '';
-- "boot id:pid namespace:pid:start time", or '' where /proc cannot say.
ALTER TABLE billing_imports ADD COLUMN owner_proc TEXT NOT NULL DEFAULT '';
ALTER TABLE billing_imports ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;

-- One running import per delivery: the same bytes sent twice at once are
-- imported once. Imports left running twice by the old rules (an overlap
-- and a crash) would keep the index from being made: the older ones fail.
DELETE FROM billing_rollups WHERE import_id IN (SELECT a.id FROM
	billing_imports a WHERE a.status = 'running' AND EXISTS (SELECT 1 FROM
	billing_imports b WHERE b.status = 'running' AND b.payer_id =
	a.payer_id AND b.period = a.period AND b.digest = a.digest AND b.id >
	a.id));
UPDATE billing_imports SET status = 'failed', finished_at = started_at
	WHERE status = 'running' AND EXISTS (SELECT 1 FROM billing_imports b
	WHERE b.status = 'running' AND b.payer_id = billing_imports.payer_id
	AND b.period = billing_imports.period AND b.digest =
	billing_imports.digest AND b.id > billing_imports.id);
CREATE UNIQUE INDEX billing_imports_running_digest ON billing_imports
	(payer_id, period, digest) WHERE status = 'running';
