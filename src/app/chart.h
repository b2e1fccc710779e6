/*
 * Figures for the terminal (pure: no curses, no network): durations as
 * people say them ("4m 10s"), horizontal bars, sparklines, and which
 * columns of a table fit a width.  Every function has a UTF-8 form (block
 * characters) and an ASCII one for terminals whose locale is not UTF-8.
 */
#ifndef TTYDESK_CHART_H
#define TTYDESK_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sparkline levels: 0 (lowest) .. CHART_LEVELS - 1. */
#define CHART_LEVELS 8

/* secs < 0 (no figure) as "-"; else "45s", "4m 10s", "2h 05m", "3d 4h".
 * Returns buf. */
const char *chart_duration(char *buf, size_t len, int64_t secs);

/* Cells in eighths of a column for value v on a bar of width columns whose
 * full length is max: 0 for v <= 0 (or max <= 0), at least 1 for any
 * v > 0, width * 8 for v >= max. */
size_t chart_bar_eighths(double v, double max, size_t width);
/* The bar as text into buf (NUL-terminated): full blocks and one partial
 * block (UTF-8), or '#' per whole column, rounded (ASCII, where a bar for
 * any v > 0 has at least one '#').  Returns its width in columns. */
size_t chart_bar(char *buf, size_t len, double v, double max, size_t width,
    bool utf8);

/* The level of v between 0 and max (values below 0 count as 0). */
int chart_level(double v, double max);
/* A sparkline of n values (one column each; a value < 0 is a gap, drawn
 * as a blank) into buf; levels as ▁▂▃▄▅▆▇█ or "_.-:=+*#".  Returns buf. */
const char *chart_sparkline(char *buf, size_t len, const double *v, size_t n,
    bool utf8);

/*
 * Which columns of a table fit width: widths[i] is column i's width
 * (without the one-column gap before every column but the first), and
 * drop lists column indexes in the order they go when space is short
 * (columns not listed are never dropped).  keep[i] is set for the columns
 * shown.  Returns the width of the kept columns with their gaps.
 */
size_t chart_fit_columns(const size_t *widths, size_t n, const size_t *drop,
    size_t n_drop, size_t width, bool *keep);

#endif
