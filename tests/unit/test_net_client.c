/*
 * The relay client against a small HTTP server (libmicrohttpd): /v1/me
 * then sync with the bearer token, events and cursor, the POST JSON
 * helper with an escaped conversation id, media downloads to new 0600
 * files (removed when the download fails), and a 401 that stops and names
 * the token file.
 */
#include <jansson.h>
#include <microhttpd.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "net.h"

struct post {
	char *body;
	size_t len;
};

static char last_post_url[256];
static char last_post_body[1024];
static int sync_calls;

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body),
	    (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result rc;

	MHD_add_response_header(r, "Content-Type", "application/json");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **state)
{
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Authorization");
	struct post *p = *state;

	if (p == NULL) {
		if ((p = calloc(1, sizeof *p)) == NULL)
			return MHD_NO;
		*state = p;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		char *nb = realloc(p->body, p->len + *upload_size + 1);
		if (nb == NULL)
			return MHD_NO;
		p->body = nb;
		memcpy(p->body + p->len, upload, *upload_size);
		p->len += *upload_size;
		p->body[p->len] = '\0';
		*upload_size = 0;
		return MHD_YES;
	}
	if (auth == NULL || strcmp(auth, "Bearer good-token") != 0)
		return reply(c, 401, "{\"error\":{\"code\":\"unauthorized\"}}");
	if (strcmp(url, "/v1/me") == 0)
		return reply(c, 200, "{\"agent\":{\"id\":\"alice\",\"name\":\"A\","
		    "\"teams\":[]},\"teams\":[]}");
	if (strcmp(url, "/v1/sync") == 0) {
		const char *after = MHD_lookup_connection_value(c,
		    MHD_GET_ARGUMENT_KIND, "after");
		sync_calls++;
		if (after != NULL && strcmp(after, "0") == 0)
			return reply(c, 200, "{\"events\":[{\"seq\":1,\"ts\":5,\"type\":"
			    "\"contact\",\"conversation\":\"c1\",\"contact\":{\"name\":"
			    "\"X\"}},{\"seq\":2,\"ts\":6,\"type\":\"future\","
			    "\"conversation\":\"c1\"}],\"next\":2,\"more\":false}");
		usleep(100000);
		return reply(c, 200, "{\"events\":[],\"next\":2,\"more\":false}");
	}
	if (strcmp(method, "POST") == 0) {
		snprintf(last_post_url, sizeof last_post_url, "%s", url);
		snprintf(last_post_body, sizeof last_post_body, "%s",
		    p->body ? p->body : "");
		return reply(c, 201, "{\"ok\":true}");
	}
	if (strcmp(url, "/v1/conversations/c1/media/slow") == 0) {
		usleep(1500000);
		return reply(c, 200, "late");
	}
	if (strcmp(url, "/v1/conversations/c1/media/m1") == 0)
		return reply(c, 200, "MEDIA-BYTES");
	return reply(c, 404, "{\"error\":{\"code\":\"not_found\"}}");
}

static void
completed(void *cls, struct MHD_Connection *c, void **state,
    enum MHD_RequestTerminationCode toe)
{
	struct post *p = *state;

	if (p != NULL) {
		free(p->body);
		free(p);
	}
	*state = NULL;
}

struct seen {
	int me;
	int events;
	size_t n_events;
	int64_t next;
	enum net_state state;
	char detail[256];
	int done;
	long status;
	char body[256];
	char err[256];
};

static void
on_me(void *ud, const json_t *me)
{
	struct seen *s = ud;

	s->me += json_is_object(json_object_get(me, "agent"));
}

static int
on_events(void *ud, const json_t *events, int64_t next)
{
	struct seen *s = ud;

	s->events++;
	s->n_events += json_array_size(events);
	s->next = next;
	return 0;
}

static void
on_state(void *ud, enum net_state st, const char *detail)
{
	struct seen *s = ud;

	s->state = st;
	snprintf(s->detail, sizeof s->detail, "%s", detail);
}

static void
on_done(void *ud, long status, const char *body, size_t len, const char *err)
{
	struct seen *s = ud;

	s->done++;
	s->status = status;
	snprintf(s->body, sizeof s->body, "%s", body);
	snprintf(s->err, sizeof s->err, "%s", err);
}

/* Run the client until cond holds or 10 s pass. */
static int
pump(struct net *n, struct seen *s, int (*cond)(const struct seen *))
{
	struct pollfd fds[64];
	time_t end = time(NULL) + 10;
	int k, timeout;

	while (!cond(s)) {
		if (time(NULL) > end)
			return -1;
		timeout = 200;
		k = net_pollfds(n, fds, 64, &timeout);
		poll(fds, (nfds_t)k, timeout);
		net_dispatch(n, fds, k);
	}
	return 0;
}

static int synced(const struct seen *s) { return s->events > 0 && s->state == NET_ONLINE; }
static int one_done(const struct seen *s) { return s->done > 0; }
static int auth_failed(const struct seen *s) { return s->state == NET_AUTH_ERROR; }

static struct net *
client(int port, const char *token, struct seen *s)
{
	char url[64], err[256];
	struct net_options o;
	struct net_callbacks cb = { s, on_me, on_events, on_state, NULL, NULL };

	snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
	memset(&o, 0, sizeof o);
	o.url = url;
	o.token = token;
	o.token_len = strlen(token);
	o.token_file = "/home/a/.config/ttydesk/token";
	o.wait = 1;
	return net_new(&o, &cb, err, sizeof err);
}

