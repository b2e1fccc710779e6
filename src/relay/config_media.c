/*
 * [media] (the relay's store of inbound media) and the template
 * settings of [whatsapp]: waba_id and template_refresh.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/ini.h"
#include "ttydesk/vec.h"

#include "config.h"

#define MEDIA_DEFAULT_HOSTS "*.fbsbx.com, *.whatsapp.net"

/* "20G", "500M", "64K" or a plain byte count; -1 when malformed. */
static int
config_media_size(const char *v, uint64_t *out)
{
	static const char units[] = "KMGT";
	const char *u;
	char *end;
	unsigned long long n;
	uint64_t mul = 1;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		if ((u = strchr(units, toupper((unsigned char)*end))) == NULL)
			return -1;
		mul = 1ULL << (10 * (u - units + 1));
	}
	if (*end != '\0' && end[1] != '\0' && !(toupper((unsigned char)end[1]) ==
	    'B' && end[2] == '\0'))
		return -1;
	if (n > UINT64_MAX / mul)
		return -1;
	*out = (uint64_t)n * mul;
	return 0;
}

/* Splits "a, b,c" into trimmed, lower-case patterns. */
static int
config_media_hosts(struct relay_media_config *m, const char *v)
{
	const char *p = v;

	while (*p != '\0') {
		const char *start, *end;
		char *h;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		start = p;
		while (*p != '\0' && *p != ',')
			p++;
		end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end == start)
			continue;
		if (vec_add_strn(&m->hosts, &m->n_hosts, start,
		    (size_t)(end - start)) != 0)
			return -1;
		for (h = m->hosts[m->n_hosts - 1]; *h != '\0'; h++)
			*h = (char)tolower((unsigned char)*h);
	}
	return 0;
}

static int
config_media_duration(const char *path, const char *sec, const char *key,
    const char *v, int64_t *out, char *err, size_t errlen)
{
	long long d;

	if (v == NULL)
		return 0;
	if (strcmp(v, "0") == 0 || strcmp(v, "forever") == 0) {
		*out = 0;
		return 0;
	}
	if ((d = ini_parse_duration(v)) <= 0) {
		snprintf(err, errlen, "%s: [%s] %s: bad duration '%s'", path, sec,
		    key, v);
		return -1;
	}
	*out = d;
	return 0;
}

int
config_media_load(struct relay_config *cfg, const struct ini *ini, char *err,
    size_t errlen)
{
	struct relay_media_config *m = &cfg->media;
	const char *v;

	v = ini_get(ini, "media", "dir");
	if ((m->dir = config_resolve_path(cfg->path, v ? v : "media")) == NULL)
		goto nomem;
	m->retention = 180 * 86400;
	if (config_media_duration(cfg->path, "media", "retention",
	    ini_get(ini, "media", "retention"), &m->retention, err, errlen) != 0)
		return -1;
	m->max_total = 20ULL << 30;
	if ((v = ini_get(ini, "media", "max_total")) != NULL &&
	    config_media_size(v, &m->max_total) != 0) {
		snprintf(err, errlen, "%s: [media] max_total: not a size: %s",
		    cfg->path, v);
		return -1;
	}
	v = ini_get(ini, "media", "download_hosts");
	if (config_media_hosts(m, v ? v : MEDIA_DEFAULT_HOSTS) != 0)
		goto nomem;
	if ((v = ini_get(ini, "whatsapp", "waba_id")) != NULL && *v != '\0' &&
	    (cfg->waba_id = strdup(v)) == NULL)
		goto nomem;
	cfg->template_refresh = 3600;
	if (config_media_duration(cfg->path, "whatsapp", "template_refresh",
	    ini_get(ini, "whatsapp", "template_refresh"), &cfg->template_refresh,
	    err, errlen) != 0)
		return -1;
	return 0;
nomem:
	snprintf(err, errlen, "%s: out of memory", cfg->path);
	return -1;
}

void
config_media_free(struct relay_config *cfg)
{
	free(cfg->media.dir);
	vec_free(&cfg->media.hosts, &cfg->media.n_hosts,
	    sizeof *cfg->media.hosts, vec_clear_str);
	free(cfg->waba_id);
	memset(&cfg->media, 0, sizeof cfg->media);
	cfg->waba_id = NULL;
}
