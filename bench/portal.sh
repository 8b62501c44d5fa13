#!/bin/sh
# SPDX-License-Identifier: MIT
# Billing portal and Cost Explorer speed: a customer with 200 accounts and
# 13 months of daily rollups (4 services a day each, about 320,000 rollup
# rows); every portal page and Cost Explorer query is timed (20 runs, after
# one warm-up) and printed with p50/p99. Goal: every one under 100 ms.
# Usage: bench/portal.sh [BIN] (default build/payerlink).
cd "$(dirname "$0")/.." || exit 1
export PAYERLINK_BIN="${1:-${PAYERLINK_BIN:-build/payerlink}}"
exec /usr/bin/python3 bench/portal.py
