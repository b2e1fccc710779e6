/*
 * Read positions survive a restart: a conversation read in one session
 * has no unread messages in the next, a message that came after the read
 * position is still unread (and is where "first unread" goes), and
 * marking read again without anything new writes nothing.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "check.h"
#include "cache_testutil.h"
#include "ttydesk/event.h"
#include "ttydesk/model.h"
#include "app.h"
#include "ui.h"
#include "threadview.h"

static struct tu_cache_fixture fx;
static char *tmp, *kp, *cd, *scrpath;
static struct cache_key *key;

static void
msg_event(char *buf, size_t len, int seq, const char *conv, const char *id,
    const char *dir)
{
	snprintf(buf, len, "{\"seq\":%d,\"ts\":%d,\"type\":\"message\","
	    "\"conversation\":\"%s\",\"message\":{\"id\":\"%s\",\"direction\":"
	    "\"%s\",\"kind\":\"text\",\"from\":\"%s\",\"text\":\"m%d\","
	    "\"status\":\"received\"}}", seq, 1750000000 + seq, conv, id, dir,
	    dir[0] == 'i' ? "16505551234" : "biz", seq);
}

/* Events as sync stores them (JSON text is fine for the replay). */
static void
store(int from, int to, const char *const *conv, const char *const *dir)
{
	char *ev[16], err[256], id[32];
	size_t lens[16];
	struct td_cache *c;
	int i, n = 0;

	CHECK_INT(cache_open(cd, key, &c, err, sizeof err), CACHE_OK);
	for (i = from; i <= to; i++) {
		ev[n] = malloc(512);
		snprintf(id, sizeof id, "wamid.%d", i);
		msg_event(ev[n], 512, i, conv[i], id, dir[i]);
		lens[n] = strlen(ev[n]);
		n++;
	}
	CHECK_INT(cache_append_events(c, (const char *const *)ev, lens,
	    (size_t)n, to, err, sizeof err), 0);
	cache_close(c);
	for (i = 0; i < n; i++)
		free(ev[i]);
}

struct session {
	struct app app;
	SCREEN *scr;
	FILE *fo, *fi;
};

