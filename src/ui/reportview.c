/*
 * The report view (reportview.h).  Two requests per range: by agent (the
 * table and the bars) and by day (the sparklines); an answer for an older
 * range is dropped.  A 403 closes the view and says the relay's reason.
 */
#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttydesk/day.h"
#include "ttydesk/sanitize.h"
#include "app.h"
#include "chart.h"
#include "keymap.h"
#include "report.h"
#include "reportview.h"
#include "theme.h"
#include "ui.h"

#define DAY 86400
#define REPORT_KEY_W 20      /* widest key column of the table */
#define LABEL_W 16      /* "daily 1st p50  " before a sparkline */

struct reportui {
	int64_t from, to;    /* first and last day shown (midnight UTC) */
	bool frt;            /* bars by first-response p50 */
	struct report agents, days;
	bool have_agents, have_days;
	unsigned gen;        /* of the range asked last */
	char err[300];
	size_t top;
};

static void
day_name(char *buf, size_t len, int64_t ts)
{
	time_t t = (time_t)ts;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d",
	    &tm) == 0)
		snprintf(buf, len, "?");
}

/* --- lines (pure) --------------------------------------------------------- */

/* One row of the table (r NULL: the header). */
static void
table_line(struct aline_list *ls, const struct report_row *r,
    const size_t *widths, const bool *keep, int style, int utf8)
{
	struct aline *l;
	char cell[300];
	int c;

	if ((l = aline_list_add(ls)) == NULL)
		return;
	for (c = 0; c < REPORT_COLS; c++) {
		if (!keep[c])
			continue;
		aline_pad(l, TH_NORMAL, 1);
		aline_cell(l, style, r == NULL ? report_col_name(c, "agent") :
		    report_cell(r, c, cell, sizeof cell), widths[c],
		    c != REPORT_COL_KEY, utf8);
	}
}

static void
lines_table(struct aline_list *ls, const struct report *rep, size_t width,
    int utf8)
{
	size_t widths[REPORT_COLS], i, room = width > 1 ? width - 1 : 0;
	bool keep[REPORT_COLS];

	report_widths(rep, "agent", REPORT_KEY_W, widths);
	/* The key column gives way last, down to 6 columns. */
	while (chart_fit_columns(widths, REPORT_COLS, report_drop_order,
	    report_n_drop, room, keep) > room && widths[REPORT_COL_KEY] > 6)
		widths[REPORT_COL_KEY]--;
	table_line(ls, NULL, widths, keep, TH_HELP_KEY, utf8);
	for (i = 0; i < rep->n; i++)
		table_line(ls, &rep->rows[i], widths, keep, TH_NORMAL, utf8);
	table_line(ls, &rep->totals, widths, keep, TH_NAME, utf8);
}

static void
lines_bars(struct aline_list *ls, const struct report *rep, bool frt,
    size_t width, int utf8)
{
	size_t i, kw = 4, vw = 7, bw, used;
	double max = 0, v;
	struct aline *l;
	char bar[1024], val[32];

	if ((l = aline_list_add(ls)) == NULL)
		return;
	aline_adds(l, TH_DAY, frt ? " First response p50 per agent" :
	    " Conversations per agent");
	for (i = 0; i < rep->n; i++) {
		size_t w = text_width(rep->rows[i].key, strlen(rep->rows[i].key));
		kw = w > kw ? w : kw;
		v = frt ? (double)rep->rows[i].first_response_p50 :
		    (double)rep->rows[i].conversations;
		max = v > max ? v : max;
	}
	kw = kw > REPORT_KEY_W ? REPORT_KEY_W : kw;
	bw = width > kw + vw + 4 ? width - kw - vw - 4 : 1;
	bw = bw > 300 ? 300 : bw;
	for (i = 0; i < rep->n; i++) {
		const struct report_row *r = &rep->rows[i];
		if ((l = aline_list_add(ls)) == NULL)
			return;
		v = frt ? (double)r->first_response_p50 : (double)r->conversations;
		aline_pad(l, TH_NORMAL, 1);
		aline_cell(l, TH_NORMAL, r->key, kw, 0, utf8);
		aline_pad(l, TH_NORMAL, 1);
		used = chart_bar(bar, sizeof bar, v, max, bw, utf8 != 0);
		aline_adds(l, frt ? TH_CHART_ALT : TH_CHART, bar);
		aline_pad(l, TH_NORMAL, bw - used + 1);
		if (frt)
			chart_duration(val, sizeof val, r->first_response_p50);
		else
			snprintf(val, sizeof val, "%lld", (long long)r->conversations);
		aline_cell(l, TH_NORMAL, val, vw, 1, utf8);
	}
}

