/*
 * The business numbers this agent may see (GET /v1/me "numbers"), their
 * short names, and the list's number filter ([ui] number, a key cycles
 * it).  With one number (or none known) nothing about numbers is shown.
 *
 * Ownership: the app's numbers array and filter string, freed by
 * numbers_free() (app_free calls it).
 */
#ifndef TTYDESK_NUMBERS_H
#define TTYDESK_NUMBERS_H

#include <stdbool.h>

struct app;
struct td_conversation;
typedef struct json_t json_t;

struct app_number {
	char *id;
	char *name;     /* the short name shown: "name", else the id */
	char *display;  /* display_phone_number, or NULL */
	char *waba;     /* waba_id, its templates' account, or NULL */
};

/* From a /v1/me answer; an answer without "numbers" keeps what we had
 * (an older relay).  The filter starts at [ui] number when it names one
 * of them. */
void numbers_set(struct app *app, const json_t *me);
void numbers_free(struct app *app);
/* More than one number: names are shown, the filter is offered. */
bool numbers_several(const struct app *app);
/* The number with this id, or NULL. */
const struct app_number *numbers_find(const struct app *app, const char *id);
/* The short name of the conversation's number, NULL with one number. */
const char *numbers_conv_name(const struct app *app,
    const struct td_conversation *c);
/* Does the conversation pass the number filter? */
bool numbers_pass(const struct app *app, const struct td_conversation *c);
/* Does the needle (ASCII case folded) occur in the short name, id or
 * display number of the conversation's number?  False with one number. */
bool numbers_match(const struct app *app, const struct td_conversation *c,
    const char *needle);
/* All numbers -> each number -> all numbers. */
void numbers_cycle(struct app *app);
/* The filter's short name, NULL for all numbers. */
const char *numbers_filter_name(const struct app *app);

#endif
