#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/hourly.sh [--rows N] [--accounts A]: hourly and resource-level data's
# cost (docs/billing.md "Hourly and resource-level data"). Generates a CUR
# 2.0 CSV with bench/gen_cur (default 1,000,000 rows, 2,000 accounts;
# GEN_CUR_RESOURCES=N is passed on) in $BENCH_DIR (or a temp dir), then
# ingests it $REPS times (default 3) into a new SQLite database whose MSP
# keeps hourly data, the business clock at 2026-11-01T00:00Z (the month's
# last 14 days in the window). Prints each run's seconds (total, parse,
# store) and the rolling store's rows and bytes (dbstat, both indexes).
set -eu
ROWS=1000000
ACCTS=2000
REPS=${REPS:-3}
while [ $# -gt 0 ]; do
	case "$1" in
	--rows) ROWS=$2; shift 2 ;;
	--accounts) ACCTS=$2; shift 2 ;;
	*) echo "usage: bench/hourly.sh [--rows N] [--accounts A]" >&2; exit 2 ;;
	esac
done
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${PAYERLINK_BIN:-$(dirname "$HERE")/build/payerlink}
DIR=${BENCH_DIR:-$(mktemp -d /tmp/payerlink-bench-XXXXXX)}
mkdir -p "$DIR"
CSV=$DIR/cur-$ROWS-$ACCTS-${GEN_CUR_RESOURCES:-0}.csv
DB=$DIR/hourly.db
cc -O2 -o "$DIR/gen_cur" "$HERE/gen_cur.c"
[ -s "$CSV" ] || "$DIR/gen_cur" "$ROWS" "$ACCTS" > "$CSV"
cat "$CSV" > /dev/null
for i in $(seq "$REPS"); do
	rm -f "$DB" "$DB-wal" "$DB-shm"
	"$BIN" init --db "$DB" > /dev/null 2>&1
	sqlite3 "$DB" "INSERT INTO accounts (id, email, name, created_at)
	    VALUES ('999999999999', 'msp@bench.example', 'Bench MSP', 0);
	    INSERT INTO organizations (id, root_id, management_id, feature_set,
	    created_at) VALUES ('o-bench00001', 'r-bnch', '999999999999',
	    'ALL', 0);
	    INSERT INTO msp (id, account_id, name, public_url, updated_at,
	    hourly_resource_data) VALUES (1, '999999999999', 'Bench',
	    'http://127.0.0.1:8080', 0, 1);
	    INSERT INTO meta (key, value) VALUES ('clock_offset_ms',
	    '$((1793491200000 - $(date +%s) * 1000))')"
	"$BIN" ingest "$CSV" --db "$DB" --json > "$DIR/hourly.json"
	python3 -c "import json; d = json.load(open('$DIR/hourly.json'))
print('run $i: %.2f s (parse %.2f, store %.2f)' % (d['seconds'],
      d['parse_seconds'], d['store_seconds']))"
done
sqlite3 "$DB" "SELECT 'hourly rows', count(*), 'of which day rows',
    sum(hour = 24) FROM billing_hourly;
    SELECT 'bytes', sum(pgsize) FROM dbstat WHERE name LIKE 'billing_hourly%'"
