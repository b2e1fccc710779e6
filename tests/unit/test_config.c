/* The agent's config: required keys, path expansion, secret-file
 * permissions (refused with the reason), bell. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "ttydesk/secfile.h"
#include "appconfig.h"

static char dir[256];

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
	f = fopen(path, "w");
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static int
load(struct appconfig *cfg, const char *text, char *err, size_t errlen)
{
	char path[512];

	write_file("config", text, 0644);
	snprintf(path, sizeof path, "%s/config", dir);
	return appconfig_load(cfg, path, NULL, err, errlen);
}

static void
test_ok(void)
{
	struct appconfig cfg;
	char err[512], want[512];

	write_file("token", "secret-token\n", 0600);
	CHECK_INT(load(&cfg, "[relay]\nurl = http://127.0.0.1:8080/\n"
	    "token_file = token\n[cache]\nkey_file = keys/cache.key\n"
	    "dir = ~/cachedir\n[ui]\ntheme = dark\nbell = off\n"
	    "open_command = xdg-open\npreview_delay = 250ms\n", err,
	    sizeof err), 0);
	CHECK_STR(cfg.relay_url, "http://127.0.0.1:8080");
	snprintf(want, sizeof want, "%s/token", dir);
	CHECK_STR(cfg.token_file, want);
	snprintf(want, sizeof want, "%s/keys/cache.key", dir);
	CHECK_STR(cfg.key_file, want);
	snprintf(want, sizeof want, "%s/cachedir", getenv("HOME"));
	CHECK_STR(cfg.cache_dir, want);
	CHECK_STR(cfg.theme, "dark");
	CHECK_STR(cfg.open_command, "xdg-open");
	CHECK_STR(cfg.profile, "default");
	CHECK(!cfg.bell);
	CHECK_INT(cfg.preview_delay_ms, 250);
	{
		size_t len = 0;
		char *tok = appconfig_read_token(&cfg, &len, err, sizeof err);
		CHECK(tok != NULL);
		if (tok != NULL) {
			CHECK_STR(tok, "secret-token");
			CHECK_INT(len, 12);
			secfile_wipe(tok, len);
		}
	}
	appconfig_free(&cfg);
}

/* Keys and sections ttydesk does not read are named with their line. */
static void
test_unknown(void)
{
	static const struct {
		const char *rest; /* after [relay] url and token_file */
		size_t n;
		const char *first;
	} cases[] = {
		{ "[ui]\ntheme = dark\nnumber = support-de\n[keys]\nreply = r\n"
		    "[compose_keys]\n"
		    "newline = Enter\n[templates]\nx = en: y\n[canned]\n"
		    "hi = Hi\n", 0, "" },
		{ "[ui]\nbel = off\n[colours]\nx = 1\n", 2,
		    "line 5: unknown key 'bel' in [ui]" },
		{ "[colours]\nx = 1\n", 1, "line 5: unknown section [colours]" },
	};
	struct appconfig cfg;
	char text[512], err[512], buf[256];
	size_t i;

	write_file("token", "t\n", 0600);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, "[relay]\nurl = http://127.0.0.1:8080"
		    "\ntoken_file = token\n%s", cases[i].rest);
		CHECK_INT(load(&cfg, text, err, sizeof err), 0);
		CHECK_INT(appconfig_unknown(&cfg, buf, sizeof buf), cases[i].n);
		CHECK_STR(buf, cases[i].first);
		appconfig_free(&cfg);
	}
}

static void
test_defaults(void)
{
	struct appconfig cfg;
	char err[512], cfgpath[512];

	setenv("XDG_CACHE_HOME", "/xdg-cache", 1);
	write_file("token", "t\n", 0600);
	write_file("config", "[relay]\nurl = https://relay.example.com\n"
	    "token_file = token\n", 0644);
	snprintf(cfgpath, sizeof cfgpath, "%s/config", dir);
	CHECK_INT(appconfig_load(&cfg, cfgpath, "support", err, sizeof err), 0);
	CHECK_STR(cfg.cache_dir, "/xdg-cache/ttydesk/support");
	CHECK_STR(cfg.theme, "default");
	CHECK(cfg.bell);
	CHECK_INT(cfg.preview_delay_ms, APPCONFIG_PREVIEW_DELAY_MS);
	CHECK(cfg.key_file == NULL);
	CHECK(cfg.ca_file == NULL);
	appconfig_free(&cfg);
	unsetenv("XDG_CACHE_HOME");
}

