/*
 * A tampered or damaged cache is detected, never trusted: every single bit
 * flip, every truncation, swapped, dropped, replayed and spliced records,
 * a rolled-back snapshot.  A torn log tail loads as a prefix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cache_testutil.h"
#include "ttydesk/cache.h"

#define NSIG 6

static char err[512];
static struct tu_cache_fixture fx;
static char *tmp, *dir, *logp, *snapp, *hdrp;
static struct cache_key *key;
static char *sigs[NSIG];

static int
append(const char *a, const char *b, int64_t cursor)
{
	const char *ev[2] = { a, b };
	size_t lens[2] = { strlen(a), b ? strlen(b) : 0 };
	struct td_cache *c;
	int rc;

	if (cache_open(dir, key, &c, err, sizeof err) != CACHE_OK)
		return -1;
	rc = cache_append_events(c, ev, lens, b ? 2 : 1, cursor, err, sizeof err);
	cache_close(c);
	return rc;
}

static char *
load_sig(const char *d, int *rc)
{
	struct coll got;
	int64_t cursor = 0;
	char *s;

	*rc = tu_open_load(d, key, &got, &cursor, err, sizeof err);
	if (*rc != CACHE_OK)
		return NULL;
	s = coll_sig(&got, cursor);
	coll_free(&got);
	return s;
}

static void
save_sig(int i)
{
	int rc;

	sigs[i] = load_sig(dir, &rc);
	if (rc != CACHE_OK)
		abort();
}

/* A small log: BEGIN, events, outbox put, draft, events, ack. */
static void
build(const char *d)
{
	struct td_cache *c;
	const char *saved = dir;

	dir = (char *)d;
	if (cache_open(dir, key, &c, err, sizeof err) != CACHE_OK)
		abort();
	cache_close(c);
	if (d == saved)
		save_sig(0);
	if (append("{\"seq\":1,\"t\":\"hi\"}", "{\"seq\":2}", 2) != 0)
		abort();
	if (d == saved)
		save_sig(1);
	if (cache_open(dir, key, &c, err, sizeof err) != CACHE_OK ||
	    cache_outbox_put(c, "o1", "{\"text\":\"reply\"}", 16, err, sizeof err) != 0)
		abort();
	cache_close(c);
	if (d == saved)
		save_sig(2);
	if (cache_open(dir, key, &c, err, sizeof err) != CACHE_OK ||
	    cache_draft_set(c, "conv", "draft text", err, sizeof err) != 0)
		abort();
	cache_close(c);
	if (d == saved)
		save_sig(3);
	if (append("{\"seq\":3}", NULL, 3) != 0)
		abort();
	if (d == saved)
		save_sig(4);
	if (cache_open(dir, key, &c, err, sizeof err) != CACHE_OK ||
	    cache_outbox_ack(c, "o1", err, sizeof err) != 0)
		abort();
	cache_close(c);
	if (d == saved)
		save_sig(5);
	dir = (char *)saved;
}

/* Record offsets of a log or snapshot image; returns the count. */
static size_t
frames(const unsigned char *buf, size_t len, size_t *off, size_t max)
{
	size_t n = 0, o = 64;

	while (o + 36 <= len && n < max) {
		off[n++] = o;
		o += 36 + ((size_t)buf[o] | (size_t)buf[o + 1] << 8 |
		    (size_t)buf[o + 2] << 16 | (size_t)buf[o + 3] << 24);
	}
	off[n] = o;
	return n;
}

static int
status_with(const char *path, const unsigned char *img, size_t len)
{
	struct td_cache *c;
	int rc;

	tu_write(path, img, len);
	rc = cache_open(dir, key, &c, err, sizeof err);
	if (rc == CACHE_OK)
		cache_close(c);
	return rc;
}

