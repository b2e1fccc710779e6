/*
 * Search on the relay (rsearch.h).
 */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"
#include "app.h"
#include "net.h"
#include "outbox.h"
#include "rsearch.h"

#define RSEARCH_LIMIT 20

char *
rsearch_snippet(const char *s, size_t len)
{
	struct buf b = { 0 };
	char *clean;
	size_t i = 0, j;
	bool on = false;
	char mark;

	while (i <= len) {
		for (j = i; j < len && s[j] != RSEARCH_MARK_ON &&
		    s[j] != RSEARCH_MARK_OFF; j++)
			;
		/* Each piece alone: the markers never reach the sanitizer,
		 * which would drop them like any control character. */
		if ((clean = sanitize_text(s + i, j - i, SANITIZE_SINGLE_LINE)) ==
		    NULL) {
			buf_free(&b);
			return NULL;
		}
		buf_adds(&b, clean);
		free(clean);
		if (j == len)
			break;
		mark = s[j];
		if ((mark == RSEARCH_MARK_ON) != on)
			buf_add(&b, &mark, 1);
		on = mark == RSEARCH_MARK_ON;
		i = j + 1;
	}
	if (on)
		buf_adds(&b, "\x03");
	/* NULL when an append ran out of memory. */
	return buf_take(&b, NULL);
}

void
rsearch_hits_free(struct rsearch_hit *hits, size_t n)
{
	size_t i;

	for (i = 0; hits != NULL && i < n; i++) {
		free(hits[i].conv);
		free(hits[i].snippet);
	}
	free(hits);
}

int
rsearch_parse(const char *body, size_t len, struct rsearch_hit **hits,
    size_t *n, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root, *res, *o, *conv, *snip, *kind;
	struct rsearch_hit *h = NULL;
	size_t i, k = 0;

	*hits = NULL;
	*n = 0;
	if ((root = json_loadb(body, len, 0, &je)) == NULL) {
		snprintf(err, errlen, "the relay's search answer is not JSON "
		    "(line %d: %s)", je.line, je.text);
		return -1;
	}
	res = json_object_get(root, "results");
	if (!json_is_array(res)) {
		snprintf(err, errlen, "the relay's search answer lacks results");
		goto fail;
	}
	if ((h = calloc(json_array_size(res) + 1, sizeof *h)) == NULL)
		goto nomem;
	json_array_foreach(res, i, o) {
		conv = json_object_get(o, "conversation");
		snip = json_object_get(o, "snippet");
		kind = json_object_get(o, "kind");
		if (!json_is_string(conv) || json_string_length(conv) == 0 ||
		    json_string_length(conv) > 1024) {
			snprintf(err, errlen, "result %zu of the search answer "
			    "has no conversation", i);
			goto fail;
		}
		if ((h[k].conv = strdup(json_string_value(conv))) == NULL ||
		    (h[k].snippet = rsearch_snippet(json_is_string(snip) ?
		    json_string_value(snip) : "", json_is_string(snip) ?
		    json_string_length(snip) : 0)) == NULL) {
			k++;
			goto nomem;
		}
		h[k].seq = json_integer_value(json_object_get(o, "seq"));
		h[k].ts = json_integer_value(json_object_get(o, "ts"));
		snprintf(h[k].kind, sizeof h[k].kind, "%s",
		    json_is_string(kind) ? json_string_value(kind) : "message");
		k++;
	}
	json_decref(root);
	*hits = h;
	*n = k;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	rsearch_hits_free(h, k);
	json_decref(root);
	return -1;
}

struct rsearch_req {
	rsearch_done_fn done;
	void *ud;
};

static void
rsearch_answer(struct app *app, void *ud, long status, const char *body,
    size_t len, const char *err)
{
	struct rsearch_req *r = ud;
	struct rsearch_hit *hits = NULL;
	size_t n = 0;
	char why[256];

	if (status == 200 && rsearch_parse(body, len, &hits, &n, why,
	    sizeof why) != 0)
		status = -1;
	else if (status != 200)
		obx_error_text(why, sizeof why, status, body, err);
	r->done(app, r->ud, status, hits, n, why);
	rsearch_hits_free(hits, n);
}

int
rsearch_query(struct app *app, const char *words, rsearch_done_fn done,
    void *ud, char *err, size_t errlen)
{
	struct rsearch_req r = { done, ud };
	char path[1200], *q;
	int w;

	if (!app_online(app)) {
		snprintf(err, errlen, "offline");
		return -1;
	}
	if ((q = curl_easy_escape(NULL, words, 0)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	w = snprintf(path, sizeof path, "/v1/search?q=%s&limit=%d", q,
	    RSEARCH_LIMIT);
	curl_free(q);
	if (w < 0 || (size_t)w >= sizeof path) {
		snprintf(err, errlen, "the search is too long");
		return -1;
	}
	return app_get_ctx(app, path, rsearch_answer, &r, sizeof r, err,
	    errlen);
}

size_t
rsearch_unseen(const struct app *app, const struct rsearch_hit *hits,
    size_t n, size_t *out)
{
	size_t i, k, m = 0;

	for (i = 0; i < n; i++) {
		if (model_find(app->model, hits[i].conv) != NULL)
			continue;
		for (k = 0; k < m && strcmp(hits[out[k]].conv, hits[i].conv) !=
		    0; k++)
			;
		if (k == m)
			out[m++] = i;
	}
	return m;
}
