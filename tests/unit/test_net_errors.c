/*
 * Failure paths of the relay client: a download whose file cannot be
 * written reports the failure (not the HTTP 200) and leaves no file; a
 * POST whose header list cannot grow returns an error text and frees the
 * list that holds the bearer token; header strings are zeroed before
 * they are freed.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "net.h"
#include "net_private.h"

static void
test_close_file_full(void)
{
	char dir[] = "/tmp/ttydesk-neterr-XXXXXX", link[128];
	struct net_req r;
	char data[8192];
	long status;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(link, sizeof link, "%s/media.jpg", dir);
	/* /dev/full accepts the open and fails every write: fclose flushes
	 * the buffered bytes and fails as on a full disk.  Through a link, so
	 * the unlink removes the link, not the device. */
	CHECK_INT(symlink("/dev/full", link), 0);
	memset(&r, 0, sizeof r);
	r.file = link;
	CHECK((r.out = fopen(link, "wb")) != NULL);
	memset(data, 'x', sizeof data);
	(void)fwrite(data, 1, 100, r.out);
	status = net_req_close_file(&r, 200);
	CHECK_INT(status, 0);
	CHECK(r.out == NULL);
	CHECK(strstr(r.errbuf, "cannot write") != NULL);
	CHECK(access(link, F_OK) != 0);

	/* A written file with a 2xx status stays and keeps its status. */
	memset(&r, 0, sizeof r);
	r.file = link;
	CHECK((r.out = fopen(link, "wb")) != NULL);
	(void)fwrite(data, 1, 100, r.out);
	CHECK_INT(net_req_close_file(&r, 200), 200);
	CHECK_STR(r.errbuf, "");
	CHECK_INT(access(link, F_OK), 0);
	/* A failed transfer removes it and keeps curl's reason. */
	CHECK((r.out = fopen(link, "ab")) != NULL);
	snprintf(r.errbuf, sizeof r.errbuf, "timeout");
	CHECK_INT(net_req_close_file(&r, 404), 404);
	CHECK_STR(r.errbuf, "timeout");
	CHECK(access(link, F_OK) != 0);
	rmdir(dir);
}

static int appends_left;

static struct curl_slist *
append_failing(struct curl_slist *l, const char *s)
{
	if (appends_left-- <= 0)
		return NULL;
	return curl_slist_append(l, s);
}

static void
on_done(void *ud, long status, const char *body, size_t len, const char *err)
{
	(*(int *)ud)++;
}

static void
test_post_header_oom(void)
{
	struct net_options o;
	struct net_callbacks cb = { NULL, NULL, NULL, NULL, NULL, NULL };
	struct net *n;
	char err[256] = "";
	json_t *body = json_pack("{s:s}", "text", "hi");
	int calls = 0;

	memset(&o, 0, sizeof o);
	o.url = "http://127.0.0.1:1";
	o.token = "secret-token";
	o.token_len = strlen(o.token);
	o.token_file = "/nonexistent/token";
	n = net_new(&o, &cb, err, sizeof err);
	CHECK(n != NULL);
	/* The bearer header goes in, the Content-Type header does not: the
	 * list with the token must be freed (LeakSanitizer fails the test
	 * otherwise) and the caller gets a reason. */
	appends_left = 1;
	net_slist_append = append_failing;
	CHECK_INT(net_post_json(n, "/v1/x", body, on_done, &calls, err,
	    sizeof err), -1);
	CHECK_STR(err, "out of memory");
	/* Not even the bearer header. */
	appends_left = 0;
	err[0] = '\0';
	CHECK_INT(net_post_json(n, "/v1/x", body, on_done, &calls, err,
	    sizeof err), -1);
	CHECK_STR(err, "out of memory");
	net_slist_append = curl_slist_append;
	net_free(n);
	CHECK_INT(calls, 0);
	json_decref(body);
}

static void
test_hdrs_wipe(void)
{
	struct curl_slist *l = NULL;

	CHECK_INT(net_hdr_add(&l, "Authorization: Bearer secret-token"), 0);
	CHECK_INT(net_hdr_add(&l, "Content-Type: application/json"), 0);
	net_hdrs_wipe(l);
	CHECK(l->data[0] == '\0' && l->next->data[0] == '\0');
	CHECK(memchr(l->data, 's', 34) == NULL);
	net_hdrs_free(l);
}

int
main(void)
{
	RUN(test_close_file_full);
	RUN(test_post_header_oom);
	RUN(test_hdrs_wipe);
	return check_done();
}
