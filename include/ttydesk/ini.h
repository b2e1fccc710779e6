/*
 * INI files as both config files use them: [section] or [kind name],
 * key = value, '#' and ';' comments (a '#' after a value starts a comment
 * when preceded by white space), surrounding white space trimmed.
 *
 * Ownership: ini_free() releases the whole document.
 */
#ifndef TTYDESK_INI_H
#define TTYDESK_INI_H

#include <stddef.h>

struct ini_entry {
	char *section; /* "" before the first [section] */
	char *key;
	char *value;
	int line;
};

struct ini {
	struct ini_entry *entries;
	size_t n;
	char **sections; /* every [section] once, in order, also empty ones */
	size_t n_sections;
};

/* Returns 0, or -1 with "PATH:LINE: what is wrong" in err. */
int ini_parse(const char *text, size_t len, const char *name, struct ini *out,
    char *err, size_t errlen);
int ini_load(const char *path, struct ini *out, char *err, size_t errlen);
void ini_free(struct ini *ini);

/* 1 when line (len bytes, no newline) is a [section] header, with its
 * normalised name in out; 0 otherwise.  For tools that edit a file line
 * by line and must see sections as the parser does. */
int ini_header(const char *line, size_t len, char *out, size_t outlen);

/* Last value of key in section, or NULL. */
const char *ini_get(const struct ini *ini, const char *section, const char *key);

/* Durations "90", "90s", "15m", "1h", "2d" to seconds; -1 when malformed. */
long long ini_parse_duration(const char *s);
/* yes/no/on/off/true/false/1/0; -1 when malformed. */
int ini_parse_bool(const char *s);

#endif
