/*
 * `ttydesk report` from the shell: one GET /v1/reports, the table printed
 * to stdout (no curses).
 */
#ifndef TTYDESK_REPORTCLI_H
#define TTYDESK_REPORTCLI_H

#include <stdio.h>

struct app;
struct report;

/* Exit codes (docs/ttydesk.1.md). */
enum {
	REPORTCLI_OK = 0,
	REPORTCLI_FAILED = 1,    /* no relay, a bad answer, no token ... */
	REPORTCLI_USAGE = 2,     /* bad dates or grouping */
	REPORTCLI_FORBIDDEN = 3, /* the relay refused: 401 or 403 */
};

/* Dates "YYYY-MM-DD" (UTC, both days included; NULL: the last 7 days up
 * to today), by NULL for "agent".  The app has its config and token
 * read.  Returns a REPORTCLI_* code; errors go to errf. */
int reportcli_run(struct app *app, const char *from, const char *to,
    const char *by, FILE *out, FILE *errf);
/* The table of rep as text (header, rows, a rule, totals). */
void reportcli_print(FILE *out, const struct report *rep, const char *by);

#endif
