/*
 * Graph API client on one thread with curl multi.  Outbound messages are
 * claimed from the store by a writer job (so each is in flight once and a
 * crash leaves a trace), sent, and their outcome recorded by another
 * writer job: sent (with the wamid), retried later with backoff and
 * jitter when the Graph API says it is transient, or failed for good.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "ttydesk/buf.h"
#include "ttydesk/clock.h"
#include "ttydesk/freeall.h"
#include "ttydesk/wa.h"

#include "conv.h"
#include "events.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "media_store.h"
#include "mstream.h"
#include "net_hdrs.h"
#include "sender.h"

#define SENDER_CLAIM_MAX 32
#define SENDER_INFLIGHT_MAX 64
#define SENDER_ATTEMPTS_MAX 8
#define SENDER_RESP_MAX (1024 * 1024)

enum task_kind { T_SEND, T_READ, T_MEDIA_META, T_MEDIA_GET, T_TYPING };

struct task {
	enum task_kind kind;
	struct req *q;              /* T_READ, T_MEDIA_*: answered at the end */
	struct relay_outbound out;  /* T_SEND */
	char number[72];            /* whose phone_number_id and token */
	char *url;
	char *post;
	CURL *easy;
	struct curl_slist *hdrs;
	char *buf;
	size_t len, cap, max;
	bool over;
	struct sender *s;
	struct mstream *ms;         /* T_MEDIA_GET once the body streams */
	curl_mime *form;            /* T_SEND of media: the upload first */
	bool uploading;
	struct task *next;
	struct task *snext;         /* sender's list of streaming tasks */
	int64_t t0_ms;              /* started (send latency) */
};

struct sender {
	struct relay *r;
	pthread_t thread;
	CURLM *multi;
	pthread_mutex_t lock;
	struct task *incoming;
	bool kick;
	bool stopping;
	bool claiming;     /* a claim job is at the writer */
	struct task *streams; /* sender thread only */
	int64_t next_due;  /* earliest pending retry, 0 when none */
	int inflight;
	_Atomic int64_t beat_ms; /* the loop's last turn (/readyz) */
	bool joined;       /* sender_stop() waited for the thread */
};

/* Writer job carrying claimed sends or one send's outcome. */
struct send_job {
	struct relay_job job;
	struct sender *s;
	struct relay_outbound out[SENDER_CLAIM_MAX];
	int n;
	/* outcome */
	enum relay_out_state state;
	char *id;
	char *conversation;
	char *wamid;
	int code;
	char title[160];
	char details[256];
	int64_t next_try;
};

/* The request's handle, form and headers: gone once it answered, so
 * the task can make the next one (an upload, then the send). */
static void
task_end_request(struct task *t)
{
	if (t->easy != NULL)
		curl_easy_cleanup(t->easy);
	curl_mime_free(t->form);
	net_hdrs_free(t->hdrs);
	t->easy = NULL;
	t->form = NULL;
	t->hdrs = NULL;
}

static void
task_free(struct task *t)
{
	task_end_request(t);
	relay_outbound_free(&t->out);
	FREE_ALL(t->url, t->post, t->buf);
	free(t);
}

static size_t
task_write(char *data, size_t size, size_t n, void *arg)
{
	struct task *t = arg;
	size_t len = size * n;

	if (t->len + len > t->max) {
		t->over = true;
		return 0; /* aborts the transfer */
	}
	return buf_append(&t->buf, &t->len, &t->cap, data, len) == 0 ? len : 0;
}

static void
sender_wake(void *arg)
{
	struct sender *s = arg;

	curl_multi_wakeup(s->multi);
}

/* The Graph API answered 2xx with media: answer the agent with a stream
 * now and hand it the bytes as they come. */
static int
task_stream_start(struct task *t)
{
	const char *hdr = NULL;
	curl_off_t cl = -1;
	char *ctype;

	curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	if (cl > 0 && (size_t)cl > t->max) {
		t->over = true;
		return -1;
	}
	curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &hdr);
	ctype = strdup(hdr != NULL && *hdr != '\0' ? hdr : t->out.body ?
	    t->out.body : "application/octet-stream");
	if (ctype == NULL ||
	    (t->ms = mstream_new(t->q->conn, t->max, sender_wake, t->s)) == NULL) {
		free(ctype);
		return -1;
	}
	req_reply_stream(t->q, t->ms, cl >= 0 ? (int64_t)cl : -1, ctype);
	req_resume(t->q);
	t->q = NULL; /* the answer is microhttpd's now */
	t->snext = t->s->streams;
	t->s->streams = t;
	return 0;
}

