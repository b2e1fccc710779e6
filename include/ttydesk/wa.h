/*
 * WhatsApp Cloud API codec: webhook bodies in, Graph API request bodies out,
 * Graph API errors classified.  No I/O here; the relay does the HTTP.
 *
 * Ownership: wa_webhook_free() releases everything wa_parse_webhook() made.
 * Builders return a malloc'd NUL-terminated JSON string the caller frees,
 * or NULL when an argument is unusable (no recipient, NULL/empty required
 * string, invalid UTF-8, limits below) or memory ran out.
 */
#ifndef TTYDESK_WA_H
#define TTYDESK_WA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ttydesk/event.h"

enum wa_item_kind {
	WA_ITEM_MESSAGE = 0, /* a customer's message (any type) */
	WA_ITEM_STATUS,      /* sent/delivered/read/failed of one of ours */
	WA_ITEM_SYSTEM,      /* number/identity change: also a message, kind unsupported-like text */
};

/* Who the customer is.  At least one of wa_id / user_id is set whenever the
 * body names the customer; a malformed body that names nobody leaves both
 * NULL (and message.from NULL): the item is still returned, never dropped. */
struct wa_customer {
	char *wa_id;          /* phone number as digits, NULL when withheld */
	char *user_id;        /* BSUID, e.g. "US.13491208655302741918" */
	char *parent_user_id;
	char *username;
	char *name;           /* profile name */
};

struct wa_item {
	enum wa_item_kind kind;
	char *phone_number_id;       /* metadata of the change */
	char *display_phone_number;
	struct wa_customer customer;
	int64_t ts;                  /* Meta's timestamp */
	/* WA_ITEM_MESSAGE / WA_ITEM_SYSTEM: direction in, status received,
	 * id = wamid, from = wa_id else user_id. */
	struct td_message message;
	/* Hex SHA-256 of the message (or status) object in canonical form
	 * (sorted keys, compact): a redelivery has the same fingerprint,
	 * a different message reusing a placeholder wamid does not. */
	char fingerprint[65];
	/* WA_ITEM_STATUS */
	struct td_status_update status;
	char *pricing_category; /* may be NULL */

	/* Additions (all may be NULL / false). */
	char *wa_type;        /* the type or status name as Meta sent it:
	                       * "order", "system", "nfm_reply", "played", ... */
	char *reply_id;       /* interactive button_reply/list_reply id or
	                       * quick-reply button payload (e.g. a CSAT score) */
	bool voice;           /* audio recorded as a voice note */
	bool animated;        /* animated sticker */
	bool forwarded;
	bool frequently_forwarded;
	char *referral_headline; /* the customer came from an ad or post */
	char *referral_url;
	char *new_wa_id;      /* WA_ITEM_SYSTEM number change: the new number */
	char *new_user_id;    /* WA_ITEM_SYSTEM user id change: the new BSUID */
	/* Coexistence with the WhatsApp Business app: an smb_message_echoes
	 * message (sent from the app: direction out, customer = "to"), or a
	 * history message (past chat; out when the business sent it). */
	bool echo;
	bool history;
};

/* A message_template_status_update change: a template of the WhatsApp
 * Business Account waba_id (the entry's id) changed status. */
struct wa_template_update {
	char *waba_id;
	char *id;        /* message_template_id, as text */
	char *name;
	char *language;
	char *event;     /* APPROVED, REJECTED, PAUSED, DISABLED, ... */
	char *reason;    /* or NULL */
	char *category;  /* or NULL */
};

struct wa_webhook {
	struct wa_item *items;
	size_t n_items;
	struct wa_template_update *templates; /* field message_template_status_update */
	size_t n_templates;
};

