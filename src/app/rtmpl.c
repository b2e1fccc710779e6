/* Templates as the relay lists them (see rtmpl.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ttydesk/buf.h"
#include "ttydesk/wa_check.h"
#include "rtmpl.h"

#define RTMPL_MAX_FIELDS 32

static const char *
str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const json_t *
part_of(const json_t *tmpl, const char *type)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(tmpl, "components"), i, c) {
		if (str_of(c, "type") != NULL &&
		    strcasecmp(str_of(c, "type"), type) == 0)
			return c;
	}
	return NULL;
}

static struct rtmpl_field *
field_add(struct rtmpl *t, enum rtmpl_field_kind kind, const char *name,
    int index)
{
	struct rtmpl_field *f;

	if (t->n_fields == RTMPL_MAX_FIELDS)
		return NULL;
	f = &t->fields[t->n_fields++];
	f->kind = kind;
	f->index = index;
	f->name = name != NULL ? strdup(name) : NULL;
	return f;
}

/* Each {{...}} of text once, in order of first appearance. */
static void
placeholders(struct rtmpl *t, const char *text, enum rtmpl_field_kind kind,
    const char *where)
{
	const char *p = text, *end;
	char name[64];
	struct rtmpl_field *f;
	size_t len, i;
	int max = 0, n;

	while (p != NULL && (p = strstr(p, "{{")) != NULL &&
	    (end = strstr(p + 2, "}}")) != NULL) {
		p += 2;
		len = (size_t)(end - p);
		if (len > 0 && len < sizeof name) {
			memcpy(name, p, len);
			name[len] = '\0';
			if (strspn(name, "0123456789") == len) {
				/* Up to 63 digits: only small numbers count. */
				n = len <= 3 ? (int)strtol(name, NULL, 10) : 0;
				max = n > max && n <= RTMPL_MAX_FIELDS ? n : max;
			} else {
				for (i = 0; i < t->n_fields; i++)
					if (t->fields[i].kind == kind &&
					    t->fields[i].name != NULL &&
					    strcmp(t->fields[i].name, name) == 0)
						break;
				if (i == t->n_fields &&
				    (f = field_add(t, kind, name, 0)) != NULL)
					snprintf(f->label, sizeof f->label,
					    "%s {{%s}}", where, name);
			}
		}
		p = end + 2;
	}
	for (n = 1; n <= max; n++) {
		if ((f = field_add(t, kind, NULL, n)) != NULL)
			snprintf(f->label, sizeof f->label, "%s {{%d}}", where, n);
	}
}

static void
fields_of(struct rtmpl *t)
{
	const json_t *h = part_of(t->tmpl, "HEADER"), *b;
	const char *format = str_of(h, "format");
	struct rtmpl_field *f;
	char lower[16];
	size_t i;

	if (format != NULL && strcasecmp(format, "TEXT") == 0) {
		placeholders(t, str_of(h, "text"), RTF_HEADER_TEXT, "header");
	} else if (format != NULL && (strcasecmp(format, "IMAGE") == 0 ||
	    strcasecmp(format, "VIDEO") == 0 ||
	    strcasecmp(format, "DOCUMENT") == 0)) {
		for (i = 0; i < sizeof lower - 1 && format[i] != '\0'; i++)
			lower[i] = (char)(format[i] | 0x20);
		lower[i] = '\0';
		if ((f = field_add(t, RTF_HEADER_MEDIA, lower, 0)) != NULL)
			snprintf(f->label, sizeof f->label, "header %s (file or "
			    "https link)", lower);
	}
	placeholders(t, str_of(part_of(t->tmpl, "BODY"), "text"), RTF_BODY,
	    "body");
	json_array_foreach(json_object_get(part_of(t->tmpl, "BUTTONS"),
	    "buttons"), i, b) {
		const char *type = str_of(b, "type") ? str_of(b, "type") : "";

		f = NULL;
		if (strcasecmp(type, "URL") == 0 && strstr(str_of(b, "url") ?
		    str_of(b, "url") : "", "{{") != NULL)
			f = field_add(t, RTF_BUTTON_URL, NULL, (int)i);
		else if (strcasecmp(type, "COPY_CODE") == 0)
			f = field_add(t, RTF_BUTTON_CODE, NULL, (int)i);
		else if (strcasecmp(type, "QUICK_REPLY") == 0)
			f = field_add(t, RTF_BUTTON_PAYLOAD, NULL, (int)i);
		if (f != NULL)
			snprintf(f->label, sizeof f->label, "button \"%.40s\" %s",
			    str_of(b, "text") ? str_of(b, "text") : "copy code",
			    f->kind == RTF_BUTTON_URL ? "URL suffix" :
			    f->kind == RTF_BUTTON_CODE ? "coupon code" :
			    "payload (optional)");
	}
}

static void
rtmpl_free_one(struct rtmpl *t)
{
	size_t i;

	for (i = 0; i < t->n_fields; i++)
		free(t->fields[i].name);
	free(t->fields);
	json_decref(t->tmpl);
}

