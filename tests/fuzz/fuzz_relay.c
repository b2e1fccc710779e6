/*
 * The relay faces the internet: this harness runs a real ttydesk-relay
 * in-process (server_start on 127.0.0.1, port 0, a throwaway database)
 * and sends it one HTTP request per input over a socket, so microhttpd,
 * routing, authentication, the webhook intake and every agent handler see
 * fuzzed methods, paths, query strings, headers and bodies.
 *
 * Input: byte 0 flags (bits 0-2 method, bit 3 a valid agent token, bit 4
 * a valid X-Hub-Signature-256 for the body, bit 5 JSON content type);
 * then the path and query up to '\n'; then header lines up to an empty
 * line; the rest is the body.  "wait" in the query is defused so a
 * long-poll cannot stall the fuzzer.
 *
 * Invariants: every request gets a well-formed answer within 5 s, never
 * a 500, and an answer labelled JSON parses.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "fuzz.h"
#include "config.h"
#include "server.h"
#include "cache_testutil.h"

#define FZ_TOKEN "fuzz-agent-token"
#define FZ_SECRET "fuzz-app-secret"

static char *fz_base;
static struct relay_config fz_cfg;
static struct relay fz_relay;
static unsigned fz_port;
static int fz_started;

static void
fuzz_relay_cleanup(void)
{
	if (fz_started)
		server_stop(&fz_relay);
	config_free(&fz_cfg);
	if (fz_base != NULL)
		tu_rmrf(fz_base);
	free(fz_base);
}

static void
fuzz_relay_file(const char *name, const char *text)
{
	char *p = tu_path(fz_base, name);

	tu_write(p, (const unsigned char *)text, strlen(text));
	free(p);
}

static void
fuzz_relay_init(void)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * sizeof h + 1], ini[1024], err[512], *path;

	if (sodium_init() < 0)
		abort();
	fz_base = tu_tmpdir();
	crypto_hash_sha256(h, (const unsigned char *)FZ_TOKEN, strlen(FZ_TOKEN));
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	fuzz_relay_file("token", "graph-token\n");
	fuzz_relay_file("secret", FZ_SECRET "\n");
	/* Graph on a closed port: sends fail at once, as when Meta is down. */
	snprintf(ini, sizeof ini, "[relay]\nlisten = 127.0.0.1:0\n"
	    "database = relay.db\nmax_body = 65536\nsend_timeout = 1\n"
	    "[whatsapp]\ngraph_url = http://127.0.0.1:1/v21.0\n"
	    "phone_number_id = 1122334455667\n"
	    "display_phone_number = +1 555 0100\n"
	    "access_token_file = token\napp_secret_file = secret\n"
	    "verify_token = vt\n[sla]\nfirst_response = 15m\n"
	    "[team tier1]\nname = Tier 1\n[team tier2]\nname = Tier 2\n"
	    "[agent alice]\nname = Alice\nteams = tier1\ntoken_sha256 = %s\n"
	    "[agent bob]\nname = Bob\nteams = tier2\n"
	    "token_sha256 = %064d\n", hex, 0);
	fuzz_relay_file("relay.ini", ini);
	path = tu_path(fz_base, "relay.ini");
	if (config_load(path, 1, &fz_cfg, err, sizeof err) != 0 ||
	    server_start(&fz_relay, &fz_cfg, err, sizeof err) != 0) {
		fprintf(stderr, "fuzz_relay: setup: %s\n", err);
		abort();
	}
	free(path);
	fz_started = 1;
	fz_relay.quiet = true;
	fz_port = server_port(&fz_relay);
	atexit(fuzz_relay_cleanup);
}

struct fz_buf {
	char *p;
	size_t len, cap;
};

static void
fz_add(struct fz_buf *b, const void *p, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		b->cap = (b->len + len + 1) * 2;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			abort();
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void
fz_adds(struct fz_buf *b, const char *s)
{
	fz_add(b, s, strlen(s));
}

/* The request line's target: no bytes that would end it early. */
static void
fuzz_relay_target(struct fz_buf *b, const char *p, size_t len)
{
	char esc[4];
	size_t i;

	if (len == 0 || p[0] != '/')
		fz_adds(b, "/");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c <= 0x20 || c >= 0x7f) {
			snprintf(esc, sizeof esc, "%%%02X", c);
			fz_adds(b, esc);
		} else if (i + 4 <= len && memcmp(p + i, "wait", 4) == 0) {
			fz_adds(b, "wai_");
			i += 3;
		} else
			fz_add(b, &p[i], 1);
	}
}

