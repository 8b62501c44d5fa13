#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/ingest.sh [--rows N]: generates a CUR 2.0 CSV (default 5,000,000
# rows, ~2.4 GB) and its gzip copy in $BENCH_DIR (or a temp dir), then
# times on the same files: payerlink ingest (plain, gzip; 2 threads and 1;
# a re-delivery replacing the month's current version),
# DuckDB (npm @duckdb/node-api) running the same GROUP BY over read_csv with
# 1 and 2 threads, and a memchr floor. One-thread runs are pinned to one
# CPU with taskset. Prints MB/s, rows/s, payerlink's
# ratio to DuckDB and payerlink's peak RSS. Needs npm for DuckDB (skipped
# without it). Files are read once first so every run sees a warm cache.
# PostgreSQL column: the payerlink runs again into PostgreSQL, on
# $PAYERLINK_BENCH_PG (a base libpq conninfo, key=value; a database is
# created and dropped per run) or else on a throw-away cluster from
# tools/pg-test-cluster.sh (stopped at exit); skipped when neither works.
# The table at the end puts SQLite and PostgreSQL side by side.
# Parquet column: the same CSV written as Parquet by DuckDB (snappy and
# zstd, bench/parquet.mjs), ingested by payerlink with 1 and 2 threads
# beside DuckDB's GROUP BY over read_parquet; --parquet-only runs that
# alone (with npm; skipped without it). Each Parquet figure is the best of
# $REPS runs (default 3), payerlink's by parse time, DuckDB's by its time.
set -eu
ROWS=5000000
ONLY=
REPS=${REPS:-3}
while [ $# -gt 0 ]; do
	case "$1" in
	--rows) ROWS=$2; shift 2 ;;
	--parquet-only) ONLY=parquet; shift ;;
	*) echo "usage: bench/ingest.sh [--rows N] [--parquet-only]" >&2; exit 2 ;;
	esac
done
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BIN=${PAYERLINK_BIN:-$ROOT/build/payerlink}
DIR=${BENCH_DIR:-$(mktemp -d /tmp/payerlink-bench-XXXXXX)}
mkdir -p "$DIR"
CSV=$DIR/cur-$ROWS.csv
GZ=$CSV.gz
cc -O2 -o "$DIR/gen_cur" "$HERE/gen_cur.c"
cc -O2 -o "$DIR/floor" "$HERE/floor.c"
if [ ! -s "$CSV" ]; then
	echo "generating $ROWS rows..."
	"$DIR/gen_cur" "$ROWS" > "$CSV"
fi
[ -s "$GZ" ] || gzip -c "$CSV" > "$GZ"
cat "$CSV" "$GZ" > /dev/null
SIZE=$(stat -c %s "$CSV")
GSIZE=$(stat -c %s "$GZ")
echo "file: $CSV  $ROWS rows  $SIZE bytes (gzip $GSIZE bytes)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) x $(nproc)"

line() {	# name seconds [rss_kb]
	awk -v n="$1" -v s="$2" -v b="$SIZE" -v r="$ROWS" -v m="${3:-}" 'BEGIN {
	    printf "%-34s %7.2f s %8.0f MB/s %10.0f rows/s %s\n", n, s,
	    b / s / 1e6, r / s, m != "" ? sprintf("peak RSS %.0f MB", m / 1024) : "" }'
}

# One-thread runs are pinned to one CPU, so "one core" is literal.
cores() {	# threads -> the command prefix
	[ "$1" = 1 ] && echo "taskset -c 0" || true
}

pl() {	# name file threads [conninfo] -> prints seconds
	db=${4:-$DIR/b.db}
	rm -f "$DIR/b.db" "$DIR/b.db-wal" "$DIR/b.db-shm"
	/usr/bin/time -v -o "$DIR/time.txt" $(cores "$3") "$BIN" ingest "$2" --threads "$3" \
	    --json --db "$db" > "$DIR/out.json" 2> "$DIR/err.txt" || {
		cat "$DIR/err.txt" >&2; exit 1; }
	s=$(python3 -c "import json; print(json.load(open('$DIR/out.json'))['seconds'])")
	python3 -c "import json; d=json.load(open('$DIR/out.json')); print(d['parse_seconds'], d['store_seconds'], d['rollup_rows'])" > "$DIR/$1.d"
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/time.txt")
	line "$1" "$s" "$rss"
	echo "$s" > "$DIR/$1.s"
}

