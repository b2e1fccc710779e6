/* Pictures of image messages on the screen: which palette the terminal
 * takes, and drawing one row of cells (the thread's TL_PICTURE lines). */
#ifndef TTYDESK_PICDRAW_H
#define TTYDESK_PICDRAW_H

#include <stdbool.h>
#include <stddef.h>

#include "ttydesk/event.h"

struct app;
struct aline;
typedef struct _win_st WINDOW;

/* thread_picture_fn for the thread (ud: the app): NULL when [ui] images
 * is off, the terminal has no colours (NO_COLOR, mono) or no UTF-8, or
 * the picture is not there yet (its download then starts). */
const struct picture *picdraw_for(void *ud, const char *conv,
    const struct td_message *m, size_t cols);
/* Draw a TL_PICTURE line at y, x within width columns: its symbols, or
 * blanks when blank (the picture goes there in graphics, picgfx.h). */
void picdraw_row(struct app *app, WINDOW *w, int y, int x,
    const struct aline *l, size_t width, bool blank);
/* The screen column where l's picture starts, counted from the line's
 * own start. */
size_t picdraw_indent(const struct aline *l);

#endif
