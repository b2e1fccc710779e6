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
#include "query.h"
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

/* The hits of one answer: query's value. */
struct rsearch_page {
	struct rsearch_hit *hits;
	size_t n;
};

static void
rsearch_page_clear(void *value)
{
	struct rsearch_page *p = value;

	rsearch_hits_free(p->hits, p->n);
}

static int
rsearch_parse_root(const json_t *root, void *value, char *err,
    size_t errlen)
{
	struct rsearch_page *p = value;
	const json_t *res = json_object_get(root, "results"), *o, *conv, *snip;
	const json_t *kind;
	struct rsearch_hit *h;
	size_t i;

	if (!json_is_array(res)) {
		snprintf(err, errlen, "the relay's search answer lacks results");
		return -1;
	}
	if ((p->hits = calloc(json_array_size(res) + 1, sizeof *p->hits)) ==
	    NULL)
		goto nomem;
	json_array_foreach(res, i, o) {
		conv = json_object_get(o, "conversation");
		snip = json_object_get(o, "snippet");
		kind = json_object_get(o, "kind");
		if (!json_is_string(conv) || json_string_length(conv) == 0 ||
		    json_string_length(conv) > 1024) {
			snprintf(err, errlen, "result %zu of the search answer "
			    "has no conversation", i);
			return -1;
		}
		h = &p->hits[p->n++];
		if ((h->conv = strdup(json_string_value(conv))) == NULL ||
		    (h->snippet = rsearch_snippet(json_is_string(snip) ?
		    json_string_value(snip) : "", json_is_string(snip) ?
		    json_string_length(snip) : 0)) == NULL)
			goto nomem;
		h->seq = json_integer_value(json_object_get(o, "seq"));
		h->ts = json_integer_value(json_object_get(o, "ts"));
		snprintf(h->kind, sizeof h->kind, "%s",
		    json_is_string(kind) ? json_string_value(kind) : "message");
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static void
rsearch_deliver(struct app *app, const struct query *q, long status,
    void *value, const char *why)
{
	struct rsearch_page *p = value;

	((rsearch_done_fn)q->done)(app, q->ud, status, p->hits, p->n, why);
}

static const struct query_kind rsearch_kind = { "search answer",
    sizeof(struct rsearch_page), rsearch_parse_root, rsearch_page_clear,
    rsearch_deliver };

int
rsearch_parse(const char *body, size_t len, struct rsearch_hit **hits,
    size_t *n, char *err, size_t errlen)
{
	struct rsearch_page p;
	int rc = query_parse(&rsearch_kind, body, len, &p, err, errlen);

	*hits = p.hits;
	*n = p.n;
	return rc;
}

int
rsearch_query(struct app *app, const char *words, rsearch_done_fn done,
    void *ud, char *err, size_t errlen)
{
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
	return query_get(app, path, &rsearch_kind, (query_fn)done, ud, err,
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
