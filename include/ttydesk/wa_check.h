/*
 * Checks of what an agent asks the relay to send, against Meta's limits,
 * before it reaches the Graph API: a template's send components against
 * the template itself, and interactive objects.  Each returns 0, or -1
 * with what is wrong in why (one sentence naming the field).
 */
#ifndef TTYDESK_WA_CHECK_H
#define TTYDESK_WA_CHECK_H

#include <stddef.h>

#include <jansson.h>

/* components: Meta's send form ([{"type": "header"|"body"|"button",
 * "parameters": [..], "sub_type"?, "index"?}]); tmpl: the template as
 * Meta lists it ({"name", "language", "status", "components": [{"type":
 * "HEADER"|"BODY"|"FOOTER"|"BUTTONS", ...}]}).  Body parameters are
 * positional ({{1}}) or named ({{first_name}}, each parameter with its
 * "parameter_name"); every placeholder needs one parameter. */
int wa_check_template(const json_t *tmpl, const json_t *components,
    char *why, size_t whylen);
/* The older form: body parameters only, as plain strings. */
int wa_check_template_params(const json_t *tmpl, const json_t *params,
    char *why, size_t whylen);
/* Meta's interactive object of type button, list, cta_url or
 * location_request_message. */
int wa_check_interactive(const json_t *inter, char *why, size_t whylen);

/* A send request of that type whose member of the same name is a copy
 * of obj ("interactive", "template", "image", ...); malloc'd JSON, NULL
 * when to names nobody.  Check obj first: nothing is checked here. */
struct wa_recipient;
char *wa_build_object(const struct wa_recipient *to, const char *type,
    const json_t *obj);

/* Characters (code points) of a UTF-8 string. */
size_t wa_check_chars(const char *s);

#endif
