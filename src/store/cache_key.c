/*
 * The cache's master key: 32 bytes from a key file, or a passphrase
 * stretched with Argon2id using the salt and limits of the cache header.
 * Keys live in sodium_malloc memory (guarded, locked, wiped on free).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "store.h"

static struct cache_key *
cache_key_alloc(char *err, size_t errlen)
{
	struct cache_key *k;

	if ((k = sodium_malloc(sizeof *k)) == NULL) {
		snprintf(err, errlen, "out of memory (cannot lock key memory)");
		return NULL;
	}
	memset(k, 0, sizeof *k);
	return k;
}

void
cache_key_free(struct cache_key *k)
{
	if (k != NULL)
		sodium_free(k); /* wipes */
}

struct cache_key *
cache_key_from_file(const char *path, char *err, size_t errlen)
{
	struct cache_key *k = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	if (store_sodium_init(err, errlen) != 0)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open key file '%s': %s%s", path,
		    strerror(errno), errno == ENOENT ?
		    " (make one with: ttydesk keygen PATH)" : "");
		return NULL;
	}
	if (store_check_fd(fd, path, false, err, errlen) != 0)
		goto fail;
	if (fstat(fd, &st) != 0 || st.st_size != CACHE_KEY_BYTES) {
		snprintf(err, errlen, "key file '%s' must hold exactly %d bytes "
		    "(it holds %lld); make one with: ttydesk keygen PATH", path,
		    CACHE_KEY_BYTES, (long long)st.st_size);
		goto fail;
	}
	if ((k = cache_key_alloc(err, errlen)) == NULL)
		goto fail;
	do
		n = pread(fd, k->key, CACHE_KEY_BYTES, 0);
	while (n < 0 && errno == EINTR);
	if (n != CACHE_KEY_BYTES) {
		snprintf(err, errlen, "cannot read key file '%s': %s", path,
		    n < 0 ? strerror(errno) : "short read");
		goto fail;
	}
	k->kdf = STORE_KDF_KEYFILE;
	close(fd);
	return k;
fail:
	cache_key_free(k);
	close(fd);
	return NULL;
}

static int
cache_key_stretch(struct cache_key *k, const char *pass, size_t len,
    char *err, size_t errlen)
{
	if (crypto_pwhash(k->key, sizeof k->key, pass, len, k->salt, k->ops,
	    (size_t)k->mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		snprintf(err, errlen, "Argon2id needs %llu MiB of memory and "
		    "could not get it", (unsigned long long)(k->mem >> 20));
		return -1;
	}
	return 0;
}

/* First use of a passphrase cache: pick a salt and write the header. */
static int
cache_key_new_header(int dirfd, const char *dir, struct cache_key *k,
    const char *pass, size_t len, char *err, size_t errlen)
{
	struct store_header h;
	int lockfd, rc;

	if ((lockfd = store_lock(dirfd, dir, err, errlen)) < 0)
		return -1;
	rc = store_header_read(dirfd, dir, &h, err, errlen);
	if (rc == 1) {
		randombytes_buf(k->salt, sizeof k->salt);
		rc = cache_key_stretch(k, pass, len, err, errlen);
		if (rc == 0)
			rc = store_header_create(dirfd, dir, k, &h, err, errlen);
		close(lockfd);
		return rc == CACHE_OK ? 0 : -1;
	}
	close(lockfd);
	if (rc != CACHE_OK)
		return -1;
	/* Someone made it meanwhile: use theirs. */
	memcpy(k->salt, h.salt, sizeof k->salt);
	k->ops = h.ops;
	k->mem = h.mem;
	if (h.kdf != STORE_KDF_ARGON2ID)
		return 1;
	return cache_key_stretch(k, pass, len, err, errlen);
}

struct cache_key *
cache_key_from_passphrase_limits(const char *dir, const char *pass, size_t len,
    unsigned long long opslimit, size_t memlimit, char *err, size_t errlen)
{
	struct store_header h;
	struct cache_key *k = NULL;
	int dirfd = -1, rc;

	if (store_sodium_init(err, errlen) != 0)
		return NULL;
	if (pass == NULL || len == 0) {
		snprintf(err, errlen, "empty passphrase");
		return NULL;
	}
	if (opslimit < crypto_pwhash_OPSLIMIT_MIN || opslimit > STORE_MAX_OPS ||
	    memlimit < crypto_pwhash_MEMLIMIT_MIN || memlimit > STORE_MAX_MEM) {
		snprintf(err, errlen, "Argon2id limits out of range");
		return NULL;
	}
	if (store_mkdir(dir, err, errlen) != 0 ||
	    (dirfd = store_open_dir(dir, err, errlen)) < 0)
		return NULL;
	if ((k = cache_key_alloc(err, errlen)) == NULL)
		goto fail;
	k->kdf = STORE_KDF_ARGON2ID;
	k->ops = opslimit;
	k->mem = memlimit;
	rc = store_header_read(dirfd, dir, &h, err, errlen);
	if (rc == 1)
		rc = cache_key_new_header(dirfd, dir, k, pass, len, err, errlen);
	else if (rc == CACHE_OK && h.kdf == STORE_KDF_ARGON2ID) {
		memcpy(k->salt, h.salt, sizeof k->salt);
		k->ops = h.ops;
		k->mem = h.mem;
		rc = cache_key_stretch(k, pass, len, err, errlen);
	} else if (rc == CACHE_OK)
		rc = 1;
	else
		rc = -1;
	if (rc == 1)
		snprintf(err, errlen, "the cache in '%s' is locked with a key "
		    "file, not a passphrase (set key_file in [cache])", dir);
	if (rc != 0)
		goto fail;
	close(dirfd);
	return k;
fail:
	cache_key_free(k);
	close(dirfd);
	return NULL;
}

struct cache_key *
cache_key_from_passphrase(const char *dir, const char *pass, size_t len,
    char *err, size_t errlen)
{
	return cache_key_from_passphrase_limits(dir, pass, len,
	    crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE,
	    err, errlen);
}

int
cache_keygen(const char *path, char *err, size_t errlen)
{
	uint8_t *key;
	int fd, rc = -1;

	if (store_sodium_init(err, errlen) != 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		if (errno == EEXIST)
			snprintf(err, errlen, "'%s' already exists; refusing to "
			    "overwrite a key (remove it first if you mean to)",
			    path);
		else
			snprintf(err, errlen, "cannot create key file '%s': %s",
			    path, strerror(errno));
		return -1;
	}
	if ((key = sodium_malloc(CACHE_KEY_BYTES)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	randombytes_buf(key, CACHE_KEY_BYTES);
	/* fchmod: the umask may only have narrowed 0600, make it exact. */
	if (fchmod(fd, 0600) != 0 ||
	    store_write_all(fd, key, CACHE_KEY_BYTES, 0) != 0 ||
	    fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write key file '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	sodium_free(key);
	close(fd);
	if (rc != 0)
		unlink(path);
	return rc;
}
