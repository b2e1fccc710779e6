/*
 * Read positions in the cache (READ records): round trip, the latest per
 * conversation wins, an unchanged position writes nothing, compaction
 * keeps exactly the latest ones, every bit of a READ record (log or
 * snapshot) is authenticated, malformed content that does authenticate is
 * a clear error, and caches from before READ records still open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "check.h"
#include "cache_testutil.h"
#include "store.h"
#include "ttydesk/cache.h"

static char err[512];
static struct tu_cache_fixture fx;
static char *tmp, *dir, *logp, *snapp;
static struct cache_key *key;

static void
reset(void)
{
	tu_rmrf(dir);
}

static off_t
fsize(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? st.st_size : -1;
}

struct seen {
	char buf[4096];
	size_t n;
};

static void
see(void *ud, const char *conv, int64_t seq)
{
	struct seen *s = ud;
	size_t used = strlen(s->buf);

	snprintf(s->buf + used, sizeof s->buf - used, "%s=%lld ", conv,
	    (long long)seq);
	s->n++;
}

static const char *
all_reads(struct td_cache *c)
{
	static struct seen s;

	memset(&s, 0, sizeof s);
	cache_reads(c, see, &s);
	return s.buf;
}

static void
test_round_trip(void)
{
	struct td_cache *c;
	int64_t seq = -1;
	off_t size;

	reset();
	c = tu_cache_open(dir, key);
	CHECK(!cache_read_get(c, "c1", &seq));
	CHECK_INT(cache_read_count(c), 0);
	CHECK_INT(cache_read_set(c, "c1", 5, err, sizeof err), 0);
	CHECK_INT(cache_read_set(c, "c2", 7, err, sizeof err), 0);
	CHECK_INT(cache_read_set(c, "c1", 9, err, sizeof err), 0);
	CHECK(cache_read_get(c, "c1", &seq));
	CHECK_INT(seq, 9);
	/* The same position again: nothing written. */
	size = fsize(logp);
	CHECK_INT(cache_read_set(c, "c1", 9, err, sizeof err), 0);
	CHECK_INT(fsize(logp), size);
	/* The latest wins, even a lower one. */
	CHECK_INT(cache_read_set(c, "c2", 3, err, sizeof err), 0);
	CHECK(fsize(logp) > size);
	cache_close(c);

	c = tu_cache_open(dir, key);
	CHECK_INT(cache_read_count(c), 2);
	CHECK_STR(all_reads(c), "c1=9 c2=3 ");
	/* Available before cache_load and unchanged by it. */
	CHECK_INT(cache_load(c, NULL, err, sizeof err), CACHE_OK);
	CHECK(cache_read_get(c, "c2", &seq));
	CHECK_INT(seq, 3);
	CHECK(!cache_read_get(c, "c3", NULL));
	CHECK(!cache_read_get(c, "c", NULL));
	cache_close(c);
}

