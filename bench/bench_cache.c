/*
 * Encrypted cache figures: append throughput (fsync batched), compaction,
 * cold load of 100,000 message events in 5,000 conversations, bytes per
 * message.  Cold load is shown phase by phase (decryption, decoding,
 * model_apply) for events stored as JSON text (caches of older builds)
 * and as packed events (event_pack, what the TUI writes now).
 */
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "ttydesk/cache.h"
#include "ttydesk/event.h"
#include "ttydesk/model.h"

#define NEVENTS 100000
#define NCONV 5000
#define BATCH 100

static char err[512];

/* CPU time of the best load: wall time suffers on a shared machine. */
static double best_cpu;

static const char *words[] = { "hello", "my", "order", "has", "not",
    "arrived", "yet", "could", "you", "please", "check", "the", "tracking",
    "number", "thanks", "a", "lot", "refund", "size", "wrong", "colour",
    "delivery", "address", "tomorrow", "morning", "is", "fine" };

static char *
make_event(long seq, size_t *len)
{
	char text[200], *json;
	size_t t = 0, nw = 4 + (size_t)(seq * 7919 % 20), i;
	int n;

	for (i = 0; i < nw; i++) {
		const char *w = words[(size_t)(seq * 31 + (long)i * 17) %
		    (sizeof words / sizeof words[0])];
		t += (size_t)snprintf(text + t, sizeof text - t, "%s%s",
		    i ? " " : "", w);
		if (t >= sizeof text - 16)
			break;
	}
	json = malloc(512);
	if (json == NULL)
		abort();
	n = snprintf(json, 512, "{\"seq\":%ld,\"ts\":%ld,\"type\":\"message\","
	    "\"conversation\":\"conv-%05ld\",\"message\":{\"id\":\"wamid."
	    "HBgLMTU1NTAxMjM0NTYVAgASGBQzQ%09ld\",\"direction\":\"%s\","
	    "\"kind\":\"text\",\"from\":\"1555%07ld\",\"text\":\"%s\","
	    "\"status\":\"received\"}}", seq, 1764000000L + seq,
	    seq % NCONV, seq, seq % 3 ? "in" : "out", seq % NCONV, text);
	*len = (size_t)n;
	return json;
}

static long
dir_bytes(const char *dir, const char *name)
{
	char p[4096];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &st) == 0 ? (long)st.st_size : 0;
}

struct loadctx {
	struct td_model *model;
	size_t events;
	size_t bytes;
	size_t bad;
	int timed;                 /* time each step of each event */
	double t_dec, t_apply, t_free;
};

static void
count_event(void *ud, const char *json, size_t len)
{
	struct loadctx *l = ud;

	(void)json;
	l->events++;
	l->bytes += len;
}

/* Decode (JSON or packed) and, with a model, apply, as the TUI does
 * (model_apply_take: the event is freed right after). */
static void
decode_event(void *ud, const char *buf, size_t len)
{
	struct loadctx *l = ud;
	struct td_event ev;
	char e[128];

	double t0 = 0, t1 = 0, t2 = 0;

	l->events++;
	l->bytes += len;
	if (l->timed)
		t0 = bench_now();
	if (event_decode_any(buf, len, &ev, e, sizeof e) != 0) {
		l->bad++;
		return;
	}
	if (l->timed)
		t1 = bench_now();
	if (l->model != NULL && model_apply_take(l->model, &ev) < 0)
		l->bad++;
	if (l->timed)
		t2 = bench_now();
	event_free(&ev);
	if (l->timed) {
		l->t_dec += t1 - t0;
		l->t_apply += t2 - t1;
		l->t_free += bench_now() - t2;
	}
}

enum load_mode { LOAD_DECRYPT, LOAD_DECODE, LOAD_MODEL };

/* Open + load; best of three (the files are in the page cache). */
static double
bench_load(const char *dir, const struct cache_key *k, enum load_mode mode,
    struct loadctx *out)
{
	struct cache_visitor v = { NULL, NULL, NULL, NULL };
	struct td_cache *c;
	double best = 1e9, t, tc;
	int i;

	for (i = 0; i < 3; i++) {
		memset(out, 0, sizeof *out);
		if (mode == LOAD_MODEL)
			out->model = model_new("agent-1");
		v.ud = out;
		v.event = mode == LOAD_DECRYPT ? count_event : decode_event;
		t = bench_now();
		tc = bench_cpu();
		if (cache_open(dir, k, &c, err, sizeof err) != CACHE_OK ||
		    cache_load(c, &v, err, sizeof err) != CACHE_OK) {
			fprintf(stderr, "load: %s\n", err);
			exit(1);
		}
		t = bench_now() - t;
		tc = bench_cpu() - tc;
		cache_close(c);
		if (mode == LOAD_MODEL) {
			if (i == 2)
				printf("  model: %zu conversations\n",
				    model_count(out->model));
			model_free(out->model);
			out->model = NULL;
		}
		if (t < best) {
			best = t;
			best_cpu = tc;
		}
	}
	return best;
}

