/*
 * Reports from the relay (report.h).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttydesk/sanitize.h"
#include "ttydesk/strfields.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "chart.h"
#include "query.h"
#include "report.h"

/* A key wider than this is shortened by the screen, never the figures. */
#define REPORT_KEY_MAX_LEN 256

const size_t report_drop_order[] = { REPORT_COL_RATED, REPORT_COL_FRT90,
    REPORT_COL_RES50, REPORT_COL_RESOLVED, REPORT_COL_CSAT, REPORT_COL_SLA };
const size_t report_n_drop = sizeof report_drop_order /
    sizeof report_drop_order[0];

const char *
report_by_name(const char *by)
{
	static const char *const names[] = { "agent", "team", "number", "day" };
	size_t i;

	for (i = 0; by != NULL && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(by, names[i]) == 0)
			return names[i];
	return NULL;
}

/* A figure: a number >= 0, or null/absent (-1).  -1 on anything else. */
static int
report_num(const json_t *o, const char *key, double *out)
{
	const json_t *v = json_object_get(o, key);

	*out = -1;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
	    json_number_value(v) < 0 || json_number_value(v) > 1e15)
		return -1;
	*out = json_number_value(v);
	return 0;
}

static int
report_row_parse(const json_t *o, struct report_row *r, bool totals,
    char *err, size_t errlen, size_t i)
{
	static const char *const names[] = { "conversations", "resolved",
	    "first_response_p50", "first_response_p90", "resolution_p50",
	    "sla_met_pct", "csat_avg", "csat_count" };
	const json_t *key = json_object_get(o, "key");
	double v[8];
	size_t k;

	if (!json_is_object(o)) {
		snprintf(err, errlen, "%s%.0zu of the report is not an object",
		    totals ? "the totals" : "row ", totals ? 0 : i + 1);
		return -1;
	}
	if (!totals && (!json_is_string(key) || json_string_length(key) == 0 ||
	    json_string_length(key) > REPORT_KEY_MAX_LEN)) {
		snprintf(err, errlen, "row %zu of the report has no key", i + 1);
		return -1;
	}
	for (k = 0; k < 8; k++) {
		if (report_num(o, names[k], &v[k]) != 0) {
			if (totals)
				snprintf(err, errlen, "the report's totals: %s "
				    "is not a figure", names[k]);
			else
				snprintf(err, errlen, "row %zu of the report: "
				    "%s is not a figure", i + 1, names[k]);
			return -1;
		}
	}
	r->key = totals ? strdup("total") : sanitize_text(json_string_value(key),
	    json_string_length(key), SANITIZE_SINGLE_LINE);
	if (r->key == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->conversations = v[0] < 0 ? 0 : (int64_t)v[0];
	r->resolved = v[1] < 0 ? 0 : (int64_t)v[1];
	r->first_response_p50 = v[2] < 0 ? -1 : (int64_t)llround(v[2]);
	r->first_response_p90 = v[3] < 0 ? -1 : (int64_t)llround(v[3]);
	r->resolution_p50 = v[4] < 0 ? -1 : (int64_t)llround(v[4]);
	r->sla_met_pct = v[5] > 100 ? 100 : v[5];
	r->csat_avg = v[6];
	r->csat_count = v[7] < 0 ? 0 : (int64_t)v[7];
	return 0;
}

static int
report_parse_root(const json_t *root, void *out, char *err, size_t errlen)
{
	struct report *rep = out;
	const json_t *rows = json_object_get(root, "rows"), *o;
	size_t i;

	if (!json_is_array(rows)) {
		snprintf(err, errlen, "the report has no rows");
		return -1;
	}
	if ((rep->rows = calloc(json_array_size(rows) + 1,
	    sizeof *rep->rows)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	json_array_foreach(rows, i, o) {
		if (report_row_parse(o, &rep->rows[i], false, err, errlen,
		    i) != 0)
			return -1;
		rep->n = i + 1;
	}
	return report_row_parse(json_object_get(root, "totals"),
	    &rep->totals, true, err, errlen, 0);
}

static const size_t report_row_strs[] = {
	offsetof(struct report_row, key),
};

void
report_free(struct report *rep)
{
	strfields_vec_free(&rep->rows, &rep->n, sizeof *rep->rows,
	    report_row_strs, STRFIELDS_N(report_row_strs));
	free(rep->totals.key);
	memset(rep, 0, sizeof *rep);
}

const char *
report_col_name(int col, const char *by)
{
	static const char *const names[REPORT_COLS] = { NULL, "conv",
	    "resolved", "1st p50", "1st p90", "res p50", "SLA met", "CSAT",
	    "rated" };

	if (col == REPORT_COL_KEY)
		return report_by_name(by) != NULL ? report_by_name(by) : "key";
	return col > 0 && col < REPORT_COLS ? names[col] : "";
}

/* A figure the relay may not have (-1): "-" then, else with decimals
 * and unit ("92%", "4.6"). */
static const char *
report_figure(char *buf, size_t len, double v, int decimals,
    const char *unit)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.*f%s", decimals, v, unit);
	return buf;
}

const char *
report_cell(const struct report_row *r, int col, char *buf, size_t len)
{
	switch (col) {
	case REPORT_COL_KEY:
		snprintf(buf, len, "%s", r->key != NULL ? r->key : "");
		break;
	case REPORT_COL_CONV:
		snprintf(buf, len, "%lld", (long long)r->conversations);
		break;
	case REPORT_COL_RESOLVED:
		snprintf(buf, len, "%lld", (long long)r->resolved);
		break;
	case REPORT_COL_FRT50:
		return chart_duration(buf, len, r->first_response_p50);
	case REPORT_COL_FRT90:
		return chart_duration(buf, len, r->first_response_p90);
	case REPORT_COL_RES50:
		return chart_duration(buf, len, r->resolution_p50);
	case REPORT_COL_SLA:
		return report_figure(buf, len, r->sla_met_pct, 0, "%");
	case REPORT_COL_CSAT:
		return report_figure(buf, len, r->csat_avg, 1, "");
	case REPORT_COL_RATED:
		snprintf(buf, len, "%lld", (long long)r->csat_count);
		break;
	default:
		snprintf(buf, len, "%s", "");
		break;
	}
	return buf;
}

static void
report_widen(size_t widths[REPORT_COLS], const struct report_row *r,
    size_t key_max)
{
	char cell[300];
	size_t w;
	int c;

	for (c = 0; c < REPORT_COLS; c++) {
		report_cell(r, c, cell, sizeof cell);
		w = text_width(cell, strlen(cell));
		if (c == REPORT_COL_KEY && w > key_max)
			w = key_max;
		if (w > widths[c])
			widths[c] = w;
	}
}

void
report_widths(const struct report *rep, const char *by, size_t key_max,
    size_t widths[REPORT_COLS])
{
	size_t i;
	int c;

	for (c = 0; c < REPORT_COLS; c++)
		widths[c] = strlen(report_col_name(c, by));
	for (i = 0; i < rep->n; i++)
		report_widen(widths, &rep->rows[i], key_max);
	report_widen(widths, &rep->totals, key_max);
}

const char *
report_path(char *buf, size_t len, int64_t from, int64_t to, const char *by)
{
	int w;

	if (report_by_name(by) == NULL || to < from)
		return NULL;
	/* Both days are whole: to is the last second of the last day. */
	w = snprintf(buf, len, "/v1/reports?from=%lld&to=%lld&by=%s",
	    (long long)from, (long long)to + 86399, by);
	return w < 0 || (size_t)w >= len ? NULL : buf;
}

static void
report_deliver(struct app *app, const struct query *q, long status,
    void *value, const char *why)
{
	((report_done_fn)q->done)(app, q->ud, status, value, why);
}

static void
report_clear(void *value)
{
	report_free(value);
}

static const struct query_kind report_kind = { "report",
    sizeof(struct report), report_parse_root, report_clear, report_deliver };

int
report_parse(const char *body, size_t len, struct report *rep, char *err,
    size_t errlen)
{
	return query_parse(&report_kind, body, len, rep, err, errlen);
}

int
report_query(struct app *app, int64_t from, int64_t to, const char *by,
    report_done_fn done, void *ud, char *err, size_t errlen)
{
	char path[200];

	if (report_path(path, sizeof path, from, to, by) == NULL) {
		snprintf(err, errlen, "bad report range or grouping");
		return -1;
	}
	return query_get(app, path, &report_kind, (query_fn)done, ud, err,
	    errlen);
}
