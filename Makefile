# payerlink: make | make run | make check | make test | make bench | make fuzz | make fmt
# SANITIZE=1 builds with AddressSanitizer and UndefinedBehaviorSanitizer into
# build/asan, so both builds live side by side.

CC	?= cc
PREFIX	?= /usr/local
DB	?= payerlink.db
LISTEN	?= 127.0.0.1:8080

WARN	= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	  -Wformat=2 -Wpointer-arith -Wcast-qual -Wno-format-nonliteral
ifdef CI
WARN	+= -Werror
endif
CFLAGS	?= -O2 -g
CFLAGS	+= -std=c11 -D_GNU_SOURCE -pthread $(WARN) -Isrc -MMD -MP
# libpq-fe.h lives in /usr/include/postgresql on Debian.
CFLAGS	+= $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
LDLIBS	= -lmicrohttpd -ljansson -lsqlite3 -lpq -lcurl -lexpat -lcrypto -lsodium -lz -lisal -lxxhash -lhpdf -lsnappy -lzstd -lpthread -lm

ifdef SANITIZE
BUILD	?= build/asan
CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS	+= -fsanitize=address,undefined
else
BUILD	?= build
endif

SRC	= $(filter-out src/main.c,$(wildcard src/*/*.c))
OBJ	= $(SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
MIGRATIONS = $(sort $(wildcard src/store/migrations/*.sql))
ASSETS	= $(sort $(wildcard src/web/assets/*))
UNIT_SRC = $(wildcard tests/unit/*.c tests/unit/*/*.c)
FUZZ_SRC = $(wildcard tests/fuzz/*_fuzz.c)

all: $(BUILD)/payerlink

$(BUILD)/payerlink: $(BUILD)/src/main.o $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) -O1 -o $@ $<

$(BUILD)/gen/embedded.c: build/embed $(MIGRATIONS) $(ASSETS)
	@mkdir -p $(dir $@)
	build/embed embed_migrations $@.m $(MIGRATIONS)
	build/embed embed_assets $@.a $(ASSETS)
	sed '/^#include/d; /^\/\*/d' $@.a | cat $@.m - > $@ && rm -f $@.m $@.a

$(BUILD)/unit: $(UNIT_SRC:%.c=$(BUILD)/%.o) $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The data the tests read lives in tests/data (PAYERLINK_TEST_DATA overrides).
$(BUILD)/tests/unit/%.o: CFLAGS += -Itests/unit \
	-DTEST_DATA_DIR='"$(CURDIR)/tests/data"'

# Fuzz targets, each linked with a replay driver so that make test runs
# their corpora (tests/fuzz/corpus/NAME/) without libFuzzer; make fuzz builds
# them with clang's libFuzzer instead.
FUZZ_ALL = $(patsubst tests/fuzz/%_fuzz.c,%,$(FUZZ_SRC))

$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%_fuzz.o $(BUILD)/tests/fuzz/replay.o $(OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/fuzz-replay: $(addprefix $(BUILD)/fuzz/,$(FUZZ_ALL)) tools/fuzz-replay.sh
	printf '#!/bin/sh\nexec tools/fuzz-replay.sh %s\n' '$(BUILD)' > $@ && chmod +x $@

deps:
	@tools/deps.sh build

test-deps:
	@tools/deps.sh test

run: deps all
	@tools/run.sh $(BUILD)/payerlink $(DB) $(LISTEN)

test: test-deps
	@tools/test.sh

unit: $(BUILD)/unit
	$(BUILD)/unit

bench: all
	bench/api.sh

fuzz:
	tools/fuzz.sh

fmt:
	clang-format -i $(SRC) src/main.c $(UNIT_SRC)

check-includes:
	@tools/check-includes.py

# The fast tier, beside the full make test: unit tests, the fuzz corpora
# and the house's structural rules, in seconds.
check: $(BUILD)/unit $(BUILD)/fuzz-replay
	@for t in $(BUILD)/unit $(BUILD)/fuzz-replay tools/check-includes.py; do \
		out=$$($$t 2>&1) || { echo "$$out"; exit 1; }; \
		echo "$$t: $$(echo "$$out" | tail -1)"; \
	done

clean:
	rm -rf build

.PHONY: all deps test-deps run check test unit bench fuzz fmt check-includes clean

-include $(shell find build -name '*.d' 2>/dev/null)
