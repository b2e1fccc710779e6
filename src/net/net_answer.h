/*
 * Reading the relay's JSON answers that carry events (/v1/sync,
 * /v1/snapshot, a conversation's history): the parse and the check of
 * every event's seq, with the error texts the status bar shows.
 */
#ifndef TTYDESK_NET_ANSWER_H
#define TTYDESK_NET_ANSWER_H

#include <jansson.h>
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

#endif
