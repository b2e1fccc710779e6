/* Structured answer lines (see answer.h). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "ttydesk/sanitize.h"
#include "answer.h"

/* A Flow form shows this many of its fields; the rest is counted. */
#define ANSWER_MAX_FIELDS 12
/* Each customer-controlled part is cut at this many bytes (UTF-8 safe:
 * sanitize_text() repairs a cut sequence). */
#define ANSWER_MAX_PART 300

bool
answer_applies(const struct td_message *m)
{
	return m->interactive != NULL || m->kind == TD_KIND_INTERACTIVE ||
	    m->kind == TD_KIND_BUTTON || m->kind == TD_KIND_TEMPLATE;
}

/* Appends s as one sanitized line part (newlines become spaces). */
static void
add_part(struct buf *b, const char *s)
{
	size_t n;
	char *t;

	if (s == NULL)
		return;
	n = strlen(s);
	if (n > ANSWER_MAX_PART)
		n = ANSWER_MAX_PART;
	if ((t = sanitize_text(s, n, SANITIZE_SINGLE_LINE)) == NULL) {
		b->failed = 1;
		return;
	}
	buf_adds(b, t);
	free(t);
}

static void
add_field(struct buf *b, const char *key, const json_t *v)
{
	char *dumped = NULL;
	const char *text;

	buf_adds(b, "\n  ");
	add_part(b, key);
	buf_adds(b, ": ");
	if (json_is_string(v)) {
		text = json_string_value(v);
	} else {
		dumped = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		text = dumped != NULL ? dumped : "?";
	}
	add_part(b, text);
	free(dumped);
}

/* A Flow's form: one "key: value" line per field. */
static void
add_fields(struct buf *b, const char *fields)
{
	json_t *o = fields != NULL ? json_loads(fields, 0, NULL) : NULL;
	const char *key;
	json_t *v;
	size_t n = 0;

	if (!json_is_object(o)) {
		json_decref(o);
		return;
	}
	json_object_foreach(o, key, v) {
		if (n++ == ANSWER_MAX_FIELDS) {
			buf_printf(b, "\n  (%zu more fields)",
			    json_object_size(o) - ANSWER_MAX_FIELDS);
			break;
		}
		add_field(b, key, v);
	}
	json_decref(o);
}

static void
add_answer(struct buf *b, const struct td_interactive *x, const char *text)
{
	const char *type = x->type != NULL ? x->type : "";
	const char *title = x->title != NULL && *x->title ? x->title : text;

	if (strcmp(type, "button_reply") == 0)
		buf_adds(b, "button: ");
	else if (strcmp(type, "list_reply") == 0)
		buf_adds(b, "list: ");
	else if (strcmp(type, "nfm_reply") == 0)
		buf_adds(b, "form: ");
	else
		buf_adds(b, "reply: ");
	add_part(b, title != NULL && *title ? title : "(no title)");
	if (x->description != NULL && *x->description != '\0') {
		buf_adds(b, " - ");
		add_part(b, x->description);
	}
	add_fields(b, x->fields);
}

char *
answer_lines(const struct td_message *m, bool utf8)
{
	struct buf b = { 0 };
	const char *text = m->text != NULL && *m->text ? m->text : NULL;

	if (!answer_applies(m))
		return NULL;
	buf_adds(&b, utf8 ? "\xe2\x96\xb8 " : "> ");
	if (m->interactive != NULL) {
		add_answer(&b, m->interactive, text);
	} else if (m->kind == TD_KIND_BUTTON) {
		buf_adds(&b, "button: ");
		add_part(&b, text != NULL ? text : "(no text)");
	} else if (m->kind == TD_KIND_TEMPLATE) {
		buf_adds(&b, "template: ");
		add_part(&b, text != NULL ? text : "(unnamed)");
	} else {
		buf_adds(&b, m->direction == TD_DIR_IN ? "reply: " :
		    "interactive: ");
		add_part(&b, text != NULL ? text : "(no text)");
	}
	return buf_take(&b, NULL);
}
