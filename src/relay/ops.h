/*
 * Conversation operations behind the agent routes (writer thread): each
 * validates, changes the state, appends events and fills a result (the
 * event, or the spec's error object).  /v1/bulk runs the same functions.
 */
#ifndef RELAY_OPS_H
#define RELAY_OPS_H

#include <jansson.h>

#include "relay.h"

struct op_result {
	unsigned status;
	json_t *body;   /* new reference */
	char *hook;     /* escalation payload (malloc'd) or NULL */
	int kick;       /* an outbound message was queued */
};

/* One operation: /v1/bulk and the routes call them through op_fn. */
typedef void op_handler(struct relay *r, const struct relay_agent *a,
    const char *conv, json_t *in, struct op_result *res);
typedef op_handler *op_fn;

void op_error(struct op_result *res, unsigned status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

op_handler op_message, op_note, op_escalate, op_assign, op_status,
    op_labels, op_presence;

/* Whether agent a may assign to who (an agent id, NULL: nobody): to
 * itself always, to others only as a supervisor or admin.  0 with a
 * 403 forbidden in res otherwise. */
int op_may_assign(const struct relay_agent *a, const char *who,
    struct op_result *res);

/* ops_send.c: templates with components, interactive messages.  The
 * check answers 400 template_params / interactive_invalid (-1); a
 * template must be one of account waba's (NULL: of any).  The body is
 * NULL when the request is neither (a text or a params template). */
struct wa_recipient;
struct relay_contact;
int op_send_check(struct relay *r, json_t *in, const char *waba,
    struct op_result *res);
char *op_send_body(json_t *in, const struct wa_recipient *to);
/* A template header given as "local.<sha256>": the agent's file, uploaded
 * to the media store with send=0 (the sender uploads it to Meta before
 * sending).  1 with out filled, 0 when the header is no such file, -1
 * with why (not in the store, not the header's media type). */
struct op_local {
	char file[65];
	char mime[128];
};
int op_local_header(struct relay *r, json_t *tpl, struct op_local *out,
    char *why, size_t whylen);
/* body (taken) with the local header file named for the sender. */
char *op_send_local_body(struct relay *r, json_t *in, char *body);

/* POST /v1/conversations/{id}/media: the route checked the bytes (type,
 * size), stored them in the media store and built `in` as
 * {"client_id", "upload": {"kind", "mime", "file", "size", "filename"?,
 * "caption"?}}.  The send's body carries the file until the sender has
 * uploaded it (sender.c). */
struct op_upload {
	const char *kind;     /* image, video, audio, document, sticker */
	const char *mime;
	const char *file;     /* hex SHA-256: the file in the media store */
	const char *media_id; /* "local.<file>": the event's media id */
	int64_t size;
	const char *filename; /* or NULL */
	const char *caption;  /* or NULL */
	bool voice;           /* OGG/Opus audio: a voice note */
	char id_buf[80];
};
op_handler op_media;
int op_upload_from(json_t *in, struct op_upload *up);
char *op_upload_body(const struct op_upload *up, const struct relay_contact *c);
/* After the send was queued: the media store serves the file under
 * media_id for this conversation. */
void op_upload_keep(struct relay *r, const char *conv,
    const struct op_upload *up);

/* Reply buttons of a message the relay sends by itself. */
struct ops_buttons {
	const char *const *ids;
	const char *const *titles;
	size_t n;
};
/* Writer thread: queues a message the relay itself sends for conv (the
 * CSAT question, an away message) like an agent's reply: a message
 * event (agent may be NULL) and an outbound row for the sender.  A text
 * message, or with buttons an interactive one.  0, or -1. */
int ops_queue_out(struct relay *r, const char *conv, const json_t *state,
    int64_t contact, const char *agent, const char *text,
    const struct ops_buttons *buttons, int64_t now);
/*
 * The stored key of a client_id (idempotency records, outbound rows):
 * "<agent>/<scope>/<client_id>", scope the conversation (the contact's
 * wa_id for /v1/contacts, "" for /v1/bulk).  So two agents' ids never
 * meet, and an id reused on another conversation is a new request.
 * Agent ids and path segments hold no '/'.  NULL when buf is too small.
 */
#define OP_IDEM_KEY_MAX 1400
const char *op_idem_key(char *buf, size_t len, const struct relay_agent *a,
    const char *scope, const char *client_id);

/* Count UTF-8 code points; -1 when not valid UTF-8. */
long op_utf8_len(const char *s);
/* Writer job, once a second: snoozes that ran out reopen, SLA due times
 * that passed become breached, each with a conversation event. */
int ops_housekeeping(struct relay *r);

#endif
