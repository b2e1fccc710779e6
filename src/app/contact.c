/* A customer's contact record at the relay (contact.h). */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "contact.h"
#include "outbox.h"

const char *
contact_path(char *buf, size_t len, const char *wa_id, const char *user_id,
    const char *suffix)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *id = wa_id != NULL && *wa_id != '\0' ? wa_id : user_id;
	const unsigned char *p;
	size_t n;

	if (id == NULL || *id == '\0')
		return NULL;
	n = (size_t)snprintf(buf, len, "/v1/contacts/");
	for (p = (const unsigned char *)id; *p != '\0'; p++) {
		bool plain = (*p >= '0' && *p <= '9') || (*p >= 'a' &&
		    *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '-' ||
		    *p == '_' || *p == '.' || *p == '~';

		if (n + (plain ? 1 : 3) >= len)
			return NULL;
		if (plain) {
			buf[n++] = (char)*p;
		} else {
			buf[n++] = '%';
			buf[n++] = hex[*p >> 4];
			buf[n++] = hex[*p & 15];
		}
	}
	buf[n] = '\0';
	if (n + strlen(suffix) >= len)
		return NULL;
	memcpy(buf + n, suffix, strlen(suffix) + 1);
	return buf;
}

int
contact_note(struct app *app, const char *wa_id, const char *user_id,
    const char *text)
{
	char path[512];
	json_t *body;
	int rc;

	if (contact_path(path, sizeof path, wa_id, user_id, "") == NULL)
		return -1;
	if ((body = json_pack("{s:s}", "note", text)) == NULL) {
		app_error(app, "contact note: out of memory");
		return -1;
	}
	rc = outbox_add_path(app, "", "contact note", path, NULL, body);
	json_decref(body);
	return rc;
}
