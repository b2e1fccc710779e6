/*
 * Conversation operations behind the agent routes (writer thread): each
 * validates, changes the state, appends events and fills a result (the
 * event, or the spec's error object).  /v1/bulk runs the same functions.
 */
#ifndef RELAY_OPS_H
#define RELAY_OPS_H

#include <jansson.h>

#include "relay.h"

struct op_result {
	unsigned status;
	json_t *body;   /* new reference */
	char *hook;     /* escalation payload (malloc'd) or NULL */
	int kick;       /* an outbound message was queued */
};

/* One operation: /v1/bulk and the routes call them through op_fn. */
typedef void op_handler(struct relay *r, const struct relay_agent *a,
    const char *conv, json_t *in, struct op_result *res);
typedef op_handler *op_fn;

void op_error(struct op_result *res, unsigned status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

op_handler op_message, op_note, op_escalate, op_assign, op_status,
    op_labels, op_presence;

/* Count UTF-8 code points; -1 when not valid UTF-8. */
long op_utf8_len(const char *s);
/* Writer job, once a second: snoozes that ran out reopen, SLA due times
 * that passed become breached, each with a conversation event. */
int ops_housekeeping(struct relay *r);

#endif
