/*
 * Templates as the relay lists them (GET /v1/templates) and the fields an
 * agent fills to send one (pure, unit-tested): the header's text
 * placeholder or media link, the body's positional ({{1}}) or named
 * ({{first_name}}) placeholders, a URL button's suffix and a copy-code
 * button's code.  rtmpl_check() runs the relay's own check
 * (wa_check_template), so the agent sees the very error the relay's
 * 400 template_params would give, before anything is queued.
 *
 * Ownership: a struct rtmpl_list owns its templates and their JSON.
 */
#ifndef TTYDESK_RTMPL_H
#define TTYDESK_RTMPL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct json_t json_t;

enum rtmpl_field_kind {
	RTF_HEADER_TEXT = 0,
	RTF_HEADER_MEDIA,   /* a link to the image, video or document */
	RTF_BODY,           /* positional: name NULL; named: its name */
	RTF_BUTTON_URL,     /* the suffix for {{1}} in a URL button */
	RTF_BUTTON_CODE,    /* a copy-code button's coupon code */
	RTF_BUTTON_PAYLOAD, /* a quick-reply button's payload (optional) */
};

struct rtmpl_field {
	enum rtmpl_field_kind kind;
	char *name;         /* a named body placeholder, or the media type */
	int index;          /* positional number, or the button's index */
	char label[96];     /* what the prompt says */
};

struct rtmpl {
	json_t *tmpl;       /* the template as listed */
	const char *name, *language, *category; /* inside tmpl */
	struct rtmpl_field *fields;
	size_t n_fields;
};

struct rtmpl_list {
	struct rtmpl *t;
	size_t n;
};

/* The APPROVED templates of a GET /v1/templates answer, in its order,
 * of WhatsApp Business Account waba (NULL, or a template that names
 * none: any).  0, or -1 with err (not JSON, no "templates" list). */
int rtmpl_parse(const char *body, size_t len, const char *waba,
    struct rtmpl_list *out, char *err, size_t errlen);
void rtmpl_list_free(struct rtmpl_list *l);
/* A field that may stay empty (a quick-reply payload: Meta then
 * answers with the button's text). */
bool rtmpl_field_optional(const struct rtmpl_field *f);
/* A file of MIME type mime and Meta's kind (wa_media_type) for a media
 * header field: 0, or -1 with why ("an image header takes JPEG or PNG,
 * not application/pdf"). */
int rtmpl_media_ok(const struct rtmpl_field *f, const char *name,
    const char *kind, const char *mime, char *why, size_t whylen);
/* Meta's send components for values[0..n_fields-1]; a media header's
 * value is a link, or "local.<sha256>" (a file kept on the relay), sent
 * as an id.  New reference. */
json_t *rtmpl_components(const struct rtmpl *t, const char *const *values);
/* 0, or -1 with the relay's own reason (wa_check_template). */
int rtmpl_check(const struct rtmpl *t, const char *const *values,
    char *why, size_t whylen);
/* The relay's check of field i alone (the others given values it
 * takes), so a value is refused as soon as it is typed. */
int rtmpl_check_field(const struct rtmpl *t, size_t i, const char *value,
    char *why, size_t whylen);
/* What the customer will read: header, body, footer, buttons, with the
 * values in place.  malloc'd. */
char *rtmpl_preview(const struct rtmpl *t, const char *const *values);
/* "utility, free inside the customer-service window" and the like. */
const char *rtmpl_cost(const struct rtmpl *t, bool window_open);

#endif
