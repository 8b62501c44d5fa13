#!/bin/sh
# SPDX-License-Identifier: MIT
# Replays every fuzz target's corpus with the binaries in BUILD/fuzz/.
# Ends with "N passed, N failed" (one per input; a crash fails its target).
BUILD=${1:-build}
pass=0 fail=0
for bin in "$BUILD"/fuzz/*; do
	name=$(basename "$bin")
	[ -d "tests/fuzz/corpus/$name" ] || { echo "no corpus for $name"; fail=$((fail + 1)); continue; }
	out=$("$bin" "tests/fuzz/corpus/$name" 2>&1)
	rc=$?
	n=$(echo "$out" | sed -n 's/^\([0-9]*\) passed.*/\1/p' | tail -1)
	if [ $rc -eq 0 ]; then
		echo "ok $name: ${n:-0} inputs"; pass=$((pass + ${n:-0}))
	else
		echo "FAIL $name"; echo "$out" | tail -20; fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
