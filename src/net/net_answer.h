/*
 * Reading the relay's JSON answers that carry events (/v1/sync,
 * /v1/snapshot, a conversation's history): the parse and the check of
 * every event's seq, with the error texts the status bar shows.
 */
#ifndef TTYDESK_NET_ANSWER_H
#define TTYDESK_NET_ANSWER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The parsed answer (a new reference), or NULL with "the relay's <what>
 * is not JSON (line ...)" in err; what names the answer ("sync answer"). */
json_t *net_answer_load(const char *body, size_t len, const char *what,
    char *err, size_t errlen);

/* Loads body as net_answer_load() does, hands the root to parse and
 * releases it: parse's result, or -1 when body is not JSON. */
typedef int (*net_parse_fn)(const json_t *root, void *out, char *err,
    size_t errlen);
int net_answer_parse(const char *body, size_t len, const char *what,
    net_parse_fn parse, void *out, char *err, size_t errlen);

/*
 * 0 when every element of events is an object whose integer seq lies in
 * (after, through] and, when conv is not NULL, whose conversation is
 * conv; otherwise -1 with err naming the first that is not, as "event N
 * of the <what> ..." (what: "sync answer").
 */
int net_answer_events(const json_t *events, int64_t after, int64_t through,
    const char *conv, const char *what, char *err, size_t errlen);

/*
 * An answer that carries a page of events, read as far as the three
 * agree: a JSON object with an "events" array and, where they are present
 * and not null, a boolean "more", integers "next", "before" and "through"
 * and a string "cursor".  What the fields must say is each reader's own
 * check.
 */
struct net_page {
	const char *what;     /* names the answer in errors ("sync answer") */
	json_t *root;         /* the answer (net_page_free) */
	json_t *events;       /* root's "events" */
	bool more;            /* false when absent */
	int64_t next;         /* these three 0 when absent */
	int64_t before;
	int64_t through;
	const char *cursor;   /* root's, NULL when absent */
};

/*
 * Loads body into *p; need names the fields the answer must have
 * ("through/more").  0, or -1 with err: "the relay's <what> is not JSON
 * (...)", "... lacks events/<need>" or "... has a bad '<field>'".
 */
int net_page_load(const char *body, size_t len, const char *what,
    const char *need, struct net_page *p, char *err, size_t errlen);

/* The page's events checked by net_answer_events() (seq in (after,
 * through], conversation conv), as a new reference in *events (NULL on
 * error).  0, or -1 with err. */
int net_page_events(const struct net_page *p, int64_t after,
    int64_t through, const char *conv, json_t **events, char *err,
    size_t errlen);

void net_page_free(struct net_page *p);

#endif
