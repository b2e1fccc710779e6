/*
 * Named values (META records) and dropping events at compaction: the
 * snapshot progress of a first sync survives a reopen, a compaction and a
 * crash after its record; deleting works; compaction with a drop callback
 * leaves out exactly those events and keeps drafts, outbox entries, read
 * positions and named values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cache_testutil.h"
#include "ttydesk/cache.h"

static char err[512];
static struct tu_cache_fixture fx;
static char *tmp, *dir;
static struct cache_key *key;

static void
add_events(struct td_cache *c, const char *a, const char *b, int64_t cursor)
{
	const char *ev[2] = { a, b };
	size_t lens[2] = { strlen(a), strlen(b) };

	CHECK_INT(cache_append_events(c, ev, lens, 2, cursor, err, sizeof err),
	    0);
}

static void
count_meta(void *ud, const char *k, const char *v)
{
	(void)k;
	(void)v;
	(*(int *)ud)++;
}

static void
test_meta_roundtrip(void)
{
	struct td_cache *c = tu_cache_open(dir, key);
	int n = 0;

	CHECK(cache_meta_get(c, "snapshot") == NULL);
	CHECK_INT(cache_meta_set(c, "snapshot", "100 57 conv-9", true, err,
	    sizeof err), 0);
	CHECK_INT(cache_meta_set(c, "opened/c1", "1700000000", false, err,
	    sizeof err), 0);
	CHECK_INT(cache_meta_set(c, "opened/c2", "1700000001", false, err,
	    sizeof err), 0);
	CHECK_INT(cache_meta_set(c, "", "x", false, err, sizeof err), -1);
	cache_close(c);

	c = tu_cache_open(dir, key);
	CHECK_STR(cache_meta_get(c, "snapshot"), "100 57 conv-9");
	cache_metas(c, "opened/", count_meta, &n);
	CHECK_INT(n, 2);
	/* The latest wins; "" deletes. */
	CHECK_INT(cache_meta_set(c, "snapshot", "100 57 conv-20", true, err,
	    sizeof err), 0);
	CHECK_INT(cache_meta_set(c, "opened/c1", "", false, err, sizeof err), 0);
	CHECK_INT(cache_compact(c, err, sizeof err), 0);
	cache_close(c);

	c = tu_cache_open(dir, key);
	CHECK_STR(cache_meta_get(c, "snapshot"), "100 57 conv-20");
	CHECK(cache_meta_get(c, "opened/c1") == NULL);
	CHECK_STR(cache_meta_get(c, "opened/c2"), "1700000001");
	n = 0;
	cache_metas(c, "opened/", count_meta, &n);
	CHECK_INT(n, 1);
	cache_close(c);
	tu_rmrf(dir);
}

/* Each snapshot page: its events, then the progress.  The resume point
 * after a reopen is the last progress written, whatever came after. */
static void
test_snapshot_resume(void)
{
	struct td_cache *c = tu_cache_open(dir, key);
	struct coll got;
	int64_t cursor = -1;

	add_events(c, "{\"seq\":3}", "{\"seq\":5}", 0);
	CHECK_INT(cache_meta_set(c, "snapshot", "1000 90 c-2", true, err,
	    sizeof err), 0);
	/* Page two's events reach the log, the process dies before the
	 * progress record. */
	add_events(c, "{\"seq\":7}", "{\"seq\":9}", 0);
	CHECK_INT(cache_sync(c, err, sizeof err), 0);
	cache_close(c);

	c = tu_cache_open(dir, key);
	CHECK_INT(cache_cursor(c), 0);
	CHECK_STR(cache_meta_get(c, "snapshot"), "1000 90 c-2");
	/* Page two again, then the last page: cursor = through, key gone. */
	add_events(c, "{\"seq\":7}", "{\"seq\":9}", 0);
	add_events(c, "{\"seq\":11}", "{\"seq\":13}", 90);
	CHECK_INT(cache_meta_set(c, "snapshot", NULL, true, err, sizeof err), 0);
	cache_close(c);

	CHECK_INT(tu_open_load(dir, key, &got, &cursor, err, sizeof err),
	    CACHE_OK);
	CHECK_INT(cursor, 90);
	CHECK_INT(got.nev, 8);
	coll_free(&got);
	c = tu_cache_open(dir, key);
	CHECK(cache_meta_get(c, "snapshot") == NULL);
	cache_close(c);
	tu_rmrf(dir);
}

/* Drop every event that mentions "old". */
static int
drop_old(void *ud, const char *ev, size_t len, char **out, size_t *outlen)
{
	(void)out;
	(void)outlen;
	(*(int *)ud)++;
	(void)len; /* records keep a NUL after each string */
	return strstr(ev, "old") != NULL ? CACHE_REPACK_DROP : 0;
}

static void
test_compact_drop(void)
{
	struct td_cache *c = tu_cache_open(dir, key);
	struct coll got;
	int64_t cursor = -1, seq = 0;
	int calls = 0;

	add_events(c, "{\"seq\":1,\"c\":\"old\"}", "{\"seq\":2,\"c\":\"new\"}", 2);
	add_events(c, "{\"seq\":3,\"c\":\"old\"}", "{\"seq\":4,\"c\":\"new\"}", 4);
	CHECK_INT(cache_draft_set(c, "old", "draft kept", err, sizeof err), 0);
	CHECK_INT(cache_outbox_put(c, "id-1", "{\"c\":\"old\"}", 11, err,
	    sizeof err), 0);
	CHECK_INT(cache_read_set(c, "old", 3, err, sizeof err), 0);
	CHECK_INT(cache_meta_set(c, "opened/old", "5", false, err, sizeof err), 0);
	cache_set_repack(c, drop_old, &calls);
	CHECK_INT(cache_compact(c, err, sizeof err), 0);
	CHECK_INT(calls, 4);
	cache_close(c);

	CHECK_INT(tu_open_load(dir, key, &got, &cursor, err, sizeof err),
	    CACHE_OK);
	CHECK_INT(cursor, 4);
	CHECK_INT(got.nev, 2);
	CHECK(got.nev == 2 && strstr(got.ev[0], "new") != NULL &&
	    strstr(got.ev[1], "\"seq\":4") != NULL);
	CHECK_STR(coll_draft_of(&got, "old"), "draft kept");
	CHECK(coll_outbox_of(&got, "id-1") != NULL);
	coll_free(&got);
	c = tu_cache_open(dir, key);
	CHECK(cache_read_get(c, "old", &seq) && seq == 3);
	CHECK_STR(cache_meta_get(c, "opened/old"), "5");
	cache_close(c);
	tu_rmrf(dir);
}

int
main(void)
{
	tu_cache_fixture_init(&fx);
	tmp = fx.tmp;
	dir = fx.dir;
	key = fx.key;
	RUN(test_meta_roundtrip);
	RUN(test_snapshot_resume);
	RUN(test_compact_drop);
	tu_cache_fixture_free(&fx);
	return check_done();
}
