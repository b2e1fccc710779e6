/*
 * What an agent does in a conversation: the handlers behind the keymap
 * rows reply, reply_to, send, editor, note, template, canned, claim,
 * assign, unassign, pending, resolve, reopen, escalate, retry, edit.
 * Every change goes through the outbox (outbox.h).
 */
#ifndef TTYDESK_CONVACT_H
#define TTYDESK_CONVACT_H

#include <stdbool.h>

struct app;

int convact_reply(struct app *app);
int convact_reply_to(struct app *app);
int convact_send(struct app *app);
int convact_editor(struct app *app);
int convact_note(struct app *app);
int convact_template(struct app *app);
int convact_canned(struct app *app);
int convact_claim(struct app *app);
int convact_assign(struct app *app);
int convact_unassign(struct app *app);
int convact_pending(struct app *app);
int convact_resolve(struct app *app);
int convact_reopen(struct app *app);
int convact_escalate(struct app *app);
/* The labels prompt (completes known labels; the marked conversations in
 * bulk) and the snooze prompt; the parsers are in labels.h. */
int convact_labels(struct app *app);
int convact_snooze(struct app *app);
int convact_retry(struct app *app);
int convact_edit(struct app *app);
/* Quit, asking first while actions are not yet at the relay. */
int convact_quit(struct app *app);

/* [ui] confirm (default on). */
bool convact_confirm_on(const struct app *app);

#endif
