/* UTC calendar days as the reports name them: "YYYY-MM-DD". */
#ifndef TTYDESK_DAY_H
#define TTYDESK_DAY_H

#include <stdint.h>

/* The first second (Unix time) of the UTC day s, exactly ten characters
 * "YYYY-MM-DD" of digits from 1970 on.  0, or -1 when s is not such a day
 * (a wrong length, a sign or space, 2026-02-30). */
int day_parse(const char *s, int64_t *ts);

#endif
