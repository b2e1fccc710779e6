/*
 * Relay event JSON -> struct td_event.
 *
 * The required envelope (object, seq, type, conversation) and the core of
 * each type (message id and direction, status target and value, the state
 * or contact object) must be right or the event is refused with a message.
 * Everything else is optional: a field of the wrong type is treated as
 * absent, so one odd field never costs the rest of the event.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ttydesk/event.h"

struct parse {
	int oom; /* set by any failed allocation */
	char *err;
	size_t errlen;
};

static int parse_fail(struct parse *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
parse_fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err != NULL && p->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A copy of obj[key] when it is a string, else NULL. */
static char *
get_str(struct parse *p, const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	char *s;

	if (!json_is_string(v))
		return NULL;
	s = strndup(json_string_value(v), json_string_length(v));
	if (s == NULL)
		p->oom = 1;
	return s;
}

/* Integers; also whole-valued reals, which some JSON writers produce. */
static int
get_int(const json_t *obj, const char *key, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	double d;

	if (json_is_integer(v)) {
		*out = (int64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		d = json_real_value(v);
		if (d >= -9.0e18 && d <= 9.0e18 && d == (double)(int64_t)d) {
			*out = (int64_t)d;
			return 0;
		}
	}
	return -1;
}

static int64_t
get_int_or(const json_t *obj, const char *key, int64_t dflt)
{
	int64_t v;

	return get_int(obj, key, &v) == 0 ? v : dflt;
}

static void
parse_error_obj(struct parse *p, const json_t *obj, struct td_error *e)
{
	int64_t code;

	if (!json_is_object(obj))
		return;
	if (get_int(obj, "code", &code) == 0 && code >= INT32_MIN &&
	    code <= INT32_MAX)
		e->code = (int)code;
	e->title = get_str(p, obj, "title");
	e->details = get_str(p, obj, "details");
}

static void parse_interactive(struct parse *p, const json_t *o,
    struct td_message *m);

static void
parse_media(struct parse *p, const json_t *obj, struct td_message *m)
{
	struct td_media *md;

	if (!json_is_object(obj))
		return;
	if ((md = calloc(1, sizeof *md)) == NULL) {
		p->oom = 1;
		return;
	}
	md->id = get_str(p, obj, "id");
	md->mime_type = get_str(p, obj, "mime_type");
	md->filename = get_str(p, obj, "filename");
	md->sha256 = get_str(p, obj, "sha256");
	md->size = get_int_or(obj, "size", get_int_or(obj, "file_size", -1));
	if (md->size < 0)
		md->size = -1;
	m->media = md;
}

static void
parse_location(struct parse *p, const json_t *obj, struct td_message *m)
{
	struct td_location *l;
	json_t *lat = json_object_get(obj, "latitude");
	json_t *lon = json_object_get(obj, "longitude");

	/* A location without coordinates is no location. */
	if (!json_is_object(obj) || !json_is_number(lat) ||
	    !json_is_number(lon))
		return;
	if ((l = calloc(1, sizeof *l)) == NULL) {
		p->oom = 1;
		return;
	}
	l->latitude = json_number_value(lat);
	l->longitude = json_number_value(lon);
	l->name = get_str(p, obj, "name");
	l->address = get_str(p, obj, "address");
	m->location = l;
}

static int
parse_message(struct parse *p, const json_t *root, struct td_message *m)
{
	json_t *obj = json_object_get(root, "message"), *r;
	int v;

	if (!json_is_object(obj))
		return parse_fail(p, "%s event without a \"message\" object",
		    "message");
	if ((m->id = get_str(p, obj, "id")) == NULL || *m->id == '\0')
		return parse_fail(p, "message without a %s", "\"id\" string");
	v = event_direction_from_name(json_string_value(json_object_get(obj,
	    "direction")));
	if (v < 0)
		return parse_fail(p, "message without a known %s",
		    "\"direction\" (in, out or note)");
	m->direction = (enum td_direction)v;
	/* A kind from a newer relay shows as unsupported, not as an error. */
	v = event_kind_from_name(json_string_value(json_object_get(obj,
	    "kind")));
	m->kind = v < 0 ? TD_KIND_UNSUPPORTED : (enum td_msg_kind)v;
	v = event_msg_status_from_name(json_string_value(json_object_get(obj,
	    "status")));
	if (v >= 0)
		m->status = (enum td_msg_status)v;
	else
		m->status = m->direction == TD_DIR_OUT ? TD_MS_PENDING :
		    TD_MS_RECEIVED;
	m->from = get_str(p, obj, "from");
	m->text = get_str(p, obj, "text");
	m->caption = get_str(p, obj, "caption");
	m->annotation = get_str(p, obj, "annotation");
	m->reply_to = get_str(p, obj, "reply_to");
	m->agent = get_str(p, obj, "agent");
	m->client_id = get_str(p, obj, "client_id");
	m->wamid = get_str(p, obj, "wamid");
	m->origin = get_str(p, obj, "origin");
	m->history = json_is_true(json_object_get(obj, "history"));
	parse_media(p, json_object_get(obj, "media"), m);
	parse_location(p, json_object_get(obj, "location"), m);
	/* Outbound "interactive" is Meta's own object, kept as JSON by the
	 * relay; only a customer's answer has this shape. */
	if (m->direction == TD_DIR_IN)
		parse_interactive(p, json_object_get(obj, "interactive"), m);
	r = json_object_get(obj, "reaction");
	if (json_is_object(r)) {
		m->reaction_to = get_str(p, r, "to");
		m->reaction_emoji = get_str(p, r, "emoji");
	}
	parse_error_obj(p, json_object_get(obj, "error"), &m->error);
	return 0;
}

static void
parse_interactive(struct parse *p, const json_t *o, struct td_message *m)
{
	struct td_interactive *x;
	const json_t *f = json_object_get(o, "fields");

	if (!json_is_object(o) || (x = calloc(1, sizeof *x)) == NULL)
		return;
	x->type = get_str(p, o, "type");
	x->id = get_str(p, o, "id");
	x->title = get_str(p, o, "title");
	x->description = get_str(p, o, "description");
	if (json_is_object(f))
		x->fields = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
	m->interactive = x;
}

static int
parse_status(struct parse *p, const json_t *root, struct td_status_update *s)
{
	json_t *obj = json_object_get(root, "status");
	const char *name;
	int v;

	if (!json_is_object(obj))
		return parse_fail(p, "%s event without a \"status\" object",
		    "status");
	if ((s->message = get_str(p, obj, "message")) == NULL ||
	    *s->message == '\0')
		return parse_fail(p, "status event without a %s",
		    "\"message\" id");
	name = json_string_value(json_object_get(obj, "status"));
	if ((v = event_msg_status_from_name(name)) < 0)
		return parse_fail(p, "status event with an unknown status "
		    "\"%.40s\"", name != NULL ? name : "(none)");
	s->status = (enum td_msg_status)v;
	s->wamid = get_str(p, obj, "wamid");
	parse_error_obj(p, json_object_get(obj, "error"), &s->error);
	return 0;
}

static void
parse_labels(struct parse *p, const json_t *arr, struct td_conv_state *st)
{
	size_t i, n;
	json_t *v;

	if (!json_is_array(arr) || (n = json_array_size(arr)) == 0)
		return;
	if ((st->labels = calloc(n, sizeof *st->labels)) == NULL) {
		p->oom = 1;
		return;
	}
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || json_string_length(v) == 0)
			continue;
		st->labels[st->n_labels] = strdup(json_string_value(v));
		if (st->labels[st->n_labels] == NULL) {
			p->oom = 1;
			return;
		}
		st->n_labels++;
	}
}

