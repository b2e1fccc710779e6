/* Names of the enums of event.h as the relay API spells them, and what
 * a message's origin says. */
#include <string.h>

#include "ttydesk/event.h"

static const char *const kind_names[] = {
	"text", "image", "video", "audio", "document", "sticker", "location",
	"contacts", "reaction", "interactive", "button", "template",
	"unsupported",
};
static const char *const msg_status_names[] = {
	"received", "pending", "sent", "delivered", "read", "failed",
};
static const char *const conv_status_names[] = {
	"open", "pending", "escalated", "resolved", "snoozed",
};
static const char *const priority_names[] = { "normal", "high", "urgent" };
static const char *const direction_names[] = { "in", "out", "note" };
static const char *const event_type_names[] = {
	"unknown", "message", "status", "conversation", "contact", "presence",
};

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

static const char *
names_get(const char *const *names, size_t n, int v)
{
	if (v < 0 || (size_t)v >= n)
		return "unknown";
	return names[v];
}

static int
names_find(const char *const *names, size_t n, const char *s)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], s) == 0)
			return (int)i;
	}
	return -1;
}

const char *
event_kind_name(enum td_msg_kind k)
{
	return names_get(kind_names, NELEM(kind_names), (int)k);
}

int
event_kind_from_name(const char *s)
{
	return names_find(kind_names, NELEM(kind_names), s);
}

const char *
event_msg_status_name(enum td_msg_status s)
{
	return names_get(msg_status_names, NELEM(msg_status_names), (int)s);
}

int
event_msg_status_from_name(const char *s)
{
	return names_find(msg_status_names, NELEM(msg_status_names), s);
}

const char *
event_conv_status_name(enum td_conv_status s)
{
	return names_get(conv_status_names, NELEM(conv_status_names), (int)s);
}

int
event_conv_status_from_name(const char *s)
{
	return names_find(conv_status_names, NELEM(conv_status_names), s);
}

const char *
event_priority_name(enum td_priority p)
{
	return names_get(priority_names, NELEM(priority_names), (int)p);
}

int
event_priority_from_name(const char *s)
{
	return names_find(priority_names, NELEM(priority_names), s);
}

const char *
event_direction_name(enum td_direction d)
{
	return names_get(direction_names, NELEM(direction_names), (int)d);
}

int
event_direction_from_name(const char *s)
{
	return names_find(direction_names, NELEM(direction_names), s);
}

const char *
event_type_name(enum td_event_type t)
{
	return names_get(event_type_names, NELEM(event_type_names), (int)t);
}

enum td_event_type
event_type_from_name(const char *s)
{
	int v = names_find(event_type_names, NELEM(event_type_names), s);

	return v <= 0 ? TD_EV_UNKNOWN : (enum td_event_type)v;
}

bool
message_from_app(const struct td_message *m)
{
	return m->direction == TD_DIR_OUT && m->origin != NULL &&
	    strcmp(m->origin, "business_app") == 0;
}

bool
message_is_system(const struct td_message *m)
{
	return m->direction == TD_DIR_IN && m->origin != NULL &&
	    strcmp(m->origin, "system") == 0;
}

bool
message_counts_unread(const struct td_message *m)
{
	return m->direction == TD_DIR_IN && !m->history &&
	    !message_is_system(m);
}
