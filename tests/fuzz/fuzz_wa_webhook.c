/*
 * The webhook parser sees bodies written by anyone who can reach the relay
 * (before the signature check rejects them in production, the parser also
 * runs in tests and tools), and the Graph answer parsers see whatever a
 * proxy in between returns.  Invariants: no crash, no leak, every string
 * readable, fingerprints are 64 hex digits, kinds and classes in range.
 */
#include <ctype.h>

#include "fuzz.h"
#include "ttydesk/wa.h"

static void
fuzz_message(const struct td_message *m)
{
	fuzz_str(m->id);
	fuzz_str(m->from);
	fuzz_str(m->text);
	fuzz_str(m->caption);
	fuzz_str(m->reaction_to);
	fuzz_str(m->reaction_emoji);
	fuzz_str(m->reply_to);
	fuzz_str(m->agent);
	fuzz_str(m->client_id);
	fuzz_str(m->error.title);
	fuzz_str(m->error.details);
	fuzz_str(m->wamid);
	FUZZ_ASSERT(m->kind >= TD_KIND_TEXT && m->kind <= TD_KIND_UNSUPPORTED);
	FUZZ_ASSERT(m->status >= TD_MS_RECEIVED && m->status <= TD_MS_FAILED);
	if (m->media != NULL) {
		fuzz_str(m->media->id);
		fuzz_str(m->media->mime_type);
		fuzz_str(m->media->filename);
		fuzz_str(m->media->sha256);
	}
	if (m->location != NULL) {
		fuzz_str(m->location->name);
		fuzz_str(m->location->address);
	}
}

static void
fuzz_item(const struct wa_item *it)
{
	size_t i;

	FUZZ_ASSERT(it->kind >= WA_ITEM_MESSAGE && it->kind <= WA_ITEM_SYSTEM);
	fuzz_str(it->phone_number_id);
	fuzz_str(it->display_phone_number);
	fuzz_str(it->customer.wa_id);
	fuzz_str(it->customer.user_id);
	fuzz_str(it->customer.parent_user_id);
	fuzz_str(it->customer.username);
	fuzz_str(it->customer.name);
	fuzz_str(it->pricing_category);
	fuzz_str(it->wa_type);
	fuzz_str(it->reply_id);
	fuzz_str(it->referral_headline);
	fuzz_str(it->referral_url);
	fuzz_str(it->new_wa_id);
	FUZZ_ASSERT(strlen(it->fingerprint) == 64);
	for (i = 0; i < 64; i++)
		FUZZ_ASSERT(isxdigit((unsigned char)it->fingerprint[i]));
	if (it->kind == WA_ITEM_STATUS) {
		fuzz_str(it->status.message);
		fuzz_str(it->status.error.title);
		fuzz_str(it->status.error.details);
		FUZZ_ASSERT(it->status.status >= TD_MS_RECEIVED &&
		    it->status.status <= TD_MS_FAILED);
	} else
		fuzz_message(&it->message);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct wa_webhook w;
	struct wa_error_info ei;
	char err[256], *wamid;
	size_t i;

	memset(&w, 0, sizeof w);
	err[0] = '\0';
	if (wa_parse_webhook(body, size, &w, err, sizeof err) == 0) {
		for (i = 0; i < w.n_items; i++)
			fuzz_item(&w.items[i]);
	} else
		FUZZ_ASSERT(err[0] != '\0' && memchr(err, '\0', sizeof err));
	wa_webhook_free(&w);

	wamid = wa_parse_send_response(body, size);
	fuzz_str(wamid);
	free(wamid);

	wa_classify_error(size > 0 ? 200 + (long)data[0] * 2 : 500, body, size,
	    &ei);
	FUZZ_ASSERT(ei.cls >= WA_ERR_NONE && ei.cls <= WA_ERR_PERMANENT);
	FUZZ_ASSERT(memchr(ei.title, '\0', sizeof ei.title) != NULL);
	FUZZ_ASSERT(memchr(ei.details, '\0', sizeof ei.details) != NULL);
	fuzz_str(wa_error_class_name(ei.cls));
	return 0;
}
