/*
 * The address failed authentications are counted against, behind
 * reverse proxies: X-Forwarded-For only counts from a trusted proxy, is
 * read from the right, and a client cannot pick its own address.
 */
#include "check.h"
#include "proxyaddr.h"

static void
client(const struct proxy_list *l, const char *peer, const char *xff,
    const char *want)
{
	char out[64];

	proxy_client_addr(l, peer, xff, out, sizeof out);
	if (strcmp(out, want) != 0)
		fprintf(stderr, "peer %s xff %s\n", peer, xff ? xff : "(none)");
	CHECK_STR(out, want);
}

static void
test_parse(void)
{
	struct proxy_list l;
	char err[256];
	static const char *const bad[] = { "localhost", "10.0.0.0/33",
	    "::1/129", "1.2.3", "10.0.0.0/", "10.0.0.0/x", "1.2.3.4/-1",
	    "999.1.1.1", "fe80::1%eth0" };
	size_t i;

	CHECK_INT(proxy_list_parse("127.0.0.1, ::1,10.0.0.0/8  192.168.4.0/22",
	    &l, err, sizeof err), 0);
	CHECK_INT(l.n, 4);
	CHECK(proxy_trusted(&l, "127.0.0.1"));
	CHECK(proxy_trusted(&l, "::1"));
	CHECK(proxy_trusted(&l, "::ffff:127.0.0.1"));
	CHECK(proxy_trusted(&l, "10.255.1.2"));
	CHECK(!proxy_trusted(&l, "11.0.0.1"));
	CHECK(proxy_trusted(&l, "192.168.7.255"));
	CHECK(!proxy_trusted(&l, "192.168.8.0"));
	CHECK(!proxy_trusted(&l, "127.0.0.2"));
	CHECK(!proxy_trusted(&l, "::2"));
	CHECK(!proxy_trusted(&l, "not an address"));
	proxy_list_free(&l);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(proxy_list_parse(bad[i], &l, err, sizeof err), -1);
		CHECK(strstr(err, "is not an address or network") != NULL);
		CHECK(l.nets == NULL);
	}
	CHECK_INT(proxy_list_parse("", &l, err, sizeof err), 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(proxy_list_parse("0.0.0.0/0", &l, err, sizeof err), 0);
	CHECK(proxy_trusted(&l, "203.0.113.9"));
	CHECK(!proxy_trusted(&l, "2001:db8::1"));
	proxy_list_free(&l);
}

static void
test_client(void)
{
	struct proxy_list l, none = { NULL, 0 };
	char err[256];

	CHECK_INT(proxy_list_parse("127.0.0.1 10.0.0.0/8 2001:db8::/32", &l,
	    err, sizeof err), 0);
	/* Not from a proxy: the header is the client's own words. */
	client(&l, "203.0.113.5", "198.51.100.1", "203.0.113.5");
	client(&none, "127.0.0.1", "198.51.100.1", "127.0.0.1");
	/* From the proxy: what it appended. */
	client(&l, "127.0.0.1", "198.51.100.1", "198.51.100.1");
	client(&l, "127.0.0.1", NULL, "127.0.0.1");
	client(&l, "127.0.0.1", "", "127.0.0.1");
	/* A client's forged entries sit left of what the proxy appended. */
	client(&l, "127.0.0.1", "1.1.1.1, 2.2.2.2, 198.51.100.7",
	    "198.51.100.7");
	/* Chained proxies are skipped from the right. */
	client(&l, "127.0.0.1", "198.51.100.7, 10.1.2.3,10.9.9.9",
	    "198.51.100.7");
	client(&l, "127.0.0.1", " 198.51.100.7 ,  10.1.2.3 ", "198.51.100.7");
	/* IPv6, bracketed or not, written the one canonical way. */
	client(&l, "127.0.0.1", "[2001:DB9::0:1]", "2001:db9::1");
	client(&l, "::ffff:127.0.0.1", "2001:db8::5, 2001:0db9::7",
	    "2001:db9::7");
	/* Garbage ends the trust where it starts: the proxy that passed it
	 * on (never an address the garbage could choose). */
	client(&l, "127.0.0.1", "198.51.100.7, unknown", "127.0.0.1");
	client(&l, "127.0.0.1", "198.51.100.7, junk, 10.1.2.3", "10.1.2.3");
	client(&l, "127.0.0.1", "1.2.3.4:5678", "127.0.0.1");
	/* Every hop trusted: the leftmost one. */
	client(&l, "127.0.0.1", "10.0.0.1, 10.0.0.2", "10.0.0.1");
	proxy_list_free(&l);
}

int
main(void)
{
	RUN(test_parse);
	RUN(test_client);
	return check_done();
}