/* The day series of a by=day report over [from, to]: volume and p50. */
static size_t
day_series(const struct report *days, int64_t from, int64_t to,
    double *vol, double *frt, size_t max)
{
	size_t n = (size_t)((to - from) / DAY + 1), i;
	int64_t ts;

	n = n > max ? max : n;
	for (i = 0; i < n; i++) {
		vol[i] = 0;
		frt[i] = -1;
	}
	for (i = 0; i < days->n; i++) {
		if (day_parse(days->rows[i].key, &ts) != 0 || ts < from ||
		    ts > to || (size_t)((ts - from) / DAY) >= n)
			continue;
		vol[(ts - from) / DAY] = (double)days->rows[i].conversations;
		frt[(ts - from) / DAY] = (double)days->rows[i].first_response_p50;
	}
	return n;
}

static void
lines_spark(struct aline_list *ls, const char *label, const double *v,
    size_t n, int style, const char *peak, size_t width, int utf8)
{
	char spark[3 * 400 + 1];
	struct aline *l;
	size_t room = width > LABEL_W + 2 + strlen(peak) + 8 ?
	    width - LABEL_W - 2 - strlen(peak) - 8 : 0;

	if ((l = aline_list_add(ls)) == NULL)
		return;
	/* The newest days when the range is wider than the screen. */
	if (n > room) {
		v += n - room;
		n = room;
	}
	aline_pad(l, TH_NORMAL, 1);
	aline_cell(l, TH_NORMAL, label, LABEL_W - 1, 0, utf8);
	aline_adds(l, style, chart_sparkline(spark, sizeof spark, v,
	    n > 400 ? 400 : n, utf8 != 0));
	aline_printf(l, TH_AGE, "  max %s", peak);
}

size_t
reportview_lines(const struct report *agents, const struct report *days,
    int64_t from, int64_t to, int frt, size_t width, int utf8,
    struct aline **lines)
{
	struct aline_list ls = { NULL, 0, 0 };
	double vol[400], fr[400], mv = 0, mf = -1;
	char peak[32];
	size_t n, i;

	*lines = NULL;
	if (agents != NULL) {
		lines_table(&ls, agents, width, utf8);
		aline_list_add(&ls);
		lines_bars(&ls, agents, frt != 0, width, utf8);
	}
	if (days != NULL) {
		aline_list_add(&ls);
		n = day_series(days, from, to, vol, fr, 400);
		for (i = 0; i < n; i++) {
			mv = vol[i] > mv ? vol[i] : mv;
			mf = fr[i] > mf ? fr[i] : mf;
		}
		snprintf(peak, sizeof peak, "%.0f", mv);
		lines_spark(&ls, "daily volume", vol, n, TH_CHART, peak, width,
		    utf8);
		lines_spark(&ls, "daily 1st p50", fr, n, TH_CHART_ALT,
		    chart_duration(peak, sizeof peak, (int64_t)mf), width, utf8);
	}
	*lines = ls.v;
	return ls.n;
}

/* --- the view ----------------------------------------------------------- */

static struct reportui *
rui(struct app *app)
{
	struct ui *ui = ui_of(app);

	if (ui->report == NULL && (ui->report = calloc(1,
	    sizeof *ui->report)) == NULL)
		app_fatal("out of memory");
	return ui->report;
}

static void
report_got(struct app *app, void *ud, long status, struct report *rep,
    const char *err, bool agents)
{
	struct reportui *r;

	/* At shutdown the screen is gone before the requests. */
	if (ui_of(app) == NULL || (r = ui_of(app)->report) == NULL ||
	    (unsigned)(uintptr_t)ud != r->gen)
		return;
	if (status == 403) {
		/* Not a supervisor: the relay says so, in its words. */
		ui_panel_close(app);
		app_error(app, "%s", err);
		return;
	}
	if (status != 200) {
		snprintf(r->err, sizeof r->err, "%s", err);
	} else if (agents) {
		report_free(&r->agents);
		r->agents = *rep;
		r->have_agents = true;
		memset(rep, 0, sizeof *rep);
	} else {
		report_free(&r->days);
		r->days = *rep;
		r->have_days = true;
		memset(rep, 0, sizeof *rep);
	}
	ui_of(app)->panel.dirty = true;
}

