/*
 * The fetcher thread (fetcher.h).  Plain blocking curl: one transfer at
 * a time is enough for media arriving with messages and a listing now
 * and then, and it never holds up a send or an agent's request.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "ttydesk/buf.h"
#include "ttydesk/clock.h"
#include "conv.h"
#include "fetcher.h"
#include "media_store.h"
#include "net_hdrs.h"
#include "sender.h"
#include "template.h"
#include "thread.h"

#define FETCH_JSON_MAX (4 * 1024 * 1024)
#define FETCH_ATTEMPTS_MAX 16
#define FETCH_EVICT_EVERY 5
#define FETCH_PAGES_MAX 100

struct fetcher {
	struct relay *r;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	bool kick;
	bool want_templates;
	_Atomic bool cancel; /* cuts a transfer short */
	char number[72];     /* whose token the transfer carries ("": the
	                      * default one); fetcher thread only */
};

/* Where a transfer's body goes: memory (JSON) or a file being hashed. */
struct sink {
	char *buf;
	size_t len, cap, max;
	int fd;
	crypto_hash_sha256_state sha;
	bool over;
	bool io_error;
};

static size_t
sink_write(char *data, size_t size, size_t n, void *arg)
{
	struct sink *k = arg;
	size_t len = size * n, off = 0;

	if (k->len + len > k->max) {
		k->over = true;
		return 0;
	}
	if (k->fd >= 0) {
		while (off < len) {
			ssize_t w = write(k->fd, data + off, len - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				k->io_error = true;
				return 0;
			}
			off += (size_t)w;
		}
		crypto_hash_sha256_update(&k->sha, (const unsigned char *)data,
		    len);
		k->len += len;
		return len;
	}
	return buf_append(&k->buf, &k->len, &k->cap, data, len) == 0 ? len : 0;
}

static int
fetch_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c,
    curl_off_t d)
{
	struct fetcher *f = arg;

	(void)a, (void)b, (void)c, (void)d;
	return atomic_load(&f->cancel) ? 1 : 0;
}

/* The media of a conversation is fetched with its number's token. */
static void
fetch_number_of(struct fetcher *f, const char *conv)
{
	const struct relay_number *n = NULL;
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	int rc = 0, tries;

	/* The intake kicks the fetcher before its batch commits: a new
	 * conversation shows up a moment later. */
	for (tries = 0; rc == 0 && tries < 40; tries++) {
		if (tries > 0)
			nanosleep(&pause, NULL);
		pthread_mutex_lock(&f->r->reader_lock);
		rc = relay_conversation_number_of(f->r, f->r->reader, conv, &n);
		pthread_mutex_unlock(&f->r->reader_lock);
	}
	snprintf(f->number, sizeof f->number, "%s", rc > 0 && n != NULL ?
	    n->id : "");
}

/* GET url with the business token into k.  Returns the HTTP status, or
 * 0 when the transfer failed (why set). */
static long
fetch_get(struct fetcher *f, const char *url, struct sink *k, char *ctype,
    size_t ctlen, char *why, size_t whylen)
{
	const struct relay_config *cfg = f->r->cfg;
	struct curl_slist *hdrs = NULL;
	const char *ct = NULL;
	CURL *e = curl_easy_init();
	CURLcode cc;
	long http = 0;

	if (e == NULL) {
		snprintf(why, whylen, "out of memory");
		return 0;
	}
	hdrs = sender_auth_header(hdrs, cfg, f->number);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, k);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 10L);
	/* Big files take long; only a stalled transfer is cut. */
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, fetch_progress);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, f);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_USERAGENT, "ttydesk-relay/" TTYDESK_VERSION);
	cc = curl_easy_perform(e);
	if (cc == CURLE_OK) {
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &http);
		curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct);
		if (ctype != NULL)
			snprintf(ctype, ctlen, "%s", ct ? ct : "");
	} else {
		snprintf(why, whylen, "%s", k->over ? "over [relay] media_max" :
		    curl_easy_strerror(cc));
	}
	net_hdrs_free(hdrs);
	curl_easy_cleanup(e);
	return http;
}

