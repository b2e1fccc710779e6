/* ttydesk-relay: webhook intake, event log and agent API. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <microhttpd.h>
#include <sodium.h>

#include "log.h"
#include "ttydesk/secfile.h"

#include "agents.h"
#include "config.h"
#include "http.h"
#include "migrate.h"
#include "relay.h"
#include "report_cli.h"
#include "sender.h"
#include "server.h"
#include "store.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: ttydesk-relay --config PATH\n"
	    "       ttydesk-relay add-agent --config PATH ID --name NAME "
	    "[--teams A,B]\n"
	    "       ttydesk-relay rotate-token|remove-agent --config PATH ID\n"
	    "       ttydesk-relay list-agents --config PATH\n"
	    "       ttydesk-relay backup --config PATH FILE\n"
	    "       ttydesk-relay migrate|export|import --config PATH\n"
	    "       ttydesk-relay report --config PATH --from DATE --to DATE "
	    "[--by agent|team|number|day] [--csv | --json]\n"
	    "       ttydesk-relay --version | --help\n");
}

/* One subcommand's options: --config PATH (or --config=PATH), -h,
 * --help, and for add-agent --name and --teams; then the operands. */
struct cli {
	const char *config, *name, *teams;
	char **args;
	int nargs;
};

static int
cli_parse(int argc, char **argv, bool agent_opts, struct cli *c)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"name", required_argument, NULL, 'n'},
		{"teams", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	memset(c, 0, sizeof *c);
	c->teams = "";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:n:t:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			c->config = optarg;
			break;
		case 'n':
		case 't':
			if (!agent_opts)
				goto bad;
			if (ch == 'n')
				c->name = optarg;
			else
				c->teams = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (c->config == NULL)
		goto bad;
	c->args = argv + optind;
	c->nargs = argc - optind;
	return 1;
bad:
	usage(stderr);
	return -1;
}

/* add-agent, rotate-token, remove-agent, list-agents, backup, migrate,
 * export, import.  -1 when argv[0] is none of them. */
static int
subcommand(int argc, char **argv)
{
	const char *cmd = argv[0];
	bool add = strcmp(cmd, "add-agent") == 0;
	int want, rc;
	struct cli c;

	if (strcmp(cmd, "report") == 0)
		return report_main(argc, argv);
	if (add || strcmp(cmd, "rotate-token") == 0 ||
	    strcmp(cmd, "remove-agent") == 0 || strcmp(cmd, "backup") == 0)
		want = 1;
	else if (strcmp(cmd, "list-agents") == 0 || strcmp(cmd, "migrate") == 0
	    || strcmp(cmd, "export") == 0 || strcmp(cmd, "import") == 0)
		want = 0;
	else
		return -1;
	if ((rc = cli_parse(argc, argv, add, &c)) <= 0)
		return rc == 0 ? 0 : 2;
	if (c.nargs != want || (add && c.name == NULL)) {
		usage(stderr);
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	if (add)
		return agents_add(c.config, c.args[0], c.name, c.teams);
	if (strcmp(cmd, "rotate-token") == 0)
		return agents_rotate(c.config, c.args[0]);
	if (strcmp(cmd, "remove-agent") == 0)
		return agents_remove(c.config, c.args[0]);
	if (strcmp(cmd, "list-agents") == 0)
		return agents_list(c.config);
	if (strcmp(cmd, "backup") == 0)
		return backup_main(c.config, c.args[0]);
	if (strcmp(cmd, "migrate") == 0)
		return migrate_main(c.config);
	return strcmp(cmd, "export") == 0 ? export_main(c.config) :
	    import_main(c.config);
}

static int
serve(const char *path)
{
	struct relay_config cfg;
	struct relay r;
	sigset_t set;
	char err[512];
	int sig, rc = 1;

	secfile_harden_process();
	if (sodium_init() < 0) {
		log_msg(LOG_ERR, "event=start_failed message=\"libsodium failed "
		    "to start\"");
		return 1;
	}
	if (config_load(path, 1, &cfg, err, sizeof err) != 0) {
		log_msg(LOG_ERR, "event=start_failed message=\"%s\"", err);
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* threads inherit it */
	signal(SIGPIPE, SIG_IGN);
	/* Past a file-size limit a write must fail (EFBIG: the webhook gets
	 * 500 and Meta retries), not kill the relay. */
	signal(SIGXFSZ, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (server_start(&r, &cfg, err, sizeof err) != 0) {
		log_msg(LOG_ERR, "event=start_failed message=\"%s\"", err);
		goto out;
	}
	log_msg(LOG_NOTICE, "event=started message=\"listening on %s:%u\" "
	    "agents=%zu seq=%lld version=%s", cfg.host, server_port(&r),
	    config_dir(&cfg)->n_agents, (long long)r.last_seq,
	    TTYDESK_VERSION);
	rc = 0;
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		if (config_reload(&cfg, err, sizeof err) != 0)
			log_msg(LOG_ERR, "event=reload_failed message=\"reload "
			    "failed, agents unchanged: %s\"", err);
		else
			log_msg(LOG_NOTICE, "event=reloaded message=\"agents "
			    "reloaded\" agents=%zu",
			    config_dir(&cfg)->n_agents);
	}
	log_msg(LOG_NOTICE, "event=stopping");
out:
	server_stop(&r);
	curl_global_cleanup();
	config_free(&cfg);
	if (rc == 0)
		log_msg(LOG_NOTICE, "event=stopped");
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL;
	int ch, rc;

	/* The event log holds every customer's messages: SQLite creates it
	 * (and its -wal, -shm) with 0666 & ~umask, readable by every user
	 * under the usual 022. */
	umask(077);
	if (argc > 1 && argv[1][0] != '-' && (rc = subcommand(argc - 1,
	    argv + 1)) >= 0)
		return rc;
	while ((ch = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("ttydesk-relay %s\n", TTYDESK_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (config == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	return serve(config);
}
