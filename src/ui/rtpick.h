/*
 * The template composer for the relay's templates (GET /v1/templates):
 * pick an approved one, fill each field (the relay's own check names
 * what is wrong and asks again), see the preview exactly as the customer
 * will with the template's category and cost, then send through the
 * outbox.  A relay that lists none (or answers 404) leaves the config's
 * [templates] (picker_config_template).
 */
#ifndef TTYDESK_RTPICK_H
#define TTYDESK_RTPICK_H

struct app;
struct td_conversation;

/* UI_* flags like an action. */
int rtpick_start(struct app *app, struct td_conversation *c, const char *why);

#endif