/* ---- media ---- */

/* The webhook's sha256 is base64 (Meta's media URL answer gives hex):
 * either matches the digest. */
static bool
fetch_sha_matches(const char *want, const unsigned char digest[32])
{
	char hex[65], b64[64];

	if (want == NULL || *want == '\0')
		return true;
	sodium_bin2hex(hex, sizeof hex, digest, 32);
	sodium_bin2base64(b64, sizeof b64, digest, 32,
	    sodium_base64_VARIANT_ORIGINAL);
	return strcasecmp(want, hex) == 0 || strcmp(want, b64) == 0;
}

/* Downloads the bytes at url into the store.  0 done, -1 failed (why),
 * -2 over [relay] media_max (trying again cannot help). */
static int
fetch_media_bytes(struct fetcher *f, const struct media_entry *e,
    const char *url, const char *sha_hex, char *file, char *mime,
    size_t mimelen, int64_t *size, char *why, size_t whylen)
{
	struct media_store *ms = f->r->media;
	struct sink k;
	unsigned char digest[32];
	char tmp[4096], path[4096];
	long http;

	memset(&k, 0, sizeof k);
	k.max = f->r->cfg->media_max;
	if ((k.fd = media_store_tmpfile(ms, tmp, sizeof tmp)) < 0) {
		snprintf(why, whylen, "cannot create a file in [media] dir: %s",
		    strerror(errno));
		return -1;
	}
	crypto_hash_sha256_init(&k.sha);
	http = fetch_get(f, url, &k, mime, mimelen, why, whylen);
	if (k.io_error)
		snprintf(why, whylen, "cannot write to [media] dir");
	if (http != 0 && (http < 200 || http >= 300))
		snprintf(why, whylen, "download answered HTTP %ld", http);
	if (close(k.fd) != 0 || http < 200 || http >= 300 || k.io_error)
		goto fail;
	k.fd = -1;
	crypto_hash_sha256_final(&k.sha, digest);
	if (!fetch_sha_matches(e->sha256, digest) ||
	    !fetch_sha_matches(sha_hex, digest)) {
		snprintf(why, whylen, "SHA-256 differs from the webhook's");
		goto fail;
	}
	sodium_bin2hex(file, 65, digest, 32);
	if (media_store_path(ms, file, path, sizeof path) != 0 ||
	    rename(tmp, path) != 0) {
		snprintf(why, whylen, "cannot store the file: %s",
		    strerror(errno));
		goto fail;
	}
	*size = (int64_t)k.len;
	return 0;
fail:
	unlink(tmp);
	return k.over ? -2 : -1;
}

/* One download: the media's URL from the Graph API, then its bytes.
 * 1 stored, 0 failed for now, -1 never (the URL's host is refused, the
 * file is over the limit). */
static int
fetch_media(struct fetcher *f, const struct media_entry *e, char *why,
    size_t whylen)
{
	struct sink k;
	json_t *o = NULL;
	const char *url;
	char *meta_url, file[65], mime[256] = "";
	int64_t size = 0;
	long http;
	int rc = 0;

	memset(&k, 0, sizeof k);
	k.fd = -1;
	k.max = FETCH_JSON_MAX;
	fetch_number_of(f, e->conversation);
	if ((meta_url = sender_url(f->r->cfg, e->media_id)) == NULL)
		return 0;
	http = fetch_get(f, meta_url, &k, NULL, 0, why, whylen);
	free(meta_url);
	if (http != 0 && (http < 200 || http >= 300))
		snprintf(why, whylen, "Graph API answered %ld", http);
	if (http < 200 || http >= 300)
		goto out;
	o = json_loadb(k.buf ? k.buf : "", k.len, 0, NULL);
	url = json_string_value(json_object_get(o, "url"));
	if (url == NULL) {
		snprintf(why, whylen, "no media URL from the Graph API");
		goto out;
	}
	if (!media_url_allowed(&f->r->cfg->media, url, why, whylen)) {
		rc = -1;
		goto out;
	}
	if ((rc = fetch_media_bytes(f, e, url, json_string_value(
	    json_object_get(o, "sha256")), file, mime, sizeof mime, &size, why,
	    whylen)) != 0) {
		rc = rc == -2 ? -1 : 0;
		goto out;
	}
	if (mime[0] == '\0' || strcmp(mime, "application/octet-stream") == 0)
		snprintf(mime, sizeof mime, "%s", json_string_value(
		    json_object_get(o, "mime_type")) ? json_string_value(
		    json_object_get(o, "mime_type")) : "");
	rc = media_store_done(f->r->media, e->media_id, file, size,
	    mime[0] ? mime : NULL, relay_now(f->r)) == 0 ? 1 : 0;
out:
	json_decref(o);
	free(k.buf);
	return rc;
}

