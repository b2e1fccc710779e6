/*
 * Forgetting a profile: overwrite every cache file with zeros, fsync,
 * unlink, then remove the directory.  The files are ciphertext already;
 * the overwrite only makes the key alone useless for an old disk image
 * (on copy-on-write file systems and SSDs old blocks may still survive).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

static const char *const store_files[] = {
	STORE_SNAPSHOT, STORE_LOG, STORE_HEADER, STORE_SNAPSHOT_TMP,
	STORE_LOG_TMP, STORE_HEADER_TMP,
};

static int
store_wipe(int dirfd, const char *dir, const char *name, char *err,
    size_t errlen)
{
	static const uint8_t zero[65536];
	struct stat st;
	off_t off = 0;
	size_t n;
	int fd;

	fd = openat(dirfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto fail;
	while (off < st.st_size) {
		n = st.st_size - off < (off_t)sizeof zero ?
		    (size_t)(st.st_size - off) : sizeof zero;
		if (store_write_all(fd, zero, n, off) != 0)
			goto fail;
		off += (off_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	if (unlinkat(dirfd, name, 0) != 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "cannot wipe '%s/%s': %s", dir, name,
	    fd >= 0 && errno == 0 ? "not a regular file" : strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* The outbox's attachments (cache_blob.c), named blob-<client id>. */
static int
store_wipe_blobs(int dirfd, const char *dir, char *err, size_t errlen)
{
	struct dirent *d;
	DIR *dp;
	int fd, rc = 0;

	if ((fd = dup(dirfd)) < 0 || (dp = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "cannot list '%s': %s", dir,
		    strerror(errno));
		return -1;
	}
	while (rc == 0 && (d = readdir(dp)) != NULL)
		if (strncmp(d->d_name, STORE_BLOB_PREFIX,
		    strlen(STORE_BLOB_PREFIX)) == 0)
			rc = store_wipe(dirfd, dir, d->d_name, err, errlen);
	closedir(dp);
	return rc;
}

int
cache_forget(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	size_t i;
	int dirfd, lockfd, rc = -1;


	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0 && errno == ENOENT)
		return 0;
	if (dirfd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", dir,
		    strerror(errno));
		return -1;
	}
	/* Too open is no reason to keep it; someone else's is. */
	if (fstat(dirfd, &st) != 0 || st.st_uid != geteuid()) {
		snprintf(err, errlen, "'%s' is not owned by you; refusing to "
		    "remove it", dir);
		close(dirfd);
		return -1;
	}
	/* Never pull the files from under a running ttydesk. */
	if ((lockfd = store_lock(dirfd, dir, err, errlen)) < 0)
		goto out;
	for (i = 0; i < sizeof store_files / sizeof store_files[0]; i++)
		if (store_wipe(dirfd, dir, store_files[i], err, errlen) != 0)
			goto out;
	if (store_wipe_blobs(dirfd, dir, err, errlen) != 0)
		goto out;
	unlinkat(dirfd, STORE_LOCK, 0);
	if (rmdir(dir) != 0) {
		snprintf(err, errlen, "cache files wiped, but cannot remove "
		    "'%s': %s", dir, errno == ENOTEMPTY ? "it holds files "
		    "ttydesk did not make (left them)" : strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (lockfd >= 0)
		close(lockfd);
	close(dirfd);
	return rc;
}
