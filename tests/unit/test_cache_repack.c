/*
 * Caches of builds before packed events hold the relay's JSON text.
 * Opening such a cache the way ttydesk does (app_open_cache) packs every
 * event this build can read, once; the replayed model is the same before
 * and after; JSON this build cannot read (unknown types, bad text) and the
 * outbox and drafts survive byte for byte; a cache that holds nothing to
 * convert is not rewritten.
 */
#include <stdarg.h>
#include <sys/stat.h>

#include <jansson.h>

#include "check.h"
#include "cache_testutil.h"
#include "ttydesk/event.h"
#include "ttydesk/model.h"
#include "app.h"
#include "cacheopen.h"
#include "ui.h"

#define N_EV 400

static char *dir, *cdir, *kfile;
static struct cache_key *key;

/* Events with their lengths (packed ones hold NUL bytes). */
struct evs {
	char **p;
	size_t *len;
	size_t n;
};

static void
evs_add(struct evs *e, const char *p, size_t len)
{
	e->p = realloc(e->p, (e->n + 1) * sizeof *e->p);
	e->len = realloc(e->len, (e->n + 1) * sizeof *e->len);
	if (e->p == NULL || e->len == NULL)
		abort();
	e->p[e->n] = tu_dup(p, len);
	e->len[e->n++] = len;
}

static void
evs_free(struct evs *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->p[i]);
	free(e->p);
	free(e->len);
	memset(e, 0, sizeof *e);
}

static bool
is_packed(const char *p, size_t len)
{
	return len > 0 && (unsigned char)p[0] >= 1 && (unsigned char)p[0] <= 8;
}

/* JSON text of event i: every known type, in the relay's form. */
static void
make_json(int i, char *buf, size_t len)
{
	int c = i % 17, seq = i + 1, ts = 1750000000 + i;

	switch (i % 10) {
	case 0:
		snprintf(buf, len, "{\"seq\":%d,\"ts\":%d,\"type\":\"contact\","
		    "\"conversation\":\"c%d\",\"contact\":{\"wa_id\":\"1650555%04d"
		    "\",\"name\":\"Zoë %d\",\"note\":\"vip\",\"attributes\":"
		    "{\"plan\":\"gold\"}}}", seq, ts, c, c, i);
		break;
	case 1:
		snprintf(buf, len, "{\"seq\":%d,\"ts\":%d,\"type\":\"conversation\","
		    "\"conversation\":\"c%d\",\"state\":{\"status\":\"%s\","
		    "\"assignee\":%s,\"team\":\"tier%d\",\"priority\":\"%s\","
		    "\"labels\":[\"l%d\",\"refund\"],\"last_inbound_ts\":%d,"
		    "\"sla\":{\"first_response_due\":%d,\"breached\":%s}}}", seq,
		    ts, c, i % 3 == 0 ? "escalated" : "open", i % 4 ? "\"alice\"" :
		    "null", i % 3, i % 7 ? "high" : "urgent", i % 5, ts, ts + 900,
		    i % 2 ? "true" : "false");
		break;
	case 2: case 3: case 4:
		snprintf(buf, len, "{\"seq\":%d,\"ts\":%d,\"type\":\"message\","
		    "\"conversation\":\"c%d\",\"message\":{\"id\":\"wamid.%d\","
		    "\"direction\":\"%s\",\"kind\":\"text\",\"from\":\"1650555%04d\","
		    "\"text\":\"hello %d 日本 🙂\",%s\"status\":\"%s\"}}", seq, ts,
		    c, i, i % 10 == 3 ? "out" : "in", c, i, i % 10 == 3 ?
		    "\"agent\":\"alice\",\"client_id\":\"cl-1\"," : "\"reply_to\":"
		    "\"wamid.1\",", i % 10 == 3 ? "sent" : "received");
		break;
	case 5:
		snprintf(buf, len, "{\"seq\":%d,\"ts\":%d,\"type\":\"status\","
		    "\"conversation\":\"c%d\",\"status\":{\"message\":\"wamid.%d\","
		    "\"status\":\"%s\"%s}}", seq, ts, (i - 2) % 17, i - 2,
		    i % 4 == 1 ? "failed" : "read", i % 4 == 1 ? ",\"error\":"
		    "{\"code\":131047,\"title\":\"Re-engagement message\"}" : "");
		break;
	case 6:
		snprintf(buf, len, "{\"seq\":%d,\"ts\":%d,\"type\":\"message\","
		    "\"conversation\":\"c%d\",\"message\":{\"id\":\"wamid.%d\","
		    "\"direction\":\"in\",\"kind\":\"image\",\"from\":\"1650555%04d\","
		    "\"caption\":\"receipt\",\"media\":{\"id\":\"m%d\",\"mime_type\":"
		    "\"image/jpeg\",\"sha256\":\"abc\"},\"status\":\"received\"}}",
		    seq, ts, c, i, c, i);
		break;
	case 7:
		snprintf(buf, len, "{\"seq\":%d,\"ts\":%d,\"type\":\"message\","
		    "\"conversation\":\"c%d\",\"message\":{\"id\":\"wamid.%d\","
		    "\"direction\":\"in\",\"kind\":\"reaction\",\"from\":"
		    "\"1650555%04d\",\"reaction\":{\"to\":\"wamid.%d\",\"emoji\":"
		    "\"👍\"},\"status\":\"received\"}}", seq, ts, (i - 3) % 17,
		    i, (i - 3) % 17, i - 3);
		break;
	case 8:
		snprintf(buf, len, "{\"seq\":%d,\"ts\":%d,\"type\":\"message\","
		    "\"conversation\":\"c%d\",\"message\":{\"id\":\"wamid.%d\","
		    "\"direction\":\"in\",\"kind\":\"location\",\"from\":"
		    "\"1650555%04d\",\"location\":{\"latitude\":52.52,\"longitude\":"
		    "13.405,\"name\":\"Shop\"},\"status\":\"received\"}}", seq, ts,
		    c, i, c);
		break;
	default:
		snprintf(buf, len, "{\"seq\":%d,\"ts\":%d,\"type\":\"message\","
		    "\"conversation\":\"c%d\",\"message\":{\"id\":\"note-%d\","
		    "\"direction\":\"note\",\"kind\":\"text\",\"from\":\"alice\","
		    "\"agent\":\"alice\",\"text\":\"internal %d\",\"status\":"
		    "\"received\"}}", seq, ts, c, i, i);
		break;
	}
}

