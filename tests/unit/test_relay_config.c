/* Relay configuration: defaults, paths, agents/teams, secrets, reload. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "hours.h"

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

/* The timeouts and limits: defaults, values, and each bound refused
 * with the key named. */
static void
test_limits(void)
{
	static const struct {
		const char *text;
		long request, send, window, escalation; /* seconds */
		unsigned conns, fails, running;
	} good[] = {
		{ "", 30, 30, 60, 30, 32, 100, 4 },
		{ "[relay]\nrequest_timeout = 0\nsend_timeout = 1m\n"
		    "auth_fail_window = 1d\nmax_conns_per_address = 0\n"
		    "auth_fail_limit = 7\n[escalation]\ntimeout = 5s\n"
		    "max_running = 256\n", 0, 60, 86400, 5, 0, 7, 256 },
	};
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "[relay]\nrequest_timeout = 3601\n",
		    "[relay] request_timeout: bad duration" },
		{ "[relay]\nsend_timeout = 0\n",
		    "[relay] send_timeout: bad duration" },
		{ "[relay]\nauth_fail_window = 2d\n",
		    "[relay] auth_fail_window: bad duration" },
		{ "[escalation]\ntimeout = soon\n",
		    "[escalation] timeout: bad duration" },
		{ "[relay]\nmax_conns_per_address = 100001\n",
		    "[relay] max_conns_per_address: not a count" },
		{ "[relay]\nauth_fail_limit = -1\n",
		    "[relay] auth_fail_limit: not a count" },
		{ "[escalation]\nmax_running = 0\n",
		    "[escalation] max_running: 1 to 256" },
		{ "[escalation]\nmax_running = 257\n",
		    "[escalation] max_running: 1 to 256" },
	};
	struct relay_config cfg;
	char err[512], text[512];
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		snprintf(text, sizeof text, "[whatsapp]\nphone_number_id = 1\n%s",
		    good[i].text);
		CHECK_INT(load(text, 0, &cfg, err, sizeof err), 0);
		CHECK_INT(cfg.request_timeout, good[i].request);
		CHECK_INT(cfg.send_timeout, good[i].send);
		CHECK_INT(cfg.auth_fail_window, good[i].window);
		CHECK_INT(cfg.escalation_timeout, good[i].escalation);
		CHECK_INT(cfg.max_conns_per_address, good[i].conns);
		CHECK_INT(cfg.auth_fail_limit, good[i].fails);
		CHECK_INT(cfg.escalation_max_running, good[i].running);
		config_free(&cfg);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, "[whatsapp]\nphone_number_id = 1\n%s",
		    bad[i].text);
		CHECK_INT(load(text, 0, &cfg, err, sizeof err), -1);
		CHECK(strstr(err, bad[i].err) != NULL);
	}
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

static const char numbers[] =
    "[whatsapp]\n"
    "access_token_file = token\n"
    "app_secret_file = secret\n"
    "[number support-de]\n"
    "phone_number_id = 106540352242922\n"
    "display_phone_number = +49 30 1234567\n"
    "waba_id = 102290129340398\n"
    "access_token_file = token-de\n"
    "default_team = tier1\n"
    "[number support_fr]\n"
    "phone_number_id = 106540352242933\n"
    "display_phone_number = +33 1 23456789\n"
    "name = Support FR\n"
    "[agent alice]\n"
    "teams = tier1\n"
    "numbers = support-de\n"
    "token_sha256 = eb0ef26a5114934960d4b5a84a83aa94c9e393b01437a578fb3fe26544f067a9\n";