static size_t
task_media_write(char *data, size_t size, size_t n, void *arg)
{
	struct task *t = arg;
	long code = 0;

	if (t->ms == NULL) {
		curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
		if (code < 200 || code >= 300)
			return task_write(data, size, n, t); /* the error body */
		if (task_stream_start(t) != 0)
			return 0;
	}
	return mstream_write(t->ms, data, size * n);
}

static void
sender_unpause_streams(struct sender *s)
{
	struct task *t;

	for (t = s->streams; t != NULL; t = t->snext) {
		if (mstream_take_unpause(t->ms))
			curl_easy_pause(t->easy, CURLPAUSE_CONT);
	}
}

static void
sender_forget_stream(struct sender *s, struct task *t)
{
	struct task **pp;

	for (pp = &s->streams; *pp != NULL; pp = &(*pp)->snext) {
		if (*pp == t) {
			*pp = t->snext;
			break;
		}
	}
}

/* ---- media sends: POST {phone_number_id}/media, then the message ---- */

/* The multipart form of Meta's media upload for the file the send's
 * body names (op_upload_body): messaging_product, type, file. */
static int
sender_upload_form(struct sender *s, struct task *t)
{
	json_t *o = json_loads(t->post, 0, NULL);
	json_t *u = json_object_get(o, "ttydesk_upload");
	const char *file = json_string_value(json_object_get(u, "file"));
	const char *mime = json_string_value(json_object_get(u, "mime"));
	const char *name = json_string_value(json_object_get(u, "filename"));
	curl_mimepart *part;
	char path[4096];
	int rc = -1;

	if (file == NULL || mime == NULL || s->r->media == NULL ||
	    strspn(file, "0123456789abcdef") != 64 || file[64] != '\0' ||
	    media_store_path(s->r->media, file, path, sizeof path) != 0 ||
	    (t->form = curl_mime_init(t->easy)) == NULL)
		goto out;
	part = curl_mime_addpart(t->form);
	curl_mime_name(part, "messaging_product");
	curl_mime_data(part, "whatsapp", CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(t->form);
	curl_mime_name(part, "type");
	curl_mime_data(part, mime, CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(t->form);
	curl_mime_name(part, "file");
	if (curl_mime_filedata(part, path) != CURLE_OK)
		goto out;
	curl_mime_filename(part, name ? name : "file");
	curl_mime_type(part, mime);
	rc = 0;
out:
	json_decref(o);
	return rc;
}

/* Meta's id of the uploaded file where the message wants it: the media
 * object of a media message, or a template's header parameter. */
static int
sender_place_id(json_t *o, const char *kind, const char *id)
{
	json_t *c, *p, *media = json_object_get(o, kind);
	const char *type;
	size_t i;

	if (strcmp(kind, "template") == 0) {
		media = NULL;
		json_array_foreach(json_object_get(json_object_get(o, "template"),
		    "components"), i, c) {
			if (strcmp(json_string_value(json_object_get(c, "type")) ?
			    json_string_value(json_object_get(c, "type")) : "",
			    "header") != 0)
				continue;
			p = json_array_get(json_object_get(c, "parameters"), 0);
			type = json_string_value(json_object_get(p, "type"));
			media = type ? json_object_get(p, type) : NULL;
		}
	}
	if (!json_is_object(media))
		return -1;
	return json_object_set_new(media, "id", json_string(id));
}

static int task_prepare(struct sender *s, struct task *t);
static void sender_record(struct sender *s, struct task *t,
    enum relay_out_state state, char *wamid, const struct wa_error_info *e,
    int64_t next_try);
static int64_t sender_backoff(int attempts, bool rate_limited);

/* The upload answered: on success the send goes on with Meta's media
 * id in the body (0); otherwise the outcome is recorded (-1). */
static int
sender_upload_done(struct sender *s, struct task *t, CURLcode cc, long http)
{
	const struct relay_number *n;
	struct wa_error_info e;
	json_t *o = NULL, *ans = NULL;
	const char *id = NULL, *kind = NULL;
	char tail[512];
	bool retry;

	memset(&e, 0, sizeof e);
	if (cc == CURLE_OK && http >= 200 && http < 300) {
		ans = json_loadb(t->buf ? t->buf : "", t->len, 0, NULL);
		id = json_string_value(json_object_get(ans, "id"));
		o = json_loads(t->post, 0, NULL);
		kind = json_string_value(json_object_get(o, "type"));
	}
	if (id != NULL && kind != NULL && sender_place_id(o, kind, id) == 0) {
		json_object_del(o, "ttydesk_upload");
		free(t->post);
		t->post = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		json_decref(ans);
		task_end_request(t);
		t->len = 0;
		t->uploading = false;
		n = config_find_number(s->r->cfg, t->number);
		snprintf(tail, sizeof tail, "%s/messages", n != NULL ?
		    n->phone_number_id : s->r->cfg->phone_number_id);
		free(t->url);
		t->url = sender_url(s->r->cfg, tail);
		if (t->post != NULL && t->url != NULL && task_prepare(s, t) == 0)
			return 0;
		e.cls = WA_ERR_RETRY;
	} else {
		json_decref(o);
		json_decref(ans);
		if (cc == CURLE_OK && (http < 200 || http >= 300))
			wa_classify_error(http, t->buf, t->len, &e);
		else
			e.cls = WA_ERR_RETRY; /* nothing was sent to anyone yet */
	}
	retry = (e.cls == WA_ERR_RETRY || e.cls == WA_ERR_RATE_LIMITED) &&
	    t->out.attempts < SENDER_ATTEMPTS_MAX;
	if (retry) {
		sender_record(s, t, RELAY_OUT_PENDING, NULL, NULL, relay_now(s->r) +
		    sender_backoff(t->out.attempts, e.cls == WA_ERR_RATE_LIMITED));
	} else {
		if (e.title[0] == '\0')
			snprintf(e.title, sizeof e.title, "media upload failed");
		if (e.details[0] == '\0' && cc != CURLE_OK)
			snprintf(e.details, sizeof e.details, "%s",
			    curl_easy_strerror(cc));
		sender_record(s, t, RELAY_OUT_FAILED, NULL, &e, 0);
	}
	return -1;
}

char *
sender_url(const struct relay_config *cfg, const char *tail)
{
	size_t n = strlen(cfg->graph_url) + strlen(tail) + 2;
	char *u = malloc(n);

	if (u != NULL)
		snprintf(u, n, "%s/%s", cfg->graph_url, tail);
	return u;
}

struct curl_slist *
sender_auth_header(struct curl_slist *hdrs, const struct relay_config *cfg,
    const char *number)
{
	char auth[CONFIG_SECRET_HDR];

	snprintf(auth, sizeof auth, "Authorization: Bearer %s",
	    config_number_token(cfg, number));
	hdrs = curl_slist_append(hdrs, auth);
	sodium_memzero(auth, sizeof auth);
	return hdrs;
}

static int
task_prepare(struct sender *s, struct task *t)
{
	const struct relay_config *cfg = s->r->cfg;

	if ((t->easy = curl_easy_init()) == NULL)
		return -1;
	t->hdrs = sender_auth_header(t->hdrs, cfg, t->number);
	if (t->post != NULL && !t->uploading)
		t->hdrs = curl_slist_append(t->hdrs,
		    "Content-Type: application/json");
	if (t->uploading && sender_upload_form(s, t) != 0)
		return -1;
	t->max = t->kind == T_MEDIA_GET ? cfg->media_max : SENDER_RESP_MAX;
	curl_easy_setopt(t->easy, CURLOPT_URL, t->url);
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->hdrs);
	t->s = s;
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, t->kind == T_MEDIA_GET ?
	    task_media_write : task_write);
	curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT, 10L);
	if (t->kind == T_MEDIA_GET) {
		/* Big files take long; only a stalled transfer is cut. */
		curl_easy_setopt(t->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(t->easy, CURLOPT_LOW_SPEED_TIME, 120L);
	} else {
		curl_easy_setopt(t->easy, CURLOPT_TIMEOUT, cfg->send_timeout);
	}
	curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(t->easy, CURLOPT_USERAGENT, "ttydesk-relay/"
	    TTYDESK_VERSION);
	if (t->uploading)
		curl_easy_setopt(t->easy, CURLOPT_MIMEPOST, t->form);
	else if (t->post != NULL)
		curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->post);
	if (curl_multi_add_handle(s->multi, t->easy) != CURLM_OK)
		return -1;
	t->t0_ms = http_now_ms();
	s->inflight++;
	return 0;
}

