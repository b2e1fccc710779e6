/* The report and team views' figures: durations, bars, sparklines, the
 * columns that fit 80 columns, decoding the relay's answers (bad input is
 * an error, never a crash), and drawing without colour under NO_COLOR. */
#include <jansson.h>

#include "check.h"
#include "ttydesk/day.h"
#include "app.h"
#include "chart.h"
#include "report.h"
#include "reportcli.h"
#include "reportview.h"
#include "roster.h"
#include "teamview.h"
#include "theme.h"
#include "ui.h"
#include "ui_term.h"
#include "ttydesk/sanitize.h"

static const char good_report[] =
    "{\"rows\":["
    "{\"key\":\"alice\",\"conversations\":12,\"resolved\":10,"
    "\"first_response_p50\":250,\"first_response_p90\":3725,"
    "\"resolution_p50\":7530,\"sla_met_pct\":91.7,\"csat_avg\":4.6,"
    "\"csat_count\":5},"
    "{\"key\":\"bob-with-a-very-long-agent-identifier\",\"conversations\":3,"
    "\"resolved\":0,\"first_response_p50\":null,\"first_response_p90\":null,"
    "\"resolution_p50\":null,\"sla_met_pct\":null,\"csat_avg\":null,"
    "\"csat_count\":0}],"
    "\"totals\":{\"conversations\":15,\"resolved\":10,"
    "\"first_response_p50\":250,\"first_response_p90\":3725,"
    "\"resolution_p50\":7530,\"sla_met_pct\":91.7,\"csat_avg\":4.6,"
    "\"csat_count\":5}}";

static const char good_team[] =
    "{\"agents\":[{\"id\":\"alice\",\"name\":\"Alice\",\"role\":"
    "\"supervisor\",\"teams\":[\"tier1\"],\"online\":true,\"last_seen\":"
    "1000,\"open\":5,\"capacity\":8,\"oldest_waiting\":{\"conversation\":"
    "\"c1\",\"since\":700}},{\"id\":\"bob\",\"name\":\"Bob\\u001b[31m\","
    "\"role\":\"agent\",\"teams\":[],\"online\":false,\"last_seen\":null,"
    "\"open\":0,\"capacity\":null,\"oldest_waiting\":null}],"
    "\"teams\":[{\"id\":\"tier1\",\"mode\":\"round_robin\",\"open_now\":"
    "true,\"unassigned\":2,\"oldest_waiting\":{\"conversation\":\"c9\","
    "\"since\":400}}]}";

static void
test_durations(void)
{
	char b[32];

	CHECK_STR(chart_duration(b, sizeof b, -1), "-");
	CHECK_STR(chart_duration(b, sizeof b, 0), "0s");
	CHECK_STR(chart_duration(b, sizeof b, 45), "45s");
	CHECK_STR(chart_duration(b, sizeof b, 250), "4m 10s");
	CHECK_STR(chart_duration(b, sizeof b, 3600), "1h 00m");
	CHECK_STR(chart_duration(b, sizeof b, 7530), "2h 05m");
	CHECK_STR(chart_duration(b, sizeof b, 90000), "1d 1h");
}

static void
test_bars(void)
{
	char b[256];

	CHECK_INT(chart_bar_eighths(0, 10, 10), 0);
	CHECK_INT(chart_bar_eighths(5, 0, 10), 0);
	CHECK_INT(chart_bar_eighths(10, 10, 10), 80);
	CHECK_INT(chart_bar_eighths(20, 10, 10), 80);
	CHECK_INT(chart_bar_eighths(5, 10, 10), 40);
	/* Something is never nothing. */
	CHECK_INT(chart_bar_eighths(0.001, 10, 10), 1);
	/* 3.3 of 10 on 10 columns: 26.4 eighths, 3 full and a quarter. */
	CHECK_INT(chart_bar(b, sizeof b, 3.3, 10, 10, true), 4);
	CHECK_STR(b, "\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x8e");
	CHECK_INT(chart_bar(b, sizeof b, 3.3, 10, 10, false), 3);
	CHECK_STR(b, "###");
	CHECK_INT(chart_bar(b, sizeof b, 0.001, 10, 10, false), 1);
	CHECK_STR(b, "#");
	CHECK_INT(chart_bar(b, sizeof b, 0, 10, 10, true), 0);
	CHECK_STR(b, "");
	/* Longer bars for larger values, the longest full. */
	CHECK_INT(chart_bar(b, sizeof b, 12, 12, 30, true), 30);
	/* A small buffer is never overrun. */
	CHECK(chart_bar(b, 8, 12, 12, 30, true) <= 2);
	CHECK(strlen(b) < 8);
}

