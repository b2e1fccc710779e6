/* The conversation list's view (listview.c). */
#ifndef TTYDESK_LISTVIEW_H
#define TTYDESK_LISTVIEW_H

#include "ui.h"

extern const struct view list_view;

#endif
