/* The TUI's cache replay takes packed events and the JSON text of caches
 * written by older builds, mixed in one log, and skips what it cannot
 * read without losing the rest. */
#include "check.h"
#include "cache_testutil.h"
#include "ttydesk/event.h"
#include "ttydesk/model.h"
#include "app.h"
#include "ui.h"

static const char *const json_events[] = {
	"{\"seq\":1,\"ts\":1750000000,\"type\":\"contact\",\"conversation\":"
	"\"c1\",\"contact\":{\"wa_id\":\"16505551234\",\"name\":\"Sheena\"}}",
	"{\"seq\":2,\"ts\":1750000001,\"type\":\"message\",\"conversation\":"
	"\"c1\",\"message\":{\"id\":\"wamid.A\",\"direction\":\"in\",\"kind\":"
	"\"text\",\"from\":\"16505551234\",\"text\":\"first\","
	"\"status\":\"received\"}}",
	"{\"seq\":3,\"ts\":1750000002,\"type\":\"message\",\"conversation\":"
	"\"c1\",\"message\":{\"id\":\"out-1\",\"direction\":\"out\",\"kind\":"
	"\"text\",\"from\":\"biz\",\"agent\":\"alice\",\"text\":\"second\","
	"\"status\":\"pending\"}}",
	"{\"seq\":4,\"ts\":1750000003,\"type\":\"status\",\"conversation\":"
	"\"c1\",\"status\":{\"message\":\"out-1\",\"status\":\"read\"}}",
	"{\"seq\":5,\"ts\":1750000004,\"type\":\"conversation\",\"conversation\":"
	"\"c2\",\"state\":{\"status\":\"escalated\",\"assignee\":\"alice\","
	"\"team\":\"tier2\",\"priority\":\"urgent\",\"labels\":[\"vip\"]}}",
};

/* Event i as stored: even ones as JSON text, odd ones packed. */
static char *
stored(size_t i, size_t *len)
{
	struct td_event ev;
	unsigned char *pk = NULL;
	char err[256];

	if (i % 2 == 0) {
		*len = strlen(json_events[i]);
		return tu_dup(json_events[i], *len);
	}
	CHECK_INT(event_parse_text(json_events[i], strlen(json_events[i]), &ev,
	    err, sizeof err), 0);
	CHECK_INT(event_pack(&ev, &pk, len), 0);
	event_free(&ev);
	return (char *)pk;
}

static void
test_mixed_replay(void)
{
	static const char damaged[] = { 0x01, 0x01, 0x7f };
	static const char newer[] = { 0x02, 0x00 };
	char *dir = tu_tmpdir(), *kp = tu_path(dir, "key"), *cd = tu_path(dir,
	    "cache"), err[512], *ev[8];
	size_t lens[8], n = sizeof json_events / sizeof json_events[0], i, j;
	struct td_conversation *c1, *c2;
	struct td_msg *a, *o;
	struct cache_key *k;
	struct td_cache *c;
	struct app app;

	CHECK_INT(cache_keygen(kp, err, sizeof err), 0);
	k = cache_key_from_file(kp, err, sizeof err);
	CHECK(k != NULL);
	CHECK_INT(cache_open(cd, k, &c, err, sizeof err), CACHE_OK);
	/* JSON, packed, damaged packed bytes, JSON, a format from a newer
	 * build, packed, JSON: the two odd ones are skipped. */
	for (i = 0, j = 0; i < n; i++) {
		ev[j] = stored(i, &lens[j]);
		j++;
		if (i == 1) {
			ev[j] = tu_dup(damaged, sizeof damaged);
			lens[j++] = sizeof damaged;
		} else if (i == 2) {
			ev[j] = tu_dup(newer, sizeof newer);
			lens[j++] = sizeof newer;
		}
	}
	CHECK_INT(cache_append_events(c, (const char *const *)ev, lens, 3, 3,
	    err, sizeof err), 0);
	CHECK_INT(cache_append_events(c, (const char *const *)ev + 3, lens + 3,
	    j - 3, 9, err, sizeof err), 0);
	cache_close(c);

	CHECK_INT(cache_open(cd, k, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(app_init(&app, NULL, model_new("alice"), err, sizeof err), 0);
	CHECK_INT(ui_init(&app, err, sizeof err), 0);
	app.cache = c;
	CHECK_INT(app_load_cache(&app, err, sizeof err), CACHE_OK);
	CHECK_INT(model_count(app.model), 2);
	CHECK_INT(model_last_seq(app.model), 5);
	c1 = model_find(app.model, "c1");
	c2 = model_find(app.model, "c2");
	CHECK(c1 != NULL && c2 != NULL);
	if (c1 != NULL && c2 != NULL) {
		CHECK_STR(c1->contact.name, "Sheena");
		CHECK_INT(c1->n_messages, 2);
		a = conversation_find_message(c1, "wamid.A");
		o = conversation_find_message(c1, "out-1");
		CHECK(a != NULL && o != NULL);
		if (a != NULL)
			CHECK_STR(a->m.text, "first");
		if (o != NULL) {
			CHECK_STR(o->m.text, "second");
			CHECK_INT(o->m.status, TD_MS_READ);
		}
		CHECK_INT(c2->state.status, TD_CS_ESCALATED);
		CHECK_INT(c2->state.n_labels, 1);
	}
	app_free(&app); /* closes the cache */
	for (i = 0; i < j; i++)
		free(ev[i]);
	cache_key_free(k);
	tu_rmrf(dir);
	free(dir);
	free(kp);
	free(cd);
}

int
main(void)
{
	RUN(test_mixed_replay);
	return check_done();
}