static void
sender_push(struct sender *s, struct task *t)
{
	pthread_mutex_lock(&s->lock);
	t->next = s->incoming;
	s->incoming = t;
	pthread_mutex_unlock(&s->lock);
	curl_multi_wakeup(s->multi);
}

/* Sets one of the flags the sender thread reads, and wakes it. */
static void
sender_poke(struct sender *s, bool *flag)
{
	pthread_mutex_lock(&s->lock);
	*flag = true;
	pthread_mutex_unlock(&s->lock);
	curl_multi_wakeup(s->multi);
}

void
sender_kick(struct sender *s)
{
	if (s != NULL)
		sender_poke(s, &s->kick);
}

/* ---- claiming and recording, in the writer thread ---- */

static void sender_fail_unknown(struct relay *, struct relay_job *, char **,
    size_t);

static void
claim_run(struct relay *r, struct relay_job *j)
{
	struct send_job *sj = (struct send_job *)j;
	char **ids;
	size_t n;
	int i;

	/* Several relays (PostgreSQL): claims of one that died. */
	if (relay_store_outbound_abandoned(r->writer, relay_now(r), &ids,
	    &n) != 0) {
		j->failed = 1;
		return;
	}
	if (n > 0)
		sender_fail_unknown(r, j, ids, n);
	if (j->failed)
		return;
	if (relay_store_outbound_claim(r->writer, relay_now(r), sj->out,
	    SENDER_CLAIM_MAX, &sj->n) != 0)
		j->failed = 1;
	for (i = 0; !j->failed && i < sj->n; i++) {
		/* Derived here, not queued: a send queued by another relay or
		 * before a restart goes from its conversation's number too. */
		const struct relay_number *num = NULL;

		if (relay_conversation_number_of(r, r->writer,
		    sj->out[i].conversation, &num) < 0 || (num != NULL &&
		    (sj->out[i].number = strdup(num->id)) == NULL))
			j->failed = 1;
	}
	sj->next_try = relay_store_outbound_next(r->writer);
}

