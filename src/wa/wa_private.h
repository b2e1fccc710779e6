/*
 * Helpers shared by the WhatsApp codec files.  Not a public interface.
 */
#ifndef TTYDESK_WA_PRIVATE_H
#define TTYDESK_WA_PRIVATE_H

#include <jansson.h>
#include <stdarg.h>

#include "ttydesk/buf.h"
#include "ttydesk/wa.h"

#define WA_PRINTF(a, b) __attribute__((format(printf, a, b)))


/* Bytes of s to keep so that at most max bytes remain and no UTF-8
 * sequence is cut in two (for "%.*s"). */
int wa_utf8_cut(const char *s, size_t max);

char *wa_strdup(const char *s);
char *wa_printf(const char *fmt, ...) WA_PRINTF(1, 2);

/* Borrowed string member of obj, NULL when absent or not a string. */
const char *wa_json_str(const json_t *obj, const char *key);
/* Same, but "" counts as absent. */
const char *wa_json_nstr(const json_t *obj, const char *key);
/* have when it is not NULL, else wa_json_nstr(obj, key): the next place
 * a value may be found. */
const char *wa_json_or(const char *have, const json_t *obj, const char *key);
/* malloc'd copy of a string value (an embedded NUL becomes U+FFFD so no
 * text hides behind it); integers are written out as digits.  NULL when
 * absent, of another type, or out of memory. */
char *wa_json_dup(const json_t *obj, const char *key);
/* A number, or a string holding one.  0 on success, -1 otherwise. */
int wa_json_number(const json_t *v, double *out);
/* Unix seconds from a number or a numeric string; 0 when unreadable. */
int64_t wa_json_timestamp(const json_t *v);
/* An integer code from a number or a numeric string; 0 when unreadable. */
int wa_json_code(const json_t *v);
int wa_json_true(const json_t *obj, const char *key);
/* An identifier given as a non-empty string, or as an integer (written
 * into buf); NULL otherwise. */
const char *wa_json_id(const json_t *obj, const char *key, char *buf,
    size_t size);

/* Copy obj[key] into *dst when it is a string (or an integer, as digits).
 * -1 only when out of memory; an absent key leaves *dst NULL. */
int wa_json_take(const json_t *obj, const char *key, char **dst);

/* wa_types.c: one handler per WhatsApp message type.  A handler returns 0
 * when it filled the message, 1 when the object is malformed (why says
 * how), -1 when out of memory. */
typedef int (*wa_type_fn)(const json_t *body, struct wa_item *it,
    struct buf *why);

struct wa_type {
	const char *name;
	enum td_msg_kind kind;
	wa_type_fn parse;
};

const struct wa_type *wa_type_find(const char *name);
/* For a message without "type": the one type object it carries. */
const struct wa_type *wa_type_guess(const json_t *msg);

/* wa_message.c: fill it->message (and the extras of it) from one
 * messages[] object.  value is the change's value (for value-level
 * errors).  Returns 0, or -1 when out of memory. */
int wa_message_parse(const json_t *msg, const json_t *value,
    struct wa_item *it);
/* The title and details of a webhook's error object: its title, else its
 * message; error_data.details, else details, else the message when it is
 * not the title.  Either may be NULL; both point into e. */
void wa_error_texts(const json_t *e, const char **title,
    const char **details);
/* Text for an errors[] array: "title (details)", NULL when none. */
char *wa_errors_text(const json_t *errors);

/* wa_fingerprint.c: it->fingerprint for a messages[] ("message") or
 * statuses[] ("status") object, once it->phone_number_id and it->customer
 * are filled.  -1 when out of memory. */
int wa_fingerprint(const json_t *obj, const char *kind, struct wa_item *it);
/* obj as json_dumps(obj, JSON_SORT_KEYS | JSON_COMPACT) writes it, in a
 * malloc'd string of *len bytes; NULL when out of memory. */
char *wa_canonical_json(const json_t *obj, size_t *len);

#endif
