/* SPDX-License-Identifier: MIT */
/* Every unit test, once. Keep grouped by module, in src/ order. */
TEST_ENTRY(arena_many_allocations)
TEST_ENTRY(arena_reset_keeps_one_chunk)
TEST_ENTRY(buf_cap_refuses_growth)
TEST_ENTRY(buf_printf_appends)
TEST_ENTRY(b64url_round_trip)
TEST_ENTRY(b64url_rejects_garbage)
TEST_ENTRY(utf8_valid_cases)
TEST_ENTRY(clock_civil_round_trip)
TEST_ENTRY(clock_parse_amz_date)
