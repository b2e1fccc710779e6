/*
 * GET /v1/search: full-text search over the whole event log.
 *
 * What is indexed (search_doc_text): the text, caption and document file
 * name of message events (notes included), and the name, username, phone
 * number (wa_id) and note of contact events.  The index maps an event's
 * seq to that text; SQLite keeps it in an FTS5 table, PostgreSQL in a
 * tsvector column with a GIN index (store_sqlite_search.c,
 * store_pg_search.c).  Both are written in the transaction that appends
 * the event, and built in batches for events older than the index.
 *
 * The query is user input: it is cut into words at white space, a word's
 * trailing '*' makes it a prefix, and each word reaches FTS5 or tsquery
 * only as quoted tokens (store_sqlite_search.c, search_tsquery), so no
 * character of it is syntax.
 */
#ifndef RELAY_SEARCH_H
#define RELAY_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define SEARCH_MAX_WORDS 16
#define SEARCH_MAX_QUERY 512

struct req;

struct search_word {
	char *text;  /* as typed, without the trailing '*'s; points into buf */
	bool prefix;
};

/* Ownership: buf is malloc'd and owned by the query. */
struct search_query {
	struct search_word w[SEARCH_MAX_WORDS];
	size_t n;
	char *buf;
};

/* 0, or -1 with a message for a 400 answer (no word, too long, not
 * UTF-8). */
int search_parse(const char *q, struct search_query *out, char *err,
    size_t errlen);
void search_query_free(struct search_query *q);

/* The PostgreSQL to_tsquery('simple', ...) text ('a' <-> 'b' & 'c':*),
 * malloc'd; NULL when out of memory.  (SQLite's FTS5 expression is made
 * by store_sqlite_search.c with FTS5's own tokenizer.) */
char *search_tsquery(const struct search_query *q);

/* The text an event is found by, malloc'd; NULL when it has none (or out
 * of memory). */
char *search_doc_text(const json_t *ev);

/* Turns every character between words into a space, in place: what
 * PostgreSQL's parser then reads is words only, cut where the query's
 * words are cut (it would otherwise keep "a.b" or "x-1.pdf" whole). */
void search_doc_words(char *doc);

/* At most 160 characters of doc around the first match, every matched
 * word between \x02 and \x03; malloc'd. */
char *search_snippet(const char *doc, const struct search_query *q);

/* The route handler (routes.c). */
void search_route(struct req *q);

/* One batch of building the index for events older than it (the
 * writer's housekeeping; `ttydesk-relay migrate` runs it to the end).
 * 0 or -1. */
struct relay;
int search_backfill(struct relay *r);

#endif
