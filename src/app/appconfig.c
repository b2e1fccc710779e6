/* Loading the agent's config file. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ttydesk/freeall.h"
#include "ttydesk/ini.h"
#include "ttydesk/secfile.h"
#include "appconfig.h"
#include "picmode.h"

const char *
appconfig_default_path(char *buf, size_t len)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (x != NULL && *x == '/')
		snprintf(buf, len, "%s/ttydesk/config", x);
	else
		snprintf(buf, len, "%s/.config/ttydesk/config",
		    home != NULL ? home : ".");
	return buf;
}

char *
appconfig_expand(const char *dir, const char *path)
{
	const char *home = getenv("HOME");
	size_t n;
	char *out;

	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
		if (home == NULL)
			home = "";
		n = strlen(home) + strlen(path) + 1;
		if ((out = malloc(n)) != NULL)
			snprintf(out, n, "%s%s", home, path + 1);
		return out;
	}
	if (path[0] == '/' || dir == NULL || *dir == '\0')
		return strdup(path);
	n = strlen(dir) + strlen(path) + 2;
	if ((out = malloc(n)) != NULL)
		snprintf(out, n, "%s/%s", dir, path);
	return out;
}

static char *
appconfig_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* A path key: NULL when absent, else expanded. */
static int
appconfig_path(struct appconfig *cfg, const char *dir, const char *section,
    const char *key, char **out)
{
	const char *v = ini_get(&cfg->ini, section, key);

	*out = NULL;
	if (v == NULL || *v == '\0')
		return 0;
	return (*out = appconfig_expand(dir, v)) != NULL ? 0 : -1;
}

static int
appconfig_string(struct appconfig *cfg, const char *section, const char *key,
    const char *def, char **out)
{
	const char *v = ini_get(&cfg->ini, section, key);

	*out = NULL;
	if (v == NULL || *v == '\0')
		v = def;
	if (v == NULL)
		return 0;
	return (*out = strdup(v)) != NULL ? 0 : -1;
}

static char *
appconfig_default_cache(const char *profile)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char buf[4096];

	if (x != NULL && *x == '/')
		snprintf(buf, sizeof buf, "%s/ttydesk/%s", x, profile);
	else
		snprintf(buf, sizeof buf, "%s/.cache/ttydesk/%s",
		    home != NULL ? home : ".", profile);
	return strdup(buf);
}

/* Milliseconds, "120" or "120ms"; 0 makes the preview follow at once. */
/* [ui] images = auto (detected) | symbols | kitty | sixel | off. */
static int
appconfig_images(struct appconfig *cfg, char *err, size_t errlen)
{
	const char *v = ini_get(&cfg->ini, "ui", "images");
	enum picmode m = PICMODE_AUTO;

	if (v != NULL && picmode_parse(v, &m) != 0) {
		snprintf(err, errlen, "%s: [ui] images must be auto, symbols, "
		    "kitty, sixel or off, not '%s'", cfg->path, v);
		return -1;
	}
	cfg->image_mode = (int)m;
	cfg->images = m != PICMODE_OFF;
	return 0;
}

static int
appconfig_preview_delay(struct appconfig *cfg, char *err, size_t errlen)
{
	const char *v = ini_get(&cfg->ini, "ui", "preview_delay");
	char *end;
	long ms;

	if (v == NULL)
		return 0;
	errno = 0;
	ms = strtol(v, &end, 10);
	if (end != v && strcmp(end, "ms") == 0)
		end += 2;
	if (errno != 0 || end == v || *end != '\0' || ms < 0 || ms > 5000 ||
	    v[0] == '-' || v[0] == '+' || v[0] == ' ') {
		snprintf(err, errlen, "%s: [ui] preview_delay must be a number "
		    "of milliseconds from 0 to 5000, not '%s'", cfg->path, v);
		return -1;
	}
	cfg->preview_delay_ms = (int)ms;
	return 0;
}

/* True when the host of url (after "scheme://") is this machine:
 * 127.0.0.0/8, ::1 or localhost. */
static bool
appconfig_loopback(const char *url)
{
	char host[256];
	const char *p = strstr(url, "://"), *end, *at;
	struct in_addr a4;
	struct in6_addr a6;
	size_t n;

	p = p != NULL ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	/* user@host: the host is after the last '@' before the path. */
	while ((at = memchr(p, '@', (size_t)(end - p))) != NULL)
		p = at + 1;
	if (*p == '[') {
		p++;
		n = strcspn(p, "]");
	} else {
		n = strcspn(p, ":/?#");
	}
	if (n == 0 || n >= sizeof host || p + n > end)
		return false;
	memcpy(host, p, n);
	host[n] = '\0';
	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &a6) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&a6);
}

