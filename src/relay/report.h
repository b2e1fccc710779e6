/*
 * Reports (spec/relay-api.md, "Roles, automatic assignment and
 * reports"): per agent, team, number or day, the conversations whose
 * customer started them in a range, their first-response and resolution
 * times in business seconds, SLA met and CSAT, computed from the event
 * log alone (docs/api.md defines every figure).
 *
 * Ownership: report_run() returns a new JSON object the caller owns.
 */
#ifndef RELAY_REPORT_H
#define RELAY_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "store.h"

enum report_by { REPORT_BY_AGENT, REPORT_BY_TEAM, REPORT_BY_NUMBER,
	REPORT_BY_DAY };

struct report_query {
	int64_t from;    /* first second of the range */
	int64_t to;      /* last second of the range (inclusive) */
	enum report_by by;
	int64_t now;     /* "now" for conversations still waiting */
};

/* "agent", "team", "number", "day" (NULL: agent).  0, or -1. */
int report_by_parse(const char *s, enum report_by *by);

/* {"rows": [...], "totals": {...}} read from st inside one read
 * transaction; NULL with the reason in err on a store error. */
json_t *report_run(struct relay_store *st, const struct relay_config *cfg,
    const struct report_query *q, char *err, size_t errlen);

#endif
