/*
 * Agent routes of templates and media (spec/relay-api.md, "Templates,
 * interactive messages, media"): GET /v1/templates and the media of a
 * conversation, served from the relay's media store.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetcher.h"
#include "ttydesk/wa_check.h"
#include "ttydesk/wa_media.h"

#include "http.h"
#include "media_store.h"
#include "ops.h"
#include "sender.h"
#include "template.h"

/* Messages looked at to find a media id the store has no entry for
 * (stored before the relay kept media, or by another relay). */
#define ROUTE_MEDIA_SCAN 5000

void
route_templates(struct req *q)
{
	if (q->r->templates == NULL) {
		req_reply(q, 200, json_pack("{s:[]}", "templates"));
		return;
	}
	req_reply(q, 200, templates_list(q->r));
}

/* Graph media ids are digits; refuse anything that could change the
 * Graph URL's path. */
static bool
route_media_id_ok(const char *id)
{
	const char *p;

	if (*id == '\0' || *id == '.')
		return false;
	for (p = id; *p != '\0'; p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || *p == '_' || *p == '-' ||
		    *p == '.'))
			return false;
	}
	return true;
}

/* A message of conv carries media id: its mime type (malloc'd, maybe
 * "") when so, NULL when not. */
static char *
route_media_owned(struct req *q, const char *conv, const char *id)
{
	json_t *msgs, *ev, *media;
	const char *mime;
	char *found = NULL;
	size_t i;

	pthread_mutex_lock(&q->r->reader_lock);
	msgs = relay_store_conversation_messages(q->r->reader, conv,
	    ROUTE_MEDIA_SCAN);
	pthread_mutex_unlock(&q->r->reader_lock);
	json_array_foreach(msgs, i, ev) {
		media = json_object_get(json_object_get(ev, "message"), "media");
		if (json_is_string(json_object_get(media, "id")) &&
		    strcmp(json_string_value(json_object_get(media, "id")),
		    id) == 0) {
			mime = json_string_value(json_object_get(media,
			    "mime_type"));
			found = strdup(mime ? mime : "");
			break;
		}
	}
	json_decref(msgs);
	return found;
}

/* Serves a stored file; -1 when it is gone from the folder. */
static int
route_media_file(struct req *q, const struct media_entry *e)
{
	char path[4096], *ctype;
	struct stat st;
	int fd;

	if (e->file == NULL || media_store_path(q->r->media, e->file, path,
	    sizeof path) != 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) != 0 || (ctype = strdup(e->mime && *e->mime ?
	    e->mime : "application/octet-stream")) == NULL) {
		close(fd);
		return -1;
	}
	req_reply_file(q, fd, (uint64_t)st.st_size, ctype);
	return 0;
}

void
route_media(struct req *q)
{
	const char *conv = q->seg[2], *id = q->seg[4];
	const struct relay_number *n;
	struct media_entry e;
	char *mime;
	int rc = 0;

	if (!route_media_id_ok(id)) {
		req_error(q, 400, "bad_request", "bad media id");
		return;
	}
	if (!route_conv_number(q, conv, &n))
		return;
	memset(&e, 0, sizeof e);
	if (q->r->media != NULL &&
	    (rc = media_store_find(q->r->media, id, conv, &e)) < 0) {
		req_error(q, 500, "store_error", "cannot read the media store");
		return;
	}
	if (rc > 0 && e.state == MEDIA_STORED && route_media_file(q, &e) == 0)
		goto out;
	if (rc > 0 && e.state == MEDIA_EXPIRED) {
		req_error(q, 410, "media_expired", "media %s is past the relay's "
		    "retention and was deleted", id);
		goto out;
	}
	if (rc == 0) {
		/* The store never heard of it: only a message of this
		 * conversation lets the business token fetch it. */
		if ((mime = route_media_owned(q, conv, id)) == NULL) {
			req_error(q, 404, "not_found", "no message of this "
			    "conversation carries media %s", id);
			goto out;
		}
		if (q->r->media != NULL &&
		    media_store_expect(q->r->media, id, conv, *mime ? mime : NULL,
		    NULL, relay_now(q->r), relay_now(q->r)) == 0)
			fetcher_kick(q->r);
		free(mime);
	}
	/* Not downloaded yet (or its file is gone): fetch it now. */
	sender_media(q->r, q, n, id);
out:
	media_entry_free(&e);
}

/* ---- typing indicator ---- */

#define TYPING_EVERY 20    /* seconds, per conversation */
#define TYPING_SLOTS 1024  /* conversations remembered */

struct typing_slot {
	const struct relay *r;
	char conv[64];
	int64_t at;
};

static struct typing_slot typing_slots[TYPING_SLOTS];
static pthread_mutex_t typing_lock = PTHREAD_MUTEX_INITIALIZER;

/* true when conv may show the indicator now (and records it): at most
 * once per TYPING_EVERY seconds.  The oldest slot makes room. */
static bool
typing_pass(const struct relay *r, const char *conv, int64_t now)
{
	struct typing_slot *s, *oldest = &typing_slots[0];
	bool pass = true;
	size_t i;

	pthread_mutex_lock(&typing_lock);
	for (i = 0; i < TYPING_SLOTS; i++) {
		s = &typing_slots[i];
		if (s->r == r && strcmp(s->conv, conv) == 0) {
			pass = now - s->at >= TYPING_EVERY;
			oldest = s;
			break;
		}
		if (s->at < oldest->at)
			oldest = s;
	}
	if (pass) {
		oldest->r = r;
		snprintf(oldest->conv, sizeof oldest->conv, "%s", conv);
		oldest->at = now;
	}
	pthread_mutex_unlock(&typing_lock);
	return pass;
}

