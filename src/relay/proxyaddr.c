/* Trusted reverse proxies and the client address behind them (proxyaddr.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "proxyaddr.h"

#define PROXY_ADDR_TEXT 64

/* Numeric address text (IPv4, IPv6, or "[IPv6]") to family and bytes;
 * IPv4-mapped IPv6 becomes IPv4. */
static int
proxy_addr_parse(const char *s, size_t len, int *family, unsigned char *a)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	char buf[PROXY_ADDR_TEXT];

	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, a) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a) != 1)
		return -1;
	*family = AF_INET6;
	if (memcmp(a, mapped, sizeof mapped) == 0) {
		memmove(a, a + 12, 4);
		*family = AF_INET;
	}
	return 0;
}

static bool
proxy_net_has(const struct proxy_net *n, int family, const unsigned char *a)
{
	unsigned full = n->prefix / 8, rest = n->prefix % 8;
	unsigned char mask;

	if (n->family != family || memcmp(n->addr, a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (unsigned char)(0xff << (8 - rest));
	return (n->addr[full] & mask) == (a[full] & mask);
}

static bool
proxy_has(const struct proxy_list *l, int family, const unsigned char *a)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (proxy_net_has(&l->nets[i], family, a))
			return true;
	return false;
}

static int
proxy_net_parse(const char *s, size_t len, struct proxy_net *n, char *err,
    size_t errlen)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash != NULL ? (size_t)(slash - s) : len;
	unsigned max, prefix;
	char *end, num[8];

	memset(n, 0, sizeof *n);
	if (proxy_addr_parse(s, alen, &n->family, n->addr) != 0)
		goto bad;
	max = n->family == AF_INET ? 32 : 128;
	prefix = max;
	if (slash != NULL) {
		if (len - alen - 1 == 0 || len - alen - 1 >= sizeof num)
			goto bad;
		memcpy(num, slash + 1, len - alen - 1);
		num[len - alen - 1] = '\0';
		if (num[0] < '0' || num[0] > '9')
			goto bad;
		prefix = (unsigned)strtoul(num, &end, 10);
		if (*end != '\0' || prefix > max)
			goto bad;
	}
	n->prefix = prefix;
	return 0;
bad:
	snprintf(err, errlen, "trusted_proxies: '%.*s' is not an address or "
	    "network (e.g. 127.0.0.1, ::1, 10.0.0.0/8)", (int)(len > 64 ? 64 :
	    len), s);
	return -1;
}

int
proxy_list_parse(const char *text, struct proxy_list *out, char *err,
    size_t errlen)
{
	const char *p = text, *e;
	struct proxy_net *nets;
	size_t len;

	memset(out, 0, sizeof *out);
	if (p == NULL)
		return 0;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ',' && *e != ' ' && *e != '\t';
		    e++)
			;
		len = (size_t)(e - p);
		if ((nets = realloc(out->nets, (out->n + 1) * sizeof *nets)) ==
		    NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		out->nets = nets;
		if (proxy_net_parse(p, len, &out->nets[out->n], err, errlen) != 0)
			goto fail;
		out->n++;
		p = e;
	}
	return 0;
fail:
	proxy_list_free(out);
	return -1;
}

void
proxy_list_free(struct proxy_list *l)
{
	free(l->nets);
	l->nets = NULL;
	l->n = 0;
}

bool
proxy_trusted(const struct proxy_list *l, const char *addr)
{
	unsigned char a[16];
	int family;

	return addr != NULL && proxy_addr_parse(addr, strlen(addr), &family,
	    a) == 0 && proxy_has(l, family, a);
}

void
proxy_client_addr(const struct proxy_list *l, const char *peer,
    const char *xff, char *out, size_t outlen)
{
	char text[INET6_ADDRSTRLEN];
	const char *end, *start;
	unsigned char a[16];
	int family;
	size_t len;

	snprintf(out, outlen, "%s", peer);
	if (xff == NULL || !proxy_trusted(l, peer))
		return;
	/* Right to left: each proxy appends the address it was called
	 * from; the first one we do not trust is the client. */
	end = xff + strlen(xff);
	while (end > xff) {
		while (end > xff && (end[-1] == ' ' || end[-1] == '\t' ||
		    end[-1] == ','))
			end--;
		for (start = end; start > xff && start[-1] != ','; start--)
			;
		while (start < end && (*start == ' ' || *start == '\t'))
			start++;
		len = (size_t)(end - start);
		if (len == 0)
			return;
		if (proxy_addr_parse(start, len, &family, a) != 0 ||
		    inet_ntop(family, a, text, sizeof text) == NULL)
			return; /* not an address: trust stops here */
		snprintf(out, outlen, "%s", text);
		if (!proxy_has(l, family, a))
			return;
		end = start;
	}
}
