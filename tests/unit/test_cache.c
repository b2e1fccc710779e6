/*
 * The encrypted cache: round trips, keys, passphrases, permissions,
 * locking, keygen, forget, torn tails, and no plaintext on disk.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "cache_testutil.h"
#include "ttydesk/cache.h"

static char err[512];

struct fixture {
	char *tmp;
	char *dir;
	char *keypath;
	struct cache_key *key;
};

static void
fx_init(struct fixture *f)
{
	f->tmp = tu_tmpdir();
	f->dir = tu_path(f->tmp, "cache");
	f->keypath = tu_path(f->tmp, "cache.key");
	if (cache_keygen(f->keypath, err, sizeof err) != 0)
		abort();
	f->key = cache_key_from_file(f->keypath, err, sizeof err);
	if (f->key == NULL)
		abort();
}

static void
fx_free(struct fixture *f)
{
	cache_key_free(f->key);
	tu_rmrf(f->tmp);
	free(f->tmp);
	free(f->dir);
	free(f->keypath);
}

static int
append1(struct td_cache *c, const char *json, int64_t cursor)
{
	size_t len = strlen(json);
	return cache_append_events(c, &json, &len, 1, cursor, err, sizeof err);
}

static void
test_roundtrip(void)
{
	const char *ev[3] = { "{\"seq\":1}", "{\"seq\":2}", "{\"seq\":3}" };
	size_t lens[3] = { 9, 9, 9 };
	struct fixture f;
	struct td_cache *c;
	struct coll got;
	int64_t cursor = -1;
	int pass;

	fx_init(&f);
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_cursor(c), 0);
	CHECK_INT(cache_append_events(c, ev, lens, 2, 2, err, sizeof err), 0);
	CHECK_INT(cache_append_events(c, ev + 2, lens + 2, 1, 3, err, sizeof err), 0);
	CHECK_INT(cache_append_events(c, NULL, NULL, 0, 4, err, sizeof err), 0);
	CHECK_INT(cache_cursor(c), 4);
	CHECK_INT(cache_outbox_put(c, "a", "{\"text\":\"A\"}", 12, err, sizeof err), 0);
	CHECK_INT(cache_outbox_put(c, "b", "{\"text\":\"B\"}", 12, err, sizeof err), 0);
	CHECK_INT(cache_outbox_put(c, "b", "{}", 2, err, sizeof err), -1);
	CHECK(strstr(err, "already") != NULL);
	CHECK_INT(cache_outbox_put(c, "c", "{\"text\":\"C\"}", 12, err, sizeof err), 0);
	CHECK_INT(cache_outbox_ack(c, "b", err, sizeof err), 0);
	CHECK_INT(cache_outbox_ack(c, "nope", err, sizeof err), 0);
	CHECK_INT(cache_draft_set(c, "conv1", "first", err, sizeof err), 0);
	CHECK_INT(cache_draft_set(c, "conv2", "second", err, sizeof err), 0);
	CHECK_INT(cache_draft_set(c, "conv1", "replaced", err, sizeof err), 0);
	CHECK_INT(cache_draft_set(c, "conv2", NULL, err, sizeof err), 0);
	CHECK_INT(cache_draft_set(c, "conv3", "", err, sizeof err), 0);
	cache_close(c);

	/* Twice: from the log, then from a snapshot plus a new log tail. */
	for (pass = 0; pass < 3; pass++) {
		CHECK_INT(tu_open_load(f.dir, f.key, &got, &cursor, err, sizeof err), CACHE_OK);
		CHECK_INT(got.nev, pass == 2 ? 4 : 3);
		if (got.nev >= 3) {
			CHECK_STR(got.ev[0], "{\"seq\":1}");
			CHECK_STR(got.ev[2], "{\"seq\":3}");
		}
		CHECK_INT(cursor, pass == 2 ? 9 : 4);
		CHECK_INT(got.nob, pass == 2 ? 3 : 2);
		if (got.nob >= 2) {
			CHECK_STR(got.ob_id[0], "a");
			CHECK_STR(got.ob_json[0], "{\"text\":\"A\"}");
			CHECK_STR(got.ob_id[1], pass == 2 ? "d" : "c");
		}
		if (pass == 2 && got.nob == 3)
			CHECK_STR(got.ob_id[2], "e");
		CHECK_INT(got.ndr, 1);
		CHECK_STR(coll_draft_of(&got, "conv1"), "replaced");
		CHECK(coll_draft_of(&got, "conv2") == NULL);
		coll_free(&got);
		if (pass == 0) {
			CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
			CHECK_INT(cache_compact(c, err, sizeof err), 0);
			cache_close(c);
		} else if (pass == 1) {
			CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
			CHECK_INT(cache_cursor(c), 4);
			CHECK_INT(append1(c, "{\"seq\":9}", 9), 0);
			CHECK_INT(cache_outbox_put(c, "d", "{}", 2, err, sizeof err), 0);
			CHECK_INT(cache_compact(c, err, sizeof err), 0);
			/* Appends after a compaction land in the new log. */
			CHECK_INT(cache_outbox_ack(c, "c", err, sizeof err), 0);
			CHECK_INT(cache_outbox_put(c, "e", "{}", 2, err, sizeof err), 0);
			cache_close(c);
		}
	}
	fx_free(&f);
}

