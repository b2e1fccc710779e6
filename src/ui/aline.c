/* Attributed lines and word wrapping. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "ttydesk/sanitize.h"
#include "ttydesk/vec.h"
#include "aline.h"
#include "theme.h"

void
aline_init(struct aline *l)
{
	memset(l, 0, sizeof *l);
}

void
aline_free(struct aline *l)
{
	free(l->text);
	free(l->runs);
	aline_init(l);
}

void
aline_free_item(void *p)
{
	aline_free(p);
}

void
aline_clear(struct aline *l)
{
	l->len = 0;
	l->n_runs = 0;
	l->width = 0;
	if (l->text != NULL)
		l->text[0] = '\0';
}

static int
aline_grow(struct aline *l, size_t more)
{
	return buf_grow(&l->text, &l->cap, l->len + more + 1, 0);
}

int
aline_add(struct aline *l, int style, const char *s, size_t len)
{
	struct arun *r;

	if (len == 0)
		return 0;
	if (aline_grow(l, len) != 0)
		return -1;
	if (l->n_runs > 0 && l->runs[l->n_runs - 1].style == style) {
		l->runs[l->n_runs - 1].len += len;
	} else {
		if (vec_grow(&l->runs, &l->runs_cap, l->n_runs + 1,
		    sizeof *l->runs) != 0)
			return -1;
		r = &l->runs[l->n_runs++];
		r->off = l->len;
		r->len = len;
		r->style = style;
	}
	memcpy(l->text + l->len, s, len);
	l->len += len;
	l->text[l->len] = '\0';
	l->width += text_width(s, len);
	return 0;
}

int
aline_adds(struct aline *l, int style, const char *s)
{
	return aline_add(l, style, s, strlen(s));
}

size_t
aline_add_fit(struct aline *l, int style, const char *s, size_t cols)
{
	size_t used = 0, n;

	n = text_fit(s, strlen(s), cols, &used);
	if (aline_add(l, style, s, n) != 0)
		return 0;
	return used;
}

void
aline_truncate(struct aline *l, size_t cols)
{
	size_t i, used = 0, got, n;

	if (l->width <= cols)
		return;
	for (i = 0; i < l->n_runs; i++) {
		struct arun *r = &l->runs[i];
		n = text_fit(l->text + r->off, r->len, cols - used, &got);
		used += got;
		if (n < r->len) {
			r->len = n;
			l->n_runs = n > 0 ? i + 1 : i;
			l->len = r->off + n;
			break;
		}
	}
	l->text[l->len] = '\0';
	l->width = used;
}

int
aline_pad(struct aline *l, int style, size_t n)
{
	static const char spaces[] = "                                ";
	size_t k;

	while (n > 0) {
		k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		if (aline_add(l, style, spaces, k) != 0)
			return -1;
		n -= k;
	}
	return 0;
}

int
aline_printf(struct aline *l, int style, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	return aline_add(l, style, buf, strlen(buf));
}

/* One paragraph (no '\n'). */
static size_t
wrap_para(const char *s, size_t len, size_t cols, wrap_fn fn, void *ud)
{
	size_t pieces = 0, used, fit, cut, i;

	if (len == 0) {
		fn(ud, s, 0);
		return 1;
	}
	while (len > 0) {
		fit = text_fit(s, len, cols, &used);
		if (fit == 0) {
			/* A character wider than the line: take it anyway. */
			uint32_t cp;
			fit = utf8_decode(s, len, &cp);
		}
		cut = fit;
		if (fit < len) {
			/* Break after the last space inside the piece. */
			for (i = fit; i > 0; i--) {
				if (s[i - 1] == ' ')
					break;
			}
			if (i > 0)
				cut = i;
		}
		/* Trailing spaces of a wrapped piece are not shown. */
		fit = cut;
		while (fit > 0 && cut < len && s[fit - 1] == ' ')
			fit--;
		fn(ud, s, fit);
		pieces++;
		s += cut;
		len -= cut;
		while (len > 0 && *s == ' ' && pieces > 0) {
			s++;
			len--;
		}
	}
	return pieces;
}

size_t
text_wrap(const char *s, size_t len, size_t cols, wrap_fn fn, void *ud)
{
	const char *nl;
	size_t pieces = 0, n;

	if (cols == 0)
		cols = 1;
	for (;;) {
		nl = memchr(s, '\n', len);
		n = nl != NULL ? (size_t)(nl - s) : len;
		pieces += wrap_para(s, n, cols, fn, ud);
		if (nl == NULL)
			break;
		s += n + 1;
		len -= n + 1;
	}
	return pieces;
}

struct aline *
aline_list_add(struct aline_list *ls)
{
	if (vec_grow(&ls->v, &ls->cap, ls->n + 1, sizeof *ls->v) != 0)
		return NULL;
	aline_init(&ls->v[ls->n]);
	return &ls->v[ls->n++];
}

void
aline_list_free(struct aline_list *ls)
{
	vec_free(&ls->v, &ls->n, sizeof *ls->v, aline_free_item);
	ls->cap = 0;
}

void
aline_cell(struct aline *l, int style, const char *s, size_t w, int right,
    int utf8)
{
	size_t tw = text_width(s, strlen(s)), used;

	if (w == 0)
		return;
	if (tw > w) {
		used = aline_add_fit(l, style, s, w - 1);
		aline_adds(l, style, utf8 ? "\xe2\x80\xa6" : "~");
		aline_pad(l, TH_NORMAL, w - 1 - used);
		return;
	}
	if (right)
		aline_pad(l, TH_NORMAL, w - tw);
	aline_adds(l, style, s);
	if (!right)
		aline_pad(l, TH_NORMAL, w - tw);
}
