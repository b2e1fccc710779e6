/* The customer's typing indicator: at most once per 20 s per
 * conversation, independently for each, with a bounded memory. */
#include "check.h"
#include "typing.h"

static void
test_rate(void)
{
	struct typing t;
	char conv[32], longid[200];
	int i;

	memset(&t, 0, sizeof t);
	CHECK(typing_due(&t, "c1", 1000));
	CHECK(!typing_due(&t, "c1", 1001));
	CHECK(!typing_due(&t, "c1", 1019));
	CHECK(typing_due(&t, "c2", 1019));   /* another conversation */
	CHECK(typing_due(&t, "c1", 1020));   /* 20 s later */
	CHECK(!typing_due(&t, "c1", 1039));
	/* A clock that went back does not silence it for long. */
	CHECK(typing_due(&t, "c1", 500));

	/* Many conversations: the one used longest ago is forgotten, the
	 * recent ones keep their limit. */
	memset(&t, 0, sizeof t);
	for (i = 0; i < TYPING_SLOTS + 1; i++) {
		snprintf(conv, sizeof conv, "conv-%d", i);
		CHECK(typing_due(&t, conv, 2000 + i));
	}
	CHECK(typing_due(&t, "conv-0", 2040));            /* forgotten */
	CHECK(!typing_due(&t, "conv-32", 2040));          /* remembered */
	CHECK(!typing_due(&t, conv, 2041));

	memset(longid, 'x', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	CHECK(!typing_due(&t, longid, 3000));
}

int
main(void)
{
	RUN(test_rate);
	return check_done();
}
