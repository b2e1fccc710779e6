/* Interactive messages an agent composes (see inter.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "ttydesk/wa_check.h"
#include "inter.h"

/* More than Meta takes, so the check (not a silent cut) says so. */
#define INTER_MAX_PARTS 16

/* Splits titles at '|' into trimmed, non-empty parts; -1 with why. */
static int
inter_split(const char *titles, char parts[][256], size_t *n, char *why,
    size_t whylen)
{
	const char *p = titles != NULL ? titles : "", *bar;
	size_t len;

	*n = 0;
	while (*p != '\0') {
		bar = strchr(p, '|');
		len = bar != NULL ? (size_t)(bar - p) : strlen(p);
		while (len > 0 && *p == ' ') {
			p++;
			len--;
		}
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len > 0) {
			if (*n == INTER_MAX_PARTS) {
				snprintf(why, whylen, "at most %d titles",
				    INTER_MAX_PARTS);
				return -1;
			}
			if (len >= sizeof parts[0])
				len = sizeof parts[0] - 1;
			memcpy(parts[*n], p, len);
			parts[(*n)++][len] = '\0';
		}
		p = bar != NULL ? bar + 1 : p + strlen(p);
	}
	if (*n == 0) {
		snprintf(why, whylen, "no titles: separate them with |");
		return -1;
	}
	return 0;
}

static json_t *
inter_checked(json_t *o, char *why, size_t whylen)
{
	if (o == NULL) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	if (wa_check_interactive(o, why, whylen) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
inter_buttons(const char *body, const char *titles, char *why, size_t whylen)
{
	char parts[INTER_MAX_PARTS][256], id[32];
	json_t *o, *btns;
	size_t n, i;

	if (inter_split(titles, parts, &n, why, whylen) != 0)
		return NULL;
	o = json_pack("{s:s, s:{s:s}, s:{s:[]}}", "type", "button", "body",
	    "text", body != NULL ? body : "", "action", "buttons");
	btns = json_object_get(json_object_get(o, "action"), "buttons");
	for (i = 0; btns != NULL && i < n; i++) {
		snprintf(id, sizeof id, "btn-%zu", i + 1);
		json_array_append_new(btns, json_pack("{s:s, s:{s:s, s:s}}",
		    "type", "reply", "reply", "id", id, "title", parts[i]));
	}
	return inter_checked(o, why, whylen);
}

json_t *
inter_list(const char *body, const char *button, const char *rows,
    char *why, size_t whylen)
{
	char parts[INTER_MAX_PARTS][256], id[32];
	json_t *o, *list;
	size_t n, i;

	if (inter_split(rows, parts, &n, why, whylen) != 0)
		return NULL;
	o = json_pack("{s:s, s:{s:s}, s:{s:s, s:[{s:s, s:[]}]}}", "type", "list",
	    "body", "text", body != NULL ? body : "", "action", "button",
	    button != NULL ? button : "", "sections", "title", "Options",
	    "rows");
	list = json_object_get(json_array_get(json_object_get(json_object_get(
	    o, "action"), "sections"), 0), "rows");
	for (i = 0; list != NULL && i < n; i++) {
		snprintf(id, sizeof id, "row-%zu", i + 1);
		json_array_append_new(list, json_pack("{s:s, s:s}", "id", id,
		    "title", parts[i]));
	}
	return inter_checked(o, why, whylen);
}

static const char *
str_or_empty(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

char *
inter_preview(const json_t *inter)
{
	const json_t *action = json_object_get(inter, "action"), *x, *s, *r;
	const char *type = json_string_value(json_object_get(inter, "type"));
	struct buf b = { 0 };
	size_t i, j;

	buf_adds(&b, str_or_empty(json_object_get(inter, "body"), "text"));
	if (type != NULL && strcmp(type, "button") == 0) {
		buf_adds(&b, "\n");
		json_array_foreach(json_object_get(action, "buttons"), i, x) {
			buf_printf(&b, "%s[%s]", i ? " " : "", str_or_empty(
			    json_object_get(x, "reply"), "title"));
		}
	} else if (type != NULL && strcmp(type, "list") == 0) {
		buf_printf(&b, "\n[%s]", str_or_empty(action, "button"));
		json_array_foreach(json_object_get(action, "sections"), i, s) {
			json_array_foreach(json_object_get(s, "rows"), j, r) {
				buf_printf(&b, "\n- %s", str_or_empty(r,
				    "title"));
			}
		}
	}
	return buf_take(&b, NULL);
}
