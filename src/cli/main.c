/* ttydesk: the agent's terminal inbox. */
#include <getopt.h>
#include <sodium.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ttydesk/cache.h"
#include "ttydesk/cliopt.h"
#include "ttydesk/model.h"
#include "ttydesk/secfile.h"
#include "app.h"
#include "cacheopen.h"
#include "appconfig.h"
#include "loop.h"
#include "reportcli.h"
#include "ui.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: ttydesk [--config PATH] [--profile NAME] [--forget]\n"
	    "       ttydesk keygen PATH\n"
	    "       ttydesk [--config PATH] report [--from DATE] [--to DATE] "
	    "[--by agent|team|number|day]\n"
	    "       ttydesk --version | --help\n"
	    "\n"
	    "  --config PATH   config file (default $XDG_CONFIG_HOME/ttydesk/config)\n"
	    "  --profile NAME  cache profile (default: default)\n"
	    "  --forget        wipe this profile's encrypted cache and exit\n"
	    "  keygen PATH     write a new random cache key file (mode 0600)\n"
	    "  report          print the relay's report (supervisors); DATE is\n"
	    "                  YYYY-MM-DD in UTC, default the last 7 days\n"
	    "Keys: press ? inside ttydesk, or see docs/keys.md.\n");
}

static int
cmd_keygen(const char *path)
{
	char err[512];

	if (cache_keygen(path, err, sizeof err) != 0) {
		fprintf(stderr, "ttydesk: keygen: %s\n", err);
		return 1;
	}
	printf("wrote a new cache key to %s (mode 0600)\n", path);
	return 0;
}

static int
cmd_forget(const struct appconfig *cfg)
{
	char err[512];

	if (cache_forget(cfg->cache_dir, err, sizeof err) != 0) {
		fprintf(stderr, "ttydesk: --forget: %s\n", err);
		return 1;
	}
	printf("wiped the cache of profile %s (%s)\n", cfg->profile,
	    cfg->cache_dir);
	return 0;
}

/* ttydesk report: the table on stdout, no screen, no cache. */
static int
cmd_report(struct appconfig *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"by", required_argument, NULL, 'b'},
		{NULL, 0, NULL, 0},
	};
	const char *from = NULL, *to = NULL, *by = NULL;
	const struct cliopt_str strs[] = { { 'f', &from }, { 't', &to },
	    { 'b', &by } };
	struct td_model *model;
	struct app app;
	char err[1024];
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (!cliopt_take(strs, sizeof strs / sizeof strs[0], ch,
		    optarg)) {
			usage(stderr);
			return REPORTCLI_USAGE;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return REPORTCLI_USAGE;
	}
	if ((model = model_new(NULL)) == NULL ||
	    app_init(&app, cfg, model, err, sizeof err) != 0) {
		fprintf(stderr, "ttydesk: out of memory\n");
		return REPORTCLI_FAILED;
	}
	if (app_read_token(&app, err, sizeof err) != 0) {
		fprintf(stderr, "ttydesk report: %s\n", err);
		app_free(&app);
		return REPORTCLI_FAILED;
	}
	rc = reportcli_run(&app, from, to, by, stdout, stderr);
	app_free(&app);
	return rc;
}

static int
run(struct appconfig *cfg)
{
	struct app app;
	struct td_model *model;
	char err[1024];
	size_t n;
	int rc = 1;

	if ((model = model_new(NULL)) == NULL) {
		fprintf(stderr, "ttydesk: out of memory\n");
		return 1;
	}
	if (app_init(&app, cfg, model, err, sizeof err) != 0 ||
	    ui_init(&app, err, sizeof err) != 0) {
		fprintf(stderr, "ttydesk: %s\n", err);
		app_free(&app);
		return 1;
	}
	/* Secrets are read and the cache opened before curses (they may fail
	 * with a message, ask for a passphrase or whether to rebuild); the
	 * cache is replayed after (the screen fills as it goes). */
	if (app_read_token(&app, err, sizeof err) != 0 ||
	    app_open_cache(&app, err, sizeof err) != 0 ||
	    ui_start(&app, err, sizeof err) != 0) {
		fprintf(stderr, "ttydesk: %s\n", err);
		goto out;
	}
	if (app_load_cache(&app, err, sizeof err) != 0) {
		ui_stop(&app);
		fprintf(stderr, "ttydesk: cache %s: %s\n", cfg->cache_dir, err);
		goto out;
	}
	if (app_start_net(&app, err, sizeof err) != 0) {
		ui_stop(&app);
		fprintf(stderr, "ttydesk: %s\n", err);
		goto out;
	}
	if ((n = appconfig_unknown(cfg, err, sizeof err)) > 0)
		app_error(&app, "%s: %s%s (not used; a typo?)", cfg->path, err,
		    n > 1 ? " and more" : "");
	rc = loop_run(&app) == 0 ? 0 : 1;
out:
	app_free(&app);
	return rc;
}

