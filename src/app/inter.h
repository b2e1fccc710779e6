/*
 * Interactive messages an agent composes (pure, unit-tested): reply
 * buttons, a list (sections of rows), a link (CTA URL) button or a
 * location request, from the body text and titles
 * separated by '|', as Meta's interactive object, checked with the
 * relay's own check (wa_check_interactive: at most 3 buttons of 20
 * characters, at most 10 rows of 24, body 1024, list button 20), so the
 * agent sees the relay's 400 interactive_invalid reason before sending.
 */
#ifndef TTYDESK_INTER_H
#define TTYDESK_INTER_H

#include <stddef.h>

typedef struct json_t json_t;

/* titles: "Yes|No|Later".  New reference, or NULL with why. */
json_t *inter_buttons(const char *body, const char *titles, char *why,
    size_t whylen);
/* rows: "Tue 9-12|Wed 14-17", a row "Title = description", "#Morning"
 * starting a section; button: the text that opens the list. */
json_t *inter_list(const char *body, const char *button, const char *rows,
    char *why, size_t whylen);
/* A button that opens url. */
json_t *inter_cta(const char *body, const char *display, const char *url,
    char *why, size_t whylen);
/* Asks the customer to share a location. */
json_t *inter_location(const char *body, char *why, size_t whylen);
/* A saved one ([interactive] in the config), fields between '|':
 *   buttons: BODY | Yes | No
 *   list: BODY | BUTTON TEXT | #Section | Row | Row = description ...
 *   cta: BODY | BUTTON TEXT | https://...
 *   location: BODY */
json_t *inter_from_spec(const char *spec, char *why, size_t whylen);
/* What the customer sees: the body, then "[Yes] [No]" or the rows
 * ("- Tue 9-12").  malloc'd. */
char *inter_preview(const json_t *inter);

#endif
