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

struct thread_ctx {
	const char *self;
	bool utf8;
	int64_t read_seq;
};
int thread_build(struct convui *cu, const struct td_conversation *c,
    const struct thread_ctx *ctx, size_t width);

#endif
