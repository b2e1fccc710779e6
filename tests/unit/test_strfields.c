/* The owned strings of a struct by offset table (ttydesk/strfields.h). */
#include <string.h>

#include "check.h"
#include "ttydesk/strfields.h"

struct inner {
	char *tag;
};

struct rec {
	char *a;
	int n;
	char *b;
	struct inner in;
	char *borrowed; /* not in the table: never copied or freed */
};

static const size_t rec_strs[] = {
	offsetof(struct rec, a), offsetof(struct rec, b),
	offsetof(struct rec, in.tag),
};

static void
test_copy_and_free(void)
{
	char shared[] = "shared";
	struct rec src = { NULL, 7, NULL, { NULL }, shared }, dst;

	src.a = strdup("alpha");
	src.in.tag = strdup("tag");
	CHECK(src.a != NULL && src.in.tag != NULL);
	dst = src;
	CHECK_INT(strfields_copy(&dst, &src, rec_strs, STRFIELDS_N(rec_strs)),
	    0);
	/* Copies, not the same pointers; NULL stays NULL. */
	CHECK(dst.a != src.a);
	CHECK_STR(dst.a, "alpha");
	CHECK(dst.b == NULL);
	CHECK(dst.in.tag != src.in.tag);
	CHECK_STR(dst.in.tag, "tag");
	CHECK_INT(dst.n, 7);
	CHECK(dst.borrowed == shared);
	strfields_free(&src, rec_strs, STRFIELDS_N(rec_strs));
	CHECK(src.a == NULL && src.b == NULL && src.in.tag == NULL);
	CHECK(src.borrowed == shared);
	/* The copy outlives the original (ASan would see a use after free). */
	CHECK_STR(dst.a, "alpha");
	strfields_free(&dst, rec_strs, STRFIELDS_N(rec_strs));
	CHECK(dst.a == NULL && dst.in.tag == NULL);
}

static void
test_vec_free(void)
{
	struct rec *v = calloc(3, sizeof *v);
	size_t n = 3, i;

	CHECK(v != NULL);
	for (i = 0; i < n; i++) {
		v[i].a = strdup("x");
		v[i].in.tag = strdup("y");
	}
	/* Every element's strings are freed (ASan reports a leak if not). */
	strfields_vec_free(&v, &n, sizeof *v, rec_strs, STRFIELDS_N(rec_strs));
	CHECK(v == NULL);
	CHECK_INT(n, 0);
	strfields_vec_free(&v, &n, sizeof *v, rec_strs, STRFIELDS_N(rec_strs));
	CHECK(v == NULL);
}

static void
test_vec_copy(void)
{
	struct rec src[2] = {
		{ "one", 1, NULL, { "t1" }, NULL },
		{ NULL, 2, "two", { NULL }, NULL },
	};
	struct rec *v;
	size_t n = 2;

	v = strfields_vec_copy(src, 2, sizeof *src, rec_strs,
	    STRFIELDS_N(rec_strs));
	CHECK(v != NULL);
	CHECK(v[0].a != src[0].a);
	CHECK_STR(v[0].a, "one");
	CHECK_STR(v[0].in.tag, "t1");
	CHECK_INT(v[0].n, 1);
	CHECK(v[1].a == NULL);
	CHECK_STR(v[1].b, "two");
	CHECK_INT(v[1].n, 2);
	/* The spare element after the copies is zeroed. */
	CHECK(v[2].a == NULL && v[2].b == NULL && v[2].n == 0);
	strfields_vec_free(&v, &n, sizeof *v, rec_strs, STRFIELDS_N(rec_strs));
	/* An empty array still gives a (spare-only) array, not NULL. */
	v = strfields_vec_copy(src, 0, sizeof *src, rec_strs,
	    STRFIELDS_N(rec_strs));
	CHECK(v != NULL);
	CHECK(v[0].a == NULL);
	free(v);
}

int
main(void)
{
	RUN(test_copy_and_free);
	RUN(test_vec_free);
	RUN(test_vec_copy);
	return check_done();
}
