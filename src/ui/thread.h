/*
 * Thread lines (pure: no curses): day separators, headers, quotes, bodies,
 * media, reactions, failures, system lines.
 */
#ifndef TTYDESK_THREAD_H
#define TTYDESK_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ttydesk/model.h"

struct convui;
struct picture;

/* The picture of an image message at most cols wide, or NULL for the
 * text line (not drawable, loading, failed, images off). */
typedef const struct picture *(*thread_picture_fn)(void *ud,
    const char *conv, const struct td_message *m, size_t cols);

struct thread_ctx {
	const char *self;
	bool utf8;
	int64_t read_seq;
	thread_picture_fn picture; /* NULL: text lines only */
	void *picture_ud;
};
int thread_build(struct convui *cu, const struct td_conversation *c,
    const struct thread_ctx *ctx, size_t width);

#endif
