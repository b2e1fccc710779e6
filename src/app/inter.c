/* Interactive messages an agent composes (see inter.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "ttydesk/wa_check.h"
#include "inter.h"

/* More than Meta takes, so the check (not a silent cut) says so. */
#define INTER_MAX_PARTS 24

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

/* A row "Title" or "Title = description". */
static json_t *
inter_row(const char *part, size_t n)
{
	char id[32], title[256];
	const char *eq = strstr(part, " = ");
	json_t *row;

	snprintf(id, sizeof id, "row-%zu", n);
	if (eq == NULL)
		return json_pack("{s:s, s:s}", "id", id, "title", part);
	snprintf(title, sizeof title, "%.*s", (int)(eq - part), part);
	row = json_pack("{s:s, s:s, s:s}", "id", id, "title", title,
	    "description", eq + 3);
	return row;
}

json_t *
inter_list(const char *body, const char *button, const char *rows,
    char *why, size_t whylen)
{
	char parts[INTER_MAX_PARTS][256];
	json_t *o, *secs, *sec = NULL;
	size_t n, i, nrows = 0;

	if (inter_split(rows, parts, &n, why, whylen) != 0)
		return NULL;
	o = json_pack("{s:s, s:{s:s}, s:{s:s, s:[]}}", "type", "list",
	    "body", "text", body != NULL ? body : "", "action", "button",
	    button != NULL ? button : "", "sections");
	secs = json_object_get(json_object_get(o, "action"), "sections");
	for (i = 0; secs != NULL && i < n; i++) {
		/* "#Morning" starts a section; rows before any go in one of
		 * their own. */
		if (parts[i][0] == '#') {
			sec = json_pack("{s:s, s:[]}", "title", parts[i] + 1 +
			    strspn(parts[i] + 1, " "), "rows");
			json_array_append_new(secs, sec);
			continue;
		}
		if (sec == NULL) {
			sec = json_pack("{s:s, s:[]}", "title", "Options", "rows");
			json_array_append_new(secs, sec);
		}
		json_array_append_new(json_object_get(sec, "rows"),
		    inter_row(parts[i], ++nrows));
	}
	return inter_checked(o, why, whylen);
}

json_t *
inter_cta(const char *body, const char *display, const char *url,
    char *why, size_t whylen)
{
	return inter_checked(json_pack("{s:s, s:{s:s}, s:{s:s, s:{s:s, s:s}}}",
	    "type", "cta_url", "body", "text", body != NULL ? body : "",
	    "action", "name", "cta_url", "parameters", "display_text",
	    display != NULL ? display : "", "url", url != NULL ? url : ""),
	    why, whylen);
}

json_t *
inter_location(const char *body, char *why, size_t whylen)
{
	return inter_checked(json_pack("{s:s, s:{s:s}, s:{s:s}}", "type",
	    "location_request_message", "body", "text", body != NULL ? body :
	    "", "action", "name", "send_location"), why, whylen);
}

/* The part of spec up to the next '|' (trimmed) into out; the rest. */
static const char *
inter_field(const char *spec, char *out, size_t len)
{
	const char *bar = strchr(spec, '|');
	size_t n = bar != NULL ? (size_t)(bar - spec) : strlen(spec);

	while (n > 0 && *spec == ' ') {
		spec++;
		n--;
	}
	while (n > 0 && spec[n - 1] == ' ')
		n--;
	snprintf(out, len, "%.*s", (int)n, spec);
	return bar != NULL ? bar + 1 : spec + strlen(spec);
}

json_t *
inter_from_spec(const char *spec, char *why, size_t whylen)
{
	const char *colon = strchr(spec, ':'), *rest;
	char kind[16], body[1100], a[256], b[2100];

	if (colon == NULL || (size_t)(colon - spec) >= sizeof kind) {
		snprintf(why, whylen, "start with buttons:, list:, cta: or "
		    "location:");
		return NULL;
	}
	snprintf(kind, sizeof kind, "%.*s", (int)(colon - spec), spec);
	rest = inter_field(colon + 1, body, sizeof body);
	if (strcmp(kind, "buttons") == 0)
		return inter_buttons(body, rest, why, whylen);
	if (strcmp(kind, "location") == 0)
		return inter_location(body, why, whylen);
	rest = inter_field(rest, a, sizeof a);
	if (strcmp(kind, "list") == 0)
		return inter_list(body, a, rest, why, whylen);
	if (strcmp(kind, "cta") == 0) {
		inter_field(rest, b, sizeof b);
		return inter_cta(body, a, b, why, whylen);
	}
	snprintf(why, whylen, "'%s' is not buttons, list, cta or location",
	    kind);
	return NULL;
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
		const json_t *secs = json_object_get(action, "sections");

		buf_printf(&b, "\n[%s]", str_or_empty(action, "button"));
		json_array_foreach(secs, i, s) {
			if (json_array_size(secs) > 1)
				buf_printf(&b, "\n%s", str_or_empty(s, "title"));
			json_array_foreach(json_object_get(s, "rows"), j, r) {
				buf_printf(&b, "\n- %s", str_or_empty(r,
				    "title"));
				if (json_object_get(r, "description") != NULL)
					buf_printf(&b, " (%s)", str_or_empty(r,
					    "description"));
			}
		}
	} else if (type != NULL && strcmp(type, "cta_url") == 0) {
		x = json_object_get(action, "parameters");
		buf_printf(&b, "\n[%s] %s", str_or_empty(x, "display_text"),
		    str_or_empty(x, "url"));
	} else if (type != NULL && strcmp(type, "location_request_message")
	    == 0) {
		buf_adds(&b, "\n[Send location]");
	}
	return buf_take(&b, NULL);
}
