/*
 * The relay over real HTTP, in process, against a fake Graph API (a
 * second microhttpd daemon): long-poll wake-up, webhook answers (401,
 * 400, 413), bearer auth, idempotent sends, retries on 5xx, permanent
 * errors, "delivery unknown" after a timeout, wamid mapping of later
 * statuses, read receipts and media.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>

#include "check.h"
#include "config.h"
#include "http.h"
#include "relay.h"
#include "sender.h"
#include "server.h"

#define PNID "106540352242922"
#define SECRET "app-secret"
#define TOKEN "alicetoken"

static struct relay_config cfg;
static struct relay relay;
static struct MHD_Daemon *graph;
static char dir[64] = "/tmp/test_relay_http_XXXXXX";
static unsigned port;
static _Atomic int graph_sends;
static _Atomic int graph_reads;
static _Atomic int fail500_left = 1;
static char gport[16];
#define BIG_OK (3 * 1024 * 1024 + 17)
#define BIG_OVER (5 * 1024 * 1024)
static char blob[BIG_OVER];

/* ---- fake Graph API ---- */

struct gbody {
	char buf[65536];
	size_t len;
};

static enum MHD_Result
graph_reply(struct MHD_Connection *c, unsigned status, const char *ctype,
    const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body),
	    (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result rc;

	MHD_add_response_header(r, "Content-Type", ctype);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
graph_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	struct gbody *b = *ctx;
	const char *auth;
	char resp[256];

	if (b == NULL) {
		*ctx = calloc(1, sizeof *b);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		size_t n = *upload_size;

		if (b->len + n < sizeof b->buf - 1) {
			memcpy(b->buf + b->len, upload, n);
			b->len += n;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (auth == NULL || strcmp(auth, "Bearer graph-token") != 0)
		return graph_reply(c, 401, "application/json",
		    "{\"error\":{\"code\":190,\"message\":\"bad token\"}}");
	if (strcmp(method, "GET") == 0) {
		if (strcmp(url, "/v21.0/777") == 0) {
			snprintf(resp, sizeof resp, "{\"url\":\"http://127.0.0.1:%s"
			    "/blob/777\",\"mime_type\":\"image/png\"}",
			    (const char *)cls);
			return graph_reply(c, 200, "application/json", resp);
		}
		if (strcmp(url, "/blob/777") == 0)
			return graph_reply(c, 200, "image/png", "PNGBYTES");
		if (strcmp(url, "/v21.0/888") == 0 || strcmp(url, "/v21.0/999") == 0) {
			snprintf(resp, sizeof resp, "{\"url\":\"http://127.0.0.1:%s"
			    "/blob/%s\",\"mime_type\":\"video/mp4\"}",
			    (const char *)cls, url + 7);
			return graph_reply(c, 200, "application/json", resp);
		}
		if (strcmp(url, "/blob/888") == 0 || strcmp(url, "/blob/999") == 0) {
			struct MHD_Response *r = MHD_create_response_from_buffer(
			    strcmp(url, "/blob/888") == 0 ? BIG_OK : BIG_OVER,
			    blob, MHD_RESPMEM_PERSISTENT);
			enum MHD_Result rc;

			MHD_add_response_header(r, "Content-Type", "video/mp4");
			rc = MHD_queue_response(c, 200, r);
			MHD_destroy_response(r);
			return rc;
		}
		return graph_reply(c, 404, "application/json",
		    "{\"error\":{\"code\":100,\"message\":\"no media\"}}");
	}
	b->buf[b->len] = '\0';
	if (strstr(b->buf, "\"status\":\"read\"") != NULL) {
		atomic_fetch_add(&graph_reads, 1);
		return graph_reply(c, 200, "application/json", "{\"success\":true}");
	}
	atomic_fetch_add(&graph_sends, 1);
	if (strstr(b->buf, "fail500") != NULL && atomic_fetch_sub(&fail500_left,
	    1) > 0)
		return graph_reply(c, 500, "application/json",
		    "{\"error\":{\"code\":131000,\"message\":\"Something went "
		    "wrong\"}}");
	if (strstr(b->buf, "permanent") != NULL)
		return graph_reply(c, 400, "application/json",
		    "{\"error\":{\"message\":\"(#131026) Message undeliverable\","
		    "\"code\":131026,\"error_data\":{\"details\":\"nope\"}}}");
	if (strstr(b->buf, "slow") != NULL)
		sleep(3);
	snprintf(resp, sizeof resp, "{\"messaging_product\":\"whatsapp\","
	    "\"messages\":[{\"id\":\"wamid.SENT%d\"}]}",
	    atomic_load(&graph_sends));
	return graph_reply(c, 200, "application/json", resp);
}

static void
graph_done(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_RequestTerminationCode toe)
{
	free(*ctx);
	*ctx = NULL;
}

/* ---- client ---- */

struct http_resp {
	long status;
	char *body;
	size_t len;
	char ctype[128];
};

static size_t
client_write(char *data, size_t size, size_t n, void *arg)
{
	struct http_resp *r = arg;
	char *nb = realloc(r->body, r->len + size * n + 1);

	if (nb == NULL)
		return 0;
	r->body = nb;
	memcpy(r->body + r->len, data, size * n);
	r->len += size * n;
	r->body[r->len] = '\0';
	return size * n;
}

/* method, path, body (NULL: none), extra header (NULL: bearer). */
static struct http_resp
req(const char *method, const char *path, const char *body, const char *hdr)
{
	struct http_resp r = { 0, NULL, 0, "" };
	struct curl_slist *h = NULL;
	CURL *c = curl_easy_init();
	char url[512];
	const char *ct = NULL;

	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
	h = curl_slist_append(h, hdr ? hdr : "Authorization: Bearer " TOKEN);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, client_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (body != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	if (curl_easy_perform(c) == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
		curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
		if (ct != NULL)
			snprintf(r.ctype, sizeof r.ctype, "%s", ct);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (r.body == NULL)
		r.body = calloc(1, 1);
	return r;
}

static long
webhook(const char *body)
{
	unsigned char mac[32];
	crypto_auth_hmacsha256_state st;
	char hex[65], hdr[128];
	struct http_resp r;
	long status;

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)SECRET,
	    strlen(SECRET));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body,
	    strlen(body));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(hdr, sizeof hdr, "X-Hub-Signature-256: sha256=%s", hex);
	r = req("POST", "/webhook", body, hdr);
	status = r.status;
	free(r.body);
	return status;
}

static char *
text_hook(const char *wa_id, const char *wamid, long ts)
{
	char *out = NULL;

	if (asprintf(&out, "{\"object\":\"whatsapp_business_account\",\"entry\":"
	    "[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{"
	    "\"messaging_product\":\"whatsapp\",\"metadata\":{"
	    "\"display_phone_number\":\"1\",\"phone_number_id\":\"" PNID "\"},"
	    "\"contacts\":[{\"profile\":{\"name\":\"Ann\"},\"wa_id\":\"%s\"}],"
	    "\"messages\":[{\"from\":\"%s\",\"id\":\"%s\",\"timestamp\":\"%ld\","
	    "\"type\":\"text\",\"text\":{\"body\":\"hello\"}}]}}]}]}", wa_id,
	    wa_id, wamid, ts) < 0)
		return NULL;
	return out;
}

/* An image message of wa_id carrying Graph media id mid. */
static char *
image_hook(const char *wa_id, const char *wamid, const char *mid)
{
	char *out = NULL;

	if (asprintf(&out, "{\"object\":\"whatsapp_business_account\",\"entry\":"
	    "[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{"
	    "\"messaging_product\":\"whatsapp\",\"metadata\":{"
	    "\"display_phone_number\":\"1\",\"phone_number_id\":\"" PNID "\"},"
	    "\"contacts\":[{\"profile\":{\"name\":\"Ann\"},\"wa_id\":\"%s\"}],"
	    "\"messages\":[{\"from\":\"%s\",\"id\":\"%s\",\"timestamp\":\"%ld\","
	    "\"type\":\"image\",\"image\":{\"id\":\"%s\",\"mime_type\":"
	    "\"image/png\"}}]}}]}]}", wa_id, wa_id, wamid, (long)time(NULL),
	    mid) < 0)
		return NULL;
	return out;
}

static char *
status_hook(const char *wamid, const char *status)
{
	char *out = NULL;

	if (asprintf(&out, "{\"object\":\"whatsapp_business_account\",\"entry\":"
	    "[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{"
	    "\"messaging_product\":\"whatsapp\",\"metadata\":{"
	    "\"display_phone_number\":\"1\",\"phone_number_id\":\"" PNID "\"},"
	    "\"statuses\":[{\"id\":\"%s\",\"status\":\"%s\",\"timestamp\":"
	    "\"1700000000\",\"recipient_id\":\"111\"}]}}]}]}", wamid, status) < 0)
		return NULL;
	return out;
}

static json_t *
sync_after(int64_t after)
{
	char path[128];
	struct http_resp r;
	json_t *j;

	snprintf(path, sizeof path, "/v1/sync?after=%lld", (long long)after);
	r = req("GET", path, NULL, NULL);
	j = json_loads(r.body, 0, NULL);
	free(r.body);
	return j;
}

/* The newest status event for message id, waiting up to ms. */
static json_t *
wait_status(const char *id, const char *status, int ms)
{
	int waited;

	for (waited = 0; waited < ms; waited += 50) {
		json_t *s = sync_after(0), *ev;
		size_t i;

		json_array_foreach(json_object_get(s, "events"), i, ev) {
			json_t *st = json_object_get(ev, "status");

			if (json_is_object(st) && strcmp(json_string_value(
			    json_object_get(st, "message")), id) == 0 &&
			    strcmp(json_string_value(json_object_get(st,
			    "status")), status) == 0) {
				json_incref(ev);
				json_decref(s);
				return ev;
			}
		}
		json_decref(s);
		usleep(50000);
	}
	return NULL;
}

/* ---- setup ---- */

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char p[256];
	int fd;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror("write");
		close(fd);
	}
	chmod(p, mode);
}