static void
claim_done(struct relay *r, struct relay_job *j)
{
	struct send_job *sj = (struct send_job *)j;
	struct sender *s = sj->s;
	struct task *t;
	int i;

	for (i = 0; i < sj->n; i++) {
		if (j->failed || (t = calloc(1, sizeof *t)) == NULL) {
			relay_outbound_free(&sj->out[i]);
			continue;
		}
		t->kind = T_SEND;
		t->out = sj->out[i];
		sender_push(s, t);
	}
	pthread_mutex_lock(&s->lock);
	s->claiming = false;
	s->next_due = j->failed ? relay_now(r) + 1 : sj->next_try;
	if (sj->n == SENDER_CLAIM_MAX)
		s->kick = true; /* there may be more */
	pthread_mutex_unlock(&s->lock);
	curl_multi_wakeup(s->multi);
	free(sj);
}

static void
result_run(struct relay *r, struct relay_job *j)
{
	struct send_job *sj = (struct send_job *)j;
	int64_t now = relay_now(r);
	json_t *extra;
	int rc;

	atomic_fetch_add(&r->sends_recorded, 1);
	if (relay_store_outbound_set(r->writer, sj->id, sj->state, sj->next_try,
	    sj->wamid) != 0)
		goto fail;
	if (sj->state == RELAY_OUT_PENDING) {
		if (relay_release_statuses(r, sj->conversation, NULL, NULL) != 0)
			goto fail;
		return;
	}
	if (sj->wamid != NULL &&
	    relay_store_msg_set_wamid(r->writer, sj->id, sj->wamid) != 0)
		goto fail;
	if (sj->state == RELAY_OUT_SENT) {
		extra = sj->wamid ? json_pack("{s:s}", "wamid", sj->wamid) : NULL;
		rc = relay_emit_status(r, sj->conversation, sj->id, TD_MS_SENT,
		    extra, now);
		json_decref(extra);
	} else {
		extra = json_pack("{s:{s:i, s:s}}", "error", "code", sj->code,
		    "title", sj->title);
		if (sj->details[0] != '\0')
			json_object_set_new(json_object_get(extra, "error"),
			    "details", json_string(sj->details));
		rc = relay_emit_status(r, sj->conversation, sj->id, TD_MS_FAILED,
		    extra, now);
		json_decref(extra);
	}
	/* Meta may report delivered/read before its send answer reached
	 * us: those were held, now they name this message. */
	if (rc == 0)
		rc = relay_release_statuses(r, sj->conversation, sj->id,
		    sj->wamid);
	if (rc == 0)
		return;
fail:
	j->failed = 1;
}

static void
result_done(struct relay *r, struct relay_job *j)
{
	struct send_job *sj = (struct send_job *)j;

	if (j->failed)
		log_msg(LOG_ERR, "event=send_unrecorded id=%s", sj->id);
	sync_release_held(r, true);
	sender_kick(sj->s);
	FREE_ALL(sj->id, sj->conversation, sj->wamid);
	free(sj);
}