/* Load in the same session after appends reads the new records too. */
static void
test_load_after_append(void)
{
	struct cache_visitor v;
	struct fixture f;
	struct td_cache *c;
	struct coll got = { 0 };

	fx_init(&f);
	v = (struct cache_visitor){ &got, coll_event, coll_outbox, coll_draft };
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(append1(c, "{\"seq\":1}", 1), 0);
	CHECK_INT(cache_load(c, &v, err, sizeof err), CACHE_OK);
	CHECK_INT(got.nev, 1);
	coll_free(&got);
	CHECK_INT(cache_load(c, &v, err, sizeof err), CACHE_OK);
	CHECK_INT(got.nev, 1);
	coll_free(&got);
	cache_close(c);
	fx_free(&f);
}

static void
test_bad_key(void)
{
	struct fixture f;
	struct cache_key *k2;
	struct td_cache *c;
	char *p2;

	fx_init(&f);
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(append1(c, "{\"seq\":1}", 1), 0);
	cache_close(c);
	p2 = tu_path(f.tmp, "other.key");
	CHECK_INT(cache_keygen(p2, err, sizeof err), 0);
	k2 = cache_key_from_file(p2, err, sizeof err);
	CHECK(k2 != NULL);
	c = NULL;
	CHECK_INT(cache_open(f.dir, k2, &c, err, sizeof err), CACHE_BAD_KEY);
	CHECK(c == NULL);
	CHECK(strstr(err, "key does not open") != NULL);
	/* The right key still works afterwards. */
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	cache_close(c);
	cache_key_free(k2);
	free(p2);
	fx_free(&f);
}

static void
test_passphrase(void)
{
	struct fixture f;
	struct cache_key *k;
	struct td_cache *c;
	struct coll got;
	char *dir2;

	fx_init(&f);
	k = cache_key_from_passphrase_limits(f.dir, "correct horse", 13,
	    crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN, err, sizeof err);
	CHECK(k != NULL);
	CHECK_INT(cache_open(f.dir, k, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_outbox_put(c, "x", "{}", 2, err, sizeof err), 0);
	cache_close(c);
	cache_key_free(k);

	/* Wrong passphrase: a key comes out, the cache refuses it. */
	k = cache_key_from_passphrase(f.dir, "wrong horse", 11, err, sizeof err);
	CHECK(k != NULL);
	CHECK_INT(cache_open(f.dir, k, &c, err, sizeof err), CACHE_BAD_KEY);
	CHECK(strstr(err, "wrong passphrase") != NULL);
	cache_key_free(k);

	/* A key file on a passphrase cache. */
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_BAD_KEY);
	CHECK(strstr(err, "passphrase") != NULL);

	/* The stored limits win over the ones asked for. */
	k = cache_key_from_passphrase(f.dir, "correct horse", 13, err, sizeof err);
	CHECK(k != NULL);
	CHECK_INT(tu_open_load(f.dir, k, &got, NULL, err, sizeof err), CACHE_OK);
	CHECK_INT(got.nob, 1);
	coll_free(&got);
	cache_key_free(k);

	/* A passphrase on a key-file cache. */
	dir2 = tu_path(f.tmp, "kf");
	CHECK_INT(cache_open(dir2, f.key, &c, err, sizeof err), CACHE_OK);
	cache_close(c);
	k = cache_key_from_passphrase(dir2, "pw", 2, err, sizeof err);
	CHECK(k == NULL);
	CHECK(strstr(err, "key file") != NULL);
	CHECK(cache_key_from_passphrase(dir2, "", 0, err, sizeof err) == NULL);
	free(dir2);
	fx_free(&f);
}