static void
parse_state_extras(struct parse *p, const json_t *obj, struct td_conv_state *st)
{
	json_t *o;
	int64_t score;

	parse_labels(p, json_object_get(obj, "labels"), st);
	st->snoozed_until = get_int_or(obj, "snoozed_until", 0);
	st->number = get_str(p, obj, "number");
	o = json_object_get(obj, "sla");
	if (json_is_object(o)) {
		st->sla.first_response_due = get_int_or(o,
		    "first_response_due", 0);
		st->sla.next_response_due = get_int_or(o,
		    "next_response_due", 0);
		st->sla.breached = json_is_true(json_object_get(o, "breached"));
	}
	o = json_object_get(obj, "csat");
	if (json_is_object(o) && get_int(o, "score", &score) == 0 &&
	    score >= 1 && score <= 5) {
		st->csat_score = (int)score;
		st->csat_at = get_int_or(o, "at", 0);
	}
}

static int
parse_state(struct parse *p, const json_t *root, struct td_conv_state *st)
{
	json_t *obj = json_object_get(root, "state"), *esc;
	int v;

	st->hidden = json_is_true(json_object_get(root, "hidden")) ||
	    json_is_true(json_object_get(obj, "hidden"));
	/* A hidden conversation needs no state: it is dropped. */
	if (!json_is_object(obj) && st->hidden)
		return 0;
	if (!json_is_object(obj))
		return parse_fail(p, "%s event without a \"state\" object",
		    "conversation");
	v = event_conv_status_from_name(json_string_value(json_object_get(obj,
	    "status")));
	st->status = v < 0 ? TD_CS_OPEN : (enum td_conv_status)v;
	st->assignee = get_str(p, obj, "assignee");
	st->team = get_str(p, obj, "team");
	v = event_priority_from_name(json_string_value(json_object_get(obj,
	    "priority")));
	st->priority = v < 0 ? TD_PRIO_NORMAL : (enum td_priority)v;
	esc = json_object_get(obj, "escalation");
	if (json_is_object(esc)) {
		st->has_escalation = true;
		st->escalation.team = get_str(p, esc, "team");
		st->escalation.reason = get_str(p, esc, "reason");
		st->escalation.by = get_str(p, esc, "by");
		st->escalation.at = get_int_or(esc, "at", 0);
	}
	st->last_inbound_ts = get_int_or(obj, "last_inbound_ts", 0);
	st->assigned_by = get_str(p, obj, "assigned_by");
	parse_state_extras(p, obj, st);
	return 0;
}