static void
fetch_media_due(struct fetcher *f)
{
	struct media_store *ms = f->r->media;
	const struct relay_media_config *mc = &f->r->cfg->media;
	struct media_entry e;
	char why[256];
	int64_t now;
	int rc;

	while (ms != NULL && !atomic_load(&f->cancel)) {
		now = relay_now(f->r);
		if (media_store_next_due(ms, now, &e) <= 0)
			return;
		if (mc->retention > 0 && e.received < now - mc->retention) {
			/* Already past its retention (history, a late
			 * redelivery): nothing to keep. */
			media_store_expire(ms, e.media_id);
			media_entry_free(&e);
			continue;
		}
		why[0] = '\0';
		rc = fetch_media(f, &e, why, sizeof why);
		if (rc <= 0) {
			bool give_up = rc < 0 || e.attempts + 1 >= FETCH_ATTEMPTS_MAX;

			relay_log("media %s: %s%s", e.media_id, why, give_up ?
			    "; giving up" : "; will retry");
			/* 2 s, 4 s, 8 s ... up to an hour. */
			media_store_retry(ms, e.media_id, now +
			    clock_backoff(2, e.attempts, 3600), give_up);
		}
		media_entry_free(&e);
	}
}

/* ---- templates ---- */

/* Every page of one account's listing, or NULL. */
static json_t *
fetch_templates_of(struct fetcher *f, const struct templates_waba *acct)
{
	const char *waba = acct->waba;
	json_t *all = json_array(), *page = NULL;
	const char *after = NULL;
	char tail[1024], why[256];
	int pages;

	for (pages = 0; pages < FETCH_PAGES_MAX; pages++) {
		struct sink k;
		char *url;
		long http;

		memset(&k, 0, sizeof k);
		k.fd = -1;
		k.max = FETCH_JSON_MAX;
		/* The next page is asked of the configured Graph URL with
		 * the cursor, never of a URL from the answer: the token goes
		 * nowhere else. */
		if (after != NULL)
			snprintf(tail, sizeof tail, "%s/message_templates?"
			    "limit=100&after=%s", waba, after);
		else
			snprintf(tail, sizeof tail, "%s/message_templates?"
			    "limit=100", waba);
		if ((url = sender_url(f->r->cfg, tail)) == NULL)
			goto fail;
		snprintf(f->number, sizeof f->number, "%s", acct->number ?
		    acct->number : "");
		http = fetch_get(f, url, &k, NULL, 0, why, sizeof why);
		free(url);
		json_decref(page);
		page = http >= 200 && http < 300 ? json_loadb(k.buf ? k.buf :
		    "", k.len, 0, NULL) : NULL;
		free(k.buf);
		if (!json_is_array(json_object_get(page, "data"))) {
			relay_log("templates of %s: %s", waba, http == 0 ? why :
			    "the Graph API refused the listing");
			goto fail;
		}
		json_array_extend(all, json_object_get(page, "data"));
		after = json_string_value(json_object_get(json_object_get(
		    json_object_get(page, "paging"), "cursors"), "after"));
		if (json_object_get(json_object_get(page, "paging"), "next") ==
		    NULL || after == NULL || strlen(after) > 512 ||
		    strspn(after, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
		    "vwxyz0123456789-_=%") != strlen(after))
			break;
	}
	json_decref(page);
	return all;
fail:
	json_decref(page);
	json_decref(all);
	return NULL;
}