/* What this build cannot pack: a type it does not know, text that is not
 * JSON, an event without a conversation.  They must come back unchanged. */
static const char *const odd[] = {
	"{\"seq\":9001,\"ts\":1,\"type\":\"ticket.linked\",\"conversation\":"
	"\"c1\",\"ticket\":{\"id\":\"T-1\",\"url\":\"https://x.test/1\"}}",
	"{\"seq\":9002,\"type\":\"message\",\"message\":{\"id\":\"x\"}}",
	"{\"seq\":9003, not json",
};
#define N_ODD (sizeof odd / sizeof odd[0])

static void
packed_of(const char *json, char **out, size_t *len)
{
	struct td_event ev;
	unsigned char *pk;
	char err[256];

	CHECK_INT(event_parse_text(json, strlen(json), &ev, err, sizeof err), 0);
	CHECK_INT(event_pack(&ev, &pk, len), 0);
	event_free(&ev);
	*out = (char *)pk;
}

/* An old cache: a compacted snapshot of JSON events, more JSON in the
 * log, an outbox entry and a draft; a few events packed (a build with
 * packing that wrote into it later) and the odd ones in between. */
static void
write_old(struct evs *all)
{
	struct td_cache *c;
	char err[512], buf[1024], *pk;
	const char *p;
	size_t len, i, batch = 0;
	int n;

	tu_rmrf(cdir);
	CHECK_INT(cache_open(cdir, key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_outbox_put(c, "client-9", "{\"text\":\"unsent\"}", 17,
	    err, sizeof err), 0);
	CHECK_INT(cache_draft_set(c, "c3", "half a reply", err, sizeof err), 0);
	for (n = 0; n < N_EV; n++) {
		make_json(n, buf, sizeof buf);
		if (n % 50 == 49) {
			packed_of(buf, &pk, &len);
			evs_add(all, pk, len);
			free(pk);
		} else {
			evs_add(all, buf, strlen(buf));
		}
		if (n % 130 == 7)
			evs_add(all, odd[(size_t)n % N_ODD], strlen(odd[(size_t)n % N_ODD]));
		if (all->n - batch >= 40 || n == N_EV - 1) {
			CHECK_INT(cache_append_events(c,
			    (const char *const *)all->p + batch, all->len + batch,
			    all->n - batch, n + 1, err, sizeof err), 0);
			batch = all->n;
		}
		if (n == N_EV / 2)
			CHECK_INT(cache_compact(c, err, sizeof err), 0);
	}
	for (i = 0; i < N_ODD; i++) {
		p = odd[i];
		evs_add(all, p, strlen(p));
	}
	CHECK_INT(cache_append_events(c, (const char *const *)all->p + batch,
	    all->len + batch, all->n - batch, N_EV + 10, err, sizeof err), 0);
	cache_close(c);
}

static int
open_app(struct app *app, struct appconfig *cfg)
{
	char err[512];
	int rc;

	memset(cfg, 0, sizeof *cfg);
	cfg->cache_dir = cdir;
	cfg->key_file = kfile;
	cfg->profile = "test";
	cfg->theme = "default";
	if (app_init(app, cfg, model_new("alice"), err, sizeof err) != 0 ||
	    ui_init(app, err, sizeof err) != 0)
		return -2;
	rc = app_open_cache(app, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "app_open_cache: %s\n", err);
	return rc;
}

static void
close_app(struct app *app, struct appconfig *cfg)
{
	cfg->cache_dir = cfg->key_file = NULL;
	cfg->profile = cfg->theme = NULL;
	app_free(app);
}

static void
sig_add(char **s, size_t *len, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	*s = realloc(*s, *len + (size_t)n + 1);
	if (*s == NULL)
		abort();
	memcpy(*s + *len, buf, (size_t)n + 1);
	*len += (size_t)n;
}

#define S(x) ((x) != NULL ? (x) : "-")

/* Everything the inbox shows, in model order. */
static char *
model_sig(const struct td_model *m)
{
	const struct td_conversation *c;
	const struct td_msg *g;
	char *s = NULL;
	size_t len = 0, i, j, k;

	sig_add(&s, &len, "last %lld n %zu\n", (long long)model_last_seq(m),
	    model_count(m));
	for (i = 0; i < model_count(m); i++) {
		c = model_get(m, i);
		sig_add(&s, &len, "C %s %s %s %s %d %s %s %d u%u act%lld lab%zu"
		    " attr%zu sla%lld/%d\n", c->id, S(c->contact.wa_id),
		    S(c->contact.name), S(c->contact.note), (int)c->state.status,
		    S(c->state.assignee), S(c->state.team),
		    (int)c->state.priority, c->unread,
		    (long long)c->last_activity, c->state.n_labels,
		    c->contact.n_attributes,
		    (long long)c->state.sla.first_response_due,
		    (int)c->state.sla.breached);
		for (k = 0; k < c->state.n_labels; k++)
			sig_add(&s, &len, " L %s\n", c->state.labels[k]);
		for (j = 0; j < c->n_messages; j++) {
			g = c->messages[j];
			sig_add(&s, &len, " M %s %d %d %s %s %s %s %s %d %d %s "
			    "%lld %lld r%zu %s\n", g->m.id, (int)g->m.direction,
			    (int)g->m.kind, S(g->m.from), S(g->m.text),
			    S(g->m.caption), S(g->m.reply_to), S(g->m.agent),
			    (int)g->m.status, g->m.error.code,
			    S(g->m.error.title), (long long)g->ts,
			    (long long)g->seq, g->n_reactions,
			    g->m.media != NULL ? S(g->m.media->id) : "-");
			if (g->m.location != NULL)
				sig_add(&s, &len, "  at %.3f %.3f %s\n",
				    g->m.location->latitude,
				    g->m.location->longitude,
				    S(g->m.location->name));
			for (k = 0; k < g->n_reactions; k++)
				sig_add(&s, &len, "  R %s %s\n",
				    g->reactions[k].from, g->reactions[k].emoji);
		}
	}
	return s;
}

/* The model a plain cache_open + app_load_cache gives (no conversion). */
static char *
replay_plain(void)
{
	struct td_cache *c;
	struct app app;
	char err[512], *s;

	CHECK_INT(cache_open(cdir, key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(app_init(&app, NULL, model_new("alice"), err, sizeof err), 0);
	CHECK_INT(ui_init(&app, err, sizeof err), 0);
	app.cache = c;
	CHECK_INT(app_load_cache(&app, err, sizeof err), CACHE_OK);
	s = model_sig(app.model);
	app_free(&app);
	return s;
}

static void
counts(uint64_t *events, uint64_t *json)
{
	struct td_cache *c;
	char err[512];

	CHECK_INT(cache_open(cdir, key, &c, err, sizeof err), CACHE_OK);
	cache_event_counts(c, events, json);
	cache_close(c);
}

struct both {
	struct evs *ev;
	struct coll *st;
};

static void
both_event(void *ud, const char *p, size_t len)
{
	evs_add(((struct both *)ud)->ev, p, len);
}

static void
both_outbox(void *ud, const char *id, const char *json, size_t len)
{
	coll_outbox(((struct both *)ud)->st, id, json, len);
}

static void
both_draft(void *ud, const char *conv, const char *text, size_t len)
{
	coll_draft(((struct both *)ud)->st, conv, text, len);
}

/* Every event as stored, and the outbox and drafts. */
static void
read_all(struct evs *got, struct coll *state)
{
	struct both b = { got, state };
	struct cache_visitor v = { &b, both_event, both_outbox, both_draft };
	struct td_cache *c;
	char err[512];

	memset(state, 0, sizeof *state);
	CHECK_INT(cache_open(cdir, key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_load(c, &v, err, sizeof err), CACHE_OK);
	cache_close(c);
}

static bool
is_odd(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < N_ODD; i++)
		if (len == strlen(odd[i]) && memcmp(p, odd[i], len) == 0)
			return true;
	return false;
}

static void
test_convert_once(void)
{
	struct evs all = { 0 }, got = { 0 }, got2 = { 0 };
	struct coll st, st2;
	struct appconfig cfg;
	struct app app;
	uint64_t events, json, n_odd = 0, n_json = 0;
	char *before, *after, *direct, snap[600], err[512];
	struct stat s1, s2;
	size_t i;

	write_old(&all);
	for (i = 0; i < all.n; i++) {
		n_odd += is_odd(all.p[i], all.len[i]);
		n_json += !is_packed(all.p[i], all.len[i]);
	}
	CHECK(n_odd >= N_ODD + 2);
	counts(&events, &json);
	CHECK_INT((long long)events, (long long)all.n);
	CHECK_INT((long long)json, (long long)n_json);
	before = replay_plain();
	/* The fixture reaches every part of the model that is compared. */
	CHECK(strstr(before, " M wamid.") != NULL);
	CHECK(strstr(before, "  at 52.520 13.405 Shop") != NULL);
	CHECK(strstr(before, "  R 1650555") != NULL);
	CHECK(strstr(before, " L refund") != NULL);
	CHECK(strstr(before, "Re-engagement") != NULL);
	/* A plain open converts nothing. */
	counts(NULL, &json);
	CHECK_INT((long long)json, (long long)n_json);

	/* ttydesk's own open: converts, then replays the packed events. */
	CHECK_INT(open_app(&app, &cfg), 0);
	CHECK(app.cache != NULL);
	if (app.cache != NULL) {
		cache_event_counts(app.cache, &events, &json);
		CHECK_INT((long long)events, (long long)all.n);
		CHECK_INT((long long)json, (long long)n_odd);
		CHECK_INT(app_load_cache(&app, err, sizeof err), CACHE_OK);
	}
	after = model_sig(app.model);
	CHECK_STR(after, before);
	close_app(&app, &cfg);
	direct = replay_plain();
	CHECK_STR(direct, before);

	/* Record by record: same events in the same order, packed unless this
	 * build cannot read them; those and outbox/draft byte for byte. */
	read_all(&got, &st);
	CHECK_INT((long long)got.n, (long long)all.n);
	for (i = 0; i < got.n && i < all.n; i++) {
		if (is_odd(all.p[i], all.len[i])) {
			CHECK_INT((long long)got.len[i], (long long)all.len[i]);
			CHECK(got.len[i] == all.len[i] &&
			    memcmp(got.p[i], all.p[i], all.len[i]) == 0);
			continue;
		}
		CHECK(is_packed(got.p[i], got.len[i]));
		CHECK(tu_same_event(got.p[i], got.len[i], all.p[i], all.len[i]));
		if (is_packed(all.p[i], all.len[i]))
			CHECK(got.len[i] == all.len[i] &&
			    memcmp(got.p[i], all.p[i], all.len[i]) == 0);
	}
	CHECK_INT((long long)st.nob, 1);
	CHECK_STR(coll_outbox_of(&st, "client-9"), "{\"text\":\"unsent\"}");
	CHECK_INT((long long)st.ndr, 1);
	CHECK_STR(coll_draft_of(&st, "c3"), "half a reply");

	/* Converted once: the next open rewrites nothing. */
	snprintf(snap, sizeof snap, "%s/snapshot", cdir);
	CHECK_INT(stat(snap, &s1), 0);
	CHECK_INT(open_app(&app, &cfg), 0);
	close_app(&app, &cfg);
	CHECK_INT(stat(snap, &s2), 0);
	CHECK(s1.st_ino == s2.st_ino && s1.st_size == s2.st_size);
	read_all(&got2, &st2);
	CHECK_INT((long long)got2.n, (long long)got.n);
	for (i = 0; i < got.n && i < got2.n; i++)
		CHECK(got.len[i] == got2.len[i] &&
		    memcmp(got.p[i], got2.p[i], got.len[i]) == 0);

	coll_free(&st);
	coll_free(&st2);
	evs_free(&got2);
	evs_free(&got);
	evs_free(&all);
	free(before);
	free(after);
	free(direct);
}

/* JSON this build cannot pack, many of it: each open tries, but a cache
 * that is compact already is not rewritten when nothing changed. */
static void
test_unknown_left_alone(void)
{
	struct evs all = { 0 }, got = { 0 };
	struct td_cache *c;
	struct coll st;
	struct appconfig cfg;
	struct app app;
	struct stat s1, s2, l1, l2;
	char err[512], buf[256], snap[600], logp[600];
	uint64_t json;
	size_t i;

	tu_rmrf(cdir);
	CHECK_INT(cache_open(cdir, key, &c, err, sizeof err), CACHE_OK);
	for (i = 0; i < 100; i++) {
		snprintf(buf, sizeof buf, "{\"seq\":%zu,\"ts\":1,\"type\":"
		    "\"ticket.linked\",\"conversation\":\"c%zu\"}", i + 1, i % 3);
		evs_add(&all, buf, strlen(buf));
	}
	CHECK_INT(cache_append_events(c, (const char *const *)all.p, all.len,
	    all.n, 100, err, sizeof err), 0);
	CHECK_INT(cache_compact(c, err, sizeof err), 0);
	cache_close(c);
	snprintf(snap, sizeof snap, "%s/snapshot", cdir);
	snprintf(logp, sizeof logp, "%s/log", cdir);
	CHECK_INT(stat(snap, &s1), 0);
	CHECK_INT(stat(logp, &l1), 0);
	CHECK_INT(open_app(&app, &cfg), 0);
	if (app.cache != NULL) {
		cache_event_counts(app.cache, NULL, &json);
		CHECK_INT((long long)json, 100);
	}
	close_app(&app, &cfg);
	CHECK_INT(stat(snap, &s2), 0);
	CHECK_INT(stat(logp, &l2), 0);
	CHECK(s1.st_ino == s2.st_ino && l1.st_ino == l2.st_ino);
	read_all(&got, &st);
	CHECK_INT((long long)got.n, 100);
	for (i = 0; i < got.n && i < all.n; i++)
		CHECK(got.len[i] == all.len[i] &&
		    memcmp(got.p[i], all.p[i], all.len[i]) == 0);
	coll_free(&st);
	evs_free(&got);
	evs_free(&all);
}

/* A few JSON events in a big packed cache are not worth a rewrite at
 * open; the app's next compaction (app_cache_idle) packs them anyway. */
static void
test_later_compaction_packs(void)
{
	struct evs all = { 0 }, got = { 0 };
	struct td_cache *c;
	struct coll st;
	struct appconfig cfg;
	struct app app;
	char err[512], buf[1024], *pk;
	uint64_t events, json;
	size_t len, i;
	int n;

	tu_rmrf(cdir);
	CHECK_INT(cache_open(cdir, key, &c, err, sizeof err), CACHE_OK);
	for (n = 0; n < 800; n++) {
		make_json(n, buf, sizeof buf);
		if (n % 10 == 4) {
			evs_add(&all, buf, strlen(buf)); /* 80 JSON: 1/10 */
		} else {
			packed_of(buf, &pk, &len);
			evs_add(&all, pk, len);
			free(pk);
		}
	}
	CHECK_INT(cache_append_events(c, (const char *const *)all.p, all.len,
	    all.n, 800, err, sizeof err), 0);
	cache_close(c);
	CHECK_INT(open_app(&app, &cfg), 0);
	if (app.cache != NULL) {
		cache_event_counts(app.cache, &events, &json);
		CHECK_INT((long long)events, 800);
		CHECK_INT((long long)json, 80); /* left for later */
		CHECK_INT(cache_compact(app.cache, err, sizeof err), 0);
		cache_event_counts(app.cache, &events, &json);
		CHECK_INT((long long)events, 800);
		CHECK_INT((long long)json, 0);
	}
	close_app(&app, &cfg);
	read_all(&got, &st);
	CHECK_INT((long long)got.n, 800);
	for (i = 0; i < got.n && i < all.n; i++) {
		CHECK(is_packed(got.p[i], got.len[i]));
		CHECK(tu_same_event(got.p[i], got.len[i], all.p[i], all.len[i]));
	}
	coll_free(&st);
	evs_free(&got);
	evs_free(&all);
}

/* A repack callback that fails leaves the cache as it was. */
static int
repack_fail(void *ud, const char *ev, size_t len, char **out, size_t *outlen)
{
	int *calls = ud;

	(void)ev;
	(void)len;
	(void)out;
	(void)outlen;
	return ++*calls >= 50 ? -1 : 0;
}

static int
repack_upper(void *ud, const char *ev, size_t len, char **out, size_t *outlen)
{
	size_t i;

	(void)ud;
	if ((*out = malloc(len + 1)) == NULL)
		return -1;
	for (i = 0; i < len; i++)
		(*out)[i] = ev[i] >= 'a' && ev[i] <= 'z' ? (char)(ev[i] - 32) : ev[i];
	(*out)[len] = 'X';
	*outlen = len + 1;
	return 1;
}

static void
test_repack_callback(void)
{
	struct evs all = { 0 }, got = { 0 };
	struct td_cache *c;
	struct coll st;
	char err[512], buf[64];
	uint64_t events, json;
	size_t i;
	int calls = 0;

	tu_rmrf(cdir);
	CHECK_INT(cache_open(cdir, key, &c, err, sizeof err), CACHE_OK);
	for (i = 0; i < 120; i++) {
		snprintf(buf, sizeof buf, "{\"n\":%zu}", i);
		evs_add(&all, buf, strlen(buf));
	}
	CHECK_INT(cache_append_events(c, (const char *const *)all.p, all.len,
	    all.n, 7, err, sizeof err), 0);
	cache_set_repack(c, repack_fail, &calls);
	CHECK_INT(cache_compact(c, err, sizeof err), -1);
	CHECK(strstr(err, "repack") != NULL);
	CHECK_INT(calls, 50);
	/* Nothing replaced: the cache still works and holds the originals. */
	cache_event_counts(c, &events, &json);
	CHECK_INT((long long)json, 120);
	cache_set_repack(c, repack_upper, NULL);
	CHECK_INT(cache_compact(c, err, sizeof err), 0);
	cache_set_repack(c, NULL, NULL);
	CHECK_INT(cache_append_events(c, (const char *const *)all.p, all.len,
	    1, 8, err, sizeof err), 0);
	cache_event_counts(c, &events, &json);
	CHECK_INT((long long)events, 121);
	CHECK_INT((long long)json, 121);
	cache_close(c);
	read_all(&got, &st);
	CHECK_INT((long long)got.n, 121);
	for (i = 0; i < 120 && i < got.n; i++) {
		snprintf(buf, sizeof buf, "{\"N\":%zu}X", i);
		CHECK(got.len[i] == strlen(buf) &&
		    memcmp(got.p[i], buf, got.len[i]) == 0);
	}
	if (got.n == 121)
		CHECK(got.len[120] == all.len[0] &&
		    memcmp(got.p[120], all.p[0], all.len[0]) == 0);
	coll_free(&st);
	evs_free(&got);
	evs_free(&all);
}

int
main(void)
{
	char err[512];

	dir = tu_tmpdir();
	cdir = tu_path(dir, "cache");
	kfile = tu_path(dir, "key");
	if (cache_keygen(kfile, err, sizeof err) != 0 ||
	    (key = cache_key_from_file(kfile, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	RUN(test_convert_once);
	RUN(test_unknown_left_alone);
	RUN(test_later_compaction_packs);
	RUN(test_repack_callback);
	cache_key_free(key);
	tu_rmrf(dir);
	free(dir);
	free(cdir);
	free(kfile);
	return check_done();
}
