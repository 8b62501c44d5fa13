-- SPDX-License-Identifier: MIT
-- The PNG an issued document's PDF shows, frozen at issue like the brand's
-- name and colour (019_brand.sql): each distinct logo is stored once,
-- under its SHA-256, and every document issued with it points there. A
-- draft points nowhere: it shows the MSP's logo of the day.

CREATE TABLE invoice_logos (
	digest		TEXT PRIMARY KEY,	-- SHA-256 of the PNG, hex
	png		TEXT NOT NULL		-- base64url of the file
);

-- NULL: no logo (or a draft). Deferred, so an import may load the
-- invoices before the logos (tables go in creation order).
ALTER TABLE invoices ADD COLUMN logo TEXT REFERENCES invoice_logos (digest)
	DEFERRABLE INITIALLY DEFERRED;

-- Until now every document's PDF showed the MSP's current PDF logo
-- (025_pdf_logo.sql): those already issued keep that one, under a key no
-- SHA-256 has (SQL has no SHA-256 on SQLite).
INSERT INTO invoice_logos (digest, png)
	SELECT 'issued-before-027', CASE WHEN pdf_logo_type <> '' THEN pdf_logo
	    ELSE logo END
	FROM msp_brand
	WHERE pdf_logo_type <> '' OR logo_type = 'image/png';
UPDATE invoices SET logo = 'issued-before-027'
	WHERE state <> 'DRAFT' AND EXISTS (SELECT 1 FROM invoice_logos);
