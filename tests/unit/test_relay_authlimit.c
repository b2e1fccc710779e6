/* Failed-authentication limiter: threshold, window, other addresses,
 * table eviction, disabled. */
#include <stdio.h>

#include "check.h"
#include "authlimit.h"

static void
test_blocks_after_limit(void)
{
	struct authlimit *al = authlimit_new(3, 10000);
	int i;

	CHECK(al != NULL);
	for (i = 0; i < 3; i++) {
		CHECK_INT(authlimit_blocked(al, "10.0.0.1", 1000 + i), 0);
		authlimit_fail(al, "10.0.0.1", 1000 + i);
	}
	/* Window began at 1000: blocked until 11000. */
	CHECK_INT(authlimit_blocked(al, "10.0.0.1", 1003), 9997);
	CHECK_INT(authlimit_blocked(al, "10.0.0.1", 10999), 1);
	/* Another address is not affected. */
	CHECK_INT(authlimit_blocked(al, "10.0.0.2", 1003), 0);
	/* Recovers after the window, with a fresh count. */
	CHECK_INT(authlimit_blocked(al, "10.0.0.1", 11000), 0);
	authlimit_fail(al, "10.0.0.1", 11001);
	CHECK_INT(authlimit_blocked(al, "10.0.0.1", 11002), 0);
	authlimit_free(al);
}

static void
test_window_resets_slow_failures(void)
{
	struct authlimit *al = authlimit_new(3, 1000);

	authlimit_fail(al, "::1", 0);
	authlimit_fail(al, "::1", 500);
	/* The third failure comes after the window: a new window. */
	authlimit_fail(al, "::1", 1500);
	CHECK_INT(authlimit_blocked(al, "::1", 1501), 0);
	authlimit_fail(al, "::1", 1600);
	authlimit_fail(al, "::1", 1700);
	CHECK_INT(authlimit_blocked(al, "::1", 1800), 700);
	authlimit_free(al);
}

static void
test_table_full_evicts_oldest(void)
{
	struct authlimit *al = authlimit_new(1, 100000);
	char a[32];
	int i;

	authlimit_fail(al, "victim", 0);
	CHECK(authlimit_blocked(al, "victim", 1) > 0);
	for (i = 0; i < AUTHLIMIT_SLOTS; i++) {
		snprintf(a, sizeof a, "10.1.%d.%d", i / 256, i % 256);
		authlimit_fail(al, a, 10 + i);
	}
	/* The oldest entry went; the newest are all still counted. */
	CHECK_INT(authlimit_blocked(al, "victim", 5000), 0);
	CHECK(authlimit_blocked(al, a, 5000) > 0);
	authlimit_free(al);
}

static void
test_disabled_and_null(void)
{
	struct authlimit *al = authlimit_new(0, 1000);
	int i;

	for (i = 0; i < 100; i++)
		authlimit_fail(al, "x", i);
	CHECK_INT(authlimit_blocked(al, "x", 100), 0);
	authlimit_free(al);
	CHECK_INT(authlimit_blocked(NULL, "x", 0), 0);
	authlimit_fail(NULL, "x", 0);
	authlimit_free(NULL);
}

static void
test_long_address_truncated(void)
{
	struct authlimit *al = authlimit_new(1, 1000);
	char big[200];

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	authlimit_fail(al, big, 0);
	/* Stored truncated (nothing overflows, under ASan) and still
	 * found again by its prefix. */
	CHECK_INT(authlimit_blocked(al, big, 10), 990);
	CHECK_INT(authlimit_blocked(al, "aaa", 10), 0);
	authlimit_free(al);
}

int
main(void)
{
	RUN(test_blocks_after_limit);
	RUN(test_window_resets_slow_failures);
	RUN(test_table_full_evicts_oldest);
	RUN(test_disabled_and_null);
	RUN(test_long_address_truncated);
	return check_done();
}
