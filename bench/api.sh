#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/api.sh: requests per second and latency of the Organizations API with
# real SigV4 headers, on loopback, with wrk (Debian). DescribeOrganization and
# ListAccounts (an organization of ACCOUNTS members; pages of 20, and 100
# accounts read as AWS allows it: MaxResults is capped at 20, so 100 accounts
# are 5 pages walked in turn), at 1 and 8 connections, DURATION each.
# When moto_server is on the machine, the same load runs against it in the
# same run and the ratio is printed. With $PAYERLINK_BENCH_PG (a base libpq
# conninfo), or PostgreSQL 15 installed (a throw-away cluster), each row gets
# a PostgreSQL line beside SQLite's. Goal (issue 2): >= 20,000 req/s for
# DescribeOrganization at 8 connections, p99 < 2 ms.
#
#   bench/api.sh [--accounts N] [--duration 20s] [--threads N]
set -eu
cd "$(dirname "$0")/.."
ACCOUNTS=1000 DURATION=20s THREADS=2
while [ $# -gt 0 ]; do
	case $1 in
	--accounts) ACCOUNTS=$2; shift 2 ;;
	--duration) DURATION=$2; shift 2 ;;
	--threads) THREADS=$2; shift 2 ;;
	*) echo "usage: bench/api.sh [--accounts N] [--duration 20s] [--threads N]" >&2; exit 2 ;;
	esac
