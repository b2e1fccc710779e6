/*
 * Regression (fuzz_relay, 2026-11-25): a webhook message without an id,
 * delivered twice, made the second delivery fail (500 store_error) for
 * ever, because the "seen" look-up compared wamid = NULL.  Both deliveries
 * must store, and only one message event may exist.
 */
#include "check.h"
#include "relay_harness.h"

static const char body[] =
    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
    "\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":"
    "\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550100\","
    "\"phone_number_id\":\"106540352242922\"},\"contacts\":[{\"profile\":"
    "{\"name\":\"No Id\"},\"wa_id\":\"16505550199\"}],\"messages\":[{"
    "\"from\":\"16505550199\",\"timestamp\":\"1700000000\",\"type\":"
    "\"text\",\"text\":{\"body\":\"where is my id\"}}]}}]}]}";

static void
test_nowamid_redelivery(void)
{
	struct harness h;
	json_t *evs, *m;

	CHECK_INT(harness_setup(&h, "106540352242922", NULL), 0);
	CHECK_INT(harness_feed(&h, body), 0);
	CHECK_INT(harness_feed(&h, body), 0); /* Meta redelivers */
	evs = harness_events(&h);
	CHECK_INT(harness_count(evs, "message"), 1);
	m = json_object_get(harness_nth(evs, "message", 0), "message");
	CHECK_STR(json_string_value(json_object_get(m, "text")),
	    "where is my id");
	json_decref(evs);
	/* And after a restart the redelivery is still recognised. */
	harness_restart(&h);
	CHECK_INT(harness_feed(&h, body), 0);
	evs = harness_events(&h);
	CHECK_INT(harness_count(evs, "message"), 1);
	json_decref(evs);
	harness_teardown(&h);
}

int
main(void)
{
	RUN(test_nowamid_redelivery);
	return check_done();
}
