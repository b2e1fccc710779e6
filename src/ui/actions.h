/*
 * The action table (actions.c): every action ttydesk knows, with its
 * name, default keys, help text, handler and flags.  The keymap, the
 * help screen and docs/keys.md are made from it.
 */
#ifndef TTYDESK_ACTIONS_H
#define TTYDESK_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

struct app;
struct td_conversation;

/* Handler result flags. */
#define UI_HANDLED 0x1
#define UI_REDRAW 0x2
#define UI_QUIT 0x4

typedef int (*action_fn)(struct app *app);

/* Action flags, checked by action_run() before the handler runs. */
#define ACT_MOTION 0x1 /* moves a cursor: the two-pane preview may lag */
#define ACT_CONV 0x2   /* acts on action_target(): "no conversation here"
                        * without one */
#define ACT_OPEN 0x4   /* acts on the open thread: "open a conversation
                        * first" without one */
#define ACT_BULK 0x8   /* with ACT_CONV: in action_bulk() it acts on the
                        * marked conversations, so needs none in front */
#define ACT_PANEL 0x10 /* works over the report and team panels too */

struct action_def {
	const char *name;  /* as [keys] spells it */
	const char *keys;  /* default keys, ", "-separated key names */
	const char *help;
	action_fn fn;      /* NULL: "not available yet" */
	unsigned flags;    /* ACT_* */
	/* What the key does while the help screen is shown; NULL: it closes
	 * the help screen. */
	action_fn in_help;
};

extern const struct action_def action_table[];
extern const size_t action_count;

/* The conversation an action is about: the open thread when it has the
 * focus, else the one under the list cursor; NULL: none. */
struct td_conversation *action_target(struct app *app);

/* Marked conversations and the list focused: ACT_BULK actions apply to
 * all the marked ones. */
bool action_bulk(struct app *app);

/* Runs action d for a key: its flags' checks (with the agent's message
 * when one fails), then its handler.  Returns UI_* flags. */
int action_run(struct app *app, const struct action_def *d);

#endif
