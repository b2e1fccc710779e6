/* Durations, bars, sparklines and column fitting (chart.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"

const char *
chart_duration(char *buf, size_t len, int64_t s)
{
	if (s < 0)
		snprintf(buf, len, "-");
	else if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm %02llds", (long long)(s / 60),
		    (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh %02lldm", (long long)(s / 3600),
		    (long long)(s % 3600 / 60));
	else
		snprintf(buf, len, "%lldd %lldh", (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
	return buf;
}

size_t
chart_bar_eighths(double v, double max, size_t width)
{
	double e;

	if (!(v > 0) || !(max > 0) || width == 0)
		return 0;
	if (v >= max)
		return width * 8;
	e = floor(v / max * (double)(width * 8) + 0.5);
	/* Something is never drawn as nothing. */
	return e < 1 ? 1 : (size_t)e;
}

size_t
chart_bar(char *buf, size_t len, double v, double max, size_t width,
    bool utf8)
{
	/* U+2588 full block, then U+258F..U+2589: one to seven eighths. */
	static const char *const part[8] = { "", "\xe2\x96\x8f",
	    "\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c", "\xe2\x96\x8b",
	    "\xe2\x96\x8a", "\xe2\x96\x89" };
	size_t e = chart_bar_eighths(v, max, width), cols, o = 0, i;

	if (len == 0)
		return 0;
	if (!utf8) {
		cols = (e + 4) / 8;
		if (e > 0 && cols == 0)
			cols = 1;
		for (i = 0; i < cols && o + 1 < len; i++)
			buf[o++] = '#';
		buf[o] = '\0';
		return o;
	}
	cols = 0;
	for (i = 0; i < e / 8 && o + 4 <= len; i++, cols++) {
		memcpy(buf + o, "\xe2\x96\x88", 3);
		o += 3;
	}
	if (e % 8 != 0 && o + 4 <= len) {
		memcpy(buf + o, part[e % 8], 3);
		o += 3;
		cols++;
	}
	buf[o] = '\0';
	return cols;
}

int
chart_level(double v, double max)
{
	double l;

	if (!(v > 0) || !(max > 0))
		return 0;
	l = floor(v / max * (CHART_LEVELS - 1) + 0.5);
	return l > CHART_LEVELS - 1 ? CHART_LEVELS - 1 : (int)l;
}

const char *
chart_sparkline(char *buf, size_t len, const double *v, size_t n, bool utf8)
{
	static const char *const blocks[CHART_LEVELS] = { "\xe2\x96\x81",
	    "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84", "\xe2\x96\x85",
	    "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" };
	static const char ascii[CHART_LEVELS + 1] = "_.-:=+*#";
	double max = 0;
	size_t i, o = 0, need;
	int lv;

	if (len == 0)
		return buf;
	for (i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	for (i = 0; i < n; i++) {
		need = utf8 && v[i] >= 0 ? 3 : 1;
		if (o + need >= len)
			break;
		if (v[i] < 0) {
			buf[o++] = ' ';
			continue;
		}
		lv = chart_level(v[i], max);
		if (utf8) {
			memcpy(buf + o, blocks[lv], 3);
			o += 3;
		} else {
			buf[o++] = ascii[lv];
		}
	}
	buf[o] = '\0';
	return buf;
}

static size_t
fit_total(const size_t *widths, size_t n, const bool *keep)
{
	size_t i, t = 0, k = 0;

	for (i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		t += widths[i] + (k++ > 0);
	}
	return t;
}

size_t
chart_fit_columns(const size_t *widths, size_t n, const size_t *drop,
    size_t n_drop, size_t width, bool *keep)
{
	size_t i;

	for (i = 0; i < n; i++)
		keep[i] = true;
	for (i = 0; i < n_drop && fit_total(widths, n, keep) > width; i++) {
		if (drop[i] < n)
			keep[drop[i]] = false;
	}
	return fit_total(widths, n, keep);
}
