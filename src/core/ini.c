/*
 * INI parser shared by the relay and the TUI configs (include/ttydesk/ini.h).
 * A table of entries in file order; look-ups take the last match so a later
 * line overrides an earlier one.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "ttydesk/ini.h"
#include "ttydesk/strfields.h"
#include "ttydesk/vec.h"

#define INI_MAX_FILE (4 * 1024 * 1024)

static char *
ini_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Trim white space on both ends of [*s, *e). */
static void
ini_trim(const char **s, const char **e)
{
	while (*s < *e && isspace((unsigned char)**s))
		(*s)++;
	while (*e > *s && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

/* A '#' or ';' starts a comment in a value only after white space, so
 * "a#b" stays a value (tokens, colours) but "x   # note" loses the note. */
static const char *
ini_value_end(const char *s, const char *e)
{
	const char *p;

	for (p = s; p < e; p++) {
		if ((*p == '#' || *p == ';') &&
		    (p == s || isspace((unsigned char)p[-1])))
			return p;
	}
	return e;
}

static const size_t ini_entry_strs[] = {
	offsetof(struct ini_entry, section), offsetof(struct ini_entry, key),
	offsetof(struct ini_entry, value),
};

static int
ini_add_entry(struct ini *ini, const char *section, const char *k, size_t kn,
    const char *v, size_t vn, int line)
{
	struct ini_entry *e;

	e = realloc(ini->entries, (ini->n + 1) * sizeof *e);
	if (e == NULL)
		return -1;
	ini->entries = e;
	e = &ini->entries[ini->n];
	e->section = strdup(section);
	e->key = ini_strndup(k, kn);
	e->value = ini_strndup(v, vn);
	e->line = line;
	if (e->section == NULL || e->key == NULL || e->value == NULL) {
		strfields_free(e, ini_entry_strs, STRFIELDS_N(ini_entry_strs));
		return -1;
	}
	ini->n++;
	return 0;
}

/* "[ kind   name ]" is normalised to "kind name". */
static int
ini_section_name(const char *s, const char *e, char *out, size_t outlen)
{
	size_t n = 0;
	int space = 0;

	ini_trim(&s, &e);
	if (s == e)
		return -1;
	for (; s < e; s++) {
		if (isspace((unsigned char)*s)) {
			space = 1;
			continue;
		}
		if (*s == '[' || *s == ']')
			return -1;
		if (space && n + 1 < outlen)
			out[n++] = ' ';
		space = 0;
		if (n + 1 >= outlen)
			return -1;
		out[n++] = *s;
	}
	out[n] = '\0';
	return 0;
}

int
ini_header(const char *line, size_t len, char *out, size_t outlen)
{
	const char *s = line, *e = line + len, *close;

	ini_trim(&s, &e);
	if (s == e || *s != '[' || (close = memchr(s, ']', (size_t)(e - s))) ==
	    NULL)
		return 0;
	return ini_section_name(s + 1, close, out, outlen) == 0;
}

static int
ini_error(char *err, size_t errlen, const char *name, int line,
    const char *what)
{
	snprintf(err, errlen, "%s:%d: %s", name, line, what);
	return -1;
}

static int
ini_parse_line(struct ini *ini, const char *s, const char *e, char *section,
    size_t seclen, const char *name, int line, char *err, size_t errlen)
{
	const char *eq, *ks, *ke, *vs, *ve, *close;

	ini_trim(&s, &e);
	if (s == e || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		close = memchr(s, ']', (size_t)(e - s));
		if (close == NULL)
			return ini_error(err, errlen, name, line, "missing ']'");
		vs = close + 1;
		ve = ini_value_end(vs, e);
		ini_trim(&vs, &ve);
		if (vs != ve)
			return ini_error(err, errlen, name, line,
			    "text after ']'");
		if (ini_section_name(s + 1, close, section, seclen) != 0)
			return ini_error(err, errlen, name, line,
			    "bad section name");
		/* A repeated header goes on with the same section (its keys
		 * merge, the last value wins): listed once. */
		if (vec_find_str(ini->sections, ini->n_sections,
		    sizeof *ini->sections, 0, section) != NULL)
			return 0;
		if (vec_add_strn(&ini->sections, &ini->n_sections, section,
		    strlen(section)) != 0)
			goto nomem;
		return 0;
	}
	eq = memchr(s, '=', (size_t)(e - s));
	if (eq == NULL)
		return ini_error(err, errlen, name, line,
		    "expected 'key = value'");
	ks = s;
	ke = eq;
	ini_trim(&ks, &ke);
	if (ks == ke)
		return ini_error(err, errlen, name, line,
		    "missing key before '='");
	vs = eq + 1;
	ve = ini_value_end(vs, e);
	ini_trim(&vs, &ve);
	if (ini_add_entry(ini, section, ks, (size_t)(ke - ks), vs,
	    (size_t)(ve - vs), line) != 0)
		goto nomem;
	return 0;
nomem:
	return ini_error(err, errlen, name, line, "out of memory");
}

int
ini_parse(const char *text, size_t len, const char *name, struct ini *out,
    char *err, size_t errlen)
{
	char section[256] = "";
	const char *p = text, *end = text + len, *nl;
	int line = 0;

	memset(out, 0, sizeof *out);
	if (name == NULL)
		name = "config";
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: contains a NUL byte", name);
		return -1;
	}
	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (ini_parse_line(out, p, nl, section, sizeof section, name,
		    line, err, errlen) != 0) {
			ini_free(out);
			return -1;
		}
		p = nl + 1;
	}
	return 0;
}

int
ini_load(const char *path, struct ini *out, char *err, size_t errlen)
{
	FILE *f;
	struct buf b = { 0 };
	int rc = -1;

	memset(out, 0, sizeof *out);
	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (buf_read_file(&b, f, INI_MAX_FILE - 1) != 0) {
		snprintf(err, errlen, "%s: %s", path, errno == EFBIG ?
		    "file too large" : errno == ENOMEM ? "out of memory" :
		    "read error");
		goto out;
	}
	rc = ini_parse(b.s, b.len, path, out, err, errlen);
out:
	buf_free(&b);
	fclose(f);
	return rc;
}

void
ini_free(struct ini *ini)
{
	strfields_vec_free(&ini->entries, &ini->n, sizeof *ini->entries,
	    ini_entry_strs, STRFIELDS_N(ini_entry_strs));
	vec_free(&ini->sections, &ini->n_sections, sizeof *ini->sections,
	    vec_clear_str);
	memset(ini, 0, sizeof *ini);
}

const char *
ini_get(const struct ini *ini, const char *section, const char *key)
{
	size_t i;

	for (i = ini->n; i > 0; i--) {
		const struct ini_entry *e = &ini->entries[i - 1];

		if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0)
			return e->value;
	}
	return NULL;
}

long long
ini_parse_duration(const char *s)
{
	char *end;
	long long v, mul = 1;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		mul = 60;
		break;
	case 'h':
		mul = 3600;
		break;
	case 'd':
		mul = 86400;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (v > (long long)(1LL << 53) / mul)
		return -1;
	return v * mul;
}

int
ini_parse_bool(const char *s)
{
	static const char *yes[] = { "yes", "on", "true", "1" };
	static const char *no[] = { "no", "off", "false", "0" };
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}