parquet_column() {
	command -v npm > /dev/null 2>&1 || { echo "npm not found: Parquet column skipped"; return 0; }
	if [ ! -d "$HERE/node_modules/@duckdb/node-api" ]; then
		(cd "$HERE" && npm install --no-save --no-audit --no-fund @duckdb/node-api > /dev/null)
	fi
	echo
	echo "Parquet (DuckDB-written from the CSV; seconds of the whole ingest,"
	echo "parse = reading and rolling up, store = writing the version)"
	for z in snappy zstd; do
		PQ=$DIR/cur-$ROWS.$z.parquet
		[ -s "$PQ" ] || node "$HERE/parquet.mjs" "$CSV" "$PQ" "$z"
		cat "$PQ" > /dev/null
		echo "  $PQ: $(stat -c %s "$PQ") bytes"
		for t in 1 2; do
			# Best of $REPS for both: one run on a shared 2-core
			# machine is noise.
			best= d=
			for i in $(seq "$REPS"); do
				pl "payerlink-$z-$t" "$PQ" "$t" > /dev/null
				p=$(cut -d' ' -f1 "$DIR/payerlink-$z-$t.d")
				if [ -z "$best" ] || awk -v a="$p" -v b="$best" 'BEGIN { exit !(a < b) }'; then
					best=$p
					cp "$DIR/payerlink-$z-$t.d" "$DIR/best.d"
					cp "$DIR/payerlink-$z-$t.s" "$DIR/best.s"
					cp "$DIR/time.txt" "$DIR/best.time"
				fi
				o=$($(cores $t) node "$HERE/duckdb.mjs" "$PQ" "$t")
				if [ -z "$d" ] || awk -v a="${o% *}" -v b="${d% *}" 'BEGIN { exit !(a < b) }'; then
					d=$o
				fi
			done
			cp "$DIR/best.s" "$DIR/payerlink-$z-$t.s"
			set -- $(cat "$DIR/best.d")
			rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/best.time")
			awk -v n="$z, $t thread(s)" -v s="$(cat "$DIR/payerlink-$z-$t.s")" \
			    -v p="$1" -v st="$2" -v d="${d% *}" -v g="${d#* }" -v g2="$3" -v m="$rss" 'BEGIN {
			    printf "  %-22s payerlink %5.2f s (parse %5.2f, store %5.2f; peak RSS %3.0f MB) | duckdb %5.2f s | parse / duckdb %.2fx, total / duckdb %.2fx%s\n",
			    n, s, p, st, m / 1024, d, d / p, d / s, (g == g2 ? "" : "  GROUPS DIFFER") }'
		done
	done
}
if [ "$ONLY" = parquet ]; then
	parquet_column
	exit 0
fi

# PostgreSQL: a base conninfo, or a throw-away cluster.
PG=${PAYERLINK_BENCH_PG:-}
PG_CLUSTER=
cleanup() {
	[ -z "$PG_CLUSTER" ] || "$ROOT/tools/pg-test-cluster.sh" stop "$PG_CLUSTER"
	[ -n "${BENCH_DIR:-}" ] || rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -z "$PG" ]; then
	if env_pg=$("$ROOT/tools/pg-test-cluster.sh" start 2> "$DIR/pg.log"); then
		PG=$(echo "$env_pg" | sed -n "s/^PAYERLINK_TEST_PG='\(.*\)'$/\1/p")
		PG_CLUSTER=$(echo "$env_pg" | sed -n 's/^PAYERLINK_PG_CLUSTER=//p')
	else
		cat "$DIR/pg.log" >&2
	fi
fi
pgdb=0
plpg() {	# name file threads: pl into a fresh PostgreSQL database
	pgdb=$((pgdb + 1))
	name=payerlink_bench_$$_$pgdb
	psql "$PG" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $name" > /dev/null
	pl "$@" "$PG dbname=$name"
	psql "$PG" -q -c "DROP DATABASE $name" > /dev/null
}