static void
test_sparkline(void)
{
	const double v[] = { 0, 3.5, 7, -1, 1 };
	char b[64];

	CHECK_INT(chart_level(0, 7), 0);
	CHECK_INT(chart_level(7, 7), 7);
	CHECK_INT(chart_level(3.5, 7), 4);
	CHECK_INT(chart_level(1, 7), 1);
	CHECK_INT(chart_level(5, 0), 0);
	CHECK_STR(chart_sparkline(b, sizeof b, v, 5, true),
	    "\xe2\x96\x81\xe2\x96\x85\xe2\x96\x88 \xe2\x96\x82");
	CHECK_STR(chart_sparkline(b, sizeof b, v, 5, false), "_=# .");
	/* All zero: the floor, not a division by zero. */
	{
		const double z[] = { 0, 0 };
		CHECK_STR(chart_sparkline(b, sizeof b, z, 2, false), "__");
	}
	CHECK_STR(chart_sparkline(b, 4, v, 5, true), "\xe2\x96\x81");
}

static void
test_fit_columns(void)
{
	const size_t w[] = { 10, 4, 8, 7, 7 }, drop[] = { 4, 2, 3 };
	bool keep[5];

	CHECK_INT(chart_fit_columns(w, 5, drop, 3, 80, keep), 40);
	CHECK(keep[0] && keep[1] && keep[2] && keep[3] && keep[4]);
	CHECK_INT(chart_fit_columns(w, 5, drop, 3, 35, keep), 32);
	CHECK(!keep[4] && keep[2]);
	CHECK_INT(chart_fit_columns(w, 5, drop, 3, 20, keep), 15);
	CHECK(!keep[4] && !keep[2] && !keep[3] && keep[0] && keep[1]);
	/* Never below the columns that are not to drop. */
	CHECK_INT(chart_fit_columns(w, 5, drop, 3, 5, keep), 15);
}

static void
test_report_parse(void)
{
	static const char *const bad[] = {
		"", "nope", "[]", "{}", "{\"rows\":{}}",
		"{\"rows\":[1],\"totals\":{}}",
		"{\"rows\":[{\"conversations\":1}],\"totals\":{}}",
		"{\"rows\":[{\"key\":\"\"}],\"totals\":{}}",
		"{\"rows\":[{\"key\":\"a\",\"conversations\":\"12\"}],"
		"\"totals\":{}}",
		"{\"rows\":[{\"key\":\"a\",\"first_response_p50\":-4}],"
		"\"totals\":{}}",
		"{\"rows\":[{\"key\":\"a\",\"csat_avg\":1e300}],\"totals\":{}}",
		"{\"rows\":[]}",
		"{\"rows\":[],\"totals\":[]}",
	};
	struct report rep;
	char err[256], cell[64];
	size_t i, n;

	CHECK_INT(report_parse(good_report, strlen(good_report), &rep, err,
	    sizeof err), 0);
	CHECK_INT(rep.n, 2);
	CHECK_STR(rep.rows[0].key, "alice");
	CHECK_INT(rep.rows[0].first_response_p50, 250);
	CHECK_INT(rep.rows[1].first_response_p50, -1);
	CHECK_STR(report_cell(&rep.rows[0], REPORT_COL_FRT50, cell,
	    sizeof cell), "4m 10s");
	CHECK_STR(report_cell(&rep.rows[0], REPORT_COL_SLA, cell,
	    sizeof cell), "92%");
	CHECK_STR(report_cell(&rep.rows[0], REPORT_COL_CSAT, cell,
	    sizeof cell), "4.6");
	CHECK_STR(report_cell(&rep.rows[1], REPORT_COL_SLA, cell,
	    sizeof cell), "-");
	CHECK_STR(report_cell(&rep.totals, REPORT_COL_KEY, cell, sizeof cell),
	    "total");
	CHECK_INT(rep.totals.conversations, 15);
	report_free(&rep);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		CHECK_INT(report_parse(bad[i], strlen(bad[i]), &rep, err,
		    sizeof err), -1);
		CHECK(err[0] != '\0');
		CHECK(rep.rows == NULL && rep.n == 0);
	}
	/* Every cut of a good answer: an error or a report, never a crash
	 * (ASan watches). */
	n = strlen(good_report);
	for (i = 0; i < n; i++) {
		if (report_parse(good_report, i, &rep, err, sizeof err) == 0)
			report_free(&rep);
	}
	/* A control character in a key never reaches the terminal. */
	{
		const char *k = "{\"rows\":[{\"key\":\"a\\u001b[2Jb\"}],"
		    "\"totals\":{}}";
		CHECK_INT(report_parse(k, strlen(k), &rep, err, sizeof err), 0);
		CHECK(rep.n == 1 && strchr(rep.rows[0].key, 0x1b) == NULL);
		report_free(&rep);
	}
}

