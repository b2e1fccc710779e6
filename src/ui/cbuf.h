/*
 * The compose buffer: multi-line UTF-8 text with a cursor, edited a
 * character (grapheme: a base plus its combining marks, or an emoji ZWJ
 * sequence) at a time.  No curses here, so unit tests drive it directly.
 *
 * The cursor is a byte offset that always sits on a character boundary.
 * Rows are the text wrapped at a column width (characters, not words, so
 * the cursor's screen position is exact); a wide character that does not
 * fit at the end of a row starts the next one.
 *
 * Ownership: a struct cbuf owns its text; cbuf_free() wipes and frees it
 * (drafts are customer conversation text).
 */
#ifndef TTYDESK_CBUF_H
#define TTYDESK_CBUF_H

#include <stddef.h>
#include <stdint.h>

struct cbuf {
	char *s;     /* NUL-terminated, valid UTF-8, no control characters
	              * but '\n' */
	size_t len;
	size_t cap;
	size_t cur;  /* byte offset of the cursor */
};

struct crow {
	size_t off;  /* first byte */
	size_t len;  /* bytes, without the '\n' */
	size_t cols; /* display columns */
};

void cbuf_init(struct cbuf *b);
void cbuf_free(struct cbuf *b);
void cbuf_clear(struct cbuf *b);
/* Replace the text (sanitized: escapes and controls go, '\n' and tabs
 * stay as '\n' and spaces); the cursor goes to the end.  0 or -1. */
int cbuf_set(struct cbuf *b, const char *text);
/* Insert sanitized text / one code point at the cursor.  0 or -1 (out of
 * memory, or a code point that is not text: those are ignored, 0). */
int cbuf_insert(struct cbuf *b, const char *text);
int cbuf_insert_cp(struct cbuf *b, uint32_t cp);

void cbuf_left(struct cbuf *b);
void cbuf_right(struct cbuf *b);
void cbuf_word_left(struct cbuf *b);
void cbuf_word_right(struct cbuf *b);
void cbuf_home(struct cbuf *b);   /* start of the line */
void cbuf_end(struct cbuf *b);    /* end of the line */
void cbuf_backspace(struct cbuf *b);
void cbuf_delete(struct cbuf *b);
/* C-w: the spaces, then the word before the cursor. */
void cbuf_delete_word(struct cbuf *b);
/* C-u: from the start of the line to the cursor; C-k: to the end. */
void cbuf_kill_bol(struct cbuf *b);
void cbuf_kill_eol(struct cbuf *b);
/* Move a row up/down in the layout at width, keeping the column. */
void cbuf_up(struct cbuf *b, size_t width);
void cbuf_down(struct cbuf *b, size_t width);

/* Characters as the relay counts them (code points). */
size_t cbuf_chars(const struct cbuf *b);
/* True when the text is only white space. */
int cbuf_blank(const struct cbuf *b);

/* The rows at width (malloc'd into *rows, *n of them, at least one) and
 * the cursor's row and column.  0 or -1 (out of memory). */
int cbuf_layout(const struct cbuf *b, size_t width, struct crow **rows,
    size_t *n, size_t *cur_row, size_t *cur_col);

#endif
