/*
 * Business hours: which instants are open, and open time between two
 * instants, for one team's [hours] section.
 *
 * Local time comes from the C library's tz database.  glibc converts
 * only in the process-wide zone (TZ): it has no per-zone call like
 * tzcode's localtime_rz().  So every conversion runs under one mutex that
 * sets TZ, calls tzset(), converts with localtime_r()/mktime() and puts TZ
 * back.  That is safe here because the relay does no other local-time
 * conversion (its logs and API use UTC seconds), and glibc never frees an
 * environment string, so a getenv() in another thread stays valid.  TZ
 * is never removed: adding a variable may move glibc's environment array
 * under another thread's getenv(), replacing a value never does.  So the
 * first parse (at config load, before the threads start) gives an unset
 * TZ its meaning spelt out, ":/etc/localtime", and later conversions only
 * replace the value.
 * Switching TZ re-reads the zone file, so each struct caches the days it
 * computed (their open ranges as UTC instants): the common calls then
 * touch neither TZ nor the file system.
 */
#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ttydesk/freeall.h"
#include "hours.h"

#define HOURS_RANGES 4     /* opening ranges per day */
#define HOURS_CACHE 16     /* days remembered per struct */
#define HOURS_SCAN_DAYS 3660 /* how far the searches look, ten years */
/* What an unset TZ means to glibc, spelt out. */
#define HOURS_TZ_DEFAULT ":/etc/localtime"

/* One local day: its UTC span and its open ranges as UTC instants. */
struct hours_day {
	int64_t day;   /* days since 1970-01-01 in the local calendar */
	int64_t start; /* local midnight */
	int64_t end;   /* next local midnight */
	int n;
	int64_t open[HOURS_RANGES][2];
};

struct hours {
	char *timezone;
	char *away_message;
	/* Minutes after local midnight, [from, to), per weekday (0 = mon). */
	int ranges[7][HOURS_RANGES][2];
	int n_ranges[7];
	int64_t *closed; /* local day numbers */
	size_t n_closed;
	struct hours_day cache[HOURS_CACHE];
	int n_cache, next_cache;
};

static pthread_mutex_t hours_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const hours_days[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
hours_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
hours_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* ---- parsing --------------------------------------------------------- */

static int
hours_day_index(const char *s, size_t n)
{
	int i;

	for (i = 0; i < 7; i++) {
		if (n == 3 && strncmp(s, hours_days[i], 3) == 0)
			return i;
	}
	return -1;
}

/* "mon" or "mon-fri" (a range may wrap: "sat-mon"); -1 when neither. */
static int
hours_day_key(const char *key, int *first, int *last)
{
	const char *dash = strchr(key, '-');

	if (dash == NULL) {
		*first = *last = hours_day_index(key, strlen(key));
		return *first < 0 ? -1 : 0;
	}
	*first = hours_day_index(key, (size_t)(dash - key));
	*last = hours_day_index(dash + 1, strlen(dash + 1));
	return *first < 0 || *last < 0 ? -1 : 0;
}

static const char *
hours_skip_space(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* "HH:MM" (00:00 to 24:00) into minutes; the end after it in *end. */
static int
hours_clock(const char *p, const char **end)
{
	int h, m;

	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) ||
	    p[2] != ':' || !isdigit((unsigned char)p[3]) ||
	    !isdigit((unsigned char)p[4]))
		return -1;
	h = (p[0] - '0') * 10 + (p[1] - '0');
	m = (p[3] - '0') * 10 + (p[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*end = p + 5;
	return h * 60 + m;
}

/* "HH:MM-HH:MM[, ...]" or "closed" into ranges; the count, or -1. */
static int
hours_parse_ranges(const char *v, int out[HOURS_RANGES][2])
{
	const char *p = hours_skip_space(v);
	int n = 0, a, b;

	if (strcmp(p, "closed") == 0)
		return 0;
	for (;;) {
		if (n == HOURS_RANGES)
			return -1;
		if ((a = hours_clock(p, &p)) < 0 || *p++ != '-' ||
		    (b = hours_clock(p, &p)) < 0 || b <= a ||
		    (n > 0 && a < out[n - 1][1]))
			return -1;
		out[n][0] = a;
		out[n][1] = b;
		n++;
		p = hours_skip_space(p);
		if (*p == '\0')
			return n;
		if (*p++ != ',')
			return -1;
		p = hours_skip_space(p);
	}
}

/* One "YYYY-MM-DD" into a day number; the end after it in *end. */
static int
hours_parse_date(const char *p, const char **end, int64_t *day)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int y = 0, m, d, i, back_y, back_m, back_d;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7 ? p[i] != '-' : !isdigit((unsigned char)p[i]))
			return -1;
	}
	for (i = 0; i < 4; i++)
		y = y * 10 + (p[i] - '0');
	m = (p[5] - '0') * 10 + (p[6] - '0');
	d = (p[8] - '0') * 10 + (p[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	*day = hours_days_from_civil(y, m, d);
	/* 29 February of a common year comes back as 1 March. */
	hours_civil_from_days(*day, &back_y, &back_m, &back_d);
	if (back_m != m)
		return -1;
	*end = p + 10;
	return 0;
}

static int
hours_parse_closed(struct hours *h, const char *v)
{
	const char *p = hours_skip_space(v);
	int64_t day, *nc;

	while (*p != '\0') {
		if (hours_parse_date(p, &p, &day) != 0)
			return -1;
		nc = realloc(h->closed, (h->n_closed + 1) * sizeof *nc);
		if (nc == NULL)
			return -1;
		h->closed = nc;
		h->closed[h->n_closed++] = day;
		p = hours_skip_space(p);
		if (*p == ',')
			p = hours_skip_space(p + 1);
		else if (*p != '\0')
			return -1;
	}
	return 0;
}

/* A zone name the tz database has: a file under TZDIR (or the usual
 * folder), reached without "..".  glibc would silently take an unknown
 * name as UTC, which is the mistake worth catching at load time. */
static int
hours_zone_known(const char *tz)
{
	const char *dir = getenv("TZDIR");
	char path[512];

	if (*tz == '\0' || *tz == '/' || strstr(tz, "..") != NULL ||
	    strlen(tz) > 128)
		return 0;
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir :
	    "/usr/share/zoneinfo", tz);
	return access(path, R_OK) == 0;
}

