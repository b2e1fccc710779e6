/*
 * microhttpd glue: request contexts, body limits, bearer auth, the access
 * log, and suspend/resume.  No HTTP parsing here; microhttpd does it.
 */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "ttydesk/clock.h"
#include "ttydesk/buf.h"
#include "ttydesk/freeall.h"
#include "ttydesk/vec.h"

#include "authlimit.h"
#include "health.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "mstream.h"
#include "sender.h"
#include "webhook.h"

static _Atomic int http_active;

int64_t
http_now_ms(void)
{
	return clock_ms();
}

static void
req_set_answer(struct req *q, unsigned status, char *text, size_t len,
    const char *ctype)
{
	free(q->answer);
	q->status = status;
	q->answer = text;
	q->answer_len = len;
	q->ctype = ctype;
}

void
req_reply_raw(struct req *q, unsigned status, char *json, size_t len)
{
	req_set_answer(q, status, json, len, "application/json");
}

void
req_reply(struct req *q, unsigned status, json_t *body)
{
	char *text = NULL;

	if (body != NULL)
		text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(body);
	if (body != NULL && text == NULL) {
		req_error(q, 500, "internal", "out of memory");
		return;
	}
	req_set_answer(q, status, text, text ? strlen(text) : 0,
	    "application/json");
}

void
req_reply_text(struct req *q, unsigned status, const char *ctype,
    const char *text, size_t len)
{
	char *copy = malloc(len + 1);

	if (copy != NULL) {
		memcpy(copy, text, len);
		copy[len] = '\0';
	}
	req_set_answer(q, status, copy, copy ? len : 0, ctype);
}

void
req_reply_bytes(struct req *q, unsigned status, char *ctype, char *bytes,
    size_t len)
{
	free(q->ctype_owned);
	q->ctype_owned = ctype;
	req_set_answer(q, status, bytes, len, ctype);
}

void
req_reply_stream(struct req *q, struct mstream *ms, int64_t len, char *ctype)
{
	req_reply_bytes(q, 200, ctype, NULL, 0);
	q->stream = ms;
	q->stream_len = len;
}

void
req_reply_file(struct req *q, int fd, uint64_t len, char *ctype)
{
	req_reply_bytes(q, 200, ctype, NULL, 0);
	q->file_fd = fd;
	q->file_len = len;
	q->file_set = true;
}

void
req_error(struct req *q, unsigned status, const char *code, const char *fmt,
    ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	req_reply(q, status, json_pack("{s:{s:s, s:s}}", "error", "code", code,
	    "message", msg));
}

void
req_suspend(struct req *q)
{
	q->phase = REQ_SUSPENDED;
	q->suspended = true;
	MHD_suspend_connection(q->conn);
}

void
req_resume(struct req *q)
{
	q->phase = REQ_ANSWERED;
	MHD_resume_connection(q->conn);
}

static void
req_writer_run(struct relay *r, struct relay_job *j)
{
	struct req *q = (struct req *)j;

	q->writer_fn(q);
	/* A store error leaves the job failed: roll back, answer 500. */
	if (q->status >= 500)
		j->failed = 1;
}

static void
req_writer_done(struct relay *r, struct relay_job *j)
{
	struct req *q = (struct req *)j;

	if (j->failed) {
		req_error(q, 500, "store_error", "the event log could not be "
		    "written; try again");
	} else {
		size_t i;

		if (q->hook != NULL)
			hook_run(r, q->hook); /* takes it */
		q->hook = NULL;
		for (i = 0; i < q->n_more_hooks; i++)
			hook_run(r, q->more_hooks[i]);
		q->n_more_hooks = 0;
		if (q->kick_sender)
			sender_kick(r->sender);
		if (q->hold) {
			/* Its statuses wait for a send's answer: so does the
			 * 200, so what Meta saw acknowledged is visible. */
			sync_hold(q);
			return;
		}
	}
	req_resume(q);
}

void
req_add_hook(struct req *q, char *payload)
{
	char **nh;

	if (payload == NULL)
		return;
	if (q->hook == NULL) {
		q->hook = payload;
		return;
	}
	nh = realloc(q->more_hooks, (q->n_more_hooks + 1) * sizeof *nh);
	if (nh == NULL) {
		free(payload);
		return;
	}
	q->more_hooks = nh;
	q->more_hooks[q->n_more_hooks++] = payload;
}

void
req_to_writer(struct req *q, req_fn fn)
{
	q->writer_fn = fn;
	q->job.run = req_writer_run;
	q->job.done = req_writer_done;
	req_suspend(q); /* before submit: the writer may resume at once */
	relay_submit(q->r, &q->job);
}

