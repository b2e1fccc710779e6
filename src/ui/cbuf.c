/* The compose buffer (see cbuf.h). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "ttydesk/sanitize.h"
#include "ttydesk/vec.h"
#include "ttydesk/wipe.h"
#include "cbuf.h"

#define ZWJ 0x200du

void
cbuf_init(struct cbuf *b)
{
	memset(b, 0, sizeof *b);
}

void
cbuf_free(struct cbuf *b)
{
	if (b->s != NULL) {
		sodium_memzero(b->s, b->cap);
		free(b->s);
	}
	memset(b, 0, sizeof *b);
}

void
cbuf_clear(struct cbuf *b)
{
	if (b->s != NULL) {
		sodium_memzero(b->s, b->cap);
		b->s[0] = '\0';
	}
	b->len = b->cur = 0;
}

static int
cbuf_reserve(struct cbuf *b, size_t more)
{
	int fresh = b->s == NULL;

	/* Wiped, not realloc'd: the old block would keep the text behind. */
	if (buf_grow(&b->s, &b->cap, b->len + more + 1, 1) != 0)
		return -1;
	if (fresh)
		b->s[0] = '\0';
	return 0;
}

/* Raw insert of bytes already known to be clean. */
static int
cbuf_put(struct cbuf *b, const char *s, size_t n)
{
	if (cbuf_reserve(b, n) != 0)
		return -1;
	memmove(b->s + b->cur + n, b->s + b->cur, b->len - b->cur + 1);
	memcpy(b->s + b->cur, s, n);
	b->len += n;
	b->cur += n;
	return 0;
}

int
cbuf_insert(struct cbuf *b, const char *text)
{
	char *clean, *p;
	int rc;

	if (text == NULL)
		return 0;
	if ((clean = sanitize_text(text, strlen(text), 0)) == NULL)
		return -1;
	for (p = clean; *p != '\0'; p++) {
		if (*p == '\t')
			*p = ' ';
	}
	rc = cbuf_put(b, clean, strlen(clean));
	wipe_str_free(clean);
	return rc;
}

int
cbuf_set(struct cbuf *b, const char *text)
{
	cbuf_clear(b);
	return cbuf_insert(b, text);
}

int
cbuf_insert_cp(struct cbuf *b, uint32_t cp)
{
	char u[5];
	size_t n;

	if (cp == '\r')
		cp = '\n';
	if (cp == '\t')
		cp = ' ';
	if ((cp < 0x20 && cp != '\n') || (cp >= 0x7f && cp < 0xa0) ||
	    (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff)
		return 0;
	n = utf8_encode(cp, u);
	u[n] = '\0';
	if (cp >= 0x80) {
		/* Bidi controls are what sanitize_text removes; keep parity. */
		if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 &&
		    cp <= 0x2069) || cp == 0x200e || cp == 0x200f)
			return 0;
	}
	return cbuf_put(b, u, n);
}

/* The code point at byte i (and its length). */
static size_t
cp_at(const struct cbuf *b, size_t i, uint32_t *cp)
{
	return utf8_decode(b->s + i, b->len - i, cp);
}

/* Start of the code point that ends at byte i. */
static size_t
cp_before(const struct cbuf *b, size_t i)
{
	while (i > 0) {
		i--;
		if (((unsigned char)b->s[i] & 0xc0) != 0x80)
			break;
	}
	return i;
}

/* End of the character (grapheme) starting at byte i. */
static size_t
char_end(const struct cbuf *b, size_t i)
{
	uint32_t cp, prev;
	size_t n;

	if (i >= b->len)
		return b->len;
	n = cp_at(b, i, &prev);
	i += n;
	if (prev == '\n')
		return i;
	while (i < b->len) {
		n = cp_at(b, i, &cp);
		if (cp == '\n')
			break;
		if (cp_width(cp) != 0 && prev != ZWJ)
			break;
		if (cp >= 0x1f1e6 && cp <= 0x1f1ff && prev >= 0x1f1e6 &&
		    prev <= 0x1f1ff)
			break;
		i += n;
		prev = cp;
	}
	return i;
}

/* Start of the character that ends at byte i. */
static size_t
char_start(const struct cbuf *b, size_t i)
{
	size_t j = i, k, start = 0;

	/* Scan forward from the line start: exact, and lines are short. */
	while (j > 0 && b->s[j - 1] != '\n')
		j--;
	if (j == i)
		return i > 0 ? i - 1 : 0; /* the newline before */
	for (k = j; k < i; k = char_end(b, k))
		start = k;
	return start;
}

void
cbuf_left(struct cbuf *b)
{
	if (b->cur > 0)
		b->cur = char_start(b, b->cur);
}

void
cbuf_right(struct cbuf *b)
{
	b->cur = char_end(b, b->cur);
}

static int
is_space_at(const struct cbuf *b, size_t i)
{
	return b->s[i] == ' ' || b->s[i] == '\n';
}

void
cbuf_word_left(struct cbuf *b)
{
	while (b->cur > 0 && is_space_at(b, cp_before(b, b->cur)))
		b->cur = cp_before(b, b->cur);
	while (b->cur > 0 && !is_space_at(b, cp_before(b, b->cur)))
		b->cur = char_start(b, b->cur);
}

