/*
 * ttydesk-relay figures: signed webhooks ingested per second with 16
 * concurrent senders (each answered only after its commit is on disk),
 * p50/p99 webhook latency, and the long-poll wake-up latency with 500
 * agents waiting.  The relay runs in process on a temp database.
 *
 * usage: bench_relay [webhooks] [waiters] [http threads]
 */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "bench_clock.h"
#include "config.h"
#include "http.h"
#include "relay.h"
#include "server.h"

#define SECRET "bench-app-secret"
#define TOKEN "benchtoken"
#define PNID "106540352242922"
#define SENDERS 16

static char dir[64] = "/tmp/bench_relay_XXXXXX";
static unsigned port;

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(double *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);

	return n == 0 ? 0 : v[i < n ? i : n - 1];
}

static size_t
sink(char *d, size_t s, size_t n, void *arg)
{
	return s * n;
}

struct wh {
	char *body;
	struct curl_slist *hdrs;
	double t0;
};

static void
wh_make(struct wh *w, int i)
{
	unsigned char mac[32];
	crypto_auth_hmacsha256_state st;
	char hex[65], hdr[128];
	int n;

	n = asprintf(&w->body, "{\"object\":\"whatsapp_business_account\","
	    "\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\","
	    "\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{"
	    "\"display_phone_number\":\"1\",\"phone_number_id\":\"" PNID "\"},"
	    "\"contacts\":[{\"profile\":{\"name\":\"Customer %d\"},\"wa_id\":"
	    "\"1555%07d\"}],\"messages\":[{\"from\":\"1555%07d\",\"id\":"
	    "\"wamid.BENCH%d\",\"timestamp\":\"%ld\",\"type\":\"text\",\"text\":"
	    "{\"body\":\"Hello, where is my order number %d?\"}}]}}]}]}",
	    i % 1000, i % 1000, i % 1000, i, (long)time(NULL), i);
	if (n < 0)
		abort();
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)SECRET,
	    strlen(SECRET));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)w->body,
	    (unsigned long long)n);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(hdr, sizeof hdr, "X-Hub-Signature-256: sha256=%s", hex);
	w->hdrs = curl_slist_append(NULL, hdr);
	w->hdrs = curl_slist_append(w->hdrs, "Content-Type: application/json");
}

static CURL *
wh_easy(struct wh *w, char *url)
{
	CURL *c = curl_easy_init();

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, w->hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, w->body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_PRIVATE, w);
	w->t0 = 1e3 * bench_now();
	return c;
}

static void
bench_ingest(int total)
{
	CURLM *m = curl_multi_init();
	struct wh *w = calloc((size_t)total, sizeof *w);
	double *lat = calloc((size_t)total, sizeof *lat), t0, el;
	char url[128];
	int next = 0, done = 0, running, left, i, bad = 0;
	CURLMsg *msg;

	snprintf(url, sizeof url, "http://127.0.0.1:%u/webhook", port);
	for (i = 0; i < total; i++)
		wh_make(&w[i], i);
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)SENDERS);
	t0 = 1e3 * bench_now();
	for (; next < SENDERS && next < total; next++)
		curl_multi_add_handle(m, wh_easy(&w[next], url));
	while (done < total) {
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct wh *x;
			long code = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &x);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE,
			    &code);
			if (code != 200)
				bad++;
			lat[done++] = 1e3 * bench_now() - x->t0;
			curl_multi_remove_handle(m, msg->easy_handle);
			curl_easy_cleanup(msg->easy_handle);
			if (next < total) {
				curl_multi_add_handle(m, wh_easy(&w[next], url));
				next++;
			}
		}
		curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	el = 1e3 * bench_now() - t0;
	qsort(lat, (size_t)total, sizeof *lat, cmp_double);
	printf("webhooks: %d signed, %d concurrent senders, %d non-200\n",
	    total, SENDERS, bad);
	printf("  ingested: %.0f webhooks/s (durable: 200 after commit, "
	    "synchronous=FULL)\n", total / (el / 1e3));
	printf("  latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
	    pct(lat, (size_t)total, 0.50), pct(lat, (size_t)total, 0.99),
	    lat[total - 1]);
	for (i = 0; i < total; i++) {
		free(w[i].body);
		curl_slist_free_all(w[i].hdrs);
	}
	free(w);
	free(lat);
	curl_multi_cleanup(m);
}

static int
waiting(struct relay *r)
{
	struct req *q;
	int n = 0;

	pthread_mutex_lock(&r->wait_lock);
	for (q = r->waiters; q != NULL; q = q->wnext)
		n++;
	pthread_mutex_unlock(&r->wait_lock);
	return n;
}

/* One raw TCP connection per waiting agent: the wake-up is the moment
 * its socket turns readable, so client-side HTTP work is not counted. */
