#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/soak.sh: the mixed soak of issue 11 on loopback. 80 % reads
# (DescribeOrganization, ListAccounts, console pages, Cost Explorer), 20 %
# writes (invitations, accepts, declines, leaves, small CUR uploads) for
# DURATION (default 10 minutes) at the highest rate the machine sustains
# with p99 < 50 ms (stepped up first, 10 s a step, unless --rate is given).
# Prints throughput, latency percentiles, the server's RSS (at start, every
# 30 s, at end), its own account of its memory (SIGUSR1) at start and end,
# its open file descriptors at start and end, and errors
# (exit 1 unless 0). The server runs with --emulator only so the driver can
# move the business clock past the 20-invitations-a-day limit;
# authentication is the real SigV4 check.
#
#   bench/soak.sh [--duration SECONDS] [--rate N] [--step-seconds S] [--pool N]
#                 [--warmup SECONDS (default 60, at the soak's rate, before RSS "at start")]
#                 [--only describe|list|page|ce|invite|answer|leave|import]
# PAYERLINK_BIN picks the binary, PAYERLINK_SERVE_FLAGS adds serve flags.
set -eu
cd "$(dirname "$0")/.."
BIN=${PAYERLINK_BIN:-build/payerlink}
[ -x "$BIN" ] || make -s all
TMP=$(mktemp -d /tmp/payerlink-soak.XXXXXX)
DB=$TMP/soak.db
"$BIN" serve --db "$DB" --listen 127.0.0.1:0 --emulator ${PAYERLINK_SERVE_FLAGS:-} >"$TMP/out" 2>"$TMP/server.log" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do
	grep -q listening "$TMP/out" 2>/dev/null && break
	sleep 0.1
done
URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$TMP/out")
echo "server $URL pid $PID, $(nproc) cores, binary $BIN"
/usr/bin/python3 bench/soak.py "$URL" "$DB" "$BIN" "$PID" "$@"
