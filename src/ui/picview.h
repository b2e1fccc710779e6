/*
 * The full-screen view of a picture: Enter on an image message in the
 * thread fetches it from the relay and draws it on the whole terminal,
 * with the kitty graphics protocol or sixel where the terminal speaks
 * them, else block symbols ([ui] images, picmode.h), until a key is
 * pressed.  The screen is handed over as for open_command (endwin, then
 * ncurses repaints everything); the decrypted bytes stay in memory.
 */
#ifndef TTYDESK_PICVIEW_H
#define TTYDESK_PICVIEW_H

struct app;

/* 1 when the thread's selected message is a picture (its view is on the
 * way), 0 when it is not (the key does what it did before). */
int picview_open(struct app *app);

#endif
