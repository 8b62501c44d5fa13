#!/bin/sh
# SPDX-License-Identifier: MIT
# Includes point down the stack only (STYLE.md):
#   core <- store <- org <- onboard <- billing <- ce <- portal <- aws, rest,
#   web <- http <- cli, main
# (onboarding drives organizations through org/'s interface; billing prices
# the customers onboarding keeps; Cost Explorer reads billing's rollups;
# the billing portal's users, budgets and anomalies read Cost Explorer)
# and SQL lives only in store/, HTML only in web/. Prints each breach and
# ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
rank() {
	case $1 in
	core) echo 0 ;; store) echo 1 ;; org) echo 2 ;; onboard) echo 3 ;;
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
		fi ;;
	esac
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