static int
setup(void)
{
	char ini[2048], err[512], path[256];
	unsigned char h[32];
	char hex[65];
	const union MHD_DaemonInfo *info;

	if (mkdtemp(dir) == NULL)
		return -1;
	graph = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, graph_access, gport,
	    MHD_OPTION_NOTIFY_COMPLETED, graph_done, NULL, MHD_OPTION_END);
	if (graph == NULL)
		return -1;
	info = MHD_get_daemon_info(graph, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(gport, sizeof gport, "%u", info->port);
	crypto_hash_sha256(h, (const unsigned char *)TOKEN, strlen(TOKEN));
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	write_file("token", "graph-token\n", 0600);
	write_file("secret", SECRET "\n", 0600);
	snprintf(ini, sizeof ini, "[relay]\nlisten = 127.0.0.1:0\n"
	    "database = relay.db\nmax_body = 65536\nsend_timeout = 1\n"
	    "media_max = 4194304\nthreads = 2\n"
	    "[whatsapp]\ngraph_url = http://127.0.0.1:%s/v21.0\n"
	    "phone_number_id = " PNID "\ndisplay_phone_number = +1 555\n"
	    "access_token_file = token\napp_secret_file = secret\n"
	    "verify_token = vt\n[agent alice]\nname = Alice\nteams = t1\n"
	    "token_sha256 = %s\n", gport, hex);
	write_file("relay.ini", ini, 0600);
	snprintf(path, sizeof path, "%s/relay.ini", dir);
	if (config_load(path, 1, &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (server_start(&relay, &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	relay.quiet = true;
	port = server_port(&relay);
	return 0;
}

static void
teardown(void)
{
	static const char *files[] = { "relay.db", "relay.db-wal",
	    "relay.db-shm", "relay.ini", "token", "secret" };
	char p[256];
	size_t i;

	server_stop(&relay);
	config_free(&cfg);
	MHD_stop_daemon(graph);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* ---- tests ---- */

static void
test_webhook_answers(void)
{
	struct http_resp r;
	char big[70000];

	r = req("GET", "/webhook?hub.mode=subscribe&hub.verify_token=vt&"
	    "hub.challenge=12345", NULL, "X-A: b");
	CHECK_INT(r.status, 200);
	CHECK_STR(r.body, "12345");
	free(r.body);
	r = req("GET", "/webhook?hub.mode=subscribe&hub.verify_token=no&"
	    "hub.challenge=1", NULL, "X-A: b");
	CHECK_INT(r.status, 403);
	free(r.body);
	r = req("POST", "/webhook", "{}", "X-Hub-Signature-256: sha256=00");
	CHECK_INT(r.status, 401);
	free(r.body);
	r = req("POST", "/webhook", "{}", "X-A: b");
	CHECK_INT(r.status, 401);
	free(r.body);
	CHECK_INT(webhook("not json"), 400);
	CHECK_INT(webhook("{\"object\":\"page\",\"entry\":[]}"), 400);
	memset(big, ' ', sizeof big);
	big[0] = '{';
	big[sizeof big - 2] = '}';
	big[sizeof big - 1] = '\0';
	CHECK_INT(webhook(big), 413);
}

static void
test_auth(void)
{
	struct http_resp r;

	r = req("GET", "/v1/me", NULL, "X-A: b");
	CHECK_INT(r.status, 401);
	CHECK(strstr(r.body, "\"error\"") != NULL);
	free(r.body);
	r = req("GET", "/v1/me", NULL, "Authorization: Bearer wrong");
	CHECK_INT(r.status, 401);
	free(r.body);
	r = req("GET", "/v1/me", NULL, NULL);
	CHECK_INT(r.status, 200);
	CHECK(strstr(r.body, "\"phone_number_id\":\"" PNID "\"") != NULL);
	free(r.body);
	r = req("GET", "/v1/sync?after=x", NULL, NULL);
	CHECK_INT(r.status, 400);
	free(r.body);
	r = req("GET", "/v1/sync?limit=5001", NULL, NULL);
	CHECK_INT(r.status, 400);
	free(r.body);
	r = req("DELETE", "/v1/me", NULL, NULL);
	CHECK_INT(r.status, 405);
	free(r.body);
}

struct poll_arg {
	int64_t after;
	long status;
	int count;
	double ms;
};

static void *
poll_main(void *arg)
{
	struct poll_arg *a = arg;
	char path[128];
	struct timespec t0, t1;
	struct http_resp r;
	json_t *j;

	snprintf(path, sizeof path, "/v1/sync?after=%lld&wait=10",
	    (long long)a->after);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = req("GET", path, NULL, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	a->ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	a->status = r.status;
	j = json_loads(r.body, 0, NULL);
	a->count = (int)json_array_size(json_object_get(j, "events"));
	json_decref(j);
	free(r.body);
	return NULL;
}

static void
test_long_poll(void)
{
	struct poll_arg a = { 0, 0, 0, 0 };
	pthread_t t;
	char *b, path[96], want[160];
	struct http_resp r;
	int64_t t0;

	a.after = atomic_load(&relay.committed_seq);
	pthread_create(&t, NULL, poll_main, &a);
	usleep(300000);
	b = text_hook("111", "wamid.LP1", (long)time(NULL));
	CHECK_INT(webhook(b), 200);
	free(b);
	pthread_join(t, NULL);
	CHECK_INT(a.status, 200);
	CHECK(a.count >= 3); /* contact, conversation, message, ... */
	CHECK(a.ms >= 250 && a.ms < 2000);
	/* A timed-out long-poll answers an empty list with next = after. */
	snprintf(path, sizeof path, "/v1/sync?after=%lld&wait=1",
	    (long long)atomic_load(&relay.committed_seq));
	r = req("GET", path, NULL, NULL);
	CHECK_INT(r.status, 200);
	snprintf(want, sizeof want, "{\"events\":[],\"next\":%lld,\"more\":"
	    "false,\"log_id\":\"%s\"}",
	    (long long)atomic_load(&relay.committed_seq), relay.log_id);
	CHECK_STR(r.body, want);
	free(r.body);
	/* An after past the head (a restored log) is answered at once,
	 * next = after as the contract says, with the head beside it so
	 * the client notices. */
	snprintf(want, sizeof want, "{\"events\":[],\"next\":999999,\"more\":"
	    "false,\"head\":%lld,\"log_id\":\"%s\"}",
	    (long long)atomic_load(&relay.committed_seq), relay.log_id);
	t0 = http_now_ms();
	r = req("GET", "/v1/sync?after=999999&wait=5", NULL, NULL);
	CHECK_INT(r.status, 200);
	CHECK(http_now_ms() - t0 < 2000);
	CHECK_STR(r.body, want);
	free(r.body);
}

static json_t *
post_json(const char *path, const char *body, long *status)
{
	struct http_resp r = req("POST", path, body, NULL);
	json_t *j = json_loads(r.body, 0, NULL);

	*status = r.status;
	free(r.body);
	return j;
}

static void
test_send(void)
{
	json_t *a, *b, *ev;
	long status;
	char *h;
	const char *id;
	int sends;

	sends = atomic_load(&graph_sends);
	a = post_json("/v1/conversations/c1/messages",
	    "{\"client_id\":\"s1\",\"text\":\"hello there\"}", &status);
	CHECK_INT(status, 202);
	b = post_json("/v1/conversations/c1/messages",
	    "{\"client_id\":\"s1\",\"text\":\"hello there\"}", &status);
	CHECK_INT(status, 202);
	CHECK(json_equal(a, b));
	id = json_string_value(json_object_get(json_object_get(a, "message"),
	    "id"));
	CHECK(id != NULL);
	ev = id ? wait_status(id, "sent", 5000) : NULL;
	CHECK(ev != NULL);
	CHECK(json_string_value(json_object_get(json_object_get(ev, "status"),
	    "wamid")) != NULL);
	usleep(200000);
	CHECK_INT(atomic_load(&graph_sends) - sends, 1); /* repeat sent nothing */
	/* A later delivered webhook for that wamid names the local id. */
	if (ev != NULL) {
		h = status_hook(json_string_value(json_object_get(json_object_get(
		    ev, "status"), "wamid")), "delivered");
		CHECK_INT(webhook(h), 200);
		free(h);
		json_decref(ev);
		ev = wait_status(id, "delivered", 1000);
		CHECK(ev != NULL);
		json_decref(ev);
	}
	json_decref(a);
	json_decref(b);
	a = post_json("/v1/conversations/c404/messages",
	    "{\"client_id\":\"s2\",\"text\":\"x\"}", &status);
	CHECK_INT(status, 404);
	json_decref(a);
	a = post_json("/v1/conversations/c1/messages", "{\"text\":", &status);
	CHECK_INT(status, 400);
	json_decref(a);
}

static void
test_send_errors(void)
{
	json_t *a, *ev;
	long status;
	const char *id;

	/* 500 then success: retried with backoff. */
	a = post_json("/v1/conversations/c1/messages",
	    "{\"client_id\":\"e1\",\"text\":\"fail500 once\"}", &status);
	CHECK_INT(status, 202);
	id = json_string_value(json_object_get(json_object_get(a, "message"),
	    "id"));
	ev = id ? wait_status(id, "sent", 8000) : NULL;
	CHECK(ev != NULL);
	json_decref(ev);
	json_decref(a);
	/* Permanent: failed with the Graph code, never retried. */
	a = post_json("/v1/conversations/c1/messages",
	    "{\"client_id\":\"e2\",\"text\":\"permanent\"}", &status);
	id = json_string_value(json_object_get(json_object_get(a, "message"),
	    "id"));
	ev = id ? wait_status(id, "failed", 5000) : NULL;
	CHECK(ev != NULL);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(
	    json_object_get(ev, "status"), "error"), "code")), 131026);
	json_decref(ev);
	json_decref(a);
	/* Timed out after it was sent: not resent, "delivery unknown". */
	a = post_json("/v1/conversations/c1/messages",
	    "{\"client_id\":\"e3\",\"text\":\"slow\"}", &status);
	id = json_string_value(json_object_get(json_object_get(a, "message"),
	    "id"));
	ev = id ? wait_status(id, "failed", 6000) : NULL;
	CHECK(ev != NULL);
	CHECK_STR(json_string_value(json_object_get(json_object_get(
	    json_object_get(ev, "status"), "error"), "title")),
	    "delivery unknown");
	json_decref(ev);
	json_decref(a);
}

static void
test_read_and_media(void)
{
	static const char *const mids[] = { "777", "888", "999" };
	struct http_resp r;
	json_t *a;
	long status;
	int reads = atomic_load(&graph_reads);
	char wamid[32], *b;
	size_t i;

	/* Only media a message of the conversation carries is fetched. */
	for (i = 0; i < 3; i++) {
		snprintf(wamid, sizeof wamid, "wamid.IMG%s", mids[i]);
		b = image_hook("111", wamid, mids[i]);
		CHECK_INT(webhook(b), 200);
		free(b);
	}

	a = post_json("/v1/conversations/c1/read", "{\"message\":\"wamid.LP1\"}",
	    &status);
	CHECK_INT(status, 200);
	CHECK_INT(atomic_load(&graph_reads) - reads, 1);
	json_decref(a);
	a = post_json("/v1/conversations/c1/read", "{\"message\":\"wamid.NO\"}",
	    &status);
	CHECK_INT(status, 404);
	json_decref(a);
	r = req("GET", "/v1/conversations/c1/media/777", NULL, NULL);
	CHECK_INT(r.status, 200);
	CHECK_STR(r.body, "PNGBYTES");
	CHECK_STR(r.ctype, "image/png");
	free(r.body);
	/* Streamed: bigger than the relay's buffer, smaller than the cap. */
	r = req("GET", "/v1/conversations/c1/media/888", NULL, NULL);
	CHECK_INT(r.status, 200);
	CHECK_STR(r.ctype, "video/mp4");
	CHECK_INT(r.len, BIG_OK);
	CHECK(r.len == BIG_OK && memcmp(r.body, blob, BIG_OK) == 0);
	free(r.body);
	r = req("GET", "/v1/conversations/c1/media/999", NULL, NULL);
	CHECK_INT(r.status, 502);
	CHECK(strstr(r.body, "too_large") != NULL);
	free(r.body);
	r = req("GET", "/v1/conversations/c1/media/778", NULL, NULL);
	CHECK_INT(r.status, 404);
	free(r.body);
	r = req("GET", "/v1/conversations/c9/media/777", NULL, NULL);
	CHECK_INT(r.status, 404);
	free(r.body);
}

/* /readyz: 200 while the Graph sender runs, 503 naming it once it has
 * stopped (the database still takes writes). */
static void
test_readyz_without_the_sender(void)
{
	struct http_resp r;

	r = req("GET", "/readyz", NULL, "X-A: b");
	CHECK_INT(r.status, 200);
	free(r.body);
	sender_stop(&relay);
	r = req("GET", "/readyz", NULL, "X-A: b");
	CHECK_INT(r.status, 503);
	CHECK(r.body != NULL && strstr(r.body, "sender") != NULL);
	free(r.body);
	r = req("GET", "/healthz", NULL, "X-A: b");
	CHECK_INT(r.status, 200);
	free(r.body);
}

int
main(void)
{
	size_t i;

	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return 1;
	for (i = 0; i < sizeof blob; i++)
		blob[i] = (char)(i * 7 + i / 4096);
	if (setup() != 0) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	RUN(test_webhook_answers);
	RUN(test_auth);
	RUN(test_long_poll);
	RUN(test_send);
	RUN(test_send_errors);
	RUN(test_read_and_media);
	RUN(test_readyz_without_the_sender); /* last: stops the sender */
	teardown();
	curl_global_cleanup();
	return check_done();
}
