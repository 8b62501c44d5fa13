#!/bin/sh
# SPDX-License-Identifier: MIT
# Includes point down the stack only (STYLE.md):
#   core <- store, awsclient <- org <- onboard <- billing <- ce <- portal <-
#   aws, rest, web <- http <- cli, main
# (awsclient, live mode's way to the real AWS, stands beside the store: it
# needs core only and neither includes the other; it speaks JSON, so the
# domain never includes it and reaches AWS through its ports, which the
# protocol and wiring layers implement with it; onboarding drives organizations through org/'s interface; billing prices
# the customers onboarding keeps; Cost Explorer reads billing's rollups;
# the billing portal's users, budgets and anomalies read Cost Explorer)
# and SQL lives only in store/, HTML only in web/. The onboarding desk
# reaches organizations through the organization port only (org/port.h):
# of org/ it includes the port and the accounts (who asks), and it never
# reads the organization's tables (handshakes, memberships, organizations)
# itself, so a live port can take the emulated one's place. Prints each
# breach and ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
rank() {
	case $1 in
	core) echo 0 ;; store|awsclient) echo 1 ;; org) echo 2 ;; onboard) echo 3 ;;
	billing) echo 4 ;; ce) echo 5 ;; portal) echo 6 ;; aws|rest|web) echo 7 ;;
	http) echo 8 ;; cli) echo 9 ;; *) echo 10 ;;
	esac
}
pass=0 fail=0
for f in src/*/*.c src/*/*.h; do
	layer=$(echo "$f" | cut -d/ -f2)
	r=$(rank "$layer")
	bad=0
	for inc in $(sed -n 's/^#include "\([a-z]*\)\/.*/\1/p' "$f"); do
		ir=$(rank "$inc")
		if [ "$inc" != "$layer" ] && [ "$ir" -ge "$r" ]; then
			echo "$f includes $inc/ (layer $inc is not below $layer)"; bad=1
		fi
	done
	case $layer in
	org|onboard|billing|ce|portal)
		if grep -qE '#include <(jansson|microhttpd|sqlite3|libpq-fe)\.h>' "$f"; then
			echo "$f: a domain or core file includes a protocol or database library"; bad=1
		fi
		if grep -qE '#include "awsclient/' "$f"; then
			echo "$f: the domain reaches AWS through its ports, not awsclient/"; bad=1
		fi ;;
	esac
	# One door per domain: a file outside src/store/ opens the database
	# (store/store.h) and at most its own domain's store header; other
	# domains' data comes through their domain headers.
	if [ "$layer" != store ]; then
		case $layer in
		org|onboard|billing|portal|web) own="store/$layer.h" ;;
		*) own="" ;;
		esac
		inc=$(sed -n 's/^#include "\(store\/[a-z_]*\.h\)".*/\1/p' "$f" |
		    grep -vxE "store/store\.h${own:+|$own}" | head -1)
		if [ -n "$inc" ]; then
			echo "$f includes $inc (a domain's store door is its own)"; bad=1
		fi
	fi
	if [ "$layer" = onboard ]; then
		inc=$(sed -n 's/^#include "\(org\/[a-z_]*\.h\)".*/\1/p' "$f" |
		    grep -vxE 'org/(port|account)\.h' | head -1)
		if [ -n "$inc" ]; then
			echo "$f includes $inc (the desk reaches organizations through org/port.h only)"; bad=1
		fi
		around='\bstore_(handshake|membership|org)_[a-z_]+\(|\bstruct (handshake|membership|organization|member)\b'
		if grep -qE "$around" "$f"; then
			echo "$f: reads the organization around its port: $(grep -noE "$around" "$f" | head -1)"; bad=1
		fi
	fi
	if [ "$layer" != store ] && grep -qE '"(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM) ' "$f"; then
		echo "$f: SQL outside src/store/"; bad=1
	fi
	if [ "$layer" != web ] && grep -qE '"<(html|div|form|table|p|h1)[ >]' "$f"; then
		echo "$f: HTML outside src/web/"; bad=1
	fi
	if grep -nE '\b(sprintf|strcpy|strcat|strncpy|strtok|atoi|atol|gets)\(' "$f" | grep -v '^.*/\*' >/dev/null; then
		echo "$f: banned function: $(grep -noE '\b(sprintf|strcpy|strcat|strncpy|strtok|atoi|atol|gets)\(' "$f" | head -1)"; bad=1
	fi
	if [ "$f" != src/core/xmalloc.c ] && grep -qE '(^|[^a-z_])(malloc|calloc|realloc|free)\(' "$f"; then
		echo "$f: raw malloc/free outside src/core/xmalloc.c"; bad=1
	fi
	if [ $bad -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
