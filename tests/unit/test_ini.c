/* ini.c: sections, comments, errors with line numbers, durations, bools. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ttydesk/ini.h"

static void
test_basic(void)
{
	const char *text =
	    "# top comment\n"
	    "top = 1\n"
	    "[relay]\n"
	    "  listen = 127.0.0.1:8080   # trailing comment\n"
	    "token = a#b\n"
	    "; semicolon comment\n"
	    "empty =\n"
	    "[ agent   alice ]\n"
	    "name = Alice Moreau\n"
	    "teams = tier1, tier2\n"
	    "[team tier2]\n"
	    "[relay]\n"
	    "listen = 0.0.0.0:9\n";
	struct ini ini;
	char err[256];

	CHECK_INT(ini_parse(text, strlen(text), "t.ini", &ini, err, sizeof err), 0);
	CHECK_STR(ini_get(&ini, "", "top"), "1");
	CHECK_STR(ini_get(&ini, "relay", "listen"), "0.0.0.0:9"); /* last wins */
	CHECK_STR(ini_get(&ini, "relay", "token"), "a#b");
	CHECK_STR(ini_get(&ini, "relay", "empty"), "");
	CHECK_STR(ini_get(&ini, "agent alice", "name"), "Alice Moreau");
	CHECK_STR(ini_get(&ini, "agent alice", "teams"), "tier1, tier2");
	CHECK(ini_get(&ini, "agent alice", "missing") == NULL);
	/* The repeated [relay] goes on with the first: listed once (the
	 * relay would otherwise list a repeated [team] or [agent] twice). */
	CHECK_INT(ini.n_sections, 3);
	CHECK_STR(ini.sections[0], "relay");
	CHECK_STR(ini.sections[2], "team tier2");
	CHECK_INT(ini.entries[1].line, 4);
	ini_free(&ini);
}

static void
test_errors(void)
{
	struct ini ini;
	char err[256];

	CHECK_INT(ini_parse("a = 1\n[relay\n", 13, "x.ini", &ini, err,
	    sizeof err), -1);
	CHECK_STR(err, "x.ini:2: missing ']'");
	CHECK_INT(ini_parse("a = 1\n\njunk line\n", 17, "x.ini", &ini, err,
	    sizeof err), -1);
	CHECK_STR(err, "x.ini:3: expected 'key = value'");
	CHECK_INT(ini_parse(" = v\n", 5, "x.ini", &ini, err, sizeof err), -1);
	CHECK_STR(err, "x.ini:1: missing key before '='");
	CHECK_INT(ini_parse("[]\n", 3, "x.ini", &ini, err, sizeof err), -1);
	CHECK_STR(err, "x.ini:1: bad section name");
	CHECK_INT(ini_parse("[a] b\n", 6, "x.ini", &ini, err, sizeof err), -1);
	CHECK_STR(err, "x.ini:1: text after ']'");
	CHECK_INT(ini_parse("a\0b = 1\n", 8, "x.ini", &ini, err, sizeof err), -1);
	CHECK_INT(ini_load("/nonexistent/ttydesk.ini", &ini, err, sizeof err), -1);
	CHECK(strstr(err, "/nonexistent/ttydesk.ini") != NULL);
}

static void
test_load(void)
{
	char path[] = "/tmp/test_ini_XXXXXX", err[256];
	struct ini ini;
	int fd = mkstemp(path);
	const char *text = "[s]\r\nk = v\r\n";

	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	CHECK_INT(ini_load(path, &ini, err, sizeof err), 0);
	CHECK_STR(ini_get(&ini, "s", "k"), "v"); /* CRLF trimmed */
	ini_free(&ini);
	unlink(path);
}

static void
test_durations(void)
{
	CHECK_INT(ini_parse_duration("90"), 90);
	CHECK_INT(ini_parse_duration("90s"), 90);
	CHECK_INT(ini_parse_duration("15m"), 900);
	CHECK_INT(ini_parse_duration("1h"), 3600);
	CHECK_INT(ini_parse_duration("2d"), 172800);
	CHECK_INT(ini_parse_duration("0"), 0);
	CHECK_INT(ini_parse_duration(""), -1);
	CHECK_INT(ini_parse_duration("-5"), -1);
	CHECK_INT(ini_parse_duration("5x"), -1);
	CHECK_INT(ini_parse_duration("5mm"), -1);
	CHECK_INT(ini_parse_duration("m"), -1);
	CHECK_INT(ini_parse_duration("99999999999999999999"), -1);
	CHECK_INT(ini_parse_duration(NULL), -1);
}

static void
test_bools(void)
{
	CHECK_INT(ini_parse_bool("yes"), 1);
	CHECK_INT(ini_parse_bool("ON"), 1);
	CHECK_INT(ini_parse_bool("true"), 1);
	CHECK_INT(ini_parse_bool("1"), 1);
	CHECK_INT(ini_parse_bool("no"), 0);
	CHECK_INT(ini_parse_bool("off"), 0);
	CHECK_INT(ini_parse_bool("False"), 0);
	CHECK_INT(ini_parse_bool("0"), 0);
	CHECK_INT(ini_parse_bool("maybe"), -1);
	CHECK_INT(ini_parse_bool(NULL), -1);
}

int
main(void)
{
	RUN(test_basic);
	RUN(test_errors);
	RUN(test_load);
	RUN(test_durations);
	RUN(test_bools);
	return check_done();
}