static void
test_permissions(void)
{
	struct fixture f;
	struct td_cache *c;
	char *log, *link;

	fx_init(&f);
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	cache_close(c);
	CHECK_INT(chmod(f.dir, 0755), 0);
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_ERR);
	CHECK(strstr(err, "permissions 0755") != NULL);
	CHECK(strstr(err, "too open") != NULL);
	CHECK(strstr(err, "chmod 700") != NULL);
	CHECK_INT(chmod(f.dir, 0700), 0);

	log = tu_path(f.dir, "log");
	CHECK_INT(chmod(log, 0644), 0);
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_ERR);
	CHECK(strstr(err, "permissions 0644") != NULL);
	CHECK(strstr(err, "/log") != NULL);
	CHECK(strstr(err, "chmod 600") != NULL);
	CHECK_INT(chmod(log, 0600), 0);

	/* A symlink planted in the cache is never followed. */
	link = tu_path(f.dir, "snapshot");
	CHECK_INT(symlink(log, link), 0);
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_ERR);
	CHECK(strstr(err, "symbolic link") != NULL);
	CHECK_INT(unlink(link), 0);
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	cache_close(c);

	CHECK_INT(chmod(f.keypath, 0644), 0);
	CHECK(cache_key_from_file(f.keypath, err, sizeof err) == NULL);
	CHECK(strstr(err, "permissions 0644") != NULL);
	CHECK(strstr(err, "too open") != NULL);
	CHECK_INT(chmod(f.keypath, 0600), 0);
	free(log);
	free(link);
	fx_free(&f);
}

static void
test_new_files_private(void)
{
	static const char *names[] = { "header", "log", "lock", "snapshot" };
	struct fixture f;
	struct td_cache *c;
	struct stat st;
	size_t i;
	char *p;
	mode_t old = umask(0);

	fx_init(&f);
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_compact(c, err, sizeof err), 0);
	cache_close(c);
	umask(old);
	CHECK_INT(stat(f.dir, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0700);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		p = tu_path(f.dir, names[i]);
		CHECK_INT(stat(p, &st), 0);
		CHECK_INT(st.st_mode & 0777, 0600);
		free(p);
	}
	fx_free(&f);
}

static void
test_locked(void)
{
	struct fixture f;
	struct td_cache *c, *c2 = NULL;
	char want[64];

	fx_init(&f);
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_open(f.dir, f.key, &c2, err, sizeof err), CACHE_LOCKED);
	CHECK(c2 == NULL);
	snprintf(want, sizeof want, "cache in use by another ttydesk (pid %ld)",
	    (long)getpid());
	CHECK_STR(err, want);
	CHECK_INT(cache_forget(f.dir, err, sizeof err), -1);
	CHECK(strstr(err, "in use") != NULL);
	cache_close(c);
	CHECK_INT(cache_open(f.dir, f.key, &c2, err, sizeof err), CACHE_OK);
	cache_close(c2);
	fx_free(&f);
}

