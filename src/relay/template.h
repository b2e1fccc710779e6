/*
 * Meta's message templates, as last listed from each WhatsApp Business
 * Account (fetcher.c) and updated by message_template_status_update
 * webhooks; kept in memory for GET /v1/templates and the checks of
 * template sends, and in the store's meta table ("templates") so a
 * restarted relay has them before its first listing.
 *
 * Each template: {"waba_id", "id"?, "name", "language", "category",
 * "status", "components": [..]}.  Thread-safe.
 */
#ifndef RELAY_TEMPLATE_H
#define RELAY_TEMPLATE_H

#include <jansson.h>

#include "ttydesk/wa.h"

#include "relay.h"

int templates_init(struct relay *r, char *err, size_t errlen);
void templates_free(struct relay *r);
/* {"templates": [..]}, a new object. */
json_t *templates_list(struct relay *r);
/* A copy of the template of that name and language in account waba
 * (NULL: any account), or NULL.  *listed: whether any template of that
 * account is known (without a listing the relay cannot tell). */
json_t *templates_find(struct relay *r, const char *name,
    const char *language, const char *waba, bool *listed);
/* A full listing of waba (takes list): replaces its templates, through
 * the writer, which stores them. */
void templates_replace(struct relay *r, const char *waba, json_t *list);
/* Writer thread: a status update from a webhook.  0 applied, 1 the
 * template is unknown (list again), -1 store error. */
int templates_on_update(struct relay *r, const struct wa_template_update *u);

/* A WhatsApp Business Account whose templates the relay lists, and the
 * number whose token lists them (NULL: the default token). */
struct templates_waba {
	const char *waba;
	const char *number;
};

/* Every account once: [whatsapp] waba_id, then each [number]'s.  The
 * strings are the configuration's. */
size_t templates_wabas(const struct relay_config *cfg,
    struct templates_waba *out, size_t max);

#endif
