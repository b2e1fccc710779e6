/*
 * Attachments of the outbox: a file an agent sends may be far larger
 * than a record (16 MiB), so it waits beside the log in a file of its
 * own, "blob-<name>", sealed with a subkey of the cache key
 * (crypto_secretstream, 64 KiB chunks, the cache id and name as
 * associated data, the last chunk tagged final so a cut file does not
 * open).  Written to a temporary name, fsynced, renamed, the directory
 * fsynced: after cache_blob_put returns, a crash keeps it whole.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

#define BLOB_MAGIC "TTYDBLB1"
#define BLOB_MAGIC_LEN 8
#define BLOB_CHUNK STORE_CHUNK_BYTES
#define BLOB_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define BLOB_HBYTES crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define BLOB_NAME_MAX 64

/* Names are ours (client ids), but they become file names: stay strict. */
static int
blob_name(const char *name, char file[], size_t len, char *err, size_t errlen)
{
	size_t n = strlen(name);

	if (n == 0 || n > BLOB_NAME_MAX ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_") != n) {
		snprintf(err, errlen, "bad attachment name");
		return -1;
	}
	snprintf(file, len, "%s%s", STORE_BLOB_PREFIX, name);
	return 0;
}

static void
blob_ad(const struct td_cache *c, const char *name, uint8_t *ad, size_t *len)
{
	size_t n = strlen(name);

	memcpy(ad, c->cache_id, STORE_ID_BYTES);
	/* The NUL too (room for it): the bound is the name's length. */
	memcpy(ad + STORE_ID_BYTES, name, n + 1);
	*len = STORE_ID_BYTES + n;
}

/* The sealed file in memory: magic, stream header, chunks. */
static uint8_t *
blob_seal(const struct td_cache *c, const char *name, const uint8_t *bytes,
    size_t len, size_t *outlen)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t ad[STORE_ID_BYTES + BLOB_NAME_MAX + 1], *out, *p;
	size_t adlen, chunks = len / BLOB_CHUNK + 1, off = 0, n;
	unsigned long long clen;

	blob_ad(c, name, ad, &adlen);
	*outlen = BLOB_MAGIC_LEN + BLOB_HBYTES + len + chunks * BLOB_ABYTES;
	if ((out = malloc(*outlen)) == NULL)
		return NULL;
	memcpy(out, BLOB_MAGIC, BLOB_MAGIC_LEN);
	crypto_secretstream_xchacha20poly1305_init_push(&st,
	    out + BLOB_MAGIC_LEN, c->keys->blob);
	p = out + BLOB_MAGIC_LEN + BLOB_HBYTES;
	do {
		n = len - off < BLOB_CHUNK ? len - off : BLOB_CHUNK;
		/* A chunk shorter than full is the last; an exact multiple
		 * ends with an empty final chunk. */
		crypto_secretstream_xchacha20poly1305_push(&st, p, &clen,
		    bytes + off, n, ad, adlen, n < BLOB_CHUNK ?
		    crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
		p += clen;
		off += n;
	} while (n == BLOB_CHUNK);
	*outlen = (size_t)(p - out);
	sodium_memzero(&st, sizeof st);
	return out;
}