/* What ttydesk does at start: open the cache, replay it, screen up. */
static void
start(struct session *s)
{
	char err[512];
	struct td_cache *c;

	memset(s, 0, sizeof *s);
	CHECK_INT(cache_open(cd, key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(app_init(&s->app, NULL, model_new("alice"), err,
	    sizeof err), 0);
	CHECK_INT(ui_init(&s->app, err, sizeof err), 0);
	s->app.cache = c;
	s->app.self_id = strdup("alice");
	s->app.now = 1750000100;
	CHECK_INT(app_load_cache(&s->app, err, sizeof err), CACHE_OK);
	s->fo = fopen(scrpath, "w+");
	s->fi = fopen("/dev/null", "r");
	s->scr = newterm("xterm-256color", s->fo, s->fi);
	CHECK(s->scr != NULL);
	ui_start_term(&s->app, s->scr);
}

static void
stop(struct session *s)
{
	app_free(&s->app); /* closes the cache */
	delscreen(s->scr);
	fclose(s->fo);
	fclose(s->fi);
}

static unsigned
unread(struct session *s, const char *conv)
{
	struct td_conversation *c = model_find(s->app.model, conv);

	CHECK(c != NULL);
	return c != NULL ? c->unread : 999;
}

static const char *
first_unread(struct session *s, const char *conv)
{
	struct td_conversation *c = model_find(s->app.model, conv);
	size_t i;

	for (i = 0; c != NULL && i < c->n_messages; i++)
		if (c->messages[i]->m.direction == TD_DIR_IN &&
		    c->messages[i]->seq > c->read_seq)
			return c->messages[i]->m.id;
	return NULL;
}

static off_t
log_size(void)
{
	char *p = tu_path(cd, "log");
	struct stat st;

	CHECK_INT(stat(p, &st), 0);
	free(p);
	return st.st_size;
}

static void
test_restart(void)
{
	static const char *const conv[] = { "", "c1", "c1", "c1", "c2", "c1",
	    "c2", "c3" };
	static const char *const dir[] = { "", "in", "out", "in", "in", "in",
	    "in", "in" };
	struct session s;
	const char *f1;
	int64_t seq;
	off_t size;

	store(1, 4, conv, dir);

	/* 1: everything unread; read c1. */
	start(&s);
	CHECK_INT(unread(&s, "c1"), 2);
	CHECK_INT(unread(&s, "c2"), 1);
	thread_open(&s.app, "c1");
	CHECK_INT(unread(&s, "c1"), 0);
	CHECK(cache_read_get(s.app.cache, "c1", &seq));
	CHECK_INT(seq, 3); /* the newest message of c1 seen */
	CHECK(!cache_read_get(s.app.cache, "c2", NULL));
	/* Opening it again with nothing new there writes nothing, even
	 * though the model's last seq (c2) is higher than c1's position. */
	size = log_size();
	thread_open(&s.app, "c1");
	CHECK_INT(log_size(), size);
	stop(&s);

	/* Messages while ttydesk was not running: one in c1 after the
	 * read position. */
	store(5, 6, conv, dir);

	/* 2: c1 has one unread, the new one; c2 never read. */
	start(&s);
	CHECK_INT(unread(&s, "c1"), 1);
	CHECK_INT(unread(&s, "c2"), 2);
	f1 = first_unread(&s, "c1");
	CHECK(f1 != NULL && strcmp(f1, "wamid.5") == 0);
	/* The thread opens at the first unread message. */
	thread_open(&s.app, "c1");
	CHECK(thread_selected(&s.app) != NULL &&
	    strcmp(thread_selected(&s.app)->m.id, "wamid.5") == 0);
	CHECK_INT(unread(&s, "c1"), 0);
	/* A message arriving while c1 stays open is read at once. */
	{
		char ev[512];
		json_t *j;
		msg_event(ev, sizeof ev, 7, "c1", "wamid.7", "in");
		j = json_loads(ev, 0, NULL);
		CHECK(j != NULL);
		app_apply_json(&s.app, j);
		json_decref(j);
		app_after_events(&s.app, 0);
	}
	CHECK_INT(unread(&s, "c1"), 0);
	CHECK(cache_read_get(s.app.cache, "c1", &seq));
	CHECK_INT(seq, 7);
	stop(&s);

	/* 3: the same counts as at the end of session 2.  (Event 7 was
	 * never stored as events: sync would have; the position covers it
	 * anyway.) */
	start(&s);
	CHECK_INT(unread(&s, "c1"), 0);
	CHECK_INT(unread(&s, "c2"), 2);
	CHECK(first_unread(&s, "c1") == NULL);
	CHECK(first_unread(&s, "c2") != NULL &&
	    strcmp(first_unread(&s, "c2"), "wamid.4") == 0);
	stop(&s);

	/* 4: after a compaction too. */
	{
		char err[256];
		struct td_cache *c;
		CHECK_INT(cache_open(cd, key, &c, err, sizeof err), CACHE_OK);
		CHECK_INT(cache_compact(c, err, sizeof err), 0);
		cache_close(c);
	}
	store(7, 7, conv, dir); /* c3 */
	start(&s);
	CHECK_INT(unread(&s, "c1"), 0);
	CHECK_INT(unread(&s, "c2"), 2);
	CHECK_INT(unread(&s, "c3"), 1);
	stop(&s);
}

int
main(void)
{
	tu_cache_fixture_init(&fx);
	tmp = fx.tmp;
	kp = fx.kp;
	cd = fx.dir;
	key = fx.key;
	scrpath = tu_path(tmp, "screen");
	setenv("COLUMNS", "120", 1);
	setenv("LINES", "40", 1);
	RUN(test_restart);
	tu_cache_fixture_free(&fx);
	free(scrpath);
	return check_done();
}
