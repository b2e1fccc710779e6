/*
 * struct td_event -> relay event JSON, the inverse of event_parse():
 * event_parse(event_to_json(ev)) gives back an equal event.  The relay
 * writes its message events with event_message_to_json() too, so there is
 * one encoder of the wire message.  Absent
 * optional fields (NULL strings, zero times) are left out rather than
 * written as null, except where the spec says null (assignee, team).
 */
#include <stdlib.h>

#include <jansson.h>

#include "ttydesk/event.h"

/* Set key to a string when s is non-NULL.  Returns -1 on failure. */
static int
set_str(json_t *obj, const char *key, const char *s)
{
	if (s == NULL)
		return 0;
	return json_object_set_new(obj, key, json_string(s));
}

static int
set_str_or_null(json_t *obj, const char *key, const char *s)
{
	return json_object_set_new(obj, key, s != NULL ? json_string(s) :
	    json_null());
}

static int
set_int(json_t *obj, const char *key, int64_t v)
{
	return json_object_set_new(obj, key, json_integer((json_int_t)v));
}

static int
set_obj(json_t *obj, const char *key, json_t *child)
{
	if (child == NULL)
		return -1;
	return json_object_set_new(obj, key, child);
}

/* The end of every encoder below: o when all its sets went well (rc 0),
 * else NULL with o freed. */
static json_t *
obj_done(json_t *o, int rc)
{
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
error_to_json(const struct td_error *e)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= set_int(o, "code", e->code);
	rc |= set_str(o, "title", e->title != NULL ? e->title : "");
	rc |= set_str(o, "details", e->details);
	return obj_done(o, rc);
}

static json_t *
media_to_json(const struct td_media *md)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	/* id and mime_type are required by the spec, so never left out. */
	rc |= set_str(o, "id", md->id != NULL ? md->id : "");
	rc |= set_str(o, "mime_type", md->mime_type != NULL ? md->mime_type :
	    "application/octet-stream");
	rc |= set_str(o, "filename", md->filename);
	rc |= set_str(o, "sha256", md->sha256);
	if (md->size >= 0)
		rc |= set_int(o, "size", md->size);
	return obj_done(o, rc);
}

static json_t *
location_to_json(const struct td_location *l)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= json_object_set_new(o, "latitude", json_real(l->latitude));
	rc |= json_object_set_new(o, "longitude", json_real(l->longitude));
	rc |= set_str(o, "name", l->name);
	rc |= set_str(o, "address", l->address);
	return obj_done(o, rc);
}

static json_t *
reaction_to_json(const struct td_message *m)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= set_str(o, "to", m->reaction_to != NULL ? m->reaction_to : "");
	rc |= set_str(o, "emoji", m->reaction_emoji != NULL ?
	    m->reaction_emoji : "");
	return obj_done(o, rc);
}

/* An inbound answer: {"type", "id"?, "title"?, "description"?,
 * "fields"?: {..}}. */
static json_t *
interactive_to_json(const struct td_interactive *x)
{
	json_t *o = json_object(), *f;
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= set_str(o, "type", x->type);
	rc |= set_str(o, "id", x->id);
	rc |= set_str(o, "title", x->title);
	rc |= set_str(o, "description", x->description);
	if (x->fields != NULL && (f = json_loads(x->fields, 0, NULL)) != NULL)
		rc |= set_obj(o, "fields", f);
	return obj_done(o, rc);
}

json_t *
event_message_to_json(const struct td_message *m)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	/* id and from are required: "" rather than absent, as relays have
	 * always stored them. */
	rc |= set_str(o, "id", m->id != NULL ? m->id : "");
	rc |= set_str(o, "direction", event_direction_name(m->direction));
	rc |= set_str(o, "kind", (unsigned)m->kind > TD_KIND_UNSUPPORTED ?
	    "unsupported" : event_kind_name(m->kind));
	rc |= set_str(o, "from", m->from != NULL ? m->from : "");
	rc |= set_str(o, "text", m->text);
	rc |= set_str(o, "caption", m->caption);
	rc |= set_str(o, "annotation", m->annotation);
	if (m->media != NULL)
		rc |= set_obj(o, "media", media_to_json(m->media));
	if (m->location != NULL)
		rc |= set_obj(o, "location", location_to_json(m->location));
	if (m->interactive != NULL)
		rc |= set_obj(o, "interactive", interactive_to_json(
		    m->interactive));
	if (m->kind == TD_KIND_REACTION || m->reaction_to != NULL)
		rc |= set_obj(o, "reaction", reaction_to_json(m));
	rc |= set_str(o, "reply_to", m->reply_to);
	rc |= set_str(o, "agent", m->agent);
	rc |= set_str(o, "client_id", m->client_id);
	rc |= set_str(o, "wamid", m->wamid);
	rc |= set_str(o, "origin", m->origin);
	if (m->history)
		rc |= json_object_set_new(o, "history", json_true());
	rc |= set_str(o, "status", (unsigned)m->status > TD_MS_FAILED ?
	    "received" : event_msg_status_name(m->status));
	if (m->error.code != 0 || m->error.title != NULL)
		rc |= set_obj(o, "error", error_to_json(&m->error));
	return obj_done(o, rc);
}