static void
fetch_templates(struct fetcher *f)
{
	struct templates_waba accts[32];
	size_t i, n = templates_wabas(f->r->cfg, accts, 32);
	json_t *list;

	for (i = 0; i < n && !atomic_load(&f->cancel); i++) {
		if ((list = fetch_templates_of(f, &accts[i])) != NULL)
			templates_replace(f->r, accts[i].waba, list);
	}
}

/* ---- the thread ---- */

static void *
fetcher_main(void *arg)
{
	struct fetcher *f = arg;
	struct relay *r = f->r;
	int64_t now, next_tpl = 0, next_evict = 0, wake;
	bool tpl;
	int evicted;

	pthread_setname_np(pthread_self(), "relay-fetcher");
	for (;;) {
		now = relay_now(r);
		pthread_mutex_lock(&f->lock);
		if (f->stop) {
			pthread_mutex_unlock(&f->lock);
			break;
		}
		tpl = f->want_templates || (r->cfg->template_refresh > 0 &&
		    now >= next_tpl);
		f->want_templates = false;
		f->kick = false;
		pthread_mutex_unlock(&f->lock);
		if (tpl) {
			fetch_templates(f);
			next_tpl = now + r->cfg->template_refresh;
		}
		fetch_media_due(f);
		if (r->media != NULL && now >= next_evict) {
			if (media_store_evict(r->media, now, &evicted) != 0)
				relay_log("media: cannot apply retention");
			else if (evicted > 0)
				relay_log("media: %d files expired", evicted);
			next_evict = now + FETCH_EVICT_EVERY;
		}
		wake = r->media ? media_store_next_wake(r->media) : 0;
		if (wake == 0 || wake > next_evict)
			wake = next_evict;
		pthread_mutex_lock(&f->lock);
		if (!f->stop && !f->kick && !f->want_templates) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			/* At least a second: a clock replaced by a test may
			 * stand still. */
			ts.tv_sec += wake > relay_now(r) ? wake - relay_now(r) : 1;
			pthread_cond_timedwait(&f->cond, &f->lock, &ts);
		}
		pthread_mutex_unlock(&f->lock);
	}
	return NULL;
}

int
fetcher_start(struct relay *r, char *err, size_t errlen)
{
	struct fetcher *f;

	if (templates_init(r, err, errlen) != 0)
		return -1;
	/* A relay built by hand (tests) may have no [media] dir. */
	if (r->cfg->media.dir != NULL && media_store_open(&r->cfg->media,
	    &r->media, err, errlen) != 0)
		return -1;
	if ((f = calloc(1, sizeof *f)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	f->r = r;
	f->want_templates = true; /* a first listing, whatever the refresh */
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	if (pthread_create(&f->thread, NULL, fetcher_main, f) != 0) {
		pthread_mutex_destroy(&f->lock);
		pthread_cond_destroy(&f->cond);
		free(f);
		snprintf(err, errlen, "cannot start the fetcher thread");
		return -1;
	}
	r->fetcher = f;
	return 0;
}

void
fetcher_stop(struct relay *r)
{
	struct fetcher *f = r->fetcher;

	if (f != NULL) {
		/* Ends a download under way, too. */
		atomic_store(&f->cancel, true);
		relay_thread_stop(f->thread, &f->lock, &f->cond, &f->stop, true);
		pthread_mutex_destroy(&f->lock);
		pthread_cond_destroy(&f->cond);
		free(f);
		r->fetcher = NULL;
	}
	media_store_close(r->media);
	r->media = NULL;
}

static void
fetcher_signal(struct relay *r, bool templates)
{
	struct fetcher *f = r->fetcher;

	if (f == NULL)
		return;
	pthread_mutex_lock(&f->lock);
	f->kick = true;
	if (templates)
		f->want_templates = true;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

void
fetcher_kick(struct relay *r)
{
	fetcher_signal(r, false);
}

void
fetcher_want_templates(struct relay *r)
{
	fetcher_signal(r, true);
}