static void
test_token_permissions(void)
{
	struct appconfig cfg;
	char err[512];

	write_file("token", "secret\n", 0644);
	CHECK_INT(load(&cfg, "[relay]\nurl = http://x\ntoken_file = token\n",
	    err, sizeof err), -1);
	/* The reason and the fix, from secfile. */
	CHECK(strstr(err, "token_file") != NULL);
	CHECK(strstr(err, "0644") != NULL);
	CHECK(strstr(err, "chmod 600") != NULL);

	write_file("token", "secret\n", 0640);
	CHECK_INT(load(&cfg, "[relay]\nurl = http://x\ntoken_file = token\n",
	    err, sizeof err), -1);
	CHECK(strstr(err, "0640") != NULL);

	CHECK_INT(load(&cfg, "[relay]\nurl = http://x\ntoken_file = nothere\n",
	    err, sizeof err), -1);
	CHECK(strstr(err, "nothere") != NULL);
}

static void
test_errors(void)
{
	struct appconfig cfg;
	char err[512];

	write_file("token", "t\n", 0600);
	CHECK_INT(load(&cfg, "[relay]\ntoken_file = token\n", err, sizeof err), -1);
	CHECK(strstr(err, "[relay] url is missing") != NULL);
	CHECK_INT(load(&cfg, "[relay]\nurl = ftp://x\ntoken_file = token\n", err,
	    sizeof err), -1);
	CHECK(strstr(err, "https://") != NULL);
	CHECK_INT(load(&cfg, "[relay]\nurl = http://x\n", err, sizeof err), -1);
	CHECK(strstr(err, "token_file is missing") != NULL);
	CHECK_INT(load(&cfg, "[relay]\nurl = http://x\ntoken_file = token\n"
	    "[ui]\nbell = loud\n", err, sizeof err), -1);
	CHECK(strstr(err, "bell") != NULL && strstr(err, "loud") != NULL);
	{
		static const char *const bad[] = { "soon", "-1", "5001",
		    "99999999999999999999", "12s", "", "+5", "1.5" };
		char text[256];
		size_t i;

		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			snprintf(text, sizeof text, "[relay]\nurl = http://x\n"
			    "token_file = token\n[ui]\npreview_delay = %s\n",
			    bad[i]);
			CHECK_INT(load(&cfg, text, err, sizeof err), -1);
			CHECK(strstr(err, "preview_delay must be a number of "
			    "milliseconds") != NULL);
		}
		CHECK_INT(load(&cfg, "[relay]\nurl = https://x\ntoken_file = "
		    "token\n[ui]\npreview_delay = 0\n", err, sizeof err), 0);
		CHECK_INT(cfg.preview_delay_ms, 0);
		appconfig_free(&cfg);
	}
	CHECK_INT(load(&cfg, "[relay]\nurl = http://x\ntoken_file = token\n"
	    "[cache]\nkey_file = k\npassphrase_command = pass x\n", err,
	    sizeof err), -1);
	CHECK(strstr(err, "both key_file and passphrase_command") != NULL);
	CHECK_INT(load(&cfg, "[relay\nurl = http://x\n", err, sizeof err), -1);
	CHECK(strstr(err, "config:1") != NULL);
	CHECK_INT(appconfig_load(&cfg, "/nonexistent/ttydesk/config", NULL, err,
	    sizeof err), -1);
	CHECK(strstr(err, "/nonexistent/ttydesk/config") != NULL);
}

