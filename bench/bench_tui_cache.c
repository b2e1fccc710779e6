/*
 * Start-up with a big cache: the inbox of bench_tui (100,000 messages in
 * 5,000 conversations, one of them holding 5,000) stored in an encrypted
 * cache, then what ttydesk does at start: cache_open, replay into a fresh
 * model (app_load_cache: decrypt, decode, model_apply, queues and list),
 * curses on a file (newterm), the first full frame.  Once with packed
 * events (what ttydesk writes now) and once with JSON text (caches of
 * older builds).  Then a JSON cache opened the way ttydesk opens it
 * (app_open_cache, which packs it once): that first start, and the next
 * one.  Last, the packed cache with the agent's read positions in it
 * (10,000 in the log, then 5,000 compacted into the snapshot).  Wall and
 * CPU time of the best of three; figures only.
 *
 * bench_tui_cache CACHE_DIR KEY_FILE instead starts on an existing cache
 * (bench/window_tui.py passes the one ttydesk built from a big relay
 * world), the way ttydesk opens it, with [cache] window = 30d: what a
 * restart costs without the terminal and tmux in the figure.
 */
#include <sys/resource.h>
#include <curses.h>
#include <fcntl.h>
#include <ftw.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "bench_clock.h"
#include "ttydesk/cache.h"
#include "ttydesk/event.h"
#include "ttydesk/model.h"
#include "app.h"
#include "cacheopen.h"
#include "appconfig.h"
#include "ui.h"
#include "bench_inbox.h"

#define BATCH 500
#define WINDOW_S (30LL * 86400)

static char err[512];

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Event i as the cache stores it: packed, or JSON text. */
static char *
stored(const struct td_event *e, int packed, size_t *len)
{
	unsigned char *pk;
	json_t *j;
	char *s;

	if (packed) {
		if (event_pack(e, &pk, len) != 0)
			abort();
		return (char *)pk;
	}
	if ((j = event_to_json(e)) == NULL ||
	    (s = json_dumps(j, JSON_COMPACT)) == NULL)
		abort();
	json_decref(j);
	*len = strlen(s);
	return s;
}

/* Write the inbox into dir (compacted into a snapshot, as a cache that
 * has been in use for a while is).  Returns the bytes of events. */
static size_t
write_cache(const char *dir, const struct cache_key *k, int packed,
    long long t0)
{
	char *texts[BATCH];
	size_t lens[BATCH], total = 0, n, j;
	long nev = N_EVENTS, i;
	struct td_cache *c;
	struct td_event e;

	if (cache_open(dir, k, &c, err, sizeof err) != CACHE_OK)
		goto fail;
	for (i = 0; i < nev; i += BATCH) {
		n = (size_t)(nev - i < BATCH ? nev - i : BATCH);
		for (j = 0; j < n; j++) {
			inbox_event(i + (long)j, t0, &e);
			texts[j] = stored(&e, packed, &lens[j]);
			total += lens[j];
			event_free(&e);
		}
		if (cache_append_events(c, (const char *const *)texts, lens, n,
		    i + (long)n, err, sizeof err) != 0)
			goto fail;
		for (j = 0; j < n; j++)
			free(texts[j]);
	}
	if (cache_compact(c, err, sizeof err) != 0)
		goto fail;
	cache_close(c);
	return total;
fail:
	fprintf(stderr, "write cache: %s\n", err);
	exit(1);
}

static SCREEN *
screen_on_file(const char *path, FILE **out, FILE **in)
{
	setenv("COLUMNS", "120", 1);
	setenv("LINES", "40", 1);
	*out = fopen(path, "w+");
	*in = fopen("/dev/null", "r");
	if (*out == NULL || *in == NULL)
		return NULL;
	return newterm("xterm-256color", *out, *in);
}

/* How the cache is opened: cache_open with the key at hand, or ttydesk's
 * own app_open_cache (reads the key file, packs an old cache). */
struct opener {
	const struct cache_key *k;
	const char *keyfile; /* set: app_open_cache */
};

static int
open_cache(struct app *app, struct appconfig *cfg, const char *dir,
    const struct opener *o)
{
	struct td_cache *c;

	memset(cfg, 0, sizeof *cfg);
	cfg->cache_dir = (char *)dir;
	cfg->key_file = (char *)o->keyfile;
	cfg->profile = (char *)"bench";
	cfg->theme = (char *)"default";
	cfg->window_s = WINDOW_S;
	if (app_init(app, o->keyfile ? cfg : NULL, model_new("alice"), err,
	    sizeof err) != 0 || ui_init(app, err, sizeof err) != 0)
		return -1;
	if (o->keyfile != NULL)
		return app_open_cache(app, err, sizeof err);
	if (cache_open(dir, o->k, &c, err, sizeof err) != CACHE_OK)
		return -1;
	app->cache = c;
	return 0;
}

