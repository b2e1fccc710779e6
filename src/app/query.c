/*
 * Relay queries with decoded answers (query.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "outbox.h"
#include "query.h"

union query_value {
	max_align_t align;
	unsigned char bytes[QUERY_VALUE_MAX];
};

int
query_parse(const struct query_kind *kind, const char *body, size_t len,
    void *value, char *err, size_t errlen)
{
	memset(value, 0, kind->size);
	if (net_answer_parse(body, len, kind->what, kind->parse, value, err,
	    errlen) != 0) {
		kind->clear(value);
		memset(value, 0, kind->size);
		return -1;
	}
	return 0;
}

static void
query_answer(struct app *app, void *ud, long status, const char *body,
    size_t len, const char *err)
{
	struct query *q = ud;
	const struct query_kind *k = q->kind;
	union query_value v;
	char why[300] = "";

	memset(&v, 0, sizeof v);
	if (status == 200 && query_parse(k, body, len, &v, why,
	    sizeof why) != 0)
		status = -1;
	else if (status != 200)
		obx_error_text(why, sizeof why, status, body, err);
	k->deliver(app, q, status, &v, why);
	k->clear(&v);
}

int
query_get(struct app *app, const char *path,
    const struct query_kind *kind, query_fn done, void *ud, char *err,
    size_t errlen)
{
	struct query q = { kind, done, ud };

	if (kind->size > QUERY_VALUE_MAX) {
		snprintf(err, errlen, "the %s does not fit a query", kind->what);
		return -1;
	}
	return app_get_ctx(app, path, query_answer, &q, sizeof q, err, errlen);
}