static int
wake_connect(const char *request)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	size_t len = strlen(request);

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    write(fd, request, len) != (ssize_t)len) {
		perror("bench_relay: waiter");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void
bench_wake(struct relay *r, int waiters, int rounds)
{
	CURLM *m = curl_multi_init();
	double *lat = calloc((size_t)(waiters * rounds), sizeof *lat), t0;
	int *fds = calloc((size_t)waiters, sizeof *fds);
	size_t nlat = 0;
	char request[512], wurl[128], junk[65536];
	int round, i, running, left, ep, n, woken;
	struct epoll_event e, evs[256];
	struct wh w;
	CURLMsg *msg;
	CURL *c;

	snprintf(wurl, sizeof wurl, "http://127.0.0.1:%u/webhook", port);
	ep = epoll_create1(EPOLL_CLOEXEC);
	for (round = 0; round < rounds; round++) {
		snprintf(request, sizeof request, "GET /v1/sync?after=%lld&wait=30 "
		    "HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
		    TOKEN "\r\nConnection: close\r\n\r\n",
		    (long long)atomic_load(&r->committed_seq));
		for (i = 0; i < waiters; i++) {
			fds[i] = wake_connect(request);
			e.events = EPOLLIN;
			e.data.u32 = (uint32_t)i;
			if (fds[i] >= 0)
				epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &e);
		}
		/* Until every agent's request is suspended in the relay. */
		for (i = 0; i < 1000 && waiting(r) < waiters; i++)
			usleep(5000);
		if (waiting(r) < waiters)
			printf("  round %d: only %d waiting\n", round, waiting(r));
		wh_make(&w, 1000000 + round);
		t0 = 1e3 * bench_now();
		c = wh_easy(&w, wurl);
		curl_multi_add_handle(m, c);
		for (woken = 0; woken < waiters;) {
			curl_multi_perform(m, &running);
			while ((msg = curl_multi_info_read(m, &left)) != NULL) {
				curl_multi_remove_handle(m, msg->easy_handle);
				curl_easy_cleanup(msg->easy_handle);
			}
			n = epoll_wait(ep, evs, 256, 1);
			for (i = 0; i < n; i++) {
				int k = (int)evs[i].data.u32;

				lat[nlat++] = 1e3 * bench_now() - t0;
				if (read(fds[k], junk, sizeof junk) < 0)
					perror("read");
				epoll_ctl(ep, EPOLL_CTL_DEL, fds[k], NULL);
				close(fds[k]);
				woken++;
			}
		}
		while (running > 0) {
			curl_multi_perform(m, &running);
			curl_multi_poll(m, NULL, 0, 5, NULL);
		}
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			curl_multi_remove_handle(m, msg->easy_handle);
			curl_easy_cleanup(msg->easy_handle);
		}
		free(w.body);
		curl_slist_free_all(w.hdrs);
	}
	qsort(lat, nlat, sizeof *lat, cmp_double);
	printf("long-poll: %d agents waiting, %d rounds (one signed webhook "
	    "each)\n", waiters, rounds);
	printf("  wake-up, from sending the webhook to each agent's answer: "
	    "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%zu woken)\n",
	    pct(lat, nlat, 0.5), pct(lat, nlat, 0.99), nlat ? lat[nlat - 1] : 0,
	    nlat);
	close(ep);
	free(fds);
	free(lat);
	curl_multi_cleanup(m);
}

static void
write_file(const char *name, const char *text)
{
	char p[256];
	int fd;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		perror(p);
	if (fd >= 0)
		close(fd);
}

int
main(int argc, char **argv)
{
	struct relay_config cfg;
	struct relay r;
	char ini[1024], err[512], path[256], hex[65];
	unsigned char h[32];
	int total = argc > 1 ? atoi(argv[1]) : 20000;
	int waiters = argc > 2 ? atoi(argv[2]) : 500;
	const char *threads = argc > 3 ? argv[3] : "1";
	static const char *files[] = { "relay.db", "relay.db-wal",
	    "relay.db-shm", "relay.ini", "token", "secret" };
	size_t i;

	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	crypto_hash_sha256(h, (const unsigned char *)TOKEN, strlen(TOKEN));
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	write_file("token", "graph-token\n");
	write_file("secret", SECRET "\n");
	snprintf(ini, sizeof ini, "[relay]\nlisten = 127.0.0.1:0\n"
	    "threads = %s\n"
	    "database = relay.db\n[whatsapp]\ngraph_url = http://127.0.0.1:9\n"
	    "phone_number_id = " PNID "\naccess_token_file = token\n"
	    "app_secret_file = secret\n[agent bench]\nname = Bench\n"
	    "token_sha256 = %s\n", threads, hex);
	write_file("relay.ini", ini);
	snprintf(path, sizeof path, "%s/relay.ini", dir);
	if (config_load(path, 1, &cfg, err, sizeof err) != 0 ||
	    server_start(&r, &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "bench_relay: %s\n", err);
		return 1;
	}
	r.quiet = true;
	port = server_port(&r);
	bench_ingest(total);
	bench_wake(&r, waiters, 10);
	server_stop(&r);
	config_free(&cfg);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	curl_global_cleanup();
	return 0;
}
