/*
 * GET /v1/search (search.h): the query's words, the indexed text of an
 * event, snippets, and the handler that pages through the index newest
 * first, leaving out what the agent may not see.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "http.h"
#include "search.h"
#include "store_common.h"
#include "visible.h"

#define SEARCH_LIMIT_DEFAULT 20
#define SEARCH_LIMIT_MAX 100
#define SNIPPET_MAX 160     /* characters, marks included */
#define SNIPPET_LEAD 30     /* characters shown before the first match */
#define BACKFILL_BATCH 5000 /* events per housekeeping tick */

/* Word characters as both indexes see them, near enough: ASCII letters
 * and digits, and every byte of a non-ASCII character. */
static bool
search_wordchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c >= 0x80;
}

int
search_parse(const char *q, struct search_query *out, char *err,
    size_t errlen)
{
	json_t *utf8;
	char *p, *w, *end;
	bool has;

	memset(out, 0, sizeof *out);
	if (q == NULL || strlen(q) > SEARCH_MAX_QUERY) {
		snprintf(err, errlen, q == NULL ? "q is required" :
		    "q is longer than %d bytes", SEARCH_MAX_QUERY);
		return -1;
	}
	/* tsquery refuses bytes that are not UTF-8 with an error. */
	if ((utf8 = json_string(q)) == NULL) {
		snprintf(err, errlen, "q is not UTF-8");
		return -1;
	}
	json_decref(utf8);
	if ((out->buf = strdup(q)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (p = out->buf; *p != '\0';) {
		p += strspn(p, " \t\r\n\f\v");
		if (*p == '\0')
			break;
		w = p;
		p += strcspn(p, " \t\r\n\f\v");
		end = p;
		if (*p != '\0')
			*p++ = '\0';
		has = false;
		while (end > w && end[-1] == '*') {
			*--end = '\0';
			has = true;
		}
		for (end = w; *end != '\0' && !search_wordchar(
		    (unsigned char)*end); end++)
			;
		if (*end == '\0')
			continue; /* punctuation only: nothing to find */
		if (out->n == SEARCH_MAX_WORDS) {
			snprintf(err, errlen, "q has more than %d words",
			    SEARCH_MAX_WORDS);
			goto fail;
		}
		out->w[out->n].text = w;
		out->w[out->n++].prefix = has;
	}
	if (out->n == 0) {
		snprintf(err, errlen, "q must contain a word");
		goto fail;
	}
	return 0;
fail:
	search_query_free(out);
	return -1;
}

void
search_query_free(struct search_query *q)
{
	free(q->buf);
	memset(q, 0, sizeof *q);
}

static int
search_add(struct buf *b, const char *s)
{
	return buf_adds(b, s);
}

/* Moves *p to the next run of word characters and returns its length (0
 * at the end). */
static size_t
search_token(const char **p)
{
	size_t n = 0;

	while (**p != '\0' && !search_wordchar((unsigned char)**p))
		(*p)++;
	while (search_wordchar((unsigned char)(*p)[n]))
		n++;
	return n;
}

char *
search_tsquery(const struct search_query *q)
{
	struct buf b = { 0 };
	size_t i, n;
	const char *p;
	int rc = 0, tokens;

	/* Only word characters ever reach the quotes: the lexemes of one
	 * word follow each other (<->), words are ANDed. */
	for (i = 0; i < q->n && rc == 0; i++) {
		tokens = 0;
		rc |= search_add(&b, i ? " & (" : "(");
		for (p = q->w[i].text; (n = search_token(&p)) > 0; p += n) {
			rc |= search_add(&b, tokens++ ?
			    " <-> '" : "'");
			rc |= buf_add(&b, p, n);
			rc |= search_add(&b, "'");
		}
		if (q->w[i].prefix)
			rc |= search_add(&b, ":*");
		rc |= search_add(&b, ")");
	}
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return b.s;
}

static int
search_doc_add(struct buf *b, const json_t *v)
{
	const char *s = json_string_value(v);

	if (s == NULL || *s == '\0')
		return 0;
	if (b->len > 0 && search_add(b, " / ") != 0)
		return -1;
	return search_add(b, s);
}

char *
search_doc_text(const json_t *ev)
{
	const char *type = json_string_value(json_object_get(ev, "type"));
	const json_t *o;
	struct buf b = { 0 };
	int rc = 0;

	if (type == NULL)
		return NULL;
	if (strcmp(type, "message") == 0) {
		o = json_object_get(ev, "message");
		rc |= search_doc_add(&b, json_object_get(o,
		    "text"));
		rc |= search_doc_add(&b, json_object_get(o,
		    "caption"));
		rc |= search_doc_add(&b, json_object_get(
		    json_object_get(o, "media"), "filename"));
	} else if (strcmp(type, "contact") == 0) {
		o = json_object_get(ev, "contact");
		rc |= search_doc_add(&b, json_object_get(o,
		    "name"));
		rc |= search_doc_add(&b, json_object_get(o,
		    "username"));
		rc |= search_doc_add(&b, json_object_get(o,
		    "wa_id"));
		rc |= search_doc_add(&b, json_object_get(o,
		    "note"));
	}
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return b.s;
}

void
search_doc_words(char *doc)
{
	for (; *doc != '\0'; doc++) {
		if (!search_wordchar((unsigned char)*doc))
			*doc = ' ';
	}
}

/* Does the doc's word w (n bytes) match a token of the query?  ASCII
 * letters compare without case; the last token of a prefix word matches
 * the start of w. */
static bool
search_word_matches(const char *w, size_t n, const struct search_query *q)
{
	size_t i, k, m;
	const char *p, *rest;
	bool last;

	for (i = 0; i < q->n; i++) {
		for (p = q->w[i].text; (m = search_token(&p)) > 0; p += m) {
			rest = p + m;
			last = search_token(&rest) == 0;
			if (m > n || (m < n && !(q->w[i].prefix && last)))
				continue;
			for (k = 0; k < m; k++) {
				unsigned char a = (unsigned char)w[k];
				unsigned char b = (unsigned char)p[k];

				if (a >= 'A' && a <= 'Z')
					a = (unsigned char)(a - 'A' + 'a');
				if (b >= 'A' && b <= 'Z')
					b = (unsigned char)(b - 'A' + 'a');
				if (a != b)
					break;
			}
			if (k == m)
				return true;
		}
	}
	return false;
}

/* Bytes of the UTF-8 character at p (1 for a stray byte). */
static size_t
utf8_len(const char *p)
{
	unsigned char c = (unsigned char)*p;
	size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1, i;

	for (i = 1; i < n; i++) {
		if (((unsigned char)p[i] & 0xc0) != 0x80)
			return 1;
	}
	return n;
}

char *
search_snippet(const char *doc, const struct search_query *q)
{
	size_t dlen = strlen(doc), pos, start = 0, first = dlen, n, i;
	size_t chars = 0, back = 0;
	struct buf b = { 0 };
	int rc = 0;

	for (pos = 0; pos < dlen; pos += n) {
		for (n = 0; search_wordchar((unsigned char)doc[pos + n]); n++)
			;
		if (n > 0 && search_word_matches(doc + pos, n, q)) {
			first = pos;
			break;
		}
		if (n == 0)
			n = 1;
	}
	if (first == dlen)
		first = 0;
	/* Back up to SNIPPET_LEAD characters, then to a word start. */
	for (start = first; start > 0 && back < SNIPPET_LEAD; back++) {
		do
			start--;
		while (start > 0 && ((unsigned char)doc[start] & 0xc0) == 0x80);
	}
	while (start > 0 && start < first && search_wordchar(
	    (unsigned char)doc[start - 1]))
		start++;
	if (start > 0) {
		rc |= search_add(&b, "\xe2\x80\xa6"); /* … */
		chars++;
	}
	for (pos = start; pos < dlen && rc == 0;) {
		for (n = 0; search_wordchar((unsigned char)doc[pos + n]); n++)
			;
		if (n > 0) {
			size_t wchars = 0;
			bool hit = search_word_matches(doc + pos, n, q);

			for (i = 0; i < n; i += utf8_len(doc + pos + i))
				wchars++;
			if (chars + wchars + (hit ? 2 : 0) + 1 > SNIPPET_MAX)
				break;
			rc |= hit ? search_add(&b, "\x02") : 0;
			rc |= buf_add(&b, doc + pos, n);
			rc |= hit ? search_add(&b, "\x03") : 0;
			chars += wchars + (hit ? 2 : 0);
			pos += n;
			continue;
		}
		if (chars + 2 > SNIPPET_MAX)
			break;
		n = utf8_len(doc + pos);
		/* Control characters (the marks among them) become spaces. */
		if ((unsigned char)doc[pos] < 0x20 || doc[pos] == 0x7f)
			rc |= search_add(&b, " ");
		else
			rc |= buf_add(&b, doc + pos, n);
		chars++;
		pos += n;
	}
	if (pos < dlen && rc == 0)
		rc |= search_add(&b, "\xe2\x80\xa6");
	if (rc == 0 && b.s == NULL)
		rc |= buf_add(&b, "", 0);
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return b.s;
}

void
relay_search_hits_free(struct relay_search_hit *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(h[i].json);
	free(h);
}

/* ---- the handler ---- */

static int
search_int_arg(struct req *q, const char *key, long long lo, long long hi,
    long long *out)
{
	char buf[64], *end;
	const char *v = req_arg(q, key, buf, sizeof buf);
	long long n;

	if (v == NULL)
		return 0;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < lo || n > hi) {
		req_error(q, 400, "bad_request", "%s must be an integer from "
		    "%lld to %lld", key, lo, hi);
		return -1;
	}
	*out = n;
	return 0;
}

/* One result object for a hit the agent may see, or NULL to leave it
 * out.  *conv and *state cache the last conversation looked at. */
static json_t *
search_result(struct req *q, const struct search_query *sq, const char *text,
    char **conv, json_t **state, int *err)
{
	struct relay *r = q->r;
	json_t *ev = json_loads(text, 0, NULL), *out = NULL, *m;
	const char *c, *type, *dir;
	char *doc = NULL, *snip = NULL;
	int rc;

	if (ev == NULL)
		return NULL;
	c = json_string_value(json_object_get(ev, "conversation"));
	type = json_string_value(json_object_get(ev, "type"));
	if (c == NULL || type == NULL)
		goto out;
	if (*conv == NULL || strcmp(*conv, c) != 0) {
		free(*conv);
		json_decref(*state);
		*state = NULL;
		*conv = strdup(c);
		rc = relay_store_conversation_get(r->reader, c, state, NULL,
		    NULL, NULL);
		if (rc < 0)
			*err = 1;
	}
	if (*state == NULL || !relay_agent_sees(r, q->agent, *state))
		goto out;
	if ((doc = search_doc_text(ev)) == NULL ||
	    (snip = search_snippet(doc, sq)) == NULL)
		goto out;
	m = json_object_get(ev, "message");
	dir = json_string_value(json_object_get(m, "direction"));
	out = json_pack("{s:s, s:O, s:O, s:s}", "conversation", c, "seq",
	    json_object_get(ev, "seq"), "ts", json_object_get(ev, "ts"),
	    "kind", strcmp(type, "contact") == 0 ? "contact" :
	    dir != NULL && strcmp(dir, "note") == 0 ? "note" : "message");
	if (out != NULL && m != NULL)
		json_object_set(out, "message", json_object_get(m, "id"));
	if (out != NULL)
		json_object_set_new(out, "snippet", json_string(snip));
out:
	free(doc);
	free(snip);
	json_decref(ev);
	return out;
}

/* A contact found again in the same conversation (its contact events
 * repeat the same name) says nothing new: one per conversation a page. */
static bool
search_seen_contact(json_t *results, const json_t *hit)
{
	const char *c = json_string_value(json_object_get(hit,
	    "conversation"));
	size_t i;
	json_t *o;

	if (strcmp(json_string_value(json_object_get(hit, "kind")),
	    "contact") != 0)
		return false;
	json_array_foreach(results, i, o) {
		if (strcmp(json_string_value(json_object_get(o, "kind")),
		    "contact") == 0 && strcmp(json_string_value(
		    json_object_get(o, "conversation")), c) == 0)
			return true;
	}
	return false;
}

void
search_route(struct req *q)
{
	struct relay *r = q->r;
	struct search_query sq;
	struct relay_search_hit *hits = NULL;
	long long limit = SEARCH_LIMIT_DEFAULT, before = INT64_MAX;
	/* Room for the longest query written as %XX: a longer argument
	 * still decodes to more than SEARCH_MAX_QUERY bytes. */
	char buf[3 * SEARCH_MAX_QUERY + 2], err[128], *conv = NULL;
	const char *text = req_arg(q, "q", buf, sizeof buf);
	json_t *results = json_array(), *state = NULL, *o;
	int64_t cursor, last = 0;
	size_t n = 0, i;
	int failed = 0;
	bool more = false, done = false;

	if (search_int_arg(q, "limit", 1, SEARCH_LIMIT_MAX, &limit) != 0 ||
	    search_int_arg(q, "before", 1, INT64_MAX, &before) != 0)
		goto out;
	if (search_parse(text, &sq, err, sizeof err) != 0) {
		req_error(q, 400, "bad_request", "%s", err);
		goto out;
	}
	cursor = before;
	pthread_mutex_lock(&r->reader_lock);
	/* Invisible hits are left out: read on until the page is full. */
	while (!done && !more && !failed) {
		if (relay_store_search(r->reader, &sq, cursor, (int)limit + 1,
		    &hits, &n) != 0) {
			failed = 1;
			break;
		}
		done = n < (size_t)limit + 1;
		for (i = 0; i < n && !more; i++) {
			cursor = hits[i].seq;
			o = search_result(q, &sq, hits[i].json, &conv, &state,
			    &failed);
			if (o == NULL || search_seen_contact(results, o)) {
				json_decref(o);
			} else if (json_array_size(results) == (size_t)limit) {
				json_decref(o);
				more = true;
			} else {
				last = hits[i].seq;
				json_array_append_new(results, o);
			}
		}
		relay_search_hits_free(hits, n);
		hits = NULL;
	}
	pthread_mutex_unlock(&r->reader_lock);
	search_query_free(&sq);
	if (failed) {
		req_error(q, 500, "store_error", "cannot search");
		goto out;
	}
	o = json_pack("{s:O, s:b}", "results", results, "more", more);
	if (last > 0)
		json_object_set_new(o, "before", json_integer(last));
	req_reply(q, 200, o);
out:
	free(conv);
	json_decref(state);
	json_decref(results);
}

int
search_backfill(struct relay *r)
{
	int64_t left;

	return relay_store_search_backfill(r->writer, BACKFILL_BATCH, &left);
}
