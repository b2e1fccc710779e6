/*
 * Which address a request comes from when the relay sits behind reverse
 * proxies: [relay] trusted_proxies lists them (addresses or CIDR
 * networks).  A request from one of them is from the rightmost address of
 * its X-Forwarded-For that is not a trusted proxy; from anywhere else
 * the header is ignored, so a client cannot choose its own address.
 *
 * Ownership: proxy_list_parse() fills a list that proxy_list_free()
 * releases.
 */
#ifndef RELAY_PROXYADDR_H
#define RELAY_PROXYADDR_H

#include <stdbool.h>
#include <stddef.h>

struct proxy_net {
	int family;              /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefix;         /* bits that must match */
};

struct proxy_list {
	struct proxy_net *nets;
	size_t n;
};

/* "127.0.0.1, ::1, 10.0.0.0/8".  0, or -1 with the reason in err. */
int proxy_list_parse(const char *text, struct proxy_list *out, char *err,
    size_t errlen);
void proxy_list_free(struct proxy_list *l);

/* Is the numeric address text one of the list's?  (IPv4 written as an
 * IPv4-mapped IPv6 address counts as IPv4.) */
bool proxy_trusted(const struct proxy_list *l, const char *addr);

/* The client's address into out: peer itself, or, when peer is trusted,
 * the rightmost untrusted address of xff (NULL when absent).  An entry
 * that is not an address ends the walk at the proxy that passed it on. */
void proxy_client_addr(const struct proxy_list *l, const char *peer,
    const char *xff, char *out, size_t outlen);

#endif
