/*
 * Attachments of the outbox (cache_blob_*): a file far larger than a
 * record round-trips, sizes at chunk edges included; the file on disk is
 * mode 0600 and holds no plaintext; under another name, cut or with a
 * flipped byte it does not open; it survives a reopen; a missing blob reads as 1; cache_forget
 * wipes blobs with the rest.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "cache_testutil.h"
#include "ttydesk/cache.h"

static char err[512];
static char *tmp, *dir;
static struct cache_key *key;

static struct td_cache *
open_c(const struct cache_key *k)
{
	struct td_cache *c = NULL;

	CHECK_INT(cache_open(dir, k, &c, err, sizeof err), CACHE_OK);
	if (c == NULL) {
		fprintf(stderr, "open: %s\n", err);
		abort();
	}
	return c;
}

static void
roundtrip(struct td_cache *c, size_t len)
{
	unsigned char *in = malloc(len + 1), *out = NULL;
	size_t got = 0;

	CHECK(in != NULL);
	randombytes_buf(in, len);
	CHECK_INT(cache_blob_put(c, "c-size", in, len, err, sizeof err), 0);
	CHECK_INT(cache_blob_get(c, "c-size", &out, &got, err, sizeof err), 0);
	CHECK(got == len && (len == 0 || memcmp(in, out, len) == 0));
	free(in);
	free(out);
}

static void
test_roundtrip_sizes(void)
{
	struct td_cache *c = open_c(key);
	static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 131072,
	    20u << 20 };
	size_t i;

	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		roundtrip(c, sizes[i]);
	cache_close(c);
}

static void
test_sealed_on_disk(void)
{
	struct td_cache *c = open_c(key);
	const char *secret = "PLAINTEXT-MARKER the customer's invoice";
	char *path = tu_path(dir, "blob-c-disk");
	char *other = tu_path(dir, "blob-c-other");
	unsigned char *out = NULL, *raw;
	size_t got, rlen;
	struct stat st;

	CHECK_INT(cache_blob_put(c, "c-disk", secret, strlen(secret), err,
	    sizeof err), 0);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT((int)(st.st_mode & 0777), 0600);
	raw = tu_read(path, &rlen);
	CHECK(rlen > strlen(secret));
	CHECK(memmem(raw, rlen, "PLAINTEXT-MARKER", 16) == NULL);
	/* Under another name (the file renamed) it does not open. */
	tu_write(other, raw, rlen);
	CHECK_INT(cache_blob_get(c, "c-other", &out, &got, err, sizeof err), -1);
	CHECK(out == NULL);
	/* A flipped byte, a cut tail: no. */
	raw[rlen - 5] ^= 1;
	tu_write(path, raw, rlen);
	CHECK_INT(cache_blob_get(c, "c-disk", &out, &got, err, sizeof err), -1);
	raw[rlen - 5] ^= 1;
	tu_write(path, raw, rlen - 17);
	CHECK_INT(cache_blob_get(c, "c-disk", &out, &got, err, sizeof err), -1);
	/* Whole again: opens. */
	tu_write(path, raw, rlen);
	CHECK_INT(cache_blob_get(c, "c-disk", &out, &got, err, sizeof err), 0);
	CHECK(got == strlen(secret) && memcmp(out, secret, got) == 0);
	free(out);
	/* Deleted: missing reads as 1; bad names are refused. */
	CHECK_INT(cache_blob_del(c, "c-disk"), 0);
	CHECK_INT(cache_blob_get(c, "c-disk", &out, &got, err, sizeof err), 1);
	CHECK_INT(cache_blob_put(c, "../x", "a", 1, err, sizeof err), -1);
	CHECK_INT(cache_blob_put(c, "", "a", 1, err, sizeof err), -1);
	free(raw);
	free(path);
	free(other);
	cache_close(c);
}

static void
test_reopen_and_forget(void)
{
	struct td_cache *c = open_c(key);
	unsigned char *out = NULL;
	size_t got;
	struct stat st;

	char *orphan = tu_path(dir, "blob-c-orphan");

	CHECK_INT(cache_blob_put(c, "c-keep", "bytes", 5, err, sizeof err), 0);
	CHECK_INT(cache_outbox_put(c, "c-keep", "{}", 2, err, sizeof err), 0);
	/* Its entry never written (a crash between the two): pruned at the
	 * next open, while the queued one stays. */
	CHECK_INT(cache_blob_put(c, "c-orphan", "bytes", 5, err, sizeof err), 0);
	cache_close(c);
	c = open_c(key);
	CHECK(stat(orphan, &st) != 0);
	free(orphan);
	CHECK_INT(cache_blob_get(c, "c-keep", &out, &got, err, sizeof err), 0);
	CHECK(got == 5 && memcmp(out, "bytes", 5) == 0);
	free(out);
	cache_close(c);
	CHECK_INT(cache_forget(dir, err, sizeof err), 0);
	CHECK(stat(dir, &st) != 0);
}

int
main(void)
{
	char *kp;

	tmp = tu_tmpdir();
	dir = tu_path(tmp, "cache");
	kp = tu_path(tmp, "key");
	CHECK_INT(cache_keygen(kp, err, sizeof err), 0);
	key = cache_key_from_file(kp, err, sizeof err);
	CHECK(key != NULL);
	RUN(test_roundtrip_sizes);
	RUN(test_sealed_on_disk);
	RUN(test_reopen_and_forget);
	cache_key_free(key);
	tu_rmrf(tmp);
	free(kp);
	free(dir);
	free(tmp);
	return check_done();
}
