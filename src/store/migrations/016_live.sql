-- SPDX-License-Identifier: MIT
-- Live mode (docs/live.md): the installation drives the MSP's real AWS
-- organization. One row when the database is live; none when it is
-- emulated (payerlink's own organizations). A database is one or the
-- other, never both: `msp connect` refuses a database that holds emulated
-- organizations, `serve --emulator` refuses a live one.
--
-- The mirror of the MSP's organization (its accounts, memberships with
-- AWS's JoinedTimestamp, handshakes, OUs) lives in the organization tables
-- themselves, written only by the sync; this row says where it comes from
-- and how the last sync went.
CREATE TABLE live_org (
--sqlite: 	id		INTEGER PRIMARY KEY CHECK (id = 1),
--pg: 	id		BIGINT PRIMARY KEY CHECK (id = 1),
	org_id		TEXT NOT NULL,
	management_id	TEXT NOT NULL,
	profile		TEXT NOT NULL DEFAULT '',
	region		TEXT NOT NULL DEFAULT '',
	connected_at	BIGINT NOT NULL,
	-- The last sync tried, the last that succeeded, and why the last
	-- one failed ('' when it succeeded).
	sync_tried_at	BIGINT NOT NULL DEFAULT 0,
	sync_ok_at	BIGINT NOT NULL DEFAULT 0,
	sync_error	TEXT NOT NULL DEFAULT '',
	accounts	BIGINT NOT NULL DEFAULT 0,
	handshakes	BIGINT NOT NULL DEFAULT 0
);

-- Cost deliveries imported from S3 (ingest s3://..., serve --import-s3):
-- a source (s3://bucket/key of a manifest, or of a folder of plain files)
-- is imported once per version (its ETag, or a digest of its files'
-- ETags), so a delivery that changes is imported again and one that does
-- not is not even read.
CREATE TABLE import_sources (
	source		TEXT NOT NULL,
	version		TEXT NOT NULL,
	import_id	BIGINT NOT NULL DEFAULT 0,
	imported_at	BIGINT NOT NULL,
	PRIMARY KEY (source, version)
);