done
command -v wrk >/dev/null || { echo "bench/api.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
make -s all
BIN=$PWD/build/payerlink
TMP=$(mktemp -d /tmp/payerlink-bench.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 0.5
	[ -n "${PG_CLUSTER:-}" ] && tools/pg-test-cluster.sh stop "$PG_CLUSTER"
	[ -n "${PG_BASE:-}" ] && [ -z "${PG_CLUSTER:-}" ] && \
	    psql "$PG_BASE" -qAtc "DROP DATABASE IF EXISTS plbench_$$ WITH (FORCE)" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_pl DB OUT -> the URL of a payerlink server on DB (emulator mode for
# the setup's clock moves; known keys are verified), populated; sets KEY SECRET.
start_pl() {
	local db=$1 out=$2 owner
	"$BIN" serve --db "$db" --listen 127.0.0.1:0 --emulator >"$out.out" 2>"$out.log" &
	PIDS+=($!)
	for _ in $(seq 50); do grep -q listening "$out.out" 2>/dev/null && break; sleep 0.1; done
	owner=$("$BIN" account create --email bench-owner@example.com --db "$db")
	KEY=$(echo "$owner" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKeyId"])')
	SECRET=$(echo "$owner" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["SecretAccessKey"])')
	URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$out.out")
	echo "setting up ($db): an organization with $ACCOUNTS member accounts..."
	PAYERLINK_BIN=$BIN PAYERLINK_DB=$db /usr/bin/python3 bench/api_setup.py populate "$URL" "$KEY" "$SECRET" "$ACCOUNTS"
}
DB=$TMP/bench.db
start_pl "$DB" "$TMP/pl"
PL_URL=$URL PL_KEY=$KEY PL_SECRET=$SECRET

# The same server on PostgreSQL: $PAYERLINK_BENCH_PG (a base conninfo whose
# user may CREATE DATABASE), else a throw-away local cluster when PostgreSQL
# 15 is installed.
PG_URL="" PG_CLUSTER=""
PG_BASE=${PAYERLINK_BENCH_PG:-}
if [ -z "$PG_BASE" ] && [ -x /usr/lib/postgresql/15/bin/initdb ]; then
	if env_out=$(tools/pg-test-cluster.sh start 2>"$TMP/pgc.log"); then
		PG_CLUSTER=$(echo "$env_out" | sed -n 's/^PAYERLINK_PG_CLUSTER=//p')
		PG_BASE=$(echo "$env_out" | sed -n "s/^PAYERLINK_TEST_PG='\(.*\)'$/\1/p")
	fi
fi
if [ -n "$PG_BASE" ]; then
	PGDB=plbench_$$
	psql "$PG_BASE" -qAtc "CREATE DATABASE $PGDB" >/dev/null
	start_pl "$PG_BASE dbname=$PGDB" "$TMP/pg"
	PG_URL=$URL PG_KEY=$KEY PG_SECRET=$SECRET
fi

MOTO_URL=""
if command -v moto_server >/dev/null 2>&1; then
	MP=$(free_port)
	moto_server -H 127.0.0.1 -p "$MP" >"$TMP/moto.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 100); do curl -s "http://127.0.0.1:$MP/moto-api/" >/dev/null 2>&1 && break; sleep 0.1; done
	MOTO_URL=http://127.0.0.1:$MP
	# moto_server runs under its own Python (it has moto); it does not verify signatures.
	echo "setting up moto_server: $ACCOUNTS accounts via CreateAccount..."
	python3 bench/api_setup.py populate "$MOTO_URL" AKIDBENCH bench "$ACCOUNTS" \
	    || python3 -c 'import sys; sys.exit(0)'
fi

# run NAME URL KEY SECRET OP BODY CONNS -> "rps p50 p99". moto's URL is
# driven with the Python that has moto's boto3; payerlink's with Debian's.
run() {
	local PY=/usr/bin/python3
	[ "$1" = moto ] && PY=python3
	local url=$2 key=$3 secret=$4 op=$5 body=$6 conns=$7
	if [ "$body" = "100 in pages of 20" ]; then
		# AWS caps MaxResults at 20: 100 accounts are 5 pages, walked in turn.
		"$PY" bench/api_setup.py wrk-walk "$url" "$key" "$secret" 5 >"$TMP/req.lua"
	else
		"$PY" bench/api_setup.py wrk "$url" "$key" "$secret" "$op" "$body" >"$TMP/req.lua"
	fi
	local t=$THREADS
	[ "$conns" -lt "$t" ] && t=$conns
	wrk -t"$t" -c"$conns" -d"$DURATION" --latency -s "$TMP/req.lua" "$url/" >"$TMP/wrk.out" 2>"$TMP/wrk.err"
	local rps p50 p99 errs
	rps=$(awk '/Requests\/sec/ {print $2}' "$TMP/wrk.out")
	p50=$(awk '$1=="50%" {print $2}' "$TMP/wrk.out")
	p99=$(awk '$1=="99%" {print $2}' "$TMP/wrk.out")
	errs=$(grep -c '^HTTP' "$TMP/wrk.err" || true)
	echo "$rps $p50 $p99 $errs"
}

printf '\n%-36s %5s %12s %10s %10s %8s\n' "request" "conns" "req/s" "p50" "p99" "non-200"
declare -A PLR
for case in "DescribeOrganization|{}" "ListAccounts|{\"MaxResults\": 20}" "ListAccounts|100 in pages of 20"; do
	op=${case%%|*} body=${case#*|}
	label="$op $body"
	for c in 1 8; do
		read -r rps p50 p99 errs <<<"$(run payerlink "$PL_URL" "$PL_KEY" "$PL_SECRET" "$op" "$body" "$c")"
		printf '%-36s %5s %12s %10s %10s %8s\n' "payerlink $label" "$c" "$rps" "$p50" "$p99" "$errs"
		PLR["$label|$c"]=$rps
		if [ -n "$PG_URL" ]; then
			read -r grps gp50 gp99 gerrs <<<"$(run payerlink-pg "$PG_URL" "$PG_KEY" "$PG_SECRET" "$op" "$body" "$c")"
			printf '%-36s %5s %12s %10s %10s %8s   postgresql/sqlite = %.2fx\n' "  on PostgreSQL" "$c" "$grps" "$gp50" "$gp99" "$gerrs" \
			    "$(echo "$grps / $rps" | bc -l)"
		fi
		if [ -n "$MOTO_URL" ]; then
			read -r mrps mp50 mp99 merrs <<<"$(run moto "$MOTO_URL" AKIDBENCH bench "$op" "$body" "$c")"
			printf '%-36s %5s %12s %10s %10s %8s   payerlink/moto = %.1fx\n' "moto $label" "$c" "$mrps" "$mp50" "$mp99" "$merrs" \
			    "$(echo "$rps / $mrps" | bc -l)"
		fi
	done
done
echo
echo "goal: DescribeOrganization at 8 connections >= 20000 req/s with p99 < 2 ms (see table)"
