/* The growing arrays of ttydesk/vec.h. */
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "ttydesk/vec.h"

struct pair {
	char *a;
	int b;
};

static int cleared;

static void
pair_clear(void *p)
{
	struct pair *e = p;

	free(e->a);
	cleared++;
}

static void
test_grow_keeps_elements(void)
{
	struct pair *v = NULL;
	size_t n, cap = 0, cap_before;
	int i;

	for (n = 0; n < 1000; n++) {
		CHECK_INT(vec_grow(&v, &cap, n + 1, sizeof *v), 0);
		CHECK(cap >= n + 1);
		v[n].a = NULL;
		v[n].b = (int)n;
	}
	CHECK_INT(cap, 1024);
	for (i = 0; i < 1000; i++)
		CHECK_INT(v[i].b, i);
	/* Enough room already: nothing moves. */
	cap_before = cap;
	CHECK_INT(vec_grow(&v, &cap, 10, sizeof *v), 0);
	CHECK_INT(cap, cap_before);
	vec_free(&v, &n, sizeof *v, NULL);
	CHECK(v == NULL);
	CHECK_INT(n, 0);
}

static void
test_grow_overflow_leaves_array(void)
{
	struct pair *v = NULL;
	size_t cap = 0;

	CHECK_INT(vec_grow(&v, &cap, 3, sizeof *v), 0);
	v[0].b = 7;
	CHECK_INT(vec_grow(&v, &cap, SIZE_MAX / 2, sizeof *v), -1);
	CHECK_INT(vec_grow(&v, &cap, SIZE_MAX, 1), -1);
	CHECK_INT(vec_grow(&v, &cap, 100, 0), -1);
	CHECK_INT(cap, 4);
	CHECK(v != NULL);
	CHECK_INT(v[0].b, 7);
	free(v);
}

static void
test_free_clears_each(void)
{
	struct pair *v = NULL;
	size_t n = 0, cap = 0;

	for (; n < 5; n++) {
		CHECK_INT(vec_grow(&v, &cap, n + 1, sizeof *v), 0);
		v[n].a = strdup("x");
		v[n].b = 0;
	}
	cleared = 0;
	vec_free(&v, &n, sizeof *v, pair_clear);
	CHECK_INT(cleared, 5);
	CHECK(v == NULL);
	CHECK_INT(n, 0);
	/* An empty array is fine too. */
	vec_free(&v, &n, sizeof *v, pair_clear);
	CHECK_INT(cleared, 5);
}

static void
test_add_strn(void)
{
	char **v = NULL;
	size_t n = 0;

	CHECK_INT(vec_add_strn(&v, &n, "alpha", 5), 0);
	CHECK_INT(vec_add_strn(&v, &n, "beta-and-more", 4), 0);
	CHECK_INT(vec_add_strn(&v, &n, "", 0), 0);
	CHECK_INT(n, 3);
	CHECK_STR(v[0], "alpha");
	CHECK_STR(v[1], "beta");
	CHECK_STR(v[2], "");
	/* A length that cannot be allocated leaves the array alone. */
	CHECK_INT(vec_add_strn(&v, &n, "x", SIZE_MAX), -1);
	CHECK_INT(n, 3);
	vec_free(&v, &n, sizeof *v, vec_clear_str);
	CHECK(v == NULL);
}

static void
test_capacity(void)
{
	size_t c = 0;

	CHECK_INT(vec_capacity(0, 1, 64, &c), 0);
	CHECK_INT(c, 64);
	CHECK_INT(vec_capacity(64, 65, 64, &c), 0);
	CHECK_INT(c, 128);
	CHECK_INT(vec_capacity(3, 20, 64, &c), 0);
	CHECK_INT(c, 24);
	c = 5;
	CHECK_INT(vec_capacity(SIZE_MAX / 2 + 1, SIZE_MAX, 4, &c), -1);
	CHECK_INT(c, 5);
}

static void
test_find_str(void)
{
	struct pair v[4] = { { "a", 1 }, { NULL, 2 }, { "b", 3 }, { "b", 4 } };
	struct pair *p;

	p = vec_find_str(v, 4, sizeof *v, offsetof(struct pair, a), "b");
	CHECK(p == &v[2]);
	p = vec_find_str(v, 4, sizeof *v, offsetof(struct pair, a), "a");
	CHECK(p == &v[0]);
	CHECK(vec_find_str(v, 4, sizeof *v, offsetof(struct pair, a), "c") ==
	    NULL);
	CHECK(vec_find_str(v, 4, sizeof *v, offsetof(struct pair, a), NULL) ==
	    NULL);
	/* Only the first n elements are looked at. */
	CHECK(vec_find_str(v, 2, sizeof *v, offsetof(struct pair, a), "b") ==
	    NULL);
	CHECK(vec_find_str(NULL, 0, sizeof *v, offsetof(struct pair, a), "a") ==
	    NULL);
}

static void
test_push(void)
{
	struct pair *v = NULL, *e;
	size_t n = 0, i;

	for (i = 0; i < 100; i++) {
		e = vec_push(&v, &n, sizeof *v);
		CHECK(e != NULL);
		CHECK_INT(n, i + 1);
		CHECK(e == &v[i]);
		CHECK(e->a == NULL && e->b == 0);
		e->b = (int)i;
	}
	for (i = 0; i < 100; i++)
		CHECK_INT(v[i].b, (int)i);
	/* A size that overflows leaves the array as it was. */
	CHECK(vec_push(&v, &n, SIZE_MAX / 2) == NULL);
	CHECK(vec_push(&v, &n, 0) == NULL);
	CHECK_INT(n, 100);
	CHECK_INT(v[99].b, 99);
	vec_free(&v, &n, sizeof *v, NULL);
}

int
main(void)
{
	RUN(test_capacity);
	RUN(test_add_strn);
	RUN(test_grow_keeps_elements);
	RUN(test_grow_overflow_leaves_array);
	RUN(test_free_clears_each);
	RUN(test_find_str);
	RUN(test_push);
	return check_done();
}
