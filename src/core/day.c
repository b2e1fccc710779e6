/* The UTC days of ttydesk/day.h. */
#include <string.h>
#include <time.h>

#include "ttydesk/day.h"

/* The number of n digits at s, or -1. */
static int
day_digits(const char *s, int n)
{
	int v = 0;

	for (; n > 0; n--, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

int
day_parse(const char *s, int64_t *ts)
{
	struct tm tm, back;
	time_t t;
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = day_digits(s, 4);
	m = day_digits(s + 5, 2);
	d = day_digits(s + 8, 2);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	/* timegm normalises 2026-02-30 to March: not a day. */
	if (t == (time_t)-1 || gmtime_r(&t, &back) == NULL ||
	    back.tm_mday != d || back.tm_mon != m - 1)
		return -1;
	*ts = (int64_t)t;
	return 0;
}