void
cbuf_word_right(struct cbuf *b)
{
	while (b->cur < b->len && is_space_at(b, b->cur))
		b->cur++;
	while (b->cur < b->len && !is_space_at(b, b->cur))
		b->cur = char_end(b, b->cur);
}

void
cbuf_home(struct cbuf *b)
{
	while (b->cur > 0 && b->s[b->cur - 1] != '\n')
		b->cur--;
}

void
cbuf_end(struct cbuf *b)
{
	while (b->cur < b->len && b->s[b->cur] != '\n')
		b->cur++;
}

/* Remove bytes [from, to); the cursor goes to from. */
static void
cbuf_cut(struct cbuf *b, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(b->s + from, b->s + to, b->len - to + 1);
	b->len -= to - from;
	sodium_memzero(b->s + b->len + 1, to - from);
	b->cur = from;
}

void
cbuf_backspace(struct cbuf *b)
{
	size_t end = b->cur;

	if (b->cur == 0)
		return;
	cbuf_cut(b, char_start(b, end), end);
}

void
cbuf_delete(struct cbuf *b)
{
	cbuf_cut(b, b->cur, char_end(b, b->cur));
}

void
cbuf_delete_word(struct cbuf *b)
{
	size_t end = b->cur;

	cbuf_word_left(b);
	cbuf_cut(b, b->cur, end);
}

void
cbuf_kill_bol(struct cbuf *b)
{
	size_t end = b->cur;

	cbuf_home(b);
	if (b->cur == end && end > 0) /* at a line start: join the lines */
		b->cur--;
	cbuf_cut(b, b->cur, end);
}

void
cbuf_kill_eol(struct cbuf *b)
{
	size_t start = b->cur;

	cbuf_end(b);
	if (b->cur == start && start < b->len) /* at a line end: join */
		b->cur++;
	cbuf_cut(b, start, b->cur);
}

size_t
cbuf_chars(const struct cbuf *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->len; i++) {
		if (((unsigned char)b->s[i] & 0xc0) != 0x80)
			n++;
	}
	return n;
}

int
cbuf_blank(const struct cbuf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++) {
		if (b->s[i] != ' ' && b->s[i] != '\n')
			return 0;
	}
	return 1;
}

static int
rows_add(struct crow **rows, size_t *n, size_t *cap, size_t off, size_t len,
    size_t cols)
{
	if (vec_grow(rows, cap, *n + 1, sizeof **rows) != 0)
		return -1;
	(*rows)[*n].off = off;
	(*rows)[*n].len = len;
	(*rows)[*n].cols = cols;
	(*n)++;
	return 0;
}

int
cbuf_layout(const struct cbuf *b, size_t width, struct crow **rows,
    size_t *n, size_t *cur_row, size_t *cur_col)
{
	size_t cap = 0, i = 0, start = 0, cols = 0, e = 0, w = 0;
	int found = 0, eol;

	*rows = NULL;
	*n = 0;
	*cur_row = *cur_col = 0;
	if (width < 2)
		width = 2;
	for (;;) {
		eol = i >= b->len || b->s[i] == '\n';
		if (!eol) {
			e = char_end(b, i);
			w = text_width(b->s + i, e - i);
			if (cols + w > width && cols > 0) {
				if (rows_add(rows, n, &cap, start, i - start,
				    cols) != 0)
					goto fail;
				start = i;
				cols = 0;
			}
		}
		if (!found && i == b->cur) {
			*cur_row = *n;
			/* A full row's end: the terminal's last column. */
			*cur_col = cols < width ? cols : width - 1;
			found = 1;
		}
		if (eol) {
			if (rows_add(rows, n, &cap, start, i - start, cols) != 0)
				goto fail;
			if (i >= b->len)
				break;
			start = ++i;
			cols = 0;
			continue;
		}
		cols += w;
		i = e;
	}
	return 0;
fail:
	free(*rows);
	*rows = NULL;
	*n = 0;
	return -1;
}

/* Byte offset in row r at display column col (not past the row). */
static size_t
row_offset(const struct cbuf *b, const struct crow *r, size_t col)
{
	size_t i = r->off, end = r->off + r->len, used = 0, e, w;

	while (i < end) {
		e = char_end(b, i);
		w = text_width(b->s + i, e - i);
		if (used + w > col)
			break;
		used += w;
		i = e;
	}
	return i;
}

static void
cbuf_vmove(struct cbuf *b, size_t width, int dir)
{
	struct crow *rows;
	size_t n, row, col;

	if (cbuf_layout(b, width, &rows, &n, &row, &col) != 0)
		return;
	if (dir < 0 && row > 0)
		b->cur = row_offset(b, &rows[row - 1], col);
	else if (dir > 0 && row + 1 < n)
		b->cur = row_offset(b, &rows[row + 1], col);
	else if (dir < 0)
		b->cur = 0;
	else
		b->cur = b->len;
	free(rows);
}

void
cbuf_up(struct cbuf *b, size_t width)
{
	cbuf_vmove(b, width, -1);
}

void
cbuf_down(struct cbuf *b, size_t width)
{
	cbuf_vmove(b, width, 1);
}
