/*
 * Restore detection (relaylog.h): the decision, pure so it is unit-tested,
 * and what the TUI does when the relay's log was replaced.
 */
#include <stdlib.h>
#include <string.h>

#include "ttydesk/cache.h"
#include "ttydesk/model.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "history.h"
#include "net.h"
#include "relaylog.h"
#include "window.h"

bool
relaylog_restored(const char *known, const char *seen, int64_t head,
    int64_t after)
{
	if (known[0] != '\0' && seen[0] != '\0' && strcmp(known, seen) != 0)
		return true;
	/* The relay lost events we already have: its log is older. */
	return head >= 0 && head < after;
}

struct clamp_ctx {
	int64_t head;
	char **conv;
	size_t n;
};

static void
relaylog_above(void *ud, const char *conv, int64_t seq)
{
	struct clamp_ctx *x = ud;

	if (seq > x->head &&
	    vec_add_strn(&x->conv, &x->n, conv, strlen(conv)) != 0)
		app_fatal("out of memory");
}

/* Read positions past the new log's head would hide its new messages. */
static int
relaylog_clamp_reads(struct app *app, int64_t head, char *err, size_t errlen)
{
	struct clamp_ctx x = { head, NULL, 0 };
	size_t i;
	int rc = 0;

	cache_reads(app->cache, relaylog_above, &x);
	for (i = 0; i < x.n; i++) {
		if (rc == 0 && cache_read_set(app->cache, x.conv[i], head, err,
		    errlen) != 0)
			rc = -1;
		free(x.conv[i]);
	}
	free(x.conv);
	return rc;
}

int
relaylog_reset(struct app *app, const char *log_id, int64_t head)
{
	struct td_model *m;
	int64_t since;
	char err[256];

	if (app->cache != NULL &&
	    (cache_reset_events(app->cache, err, sizeof err) != 0 ||
	    (head >= 0 && relaylog_clamp_reads(app, head, err,
	    sizeof err) != 0) ||
	    cache_meta_set(app->cache, RELAYLOG_META, log_id, true, err,
	    sizeof err) != 0)) {
		app_error(app, "cache: %s", err);
		return -1;
	}
	if ((m = model_new(app->self_id)) == NULL)
		app_fatal("out of memory");
	model_free(app->model);
	app->model = m;
	history_free(app);
	since = window_restart(app);
	if (app->net != NULL)
		net_restart(app->net, since);
	app_model_replaced(app);
	return 0;
}

int
relaylog_on_sync(void *ud, const char *log_id, int64_t head, int64_t after)
{
	struct app *app = ud;
	const char *known;
	char err[256];

	if (app->cache == NULL)
		return 0;
	known = cache_meta_get(app->cache, RELAYLOG_META);
	if (known == NULL)
		known = "";
	if (!relaylog_restored(known, log_id, head, after)) {
		if (log_id[0] != '\0' && strcmp(known, log_id) != 0 &&
		    cache_meta_set(app->cache, RELAYLOG_META, log_id, true, err,
		    sizeof err) != 0) {
			app_error(app, "cache: %s", err);
			return -1;
		}
		return 0;
	}
	if (relaylog_reset(app, log_id, head) != 0)
		return -1;
	app->msg_hold = 0;
	app_message(app, "the relay was restored from a backup: resynced "
	    "(unsent replies and drafts kept)");
	app->msg_hold = app->now + 10;
	return 1;
}
