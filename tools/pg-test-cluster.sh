#!/bin/sh
# SPDX-License-Identifier: MIT
# A throw-away PostgreSQL 15 cluster for the tests.
#   tools/pg-test-cluster.sh start     prints shell assignments:
#       PAYERLINK_TEST_PG='host=127.0.0.1 port=N user=payerlink dbname=postgres'
#       PAYERLINK_PG_CLUSTER=/tmp/payerlink-pg-XXXXXX
#   tools/pg-test-cluster.sh restart DIR [DOWN]
#                                      stops the server (fast: clients are
#                                      cut off), waits DOWN seconds (0), and
#                                      starts it again on the same port
#   tools/pg-test-cluster.sh stop DIR  stops it and deletes DIR
# Installs Debian's postgresql-15 when missing (as root). The server runs
# as a non-root OS user (root may not run postgres): the "postgres" user
# the package creates, or the caller when not root. It listens on
# 127.0.0.1 only, on a free port, with trust authentication, and without
# fsync: it holds test data only.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

start() {
	if [ ! -x "$PGBIN/initdb" ]; then
		echo "payerlink: installing postgresql-15" >&2
		if [ "$(id -u)" -ne 0 ]; then
			echo "payerlink: run as root (or: sudo apt-get install postgresql-15)" >&2
			exit 1
		fi
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2
		apt-get install -y -qq --no-install-recommends postgresql-15 \
		    postgresql-client-15 >/dev/null
	fi
	if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
		useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
	fi
	dir=$(mktemp -d /tmp/payerlink-pg-XXXXXX)
	chmod 755 "$dir"
	mkdir "$dir/data" "$dir/sock"
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir/data" "$dir/sock"
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	as_owner "$PGBIN/initdb" -D "$dir/data" -U payerlink -A trust -E UTF8 \
	    --locale=C --no-sync >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
	# The server's options, kept for restart.
	echo "-c listen_addresses=127.0.0.1 -p $port -k $dir/sock \
	    -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
	    -c max_connections=300 -c shared_buffers=64MB" >"$dir/opts"
	server_start "$dir" || { rm -rf "$dir"; exit 1; }
	echo "PAYERLINK_TEST_PG='host=127.0.0.1 port=$port user=payerlink dbname=postgres'"
	echo "PAYERLINK_PG_CLUSTER=$dir"
}

server_start() {
	as_owner "$PGBIN/pg_ctl" -D "$1/data" -l "$1/data/server.log" -w \
	    -o "$(cat "$1/opts")" start >/dev/null || {
		cat "$1/data/server.log" >&2; return 1; }
}

check_dir() {
	case "$1" in
	/tmp/payerlink-pg-*) ;;
	*) echo "payerlink: not a test cluster: $1" >&2; exit 2 ;;
	esac
}

restart() {
	dir=$1
	check_dir "$dir"
	[ -f "$dir/opts" ] || { echo "payerlink: no cluster in $dir" >&2; exit 1; }
	as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	sleep "${2:-0}"
	server_start "$dir"
}

stop() {
	dir=$1
	check_dir "$dir"
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop \
		    >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

case "${1:-}" in
start) start ;;
restart) [ $# -eq 2 ] || [ $# -eq 3 ] || {
	echo "usage: $0 restart DIR [DOWN]" >&2; exit 2; }
	restart "$2" "${3:-0}" ;;
stop) [ $# -eq 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
*) echo "usage: $0 start | restart DIR [DOWN] | stop DIR" >&2; exit 2 ;;
esac
