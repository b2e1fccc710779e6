/* The monotonic clock every timeout and duration is measured on. */
#ifndef TTYDESK_CLOCK_H
#define TTYDESK_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in milliseconds: never goes back, unrelated to the
 * wall-clock time. */
int64_t clock_ms(void);

#endif
