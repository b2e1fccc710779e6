/*
 * Templates and canned replies from the config (pure, unit-tested).
 *
 *     [templates]
 *     order_update = en_US: Your order {1} has shipped, {2}.
 *     [canned]
 *     thanks = Thank you {name}, glad to help!
 *
 * Ownership: a struct tmpl owns its strings (tmpl_free); the *_fill()
 * results are malloc'd for the caller.
 */
#ifndef TTYDESK_TMPL_H
#define TTYDESK_TMPL_H

#include <stddef.h>

struct ini;

struct tmpl {
	char *name;
	char *lang;
	char *text;
	size_t n_params; /* the highest {N} in text */
};

/* "lang: text" -> template.  0, or -1 with err (no language, bad {N}). */
int tmpl_parse(const char *name, const char *value, struct tmpl *out,
    char *err, size_t errlen);
void tmpl_free(struct tmpl *t);
/* text with {1}..{n} replaced by params[0..n-1] (missing ones stay). */
char *tmpl_fill(const char *text, const char *const *params, size_t n);
/* text with {name} replaced by name ("" when NULL). */
char *canned_fill(const char *text, const char *name);

/* Keys of one section in file order, the last value of a repeated key
 * winning.  *keys and *values are malloc'd arrays of n pointers into
 * ini (free both arrays, not the strings). */
size_t tmpl_section(const struct ini *ini, const char *section,
    const char ***keys, const char ***values);

#endif