const char *
req_header(struct req *q, const char *key)
{
	return MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, key);
}

const char *
req_arg(struct req *q, const char *key, char *buf, size_t len)
{
	const char *v = MHD_lookup_connection_value(q->conn,
	    MHD_GET_ARGUMENT_KIND, key);
	size_t n;

	if (v == NULL)
		return NULL;
	if ((n = strlen(v)) >= len)
		n = len - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	MHD_http_unescape(buf);
	return buf;
}

int
req_int_arg(struct req *q, const char *key, long long lo, long long hi,
    long long def, long long *out)
{
	char buf[64], *end;
	const char *v = req_arg(q, key, buf, sizeof buf);
	long long n;

	*out = def;
	if (v == NULL)
		return 0;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < lo || n > hi) {
		req_error(q, 400, "bad_request", "%s must be an integer from "
		    "%lld to %lld", key, lo, hi);
		return -1;
	}
	*out = n;
	return 0;
}

/* microhttpd would decode the whole URL, turning %2F into a separator;
 * the path is split first and each segment decoded (req_split). */
static size_t
http_unescape_none(void *cls, struct MHD_Connection *c, char *uri)
{
	return strlen(uri);
}

static int
req_split(struct req *q, const char *url)
{
	const char *p = url, *s;
	size_t n;

	if ((q->path = strdup(url)) == NULL)
		return -1;
	while (*p == '/') {
		p++;
		if (*p == '\0')
			break;
		if (q->nseg == REQ_MAX_SEG)
			return -1;
		s = strchr(p, '/');
		n = s ? (size_t)(s - p) : strlen(p);
		if ((q->seg[q->nseg] = strndup(p, n)) == NULL)
			return -1;
		/* A %00 would cut the id short: refuse it. */
		if (MHD_http_unescape(q->seg[q->nseg]) !=
		    strlen(q->seg[q->nseg])) {
			q->nseg++;
			return -1;
		}
		q->nseg++;
		p += n;
	}
	return 0;
}

/* Pattern "/v1/conversations/{}/messages": {} matches one segment. */
static bool
route_match(const struct route *rt, const struct req *q)
{
	const char *p = rt->pattern;
	int i = 0;
	size_t n;

	while (*p == '/') {
		const char *s;

		p++;
		s = strchr(p, '/');
		n = s ? (size_t)(s - p) : strlen(p);
		if (i >= q->nseg)
			return false;
		if (!(n == 2 && p[0] == '{' && p[1] == '}') &&
		    (strlen(q->seg[i]) != n || memcmp(q->seg[i], p, n) != 0))
			return false;
		if (n == 2 && p[0] == '{' && q->seg[i][0] == '\0')
			return false;
		i++;
		p += n;
	}
	return i == q->nseg;
}

static const struct route *
route_find(struct req *q, bool *path_known)
{
	const struct route *rt;

	*path_known = false;
	for (rt = relay_routes; rt->method != NULL; rt++) {
		if (!route_match(rt, q))
			continue;
		*path_known = true;
		if (strcmp(rt->method, q->method) == 0)
			return rt;
	}
	return NULL;
}

static void
req_free(struct req *q)
{
	int i;

	if (q->waiting)
		sync_forget(q);
	for (i = 0; i < q->nseg; i++)
		free(q->seg[i]);
	connguard_release(q->r->guard, &q->charge);
	FREE_ALL(q->path, q->body, q->answer, q->ctype_owned, q->hook);
	for (i = 0; i < (int)q->n_more_hooks; i++)
		free(q->more_hooks[i]);
	free(q->more_hooks);
	if (q->stream != NULL)
		mstream_release(q->stream);
	if (q->file_set)
		close(q->file_fd);
	json_decref(q->in);
	if (q->has_wh)
		wa_webhook_free(&q->wh);
	free(q);
}

