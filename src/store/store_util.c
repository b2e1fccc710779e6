/*
 * Byte buffers, little-endian encoding and small file helpers for the cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "ttydesk/buf.h"

#include "store.h"

char *
store_strndup(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

int
store_buf_u32(struct buf *b, uint32_t v)
{
	uint8_t t[4];

	store_put_u32(t, v);
	return buf_add(b, t, sizeof t);
}

int
store_buf_u64(struct buf *b, uint64_t v)
{
	uint8_t t[8];

	store_put_u64(t, v);
	return buf_add(b, t, sizeof t);
}

int
store_buf_str(struct buf *b, const char *s, size_t len)
{
	if (len > STORE_MAX_PLAIN)
		return -1;
	if (store_buf_u32(b, (uint32_t)len) != 0 ||
	    buf_add(b, s, len) != 0 ||
	    buf_add(b, "", 1) != 0)
		return -1;
	return 0;
}

int
store_rd_u32(struct store_rd *r, uint32_t *v)
{
	if (r->left < 4)
		return -1;
	*v = store_get_u32(r->p);
	r->p += 4;
	r->left -= 4;
	return 0;
}

/* As store_get_u64(): the low half first. */
int
store_rd_u64(struct store_rd *r, uint64_t *v)
{
	uint32_t lo, hi;

	if (r->left < 8)
		return -1;
	(void)store_rd_u32(r, &lo);
	(void)store_rd_u32(r, &hi);
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

int
store_rd_str(struct store_rd *r, const char **s, size_t *len, bool noz)
{
	uint32_t n;

	if (store_rd_u32(r, &n) != 0 || r->left < (size_t)n + 1)
		return -1;
	if (r->p[n] != '\0')
		return -1;
	if (noz && memchr(r->p, '\0', n) != NULL)
		return -1;
	*s = (const char *)r->p;
	*len = n;
	r->p += (size_t)n + 1;
	r->left -= (size_t)n + 1;
	return 0;
}

void
store_put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void
store_put_u64(uint8_t *p, uint64_t v)
{
	store_put_u32(p, (uint32_t)v);
	store_put_u32(p + 4, (uint32_t)(v >> 32));
}

uint32_t
store_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

uint64_t
store_get_u64(const uint8_t *p)
{
	return (uint64_t)store_get_u32(p) | (uint64_t)store_get_u32(p + 4) << 32;
}

int
store_write_all(int fd, const void *p, size_t len, off_t off)
{
	const uint8_t *q = p;
	ssize_t n;

	while (len > 0) {
		n = pwrite(fd, q, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		q += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* Read a whole cache file (permission-checked).  1 when missing. */
int
store_read_file(int dirfd, const char *dir, const char *name, uint8_t **out,
    size_t *len, char *err, size_t errlen)
{
	struct stat st;
	uint8_t *p = NULL;
	size_t got = 0, size;
	ssize_t n;
	int fd;

	fd = store_openat(dirfd, dir, name, O_RDONLY, err, errlen);
	if (fd == -2)
		return 1;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0)
		goto fail_errno;
	size = (size_t)st.st_size;
	p = malloc(size ? size : 1);
	if (p == NULL)
		goto fail_errno;
	while (got < size) {
		n = read(fd, p + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail_errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*out = p;
	*len = got;
	return 0;

fail_errno:
	snprintf(err, errlen, "%s: %s", name, strerror(errno));
	free(p);
	close(fd);
	return -1;
}

int
store_fsync_dir(int dirfd, char *err, size_t errlen)
{
	if (fsync(dirfd) != 0) {
		snprintf(err, errlen, "fsync of the cache directory: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
store_sodium_init(char *err, size_t errlen)
{
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to initialise");
		return -1;
	}
	return 0;
}