static int
hours_set(struct hours *h, const char *key, const char *value, char *err,
    size_t errlen)
{
	int first, last, i, n, r[HOURS_RANGES][2];

	if (strcmp(key, "timezone") == 0) {
		if (!hours_zone_known(value)) {
			snprintf(err, errlen, "timezone: '%s' is not in the tz "
			    "database (e.g. Europe/Berlin)", value);
			return -1;
		}
		free(h->timezone);
		return (h->timezone = strdup(value)) == NULL ? -1 : 0;
	}
	if (strcmp(key, "away_message") == 0) {
		free(h->away_message);
		h->away_message = NULL;
		if (*value == '\0')
			return 0;
		return (h->away_message = strdup(value)) == NULL ? -1 : 0;
	}
	if (strcmp(key, "closed") == 0) {
		if (hours_parse_closed(h, value) != 0) {
			snprintf(err, errlen, "closed: bad date list '%s' (want "
			    "YYYY-MM-DD, YYYY-MM-DD, ...)", value);
			return -1;
		}
		return 0;
	}
	if (hours_day_key(key, &first, &last) != 0) {
		snprintf(err, errlen, "unknown key '%s' (timezone, mon..sun or "
		    "a range like mon-fri, closed, away_message)", key);
		return -1;
	}
	if ((n = hours_parse_ranges(value, r)) < 0) {
		snprintf(err, errlen, "%s: bad hours '%s' (want HH:MM-HH:MM, "
		    "up to %d ranges separated by commas, or closed)", key,
		    value, HOURS_RANGES);
		return -1;
	}
	for (i = first;; i = (i + 1) % 7) {
		memcpy(h->ranges[i], r, sizeof r);
		h->n_ranges[i] = n;
		if (i == last)
			break;
	}
	return 0;
}

struct hours *
hours_parse_line(struct hours *h, const char *key, const char *value,
    char *err, size_t errlen)
{
	struct hours *nh = h;

	err[0] = '\0';
	pthread_mutex_lock(&hours_lock);
	if (getenv("TZ") == NULL)
		setenv("TZ", HOURS_TZ_DEFAULT, 1);
	pthread_mutex_unlock(&hours_lock);
	if (nh == NULL && (nh = calloc(1, sizeof *nh)) == NULL)
		goto nomem;
	if (hours_set(nh, key, value, err, errlen) == 0)
		return nh;
	if (err[0] == '\0')
		goto nomem;
	goto fail;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	if (h == NULL)
		hours_free(nh);
	return NULL;
}

