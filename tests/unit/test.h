/* SPDX-License-Identifier: MIT */
/*
 * The unit test harness, in the manner of libuv's: each test is a function
 * listed once in list.h, run alone in a child process with a timeout, and
 * runnable by name (build/unit NAME). A failed CHECK prints where and ends
 * the child with status 1.
 */
#ifndef TESTS_UNIT_TEST_H
#define TESTS_UNIT_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST(name)	void test_##name(void); void test_##name(void)

/* tests/data, or $PAYERLINK_TEST_DATA when set. */
const char	*test_data_dir(void);
/* A fresh temporary directory for this test, removed by the runner. */
const char	*test_tmpdir(void);
/* A database path for store_open(): a SQLite file in test_tmpdir(), or a
 * fresh PostgreSQL database when $PAYERLINK_TEST_PG is set. */
const char	*test_db(const char *name);

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n",		\
		    __FILE__, __LINE__, #c);				\
		exit(1);						\
	}								\
} while (0)

#define CHECK_INT(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n",\
		    __FILE__, __LINE__, #a, _a, #b, _b);		\
		exit(1);						\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	if (_a == NULL || _b == NULL || strcmp(_a, _b) != 0) {		\
		fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n",\
		    __FILE__, __LINE__, #a, _a ? _a : "(null)",		\
		    _b ? _b : "(null)");				\
		exit(1);						\
	}								\
} while (0)

#endif
