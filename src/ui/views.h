/* The small views (views.c): the queue tabs, the separator, the status
 * bar and the help screen. */
#ifndef TTYDESK_VIEWS_H
#define TTYDESK_VIEWS_H

#include "ui.h"

extern const struct view tabs_view, sep_view, status_view, help_view;

#endif
