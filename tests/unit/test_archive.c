/*
 * The archive's page parser (GET /v1/conversations?status=resolved): the
 * fields a row shows, customer text made one safe line, the next page's
 * before=, and garbage refused with a reason.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "archive.h"

static void
test_page(void)
{
	const char *body = "{\"conversations\": ["
	    "{\"id\": \"c9\", \"state\": {\"status\": \"resolved\"},"
	    " \"contact\": {\"wa_id\": \"4915112345\", \"name\": \"Ana\\u001b[31m"
	    "\\u202eX\"}, \"first_ts\": 10, \"last_ts\": 1765003600,"
	    " \"preview\": \"line one\\nline two\\u001b]0;title\\u0007\"},"
	    "{\"state\": {}, \"last_ts\": 5},"
	    "{\"id\": \"c3\", \"contact\": {\"username\": \"@bo\"},"
	    " \"last_ts\": 1765000000},"
	    "{\"id\": \"c2\", \"last_ts\": 1764000000}],"
	    " \"more\": true}";
	struct archive_entry *e;
	char err[256];
	int64_t next;
	bool more;
	size_t n;

	CHECK_INT(archive_parse(body, strlen(body), &e, &n, &more, &next, err,
	    sizeof err), 0);
	/* The entry without an id has nothing to open: left out. */
	CHECK_INT((long)n, 3);
	CHECK_STR(e[0].conv, "c9");
	CHECK_STR(e[0].name, "AnaX");
	CHECK_STR(e[0].preview, "line one line two");
	CHECK(e[0].last_ts == 1765003600);
	CHECK_STR(e[1].name, "@bo");
	CHECK_STR(e[1].preview, "");
	CHECK_STR(e[2].name, "c2");
	CHECK(more);
	CHECK(next == 1764000000);
	archive_entries_free(e, n);
}

static void
test_last_page_and_garbage(void)
{
	const char *last = "{\"conversations\": [], \"more\": true}";
	struct archive_entry *e;
	char err[256];
	int64_t next;
	bool more;
	size_t n;

	/* An empty page ends the paging, whatever "more" says. */
	CHECK_INT(archive_parse(last, strlen(last), &e, &n, &more, &next, err,
	    sizeof err), 0);
	CHECK_INT((long)n, 0);
	CHECK(!more);
	archive_entries_free(e, n);
	CHECK_INT(archive_parse("{\"conversations\": 3}", 20, &e, &n, &more,
	    &next, err, sizeof err), -1);
	CHECK(strstr(err, "conversations") != NULL);
	CHECK_INT(archive_parse("<html>", 6, &e, &n, &more, &next, err,
	    sizeof err), -1);
	CHECK(strstr(err, "not JSON") != NULL);
}

int
main(void)
{
	RUN(test_page);
	RUN(test_last_page_and_garbage);
	return check_done();
}
