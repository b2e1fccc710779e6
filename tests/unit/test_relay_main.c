/*
 * The ttydesk-relay program: options, add-agent, SIGHUP revocation,
 * SIGTERM.  Runs the built binary from $TTYDESK_BUILD_DIR.
 */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "check.h"

extern char **environ;

static char bin[512];
static char dir[64] = "/tmp/test_relay_main_XXXXXX";
static char ini[256];
static char logpath[256];
static int port;

/* The port from the relay's "listening on HOST:PORT" line (port 0). */
static int
read_port(void)
{
	char *log = check_read_file(logpath, NULL), *p;
	int v = 0;

	if (log != NULL && (p = strstr(log, "listening on 127.0.0.1:")) != NULL)
		v = atoi(p + 23);
	free(log);
	return v;
}

/* Runs argv, stdout into out (may be NULL); returns the exit status. */
static int
run(char *const argv[], char *out, size_t outlen)
{
	posix_spawn_file_actions_t fa;
	int fds[2], status = -1;
	ssize_t n;
	size_t len = 0;
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	while (out != NULL && len + 1 < outlen &&
	    (n = read(fds[0], out + len, outlen - len - 1)) > 0)
		len += (size_t)n;
	if (out != NULL)
		out[len] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static size_t
sink(char *d, size_t s, size_t n, void *arg)
{
	return s * n;
}

static long
get_me(const char *token)
{
	char hdr[256], url[128];
	struct curl_slist *h;
	CURL *c = curl_easy_init();
	long code = 0;

	snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", token);
	h = curl_slist_append(NULL, hdr);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/me", port);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return code;
}

static void
put(const char *name, const char *text)
{
	char p[256];
	int fd;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(p);
		close(fd);
	}
}

static void
test_options(void)
{
	char out[4096];
	char *version[] = { bin, (char *)"--version", NULL };
	char *help[] = { bin, (char *)"--help", NULL };
	char *bad[] = { bin, (char *)"--frobnicate", NULL };
	char *none[] = { bin, NULL };
	char *missing[] = { bin, (char *)"--config", (char *)"/nonexistent/x.ini",
	    NULL };
	char *agent_bad[] = { bin, (char *)"add-agent", (char *)"--config", ini,
	    NULL };
	char *migrate[] = { bin, (char *)"migrate", (char *)"--config", ini,
	    NULL };

	CHECK_INT(run(version, out, sizeof out), 0);
	CHECK(strncmp(out, "ttydesk-relay ", 14) == 0);
	CHECK_INT(run(help, out, sizeof out), 0);
	CHECK(strstr(out, "add-agent") != NULL);
	CHECK_INT(run(bad, NULL, 0), 2);
	CHECK_INT(run(none, NULL, 0), 2);
	CHECK_INT(run(missing, NULL, 0), 1);
	CHECK_INT(run(agent_bad, NULL, 0), 2);
	CHECK_INT(run(migrate, out, sizeof out), 0);
	CHECK(strstr(out, "schema version") != NULL);
	CHECK_INT(run(migrate, out, sizeof out), 0); /* again: no change */
}

static void
test_agents_and_signals(void)
{
	char token[256], *conf;
	char *add[] = { bin, (char *)"add-agent", (char *)"--config", ini,
	    (char *)"bob", (char *)"--name", (char *)"Bob Martin",
	    (char *)"--teams", (char *)"tier1,tier2", NULL };
	char *serve[] = { bin, (char *)"--config", ini, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = -1, i;
	long code = 0;
	size_t n;

	CHECK_INT(run(add, token, sizeof token), 0);
	n = strlen(token);
	CHECK(n == 65 && token[64] == '\n');
	token[64] = '\0';
	CHECK_INT(run(add, NULL, 0), 1); /* bob exists already */
	conf = check_read_file(ini, NULL);
	CHECK(conf != NULL && strstr(conf, "[agent bob]\nname = Bob Martin\n"
	    "teams = tier1,tier2\ntoken_sha256 = ") != NULL);
	CHECK(conf != NULL && strstr(conf, token) == NULL); /* hash only */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, logpath, O_WRONLY | O_CREAT |
	    O_TRUNC, 0600);
	CHECK_INT(posix_spawn(&pid, bin, &fa, NULL, serve, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	for (i = 0; i < 200 && (port = read_port()) == 0; i++)
		usleep(50000);
	CHECK(port > 0);
	for (i = 0; i < 100 && (code = get_me(token)) == 0; i++)
		usleep(50000);
	CHECK_INT(code, 200);
	CHECK_INT(get_me("0000"), 401);
	/* Revoke bob: remove his section, SIGHUP. */
	if (conf != NULL) {
		*strstr(conf, "[agent bob]") = '\0';
		put("relay.ini", conf);
	}
	kill(pid, SIGHUP);
	for (i = 0; i < 100 && (code = get_me(token)) == 200; i++)
		usleep(50000);
	CHECK_INT(code, 401);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(conf);
}

int
main(void)
{
	const char *b = check_env_dir("TTYDESK_BUILD_DIR", ".");
	static const char *files[] = { "relay.db", "relay.db-wal",
	    "relay.db-shm", "relay.ini", "token", "secret", "relay.log" };
	char p[256];
	size_t i;

	snprintf(bin, sizeof bin, "%s/ttydesk-relay", b);
	if (access(bin, X_OK) != 0 || mkdtemp(dir) == NULL) {
		fprintf(stderr, "no %s\n", bin);
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(ini, sizeof ini, "%s/relay.ini", dir);
	snprintf(logpath, sizeof logpath, "%s/relay.log", dir);
	put("token", "graph-token\n");
	put("secret", "app-secret\n");
	put("relay.ini", "[relay]\nlisten = 127.0.0.1:0\n"
	    "database = relay.db\n[whatsapp]\ngraph_url = http://127.0.0.1:9\n"
	    "phone_number_id = 1\naccess_token_file = token\n"
	    "app_secret_file = secret\n");
	RUN(test_options);
	RUN(test_agents_and_signals);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
	curl_global_cleanup();
	return check_done();
}