/* Header lines "Name: value"; framing headers stay the harness's. */
static void
fuzz_relay_headers(struct fz_buf *b, const char *p, size_t len)
{
	static const char *const skip[] = { "content-length", "transfer-encoding",
	    "connection", "host", "expect" };
	const char *end = p + len, *nl, *colon;
	size_t i, n;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		colon = memchr(p, ':', n);
		for (i = 0; colon != NULL && i < sizeof skip / sizeof skip[0]; i++)
			if ((size_t)(colon - p) == strlen(skip[i]) &&
			    strncasecmp(p, skip[i], strlen(skip[i])) == 0)
				colon = NULL;
		if (colon != NULL && colon > p && memchr(p, '\r', n) == NULL &&
		    memchr(p, '\0', n) == NULL) {
			fz_add(b, p, n);
			fz_adds(b, "\r\n");
		}
		p = nl + 1;
	}
}

static int
fuzz_relay_connect(void)
{
	struct sockaddr_in sa;
	struct timeval tv = { 5, 0 };
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		abort();
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)fz_port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		perror("fuzz_relay: connect");
		abort();
	}
	return fd;
}

static void
fuzz_relay_check(const char *req, const struct fz_buf *ans, bool head)
{
	const char *body, *ctype;
	unsigned status;
	json_error_t je;
	json_t *j;

	if (ans->len == 0) {
		fprintf(stderr, "no answer within 5 s to:\n%s\n", req);
		abort();
	}
	if (sscanf(ans->p, "HTTP/1.%*1[01] %3u ", &status) != 1 ||
	    status < 100 || status > 599) {
		fprintf(stderr, "malformed answer:\n%.200s\n", ans->p);
		abort();
	}
	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "fuzz_relay: %u %.60s\n", status, req);
	if (status == 500) {
		fprintf(stderr, "500 for:\n%s\nanswer:\n%.500s\n", req, ans->p);
		abort();
	}
	body = strstr(ans->p, "\r\n\r\n");
	ctype = strcasestr(ans->p, "\r\nContent-Type: application/json");
	/* A HEAD answer has the headers of a GET and no body. */
	if (head || status == 204 || body == NULL || ctype == NULL ||
	    ctype > body)
		return;
	if ((j = json_loadb(body + 4, ans->len - (size_t)(body + 4 - ans->p),
	    JSON_DECODE_ANY, &je)) == NULL) {
		fprintf(stderr, "JSON answer does not parse (%s):\n%.500s\n",
		    je.text, ans->p);
		abort();
	}
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "POST", "PUT", "DELETE",
	    "PATCH", "HEAD", "OPTIONS", "POST" };
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * sizeof mac + 1], line[128];
	const char *p, *end, *nl, *hend, *body;
	struct fz_buf req = { 0 }, ans = { 0 };
	size_t blen, off;
	uint8_t flags;
	ssize_t n;
	char rbuf[4096];
	int fd;

	if (!fz_started)
		fuzz_relay_init();
	if (size == 0)
		return 0;
	flags = data[0];
	p = (const char *)data + 1;
	end = (const char *)data + size;
	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
		nl = end;
	fz_adds(&req, methods[flags & 7]);
	fz_adds(&req, " ");
	fuzz_relay_target(&req, p, (size_t)(nl - p));
	fz_adds(&req, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
	p = nl < end ? nl + 1 : end;
	/* Headers end at an empty line; the body is the rest. */
	hend = p;
	while (hend < end && *hend != '\n') {
		if ((nl = memchr(hend, '\n', (size_t)(end - hend))) == NULL) {
			hend = end;
			break;
		}
		hend = nl + 1;
	}
	fuzz_relay_headers(&req, p, (size_t)(hend - p));
	body = hend < end ? hend + 1 : end;
	blen = (size_t)(end - body);
	if (flags & 8)
		fz_adds(&req, "Authorization: Bearer " FZ_TOKEN "\r\n");
	if (flags & 16) {
		crypto_auth_hmacsha256_state st;

		crypto_auth_hmacsha256_init(&st, (const unsigned char *)FZ_SECRET,
		    strlen(FZ_SECRET));
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)body,
		    blen);
		crypto_auth_hmacsha256_final(&st, mac);
		sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
		fz_adds(&req, "X-Hub-Signature-256: sha256=");
		fz_adds(&req, hex);
		fz_adds(&req, "\r\n");
	}
	if (flags & 32)
		fz_adds(&req, "Content-Type: application/json\r\n");
	snprintf(line, sizeof line, "Content-Length: %zu\r\n\r\n", blen);
	fz_adds(&req, line);
	fz_add(&req, body, blen);

	fd = fuzz_relay_connect();
	for (off = 0; off < req.len; off += (size_t)n)
		if ((n = send(fd, req.p + off, req.len - off, MSG_NOSIGNAL)) <= 0)
			break; /* the relay may answer and close early (413) */
	while ((n = recv(fd, rbuf, sizeof rbuf, 0)) > 0)
		fz_add(&ans, rbuf, (size_t)n);
	close(fd);
	if (ans.p == NULL)
		fz_add(&ans, "", 0);
	fuzz_relay_check(req.p, &ans, (flags & 7) == 5);
	free(req.p);
	free(ans.p);
	return 0;
}
