/*
 * Relay events (spec/relay-api.md, "Events") as plain C values.
 *
 * An event is what the relay serves on /v1/sync and what the TUI caches.
 * event_parse() turns one JSON event object into a struct td_event;
 * event_to_json() turns it back.  Unknown fields are ignored, unknown
 * event types parse as TD_EV_UNKNOWN (clients skip them, they are not an
 * error).  Every string in these structs is NUL-terminated UTF-8 as the
 * relay sent it (not yet sanitized for a terminal) or NULL when absent.
 *
 * Ownership: a struct td_event owns every string and array it points to;
 * event_free() releases them.  The struct itself belongs to the caller.
 */
#ifndef TTYDESK_EVENT_H
#define TTYDESK_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct json_t json_t; /* jansson */

enum td_event_type {
	TD_EV_UNKNOWN = 0,
	TD_EV_MESSAGE,
	TD_EV_STATUS,
	TD_EV_CONVERSATION,
	TD_EV_CONTACT,
	TD_EV_PRESENCE,
};

enum td_direction { TD_DIR_IN = 0, TD_DIR_OUT, TD_DIR_NOTE };

enum td_msg_kind {
	TD_KIND_TEXT = 0,
	TD_KIND_IMAGE,
	TD_KIND_VIDEO,
	TD_KIND_AUDIO,
	TD_KIND_DOCUMENT,
	TD_KIND_STICKER,
	TD_KIND_LOCATION,
	TD_KIND_CONTACTS,
	TD_KIND_REACTION,
	TD_KIND_INTERACTIVE,
	TD_KIND_BUTTON,
	TD_KIND_TEMPLATE,
	TD_KIND_UNSUPPORTED,
};

/* Ordered: a message's status only moves to a higher value (FAILED is
 * terminal and wins over everything but READ).  The model merges by that
 * precedence (READ > FAILED > DELIVERED > SENT > PENDING > RECEIVED), so
 * the result does not depend on the order statuses arrive in. */
enum td_msg_status {
	TD_MS_RECEIVED = 0,
	TD_MS_PENDING,
	TD_MS_SENT,
	TD_MS_DELIVERED,
	TD_MS_READ,
	TD_MS_FAILED,
};

enum td_conv_status {
	TD_CS_OPEN = 0,
	TD_CS_PENDING,
	TD_CS_ESCALATED,
	TD_CS_RESOLVED,
	TD_CS_SNOOZED,
};

enum td_priority { TD_PRIO_NORMAL = 0, TD_PRIO_HIGH, TD_PRIO_URGENT };

struct td_media {
	char *id;
	char *mime_type;
	char *filename;
	char *sha256;
	int64_t size; /* bytes, -1 when unknown */
};

struct td_location {
	double latitude;
	double longitude;
	char *name;
	char *address;
};

/* The customer's answer to an interactive message (inbound only):
 * a reply button, a list row, or a Flow's form. */
struct td_interactive {
	char *type;        /* button_reply, list_reply, nfm_reply */
	char *id;          /* the button's or row's id */
	char *title;
	char *description; /* list rows */
	char *fields;      /* nfm_reply: its response_json object, as JSON
	                    * text (without flow_token) */
};

struct td_error {
	int code; /* 0 when none */
	char *title;
	char *details;
};

struct td_message {
	char *id;
	enum td_direction direction;
	enum td_msg_kind kind;
	char *from;         /* wa_id when known, else the BSUID (user_id) */
	char *text;         /* body, button text, interactive title, contacts summary ... */
	char *caption;
	/* Meta's labels the customer did not write ("[Forwarded] [From ad: X]"),
	 * kept apart so text and caption stay exactly the customer's. */
	char *annotation;
	struct td_media *media;       /* NULL unless a media kind */
	struct td_location *location; /* NULL unless TD_KIND_LOCATION */
	struct td_interactive *interactive; /* inbound answers, or NULL */
	char *reaction_to;            /* TD_KIND_REACTION: the wamid reacted to */
	char *reaction_emoji;         /* "" or NULL removes the reaction */
	char *reply_to;               /* id of the quoted message */
	char *agent;                  /* outbound/note: the agent id */
	char *client_id;
	enum td_msg_status status;
	struct td_error error;        /* when status is FAILED */
	char *wamid;                  /* outbound: the Graph API id, when the
	                               * relay's id is a local one (status
	                               * events still use id) */
	char *origin;                 /* "business_app": sent from the
	                               * WhatsApp Business app, not by an agent */
	bool history;                 /* imported past chat: never unread */
};

struct td_status_update {
	char *message; /* wamid or local id */
	enum td_msg_status status;
	struct td_error error;
	char *wamid;   /* the Graph API id of a locally-numbered outbound
	                * message, when the relay knows it (NULL otherwise) */
};

struct td_escalation {
	char *team;
	char *reason;
	char *by;
	int64_t at;
};

struct td_sla {
	int64_t first_response_due; /* 0 when none */
	int64_t next_response_due;  /* 0 when none */
	bool breached;
};

struct td_conv_state {
	enum td_conv_status status;
	char *assignee; /* agent id or NULL */
	char *team;     /* team id or NULL */
	enum td_priority priority;
	bool has_escalation;
	struct td_escalation escalation;
	int64_t last_inbound_ts;
	char **labels;
	size_t n_labels;
	int64_t snoozed_until; /* 0 when not snoozed */
	struct td_sla sla;
	int csat_score;        /* 0 when none, else 1..5 */
	int64_t csat_at;
	/* Who made the current assignment: "auto" (the relay's automatic
	 * assignment) or an agent id; NULL when the relay did not say. */
	char *assigned_by;
	/* The conversation left this agent's view ("hidden": true, at the
	 * top level of the event or in its state): drop it locally. */
	bool hidden;
	char *number;          /* the business number's id, or NULL */
};