static void
sender_record(struct sender *s, struct task *t, enum relay_out_state state,
    char *wamid, const struct wa_error_info *e, int64_t next_try)
{
	struct send_job *sj = calloc(1, sizeof *sj);

	if (sj == NULL) {
		free(wamid);
		return;
	}
	sj->job.run = result_run;
	sj->job.done = result_done;
	sj->s = s;
	sj->state = state;
	sj->id = strdup(t->out.id);
	sj->conversation = strdup(t->out.conversation);
	sj->wamid = wamid;
	sj->next_try = next_try;
	if (e != NULL) {
		sj->code = e->code;
		snprintf(sj->title, sizeof sj->title, "%s", e->title);
		snprintf(sj->details, sizeof sj->details, "%s", e->details);
	}
	relay_submit(s->r, &sj->job);
}

/* 2 s, 4 s, 8 s ... up to 5 min (rate limits start at 15 s), +-50 %. */
static int64_t
sender_backoff(int attempts, bool rate_limited)
{
	double d = (double)clock_backoff(rate_limited ? 15 : 2, attempts - 1,
	    300);

	d *= 0.5 + (double)randombytes_uniform(1000) / 1000.0;
	return (int64_t)d + 1;
}

/* Every failed attempt, with the Graph error code and title (an expired
 * token is code 190).  Not the details: Graph may quote the request in
 * them.  Never the message text, never the token. */
static void
sender_log_failure(const struct task *t, CURLcode cc, long http,
    const struct wa_error_info *e, const char *outcome)
{
	char title[3 * sizeof e->title];

	log_msg(LOG_WARNING, "event=send_failed id=%s conversation=%s "
	    "attempt=%d outcome=%s http=%ld code=%d title=\"%s\"%s%s%s",
	    t->out.id, t->out.conversation, t->out.attempts, outcome, http,
	    e->code, log_quote(title, sizeof title, e->title),
	    cc != CURLE_OK ? " curl=\"" : "",
	    cc != CURLE_OK ? curl_easy_strerror(cc) : "",
	    cc != CURLE_OK ? "\"" : "");
}

static void
sender_send_done(struct sender *s, struct task *t, CURLcode cc, long http)
{
	struct wa_error_info e;
	curl_off_t sent = 0;
	int64_t now = relay_now(s->r);
	char *wamid;
	bool retry = false, rate = false;
	double secs = (double)(http_now_ms() - t->t0_ms) / 1e3;

	memset(&e, 0, sizeof e);
	if (cc != CURLE_OK) {
		curl_easy_getinfo(t->easy, CURLINFO_REQUEST_SIZE, &sent);
		if (sent <= 0) {
			retry = true; /* never reached the Graph API */
		} else {
			/* It may have been delivered: resending could send it
			 * twice, so say so instead. */
			e.cls = WA_ERR_PERMANENT;
			snprintf(e.title, sizeof e.title, "delivery unknown");
			snprintf(e.details, sizeof e.details, "%s",
			    curl_easy_strerror(cc));
		}
	} else if (http >= 200 && http < 300) {
		metrics_send(METRICS_SEND_SENT, 0, secs);
		wamid = wa_parse_send_response(t->buf ? t->buf : "", t->len);
		sender_record(s, t, RELAY_OUT_SENT, wamid, NULL, 0);
		return;
	} else {
		wa_classify_error(http, t->buf, t->len, &e);
		rate = e.cls == WA_ERR_RATE_LIMITED;
		retry = e.cls == WA_ERR_RETRY || rate;
		if (e.title[0] == '\0')
			snprintf(e.title, sizeof e.title, "HTTP %ld", http);
	}
	if (retry && t->out.attempts < SENDER_ATTEMPTS_MAX) {
		metrics_send(METRICS_SEND_RETRY, e.code, secs);
		sender_log_failure(t, cc, http, &e, "retry");
		sender_record(s, t, RELAY_OUT_PENDING, NULL, NULL,
		    now + sender_backoff(t->out.attempts, rate));
		return;
	}
	if (retry) {
		e.code = e.code ? e.code : 0;
		snprintf(e.details, sizeof e.details, "gave up after %d attempts",
		    t->out.attempts);
		if (e.title[0] == '\0')
			snprintf(e.title, sizeof e.title, "%s",
			    curl_easy_strerror(cc));
	}
	metrics_send(METRICS_SEND_FAILED, e.code, secs);
	sender_log_failure(t, cc, http, &e, "failed");
	sender_record(s, t, RELAY_OUT_FAILED, NULL, &e, 0);
}

/* ---- read receipts and media, answering a suspended request ---- */

static void
sender_answer_error(struct task *t, CURLcode cc, long http)
{
	struct wa_error_info e;

	if (t->over) {
		req_error(t->q, 502, "too_large", "media over the limit of %zu "
		    "bytes", t->max);
		return;
	}
	if (cc != CURLE_OK) {
		req_error(t->q, 502, "graph_unreachable", "%s",
		    curl_easy_strerror(cc));
		return;
	}
	wa_classify_error(http, t->buf, t->len, &e);
	req_error(t->q, http == 404 ? 404 : 502, "graph_error", "Graph API "
	    "answered %ld%s%s", http, e.title[0] ? ": " : "", e.title);
}

