/* The growing buffer of ttydesk/buf.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ttydesk/buf.h"
#include "ttydesk/vec.h"

int
buf_grow(char **p, size_t *cap, size_t need, int wipe)
{
	size_t nc;
	char *np;

	if (need <= *cap)
		return 0;
	if (vec_capacity(*cap, need, 64, &nc) != 0)
		return -1;
	if (!wipe) {
		if ((np = realloc(*p, nc)) == NULL)
			return -1;
	} else {
		if ((np = malloc(nc)) == NULL)
			return -1;
		if (*p != NULL) {
			memcpy(np, *p, *cap);
			sodium_memzero(*p, *cap);
			free(*p);
		}
	}
	*p = np;
	*cap = nc;
	return 0;
}

int
buf_append(char **p, size_t *len, size_t *cap, const void *data, size_t n)
{
	if (n >= SIZE_MAX - *len || buf_grow(p, cap, *len + n + 1, 0) != 0)
		return -1;
	if (n > 0)
		memcpy(*p + *len, data, n);
	*len += n;
	(*p)[*len] = '\0';
	return 0;
}

int
buf_reserve(struct buf *b, size_t more)
{
	if (b->failed)
		return -1;
	if (more >= SIZE_MAX - b->len ||
	    buf_grow(&b->s, &b->cap, b->len + more + 1, b->wipe) != 0) {
		b->failed = 1;
		return -1;
	}
	return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) != 0)
		return -1;
	if (n > 0)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return -1;
	}
	if (buf_reserve(b, (size_t)n) != 0)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_read_file(struct buf *b, FILE *f, size_t max)
{
	size_t r;

	do {
		if (buf_reserve(b, 4096) != 0) {
			errno = ENOMEM;
			return -1;
		}
		r = fread(b->s + b->len, 1, b->cap - b->len - 1, f);
		b->len += r;
		b->s[b->len] = '\0';
		if (b->len > max) {
			errno = EFBIG;
			return -1;
		}
	} while (r != 0);
	if (ferror(f)) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int
buf_sep(struct buf *b, const char *sep)
{
	return b->len > 0 ? buf_adds(b, sep) : 0;
}

char *
buf_take(struct buf *b, size_t *len)
{
	char *s = NULL;

	if (!b->failed && buf_reserve(b, 0) == 0) {
		b->s[b->len] = '\0';
		s = b->s;
		if (len != NULL)
			*len = b->len;
		b->s = NULL;
	}
	buf_free(b);
	return s;
}

void
buf_free(struct buf *b)
{
	int wipe = b->wipe;

	if (b->s != NULL && wipe)
		sodium_memzero(b->s, b->cap);
	free(b->s);
	memset(b, 0, sizeof *b);
	b->wipe = wipe;
}
