/*
 * WhatsApp Cloud API codec: webhook bodies in, Graph API request bodies out,
 * Graph API errors classified.  No I/O here; the relay does the HTTP.
 *
 * Ownership: wa_webhook_free() releases everything wa_parse_webhook() made.
 * Builders return a malloc'd NUL-terminated JSON string the caller frees.
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
};

struct wa_webhook {
	struct wa_item *items;
	size_t n_items;
};

/* Parse a webhook body.  Returns 0, or -1 with a message in err when the
 * body is not JSON, not an object with object == "whatsapp_business_account",
 * or has no entry array.  Inside a valid envelope nothing is dropped: an
 * unknown or malformed message becomes TD_KIND_UNSUPPORTED with a text saying
 * what was wrong. */
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
/* Interactive reply buttons (at most 3), e.g. the CSAT question. */
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
