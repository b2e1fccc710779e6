/*
 * The outbox: every action an agent takes (reply, note, template,
 * assignment, status, escalation) goes through here so nothing is lost.
 *
 *   outbox_add()  -> cache_outbox_put (encrypted, fsynced) with a fresh
 *                    random client_id -> shown at once as a pending line
 *   flush         -> POST with that client_id, one at a time in order
 *   2xx           -> cache_outbox_ack; the line stays until the relay's
 *                    event for that client_id arrives by sync
 *   final 4xx     -> ack + the relay's error message in the status bar; a
 *                    refused reply goes back into the draft for editing
 *   no answer, 5xx, 429, 401 -> stays queued, retried with backoff and at
 *                    once when the relay is reachable again
 *
 * After a crash the cache replays unacknowledged entries (outbox_restore)
 * and they are sent again with the same client_id: the relay answers a
 * repeat with its first answer and sends nothing twice.
 *
 * The pure part (the state machine) works without an app, for unit tests:
 * obx_* functions.  Ownership: struct outbox owns its entries.
 */
#ifndef TTYDESK_OUTBOX_H
#define TTYDESK_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct json_t json_t;
struct app;
struct td_conversation;

enum ob_state {
	OB_QUEUED = 0,  /* waiting for its turn or a retry */
	OB_SENDING,     /* request in flight */
	OB_DONE,        /* acknowledged; waiting for the event by sync */
};

/* What the relay's answer means for an entry. */
enum ob_verdict {
	OBV_DONE = 0,   /* 2xx: acknowledged */
	OBV_RETRY,      /* no answer, 5xx, 408, 429, 401: keep, try later */
	OBV_REFUSED,    /* other 4xx: final, drop (show the error) */
};

/* What an entry is, from its name (the name stays in the cache records:
 * the kind is derived from it at add and at restore). */
enum ob_kind {
	OBK_ACTION = 0,   /* claim, assign, labels, escalate, ...: done at 2xx */
	OBK_REPLY,
	OBK_NOTE,
	OBK_TEMPLATE,
	OBK_BULK,         /* "bulk <action>": the answer sums up the results */
	OBK_MEDIA,        /* "attach": a file sent as a message (obfile.c) */
	OBK_UPLOAD,       /* "upload": a file only kept, for a template */
};

struct ob_entry {
	char client_id[40];
	char *conv;
	char *what;       /* "reply", "note", "template", "claim", ... */
	enum ob_kind kind;
	char *path;       /* "/v1/conversations/<id>/messages" */
	char *text;       /* what the pending line shows (may be NULL) */
	json_t *body;     /* with client_id */
	enum ob_state state;
	int attempts;
	int64_t next_ms;  /* monotonic: not before */
	int64_t done_ms;
	long status;      /* last HTTP status, 0: no answer */
	char error[256];  /* last failure, for the status bar */
	/* A file entry's bytes while they are sent (else in the cache's
	 * blob of the same name as client_id), the last progress shown. */
	unsigned char *bytes;
	size_t len;
	int last_pct;
};

struct outbox {
	struct ob_entry **e;
	size_t n, cap;
};

/* --- pure state machine -------------------------------------------------- */

enum ob_kind obx_kind(const char *what);
/* A refused entry's text goes back to the compose draft. */
bool obx_kind_keeps_draft(enum ob_kind k);
/* Its pending line stays, once acknowledged, until its event arrives. */
bool obx_kind_waits_event(enum ob_kind k);
/* It carries a file (cache_blob_*), POSTed as bytes. */
bool obx_kind_has_file(enum ob_kind k);

/* New entry (body is copied; client_id set in the copy).  NULL: no memory. */
struct ob_entry *obx_add(struct outbox *ob, const char *client_id,
    const char *conv, const char *what, const char *path, const char *text,
    const json_t *body);
/* The entry as stored in the cache (JSON text, malloc'd) and back. */
char *obx_serialize(const struct ob_entry *e);
struct ob_entry *obx_restore(struct outbox *ob, const char *client_id,
    const char *json, size_t len);
struct ob_entry *obx_find(const struct outbox *ob, const char *client_id);
void obx_remove(struct outbox *ob, struct ob_entry *e);
void obx_free(struct outbox *ob);
/* The next entry to send at now_ms: the first not done, if it is queued
 * and due (entries go out one at a time, in order).  NULL: none. */
struct ob_entry *obx_next(const struct outbox *ob, int64_t now_ms);
enum ob_verdict obx_verdict(long status);
/* Apply an answer: returns the verdict; a retry schedules next_ms with
 * exponential backoff (1 s doubling to 30 s). */
enum ob_verdict obx_answer(struct ob_entry *e, long status, int64_t now_ms,
    const char *why);
/* Entries not yet acknowledged. */
size_t obx_unsent(const struct outbox *ob);
/* Where entry e stands, in words for its pending line ("sending", "queued,
 * not sent yet (relay unreachable, try 2)" ...), into buf. */
void obx_state_text(const struct ob_entry *e, char *buf, size_t len);
/* The relay's error message from an error body, or a fallback. */
void obx_error_text(char *buf, size_t len, long status, const char *body,
    const char *err);

/* --- in the app ---------------------------------------------------------- */

/* Queue an action for conversation conv: suffix is "/messages", "/notes",
 * "/assign" ...; body is not consumed.  0, or -1 with the reason shown. */
int outbox_add(struct app *app, const char *conv, const char *what,
    const char *suffix, const char *text, const json_t *body);
/* Same with a whole path ("/v1/bulk"); conv "" shows no pending line. */
int outbox_add_path(struct app *app, const char *conv, const char *what,
    const char *path, const char *text, const json_t *body);
/* Queue a file for conv: what "attach" (send it: upload has mime,
 * filename, caption?) or "upload" (only keep it on the relay, for a
 * template's header).  The bytes are sealed in the cache beside the
 * entry before this returns, so a crash sends them once on restart. */
int outbox_add_file(struct app *app, const char *conv, const char *what,
    const char *text, const void *bytes, size_t len, const json_t *upload);
/* Cache replay of an unacknowledged entry. */
void outbox_restore(struct app *app, const char *client_id, const char *json,
    size_t len);
/* Send what is due; returns the ms until something is due (-1 none). */
int outbox_run(struct app *app);
/* The relay became reachable: retry everything now. */
void outbox_online(struct app *app);
/* After sync events: drop done entries whose event has arrived. */
void outbox_after_events(struct app *app);
/* Has the event of the entry client_id reached c (sync)? */
bool outbox_event_arrived(const struct td_conversation *c,
    const char *client_id);
/* Is e an entry of c still waiting to show as one of its events? */
bool outbox_pending_in(const struct td_conversation *c,
    const struct ob_entry *e);
/* "3 done, 1 refused: no team x" from a /v1/bulk answer into buf. */
void outbox_bulk_summary(const char *body, char *buf, size_t len);
size_t outbox_unsent(const struct app *app);
void outbox_free(struct app *app);

#endif
