/* Webhook routes and the signature check (webhook.c). */
#ifndef RELAY_WEBHOOK_H
#define RELAY_WEBHOOK_H

#include <stddef.h>

struct req;

/* GET /webhook (Meta's subscription check) and POST /webhook (the
 * deliveries), in the route table of routes.c. */
void webhook_get(struct req *q);
void webhook_post(struct req *q);

/* 0 when header is "sha256=<hex HMAC-SHA256(secret, body)>", compared in
 * constant time; -1 otherwise. */
int webhook_verify_signature(const char *secret, size_t secret_len,
    const char *body, size_t len, const char *header);

/* Meta escapes non-ASCII as \uXXXX; a customer's broken emoji can leave
 * half a surrogate pair, which jansson refuses.  Rewrites each lone half
 * inside a JSON string to \ufffd, in place (same length); returns how
 * many.  Pairs, "\\ud800" (an escaped backslash) and text outside
 * strings are left alone. */
size_t webhook_mend_surrogates(char *body, size_t len);

#endif
