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

typedef void (*op_fn)(struct relay *r, const struct relay_agent *a,
    const char *conv, json_t *in, struct op_result *res);

void op_error(struct op_result *res, unsigned status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

void op_message(struct relay *, const struct relay_agent *, const char *,
    json_t *, struct op_result *);
void op_note(struct relay *, const struct relay_agent *, const char *,
    json_t *, struct op_result *);
void op_escalate(struct relay *, const struct relay_agent *, const char *,
    json_t *, struct op_result *);
void op_assign(struct relay *, const struct relay_agent *, const char *,
    json_t *, struct op_result *);
void op_status(struct relay *, const struct relay_agent *, const char *,
    json_t *, struct op_result *);
void op_labels(struct relay *, const struct relay_agent *, const char *,
    json_t *, struct op_result *);
void op_presence(struct relay *, const struct relay_agent *, const char *,
    json_t *, struct op_result *);

/* ops_send.c: templates with components, interactive messages.  The
 * check answers 400 template_params / interactive_invalid (-1); the body
 * is NULL when the request is neither (a text or a params template). */
struct wa_recipient;
int op_send_check(struct relay *r, json_t *in, struct op_result *res);
char *op_send_body(json_t *in, const struct wa_recipient *to);

/* Count UTF-8 code points; -1 when not valid UTF-8. */
long op_utf8_len(const char *s);
/* Writer job, once a second: snoozes that ran out reopen, SLA due times
 * that passed become breached, each with a conversation event. */
int ops_housekeeping(struct relay *r);

#endif
