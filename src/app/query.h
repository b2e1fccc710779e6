/*
 * A relay query whose answer is decoded into a value (the archive, the
 * relay's search, reports, the team): GET a path; a 200 answer is parsed
 * into the value by the kind's parse, any other status becomes the
 * relay's error text; the kind's deliver hands the value to the module's
 * own typed callback, and the value is cleared after.  Each module
 * writes its parse, its clear and the one line that calls its callback
 * (query_fn cast back to its own type: the module's query function takes
 * the typed callback, so the cast never meets a stranger).
 *
 * Ownership: the value lives only during deliver (which may move parts
 * out, leaving what clear can still free).
 */
#ifndef TTYDESK_QUERY_H
#define TTYDESK_QUERY_H

#include <stddef.h>

#include "net_answer.h"

struct app;
struct query;

/* A module's typed callback, kept as a generic function pointer. */
typedef void (*query_fn)(void);

/* The largest value a kind decodes into. */
#define QUERY_VALUE_MAX 256

struct query_kind {
	const char *what;       /* names the answer in errors ("report") */
	size_t size;            /* of the value, at most QUERY_VALUE_MAX */
	net_parse_fn parse;     /* the answer's root into the zeroed value */
	void (*clear)(void *value); /* frees what parse left, even half done */
	/* Status 200 with the value; else -1 (a bad answer: why is the
	 * parse's error) or the relay's status (why: its error text; 0:
	 * the request did not complete) with a zeroed value. */
	void (*deliver)(struct app *app, const struct query *q, long status,
	    void *value, const char *why);
};

struct query {
	const struct query_kind *kind;
	query_fn done;          /* the module's callback */
	void *ud;               /* its ud */
};

/* Parse body into value as a 200 answer is: 0, or -1 with err and the
 * value cleared (zeroed). */
int query_parse(const struct query_kind *kind, const char *body, size_t len,
    void *value, char *err, size_t errlen);

/* GET path; kind->deliver gets the answer with done and ud.  0, or -1
 * with err. */
int query_get(struct app *app, const char *path,
    const struct query_kind *kind, query_fn done, void *ud, char *err,
    size_t errlen);

#endif