static void
test_report_days(void)
{
	int64_t t;
	char path[200];

	CHECK_INT(day_parse("2026-12-07", &t), 0);
	CHECK_INT(t, 1796601600);
	CHECK_INT(day_parse("2026-02-31", &t), -1);
	CHECK_INT(day_parse("2026-12-7", &t), -1);
	CHECK_INT(day_parse("2026-12-07x", &t), -1);
	CHECK_INT(day_parse(NULL, &t), -1);
	CHECK(report_path(path, sizeof path, 1000, 1000 + 86400, "day") !=
	    NULL);
	CHECK_STR(path, "/v1/reports?from=1000&to=173799&by=day");
	CHECK(report_path(path, sizeof path, 0, 0, "week") == NULL);
	CHECK(report_path(path, sizeof path, 86400, 0, "agent") == NULL);
}

static void
test_roster_parse(void)
{
	static const char *const bad[] = {
		"", "{}", "{\"agents\":{}}", "{\"agents\":[1]}",
		"{\"agents\":[{\"name\":\"x\"}]}",
		"{\"agents\":[{\"id\":\"a\",\"open\":-1}]}",
		"{\"agents\":[{\"id\":\"a\",\"oldest_waiting\":{\"since\":1}}]}",
		"{\"agents\":[],\"teams\":{}}",
		"{\"agents\":[],\"teams\":[{\"id\":\"t\",\"unassigned\":\"2\"}]}",
	};
	struct roster ro;
	char err[256];
	size_t i;

	CHECK_INT(roster_parse(good_team, strlen(good_team), &ro, err,
	    sizeof err), 0);
	CHECK_INT(ro.n_agents, 2);
	CHECK_STR(ro.agents[0].name, "Alice");
	CHECK_INT(ro.agents[0].capacity, 8);
	CHECK_STR(ro.agents[0].oldest.conversation, "c1");
	CHECK_INT(ro.agents[1].capacity, -1);
	CHECK(strchr(ro.agents[1].name, 0x1b) == NULL);
	CHECK(ro.agents[1].oldest.conversation == NULL);
	CHECK_INT(ro.n_teams, 1);
	CHECK(ro.teams[0].open_now);
	CHECK_INT(ro.teams[0].unassigned, 2);
	roster_free(&ro);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		CHECK_INT(roster_parse(bad[i], strlen(bad[i]), &ro, err,
		    sizeof err), -1);
		CHECK(err[0] != '\0');
	}
	for (i = 0; i < strlen(good_team); i++) {
		if (roster_parse(good_team, i, &ro, err, sizeof err) == 0)
			roster_free(&ro);
	}
}

static bool
all_ascii(const struct aline *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		if ((unsigned char)l->text[i] >= 0x80)
			return false;
	return true;
}

static bool
has(const struct aline *l, const char *s)
{
	return l->text != NULL && memmem(l->text, l->len, s, strlen(s)) != NULL;
}

/* By-day answer for 2026-12-01..07 with two quiet days. */
static const char days_report[] =
    "{\"rows\":[{\"key\":\"2026-12-01\",\"conversations\":4,"
    "\"first_response_p50\":120},{\"key\":\"2026-12-02\",\"conversations\":"
    "8,\"first_response_p50\":240},{\"key\":\"2026-12-05\","
    "\"conversations\":2,\"first_response_p50\":60},{\"key\":\"garbage\"}],"
    "\"totals\":{\"conversations\":14}}";

