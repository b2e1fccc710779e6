/*
 * The relay requests behind the conversation actions (claim, assign,
 * status, snooze, labels, escalate, bulk): each builds its body and queues
 * it in the outbox (outbox_add), which stores, sends, retries and reports.
 * 0, or -1 (said on the status bar).  The views choose what and for whom;
 * these never touch the screen.
 */
#ifndef TTYDESK_CONVREQ_H
#define TTYDESK_CONVREQ_H

#include <stddef.h>
#include <stdint.h>

typedef struct json_t json_t;
struct app;
struct label_edit;

/* POST .../assign; agent NULL removes the assignee.  what names the
 * outbox entry ("claim", "assign", "unassign"). */
int convreq_assign(struct app *app, const char *conv, const char *what,
    const char *agent);
/* POST .../status with status ("pending", "resolved", "open"). */
int convreq_status(struct app *app, const char *conv, const char *what,
    const char *status);
/* Snoozed until (Unix seconds). */
int convreq_snooze(struct app *app, const char *conv, int64_t until);
int convreq_labels(struct app *app, const char *conv,
    const struct label_edit *e);
int convreq_escalate(struct app *app, const char *conv, const char *team,
    const char *priority, const char *reason);
/* POST /v1/bulk: {"action": {what: arg}} for the n conversations ids (arg
 * is consumed). */
int convreq_bulk(struct app *app, const char *const *ids, size_t n,
    const char *what, json_t *arg);

#endif
