/* Sync answers: good ones parse, garbage is an error (never a crash);
 * backoff stays in range; conversation paths are escaped. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "net.h"
#include "net_answer.h"
#include "net_sync.h"

static int
parse(const char *body, long long after, long long *next, size_t *n,
    bool *more, char *err, size_t errlen)
{
	json_t *events = NULL;
	int64_t nx = -1;
	int rc;

	rc = net_sync_parse(body, strlen(body), after, &events, &nx, more, err,
	    errlen);
	*next = nx;
	*n = json_array_size(events);
	if (rc != 0)
		CHECK(events == NULL);
	json_decref(events);
	return rc;
}

static void
test_good(void)
{
	long long next;
	size_t n;
	bool more;
	char err[256];

	CHECK_INT(parse("{\"events\":[{\"seq\":5,\"ts\":1,\"type\":\"message\","
	    "\"conversation\":\"c1\"},{\"seq\":7,\"type\":\"x\"}],\"next\":7,"
	    "\"more\":true}", 4, &next, &n, &more, err, sizeof err), 0);
	CHECK_INT(next, 7);
	CHECK_INT(n, 2);
	CHECK(more);
	/* An empty long-poll answer keeps the cursor. */
	CHECK_INT(parse("{\"events\":[],\"next\":9}", 9, &next, &n, &more, err,
	    sizeof err), 0);
	CHECK_INT(next, 9);
	CHECK_INT(n, 0);
	CHECK(!more);
	/* Unknown fields are ignored. */
	CHECK_INT(parse("{\"events\":[],\"next\":3,\"more\":false,\"x\":{}}", 0,
	    &next, &n, &more, err, sizeof err), 0);
}

static void
test_garbage(void)
{
	static const char *bad[] = {
		"", "not json", "<html>502 Bad Gateway</html>", "[]", "null",
		"{\"events\":{},\"next\":1}",
		"{\"events\":[]}",
		"{\"next\":1}",
		"{\"events\":[],\"next\":\"1\"}",
		"{\"events\":[],\"next\":1,\"more\":\"yes\"}",
		"{\"events\":[1,2],\"next\":2}",
		"{\"events\":[{\"type\":\"message\"}],\"next\":2}",
		"{\"events\":[{\"seq\":\"2\"}],\"next\":2}",
		"{\"events\":[{\"seq\":3}],\"next\":2}",     /* beyond next */
		"{\"events\":[{\"seq\":1}],\"next\":2}",     /* not after the cursor */
		"{\"events\":[],\"next\":0}",                /* cursor went back */
		"{\"events\":[{\"seq\":2}],\"next\":2",      /* truncated */
	};
	long long next;
	size_t n, i;
	bool more;
	char err[256];

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		CHECK_INT(parse(bad[i], 1, &next, &n, &more, err, sizeof err), -1);
		CHECK(err[0] != '\0');
		if (err[0] == '\0')
			fprintf(stderr, "no reason for: %s\n", bad[i]);
	}
	CHECK_INT(parse("nope", 0, &next, &n, &more, err, sizeof err), -1);
	CHECK(strstr(err, "not JSON") != NULL);
	CHECK_INT(parse("{\"events\":[],\"next\":0}", 5, &next, &n, &more, err,
	    sizeof err), -1);
	CHECK(strstr(err, "backwards") != NULL);
}

/* The page reader the sync, snapshot and history answers share: the
 * fields an answer needs, null as absent, a field of the wrong type. */
static void
test_page(void)
{
	struct net_page p;
	json_t *events;
	char err[256];
	const char *ok = "{\"events\":[{\"seq\":4}],\"through\":4,"
	    "\"more\":true,\"cursor\":\"c2\",\"before\":null}";

	CHECK_INT(net_page_load(ok, strlen(ok), "snapshot answer",
	    "through/more", &p, err, sizeof err), 0);
	CHECK_INT(p.through, 4);
	CHECK_INT(p.before, 0);
	CHECK_INT(p.next, 0);
	CHECK(p.more);
	CHECK_STR(p.cursor, "c2");
	CHECK_INT(net_page_events(&p, 0, 3, NULL, &events, err, sizeof err),
	    -1);
	CHECK(events == NULL);
	CHECK_STR(err, "event 0 of the snapshot answer has no valid seq");
	CHECK_INT(net_page_events(&p, 0, 4, NULL, &events, err, sizeof err), 0);
	CHECK_INT(json_array_size(events), 1);
	json_decref(events);
	net_page_free(&p);
	CHECK(p.root == NULL && p.cursor == NULL);

	CHECK_INT(net_page_load("{\"events\":[],\"through\":4,\"more\":null}",
	    37, "snapshot answer", "through/more", &p, err, sizeof err), -1);
	CHECK_STR(err, "the relay's snapshot answer lacks events/through/more");
	CHECK(p.root == NULL);
	CHECK_INT(net_page_load("{\"events\":[],\"next\":2,\"cursor\":7}", 33,
	    "sync answer", "next", &p, err, sizeof err), -1);
	CHECK_STR(err, "the relay's sync answer has a bad 'cursor'");
	CHECK_INT(net_page_load("{\"events\":[],\"more\":false}", 26,
	    "history answer", "more", &p, err, sizeof err), 0);
	CHECK(!p.more && p.cursor == NULL);
	net_page_free(&p);
}

static void
test_backoff(void)
{
	int i, d, k;

	for (k = 0; k < 200; k++) {
		d = net_backoff_ms(0, 1000, 60000);
		CHECK(d >= 500 && d <= 1000);
		d = net_backoff_ms(3, 1000, 60000);
		CHECK(d >= 4000 && d <= 8000);
		d = net_backoff_ms(40, 1000, 60000);
		CHECK(d >= 30000 && d <= 60000);
	}
	/* Jitter: not always the same value. */
	d = net_backoff_ms(5, 1000, 60000);
	for (i = 0; i < 50 && net_backoff_ms(5, 1000, 60000) == d; i++)
		;
	CHECK(i < 50);
}

static void
test_paths(void)
{
	char buf[128];

	CHECK_STR(net_conv_path(buf, sizeof buf, "c-1", "/messages"),
	    "/v1/conversations/c-1/messages");
	CHECK_STR(net_conv_path(buf, sizeof buf, "a/b c?d", NULL),
	    "/v1/conversations/a%2Fb%20c%3Fd");
	CHECK(net_conv_path(buf, 20, "a-long-conversation-id", "/notes") == NULL);
}

int
main(void)
{
	RUN(test_good);
	RUN(test_garbage);
	RUN(test_page);
	RUN(test_backoff);
	RUN(test_paths);
	return check_done();
}
