/*
 * Converting an old (JSON) cache is crash-safe: a child opens a copy of
 * such a cache the way ttydesk does (app_open_cache, which packs it) and
 * is killed with SIGKILL at a random moment.  After every kill the cache
 * opens and holds either the old records or the converted ones, never a
 * mix and never fewer: every event (same order, same content), the
 * cursor, the outbox entry and the draft.
 */
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include <jansson.h>

#include "check.h"
#include "cache_testutil.h"
#include "ttydesk/event.h"
#include "ttydesk/model.h"
#include "app.h"
#include "cacheopen.h"
#include "ui.h"

#define RUNS 40
#define N_EV 3000

static char *dir, *tpl, *cdir, *kfile;
static struct cache_key *key;
static char *orig[N_EV + 1];
static size_t orig_len[N_EV + 1];
static size_t n_orig;

static const char unknown[] = "{\"seq\":99999,\"ts\":1,\"type\":"
    "\"ticket.linked\",\"conversation\":\"c1\"}";

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
make_tpl(void)
{
	struct td_cache *c;
	char err[512], buf[512];
	size_t i, from = 0;

	CHECK_INT(cache_open(tpl, key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_outbox_put(c, "client-1", "{\"text\":\"unsent\"}", 17,
	    err, sizeof err), 0);
	CHECK_INT(cache_draft_set(c, "c2", "half a reply", err, sizeof err), 0);
	for (i = 0; i < N_EV; i++) {
		if (i == N_EV / 2) {
			orig[n_orig] = tu_dup(unknown, strlen(unknown));
			orig_len[n_orig++] = strlen(unknown);
		}
		if (i % 2 == 0)
			snprintf(buf, sizeof buf, "{\"seq\":%zu,\"ts\":%zu,\"type\":"
			    "\"message\",\"conversation\":\"c%zu\",\"message\":"
			    "{\"id\":\"wamid.%zu\",\"direction\":\"in\",\"kind\":"
			    "\"text\",\"from\":\"1650555%04zu\",\"text\":\"event "
			    "%zu, some text to make it longer\",\"status\":"
			    "\"received\"}}", i + 1, 1750000000 + i, i % 23, i,
			    i % 23, i);
		else
			snprintf(buf, sizeof buf, "{\"seq\":%zu,\"ts\":%zu,\"type\":"
			    "\"contact\",\"conversation\":\"c%zu\",\"contact\":"
			    "{\"wa_id\":\"1650555%04zu\",\"name\":\"Customer %zu\"}}",
			    i + 1, 1750000000 + i, i % 23, i % 23, i);
		orig[n_orig] = tu_dup(buf, strlen(buf));
		orig_len[n_orig++] = strlen(buf);
		if (n_orig - from >= 100 || i == N_EV - 1) {
			CHECK_INT(cache_append_events(c,
			    (const char *const *)orig + from, orig_len + from,
			    n_orig - from, (int64_t)i + 1, err, sizeof err), 0);
			from = n_orig;
		}
		if (i == N_EV - 500)
			CHECK_INT(cache_compact(c, err, sizeof err), 0);
	}
	cache_close(c);
}

static void
copy_file(const char *from_dir, const char *to_dir, const char *name)
{
	char a[600], b[600], buf[65536];
	ssize_t n;
	int in, out;

	snprintf(a, sizeof a, "%s/%s", from_dir, name);
	snprintf(b, sizeof b, "%s/%s", to_dir, name);
	in = open(a, O_RDONLY);
	out = open(b, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(in >= 0 && out >= 0);
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
		CHECK(write(out, buf, (size_t)n) == n);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
}

static void
fresh_copy(void)
{
	tu_rmrf(cdir);
	CHECK_INT(mkdir(cdir, 0700), 0);
	copy_file(tpl, cdir, "header");
	copy_file(tpl, cdir, "snapshot");
	copy_file(tpl, cdir, "log");
}

/* The child: ttydesk's open, which converts. */
static void
child(void)
{
	struct appconfig cfg;
	struct app app;
	char err[512];

	memset(&cfg, 0, sizeof cfg);
	cfg.cache_dir = cdir;
	cfg.key_file = kfile;
	cfg.profile = "test";
	cfg.theme = "default";
	if (app_init(&app, &cfg, model_new("alice"), err, sizeof err) != 0 ||
	    ui_init(&app, err, sizeof err) != 0 ||
	    app_open_cache(&app, err, sizeof err) != 0) {
		fprintf(stderr, "child: %s\n", err);
		_exit(2);
	}
	_exit(0);
}

struct got {
	size_t n, json, bad;
	struct coll st;
};

static void
got_event(void *ud, const char *p, size_t len)
{
	struct got *g = ud;
	bool json = len == 0 || (unsigned char)p[0] > 8 || p[0] == 0;

	if (g->n >= n_orig) {
		g->bad++;
		return;
	}
	g->json += json;
	/* The unknown event stays byte for byte; the rest may be packed. */
	if (json ? len != orig_len[g->n] || memcmp(p, orig[g->n], len) != 0 :
	    !tu_same_event(p, len, orig[g->n], orig_len[g->n]))
		g->bad++;
	g->n++;
}

static void
got_outbox(void *ud, const char *id, const char *json, size_t len)
{
	coll_outbox(&((struct got *)ud)->st, id, json, len);
}

static void
got_draft(void *ud, const char *conv, const char *text, size_t len)
{
	coll_draft(&((struct got *)ud)->st, conv, text, len);
}

/* Returns 1 when the cache is converted, 0 when still old. */
static int
verify(int run)
{
	struct got g;
	struct cache_visitor v = { &g, got_event, got_outbox, got_draft };
	struct td_cache *c;
	char err[512];
	int rc = -1;

	memset(&g, 0, sizeof g);
	CHECK_INT(cache_open(cdir, key, &c, err, sizeof err), CACHE_OK);
	if (c == NULL)
		return -1;
	CHECK_INT(cache_load(c, &v, err, sizeof err), CACHE_OK);
	CHECK_INT((long long)cache_cursor(c), N_EV);
	cache_close(c);
	CHECK_INT((long long)g.n, (long long)n_orig);
	CHECK_INT((long long)g.bad, 0);
	CHECK_STR(coll_outbox_of(&g.st, "client-1"), "{\"text\":\"unsent\"}");
	CHECK_STR(coll_draft_of(&g.st, "c2"), "half a reply");
	if (g.json == n_orig)
		rc = 0;
	else if (g.json == 1)
		rc = 1;
	else
		fprintf(stderr, "run %d: %zu of %zu events JSON: a mix\n", run,
		    g.json, n_orig);
	CHECK(rc >= 0);
	coll_free(&g.st);
	return rc;
}

static bool
exists(const char *name)
{
	char p[600];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", cdir, name);
	return stat(p, &st) == 0;
}

static void
test_kill_converting(void)
{
	double t, full;
	int run, st, old = 0, conv = 0, mid = 0;
	pid_t pid;

	make_tpl();
	/* How long a whole conversion takes here. */
	fresh_copy();
	t = now();
	if ((pid = fork()) == 0)
		child();
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
	full = now() - t;
	CHECK_INT(verify(-1), 1);
	srand((unsigned)time(NULL));
	for (run = 0; run < RUNS; run++) {
		fresh_copy();
		if ((pid = fork()) == 0)
			child();
		usleep((useconds_t)(full * 1.1e6 * (double)rand() /
		    (double)RAND_MAX));
		kill(pid, SIGKILL);
		CHECK(waitpid(pid, &st, 0) == pid);
		mid += exists("snapshot.tmp") || exists("log.tmp");
		switch (verify(run)) {
		case 0:
			old++;
			break;
		case 1:
			conv++;
			break;
		}
	}
	fprintf(stderr, "conversion %.0f ms; %d kills: %d old, %d converted, "
	    "%d during the compaction\n", full * 1e3, RUNS, old, conv, mid);
	CHECK_INT(old + conv, RUNS);
	CHECK(mid > 0); /* the kills did land inside the conversion */
}

int
main(void)
{
	char err[512];
	size_t i;

	dir = tu_tmpdir();
	tpl = tu_path(dir, "tpl");
	cdir = tu_path(dir, "cache");
	kfile = tu_path(dir, "key");
	if (cache_keygen(kfile, err, sizeof err) != 0 ||
	    (key = cache_key_from_file(kfile, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	RUN(test_kill_converting);
	for (i = 0; i < n_orig; i++)
		free(orig[i]);
	cache_key_free(key);
	tu_rmrf(dir);
	free(dir);
	free(tpl);
	free(cdir);
	free(kfile);
	return check_done();
}
