/*
 * Packed events (src/core/event_pack.c) as the TUI's cache hands them
 * back.  The cache is authenticated, but a packed event is still read as
 * untrusted bytes: event_unpack must turn any of them into an event
 * event_parse() could have produced, or a clear error.
 *
 * Invariants: a failure says why and leaves the event empty; a success
 * emits JSON (valid UTF-8, finite numbers), packs again to bytes that
 * unpack to the same JSON and pack to themselves (the writer's form is a
 * fixed point), and the model takes it.
 */
#include <jansson.h>

#include "fuzz.h"
#include "ttydesk/event.h"
#include "ttydesk/model.h"

static char *
fuzz_emit(const struct td_event *ev)
{
	json_t *j = event_to_json(ev);
	char *s;

	if (j == NULL)
		return NULL;
	s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	return s;
}

static void
fuzz_repack(const struct td_event *ev, const char *json)
{
	unsigned char *p1, *p2;
	size_t l1, l2;
	struct td_event again;
	char err[256], *b;

	if (event_pack(ev, &p1, &l1) != 0)
		return; /* out of memory only */
	if (event_unpack(p1, l1, &again, err, sizeof err) != 0) {
		fprintf(stderr, "repacked event does not unpack: %s\n", err);
		abort();
	}
	b = fuzz_emit(&again);
	if (b != NULL && strcmp(json, b) != 0) {
		fprintf(stderr, "pack/unpack not stable:\n%s\n%s\n", json, b);
		abort();
	}
	if (event_pack(&again, &p2, &l2) == 0) {
		FUZZ_ASSERT(l1 == l2 && memcmp(p1, p2, l1) == 0);
		free(p2);
	}
	free(b);
	free(p1);
	event_free(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct td_model *m;
	struct td_event ev;
	char err[256], *json;

	err[0] = '\0';
	if (event_unpack(data, size, &ev, err, sizeof err) != 0) {
		FUZZ_ASSERT(err[0] != '\0');
		FUZZ_ASSERT(ev.conversation == NULL && ev.type_name == NULL);
		return 0;
	}
	FUZZ_ASSERT(ev.conversation != NULL && *ev.conversation != '\0');
	FUZZ_ASSERT(ev.type_name != NULL && ev.seq >= 0);
	json = fuzz_emit(&ev);
	FUZZ_ASSERT(json != NULL);
	fuzz_repack(&ev, json);
	if ((m = model_new("agent-7")) != NULL) {
		FUZZ_ASSERT(model_apply(m, &ev) >= 0);
		fuzz_sink += model_count(m);
		model_free(m);
	}
	free(json);
	event_free(&ev);
	return 0;
}
