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

-- Cost files watched in S3 (serve --import-s3, ingest s3://): each object
-- imported once per ETag, so a delivery that changes is imported again.
CREATE TABLE live_s3_imports (
	bucket		TEXT NOT NULL,
	object_key	TEXT NOT NULL,
	etag		TEXT NOT NULL,
	import_id	TEXT NOT NULL DEFAULT '',
	imported_at	BIGINT NOT NULL,
	PRIMARY KEY (bucket, object_key, etag)
);
