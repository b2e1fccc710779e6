/*
 * One ttydesk per profile: an flock on the cache's lock file, which also
 * holds the owner's pid so the second one can say who has it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "store.h"

static long
store_lock_owner(int fd)
{
	char buf[32];
	ssize_t n;

	n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

int
store_lock(int dirfd, const char *dir, char *err, size_t errlen)
{
	char pid[32];
	long owner;
	int fd, n;

	fd = store_openat(dirfd, dir, STORE_LOCK, O_RDWR | O_CREAT, err, errlen);
	if (fd < 0)
		return CACHE_ERR;
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK) {
			owner = store_lock_owner(fd);
			if (owner > 0)
				snprintf(err, errlen, "cache in use by another "
				    "ttydesk (pid %ld)", owner);
			else
				snprintf(err, errlen, "cache in use by another "
				    "ttydesk");
			close(fd);
			return CACHE_LOCKED;
		}
		snprintf(err, errlen, "cannot lock '%s/%s': %s", dir,
		    STORE_LOCK, strerror(errno));
		close(fd);
		return CACHE_ERR;
	}
	/* The pid is only a hint for the message above.  Fixed width, not
	 * ftruncate: a truncate-to-zero makes ext4 flush on close. */
	n = snprintf(pid, sizeof pid, "%-20ld\n", (long)getpid());
	if (store_write_all(fd, pid, (size_t)n, 0) != 0) {
		snprintf(err, errlen, "cannot write '%s/%s': %s", dir,
		    STORE_LOCK, strerror(errno));
		close(fd);
		return CACHE_ERR;
	}
	return fd;
}
