/* The growing buffer of ttydesk/buf.h. */
#include <stdint.h>

#include "check.h"
#include "ttydesk/buf.h"

static void
test_append_raw_block(void)
{
	char *p = NULL;
	size_t len = 0, cap = 0, i;

	CHECK_INT(buf_append(&p, &len, &cap, "", 0), 0);
	CHECK(p != NULL);
	CHECK_STR(p, "");
	for (i = 0; i < 100; i++)
		CHECK_INT(buf_append(&p, &len, &cap, "abc", 3), 0);
	CHECK_INT(len, 300);
	CHECK(cap > len);
	CHECK_INT(p[len], '\0');
	CHECK(memcmp(p + 297, "abc", 3) == 0);
	/* A length that cannot fit leaves the block as it was. */
	CHECK_INT(buf_append(&p, &len, &cap, "x", SIZE_MAX - 10), -1);
	CHECK_INT(len, 300);
	free(p);
}

static void
test_struct_buf(void)
{
	struct buf b = { 0 };
	char *s;
	size_t n = 0;

	buf_adds(&b, "one");
	buf_sep(&b, ", ");
	buf_printf(&b, "%d", 2);
	s = buf_take(&b, &n);
	CHECK_STR(s, "one, 2");
	CHECK_INT(n, 6);
	CHECK(b.s == NULL);
	free(s);
}

int
main(void)
{
	RUN(test_append_raw_block);
	RUN(test_struct_buf);
	return check_done();
}
