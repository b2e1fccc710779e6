/*
 * ttydesk-relay report (report_cli.h): the report of report.c for whole
 * UTC days, as an aligned table, CSV or the API's JSON.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttydesk/cliopt.h"
#include "ttydesk/day.h"

#include "report.h"
#include "report_cli.h"

#define REPORT_TOTAL_KEY "(total)"

static const char *const rc_fields[] = {
	"key", "conversations", "resolved", "first_response_p50",
	"first_response_p90", "resolution_p50", "sla_met_pct", "csat_avg",
	"csat_count",
};
#define RC_NFIELDS (sizeof rc_fields / sizeof rc_fields[0])

enum rc_format { RC_TABLE, RC_CSV, RC_JSON };

static void
rc_usage(FILE *f)
{
	fprintf(f, "usage: ttydesk-relay report --config PATH --from "
	    "YYYY-MM-DD --to YYYY-MM-DD\n"
	    "           [--by agent|team|number|day] [--csv | --json]\n");
}

/* One field of a row as text: "" for null (no figure). */
static void
rc_cell(const json_t *row, const char *field, const char *key, char *buf,
    size_t len)
{
	const json_t *v = json_object_get(row, field);

	if (strcmp(field, "key") == 0)
		snprintf(buf, len, "%s", key);
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.*f", strcmp(field, "csat_avg") == 0 ? 2 : 1,
		    json_real_value(v));
	else
		buf[0] = '\0';
}

/* Keys are ids (a-z, digits, - _ .) or days: nothing CSV must quote. */
static void
rc_csv(const json_t *rep)
{
	const json_t *row;
	char cell[128];
	size_t i, k;

	for (k = 0; k < RC_NFIELDS; k++)
		printf("%s%s", k ? "," : "", rc_fields[k]);
	printf("\n");
	json_array_foreach(json_object_get(rep, "rows"), i, row) {
		for (k = 0; k < RC_NFIELDS; k++) {
			rc_cell(row, rc_fields[k], json_string_value(
			    json_object_get(row, "key")), cell, sizeof cell);
			printf("%s%s", k ? "," : "", cell);
		}
		printf("\n");
	}
	row = json_object_get(rep, "totals");
	for (k = 0; k < RC_NFIELDS; k++) {
		rc_cell(row, rc_fields[k], REPORT_TOTAL_KEY, cell, sizeof cell);
		printf("%s%s", k ? "," : "", cell);
	}
	printf("\n");
}

static void
rc_table_row(const json_t *row, const char *key, const int *width)
{
	char cell[128];
	size_t k;

	for (k = 0; k < RC_NFIELDS; k++) {
		rc_cell(row, rc_fields[k], key, cell, sizeof cell);
		if (cell[0] == '\0')
			snprintf(cell, sizeof cell, "-");
		/* The key left-aligned, the figures right-aligned. */
		printf(k == 0 ? "%-*s" : "  %*s", width[k], cell);
	}
	printf("\n");
}

static void
rc_table(const json_t *rep)
{
	const json_t *rows = json_object_get(rep, "rows"), *row;
	int width[RC_NFIELDS];
	char cell[128];
	size_t i, k;

	for (k = 0; k < RC_NFIELDS; k++)
		width[k] = (int)strlen(rc_fields[k]);
	if (width[0] < (int)strlen(REPORT_TOTAL_KEY))
		width[0] = (int)strlen(REPORT_TOTAL_KEY);
	json_array_foreach(rows, i, row) {
		for (k = 0; k < RC_NFIELDS; k++) {
			rc_cell(row, rc_fields[k], json_string_value(
			    json_object_get(row, "key")), cell, sizeof cell);
			if ((int)strlen(cell) > width[k])
				width[k] = (int)strlen(cell);
		}
	}
	for (k = 0; k < RC_NFIELDS; k++)
		printf(k == 0 ? "%-*s" : "  %*s", width[k], rc_fields[k]);
	printf("\n");
	json_array_foreach(rows, i, row)
		rc_table_row(row, json_string_value(json_object_get(row, "key")),
		    width);
	rc_table_row(json_object_get(rep, "totals"), REPORT_TOTAL_KEY, width);
}

static int
rc_run(const char *config, const struct report_query *q, enum rc_format fmt)
{
	struct relay_config cfg;
	struct relay_store *st = NULL;
	char err[512];
	json_t *rep = NULL;
	int rc = 1;

	if (config_load_cmd(config, &cfg) != 0)
		return 1;
	if (relay_store_open(cfg.database, RELAY_STORE_READER, &st, err,
	    sizeof err) != 0 ||
	    (rep = report_run(st, &cfg, q, err, sizeof err)) == NULL) {
		fprintf(stderr, "ttydesk-relay: report: %s\n", err);
		goto out;
	}
	if (fmt == RC_JSON) {
		if (json_dumpf(rep, stdout, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER) != 0)
			goto out;
		printf("\n");
	} else if (fmt == RC_CSV) {
		rc_csv(rep);
	} else {
		rc_table(rep);
	}
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	json_decref(rep);
	if (st != NULL)
		relay_store_close(st);
	config_free(&cfg);
	return rc;
}

int
report_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"by", required_argument, NULL, 'b'},
		{"csv", no_argument, NULL, 'C'},
		{"json", no_argument, NULL, 'J'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *from = NULL, *to = NULL, *by = NULL;
	const struct cliopt_str strs[] = { { 'c', &config }, { 'f', &from },
	    { 't', &to }, { 'b', &by } };
	enum rc_format fmt = RC_TABLE;
	struct report_query q;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		if (cliopt_take(strs, sizeof strs / sizeof strs[0], ch, optarg))
			continue;
		switch (ch) {
		case 'C':
			fmt = RC_CSV;
			break;
		case 'J':
			fmt = RC_JSON;
			break;
		case 'h':
			rc_usage(stdout);
			return 0;
		default:
			rc_usage(stderr);
			return 2;
		}
	}
	if (config == NULL || from == NULL || to == NULL || optind != argc) {
		rc_usage(stderr);
		return 2;
	}
	if (day_parse(from, &q.from) != 0 || day_parse(to, &q.to) != 0) {
		fprintf(stderr, "ttydesk-relay: report: %s is not a date "
		    "(YYYY-MM-DD, in UTC)\n", day_parse(from, &q.from) != 0 ?
		    from : to);
		return 2;
	}
	if (q.to < q.from) {
		fprintf(stderr, "ttydesk-relay: report: --to %s is before --from "
		    "%s\n", to, from);
		return 2;
	}
	if (report_by_parse(by, &q.by) != 0) {
		fprintf(stderr, "ttydesk-relay: report: --by must be agent, team, "
		    "number or day\n");
		return 2;
	}
	q.to += 86399; /* both days whole */
	q.now = (int64_t)time(NULL);
	return rc_run(config, &q, fmt);
}
