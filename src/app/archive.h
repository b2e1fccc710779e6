/*
 * The relay's archive: resolved conversations outside the working set,
 * newest first, a page at a time (GET /v1/conversations?status=resolved).
 * The working set keeps only recent work; this is how an agent browses
 * what is older, and opens one (history on demand, history.h).
 *
 * Ownership: archive_parse() fills a malloc'd array the caller releases
 * with archive_entries_free(); archive_query's done gets entries valid
 * only during the call.
 */
#ifndef TTYDESK_ARCHIVE_H
#define TTYDESK_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;

#define ARCHIVE_PAGE 50

struct archive_entry {
	char *conv;
	char *name;     /* contact name, else number or username; sanitized */
	char *preview;  /* the last message, one line, sanitized */
	int64_t last_ts;
};

/* Parse an answer: 0 with the entries, their count, whether the relay has
 * more and the before= of the next page; -1 with err. */
int archive_parse(const char *body, size_t len, struct archive_entry **out,
    size_t *n, bool *more, int64_t *next, char *err, size_t errlen);
void archive_entries_free(struct archive_entry *e, size_t n);

/* done: status 200 with a page, else err says why (offline: status 0). */
typedef void (*archive_done_fn)(struct app *app, void *ud, long status,
    const struct archive_entry *e, size_t n, bool more, int64_t next,
    const char *err);
/* The page before before (0: the newest).  0, or -1 with err (offline). */
int archive_query(struct app *app, int64_t before, archive_done_fn done,
    void *ud, char *err, size_t errlen);

#endif
