/*
 * The richer sends of POST /v1/conversations/{id}/messages: templates
 * with Meta's components (checked against the template as listed from
 * Meta) and interactive messages (checked against Meta's limits).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ttydesk/wa.h"
#include "ttydesk/wa_check.h"
#include "ttydesk/wa_media.h"

#include "ops.h"
#include "media_store.h"
#include "template.h"

/* The header parameter of a template's components, or NULL. */
static json_t *
op_header_param(json_t *tpl)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(tpl, "components"), i, c) {
		if (json_is_string(json_object_get(c, "type")) &&
		    strcmp(json_string_value(json_object_get(c, "type")),
		    "header") == 0)
			return json_array_get(json_object_get(c, "parameters"), 0);
	}
	return NULL;
}

int
op_local_header(struct relay *r, json_t *tpl, struct op_local *out,
    char *why, size_t whylen)
{
	json_t *p = op_header_param(tpl);
	const char *type = json_string_value(json_object_get(p, "type"));
	const char *id, *mime;
	const struct wa_media_type *t;
	unsigned char head[512];
	char path[4096];
	ssize_t n;
	int fd;

	memset(out, 0, sizeof *out);
	id = type ? json_string_value(json_object_get(json_object_get(p, type),
	    "id")) : NULL;
	if (id == NULL || strncmp(id, "local.", 6) != 0)
		return 0;
	/* The agent's own file, uploaded with send=0: named by its hash. */
	id += 6;
	if (strspn(id, "0123456789abcdef") != 64 || id[64] != '\0' ||
	    r->media == NULL || media_store_path(r->media, id, path,
	    sizeof path) != 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(why, whylen, "the header %s %s is not on the relay: "
		    "upload it first (POST .../media with send=0)", type,
		    id - 6);
		return -1;
	}
	n = read(fd, head, sizeof head);
	close(fd);
	mime = n > 0 ? wa_media_sniff(head, (size_t)n, json_string_value(
	    json_object_get(json_object_get(p, type), "filename"))) : NULL;
	t = mime ? wa_media_type_of(mime, NULL, 0) : NULL;
	if (t == NULL || strcmp(t->kind, type) != 0) {
		snprintf(why, whylen, "the header needs %s %s; the file is %s",
		    strcmp(type, "image") == 0 ? "an" : "a", type,
		    mime ? mime : "of no type Meta takes");
		return -1;
	}
	snprintf(out->file, sizeof out->file, "%s", id);
	snprintf(out->mime, sizeof out->mime, "%s", t->mime);
	return 1;
}

/* waba: the account of the conversation's number (NULL: any), whose
 * templates a template must be one of. */
static int
op_send_check_meta(struct relay *r, json_t *in, const char *waba,
    struct op_result *res)
{
	json_t *inter = json_object_get(in, "interactive");
	json_t *tpl = json_object_get(in, "template"), *known, *comps;
	const char *name, *lang;
	char why[256];
	bool listed;
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
	if ((known = templates_find(r, name, lang, waba, &listed)) == NULL) {
		/* With no listing (no waba_id) the relay cannot tell. */
		if (!listed)
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

/* A template whose header is the agent's own file: the body names the
 * file for the sender, which uploads it and puts Meta's id in place. */
static int
op_send_local_check(struct relay *r, json_t *in, struct op_result *res)
{
	struct op_local l;
	char why[256];

	if (json_is_object(json_object_get(in, "template")) &&
	    op_local_header(r, json_object_get(in, "template"), &l, why,
	    sizeof why) < 0) {
		op_error(res, 400, "template_params", "%s", why);
		return -1;
	}
	return 0;
}

int
op_send_check(struct relay *r, json_t *in, const char *waba,
    struct op_result *res)
{
	if (op_send_check_meta(r, in, waba, res) != 0)
		return -1;
	return op_send_local_check(r, in, res);
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

char *
op_send_local_body(struct relay *r, json_t *in, char *body)
{
	struct op_local l;
	json_t *o;
	char why[256], *out;

	if (body == NULL || !json_is_object(json_object_get(in, "template")) ||
	    op_local_header(r, json_object_get(in, "template"), &l, why,
	    sizeof why) <= 0)
		return body;
	if ((o = json_loads(body, 0, NULL)) == NULL) {
		free(body);
		return NULL;
	}
	free(body);
	json_object_set_new(o, "ttydesk_upload", json_pack("{s:s, s:s, s:s}",
	    "file", l.file, "mime", l.mime, "filename", "header"));
	out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return out;
}

int
op_upload_from(json_t *in, struct op_upload *up)
{
	json_t *u = json_object_get(in, "upload");

	memset(up, 0, sizeof *up);
	up->kind = json_string_value(json_object_get(u, "kind"));
	up->mime = json_string_value(json_object_get(u, "mime"));
	up->file = json_string_value(json_object_get(u, "file"));
	up->size = json_integer_value(json_object_get(u, "size"));
	up->filename = json_string_value(json_object_get(u, "filename"));
	up->caption = json_string_value(json_object_get(u, "caption"));
	up->voice = json_is_true(json_object_get(u, "voice"));
	if (up->kind == NULL || up->mime == NULL || up->file == NULL)
		return -1;
	snprintf(up->id_buf, sizeof up->id_buf, "local.%s", up->file);
	up->media_id = up->id_buf;
	return 0;
}

char *
op_upload_body(const struct op_upload *up, const struct relay_contact *c)
{
	struct wa_recipient to = { c->wa_id, c->wa_id ? NULL : c->user_id };
	json_t *obj = json_object(), *o;
	char *body, *out = NULL;

	/* Meta takes a caption on images, videos and documents, a file
	 * name on documents. */
	if (up->caption != NULL && *up->caption != '\0' &&
	    (strcmp(up->kind, "image") == 0 || strcmp(up->kind, "video") == 0 ||
	    strcmp(up->kind, "document") == 0))
		json_object_set_new(obj, "caption", json_string(up->caption));
	if (up->filename != NULL && strcmp(up->kind, "document") == 0)
		json_object_set_new(obj, "filename", json_string(up->filename));
	/* Meta plays OGG/Opus audio sent so as a voice note. */
	if (up->voice && strcmp(up->kind, "audio") == 0)
		json_object_set_new(obj, "voice", json_true());
	body = wa_build_object(&to, up->kind, obj);
	json_decref(obj);
	if (body == NULL || (o = json_loads(body, 0, NULL)) == NULL) {
		free(body);
		return NULL;
	}
	free(body);
	/* The sender uploads the file, then puts Meta's id in its place. */
	json_object_set_new(o, "ttydesk_upload", json_pack("{s:s, s:s, s:s}",
	    "file", up->file, "mime", up->mime, "filename", up->filename ?
	    up->filename : "file"));
	out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return out;
}

void
op_upload_keep(struct relay *r, const char *conv, const struct op_upload *up)
{
	int64_t now = relay_now(r);

	if (r->media == NULL ||
	    media_store_expect(r->media, up->media_id, conv, up->mime, NULL,
	    now, now) != 0 ||
	    media_store_done(r->media, up->media_id, up->file, up->size,
	    up->mime, now) != 0)
		relay_log("media %s: not kept in the store", up->media_id);
}
