#!/bin/sh
# SPDX-License-Identifier: MIT
# The browser tests: playwright-core (npm, no browser download) driving
# Debian's /usr/bin/chromium headless against payerlink servers the tests
# start themselves. PAYERLINK_BIN picks the binary (default build/payerlink).
# Ends with one line: "N passed, N failed".
cd "$(dirname "$0")" || exit 1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PAYERLINK_BIN="${PAYERLINK_BIN:-build/payerlink}"
# npm ls fails when playwright-core is missing or not the version the lock
# file asks for (1.61: the last for Node.js 18, Debian 12's).
if ! npm ls playwright-core >/dev/null 2>&1; then
	if [ -f package-lock.json ]; then
		npm ci --no-audit --no-fund >&2 || npm install --no-audit --no-fund >&2
	else
		npm install --no-audit --no-fund >&2
	fi
fi
if [ ! -x /usr/bin/chromium ]; then
	SUDO=
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	$SUDO apt-get install -y chromium >&2 ||
	    { $SUDO apt-get update >&2 && $SUDO apt-get install -y chromium >&2; }
fi
mkdir -p screenshots
out=$(mktemp)
node --test --test-reporter=spec --test-concurrency=1 ${1:+"$@"} \
    $( [ $# -eq 0 ] && ls ./*.test.mjs ) 2>&1 | tee "$out"
pass=$(grep -E '^ℹ pass [0-9]+' "$out" | tail -1 | grep -Eo '[0-9]+')
fail=$(grep -E '^ℹ fail [0-9]+' "$out" | tail -1 | grep -Eo '[0-9]+')
rm -f "$out"
echo "${pass:-0} passed, ${fail:-1} failed"
[ "${fail:-1}" -eq 0 ] && [ "${pass:-0}" -gt 0 ]
