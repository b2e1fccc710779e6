/*
 * The TUI's side of /v1/sync: a relay answer (or whatever a captive portal
 * or a broken proxy returns) through net_sync_parse(), then every event
 * through event_parse() into the model and its customer text through the
 * sanitizer, as the TUI does.  Invariants: the cursor never goes
 * backwards, every event returned has a seq in (after, next], and the
 * model's last seq is one of them.
 */
#include <jansson.h>

#include "fuzz.h"
#include "net.h"
#include "net_sync.h"
#include "ttydesk/event.h"
#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"

static void
fuzz_sync_show(const struct td_event *ev)
{
	const char *texts[3] = { NULL, NULL, NULL };
	char *s;
	size_t i;

	if (ev->type == TD_EV_MESSAGE) {
		texts[0] = ev->u.message.text;
		texts[1] = ev->u.message.caption;
	} else if (ev->type == TD_EV_CONTACT)
		texts[2] = ev->u.contact.name;
	for (i = 0; i < 3; i++) {
		if (texts[i] == NULL)
			continue;
		s = sanitize_text(texts[i], strlen(texts[i]), 0);
		if (s != NULL)
			fuzz_sink += text_width(s, strlen(s));
		free(s);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct td_model *m;
	struct td_event ev;
	json_t *events = NULL, *e;
	int64_t after = 0, next = -1;
	bool more = false;
	char err[256];
	size_t i;

	/* The first byte is the cursor we asked from. */
	if (size > 0) {
		after = data[0] & 0x7f;
		data++;
		size--;
	}
	err[0] = '\0';
	if (net_sync_parse((const char *)data, size, after, &events, &next,
	    &more, err, sizeof err) != 0) {
		FUZZ_ASSERT(events == NULL && err[0] != '\0');
		return 0;
	}
	FUZZ_ASSERT(json_is_array(events));
	FUZZ_ASSERT(next >= after);
	if ((m = model_new("me")) == NULL) {
		json_decref(events);
		return 0;
	}
	json_array_foreach(events, i, e) {
		int64_t seq = json_integer_value(json_object_get(e, "seq"));

		FUZZ_ASSERT(seq > after && seq <= next);
		if (event_parse(e, &ev, err, sizeof err) != 0)
			continue;
		FUZZ_ASSERT(ev.seq == seq);
		fuzz_sync_show(&ev);
		FUZZ_ASSERT(model_apply(m, &ev) >= 0 ||
		    getenv("FUZZ_OOM_OK") != NULL);
		event_free(&ev);
	}
	FUZZ_ASSERT(model_last_seq(m) <= next);
	fuzz_sink += more;
	model_free(m);
	json_decref(events);
	return 0;
}
