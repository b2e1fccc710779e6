/*
 * Template and interactive checks (ttydesk/wa_check.h).  The limits are
 * Meta's, from its Cloud API reference: reply buttons (at most 3, title
 * 20 characters, id 256), lists (button text 20, at most 10 sections and
 * 10 rows in all, row title 24, description 72, id 200, section title
 * 24), header text 60, body 1024, footer 60, cta_url display text 20,
 * coupon codes 15.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ttydesk/wa_check.h"

#define WA_MAX_PLACEHOLDERS 64

static int
wa_why(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
wa_why(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

size_t
wa_check_chars(const char *s)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0'; s++) {
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	}
	return n;
}

static const char *
wa_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A string member of at most max characters (required or not). */
static int
wa_text(const json_t *o, const char *key, const char *what, size_t max,
    bool required, char *why, size_t whylen)
{
	const json_t *v = json_object_get(o, key);
	size_t n;

	if (v == NULL && !required)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0)
		return wa_why(why, whylen, "%s must be a non-empty string", what);
	if ((n = wa_check_chars(json_string_value(v))) > max)
		return wa_why(why, whylen, "%s is %zu characters, over Meta's "
		    "limit of %zu", what, n, max);
	return 0;
}

/* ---- templates ---- */

/* The placeholders of a template text: positional ({{1}}..{{n}}, *max
 * the highest) or named (names[], *n_names).  -1 when malformed. */
static int
wa_placeholders(const char *text, int *max, char names[][64],
    size_t *n_names)
{
	const char *p = text, *end;
	size_t len, i;

	*max = 0;
	*n_names = 0;
	while (p != NULL && (p = strstr(p, "{{")) != NULL) {
		if ((end = strstr(p + 2, "}}")) == NULL)
			break;
		p += 2;
		len = (size_t)(end - p);
		/* Nine digits at most: the number always fits an int. */
		if (len > 0 && len <= 9 && strspn(p, "0123456789") == len) {
			int v = (int)strtol(p, NULL, 10);

			if (v > *max)
				*max = v;
		} else if (len > 0 && len < 64) {
			for (i = 0; i < *n_names; i++) {
				if (strncmp(names[i], p, len) == 0 &&
				    names[i][len] == '\0')
					break;
			}
			if (i == *n_names && *n_names < WA_MAX_PLACEHOLDERS) {
				memcpy(names[*n_names], p, len);
				names[(*n_names)++][len] = '\0';
			}
		}
		p = end + 2;
	}
	return 0;
}

/* The template's component of that type ("BODY", "HEADER", "BUTTONS"). */
static const json_t *
wa_tmpl_part(const json_t *tmpl, const char *type)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(tmpl, "components"), i, c) {
		const char *t = wa_str(c, "type");

		if (t != NULL && strcasecmp(t, type) == 0)
			return c;
	}
	return NULL;
}

static int
wa_param_text(const json_t *p, const char *what, char *why, size_t whylen)
{
	const char *type = wa_str(p, "type");

	if (type == NULL)
		return wa_why(why, whylen, "%s has no type", what);
	if (strcmp(type, "text") == 0)
		return wa_text(p, "text", what, 32768, true, why, whylen);
	if (strcmp(type, "currency") == 0 || strcmp(type, "date_time") == 0)
		return json_is_object(json_object_get(p, type)) ? 0 :
		    wa_why(why, whylen, "%s needs its %s object", what, type);
	return wa_why(why, whylen, "%s: type %s does not fill a text "
	    "placeholder", what, type);
}

