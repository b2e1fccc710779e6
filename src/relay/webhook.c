/*
 * GET /webhook (Meta's subscription handshake) and POST /webhook.  The
 * signature is checked over the raw bytes before anything parses them;
 * the parsed items go to the writer, and the 200 leaves only after the
 * batch holding them committed.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include <sodium.h>

#include "events.h"
#include "http.h"
#include "webhook.h"

int
webhook_verify_signature(const char *secret, size_t secret_len,
    const char *body, size_t len, const char *header)
{
	unsigned char want[crypto_auth_hmacsha256_BYTES];
	unsigned char got[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	size_t bin_len = 0;
	int rc;

	if (header == NULL || strncmp(header, "sha256=", 7) != 0)
		return -1;
	header += 7;
	if (strlen(header) != 2 * sizeof got ||
	    sodium_hex2bin(got, sizeof got, header, 2 * sizeof got, NULL,
	    &bin_len, NULL) != 0 || bin_len != sizeof got)
		return -1;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret,
	    secret_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, want);
	rc = sodium_memcmp(want, got, sizeof want) == 0 ? 0 : -1;
	sodium_memzero(&st, sizeof st);
	return rc;
}

/* The value of 4 hex digits at s (n bytes left), or -1. */
static long
webhook_hex4(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (n < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

size_t
webhook_mend_surrogates(char *s, size_t len)
{
	size_t i = 0, n = 0;
	int in_str = 0;
	long hi, lo;

	while (i < len) {
		if (!in_str || s[i] != '\\') {
			if (s[i] == '"')
				in_str = !in_str;
			i++;
			continue;
		}
		if (i + 1 >= len || s[i + 1] != 'u' ||
		    (hi = webhook_hex4(s + i + 2, len - i - 2)) < 0xD800 ||
		    hi > 0xDFFF) {
			i += 2; /* any other escape, or not a surrogate */
			continue;
		}
		lo = -1;
		if (hi <= 0xDBFF && i + 12 <= len && s[i + 6] == '\\' &&
		    s[i + 7] == 'u')
			lo = webhook_hex4(s + i + 8, len - i - 8);
		if (lo >= 0xDC00 && lo <= 0xDFFF) {
			i += 12;
			continue;
		}
		memcpy(s + i, "\\ufffd", 6);
		n++;
		i += 6;
	}
	return n;
}

/* Compares digests, not the strings: the time taken says nothing about
 * the token's length or how much of it a guess got right. */
static bool
webhook_same_secret(const char *given, const char *want)
{
	unsigned char a[crypto_hash_sha256_BYTES], b[crypto_hash_sha256_BYTES];
	bool same;

	crypto_hash_sha256(a, (const unsigned char *)given, strlen(given));
	crypto_hash_sha256(b, (const unsigned char *)want, strlen(want));
	same = sodium_memcmp(a, b, sizeof a) == 0;
	sodium_memzero(b, sizeof b);
	return same;
}

void
webhook_get(struct req *q)
{
	const char *want = config_verify_token(q->r->cfg);
	char mode[64], token[512], challenge[512];
	const char *m = req_arg(q, "hub.mode", mode, sizeof mode);
	const char *t = req_arg(q, "hub.verify_token", token, sizeof token);
	const char *c = req_arg(q, "hub.challenge", challenge, sizeof challenge);

	if (want == NULL || m == NULL || t == NULL || c == NULL ||
	    strcmp(m, "subscribe") != 0 || !webhook_same_secret(t, want)) {
		req_reply_text(q, 403, "text/plain", "forbidden\n", 10);
		return;
	}
	req_reply_text(q, 200, "text/plain", c, strlen(c));
}

static void
webhook_store(struct req *q)
{
	q->r->intake_deferred = 0;
	if (relay_intake(q->r, &q->wh) != 0) {
		req_error(q, 500, "store_error", "%s",
		    relay_store_error(q->r->writer));
		return;
	}
	if (q->r->intake_deferred > 0) {
		q->hold = true;
		q->hold_mark = atomic_load(&q->r->sends_recorded);
	}
	req_reply(q, 200, json_pack("{s:b}", "ok", 1));
}

void
webhook_post(struct req *q)
{
	size_t secret_len;
	const char *secret = config_app_secret(q->r->cfg, &secret_len);
	char err[256];

	if (webhook_verify_signature(secret, secret_len, q->body, q->len,
	    req_header(q, "X-Hub-Signature-256")) != 0) {
		req_error(q, 401, "bad_signature", "missing or bad "
		    "X-Hub-Signature-256");
		return;
	}
	/* Only a body jansson refused is mended (after the signature was
	 * checked over the bytes Meta sent): refusing it would make Meta
	 * retry it for days, then drop every message in it. */
	if (wa_parse_webhook(q->body, q->len, &q->wh, err, sizeof err) != 0 &&
	    (webhook_mend_surrogates(q->body, q->len) == 0 ||
	    wa_parse_webhook(q->body, q->len, &q->wh, err, sizeof err) != 0)) {
		req_error(q, 400, "bad_payload", "%s", err);
		return;
	}
	q->has_wh = true;
	req_to_writer(q, webhook_store);
}