static void
test_keygen(void)
{
	struct fixture f;
	unsigned char *a, *b;
	size_t alen, blen;
	struct stat st;
	char *p;

	fx_init(&f);
	CHECK_INT(stat(f.keypath, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(st.st_size, 32);
	a = tu_read(f.keypath, &alen);
	CHECK_INT(cache_keygen(f.keypath, err, sizeof err), -1);
	CHECK(strstr(err, "already exists") != NULL);
	b = tu_read(f.keypath, &blen);
	CHECK(alen == blen && memcmp(a, b, alen) == 0);
	free(a);
	free(b);

	p = tu_path(f.tmp, "short.key");
	tu_write(p, (const unsigned char *)"0123456789", 10);
	CHECK(cache_key_from_file(p, err, sizeof err) == NULL);
	CHECK(strstr(err, "exactly 32 bytes") != NULL);
	free(p);
	p = tu_path(f.tmp, "missing.key");
	CHECK(cache_key_from_file(p, err, sizeof err) == NULL);
	CHECK(strstr(err, "keygen") != NULL);
	free(p);
	fx_free(&f);
}

static void
test_forget(void)
{
	struct fixture f;
	struct td_cache *c;
	struct stat st;

	fx_init(&f);
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(append1(c, "{\"seq\":1}", 1), 0);
	CHECK_INT(cache_compact(c, err, sizeof err), 0);
	CHECK_INT(cache_outbox_put(c, "x", "{}", 2, err, sizeof err), 0);
	cache_close(c);
	/* A cache left too open can still be forgotten. */
	CHECK_INT(chmod(f.dir, 0755), 0);
	CHECK_INT(cache_forget(f.dir, err, sizeof err), 0);
	CHECK(stat(f.dir, &st) != 0 && errno == ENOENT);
	CHECK_INT(cache_forget(f.dir, err, sizeof err), 0);
	fx_free(&f);
}

static bool
dir_contains(const char *dir, const char *needle)
{
	struct dirent *de;
	unsigned char *buf;
	size_t len;
	bool found = false;
	DIR *d = opendir(dir);
	char *p;

	if (d == NULL)
		return true;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		p = tu_path(dir, de->d_name);
		buf = tu_read(p, &len);
		if (memmem(buf, len, needle, strlen(needle)) != NULL)
			found = true;
		free(buf);
		free(p);
	}
	closedir(d);
	return found;
}

static void
test_no_plaintext(void)
{
	static const char *needles[] = { "Ngozi Adeyemi", "+2348031234567",
	    "2348031234567", "my parcel never arrived", "Tracking 88-XZ-417",
	    "Sincere apologies", "conv-ngozi" };
	const char *ev = "{\"seq\":1,\"ts\":5,\"type\":\"message\","
	    "\"conversation\":\"conv-ngozi\",\"message\":{\"id\":\"wamid.1\","
	    "\"direction\":\"in\",\"kind\":\"text\",\"from\":\"2348031234567\","
	    "\"text\":\"Hello, my parcel never arrived. Tracking 88-XZ-417\"}}";
	const char *ct = "{\"seq\":2,\"type\":\"contact\",\"conversation\":"
	    "\"conv-ngozi\",\"contact\":{\"wa_id\":\"+2348031234567\","
	    "\"name\":\"Ngozi Adeyemi\"}}";
	const char *reply = "{\"text\":\"Sincere apologies, Ngozi Adeyemi\"}";
	struct fixture f;
	struct td_cache *c;
	struct coll got;
	size_t i;
	int round;

	fx_init(&f);
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(append1(c, ev, 1), 0);
	CHECK_INT(append1(c, ct, 2), 0);
	CHECK_INT(cache_outbox_put(c, "r1", reply, strlen(reply), err, sizeof err), 0);
	CHECK_INT(cache_draft_set(c, "conv-ngozi", "Dear Ngozi Adeyemi, +2348031234567",
	    err, sizeof err), 0);
	cache_close(c);
	for (round = 0; round < 2; round++) {
		/* The data is really there (else the grep proves nothing). */
		CHECK_INT(tu_open_load(f.dir, f.key, &got, NULL, err, sizeof err), CACHE_OK);
		CHECK_INT(got.nev, 2);
		CHECK(got.nev == 2 && strstr(got.ev[1], "Ngozi Adeyemi") != NULL);
		coll_free(&got);
		for (i = 0; i < sizeof needles / sizeof needles[0]; i++)
			CHECK(!dir_contains(f.dir, needles[i]));
		CHECK(dir_contains(f.dir, "TTYDCACH")); /* the grep works */
		CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
		CHECK_INT(cache_compact(c, err, sizeof err), 0);
		cache_close(c);
	}
	fx_free(&f);
}

static void
test_torn_tail(void)
{
	struct fixture f;
	struct td_cache *c;
	struct coll got;
	char *log;
	unsigned char *buf;
	size_t len, good;
	int64_t cursor = 0;
	int cut;

	fx_init(&f);
	log = tu_path(f.dir, "log");
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(append1(c, "{\"seq\":1}", 1), 0);
	cache_close(c);
	free(tu_read(log, &good));
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_outbox_put(c, "lost", "{}", 2, err, sizeof err), 0);
	cache_close(c);
	buf = tu_read(log, &len);
	CHECK(len > good);
	for (cut = 0; cut < 4; cut++) {
		if (cut == 2) {
			/* A file system that grew the file but wrote no data. */
			memset(buf + good, 0, len - good);
			tu_write(log, buf, len);
		} else if (cut == 3) {
			/* ... or only the first blocks of it. */
			memset(buf + len - 20, 0, 20);
			tu_write(log, buf, len);
		} else {
			tu_write(log, buf, cut == 0 ? good + 1 : len - 1);
		}
		CHECK_INT(tu_open_load(f.dir, f.key, &got, &cursor, err, sizeof err), CACHE_OK);
		CHECK_INT(got.nev, 1);
		CHECK_INT(got.nob, 0);
		CHECK_INT(cursor, 1);
		coll_free(&got);
		/* Cut off for good, and appending continues after it. */
		free(tu_read(log, &len));
		CHECK_INT(len, good);
		CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
		CHECK_INT(append1(c, "{\"seq\":2}", 2), 0);
		cache_close(c);
		CHECK_INT(tu_open_load(f.dir, f.key, &got, &cursor, err, sizeof err), CACHE_OK);
		CHECK_INT(got.nev, 2);
		CHECK_INT(cursor, 2);
		coll_free(&got);
		tu_write(log, buf, good);
		free(buf);
		tu_write(log, (unsigned char *)"", 0);
		buf = NULL;
		/* Rebuild the two-record log for the next round. */
		tu_rmrf(f.dir);
		CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
		CHECK_INT(append1(c, "{\"seq\":1}", 1), 0);
		cache_close(c);
		free(tu_read(log, &good));
		CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
		CHECK_INT(cache_outbox_put(c, "lost", "{}", 2, err, sizeof err), 0);
		cache_close(c);
		buf = tu_read(log, &len);
	}
	free(buf);
	free(log);
	fx_free(&f);
}

