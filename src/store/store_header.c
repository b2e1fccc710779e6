/*
 * The cache's header file: how the key is made (KDF, limits, salt), the
 * cache id every data file repeats, and a key-check record so a wrong key
 * is one clear error instead of a corrupt-looking cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "store.h"

static const char store_magic[8] = { 'T', 'T', 'Y', 'D', 'C', 'A', 'C', 'H' };
#define CHECK_TEXT "ttydesk cache key check v1"
#define OFF_NONCE 64
#define OFF_CT 88
#define OFF_SUM 136

int
store_derive(const struct cache_key *key, struct store_keys *sk)
{
	if (crypto_kdf_derive_from_key(sk->check, sizeof sk->check, 1,
	    STORE_KDF_CONTEXT, key->key) != 0 ||
	    crypto_kdf_derive_from_key(sk->record, sizeof sk->record, 2,
	    STORE_KDF_CONTEXT, key->key) != 0 ||
	    crypto_kdf_derive_from_key(sk->blob, sizeof sk->blob, 3,
	    STORE_KDF_CONTEXT, key->key) != 0)
		return -1;
	return 0;
}

static void
store_header_sum(const uint8_t *raw, uint8_t sum[16])
{
	crypto_generichash(sum, 16, raw, OFF_SUM, NULL, 0);
}

int
store_header_check(const struct store_header *h, const struct store_keys *sk)
{
	uint8_t pt[32], want[32];
	int rc;

	memset(want, 0, sizeof want);
	memcpy(want, CHECK_TEXT, sizeof CHECK_TEXT - 1);
	rc = crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL,
	    h->raw + OFF_CT, 48, h->raw, OFF_NONCE, h->raw + OFF_NONCE,
	    sk->check);
	if (rc == 0 && sodium_memcmp(pt, want, sizeof pt) != 0)
		rc = -1;
	sodium_memzero(pt, sizeof pt);
	return rc;
}

static int
store_header_parse(struct store_header *h, char *err, size_t errlen)
{
	uint8_t sum[16];
	const uint8_t *r = h->raw;

	store_header_sum(r, sum);
	if (memcmp(r, store_magic, sizeof store_magic) != 0) {
		snprintf(err, errlen, "header: not a ttydesk cache header "
		    "(bad magic at offset 0)");
		return CACHE_CORRUPT;
	}
	if (sodium_memcmp(sum, r + OFF_SUM, sizeof sum) != 0) {
		snprintf(err, errlen, "header: checksum mismatch at offset %d "
		    "(the file is damaged)", OFF_SUM);
		return CACHE_CORRUPT;
	}
	if (store_get_u32(r + 8) != STORE_VERSION) {
		snprintf(err, errlen, "header: unsupported version %u at "
		    "offset 8", store_get_u32(r + 8));
		return CACHE_CORRUPT;
	}
	h->kdf = store_get_u32(r + 12);
	h->ops = store_get_u64(r + 16);
	h->mem = store_get_u64(r + 24);
	memcpy(h->salt, r + 32, sizeof h->salt);
	memcpy(h->cache_id, r + 48, sizeof h->cache_id);
	if (h->kdf == STORE_KDF_KEYFILE && h->ops == 0 && h->mem == 0)
		return CACHE_OK;
	if (h->kdf == STORE_KDF_ARGON2ID &&
	    h->ops >= crypto_pwhash_OPSLIMIT_MIN && h->ops <= STORE_MAX_OPS &&
	    h->mem >= crypto_pwhash_MEMLIMIT_MIN && h->mem <= STORE_MAX_MEM)
		return CACHE_OK;
	snprintf(err, errlen, "header: unknown key derivation or limits out "
	    "of range at offset 12");
	return CACHE_CORRUPT;
}

int
store_header_read(int dirfd, const char *dir, struct store_header *h,
    char *err, size_t errlen)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	rc = store_read_file(dirfd, dir, STORE_HEADER, &buf, &len, err, errlen);
	if (rc != 0)
		return rc < 0 ? CACHE_ERR : 1;
	if (len != STORE_HDR_SIZE) {
		snprintf(err, errlen, "header: %zu bytes, expected %d "
		    "(truncated or damaged at offset %zu)", len,
		    STORE_HDR_SIZE, len < STORE_HDR_SIZE ? len :
		    (size_t)STORE_HDR_SIZE);
		free(buf);
		return CACHE_CORRUPT;
	}
	memcpy(h->raw, buf, STORE_HDR_SIZE);
	free(buf);
	return store_header_parse(h, err, errlen);
}

static void
store_header_make(const struct cache_key *key, const struct store_keys *sk,
    struct store_header *h)
{
	uint8_t pt[32];
	uint8_t *r = h->raw;

	memset(h, 0, sizeof *h);
	memcpy(r, store_magic, sizeof store_magic);
	store_put_u32(r + 8, STORE_VERSION);
	store_put_u32(r + 12, key->kdf);
	store_put_u64(r + 16, key->ops);
	store_put_u64(r + 24, key->mem);
	memcpy(r + 32, key->salt, STORE_SALT_BYTES);
	randombytes_buf(r + 48, STORE_ID_BYTES);
	randombytes_buf(r + OFF_NONCE, STORE_NONCE_BYTES);
	memset(pt, 0, sizeof pt);
	memcpy(pt, CHECK_TEXT, sizeof CHECK_TEXT - 1);
	crypto_aead_xchacha20poly1305_ietf_encrypt(r + OFF_CT, NULL, pt,
	    sizeof pt, r, OFF_NONCE, NULL, r + OFF_NONCE, sk->check);
	store_header_sum(r, r + OFF_SUM);
	h->kdf = key->kdf;
	h->ops = key->ops;
	h->mem = key->mem;
	memcpy(h->salt, key->salt, sizeof h->salt);
	memcpy(h->cache_id, r + 48, sizeof h->cache_id);
}

int
store_header_create(int dirfd, const char *dir, const struct cache_key *key,
    struct store_header *h, char *err, size_t errlen)
{
	struct store_keys *sk;
	int fd, rc = CACHE_ERR;

	/* A new header would make existing data unreadable for good. */
	if (faccessat(dirfd, STORE_LOG, F_OK, AT_SYMLINK_NOFOLLOW) == 0 ||
	    faccessat(dirfd, STORE_SNAPSHOT, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		snprintf(err, errlen, "header: missing in '%s', but cache data "
		    "is there (restore the header or forget the cache)", dir);
		return CACHE_CORRUPT;
	}
	if ((sk = sodium_malloc(sizeof *sk)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return CACHE_ERR;
	}
	if (store_derive(key, sk) != 0) {
		snprintf(err, errlen, "key derivation failed");
		goto out;
	}
	store_header_make(key, sk, h);
	unlinkat(dirfd, STORE_HEADER_TMP, 0);
	fd = store_openat(dirfd, dir, STORE_HEADER_TMP,
	    O_WRONLY | O_CREAT | O_EXCL, err, errlen);
	if (fd < 0)
		goto out;
	if (store_write_all(fd, h->raw, STORE_HDR_SIZE, 0) != 0 ||
	    fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write '%s/%s': %s", dir,
		    STORE_HEADER_TMP, strerror(errno));
		close(fd);
		unlinkat(dirfd, STORE_HEADER_TMP, 0);
		goto out;
	}
	close(fd);
	/* link, not rename: never replace a header someone else made. */
	if (linkat(dirfd, STORE_HEADER_TMP, dirfd, STORE_HEADER, 0) != 0) {
		snprintf(err, errlen, "cannot create '%s/%s': %s", dir,
		    STORE_HEADER, strerror(errno));
		unlinkat(dirfd, STORE_HEADER_TMP, 0);
		goto out;
	}
	unlinkat(dirfd, STORE_HEADER_TMP, 0);
	if (store_fsync_dir(dirfd, err, errlen) != 0)
		goto out;
	rc = CACHE_OK;
out:
	sodium_free(sk);
	return rc;
}
