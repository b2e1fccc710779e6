/*
 * Composing in $VISUAL/$EDITOR (editor.c): the draft goes to a private
 * file, the editor runs on the terminal, the text comes back into the
 * compose buffer and the file is wiped.
 */
#ifndef TTYDESK_EDITOR_H
#define TTYDESK_EDITOR_H

struct app;

/* Compose in $VISUAL/$EDITOR: 0, or -1 when it could not. */
int compose_editor(struct app *app);

#endif