static void
sender_media_meta_done(struct sender *s, struct task *t)
{
	json_t *o = json_loadb(t->buf ? t->buf : "", t->len, 0, NULL);
	const char *url = json_string_value(json_object_get(o, "url"));
	const char *mime = json_string_value(json_object_get(o, "mime_type"));
	struct task *n;
	char why[160];

	if (url != NULL && !media_url_allowed(&s->r->cfg->media, url, why,
	    sizeof why)) {
		json_decref(o);
		req_error(t->q, 502, "media_host_refused", "media URL refused: %s",
		    why);
		req_resume(t->q);
		return;
	}
	if (url == NULL || (strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0) ||
	    (n = calloc(1, sizeof *n)) == NULL) {
		json_decref(o);
		req_error(t->q, 502, "graph_error", "no media URL from the Graph "
		    "API");
		req_resume(t->q);
		return;
	}
	n->kind = T_MEDIA_GET;
	memcpy(n->number, t->number, sizeof n->number);
	n->q = t->q;
	n->url = strdup(url);
	n->out.body = mime ? strdup(mime) : NULL; /* expected type */
	t->q = NULL;
	json_decref(o);
	if (n->url == NULL || task_prepare(s, n) != 0) {
		req_error(n->q, 500, "internal", "cannot fetch media");
		req_resume(n->q);
		task_free(n);
	}
}

static void
sender_media_done(struct task *t)
{
	char *ctype = NULL, *bytes = t->buf;
	const char *hdr = NULL;

	curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &hdr);
	if (hdr != NULL && *hdr != '\0')
		ctype = strdup(hdr);
	else if (t->out.body != NULL)
		ctype = strdup(t->out.body);
	else
		ctype = strdup("application/octet-stream");
	if (bytes == NULL)
		bytes = calloc(1, 1);
	t->buf = NULL;
	req_reply_bytes(t->q, 200, ctype, bytes, t->len);
}

static void
sender_finished(struct sender *s, struct task *t, CURLcode cc)
{
	long http = 0;

	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &http);
	s->inflight--;
	if (t->uploading) {
		curl_multi_remove_handle(s->multi, t->easy);
		if (sender_upload_done(s, t, cc, http) != 0)
			task_free(t);
		return;
	}
	switch (t->kind) {
	case T_SEND:
		sender_send_done(s, t, cc, http);
		break;
	case T_READ:
		if (cc == CURLE_OK && http >= 200 && http < 300)
			req_reply(t->q, 200, json_pack("{s:b}", "ok", 1));
		else
			sender_answer_error(t, cc, http);
		req_resume(t->q);
		break;
	case T_MEDIA_META:
		if (cc == CURLE_OK && http >= 200 && http < 300) {
			sender_media_meta_done(s, t);
		} else {
			sender_answer_error(t, cc, http);
			req_resume(t->q);
		}
		break;
	case T_TYPING:
		/* Nobody waits for it: a failure is only worth a line. */
		if (cc != CURLE_OK || http < 200 || http >= 300)
			relay_log("typing indicator: Graph API answered %ld%s%s",
			    http, cc != CURLE_OK ? ": " : "", cc != CURLE_OK ?
			    curl_easy_strerror(cc) : "");
		break;
	case T_MEDIA_GET:
		if (t->ms != NULL) {
			/* Streaming: the agent already has the 200; a failure
			 * now cuts the answer short. */
			mstream_finish(t->ms, cc == CURLE_OK);
			sender_forget_stream(s, t);
			mstream_unref(t->ms);
			t->ms = NULL;
			break;
		}
		if (cc == CURLE_OK && http >= 200 && http < 300)
			sender_media_done(t);
		else
			sender_answer_error(t, cc, http);
		req_resume(t->q);
		break;
	}
	curl_multi_remove_handle(s->multi, t->easy);
	task_free(t);
}

