/* secfile.c: refuses open permissions with the reason, trims, reads. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "ttydesk/secfile.h"

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	chmod(path, mode);
}

static void
test_modes(void)
{
	char dir[] = "/tmp/test_secfile_XXXXXX", path[128], err[512];

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/token", dir);
	write_file(path, "secret\n", 0644);
	CHECK_INT(secfile_check(path, err, sizeof err), -1);
	CHECK(strstr(err, "permissions 0644 are too open") != NULL);
	CHECK(strstr(err, "chmod 600") != NULL);
	CHECK(secfile_read(path, 100, 1, NULL, err, sizeof err) == NULL);
	chmod(path, 0640);
	CHECK_INT(secfile_check(path, err, sizeof err), -1);
	chmod(path, 0600);
	CHECK_INT(secfile_check(path, err, sizeof err), 0);
	chmod(path, 0400);
	CHECK_INT(secfile_check(path, err, sizeof err), 0);
	CHECK_INT(secfile_check(dir, err, sizeof err), -1);
	CHECK(strstr(err, "not a regular file") != NULL);
	snprintf(path, sizeof path, "%s/missing", dir);
	CHECK_INT(secfile_check(path, err, sizeof err), -1);
	CHECK(strstr(err, "No such file") != NULL);
	snprintf(path, sizeof path, "%s/token", dir);
	unlink(path);
	rmdir(dir);
}

static void
test_read(void)
{
	char dir[] = "/tmp/test_secfile_XXXXXX", path[128], err[512], *s;
	size_t len = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/token", dir);
	write_file(path, "abc def \r\n\n", 0600);
	s = secfile_read(path, 100, 1, &len, err, sizeof err);
	CHECK(s != NULL);
	CHECK_STR(s, "abc def");
	CHECK_INT(len, 7);
	secfile_wipe(s, len);
	s = secfile_read(path, 100, 0, &len, err, sizeof err);
	CHECK(s != NULL);
	CHECK_INT(len, 11);
	secfile_wipe(s, len);
	CHECK(secfile_read(path, 5, 1, &len, err, sizeof err) == NULL);
	CHECK(strstr(err, "larger than 5 bytes") != NULL);
	write_file(path, "\n\n", 0600);
	CHECK(secfile_read(path, 100, 1, &len, err, sizeof err) == NULL);
	CHECK(strstr(err, "empty") != NULL);
	unlink(path);
	rmdir(dir);
}

static void
test_owner(void)
{
	char dir[] = "/tmp/test_secfile_XXXXXX", path[128], err[512];

	if (geteuid() != 0)
		return; /* only root can give a file away */
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/token", dir);
	write_file(path, "secret\n", 0600);
	CHECK(chown(path, 65534, 65534) == 0);
	CHECK_INT(secfile_check(path, err, sizeof err), -1);
	CHECK(strstr(err, "owned by uid 65534") != NULL);
	unlink(path);
	rmdir(dir);
}

static void
test_harden(void)
{
	struct rlimit rl;

	secfile_harden_process();
	CHECK_INT(getrlimit(RLIMIT_CORE, &rl), 0);
	CHECK_INT(rl.rlim_cur, 0);
}

int
main(void)
{
	RUN(test_modes);
	RUN(test_read);
	RUN(test_owner);
	RUN(test_harden);
	return check_done();
}