echo
echo "(MB/s are of the uncompressed CSV for every row)"
S=$( { /usr/bin/time -f %e "$DIR/floor" "$CSV" > /dev/null; } 2>&1 )
line "floor: memchr ',' and '\\n', 1 core" "$S"
pl payerlink-plain-2 "$CSV" 2
pl payerlink-plain-1 "$CSV" 1
pl payerlink-gzip-2 "$GZ" 2
pl payerlink-gzip-1 "$GZ" 1
python3 -c "import json; d=json.load(open('$DIR/out.json')); print('  (gzip, 1 thread: parse %.2f s, store %.2f s, %d rollup rows)' % (d['parse_seconds'], d['store_seconds'], d['rollup_rows']))"
# Re-delivery: the plain file into the database that holds the gzip import
# of the same payer and month (another digest): it replaces that version.
"$BIN" ingest "$CSV" --threads 2 --json --db "$DIR/b.db" > "$DIR/out.json" \
    2> "$DIR/err.txt" || { cat "$DIR/err.txt" >&2; exit 1; }
set -- $(python3 -c "import json; d=json.load(open('$DIR/out.json')); print(d['seconds'], d['replaced_import_id'] or 0, d['store_seconds'])")
[ "$2" != 0 ] || { echo "re-delivery did not replace the previous version" >&2; exit 1; }
line "payerlink re-delivery, 2 threads" "$1"
awk -v a="$1" -v b="$(cat "$DIR/payerlink-plain-2.s")" -v st="$3" 'BEGIN {
    printf "  (replaces import %s; %.2fx the time of the first import; store %.2f s)\n", "'"$2"'", a / b, st }'
if [ -n "$PG" ]; then
	echo "postgresql: $PG${PG_CLUSTER:+ (throw-away cluster $PG_CLUSTER)}"
	plpg payerlink-plain-2-pg "$CSV" 2
	plpg payerlink-plain-1-pg "$CSV" 1
	plpg payerlink-gzip-2-pg "$GZ" 2
	plpg payerlink-gzip-1-pg "$GZ" 1
	echo
	echo "payerlink ingest, SQLite | PostgreSQL (total s; store s of it; rollup rows/s stored)"
	for k in plain-2 plain-1 gzip-2 gzip-1; do
		set -- $(cat "$DIR/payerlink-$k.d") $(cat "$DIR/payerlink-$k-pg.d")
		awk -v n="$k" -v a="$(cat "$DIR/payerlink-$k.s")" \
		    -v b="$(cat "$DIR/payerlink-$k-pg.s")" -v sa="$2" -v sb="$5" \
		    -v ra="$3" -v rb="$6" 'BEGIN {
		    printf "  %-8s %7.2f s (store %5.2f s, %8.0f rows/s) | %7.2f s (store %5.2f s, %8.0f rows/s)\n",
		    n, a, sa, (sa > 0 ? ra / sa : 0), b, sb, (sb > 0 ? rb / sb : 0) }'
	done
else
	echo "no PostgreSQL (set PAYERLINK_BENCH_PG, or install postgresql-15): PostgreSQL column skipped"
fi
if command -v npm > /dev/null 2>&1; then
	if [ ! -d "$HERE/node_modules/@duckdb/node-api" ]; then
		(cd "$HERE" && npm install --no-save --no-audit --no-fund @duckdb/node-api > /dev/null)
	fi
	for t in 1 2; do
		set -- $($(cores $t) node "$HERE/duckdb.mjs" "$CSV" $t)
		line "duckdb-plain-$t (${2} groups)" "$1"
		echo "$1" > "$DIR/duckdb-plain-$t.s"
		set -- $($(cores $t) node "$HERE/duckdb.mjs" "$GZ" $t)
		line "duckdb-gzip-$t" "$1"
		echo "$1" > "$DIR/duckdb-gzip-$t.s"
	done
	echo
	for k in plain gzip; do
		for t in 1 2; do
			awk -v a="$(cat "$DIR/payerlink-$k-$t.s")" \
			    -v b="$(cat "$DIR/duckdb-$k-$t.s")" -v n="$k, $t thread(s)" \
			    'BEGIN { printf "payerlink / duckdb, %s: %.2fx\n", n, b / a }'
		done
	done
else
	echo "npm not found: DuckDB skipped"
fi
parquet_column