int
hours_check(const struct hours *h, char *err, size_t errlen)
{
	if (h != NULL && h->timezone == NULL) {
		snprintf(err, errlen, "timezone is required (e.g. timezone = "
		    "Europe/Berlin)");
		return -1;
	}
	return 0;
}

void
hours_free(struct hours *h)
{
	if (h == NULL)
		return;
	FREE_ALL(h->timezone, h->away_message, h->closed);
	free(h);
}

const char *
hours_timezone(const struct hours *h)
{
	return h != NULL ? h->timezone : NULL;
}

const char *
hours_away_message(const struct hours *h)
{
	return h != NULL ? h->away_message : NULL;
}

/* ---- local days ------------------------------------------------------ */

/* Under hours_lock: TZ is the zone's until hours_tz_leave(). */
static char *hours_saved_tz;

static void
hours_tz_enter(const char *tz)
{
	const char *old = getenv("TZ");

	hours_saved_tz = strdup(old != NULL ? old : HOURS_TZ_DEFAULT);
	setenv("TZ", tz, 1);
	tzset();
}

static void
hours_tz_leave(void)
{
	setenv("TZ", hours_saved_tz != NULL ? hours_saved_tz :
	    HOURS_TZ_DEFAULT, 1);
	free(hours_saved_tz);
	hours_saved_tz = NULL;
	tzset();
}

/* Local y-m-d at minute (may be 1440, the next midnight) as UTC. */
static int64_t
hours_local(int y, int m, int d, int minute)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + minute / 1440;
	tm.tm_hour = (minute % 1440) / 60;
	tm.tm_min = minute % 60;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static int
hours_is_closed_day(const struct hours *h, int64_t day)
{
	size_t i;

	for (i = 0; i < h->n_closed; i++) {
		if (h->closed[i] == day)
			return 1;
	}
	return 0;
}

/* With TZ set: day's span and ranges. */
static void
hours_compute_day(const struct hours *h, int64_t day, struct hours_day *out)
{
	int y, m, d, wd = (int)(((day + 3) % 7 + 7) % 7), i;
	int64_t a, b;

	hours_civil_from_days(day, &y, &m, &d);
	out->day = day;
	out->start = hours_local(y, m, d, 0);
	out->end = hours_local(y, m, d, 1440);
	out->n = 0;
	if (hours_is_closed_day(h, day))
		return;
	for (i = 0; i < h->n_ranges[wd]; i++) {
		a = hours_local(y, m, d, h->ranges[wd][i][0]);
		b = hours_local(y, m, d, h->ranges[wd][i][1]);
		if (b > a) {
			out->open[out->n][0] = a;
			out->open[out->n][1] = b;
			out->n++;
		}
	}
}

/* Under hours_lock: the cached day holding ts (by_ts) or numbered day. */
static const struct hours_day *
hours_cached(const struct hours *h, int by_ts, int64_t v)
{
	int i;

	for (i = 0; i < h->n_cache; i++) {
		const struct hours_day *c = &h->cache[i];

		if (by_ts ? c->start <= v && v < c->end : c->day == v)
			return c;
	}
	return NULL;
}

/* The local day holding ts (by_ts) or the day numbered v, copied. */
static void
hours_get_day(const struct hours *h, int by_ts, int64_t v,
    struct hours_day *out)
{
	/* The cache is a memo, not part of the value: const callers may
	 * fill it, under the lock. */
	struct hours *mh = (struct hours *)(uintptr_t)h;
	const struct hours_day *c;
	struct tm tm;
	time_t t;
	int64_t day = v;

