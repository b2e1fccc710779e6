/*
 * The HTTP side of the relay on GNU libmicrohttpd: one struct req per
 * request, the route table (routes.c), and the helpers handlers use to
 * answer now, hand the work to the writer thread, or wait.
 *
 * A handler runs on microhttpd's thread once the whole body is in; it
 * either answers (req_reply*) or suspends the connection (req_to_writer,
 * sync waiting, sender tasks); whoever finishes the work calls
 * req_resume() with the answer set.
 *
 * Ownership: the req owns its body, parsed JSON, path segments and
 * answer; http.c frees it when microhttpd reports the request complete.
 */
#ifndef RELAY_HTTP_H
#define RELAY_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "ttydesk/wa.h"

#include "connguard.h"
#include "relay.h"

#define REQ_MAX_SEG 8

enum req_phase { REQ_BODY = 0, REQ_SUSPENDED, REQ_ANSWERED };

struct req;
struct mstream;
typedef void (*req_fn)(struct req *);

struct req {
	struct relay_job job; /* first: writer jobs are reqs */
	struct relay *r;
	struct MHD_Connection *conn;
	const struct route *route;
	const char *method;
	char *path;          /* as received, without the query */
	char *seg[REQ_MAX_SEG]; /* percent-decoded path segments */
	int nseg;
	char *body;
	size_t len, cap;
	bool too_big;
	size_t discarded; /* chunked body bytes dropped after too_big */
	size_t expect;    /* Content-Length + 1, 0 when not given */
	struct body_charge charge; /* of the body budget (connguard.h) */
	const struct relay_agent *agent;
	enum req_phase phase;
	bool suspended;      /* microhttpd's thread only */
	bool queued;         /* an answer was handed to microhttpd */
	int64_t t0_ns;  /* clock_ns() at the request's start */

	unsigned status;
	char *answer;        /* malloc'd */
	size_t answer_len;
	const char *ctype;
	char *ctype_owned;   /* when the type came from upstream */
	int64_t retry_after; /* seconds, for a 429 */

	json_t *in;          /* parsed request body (agent routes) */
	struct wa_webhook wh;
	bool has_wh;
	req_fn writer_fn;    /* runs in the writer thread */

	/* long-poll */
	int64_t after;
	int64_t head;        /* the log's head when after is past it, or -1 */
	int limit;
	int64_t deadline_ms;
	struct req *wnext, *wprev;
	bool waiting;

	void *task; /* sender task, owned by the sender until it answers */
	struct mstream *stream; /* media answer streamed from the Graph API */
	int64_t stream_len;     /* -1 when unknown */
	int file_fd;            /* answer from a file when file_set */
	bool file_set;
	uint64_t file_len;
	char *hook;       /* escalation payload to run after commit */
	char **more_hooks; /* more of them (bulk), n_more_hooks */
	size_t n_more_hooks;
	bool kick_sender; /* a send was queued: wake the sender after commit */
	bool hold;        /* webhook: answer once the pending send is recorded
			   * (or after at most a second) */
	unsigned hold_mark;
};

struct route {
	const char *method;
	const char *pattern; /* "/v1/conversations/{}/messages": {} is one segment */
	bool agent;          /* needs a bearer token */
	req_fn handler;
};

extern const struct route relay_routes[];

/* 1 when the conversation exists; otherwise answers 404 (or 500) and
 * returns 0. */
int route_conv_exists(struct req *q, const char *conv);
/* The same, also giving the conversation's number (routes.c). */
struct relay_number;
int route_conv_number(struct req *q, const char *conv,
    const struct relay_number **n);
/* Writer side of a conversation route (q->in parsed): the first answer
 * to a client_id again, or run fn and keep its answer. */
struct op_result;
struct relay_agent;
void route_run_op(struct req *q, const char *route,
    void (*fn)(struct relay *, const struct relay_agent *, const char *,
    json_t *, struct op_result *));

/* Answers (on any thread before req_resume()). */
void req_reply(struct req *q, unsigned status, json_t *body); /* steals body */
void req_reply_text(struct req *q, unsigned status, const char *ctype,
    const char *text, size_t len);
void req_reply_raw(struct req *q, unsigned status, char *json, size_t len);
/* Takes ownership of bytes and ctype (both malloc'd). */
void req_reply_bytes(struct req *q, unsigned status, char *ctype, char *bytes,
    size_t len);
/* A streamed 200 answer (takes one reference of ms and ctype). */
void req_reply_stream(struct req *q, struct mstream *ms, int64_t len,
    char *ctype);
/* A 200 answer with the bytes of an open file (takes fd and ctype). */
void req_reply_file(struct req *q, int fd, uint64_t len, char *ctype);
void req_error(struct req *q, unsigned status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Suspend now, run fn in the writer thread, answer when committed. */
void req_to_writer(struct req *q, req_fn fn);
void req_suspend(struct req *q);
/* An escalation hook payload to run once the job committed (takes it;
 * NULL is ignored). */
void req_add_hook(struct req *q, char *payload);
void req_resume(struct req *q);
/* Query argument, percent-decoded into buf; NULL when absent. */
const char *req_arg(struct req *q, const char *key, char *buf, size_t len);
/* Query argument key as an integer in [lo, hi] (def when absent) into
 * *out; answers 400 and returns -1 when it is something else. */
int req_int_arg(struct req *q, const char *key, long long lo, long long hi,
    long long def, long long *out);
const char *req_header(struct req *q, const char *key);

int http_start(struct relay *r, char *err, size_t errlen);
/* Stop accepting, answer waiting long-polls, let in-flight requests end
 * (up to timeout_ms), then stop the daemon. */
void http_stop(struct relay *r, int timeout_ms);
int64_t http_now_ms(void);

/* sync.c */
void sync_handle(struct req *q);
void sync_forget(struct req *q);
/* Puts an answered webhook on the held list (writer thread, after commit). */
void sync_hold(struct req *q);
void sync_cache_free(void);

/* window.c: GET /v1/snapshot, /v1/conversations,
 * /v1/conversations/{id}/messages */
void window_snapshot(struct req *q);
void window_conversations(struct req *q);
void window_history(struct req *q);

/* routes_wa.c: GET /v1/templates, GET /v1/conversations/{id}/media/{id},
 * POST /v1/conversations/{id}/typing and /v1/conversations/{id}/media */
void route_templates(struct req *q);
void route_media(struct req *q);
void route_typing(struct req *q);
void route_media_upload(struct req *q);

#endif
