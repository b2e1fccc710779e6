/* The monotonic clock and the retry delays of ttydesk/clock.h. */
#include <stdint.h>

#include "check.h"
#include "ttydesk/clock.h"

static void
test_clock_never_goes_back(void)
{
	int64_t a = clock_ms(), b;
	int i;

	CHECK(a >= 0);
	for (i = 0; i < 1000; i++) {
		b = clock_ms();
		CHECK(b >= a);
		a = b;
	}
	/* Milliseconds are the nanoseconds' clock, truncated. */
	a = clock_ns();
	b = clock_ms();
	CHECK(b >= a / 1000000);
	CHECK(b <= clock_ns() / 1000000);
}

static void
test_backoff_doubles_up_to_max(void)
{
	CHECK_INT(clock_backoff(1000, 0, 60000), 1000);
	CHECK_INT(clock_backoff(1000, -3, 60000), 1000);
	CHECK_INT(clock_backoff(1000, 1, 60000), 2000);
	CHECK_INT(clock_backoff(1000, 5, 60000), 32000);
	CHECK_INT(clock_backoff(1000, 6, 60000), 60000);
	CHECK_INT(clock_backoff(2, 3, 3600), 16);
	/* Many attempts stop at max, without overflowing on the way. */
	CHECK_INT(clock_backoff(2, 1000000, 3600), 3600);
	CHECK_INT(clock_backoff(15, 200, 300), 300);
	/* A base above max is held to max. */
	CHECK_INT(clock_backoff(500, 0, 300), 300);
}

int
main(void)
{
	RUN(test_clock_never_goes_back);
	RUN(test_backoff_doubles_up_to_max);
	return check_done();
}