static void
test_layout(void)
{
	struct report ag, dy;
	struct aline *lines;
	char err[256];
	int64_t from, to;
	size_t n, i, w;
	int utf8, frt;
	bool bars = false, spark = false, frt_cell = false, rated = false;

	CHECK_INT(report_parse(good_report, strlen(good_report), &ag, err,
	    sizeof err), 0);
	CHECK_INT(report_parse(days_report, strlen(days_report), &dy, err,
	    sizeof err), 0);
	day_parse("2026-12-01", &from);
	day_parse("2026-12-07", &to);
	for (utf8 = 0; utf8 <= 1; utf8++)
	for (frt = 0; frt <= 1; frt++)
	for (w = 40; w <= 160; w += 40) {
		n = reportview_lines(&ag, &dy, from, to, frt, w, utf8, &lines);
		CHECK(n >= 10);
		for (i = 0; i < n; i++) {
			/* Nothing wider than the screen: no cell is cut by
			 * the edge. */
			CHECK(lines[i].width <= w);
			if (!utf8)
				CHECK(all_ascii(&lines[i]));
			if (has(&lines[i], "rated"))
				rated = rated || w == 40;
			if (has(&lines[i], "4m 10s"))
				frt_cell = true;
			if (utf8 && has(&lines[i], "\xe2\x96\x88"))
				bars = true;
			/* 7 days: 4 . 8 _ _ 2 _ (volume), levels of max 8. */
			if (!utf8 && has(&lines[i], "daily volume"))
				spark = spark || has(&lines[i], "=#__:__") ||
				    has(&lines[i], "=#__-__");
		}
		if (w == 80) {
			/* The header keeps the first figures; the key is cut
			 * with an ellipsis, never a figure. */
			CHECK(has(&lines[0], "conv") && has(&lines[0], "1st p50"));
			CHECK(has(&lines[2], utf8 ? "\xe2\x80\xa6" : "~"));
		}
		for (i = 0; i < n; i++)
			aline_free(&lines[i]);
		free(lines);
	}
	CHECK(bars && frt_cell && spark);
	/* At 40 columns the least useful column went first. */
	CHECK(!rated);
	report_free(&ag);
	report_free(&dy);
}

static void
test_cli_table(void)
{
	struct report rep;
	char err[256], *out = NULL;
	size_t len = 0;
	FILE *f;

	CHECK_INT(report_parse(good_report, strlen(good_report), &rep, err,
	    sizeof err), 0);
	f = open_memstream(&out, &len);
	CHECK(f != NULL);
	if (f == NULL)
		return;
	reportcli_print(f, &rep, "agent");
	fclose(f);
	/* Every column, full keys, a rule before the totals. */
	CHECK(strstr(out, "agent") == out);
	CHECK(strstr(out, "rated") != NULL);
	CHECK(strstr(out, "bob-with-a-very-long-agent-identifier") != NULL);
	CHECK(strstr(out, "\n-----") != NULL);
	CHECK(strstr(out, "\ntotal ") != NULL);
	CHECK(strstr(out, "2h 05m") != NULL);
	free(out);
	report_free(&rep);
}

static void
test_team_lines(void)
{
	struct roster ro;
	struct aline *lines;
	char err[256];
	size_t n, i, first;

	CHECK_INT(roster_parse(good_team, strlen(good_team), &ro, err,
	    sizeof err), 0);
	n = teamview_lines(&ro, 1000, 80, 1, &first, &lines);
	CHECK(n >= 6);
	CHECK_INT(first, 1);
	CHECK(has(&lines[first], "Alice") && has(&lines[first], "5/8") &&
	    has(&lines[first], "online") && has(&lines[first], "5m 00s"));
	CHECK(has(&lines[first + 1], "Bob") && has(&lines[first + 1], "away"));
	CHECK(has(&lines[n - 1], "tier1") && has(&lines[n - 1], "open") &&
	    has(&lines[n - 1], "10m 00s") && has(&lines[n - 1], "round_robin"));
	for (i = 0; i < n; i++) {
		CHECK(lines[i].width <= 80);
		aline_free(&lines[i]);
	}
	free(lines);
	roster_free(&ro);
}

static void
test_themes(void)
{
	static const char *names[] = { "default", "dark", "light",
	    "high-contrast" };
	struct theme t;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		CHECK_INT(theme_load(&t, names[i], err, sizeof err), 0);
		CHECK(t.el[TH_CHART].fg >= 0 && t.el[TH_CHART_ALT].fg >= 0);
	}
}

