/*
 * Structured answer lines (pure, unit-tested): what a customer's button,
 * list row or Flow form answer, an interactive message or a template says,
 * as readable lines for the thread ("▸ button: Yes, reschedule").
 */
#ifndef TTYDESK_ANSWER_H
#define TTYDESK_ANSWER_H

#include <stdbool.h>

#include "ttydesk/event.h"

/* Whether m is shown as answer lines (interactive, button, template). */
bool answer_applies(const struct td_message *m);
/* The lines, '\n'-separated and sanitized for the terminal (every part the
 * customer controls is one line); malloc'd, NULL when out of memory or
 * when answer_applies() is false.  utf8 picks the marker ("▸" or ">"). */
char *answer_lines(const struct td_message *m, bool utf8);

#endif
