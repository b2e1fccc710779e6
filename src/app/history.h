/*
 * History on demand: a conversation known only in part (outside the
 * working set, found by search, reopened by a late event) fetches its
 * messages from GET /v1/conversations/{id}/messages, newest page first
 * when opened, older pages when the agent reaches the top.  Pages go to
 * the cache like sync events (reopening works offline) and leave it again
 * with the working set (window.h).
 *
 * Ownership: app->history, made on first use, freed by history_free().
 */
#ifndef TTYDESK_HISTORY_H
#define TTYDESK_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
typedef struct json_t json_t;

/* Called in the loop once a page of conv is in the model (ok) or failed. */
typedef void (*history_done_fn)(struct app *app, const char *conv, bool ok);

/* The newest page of conv, once per run (again after a failure).  done
 * (may be NULL) runs when it is applied.  Returns 0 when a request was
 * sent, 1 when nothing was to fetch, -1 when it could not be sent
 * (offline: err says why). */
int history_open(struct app *app, const char *conv, history_done_fn done,
    char *err, size_t errlen);
/* The next older page, when the relay said there is one. */
int history_older(struct app *app, const char *conv);
/* What the top of the thread says: "loading older messages…",
 * "no older messages", or NULL. */
const char *history_note(const struct app *app, const char *conv, bool utf8);
/*
 * Parse a history answer: *events a new reference to the events array
 * (each an object with an integer seq and conversation conv), *more,
 * *before (0 when absent).  Garbage is an error in err.
 */
int history_parse(const char *body, size_t len, const char *conv,
    json_t **events, bool *more, int64_t *before, char *err, size_t errlen);
void history_free(struct app *app);

#endif
