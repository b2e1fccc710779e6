/*
 * The compose area: a multi-line editor under the thread for a reply or a
 * private note, with drafts kept per conversation in the encrypted cache.
 *
 * Keys while composing: text goes in; Enter is a new line; C-s (the
 * `send` action) sends; Esc cancels and keeps the draft; M-e (`editor`)
 * opens $VISUAL/$EDITOR; C-t picks a canned reply; C-w deletes a word,
 * C-u/C-k to the start/end of the line, C-a/C-e, arrows, M-b/M-f move.
 *
 * Ownership: struct compose (ui_of(app)->composer) owns its buffer, quote and
 * drafts; compose_free() wipes them.
 */
#ifndef TTYDESK_COMPOSE_H
#define TTYDESK_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cbuf.h"

struct app;
struct td_msg;
struct td_conversation;

enum compose_mode { CM_REPLY = 0, CM_NOTE };

struct draft {
	char *conv;
	char *text;
};

struct compose {
	bool open;
	enum compose_mode mode;
	char *conv;
	char *reply_to;  /* message id quoted, NULL none */
	char *quote;     /* sanitized "Name: summary" */
	struct cbuf buf;
	size_t top;      /* first text row shown */
	size_t wrap;     /* text width, for the up/down keys */
	struct draft *drafts;
	size_t n_drafts;
};

#define COMPOSE_MAX_CHARS 4096

/* Open the compose area for conversation c (quote: the message replied
 * to, or NULL), restoring its draft.  0 or -1. */
int compose_open(struct app *app, struct td_conversation *c,
    enum compose_mode mode, const struct td_msg *quote);
bool compose_active(const struct app *app);
/* Close, keeping the text as the conversation's draft. */
void compose_cancel(struct app *app);
/* Queue the text through the outbox; closes on success. */
int compose_send(struct app *app);
/* Insert text at the cursor (canned replies). */
void compose_insert(struct app *app, const char *text);
/* Rows the compose area takes out of a body of `body` rows (0: closed). */
int compose_height(const struct app *app, int body);

/* Drafts: the text kept for conversation conv ("" or NULL deletes). */
void compose_keep_draft(struct app *app, const char *conv, const char *text);
const char *compose_draft(const struct app *app, const char *conv);
/* Cache replay (no cache write). */
void compose_load_draft(struct app *app, const char *conv, const char *text,
    size_t len);
/* Save the open text as a draft (on quit). */
void compose_save_open(struct app *app);
void compose_free(struct app *app);

/* The window rule: "24-hour window closed 3 d ago: only templates" into
 * buf when closed (returns false), true when free text is allowed. */
bool compose_window_ok(const struct td_conversation *c, int64_t now,
    char *buf, size_t len);
/* The same for an action that sends free text to the open conversation
 * in steps (a file and its caption, an interactive message): a copy of
 * its id (the caller's), or NULL with the reason on the status bar (NULL
 * also without an open conversation, which the action's ACT_OPEN rules
 * out, or out of memory). */
char *compose_open_id(struct app *app);

extern const struct view compose_view;

#endif