static void
test_bad_args(void)
{
	struct td_cache *c;
	char longid[1100];
	off_t size;

	reset();
	c = tu_cache_open(dir, key);
	size = fsize(logp);
	CHECK_INT(cache_read_set(c, NULL, 1, err, sizeof err), -1);
	CHECK(strstr(err, "conversation") != NULL);
	CHECK_INT(cache_read_set(c, "", 1, err, sizeof err), -1);
	memset(longid, 'x', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	CHECK_INT(cache_read_set(c, longid, 1, err, sizeof err), -1);
	CHECK_INT(cache_read_set(c, "c1", -1, err, sizeof err), -1);
	CHECK(strstr(err, "negative") != NULL);
	CHECK_INT(fsize(logp), size);
	CHECK_INT(cache_read_count(c), 0);
	CHECK(!cache_read_get(c, NULL, NULL));
	cache_close(c);
}

/* Many conversations: the table grows, the snapshot needs several READ
 * records, and compaction keeps only the latest of each. */
static void
test_compaction(void)
{
	struct td_cache *c;
	char id[64];
	int64_t seq;
	long i, bad = 0;
	const char *ev = "{\"seq\":1}";
	size_t evlen = strlen(ev);

	reset();
	c = tu_cache_open(dir, key);
	CHECK_INT(cache_append_events(c, &ev, &evlen, 1, 1, err, sizeof err), 0);
	for (i = 0; i < 6000; i++) {
		snprintf(id, sizeof id, "conversation-with-a-long-id-%05ld", i);
		CHECK_INT(cache_read_set(c, id, i, err, sizeof err), 0);
	}
	for (i = 0; i < 6000; i += 3) {
		snprintf(id, sizeof id, "conversation-with-a-long-id-%05ld", i);
		CHECK_INT(cache_read_set(c, id, i + 100000, err, sizeof err), 0);
	}
	CHECK_INT(cache_compact(c, err, sizeof err), 0);
	/* The log holds only BEGIN again. */
	CHECK(fsize(logp) < 200);
	/* Two READ records of 64 KiB at most, not one per position. */
	CHECK(fsize(snapp) < 6000 * 48);
	CHECK_INT(cache_read_set(c, "new", 1, err, sizeof err), 0);
	cache_close(c);

	c = tu_cache_open(dir, key);
	CHECK_INT(cache_read_count(c), 6001);
	for (i = 0; i < 6000; i++) {
		snprintf(id, sizeof id, "conversation-with-a-long-id-%05ld", i);
		if (!cache_read_get(c, id, &seq) ||
		    seq != (i % 3 == 0 ? i + 100000 : i))
			bad++;
	}
	CHECK_INT(bad, 0);
	/* Compacting what came from a snapshot and a log, twice. */
	CHECK_INT(cache_compact(c, err, sizeof err), 0);
	CHECK_INT(cache_compact(c, err, sizeof err), 0);
	cache_close(c);
	c = tu_cache_open(dir, key);
	CHECK_INT(cache_read_count(c), 6001);
	CHECK(cache_read_get(c, "new", &seq) && seq == 1);
	CHECK(cache_read_get(c, "conversation-with-a-long-id-05999", &seq) &&
	    seq == 5999);
	CHECK(cache_read_get(c, "conversation-with-a-long-id-05997", &seq) &&
	    seq == 105997);
	cache_close(c);
}

static int
status(void)
{
	struct td_cache *c;
	int rc;

	err[0] = '\0';
	rc = cache_open(dir, key, &c, err, sizeof err);
	if (rc == CACHE_OK)
		cache_close(c);
	return rc;
}

/* Flip every bit of [from, to) of a file: each one is CACHE_CORRUPT,
 * naming the file and an offset. */
static void
flip_range(const char *path, const char *name, size_t from, size_t to)
{
	unsigned char *img;
	size_t len, i;
	int bit, rc, bad = 0;

	img = tu_read(path, &len);
	CHECK(to <= len && from < to);
	for (i = from; i < to && i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			img[i] ^= (unsigned char)(1u << bit);
			tu_write(path, img, len);
			rc = status();
			img[i] ^= (unsigned char)(1u << bit);
			if (rc != CACHE_CORRUPT || strstr(err, name) == NULL ||
			    strstr(err, "offset") == NULL) {
				if (bad++ < 5)
					fprintf(stderr, "%s byte %zu bit %d: rc "
					    "%d (%s)\n", name, i, bit, rc, err);
			}
		}
	}
	CHECK_INT(bad, 0);
	tu_write(path, img, len);
	CHECK_INT(status(), CACHE_OK);
	free(img);
}

static void
test_tamper(void)
{
	struct td_cache *c;
	off_t a, b;

	reset();
	c = tu_cache_open(dir, key);
	a = fsize(logp);
	CHECK_INT(cache_read_set(c, "c1", 42, err, sizeof err), 0);
	b = fsize(logp);
	CHECK_INT(cache_read_set(c, "c2", 43, err, sizeof err), 0);
	cache_close(c);
	/* The first READ record of the log (the second one follows it, so
	 * it is not a tail that could look torn). */
	flip_range(logp, "log", (size_t)a, (size_t)b);
	/* Dropping it renumbers the next one. */
	{
		unsigned char *img, *t;
		size_t len;

		img = tu_read(logp, &len);
		t = malloc(len);
		CHECK(t != NULL && img != NULL);
		if (t == NULL || img == NULL)
			abort();
		memcpy(t, img, (size_t)a);
		memcpy(t + a, img + b, len - (size_t)b);
		tu_write(logp, t, len - (size_t)(b - a));
		CHECK_INT(status(), CACHE_CORRUPT);
		CHECK(strstr(err, "log: record 1") != NULL);
		tu_write(logp, img, len);
		free(t);
		free(img);
	}
	/* The same in the snapshot: READ records and END. */
	c = tu_cache_open(dir, key);
	CHECK_INT(cache_compact(c, err, sizeof err), 0);
	cache_close(c);
	flip_range(snapp, "snapshot", 64, (size_t)fsize(snapp));
	c = tu_cache_open(dir, key);
	CHECK_STR(all_reads(c), "c1=42 c2=43 ");
	cache_close(c);
}

