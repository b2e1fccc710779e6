/* Read receipts (see receipt.h). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "receipt.h"
#include "net.h"

struct receipt {
	char *conv;
	char *msg;  /* sent or in flight; NULL after a failure */
};

struct receipts {
	struct receipt **r;
	size_t n;
};

static struct receipt *
receipt_get(struct app *app, const char *conv)
{
	struct receipts *rs = app->receipts;
	struct receipt **n, *r;
	size_t i;

	if (rs == NULL && (rs = app->receipts = calloc(1, sizeof *rs)) == NULL)
		return NULL;
	for (i = 0; i < rs->n; i++) {
		if (strcmp(rs->r[i]->conv, conv) == 0)
			return rs->r[i];
	}
	if ((n = realloc(rs->r, (rs->n + 1) * sizeof *n)) == NULL)
		return NULL;
	rs->r = n;
	if ((r = calloc(1, sizeof *r)) == NULL || (r->conv = strdup(conv)) ==
	    NULL) {
		free(r);
		return NULL;
	}
	rs->r[rs->n++] = r;
	return r;
}

static void
receipt_done(struct app *app, void *ud, long status, const char *body,
    size_t len, const char *err)
{
	struct receipt *r = ud;

	(void)body;
	(void)len;
	(void)err;
	if (status < 200 || status >= 300) {
		free(r->msg);
		r->msg = NULL; /* try again next time */
		(void)app;
	}
}

void
receipt_mark(struct app *app, struct td_conversation *c)
{
	const struct td_message *m = NULL;
	struct receipt *r;
	char path[1024], err[256];
	json_t *body;
	size_t i;

	if (app->net == NULL || c == NULL)
		return;
	for (i = c->n_messages; i > 0 && m == NULL; i--) {
		const struct td_message *x = &c->messages[i - 1]->m;
		if (x->direction == TD_DIR_IN && x->kind != TD_KIND_REACTION &&
		    x->id != NULL) {
			/* Seen before (read position from the cache): done. */
			if (c->messages[i - 1]->seq <= c->read_seq)
				return;
			m = x;
		}
	}
	if (m == NULL || (r = receipt_get(app, c->id)) == NULL ||
	    (r->msg != NULL && strcmp(r->msg, m->id) == 0))
		return;
	if (net_conv_path(path, sizeof path, c->id, "/read") == NULL)
		return;
	free(r->msg);
	if ((r->msg = strdup(m->id)) == NULL)
		return;
	body = json_pack("{s:s}", "message", m->id);
	if (body == NULL || app_post(app, path, body, receipt_done, r, err,
	    sizeof err) != 0) {
		free(r->msg);
		r->msg = NULL;
	}
	json_decref(body);
}

/* An element of rs->r: a struct receipt *. */
static void
receipt_clear(void *p)
{
	struct receipt *r = *(struct receipt **)p;

	free(r->conv);
	free(r->msg);
	free(r);
}

void
receipt_free(struct app *app)
{
	struct receipts *rs = app->receipts;

	if (rs == NULL)
		return;
	vec_free(&rs->r, &rs->n, sizeof *rs->r, receipt_clear);
	free(rs);
	app->receipts = NULL;
}
