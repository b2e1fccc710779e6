/* The build itself: programs answer --version with the project version. */
#include <stdio.h>
#include <string.h>
#include "check.h"

static void test_version_string(void)
{
	CHECK(strlen(TTYDESK_VERSION) >= 5);
	CHECK(strchr(TTYDESK_VERSION, '.') != NULL);
}

int main(void)
{
	RUN(test_version_string);
	return check_done();
}
