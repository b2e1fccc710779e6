/*
 * The action table (actions.c): every action ttydesk knows, with its
 * name, default keys, help text, handler and flags.  The keymap, the
 * help screen and docs/keys.md are made from it.
 */
#ifndef TTYDESK_ACTIONS_H
#define TTYDESK_ACTIONS_H

#include <stddef.h>

struct app;

/* Handler result flags. */
#define UI_HANDLED 0x1
#define UI_REDRAW 0x2
#define UI_QUIT 0x4

typedef int (*action_fn)(struct app *app);

/* Action flags. */
#define ACT_MOTION 0x1 /* moves a cursor: the two-pane preview may lag */

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

#endif
