/*
 * `ttydesk report` (reportcli.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ttydesk/day.h"
#include "ttydesk/sanitize.h"
#include "app.h"
#include "net.h"
#include "report.h"
#include "reportcli.h"

#define REPORTCLI_TIMEOUT_MS 60000

static void
cli_cell(FILE *out, const char *s, size_t w, bool right, bool first)
{
	size_t tw = text_width(s, strlen(s)), pad = w > tw ? w - tw : 0;

	if (!first)
		fputc(' ', out);
	if (right)
		fprintf(out, "%*s", (int)pad, "");
	fputs(s, out);
	if (!right)
		fprintf(out, "%*s", (int)pad, "");
}

void
reportcli_print(FILE *out, const struct report *rep, const char *by)
{
	size_t widths[REPORT_COLS], i, total = 0;
	char cell[300];
	int c;

	report_widths(rep, by, 256, widths);
	for (c = 0; c < REPORT_COLS; c++) {
		cli_cell(out, report_col_name(c, by), widths[c],
		    c != REPORT_COL_KEY, c == 0);
		total += widths[c] + (c > 0);
	}
	fputc('\n', out);
	for (i = 0; i <= rep->n; i++) {
		const struct report_row *r = i < rep->n ? &rep->rows[i] :
		    &rep->totals;
		if (i == rep->n) {
			for (c = 0; (size_t)c < total; c++)
				fputc('-', out);
			fputc('\n', out);
		}
		for (c = 0; c < REPORT_COLS; c++)
			cli_cell(out, report_cell(r, c, cell, sizeof cell),
			    widths[c], c != REPORT_COL_KEY, c == 0);
		fputc('\n', out);
	}
}

struct cli_wait {
	bool done;
	long status;
	struct report rep;
	char err[300];
};

static void
cli_done(struct app *app, void *ud, long status, struct report *rep,
    const char *err)
{
	struct cli_wait *w = ud;

	(void)app;
	w->done = true;
	w->status = status;
	snprintf(w->err, sizeof w->err, "%s", err != NULL ? err : "");
	if (status == 200) {
		w->rep = *rep;
		memset(rep, 0, sizeof *rep);
	}
}

int
reportcli_run(struct app *app, const char *from, const char *to,
    const char *by, FILE *out, FILE *errf)
{
	struct cli_wait w;
	int64_t f, t;
	char err[512];

	memset(&w, 0, sizeof w);
	by = by != NULL ? by : "agent";
	t = (int64_t)time(NULL);
	t -= t % 86400;
	if (report_by_name(by) == NULL) {
		fprintf(errf, "ttydesk report: --by must be agent, team, number "
		    "or day\n");
		return REPORTCLI_USAGE;
	}
	if ((to != NULL && day_parse(to, &t) != 0) ||
	    (from != NULL && day_parse(from, &f) != 0)) {
		fprintf(errf, "ttydesk report: dates are YYYY-MM-DD\n");
		return REPORTCLI_USAGE;
	}
	if (from == NULL)
		f = t - 6 * 86400;
	if (f > t) {
		fprintf(errf, "ttydesk report: --from is after --to\n");
		return REPORTCLI_USAGE;
	}
	if (app_connect(app, err, sizeof err) != 0 ||
	    report_query(app, f, t, by, cli_done, &w, err, sizeof err) != 0) {
		fprintf(errf, "ttydesk report: %s\n", err);
		return REPORTCLI_FAILED;
	}
	if (app_wait(app, &w.done, REPORTCLI_TIMEOUT_MS) != 0) {
		/* Cancel now: its callback points into this frame. */
		net_free(app->net);
		app->net = NULL;
		fprintf(errf, "ttydesk report: the relay did not answer\n");
		return REPORTCLI_FAILED;
	}
	if (w.status != 200) {
		fprintf(errf, "ttydesk report: %s\n", w.err);
		return w.status == 401 || w.status == 403 ?
		    REPORTCLI_FORBIDDEN : REPORTCLI_FAILED;
	}
	reportcli_print(out, &w.rep, by);
	report_free(&w.rep);
	return fflush(out) == 0 ? REPORTCLI_OK : REPORTCLI_FAILED;
}
