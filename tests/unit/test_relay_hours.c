/* Business hours: Europe/Berlin across both 2026 DST changes, closed
 * dates, the away period, parse errors, and TZ left as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "hours.h"

/* UTC y-m-d h:m as Unix seconds. */
static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return (int64_t)timegm(&tm);
}

static struct hours *
berlin(void)
{
	static const char *const lines[][2] = {
		{ "timezone", "Europe/Berlin" },
		{ "mon-fri", "09:00-18:00" },
		{ "sat", "10:00-14:00" },
		{ "closed", "2026-12-24, 2026-12-25" },
		{ "away_message", "We are closed." },
	};
	struct hours *h = NULL;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		h = hours_parse_line(h, lines[i][0], lines[i][1], err, sizeof err);
		CHECK(h != NULL);
		if (h == NULL)
			return NULL;
	}
	CHECK_INT(hours_check(h, err, sizeof err), 0);
	return h;
}

/* 29 March 2026: CET (UTC+1) becomes CEST (UTC+2). */
static void
test_spring_forward(void)
{
	struct hours *h = berlin();

	/* Friday 09:30 CET = 08:30 UTC; Monday 09:30 CEST = 07:30 UTC. */
	CHECK(hours_open_at(h, utc(2026, 3, 27, 8, 30)));
	CHECK(!hours_open_at(h, utc(2026, 3, 27, 7, 30)));
	CHECK(hours_open_at(h, utc(2026, 3, 30, 7, 30)));
	/* 07:30 UTC was 08:30 local before the change: closed after it too
	 * at 06:30 UTC (08:30 CEST). */
	CHECK(!hours_open_at(h, utc(2026, 3, 30, 6, 30)));
	CHECK(!hours_open_at(h, utc(2026, 3, 29, 11, 0))); /* Sunday */
	/* Fri 17:00 CET .. Mon 10:00 CEST: 1 h + Sat 4 h + Mon 1 h. */
	CHECK_INT(hours_business_between(h, utc(2026, 3, 27, 16, 0),
	    utc(2026, 3, 30, 8, 0)), 6 * 3600);
	CHECK_INT(hours_add_business(h, utc(2026, 3, 27, 16, 0), 2 * 3600),
	    utc(2026, 3, 28, 10, 0)); /* Sat 11:00 CET */
	CHECK_INT(hours_add_business(h, utc(2026, 3, 27, 16, 0), 6 * 3600),
	    utc(2026, 3, 30, 8, 0)); /* Mon 10:00 CEST */
	CHECK_INT(hours_next_change(h, utc(2026, 3, 28, 13, 0)),
	    utc(2026, 3, 30, 7, 0)); /* Sat close .. Mon 09:00 CEST */
	CHECK_INT(hours_next_change(h, utc(2026, 3, 30, 7, 0)),
	    utc(2026, 3, 30, 16, 0)); /* Mon 18:00 CEST */
	hours_free(h);
}

/* 25 October 2026: CEST becomes CET again. */
static void
test_fall_back(void)
{
	struct hours *h = berlin();

	CHECK(hours_open_at(h, utc(2026, 10, 24, 8, 0)));  /* Sat 10:00 CEST */
	CHECK(!hours_open_at(h, utc(2026, 10, 24, 12, 0))); /* Sat 14:00 */
	CHECK_INT(hours_next_change(h, utc(2026, 10, 24, 12, 0)),
	    utc(2026, 10, 26, 8, 0)); /* Mon 09:00 CET */
	CHECK(!hours_open_at(h, utc(2026, 10, 26, 7, 30)));
	/* Sat 13:00 CEST .. Mon 10:00 CET: 1 h + 1 h; the 25-hour Sunday
	 * adds nothing. */
	CHECK_INT(hours_business_between(h, utc(2026, 10, 24, 11, 0),
	    utc(2026, 10, 26, 9, 0)), 2 * 3600);
	CHECK_INT(hours_closed_since(h, utc(2026, 10, 26, 7, 0)),
	    utc(2026, 10, 24, 12, 0));
	hours_free(h);
}