/* Any SGR colour: ESC [ ... 3x or 4x ... m (x 0-7). */
static bool
sgr_colour(const char *s, size_t len)
{
	size_t i, j;

	for (i = 0; i + 1 < len; i++) {
		if (s[i] != '\x1b' || s[i + 1] != '[')
			continue;
		for (j = i + 2; j < len && ((s[j] >= '0' && s[j] <= '9') ||
		    s[j] == ';'); j++)
			;
		if (j >= len || s[j] != 'm')
			continue;
		for (size_t k = i + 2; k + 1 < j; k++) {
			bool start = k == i + 2 || s[k - 1] == ';';
			if (start && (s[k] == '3' || s[k] == '4') &&
			    s[k + 1] >= '0' && s[k + 1] <= '7' &&
			    (k + 2 == j || s[k + 2] == ';'))
				return true;
		}
	}
	return false;
}

/* Under NO_COLOR the drawn report carries no colour at all. */
static void
test_no_color_draw(void)
{
	struct app app;
	struct ui_term t;
	struct report ag;
	struct aline *lines;
	char err[256], *out;
	size_t n, i, len = 0;
	long from;

	/* The detector itself. */
	CHECK(sgr_colour("\x1b[0;31m", 7) && sgr_colour("\x1b[44m", 5));
	CHECK(!sgr_colour("\x1b[3;1H", 6) && !sgr_colour("\x1b[39;1m", 8));
	ui_term_env();
	setenv("NO_COLOR", "1", 1);
	CHECK_INT(ui_term_start(&app, &t, model_new(NULL), 80, 24), 0);
	CHECK(!ui_of(&app)->colour);
	CHECK_INT(report_parse(good_report, strlen(good_report), &ag, err,
	    sizeof err), 0);
	ui_panel_open(&app, &report_view);
	CHECK(ui_panel_is(&app, &report_view));
	ui_draw(&app);
	from = ui_term_size(&t);
	n = reportview_lines(&ag, NULL, 0, 0, 0, 80, 1, &lines);
	for (i = 0; i < n && i < 20; i++)
		ui_draw_aline(&app, ui_of(&app)->panel.win, (int)i + 1, 0,
		    &lines[i], 80, TH_NORMAL);
	wnoutrefresh(ui_of(&app)->panel.win);
	doupdate();
	out = ui_term_output(&t, from, &len);
	CHECK(out != NULL && len > 0);
	if (out != NULL) {
		CHECK(memmem(out, len, "\xe2\x96\x88", 3) != NULL);
		CHECK(memmem(out, len, "\x1b[38;5;", 7) == NULL);
		CHECK(memmem(out, len, "\x1b[48;5;", 7) == NULL);
		CHECK(!sgr_colour(out, len));
	}
	free(out);
	for (i = 0; i < n; i++)
		aline_free(&lines[i]);
	free(lines);
	report_free(&ag);
	/* No relay: the view says why, and Esc closes it. */
	CHECK(ui_key(&app, KM_ESC) == UI_HANDLED);
	CHECK(!ui_of(&app)->panel_on);
	ui_term_close(&app, &t);
	unsetenv("NO_COLOR");
}

/* Over a panel the keys bound to down and up move its cursor (never
 * below 0), and q closes it. */
static void
test_panel_keys(void)
{
	struct app app;
	struct ui_term t;
	size_t *(*cursor)(struct app *);

	ui_term_env();
	CHECK_INT(ui_term_start(&app, &t, model_new(NULL), 80, 24), 0);
	ui_panel_open(&app, &team_view);
	cursor = ui_of(&app)->panel.panel_cursor;
	CHECK(cursor != NULL);
	CHECK(ui_key(&app, 'j') == UI_HANDLED);
	CHECK(ui_key(&app, 'j') == UI_HANDLED);
	CHECK_INT((long)*cursor(&app), 2);
	CHECK(ui_key(&app, 'k') == UI_HANDLED);
	CHECK_INT((long)*cursor(&app), 1);
	ui_key(&app, 'k');
	ui_key(&app, 'k');
	CHECK_INT((long)*cursor(&app), 0);
	CHECK(ui_of(&app)->panel_on);
	CHECK(ui_key(&app, 'q') == UI_HANDLED);
	CHECK(!ui_of(&app)->panel_on);
	ui_term_close(&app, &t);
}

int
main(void)
{
	RUN(test_durations);
	RUN(test_bars);
	RUN(test_sparkline);
	RUN(test_fit_columns);
	RUN(test_report_parse);
	RUN(test_report_days);
	RUN(test_roster_parse);
	RUN(test_layout);
	RUN(test_cli_table);
	RUN(test_team_lines);
	RUN(test_themes);
	RUN(test_no_color_draw);
	RUN(test_panel_keys);
	return check_done();
}