static int
wa_check_body(const json_t *tmpl, const json_t *params, char *why,
    size_t whylen)
{
	const json_t *body = wa_tmpl_part(tmpl, "BODY"), *p;
	char names[WA_MAX_PLACEHOLDERS][64], what[96];
	size_t n_names, i, j, n = json_array_size(params);
	int max;

	wa_placeholders(wa_str(body, "text"), &max, names, &n_names);
	if (params != NULL && !json_is_array(params))
		return wa_why(why, whylen, "body parameters must be a list");
	if (n_names > 0) {
		if (n != n_names)
			return wa_why(why, whylen, "the body of %s has %zu named "
			    "parameters, %zu given", wa_str(tmpl, "name"),
			    n_names, n);
		for (i = 0; i < n_names; i++) {
			for (j = 0; j < n; j++) {
				const char *pn = wa_str(json_array_get(params, j),
				    "parameter_name");

				if (pn != NULL && strcmp(pn, names[i]) == 0)
					break;
			}
			if (j == n)
				return wa_why(why, whylen, "body parameter "
				    "{{%s}} is missing", names[i]);
		}
	} else if (n != (size_t)max) {
		return wa_why(why, whylen, "the body of %s has %d parameters, "
		    "%zu given", wa_str(tmpl, "name"), max, n);
	}
	json_array_foreach(params, i, p) {
		snprintf(what, sizeof what, "body parameter %zu", i + 1);
		if (wa_param_text(p, what, why, whylen) != 0)
			return -1;
	}
	return 0;
}

/* A media header (template parameter or interactive header) names its
 * file: {type: {"id" or "link"}}. */
static int
wa_check_media(const json_t *h, const char *type, char *why, size_t whylen)
{
	const json_t *m = json_object_get(h, type);

	if (wa_str(m, "id") == NULL && wa_str(m, "link") == NULL)
		return wa_why(why, whylen, "the header %s needs an id or a link",
		    type);
	return 0;
}

static int
wa_check_header(const json_t *tmpl, const json_t *params, char *why,
    size_t whylen)
{
	const json_t *h = wa_tmpl_part(tmpl, "HEADER"), *p;
	const char *format = wa_str(h, "format"), *type;
	char names[WA_MAX_PLACEHOLDERS][64], lower[16];
	size_t n_names, i, n = json_array_size(params);
	int max;

	if (h == NULL || format == NULL)
		return n == 0 ? 0 : wa_why(why, whylen, "template %s has no "
		    "header to fill", wa_str(tmpl, "name"));
	if (strcasecmp(format, "TEXT") == 0) {
		wa_placeholders(wa_str(h, "text"), &max, names, &n_names);
		if (n != (size_t)max + n_names)
			return wa_why(why, whylen, "the header of %s has %zu "
			    "parameters, %zu given", wa_str(tmpl, "name"),
			    (size_t)max + n_names, n);
		return n == 0 ? 0 : wa_param_text(json_array_get(params, 0),
		    "header parameter", why, whylen);
	}
	/* IMAGE, VIDEO, DOCUMENT, LOCATION: one parameter of that type. */
	for (i = 0; i < sizeof lower - 1 && format[i] != '\0'; i++)
		lower[i] = (char)(format[i] >= 'A' && format[i] <= 'Z' ?
		    format[i] - 'A' + 'a' : format[i]);
	lower[i] = '\0';
	if (n != 1)
		return wa_why(why, whylen, "the header of %s needs one %s "
		    "parameter", wa_str(tmpl, "name"), lower);
	p = json_array_get(params, 0);
	type = wa_str(p, "type");
	if (type == NULL || strcmp(type, lower) != 0)
		return wa_why(why, whylen, "the header of %s is a %s, the "
		    "parameter a %s", wa_str(tmpl, "name"), lower,
		    type ? type : "thing without a type");
	if (strcmp(lower, "location") == 0)
		return json_is_object(json_object_get(p, "location")) ? 0 :
		    wa_why(why, whylen, "the header needs a location object");
	return wa_check_media(p, lower, why, whylen);
}

