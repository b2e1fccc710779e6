/*
 * Helpers shared by the tests of src/app: an app on a test cache
 * (cache_testutil.h's fixture).
 */
#ifndef TTYDESK_APP_TESTUTIL_H
#define TTYDESK_APP_TESTUTIL_H

#include "cache_testutil.h"
#include "ttydesk/model.h"
#include "app.h"

/* An app (config cfg, may be NULL; hooks ops, may be NULL) on the cache
 * in dir, loaded: app_load_cache's result. */
static inline int
tu_app_load(struct app *app, const char *dir, const struct cache_key *key,
    struct appconfig *cfg, const struct app_view_ops *ops)
{
	char err[512];
	int rc;

	memset(app, 0, sizeof *app);
	if (app_init(app, cfg, model_new("alice"), err, sizeof err) != 0) {
		fprintf(stderr, "app_init: %s\n", err);
		abort();
	}
	app->cache = tu_cache_open(dir, key);
	app->view_ops = ops;
	if ((rc = app_load_cache(app, err, sizeof err)) != CACHE_OK)
		fprintf(stderr, "app_load_cache: %s\n", err);
	return rc;
}

#endif