static json_t *
status_to_json(const struct td_status_update *s)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= set_str(o, "message", s->message);
	rc |= set_str(o, "status", event_msg_status_name(s->status));
	rc |= set_str(o, "wamid", s->wamid);
	if (s->error.code != 0 || s->error.title != NULL)
		rc |= set_obj(o, "error", error_to_json(&s->error));
	return obj_done(o, rc);
}

static json_t *
escalation_to_json(const struct td_escalation *e)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= set_str(o, "team", e->team);
	rc |= set_str(o, "reason", e->reason);
	rc |= set_str(o, "by", e->by);
	rc |= set_int(o, "at", e->at);
	return obj_done(o, rc);
}

static json_t *
labels_to_json(const struct td_conv_state *st)
{
	json_t *a = json_array();
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < st->n_labels; i++) {
		if (json_array_append_new(a, json_string(st->labels[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *
sla_to_json(const struct td_sla *sla)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	if (sla->first_response_due != 0)
		rc |= set_int(o, "first_response_due", sla->first_response_due);
	if (sla->next_response_due != 0)
		rc |= set_int(o, "next_response_due", sla->next_response_due);
	rc |= json_object_set_new(o, "breached", json_boolean(sla->breached));
	return obj_done(o, rc);
}

static json_t *
csat_to_json(const struct td_conv_state *st)
{
	return json_pack("{s:i, s:I}", "score", st->csat_score, "at",
	    (json_int_t)st->csat_at);
}

static json_t *
state_to_json(const struct td_conv_state *st)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= set_str(o, "status", event_conv_status_name(st->status));
	rc |= set_str_or_null(o, "assignee", st->assignee);
	rc |= set_str_or_null(o, "team", st->team);
	rc |= set_str(o, "priority", event_priority_name(st->priority));
	if (st->has_escalation)
		rc |= set_obj(o, "escalation",
		    escalation_to_json(&st->escalation));
	rc |= set_int(o, "last_inbound_ts", st->last_inbound_ts);
	rc |= set_obj(o, "labels", labels_to_json(st));
	if (st->snoozed_until != 0)
		rc |= set_int(o, "snoozed_until", st->snoozed_until);
	rc |= set_str(o, "number", st->number);
	rc |= set_obj(o, "sla", sla_to_json(&st->sla));
	if (st->csat_score != 0)
		rc |= set_obj(o, "csat", csat_to_json(st));
	rc |= set_str(o, "assigned_by", st->assigned_by);
	if (st->hidden)
		rc |= json_object_set_new(o, "hidden", json_true());
	return obj_done(o, rc);
}

static json_t *
attributes_to_json(const struct td_contact *c)
{
	json_t *o = json_object();
	size_t i;

	if (o == NULL)
		return NULL;
	for (i = 0; i < c->n_attributes; i++) {
		if (c->attributes[i].key == NULL ||
		    c->attributes[i].value == NULL)
			continue;
		if (set_str(o, c->attributes[i].key, c->attributes[i].value)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static json_t *
contact_to_json(const struct td_contact *c)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= set_str(o, "wa_id", c->wa_id);
	rc |= set_str(o, "user_id", c->user_id);
	rc |= set_str(o, "username", c->username);
	rc |= set_str(o, "name", c->name);
	rc |= set_str(o, "note", c->note);
	if (c->attributes != NULL)
		rc |= set_obj(o, "attributes", attributes_to_json(c));
	return obj_done(o, rc);
}

static json_t *
presence_to_json(const struct td_presence *pr)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= set_str(o, "agent", pr->agent);
	rc |= set_str(o, "activity", pr->activity);
	rc |= set_int(o, "expires", pr->expires);
	return obj_done(o, rc);
}

static int
event_body_to_json(const struct td_event *ev, json_t *o)
{
	switch (ev->type) {
	case TD_EV_MESSAGE:
		return set_obj(o, "message",
		    event_message_to_json(&ev->u.message));
	case TD_EV_STATUS:
		return set_obj(o, "status", status_to_json(&ev->u.status));
	case TD_EV_CONVERSATION:
		return set_obj(o, "state", state_to_json(&ev->u.state));
	case TD_EV_CONTACT:
		return set_obj(o, "contact", contact_to_json(&ev->u.contact));
	case TD_EV_PRESENCE:
		return set_obj(o, "presence",
		    presence_to_json(&ev->u.presence));
	case TD_EV_UNKNOWN:
		break;
	}
	return 0;
}

json_t *
event_to_json(const struct td_event *ev)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= set_int(o, "seq", ev->seq);
	rc |= set_int(o, "ts", ev->ts);
	rc |= set_str(o, "type", ev->type_name != NULL ? ev->type_name :
	    event_type_name(ev->type));
	rc |= set_str(o, "conversation", ev->conversation != NULL ?
	    ev->conversation : "");
	rc |= event_body_to_json(ev, o);
	return obj_done(o, rc);
}
