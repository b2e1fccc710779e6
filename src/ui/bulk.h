/*
 * Bulk selection: mark conversations in the list (m), then resolve,
 * assign, claim, unassign or label them all at once through POST /v1/bulk
 * (one outbox entry, idempotent on client_id).
 *
 * Ownership: ui_of(app)->bulk (bulk_free).
 */
#ifndef TTYDESK_BULK_H
#define TTYDESK_BULK_H

#include <stdbool.h>
#include <stddef.h>

typedef struct json_t json_t;
struct app;

size_t bulk_count(const struct app *app);
bool bulk_marked(const struct app *app, const char *conv);
/* Actions: toggle the mark of the selected conversation and move down;
 * clear every mark. */
int bulk_toggle(struct app *app);
int bulk_clear(struct app *app);
/* Queue {"action": {what: arg}} for the marked conversations (arg is
 * consumed), then clear the marks.  0 or -1. */
int bulk_run(struct app *app, const char *what, json_t *arg);
void bulk_free(struct app *app);

#endif
