/*
 * Monkey test: random relay events (odd ones included), random keys and
 * random terminal sizes against the real screen code drawing into a file.
 * Under ASan/UBSan this finds stale pointers and off-by-ones; the checks
 * are that nothing crashes, the cursor stays in range and the status line
 * always fits.
 */
#include <curses.h>
#include <jansson.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "ttydesk/model.h"
#include "app.h"
#include "keymap.h"
#include "ui.h"

static unsigned long rng = 12345;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((rng >> 33) % n);
}

static const char *const texts[] = {
	"hi", "", "a much longer message that will need wrapping on a narrow "
	"terminal because it goes on and on", "你好世界 🙂 👩‍💻", "\x1b[2Jclear",
	"tab\tand\nnewline", "\xff\xfe broken utf8", "combining e\xcc\x81\xcc\x81"
	"\xcc\x81\xcc\x81\xcc\x81\xcc\x81",
};

static json_t *
random_event(long seq, long long now)
{
	char conv[16], id[32], ref[32];
	const char *kinds[] = { "text", "image", "location", "reaction",
	    "interactive", "unsupported", "contacts", "document" };
	const char *dirs[] = { "in", "out", "note" };
	const char *st[] = { "received", "pending", "sent", "delivered", "read",
	    "failed" };
	const char *cst[] = { "open", "pending", "escalated", "resolved" };
	json_t *e, *m;

	snprintf(conv, sizeof conv, "c%u", rnd(12));
	snprintf(id, sizeof id, "w%ld", seq);
	snprintf(ref, sizeof ref, "w%u", rnd((unsigned)seq + 2));
	e = json_pack("{s:I, s:I, s:s}", "seq", (json_int_t)seq, "ts",
	    (json_int_t)(now - 200000 + seq * 97), "conversation", conv);
	switch (rnd(6)) {
	case 0:
		json_object_set_new(e, "type", json_string("contact"));
		json_object_set_new(e, "contact", json_pack("{s:s, s:s}", "name",
		    texts[rnd(8)], "wa_id", "155500"));
		break;
	case 1:
		json_object_set_new(e, "type", json_string("conversation"));
		json_object_set_new(e, "state", json_pack("{s:s, s:s?, s:s?, s:s, "
		    "s:I}", "status", cst[rnd(4)], "assignee", rnd(2) ? "alice" :
		    NULL, "team", rnd(2) ? "tier1" : NULL, "priority", rnd(3) ?
		    "normal" : "urgent", "last_inbound_ts", (json_int_t)now -
		    (json_int_t)rnd(200000)));
		break;
	case 2:
		json_object_set_new(e, "type", json_string("status"));
		json_object_set_new(e, "status", json_pack("{s:s, s:s}", "message",
		    ref, "status", st[rnd(6)]));
		break;
	case 3:
		json_object_set_new(e, "type", json_string("who-knows"));
		break;
	default:
		json_object_set_new(e, "type", json_string("message"));
		m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", id,
		    "direction", dirs[rnd(3)], "kind", kinds[rnd(8)], "from",
		    "155500", "text", texts[rnd(8)], "status", st[rnd(6)]);
		if (rnd(3) == 0)
			json_object_set_new(m, "reply_to", json_string(ref));
		if (rnd(4) == 0)
			json_object_set_new(m, "reaction", json_pack("{s:s, s:s}",
			    "to", ref, "emoji", rnd(2) ? "👍" : ""));
		if (rnd(4) == 0)
			json_object_set_new(m, "media", json_pack("{s:s, s:s, s:s}",
			    "id", "m1", "mime_type", "image/png", "filename",
			    texts[rnd(8)]));
		if (rnd(5) == 0)
			json_object_set_new(m, "location", json_pack("{s:f, s:f}",
			    "latitude", 1.5, "longitude", -2.25));
		json_object_set_new(e, "message", m);
		break;
	}
	return e;
}

static void
test_monkey(void)
{
	static const int keys[] = { 'j', 'k', 'j', 'j', KM_ENTER, KM_ESC, ']', '[',
	    'g', 'G', 'f', 'u', 'n', 'N', KM_KEY(KEY_NPAGE), KM_KEY(KEY_PPAGE), '?',
	    '/', 'a', 'b', 'c', KM_KEY(KEY_BACKSPACE), KM_TAB, 's', 'v', 'r',
	    12 /* C-l */, 'x', KM_KEY(KEY_HOME), KM_KEY(KEY_END), ' ', 'l', 'h' };
	char path[] = "/tmp/ttydesk-monkey-XXXXXX", err[256];
	long long now = (long long)time(NULL);
	struct app app;
	SCREEN *scr;
	FILE *out, *in;
	long seq = 1;
	int fd, round, i;

	if ((fd = mkstemp(path)) < 0)
		return;
	close(fd);
	setenv("COLUMNS", "100", 1);
	setenv("LINES", "30", 1);
	out = fopen(path, "w+");
	in = fopen("/dev/null", "r");
	scr = newterm("xterm-256color", out, in);
	CHECK(scr != NULL);
	if (scr == NULL)
		return;
	CHECK_INT(app_init(&app, NULL, model_new("alice"), err, sizeof err), 0);
	CHECK_INT(ui_init(&app, err, sizeof err), 0);
	app.now = now;
	ui_start_term(&app, scr);
	for (round = 0; round < 2000; round++) {
		int n = (int)rnd(6);
		for (i = 0; i < n; i++) {
			json_t *e = random_event(seq++, now);
			app_apply_json(&app, e);
			json_decref(e);
		}
		app_after_events(&app, 0);
		for (i = (int)rnd(8); i > 0; i--) {
			int k = keys[rnd(sizeof keys / sizeof keys[0])];
			if (k == 's' || k == 'v') /* no relay here: says so */
				k = 'j';
			ui_key(&app, k);
			if (ui_of(&app)->dialog != NULL && rnd(3) == 0)
				ui_key(&app, KM_ESC);
		}
		if (rnd(10) == 0) {
			resizeterm(3 + (int)rnd(60), 10 + (int)rnd(190));
			ui_layout(&app);
		}
		ui_draw(&app);
		CHECK(ui_of(&app)->n_items == 0 || ui_of(&app)->sel < ui_of(&app)->n_items);
		CHECK(ui_of(&app)->cur_queue < ui_of(&app)->n_queues);
		app.quit = false;
		if (round % 50 == 0)
			CHECK(ftruncate(fileno(out), 0) == 0);
	}
	/* The events were real: conversations and messages exist. */
	CHECK(model_count(app.model) >= 8);
	{
		size_t k, msgs = 0;
		for (k = 0; k < model_count(app.model); k++)
			msgs += model_get(app.model, k)->n_messages;
		CHECK(msgs > 100);
		if (getenv("DUMP"))
			fprintf(stderr, "%zu conversations, %zu messages, %ld events\n",
			    model_count(app.model), msgs, seq - 1);
	}
	app_free(&app);
	delscreen(scr);
	fclose(out);
	fclose(in);
	unlink(path);
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	if (getenv("TTYDESK_MONKEY_SEED") != NULL)
		rng = strtoul(getenv("TTYDESK_MONKEY_SEED"), NULL, 10);
	RUN(test_monkey);
	return check_done();
}
