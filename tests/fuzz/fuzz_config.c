/*
 * Configuration text: the INI reader and the three things built on it
 * (the relay's config, the TUI's config, colour themes).  Config files are
 * the operator's, not strangers', but a typo must give "FILE:LINE: what",
 * never a crash, and themes may come from anywhere.
 * Every input goes through all four.  Invariants: every entry parsed can
 * be looked up again, errors name the file.
 */
#include <fcntl.h>
#include <unistd.h>

#include "fuzz.h"
#include "ttydesk/ini.h"
#include "config.h"
#include "appconfig.h"
#include "theme.h"
#include "cache_testutil.h"

static char *fz_base, *fz_file;

static void
fuzz_config_cleanup(void)
{
	if (fz_base != NULL)
		tu_rmrf(fz_base);
	free(fz_base);
	free(fz_file);
}

static void
fuzz_config_init(void)
{
	if (getenv("TMPDIR") == NULL && access("/dev/shm", W_OK) == 0)
		setenv("TMPDIR", "/dev/shm", 0);
	fz_base = tu_tmpdir();
	fz_file = tu_path(fz_base, "config");
	atexit(fuzz_config_cleanup);
}

static void
fuzz_ini(const char *text, size_t len)
{
	struct ini ini;
	char err[512];
	size_t i;

	memset(&ini, 0, sizeof ini);
	err[0] = '\0';
	if (ini_parse(text, len, "fuzz.conf", &ini, err, sizeof err) != 0) {
		FUZZ_ASSERT(strncmp(err, "fuzz.conf:", 10) == 0);
		ini_free(&ini);
		return;
	}
	for (i = 0; i < ini.n; i++) {
		const struct ini_entry *e = &ini.entries[i];

		FUZZ_ASSERT(e->section != NULL && e->key != NULL &&
		    e->value != NULL);
		FUZZ_ASSERT(ini_get(&ini, e->section, e->key) != NULL);
		FUZZ_ASSERT(e->line >= 1);
		fuzz_sink += (size_t)ini_parse_duration(e->value);
		fuzz_sink += (size_t)ini_parse_bool(e->value);
	}
	for (i = 0; i < ini.n_sections; i++)
		fuzz_str(ini.sections[i]);
	ini_free(&ini);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct relay_config rc;
	struct appconfig ac;
	struct theme th;
	char err[512];

	if (fz_base == NULL)
		fuzz_config_init();
	fuzz_ini(text, size);

	theme_default(&th);
	err[0] = '\0';
	if (theme_parse(&th, text, size, "fuzz.theme", err, sizeof err) != 0)
		FUZZ_ASSERT(err[0] != '\0');

	tu_write(fz_file, data, size);
	memset(&rc, 0, sizeof rc);
	err[0] = '\0';
	if (config_load(fz_file, 0, &rc, err, sizeof err) != 0)
		FUZZ_ASSERT(err[0] != '\0');
	config_free(&rc);

	memset(&ac, 0, sizeof ac);
	err[0] = '\0';
	if (appconfig_load(&ac, fz_file, "fuzz", err, sizeof err) != 0)
		FUZZ_ASSERT(err[0] != '\0');
	appconfig_free(&ac);
	return 0;
}
