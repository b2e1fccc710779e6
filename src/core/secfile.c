/*
 * Secret files (include/ttydesk/secfile.h).  The check is made on the open
 * descriptor (fstat) so the file read is the file checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "ttydesk/secfile.h"

/* The error of a failed system call on path: "path: reason".  -1. */
static int
secfile_sys_fail(const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return -1;
}

static int
secfile_check_stat(const char *path, const struct stat *st, char *err,
    size_t errlen)
{
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if (st->st_uid != geteuid()) {
		snprintf(err, errlen, "%s: owned by uid %lu, not by you (uid %lu)",
		    path, (unsigned long)st->st_uid, (unsigned long)geteuid());
		return -1;
	}
	if ((st->st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: permissions %04o are too open; run: "
		    "chmod 600 %s", path, (unsigned)(st->st_mode & 07777), path);
		return -1;
	}
	return 0;
}

int
secfile_check(const char *path, char *err, size_t errlen)
{
	struct stat st;

	/* lstat: secfile_read() opens with O_NOFOLLOW, so a symlink that
	 * passed here would only be refused later (after the TUI started). */
	if (lstat(path, &st) != 0)
		return secfile_sys_fail(path, err, errlen);
	if (S_ISLNK(st.st_mode)) {
		snprintf(err, errlen, "%s: is a symbolic link; name the file "
		    "itself", path);
		return -1;
	}
	return secfile_check_stat(path, &st, err, errlen);
}

int
secfile_check_trusted(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return secfile_sys_fail(path, err, errlen);
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		snprintf(err, errlen, "%s: owned by uid %lu, not by you (uid %lu) "
		    "or root, yet it names commands to run", path,
		    (unsigned long)st.st_uid, (unsigned long)geteuid());
		return -1;
	}
	if ((st.st_mode & 022) != 0) {
		snprintf(err, errlen, "%s: permissions %04o let others change the "
		    "commands it runs; run: chmod go-w %s", path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	return 0;
}

char *
secfile_read(const char *path, size_t max, int trim, size_t *len, char *err,
    size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	ssize_t r;
	int fd;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to initialise");
		return NULL;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		secfile_sys_fail(path, err, errlen);
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		secfile_sys_fail(path, err, errlen);
		goto fail;
	}
	if (secfile_check_stat(path, &st, err, errlen) != 0)
		goto fail;
	if ((size_t)st.st_size > max) {
		snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
		goto fail;
	}
	if ((buf = sodium_malloc(max + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	while (n < max) {
		r = read(fd, buf + n, max - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			secfile_sys_fail(path, err, errlen);
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (trim) {
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
		    buf[n - 1] == ' ' || buf[n - 1] == '\t'))
			n--;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s: empty", path);
		goto fail;
	}
	buf[n] = '\0';
	close(fd);
	if (len != NULL)
		*len = n;
	return buf;
fail:
	if (buf != NULL)
		sodium_free(buf);
	close(fd);
	return NULL;
}

void
secfile_wipe(char *secret, size_t len)
{
	(void)len; /* sodium_free wipes the whole guarded allocation */
	if (secret != NULL)
		sodium_free(secret);
}

void
secfile_harden_process(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
#if !defined(__SANITIZE_ADDRESS__)
	/* LeakSanitizer ptraces the process at exit; undumpable breaks it. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}
