#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/invoice.sh [--rows N] [--customers N] [--accounts N]: one month of
# rollups for 2,000 customers owning 10,000 accounts (bench/gen_cur.c, the
# ingest benchmark's generator: CUR 2.0, payer 999999999999, 2026-10; every
# account a member of the payer's organization all month, 5 accounts per
# customer, every 10th customer in KRW with 10 % tax), a few pricing rules
# and custom items, then times: every draft invoice (payerlink invoice
# draft), the same again (nothing changed), and every PDF (invoice pdf
# --all). Goals: drafts < 2 s, PDFs < 20 s. $BENCH_DIR keeps the files.
set -eu
ROWS=2000000
CUSTOMERS=2000
ACCOUNTS=10000
while [ $# -gt 0 ]; do
	case "$1" in
	--rows) ROWS=$2; shift 2 ;;
	--customers) CUSTOMERS=$2; shift 2 ;;
	--accounts) ACCOUNTS=$2; shift 2 ;;
	*) echo "usage: bench/invoice.sh [--rows N] [--customers N] [--accounts N]" >&2
	   exit 2 ;;
	esac
done
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BIN=${PAYERLINK_BIN:-$ROOT/build/payerlink}
DIR=${BENCH_DIR:-$(mktemp -d /tmp/payerlink-invbench-XXXXXX)}
mkdir -p "$DIR"
CSV=$DIR/cur-$ROWS-$ACCOUNTS.csv
DB=$DIR/inv.db
cc -O2 -o "$DIR/gen_cur" "$HERE/gen_cur.c"
[ -s "$CSV" ] || "$DIR/gen_cur" "$ROWS" "$ACCOUNTS" > "$CSV"
rm -f "$DB" "$DB-wal" "$DB-shm"
"$BIN" db migrate --db "$DB" > /dev/null
/usr/bin/python3 - "$DB" "$CUSTOMERS" "$ACCOUNTS" <<'PY'
import sqlite3, sys
db, ncust, nacct = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
c = sqlite3.connect(db)
payer, t0 = "999999999999", 1788220800000      # 2026-09-01T00:00:00Z
c.execute("INSERT INTO accounts (id, email, name, created_at) VALUES (?, ?, ?, 0)",
          (payer, "msp@bench.example", "Bench MSP"))
c.execute("INSERT INTO organizations (id, root_id, management_id, feature_set, created_at) "
          "VALUES ('o-bench00001', 'r-bnch', ?, 'ALL', 0)", (payer,))
c.execute("INSERT INTO msp (id, account_id, name, address, public_url, gap_threshold_min, "
          "updated_at) VALUES (1, ?, 'Bench Cloud Partners', '1 Bench Street\nSeattle, WA', "
          "'http://127.0.0.1:8080', 15, 0)", (payer,))
for i in range(ncust):
    c.execute("INSERT INTO customers (id, name, contact_email, currency, tax_rate, created_at, "
              "updated_at) VALUES (?, ?, ?, ?, ?, 0, 0)",
              ("cus-b%09d" % i, "Bench Customer %d" % i, "billing%d@bench.example" % i,
               "KRW" if i % 10 == 0 else "USD", 100000 if i % 10 == 0 else 0))
for a in range(nacct):
    aid = "%012d" % a
    c.execute("INSERT INTO accounts (id, email, name, created_at) VALUES (?, ?, ?, 0)",
              (aid, "a%d@bench.example" % a, "bench %d" % a))
    c.execute("INSERT INTO memberships (account_id, org_id, payer_id, joined_at, joined_method, "
              "parent_id) VALUES (?, 'o-bench00001', ?, ?, 'INVITED', 'r-bnch')", (aid, payer, t0))
    c.execute("INSERT INTO customer_accounts (account_id, customer_id, since) VALUES (?, ?, 0)",
              (aid, "cus-b%09d" % (a % ncust)))
c.commit()
PY
"$BIN" ingest "$CSV" --json --db "$DB" > "$DIR/ingest.json"
"$BIN" fx set 2026-10 USD KRW 1387.25 --db "$DB" > /dev/null
"$BIN" pricing add --percent 5 --from 2026-01 --db "$DB" > /dev/null
"$BIN" pricing add --customer cus-b000000001 --percent -10 --from 2026-01 --db "$DB" > /dev/null
"$BIN" pricing add --service AmazonEC2 --percent 8 --from 2026-01 --db "$DB" > /dev/null
"$BIN" pricing item-add --customer cus-b000000002 --percent 3 --minimum 100 \
    --description Support --from 2026-01 --db "$DB" > /dev/null
ROLLUPS=$(/usr/bin/python3 -c "import json; print(json.load(open('$DIR/ingest.json'))['rollup_rows'])")
echo "rollups: $ROLLUPS rows ($ROWS CUR rows), $CUSTOMERS customers, $ACCOUNTS accounts"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) x $(nproc)"
t() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['Seconds'])" "$1"; }
"$BIN" invoice draft --period 2026-10 --json --db "$DB" > "$DIR/draft1.json"
"$BIN" invoice draft --period 2026-10 --json --db "$DB" > "$DIR/draft2.json"
rm -rf "$DIR/pdf" && mkdir -p "$DIR/pdf"
"$BIN" invoice pdf --period 2026-10 --all --dir "$DIR/pdf" --json --db "$DB" > "$DIR/pdf.json"
D1=$(t "$DIR/draft1.json"); D2=$(t "$DIR/draft2.json"); P=$(t "$DIR/pdf.json")
N=$(/usr/bin/python3 -c "import json; print(json.load(open('$DIR/draft1.json'))['Created'])")
PG=$(/usr/bin/python3 -c "import json; d=json.load(open('$DIR/pdf.json')); print(d['Documents'], d['Pages'])")
printf "drafts (created %s):        %6.2f s  (goal < 2 s)\n" "$N" "$D1"
printf "drafts again (unchanged):   %6.2f s\n" "$D2"
printf "PDFs (documents, pages: %s): %6.2f s  (goal < 20 s)\n" "$PG" "$P"
