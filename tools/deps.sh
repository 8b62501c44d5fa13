#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages payerlink needs that are missing.
#   tools/deps.sh build   what `make` needs
#   tools/deps.sh test    what `make test` needs besides (awscli, boto3,
#                         PostgreSQL, Chromium, Node.js, ...)
#   DEPS_DRY_RUN=1 tools/deps.sh ...   only say what is missing
# Nothing else is downloaded: browser tests take playwright-core from npm in
# tests/e2e/run.sh.
set -eu

BUILD_PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev
libsqlite3-dev libpq-dev libssl-dev libsodium-dev zlib1g-dev libisal-dev libxxhash-dev
libsnappy-dev libzstd-dev
libhpdf-dev libcurl4-openssl-dev libexpat1-dev"
TEST_PKGS="awscli python3-boto3 python3-pytest sqlite3 procps curl
postgresql-15 postgresql-client-15 python3-psycopg2 poppler-utils xxhash
openssl chromium ca-certificates python3-aiosmtpd"

case "${1:-build}" in
build) want="$BUILD_PKGS" ;;
test)
	want="$BUILD_PKGS $TEST_PKGS"
	# The browser tests run under node and fetch playwright-core with npm.
	# Debian's own (Node.js 18) unless the machine has one on the PATH
	# already (nodesource's, say, which provides npm itself).
	command -v node >/dev/null 2>&1 || want="$want nodejs"
	command -v npm >/dev/null 2>&1 || want="$want npm"
	;;
*) echo "usage: tools/deps.sh build|test" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ -n "${DEPS_DRY_RUN:-}" ]; then
	echo "payerlink: missing Debian packages:$missing"
	exit 0
fi

echo "payerlink: installing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "payerlink: run as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
