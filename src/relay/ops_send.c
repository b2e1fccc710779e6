/*
 * The richer sends of POST /v1/conversations/{id}/messages: templates
 * with Meta's components (checked against the template as listed from
 * Meta) and interactive messages (checked against Meta's limits).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/wa.h"
#include "ttydesk/wa_check.h"

#include "ops.h"
#include "template.h"

int
op_send_check(struct relay *r, json_t *in, struct op_result *res)
{
	json_t *inter = json_object_get(in, "interactive");
	json_t *tpl = json_object_get(in, "template"), *known, *comps;
	const char *name, *lang;
	char why[256];
	size_t n_known;
	int rc;

	if (inter != NULL && !json_is_null(inter)) {
		if (wa_check_interactive(inter, why, sizeof why) != 0) {
			op_error(res, 400, "interactive_invalid", "%s", why);
			return -1;
		}
		return 0;
	}
	if (!json_is_object(tpl) || r->templates == NULL)
		return 0;
	name = json_string_value(json_object_get(tpl, "name"));
	lang = json_string_value(json_object_get(tpl, "language"));
	comps = json_object_get(tpl, "components");
	if ((known = templates_find(r, name, lang)) == NULL) {
		/* With no listing (no waba_id) the relay cannot tell. */
		json_t *all = templates_list(r);

		n_known = json_array_size(json_object_get(all, "templates"));
		json_decref(all);
		if (n_known == 0)
			return 0;
		op_error(res, 400, "template_params", "no template %s in "
		    "language %s", name, lang);
		return -1;
	}
	if (comps != NULL)
		rc = wa_check_template(known, comps, why, sizeof why);
	else
		rc = wa_check_template_params(known, json_object_get(tpl,
		    "params"), why, sizeof why);
	json_decref(known);
	if (rc != 0) {
		op_error(res, 400, "template_params", "%s", why);
		return -1;
	}
	return 0;
}

char *
op_send_body(json_t *in, const struct wa_recipient *to)
{
	json_t *inter = json_object_get(in, "interactive");
	json_t *tpl = json_object_get(in, "template"), *o;
	char *body;

	if (json_is_object(inter))
		return wa_build_object(to, "interactive", inter);
	if (!json_is_object(tpl) || json_object_get(tpl, "components") == NULL)
		return NULL;
	o = json_pack("{s:O, s:{s:O}, s:O}", "name", json_object_get(tpl,
	    "name"), "language", "code", json_object_get(tpl, "language"),
	    "components", json_object_get(tpl, "components"));
	body = o ? wa_build_object(to, "template", o) : NULL;
	json_decref(o);
	return body;
}