static void
test_client(void)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct seen s;
	struct net *n;
	char dir[] = "/tmp/ttydesk-net-XXXXXX", file[128], err[256], path[128];
	json_t *body;
	struct stat st;
	int port;

	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, handler, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
	CHECK(d != NULL);
	if (d == NULL || mkdtemp(dir) == NULL)
		return;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	port = info->port;

	memset(&s, 0, sizeof s);
	n = client(port, "good-token", &s);
	CHECK(n != NULL);
	net_start(n);
	CHECK_INT(pump(n, &s, synced), 0);
	CHECK_INT(s.me, 1);
	CHECK_INT(s.n_events, 2);
	CHECK_INT(s.next, 2);
	CHECK_INT(net_cursor(n), 2);

	/* POST JSON with an id that needs escaping. */
	body = json_pack("{s:s, s:s}", "client_id", "k1", "text", "hé \"x\"");
	CHECK(net_conv_path(path, sizeof path, "c/1", "/notes") != NULL);
	CHECK_INT(net_post_json(n, path, body, on_done, &s, err, sizeof err), 0);
	json_decref(body);
	CHECK_INT(pump(n, &s, one_done), 0);
	CHECK_INT(s.status, 201);
	CHECK_STR(s.body, "{\"ok\":true}");
	CHECK_STR(last_post_url, "/v1/conversations/c/1/notes");
	CHECK_STR(last_post_body, "{\"client_id\":\"k1\",\"text\":\"hé \\\"x\\\"\"}");

	/* Media to a new 0600 file. */
	snprintf(file, sizeof file, "%s/m1.bin", dir);
	s.done = 0;
	CHECK_INT(net_get_file(n, "/v1/conversations/c1/media/m1", file, on_done,
	    &s, err, sizeof err), 0);
	CHECK_INT(pump(n, &s, one_done), 0);
	CHECK_INT(s.status, 200);
	{
		char *data = check_read_file(file, NULL);
		CHECK_STR(data, "MEDIA-BYTES");
		free(data);
	}
	CHECK_INT(stat(file, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	/* Never overwrites. */
	CHECK_INT(net_get_file(n, "/v1/conversations/c1/media/m1", file, on_done,
	    &s, err, sizeof err), -1);
	CHECK(strstr(err, "exists") != NULL);
	/* A failed download leaves no file behind. */
	snprintf(file, sizeof file, "%s/missing.bin", dir);
	s.done = 0;
	CHECK_INT(net_get_file(n, "/v1/conversations/c1/media/nope", file,
	    on_done, &s, err, sizeof err), 0);
	CHECK_INT(pump(n, &s, one_done), 0);
	CHECK_INT(s.status, 404);
	CHECK(access(file, F_OK) != 0);
	/* The long-poll keeps going. */
	CHECK(sync_calls >= 2);
	/* Freed with a download in flight: the owner hears "cancelled" and
	 * no file stays behind. */
	snprintf(file, sizeof file, "%s/slow.bin", dir);
	s.done = 0;
	CHECK_INT(net_get_file(n, "/v1/conversations/c1/media/slow", file,
	    on_done, &s, err, sizeof err), 0);
	{
		struct pollfd fds[16];
		int k, to = 100;
		k = net_pollfds(n, fds, 16, &to);
		poll(fds, (nfds_t)k, to);
		net_dispatch(n, fds, k);
	}
	net_free(n);
	CHECK_INT(s.done, 1);
	CHECK_INT(s.status, 0);
	CHECK_STR(s.err, "cancelled");
	CHECK(access(file, F_OK) != 0);

	/* A wrong token: auth error naming the token file, no retries. */
	memset(&s, 0, sizeof s);
	n = client(port, "bad-token", &s);
	net_start(n);
	CHECK_INT(pump(n, &s, auth_failed), 0);
	CHECK(strstr(s.detail, "/home/a/.config/ttydesk/token") != NULL);
	CHECK(strstr(s.detail, "ttydesk-relay add-agent") != NULL);
	CHECK(strstr(s.detail, "bad-token") == NULL);
	{
		char buf[300];
		CHECK(strstr(net_state_text(n, buf, sizeof buf), "auth error") != NULL);
	}
	net_free(n);

	/* Nothing listening: offline with a retry countdown. */
	memset(&s, 0, sizeof s);
	n = client(1, "good-token", &s);
	net_start(n);
	{
		char buf[300];
		time_t end = time(NULL) + 10;
		struct pollfd fds[8];
		int k, to;
		while (s.state != NET_OFFLINE && time(NULL) < end) {
			to = 100;
			k = net_pollfds(n, fds, 8, &to);
			poll(fds, (nfds_t)k, to);
			net_dispatch(n, fds, k);
		}
		CHECK_INT(s.state, NET_OFFLINE);
		CHECK(strstr(net_state_text(n, buf, sizeof buf), "offline, retry in")
		    != NULL);
	}
	net_free(n);
	MHD_stop_daemon(d);
	rmdir(dir);
}

int
main(void)
{
	RUN(test_client);
	return check_done();
}