/* The wamid of the customer's last message in conv (malloc'd) or NULL. */
static char *
typing_last_inbound(struct req *q, const char *conv)
{
	struct relay_msgkey k;
	json_t *msgs, *m;
	char *wamid = NULL;
	size_t i;

	pthread_mutex_lock(&q->r->reader_lock);
	msgs = relay_store_conversation_messages(q->r->reader, conv, 200);
	for (i = json_array_size(msgs); i > 0 && wamid == NULL; i--) {
		m = json_object_get(json_array_get(msgs, i - 1), "message");
		if (strcmp(json_string_value(json_object_get(m, "direction")) ?
		    json_string_value(json_object_get(m, "direction")) : "",
		    "in") != 0)
			continue;
		if (relay_store_msg_by_id(q->r->reader, json_string_value(
		    json_object_get(m, "id")), &k) > 0 && k.wamid != NULL)
			wamid = strdup(k.wamid);
		relay_msgkey_free(&k);
		break;
	}
	pthread_mutex_unlock(&q->r->reader_lock);
	json_decref(msgs);
	return wamid;
}

void
route_typing(struct req *q)
{
	const struct relay_number *n;
	const char *conv = q->seg[2];
	char *wamid;

	if (!route_conv_number(q, conv, &n))
		return;
	if ((wamid = typing_last_inbound(q, conv)) != NULL &&
	    typing_pass(q->r, conv, relay_now(q->r)))
		sender_typing(q->r, n, wamid);
	free(wamid);
	req_reply_text(q, 204, "text/plain", "", 0);
}

/* ---- media upload ---- */

static void
route_media_upload_w(struct req *q)
{
	route_run_op(q, "media", op_media);
}

/* send=0: the file is only kept, for a template's header; the answer
 * names it ("local.<sha256>") for the template's components. */
static void
route_media_keep(struct req *q, const struct wa_media_type *t,
    const char *mime)
{
	char file[65], id[80];
	int64_t now = relay_now(q->r);

	if (q->r->media == NULL || media_store_put(q->r->media, q->body, q->len,
	    file) != 0) {
		req_error(q, 500, "store_error", "cannot keep the file");
		return;
	}
	snprintf(id, sizeof id, "local.%s", file);
	/* Served to this conversation's agents like any of its media (the
	 * same file kept before for another conversation stays its). */
	if (media_store_expect(q->r->media, id, q->seg[2], mime, NULL, now,
	    now) == 0)
		media_store_done(q->r->media, id, file, (int64_t)q->len, mime, now);
	req_reply(q, 201, json_pack("{s:{s:s, s:s, s:s, s:I}}", "media", "id",
	    id, "mime_type", mime, "kind", t->kind, "size", (json_int_t)q->len));
}

void
route_media_upload(struct req *q)
{
	char client_id[160], filename[256], caption[1100], mime[128];
	char file[65], sendarg[8];
	const char *cid, *fn, *cap, *send;
	const struct wa_media_type *t;
	size_t max;
	bool keep_only;

	cid = req_arg(q, "client_id", client_id, sizeof client_id);
	fn = req_arg(q, "filename", filename, sizeof filename);
	cap = req_arg(q, "caption", caption, sizeof caption);
	send = req_arg(q, "send", sendarg, sizeof sendarg);
	keep_only = send != NULL && (strcmp(send, "0") == 0 ||
	    strcmp(send, "false") == 0);
	if (!keep_only && (cid == NULL || *cid == '\0')) {
		req_error(q, 400, "bad_request", "client_id is required");
		return;
	}
	/* What Meta takes, one table with ttydesk (ttydesk/wa_media.h). */
	if ((t = wa_media_type_of(req_header(q, "Content-Type"), mime,
	    sizeof mime)) == NULL) {
		req_error(q, 415, "unsupported_media_type", "Meta does not take "
		    "%s", mime[0] ? mime : "a body without a Content-Type");
		return;
	}
	max = wa_media_max(t, q->body, q->len);
	if (q->len > max) {
		req_error(q, 413, "too_large", "%s is %zu bytes, over Meta's "
		    "limit of %zu for %s", mime, q->len, max, t->kind);
		return;
	}
	if (q->len == 0) {
		req_error(q, 400, "bad_request", "the body is empty");
		return;
	}
	if (wa_media_refusal(t, q->body, q->len) != NULL) {
		req_error(q, 415, "unsupported_media_type", "%s",
		    wa_media_refusal(t, q->body, q->len));
		return;
	}
	if (cap != NULL && wa_check_chars(cap) > 1024) {
		req_error(q, 400, "bad_request", "caption over 1024 characters");
		return;
	}
	if (!route_conv_exists(q, q->seg[2]))
		return;
	if (keep_only) {
		route_media_keep(q, t, mime);
		return;
	}
	if (q->r->media == NULL || media_store_put(q->r->media, q->body, q->len,
	    file) != 0) {
		req_error(q, 500, "store_error", "cannot keep the file");
		return;
	}
	q->in = json_pack("{s:s, s:{s:s, s:s, s:s, s:I}}", "client_id", cid,
	    "upload", "kind", t->kind, "mime", mime, "file", file,
	    "size", (json_int_t)q->len);
	if (q->in == NULL) {
		req_error(q, 500, "internal", "out of memory");
		return;
	}
	if (fn != NULL && *fn != '\0')
		json_object_set_new(json_object_get(q->in, "upload"), "filename",
		    json_string(fn));
	if (cap != NULL && *cap != '\0')
		json_object_set_new(json_object_get(q->in, "upload"), "caption",
		    json_string(cap));
	if (wa_media_is_voice(t, q->body, q->len))
		json_object_set_new(json_object_get(q->in, "upload"), "voice",
		    json_true());
	req_to_writer(q, route_media_upload_w);
}
