/*
 * The business token's copies in curl header lists are wiped before
 * curl frees them (net_hdrs_free, which the sender and the fetcher
 * call).  curl's allocator is replaced so that every block it frees is
 * searched for the token first.
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "check.h"
#include "net_hdrs.h"

#define TOKEN "EAAGtest0123456789secretToken"

static int hdrs_watch; /* only inside net_hdrs_free() */
static int hdrs_freed_with_token;
static int hdrs_freed;

static void
hdrs_free_hook(void *p)
{
	if (hdrs_watch && p != NULL) {
		/* A list frees its lines (strdup'd) and its nodes (from
		 * hdrs_malloc, one zero byte past the end). */
		if (strstr((const char *)p, TOKEN) != NULL)
			hdrs_freed_with_token++;
		hdrs_freed++;
	}
	free(p);
}

static void *
hdrs_malloc(size_t n)
{
	/* Zeroed, so a non-string block reads as empty in the hook. */
	return calloc(1, n + 1);
}

static void *
hdrs_calloc(size_t n, size_t size)
{
	return calloc(n, size);
}

static void *
hdrs_realloc(void *p, size_t n)
{
	return realloc(p, n);
}

static char *
hdrs_strdup(const char *s)
{
	return strdup(s);
}

static void
test_token_wiped_before_free(void)
{
	struct curl_slist *l = NULL;

	l = curl_slist_append(l, "Authorization: Bearer " TOKEN);
	l = curl_slist_append(l, "Content-Type: application/json");
	CHECK(l != NULL && l->next != NULL);
	hdrs_freed = hdrs_freed_with_token = 0;
	hdrs_watch = 1;
	net_hdrs_free(l);
	hdrs_watch = 0;
	CHECK(hdrs_freed >= 2);
	CHECK_INT(hdrs_freed_with_token, 0);
	net_hdrs_free(NULL);
}

int
main(void)
{
	CHECK_INT(curl_global_init_mem(CURL_GLOBAL_DEFAULT, hdrs_malloc,
	    hdrs_free_hook, hdrs_realloc, hdrs_strdup, hdrs_calloc), 0);
	RUN(test_token_wiped_before_free);
	curl_global_cleanup();
	return check_done();
}
