/* Label edits with completion, and snooze times. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "labels.h"

static const char *const known[] = { "billing", "refund", "vip", "vip-gold" };

static void
test_labels(void)
{
	struct label_edit e;
	char err[256], buf[128];

	CHECK_INT(labels_parse("ref -bil new, +vip", known, 4, &e, err,
	    sizeof err), 0);
	CHECK_INT(e.n_add, 3);
	CHECK_STR(e.add[0], "refund");   /* completed: one label starts so */
	CHECK_STR(e.add[1], "new");      /* unknown: a new label */
	CHECK_STR(e.add[2], "vip");      /* exact wins over vip-gold */
	CHECK_INT(e.n_remove, 1);
	CHECK_STR(e.remove[0], "billing");
	labels_edit_free(&e);
	/* "vi" is ambiguous: kept as typed. */
	CHECK_INT(labels_parse("vi", known, 4, &e, err, sizeof err), 0);
	CHECK_STR(e.add[0], "vi");
	labels_edit_free(&e);
	CHECK_INT(labels_parse("   ", known, 4, &e, err, sizeof err), -1);
	CHECK(strstr(err, "no labels") != NULL);
	CHECK_INT(labels_parse("abcdefghijabcdefghijabcdefghijabc", known, 4, &e,
	    err, sizeof err), -1);
	CHECK(strstr(err, "1 to 32") != NULL);
	CHECK_INT(labels_parse("-", known, 4, &e, err, sizeof err), -1);
	CHECK_INT(labels_parse("a\x01" "b", known, 4, &e, err, sizeof err), -1);
	CHECK(strstr(err, "control") != NULL);
	CHECK_INT(labels_complete("x -vi", known, 4, buf, sizeof buf), 2);
	CHECK_STR(buf, "vip, vip-gold");
	CHECK_INT(labels_complete("zz", known, 4, buf, sizeof buf), 0);
}

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
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static void
test_snooze(void)
{
	int64_t now = utc(2026, 11, 25, 10, 0), until; /* a Wednesday */
	char err[256];

	CHECK_INT(snooze_parse("2h", now, &until, err, sizeof err), 0);
	CHECK_INT(until, now + 7200);
	CHECK_INT(snooze_parse("30m", now, &until, err, sizeof err), 0);
	CHECK_INT(until, now + 1800);
	CHECK_INT(snooze_parse("3d", now, &until, err, sizeof err), 0);
	CHECK_INT(until, now + 3 * 86400);
	CHECK_INT(snooze_parse("tomorrow", now, &until, err, sizeof err), 0);
	CHECK_INT(until, utc(2026, 11, 26, 9, 0));
	CHECK_INT(snooze_parse("Tomorrow 14:30", now, &until, err, sizeof err), 0);
	CHECK_INT(until, utc(2026, 11, 26, 14, 30));
	CHECK_INT(snooze_parse("mon", now, &until, err, sizeof err), 0);
	CHECK_INT(until, utc(2026, 11, 30, 9, 0));
	CHECK_INT(snooze_parse("wed", now, &until, err, sizeof err), 0);
	CHECK_INT(until, utc(2026, 12, 2, 9, 0)); /* today is Wednesday */
	CHECK_INT(snooze_parse("friday 17:00", now, &until, err, sizeof err), 0);
	CHECK_INT(until, utc(2026, 11, 27, 17, 0));
	CHECK_INT(snooze_parse("17:30", now, &until, err, sizeof err), 0);
	CHECK_INT(until, utc(2026, 11, 25, 17, 30));
	CHECK_INT(snooze_parse("9:00", now, &until, err, sizeof err), 0);
	CHECK_INT(until, utc(2026, 11, 26, 9, 0)); /* passed today: tomorrow */
	CHECK_INT(snooze_parse("today 8:00", now, &until, err, sizeof err), -1);
	CHECK(strstr(err, "passed") != NULL);
	CHECK_INT(snooze_parse("soonish", now, &until, err, sizeof err), -1);
	CHECK(strstr(err, "e.g.") != NULL);
	CHECK_INT(snooze_parse("25:00", now, &until, err, sizeof err), -1);
	CHECK_INT(snooze_parse("-2h", now, &until, err, sizeof err), -1);
	CHECK_INT(snooze_parse("", now, &until, err, sizeof err), -1);
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	RUN(test_labels);
	RUN(test_snooze);
	return check_done();
}
