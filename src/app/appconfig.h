/*
 * The agent's config file (spec/ttydesk-config.md): where the relay is,
 * which files hold the token and cache key, theme, bell, [keys],
 * [templates], [canned].  Paths are expanded (~ and relative to the
 * config file's folder) when loaded.
 *
 * Ownership: appconfig_free() releases every string and the INI document.
 */
#ifndef TTYDESK_APPCONFIG_H
#define TTYDESK_APPCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "ttydesk/ini.h"

/* [ui] preview_delay when unset: above key repeat's 25-40 ms, below what
 * an agent notices after one press. */
#define APPCONFIG_PREVIEW_DELAY_MS 120
/* [cache] window when unset: a month of recent work stays local. */
#define APPCONFIG_WINDOW_S (30 * 24 * 3600)

struct appconfig {
	char *path;        /* the config file */
	char *profile;
	char *relay_url;
	char *token_file;
	char *ca_file;     /* NULL: system CAs */
	char *cache_dir;
	char *key_file;
	char *passphrase_command;
	char *theme;
	char *open_command; /* [ui] open_command, NULL when unset */
	bool bell;
	bool images;       /* [ui] images is not off */
	int image_mode;    /* enum picmode: auto, symbols, kitty, sixel, off */
	int preview_delay_ms; /* [ui] preview_delay */
	long long window_s; /* [cache] window in seconds; 0: "all" (no window) */
	struct ini ini;    /* the whole file, for [keys], [templates], [canned] */
};

/* Default config path for a profile into buf. */
const char *appconfig_default_path(char *buf, size_t len);
/*
 * Load and check: relay url and token_file are required, token_file must
 * pass secfile_check() (the reason is in err otherwise).  Returns 0 or -1.
 */
int appconfig_load(struct appconfig *cfg, const char *path,
    const char *profile, char *err, size_t errlen);
void appconfig_free(struct appconfig *cfg);
/* A window length: "30d", "12h", "2w", "90m", "3600s" or "all" (0).
 * Returns 0, or -1 for anything else. */
/* Keys and sections of the config that ttydesk does not read (a typo,
 * or a key of a newer version): how many, and the first ("line 7:
 * unknown key 'bel' in [ui]") into buf. */
size_t appconfig_unknown(const struct appconfig *cfg, char *buf,
    size_t len);
int appconfig_parse_window(const char *v, long long *seconds);
/* Expand ~ and a relative path against dir.  malloc'd. */
char *appconfig_expand(const char *dir, const char *path);
/* Read the bearer token (secfile memory; release with secfile_wipe). */
char *appconfig_read_token(const struct appconfig *cfg, size_t *len,
    char *err, size_t errlen);

#endif
