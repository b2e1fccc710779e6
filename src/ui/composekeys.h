/*
 * The compose area's own keys (editing the text): a second keymap, with
 * its table here and its rebinding in the config's [compose_keys]
 * section, as [keys] rebinds the others.
 */
#ifndef TTYDESK_COMPOSEKEYS_H
#define TTYDESK_COMPOSEKEYS_H

#include <stddef.h>

#include "keymap.h"

struct app;
struct ini;

extern const struct action_def compose_action_table[];
extern const size_t compose_action_count;

/* The defaults, then [compose_keys] from ini (may be NULL).  0 or -1
 * with err. */
int composekeys_build(struct keymap *km, const struct ini *ini, char *err,
    size_t errlen);

#endif
