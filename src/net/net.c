/*
 * Relay client: curl multi driven by the UI's poll loop through
 * CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION, so a slow or dead relay
 * never delays a key.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ttydesk/clock.h"
#include "ttydesk/buf.h"
#include "ttydesk/freeall.h"

#include "net.h"
#include "net_private.h"
#include "net_sync.h"

int64_t
net_clock_ms(void)
{
	return clock_ms();
}

static int
net_socket_cb(CURL *easy, curl_socket_t fd, int what, void *ud, void *sockp)
{
	struct net *n = ud;
	size_t i;

	for (i = 0; i < n->n_socks; i++) {
		if (n->socks[i].fd == fd)
			break;
	}
	if (what == CURL_POLL_REMOVE) {
		if (i < n->n_socks)
			n->socks[i] = n->socks[--n->n_socks];
		return 0;
	}
	if (i == n->n_socks) {
		if (n->n_socks == NET_MAX_SOCKS)
			return -1;
		n->n_socks++;
	}
	n->socks[i].fd = fd;
	n->socks[i].events = 0;
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		n->socks[i].events |= POLLIN;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		n->socks[i].events |= POLLOUT;
	return 0;
}

static int
net_timer_cb(CURLM *multi, long timeout_ms, void *ud)
{
	struct net *n = ud;

	n->timer_at = timeout_ms < 0 ? -1 : clock_ms() + timeout_ms;
	return 0;
}

struct net *
net_new(const struct net_options *opt, const struct net_callbacks *cb,
    char *err, size_t errlen)
{
	static int curl_ready;
	struct net *n;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to initialise");
		return NULL;
	}
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			snprintf(err, errlen, "libcurl failed to initialise");
			return NULL;
		}
		curl_ready = 1;
	}
	if ((n = calloc(1, sizeof *n)) == NULL)
		goto oom;
	n->cb = *cb;
	n->timer_at = -1;
	n->retry_at = -1;
	n->cursor = opt->cursor;
	n->wait = opt->wait > 0 ? opt->wait : 25;
	n->backoff_min = opt->backoff_min_ms > 0 ? opt->backoff_min_ms : 1000;
	n->backoff_max = opt->backoff_max_ms > 0 ? opt->backoff_max_ms : 60000;
	if ((n->url = strdup(opt->url)) == NULL)
		goto oom;
	n->snap_active = opt->cursor == 0 && opt->snap_since > 0;
	n->snap_since = opt->snap_since;
	n->snap_limit = opt->snap_limit > 0 ? opt->snap_limit : 200;
	if (n->snap_active && opt->snap_through > 0 &&
	    opt->snap_cursor != NULL && *opt->snap_cursor != '\0') {
		n->snap_through = opt->snap_through;
		if ((n->snap_cursor = strdup(opt->snap_cursor)) == NULL)
			goto oom;
	}
	if (opt->ca_file != NULL && (n->ca_file = strdup(opt->ca_file)) == NULL)
		goto oom;
	if ((n->token_file = strdup(opt->token_file ? opt->token_file :
	    "token_file")) == NULL)
		goto oom;
	n->token_len = opt->token_len;
	if ((n->token = sodium_malloc(opt->token_len + 1)) == NULL)
		goto oom;
	memcpy(n->token, opt->token, opt->token_len);
	n->token[opt->token_len] = '\0';
	if ((n->multi = curl_multi_init()) == NULL)
		goto oom;
	curl_multi_setopt(n->multi, CURLMOPT_SOCKETFUNCTION, net_socket_cb);
	curl_multi_setopt(n->multi, CURLMOPT_SOCKETDATA, n);
	curl_multi_setopt(n->multi, CURLMOPT_TIMERFUNCTION, net_timer_cb);
	curl_multi_setopt(n->multi, CURLMOPT_TIMERDATA, n);
	snprintf(n->detail, sizeof n->detail, "starting");
	return n;
oom:
	snprintf(err, errlen, "out of memory");
	net_free(n);
	return NULL;
}

void
net_free(struct net *n)
{
	struct net_req *r, *next;

	if (n == NULL)
		return;
	for (r = n->reqs; r != NULL; r = next) {
		next = r->next;
		/* Owners free what they passed as ud in their callback. */
		if (r->kind == NET_REQ_USER && r->done != NULL)
			r->done(r->ud, 0, "", 0, "cancelled");
		net_req_destroy(n, r, 1);
	}
	if (n->multi != NULL)
		curl_multi_cleanup(n->multi);
	if (n->token != NULL)
		sodium_free(n->token);
	FREE_ALL(n->url, n->snap_cursor, n->ca_file, n->token_file);
	free(n);
}