static int
wa_check_button(const json_t *tmpl, const json_t *c, char *why,
    size_t whylen)
{
	const json_t *btns = json_object_get(wa_tmpl_part(tmpl, "BUTTONS"),
	    "buttons"), *b, *params = json_object_get(c, "parameters"), *p;
	const char *sub = wa_str(c, "sub_type"), *idx_s = wa_str(c, "index");
	const char *btype;
	json_int_t idx = -1;
	char *end;

	/* Meta takes the index as a string; a number is read too. */
	if (json_is_integer(json_object_get(c, "index"))) {
		idx = json_integer_value(json_object_get(c, "index"));
	} else if (idx_s != NULL && *idx_s != '\0') {
		idx = strtoll(idx_s, &end, 10);
		if (*end != '\0')
			idx = -1;
	}
	if (idx < 0 || (size_t)idx >= json_array_size(btns))
		return wa_why(why, whylen, "button index %s: template %s has "
		    "%zu buttons", idx_s ? idx_s : "?", wa_str(tmpl, "name"),
		    json_array_size(btns));
	b = json_array_get(btns, (size_t)idx);
	btype = wa_str(b, "type");
	if (sub == NULL || btype == NULL)
		return wa_why(why, whylen, "button %lld needs a sub_type",
		    (long long)idx);
	if (json_array_size(params) != 1)
		return wa_why(why, whylen, "button %lld needs one parameter",
		    (long long)idx);
	p = json_array_get(params, 0);
	if (strcmp(sub, "url") == 0 && strcasecmp(btype, "URL") == 0) {
		if (strstr(wa_str(b, "url") ? wa_str(b, "url") : "", "{{") == NULL)
			return wa_why(why, whylen, "button %lld has a fixed URL: "
			    "nothing to fill", (long long)idx);
		return wa_text(p, "text", "the URL suffix", 2000, true, why,
		    whylen);
	}
	if (strcmp(sub, "quick_reply") == 0 &&
	    strcasecmp(btype, "QUICK_REPLY") == 0)
		return wa_text(p, "payload", "the quick reply payload", 256, true,
		    why, whylen);
	if (strcmp(sub, "copy_code") == 0 && strcasecmp(btype, "COPY_CODE") == 0)
		return wa_text(p, "coupon_code", "the coupon code", 15, true, why,
		    whylen);
	return wa_why(why, whylen, "button %lld is a %s button, not %s",
	    (long long)idx, btype, sub);
}

/* A URL button with a placeholder needs its suffix. */
static int
wa_check_url_buttons(const json_t *tmpl, const json_t *components,
    char *why, size_t whylen)
{
	const json_t *btns = json_object_get(wa_tmpl_part(tmpl, "BUTTONS"),
	    "buttons"), *b, *c;
	size_t i, j;

	json_array_foreach(btns, i, b) {
		bool given = false;

		if (strcasecmp(wa_str(b, "type") ? wa_str(b, "type") : "",
		    "URL") != 0 || strstr(wa_str(b, "url") ? wa_str(b, "url") :
		    "", "{{") == NULL)
			continue;
		json_array_foreach(components, j, c) {
			const json_t *ix = json_object_get(c, "index");
			char buf[24];

			snprintf(buf, sizeof buf, "%zu", i);
			if (strcmp(wa_str(c, "type") ? wa_str(c, "type") : "",
			    "button") == 0 && ((json_is_string(ix) &&
			    strcmp(json_string_value(ix), buf) == 0) ||
			    (json_is_integer(ix) &&
			    json_integer_value(ix) == (json_int_t)i)))
				given = true;
		}
		if (!given)
			return wa_why(why, whylen, "button %zu (a URL with a "
			    "parameter) needs its URL suffix", i);
	}
	return 0;
}

static int
wa_check_status(const json_t *tmpl, char *why, size_t whylen)
{
	const char *status = wa_str(tmpl, "status");

	if (status != NULL && *status != '\0' && strcmp(status, "APPROVED") != 0)
		return wa_why(why, whylen, "template %s is %s, not APPROVED",
		    wa_str(tmpl, "name"), status);
	return 0;
}

