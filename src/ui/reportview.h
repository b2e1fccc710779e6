/*
 * The report view (supervisors): GET /v1/reports by agent and by day for a
 * range of days, drawn as a table, a bar per agent and two sparklines of
 * the days.  A full-screen panel (ui_panel_open); its own keys are listed
 * on its last line.
 */
#ifndef TTYDESK_REPORTVIEW_H
#define TTYDESK_REPORTVIEW_H

#include <stddef.h>
#include <stdint.h>

struct app;
struct aline;
struct report;
struct view;

/* The action: open (or close) the view for the last 7 days. */
int reportview_toggle(struct app *app);
void reportview_free(struct app *app);

extern const struct view report_view;

/*
 * The view's lines for width columns (pure; the unit tests call it):
 * agents and days are the two answers (NULL while loading), [from, to]
 * the days shown (midnight UTC), frt draws the bars by first-response
 * p50 instead of conversations.  Returns the number of lines put in
 * *lines (malloc'd, each aline freed by the caller), 0 when out of memory.
 */
size_t reportview_lines(const struct report *agents, const struct report *days,
    int64_t from, int64_t to, int frt, size_t width, int utf8,
    struct aline **lines);

#endif