/* Attribute values are text; numbers and booleans are kept as their JSON
 * spelling, objects/arrays/null are skipped. */
static char *
attribute_value(struct parse *p, json_t *v)
{
	char *s;

	if (json_is_string(v))
		s = strdup(json_string_value(v));
	else if (json_is_number(v) || json_is_boolean(v))
		s = json_dumps(v, JSON_ENCODE_ANY);
	else
		return NULL;
	if (s == NULL)
		p->oom = 1;
	return s;
}

static void
parse_attributes(struct parse *p, const json_t *obj, struct td_contact *c)
{
	const char *key;
	json_t *v;
	char *val;

	if (!json_is_object(obj))
		return;
	c->attributes = calloc(json_object_size(obj) + 1,
	    sizeof *c->attributes);
	if (c->attributes == NULL) {
		p->oom = 1;
		return;
	}
	json_object_foreach((json_t *)obj, key, v) {
		if ((val = attribute_value(p, v)) == NULL)
			continue;
		c->attributes[c->n_attributes].value = val;
		c->attributes[c->n_attributes].key = strdup(key);
		c->n_attributes++;
		if (c->attributes[c->n_attributes - 1].key == NULL) {
			p->oom = 1;
			return;
		}
	}
}

static int
parse_contact(struct parse *p, const json_t *root, struct td_contact *c)
{
	json_t *obj = json_object_get(root, "contact");

	if (!json_is_object(obj))
		return parse_fail(p, "%s event without a \"contact\" object",
		    "contact");
	c->wa_id = get_str(p, obj, "wa_id");
	c->user_id = get_str(p, obj, "user_id");
	c->username = get_str(p, obj, "username");
	c->name = get_str(p, obj, "name");
	c->note = get_str(p, obj, "note");
	parse_attributes(p, json_object_get(obj, "attributes"), c);
	return 0;
}

static int
parse_presence(struct parse *p, const json_t *root, struct td_presence *pr)
{
	json_t *obj = json_object_get(root, "presence");

	if (!json_is_object(obj))
		obj = (json_t *)root;
	pr->agent = get_str(p, obj, "agent");
	pr->activity = get_str(p, obj, "activity");
	pr->expires = get_int_or(obj, "expires", 0);
	if (pr->agent == NULL || pr->activity == NULL)
		return parse_fail(p, "presence event without %s",
		    "\"agent\" and \"activity\"");
	return 0;
}

static int
parse_body(struct parse *p, const json_t *obj, struct td_event *out)
{
	switch (out->type) {
	case TD_EV_MESSAGE:
		return parse_message(p, obj, &out->u.message);
	case TD_EV_STATUS:
		return parse_status(p, obj, &out->u.status);
	case TD_EV_CONVERSATION:
		return parse_state(p, obj, &out->u.state);
	case TD_EV_CONTACT:
		return parse_contact(p, obj, &out->u.contact);
	case TD_EV_PRESENCE:
		return parse_presence(p, obj, &out->u.presence);
	case TD_EV_UNKNOWN:
		break;
	}
	return 0;
}

int
event_parse(const json_t *obj, struct td_event *out, char *err, size_t errlen)
{
	struct parse p = { 0, err, errlen };
	json_t *type;

	memset(out, 0, sizeof *out);
	if (err != NULL && errlen > 0)
		*err = '\0';
	if (!json_is_object(obj))
		return parse_fail(&p, "event is not a JSON %s", "object");
	if (get_int(obj, "seq", &out->seq) != 0 || out->seq < 0)
		return parse_fail(&p, "event without a %s",
		    "non-negative integer \"seq\"");
	out->ts = get_int_or(obj, "ts", 0);
	type = json_object_get(obj, "type");
	if (!json_is_string(type) || json_string_length(type) == 0)
		return parse_fail(&p, "event without a %s", "\"type\" string");
	out->type = event_type_from_name(json_string_value(type));
	out->conversation = get_str(&p, obj, "conversation");
	if (out->conversation == NULL || *out->conversation == '\0')
		goto no_conversation;
	if ((out->type_name = get_str(&p, obj, "type")) == NULL)
		goto oom;
	if (parse_body(&p, obj, out) != 0)
		goto fail;
	if (p.oom)
		goto oom;
	return 0;
no_conversation:
	if (!p.oom) {
		parse_fail(&p, "event without a %s", "\"conversation\" string");
		goto fail;
	}
oom:
	parse_fail(&p, "out of memory parsing an %s", "event");
fail:
	event_free(out);
	return -1;
}

int
event_parse_text(const char *text, size_t len, struct td_event *out,
    char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *obj;
	int rc;

	memset(out, 0, sizeof *out);
	/* DECODE_ANY so that a bare scalar gets the clearer "not an object". */
	obj = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &jerr);
	if (obj == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "event is not JSON: %s (line %d, "
			    "column %d)", jerr.text, jerr.line, jerr.column);
		return -1;
	}
	rc = event_parse(obj, out, err, errlen);
	json_decref(obj);
	return rc;
}
