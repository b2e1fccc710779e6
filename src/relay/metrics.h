/*
 * The relay's counters for /metrics (Prometheus text format 0.0.4).
 * Process-wide, lock-free (C11 atomics): any thread counts, the scrape
 * reads.  Series: spec/relay-api.md, "Operating the relay".
 */
#ifndef RELAY_METRICS_H
#define RELAY_METRICS_H

#include <stddef.h>
#include <stdint.h>

enum metrics_webhook {
	METRICS_WH_ACCEPTED = 0, /* 200 */
	METRICS_WH_BAD_SIGNATURE, /* 401 */
	METRICS_WH_BAD_REQUEST,  /* 400 */
	METRICS_WH_TOO_LARGE,    /* 413 */
	METRICS_WH_BUSY,         /* 503: memory or connection bound */
	METRICS_WH_ERROR,        /* anything else (500: store) */
	METRICS_WH_N
};

enum metrics_send {
	METRICS_SEND_SENT = 0,
	METRICS_SEND_RETRY,   /* failed, will be tried again */
	METRICS_SEND_FAILED,  /* given up: the agent sees it failed */
	METRICS_SEND_N
};

/* A webhook answered with HTTP status, after seconds. */
void metrics_webhook(unsigned status, double seconds);
void metrics_events_appended(uint64_t n);
/* One Graph send attempt; code is the Graph error code (0: none). */
void metrics_send(enum metrics_send result, int code, double seconds);
/* A send WhatsApp took and later reported failed (a status webhook):
 * counted by its code with the refused attempts. */
void metrics_send_failed_later(int code);

/* The text of every series, malloc'd into *out (caller frees); waiting
 * is the current number of long-polls.  0, or -1 out of memory. */
int metrics_render(long waiting, char **out, size_t *len);

#endif