/* One more load with every step of every event timed (the clock reads
 * add a little): the split of a load, which differences of the loads
 * above cannot give (model_apply_take leaves fewer strings to free). */
static void
bench_split(const char *what, const char *dir, const struct cache_key *k)
{
	struct cache_visitor v = { NULL, decode_event, NULL, NULL };
	struct td_cache *c;
	struct loadctx l;
	double t;

	memset(&l, 0, sizeof l);
	l.timed = 1;
	if ((l.model = model_new("agent-1")) == NULL)
		exit(1);
	v.ud = &l;
	t = bench_now();
	if (cache_open(dir, k, &c, err, sizeof err) != CACHE_OK ||
	    cache_load(c, &v, err, sizeof err) != CACHE_OK) {
		fprintf(stderr, "load: %s\n", err);
		exit(1);
	}
	t = bench_now() - t;
	cache_close(c);
	model_free(l.model);
	printf("  %s phases of one timed load: open + decrypt %.1f ms, decode "
	    "%.1f ms, model_apply %.1f ms, event_free %.1f ms (total %.1f ms)\n",
	    what, (t - l.t_dec - l.t_apply - l.t_free) * 1e3, l.t_dec * 1e3,
	    l.t_apply * 1e3, l.t_free * 1e3, t * 1e3);
}

/* Cold load of one cache phase by phase; CPU times (best of three). */
static void
bench_phases(const char *what, const char *dir, const struct cache_key *k)
{
	double dec, unp, all, t;
	struct loadctx l;

	t = bench_load(dir, k, LOAD_DECRYPT, &l);
	dec = best_cpu;
	printf("cold load %s, open + decrypt (%zu events, %.1f MB): %.1f ms "
	    "(cpu %.1f ms)\n", what, l.events, (double)l.bytes / 1e6,
	    t * 1e3, dec * 1e3);
	t = bench_load(dir, k, LOAD_DECODE, &l);
	unp = best_cpu;
	printf("cold load %s, open + decrypt + decode: %.1f ms (cpu %.1f ms)\n",
	    what, t * 1e3, unp * 1e3);
	t = bench_load(dir, k, LOAD_MODEL, &l);
	all = best_cpu;
	printf("cold load %s, open + decrypt + decode + model_apply (%zu "
	    "events, %zu bad): %.1f ms (cpu %.1f ms)\n", what, l.events, l.bad,
	    t * 1e3, all * 1e3);
	(void)unp;
	(void)all;
	bench_split(what, dir, k);
}

/* The same events packed, in a third cache, compacted to a snapshot. */
static void
bench_packed(const char *dir, const struct cache_key *k, const char **json,
    const size_t *lens)
{
	unsigned char **pk = malloc(NEVENTS * sizeof *pk);
	size_t *plens = malloc(NEVENTS * sizeof *plens), raw = 0;
	struct td_event ev;
	struct td_cache *c;
	double t;
	long i;

	if (pk == NULL || plens == NULL)
		exit(1);
	t = bench_now();
	for (i = 0; i < NEVENTS; i++) {
		if (event_parse_text(json[i], lens[i], &ev, err,
		    sizeof err) != 0 || event_pack(&ev, &pk[i], &plens[i]) != 0) {
			fprintf(stderr, "pack: %s\n", err);
			exit(1);
		}
		raw += plens[i];
		event_free(&ev);
	}
	t = bench_now() - t;
	printf("packed events: %.0f bytes per event (JSON: see above); "
	    "parse + pack: %.2f us per event\n", (double)raw / NEVENTS,
	    t / NEVENTS * 1e6);
	if (cache_open(dir, k, &c, err, sizeof err) != CACHE_OK)
		exit(1);
	for (i = 0; i < NEVENTS; i += BATCH)
		if (cache_append_events(c, (const char *const *)(pk + i),
		    plens + i, BATCH, i + BATCH, err, sizeof err) != 0) {
			fprintf(stderr, "append: %s\n", err);
			exit(1);
		}
	if (cache_compact(c, err, sizeof err) != 0) {
		fprintf(stderr, "compact: %s\n", err);
		exit(1);
	}
	printf("snapshot size, packed: %.1f bytes per message\n",
	    (double)dir_bytes(dir, "snapshot") / NEVENTS);
	cache_close(c);
	for (i = 0; i < NEVENTS; i++)
		free(pk[i]);
	free(pk);
	free(plens);
	bench_phases("packed", dir, k);
}

