/*
 * Deep copies and frees of the event structs.  A copy either succeeds
 * completely or leaves dst empty (zeroed), so callers never free half a
 * struct.  Each struct's strings are named once, in a table below, which
 * its copy and its free both walk (ttydesk/strfields.h).
 */
#include <stdlib.h>
#include <string.h>

#include "ttydesk/event.h"
#include "ttydesk/strfields.h"
#include "ttydesk/vec.h"

static const size_t error_strs[] = {
	offsetof(struct td_error, title), offsetof(struct td_error, details),
};

void
event_error_free(struct td_error *e)
{
	strfields_free(e, error_strs, STRFIELDS_N(error_strs));
	memset(e, 0, sizeof *e);
}

int
event_error_copy(struct td_error *dst, const struct td_error *src)
{
	dst->code = src->code;
	if (strfields_copy(dst, src, error_strs, STRFIELDS_N(error_strs)) != 0) {
		event_error_free(dst);
		return -1;
	}
	return 0;
}

static const size_t media_strs[] = {
	offsetof(struct td_media, id), offsetof(struct td_media, mime_type),
	offsetof(struct td_media, filename), offsetof(struct td_media, sha256),
};
static const size_t interactive_strs[] = {
	offsetof(struct td_interactive, type),
	offsetof(struct td_interactive, id),
	offsetof(struct td_interactive, title),
	offsetof(struct td_interactive, description),
	offsetof(struct td_interactive, fields),
};
static const size_t location_strs[] = {
	offsetof(struct td_location, name),
	offsetof(struct td_location, address),
};

/* The parts a message points to (media, location, interactive) own just
 * their strings: one copy and one free serve the three. */
static void *
part_copy(const void *src, size_t size, const size_t *strs, size_t n)
{
	void *p = malloc(size);

	if (p == NULL)
		return NULL;
	memcpy(p, src, size);
	if (strfields_copy(p, src, strs, n) != 0) {
		strfields_free(p, strs, n);
		free(p);
		return NULL;
	}
	return p;
}

static void
part_free(void *p, const size_t *strs, size_t n)
{
	if (p == NULL)
		return;
	strfields_free(p, strs, n);
	free(p);
}

/* Its error's are error_strs; media, location, interactive own theirs. */
static const size_t message_strs[] = {
	offsetof(struct td_message, id), offsetof(struct td_message, origin),
	offsetof(struct td_message, from), offsetof(struct td_message, text),
	offsetof(struct td_message, caption),
	offsetof(struct td_message, annotation),
	offsetof(struct td_message, reaction_to),
	offsetof(struct td_message, reaction_emoji),
	offsetof(struct td_message, reply_to),
	offsetof(struct td_message, agent),
	offsetof(struct td_message, client_id),
	offsetof(struct td_message, wamid),
};

void
message_free(struct td_message *m)
{
	if (m == NULL)
		return;
	strfields_free(m, message_strs, STRFIELDS_N(message_strs));
	part_free(m->media, media_strs, STRFIELDS_N(media_strs));
	part_free(m->location, location_strs, STRFIELDS_N(location_strs));
	part_free(m->interactive, interactive_strs,
	    STRFIELDS_N(interactive_strs));
	event_error_free(&m->error);
	memset(m, 0, sizeof *m);
}

int
message_copy(struct td_message *dst, const struct td_message *src)
{
	*dst = *src;
	dst->media = NULL;
	dst->location = NULL;
	dst->interactive = NULL;
	dst->error.title = dst->error.details = NULL;
	if (strfields_copy(dst, src, message_strs,
	    STRFIELDS_N(message_strs)) != 0 ||
	    event_error_copy(&dst->error, &src->error) != 0)
		goto fail;
	if (src->media != NULL && (dst->media = part_copy(src->media,
	    sizeof *src->media, media_strs, STRFIELDS_N(media_strs))) == NULL)
		goto fail;
	if (src->location != NULL && (dst->location = part_copy(src->location,
	    sizeof *src->location, location_strs,
	    STRFIELDS_N(location_strs))) == NULL)
		goto fail;
	if (src->interactive != NULL && (dst->interactive = part_copy(
	    src->interactive, sizeof *src->interactive, interactive_strs,
	    STRFIELDS_N(interactive_strs))) == NULL)
		goto fail;
	return 0;
fail:
	message_free(dst);
	return -1;
}

static const size_t state_strs[] = {
	offsetof(struct td_conv_state, assignee),
	offsetof(struct td_conv_state, assigned_by),
	offsetof(struct td_conv_state, team),
	offsetof(struct td_conv_state, number),
	offsetof(struct td_conv_state, escalation.team),
	offsetof(struct td_conv_state, escalation.reason),
	offsetof(struct td_conv_state, escalation.by),
};
/* Each label is itself the string. */
static const size_t label_strs[] = { 0 };

