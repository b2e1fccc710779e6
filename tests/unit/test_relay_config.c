/* Relay configuration: defaults, paths, agents/teams, secrets, reload. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "config.h"

static char dir[64];

static void
put(const char *name, const char *text, mode_t mode)
{
	char p[256];
	int fd;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	chmod(p, mode);
}

static const char base[] =
    "[relay]\n"
    "listen = 0.0.0.0:9090\n"
    "database = data/relay.db\n"
    "max_body = 1000\n"
    "[whatsapp]\n"
    "graph_url = http://127.0.0.1:1/v21.0/\n"
    "phone_number_id = 42\n"
    "access_token_file = token\n"
    "app_secret_file = secret\n"
    "verify_token = vt\n"
    "[escalation]\n"
    "command = hooks/escalate.sh\n"
    "[team tier2]\n"
    "name = Tier 2\n"
    "[agent alice]\n"
    "name = Alice\n"
    "teams = tier1, tier2\n"
    "token_sha256 = eb0ef26a5114934960d4b5a84a83aa94c9e393b01437a578fb3fe26544f067a9\n";

static int
load(const char *text, int secrets, struct relay_config *cfg, char *err,
    size_t errlen)
{
	char p[256];

	put("relay.ini", text, 0600);
	snprintf(p, sizeof p, "%s/relay.ini", dir);
	return config_load(p, secrets, cfg, err, errlen);
}

static void
test_load(void)
{
	struct relay_config cfg;
	char err[512], want[256];
	const struct relay_directory *d;

	put("token", "graph-token\n", 0600);
	put("secret", "app-secret\n", 0600);
	CHECK_INT(load(base, 1, &cfg, err, sizeof err), 0);
	CHECK_STR(cfg.host, "0.0.0.0");
	CHECK_INT(cfg.port, 9090);
	snprintf(want, sizeof want, "%s/data/relay.db", dir);
	CHECK_STR(cfg.database, want);
	snprintf(want, sizeof want, "%s/hooks/escalate.sh", dir);
	CHECK_STR(cfg.escalation_command, want);
	CHECK_INT(cfg.max_body, 1000);
	CHECK_STR(cfg.graph_url, "http://127.0.0.1:1/v21.0");
	CHECK_STR(cfg.access_token, "graph-token");
	CHECK_STR(cfg.app_secret, "app-secret");
	CHECK_INT(cfg.app_secret_len, 10);
	d = config_dir(&cfg);
	CHECK_INT(d->n_agents, 1);
	CHECK_INT(d->n_teams, 2); /* tier2 declared, tier1 named by alice */
	CHECK_STR(config_find_team(&cfg, "tier2")->name, "Tier 2");
	CHECK_STR(config_find_team(&cfg, "tier1")->name, "tier1");
	CHECK(config_find_team(&cfg, "tier3") == NULL);
	CHECK(config_find_agent_by_token(&cfg, "alicetoken", 10) ==
	    config_find_agent(&cfg, "alice"));
	CHECK(config_find_agent_by_token(&cfg, "alicetokeN", 10) == NULL);
	CHECK(config_find_agent_by_token(&cfg, "", 0) == NULL);
	CHECK_INT(config_find_agent(&cfg, "alice")->n_teams, 2);
	config_free(&cfg);
}

static void
test_defaults(void)
{
	struct relay_config cfg;
	char err[512];

	CHECK_INT(load("[whatsapp]\nphone_number_id = 1\n", 0, &cfg, err,
	    sizeof err), 0);
	CHECK_STR(cfg.host, "127.0.0.1");
	CHECK_INT(cfg.port, 8080);
	CHECK_INT(cfg.max_body, 4194304);
	CHECK_STR(cfg.graph_url, "https://graph.facebook.com/v21.0");
	CHECK_INT(config_dir(&cfg)->n_agents, 0);
	config_free(&cfg);
}

static void
test_errors(void)
{
	struct relay_config cfg;
	char err[512], text[2048];

	CHECK_INT(load("[relay]\nlisten = nohost\n[whatsapp]\n"
	    "phone_number_id = 1\n", 0, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "listen must be host:port") != NULL);
	CHECK_INT(load("[relay]\nlisten = h:99999\n[whatsapp]\n"
	    "phone_number_id = 1\n", 0, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "bad port") != NULL);
	CHECK_INT(load("[relay]\nmax_body = lots\n[whatsapp]\n"
	    "phone_number_id = 1\n", 0, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "max_body") != NULL);
	CHECK_INT(load("[relay]\n", 0, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "phone_number_id is required") != NULL);
	CHECK_INT(load("[whatsapp]\nphone_number_id = 1\n[agent bob]\n"
	    "token_sha256 = abc\n", 0, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "[agent bob]: token_sha256 must be 64 hex digits") !=
	    NULL);
	CHECK_INT(load("[whatsapp]\nphone_number_id = 1\n[sla]\n"
	    "first_response = soon\n", 0, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "[sla] first_response: bad duration") != NULL);
	CHECK_INT(load("[whatsapp\n", 0, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "relay.ini:1: missing ']'") != NULL);
	/* Secret files must be 0600 (and exist). */
	put("secret", "app-secret\n", 0644);
	CHECK_INT(load(base, 1, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "app_secret_file") != NULL);
	CHECK(strstr(err, "permissions 0644 are too open") != NULL);
	put("secret", "app-secret\n", 0600);
	put("token", "graph-token\n", 0640);
	CHECK_INT(load(base, 1, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "access_token_file") != NULL);
	put("token", "graph-token\n", 0600);
	snprintf(text, sizeof text, "%s", base);
	*strstr(text, "access_token_file") = '#';
	CHECK_INT(load(text, 1, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "access_token_file is required") != NULL);
}

static void
test_reload(void)
{
	struct relay_config cfg;
	char err[512], text[2048];
	const struct relay_agent *old;

	CHECK_INT(load(base, 0, &cfg, err, sizeof err), 0);
	old = config_find_agent_by_token(&cfg, "alicetoken", 10);
	CHECK(old != NULL);
	/* Revoke alice by rewriting the file. */
	snprintf(text, sizeof text, "%s", base);
	*strstr(text, "[agent alice]") = '#';
	*strstr(text, "token_sha256") = '#';
	put("relay.ini", text, 0600);
	CHECK_INT(config_reload_agents(&cfg, err, sizeof err), 0);
	CHECK(config_find_agent_by_token(&cfg, "alicetoken", 10) == NULL);
	CHECK_STR(old->id, "alice"); /* still readable by in-flight requests */
	/* A broken file leaves the agents as they were. */
	put("relay.ini", "[agent x]\ntoken_sha256 = 12\n", 0600);
	CHECK_INT(config_reload_agents(&cfg, err, sizeof err), -1);
	CHECK_INT(config_dir(&cfg)->n_agents, 0);
	config_free(&cfg);
}

int
main(void)
{
	char p[256];

	snprintf(dir, sizeof dir, "/tmp/test_relay_config_XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(test_load);
	RUN(test_defaults);
	RUN(test_errors);
	RUN(test_reload);
	snprintf(p, sizeof p, "%s/relay.ini", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/token", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/secret", dir);
	unlink(p);
	rmdir(dir);
	return check_done();
}