int
rtmpl_parse(const char *body, size_t len, const char *waba,
    struct rtmpl_list *out, char *err, size_t errlen)
{
	json_t *root = json_loadb(body, len, 0, NULL), *list, *t;
	size_t i;

	memset(out, 0, sizeof *out);
	list = json_object_get(root, "templates");
	if (!json_is_array(list)) {
		snprintf(err, errlen, "the relay's template list is not "
		    "readable");
		json_decref(root);
		return -1;
	}
	if ((out->t = calloc(json_array_size(list) + 1, sizeof *out->t))
	    == NULL)
		goto oom;
	json_array_foreach(list, i, t) {
		struct rtmpl *r = &out->t[out->n];

		if (!json_is_object(t) || str_of(t, "name") == NULL ||
		    str_of(t, "language") == NULL ||
		    strcmp(str_of(t, "status") ? str_of(t, "status") : "",
		    "APPROVED") != 0)
			continue;
		/* Templates are per account: another number's are not
		 * this conversation's to send. */
		if (waba != NULL && str_of(t, "waba_id") != NULL &&
		    strcmp(str_of(t, "waba_id"), waba) != 0)
			continue;
		r->tmpl = json_incref(t);
		r->name = str_of(t, "name");
		r->language = str_of(t, "language");
		r->category = str_of(t, "category") ? str_of(t, "category") :
		    "UTILITY";
		out->n++;
		if ((r->fields = calloc(RTMPL_MAX_FIELDS, sizeof *r->fields))
		    == NULL)
			goto oom;
		fields_of(r);
	}
	json_decref(root);
	return 0;
oom:
	json_decref(root);
	rtmpl_list_free(out);
	snprintf(err, errlen, "out of memory");
	return -1;
}

void
rtmpl_list_free(struct rtmpl_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		rtmpl_free_one(&l->t[i]);
	free(l->t);
	memset(l, 0, sizeof *l);
}

/* The component of that type in out, made when missing. */
static json_t *
comp_params(json_t *out, const char *type, int button)
{
	json_t *c;
	size_t i;
	char idx[16];

	snprintf(idx, sizeof idx, "%d", button);
	json_array_foreach(out, i, c) {
		if (strcmp(str_of(c, "type"), type) == 0 && (button < 0 ||
		    strcmp(str_of(c, "index") ? str_of(c, "index") : "", idx)
		    == 0))
			return json_object_get(c, "parameters");
	}
	c = json_pack("{s:s, s:[]}", "type", type, "parameters");
	if (c == NULL)
		return NULL;
	if (button >= 0)
		json_object_set_new(c, "index", json_string(idx));
	json_array_append_new(out, c);
	return json_object_get(c, "parameters");
}

bool
rtmpl_field_optional(const struct rtmpl_field *f)
{
	return f->kind == RTF_BUTTON_PAYLOAD;
}

int
rtmpl_media_ok(const struct rtmpl_field *f, const char *name,
    const char *kind, const char *mime, char *why, size_t whylen)
{
	static const struct {
		const char *kind, *takes;
	} what[] = {
		{ "image", "an image header takes JPEG or PNG" },
		{ "video", "a video header takes MP4 or 3GPP" },
		{ "document", "a document header takes PDF, text or Office" },
	};
	size_t i;

	(void)name;
	if (f->kind != RTF_HEADER_MEDIA || strcmp(f->name, kind) == 0)
		return 0;
	for (i = 0; i < sizeof what / sizeof what[0] - 1 &&
	    strcmp(what[i].kind, f->name) != 0; i++)
		;
	/* Short: it follows the prompt on the status line. */
	snprintf(why, whylen, "%s, not %s", what[i].takes, mime);
	return -1;
}