/* Parse a webhook body.  Returns 0, or -1 with a message in err when the
 * body is not JSON, not an object with object == "whatsapp_business_account",
 * or has no entry array.  Inside a valid envelope nothing is dropped: an
 * unknown or malformed message becomes TD_KIND_UNSUPPORTED with a text saying
 * what was wrong.
 *
 * The customer: the object's own ids (from / from_user_id, recipient_id /
 * recipient_user_id) first, then the change's contacts[] entry with the
 * same wa_id or user_id (or the only entry) for the rest and the names.
 * Items come in body order (entry, change, messages[] then statuses[]);
 * field "smb_message_echoes" gives its message_echoes[] as items with
 * echo set, field "history" each history[].threads[].messages[] with
 * history set (the thread id is the customer); other fields are skipped, array members that
 * are not objects carry nothing and give no item.  How the types map:
 *   text/image/video/audio/document/sticker/contacts/reaction/button/
 *   interactive: the kind of the same name.  Media: media filled, the
 *   customer's caption in caption.  contacts: text "Ann Lee (+1 555); Bo".
 *   reaction: reaction_to, reaction_emoji ("" when empty or missing =
 *   removal).  button: text, reply_id = payload.  interactive button_reply
 *   / list_reply: text = title, caption = description, reply_id = id;
 *   nfm_reply: text "Flow response: field: value, ..." (wa_type "nfm_reply").
 *   location: TD_KIND_LOCATION when latitude/longitude (numbers or numeric
 *   strings) are valid; otherwise TD_KIND_UNSUPPORTED whose text keeps the
 *   name, address and the bad values (never a made-up 0,0 point).
 *   order: TD_KIND_TEXT, text "Order from catalog C: N items, total T CUR"
 *   plus one line per item, annotation "[Order]", caption the customer's note.
 *   system: item kind WA_ITEM_SYSTEM, message kind TD_KIND_UNSUPPORTED,
 *   text "System notice: <body>", wa_type "system/<type>", new_wa_id
 *   (system.new_wa_id or wa_id), new_user_id (new_user_id or user_id).
 *   unsupported/unknown/other types: TD_KIND_UNSUPPORTED, text e.g.
 *   "unsupported message type 'foo'" plus errors[0] "title (details)
 *   [code N]"; a message without "type" is read from the one type object
 *   it carries.
 * Labels Meta adds go in brackets in message.annotation, never into the
 * customer's text or caption, e.g. "[Forwarded] [From ad: Summer sale]":
 * [Voice message], [Animated sticker], [Order], [Forwarded], [Frequently
 * forwarded], [About product SKU], [From ad: headline]; the flags are
 * also in the item.
 * Timestamps that are not numbers or numeric strings give ts 0.  Statuses:
 * "played" counts as read; an unknown status name gives TD_MS_RECEIVED
 * (never moves a message) with the name in wa_type.  Embedded \u0000 in a
 * string becomes U+FFFD; every string is valid UTF-8. */
int wa_parse_webhook(const char *body, size_t len, struct wa_webhook *out,
    char *err, size_t errlen);
void wa_webhook_free(struct wa_webhook *w);

/* Recipient: a phone (wa_id) is sent as "to", else the BSUID as "recipient". */
struct wa_recipient {
	const char *wa_id;
	const char *user_id;
};

char *wa_build_text(const struct wa_recipient *to, const char *body,
    const char *reply_to_wamid);
/* params: n_params strings for the body component {{1}}..{{n}}. */
char *wa_build_template(const struct wa_recipient *to, const char *name,
    const char *language, const char *const *params, size_t n_params);
char *wa_build_reaction(const struct wa_recipient *to, const char *wamid,
    const char *emoji);
char *wa_build_mark_read(const char *wamid);
/* The typing indicator for the customer's message wamid (it marks that
 * message read too): a read receipt with "typing_indicator". */
char *wa_build_typing(const char *wamid);
/* Interactive reply buttons (1 to 3), e.g. the CSAT question.  Limits as
 * Meta's: titles 1..20 characters, ids 1..256 bytes, body 1..1024
 * characters; the customer's tap comes back as an interactive
 * button_reply whose id is in wa_item.reply_id. */
char *wa_build_buttons(const struct wa_recipient *to, const char *body,
    const char *const *ids, const char *const *titles, size_t n);
/* From a Graph send answer: the wamid of messages[0], malloc'd, or NULL. */
char *wa_parse_send_response(const char *body, size_t len);

enum wa_error_class {
	WA_ERR_NONE = 0,     /* 2xx */
	WA_ERR_RETRY,        /* transient: retry later with backoff */
	WA_ERR_RATE_LIMITED, /* throughput/rate limits: retry with longer backoff */
	WA_ERR_WINDOW_CLOSED,/* 131047: send a template instead */
	WA_ERR_AUTH,         /* token/config/account: alert the operator, no retry */
	WA_ERR_PERMANENT,    /* no retry; tell the agent */
};

struct wa_error_info {
	enum wa_error_class cls;
	int code;        /* Graph error code, 0 when none could be read */
	char title[160]; /* human title, e.g. "Re-engagement message" */
	char details[256];
};

/* Classify a Graph API answer from its HTTP status and body (body may be
 * NULL or garbage: then the HTTP status decides). */
void wa_classify_error(long http_status, const char *body, size_t len,
    struct wa_error_info *out);
const char *wa_error_class_name(enum wa_error_class c);

#endif