static int
rm_one(const char *p, const struct stat *st, int f, struct FTW *w)
{
	(void)st;
	(void)f;
	(void)w;
	return remove(p);
}

int
main(void)
{
	char tmp[] = "/tmp/ttydesk-bench-XXXXXX", dir[4200], dir2[4200], kp[4200];
	const char **json;
	size_t *lens, raw = 0;
	struct cache_key *k;
	struct td_cache *c;
	struct loadctx l;
	double t;
	long i, logb;

	if (mkdtemp(tmp) == NULL)
		return 1;
	snprintf(dir, sizeof dir, "%s/cache", tmp);
	snprintf(kp, sizeof kp, "%s/key", tmp);
	if (cache_keygen(kp, err, sizeof err) != 0 ||
	    (k = cache_key_from_file(kp, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	json = malloc(NEVENTS * sizeof *json);
	lens = malloc(NEVENTS * sizeof *lens);
	if (json == NULL || lens == NULL)
		return 1;
	for (i = 0; i < NEVENTS; i++) {
		json[i] = make_event(i + 1, &lens[i]);
		raw += lens[i];
	}
	printf("bench_cache: %d message events, %d conversations, %.0f bytes "
	    "of JSON per event\n", NEVENTS, NCONV, (double)raw / NEVENTS);

	if (cache_open(dir, k, &c, err, sizeof err) != CACHE_OK)
		return 1;
	t = bench_now();
	for (i = 0; i < NEVENTS; i += BATCH)
		if (cache_append_events(c, json + i, lens + i, BATCH,
		    i + BATCH, err, sizeof err) != 0) {
			fprintf(stderr, "append: %s\n", err);
			return 1;
		}
	if (cache_sync(c, err, sizeof err) != 0)
		return 1;
	t = bench_now() - t;
	printf("append, %d events per call, fsync batched: %.0f events/s "
	    "(%.3f s)\n", BATCH, NEVENTS / t, t);
	logb = dir_bytes(dir, "log");
	printf("log size: %.1f bytes per message\n", (double)logb / NEVENTS);

	cache_close(c);
	t = bench_load(dir, k, LOAD_DECRYPT, &l);
	printf("cold load from the log (open + decrypt, %zu events): %.1f ms "
	    "(cpu %.1f ms)\n", l.events, t * 1e3, best_cpu * 1e3);

	if (cache_open(dir, k, &c, err, sizeof err) != CACHE_OK)
		return 1;
	t = bench_now();
	if (cache_compact(c, err, sizeof err) != 0) {
		fprintf(stderr, "compact: %s\n", err);
		return 1;
	}
	t = bench_now() - t;
	printf("compaction of %d events: %.1f ms\n", NEVENTS, t * 1e3);
	printf("snapshot size: %.1f bytes per message\n",
	    (double)dir_bytes(dir, "snapshot") / NEVENTS);

	cache_close(c);

	/* One event per call (the worst case for the TUI), in a second cache
	 * so the load figures below hold exactly NEVENTS events. */
	snprintf(dir2, sizeof dir2, "%s/cache2", tmp);
	if (cache_open(dir2, k, &c, err, sizeof err) != CACHE_OK)
		return 1;
	t = bench_now();
	for (i = 0; i < 20000; i++)
		if (cache_append_events(c, json + i, lens + i, 1, i + 1,
		    err, sizeof err) != 0)
			return 1;
	if (cache_sync(c, err, sizeof err) != 0)
		return 1;
	t = bench_now() - t;
	printf("append, 1 event per call, fsync batched: %.0f events/s\n",
	    20000 / t);
	t = bench_now();
	for (i = 0; i < 200; i++) {
		char id[32];
		snprintf(id, sizeof id, "c%ld", i);
		if (cache_outbox_put(c, id, json[i], lens[i], err, sizeof err) != 0)
			return 1;
	}
	t = bench_now() - t;
	printf("outbox put (fsynced each): %.2f ms each\n", t / 200 * 1e3);
	cache_close(c);

	bench_phases("JSON", dir, k);
	snprintf(dir2, sizeof dir2, "%s/cache3", tmp);
	bench_packed(dir2, k, json, lens);

	for (i = 0; i < NEVENTS; i++)
		free((void *)json[i]);
	free(json);
	free(lens);
	cache_key_free(k);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
