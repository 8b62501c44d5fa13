-- SPDX-License-Identifier: MIT
-- A webhook's body is rendered from its alert when it is sent (by the REST
-- layer, which owns the JSON), not stored: the alert's fields never change,
-- so every retry sends the same bytes and the same signature.
ALTER TABLE webhook_deliveries DROP COLUMN body;