/* Damage in the middle: open refuses, salvage keeps the outbox and drafts
 * written before it, and the rebuilt cache takes them back. */
static void
test_salvage(void)
{
	struct cache_visitor v;
	struct fixture f;
	struct td_cache *c;
	struct coll got = { 0 };
	struct cache_key *k2;
	unsigned char *buf;
	size_t len, i, mid;
	char *log, *p2;

	fx_init(&f);
	log = tu_path(f.dir, "log");
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_outbox_put(c, "a", "{\"text\":\"A\"}", 12, err, sizeof err), 0);
	CHECK_INT(cache_compact(c, err, sizeof err), 0);
	CHECK_INT(cache_outbox_put(c, "b", "{\"text\":\"B\"}", 12, err, sizeof err), 0);
	CHECK_INT(cache_draft_set(c, "conv", "half written", err, sizeof err), 0);
	cache_close(c);
	free(tu_read(log, &mid));
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(append1(c, "{\"seq\":1}", 1), 0);
	CHECK_INT(cache_outbox_put(c, "c", "{}", 2, err, sizeof err), 0);
	cache_close(c);
	buf = tu_read(log, &len);
	buf[mid + 40] ^= 1; /* inside the events record */
	tu_write(log, buf, len);
	free(buf);
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_CORRUPT);
	CHECK(strstr(err, "log: record 3 at offset") != NULL);

	p2 = tu_path(f.tmp, "other.key");
	CHECK_INT(cache_keygen(p2, err, sizeof err), 0);
	k2 = cache_key_from_file(p2, err, sizeof err);
	v = (struct cache_visitor){ &got, coll_event, coll_outbox, coll_draft };
	CHECK_INT(cache_salvage(f.dir, k2, &v, err, sizeof err), CACHE_BAD_KEY);
	CHECK_INT(got.nob, 0);
	CHECK_INT(cache_salvage(f.dir, f.key, &v, err, sizeof err), CACHE_OK);
	CHECK_INT(got.nev, 0);
	CHECK_INT(got.nob, 2);
	CHECK(coll_outbox_of(&got, "a") != NULL);
	CHECK_STR(coll_outbox_of(&got, "b"), "{\"text\":\"B\"}");
	CHECK(coll_outbox_of(&got, "c") == NULL);
	CHECK_STR(coll_draft_of(&got, "conv"), "half written");

	CHECK_INT(cache_forget(f.dir, err, sizeof err), 0);
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	for (i = 0; i < got.nob; i++)
		CHECK_INT(cache_outbox_put(c, got.ob_id[i], got.ob_json[i],
		    strlen(got.ob_json[i]), err, sizeof err), 0);
	cache_close(c);
	coll_free(&got);
	CHECK_INT(tu_open_load(f.dir, f.key, &got, NULL, err, sizeof err), CACHE_OK);
	CHECK_INT(got.nob, 2);
	coll_free(&got);
	cache_key_free(k2);
	free(p2);
	free(log);
	fx_free(&f);
}

