/* Inside the net module: the client's state and one request. */
#ifndef TTYDESK_NET_PRIVATE_H
#define TTYDESK_NET_PRIVATE_H

#include <curl/curl.h>
#include <stdio.h>

#include "net.h"
#include "net_hdrs.h"

#define NET_MAX_SOCKS 64
#define NET_MAX_BODY (256u << 20)

enum { NET_REQ_ME = 1, NET_REQ_SYNC, NET_REQ_USER, NET_REQ_SNAP };

struct net_req {
	CURL *easy;
	int kind;
	struct curl_slist *hdrs;
	char *body;
	size_t len;
	size_t cap;
	FILE *out;      /* media download target */
	char *file;
	net_done_fn done;
	net_progress_fn progress; /* uploads, NULL otherwise */
	void *ud;
	char errbuf[CURL_ERROR_SIZE];
	struct net_req *next;
};

struct net_sock {
	curl_socket_t fd;
	short events;
};

struct net {
	CURLM *multi;
	struct net_callbacks cb;
	char *url;
	char *ca_file;
	char *token_file;
	char *token;      /* sodium_malloc'd */
	size_t token_len;
	struct net_sock socks[NET_MAX_SOCKS];
	size_t n_socks;
	int64_t timer_at; /* curl's timeout, monotonic ms, -1 none */
	int64_t retry_at; /* next sync attempt, -1 none */
	struct net_req *reqs;
	struct net_req *sync; /* the running me/sync request */
	int64_t cursor;
	int wait;
	int backoff_min;
	int backoff_max;
	int failures;
	int have_me;
	bool snap_active;     /* the windowed first sync runs */
	int64_t snap_since;
	int64_t snap_through; /* 0 until the first page */
	char *snap_cursor;    /* NULL: from the first page */
	int snap_limit;
	enum net_state state;
	char detail[256];
};

int64_t net_clock_ms(void);
/* curl_slist_append, replaceable so tests can make it fail. */
extern struct curl_slist *(*net_slist_append)(struct curl_slist *,
    const char *);
/* Append a header line to *list; on failure *list is left as it was and
 * -1 is returned. */
int net_hdr_add(struct curl_slist **list, const char *line);
/* Close a download's file at the end of its transfer: the status the
 * owner sees, 0 with r->errbuf set when the file could not be written
 * (the file is removed then, as after any failed transfer). */
long net_req_close_file(struct net_req *r, long status);
struct net_req *net_req_new(struct net *n, int kind, const char *path,
    long timeout_s, char *err, size_t errlen);
int net_req_start(struct net *n, struct net_req *r, char *err, size_t errlen);
void net_req_destroy(struct net *n, struct net_req *r, int linked);

#endif