/* Flip every bit of one file: always CACHE_CORRUPT naming file and offset. */
static void
flip_all(const char *path, const char *name)
{
	unsigned char *img;
	size_t len, i;
	int bit, rc, bad = 0;

	img = tu_read(path, &len);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			img[i] ^= (unsigned char)(1u << bit);
			rc = status_with(path, img, len);
			img[i] ^= (unsigned char)(1u << bit);
			if (rc != CACHE_CORRUPT || strstr(err, name) == NULL ||
			    strstr(err, "offset") == NULL) {
				if (bad++ < 5)
					fprintf(stderr, "%s byte %zu bit %d: rc %d "
					    "(%s)\n", name, i, bit, rc, err);
			}
		}
	}
	CHECK_INT(bad, 0);
	tu_write(path, img, len);
	CHECK_INT(status_with(path, img, len), CACHE_OK);
	free(img);
}

static void
test_flip_log_and_header(void)
{
	flip_all(logp, "log");
	flip_all(hdrp, "header");
}

static int
sig_index(const char *s)
{
	int i;

	for (i = 0; i < NSIG; i++)
		if (strcmp(s, sigs[i]) == 0)
			return i;
	return -1;
}

/* Truncating the log anywhere gives a prefix (the torn tail is cut) or,
 * inside the file header and BEGIN, CACHE_CORRUPT. */
static void
test_truncate_log(void)
{
	unsigned char *img;
	size_t len, cut, off[16], n;
	int rc, idx, last = -1, bad = 0;
	char *s;

	img = tu_read(logp, &len);
	n = frames(img, len, off, 15);
	CHECK_INT(n, 6);
	for (cut = 0; cut < len; cut++) {
		tu_write(logp, img, cut);
		s = load_sig(dir, &rc);
		if (cut < off[1]) {
			if (rc != CACHE_CORRUPT)
				bad++;
			free(s);
			continue;
		}
		idx = rc == CACHE_OK ? sig_index(s) : -1;
		/* Records 1..k complete: exactly the state after step k. */
		if (idx < 0 || idx < last || (size_t)idx + 1 > n ||
		    cut < off[idx + 1] || cut >= off[idx + 2]) {
			if (bad++ < 5)
				fprintf(stderr, "cut %zu: rc %d idx %d (%s)\n",
				    cut, rc, idx, err);
		}
		last = idx;
		free(s);
	}
	CHECK_INT(bad, 0);
	tu_write(logp, img, len);
	free(img);
}

static void
test_truncate_header(void)
{
	unsigned char *img;
	size_t len, cut;
	int bad = 0;

	img = tu_read(hdrp, &len);
	for (cut = 0; cut < len; cut++)
		if (status_with(hdrp, img, cut) != CACHE_CORRUPT)
			bad++;
	CHECK_INT(bad, 0);
	tu_write(hdrp, img, len);
	free(img);
}

static unsigned char *
cat3(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen,
    const unsigned char *c, size_t clen, size_t *len)
{
	unsigned char *p = malloc(alen + blen + clen + 1);

	if (p == NULL)
		abort();
	memcpy(p, a, alen);
	memcpy(p + alen, b, blen);
	if (clen > 0)
		memcpy(p + alen + blen, c, clen);
	*len = alen + blen + clen;
	return p;
}

/* Swap records 2 and 3, drop record 2, replay record 1 at the end. */
static void
test_reorder(void)
{
	unsigned char *img, *t, *sw;
	size_t len, off[16], tlen, r2, r3;

	img = tu_read(logp, &len);
	CHECK_INT(frames(img, len, off, 15), 6);
	r2 = off[3] - off[2];
	r3 = off[4] - off[3];
	sw = cat3(img + off[3], r3, img + off[2], r2, NULL, 0, &tlen);
	t = cat3(img, off[2], sw, tlen, img + off[4], len - off[4], &tlen);
	CHECK_INT(status_with(logp, t, tlen), CACHE_CORRUPT);
	CHECK(strstr(err, "record 2") != NULL);
	free(t);
	free(sw);

	t = cat3(img, off[2], img + off[3], len - off[3], NULL, 0, &tlen);
	CHECK_INT(status_with(logp, t, tlen), CACHE_CORRUPT);
	free(t);

	t = cat3(img, len, img + off[1], off[2] - off[1], NULL, 0, &tlen);
	CHECK_INT(status_with(logp, t, tlen), CACHE_CORRUPT);
	CHECK(strstr(err, "offset") != NULL);
	free(t);

	tu_write(logp, img, len);
	CHECK_INT(status_with(logp, img, len), CACHE_OK);
	free(img);
}

