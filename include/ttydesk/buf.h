/*
 * A growing byte buffer, kept NUL-terminated so it doubles as a string.
 * Once an allocation fails, failed sticks and every later append is a
 * no-op, so callers may append freely and check once at the end.
 *
 * Ownership: the buffer owns s until buf_take() hands it to the caller.
 * A zeroed struct buf is an empty buffer; set wipe before the first append
 * to have every block it drops zeroed first (plaintext, secrets).
 */
#ifndef TTYDESK_BUF_H
#define TTYDESK_BUF_H

#include <stddef.h>
#include <stdio.h>

struct buf {
	char *s;     /* NULL until the first append */
	size_t len;  /* bytes, excluding the NUL that follows them */
	size_t cap;
	int failed;
	int wipe;
};

/* Grows the block *p of *cap bytes to hold at least need bytes, doubling
 * from 64.  When wipe, the old block is zeroed and freed rather than
 * realloc'd.  Returns 0, or -1 on overflow or when out of memory (*p and
 * *cap are then unchanged).  Byte blocks; arrays of other elements grow
 * with vec_grow (ttydesk/vec.h). */
int buf_grow(char **p, size_t *cap, size_t need, int wipe);

/* buf_add for a block kept outside a struct buf (a transfer's body):
 * appends n bytes at data and a NUL to *p, which holds *len bytes in *cap.
 * 0, or -1 when out of memory (the block is then unchanged). */
int buf_append(char **p, size_t *len, size_t *cap, const void *data,
    size_t n);

/* Room for more bytes (and the NUL) after len; 0 or -1. */
int buf_reserve(struct buf *b, size_t more);
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends the rest of f.  Returns 0, or -1 with errno EFBIG when f holds
 * more than max bytes, ENOMEM when out of memory, EIO on a read error. */
int buf_read_file(struct buf *b, FILE *f, size_t max);
/* Appends sep first unless the buffer is empty. */
int buf_sep(struct buf *b, const char *sep);
/* Hands the string over (caller frees) and empties b; NULL after a
 * failure (b is freed then).  *len gets its length when len != NULL. */
char *buf_take(struct buf *b, size_t *len);
void buf_free(struct buf *b);

#endif
