/*
 * Like ssh, refuse cache files and directories that others could read or
 * that belong to someone else, and say how to fix it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

int
store_check_fd(int fd, const char *what, bool dir, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", what, strerror(errno));
		return -1;
	}
	if (dir && !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "'%s' is not a directory", what);
		return -1;
	}
	if (!dir && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "'%s' is not a regular file", what);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "'%s' is owned by uid %u, not by you "
		    "(uid %u); refusing to use it", what, (unsigned)st.st_uid,
		    (unsigned)geteuid());
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "permissions %04o for '%s' are too open; "
		    "run: chmod %s '%s'", (unsigned)(st.st_mode & 07777), what,
		    dir ? "700" : "600", what);
		return -1;
	}
	return 0;
}

/* A new directory survives a power loss only once its parent is synced. */
static void
store_sync_parent(const char *path)
{
	char *p = strdup(path), *slash;
	int fd;

	if (p == NULL)
		return;
	slash = strrchr(p, '/');
	if (slash == p)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	fd = open(slash != NULL ? p : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(p);
}

/* mkdir -p with mode 0700 for every directory it makes. */
int
store_mkdir(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	char *p, *s;
	int rc = -1;

	if (dir == NULL || *dir == '\0') {
		snprintf(err, errlen, "no cache directory given");
		return -1;
	}
	if (stat(dir, &st) == 0)
		return 0; /* store_open_dir says if it is no directory */
	if ((p = strdup(dir)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) == 0)
			store_sync_parent(p);
		else if (errno != EEXIST) {
			snprintf(err, errlen, "cannot create '%s': %s", p,
			    strerror(errno));
			goto out;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	rc = 0;
out:
	free(p);
	return rc;
}

int
store_open_dir(const char *dir, char *err, size_t errlen)
{
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open cache directory '%s': %s",
		    dir, strerror(errno));
		return -1;
	}
	if (store_check_fd(fd, dir, true, err, errlen) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
store_openat(int dirfd, const char *dir, const char *name, int flags,
    char *err, size_t errlen)
{
	char what[1024];
	int fd;

	if (dir != NULL)
		snprintf(what, sizeof what, "%s/%s", dir, name);
	else
		snprintf(what, sizeof what, "%s", name);
	fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == ENOENT && !(flags & O_CREAT))
			return -2;
		if (errno == ELOOP)
			snprintf(err, errlen, "'%s' is a symbolic link; "
			    "refusing to follow it", what);
		else
			snprintf(err, errlen, "cannot open '%s': %s", what,
			    strerror(errno));
		return -1;
	}
	if (store_check_fd(fd, what, false, err, errlen) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}