/* Plain http:// sends the token and every message readable on the way:
 * only to this machine, unless the config says it knowingly. */
static int
appconfig_check_http(struct appconfig *cfg, char *err, size_t errlen)
{
	const char *v = ini_get(&cfg->ini, "relay", "allow_insecure");
	int b = 0;

	if (v != NULL && (b = ini_parse_bool(v)) < 0) {
		snprintf(err, errlen, "%s: [relay] allow_insecure must be yes or "
		    "no, not '%s'", cfg->path, v);
		return -1;
	}
	if (strncmp(cfg->relay_url, "http://", 7) != 0 || b == 1 ||
	    appconfig_loopback(cfg->relay_url))
		return 0;
	snprintf(err, errlen, "%s: [relay] url is plain http:// to another "
	    "machine (%s): the token and the messages would cross the network "
	    "unencrypted; use https://, or add allow_insecure = yes to "
	    "[relay] if the path is private", cfg->path, cfg->relay_url);
	return -1;
}

int
appconfig_parse_window(const char *v, long long *seconds)
{
	static const struct { char unit; long long s; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
		{ 'w', 7 * 86400 },
	};
	char *end;
	long long n;
	size_t i;

	if (strcmp(v, "all") == 0) {
		*seconds = 0;
		return 0;
	}
	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || n <= 0 || n > 100000 || end[0] == '\0' ||
	    end[1] != '\0')
		return -1;
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (units[i].unit == *end) {
			*seconds = n * units[i].s;
			return 0;
		}
	}
	return -1;
}

static int
appconfig_window(struct appconfig *cfg, char *err, size_t errlen)
{
	const char *v = ini_get(&cfg->ini, "cache", "window");

	if (v == NULL || appconfig_parse_window(v, &cfg->window_s) == 0)
		return 0;
	snprintf(err, errlen, "%s: [cache] window must be a length such as "
	    "30d, 12h or 2w, or all, not '%s'", cfg->path, v);
	return -1;
}

static int
appconfig_check(struct appconfig *cfg, char *err, size_t errlen)
{
	char why[512];
	const char *bell;
	int b;

	if (cfg->relay_url == NULL) {
		snprintf(err, errlen, "%s: [relay] url is missing (e.g. url = "
		    "https://relay.example.com)", cfg->path);
		return -1;
	}
	if (strncmp(cfg->relay_url, "http://", 7) != 0 &&
	    strncmp(cfg->relay_url, "https://", 8) != 0) {
		snprintf(err, errlen, "%s: [relay] url must start with https:// "
		    "or http://", cfg->path);
		return -1;
	}
	if (cfg->token_file == NULL) {
		snprintf(err, errlen, "%s: [relay] token_file is missing (the file "
		    "holding the token `ttydesk-relay add-agent` printed)",
		    cfg->path);
		return -1;
	}
	if (secfile_check(cfg->token_file, why, sizeof why) != 0) {
		snprintf(err, errlen, "token_file: %s", why);
		return -1;
	}
	/* passphrase_command and open_command are run: whoever can edit
	 * the file could run anything as the agent. */
	if ((cfg->passphrase_command != NULL || cfg->open_command != NULL) &&
	    secfile_check_trusted(cfg->path, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s (it sets %s)", why,
		    cfg->passphrase_command != NULL ? "[cache] passphrase_command" :
		    "[ui] open_command");
		return -1;
	}
	if (cfg->key_file != NULL && cfg->passphrase_command != NULL) {
		snprintf(err, errlen, "%s: [cache] has both key_file and "
		    "passphrase_command; keep one", cfg->path);
		return -1;
	}
	bell = ini_get(&cfg->ini, "ui", "bell");
	if (bell != NULL) {
		if ((b = ini_parse_bool(bell)) < 0) {
			snprintf(err, errlen, "%s: [ui] bell must be on or off, not "
			    "'%s'", cfg->path, bell);
			return -1;
		}
		cfg->bell = b != 0;
	}
	if (appconfig_window(cfg, err, errlen) != 0 ||
	    appconfig_preview_delay(cfg, err, errlen) != 0 ||
	    appconfig_images(cfg, err, errlen) != 0)
		return -1;
	return appconfig_check_http(cfg, err, errlen);
}

