/*
 * Deep copies and frees of the event structs.  A copy either succeeds
 * completely or leaves dst empty (zeroed), so callers never free half a
 * struct.
 */
#include <stdlib.h>
#include <string.h>

#include "ttydesk/event.h"
#include "ttydesk/vec.h"

static int
copy_str(char **dst, const char *src)
{
	*dst = NULL;
	if (src == NULL)
		return 0;
	*dst = strdup(src);
	return *dst == NULL ? -1 : 0;
}

static void
error_free(struct td_error *e)
{
	free(e->title);
	free(e->details);
	memset(e, 0, sizeof *e);
}

static int
error_copy(struct td_error *dst, const struct td_error *src)
{
	dst->code = src->code;
	if (copy_str(&dst->title, src->title) != 0 ||
	    copy_str(&dst->details, src->details) != 0)
		return -1;
	return 0;
}

static void
media_free(struct td_media *md)
{
	if (md == NULL)
		return;
	free(md->id);
	free(md->mime_type);
	free(md->filename);
	free(md->sha256);
	free(md);
}

static struct td_media *
media_copy(const struct td_media *src)
{
	struct td_media *md = calloc(1, sizeof *md);

	if (md == NULL)
		return NULL;
	md->size = src->size;
	if (copy_str(&md->id, src->id) != 0 ||
	    copy_str(&md->mime_type, src->mime_type) != 0 ||
	    copy_str(&md->filename, src->filename) != 0 ||
	    copy_str(&md->sha256, src->sha256) != 0) {
		media_free(md);
		return NULL;
	}
	return md;
}

static void
location_free(struct td_location *l)
{
	if (l == NULL)
		return;
	free(l->name);
	free(l->address);
	free(l);
}

static struct td_location *
location_copy(const struct td_location *src)
{
	struct td_location *l = calloc(1, sizeof *l);

	if (l == NULL)
		return NULL;
	l->latitude = src->latitude;
	l->longitude = src->longitude;
	if (copy_str(&l->name, src->name) != 0 ||
	    copy_str(&l->address, src->address) != 0) {
		location_free(l);
		return NULL;
	}
	return l;
}

static void
interactive_free(struct td_interactive *x)
{
	if (x == NULL)
		return;
	free(x->type);
	free(x->id);
	free(x->title);
	free(x->description);
	free(x->fields);
	free(x);
}

static struct td_interactive *
interactive_copy(const struct td_interactive *src)
{
	struct td_interactive *x = calloc(1, sizeof *x);

	if (x == NULL || copy_str(&x->type, src->type) != 0 ||
	    copy_str(&x->id, src->id) != 0 ||
	    copy_str(&x->title, src->title) != 0 ||
	    copy_str(&x->description, src->description) != 0 ||
	    copy_str(&x->fields, src->fields) != 0) {
		interactive_free(x);
		return NULL;
	}
	return x;
}

void
message_free(struct td_message *m)
{
	if (m == NULL)
		return;
	free(m->id);
	free(m->from);
	free(m->text);
	free(m->caption);
	free(m->annotation);
	media_free(m->media);
	location_free(m->location);
	interactive_free(m->interactive);
	free(m->reaction_to);
	free(m->reaction_emoji);
	free(m->reply_to);
	free(m->agent);
	free(m->client_id);
	free(m->wamid);
	free(m->origin);
	error_free(&m->error);
	memset(m, 0, sizeof *m);
}

int
message_copy(struct td_message *dst, const struct td_message *src)
{
	memset(dst, 0, sizeof *dst);
	dst->direction = src->direction;
	dst->kind = src->kind;
	dst->status = src->status;
	dst->history = src->history;
	if (copy_str(&dst->id, src->id) != 0 ||
	    copy_str(&dst->origin, src->origin) != 0 ||
	    copy_str(&dst->from, src->from) != 0 ||
	    copy_str(&dst->text, src->text) != 0 ||
	    copy_str(&dst->caption, src->caption) != 0 ||
	    copy_str(&dst->annotation, src->annotation) != 0 ||
	    copy_str(&dst->reaction_to, src->reaction_to) != 0 ||
	    copy_str(&dst->reaction_emoji, src->reaction_emoji) != 0 ||
	    copy_str(&dst->reply_to, src->reply_to) != 0 ||
	    copy_str(&dst->agent, src->agent) != 0 ||
	    copy_str(&dst->client_id, src->client_id) != 0 ||
	    copy_str(&dst->wamid, src->wamid) != 0 ||
	    error_copy(&dst->error, &src->error) != 0)
		goto fail;
	if (src->media != NULL && (dst->media = media_copy(src->media)) == NULL)
		goto fail;
	if (src->interactive != NULL &&
	    (dst->interactive = interactive_copy(src->interactive)) == NULL)
		goto fail;
	if (src->location != NULL &&
	    (dst->location = location_copy(src->location)) == NULL)
		goto fail;
	return 0;
fail:
	message_free(dst);
	return -1;
}

void
conv_state_free(struct td_conv_state *s)
{
	if (s == NULL)
		return;
	free(s->assignee);
	free(s->assigned_by);
	free(s->team);
	free(s->number);
	free(s->escalation.team);
	free(s->escalation.reason);
	free(s->escalation.by);
	vec_free(&s->labels, &s->n_labels, sizeof *s->labels, vec_clear_str);
	memset(s, 0, sizeof *s);
}