/* Opening the cache to the first frame.  Returns wall seconds, *cpu_s the
 * CPU; *load_cpu the CPU of open + replay alone. */
static double
start_once(const char *dir, const struct opener *o, const char *scrpath,
    double *cpu_s, double *load_cpu, size_t *convs)
{
	struct appconfig cfg;
	struct app app;
	SCREEN *scr;
	FILE *out, *in;
	double t, tc;

	t = bench_now();
	tc = cpu();
	if (open_cache(&app, &cfg, dir, o) != 0 ||
	    app_load_cache(&app, err, sizeof err) != CACHE_OK)
		goto fail;
	*load_cpu = cpu() - tc;
	if ((scr = screen_on_file(scrpath, &out, &in)) == NULL ||
	    ui_start_term(&app, scr) != 0) {
		snprintf(err, sizeof err, "newterm failed");
		goto fail;
	}
	app.now = (int64_t)time(NULL);
	ui_draw(&app);
	t = bench_now() - t;
	*cpu_s = cpu() - tc;
	*convs = model_count(app.model);
	endwin();
	ui_of(&app)->started = true;
	app_free(&app);
	delscreen(scr);
	fclose(out);
	fclose(in);
	return t;
fail:
	fprintf(stderr, "start: %s\n", err);
	exit(1);
}

struct best {
	double wall, cpu, load;
	size_t convs;
	int n;
};

static void
best_add(struct best *b, double wall, double cpu_s, double load, size_t convs)
{
	if (b->n++ == 0 || cpu_s < b->cpu) {
		b->wall = wall;
		b->cpu = cpu_s;
		b->load = load;
	}
	b->convs = convs;
}

static void
best_print(const char *what, const char *open, const struct best *b)
{
	printf("%s: %zu conversations listed\n", what, b->convs);
	printf("%s, %s + replay (decrypt, decode, model, queues, "
	    "list) cpu: %.1f ms\n", what, open, b->load * 1e3);
	printf("%s, start to first full frame (120x40) cpu: %.1f ms\n",
	    what, b->cpu * 1e3);
	printf("%s, start to first full frame (120x40) wall: %.1f ms\n",
	    what, b->wall * 1e3);
}

static void
bench_start(const char *what, const char *dir, const struct cache_key *k,
    const char *scrpath)
{
	struct opener o = { k, NULL };
	struct best b = { 0 };
	double t, tc, tl;
	size_t convs = 0;
	int i;

	for (i = 0; i < 3; i++) {
		t = start_once(dir, &o, scrpath, &tc, &tl, &convs);
		best_add(&b, t, tc, tl, convs);
	}
	best_print(what, "cache_open", &b);
}

static unsigned long
unread_total(const char *dir, const struct cache_key *k)
{
	struct opener o = { k, NULL };
	struct appconfig cfg;
	struct app app;
	unsigned long n = 0;
	size_t i;

	if (open_cache(&app, &cfg, dir, &o) != 0 ||
	    app_load_cache(&app, err, sizeof err) != CACHE_OK) {
		fprintf(stderr, "load: %s\n", err);
		exit(1);
	}
	for (i = 0; i < model_count(app.model); i++)
		n += model_get(app.model, i)->unread;
	app_free(&app);
	return n;
}

/* Two positions per conversation: a quarter, then half of the messages
 * read (by seq). */
static void
write_reads(const char *dir, const struct cache_key *k, int compact)
{
	struct td_cache *c;
	char id[64];
	long conv, pass;
	int64_t seq;

	if (cache_open(dir, k, &c, err, sizeof err) != CACHE_OK)
		goto fail;
	for (pass = 1; pass <= 2; pass++)
		for (conv = 0; conv < N_CONV; conv++) {
			snprintf(id, sizeof id, "conv-%ld", conv);
			seq = 2 * N_CONV + pass * N_MSG / 4;
			if (cache_read_set(c, id, seq, err, sizeof err) != 0)
				goto fail;
		}
	if (compact && cache_compact(c, err, sizeof err) != 0)
		goto fail;
	cache_close(c);
	return;
fail:
	fprintf(stderr, "write reads: %s\n", err);
	exit(1);
}