static enum MHD_Result
req_queue(struct req *q)
{
	struct MHD_Response *resp;
	enum MHD_Result rc;

	if (q->stream != NULL) {
		resp = MHD_create_response_from_callback(q->stream_len >= 0 ?
		    (uint64_t)q->stream_len : MHD_SIZE_UNKNOWN, 32 * 1024,
		    mstream_read, q->stream, mstream_release);
		if (resp == NULL)
			return MHD_NO; /* req_free releases the stream */
		q->stream = NULL;
		goto queue;
	}
	if (q->file_set && q->status == 200) {
		resp = MHD_create_response_from_fd64(q->file_len, q->file_fd);
		if (resp == NULL)
			return MHD_NO; /* req_free closes the file */
		q->file_set = false; /* microhttpd closes it */
		goto queue;
	}
	if (q->answer == NULL && q->status == 0)
		req_error(q, 500, "internal", "no answer");
	resp = MHD_create_response_from_buffer(q->answer_len,
	    q->answer ? q->answer : (void *)"", q->answer ?
	    MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	q->answer = NULL; /* the response owns it now */
queue:
	if (q->ctype != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    q->ctype);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (q->retry_after > 0) {
		char ra[24];

		snprintf(ra, sizeof ra, "%lld", (long long)q->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	rc = MHD_queue_response(q->conn, q->status, resp);
	MHD_destroy_response(resp);
	q->phase = REQ_ANSWERED;
	q->queued = true;
	return rc;
}

/* The client's numeric address: the connection's, or behind a trusted
 * proxy the one its X-Forwarded-For names (proxyaddr.h). */
static void
req_peer(struct req *q, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(q->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	char peer[AUTHLIMIT_ADDR_MAX];
	socklen_t sl;

	snprintf(buf, len, "?");
	if (sa == NULL)
		return;
	sl = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
	if (getnameinfo(sa, sl, peer, (socklen_t)sizeof peer, NULL, 0,
	    NI_NUMERICHOST) != 0)
		return;
	proxy_client_addr(&q->r->cfg->trusted_proxies, peer,
	    req_header(q, "X-Forwarded-For"), buf, len);
}

/* An address past the failure limit is refused before its token is
 * looked at: otherwise a right guess would still stand out. */
static int
req_auth(struct req *q)
{
	const char *h = req_header(q, MHD_HTTP_HEADER_AUTHORIZATION);
	char peer[AUTHLIMIT_ADDR_MAX];
	int64_t now = http_now_ms(), wait_ms;

	req_peer(q, peer, sizeof peer);
	if ((wait_ms = authlimit_blocked(q->r->authlimit, peer, now)) > 0) {
		q->retry_after = (wait_ms + 999) / 1000;
		req_error(q, 429, "too_many_attempts", "too many failed "
		    "authentications from this address; retry in %lld s",
		    (long long)q->retry_after);
		return -1;
	}
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
		authlimit_fail(q->r->authlimit, peer, now);
		req_error(q, 401, "unauthorized", "missing bearer token");
		return -1;
	}
	h += 7;
	while (*h == ' ')
		h++;
	q->agent = config_find_agent_by_token(q->r->cfg, h, strlen(h));
	if (q->agent == NULL) {
		authlimit_fail(q->r->authlimit, peer, now);
		req_error(q, 401, "unauthorized", "unknown or revoked token");
		return -1;
	}
	return 0;
}

/* With [relay] metrics_listen, /metrics answers there only, and that
 * address answers nothing but /metrics, /healthz and /readyz. */
static bool
http_route_here(struct req *q)
{
	const union MHD_ConnectionInfo *ci;
	bool ops_port, ops_route;

	if (q->r->metrics_daemon == NULL)
		return true;
	ci = MHD_get_connection_info(q->conn, MHD_CONNECTION_INFO_DAEMON);
	ops_port = ci != NULL && ci->daemon == q->r->metrics_daemon;
	ops_route = q->route->handler == health_metrics ||
	    q->route->handler == health_live || q->route->handler == health_ready;
	if (ops_port)
		return ops_route;
	return q->route->handler != health_metrics;
}

/* The body limit: [relay] max_body, or media_max for a media upload
 * (POST /v1/conversations/{id}/media, whose body is the file). */
static size_t
req_body_max(const struct req *q)
{
	const struct route *rt = q->route;
	size_t n = rt ? strlen(rt->pattern) : 0;

	if (rt != NULL && strcmp(rt->method, "POST") == 0 && n > 6 &&
	    strcmp(rt->pattern + n - 6, "/media") == 0)
		return q->r->cfg->media_max;
	return q->r->cfg->max_body;
}

/* First call: route, size and token checks before any body is read. */
static void
req_begin(struct req *q)
{
	const char *cl = req_header(q, MHD_HTTP_HEADER_CONTENT_LENGTH);
	bool known;

	q->route = route_find(q, &known);
	if (q->route != NULL && !http_route_here(q)) {
		q->route = NULL;
		known = false;
	}
	if (q->route == NULL) {
		if (known)
			req_error(q, 405, "method_not_allowed", "method not "
			    "allowed");
		else
			req_error(q, 404, "not_found", "no such route");
		return;
	}
	if (cl != NULL && strtoull(cl, NULL, 10) > req_body_max(q)) {
		req_error(q, 413, "too_large", "body over %zu bytes",
		    req_body_max(q));
		return;
	}
	/* The whole body is charged before a byte of it is read: past the
	 * budget the answer is 503 at once (Meta retries later). */
	if (cl != NULL && (q->expect = (size_t)strtoull(cl, NULL, 10) + 1) > 1 &&
	    connguard_charge(q->r->guard, &q->charge, q->expect, true) != 0) {
		q->retry_after = 5;
		req_error(q, 503, "busy", "too many request bodies in memory; "
		    "retry later");
		return;
	}
	if (q->route->agent)
		req_auth(q);
}

static struct conn *
http_conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

static enum MHD_Result
http_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct relay *r = cls;
	struct req *q = *con_cls;

	if (q == NULL) {
		if ((q = calloc(1, sizeof *q)) == NULL)
			return MHD_NO;
		q->t0_ns = clock_ns();
		q->r = r;
		q->conn = conn;
		q->method = method;
		q->limit = 500;
		*con_cls = q;
		atomic_fetch_add(&http_active, 1);
		if (req_split(q, url) != 0)
			req_error(q, 404, "not_found", "bad path");
		else
			req_begin(q);
		if (q->status != 0)
			return req_queue(q);
		return MHD_YES;
	}
	if (q->queued) {
		/* Answered early (404, 413, 401): the body is not wanted. */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (q->too_big || q->len + n > req_body_max(q)) {
			/* Chunked, so no Content-Length said it up front: drop
			 * the rest unread into memory and answer 413 at its
			 * end, closing only a sender that goes on for ever. */
			q->too_big = true;
			q->discarded += n;
			return q->discarded > 16 * (req_body_max(q) + 1) ?
			    MHD_NO : MHD_YES;
		}
		if (q->len + n + 1 > q->cap) {
			size_t cap;
			char *nb;

			if (vec_capacity(q->cap, q->len + n + 1, 4096, &cap) != 0)
				return MHD_NO;
			if (q->expect >= q->len + n + 1)
				cap = q->expect; /* exactly what was announced */
			else if (cap > req_body_max(q) + 1)
				cap = req_body_max(q) + 1;
			/* A chunked body past the budget: no answer can be
			 * queued mid-body, so the connection closes. */
			if (connguard_charge(r->guard, &q->charge, cap,
			    q->expect != 0) != 0)
				return MHD_NO;
			if ((nb = realloc(q->body, cap)) == NULL)
				return MHD_NO;
			q->body = nb;
			q->cap = cap;
		}
		memcpy(q->body + q->len, upload, n);
		q->len += n;
		q->body[q->len] = '\0';
		return MHD_YES;
	}
	if (q->too_big) {
		req_error(q, 413, "too_large", "body over %zu bytes",
		    req_body_max(q));
		return req_queue(q);
	}
	connguard_received(r->guard, http_conn_of(conn));
	if (q->suspended) {
		/* Resumed: the answer is set, or (long-poll) look again. */
		q->suspended = false;
		if (q->status == 0)
			q->route->handler(q);
	} else {
		if (q->body == NULL && (q->body = strdup("")) == NULL)
			return MHD_NO;
		q->route->handler(q);
	}
	if (q->suspended)
		return MHD_YES;
	return req_queue(q);
}

static void
http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct relay *r = cls;
	struct req *q = *con_cls;
	double ms;

	if (q == NULL)
		return;
	ms = (double)(clock_ns() - q->t0_ns) / 1e6;
	if (q->route != NULL && q->route->handler == webhook_post)
		metrics_webhook(q->status, ms / 1e3);
	/* The path only: query strings may carry the verify token.  The
	 * method and path are the client's bytes: log_msg() escapes them. */
	if (!r->quiet)
		log_msg(q->status >= 500 ? LOG_WARNING : LOG_INFO, "event=request "
		    "method=%s path=%s status=%u ms=%.1f%s", q->method,
		    q->path ? q->path : "?", q->status, ms,
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" :
		    " aborted=yes");
	req_free(q);
	*con_cls = NULL;
	atomic_fetch_sub(&http_active, 1);
	connguard_next(r->guard, http_conn_of(conn));
}

/* Connections come and go: connguard.h counts them per address and
 * keeps the request deadline. */
static void
http_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct relay *r = cls;
	const union MHD_ConnectionInfo *fd, *ca;
	char addr[NI_MAXHOST];
	socklen_t sl;
	bool refuse;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		connguard_close(r->guard, *socket_context);
		*socket_context = NULL;
		return;
	}
	fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	ca = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(addr, sizeof addr, "?");
	if (ca != NULL && ca->client_addr != NULL) {
		sl = ca->client_addr->sa_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		if (getnameinfo(ca->client_addr, sl, addr, sizeof addr, NULL, 0,
		    NI_NUMERICHOST) != 0)
			snprintf(addr, sizeof addr, "?");
	}
	if (fd == NULL)
		return;
	*socket_context = connguard_open(r->guard, fd->connect_fd, addr,
	    &refuse);
	if (refuse) {
		/* Over max_conns_per_address: microhttpd sees the end of
		 * the stream and closes it before reading a request. */
		shutdown(fd->connect_fd, SHUT_RDWR);
		if (!r->quiet)
			log_msg(LOG_NOTICE, "event=connection_refused peer=%s "
			    "reason=max_conns_per_address limit=%u", addr,
			    r->cfg->max_conns_per_address);
	}
}

