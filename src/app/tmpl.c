/* Templates and canned replies (see tmpl.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "ttydesk/freeall.h"
#include "ttydesk/ini.h"
#include "tmpl.h"

/* A growing string; NULL on out of memory. */
struct sb {
	char *s;
	size_t len, cap;
	int oom;
};

static void
sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (buf_grow(&b->s, &b->cap, b->len + n + 1, 0) != 0) {
		b->oom = 1;
		return;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static char *
sb_done(struct sb *b)
{
	if (b->oom) {
		free(b->s);
		return NULL;
	}
	if (b->s == NULL)
		return strdup("");
	return b->s;
}

/* A "{N}" at s: N (1..99), else 0.  *end gets the byte after '}'. */
static unsigned
tmpl_param_at(const char *s, const char **end)
{
	unsigned n = 0;
	const char *p = s + 1;

	if (*s != '{' || !isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p) && n < 1000)
		n = n * 10 + (unsigned)(*p++ - '0');
	if (*p != '}' || n == 0 || n > 99)
		return 0;
	*end = p + 1;
	return n;
}

int
tmpl_parse(const char *name, const char *value, struct tmpl *out, char *err,
    size_t errlen)
{
	const char *colon = strchr(value, ':'), *p, *end, *t;
	size_t i;
	unsigned n;

	memset(out, 0, sizeof *out);
	if (colon == NULL || colon == value) {
		snprintf(err, errlen, "template %s: expected 'language: text' "
		    "(e.g. en_US: Your order {1} has shipped)", name);
		return -1;
	}
	for (p = value; p < colon; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-') {
			snprintf(err, errlen, "template %s: '%.*s' is not a "
			    "language code", name, (int)(colon - value), value);
			return -1;
		}
	}
	for (t = colon + 1; *t == ' '; t++)
		;
	if (*t == '\0') {
		snprintf(err, errlen, "template %s: no text after the language",
		    name);
		return -1;
	}
	for (p = t; *p != '\0'; p++) {
		if ((n = tmpl_param_at(p, &end)) > out->n_params)
			out->n_params = n;
	}
	if ((out->name = strdup(name)) == NULL ||
	    (out->lang = strndup(value, (size_t)(colon - value))) == NULL ||
	    (out->text = strdup(t)) == NULL) {
		tmpl_free(out);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Meta numbers parameters 1..N with no gaps. */
	for (i = 1; i <= out->n_params; i++) {
		char want[8];
		snprintf(want, sizeof want, "{%zu}", i);
		if (strstr(out->text, want) == NULL) {
			snprintf(err, errlen, "template %s: uses {%zu} but not %s",
			    name, out->n_params, want);
			tmpl_free(out);
			return -1;
		}
	}
	return 0;
}

void
tmpl_free(struct tmpl *t)
{
	FREE_ALL(t->name, t->lang, t->text);
	memset(t, 0, sizeof *t);
}

char *
tmpl_fill(const char *text, const char *const *params, size_t n)
{
	struct sb b = { NULL, 0, 0, 0 };
	const char *p = text, *end;
	unsigned k;

	while (*p != '\0') {
		if ((k = tmpl_param_at(p, &end)) > 0 && k <= n &&
		    params[k - 1] != NULL) {
			sb_add(&b, params[k - 1], strlen(params[k - 1]));
			p = end;
		} else
			sb_add(&b, p++, 1);
	}
	return sb_done(&b);
}

char *
canned_fill(const char *text, const char *name)
{
	struct sb b = { NULL, 0, 0, 0 };
	const char *p = text;

	if (name == NULL)
		name = "";
	while (*p != '\0') {
		if (strncmp(p, "{name}", 6) == 0) {
			sb_add(&b, name, strlen(name));
			p += 6;
		} else
			sb_add(&b, p++, 1);
	}
	return sb_done(&b);
}

size_t
tmpl_section(const struct ini *ini, const char *section, const char ***keys,
    const char ***values)
{
	size_t i, j, n = 0;

	*keys = *values = NULL;
	if (ini == NULL || ini->n == 0)
		return 0;
	if ((*keys = calloc(ini->n, sizeof **keys)) == NULL ||
	    (*values = calloc(ini->n, sizeof **values)) == NULL) {
		free(*keys);
		*keys = NULL;
		return 0;
	}
	for (i = 0; i < ini->n; i++) {
		const struct ini_entry *e = &ini->entries[i];
		if (strcmp(e->section, section) != 0)
			continue;
		for (j = 0; j < n && strcmp((*keys)[j], e->key) != 0; j++)
			;
		(*keys)[j] = e->key;
		(*values)[j] = e->value;
		if (j == n)
			n++;
	}
	return n;
}
