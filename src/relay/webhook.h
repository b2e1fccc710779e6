/* Webhook routes and the signature check (webhook.c). */
#ifndef RELAY_WEBHOOK_H
#define RELAY_WEBHOOK_H

#include <stddef.h>

/* 0 when header is "sha256=<hex HMAC-SHA256(secret, body)>", compared in
 * constant time; -1 otherwise. */
int webhook_verify_signature(const char *secret, size_t secret_len,
    const char *body, size_t len, const char *header);

#endif
