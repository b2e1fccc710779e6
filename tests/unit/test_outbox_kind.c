/*
 * Outbox kinds: the name an entry is queued under (and stored under in the
 * cache) maps to its kind, at add and at restore, and the kind says
 * whether a refused entry's text goes back to the draft and whether an
 * acknowledged entry waits for its event.  The stored record keeps the
 * name, so caches written before the kinds existed still load.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "outbox.h"

static void
test_kind_of_name(void)
{
	CHECK_INT(obx_kind("reply"), OBK_REPLY);
	CHECK_INT(obx_kind("note"), OBK_NOTE);
	CHECK_INT(obx_kind("template"), OBK_TEMPLATE);
	CHECK_INT(obx_kind("bulk resolve"), OBK_BULK);
	CHECK_INT(obx_kind("bulk"), OBK_BULK);
	CHECK_INT(obx_kind("claim"), OBK_ACTION);
	CHECK_INT(obx_kind("contact note"), OBK_ACTION);
	CHECK_INT(obx_kind("replying"), OBK_ACTION);
	CHECK_INT(obx_kind(""), OBK_ACTION);
	CHECK(obx_kind_keeps_draft(OBK_REPLY) && obx_kind_keeps_draft(OBK_NOTE));
	CHECK(!obx_kind_keeps_draft(OBK_TEMPLATE) &&
	    !obx_kind_keeps_draft(OBK_ACTION) && !obx_kind_keeps_draft(OBK_BULK));
	CHECK(obx_kind_waits_event(OBK_REPLY) && obx_kind_waits_event(OBK_NOTE) &&
	    obx_kind_waits_event(OBK_TEMPLATE));
	CHECK(!obx_kind_waits_event(OBK_ACTION) && !obx_kind_waits_event(OBK_BULK));
	/* Files: an attachment waits for its message, a template's header
	 * file has no event; both carry bytes, nothing else does. */
	CHECK_INT(obx_kind("attach"), OBK_MEDIA);
	CHECK_INT(obx_kind("upload"), OBK_UPLOAD);
	CHECK(obx_kind_waits_event(OBK_MEDIA) && !obx_kind_waits_event(OBK_UPLOAD));
	CHECK(obx_kind_has_file(OBK_MEDIA) && obx_kind_has_file(OBK_UPLOAD));
	CHECK(!obx_kind_has_file(OBK_REPLY) && !obx_kind_has_file(OBK_TEMPLATE) &&
	    !obx_kind_has_file(OBK_ACTION));
	CHECK(!obx_kind_keeps_draft(OBK_MEDIA));
}

static void
test_kind_survives_cache(void)
{
	struct outbox ob, back;
	struct ob_entry *e, *r;
	json_t *body = json_pack("{s:s}", "text", "hello");
	char *rec;

	memset(&ob, 0, sizeof ob);
	memset(&back, 0, sizeof back);
	e = obx_add(&ob, "c-1", "conv1", "note", "/v1/conversations/conv1/notes",
	    "hello", body);
	CHECK(e != NULL);
	CHECK_INT(e->kind, OBK_NOTE);
	rec = obx_serialize(e);
	CHECK(rec != NULL && strstr(rec, "\"what\":\"note\"") != NULL);
	r = obx_restore(&back, "c-1", rec, strlen(rec));
	CHECK(r != NULL);
	CHECK_INT(r->kind, OBK_NOTE);
	CHECK_STR(r->what, "note");
	free(rec);
	/* A record as an older ttydesk wrote it. */
	rec = "{\"v\":1,\"conv\":\"\",\"what\":\"bulk resolve\",\"path\":\"/v1/bulk\","
	    "\"body\":{\"action\":\"resolve\"}}";
	r = obx_restore(&back, "c-2", rec, strlen(rec));
	CHECK(r != NULL);
	CHECK_INT(r->kind, OBK_BULK);
	obx_free(&ob);
	obx_free(&back);
	json_decref(body);
}

int
main(void)
{
	RUN(test_kind_of_name);
	RUN(test_kind_survives_cache);
	return check_done();
}