static void
http_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 8192) {
		rl.rlim_cur = rl.rlim_max < 8192 ? rl.rlim_max : 8192;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_msg(LOG_NOTICE, "event=microhttpd message=\"%s\"", line);
}

static struct MHD_Daemon *
http_listen(struct relay *r, const char *host, unsigned short port,
    unsigned threads, char *err, size_t errlen)
{
	struct MHD_Daemon *d;
	struct sockaddr_storage ss;
	struct addrinfo hints, *ai = NULL;
	char ps[8];
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(ps, sizeof ps, "%u", port);
	rc = getaddrinfo(*host ? host : NULL, ps, &hints, &ai);
	if (rc != 0) {
		snprintf(err, errlen, "listen %s: %s", host, gai_strerror(rc));
		return NULL;
	}
	memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
	    (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0),
	    port, NULL, NULL, http_access, r,
	    MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, r,
	    MHD_OPTION_NOTIFY_CONNECTION, http_notify, r,
	    MHD_OPTION_UNESCAPE_CALLBACK, http_unescape_none, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	    /* More than one: a pool of polling threads (pool size 1 warns). */
	    threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
	    threads,
	    MHD_OPTION_END);
	freeaddrinfo(ai);
	if (d == NULL)
		snprintf(err, errlen, "cannot listen on %s:%u: %s", host, port,
		    strerror(errno));
	return d;
}

