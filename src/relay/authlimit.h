/*
 * Failed bearer authentication, counted per client address: after `limit`
 * failures within `window` the address is refused (429) for the rest of
 * that window, without the token being looked at, so guessing tokens
 * costs a window per `limit` guesses.  A right token from a blocked
 * address works again once the window has passed.
 *
 * A fixed table: when it is full the entry whose window started first is
 * forgotten, so an attacker with many addresses costs memory only up to
 * AUTHLIMIT_SLOTS entries.  Thread-safe.
 *
 * Ownership: authlimit_new() returns a table the caller frees with
 * authlimit_free().
 */
#ifndef RELAY_AUTHLIMIT_H
#define RELAY_AUTHLIMIT_H

#include <stdint.h>

#define AUTHLIMIT_SLOTS 1024
#define AUTHLIMIT_ADDR_MAX 64

struct authlimit;

/* limit 0: never blocks.  NULL when out of memory. */
struct authlimit *authlimit_new(unsigned limit, int64_t window_ms);
void authlimit_free(struct authlimit *al);

/* Milliseconds until addr may try again; 0 when it may now. */
int64_t authlimit_blocked(struct authlimit *al, const char *addr,
    int64_t now_ms);
/* One more failure from addr. */
void authlimit_fail(struct authlimit *al, const char *addr, int64_t now_ms);

#endif