static void
report_got_agents(struct app *app, void *ud, long status, struct report *rep,
    const char *err)
{
	report_got(app, ud, status, rep, err, true);
}

static void
report_got_days(struct app *app, void *ud, long status, struct report *rep,
    const char *err)
{
	report_got(app, ud, status, rep, err, false);
}

static void
report_fetch(struct app *app)
{
	struct reportui *r = rui(app);
	void *gen;
	char err[256];

	r->gen++;
	gen = (void *)(uintptr_t)r->gen;
	r->err[0] = '\0';
	r->have_agents = r->have_days = false;
	r->top = 0;
	if (report_query(app, r->from, r->to, "agent", report_got_agents, gen,
	    err, sizeof err) != 0 || report_query(app, r->from, r->to, "day",
	    report_got_days, gen, err, sizeof err) != 0)
		snprintf(r->err, sizeof r->err, "%s", err);
	ui_of(app)->panel.dirty = true;
}

/* The last days days up to today. */
static void
report_range(struct app *app, int days)
{
	struct reportui *r = rui(app);
	int64_t today = (app->now > 0 ? app->now : (int64_t)time(NULL));

	today -= today % DAY;
	r->to = today;
	r->from = today - (int64_t)(days - 1) * DAY;
	report_fetch(app);
}

/* Earlier (dir -1) or later (+1) by the length of the range. */
static void
report_shift(struct app *app, int dir)
{
	struct reportui *r = rui(app);
	int64_t len = r->to - r->from + DAY;

	r->from += dir * len;
	r->to += dir * len;
	report_fetch(app);
}

int
reportview_toggle(struct app *app)
{
	if (ui_panel_toggle(app, &report_view))
		report_range(app, 7);
	return UI_HANDLED;
}

void
reportview_free(struct app *app)
{
	struct reportui *r = ui_of(app)->report;

	if (r == NULL)
		return;
	report_free(&r->agents);
	report_free(&r->days);
	free(r);
	ui_of(app)->report = NULL;
}

static void
report_title(struct app *app, struct aline *l, const struct reportui *r)
{
	char a[16], b[16];

	day_name(a, sizeof a, r->from);
	day_name(b, sizeof b, r->to);
	aline_printf(l, TH_DAY, " Report %s %s %s (%lld days, UTC)", a,
	    ui_of(app)->utf8 ? "\xe2\x80\x93" : "-", b,
	    (long long)(r->to - r->from) / DAY + 1);
	if (r->err[0] != '\0')
		aline_printf(l, TH_FAILED, "  %s", r->err);
	else if (!r->have_agents || !r->have_days)
		aline_adds(l, TH_AGE, "  loading...");
}

static void
report_draw(struct app *app, struct view *v)
{
	struct reportui *r = rui(app);
	struct aline *lines = NULL, head, foot;
	size_t n;

	if (!v->dirty)
		return;
	n = reportview_lines(r->have_agents ? &r->agents : NULL,
	    r->have_days ? &r->days : NULL, r->from, r->to, r->frt,
	    (size_t)v->w, ui_of(app)->utf8, &lines);
	aline_init(&head);
	aline_init(&foot);
	report_title(app, &head, r);
	/* Fits 80 columns. */
	aline_adds(&foot, TH_AGE, " 1/2 7/30 days  [/] earlier/later  b bars  "
	    "r refresh  j/k scroll  Esc close");
	ui_panel_page(app, v, &head, lines, n, &r->top, -1, &foot);
}

static void
report_week(struct app *app)
{
	report_range(app, 7);
}

static void
report_month(struct app *app)
{
	report_range(app, 30);
}

static void
report_earlier(struct app *app)
{
	report_shift(app, -1);
}

static void
report_later(struct app *app)
{
	report_shift(app, 1);
}

static void
report_bars(struct app *app)
{
	rui(app)->frt = !rui(app)->frt;
}

/* Up and down scroll the report. */
static size_t *
report_cursor(struct app *app)
{
	return &rui(app)->top;
}

static const struct panel_key report_keys[] = {
	{ '1', NULL, report_week },
	{ '2', NULL, report_month },
	{ '[', NULL, report_earlier },
	{ ']', NULL, report_later },
	{ 'b', NULL, report_bars },
	{ 'r', NULL, report_fetch },
	{ 0, NULL, NULL },
};

const struct view report_view = { .name = "report", .draw = report_draw,
	.panel_keys = report_keys, .panel_cursor = report_cursor };