int
cache_blob_put(struct td_cache *c, const char *name, const void *bytes,
    size_t len, char *err, size_t errlen)
{
	char file[80], tmp[96];
	uint8_t *sealed;
	size_t slen;
	int fd, rc = -1;

	if (blob_name(name, file, sizeof file, err, errlen) != 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	if ((sealed = blob_seal(c, name, bytes, len, &slen)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	unlinkat(c->dirfd, tmp, 0);
	fd = store_openat(c->dirfd, c->dir, tmp, O_WRONLY | O_CREAT | O_EXCL,
	    err, errlen);
	if (fd < 0)
		goto out;
	if (store_write_all(fd, sealed, slen, 0) != 0 || fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write '%s/%s': %s", c->dir, tmp,
		    strerror(errno));
		close(fd);
		unlinkat(c->dirfd, tmp, 0);
		goto out;
	}
	close(fd);
	if (renameat(c->dirfd, tmp, c->dirfd, file) != 0) {
		snprintf(err, errlen, "cannot rename '%s/%s': %s", c->dir, tmp,
		    strerror(errno));
		unlinkat(c->dirfd, tmp, 0);
		goto out;
	}
	rc = store_fsync_dir(c->dirfd, err, errlen);
out:
	free(sealed);
	return rc;
}

static int
blob_open(const struct td_cache *c, const char *name, const uint8_t *in,
    size_t inlen, uint8_t **out, size_t *outlen)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t ad[STORE_ID_BYTES + BLOB_NAME_MAX + 1], tag = 0, *pt;
	size_t adlen, off = BLOB_MAGIC_LEN + BLOB_HBYTES, n, got = 0;
	unsigned long long plen;

	if (inlen < off + BLOB_ABYTES || memcmp(in, BLOB_MAGIC,
	    BLOB_MAGIC_LEN) != 0 ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&st,
	    in + BLOB_MAGIC_LEN, c->keys->blob) != 0)
		return -1;
	if ((pt = malloc(inlen)) == NULL)
		return -1;
	blob_ad(c, name, ad, &adlen);
	while (off < inlen && tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		n = inlen - off < BLOB_CHUNK + BLOB_ABYTES ? inlen - off :
		    BLOB_CHUNK + BLOB_ABYTES;
		if (crypto_secretstream_xchacha20poly1305_pull(&st, pt + got,
		    &plen, &tag, in + off, n, ad, adlen) != 0)
			break;
		got += (size_t)plen;
		off += n;
	}
	sodium_memzero(&st, sizeof st);
	/* Whole: ends with the final chunk, nothing after it. */
	if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL ||
	    off != inlen) {
		sodium_memzero(pt, got);
		free(pt);
		return -1;
	}
	*out = pt;
	*outlen = got;
	return 0;
}

int
cache_blob_get(struct td_cache *c, const char *name, unsigned char **out,
    size_t *len, char *err, size_t errlen)
{
	char file[80];
	uint8_t *raw;
	size_t rlen;
	int rc;

	*out = NULL;
	*len = 0;
	if (blob_name(name, file, sizeof file, err, errlen) != 0)
		return -1;
	if ((rc = store_read_file(c->dirfd, c->dir, file, &raw, &rlen, err,
	    errlen)) != 0)
		return rc;
	if (blob_open(c, name, raw, rlen, out, len) != 0) {
		snprintf(err, errlen, "'%s/%s' does not open with this key or "
		    "is damaged", c->dir, file);
		rc = -1;
	}
	free(raw);
	return rc;
}

int
cache_blob_del(struct td_cache *c, const char *name)
{
	char file[80], err[64];

	if (blob_name(name, file, sizeof file, err, sizeof err) != 0)
		return -1;
	if (unlinkat(c->dirfd, file, 0) != 0 && errno != ENOENT)
		return -1;
	return 0;
}

void
store_blob_prune(struct td_cache *c)
{
	const size_t plen = strlen(STORE_BLOB_PREFIX);
	struct dirent *d;
	DIR *dp;
	int fd;

	if ((fd = dup(c->dirfd)) < 0)
		return;
	if ((dp = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	/* A blob without its entry: acknowledged just before a crash, or
	 * written just before one (the entry never was); a .tmp: cut short. */
	while ((d = readdir(dp)) != NULL) {
		if (strncmp(d->d_name, STORE_BLOB_PREFIX, plen) == 0 &&
		    (strchr(d->d_name, '.') != NULL ||
		    store_outbox_find(c, d->d_name + plen) == NULL))
			unlinkat(c->dirfd, d->d_name, 0);
	}
	closedir(dp);
}