/* A sync answer larger than one record is split; all of it comes back. */
static void
test_huge_answer(void)
{
	struct fixture f;
	struct td_cache *c;
	struct coll got;
	const char *ev[2];
	size_t lens[2] = { 9u << 20, 9u << 20 };
	char *a = malloc(lens[0] + 1), *b = malloc(lens[1] + 1);
	int64_t cursor = 0;

	fx_init(&f);
	memset(a, 'a', lens[0]);
	memset(b, 'b', lens[1]);
	a[lens[0]] = b[lens[1]] = '\0';
	ev[0] = a;
	ev[1] = b;
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_append_events(c, ev, lens, 2, 77, err, sizeof err), 0);
	lens[0] = 17u << 20;
	CHECK_INT(cache_append_events(c, ev, lens, 1, 78, err, sizeof err), -1);
	CHECK(strstr(err, "too large") != NULL);
	cache_close(c);
	CHECK_INT(tu_open_load(f.dir, f.key, &got, &cursor, err, sizeof err), CACHE_OK);
	CHECK_INT(got.nev, 2);
	CHECK_INT(cursor, 77);
	if (got.nev == 2) {
		CHECK(strlen(got.ev[0]) == 9u << 20 && got.ev[0][5] == 'a');
		CHECK(strlen(got.ev[1]) == 9u << 20 && got.ev[1][5] == 'b');
	}
	coll_free(&got);
	free(a);
	free(b);
	fx_free(&f);
}

static void
test_bad_args(void)
{
	struct fixture f;
	struct td_cache *c;

	fx_init(&f);
	CHECK_INT(cache_open(f.dir, f.key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_outbox_put(c, "", "{}", 2, err, sizeof err), -1);
	CHECK_INT(cache_outbox_put(c, "empty", NULL, 0, err, sizeof err), 0);
	CHECK(strstr(err, "client_id") != NULL);
	CHECK_INT(cache_draft_set(c, "", "x", err, sizeof err), -1);
	CHECK(strstr(err, "conversation") != NULL);
	cache_close(c);
	CHECK_INT(cache_open("", f.key, &c, err, sizeof err), CACHE_ERR);
	fx_free(&f);
}

int
main(void)
{
	RUN(test_roundtrip);
	RUN(test_load_after_append);
	RUN(test_bad_key);
	RUN(test_passphrase);
	RUN(test_permissions);
	RUN(test_new_files_private);
	RUN(test_locked);
	RUN(test_keygen);
	RUN(test_forget);
	RUN(test_no_plaintext);
	RUN(test_torn_tail);
	RUN(test_salvage);
	RUN(test_huge_answer);
	RUN(test_bad_args);
	return check_done();
}
