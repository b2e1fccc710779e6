/* Opening the cache from the TUI: a damaged cache is moved aside and
 * rebuilt, keeping the unsent outbox and drafts; a wrong key is one clear
 * message; a refused rebuild leaves everything as it was. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "ttydesk/cache.h"
#include "ttydesk/model.h"
#include "app.h"
#include "cacheopen.h"
#include "ui.h"

static char tmp[] = "/tmp/ttydesk-cacheopen-XXXXXX";
static char cdir[512], kfile[512];
static int asked;

static bool
yes(const char *q)
{
	asked++;
	return true;
}

static bool
no(const char *q)
{
	asked++;
	return false;
}

static void
fill(void)
{
	struct cache_key *k;
	struct td_cache *c;
	char err[256], ev[256];
	const char *evs[20];
	size_t lens[20];
	char *bufs[20];
	int i, r;

	k = cache_key_from_file(kfile, err, sizeof err);
	CHECK(k != NULL);
	CHECK_INT(cache_open(cdir, k, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_outbox_put(c, "client-1", "{\"text\":\"unsent\"}", 17,
	    err, sizeof err), 0);
	CHECK_INT(cache_draft_set(c, "conv-1", "half a reply", err, sizeof err), 0);
	for (r = 0; r < 3; r++) {
		for (i = 0; i < 20; i++) {
			snprintf(ev, sizeof ev, "{\"seq\":%d,\"ts\":1,\"type\":\"contact\","
			    "\"conversation\":\"c%d\",\"contact\":{\"name\":\"Customer "
			    "number %d with a long name\"}}", r * 20 + i + 1, i, i);
			bufs[i] = strdup(ev);
			evs[i] = bufs[i];
			lens[i] = strlen(ev);
		}
		CHECK_INT(cache_append_events(c, evs, lens, 20, r * 20 + 20, err,
		    sizeof err), 0);
		for (i = 0; i < 20; i++)
			free(bufs[i]);
	}
	cache_close(c);
	cache_key_free(k);
}

/* Flip one byte in the middle of the log: damage that is not at the tail. */
static void
damage(void)
{
	char path[600];
	struct stat st;
	unsigned char b;
	int fd;

	snprintf(path, sizeof path, "%s/log", cdir);
	fd = open(path, O_RDWR);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_INT(fstat(fd, &st), 0);
	CHECK_INT(pread(fd, &b, 1, st.st_size / 2), 1);
	b ^= 0x5a;
	CHECK_INT(pwrite(fd, &b, 1, st.st_size / 2), 1);
	close(fd);
}

struct seen {
	int outbox;
	int draft;
};

static void
see_outbox(void *ud, const char *id, const char *json, size_t len)
{
	struct seen *s = ud;

	s->outbox += strcmp(id, "client-1") == 0 &&
	    strcmp(json, "{\"text\":\"unsent\"}") == 0;
}

static void
see_draft(void *ud, const char *conv, const char *text, size_t len)
{
	struct seen *s = ud;

	s->draft += strcmp(conv, "conv-1") == 0 && strcmp(text, "half a reply") == 0;
}

static int
count_aside(void)
{
	DIR *d = opendir(tmp);
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += strncmp(e->d_name, "cache.corrupt-", 14) == 0;
	if (d != NULL)
		closedir(d);
	return n;
}

static int
open_app(struct app *app, struct appconfig *cfg, bool (*ask)(const char *),
    char *err, size_t errlen)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->cache_dir = cdir;
	cfg->key_file = kfile;
	cfg->profile = "test";
	cfg->theme = "default";
	if (app_init(app, cfg, model_new("alice"), err, errlen) != 0 ||
	    ui_init(app, err, errlen) != 0)
		return -2;
	app->ask_yes = ask;
	return app_open_cache(app, err, errlen);
}

static void
test_corrupt(void)
{
	struct appconfig cfg;
	struct app app;
	char err[512];
	struct seen s = { 0, 0 };
	struct cache_visitor v = { &s, NULL, see_outbox, see_draft };

	fill();
	damage();
	/* Refused: nothing moves, the error says what is wrong. */
	asked = 0;
	CHECK_INT(open_app(&app, &cfg, no, err, sizeof err), -1);
	CHECK_INT(asked, 1);
	CHECK(strstr(err, "damaged") != NULL);
	CHECK_INT(count_aside(), 0);
	cfg.cache_dir = cfg.key_file = NULL;
	cfg.profile = cfg.theme = NULL;
	app_free(&app);

	/* Accepted: moved aside, a fresh cache with the outbox and draft. */
	asked = 0;
	CHECK_INT(open_app(&app, &cfg, yes, err, sizeof err), 0);
	CHECK_INT(asked, 1);
	CHECK_INT(count_aside(), 1);
	CHECK(app.cache != NULL);
	CHECK_INT(cache_cursor(app.cache), 0); /* resync from the start */
	CHECK_INT((long long)model_count(app.model), 0);
	if (app.cache != NULL)
		CHECK_INT(cache_load(app.cache, &v, err, sizeof err), CACHE_OK);
	CHECK_INT(s.outbox, 1);
	CHECK_INT(s.draft, 1);
	cfg.cache_dir = cfg.key_file = NULL;
	cfg.profile = cfg.theme = NULL;
	app_free(&app);
}

static void
test_good_and_wrong_key(void)
{
	struct appconfig cfg;
	struct app app;
	char err[512];

	/* The rebuilt cache opens without questions. */
	asked = 0;
	CHECK_INT(open_app(&app, &cfg, yes, err, sizeof err), 0);
	CHECK_INT(asked, 0);
	app_free(&app);
	/* Another key: one clear message, no question. */
	unlink(kfile);
	CHECK_INT(cache_keygen(kfile, err, sizeof err), 0);
	CHECK_INT(open_app(&app, &cfg, yes, err, sizeof err), -1);
	CHECK_INT(asked, 0);
	CHECK(strstr(err, "does not open") != NULL);
	CHECK(strstr(err, cdir) != NULL);
	app_free(&app);
}

int
main(void)
{
	char err[256], cmd[600];

	if (mkdtemp(tmp) == NULL)
		return 1;
	snprintf(cdir, sizeof cdir, "%s/cache", tmp);
	snprintf(kfile, sizeof kfile, "%s/key", tmp);
	if (cache_keygen(kfile, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	RUN(test_corrupt);
	RUN(test_good_and_wrong_key);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	return check_done();
}