/* Records and files of another cache with the same key do not fit. */
static void
test_splice(void)
{
	unsigned char *a, *b, *t;
	size_t alen, blen, tlen, aoff[16], boff[16];
	char *dir2 = tu_path(tmp, "other"), *log2 = tu_path(dir2, "log");
	char *hdr2 = tu_path(dir2, "header");

	build(dir2);
	a = tu_read(logp, &alen);
	b = tu_read(log2, &blen);
	CHECK_INT(frames(a, alen, aoff, 15), 6);
	CHECK_INT(frames(b, blen, boff, 15), 6);
	/* Same record number, same type, from the other cache. */
	t = cat3(a, aoff[1], b + boff[1], boff[2] - boff[1], a + aoff[2],
	    alen - aoff[2], &tlen);
	CHECK_INT(status_with(logp, t, tlen), CACHE_CORRUPT);
	CHECK(strstr(err, "record 1") != NULL);
	free(t);
	/* Its whole log. */
	CHECK_INT(status_with(logp, b, blen), CACHE_CORRUPT);
	CHECK(strstr(err, "another cache") != NULL);
	tu_write(logp, a, alen);
	/* Its header (same key, so the key check passes). */
	free(b);
	b = tu_read(hdr2, &blen);
	t = tu_read(hdrp, &tlen);
	CHECK_INT(status_with(hdrp, b, blen), CACHE_CORRUPT);
	/* No header at all: never replaced by a fresh one. */
	CHECK_INT(unlink(hdrp), 0);
	CHECK_INT(status_with(logp, a, alen), CACHE_CORRUPT);
	CHECK(strstr(err, "header: missing") != NULL);
	CHECK(access(hdrp, F_OK) != 0);
	tu_write(hdrp, t, tlen);
	CHECK_INT(status_with(logp, a, alen), CACHE_OK);
	free(t);
	free(a);
	free(b);
	free(dir2);
	free(log2);
	free(hdr2);
}

/* Compaction: a crash between its renames is recovered; a rolled-back or
 * missing file is reported; every bit of the snapshot is covered. */