int
wa_check_template(const json_t *tmpl, const json_t *components, char *why,
    size_t whylen)
{
	const json_t *c, *body = NULL, *header = NULL;
	size_t i;

	if (wa_check_status(tmpl, why, whylen) != 0)
		return -1;
	if (components != NULL && !json_is_array(components))
		return wa_why(why, whylen, "components must be a list");
	json_array_foreach(components, i, c) {
		const char *type = wa_str(c, "type");

		if (type == NULL)
			return wa_why(why, whylen, "component %zu has no type",
			    i + 1);
		if (strcmp(type, "body") == 0 && body == NULL)
			body = json_object_get(c, "parameters");
		else if (strcmp(type, "header") == 0 && header == NULL)
			header = json_object_get(c, "parameters");
		else if (strcmp(type, "button") == 0) {
			if (wa_check_button(tmpl, c, why, whylen) != 0)
				return -1;
		} else
			return wa_why(why, whylen, "component %zu: %s is not "
			    "header, body or button (or comes twice)", i + 1,
			    type);
	}
	if (wa_check_body(tmpl, body, why, whylen) != 0 ||
	    wa_check_header(tmpl, header, why, whylen) != 0)
		return -1;
	return wa_check_url_buttons(tmpl, components, why, whylen);
}

int
wa_check_template_params(const json_t *tmpl, const json_t *params,
    char *why, size_t whylen)
{
	const json_t *p;
	json_t *comps, *list;
	size_t i;
	int rc;

	if (params != NULL && !json_is_array(params))
		return wa_why(why, whylen, "params must be a list of strings");
	list = json_array();
	json_array_foreach(params, i, p) {
		json_array_append_new(list, json_pack("{s:s, s:O}", "type",
		    "text", "text", p));
	}
	comps = json_pack("[{s:s, s:o}]", "type", "body", "parameters", list);
	rc = wa_check_template(tmpl, comps, why, whylen);
	json_decref(comps);
	return rc;
}

/* ---- interactive ---- */

static int
wa_check_header_obj(const json_t *inter, bool text_only, char *why,
    size_t whylen)
{
	const json_t *h = json_object_get(inter, "header");
	const char *type = wa_str(h, "type");

	if (h == NULL)
		return 0;
	if (type == NULL)
		return wa_why(why, whylen, "header needs a type");
	if (strcmp(type, "text") == 0)
		return wa_text(h, "text", "header text", 60, true, why, whylen);
	if (text_only)
		return wa_why(why, whylen, "this message's header can only be "
		    "text");
	if (strcmp(type, "image") != 0 && strcmp(type, "video") != 0 &&
	    strcmp(type, "document") != 0)
		return wa_why(why, whylen, "header type %s is not text, image, "
		    "video or document", type);
	return wa_check_media(h, type, why, whylen);
}

static int
wa_check_buttons(const json_t *action, char *why, size_t whylen)
{
	const json_t *btns = json_object_get(action, "buttons"), *b, *o;
	size_t i, j, n = json_array_size(btns);

	if (!json_is_array(btns) || n == 0 || n > 3)
		return wa_why(why, whylen, "action.buttons must hold 1 to 3 "
		    "reply buttons, not %zu", n);
	json_array_foreach(btns, i, b) {
		const json_t *r = json_object_get(b, "reply");
		char what[48];

		if (strcmp(wa_str(b, "type") ? wa_str(b, "type") : "",
		    "reply") != 0)
			return wa_why(why, whylen, "button %zu: type must be "
			    "reply", i + 1);
		snprintf(what, sizeof what, "button %zu title", i + 1);
		if (wa_text(r, "title", what, 20, true, why, whylen) != 0)
			return -1;
		snprintf(what, sizeof what, "button %zu id", i + 1);
		if (wa_text(r, "id", what, 256, true, why, whylen) != 0)
			return -1;
		for (j = 0; j < i; j++) {
			o = json_object_get(json_array_get(btns, j), "reply");
			if (strcmp(wa_str(o, "id"), wa_str(r, "id")) == 0 ||
			    strcmp(wa_str(o, "title"), wa_str(r, "title")) == 0)
				return wa_why(why, whylen, "buttons %zu and %zu "
				    "share an id or a title", j + 1, i + 1);
		}
	}
	return 0;
}