static void
copy_file(const char *from, const char *to, const char *name)
{
	char a[4300], b[4300], buf[1 << 16];
	ssize_t n;
	int in, out;

	snprintf(a, sizeof a, "%s/%s", from, name);
	snprintf(b, sizeof b, "%s/%s", to, name);
	if ((in = open(a, O_RDONLY)) < 0 ||
	    (out = open(b, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		goto fail;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			goto fail;
	close(in);
	if (fsync(out) != 0 || close(out) != 0)
		goto fail;
	return;
fail:
	perror(a);
	exit(1);
}

/* An old (JSON) cache opened by ttydesk: the first start packs it, the
 * second finds it packed.  A fresh copy of the JSON cache each round. */
static void
bench_old(const char *json_dir, const char *work, const char *keyfile,
    const char *scrpath)
{
	struct opener o = { NULL, keyfile };
	struct best first = { 0 }, second = { 0 };
	double t, tc, tl;
	size_t convs = 0;
	int i;

	for (i = 0; i < 3; i++) {
		if (mkdir(work, 0700) != 0) {
			perror(work);
			exit(1);
		}
		copy_file(json_dir, work, "header");
		copy_file(json_dir, work, "snapshot");
		copy_file(json_dir, work, "log");
		t = start_once(work, &o, scrpath, &tc, &tl, &convs);
		best_add(&first, t, tc, tl, convs);
		t = start_once(work, &o, scrpath, &tc, &tl, &convs);
		best_add(&second, t, tc, tl, convs);
		if (cache_forget(work, err, sizeof err) != 0) {
			fprintf(stderr, "forget: %s\n", err);
			exit(1);
		}
	}
	printf("old JSON cache: ttydesk's open (app_open_cache) packs it at the "
	    "first start, the second start finds it packed\n");
	best_print("old JSON cache, first start", "app_open_cache", &first);
	best_print("old JSON cache, second start", "app_open_cache", &second);
}

static int
rm_one(const char *p, const struct stat *st, int f, struct FTW *w)
{
	(void)st;
	(void)f;
	(void)w;
	return remove(p);
}

/* A restart on a cache ttydesk made: open (app_open_cache with the key
 * file) + replay + the first full frame, best of three, then the memory
 * the process reached. */
static int
bench_existing(const char *dir, const char *keyfile)
{
	char tmp[] = "/tmp/ttydesk-bench-tuic-XXXXXX", scr[4200];
	struct opener o = { NULL, keyfile };
	struct best b = { 0 };
	struct rusage ru;
	double t, tc, tl;
	size_t convs = 0;
	int i;

	if (mkdtemp(tmp) == NULL)
		return 1;
	snprintf(scr, sizeof scr, "%s/screen", tmp);
	for (i = 0; i < 3; i++) {
		t = start_once(dir, &o, scr, &tc, &tl, &convs);
		best_add(&b, t, tc, tl, convs);
	}
	best_print("existing cache", "app_open_cache", &b);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		printf("existing cache, peak resident memory: %.1f MB\n",
		    (double)ru.ru_maxrss / 1024.0);
	remove(scr);
	rmdir(tmp);
	return 0;
}

int
main(int argc, char **argv)
{
	long long t0 = (long long)time(NULL) - 3 * 86400;
	char tmp[] = "/tmp/ttydesk-bench-tuic-XXXXXX", kp[4200], dpk[4200];
	char djs[4200], scr[4200], dold[4200];
	struct cache_key *k;
	size_t bytes;

	setenv("TERM", "xterm-256color", 1);
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	if (argc == 3)
		return bench_existing(argv[1], argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: bench_tui_cache [CACHE_DIR KEY_FILE]\n");
		return 2;
	}
	if (mkdtemp(tmp) == NULL)
		return 1;
	snprintf(kp, sizeof kp, "%s/key", tmp);
	snprintf(dpk, sizeof dpk, "%s/packed", tmp);
	snprintf(djs, sizeof djs, "%s/json", tmp);
	snprintf(scr, sizeof scr, "%s/screen", tmp);
	snprintf(dold, sizeof dold, "%s/old", tmp);
	if (cache_keygen(kp, err, sizeof err) != 0 ||
	    (k = cache_key_from_file(kp, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("bench_tui_cache: %d messages in %d conversations (+%d contact "
	    "and state events)\n", N_MSG, N_CONV, 2 * N_CONV);
	bytes = write_cache(dpk, k, 1, t0);
	printf("packed events: %.1f bytes per event\n",
	    (double)bytes / N_EVENTS);
	bytes = write_cache(djs, k, 0, t0);
	printf("JSON events: %.1f bytes per event\n",
	    (double)bytes / N_EVENTS);
	bench_start("packed cache", dpk, k, scr);
	bench_start("JSON cache", djs, k, scr);
	bench_old(djs, dold, kp, scr);
	/* Read positions (the agent's, kept only here): what they add. */
	printf("packed cache: %lu unread messages\n", unread_total(dpk, k));
	write_reads(dpk, k, 0);
	bench_start("packed cache + 10,000 read positions in the log", dpk, k,
	    scr);
	printf("packed cache + read positions: %lu unread messages\n",
	    unread_total(dpk, k));
	write_reads(dpk, k, 1);
	bench_start("packed cache + 5,000 read positions in the snapshot", dpk,
	    k, scr);
	cache_key_free(k);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
