/*
 * A tiny unit-test harness: CHECK macros count failures, RUN() runs one test
 * function, check_done() prints "N passed, N failed" and gives the exit code.
 * Include it from exactly one .c file per test program.
 */
#ifndef TTYDESK_CHECK_H
#define TTYDESK_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failed_count;
static int check_test_failed;
static int check_tests_passed;
static int check_tests_failed;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		check_failed_count++; check_test_failed = 1; \
	} \
} while (0)

#define CHECK_INT(a, b) do { \
	long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
	if (check_a_ != check_b_) { \
		fprintf(stderr, "%s:%d: CHECK_INT failed: %s == %lld, expected %s == %lld\n", \
		    __FILE__, __LINE__, #a, check_a_, #b, check_b_); \
		check_failed_count++; check_test_failed = 1; \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *check_a_ = (a), *check_b_ = (b); \
	if (check_a_ == NULL || check_b_ == NULL ? check_a_ != check_b_ : strcmp(check_a_, check_b_) != 0) { \
		fprintf(stderr, "%s:%d: CHECK_STR failed: %s == \"%s\", expected \"%s\"\n", \
		    __FILE__, __LINE__, #a, check_a_ ? check_a_ : "(null)", \
		    check_b_ ? check_b_ : "(null)"); \
		check_failed_count++; check_test_failed = 1; \
	} \
} while (0)

#define RUN(fn) do { \
	check_test_failed = 0; \
	fn(); \
	if (check_test_failed) { \
		fprintf(stderr, "FAIL %s\n", #fn); check_tests_failed++; \
	} else { \
		check_tests_passed++; \
	} \
} while (0)

static inline int check_done(void)
{
	printf("%d passed, %d failed\n", check_tests_passed, check_tests_failed);
	return check_tests_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Read a whole file (fixtures); NULL when missing.  Caller frees. */
static inline char *check_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	buf = malloc((size_t)n + 1);
	if (buf == NULL)
		goto out;
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
out:
	fclose(f);
	return buf;
}

/* A path under $TTYDESK_FIXTURES_DIR or $TTYDESK_CORPUS_DIR (set by CTest). */
static inline const char *check_env_dir(const char *var, const char *fallback)
{
	const char *d = getenv(var);
	return d != NULL && *d != '\0' ? d : fallback;
}

#endif