static void
test_snapshot(void)
{
	unsigned char *log1, *snap1, *img;
	size_t log1_len, snap1_len, len, cut;
	struct td_cache *c;
	char *s;
	int rc, bad = 0;

	log1 = tu_read(logp, &log1_len);
	CHECK_INT(cache_open(dir, key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_compact(c, err, sizeof err), 0);
	cache_close(c);
	s = load_sig(dir, &rc);
	CHECK(s != NULL && strcmp(s, sigs[5]) == 0);
	free(s);

	/* Crash after the snapshot rename, before the log rename. */
	img = tu_read(logp, &len);
	tu_write(logp, log1, log1_len);
	s = load_sig(dir, &rc);
	CHECK_INT(rc, CACHE_OK);
	CHECK(s != NULL && strcmp(s, sigs[5]) == 0);
	free(s);
	free(img);

	/* A log the snapshot never knew. */
	CHECK_INT(append("{\"seq\":4}", NULL, 4), 0);
	snap1 = tu_read(snapp, &snap1_len);
	img = tu_read(logp, &len);
	tu_write(logp, log1, log1_len);
	CHECK_INT(status_with(logp, log1, log1_len), CACHE_OK); /* absorbed */
	tu_write(logp, img, len);
	free(img);

	CHECK_INT(cache_open(dir, key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_compact(c, err, sizeof err), 0);
	cache_close(c);
	/* Roll the snapshot back to the first one. */
	img = tu_read(snapp, &len);
	CHECK_INT(status_with(snapp, snap1, snap1_len), CACHE_CORRUPT);
	CHECK(strstr(err, "does not belong") != NULL);
	tu_write(snapp, img, len);
	/* A missing log next to a snapshot. */
	free(log1);
	log1 = tu_read(logp, &log1_len);
	CHECK_INT(unlink(logp), 0);
	CHECK_INT(status_with(snapp, img, len), CACHE_CORRUPT);
	tu_write(logp, log1, log1_len);
	CHECK_INT(status_with(snapp, img, len), CACHE_OK);

	for (cut = 0; cut < len; cut++)
		if (status_with(snapp, img, cut) != CACHE_CORRUPT)
			bad++;
	CHECK_INT(bad, 0);
	tu_write(snapp, img, len);
	flip_all(snapp, "snapshot");
	flip_all(logp, "log");
	s = load_sig(dir, &rc);
	CHECK_INT(rc, CACHE_OK);
	CHECK(s != NULL && strstr(s, "{\"seq\":4}") != NULL &&
	    strstr(s, "C4|") == s);
	free(s);
	free(img);
	free(snap1);
	free(log1);
}

/* Random garbage over random ranges: an error or a known prefix state,
 * never anything else, never a crash. */
static void
test_random_damage(void)
{
	const char *paths[3] = { logp, snapp, hdrp };
	unsigned char *img[3], *t;
	size_t len[3], at, n, j;
	int i, f, rc, bad = 0;
	char *s;

	char *ok[3];
	struct td_cache *c;

	/* A log with a few records after the snapshot. */
	ok[0] = load_sig(dir, &rc);
	CHECK_INT(append("{\"seq\":5}", "{\"seq\":6}", 6), 0);
	ok[1] = load_sig(dir, &rc);
	CHECK_INT(cache_open(dir, key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_draft_set(c, "conv", "later", err, sizeof err), 0);
	cache_close(c);
	ok[2] = load_sig(dir, &rc);
	CHECK(ok[0] != NULL && ok[1] != NULL && ok[2] != NULL);
	for (f = 0; f < 3; f++)
		img[f] = tu_read(paths[f], &len[f]);
	srand(7);
	for (i = 0; i < 600; i++) {
		f = i % 3;
		t = malloc(len[f]);
		memcpy(t, img[f], len[f]);
		at = (size_t)rand() % len[f];
		n = 1 + (size_t)rand() % 40;
		for (j = at; j < at + n && j < len[f]; j++)
			t[j] = (unsigned char)rand();
		tu_write(paths[f], t, len[f]);
		s = load_sig(dir, &rc);
		if (!(rc == CACHE_CORRUPT || (rc == CACHE_OK && memcmp(t, img[f],
		    len[f]) == 0) || (rc == CACHE_OK && f == 0 && s != NULL &&
		    (strcmp(s, ok[0]) == 0 || strcmp(s, ok[1]) == 0 ||
		    strcmp(s, ok[2]) == 0))))
			bad++;
		free(s);
		free(t);
		tu_write(paths[f], img[f], len[f]);
	}
	CHECK_INT(bad, 0);
	for (f = 0; f < 3; f++) {
		free(img[f]);
		free(ok[f]);
	}
}

int
main(void)
{
	int i;

	tu_cache_fixture_init(&fx);
	tmp = fx.tmp;
	dir = fx.dir;
	key = fx.key;
	logp = tu_path(dir, "log");
	snapp = tu_path(dir, "snapshot");
	hdrp = tu_path(dir, "header");
	build(dir);
	RUN(test_flip_log_and_header);
	RUN(test_truncate_log);
	RUN(test_truncate_header);
	RUN(test_reorder);
	RUN(test_splice);
	RUN(test_snapshot);
	RUN(test_random_damage);
	tu_cache_fixture_free(&fx);
	for (i = 0; i < NSIG; i++)
		free(sigs[i]);
	free(logp);
	free(snapp);
	free(hdrp);
	return check_done();
}
