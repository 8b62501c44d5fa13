-- SPDX-License-Identifier: MIT
-- The logo invoice PDFs show: a PNG (libharu draws no SVG), for an MSP
-- whose logo on the pages is an SVG. Without one the PDF takes the
-- page logo when that is a PNG, else shows the brand's name alone.

ALTER TABLE msp_brand ADD COLUMN pdf_logo_type TEXT NOT NULL DEFAULT '';	-- image/png | ''
ALTER TABLE msp_brand ADD COLUMN pdf_logo TEXT NOT NULL DEFAULT '';	-- base64url of the file
