/*
 * Choosing canned replies ([canned] in the config): the ones a filter the
 * agent types matches.  Filling one in is canned_fill (tmpl.h).
 */
#ifndef TTYDESK_CANNED_H
#define TTYDESK_CANNED_H

#include <stdbool.h>
#include <stddef.h>

/* Does "key value" hold f, ASCII case ignored (an empty or NULL f matches
 * everything)?  false when out of memory. */
bool canned_matches(const char *key, const char *value, const char *f);
/* The indexes of the n replies (keys[i], values[i]) that f matches, in
 * order, into match (room for n); how many. */
size_t canned_select(const char *const *keys, const char *const *values,
    size_t n, const char *f, size_t *match);

#endif