	pthread_mutex_lock(&hours_lock);
	if ((c = hours_cached(h, by_ts, v)) != NULL) {
		*out = *c;
		pthread_mutex_unlock(&hours_lock);
		return;
	}
	hours_tz_enter(h->timezone);
	if (by_ts) {
		t = (time_t)v;
		if (localtime_r(&t, &tm) == NULL)
			memset(&tm, 0, sizeof tm); /* out of range: 1900-01-00 */
		day = hours_days_from_civil((int64_t)tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday);
	}
	hours_compute_day(h, day, out);
	hours_tz_leave();
	mh->cache[mh->next_cache] = *out;
	mh->next_cache = (mh->next_cache + 1) % HOURS_CACHE;
	if (mh->n_cache < HOURS_CACHE)
		mh->n_cache++;
	pthread_mutex_unlock(&hours_lock);
}

static int
hours_any_open(const struct hours *h)
{
	int i;

	for (i = 0; i < 7; i++) {
		if (h->n_ranges[i] > 0)
			return 1;
	}
	return 0;
}

/* ---- queries --------------------------------------------------------- */

bool
hours_open_at(const struct hours *h, int64_t ts)
{
	struct hours_day d;
	int i;

	if (h == NULL)
		return true;
	hours_get_day(h, 1, ts, &d);
	for (i = 0; i < d.n; i++) {
		if (d.open[i][0] <= ts && ts < d.open[i][1])
			return true;
	}
	return false;
}

/* The open ranges from the day holding ts on, in order, over at most
 * days days: hours_walk_next() gives the next one's [*a, *b), false
 * past the last. */
struct hours_walk {
	const struct hours *h;
	struct hours_day d;
	int i, k, days;
};

static void
hours_walk_start(struct hours_walk *w, const struct hours *h, int64_t ts,
    int days)
{
	w->h = h;
	w->i = w->k = 0;
	w->days = days;
	hours_get_day(h, 1, ts, &w->d);
}

static bool
hours_walk_next(struct hours_walk *w, int64_t *a, int64_t *b)
{
	while (w->i == w->d.n) {
		if (++w->k >= w->days)
			return false;
		hours_get_day(w->h, 0, w->d.day + 1, &w->d);
		w->i = 0;
	}
	*a = w->d.open[w->i][0];
	*b = w->d.open[w->i][1];
	w->i++;
	return true;
}

int64_t
hours_business_between(const struct hours *h, int64_t from, int64_t to)
{
	struct hours_walk w;
	int64_t sum = 0, a, b;

	if (to <= from)
		return 0;
	if (h == NULL)
		return to - from;
	if (!hours_any_open(h))
		return 0;
	hours_walk_start(&w, h, from, HOURS_SCAN_DAYS * 10);
	while (hours_walk_next(&w, &a, &b) && a < to) {
		a = a > from ? a : from;
		b = b < to ? b : to;
		if (b > a)
			sum += b - a;
	}
	return sum;
}

int64_t
hours_add_business(const struct hours *h, int64_t from, int64_t dur)
{
	struct hours_walk w;
	int64_t a, b;

	if (dur <= 0)
		return from;
	if (h == NULL)
		return dur > INT64_MAX - from ? HOURS_NEVER : from + dur;
	if (!hours_any_open(h))
		return HOURS_NEVER;
	hours_walk_start(&w, h, from, HOURS_SCAN_DAYS);
	while (hours_walk_next(&w, &a, &b)) {
		if (b <= from)
			continue;
		a = a > from ? a : from;
		if (dur <= b - a)
			return a + dur;
		dur -= b - a;
	}
	return HOURS_NEVER;
}

int64_t
hours_next_change(const struct hours *h, int64_t ts)
{
	struct hours_walk w;
	int64_t a, b;

	if (h == NULL || !hours_any_open(h))
		return HOURS_NEVER;
	hours_walk_start(&w, h, ts, HOURS_SCAN_DAYS);
	while (hours_walk_next(&w, &a, &b)) {
		if (a > ts)
			return a;
		if (b > ts)
			return b;
	}
	return HOURS_NEVER;
}

int64_t
hours_closed_since(const struct hours *h, int64_t ts)
{
	struct hours_day d;
	int i, k;

	if (h == NULL || hours_open_at(h, ts))
		return ts;
	if (!hours_any_open(h))
		return 0; /* closed since ever */
	hours_get_day(h, 1, ts, &d);
	for (k = 0; k < HOURS_SCAN_DAYS; k++) {
		for (i = d.n - 1; i >= 0; i--) {
			if (d.open[i][1] <= ts)
				return d.open[i][1];
		}
		hours_get_day(h, 0, d.day - 1, &d);
	}
	return d.start;
}