static void
test_closed_dates(void)
{
	struct hours *h = berlin();

	CHECK(hours_open_at(h, utc(2026, 12, 23, 10, 0)));  /* Wed */
	CHECK(!hours_open_at(h, utc(2026, 12, 24, 10, 0))); /* Thu, closed */
	CHECK(!hours_open_at(h, utc(2026, 12, 25, 10, 0))); /* Fri, closed */
	/* Wed 17:00 CET + 2 h: 1 h on Wednesday, then Saturday 10:00 + 1 h. */
	CHECK_INT(hours_add_business(h, utc(2026, 12, 23, 16, 0), 2 * 3600),
	    utc(2026, 12, 26, 10, 0));
	CHECK_INT(hours_closed_since(h, utc(2026, 12, 24, 10, 0)),
	    utc(2026, 12, 23, 17, 0));
	CHECK_INT(hours_closed_since(h, utc(2026, 12, 23, 10, 0)),
	    utc(2026, 12, 23, 10, 0)); /* open: itself */
	CHECK_INT(hours_next_change(h, utc(2026, 12, 23, 17, 0)),
	    utc(2026, 12, 26, 9, 0));
	CHECK_STR(hours_away_message(h), "We are closed.");
	hours_free(h);
}

static void
test_always_open(void)
{
	CHECK(hours_open_at(NULL, 0));
	CHECK_INT(hours_business_between(NULL, 100, 250), 150);
	CHECK_INT(hours_add_business(NULL, 100, 50), 150);
	CHECK_INT(hours_next_change(NULL, 100), HOURS_NEVER);
	CHECK_INT(hours_closed_since(NULL, 100), 100);
}

static void
test_never_open(void)
{
	char err[256];
	struct hours *h = hours_parse_line(NULL, "timezone", "UTC", err,
	    sizeof err);

	CHECK(h != NULL);
	CHECK(!hours_open_at(h, 1000));
	CHECK_INT(hours_add_business(h, 1000, 60), HOURS_NEVER);
	CHECK_INT(hours_business_between(h, 0, 86400 * 30), 0);
	CHECK_INT(hours_next_change(h, 1000), HOURS_NEVER);
	hours_free(h);
}

static void
test_parse_errors(void)
{
	static const char *const bad[][2] = {
		{ "timezone", "Mars/Olympus" },
		{ "timezone", "../../etc/passwd" },
		{ "mon-fri", "9-17" },
		{ "mon", "18:00-09:00" },
		{ "tue", "09:00-12:00, 11:00-13:00" },
		{ "wed", "25:00-26:00" },
		{ "closed", "2026-02-30" },
		{ "closed", "2027-02-29" },
		{ "closed", "tomorrow" },
		{ "funday", "09:00-10:00" },
		{ "mon-xyz", "09:00-10:00" },
	};
	char err[256];
	size_t i;
	struct hours *h;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		h = hours_parse_line(NULL, bad[i][0], bad[i][1], err, sizeof err);
		CHECK(h == NULL);
		CHECK(err[0] != '\0');
		hours_free(h);
	}
	h = hours_parse_line(NULL, "mon", "09:00-12:00, 13:00-24:00", err,
	    sizeof err);
	CHECK(h != NULL);
	CHECK_INT(hours_check(h, err, sizeof err), -1); /* no timezone */
	CHECK(hours_parse_line(h, "sat-mon", "closed", err, sizeof err) == h);
	hours_free(h);
}

/* The conversions borrow TZ and must give it back. */
static void
test_tz_restored(void)
{
	struct hours *h;

	setenv("TZ", "America/New_York", 1);
	h = berlin();
	CHECK(hours_open_at(h, utc(2026, 3, 27, 8, 30)));
	CHECK_STR(getenv("TZ"), "America/New_York");
	setenv("TZ", "UTC", 1);
	CHECK(!hours_open_at(h, utc(2031, 1, 1, 3, 0)));
	CHECK_STR(getenv("TZ"), "UTC");
	hours_free(h);
	/* An unset TZ is spelt out once, by the parse, never removed. */
	unsetenv("TZ");
	h = berlin();
	CHECK_STR(getenv("TZ"), ":/etc/localtime");
	hours_free(h);
}

int
main(void)
{
	RUN(test_spring_forward);
	RUN(test_fall_back);
	RUN(test_closed_dates);
	RUN(test_always_open);
	RUN(test_never_open);
	RUN(test_parse_errors);
	RUN(test_tz_restored);
	return check_done();
}
