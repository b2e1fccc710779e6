/*
 * The members a struct owns freed in one line, FREE_ALL(c->name,
 * c->number, c->note), instead of a free() a line: a free function then
 * says in one place what the struct owns.
 */
#ifndef TTYDESK_FREEALL_H
#define TTYDESK_FREEALL_H

#include <stddef.h>

/* Frees the n pointers of p (NULL ones are fine). */
void free_each(void *const *p, size_t n);

/* free() of every argument, each a pointer (not const) or NULL. */
#define FREE_ALL(...) free_each((void *const[]){ __VA_ARGS__ }, \
    sizeof (void *const[]){ __VA_ARGS__ } / sizeof (void *))

#endif
