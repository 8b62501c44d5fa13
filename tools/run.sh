#!/bin/sh
# SPDX-License-Identifier: MIT
# `make run`: creates the database with demo data on first start, prints the
# URLs and logins, and runs the server in the foreground (Ctrl-C stops it).
set -eu
BIN=$1 DB=$2 LISTEN=$3
DEMO="${DB%.db}-demo.txt"

if [ ! -f "$DB" ]; then
	echo "payerlink: creating $DB with demo data..."
	"$BIN" init --db "$DB" --demo >"$DEMO"
fi
host=${LISTEN%:*} port=${LISTEN##*:}
# The plan links are the MSP's public URL + /plan/TOKEN: point it at where
# this server listens, and print the links with it.
url="http://$host:$port"
msp_id=$(sed -n 's/^MSP .*(account \([0-9]*\)).*/\1/p' "$DEMO")
if [ -n "$msp_id" ]; then
	"$BIN" msp set "$msp_id" --url "$url" --db "$DB" >/dev/null
	sed "s|http://[^ /]*/plan/|$url/plan/|" "$DEMO" >"$DEMO.tmp" &&
	    mv "$DEMO.tmp" "$DEMO"
fi
msp_key=$(sed -n 's/^  msp@.* key \([^ ]*\) secret .*/\1/p' "$DEMO")
msp_secret=$(sed -n 's/^  msp@.* secret \([^ ]*\).*/\1/p' "$DEMO")
cat <<MSG

  payerlink
  ---------
  Console and portal:   http://$host:$port/
  AWS API endpoint:     http://$host:$port   (Organizations, Cost Explorer)
  Database:             $DB   (demo logins below are also in $DEMO)

MSG
cat "$DEMO"
cat <<MSG

  Try the AWS CLI as the MSP:
    export AWS_ACCESS_KEY_ID=$msp_key AWS_SECRET_ACCESS_KEY=$msp_secret AWS_DEFAULT_REGION=us-east-1
    aws --endpoint-url http://$host:$port organizations describe-organization
    aws --endpoint-url http://$host:$port organizations list-accounts

MSG
exec "$BIN" serve --db "$DB" --listen "$LISTEN"