static size_t
net_write_cb(char *data, size_t size, size_t nmemb, void *ud)
{
	struct net_req *r = ud;
	size_t len = size * nmemb;

	if (r->out != NULL) {
		if (fwrite(data, 1, len, r->out) != len)
			return 0;
		return len;
	}
	if (r->len + len + 1 > NET_MAX_BODY ||
	    buf_append(&r->body, &r->len, &r->cap, data, len) != 0)
		return 0; /* aborts the transfer */
	return len;
}

struct curl_slist *(*net_slist_append)(struct curl_slist *, const char *) =
    curl_slist_append;

int
net_hdr_add(struct curl_slist **list, const char *line)
{
	struct curl_slist *l = net_slist_append(*list, line);

	if (l == NULL)
		return -1;
	*list = l;
	return 0;
}

long
net_req_close_file(struct net_req *r, long status)
{
	bool bad = fclose(r->out) != 0;

	r->out = NULL;
	if (bad && status != 0)
		snprintf(r->errbuf, sizeof r->errbuf, "cannot write %s", r->file);
	if (bad || status < 200 || status > 299) {
		unlink(r->file);
		if (bad)
			status = 0;
	}
	return status;
}

struct net_req *
net_req_new(struct net *n, int kind, const char *path, long timeout_s,
    char *err, size_t errlen)
{
	struct net_req *r;
	char *url = NULL, *auth = NULL;
	size_t ulen, alen;

	if ((r = calloc(1, sizeof *r)) == NULL)
		goto oom;
	r->kind = kind;
	if ((r->easy = curl_easy_init()) == NULL)
		goto oom;
	ulen = strlen(n->url) + strlen(path) + 1;
	if ((url = malloc(ulen)) == NULL)
		goto oom;
	snprintf(url, ulen, "%s%s", n->url, path);
	/* The header lives in guarded memory while we build it; curl keeps
	 * its own copy. */
	alen = n->token_len + 32;
	if ((auth = sodium_malloc(alen)) == NULL)
		goto oom;
	snprintf(auth, alen, "Authorization: Bearer %s", n->token);
	if (net_hdr_add(&r->hdrs, auth) != 0) {
		sodium_free(auth);
		goto oom;
	}
	sodium_free(auth);
	curl_easy_setopt(r->easy, CURLOPT_URL, url);
	free(url);
	url = NULL;
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(r->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(r->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	if (n->ca_file != NULL)
		curl_easy_setopt(r->easy, CURLOPT_CAINFO, n->ca_file);
	curl_easy_setopt(r->easy, CURLOPT_USERAGENT, "ttydesk/" TTYDESK_VERSION);
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, net_write_cb);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	return r;
oom:
	snprintf(err, errlen, "out of memory");
	free(url);
	if (r != NULL) {
		if (r->easy != NULL)
			curl_easy_cleanup(r->easy);
		net_hdrs_free(r->hdrs);
		free(r);
	}
	return NULL;
}

int
net_req_start(struct net *n, struct net_req *r, char *err, size_t errlen)
{
	CURLMcode mc;

	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->hdrs);
	if ((mc = curl_multi_add_handle(n->multi, r->easy)) != CURLM_OK) {
		snprintf(err, errlen, "%s", curl_multi_strerror(mc));
		return -1;
	}
	r->next = n->reqs;
	n->reqs = r;
	return 0;
}

void
net_req_destroy(struct net *n, struct net_req *r, int linked)
{
	struct net_req **p;

	if (linked) {
		for (p = &n->reqs; *p != NULL; p = &(*p)->next) {
			if (*p == r) {
				*p = r->next;
				break;
			}
		}
		curl_multi_remove_handle(n->multi, r->easy);
	}
	curl_easy_cleanup(r->easy);
	net_hdrs_free(r->hdrs);
	if (r->out != NULL) {
		fclose(r->out);
		if (r->file != NULL)
			unlink(r->file); /* not finished: no half file */
	}
	free(r->file);
	free(r->body);
	free(r);
}