/* What http_start() sets up besides the main daemon. */
static void
http_release(struct relay *r)
{
	if (r->metrics_daemon != NULL)
		MHD_stop_daemon(r->metrics_daemon);
	r->metrics_daemon = NULL;
	authlimit_free(r->authlimit);
	r->authlimit = NULL;
	connguard_free(r->guard);
	r->guard = NULL;
}

int
http_start(struct relay *r, char *err, size_t errlen)
{
	const struct relay_config *cfg = r->cfg;

	http_raise_nofile();
	if (r->authlimit == NULL && (r->authlimit = authlimit_new(
	    cfg->auth_fail_limit, (int64_t)cfg->auth_fail_window *
	    1000)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (r->guard == NULL && ((r->guard = connguard_new(cfg->max_body_total,
	    cfg->max_conns_per_address, cfg->request_timeout,
	    &cfg->trusted_proxies)) == NULL || connguard_start(r->guard) != 0)) {
		snprintf(err, errlen, "cannot start the connection guard");
		goto fail;
	}
	if (cfg->metrics_host != NULL && (r->metrics_daemon = http_listen(r,
	    cfg->metrics_host, cfg->metrics_port, 1, err, errlen)) == NULL)
		goto fail;
	if ((r->daemon = http_listen(r, cfg->host, cfg->port, cfg->threads,
	    err, errlen)) == NULL)
		goto fail;
	return 0;
fail:
	http_release(r);
	return -1;
}

void
http_stop(struct relay *r, int timeout_ms)
{
	int64_t end = http_now_ms() + timeout_ms;

	if (r->daemon == NULL)
		return;
	MHD_quiesce_daemon(r->daemon);
	r->stopping_http = true;
	sync_wake_all(r);
	sync_release_held(r, true);
	while (atomic_load(&http_active) > 0 && http_now_ms() < end) {
		sync_wake_all(r);
		sync_release_held(r, true);
		usleep(10000);
	}
	MHD_stop_daemon(r->daemon);
	r->daemon = NULL;
	http_release(r);
	sync_cache_free();
}
