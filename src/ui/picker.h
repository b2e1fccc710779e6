/*
 * Pickers for the conversation actions: canned replies (filtered as you type),
 * templates (with a small form for their parameters), and the agent to assign
 * to.
 *
 * Each returns UI_* flags like an action handler.
 */
#ifndef TTYDESK_PICKER_H
#define TTYDESK_PICKER_H

struct app;
struct td_conversation;

int picker_canned(struct app *app);
/* Templates: the relay's approved ones (rtpick.h), else [templates]
 * from the config (picker_config_template). */
int picker_template(struct app *app, struct td_conversation *c,
    const char *why);
int picker_config_template(struct app *app, struct td_conversation *c,
    const char *why);
int picker_assign(struct app *app, struct td_conversation *c);

#endif
