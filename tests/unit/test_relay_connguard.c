/* The body budget and the per-address count (connguard.c). */
#include <stdbool.h>
#include <stdlib.h>

#include "check.h"
#include "connguard.h"

static void
test_budget(void)
{
	struct connguard *g = connguard_new(1 << 20, 0, 0, NULL);
	struct body_charge big = { 0, 0 }, big2 = { 0, 0 }, small = { 0, 0 },
	    chunked = { 0, 0 }, many[80];
	int i, ok = 0;

	CHECK(g != NULL);
	CHECK_INT(connguard_charge(g, &big, 900 * 1024, false), 0);
	/* Past the shared budget: refused, charge unchanged. */
	CHECK_INT(connguard_charge(g, &big2, 200 * 1024, false), -1);
	CHECK_INT((int)(big2.main + big2.reserve), 0);
	/* A chunked body does not reach the reserve... */
	CHECK_INT(connguard_charge(g, &chunked, 4096, false), 0);
	CHECK_INT(connguard_charge(g, &chunked, 200 * 1024, false), -1);
	CHECK_INT((int)chunked.main, 4096);
	/* ...an announced small one takes the shared budget first... */
	CHECK_INT(connguard_charge(g, &small, 60 * 1024, true), 0);
	CHECK_INT((int)small.main, 60 * 1024);
	for (i = 0; i < 80; i++) {
		many[i].main = many[i].reserve = 0;
		if (connguard_charge(g, &many[i], 60 * 1024, true) == 0)
			ok++;
	}
	/* ...then the reserve: 1 MiB - 900 - 4 - 60 KiB leaves one more in
	 * the shared budget, then 68 in the reserve (4 MiB / 60 KiB). */
	CHECK_INT(ok, 1 + CONNGUARD_RESERVE / (60 * 1024));
	CHECK_INT((int)many[1].reserve, 60 * 1024);
	connguard_release(g, &big);
	CHECK_INT(connguard_charge(g, &big2, 200 * 1024, false), 0);
	connguard_release(g, &big2);
	connguard_release(g, &small);
	connguard_release(g, &chunked);
	for (i = 0; i < 80; i++)
		connguard_release(g, &many[i]);
	CHECK_INT((int)connguard_held(g), 0);
	connguard_free(g);
}

static void
test_per_address(void)
{
	struct proxy_list trusted = { NULL, 0 };
	char err[128];
	struct connguard *g;
	struct conn *c[5], *p[5], *o;
	bool refuse;
	int i;

	CHECK_INT(proxy_list_parse("10.0.0.1", &trusted, err, sizeof err), 0);
	g = connguard_new(1 << 20, 3, 30, &trusted);
	for (i = 0; i < 4; i++) {
		c[i] = connguard_open(g, -1, "192.0.2.7", &refuse);
		CHECK_INT(refuse, i >= 3);
	}
	o = connguard_open(g, -1, "192.0.2.8", &refuse);
	CHECK(!refuse);
	for (i = 0; i < 5; i++) {
		p[i] = connguard_open(g, -1, "10.0.0.1", &refuse);
		CHECK(!refuse);
	}
	connguard_close(g, c[3]);
	connguard_close(g, c[0]);
	c[4] = connguard_open(g, -1, "192.0.2.7", &refuse);
	CHECK(!refuse);
	for (i = 1; i < 5; i++) {
		if (i != 3)
			connguard_close(g, c[i]);
	}
	for (i = 0; i < 5; i++)
		connguard_close(g, p[i]);
	connguard_close(g, o);
	connguard_free(g);
	proxy_list_free(&trusted);
}

int
main(void)
{
	RUN(test_budget);
	RUN(test_per_address);
	return check_done();
}