int
conv_state_copy(struct td_conv_state *dst, const struct td_conv_state *src)
{
	size_t i;

	*dst = *src;
	dst->assignee = dst->team = dst->assigned_by = dst->number = NULL;
	dst->escalation.team = dst->escalation.reason = NULL;
	dst->escalation.by = NULL;
	dst->labels = NULL;
	dst->n_labels = 0;
	if (copy_str(&dst->assignee, src->assignee) != 0 ||
	    copy_str(&dst->assigned_by, src->assigned_by) != 0 ||
	    copy_str(&dst->team, src->team) != 0 ||
	    copy_str(&dst->number, src->number) != 0 ||
	    copy_str(&dst->escalation.team, src->escalation.team) != 0 ||
	    copy_str(&dst->escalation.reason, src->escalation.reason) != 0 ||
	    copy_str(&dst->escalation.by, src->escalation.by) != 0)
		goto fail;
	if (src->n_labels > 0) {
		dst->labels = calloc(src->n_labels, sizeof *dst->labels);
		if (dst->labels == NULL)
			goto fail;
		for (i = 0; i < src->n_labels; i++) {
			if (copy_str(&dst->labels[i], src->labels[i]) != 0)
				goto fail;
			dst->n_labels = i + 1;
		}
	}
	return 0;
fail:
	conv_state_free(dst);
	return -1;
}

static void
attribute_clear(void *p)
{
	struct td_attribute *a = p;

	free(a->key);
	free(a->value);
}

void
contact_free(struct td_contact *c)
{
	if (c == NULL)
		return;
	free(c->wa_id);
	free(c->user_id);
	free(c->username);
	free(c->name);
	free(c->note);
	vec_free(&c->attributes, &c->n_attributes, sizeof *c->attributes,
	    attribute_clear);
	memset(c, 0, sizeof *c);
}

int
contact_copy(struct td_contact *dst, const struct td_contact *src)
{
	size_t i;

	memset(dst, 0, sizeof *dst);
	if (copy_str(&dst->wa_id, src->wa_id) != 0 ||
	    copy_str(&dst->user_id, src->user_id) != 0 ||
	    copy_str(&dst->username, src->username) != 0 ||
	    copy_str(&dst->name, src->name) != 0 ||
	    copy_str(&dst->note, src->note) != 0)
		goto fail;
	if (src->attributes != NULL) {
		/* One spare element keeps an empty set non-NULL. */
		dst->attributes = calloc(src->n_attributes + 1,
		    sizeof *dst->attributes);
		if (dst->attributes == NULL)
			goto fail;
		for (i = 0; i < src->n_attributes; i++) {
			dst->n_attributes = i + 1;
			if (copy_str(&dst->attributes[i].key,
			    src->attributes[i].key) != 0 ||
			    copy_str(&dst->attributes[i].value,
			    src->attributes[i].value) != 0)
				goto fail;
		}
	}
	return 0;
fail:
	contact_free(dst);
	return -1;
}

void
event_free(struct td_event *ev)
{
	if (ev == NULL)
		return;
	switch (ev->type) {
	case TD_EV_MESSAGE:
		message_free(&ev->u.message);
		break;
	case TD_EV_STATUS:
		free(ev->u.status.message);
		free(ev->u.status.wamid);
		error_free(&ev->u.status.error);
		break;
	case TD_EV_CONVERSATION:
		conv_state_free(&ev->u.state);
		break;
	case TD_EV_CONTACT:
		contact_free(&ev->u.contact);
		break;
	case TD_EV_PRESENCE:
		free(ev->u.presence.agent);
		free(ev->u.presence.activity);
		break;
	case TD_EV_UNKNOWN:
		break;
	}
	free(ev->type_name);
	free(ev->conversation);
	memset(ev, 0, sizeof *ev);
}

static int
event_body_copy(struct td_event *dst, const struct td_event *src)
{
	switch (src->type) {
	case TD_EV_MESSAGE:
		return message_copy(&dst->u.message, &src->u.message);
	case TD_EV_STATUS:
		dst->u.status.status = src->u.status.status;
		if (copy_str(&dst->u.status.message,
		    src->u.status.message) != 0 ||
		    copy_str(&dst->u.status.wamid, src->u.status.wamid) != 0)
			return -1;
		return error_copy(&dst->u.status.error, &src->u.status.error);
	case TD_EV_CONVERSATION:
		return conv_state_copy(&dst->u.state, &src->u.state);
	case TD_EV_CONTACT:
		return contact_copy(&dst->u.contact, &src->u.contact);
	case TD_EV_PRESENCE:
		dst->u.presence.expires = src->u.presence.expires;
		if (copy_str(&dst->u.presence.agent,
		    src->u.presence.agent) != 0)
			return -1;
		return copy_str(&dst->u.presence.activity,
		    src->u.presence.activity);
	case TD_EV_UNKNOWN:
		break;
	}
	return 0;
}

int
event_copy(struct td_event *dst, const struct td_event *src)
{
	memset(dst, 0, sizeof *dst);
	dst->seq = src->seq;
	dst->ts = src->ts;
	dst->type = src->type;
	if (copy_str(&dst->type_name, src->type_name) != 0 ||
	    copy_str(&dst->conversation, src->conversation) != 0 ||
	    event_body_copy(dst, src) != 0) {
		event_free(dst);
		return -1;
	}
	return 0;
}
