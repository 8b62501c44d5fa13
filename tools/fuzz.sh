#!/bin/sh
# SPDX-License-Identifier: MIT
# `make fuzz`: builds every tests/fuzz/*_fuzz.c with clang's libFuzzer (plus
# ASan and UBSan) and runs each for FUZZ_SECONDS (default 600) on its corpus
# in tests/fuzz/corpus/NAME/, adding the new inputs it finds there. Needs
# clang and libclang-rt (Debian: clang, libclang-rt-14-dev).
#   FUZZ_SECONDS=60 make fuzz          FUZZ_TARGETS="json11 sigv4" make fuzz
set -eu
cd "$(dirname "$0")/.."
SECS=${FUZZ_SECONDS:-600}
command -v clang >/dev/null || { echo "make fuzz needs clang: apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
OUT=build/libfuzzer
mkdir -p "$OUT"
make -s build/embed build/gen/embedded.c
SRC=$(ls src/*/*.c | grep -v '^src/main.c$')
CFLAGS="-std=c11 -D_GNU_SOURCE -pthread -Isrc -g -O1 -fsanitize=fuzzer,address,undefined"
CFLAGS="$CFLAGS $(pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)"
# The Makefile's libraries, whatever they are now (libpq, isa-l, libharu...).
LIBS=$(sed -n 's/^LDLIBS[[:space:]]*=//p' Makefile)
targets=${FUZZ_TARGETS:-$(ls tests/fuzz/*_fuzz.c | sed 's|tests/fuzz/\(.*\)_fuzz.c|\1|')}
for t in $targets; do
	echo "== fuzzing $t for ${SECS}s"
	# shellcheck disable=SC2086
	clang $CFLAGS -o "$OUT/$t" "tests/fuzz/${t}_fuzz.c" $SRC build/gen/embedded.c $LIBS
	mkdir -p "tests/fuzz/corpus/$t" "$OUT/$t-new"
	"$OUT/$t" -max_total_time="$SECS" -max_len=65536 "$OUT/$t-new" "tests/fuzz/corpus/$t" 2>&1 | tail -5
	# Keep only inputs that add coverage.
	"$OUT/$t" -merge=1 "tests/fuzz/corpus/$t" "$OUT/$t-new" >/dev/null 2>&1 || true
	rm -rf "$OUT/$t-new"
done
