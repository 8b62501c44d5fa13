-- SPDX-License-Identifier: MIT
-- Sign-in rate limits (issue 24): attempts in the current window per
-- client address ('addr:' and the address) and for everyone ('*'). An
-- attempt is counted, in one write transaction with the e-mail's failure
-- count (web_signin_failures), before its password is checked, so that
-- parallel attempts cannot all pass the check; a successful one is
-- taken back. Real time in milliseconds.
CREATE TABLE signin_limits (
	key		TEXT PRIMARY KEY,
	window_start	BIGINT NOT NULL,
	attempts	BIGINT NOT NULL
);
