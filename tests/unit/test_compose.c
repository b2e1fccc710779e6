/* The compose buffer: UTF-8, wide characters, cursor movement, word
 * delete, long pastes, layout (no curses). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cbuf.h"

static void
type(struct cbuf *b, const char *s)
{
	CHECK_INT(cbuf_insert(b, s), 0);
}

static void
test_insert_and_move(void)
{
	struct cbuf b;

	cbuf_init(&b);
	type(&b, "héllo");
	CHECK_STR(b.s, "héllo");
	CHECK_INT(b.cur, 6);
	CHECK_INT(cbuf_chars(&b), 5);
	cbuf_left(&b);
	cbuf_left(&b);
	cbuf_left(&b);
	cbuf_left(&b);
	CHECK_INT(b.cur, 1); /* before é (two bytes) */
	cbuf_right(&b);
	CHECK_INT(b.cur, 3);
	cbuf_insert_cp(&b, 0x4e16); /* 世, wide */
	CHECK_STR(b.s, "hé世llo");
	cbuf_backspace(&b);
	CHECK_STR(b.s, "héllo");
	cbuf_backspace(&b);
	CHECK_STR(b.s, "hllo");
	CHECK_INT(b.cur, 1);
	cbuf_delete(&b);
	CHECK_STR(b.s, "hlo");
	cbuf_home(&b);
	CHECK_INT(b.cur, 0);
	cbuf_left(&b); /* at the start: stays */
	cbuf_backspace(&b);
	CHECK_STR(b.s, "hlo");
	cbuf_end(&b);
	CHECK_INT(b.cur, 3);
	cbuf_right(&b);
	CHECK_INT(b.cur, 3);
	cbuf_free(&b);
}

static void
test_graphemes(void)
{
	struct cbuf b;

	cbuf_init(&b);
	/* e + combining acute, then a family emoji (ZWJ sequence). */
	type(&b, "e\xcc\x81" "x" "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9");
	cbuf_backspace(&b); /* the whole family */
	CHECK_STR(b.s, "e\xcc\x81" "x");
	cbuf_left(&b);
	cbuf_left(&b); /* over e + accent at once */
	CHECK_INT(b.cur, 0);
	cbuf_right(&b);
	CHECK_INT(b.cur, 3);
	cbuf_free(&b);
}

static void
test_controls_are_not_text(void)
{
	struct cbuf b;

	cbuf_init(&b);
	CHECK_INT(cbuf_insert_cp(&b, 0x1b), 0);
	CHECK_INT(cbuf_insert_cp(&b, 0x9b), 0);   /* C1 CSI */
	CHECK_INT(cbuf_insert_cp(&b, 0x202e), 0); /* RLO */
	CHECK_INT(b.len, 0);
	cbuf_insert_cp(&b, '\r'); /* Enter is a new line */
	cbuf_insert_cp(&b, '\t');
	CHECK_STR(b.s, "\n ");
	/* Pasted or editor text loses escapes, keeps lines. */
	CHECK_INT(cbuf_set(&b, "a\x1b[2Jb\nc\x1b]0;title\x07"), 0);
	CHECK_STR(b.s, "ab\nc");
	cbuf_free(&b);
}

static void
test_word_delete_and_kill(void)
{
	struct cbuf b;

	cbuf_init(&b);
	type(&b, "hello big  world  ");
	cbuf_delete_word(&b);
	CHECK_STR(b.s, "hello big  ");
	cbuf_delete_word(&b);
	CHECK_STR(b.s, "hello ");
	cbuf_set(&b, "ünïcode wörds");
	cbuf_delete_word(&b);
	CHECK_STR(b.s, "ünïcode ");
	cbuf_word_left(&b);
	CHECK_INT(b.cur, 0);
	cbuf_word_right(&b);
	CHECK_INT(b.cur, strlen("ünïcode"));
	cbuf_set(&b, "line one\nline two");
	cbuf_kill_bol(&b);
	CHECK_STR(b.s, "line one\n");
	cbuf_kill_bol(&b); /* at a line start: joins */
	CHECK_STR(b.s, "line one");
	cbuf_home(&b);
	cbuf_word_right(&b);
	cbuf_kill_eol(&b);
	CHECK_STR(b.s, "line");
	cbuf_free(&b);
}

static void
test_layout_and_vertical(void)
{
	struct cbuf b;
	struct crow *rows;
	size_t n, row, col;

	cbuf_init(&b);
	/* 10 columns: "abcdefghij" fills a row, 世 (2 cols) wraps whole. */
	type(&b, "abcdefghi世x\nshort");
	CHECK_INT(cbuf_layout(&b, 10, &rows, &n, &row, &col), 0);
	CHECK_INT(n, 3);
	CHECK_INT(rows[0].len, 9);
	CHECK_INT(rows[1].cols, 3);
	CHECK_INT(rows[2].len, 5);
	CHECK_INT(row, 2);
	CHECK_INT(col, 5);
	free(rows);
	cbuf_up(&b, 10);
	cbuf_layout(&b, 10, &rows, &n, &row, &col);
	CHECK_INT(row, 1);
	CHECK_INT(col, 3); /* end of the shorter row */
	free(rows);
	cbuf_up(&b, 10);
	cbuf_layout(&b, 10, &rows, &n, &row, &col);
	CHECK_INT(row, 0);
	CHECK_INT(col, 3);
	free(rows);
	cbuf_up(&b, 10); /* top row: to the start */
	CHECK_INT(b.cur, 0);
	cbuf_down(&b, 10);
	cbuf_down(&b, 10);
	cbuf_down(&b, 10); /* last row: to the end */
	CHECK_INT(b.cur, b.len);
	/* Empty text: one row, cursor at 0,0. */
	cbuf_clear(&b);
	CHECK_INT(cbuf_layout(&b, 10, &rows, &n, &row, &col), 0);
	CHECK_INT(n, 1);
	CHECK_INT(row, 0);
	free(rows);
	CHECK(cbuf_blank(&b));
	cbuf_free(&b);
}

static void
test_long_paste(void)
{
	struct cbuf b;
	size_t i;

	cbuf_init(&b);
	/* A paste arrives key by key. */
	for (i = 0; i < 5000; i++)
		cbuf_insert_cp(&b, i % 50 == 49 ? '\r' : 0xe9);
	CHECK_INT(cbuf_chars(&b), 5000);
	CHECK_INT(b.len, 5000 + 4900);
	CHECK(cbuf_chars(&b) > 4096); /* the counter shows the excess */
	cbuf_free(&b);
	CHECK(b.s == NULL);
}

int
main(void)
{
	RUN(test_insert_and_move);
	RUN(test_graphemes);
	RUN(test_controls_are_not_text);
	RUN(test_word_delete_and_kill);
	RUN(test_layout_and_vertical);
	RUN(test_long_paste);
	return check_done();
}
