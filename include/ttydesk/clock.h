/* The monotonic clock every timeout and duration is measured on. */
#ifndef TTYDESK_CLOCK_H
#define TTYDESK_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in milliseconds: never goes back, unrelated to the
 * wall-clock time. */
int64_t clock_ms(void);
/* The same clock in nanoseconds, for durations finer than a millisecond. */
int64_t clock_ns(void);

/* The delay before a retry: base doubled once per earlier attempt, at most
 * max (in base's unit; attempts <= 0 gives base).  Jitter, where wanted,
 * is the caller's. */
int64_t clock_backoff(int64_t base, int attempts, int64_t max);

#endif
