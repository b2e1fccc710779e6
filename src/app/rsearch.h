/*
 * Search on the relay (GET /v1/search): the whole history, where the local
 * search sees only the working set.  The answer is parsed into hits whose
 * snippets are sanitized like all customer text, the relay's match markers
 * (\x02 ... \x03) kept around the matched words so the screen can
 * highlight them.
 *
 * Ownership: rsearch_parse() returns a malloc'd array the caller releases
 * with rsearch_hits_free(); rsearch_query's done gets hits valid only
 * during the call.
 */
#ifndef TTYDESK_RSEARCH_H
#define TTYDESK_RSEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;

#define RSEARCH_MARK_ON '\x02'
#define RSEARCH_MARK_OFF '\x03'

struct rsearch_hit {
	char *conv;
	int64_t seq;
	int64_t ts;
	char kind[16];    /* "message", "note", "contact" */
	char *snippet;    /* sanitized, one line, markers balanced */
};

/* Parse an answer: 0 with the hits and their count, or -1 with err. */
int rsearch_parse(const char *body, size_t len, struct rsearch_hit **hits,
    size_t *n, char *err, size_t errlen);
void rsearch_hits_free(struct rsearch_hit *hits, size_t n);
/* Sanitize a snippet for one line, keeping \x02/\x03 as markers (each
 * \x02 gets its \x03).  malloc'd, NULL when out of memory. */
char *rsearch_snippet(const char *s, size_t len);

/* The hits outside the working set (the list shows the others), the
 * first of each conversation: their indices into out (room for n), and
 * how many. */
size_t rsearch_unseen(const struct app *app, const struct rsearch_hit *hits,
    size_t n, size_t *out);

/* done: status 200 with the hits, else err says why (offline: status 0). */
typedef void (*rsearch_done_fn)(struct app *app, void *ud, long status,
    const struct rsearch_hit *hits, size_t n, const char *err);
/* Ask the relay for words (user input, sent escaped).  0, or -1 with err
 * (no relay, offline). */
int rsearch_query(struct app *app, const char *words, rsearch_done_fn done,
    void *ud, char *err, size_t errlen);

#endif