static int
put(struct buf *b, const void *p, size_t len)
{
	return buf_add(b, p, len);
}

static void
put32(struct buf *b, uint32_t v)
{
	uint8_t x[4];

	store_put_u32(x, v);
	put(b, x, 4);
}

static void
put64(struct buf *b, uint64_t v)
{
	uint8_t x[8];

	store_put_u64(x, v);
	put(b, x, 8);
}

/* Append a record with this plaintext, sealed with the right key, as if
 * written by a buggy or newer build. */
static void
append_raw(uint8_t type, const void *pt, size_t len)
{
	struct buf b = { .wipe = 1 };
	struct td_cache *c = tu_cache_open(dir, key);

	CHECK_INT(buf_reserve(&b, STORE_FRAME_SIZE + len + 16), 0);
	b.len = STORE_FRAME_SIZE;
	CHECK_INT(put(&b, pt, len), 0);
	CHECK_INT(store_append(c, &b, type, true, err, sizeof err), 0);
	buf_free(&b);
	cache_close(c);
}

static size_t
read_pt(uint8_t *p, uint32_t n, const char *conv, size_t clen, uint64_t seq)
{
	size_t off = 0;

	store_put_u32(p, n);
	off += 4;
	store_put_u32(p + off, (uint32_t)clen);
	off += 4;
	memcpy(p + off, conv, clen);
	off += clen;
	p[off++] = 0;
	store_put_u64(p + off, seq);
	return off + 8;
}

static void
bad_read(const char *what, const uint8_t *pt, size_t len)
{
	reset();
	CHECK_INT(status(), CACHE_OK);
	append_raw(REC_READ, pt, len);
	CHECK_INT(status(), CACHE_CORRUPT);
	if (strstr(err, "log: record 1 at offset") == NULL ||
	    strstr(err, "malformed") == NULL)
		fprintf(stderr, "%s: %s\n", what, err);
	CHECK(strstr(err, "log: record 1 at offset") != NULL);
	CHECK(strstr(err, "malformed") != NULL);
}

static void
test_malformed(void)
{
	uint8_t pt[256];
	size_t len;

	/* Good first, so the helpers are known to work. */
	reset();
	CHECK_INT(status(), CACHE_OK);
	len = read_pt(pt, 1, "c1", 2, 77);
	append_raw(REC_READ, pt, len);
	{
		struct td_cache *c = tu_cache_open(dir, key);
		CHECK_STR(all_reads(c), "c1=77 ");
		cache_close(c);
	}
	len = read_pt(pt, 0, "c1", 2, 1);
	bad_read("no entries", pt, len);
	len = read_pt(pt, 2, "c1", 2, 1);
	bad_read("count too high", pt, len);
	len = read_pt(pt, 1, "", 0, 1);
	bad_read("empty conversation", pt, len);
	len = read_pt(pt, 1, "c\0001", 3, 1);
	bad_read("NUL in conversation", pt, len);
	len = read_pt(pt, 1, "c1", 2, (uint64_t)1 << 63);
	bad_read("negative seq", pt, len);
	len = read_pt(pt, 1, "c1", 2, 1);
	pt[len++] = 0;
	bad_read("trailing byte", pt, len);
	len = read_pt(pt, 1, "c1", 2, 1);
	bad_read("short seq", pt, len - 1);
	len = read_pt(pt, 1, "c1", 2, 1);
	store_put_u32(pt + 4, 200);
	bad_read("string past the end", pt, len);
	bad_read("empty", pt, 0);
	/* A record type newer than this build. */
	reset();
	CHECK_INT(status(), CACHE_OK);
	append_raw(REC_LAST + 1, "x", 1);
	CHECK_INT(status(), CACHE_CORRUPT);
	CHECK(strstr(err, "unknown record type") != NULL);
}

/* A snapshot as builds before READ records wrote it: END without the
 * read count.  It opens, and read positions then go into the log. */
