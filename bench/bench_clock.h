/* The clocks every bench program reads, in seconds. */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H

#include <time.h>

static inline double
bench_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall time, never going back. */
static inline double
bench_now(void)
{
	return bench_clock(CLOCK_MONOTONIC);
}

/* CPU time of this process: steadier than wall time on a shared machine. */
static inline double
bench_cpu(void)
{
	return bench_clock(CLOCK_PROCESS_CPUTIME_ID);
}

#endif