/* Plain http:// only to this machine, unless allow_insecure = yes. */
static void
test_insecure(void)
{
	static const char *const local[] = { "http://127.0.0.1:8080",
	    "http://127.9.3.1/", "http://localhost:1", "http://LOCALHOST",
	    "http://[::1]:8080/", "https://relay.example.com",
	    "http://u@127.0.0.1/" };
	static const char *const remote[] = { "http://relay.example.com",
	    "http://10.0.0.1:8080", "http://128.0.0.1", "http://[::2]/",
	    "http://127.0.0.1@evil.example/", "http://localhost.evil.example",
	    "http://127.0.0.1.evil.example/" };
	struct appconfig cfg;
	char err[512], text[256];
	size_t i;

	write_file("token", "t\n", 0600);
	for (i = 0; i < sizeof local / sizeof local[0]; i++) {
		snprintf(text, sizeof text, "[relay]\nurl = %s\ntoken_file = "
		    "token\n", local[i]);
		CHECK_INT(load(&cfg, text, err, sizeof err), 0);
		appconfig_free(&cfg);
	}
	for (i = 0; i < sizeof remote / sizeof remote[0]; i++) {
		snprintf(text, sizeof text, "[relay]\nurl = %s\ntoken_file = "
		    "token\n", remote[i]);
		CHECK_INT(load(&cfg, text, err, sizeof err), -1);
		CHECK(strstr(err, "[relay] url") != NULL);
		CHECK(strstr(err, "allow_insecure = yes") != NULL);
		snprintf(text, sizeof text, "[relay]\nurl = %s\ntoken_file = "
		    "token\nallow_insecure = yes\n", remote[i]);
		CHECK_INT(load(&cfg, text, err, sizeof err), 0);
		appconfig_free(&cfg);
	}
	CHECK_INT(load(&cfg, "[relay]\nurl = http://x\ntoken_file = token\n"
	    "allow_insecure = maybe\n", err, sizeof err), -1);
	CHECK(strstr(err, "allow_insecure must be yes or no") != NULL);
}

/* A config that names commands must be the user's (or root's) alone. */
static void
test_commands_trusted(void)
{
	static const char *const text[] = {
	    "[relay]\nurl = https://x\ntoken_file = token\n[cache]\n"
	    "passphrase_command = pass x\n",
	    "[relay]\nurl = https://x\ntoken_file = token\n[ui]\n"
	    "open_command = xdg-open\n" };
	struct appconfig cfg;
	char err[512], path[512];
	size_t i;

	write_file("token", "t\n", 0600);
	snprintf(path, sizeof path, "%s/config", dir);
	for (i = 0; i < 2; i++) {
		write_file("config", text[i], 0664);
		CHECK_INT(appconfig_load(&cfg, path, NULL, err, sizeof err), -1);
		CHECK(strstr(err, "0664") != NULL);
		CHECK(strstr(err, "chmod go-w") != NULL);
		CHECK(strstr(err, i == 0 ? "passphrase_command" :
		    "open_command") != NULL);
		write_file("config", text[i], 0646);
		CHECK_INT(appconfig_load(&cfg, path, NULL, err, sizeof err), -1);
		write_file("config", text[i], 0644);
		CHECK_INT(appconfig_load(&cfg, path, NULL, err, sizeof err), 0);
		appconfig_free(&cfg);
		/* Someone else's file (only root can make one here). */
		if (geteuid() == 0 && chown(path, 1, 1) == 0) {
			CHECK_INT(appconfig_load(&cfg, path, NULL, err,
			    sizeof err), -1);
			CHECK(strstr(err, "owned by uid 1") != NULL);
		}
	}
	/* Without commands a group-writable config is still read. */
	write_file("config", "[relay]\nurl = https://x\ntoken_file = token\n",
	    0664);
	CHECK_INT(appconfig_load(&cfg, path, NULL, err, sizeof err), 0);
	appconfig_free(&cfg);
}

static void
test_expand(void)
{
	char *p;

	p = appconfig_expand("/etc/td", "rel/file");
	CHECK_STR(p, "/etc/td/rel/file");
	free(p);
	p = appconfig_expand("/etc/td", "/abs/file");
	CHECK_STR(p, "/abs/file");
	free(p);
	setenv("HOME", "/home/agent", 1);
	p = appconfig_expand("/etc/td", "~/x");
	CHECK_STR(p, "/home/agent/x");
	free(p);
	p = appconfig_expand("/etc/td", "~user/x");
	CHECK_STR(p, "/etc/td/~user/x");
	free(p);
}

int
main(void)
{
	char tmpl[] = "/tmp/ttydesk-config-test-XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return 1;
	snprintf(dir, sizeof dir, "%s", tmpl);
	RUN(test_ok);
	RUN(test_defaults);
	RUN(test_unknown);
	RUN(test_token_permissions);
	RUN(test_errors);
	RUN(test_insecure);
	RUN(test_commands_trusted);
	RUN(test_expand);
	{
		char cmd[600];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return check_done();
}