struct td_attribute {
	char *key;
	char *value;
};

struct td_contact {
	char *wa_id;    /* phone, may be NULL for BSUID-only customers */
	char *user_id;  /* BSUID, may be NULL */
	char *username;
	char *name;
	char *note;
	/* NULL when the event carried no "attributes" object; non-NULL (maybe
	 * with n_attributes == 0) when it did, so an empty object clears. */
	struct td_attribute *attributes;
	size_t n_attributes;
};

struct td_presence {
	char *agent;
	char *activity; /* "viewing", "typing", "left" */
	int64_t expires;
};

struct td_event {
	int64_t seq;
	int64_t ts;
	enum td_event_type type;
	char *type_name;    /* as sent, also for TD_EV_UNKNOWN */
	char *conversation; /* conversation id */
	union {
		struct td_message message;       /* TD_EV_MESSAGE */
		struct td_status_update status;  /* TD_EV_STATUS */
		struct td_conv_state state;      /* TD_EV_CONVERSATION */
		struct td_contact contact;       /* TD_EV_CONTACT */
		struct td_presence presence;     /* TD_EV_PRESENCE */
	} u;
};

/* Parse one event object.  Returns 0, or -1 with a human message in err.
 * A JSON value that is not an object, or lacks seq/type/conversation, is an
 * error; a bad optional field is ignored (the rest of the event survives). */
int event_parse(const json_t *obj, struct td_event *out, char *err, size_t errlen);
/* Same from text. */
int event_parse_text(const char *text, size_t len, struct td_event *out,
    char *err, size_t errlen);
/* New reference to a JSON object equal to what the relay would send. */
json_t *event_to_json(const struct td_event *ev);
/* New reference to the "message" object of a message event (the one
 * encoder of the wire message, used by the relay and the TUI): required
 * fields are always written ("" for a NULL id or from), optional ones only
 * when set.  NULL when out of memory. */
json_t *event_message_to_json(const struct td_message *m);
void event_free(struct td_event *ev);

/*
 * A compact binary form of an event, for the TUI's cache
 * (docs/cache-format.md, "Packed events").  Its first byte is a format tag
 * in 0x01..0x08, never a byte JSON text starts with, so a reader tells the
 * two apart.  It holds every field of every type; event_to_json() of the
 * unpacked event equals event_to_json() of the packed one.
 *
 * event_pack(): *out is malloc'd, the caller frees it.  Returns 0, or -1
 * when out of memory or ev->type is not an enum value.
 * event_unpack(): buf is untrusted; any byte string is either an event
 * event_parse() could have produced or -1 with a message in err (out is
 * then empty).  out is the caller's to event_free().
 * event_decode_any(): packed bytes or JSON object text (caches written
 * before events were packed). */
int event_pack(const struct td_event *ev, unsigned char **out, size_t *len);
int event_unpack(const unsigned char *buf, size_t len, struct td_event *out,
    char *err, size_t errlen);
int event_decode_any(const void *buf, size_t len, struct td_event *out,
    char *err, size_t errlen);
/* Whether buf starts like a packed event (a format tag), not JSON text;
 * the one test event_decode_any() and the cache make. */
bool event_is_packed(const void *buf, size_t len);

/* Sent from the WhatsApp Business app on the number's phone (origin
 * "business_app"), not by an agent. */
bool message_from_app(const struct td_message *m);
/* A notice WhatsApp put in the thread (origin "system": the customer
 * changed number or user id), shown as a system line, never unread. */
bool message_is_system(const struct td_message *m);
/* Is it unread until read: a customer's message, neither imported past
 * chat nor a notice? */
bool message_counts_unread(const struct td_message *m);

/* Deep copies, for the model and the relay.  Return 0 or -1 (out of memory). */
int message_copy(struct td_message *dst, const struct td_message *src);
void message_free(struct td_message *m);
int conv_state_copy(struct td_conv_state *dst, const struct td_conv_state *src);
void conv_state_free(struct td_conv_state *s);
int contact_copy(struct td_contact *dst, const struct td_contact *src);
void contact_free(struct td_contact *c);
/* An agent's presence: a copy that fails leaves dst's strings NULL; the
 * clear frees them, and is also the vec_free() clear of an array of
 * presences (ttydesk/vec.h). */
int presence_copy(struct td_presence *dst, const struct td_presence *src);
void presence_clear(void *p);
/* An error's strings, likewise. */
int event_error_copy(struct td_error *dst, const struct td_error *src);
void event_error_free(struct td_error *e);
/* Whole event; dst is zeroed on failure. */
int event_copy(struct td_event *dst, const struct td_event *src);

/* Names as in the spec ("text", "delivered", "escalated", "urgent", ...)
 * and back.  *_from_name() return -1 for an unknown name. */
const char *event_kind_name(enum td_msg_kind k);
int event_kind_from_name(const char *s);
const char *event_msg_status_name(enum td_msg_status s);
int event_msg_status_from_name(const char *s);
const char *event_conv_status_name(enum td_conv_status s);
int event_conv_status_from_name(const char *s);
const char *event_priority_name(enum td_priority p);
int event_priority_from_name(const char *s);
const char *event_direction_name(enum td_direction d);
int event_direction_from_name(const char *s);
/* "message", "status", ...; TD_EV_UNKNOWN gives "unknown" and the
 * *_from_name() of an unknown name gives TD_EV_UNKNOWN (never -1). */
const char *event_type_name(enum td_event_type t);
enum td_event_type event_type_from_name(const char *s);

/* Presence events: the relay sends {"presence": {"agent", "activity",
 * "expires"}}; event_parse() also accepts the three fields at top level. */

#endif
