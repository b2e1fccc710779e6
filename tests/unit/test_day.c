/* UTC days "YYYY-MM-DD" (ttydesk/day.h). */
#include "check.h"
#include "ttydesk/day.h"

static void
test_day_good(void)
{
	int64_t ts = -1;

	CHECK_INT(day_parse("1970-01-01", &ts), 0);
	CHECK_INT(ts, 0);
	CHECK_INT(day_parse("2026-03-01", &ts), 0);
	CHECK_INT(ts, 1772323200);
	CHECK_INT(day_parse("2024-02-29", &ts), 0);
	CHECK_INT(ts, 1709164800);
}

static void
test_day_bad(void)
{
	static const char *const bad[] = { "2026-02-30", "2025-02-29",
	    "2026-13-01", "2026-00-10", "2026-01-00", "1969-12-31",
	    "2026-1-01", "2026-01-011", "2026/01/01", "2026-+1-05",
	    " 2026-1-05", "2026-01-0x", "", "20260101" };
	int64_t ts = 42;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (day_parse(bad[i], &ts) != -1)
			fprintf(stderr, "accepted \"%s\"\n", bad[i]);
		CHECK_INT(day_parse(bad[i], &ts), -1);
	}
	CHECK_INT(day_parse(NULL, &ts), -1);
	CHECK_INT(ts, 42);
}

int
main(void)
{
	RUN(test_day_good);
	RUN(test_day_bad);
	return check_done();
}
