/*
 * A team's business hours ([hours TEAM], spec/relay-api.md "Roles,
 * automatic assignment and reports"): a time zone from the system's tz
 * database, weekly opening ranges, closed dates and an away message.
 * Times are Unix seconds, as everywhere in the API.
 *
 * A NULL struct hours * means "always open": every function takes it.
 * The functions are safe to call from any thread.
 *
 * Ownership: hours_parse_line() creates the struct; hours_free() frees it
 * with its strings.
 */
#ifndef RELAY_HOURS_H
#define RELAY_HOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hours;

/* No boundary ever (no open time left, or always open). */
#define HOURS_NEVER INT64_MAX

/* One key of an [hours TEAM] section: timezone, mon..sun or a range of
 * them ("mon-fri") with "HH:MM-HH:MM[, HH:MM-HH:MM...]" (or "closed"),
 * closed = "YYYY-MM-DD, ...", away_message.  h NULL makes a new struct.
 * Returns h (or the new one), or NULL with the reason in err (then a
 * struct passed in is still the caller's, a new one is freed).  Days
 * no key names are closed. */
struct hours *hours_parse_line(struct hours *h, const char *key,
    const char *value, char *err, size_t errlen);
/* After the last line: a section needs a timezone.  0, or -1 with err. */
int hours_check(const struct hours *h, char *err, size_t errlen);
void hours_free(struct hours *h);

const char *hours_timezone(const struct hours *h);
/* NULL when the section has none. */
const char *hours_away_message(const struct hours *h);

bool hours_open_at(const struct hours *h, int64_t ts);
/* Open time in [from, to), seconds. */
int64_t hours_business_between(const struct hours *h, int64_t from,
    int64_t to);
/* The time at which dur seconds of open time have passed since from;
 * HOURS_NEVER when that never happens (no open time at all). */
int64_t hours_add_business(const struct hours *h, int64_t from, int64_t dur);
/* The first open or close boundary after ts; HOURS_NEVER when none. */
int64_t hours_next_change(const struct hours *h, int64_t ts);
/* The start of the closed period ts is in (the last close before it),
 * or ts itself when open; used to send the away message once a period. */
int64_t hours_closed_since(const struct hours *h, int64_t ts);

#endif