/*
 * The cache replay makes some hundred thousand small allocations at start;
 * faulting them in 4 KiB pages took half of a restart's CPU.  glibc backs
 * its heap with transparent huge pages when GLIBC_TUNABLES holds
 * glibc.malloc.hugetlb=1, and reads that only at exec: so where the kernel
 * gives huge pages on request ("madvise" mode, Debian's default), ttydesk
 * execs itself once with it.  A GLIBC_TUNABLES that already names the
 * tunable is left as the user set it; a failed exec goes on as before.
 */
static void
start_with_huge_pages(char **argv)
{
	const char *was = getenv("GLIBC_TUNABLES");
	char mode[128] = "", self[4096], *tunables;
	size_t len;
	ssize_t n;
	FILE *fp;

	if (was != NULL && strstr(was, "glibc.malloc.hugetlb") != NULL)
		return;
	if ((fp = fopen("/sys/kernel/mm/transparent_hugepage/enabled",
	    "re")) == NULL)
		return;
	if (fgets(mode, sizeof mode, fp) == NULL)
		mode[0] = '\0';
	fclose(fp);
	if (strstr(mode, "[madvise]") == NULL)
		return;
	len = (was != NULL ? strlen(was) + 1 : 0) + sizeof
	    "glibc.malloc.hugetlb=1";
	if ((tunables = malloc(len)) == NULL)
		return;
	snprintf(tunables, len, "%s%sglibc.malloc.hugetlb=1",
	    was != NULL ? was : "", was != NULL ? ":" : "");
	/* By its own path, not /proc/self/exe: the process keeps its
	 * name ("exe" otherwise, in ps and for anyone looking for it). */
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0 && (size_t)n < sizeof self - 1 &&
	    setenv("GLIBC_TUNABLES", tunables, 1) == 0) {
		self[n] = '\0';
		execv(self, argv);
		if (was != NULL)
			setenv("GLIBC_TUNABLES", was, 1);
		else
			unsetenv("GLIBC_TUNABLES");
	}
	free(tunables);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"profile", required_argument, NULL, 'p'},
		{"forget", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *profile = NULL;
	const struct cliopt_str strs[] = { { 'c', &config },
	    { 'p', &profile } };
	char defpath[4096], err[1024];
	struct appconfig cfg;
	int ch, forget = 0, rc, report = 0;

	start_with_huge_pages(argv);
	setlocale(LC_ALL, "");
	secfile_harden_process();
	if (sodium_init() < 0) {
		fprintf(stderr, "ttydesk: libsodium failed to initialise\n");
		return 1;
	}
	/* '+': stop at the command, whose options are its own. */
	while ((ch = getopt_long(argc, argv, "+c:p:hV", opts, NULL)) != -1) {
		if (cliopt_take(strs, sizeof strs / sizeof strs[0], ch,
		    optarg))
			continue;
		switch (ch) {
		case 'F':
			forget = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("ttydesk %s\n", TTYDESK_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		if (strcmp(argv[optind], "keygen") == 0 && optind + 2 == argc)
			return cmd_keygen(argv[optind + 1]);
		if (strcmp(argv[optind], "report") != 0 || forget) {
			usage(stderr);
			return 2;
		}
		report = optind;
	}
	if (config == NULL)
		config = appconfig_default_path(defpath, sizeof defpath);
	if (appconfig_load(&cfg, config, profile, err, sizeof err) != 0) {
		fprintf(stderr, "ttydesk: %s\n", err);
		return 1;
	}
	if (report > 0)
		rc = cmd_report(&cfg, argc - report, argv + report);
	else
		rc = forget ? cmd_forget(&cfg) : run(&cfg);
	appconfig_free(&cfg);
	return rc;
}
