/* String options as a table (ttydesk/cliopt.h). */
#include <getopt.h>

#include "check.h"
#include "ttydesk/cliopt.h"

/* Each string option's argument lands in its own variable, the last one
 * given wins, and an option outside the table is left to the caller. */
static void
test_cliopt_take(void)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"csv", no_argument, NULL, 'C'},
		{NULL, 0, NULL, 0},
	};
	char a0[] = "x", a1[] = "--from", a2[] = "2026-01-01", a3[] = "--csv",
	    a4[] = "--to=2026-01-31", a5[] = "--from=2026-01-02";
	char *argv[] = { a0, a1, a2, a3, a4, a5, NULL };
	const char *from = NULL, *to = NULL;
	const struct cliopt_str strs[] = { { 'f', &from }, { 't', &to } };
	int ch, other = 0;

	optind = 1;
	while ((ch = getopt_long(6, argv, "", opts, NULL)) != -1)
		if (!cliopt_take(strs, 2, ch, optarg))
			other = ch;
	CHECK_STR(from, "2026-01-02");
	CHECK_STR(to, "2026-01-31");
	CHECK_INT(other, 'C');
	CHECK(!cliopt_take(strs, 2, '?', "x"));
	CHECK_STR(from, "2026-01-02");
}

int
main(void)
{
	RUN(test_cliopt_take);
	return check_done();
}