json_t *
rtmpl_components(const struct rtmpl *t, const char *const *values)
{
	json_t *out = json_array(), *ps, *p, *c;
	size_t i;

	for (i = 0; out != NULL && i < t->n_fields; i++) {
		const struct rtmpl_field *f = &t->fields[i];
		const char *v = values[i] != NULL ? values[i] : "";

		switch (f->kind) {
		case RTF_HEADER_TEXT:
			ps = comp_params(out, "header", -1);
			p = json_pack("{s:s, s:s}", "type", "text", "text", v);
			break;
		case RTF_HEADER_MEDIA:
			ps = comp_params(out, "header", -1);
			p = json_pack("{s:s, s:{s:s}}", "type", f->name, f->name,
			    strncmp(v, "local.", 6) == 0 ? "id" : "link", v);
			break;
		case RTF_BODY:
			ps = comp_params(out, "body", -1);
			p = json_pack("{s:s, s:s}", "type", "text", "text", v);
			if (p != NULL && f->name != NULL)
				json_object_set_new(p, "parameter_name",
				    json_string(f->name));
			break;
		case RTF_BUTTON_PAYLOAD:
			if (*v == '\0')
				continue; /* Meta answers with the button's text */
			ps = comp_params(out, "button", f->index);
			c = json_array_get(out, json_array_size(out) - 1);
			json_object_set_new(c, "sub_type", json_string(
			    "quick_reply"));
			p = json_pack("{s:s, s:s}", "type", "payload", "payload", v);
			break;
		case RTF_BUTTON_URL:
		case RTF_BUTTON_CODE:
		default:
			ps = comp_params(out, "button", f->index);
			c = json_array_get(out, json_array_size(out) - 1);
			json_object_set_new(c, "sub_type", json_string(
			    f->kind == RTF_BUTTON_URL ? "url" : "copy_code"));
			p = f->kind == RTF_BUTTON_URL ? json_pack("{s:s, s:s}",
			    "type", "text", "text", v) : json_pack("{s:s, s:s}",
			    "type", "coupon_code", "coupon_code", v);
			break;
		}
		if (ps == NULL || p == NULL || json_array_append_new(ps, p) != 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

int
rtmpl_check(const struct rtmpl *t, const char *const *values, char *why,
    size_t whylen)
{
	json_t *comps = rtmpl_components(t, values);
	size_t i;
	int rc;

	for (i = 0; i < t->n_fields; i++) {
		if ((values[i] == NULL || values[i][0] == '\0') &&
		    !rtmpl_field_optional(&t->fields[i])) {
			snprintf(why, whylen, "%s cannot be empty",
			    t->fields[i].label);
			json_decref(comps);
			return -1;
		}
	}
	if (comps == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	rc = wa_check_template(t->tmpl, comps, why, whylen);
	json_decref(comps);
	return rc;
}

int
rtmpl_check_field(const struct rtmpl *t, size_t i, const char *value,
    char *why, size_t whylen)
{
	const char **v = calloc(t->n_fields + 1, sizeof *v);
	size_t j;
	int rc;

	if (v == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	/* Every other field a value the check takes: what it refuses is
	 * this one's fault. */
	for (j = 0; j < t->n_fields; j++)
		v[j] = j == i ? value : t->fields[j].kind == RTF_HEADER_MEDIA ?
		    "https://example.com/a" : "x";
	rc = rtmpl_check(t, v, why, whylen);
	free(v);
	return rc;
}

/* text with each {{...}} of kind replaced by its value. */
static void
fill(struct buf *b, const struct rtmpl *t, const char *text,
    enum rtmpl_field_kind kind, const char *const *values)
{
	const char *p = text, *end;
	size_t i, len;

	if (p == NULL)
		return;
	while (*p != '\0') {
		const char *open = strstr(p, "{{");

		if (open == NULL || (end = strstr(open + 2, "}}")) == NULL) {
			buf_adds(b, p);
			return;
		}
		buf_add(b, p, (size_t)(open - p));
		len = (size_t)(end - open - 2);
		for (i = 0; i < t->n_fields; i++) {
			const struct rtmpl_field *f = &t->fields[i];
			char num[16];

			if (f->kind != kind)
				continue;
			snprintf(num, sizeof num, "%d", f->index);
			if ((f->name != NULL ? strlen(f->name) == len &&
			    strncmp(f->name, open + 2, len) == 0 :
			    strlen(num) == len && strncmp(num, open + 2, len) == 0))
				break;
		}
		if (i < t->n_fields && values[i] != NULL)
			buf_adds(b, values[i]);
		else
			buf_add(b, open, (size_t)(end + 2 - open));
		p = end + 2;
	}
}

char *
rtmpl_preview(const struct rtmpl *t, const char *const *values)
{
	const json_t *h = part_of(t->tmpl, "HEADER"), *btn;
	const char *f = str_of(part_of(t->tmpl, "FOOTER"), "text");
	struct buf b = { 0 };
	size_t i;

	if (h != NULL && str_of(h, "text") != NULL) {
		fill(&b, t, str_of(h, "text"), RTF_HEADER_TEXT, values);
		buf_adds(&b, "\n");
	} else if (h != NULL && str_of(h, "format") != NULL) {
		for (i = 0; i < t->n_fields; i++)
			if (t->fields[i].kind == RTF_HEADER_MEDIA)
				buf_printf(&b, "[%s] %s\n", t->fields[i].name,
				    values[i] != NULL ? values[i] : "");
	}
	fill(&b, t, str_of(part_of(t->tmpl, "BODY"), "text"), RTF_BODY,
	    values);
	if (f != NULL)
		buf_printf(&b, "\n%s", f);
	json_array_foreach(json_object_get(part_of(t->tmpl, "BUTTONS"),
	    "buttons"), i, btn) {
		/* Meta labels a copy-code button itself. */
		buf_printf(&b, "\n[%s]", str_of(btn, "text") ?
		    str_of(btn, "text") : strcasecmp(str_of(btn, "type") ?
		    str_of(btn, "type") : "", "COPY_CODE") == 0 ?
		    "Copy offer code" : "button");
	}
	if (b.len == 0)
		buf_adds(&b, t->name);
	return buf_take(&b, NULL);
}

const char *
rtmpl_cost(const struct rtmpl *t, bool window_open)
{
	if (strcasecmp(t->category, "UTILITY") == 0)
		return window_open ? "utility, free in the 24-hour "
		    "window" : "utility, paid (window closed)";
	if (strcasecmp(t->category, "AUTHENTICATION") == 0)
		return "authentication, paid";
	return "marketing, paid";
}
