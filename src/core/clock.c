/* The monotonic clock of ttydesk/clock.h. */
#include <time.h>

#include "ttydesk/clock.h"

int64_t
clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
clock_ms(void)
{
	return clock_ns() / 1000000;
}

int64_t
clock_backoff(int64_t base, int attempts, int64_t max)
{
	int64_t d = base;
	int i;

	for (i = 0; i < attempts && d < max; i++)
		d *= 2;
	return d < max ? d : max;
}
