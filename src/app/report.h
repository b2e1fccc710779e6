/*
 * Reports from the relay (GET /v1/reports, supervisors and admins): the
 * answer decoded into rows of figures, the cells of its table as text,
 * and the request.  Figures the relay sends as null (no response yet, no
 * rating) are -1 here and "-" in a cell.
 *
 * Ownership: report_parse() fills a struct report the caller releases
 * with report_free(); report_query's done gets a report valid only during
 * the call.
 */
#ifndef TTYDESK_REPORT_H
#define TTYDESK_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;

struct report_row {
	char *key;               /* agent, team or number id, or YYYY-MM-DD */
	int64_t conversations;
	int64_t resolved;
	int64_t first_response_p50; /* seconds, -1 none */
	int64_t first_response_p90;
	int64_t resolution_p50;
	double sla_met_pct;      /* 0..100, -1 none */
	double csat_avg;         /* 1..5, -1 none */
	int64_t csat_count;
};

struct report {
	struct report_row *rows;
	size_t n;
	struct report_row totals; /* key "total" */
};

/* The table's columns, in order. */
enum report_col {
	REPORT_COL_KEY = 0,
	REPORT_COL_CONV,
	REPORT_COL_RESOLVED,
	REPORT_COL_FRT50,
	REPORT_COL_FRT90,
	REPORT_COL_RES50,
	REPORT_COL_SLA,
	REPORT_COL_CSAT,
	REPORT_COL_RATED,
	REPORT_COLS
};

/* by: "agent", "team", "number" or "day"; NULL otherwise. */
const char *report_by_name(const char *by);
/* Parse an answer: 0, or -1 with err (the report is then empty).  Rows
 * keep the relay's order; keys are sanitized for one line. */
int report_parse(const char *body, size_t len, struct report *rep,
    char *err, size_t errlen);
void report_free(struct report *rep);
/* The header of col (the key column is named after by). */
const char *report_col_name(int col, const char *by);
/* The text of one cell ("4m 10s", "92%", "4.6", "-"). */
const char *report_cell(const struct report_row *r, int col, char *buf,
    size_t len);
/* Each column's width (header, rows, totals), the key's capped at
 * key_max columns. */
void report_widths(const struct report *rep, const char *by, size_t key_max,
    size_t widths[REPORT_COLS]);
/* The columns to leave out, in order, when the width is short. */
extern const size_t report_drop_order[];
extern const size_t report_n_drop;

/* The query path for the days [from, to] (midnight UTC of each) into
 * buf; NULL when it does not fit or by is unknown. */
const char *report_path(char *buf, size_t len, int64_t from, int64_t to,
    const char *by);

/* done: status 200 with the report, which done may take (moving it out
 * and zeroing *rep); else err is why (the relay's own message for 403 and
 * other refusals; status 0 when it did not complete, -1 a bad answer). */
typedef void (*report_done_fn)(struct app *app, void *ud, long status,
    struct report *rep, const char *err);
int report_query(struct app *app, int64_t from, int64_t to, const char *by,
    report_done_fn done, void *ud, char *err, size_t errlen);

#endif
