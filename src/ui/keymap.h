/*
 * Keys.  The keymap binds keys to the actions of the table (actions.h)
 * from its defaults plus the config's [keys] section, and the help
 * screen and docs/keys.md are generated from it.
 *
 * Key codes: a Unicode code point (control keys are their control
 * character, Enter is '\r', Esc 27, Tab 9), KM_KEY(ncurses KEY_*) for
 * function/cursor keys, KM_META(c) for Alt-c.
 *
 * Ownership: a struct keymap owns its binding array; keymap_free().
 */
#ifndef TTYDESK_KEYMAP_H
#define TTYDESK_KEYMAP_H

#include <stddef.h>

#include "actions.h"

#define KM_KEY(k) (0x200000 | (k))
#define KM_META(c) (0x400000 | (c))
#define KM_IS_KEY(k) (((k) & 0x200000) != 0)
#define KM_IS_META(k) (((k) & 0x400000) != 0)
#define KM_BASE(k) ((k) & 0x1fffff)
#define KM_ENTER '\r'
#define KM_ESC 27
#define KM_TAB '\t'

struct app;
struct ini;

struct binding {
	int key;
	int action; /* index in the table */
};

struct keymap {
	const struct action_def *table;
	size_t n_actions;
	struct binding *b;
	size_t n;
	size_t cap;
};

/* Parse one key name ("j", "C-x", "M-x", "Enter", "F5" ...).  Returns the
 * key code or -1. */
int keymap_parse_key(const char *name);
/* Canonical name of a key code into buf; returns buf. */
const char *keymap_key_name(int key, char *buf, size_t len);
int keymap_action_index(const struct keymap *km, const char *name);

/*
 * Bind the table's defaults, then apply [keys] from ini (may be NULL).  An
 * action listed in [keys] gets exactly the keys given there; those keys
 * leave whatever action had them by default.  A key bound twice within
 * [keys] is an error naming both actions.  Returns 0 or -1 with err.
 */
int keymap_build(struct keymap *km, const struct action_def *table,
    size_t n_actions, const struct ini *ini, char *err, size_t errlen);
/* The same with another section of the config ("compose_keys"). */
int keymap_build_section(struct keymap *km, const struct action_def *table,
    size_t n_actions, const struct ini *ini, const char *section, char *err,
    size_t errlen);
void keymap_free(struct keymap *km);
/* Action index bound to key, or -1. */
int keymap_lookup(const struct keymap *km, int key);
/* ", "-joined names of the keys bound to an action into buf. */
const char *keymap_keys_of(const struct keymap *km, int action, char *buf,
    size_t len);
/* Both tables as Markdown (docs/keys.md), from the default keys: km's
 * and the compose area's.  malloc'd; caller frees. */
char *keymap_markdown(const struct keymap *km, const struct keymap *compose);

#endif
