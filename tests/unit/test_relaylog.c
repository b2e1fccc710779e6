/* Restore detection: the log_id/head parse of a sync answer and the
 * decision to start over from 0. */
#include <string.h>

#include "check.h"
#include "net.h"
#include "net_sync.h"
#include "relaylog.h"

static void
test_parse(void)
{
	char id[64];
	int64_t head;

	/* An old relay: no log_id, no head. */
	net_sync_log("{\"events\":[],\"next\":4}", 22, id, sizeof id, &head);
	CHECK_STR(id, "");
	CHECK_INT(head, -1);
	net_sync_log("{\"events\":[],\"next\":9,\"log_id\":\"a1b2\",\"head\":3}",
	    47, id, sizeof id, &head);
	CHECK_STR(id, "a1b2");
	CHECK_INT(head, 3);
	/* Garbage ids are treated as absent, never copied or overflowed. */
	net_sync_log("{\"log_id\":\"a b\"}", 16, id, sizeof id, &head);
	CHECK_STR(id, "");
	net_sync_log("{\"log_id\":7,\"head\":-2}", 22, id, sizeof id, &head);
	CHECK_STR(id, "");
	CHECK_INT(head, -1);
	net_sync_log("{\"log_id\":\"0123456789\"}", 23, id, 8, &head);
	CHECK_STR(id, "");
	net_sync_log("not json", 8, id, sizeof id, &head);
	CHECK_STR(id, "");
	CHECK_INT(head, -1);
}

static void
test_decide(void)
{
	/* Old relay without log_id: no reset. */
	CHECK(!relaylog_restored("abc", "", -1, 50));
	/* Old cache adopts the first id seen. */
	CHECK(!relaylog_restored("", "abc", -1, 50));
	/* Same id: no reset. */
	CHECK(!relaylog_restored("abc", "abc", -1, 50));
	CHECK(!relaylog_restored("abc", "abc", 50, 50));
	/* Another id: reset. */
	CHECK(relaylog_restored("abc", "abd", -1, 50));
	/* head behind the cursor sent: reset, even from an old cache. */
	CHECK(relaylog_restored("abc", "abc", 49, 50));
	CHECK(relaylog_restored("", "", 0, 1));
}

int
main(void)
{
	RUN(test_parse);
	RUN(test_decide);
	return check_done();
}
