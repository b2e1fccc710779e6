/* The files of the outbox (see obfile.h). */
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "ttydesk/cache.h"
#include "obfile.h"
#include "outbox.h"

int
obfile_keep(struct app *app, struct ob_entry *e, const void *bytes,
    size_t len, char *err, size_t errlen)
{
	if (!obx_kind_has_file(e->kind)) {
		snprintf(err, errlen, "not a file entry");
		return -1;
	}
	if (app->cache != NULL)
		return cache_blob_put(app->cache, e->client_id, bytes, len, err,
		    errlen);
	if ((e->bytes = malloc(len > 0 ? len : 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(e->bytes, bytes, len);
	e->len = len;
	return 0;
}

/* "&key=value" with value percent-encoded. */
static void
obfile_arg(struct buf *b, const char *key, const char *value)
{
	char *v;

	if (value == NULL || *value == '\0')
		return;
	if ((v = curl_easy_escape(NULL, value, 0)) == NULL) {
		b->failed = 1;
		return;
	}
	/* b starts with the path: '?' before the first argument. */
	buf_printf(b, "%c%s=%s", strchr(b->s, '?') ? '&' : '?', key, v);
	curl_free(v);
}

static void
obfile_progress(struct app *app, void *ud, int64_t sent, int64_t total)
{
	struct ob_entry *e = ud;
	int pct = total > 0 ? (int)(sent * 100 / total) : 0;
	const char *name = json_string_value(json_object_get(json_object_get(
	    e->body, "upload"), "filename"));

	/* Every 5 %: the status bar, not a redraw per packet. */
	if (pct / 5 != e->last_pct / 5) {
		e->last_pct = pct;
		app_message(app, "uploading %s: %d%% of %.1f MB", name ? name :
		    "file", pct, (double)total / 1048576.0);
	}
}

int
obfile_post(struct app *app, struct ob_entry *e, app_done_fn done,
    char *err, size_t errlen)
{
	const json_t *up = json_object_get(e->body, "upload");
	const char *mime = json_string_value(json_object_get(up, "mime"));
	struct buf q = { 0 };
	char *path;
	int rc;

	if (e->bytes == NULL && app->cache != NULL) {
		rc = cache_blob_get(app->cache, e->client_id, &e->bytes, &e->len,
		    err, errlen);
		if (rc == 1)
			snprintf(err, errlen, "its file is no longer in the cache");
		if (rc != 0)
			return OBFILE_LOST;
	}
	if (e->bytes == NULL || mime == NULL) {
		snprintf(err, errlen, "its file is no longer in the cache");
		return OBFILE_LOST;
	}
	buf_adds(&q, e->path);
	obfile_arg(&q, "client_id", json_string_value(json_object_get(e->body,
	    "client_id")));
	obfile_arg(&q, "filename", json_string_value(json_object_get(up,
	    "filename")));
	obfile_arg(&q, "caption", json_string_value(json_object_get(up,
	    "caption")));
	if (e->kind == OBK_UPLOAD)
		obfile_arg(&q, "send", "0");
	if ((path = buf_take(&q, NULL)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	e->last_pct = -5;
	rc = app_post_bytes(app, path, e->bytes, e->len, mime, obfile_progress,
	    done, e, err, errlen);
	free(path);
	return rc;
}

void
obfile_release(struct ob_entry *e)
{
	if (e->bytes != NULL) {
		sodium_memzero(e->bytes, e->len);
		free(e->bytes);
	}
	e->bytes = NULL;
	e->len = 0;
}

void
obfile_sent(struct app *app, struct ob_entry *e)
{
	/* The cache has them for a retry; memory holds only what is sent. */
	if (obx_kind_has_file(e->kind) && app->cache != NULL)
		obfile_release(e);
}

void
obfile_forget(struct app *app, struct ob_entry *e)
{
	if (obx_kind_has_file(e->kind) && app->cache != NULL)
		cache_blob_del(app->cache, e->client_id);
}
