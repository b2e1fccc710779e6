/*
 * A conversation list row as an attributed line (pure: no curses).
 */
#ifndef TTYDESK_LISTROW_H
#define TTYDESK_LISTROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ttydesk/model.h"
#include "aline.h"

/*
 * Columns: unread count,
 * priority, name, preview, markers, window, age; everything cut to width.
 */
struct row_ctx {
	int64_t now;
	const char *self;
	bool utf8;
	bool selected;
};
int list_format_row(struct aline *out, const struct td_conversation *c,
    const struct row_ctx *ctx, size_t width);
/* The same with the business number's short name in a column of its own
 * (number NULL: none, as with one number). */
int list_format_row_number(struct aline *out, const struct td_conversation *c,
    const struct row_ctx *ctx, size_t width, const char *number);
/* "now", "5m", "3h", "2d", "4w", "2025" */
const char *ui_age(char *buf, size_t len, int64_t now, int64_t ts);
/* One-line, sanitized preview of a message. malloc'd. */
char *ui_message_summary(const struct td_message *m);

#endif