static void
test_numbers(void)
{
	struct relay_config cfg;
	const struct relay_number *n;
	const struct relay_agent *a;
	char err[512], text[2048];

	put("secret", "app-secret\n", 0600);
	put("token", "graph-token\n", 0600);
	put("token-de", "de-token\n", 0600);
	CHECK_INT(load(numbers, 1, &cfg, err, sizeof err), 0);
	CHECK_INT(config_dir(&cfg)->n_numbers, 2);
	n = config_number_by_phone(&cfg, "106540352242922");
	CHECK(n != NULL && n == config_find_number(&cfg, "support-de"));
	CHECK_STR(n->waba_id, "102290129340398");
	CHECK_STR(n->default_team, "tier1");
	CHECK_STR(config_number_token(&cfg, "support-de"), "de-token");
	/* A number without its own token uses the default one. */
	CHECK_STR(config_number_token(&cfg, "support_fr"), "graph-token");
	CHECK_STR(config_find_number(&cfg, "support_fr")->name, "Support FR");
	CHECK(config_number_by_phone(&cfg, "1") == NULL);
	a = config_find_agent(&cfg, "alice");
	CHECK(config_agent_has_number(a, "support-de"));
	CHECK(!config_agent_has_number(a, "support_fr"));
	config_free(&cfg);

	/* An old config is the one number "main". */
	CHECK_INT(load(base, 0, &cfg, err, sizeof err), 0);
	CHECK_INT(config_dir(&cfg)->n_numbers, 1);
	CHECK_STR(config_find_number(&cfg, "main")->phone_number_id, "42");
	CHECK(config_agent_has_number(config_find_agent(&cfg, "alice"),
	    "main"));
	config_free(&cfg);

	/* Errors name the line. */
	snprintf(text, sizeof text, "%s", numbers);
	memcpy(strstr(text, "numbers = support-de"), "numbers = support-xx", 20);
	CHECK_INT(load(text, 0, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "relay.ini:16: [agent alice] numbers: no [number "
	    "support-xx] section") != NULL);
	snprintf(text, sizeof text, "%s", numbers);
	memcpy(strstr(text, "106540352242933"), "106540352242922", 15);
	CHECK_INT(load(text, 0, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "relay.ini:11: [number support_fr] phone_number_id "
	    "106540352242922 is number support-de already") != NULL);
	CHECK_INT(load("[number a.b]\nphone_number_id = 1\n", 0, &cfg, err,
	    sizeof err), -1);
	CHECK(strstr(err, "relay.ini:2: [number a.b]: bad number id") != NULL);
	CHECK_INT(load("[number a]\ndisplay_phone_number = 1\n", 0, &cfg, err,
	    sizeof err), -1);
	CHECK(strstr(err, "[number a] phone_number_id is required") != NULL);
	CHECK_INT(load("[number a]\nphone_number_id = 12/x\n", 0, &cfg, err,
	    sizeof err), -1);
	CHECK(strstr(err, "relay.ini:2: [number a] phone_number_id: letters, "
	    "digits") != NULL);
	CHECK_INT(load("[number a]\nphone_number_id = 1\ndefault_team = t9\n",
	    0, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "relay.ini:3: [number a] default_team: no team t9") !=
	    NULL);
	/* The token file is a secret like the main one. */
	put("token-de", "de-token\n", 0644);
	CHECK_INT(load(numbers, 1, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "[number support-de] access_token_file") != NULL);
	/* Reload picks up a new number. */
	put("token-de", "de-token\n", 0600);
	CHECK_INT(load(numbers, 1, &cfg, err, sizeof err), 0);
	snprintf(text, sizeof text, "%s[number it]\nphone_number_id = 7\n",
	    numbers);
	put("relay.ini", text, 0600);
	CHECK_INT(config_reload_agents(&cfg, err, sizeof err), 0);
	CHECK(config_find_number(&cfg, "it") != NULL);
	config_free(&cfg);
	snprintf(text, sizeof text, "%s/token-de", dir);
	unlink(text);
}

/* [assignment TEAM] and [hours TEAM]: values, errors with their line,
 * and a SIGHUP picks up a change. */
static void
test_team_policy(void)
{
	struct relay_config cfg;
	const struct relay_team *t;
	char err[512], text[4096];

	snprintf(text, sizeof text, "%s[assignment tier1]\nmode = balanced\n"
	    "capacity = 3\nonline_only = yes\nreassign_after = 30m\n"
	    "[hours tier1]\ntimezone = Europe/Berlin\nmon-fri = 09:00-18:00\n"
	    "away_message = Closed.\n", base);
	CHECK_INT(load(text, 0, &cfg, err, sizeof err), 0);
	t = config_find_team(&cfg, "tier1");
	CHECK(t != NULL);
	if (t != NULL) {
		CHECK_INT(t->assign_mode, ASSIGN_BALANCED);
		CHECK_INT(t->capacity, 3);
		CHECK_INT(t->online_only, 1);
		CHECK_INT(t->reassign_after, 1800);
		CHECK_STR(hours_timezone(t->hours), "Europe/Berlin");
		CHECK_STR(hours_away_message(t->hours), "Closed.");
	}
	t = config_find_team(&cfg, "tier2");
	CHECK(t != NULL && t->assign_mode == ASSIGN_OFF && t->hours == NULL);
	/* Reload: tier1 goes round robin. */
	snprintf(text, sizeof text, "%s[assignment tier1]\nmode = round_robin\n",
	    base);
	put("relay.ini", text, 0600);
	CHECK_INT(config_reload_agents(&cfg, err, sizeof err), 0);
	t = config_find_team(&cfg, "tier1");
	CHECK(t != NULL && t->assign_mode == ASSIGN_ROUND_ROBIN &&
	    t->hours == NULL);
	config_free(&cfg);

	snprintf(text, sizeof text, "%s[hours tier2]\ntimezone = Europe/Berlin\n"
	    "mon-fri = 9-17\n", base);
	CHECK_INT(load(text, 0, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "relay.ini:21: [hours tier2] mon-fri: bad hours") !=
	    NULL);
	snprintf(text, sizeof text, "%s[hours tier2]\ntimezone = Nowhere/City\n",
	    base);
	CHECK_INT(load(text, 0, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, ":20: [hours tier2] timezone:") != NULL);
	snprintf(text, sizeof text, "%s[assignment tier2]\nmode = fastest\n",
	    base);
	CHECK_INT(load(text, 0, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, ":20: [assignment tier2] mode: bad value") != NULL);
	snprintf(text, sizeof text, "%s[assignment nobody]\nmode = balanced\n",
	    base);
	CHECK_INT(load(text, 0, &cfg, err, sizeof err), -1);
	CHECK(strstr(err, "no team 'nobody'") != NULL);
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
	RUN(test_limits);
	RUN(test_reload);
	RUN(test_numbers);
	RUN(test_team_policy);
	snprintf(p, sizeof p, "%s/relay.ini", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/token", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/secret", dir);
	unlink(p);
	rmdir(dir);
	return check_done();
}