static void
test_old_snapshot(void)
{
	struct buf snap = { .wipe = 1 }, log = { .wipe = 1 }, r = { .wipe = 1 };
	uint8_t fhdr[STORE_FHDR_SIZE], pt[64], cache_id[STORE_ID_BYTES];
	struct store_keys *sk;
	unsigned char *hdr;
	char *hp = tu_path(dir, "header");
	struct td_cache *c;
	struct coll got;
	size_t hlen, i;
	int64_t seq;
	const char *ev = "{\"seq\":1,\"x\":1}";

	reset();
	CHECK_INT(status(), CACHE_OK);
	hdr = tu_read(hp, &hlen);
	memcpy(cache_id, hdr + 48, STORE_ID_BYTES);
	free(hdr);
	sk = malloc(sizeof *sk);
	CHECK(sk != NULL && store_derive(key, sk) == 0);
	store_fhdr_make(fhdr, true, cache_id, NULL);
	CHECK_INT(put(&snap, fhdr, sizeof fhdr), 0);
	for (i = 0; i < 3; i++) {
		r.len = 0;
		CHECK_INT(buf_reserve(&r, STORE_FRAME_SIZE), 0);
		r.len = STORE_FRAME_SIZE;
		if (i == 0) {
			put32(&r, 1);
		} else if (i == 1) {
			put64(&r, 1);
			put32(&r, 1);
			put32(&r, (uint32_t)strlen(ev));
			put(&r, ev, strlen(ev) + 1);
		} else {
			memset(pt, 0, 40);
			store_put_u64(pt, 2);     /* records before END */
			store_put_u64(pt + 8, 1); /* events */
			store_put_u64(pt + 32, 1); /* cursor */
			put(&r, pt, 40);
		}
		CHECK_INT(store_seal(&r, (uint8_t *)snap.s, i, (uint8_t)(i == 0 ?
		    REC_BEGIN : i == 1 ? REC_EVENTS : REC_END), sk->record), 0);
		CHECK_INT(put(&snap, r.s, r.len), 0);
	}
	store_fhdr_make(fhdr, false, cache_id, (uint8_t *)snap.s + 32);
	CHECK_INT(put(&log, fhdr, sizeof fhdr), 0);
	r.len = STORE_FRAME_SIZE;
	put32(&r, 1);
	CHECK_INT(store_seal(&r, (uint8_t *)log.s, 0, REC_BEGIN, sk->record), 0);
	CHECK_INT(put(&log, r.s, r.len), 0);
	tu_write(snapp, (uint8_t *)snap.s, snap.len);
	tu_write(logp, (uint8_t *)log.s, log.len);

	CHECK_INT(tu_open_load(dir, key, &got, &seq, err, sizeof err),
	    CACHE_OK);
	CHECK_INT(got.nev, 1);
	CHECK_INT(seq, 1);
	coll_free(&got);
	c = tu_cache_open(dir, key);
	CHECK_INT(cache_read_count(c), 0);
	CHECK_INT(cache_read_set(c, "c1", 1, err, sizeof err), 0);
	cache_close(c);
	c = tu_cache_open(dir, key);
	CHECK(cache_read_get(c, "c1", &seq) && seq == 1);
	cache_close(c);

	sodium_memzero(sk, sizeof *sk);
	free(sk);
	buf_free(&snap);
	buf_free(&log);
	buf_free(&r);
	free(hp);
}

/* What cache_salvage and an ordinary load report is unchanged by READ
 * records between the others. */
static void
test_mixed_with_others(void)
{
	struct td_cache *c;
	struct coll got;
	int64_t cur;

	reset();
	c = tu_cache_open(dir, key);
	CHECK_INT(cache_read_set(c, "c1", 1, err, sizeof err), 0);
	CHECK_INT(cache_draft_set(c, "c1", "draft", err, sizeof err), 0);
	CHECK_INT(cache_read_set(c, "c1", 2, err, sizeof err), 0);
	CHECK_INT(cache_outbox_put(c, "o1", "{}", 2, err, sizeof err), 0);
	cache_close(c);
	CHECK_INT(tu_open_load(dir, key, &got, &cur, err, sizeof err),
	    CACHE_OK);
	CHECK_INT(got.ndr, 1);
	CHECK_INT(got.nob, 1);
	coll_free(&got);
	{
		struct cache_visitor v = { &got, NULL, coll_outbox,
		    coll_draft };
		memset(&got, 0, sizeof got);
		CHECK_INT(cache_salvage(dir, key, &v, err, sizeof err),
		    CACHE_OK);
		CHECK_INT(got.ndr, 1);
		CHECK_INT(got.nob, 1);
		coll_free(&got);
	}
}

int
main(void)
{
	tu_cache_fixture_init(&fx);
	tmp = fx.tmp;
	dir = fx.dir;
	key = fx.key;
	logp = tu_path(dir, "log");
	snapp = tu_path(dir, "snapshot");
	RUN(test_round_trip);
	RUN(test_bad_args);
	RUN(test_compaction);
	RUN(test_tamper);
	RUN(test_malformed);
	RUN(test_old_snapshot);
	RUN(test_mixed_with_others);
	tu_cache_fixture_free(&fx);
	free(logp);
	free(snapp);
	return check_done();
}
