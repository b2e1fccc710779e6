/*
 * Standalone driver for the fuzz harnesses when libFuzzer is not linked
 * (gcc builds, scripts/test): feeds every file named on the command line,
 * or found directly inside a directory named there, to
 * LLVMFuzzerTestOneInput once, in name order, so the corpus and every
 * crash found before run as a regression test under ASan/UBSan.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static size_t driver_runs;

static int
driver_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
driver_file(const char *path)
{
	uint8_t *buf;
	FILE *f;
	long n;
	size_t got;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "driver: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "driver: %s: cannot size\n", path);
		fclose(f);
		return -1;
	}
	/* An exact-size copy so ASan catches a read one past the input. */
	if ((buf = malloc(n > 0 ? (size_t)n : 1)) == NULL) {
		fclose(f);
		return -1;
	}
	got = fread(buf, 1, (size_t)n, f);
	fclose(f);
	if (got != (size_t)n) {
		fprintf(stderr, "driver: %s: short read\n", path);
		free(buf);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, got);
	free(buf);
	driver_runs++;
	return 0;
}

static int
driver_dir(const char *dir)
{
	struct dirent *de;
	struct stat st;
	char **names = NULL, **nn, path[4096];
	size_t n = 0, i;
	int rc = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "driver: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0 ||
		    strcmp(de->d_name, "README.md") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if ((nn = realloc(names, (n + 1) * sizeof *names)) == NULL ||
		    (nn[n] = strdup(path)) == NULL) {
			names = nn != NULL ? nn : names;
			rc = -1;
			break;
		}
		names = nn;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, driver_cmp);
	for (i = 0; i < n; i++) {
		if (rc == 0 && driver_file(names[i]) != 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i, rc = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue; /* libFuzzer flags, for a shared command line */
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "driver: %s: %s\n", argv[i],
			    strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode) ? driver_dir(argv[i]) != 0 :
		    driver_file(argv[i]) != 0)
			rc = 1;
	}
	fprintf(stderr, "driver: %zu inputs\n", driver_runs);
	if (driver_runs == 0) {
		fprintf(stderr, "driver: no input found\n");
		rc = 1;
	}
	return rc;
}
