/* The compose area's editing keys (composekeys.h). */
#include <stdbool.h>

#include "app.h"
#include "cbuf.h"
#include "compose.h"
#include "composekeys.h"
#include "picker.h"
#include "ui.h"

static struct cbuf *
ck_buf(struct app *app)
{
	return &ui_of(app)->composer->buf;
}

static int
ck_cancel(struct app *app)
{
	compose_cancel(app);
	return UI_HANDLED;
}

static int
ck_newline(struct app *app)
{
	cbuf_insert_cp(ck_buf(app), '\n');
	return UI_HANDLED;
}

static int
ck_backspace(struct app *app)
{
	cbuf_backspace(ck_buf(app));
	return UI_HANDLED;
}

static int
ck_delete(struct app *app)
{
	cbuf_delete(ck_buf(app));
	return UI_HANDLED;
}

static int
ck_delete_word(struct app *app)
{
	cbuf_delete_word(ck_buf(app));
	return UI_HANDLED;
}

static int
ck_kill_start(struct app *app)
{
	cbuf_kill_bol(ck_buf(app));
	return UI_HANDLED;
}

static int
ck_kill_end(struct app *app)
{
	cbuf_kill_eol(ck_buf(app));
	return UI_HANDLED;
}

static int
ck_start(struct app *app)
{
	cbuf_home(ck_buf(app));
	return UI_HANDLED;
}

static int
ck_end(struct app *app)
{
	cbuf_end(ck_buf(app));
	return UI_HANDLED;
}

static int
ck_left(struct app *app)
{
	cbuf_left(ck_buf(app));
	return UI_HANDLED;
}

static int
ck_right(struct app *app)
{
	cbuf_right(ck_buf(app));
	return UI_HANDLED;
}

static int
ck_word_left(struct app *app)
{
	cbuf_word_left(ck_buf(app));
	return UI_HANDLED;
}

static int
ck_word_right(struct app *app)
{
	cbuf_word_right(ck_buf(app));
	return UI_HANDLED;
}

/* Up and down move by screen rows of the compose area's width. */
static int
ck_up(struct app *app)
{
	cbuf_up(ck_buf(app), ui_of(app)->composer->wrap);
	return UI_HANDLED;
}

static int
ck_down(struct app *app)
{
	cbuf_down(ck_buf(app), ui_of(app)->composer->wrap);
	return UI_HANDLED;
}

const struct action_def compose_action_table[] = {
	{"cancel", "Esc, C-g", "close the compose area, keeping the text as "
	    "a draft", ck_cancel, 0, NULL},
	{"newline", "Enter, C-j", "a new line in the text", ck_newline, 0,
	    NULL},
	{"backspace", "Backspace, C-h", "delete the character before the "
	    "cursor", ck_backspace, 0, NULL},
	{"delete", "Delete, C-d", "delete the character under the cursor",
	    ck_delete, 0, NULL},
	{"delete_word", "C-w", "delete the word before the cursor",
	    ck_delete_word, 0, NULL},
	{"kill_to_start", "C-u", "delete to the start of the line",
	    ck_kill_start, 0, NULL},
	{"kill_to_end", "C-k", "delete to the end of the line", ck_kill_end,
	    0, NULL},
	{"line_start", "C-a, Home", "to the start of the line", ck_start, 0,
	    NULL},
	{"line_end", "C-e, End", "to the end of the line", ck_end, 0, NULL},
	{"left", "Left", "one character left", ck_left, 0, NULL},
	{"right", "Right", "one character right", ck_right, 0, NULL},
	{"up", "Up", "one row up", ck_up, 0, NULL},
	{"down", "Down", "one row down", ck_down, 0, NULL},
	{"word_left", "M-b", "one word left", ck_word_left, 0, NULL},
	{"word_right", "M-f", "one word right", ck_word_right, 0, NULL},
	{"canned", "C-t", "insert a canned reply", picker_canned, 0, NULL},
};
const size_t compose_action_count = sizeof compose_action_table /
    sizeof compose_action_table[0];

int
composekeys_build(struct keymap *km, const struct ini *ini, char *err,
    size_t errlen)
{
	return keymap_build_section(km, compose_action_table,
	    compose_action_count, ini, "compose_keys", err, errlen);
}
