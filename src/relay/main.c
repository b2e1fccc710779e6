/* ttydesk-relay: webhook intake, event log and agent API. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
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

#include "config.h"
#include "http.h"
#include "migrate.h"
#include "relay.h"
#include "sender.h"
#include "server.h"
#include "store.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: ttydesk-relay --config PATH\n"
	    "       ttydesk-relay add-agent --config PATH ID --name NAME "
	    "--teams A,B\n"
	    "       ttydesk-relay migrate|export|import --config PATH\n"
	    "       ttydesk-relay --version | --help\n");
}

static int
relay_valid_field(const char *s)
{
	const char *p;

	if (s == NULL || *s == '\0' || strlen(s) > 200)
		return 0;
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == '#' || *p == ';' ||
		    *p == '[' || *p == ']')
			return 0;
	}
	return 1;
}

static int
add_agent(const char *path, const char *id, const char *name,
    const char *teams)
{
	struct relay_config cfg;
	unsigned char rnd[32], hash[32];
	char token[65], hex[65], err[512], *text = NULL;
	size_t n;
	int fd, rc = 1;
	ssize_t w;
	char last = '\n';

	if (!relay_valid_field(id) || strchr(id, ' ') != NULL ||
	    !relay_valid_field(name) || (teams != NULL && *teams != '\0' &&
	    !relay_valid_field(teams))) {
		fprintf(stderr, "ttydesk-relay: add-agent: ID and NAME must be "
		    "non-empty, one line, without # ; [ ]\n");
		return 2;
	}
	if (config_load(path, 0, &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "ttydesk-relay: %s\n", err);
		return 1;
	}
	if (config_find_agent(&cfg, id) != NULL) {
		fprintf(stderr, "ttydesk-relay: agent %s already exists in %s\n",
		    id, path);
		goto out;
	}
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(token, sizeof token, rnd, sizeof rnd);
	crypto_hash_sha256(hash, (unsigned char *)token, strlen(token));
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	if ((fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC)) < 0) {
		fprintf(stderr, "ttydesk-relay: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (lseek(fd, -1, SEEK_END) >= 0 && read(fd, &last, 1) != 1)
		last = '\n';
	n = (size_t)asprintf(&text, "%s\n[agent %s]\nname = %s\nteams = %s\n"
	    "token_sha256 = %s\n", last == '\n' ? "" : "\n", id, name,
	    teams ? teams : "", hex);
	w = text ? write(fd, text, n) : -1;
	if (w != (ssize_t)n || fsync(fd) != 0) {
		fprintf(stderr, "ttydesk-relay: %s: %s\n", path, strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	printf("%s\n", token);
	fprintf(stderr, "agent %s added to %s; the token above is shown only "
	    "once\n", id, path);
	rc = 0;
out:
	sodium_memzero(token, sizeof token);
	sodium_memzero(rnd, sizeof rnd);
	free(text);
	config_free(&cfg);
	return rc;
}

static int
add_agent_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"name", required_argument, NULL, 'n'},
		{"teams", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *name = NULL, *teams = "";
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:n:t:", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 't':
			teams = optarg;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (config == NULL || name == NULL || optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	return add_agent(config, argv[optind], name, teams);
}

/* migrate / export / import --config PATH (migrate.c). */
static int
store_command(int argc, char **argv)
{
	const char *cmd = argv[0];

	if (argc != 3 || (strcmp(argv[1], "--config") != 0 &&
	    strcmp(argv[1], "-c") != 0)) {
		usage(stderr);
		return 2;
	}
	if (strcmp(cmd, "migrate") == 0)
		return migrate_main(argv[2]);
	return strcmp(cmd, "export") == 0 ? export_main(argv[2]) :
	    import_main(argv[2]);
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
		if (config_reload_agents(&cfg, err, sizeof err) != 0)
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
	int ch;

	/* The event log holds every customer's messages: SQLite creates it
	 * (and its -wal, -shm) with 0666 & ~umask, readable by every user
	 * under the usual 022. */
	umask(077);
	if (argc > 1 && strcmp(argv[1], "add-agent") == 0)
		return add_agent_main(argc - 1, argv + 1);
	if (argc > 1 && (strcmp(argv[1], "migrate") == 0 ||
	    strcmp(argv[1], "export") == 0 || strcmp(argv[1], "import") == 0))
		return store_command(argc - 1, argv + 1);
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