static int
wa_check_list(const json_t *action, char *why, size_t whylen)
{
	const json_t *secs = json_object_get(action, "sections"), *s, *row;
	size_t i, j, n = json_array_size(secs), rows = 0;
	char what[64];

	if (wa_text(action, "button", "action.button", 20, true, why,
	    whylen) != 0)
		return -1;
	if (!json_is_array(secs) || n == 0 || n > 10)
		return wa_why(why, whylen, "action.sections must hold 1 to 10 "
		    "sections, not %zu", n);
	json_array_foreach(secs, i, s) {
		const json_t *rl = json_object_get(s, "rows");

		snprintf(what, sizeof what, "section %zu title", i + 1);
		/* With several sections each needs its title. */
		if (wa_text(s, "title", what, 24, n > 1, why, whylen) != 0)
			return -1;
		if (!json_is_array(rl) || json_array_size(rl) == 0)
			return wa_why(why, whylen, "section %zu has no rows",
			    i + 1);
		json_array_foreach(rl, j, row) {
			rows++;
			snprintf(what, sizeof what, "row %zu id", rows);
			if (wa_text(row, "id", what, 200, true, why, whylen) != 0)
				return -1;
			snprintf(what, sizeof what, "row %zu title", rows);
			if (wa_text(row, "title", what, 24, true, why,
			    whylen) != 0)
				return -1;
			snprintf(what, sizeof what, "row %zu description", rows);
			if (wa_text(row, "description", what, 72, false, why,
			    whylen) != 0)
				return -1;
		}
	}
	if (rows > 10)
		return wa_why(why, whylen, "a list holds at most 10 rows in all "
		    "sections, not %zu", rows);
	return 0;
}

static int
wa_check_cta(const json_t *action, char *why, size_t whylen)
{
	const json_t *p = json_object_get(action, "parameters");
	const char *url = wa_str(p, "url");

	if (strcmp(wa_str(action, "name") ? wa_str(action, "name") : "",
	    "cta_url") != 0)
		return wa_why(why, whylen, "action.name must be cta_url");
	if (wa_text(p, "display_text", "action.parameters.display_text", 20,
	    true, why, whylen) != 0)
		return -1;
	if (url == NULL || (strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0))
		return wa_why(why, whylen, "action.parameters.url must be an "
		    "http(s) URL");
	return 0;
}

int
wa_check_interactive(const json_t *inter, char *why, size_t whylen)
{
	const char *type = wa_str(inter, "type");
	const json_t *action = json_object_get(inter, "action");

	if (!json_is_object(inter) || type == NULL)
		return wa_why(why, whylen, "interactive must be an object with "
		    "a type");
	if (!json_is_object(action))
		return wa_why(why, whylen, "interactive needs an action object");
	if (wa_text(json_object_get(inter, "body"), "text", "body text", 1024,
	    true, why, whylen) != 0 ||
	    wa_text(json_object_get(inter, "footer"), "text", "footer text", 60,
	    json_object_get(inter, "footer") != NULL, why, whylen) != 0)
		return -1;
	if (strcmp(type, "button") == 0)
		return wa_check_header_obj(inter, false, why, whylen) != 0 ? -1 :
		    wa_check_buttons(action, why, whylen);
	if (strcmp(type, "list") == 0)
		return wa_check_header_obj(inter, true, why, whylen) != 0 ? -1 :
		    wa_check_list(action, why, whylen);
	if (strcmp(type, "cta_url") == 0)
		return wa_check_header_obj(inter, false, why, whylen) != 0 ? -1 :
		    wa_check_cta(action, why, whylen);
	if (strcmp(type, "location_request_message") == 0) {
		if (json_object_get(inter, "header") != NULL)
			return wa_why(why, whylen, "a location request has no "
			    "header");
		return strcmp(wa_str(action, "name") ? wa_str(action, "name") :
		    "", "send_location") == 0 ? 0 : wa_why(why, whylen,
		    "action.name must be send_location");
	}
	return wa_why(why, whylen, "interactive type %s is not button, list, "
	    "cta_url or location_request_message", type);
}
