/*
 * Modal dialogs: a one-line prompt (search, file names, a reason), a y/n
 * confirmation, and a pick-one list (teams, agents, templates).  One at a
 * time; while open it gets every key.  Callbacks run after the dialog is
 * closed, so they may open another.
 *
 * Ownership: the dialog copies label/items; app owns the open dialog.
 */
#ifndef TTYDESK_DIALOG_H
#define TTYDESK_DIALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;

/* text is NULL when cancelled (Esc, C-g). */
typedef void (*dialog_text_fn)(struct app *app, void *ud, const char *text);
/* index: the item picked, 1/0 for yes/no, -1 when cancelled. */
typedef void (*dialog_pick_fn)(struct app *app, void *ud, int index);

/* change (may be NULL) runs after every edit, e.g. incremental search. */
int dialog_prompt(struct app *app, const char *label, const char *initial,
    dialog_text_fn change, dialog_text_fn done, void *ud);
int dialog_confirm(struct app *app, const char *question,
    dialog_pick_fn done, void *ud);
int dialog_choose(struct app *app, const char *title,
    const char *const *items, size_t n, dialog_pick_fn done, void *ud);
/* dialog_choose with n items that row writes (item i into buf, len
 * bytes: DIALOG_ROW_MAX, a longer one is cut), ctx passed along.  Returns
 * what dialog_choose does (-1 also when out of memory). */
#define DIALOG_ROW_MAX 160
typedef void (*dialog_row_fn)(const void *ctx, size_t i, char *buf,
    size_t len);
int dialog_choose_rows(struct app *app, const char *title, size_t n,
    dialog_row_fn row, const void *ctx, dialog_pick_fn done, void *ud);
/* A row for a dialog_choose box: the local day of ts ("2026-12-07", else
 * nodate) then sep1 a sep2 b.  malloc'd, NULL when out of memory. */
char *dialog_day_row(int64_t ts, const char *nodate, const char *sep1,
    const char *a, const char *sep2, const char *b);
/* The same with parts of items marked \x02...\x03 (relay search
 * snippets), drawn highlighted; each part is sanitized on its own. */
int dialog_choose_marked(struct app *app, const char *title,
    const char *const *items, size_t n, dialog_pick_fn done, void *ud);

/* A message box with wrapped text; any key closes it. */
int dialog_notice(struct app *app, const char *title, const char *text);

/* Loop plumbing. */
int dialog_key(struct app *app, int key);
void dialog_draw(struct app *app);
void dialog_resize(struct app *app);
/* A short note after a prompt's text ("no match"); NULL clears it. */
void dialog_note(struct app *app, const char *note);
/* Is the open dialog drawn on the status line (prompt, confirm)? */
bool dialog_on_status_line(const struct app *app);
/* Close (e.g. on quit): the callback gets the cancel value (NULL / -1),
 * so it can free its ud, and must not count on a new dialog. */
void dialog_discard(struct app *app);

#endif