static void
sender_start_task(struct sender *s, struct task *t)
{
	const struct relay_config *cfg = s->r->cfg;
	char tail[512];

	if (t->kind == T_SEND) {
		const struct relay_number *n = config_find_number(cfg,
		    t->out.number);

		if (n == NULL) {
			struct wa_error_info e = { WA_ERR_PERMANENT, 0,
			    "number not configured", "" };

			/* Its [number] section was removed: nothing to send
			 * from. */
			sender_record(s, t, RELAY_OUT_FAILED, NULL, &e, 0);
			task_free(t);
			return;
		}
		snprintf(t->number, sizeof t->number, "%s", n->id);
		t->post = t->out.body;
		t->out.body = NULL;
		/* A media message: its file goes up first (op_upload_body). */
		t->uploading = t->post != NULL &&
		    strstr(t->post, "\"ttydesk_upload\"") != NULL;
		snprintf(tail, sizeof tail, "%s/%s", n->phone_number_id,
		    t->uploading ? "media" : "messages");
	}
	if (t->url == NULL && t->kind == T_SEND)
		t->url = sender_url(cfg, tail);
	if (t->url != NULL && task_prepare(s, t) == 0)
		return;
	if (t->kind == T_TYPING) {
		task_free(t);
	} else if (t->q != NULL) {
		req_error(t->q, 500, "internal", "cannot start the Graph request");
		req_resume(t->q);
		task_free(t);
	} else {
		struct wa_error_info e = { WA_ERR_RETRY, 0, "internal error", "" };

		/* Retry later rather than lose it. */
		sender_record(s, t, RELAY_OUT_PENDING, NULL, &e,
		    relay_now(s->r) + 5);
		task_free(t);
	}
}

static void
sender_maybe_claim(struct sender *s)
{
	struct send_job *sj;
	int64_t now = relay_now(s->r);
	bool go;

	pthread_mutex_lock(&s->lock);
	go = !s->claiming && !s->stopping && s->inflight < SENDER_INFLIGHT_MAX &&
	    (s->kick || (s->next_due != 0 && s->next_due <= now));
	if (go) {
		s->claiming = true;
		s->kick = false;
	}
	pthread_mutex_unlock(&s->lock);
	if (!go || (sj = calloc(1, sizeof *sj)) == NULL) {
		if (go) {
			pthread_mutex_lock(&s->lock);
			s->claiming = false;
			pthread_mutex_unlock(&s->lock);
		}
		return;
	}
	sj->s = s;
	sj->job.run = claim_run;
	sj->job.done = claim_done;
	relay_submit(s->r, &sj->job);
}

