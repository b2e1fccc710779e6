/* The contact panel's path: phone first, else BSUID, percent-escaped, and
 * a clear NULL when there is no id or no room (never a truncated path). */
#include <string.h>

#include "check.h"
#include "team.h"
#include "contactpanel.h"

static void
test_path(void)
{
	char buf[64], small[24];

	CHECK_STR(contact_path(buf, sizeof buf, "34600111222", "US.abc", ""),
	    "/v1/contacts/34600111222");
	/* No phone (or an empty one): the BSUID, escaped. */
	CHECK_STR(contact_path(buf, sizeof buf, NULL, "US.12/3 x", "/conversations"),
	    "/v1/contacts/US.12%2F3%20x/conversations");
	CHECK_STR(contact_path(buf, sizeof buf, "", "u~_-9", ""),
	    "/v1/contacts/u~_-9");
	/* Hostile bytes never reach the path raw. */
	CHECK_STR(contact_path(buf, sizeof buf, "../\n?#", NULL, ""),
	    "/v1/contacts/..%2F%0A%3F%23");
	/* Neither id: nothing to ask for. */
	CHECK(contact_path(buf, sizeof buf, NULL, NULL, "") == NULL);
	CHECK(contact_path(buf, sizeof buf, "", "", "") == NULL);
	/* Too long for the buffer, with or without the suffix. */
	CHECK(contact_path(small, sizeof small, "1234567890123", NULL, "")
	    == NULL);
	CHECK(contact_path(small, sizeof small, "12345678", NULL,
	    "/conversations") == NULL);
	CHECK_STR(contact_path(small, sizeof small, "1234567890", NULL, ""),
	    "/v1/contacts/1234567890");
}

int
main(void)
{
	RUN(test_path);
	return check_done();
}
