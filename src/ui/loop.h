/*
 * The poll loop (loop.c): terminal keys, signals through a self-pipe, and
 * the relay client's sockets, with one repaint per turn.
 */
#ifndef TTYDESK_LOOP_H
#define TTYDESK_LOOP_H

struct app;

/* Run until quit.  Curses must be up (ui_start).  0 or -1. */
int loop_run(struct app *app);

#endif