void
conv_state_free(struct td_conv_state *s)
{
	if (s == NULL)
		return;
	strfields_free(s, state_strs, STRFIELDS_N(state_strs));
	vec_free(&s->labels, &s->n_labels, sizeof *s->labels, vec_clear_str);
	memset(s, 0, sizeof *s);
}

int
conv_state_copy(struct td_conv_state *dst, const struct td_conv_state *src)
{
	*dst = *src;
	dst->labels = NULL;
	dst->n_labels = 0;
	if (strfields_copy(dst, src, state_strs, STRFIELDS_N(state_strs)) != 0)
		goto fail;
	if (src->n_labels > 0) {
		if ((dst->labels = strfields_vec_copy(src->labels,
		    src->n_labels, sizeof *src->labels, label_strs,
		    STRFIELDS_N(label_strs))) == NULL)
			goto fail;
		dst->n_labels = src->n_labels;
	}
	return 0;
fail:
	conv_state_free(dst);
	return -1;
}

static const size_t contact_strs[] = {
	offsetof(struct td_contact, wa_id), offsetof(struct td_contact, user_id),
	offsetof(struct td_contact, username), offsetof(struct td_contact, name),
	offsetof(struct td_contact, note),
};
static const size_t attribute_strs[] = {
	offsetof(struct td_attribute, key), offsetof(struct td_attribute, value),
};

void
contact_free(struct td_contact *c)
{
	if (c == NULL)
		return;
	strfields_free(c, contact_strs, STRFIELDS_N(contact_strs));
	strfields_vec_free(&c->attributes, &c->n_attributes,
	    sizeof *c->attributes, attribute_strs, STRFIELDS_N(attribute_strs));
	memset(c, 0, sizeof *c);
}

int
contact_copy(struct td_contact *dst, const struct td_contact *src)
{
	memset(dst, 0, sizeof *dst);
	if (strfields_copy(dst, src, contact_strs,
	    STRFIELDS_N(contact_strs)) != 0)
		goto fail;
	/* The spare element of the copy keeps an empty set non-NULL. */
	if (src->attributes != NULL) {
		if ((dst->attributes = strfields_vec_copy(src->attributes,
		    src->n_attributes, sizeof *src->attributes, attribute_strs,
		    STRFIELDS_N(attribute_strs))) == NULL)
			goto fail;
		dst->n_attributes = src->n_attributes;
	}
	return 0;
fail:
	contact_free(dst);
	return -1;
}

static const size_t status_strs[] = {
	offsetof(struct td_status_update, message),
	offsetof(struct td_status_update, wamid),
};
static const size_t presence_strs[] = {
	offsetof(struct td_presence, agent),
	offsetof(struct td_presence, activity),
};
static const size_t event_strs[] = {
	offsetof(struct td_event, type_name),
	offsetof(struct td_event, conversation),
};

void
presence_clear(void *p)
{
	strfields_free(p, presence_strs, STRFIELDS_N(presence_strs));
}

int
presence_copy(struct td_presence *dst, const struct td_presence *src)
{
	dst->expires = src->expires;
	if (strfields_copy(dst, src, presence_strs,
	    STRFIELDS_N(presence_strs)) != 0) {
		presence_clear(dst);
		return -1;
	}
	return 0;
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
		strfields_free(&ev->u.status, status_strs,
		    STRFIELDS_N(status_strs));
		event_error_free(&ev->u.status.error);
		break;
	case TD_EV_CONVERSATION:
		conv_state_free(&ev->u.state);
		break;
	case TD_EV_CONTACT:
		contact_free(&ev->u.contact);
		break;
	case TD_EV_PRESENCE:
		presence_clear(&ev->u.presence);
		break;
	case TD_EV_UNKNOWN:
		break;
	}
	strfields_free(ev, event_strs, STRFIELDS_N(event_strs));
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
		if (strfields_copy(&dst->u.status, &src->u.status, status_strs,
		    STRFIELDS_N(status_strs)) != 0)
			return -1;
		return event_error_copy(&dst->u.status.error,
		    &src->u.status.error);
	case TD_EV_CONVERSATION:
		return conv_state_copy(&dst->u.state, &src->u.state);
	case TD_EV_CONTACT:
		return contact_copy(&dst->u.contact, &src->u.contact);
	case TD_EV_PRESENCE:
		return presence_copy(&dst->u.presence, &src->u.presence);
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
	if (strfields_copy(dst, src, event_strs, STRFIELDS_N(event_strs)) != 0 ||
	    event_body_copy(dst, src) != 0) {
		event_free(dst);
		return -1;
	}
	return 0;
}
