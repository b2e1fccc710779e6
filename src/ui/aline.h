/*
 * Attributed lines (htop's RichString): UTF-8 text with a style per run,
 * built once when the data changes and drawn many times.  Styles are theme
 * element indexes (theme.h), so a line does not depend on curses.
 *
 * Ownership: an aline owns its text and runs; aline_free() releases them.
 * The struct itself belongs to the caller (often inside an array).
 */
#ifndef TTYDESK_ALINE_H
#define TTYDESK_ALINE_H

#include <stddef.h>

struct arun {
	size_t off;
	size_t len;
	int style;
};

struct aline {
	char *text;
	size_t len;
	size_t cap;
	struct arun *runs;
	size_t n_runs;
	size_t runs_cap;
	size_t width;  /* display columns of text */
	void *tag;     /* owner's pointer (e.g. the message a line belongs to) */
	int kind;      /* owner's line kind */
};

void aline_init(struct aline *l);
void aline_free(struct aline *l);
/* aline_free as the clear of vec_free (ttydesk/vec.h): p is an aline. */
void aline_free_item(void *p);
void aline_clear(struct aline *l);
/* Append len bytes of already sanitized text in a style.  Returns 0 or -1
 * (out of memory). */
int aline_add(struct aline *l, int style, const char *s, size_t len);
int aline_adds(struct aline *l, int style, const char *s);
/* Append text cut to at most cols columns; returns the columns used. */
size_t aline_add_fit(struct aline *l, int style, const char *s, size_t cols);
/* Cut to at most cols columns (never inside a character). */
void aline_truncate(struct aline *l, size_t cols);
/* Append n spaces. */
int aline_pad(struct aline *l, int style, size_t n);
int aline_printf(struct aline *l, int style, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A growing array of lines (a view's content before it is drawn). */
struct aline_list {
	struct aline *v;
	size_t n, cap;
};
/* A new empty line at the end, or NULL when out of memory. */
struct aline *aline_list_add(struct aline_list *ls);
void aline_list_free(struct aline_list *ls);
/* One table cell of exactly w columns: s left or right aligned; wider
 * text is cut and ends in an ellipsis ("..." as "~" without UTF-8). */
void aline_cell(struct aline *l, int style, const char *s, size_t w,
    int right, int utf8);

/*
 * Word wrap: split s (sanitized, may contain '\n') into pieces of at most
 * cols columns, breaking after spaces where possible and inside words only
 * when a word is longer than a line.  Calls fn for each piece (without the
 * newline).  Returns the number of pieces.
 */
typedef int (*wrap_fn)(void *ud, const char *s, size_t len);
size_t text_wrap(const char *s, size_t len, size_t cols, wrap_fn fn, void *ud);

#endif
