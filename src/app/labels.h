/*
 * Labels and snooze: the parsers (unit-tested) and the request bodies;
 * the prompts that use them are convact_labels / convact_snooze (src/ui).
 *
 *   labels prompt: "vip +refund -spam"  (bare or + adds, - removes); a
 *   word that starts exactly one known label completes to it.
 *   snooze prompt: "2h", "30m", "3d", "1w", "tomorrow", "tomorrow 9:00",
 *   "mon" .. "sun" (next one, 9:00 unless a time follows), "17:30".
 *
 * Ownership: struct label_edit owns its arrays and strings.
 */
#ifndef TTYDESK_LABELS_H
#define TTYDESK_LABELS_H

#include <stddef.h>
#include <stdint.h>

typedef struct json_t json_t;
struct app;

struct label_edit {
	char **add;
	size_t n_add;
	char **remove;
	size_t n_remove;
};

/* 0, or -1 with err ("label 'x...' is over 32 characters"). */
int labels_parse(const char *input, const char *const *known, size_t n_known,
    struct label_edit *out, char *err, size_t errlen);
void labels_edit_free(struct label_edit *e);
/* Candidates for the last word of input, ", "-joined into buf. */
size_t labels_complete(const char *input, const char *const *known,
    size_t n_known, char *buf, size_t len);
/* Every label on a conversation of the model, sorted, unique (pointers
 * into the model; *out malloc'd). */
size_t labels_known(const struct app *app, const char ***out);

/* {"add": [...], "remove": [...]} for POST .../labels and the bulk
 * "labels" action; NULL when out of memory. */
json_t *labels_body(const struct label_edit *e);

/* Local time.  0 and *until (> now), or -1 with err. */
int snooze_parse(const char *s, int64_t now, int64_t *until, char *err,
    size_t errlen);

#endif