int
appconfig_load(struct appconfig *cfg, const char *path, const char *profile,
    char *err, size_t errlen)
{
	char *dir = NULL;
	int rc = -1;

	memset(cfg, 0, sizeof *cfg);
	cfg->bell = true;
	cfg->preview_delay_ms = APPCONFIG_PREVIEW_DELAY_MS;
	cfg->window_s = APPCONFIG_WINDOW_S;
	snprintf(err, errlen, "out of memory");
	if ((cfg->path = strdup(path)) == NULL ||
	    (cfg->profile = strdup(profile ? profile : "default")) == NULL)
		goto out;
	if (ini_load(path, &cfg->ini, err, errlen) != 0)
		goto out;
	snprintf(err, errlen, "out of memory");
	if ((dir = appconfig_dirname(path)) == NULL)
		goto out;
	if (appconfig_string(cfg, "relay", "url", NULL, &cfg->relay_url) != 0 ||
	    appconfig_path(cfg, dir, "relay", "token_file", &cfg->token_file) != 0 ||
	    appconfig_path(cfg, dir, "relay", "ca_file", &cfg->ca_file) != 0 ||
	    appconfig_path(cfg, dir, "cache", "dir", &cfg->cache_dir) != 0 ||
	    appconfig_path(cfg, dir, "cache", "key_file", &cfg->key_file) != 0 ||
	    appconfig_string(cfg, "cache", "passphrase_command", NULL,
	    &cfg->passphrase_command) != 0 ||
	    appconfig_string(cfg, "ui", "theme", "default", &cfg->theme) != 0 ||
	    appconfig_string(cfg, "ui", "open_command", NULL,
	    &cfg->open_command) != 0)
		goto out;
	if (cfg->cache_dir == NULL &&
	    (cfg->cache_dir = appconfig_default_cache(cfg->profile)) == NULL)
		goto out;
	/* A trailing slash would double in request paths. */
	while (strlen(cfg->relay_url ? cfg->relay_url : "") > 8 &&
	    cfg->relay_url[strlen(cfg->relay_url) - 1] == '/')
		cfg->relay_url[strlen(cfg->relay_url) - 1] = '\0';
	rc = appconfig_check(cfg, err, errlen);
out:
	free(dir);
	if (rc != 0)
		appconfig_free(cfg);
	return rc;
}

void
appconfig_free(struct appconfig *cfg)
{
	FREE_ALL(cfg->path, cfg->profile, cfg->relay_url, cfg->token_file,
	    cfg->ca_file, cfg->cache_dir, cfg->key_file,
	    cfg->passphrase_command, cfg->theme, cfg->open_command);
	ini_free(&cfg->ini);
	memset(cfg, 0, sizeof *cfg);
}

char *
appconfig_read_token(const struct appconfig *cfg, size_t *len, char *err,
    size_t errlen)
{
	char why[512], *tok;

	tok = secfile_read(cfg->token_file, 4096, 1, len, why, sizeof why);
	if (tok == NULL) {
		snprintf(err, errlen, "token_file: %s", why);
		return NULL;
	}
	if (*len == 0) {
		secfile_wipe(tok, *len);
		snprintf(err, errlen, "token_file %s is empty; put the token "
		    "`ttydesk-relay add-agent` printed in it", cfg->token_file);
		return NULL;
	}
	return tok;
}

/* Every key ttydesk reads, by section (add a key here when adding it);
 * NULL: a section whose keys are names the agent chooses. */
static const struct {
	const char *section;
	const char *keys;
} appconfig_known[] = {
	{ "relay", " url token_file ca_file allow_insecure " },
	{ "cache", " dir key_file passphrase_command window " },
	{ "ui", " theme open_command bell confirm preview_delay images "
	    "number " },
	{ "keys", NULL },
	{ "compose_keys", NULL },
	{ "templates", NULL },
	{ "canned", NULL },
	{ "interactive", NULL },
};

size_t
appconfig_unknown(const struct appconfig *cfg, char *buf, size_t len)
{
	const struct ini_entry *e;
	char word[130];
	size_t i, j, n = 0;

	buf[0] = '\0';
	for (i = 0; i < cfg->ini.n; i++) {
		e = &cfg->ini.entries[i];
		for (j = 0; j < sizeof appconfig_known / sizeof
		    appconfig_known[0]; j++)
			if (strcmp(e->section, appconfig_known[j].section) == 0)
				break;
		if (j < sizeof appconfig_known / sizeof appconfig_known[0]) {
			snprintf(word, sizeof word, " %s ", e->key);
			if (appconfig_known[j].keys == NULL ||
			    strstr(appconfig_known[j].keys, word) != NULL)
				continue;
		}
		if (n++ > 0)
			continue;
		if (j < sizeof appconfig_known / sizeof appconfig_known[0])
			snprintf(buf, len, "line %d: unknown key '%s' in [%s]",
			    e->line, e->key, e->section);
		else if (e->section[0] == '\0')
			snprintf(buf, len, "line %d: '%s' before any [section]",
			    e->line, e->key);
		else
			snprintf(buf, len, "line %d: unknown section [%s]",
			    e->line, e->section);
	}
	return n;
}