static void *
sender_main(void *arg)
{
	struct sender *s = arg;
	struct task *t, *next;
	CURLMsg *msg;
	int running, left;
	bool stop;

	pthread_setname_np(pthread_self(), "relay-sender");
	for (;;) {
		atomic_store(&s->beat_ms, http_now_ms());
		pthread_mutex_lock(&s->lock);
		t = s->incoming;
		s->incoming = NULL;
		stop = s->stopping;
		pthread_mutex_unlock(&s->lock);
		for (; t != NULL; t = next) {
			next = t->next;
			if (stop && t->kind == T_SEND) {
				/* Claimed but never sent: back in the queue. */
				sender_record(s, t, RELAY_OUT_PENDING, NULL, NULL,
				    relay_now(s->r));
				task_free(t);
				continue;
			}
			sender_start_task(s, t);
		}
		pthread_mutex_lock(&s->lock);
		stop = stop && !s->claiming && s->incoming == NULL;
		pthread_mutex_unlock(&s->lock);
		if (stop && s->inflight == 0)
			break;
		sender_maybe_claim(s);
		sender_unpause_streams(s);
		curl_multi_perform(s->multi, &running);
		while ((msg = curl_multi_info_read(s->multi, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
			sender_finished(s, t, msg->data.result);
		}
		curl_multi_poll(s->multi, NULL, 0, 500, NULL);
	}
	return NULL;
}

int
sender_start(struct relay *r, char *err, size_t errlen)
{
	struct sender *s = calloc(1, sizeof *s);

	if (s == NULL || (s->multi = curl_multi_init()) == NULL) {
		free(s);
		snprintf(err, errlen, "cannot start the Graph client");
		return -1;
	}
	s->r = r;
	s->kick = true; /* pending sends from before a restart */
	pthread_mutex_init(&s->lock, NULL);
	if (pthread_create(&s->thread, NULL, sender_main, s) != 0) {
		curl_multi_cleanup(s->multi);
		free(s);
		snprintf(err, errlen, "cannot start the sender thread");
		return -1;
	}
	r->sender = s;
	return 0;
}

void
sender_stop(struct relay *r)
{
	struct sender *s = r->sender;

	if (s == NULL || s->joined)
		return;
	sender_poke(s, &s->stopping);
	pthread_join(s->thread, NULL);
	s->joined = true;
}

void
sender_free(struct relay *r)
{
	struct sender *s = r->sender;
	struct task *t, *next;

	if (s == NULL)
		return;
	for (t = s->incoming; t != NULL; t = next) {
		next = t->next;
		task_free(t);
	}
	curl_multi_cleanup(s->multi);
	pthread_mutex_destroy(&s->lock);
	free(s);
	r->sender = NULL;
}

static void
sender_request(struct relay *r, struct req *q, const struct relay_number *n,
    enum task_kind kind, char *url, char *post)
{
	struct task *t = calloc(1, sizeof *t);

	if (t == NULL || url == NULL || r->sender == NULL) {
		free(t);
		free(url);
		free(post);
		req_error(q, 503, "unavailable", "the Graph client is not "
		    "running");
		return;
	}
	t->kind = kind;
	snprintf(t->number, sizeof t->number, "%s", n->id);
	t->q = q;
	t->url = url;
	t->post = post;
	req_suspend(q);
	sender_push(r->sender, t);
}

void
sender_mark_read(struct relay *r, struct req *q, const struct relay_number *n,
    const char *wamid)
{
	char tail[512];

	snprintf(tail, sizeof tail, "%s/messages", n->phone_number_id);
	sender_request(r, q, n, T_READ, sender_url(r->cfg, tail),
	    wa_build_mark_read(wamid));
}

void
sender_typing(struct relay *r, const struct relay_number *n,
    const char *wamid)
{
	struct task *t;
	char tail[512];

	if (r->sender == NULL || (t = calloc(1, sizeof *t)) == NULL)
		return;
	snprintf(tail, sizeof tail, "%s/messages", n->phone_number_id);
	snprintf(t->number, sizeof t->number, "%s", n->id);
	t->kind = T_TYPING;
	t->url = sender_url(r->cfg, tail);
	t->post = wa_build_typing(wamid);
	if (t->url == NULL || t->post == NULL) {
		task_free(t);
		return;
	}
	sender_push(r->sender, t);
}

void
sender_media(struct relay *r, struct req *q, const struct relay_number *n,
    const char *media_id)
{
	sender_request(r, q, n, T_MEDIA_META, sender_url(r->cfg, media_id),
	    NULL);
}

/* ---- recovery at start ---- */

struct recover_job {
	struct relay_job job;
};

/* Ends sends whose relay stopped mid-send; frees ids. */
static void
sender_fail_unknown(struct relay *r, struct relay_job *j, char **ids,
    size_t n)
{
	size_t i;

	for (i = 0; i < n && !j->failed; i++) {
		struct relay_msgkey k;
		json_t *ev;
		int rc;

		if (relay_store_msg_by_id(r->writer, ids[i], &k) <= 0 ||
		    relay_store_outbound_set(r->writer, ids[i], RELAY_OUT_FAILED,
		    0, NULL) != 0 ||
		    (rc = relay_store_status_once(r->writer, ids[i], "failed")) < 0) {
			relay_msgkey_free(&k);
			j->failed = 1;
			break;
		}
		if (rc > 0) {
			ev = ev_new(relay_now(r), "status", k.conversation);
			json_object_set_new(ev, "status", json_pack("{s:s, s:s, "
			    "s:{s:i, s:s, s:s}}", "message", ids[i], "status",
			    "failed", "error", "code", 0, "title",
			    "delivery unknown", "details", "the relay stopped "
			    "while this message was being sent"));
			if (relay_append(r, ev) != 0)
				j->failed = 1;
			json_decref(ev);
		}
		relay_msgkey_free(&k);
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	if (!j->failed && relay_release_statuses(r, NULL, NULL, NULL) != 0)
		j->failed = 1;
}

static void
recover_run(struct relay *r, struct relay_job *j)
{
	char **ids = NULL;
	size_t n = 0;

	if (relay_store_outbound_inflight(r->writer, &ids, &n) != 0) {
		j->failed = 1;
		return;
	}
	sender_fail_unknown(r, j, ids, n);
}

int
sender_recover(struct relay *r, char *err, size_t errlen)
{
	struct recover_job j;

	memset(&j, 0, sizeof j);
	j.job.run = recover_run;
	/* Past the send timeout, a claim is its relay's no longer. */
	relay_store_set_lease(r->writer, (int)r->cfg->send_timeout + 10);
	if (relay_run_now(r, &j.job) != 0) {
		snprintf(err, errlen, "cannot recover the outbound queue: %s",
		    relay_store_error(r->writer));
		return -1;
	}
	return 0;
}

bool
sender_alive(struct relay *r)
{
	struct sender *s = r->sender;
	bool stopping;

	if (s == NULL)
		return false;
	pthread_mutex_lock(&s->lock);
	stopping = s->stopping;
	pthread_mutex_unlock(&s->lock);
	/* The loop turns at least every 500 ms (curl_multi_poll). */
	return !stopping && http_now_ms() - atomic_load(&s->beat_ms) < 5000;
}