int
net_pollfds(struct net *n, struct pollfd *fds, int max, int *timeout_ms)
{
	int64_t now = clock_ms(), at = -1;
	int i, k = 0;

	for (i = 0; i < (int)n->n_socks && k < max; i++) {
		fds[k].fd = n->socks[i].fd;
		fds[k].events = n->socks[i].events;
		fds[k].revents = 0;
		k++;
	}
	if (n->timer_at >= 0)
		at = n->timer_at;
	if (n->retry_at >= 0 && (at < 0 || n->retry_at < at))
		at = n->retry_at;
	if (at >= 0) {
		int64_t d = at - now;
		if (d < 0)
			d = 0;
		if (*timeout_ms < 0 || d < *timeout_ms)
			*timeout_ms = (int)d;
	}
	return k;
}

/* Completed transfers: answer their owners. */
static void
net_collect(struct net *n)
{
	struct net_req *r;
	CURLMsg *msg;
	int left;
	long status;

	while ((msg = curl_multi_info_read(n->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		r = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		if (r == NULL)
			continue;
		status = 0;
		if (msg->data.result == CURLE_OK)
			curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
		else if (r->errbuf[0] == '\0')
			snprintf(r->errbuf, sizeof r->errbuf, "%s",
			    curl_easy_strerror(msg->data.result));
		net_req_finish(n, r, status);
	}
}

void
net_dispatch(struct net *n, const struct pollfd *fds, int nfds)
{
	int i, running, ev;

	for (i = 0; i < nfds; i++) {
		if (fds[i].revents == 0)
			continue;
		ev = 0;
		if (fds[i].revents & POLLIN)
			ev |= CURL_CSELECT_IN;
		if (fds[i].revents & POLLOUT)
			ev |= CURL_CSELECT_OUT;
		if (fds[i].revents & (POLLERR | POLLHUP | POLLNVAL))
			ev |= CURL_CSELECT_ERR;
		curl_multi_socket_action(n->multi, fds[i].fd, ev, &running);
	}
	if (n->timer_at >= 0 && clock_ms() >= n->timer_at) {
		n->timer_at = -1;
		curl_multi_socket_action(n->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	}
	net_collect(n);
	if (n->retry_at >= 0 && clock_ms() >= n->retry_at) {
		n->retry_at = -1;
		net_sync_next(n);
	}
}

const char *
net_conv_path(char *buf, size_t len, const char *conv, const char *suffix)
{
	char *e = curl_easy_escape(NULL, conv, 0);
	int w;

	if (e == NULL)
		return NULL;
	w = snprintf(buf, len, "/v1/conversations/%s%s", e, suffix ? suffix : "");
	curl_free(e);
	return w >= 0 && (size_t)w < len ? buf : NULL;
}

/* Hands a user request to curl with its completion: 0, or -1 (r is
 * destroyed) with err. */
static int
net_req_run(struct net *n, struct net_req *r, net_done_fn done, void *ud,
    char *err, size_t errlen)
{
	r->done = done;
	r->ud = ud;
	if (net_req_start(n, r, err, errlen) != 0) {
		net_req_destroy(n, r, 0);
		return -1;
	}
	return 0;
}

int
net_post_json(struct net *n, const char *path, const json_t *body,
    net_done_fn done, void *ud, char *err, size_t errlen)
{
	struct net_req *r;
	char *text;

	if ((text = json_dumps(body, JSON_COMPACT)) == NULL) {
		snprintf(err, errlen, "cannot encode the request");
		return -1;
	}
	if ((r = net_req_new(n, NET_REQ_USER, path, 30, err, errlen)) == NULL) {
		free(text);
		return -1;
	}
	curl_easy_setopt(r->easy, CURLOPT_COPYPOSTFIELDS, text);
	free(text);
	if (net_hdr_add(&r->hdrs, "Content-Type: application/json") != 0) {
		snprintf(err, errlen, "out of memory");
		net_req_destroy(n, r, 0);
		return -1;
	}
	return net_req_run(n, r, done, ud, err, errlen);
}

static int
net_xfer_cb(void *ud, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct net_req *r = ud;

	(void)dltotal;
	(void)dlnow;
	if (r->progress != NULL && ultotal > 0)
		r->progress(r->ud, (int64_t)ulnow, (int64_t)ultotal);
	return 0;
}

int
net_post_bytes(struct net *n, const char *path, const void *bytes,
    size_t len, const char *ctype, net_progress_fn progress,
    net_done_fn done, void *ud, char *err, size_t errlen)
{
	struct net_req *r;
	char hdr[256];

	if (snprintf(hdr, sizeof hdr, "Content-Type: %s", ctype) >=
	    (int)sizeof hdr || strpbrk(ctype, "\r\n") != NULL) {
		snprintf(err, errlen, "bad content type");
		return -1;
	}
	if ((r = net_req_new(n, NET_REQ_USER, path, 600, err, errlen)) == NULL)
		return -1;
	curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, bytes);
	curl_easy_setopt(r->easy, CURLOPT_XFERINFOFUNCTION, net_xfer_cb);
	curl_easy_setopt(r->easy, CURLOPT_XFERINFODATA, r);
	curl_easy_setopt(r->easy, CURLOPT_NOPROGRESS, 0L);
	/* A large body is sent at once, not after a 100-continue wait. */
	if (net_hdr_add(&r->hdrs, hdr) != 0 ||
	    net_hdr_add(&r->hdrs, "Expect:") != 0) {
		snprintf(err, errlen, "out of memory");
		net_req_destroy(n, r, 0);
		return -1;
	}
	r->progress = progress;
	return net_req_run(n, r, done, ud, err, errlen);
}

int
net_get(struct net *n, const char *path, net_done_fn done, void *ud,
    char *err, size_t errlen)
{
	struct net_req *r;

	if ((r = net_req_new(n, NET_REQ_USER, path, 30, err, errlen)) == NULL)
		return -1;
	return net_req_run(n, r, done, ud, err, errlen);
}

int
net_get_file(struct net *n, const char *path, const char *file,
    net_done_fn done, void *ud, char *err, size_t errlen)
{
	struct net_req *r;
	int fd;

	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	if ((r = net_req_new(n, NET_REQ_USER, path, 600, err, errlen)) == NULL) {
		close(fd);
		unlink(file);
		return -1;
	}
	if ((r->file = strdup(file)) == NULL ||
	    (r->out = fdopen(fd, "wb")) == NULL) {
		snprintf(err, errlen, "out of memory");
		if (r->out == NULL) {
			close(fd);
			unlink(file);
		}
		net_req_destroy(n, r, 0);
		return -1;
	}
	return net_req_run(n, r, done, ud, err, errlen);
}

int
net_backoff_ms(int attempt, int min_ms, int max_ms)
{
	int64_t d = clock_backoff(min_ms, attempt, max_ms);

	/* Jitter spreads the reconnects of many agents after a relay restart. */
	return (int)(d / 2 + randombytes_uniform((uint32_t)(d / 2 + 1)));
}

void
net_start(struct net *n)
{
	n->state = NET_CONNECTING;
	net_set_state(n, NET_CONNECTING, "connecting");
	net_sync_next(n);
}

enum net_state
net_state(const struct net *n)
{
	return n->state;
}

int64_t
net_cursor(const struct net *n)
{
	return n->cursor;
}

const char *
net_state_detail(const struct net *n)
{
	return n->detail;
}

/* The name of each state, before the retry and the reason. */
static const char *const net_state_names[] = {
	[NET_CONNECTING] = "connecting",
	[NET_ONLINE] = "online",
	[NET_OFFLINE] = "offline",
	[NET_AUTH_ERROR] = "auth error",
};

const char *
net_state_short(const struct net *n, char *buf, size_t len)
{
	int64_t left;

	if (n->state != NET_OFFLINE) {
		snprintf(buf, len, "%s", net_state_names[n->state]);
		return buf;
	}
	left = n->retry_at >= 0 ? (n->retry_at - net_clock_ms() + 999) / 1000 :
	    0;
	snprintf(buf, len, "%s, retry in %" PRId64 "s",
	    net_state_names[n->state], left > 0 ? left : 0);
	return buf;
}

const char *
net_state_text(const struct net *n, char *buf, size_t len)
{
	char s[64];

	if (n->state == NET_OFFLINE)
		snprintf(buf, len, "%s (%s)", net_state_short(n, s, sizeof s),
		    n->detail);
	else if (n->state == NET_AUTH_ERROR)
		snprintf(buf, len, "%s: %s", net_state_names[n->state],
		    n->detail);
	else
		net_state_short(n, buf, len);
	return buf;
}

bool
net_in_snapshot(const struct net *n)
{
	return n->snap_active;
}
