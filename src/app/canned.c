/* Choosing canned replies (canned.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canned.h"

static void
canned_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

bool
canned_matches(const char *key, const char *value, const char *f)
{
	char *hay, *needle;
	size_t n;
	bool hit = false;

	if (f == NULL || *f == '\0')
		return true;
	n = strlen(key) + strlen(value) + 2;
	if ((hay = malloc(n)) == NULL)
		return false;
	snprintf(hay, n, "%s %s", key, value);
	canned_lower(hay);
	if ((needle = strdup(f)) != NULL) {
		canned_lower(needle);
		hit = strstr(hay, needle) != NULL;
		free(needle);
	}
	free(hay);
	return hit;
}

size_t
canned_select(const char *const *keys, const char *const *values, size_t n,
    const char *f, size_t *match)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (canned_matches(keys[i], values[i], f))
			match[m++] = i;
	}
	return m;
}
