/*
 * Opening the encrypted cache before the screen starts: the key comes
 * from key_file, passphrase_command, or a no-echo prompt on the terminal.
 * A damaged cache can be moved aside and rebuilt from the relay.  Events
 * an older build cached as JSON text are packed on the way.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ttydesk/cache.h"
#include "ttydesk/event.h"
#include "app.h"
#include "cacheopen.h"
#include "window.h"

#define PASS_MAX 1024

/* Read one line from the terminal without echo into guarded memory. */
static char *
cache_ask_pass(const char *prompt, size_t *len)
{
	struct termios t, old;
	char *buf;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC), got_term;
	size_t n = 0;
	char c;

	if (fd < 0 || sodium_init() < 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if ((buf = sodium_malloc(PASS_MAX + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	(void)!write(fd, prompt, strlen(prompt));
	got_term = tcgetattr(fd, &old) == 0;
	if (got_term) {
		t = old;
		t.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
		tcsetattr(fd, TCSAFLUSH, &t);
	}
	while (n < PASS_MAX && read(fd, &c, 1) == 1 && c != '\n' && c != '\r')
		buf[n++] = c;
	buf[n] = '\0';
	if (got_term)
		tcsetattr(fd, TCSAFLUSH, &old);
	(void)!write(fd, "\n", 1);
	close(fd);
	*len = n;
	return buf;
}

/* Run passphrase_command; its first line is the passphrase. */
static char *
cache_pass_command(const char *cmd, size_t *len, char *err, size_t errlen)
{
	FILE *p;
	char *buf;
	size_t n = 0;
	int c, st;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to initialise");
		return NULL;
	}
	if ((p = popen(cmd, "r")) == NULL) {
		snprintf(err, errlen, "passphrase_command: %s", strerror(errno));
		return NULL;
	}
	if ((buf = sodium_malloc(PASS_MAX + 1)) == NULL) {
		pclose(p);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	while (n < PASS_MAX && (c = fgetc(p)) != EOF && c != '\n')
		buf[n++] = (char)c;
	buf[n] = '\0';
	while (fgetc(p) != EOF)
		;
	st = pclose(p);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || n == 0) {
		sodium_free(buf);
		snprintf(err, errlen, "passphrase_command failed or printed nothing "
		    "(exit %d)", st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return NULL;
	}
	*len = n;
	return buf;
}

static struct cache_key *
cache_get_key(struct app *app, char *err, size_t errlen)
{
	const struct appconfig *cfg = app->cfg;
	struct cache_key *k;
	struct stat st;
	char *pass, prompt[512];
	size_t len = 0;

	if (cfg->key_file != NULL)
		return cache_key_from_file(cfg->key_file, err, errlen);
	if (cfg->passphrase_command != NULL) {
		pass = cache_pass_command(cfg->passphrase_command, &len, err, errlen);
	} else {
		snprintf(prompt, sizeof prompt, "%s passphrase for the ttydesk cache "
		    "(profile %s): ", stat(cfg->cache_dir, &st) == 0 ? "Enter the" :
		    "Choose a", cfg->profile);
		pass = cache_ask_pass(prompt, &len);
		if (pass == NULL || len == 0) {
			if (pass != NULL)
				sodium_free(pass);
			snprintf(err, errlen, "no cache passphrase given (set [cache] "
			    "key_file or passphrase_command to start without a prompt)");
			return NULL;
		}
	}
	if (pass == NULL)
		return NULL;
	k = cache_key_from_passphrase(cfg->cache_dir, pass, len, err, errlen);
	sodium_free(pass);
	return k;
}

/* Ask on the terminal; true for y/yes. */
static bool
cache_ask_yes(const char *question)
{
	char line[16];
	FILE *tty = fopen("/dev/tty", "r+");
	bool yes = false;

	if (tty == NULL)
		return false;
	fprintf(tty, "%s [y/N] ", question);
	fflush(tty);
	if (fgets(line, sizeof line, tty) != NULL)
		yes = line[0] == 'y' || line[0] == 'Y';
	fclose(tty);
	return yes;
}

static int
cache_move_aside(const char *dir, char *err, size_t errlen)
{
	char to[4096], stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	snprintf(to, sizeof to, "%s.corrupt-%s", dir, stamp);
	if (rename(dir, to) != 0) {
		snprintf(err, errlen, "cannot move %s aside: %s", dir, strerror(errno));
		return -1;
	}
	fprintf(stderr, "ttydesk: moved the damaged cache to %s; rebuilding "
	    "from the relay\n", to);
	return 0;
}

/* Outbox entries and drafts rescued from a damaged cache (cache_salvage):
 * unsent replies must survive a rebuild. */
struct rescue_item {
	char *key;   /* client_id or conversation */
	char *data;  /* outbox JSON or draft text */
	size_t len;
	int draft;
};

struct rescue {
	struct rescue_item *v;
	size_t n;
};

static void
rescue_add(struct rescue *r, const char *key, const char *data, size_t len,
    int draft)
{
	struct rescue_item *nv = realloc(r->v, (r->n + 1) * sizeof *nv);

	if (nv == NULL)
		return;
	r->v = nv;
	nv[r->n].key = strdup(key);
	nv[r->n].data = malloc(len + 1);
	if (nv[r->n].key == NULL || nv[r->n].data == NULL) {
		free(nv[r->n].key);
		free(nv[r->n].data);
		return;
	}
	memcpy(nv[r->n].data, data, len);
	nv[r->n].data[len] = '\0';
	nv[r->n].len = len;
	nv[r->n].draft = draft;
	r->n++;
}

static void
rescue_outbox(void *ud, const char *client_id, const char *json, size_t len)
{
	rescue_add(ud, client_id, json, len, 0);
}

static void
rescue_draft(void *ud, const char *conv, const char *text, size_t len)
{
	rescue_add(ud, conv, text, len, 1);
}

static void
rescue_free(struct rescue *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		sodium_memzero(r->v[i].data, r->v[i].len);
		free(r->v[i].key);
		free(r->v[i].data);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

/* Put what was rescued into the new cache. */
static void
rescue_restore(struct rescue *r, struct td_cache *c)
{
	char err[256];
	size_t i, lost = 0;

	for (i = 0; i < r->n; i++) {
		int rc = r->v[i].draft ?
		    cache_draft_set(c, r->v[i].key, r->v[i].data, err, sizeof err) :
		    cache_outbox_put(c, r->v[i].key, r->v[i].data, r->v[i].len,
		    err, sizeof err);
		if (rc != 0)
			lost++;
	}
	if (r->n > 0)
		fprintf(stderr, "ttydesk: kept %zu unsent messages and drafts from "
		    "the damaged cache%s\n", r->n - lost, lost ? " (some could not "
		    "be written)" : "");
}

static int
cache_explain(struct app *app, int rc, const char *why, char *err,
    size_t errlen)
{
	const char *dir = app->cfg->cache_dir;

	switch (rc) {
	case CACHE_BAD_KEY:
		snprintf(err, errlen, "the cache key does not open %s (wrong "
		    "key_file or passphrase). If the key is lost, `ttydesk "
		    "--forget` wipes the cache and it is rebuilt from the relay",
		    dir);
		break;
	case CACHE_LOCKED:
		snprintf(err, errlen, "another ttydesk is using the cache in %s "
		    "(profile %s); close it first", dir, app->cfg->profile);
		break;
	default:
		snprintf(err, errlen, "cache %s: %s", dir, why);
		break;
	}
	return -1;
}

/* Every compaction passes the cached events through here: JSON text of
 * a type this build knows becomes packed (as app_on_events stores what
 * sync brings), so replaying it no longer means parsing JSON at each
 * start.  Anything else keeps its bytes: packed events, and JSON this
 * build cannot read (bad, or of a type a newer relay added). */
int
app_cache_repack(void *ud, const char *ev, size_t len, char **out,
    size_t *outlen)
{
	struct td_event e, back;
	unsigned char *pk = NULL;
	char err[256];
	int rc = 0;

	if (window_drops(ud, ev, len))
		return CACHE_REPACK_DROP;
	if (event_is_packed(ev, len))
		return 0;
	if (event_parse_text(ev, len, &e, err, sizeof err) != 0) {
		event_free(&e);
		return 0;
	}
	if (e.type != TD_EV_UNKNOWN && event_pack(&e, &pk, outlen) == 0) {
		/* Never trade the text for bytes the reader would refuse. */
		if (event_unpack(pk, *outlen, &back, err, sizeof err) == 0 &&
		    back.seq == e.seq && back.type == e.type) {
			*out = (char *)pk;
			pk = NULL;
			rc = 1;
		}
		event_free(&back);
		free(pk);
	}
	event_free(&e);
	return rc;
}

/* Convert at once (not at the next compaction, which may be far off for
 * a cache that is compact already) when JSON text is a noticeable part
 * of the replay; after that every compaction keeps events packed.  What
 * stays JSON can only be events this build cannot pack; if they are that
 * many, each start tries again (a newer build may pack them), which costs
 * about one more parse of them and writes nothing when none changed. */
#define PACK_OLD_MIN 64
#define PACK_OLD_ALWAYS 2000
#define PACK_OLD_SAY 20000

static bool
cache_has_old(struct td_cache *c)
{
	uint64_t events, json;

	cache_event_counts(c, &events, &json);
	return json >= PACK_OLD_MIN && (json >= PACK_OLD_ALWAYS ||
	    json * 8 >= events);
}

/* On failure the cache is opened again (the compaction may have left it
 * unwritable); the events then just stay JSON until the next try. */
static int
cache_pack_old(struct app *app, struct td_cache **cp,
    const struct cache_key *key, char *why, size_t whylen)
{
	uint64_t json;
	char err[512];
	int rc;

	cache_set_repack(*cp, app_cache_repack, app);
	if (!cache_has_old(*cp))
		return CACHE_OK;
	cache_event_counts(*cp, NULL, &json);
	if (json >= PACK_OLD_SAY)
		fprintf(stderr, "ttydesk: converting %llu cached events to the "
		    "packed form (once) ...\n", (unsigned long long)json);
	if (cache_compact(*cp, err, sizeof err) == 0)
		return CACHE_OK;
	fprintf(stderr, "ttydesk: the cached events stay in the old form: %s\n",
	    err);
	cache_close(*cp);
	*cp = NULL;
	if ((rc = cache_open(app->cfg->cache_dir, key, cp, why, whylen)) !=
	    CACHE_OK)
		return rc;
	cache_set_repack(*cp, app_cache_repack, app);
	return CACHE_OK;
}

int
app_open_cache(struct app *app, char *err, size_t errlen)
{
	struct cache_key *key;
	struct td_cache *c = NULL;
	struct rescue rescued = { NULL, 0 };
	char why[512];
	int rc, tries;

	if ((key = cache_get_key(app, err, errlen)) == NULL)
		return -1;
	for (tries = 0; tries < 2; tries++) {
		rc = cache_open(app->cfg->cache_dir, key, &c, why, sizeof why);
		if (rc == CACHE_OK) {
			rescue_restore(&rescued, c);
			rescue_free(&rescued);
			if ((rc = cache_pack_old(app, &c, key, why,
			    sizeof why)) != CACHE_OK)
				break;
			/* cache_open verified every record: the replay
			 * (app_load_cache, with the screen up) will not find
			 * damage. */
			app->cache = c;
			break;
		}
		if (rc != CACHE_CORRUPT || tries > 0)
			break;
		fprintf(stderr, "ttydesk: the cache is damaged: %s\n", why);
		if (!(app->ask_yes ? app->ask_yes : cache_ask_yes)(
		    "Move it aside and rebuild it from the relay?")) {
			snprintf(err, errlen, "the cache in %s is damaged (%s); not "
			    "rebuilt", app->cfg->cache_dir, why);
			cache_key_free(key);
			return -1;
		}
		{
			struct cache_visitor rv = { &rescued, NULL, rescue_outbox,
			    rescue_draft };
			char why2[256];
			if (cache_salvage(app->cfg->cache_dir, key, &rv, why2,
			    sizeof why2) != CACHE_OK)
				rescue_free(&rescued);
		}
		if (cache_move_aside(app->cfg->cache_dir, err, errlen) != 0) {
			rescue_free(&rescued);
			cache_key_free(key);
			return -1;
		}
		/* A passphrase key is bound to the old folder's salt. */
		if (app->cfg->key_file == NULL) {
			cache_key_free(key);
			if ((key = cache_get_key(app, err, errlen)) == NULL) {
				rescue_free(&rescued);
				return -1;
			}
		}
	}
	rescue_free(&rescued);
	cache_key_free(key);
	if (rc != CACHE_OK)
		return cache_explain(app, rc, why, err, errlen);
	return 0;
}
